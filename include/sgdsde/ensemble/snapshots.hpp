#pragma once
// Snapshots of a chosen subset of particles at the recorded steps (trajectories for plots),
// without storing whole trajectories of the whole ensemble.
#include <algorithm>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

class Snapshots {
 public:
  /// Records particles `which` (any order, each < M) at the steps of `plan`.
  Snapshots(std::vector<Index> which, RecordPlan plan) : which_(std::move(which)), plan_(plan) {}

  void begin(const ObserverContext& c) {
    for (Index p : which_) require(p >= 0 && p < c.particles, "snapshots: particle index out of range");
    n_steps_ = c.n_steps;
    steps_ = plan_.steps(c.n_steps);
    dim_ = c.dim;
    data_.assign(steps_.size() * static_cast<std::size_t>(dim_) * which_.size(),
                 std::numeric_limits<double>::quiet_NaN());
  }
  [[nodiscard]] long next_record(long k) const { return plan_.next(k, n_steps_); }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    if (!plan_.records(k, n_steps_)) return;
    const Index r = plan_.slot(k);
    for (std::size_t s = 0; s < which_.size(); ++s) {
      const Index p = which_[s];
      if (p < v.first || p >= v.first + v.count || !v.alive(p)) continue;
      for (Index j = 0; j < dim_; ++j) data_[index(r, j, s)] = x(j, p);
    }
  }
  /// Each recorded value comes from the rank that ran its particle (the others keep NaN there).
  void share_across_ranks(const RankLayout&) {
    ranks::merge_changed(std::span<double>(data_), std::numeric_limits<double>::quiet_NaN());
  }
  /// Checkpoints: the recorded values of the chosen particles in these blocks.
  void save(std::span<const BlockView> blocks, checkpoint::Writer& w) const {
    visit(blocks, [&](std::size_t i) { w.put(data_[i]); });
  }
  void restore(std::span<const BlockView> blocks, checkpoint::Reader& r) {
    visit(blocks, [&](std::size_t i) { data_[i] = r.get<double>(); });
  }
  void end() {}

  /// The recorded steps.
  [[nodiscard]] const std::vector<long>& steps() const { return steps_; }
  [[nodiscard]] const std::vector<Index>& particles() const { return which_; }
  /// Layout [record][coordinate][particle], row-major (NaN after a particle diverged).
  [[nodiscard]] const std::vector<double>& data() const { return data_; }
  [[nodiscard]] double at(Index record, Index coord, std::size_t particle) const {
    return data_[index(record, coord, particle)];
  }

 private:
  [[nodiscard]] std::size_t index(Index r, Index j, std::size_t s) const {
    return (static_cast<std::size_t>(r) * static_cast<std::size_t>(dim_) + static_cast<std::size_t>(j)) *
               which_.size() +
           s;
  }
  template <class F>
  void visit(std::span<const BlockView> blocks, F&& f) const {
    for (const BlockView& v : blocks)
      for (std::size_t s = 0; s < which_.size(); ++s)
        if (which_[s] >= v.first && which_[s] < v.first + v.count)
          for (std::size_t r = 0; r < steps_.size(); ++r)
            for (Index j = 0; j < dim_; ++j) f(index(static_cast<Index>(r), j, s));
  }
  std::vector<Index> which_;
  RecordPlan plan_;
  long n_steps_ = 0;
  Index dim_ = 0;
  std::vector<long> steps_;
  std::vector<double> data_;
};

}  // namespace sgdsde
