#pragma once
// Kramers and Eyring–Kramers escape rates (THEORY §5), overdamped Langevin at temperature T,
// valid for ΔL/T ≫ 1 (relative corrections O(T/ΔL)):
//   1-D:  k = sqrt(L''(m) |L''(s)|) / (2π) · exp(−ΔL/T)
//   d-D:  k = |λ⁻(s)| / (2π) · sqrt(det H(m) / |det H(s)|) · exp(−ΔL/T),
// λ⁻(s) the single negative eigenvalue of the Hessian at the saddle. Mean time to reach the
// other minimum ≈ 1/k, to reach the saddle ≈ 1/(2k).
#include <cmath>
#include <numbers>

#include <Eigen/Eigenvalues>

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
inline double eyring_kramers_log_rate(const Mat& H_min, const Mat& H_saddle, double barrier, double T) {
  require(
      H_min.rows() == H_min.cols() && H_saddle.rows() == H_saddle.cols() && H_min.rows() == H_saddle.rows(),
      "eyring_kramers_rate: Hessians must be square and of the same size");
  require(T > 0.0, "eyring_kramers_rate: T must be > 0");
  const Eigen::SelfAdjointEigenSolver<Mat> em(H_min, Eigen::EigenvaluesOnly),
      es(H_saddle, Eigen::EigenvaluesOnly);
  const Vec lm = em.eigenvalues(), ls = es.eigenvalues();  // ascending
  require(lm[0] > 0.0, "eyring_kramers_rate: H(m) must be positive definite");
  require(ls[0] < 0.0 && (ls.size() == 1 || ls[1] > 0.0),
          "eyring_kramers_rate: H(s) must have exactly one negative eigenvalue");
  // sqrt(det H(m)/|det H(s)|) as a product of ratios (no overflow in high dimension)
  double log_ratio = 0.0;
  for (Index i = 0; i < lm.size(); ++i) log_ratio += std::log(lm[i]) - std::log(std::abs(ls[i]));
  return std::log(-ls[0] / (2.0 * std::numbers::pi)) + 0.5 * log_ratio - barrier / T;
}
/// Eyring–Kramers rate (see eyring_kramers_log_rate).
inline double eyring_kramers_rate(const Mat& H_min, const Mat& H_saddle, double barrier, double T) {
  return std::exp(eyring_kramers_log_rate(H_min, H_saddle, barrier, T));
}

/// Kramers' mean time to reach the other minimum, 1/k.
inline double kramers_time_to_minimum(double rate) { return 1.0 / rate; }
/// Kramers' mean time to reach the saddle, 1/(2k).
inline double kramers_time_to_saddle(double rate) { return 0.5 / rate; }

}  // namespace sgdsde::theory
