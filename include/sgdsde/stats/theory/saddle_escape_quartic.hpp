#pragma once
// Saddle escape on L = ½ a x² − ½ λ y² + ¼ c y⁴ (THEORY §6 with the confining quartic term).
//
// Once |y| is large compared with the noise the motion along y is deterministic:
// continuous y' = λy − cy³, discrete (GD/SGD/EM) y ← g(y) = y + η(λy − cy³). Both have a Koenigs
// linearisation φ with φ(y(t)) = e^{λt} φ(y(0)) (flow) or φ(g(y)) = r φ(y), r = 1 + ηλ (map),
// φ(y) = y + O(y³). The escape |y| ≥ y_e of the linear theory (saddle_escape.hpp) therefore holds
// for the quartic saddle with y_e replaced by the effective radius φ(y_e):
//   continuous: φ(y) = y / sqrt(1 − c y²/λ)  (u = y² obeys a logistic equation), i.e. the shift
//               (1/2λ) ln(λ/(λ − c y_e²)) of E τ (experiments.md);
//   discrete:   φ(y) = lim_n r^n g^{−n}(y), computed by inverting g (Newton) until g^{−n}(y) is tiny.
// For GD (no noise) from δ the escape step is exactly the first k with r^k φ(δ) ≥ φ(y_e).
// Neglected: noise during the nonlinear phase, relative O(T/(λ y_e²)).
#include <cmath>
#include <cstdint>
#include <limits>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

/// φ(y) = y / sqrt(1 − c y²/λ) for the flow y' = λy − cy³ (|y| < sqrt(λ/c)).
inline double quartic_effective_radius(double lambda, double c, double y) {
  require(lambda > 0.0 && c >= 0.0 && c * y * y < lambda, "quartic_effective_radius: need c y² < λ");
  return y / std::sqrt(1.0 - c * y * y / lambda);
}

/// φ(y) = lim r^n g^{−n}(y) for the map g(y) = y + η(λy − cy³), 0 < y < sqrt(λ/(3c)) (g monotone).
inline double quartic_effective_radius_discrete(double eta, double lambda, double c, double y) {
  require(eta > 0.0 && lambda > 0.0 && c >= 0.0, "quartic_effective_radius_discrete: bad parameters");
  require(y > 0.0 && 3.0 * c * y * y < lambda + 1.0 / eta,
          "quartic_effective_radius_discrete: g must be monotone on [0, y]");
  const double r = 1.0 + eta * lambda;
  double z = y, log_scale = 0.0;  // φ(y) = r^n g^{−n}(y)
  while (z > 1e-9 * y) {
    // solve g(w) = z for w in (0, z)
    double w = z / r;
    for (int it = 0; it < 60; ++it) {
      const double gw = w + eta * (lambda * w - c * w * w * w) - z;
      const double dg = 1.0 + eta * (lambda - 3.0 * c * w * w);
      const double step = gw / dg;
      w -= step;
      if (std::abs(step) <= 1e-16 * std::abs(w)) break;
    }
    z = w;
    log_scale += std::log(r);
  }
  // φ(z) = z (1 + O(z²)) with z ~ 1e−9 y: the O(z²) term is far below double precision
  return std::exp(std::log(z) + log_scale);
}

/// GD from δ > 0 on the quartic saddle: the first k with g^k(δ) ≥ y_e, by iterating the map
/// (the definition; `quartic_effective_radius_discrete` gives the same as ⌈ln(φ(y_e)/φ(δ))/ln r⌉).
/// −1 for δ = 0 (never).
inline std::int64_t quartic_gd_escape_steps(double eta, double lambda, double c, double y_e, double delta,
                                            std::int64_t max_steps = std::int64_t{1} << 40) {
  if (delta == 0.0) return -1;
  double y = std::abs(delta);
  std::int64_t k = 0;
  while (y < y_e) {
    y = y + eta * (lambda * y - c * y * y * y);
    if (++k >= max_steps) return -1;
  }
  return k;
}

}  // namespace sgdsde::theory
