#pragma once
// First-passage events: the first step at which each particle is in a region (another basin,
// |y| ≥ y_e, …), recorded per particle without storing trajectories.
#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

/// Region: a callable bool(const Ensemble& x, Index p) telling whether particle p is inside.
template <class Region>
class FirstPassage {
 public:
  explicit FirstPassage(Region region) : region_(std::move(region)) {}

  void begin(const ObserverContext& c) { first_.assign(static_cast<std::size_t>(c.particles), -1); }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (first_[p] < 0 && v.alive(p) && region_(x, p)) first_[p] = k;
  }
  /// Each particle's first step comes from the rank that ran it.
  void share_across_ranks(const RankLayout& L) {
    ranks::gather_owned(std::span<std::int64_t>(first_), L.particle_offsets);
  }
  void save(std::span<const BlockView> blocks, checkpoint::Writer& w) const {
    save_particles(first_, blocks, w);
  }
  void restore(std::span<const BlockView> blocks, checkpoint::Reader& r) {
    restore_particles(first_, blocks, r);
  }
  void end() {}

  /// True when every particle of the block has passed (or diverged).
  [[nodiscard]] bool all_passed(const BlockView& v) const {
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (first_[p] < 0 && v.alive(p)) return false;
    return true;
  }
  /// Per particle: the first step in the region, −1 if never (within the run, or diverged first).
  [[nodiscard]] const std::vector<std::int64_t>& steps() const { return first_; }

 private:
  Region region_;
  std::vector<std::int64_t> first_;
};

}  // namespace sgdsde
