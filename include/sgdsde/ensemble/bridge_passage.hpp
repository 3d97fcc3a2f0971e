#pragma once
// First passage of one coordinate upward through a level b with the Brownian-bridge correction:
// a chain watched only at its steps misses the crossings that happen between two states below b,
// which delays every first passage by O(√dt) (the boundary shift β σ √dt of discrete monitoring,
// stats/theory/kramers.hpp). Between x_{k−1} < b and x_k < b the Brownian bridge of diffusion
// coefficient D over dt crosses b with probability exp(−(b − x_{k−1})(b − x_k)/(D dt)); a uniform
// drawn from its own counter-based stream (seed, particle, step) decides, so the recorded passage
// is that of the scheme's continuous-time Euler interpolation (exact chain: chain_mfpt.hpp with
// ChainMfptOptions::brownian_bridge). The passage is recorded at step k (it happened in (k−1, k]).
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

class BridgeFirstPassage {
 public:
  /// level b, diffusion coefficient D (dX = … + sqrt(2D) dW along `axis`), step dt, the stream of
  /// the crossing uniforms (use a seed of its own).
  BridgeFirstPassage(double level, double D, double dt, CounterRng rng, Index axis = 0)
      : b_(level), inv_Ddt_(1.0 / (D * dt)), rng_(rng), axis_(axis) {
    require(D > 0.0 && dt > 0.0, "bridge first passage: need D > 0 and dt > 0");
  }

  void begin(const ObserverContext& c) {
    first_.assign(static_cast<std::size_t>(c.particles), -1);
    prev_.assign(static_cast<std::size_t>(c.particles), std::numeric_limits<double>::quiet_NaN());
  }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    const std::uint32_t slot = CounterRng::slot(Purpose::aux, 0x6b7);
    for (Index p = v.first; p < v.first + v.count; ++p) {
      const auto i = static_cast<std::size_t>(p);
      if (first_[i] >= 0 || !v.alive(p)) continue;
      const double xn = x(axis_, p);
      if (xn >= b_) {
        first_[i] = k;
      } else if (k > 0) {
        const double q = (b_ - prev_[i]) * (b_ - xn) * inv_Ddt_;  // both factors > 0
        if (q < 45.0 && rng_.uniforms(static_cast<std::uint32_t>(p), static_cast<std::uint64_t>(k), slot)[0] <
                            std::exp(-q))
          first_[i] = k;
      }
      prev_[i] = xn;
    }
  }
  void share_across_ranks(const RankLayout& L) {
    ranks::gather_owned(std::span<std::int64_t>(first_), L.particle_offsets);
  }
  /// Checkpoints: a finished block's passage steps (its previous states are not needed any more).
  void save(std::span<const BlockView> blocks, checkpoint::Writer& w) const {
    save_particles(first_, blocks, w);
  }
  void restore(std::span<const BlockView> blocks, checkpoint::Reader& r) {
    restore_particles(first_, blocks, r);
  }
  void end() {}

  [[nodiscard]] bool all_passed(const BlockView& v) const {
    for (Index p = v.first; p < v.first + v.count; ++p)
      if (first_[static_cast<std::size_t>(p)] < 0 && v.alive(p)) return false;
    return true;
  }
  /// Per particle: the step of the first passage (bridge crossings included), −1 if none.
  [[nodiscard]] const std::vector<std::int64_t>& steps() const { return first_; }

 private:
  double b_, inv_Ddt_;
  CounterRng rng_;
  Index axis_;
  std::vector<std::int64_t> first_;
  std::vector<double> prev_;
};

}  // namespace sgdsde
