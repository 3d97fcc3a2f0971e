#pragma once
// Occupation of a region over time: whether each particle is in the region at each of a few steps
// (one bit per step, one word per particle), so that the fractions in the region AND their covariances
// across the steps (the same particles are seen at every step) are known — what a rate fitted from
// several times of one run needs for its standard error.
#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/ranks.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

/// Region: a callable bool(const Ensemble& x, Index p) telling whether particle p is inside.
/// Records, at each of `steps` (increasing, at most 62), which particles are in the region.
template <class Region>
class RegionAtSteps {
 public:
  RegionAtSteps(Region region, std::vector<long> steps)
      : region_(std::move(region)), steps_(std::move(steps)) {
    require(!steps_.empty() && steps_.size() < 63 && std::is_sorted(steps_.begin(), steps_.end()),
            "region at steps: 1 to 62 increasing steps");
  }
  void begin(const ObserverContext& c) {
    bits_.assign(static_cast<std::size_t>(c.particles), 0);
    n_steps_ = c.n_steps;
  }
  [[nodiscard]] long next_record(long k) const {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), k);
    return it == steps_.end() ? n_steps_ + 1 : *it;
  }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), k);
    if (it == steps_.end() || *it != k) return;
    const std::int64_t bit = std::int64_t{1} << (it - steps_.begin());
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (v.alive(p) && region_(x, p)) bits_[static_cast<std::size_t>(p)] |= bit;
  }
  void share_across_ranks(const RankLayout& L) {
    ranks::gather_owned(std::span<std::int64_t>(bits_), L.particle_offsets);
  }
  void end() {}
  /// Fractions in the region at each step and the covariance matrix of these fractions (as estimates).
  void moments(Vec& mean, Mat& cov) const {
    const auto S = static_cast<Index>(steps_.size());
    const auto M = static_cast<double>(bits_.size());
    Mat joint = Mat::Zero(S, S);
    for (const std::int64_t b : bits_)
      for (Index i = 0; i < S; ++i)
        if (b >> i & 1)
          for (Index j = 0; j < S; ++j) joint(i, j) += static_cast<double>(b >> j & 1);
    joint /= M;
    mean = joint.diagonal();
    cov = (joint - mean * mean.transpose()) / M;
  }

 private:
  Region region_;
  std::vector<long> steps_;
  std::vector<std::int64_t> bits_;
  long n_steps_ = 0;
};

}  // namespace sgdsde
