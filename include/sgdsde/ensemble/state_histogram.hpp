#pragma once
// Streaming histograms of the states over a window of steps: stationary distributions of 10⁶–10⁷
// particles without storing a single sample. Each thread fills its own histogram; the integer
// counts are merged at the end, exactly, so the result does not depend on the thread count.
#include <omp.h>

#include <algorithm>
#include <span>
#include <vector>

#include "sgdsde/ensemble/observer.hpp"
#include "sgdsde/stats/histogram.hpp"

namespace sgdsde {

namespace detail {
template <class Hist, class Add>
class StateHistogramBase {
 public:
  StateHistogramBase(Hist empty, RecordPlan window)
      : result_(std::move(empty)), window_(window), finished_(result_) {}

  void begin(const ObserverContext& c) {
    n_steps_ = c.n_steps;
    result_.clear();
    per_thread_.assign(static_cast<std::size_t>(omp_get_max_threads()), result_);
    finished_ = result_;
    samples_per_particle_ = static_cast<Index>(window_.steps(c.n_steps).size());
  }
  [[nodiscard]] long next_record(long k) const { return window_.next(k, n_steps_); }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    if (!window_.records(k, n_steps_)) return;
    Hist& h = per_thread_[static_cast<std::size_t>(omp_get_thread_num())];
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (v.alive(p)) Add{}(h, x, p, coords_);
  }
  /// The threads' histograms merged, then the integer counts summed over the ranks (exact).
  void share_across_ranks(const RankLayout&) {
    merge_threads();
    result_.visit_counters([](std::span<std::int64_t> c) { ranks::sum(c); });
  }
  /// Checkpoints: the counts of the finished blocks are kept apart from those of running blocks (a
  /// thread's histogram holds only its running block's), so that a checkpoint holds exactly them.
  void block_done(const BlockView&) {
    Hist& h = per_thread_[static_cast<std::size_t>(omp_get_thread_num())];
    finished_ += h;
    h.clear();
  }
  /// The counts of all finished blocks at once (integer sums: how they were grouped does not matter).
  void save(std::span<const BlockView>, checkpoint::Writer& w) {
    finished_.visit_counters([&](std::span<std::int64_t> c) { w.put(std::span<const std::int64_t>(c)); });
  }
  void restore(std::span<const BlockView>, checkpoint::Reader& r) {
    finished_.visit_counters([&](std::span<std::int64_t> c) { r.get(c); });
  }
  void end() { merge_threads(); }
  /// The merged histogram (valid after the run).
  [[nodiscard]] const Hist& histogram() const { return result_; }
  /// Recorded steps per particle in the window (samples are correlated in time: see the docs).
  [[nodiscard]] Index samples_per_particle() const { return samples_per_particle_; }

 protected:
  Index coords_[2] = {0, 1};

 private:
  void merge_threads() {
    for (const Hist& h : per_thread_) result_ += h;
    per_thread_.clear();
    result_ += finished_;
    finished_.clear();
  }
  Hist result_;
  RecordPlan window_;
  long n_steps_ = 0;
  Index samples_per_particle_ = 0;
  std::vector<Hist> per_thread_;
  Hist finished_;  ///< counts of blocks finished while checkpointing, and of restored blocks
};

struct Add1D {
  void operator()(stats::Histogram1D& h, const Ensemble& x, Index p, const Index* c) const {
    h.add(x(c[0], p));
  }
};
struct Add2D {
  void operator()(stats::Histogram2D& h, const Ensemble& x, Index p, const Index* c) const {
    h.add(x(c[0], p), x(c[1], p));
  }
};

/// One histogram per listed step (the law of the ensemble at those steps: a relaxation seen at a few
/// times), per-thread and merged exactly like StateHistogramBase.
template <class Hist, class Add>
class HistogramsAtStepsBase {
 public:
  HistogramsAtStepsBase(Hist empty, std::vector<long> steps)
      : empty_(std::move(empty)), steps_(std::move(steps)) {
    require(std::is_sorted(steps_.begin(), steps_.end()) &&
                std::adjacent_find(steps_.begin(), steps_.end()) == steps_.end() &&
                (steps_.empty() || steps_.front() >= 0),
            "histograms at steps: the steps must be >= 0 and strictly increasing");
  }

  void begin(const ObserverContext& c) {
    require(steps_.empty() || steps_.back() <= c.n_steps, "histograms at steps: a step beyond the run");
    n_steps_ = c.n_steps;
    empty_.clear();
    result_.assign(steps_.size(), empty_);
    per_thread_.assign(static_cast<std::size_t>(omp_get_max_threads()), result_);
    finished_ = result_;
  }
  [[nodiscard]] long next_record(long k) const {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), k);
    return it == steps_.end() ? n_steps_ + 1 : *it;  // as RecordPlan::next
  }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), k);
    if (it == steps_.end() || *it != k) return;
    Hist& h = per_thread_[static_cast<std::size_t>(omp_get_thread_num())]
                         [static_cast<std::size_t>(it - steps_.begin())];
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (v.alive(p)) Add{}(h, x, p, coords_);
  }
  void share_across_ranks(const RankLayout&) {
    merge_threads();
    for (Hist& h : result_) h.visit_counters([](std::span<std::int64_t> c) { ranks::sum(c); });
  }
  /// Checkpoints, as StateHistogramBase: finished blocks' counts kept apart from running ones'.
  void block_done(const BlockView&) {
    auto& hs = per_thread_[static_cast<std::size_t>(omp_get_thread_num())];
    for (std::size_t i = 0; i < hs.size(); ++i) {
      finished_[i] += hs[i];
      hs[i].clear();
    }
  }
  void save(std::span<const BlockView>, checkpoint::Writer& w) {
    for (Hist& h : finished_)
      h.visit_counters([&](std::span<std::int64_t> c) { w.put(std::span<const std::int64_t>(c)); });
  }
  void restore(std::span<const BlockView>, checkpoint::Reader& r) {
    for (Hist& h : finished_) h.visit_counters([&](std::span<std::int64_t> c) { r.get(c); });
  }
  void end() { merge_threads(); }
  [[nodiscard]] const std::vector<long>& steps() const { return steps_; }
  /// The histogram at steps()[i] (valid after the run).
  [[nodiscard]] const Hist& histogram(std::size_t i) const { return result_.at(i); }

 protected:
  Index coords_[2] = {0, 1};

 private:
  void merge_threads() {
    for (const auto& hs : per_thread_)
      for (std::size_t i = 0; i < hs.size(); ++i) result_[i] += hs[i];
    per_thread_.clear();
    for (std::size_t i = 0; i < finished_.size(); ++i) result_[i] += finished_[i];
    finished_.clear();
  }
  Hist empty_;
  std::vector<long> steps_;
  long n_steps_ = 0;
  std::vector<Hist> result_, finished_;  ///< finished_: counts of finished (or restored) blocks
  std::vector<std::vector<Hist>> per_thread_;
};
}  // namespace detail

/// Histograms of coordinate `coord` of every live particle at each of `steps`.
class HistogramsAtSteps1D : public detail::HistogramsAtStepsBase<stats::Histogram1D, detail::Add1D> {
 public:
  HistogramsAtSteps1D(stats::Histogram1D empty, std::vector<long> steps, Index coord = 0)
      : HistogramsAtStepsBase(std::move(empty), std::move(steps)) {
    coords_[0] = coord;
  }
};

/// Histograms of coordinates (cx, cy) of every live particle at each of `steps`.
class HistogramsAtSteps2D : public detail::HistogramsAtStepsBase<stats::Histogram2D, detail::Add2D> {
 public:
  HistogramsAtSteps2D(stats::Histogram2D empty, std::vector<long> steps, Index cx = 0, Index cy = 1)
      : HistogramsAtStepsBase(std::move(empty), std::move(steps)) {
    coords_[0] = cx;
    coords_[1] = cy;
  }
};

/// Histogram of coordinate `coord` of every live particle at every step of `window`.
class StateHistogram1D : public detail::StateHistogramBase<stats::Histogram1D, detail::Add1D> {
 public:
  StateHistogram1D(stats::Histogram1D empty, RecordPlan window, Index coord = 0)
      : StateHistogramBase(std::move(empty), window) {
    coords_[0] = coord;
  }
};

/// Histogram of coordinates (cx, cy) of every live particle at every step of `window`.
class StateHistogram2D : public detail::StateHistogramBase<stats::Histogram2D, detail::Add2D> {
 public:
  StateHistogram2D(stats::Histogram2D empty, RecordPlan window, Index cx = 0, Index cy = 1)
      : StateHistogramBase(std::move(empty), window) {
    coords_[0] = cx;
    coords_[1] = cy;
  }
};

}  // namespace sgdsde
