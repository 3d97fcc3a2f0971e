#pragma once
// Stationary covariance of a quadratic loss with constant noise (THEORY §4, Mandt–Hoffman–Blei):
//   SME:  H S + S Hᵀ = η C                         (continuous Lyapunov)
//   SGD:  S = (I − ηH) S (I − ηH)ᵀ + η² C           (discrete Lyapunov / Stein)
// Symmetric H (a Hessian): H = Q Λ Qᵀ turns both into elementwise equations for S' = Qᵀ S Q,
//   S'_ij = η C'_ij / (λ_i + λ_j),   S'_ij = η² C'_ij / (1 − (1−ηλ_i)(1−ηλ_j)),   C' = Qᵀ C Q.
// General H: Bartels–Stewart on the complex Schur form (O(d³)), for the generic equations
//   A X + X Aᵀ = Q  (solve_continuous_lyapunov)  and  X = A X Aᵀ + Q  (solve_discrete_lyapunov).
// The solvers are compiled once, in the library (src/theory/lyapunov.cpp): Eigen's Schur and
// eigen-decompositions are heavy to instantiate in every file that includes this header.
// Diagonal H, C = (σ²/B) I: S_jj = ησ²/(2B h_j) (SME) and ησ²/(B h_j (2 − η h_j)) (SGD).
#include "sgdsde/core/types.hpp"

namespace sgdsde::theory {

/// X with A X + X Aᵀ = Q (any real A with λ_i(A) + λ_j(A) ≠ 0).
Mat solve_continuous_lyapunov(const Mat& A, const Mat& Q);
/// X with X = A X Aᵀ + Q (any real A with λ_i(A) λ_j(A) ≠ 1).
Mat solve_discrete_lyapunov(const Mat& A, const Mat& Q);
/// SME stationary covariance: H S + S Hᵀ = η C. Symmetric H uses its eigendecomposition.
Mat stationary_covariance_sme(const Mat& H, const Mat& C, double eta);
/// SGD stationary covariance: S = (I − ηH) S (I − ηH)ᵀ + η² C. Symmetric H uses its eigendecomposition.
Mat stationary_covariance_sgd(const Mat& H, const Mat& C, double eta);

/// Diagonal closed forms, per axis: ησ²/(2B h) (SME) and ησ²/(B h (2 − η h)) (SGD).
inline double stationary_variance_sme_diag(double h, double eta, double sigma2, double B) {
  return eta * sigma2 / (2.0 * B * h);
}
inline double stationary_variance_sgd_diag(double h, double eta, double sigma2, double B) {
  return eta * sigma2 / (B * h * (2.0 - eta * h));
}

}  // namespace sgdsde::theory
