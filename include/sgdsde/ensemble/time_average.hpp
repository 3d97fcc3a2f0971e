#pragma once
// Per-particle time averages of a scalar functional over a window of steps, e.g. the average of
// ‖∇L(θ_k)‖² over k < T of each run (THEORY §7), so that the spread ACROSS independent particles
// gives an honest standard error of the ensemble mean of the time averages (the steps of one run
// are correlated; the particles are not).
//
// Each particle's sum lives in its own slot, so blocks write disjoint memory (thread-safe, and
// bitwise independent of the thread count). A particle that diverges gets NaN.
#include <cmath>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

/// F: double(const Ensemble& x, Index p), the functional of particle p's state.
template <class F>
class TimeAverage {
 public:
  TimeAverage(F f, RecordPlan window) : f_(std::move(f)), window_(window) {}

  void begin(const ObserverContext& c) {
    n_steps_ = c.n_steps;
    count_ = static_cast<double>(window_.steps(c.n_steps).size());
    sum_.assign(static_cast<std::size_t>(c.particles), 0.0);
  }
  [[nodiscard]] long next_record(long k) const { return window_.next(k, n_steps_); }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    if (!window_.records(k, n_steps_)) return;
    for (Index p = v.first; p < v.first + v.count; ++p)
      sum_[static_cast<std::size_t>(p)] += v.alive(p) ? f_(x, p) : std::numeric_limits<double>::quiet_NaN();
  }
  /// Each particle's sum comes from the rank that ran it.
  void share_across_ranks(const RankLayout& L) {
    ranks::gather_owned(std::span<double>(sum_), L.particle_offsets);
  }
  void save(std::span<const BlockView> blocks, checkpoint::Writer& w) const {
    save_particles(sum_, blocks, w);
  }
  void restore(std::span<const BlockView> blocks, checkpoint::Reader& r) {
    restore_particles(sum_, blocks, r);
  }
  void end() {}

  /// The time average of every particle over the window (NaN if it diverged).
  [[nodiscard]] Vec averages() const {
    Vec a(static_cast<Index>(sum_.size()));
    for (std::size_t p = 0; p < sum_.size(); ++p) a[static_cast<Index>(p)] = sum_[p] / count_;
    return a;
  }
  /// Number of steps in the window.
  [[nodiscard]] double window_steps() const { return count_; }

 private:
  F f_;
  RecordPlan window_;
  long n_steps_ = 0;
  double count_ = 0.0;
  std::vector<double> sum_;
};

}  // namespace sgdsde
