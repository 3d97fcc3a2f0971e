#pragma once
// Kramers and Eyring–Kramers escape rates (THEORY §5), overdamped Langevin at temperature T,
// valid for ΔL/T ≫ 1 (relative corrections O(T/ΔL)):
//   1-D:  k = sqrt(L''(m) |L''(s)|) / (2π) · exp(−ΔL/T)
//   d-D:  k = |λ⁻(s)| / (2π) · sqrt(det H(m) / |det H(s)|) · exp(−ΔL/T),
// λ⁻(s) the single negative eigenvalue of the Hessian at the saddle. Mean time to reach the
// other minimum ≈ 1/k, to reach the saddle ≈ 1/(2k).
#include <cmath>
#include <numbers>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::theory {

/// log of the 1-D Kramers rate (finite when the rate itself underflows, ΔL/T ≳ 700).
inline double kramers_log_rate_1d(double curvature_min, double curvature_saddle, double barrier, double T) {
  require(curvature_min > 0.0 && curvature_saddle < 0.0, "kramers_rate_1d: need L''(m) > 0 > L''(s)");
  require(T > 0.0, "kramers_rate_1d: T must be > 0");
  return 0.5 * std::log(curvature_min * -curvature_saddle) - std::log(2.0 * std::numbers::pi) - barrier / T;
}
/// 1-D Kramers rate from the curvatures at the minimum (> 0) and the barrier top (< 0).
inline double kramers_rate_1d(double curvature_min, double curvature_saddle, double barrier, double T) {
  return std::exp(kramers_log_rate_1d(curvature_min, curvature_saddle, barrier, T));
}

/// log of the Eyring–Kramers rate from the (symmetric) Hessians at the minimum and at an index-1 saddle.
/// (In the library, src/theory/kramers.cpp: it needs an Eigen eigensolver.)
double eyring_kramers_log_rate(const Mat& H_min, const Mat& H_saddle, double barrier, double T);
/// Eyring–Kramers rate (see eyring_kramers_log_rate).
inline double eyring_kramers_rate(const Mat& H_min, const Mat& H_saddle, double barrier, double T) {
  return std::exp(eyring_kramers_log_rate(H_min, H_saddle, barrier, T));
}

/// First correction of the 1-D Kramers time: the exact quadrature (mfpt.hpp) from m to beyond the
/// barrier top s is τ = (1/k)(1 + c₁ T + O(T²)), with c₁ the sum of the next Laplace terms of the
/// well integral ∫e^{−(L−L(m))/T} and the barrier integral ∫e^{(L−L(s))/T}:
///   c₁ = [5/24 L'''(m)²/L''(m)³ − 1/8 L''''(m)/L''(m)²] + [5/24 L'''(s)²/|L''(s)|³ + 1/8 L''''(s)/L''(s)²].
/// (For L = w⁴ − 2w²: 3/16 + 3/16 = 3/8.) The relative correction is c₁ T = (c₁ ΔL)(T/ΔL).
inline double kramers_first_correction_1d(double d2_min, double d3_min, double d4_min, double d2_saddle,
                                          double d3_saddle, double d4_saddle) {
  require(d2_min > 0.0 && d2_saddle < 0.0, "kramers_first_correction_1d: need L''(m) > 0 > L''(s)");
  const double a = -d2_saddle;
  return 5.0 / 24.0 * d3_min * d3_min / (d2_min * d2_min * d2_min) - 0.125 * d4_min / (d2_min * d2_min) +
         5.0 / 24.0 * d3_saddle * d3_saddle / (a * a * a) + 0.125 * d4_saddle / (a * a);
}

/// Broadie–Glasserman–Kou constant β = −ζ(1/2)/√(2π): a diffusion with noise amplitude σ (dX = … +
/// σ dW) watched only at steps dt first reaches b, to O(√dt), when the continuous path first reaches
/// b + β σ √dt (discrete monitoring delays every passage by a boundary shift of β σ √dt).
inline constexpr double discrete_monitoring_beta = 0.5825971579390106;
/// The boundary shift β σ √dt for dX = −L' dt + sqrt(2D) dW (σ = sqrt(2D)).
inline double discrete_monitoring_shift(double D, double dt) {
  return discrete_monitoring_beta * std::sqrt(2.0 * D * dt);
}

/// Kramers' mean time to reach the other minimum, 1/k.
inline double kramers_time_to_minimum(double rate) { return 1.0 / rate; }
/// Kramers' mean time to reach the saddle, 1/(2k).
inline double kramers_time_to_saddle(double rate) { return 0.5 / rate; }

}  // namespace sgdsde::theory
