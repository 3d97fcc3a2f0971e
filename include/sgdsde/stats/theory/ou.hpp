#pragma once
// Ornstein–Uhlenbeck transient (THEORY §3): L = ½ h θ², D = T. Gaussian for all t with
//   mean m(t) = m₀ e^{−ht},   variance v(t) = T/h + (v₀ − T/h) e^{−2ht}
// (per axis for a diagonal H; h = 0 gives free diffusion v₀ + 2Tt; h < 0 is the unstable case).
#include <cmath>

namespace sgdsde::theory {

inline double ou_mean(double m0, double h, double t) { return m0 * std::exp(-h * t); }

/// v₀ e^{−2ht} − T expm1(−2ht)/h, written so that h → 0 is continuous (limit v₀ + 2Tt).
inline double ou_variance(double v0, double h, double T, double t) {
  if (h == 0.0) return v0 + 2.0 * T * t;
  return v0 * std::exp(-2.0 * h * t) - T * std::expm1(-2.0 * h * t) / h;
}

/// Stationary variance T/h (h > 0).
inline double ou_stationary_variance(double h, double T) { return T / h; }

}  // namespace sgdsde::theory
