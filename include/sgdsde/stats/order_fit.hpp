#pragma once
// Weighted linear least squares with any basis, its goodness of fit (χ²/dof) and Birge-scaled
// errors, and the two fits of a convergence order e(η) = C η^p (1 + D η + E η² + …) that use it
// (weak-order experiments, THEORY §2):
//
//   fit_order:       ln|e| = a + p ln η + Σ_{k=1..q} c_k η^k   (p free; σ_ln = se/|e|)
//   fit_fixed_order: e/η^p = Σ_{k=0..q} C_k η^k                  (p given; C_0 = C, σ = se/η^p)
//
// The c_k (resp. C_k, k ≥ 1) absorb the next orders of the expansion, which a pure power law
// ln|e| = a + p ln η leaves in the residuals (its χ²/dof then measures the curvature, not the noise).
//
// Errors: the covariance of weighted least squares with known σ_i is (XᵀWX)⁻¹. If the model or
// the σ_i are not right, χ² = Σ r_i²/σ_i² exceeds its expectation dof = n − parameters; the
// Birge ratio R = sqrt(max(1, χ²/dof)) scales every standard error (R = 1 when χ²/dof ≤ 1: the
// errors are never scaled down). se_scaled(i) = R·se(i). dof = 0 fits are refused.
#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

struct LeastSquaresFit {
  Vec coef;           ///< fitted coefficients, in the order of the columns of X
  Mat cov;            ///< (XᵀWX)⁻¹: their covariance for known σ_i (unscaled)
  double chi2 = 0.0;  ///< Σ r_i²/σ_i²
  Index n = 0, dof = 0;
  [[nodiscard]] double chi2_per_dof() const { return chi2 / static_cast<double>(dof); }
  /// sqrt(max(1, χ²/dof)).
  [[nodiscard]] double birge_ratio() const { return std::sqrt(std::max(1.0, chi2_per_dof())); }
  [[nodiscard]] double se(Index i) const { return std::sqrt(cov(i, i)); }
  [[nodiscard]] double se_scaled(Index i) const { return birge_ratio() * se(i); }
};

/// Weighted least squares y ≈ X β with known standard deviations σ_i (n > columns required).
LeastSquaresFit fit_least_squares(const Mat& X, std::span<const double> y, std::span<const double> sigma);

/// ln|e| = a + p ln η + Σ_{k=1..q} c_k η^k, σ_ln|e| = se/|e|: coef = (a, p, c_1, …, c_q), so the
/// order is coef[1] ± se_scaled(1). Needs n ≥ q + 3 points with e ≠ 0.
LeastSquaresFit fit_order(std::span<const double> eta, std::span<const double> e, std::span<const double> se,
                          int q);

/// e/η^p = Σ_{k=0..q} C_k η^k with σ = se/η^p: coef = (C_0, …, C_q); C_0 is the leading
/// coefficient of e(η) = C_0 η^p + O(η^{p+1}). Needs n ≥ q + 2 points.
LeastSquaresFit fit_fixed_order(std::span<const double> eta, std::span<const double> e,
                                std::span<const double> se, double p, int q);

}  // namespace sgdsde::stats
