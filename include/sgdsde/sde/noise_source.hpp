#pragma once
// Noise sources: where SDE steppers take their Brownian increments from (never drift or
// diffusion code). A noise source answers increment(t, dt, dW): dW ← W(t + dt) − W(t), m values.
// It is queried by time, not by call count, so a stepper holding a copy of it (odeint's integrate
// functions take steppers by value) gives the same path however often it is copied.
//
//  - GaussianIncrements: i.i.d. N(0, dt I_m) increments on the grid t0 + k·dt, the one of step
//    k = round((t − t0)/dt) a pure function of (seed, path, k) through CounterRng.
//  - BrownianPath (brownian_path.hpp): one stored, refinable path; coarse increments are sums of
//    fine ones (strong-order studies).
#include <cmath>
#include <concepts>
#include <cstdint>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

template <class N>
concept NoiseSource = requires(const N& n, double t, double dt, Vec& dW) {
  { n.noise_dim() } -> std::convertible_to<Index>;
  n.increment(t, dt, dW);
};

class GaussianIncrements {
 public:
  /// m-dimensional increments of path `path` on the grid t0 + k·dt.
  GaussianIncrements(CounterRng rng, Index m, std::uint32_t path = 0, double t0 = 0.0)
      : rng_(rng), m_(m), path_(path), t0_(t0) {
    require(m >= 1, "GaussianIncrements: m must be >= 1");
  }
  [[nodiscard]] Index noise_dim() const { return m_; }
  [[nodiscard]] double t0() const { return t0_; }

  /// The grid step of time t for step size dt (t must lie on the grid t0 + k·dt, k ≥ 0).
  [[nodiscard]] std::uint64_t step_of(double t, double dt) const {
    const double k = std::nearbyint((t - t0_) / dt);
    require(k >= 0.0 && std::abs((t - t0_) - k * dt) <= 1e-9 * std::max(1.0, std::abs(t)),
            "GaussianIncrements: t is not on the grid t0 + k dt");
    return static_cast<std::uint64_t>(k);
  }
  /// Standard normals z (m values) of step k: dW = sqrt(dt) z.
  void standard(std::uint64_t k, Vec& z) const {
    z.resize(m_);
    rng_.normals(k, Purpose::increment, path_, 1, m_, z.data(), 1);
  }
  void increment(double t, double dt, Vec& dW) const {
    standard(step_of(t, dt), dW);
    dW *= std::sqrt(dt);
  }

 private:
  CounterRng rng_;
  Index m_;
  std::uint32_t path_;
  double t0_;
};

}  // namespace sgdsde
