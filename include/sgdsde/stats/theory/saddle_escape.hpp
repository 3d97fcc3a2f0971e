#pragma once
// Escape from a saddle along its unstable direction y (curvature −λ), THEORY §6; escape when
// |y| ≥ y_e.
//
// Continuous (Langevin at T): dy = λ y dt + sqrt(2T) dW is solved exactly,
//   y(t) = e^{λt} (y0 + sqrt(2T) ∫_0^t e^{−λs} dW_s) ~ N(y0 e^{λt}, T(e^{2λt} − 1)/λ),
// and e^{−λt} y(t) → W∞ ~ N(y0, T/λ). For y_e large (λ y_e² ≫ T) the path does not come back
// once it is far out, so τ = (1/λ) ln(y_e/|W∞|) in distribution:
//   P(τ ≤ t) = P(|W∞| ≥ y_e e^{−λt}),  and with y0 = 0, W∞ = sqrt(T/λ) Z:
//   τ = (1/λ)(ln(y_e sqrt(λ/T)) − ln|Z|),  E τ = (1/2λ)(ln(λ y_e²/T) + γ_E + ln 2),
//   Var τ = π²/(8λ²),  P(τ ≤ t) = erfc(u/√2),  pdf = λ u sqrt(2/π) e^{−u²/2},  u = e^{c−λt}.
// prob_beyond(t) = P(|y(t)| ≥ y_e) is the exact marginal (a finite-t refinement of the cdf).
//
// Discrete SGD: y_{k+1} = r y_k − η ξ_k, r = 1 + ηλ, Var ξ = σ_y²/B. Then r^{−k} y_k → W∞ ~ N(y0, s²),
// s² = η² σ_y² / (B (r² − 1)), and the escape step K = ⌈κ⌉ with κ = ln(y_e/|W∞|)/ln r. The
// continuous κ has E κ = (ln y_e − E ln|W∞|)/ln r and Var κ = Var ln|W∞| / ln² r; rounding up adds
// ½ to the mean and 1/12 to the variance when the spread of κ is ≫ 1 step (the fractional part is
// then uniform): mean_steps / variance_steps include it, the *_continuous versions do not.
// prob_beyond(k) = P(|y_k| ≥ y_e) is the exact marginal for Gaussian ξ.
//
// Gradient descent from y0 = δ > 0: τ = (1/λ) ln(y_e/δ); steps ⌈ln(y_e/δ)/ln(1+ηλ)⌉ (exact for the
// linear map). From δ = 0 it never escapes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

inline constexpr double euler_gamma = std::numbers::egamma;

/// E τ = (1/2λ)(ln(λ y_e²/T) + γ_E + ln 2) (Langevin, start at the saddle).
inline double langevin_saddle_escape_mean(double lambda, double y_e, double T) {
  return (std::log(lambda * y_e * y_e / T) + euler_gamma + std::numbers::ln2) / (2.0 * lambda);
}
/// Var τ = π²/(8λ²).
inline double langevin_saddle_escape_variance(double lambda) {
  return std::numbers::pi * std::numbers::pi / (8.0 * lambda * lambda);
}

/// Mean and variance of ln|W| for W ~ N(mu, s²).
struct LogAbsMoments {
  double mean, variance;
};
namespace detail {
inline double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi); }
inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

/// By quadrature: E g(ln|W|) = ∫_0^∞ g(ln u) [φ((u−μ)/s) + φ((u+μ)/s)]/s du (tanh–sinh copes with
/// the logarithmic endpoint singularity). In the library (src/theory/saddle_escape.cpp): Boost's
/// quadrature is compiled once, not in every file that includes this header.
LogAbsMoments log_abs_normal_moments_quadrature(double mu, double s);
/// erfc⁻¹(p) (Boost.Math, in the library).
double erfc_inv(double p);
}  // namespace detail

/// ln|W|, W ~ N(mu, s²): closed form for mu = 0 (mean ln s − (γ_E + ln 2)/2, variance π²/8).
inline LogAbsMoments log_abs_normal_moments(double mu, double s) {
  require(s > 0.0, "log_abs_normal_moments: s must be > 0");
  if (mu == 0.0)
    return {std::log(s) - 0.5 * (euler_gamma + std::numbers::ln2), std::numbers::pi * std::numbers::pi / 8.0};
  return detail::log_abs_normal_moments_quadrature(mu, s);
}

/// P(|W| ≥ u) for W ~ N(mu, s²).
inline double prob_abs_normal_beyond(double u, double mu, double s) {
  if (u <= 0.0) return 1.0;
  return detail::normal_cdf((-u - mu) / s) + detail::normal_cdf((mu - u) / s);
}

/// Linear unstable Langevin escape dy = λ y dt + sqrt(2T) dW from y0, to |y| ≥ y_e.
struct LinearSaddleEscape {
  double lambda, T, y_e, y0 = 0.0;

  [[nodiscard]] double s_inf() const { return std::sqrt(T / lambda); }  ///< sd of W∞
  /// Exact marginal y(t) ~ N(mean_at(t), variance_at(t)).
  [[nodiscard]] double mean_at(double t) const { return y0 * std::exp(lambda * t); }
  [[nodiscard]] double variance_at(double t) const { return T * std::expm1(2.0 * lambda * t) / lambda; }
  /// Exact P(|y(t)| ≥ y_e).
  [[nodiscard]] double prob_beyond(double t) const {
    return prob_abs_normal_beyond(y_e, mean_at(t), std::sqrt(variance_at(t)));
  }
  /// Large-y_e escape-time law: P(τ ≤ t) = P(|W∞| ≥ y_e e^{−λt}).
  [[nodiscard]] double cdf(double t) const {
    return prob_abs_normal_beyond(y_e * std::exp(-lambda * t), y0, s_inf());
  }
  [[nodiscard]] double pdf(double t) const {
    const double u = y_e * std::exp(-lambda * t), s = s_inf();
    return lambda * u / s * (detail::normal_pdf((u - y0) / s) + detail::normal_pdf((u + y0) / s));
  }
  /// Quantile of τ (y0 = 0 only): t_p = (c − ln(√2 erfc⁻¹(p)))/λ, c = ln(y_e sqrt(λ/T)).
  [[nodiscard]] double quantile(double p) const {
    require(y0 == 0.0, "LinearSaddleEscape::quantile: only for y0 = 0");
    require(p > 0.0 && p < 1.0, "LinearSaddleEscape::quantile: p must be in (0, 1)");
    const double c = std::log(y_e * std::sqrt(lambda / T));
    return (c - std::log(std::numbers::sqrt2 * detail::erfc_inv(p))) / lambda;
  }
  [[nodiscard]] double mean() const {
    return (std::log(y_e) - log_abs_normal_moments(y0, s_inf()).mean) / lambda;
  }
  [[nodiscard]] double variance() const {
    return log_abs_normal_moments(y0, s_inf()).variance / (lambda * lambda);
  }
};

/// Discrete SGD escape y_{k+1} = (1+ηλ) y_k − η ξ_k, Var ξ = σ_y²/B, from y0, to |y| ≥ y_e.
struct SgdSaddleEscape {
  double eta, lambda, sigma_y2, B, y_e, y0 = 0.0;

  [[nodiscard]] double r() const { return 1.0 + eta * lambda; }
  /// s² = η² σ_y² / (B((1+ηλ)² − 1)): the variance of W∞ around y0.
  [[nodiscard]] double s2() const { return eta * eta * sigma_y2 / (B * (r() * r() - 1.0)); }
  [[nodiscard]] double mean_steps_continuous() const {
    return (std::log(y_e) - log_abs_normal_moments(y0, std::sqrt(s2())).mean) / std::log(r());
  }
  [[nodiscard]] double variance_steps_continuous() const {
    const double lr = std::log(r());
    return log_abs_normal_moments(y0, std::sqrt(s2())).variance / (lr * lr);
  }
  /// E K with the ceiling correction +½.
  [[nodiscard]] double mean_steps() const { return mean_steps_continuous() + 0.5; }
  /// Var K with the ceiling correction +1/12.
  [[nodiscard]] double variance_steps() const { return variance_steps_continuous() + 1.0 / 12.0; }
  /// P(K ≤ k) = P(|W∞| ≥ y_e r^{−k}) (large y_e).
  [[nodiscard]] double cdf_steps(double k) const {
    return prob_abs_normal_beyond(y_e * std::pow(r(), -k), y0, std::sqrt(s2()));
  }
  /// Exact P(|y_k| ≥ y_e) for Gaussian ξ: y_k ~ N(r^k y0, s² (r^{2k} − 1)).
  [[nodiscard]] double prob_beyond(std::int64_t k) const {
    const double rk = std::pow(r(), static_cast<double>(k));
    return prob_abs_normal_beyond(y_e, rk * y0, std::sqrt(s2() * (rk * rk - 1.0)));
  }
};

/// Gradient flow from y0 = δ: τ = (1/λ) ln(y_e/δ) (+inf for δ = 0).
inline double gd_escape_time(double lambda, double y_e, double delta) {
  if (delta == 0.0) return std::numeric_limits<double>::infinity();
  return std::log(y_e / std::abs(delta)) / lambda;
}
/// GD steps ln(y_e/δ)/ln(1+ηλ), as a real number (+inf for δ = 0).
inline double gd_escape_steps(double eta, double lambda, double y_e, double delta) {
  if (delta == 0.0) return std::numeric_limits<double>::infinity();
  return std::log(y_e / std::abs(delta)) / std::log1p(eta * lambda);
}
/// The exact first k with |δ|(1+ηλ)^k ≥ y_e (−1 for δ = 0: never).
inline std::int64_t gd_escape_steps_integer(double eta, double lambda, double y_e, double delta) {
  if (delta == 0.0) return -1;
  auto k = static_cast<std::int64_t>(std::ceil(gd_escape_steps(eta, lambda, y_e, delta)));
  k = std::max<std::int64_t>(k, 0);
  // guard against rounding in the logarithms: step the iteration itself near the answer
  auto reached = [&](std::int64_t j) {
    return std::abs(delta) * std::pow(1.0 + eta * lambda, static_cast<double>(j)) >= y_e;
  };
  while (k > 0 && reached(k - 1)) --k;
  while (!reached(k)) ++k;
  return k;
}

}  // namespace sgdsde::theory
