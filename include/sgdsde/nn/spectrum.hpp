#pragma once
// Spectral tools on a symmetric operator given only by its products v ↦ A v (THEORY §9): the network's
// H, G and Σ₁ are P × P with P = 13 002, so they are never formed except as ground truth.
//   hutchinson_trace    Tr A ≈ (1/m) Σ_k z_kᵀ A z_k, z_k Rademacher, with its standard error;
//   top_eigenpairs      the k largest (algebraic) eigenpairs by implicitly restarted Lanczos (Spectra);
//   lanczos_quadrature  stochastic Lanczos quadrature (Ubaru, Chen, Saad 2017): per probe the Ritz
//                       values and weights of an m-step Lanczos run, whose average is a quadrature
//                       rule for the spectral density (1/n) Σ_j δ(t − λ_j);
//   dense_matrix        the matrix itself, column by column (small n: tests and ground truth).
// Random vectors come from the project's counter-based streams (seed, probe), so results are
// reproducible and independent of the thread count.
#include <cstdint>
#include <functional>

#include "sgdsde/core/types.hpp"

namespace sgdsde::nn {

/// out = A v (out is resized by the callee or already of size n).
using LinearOperator = std::function<void(const Vec& v, Vec& out)>;

struct TraceEstimate {
  double trace = 0;      ///< the mean of z_kᵀ A z_k
  double std_error = 0;  ///< the sample standard deviation / √m
  Index probes = 0;
};
[[nodiscard]] TraceEstimate hutchinson_trace(Index n, const LinearOperator& A, Index probes,
                                             std::uint64_t seed);

struct Eigenpairs {
  Vec values;   ///< descending
  Mat vectors;  ///< n × k, unit columns
};
/// The k algebraically largest eigenpairs (k < n), converged to relative accuracy `tol`.
/// NumericalError if Lanczos does not converge.
[[nodiscard]] Eigenpairs top_eigenpairs(Index n, const LinearOperator& A, Index k, double tol = 1e-12);

struct LanczosQuadrature {
  Mat nodes;    ///< m × probes: Ritz values of each probe's tridiagonal matrix
  Mat weights;  ///< m × probes: squared first components of its eigenvectors (each column sums to 1)
  /// The density at t, each node broadened by a Gaussian of width sigma.
  [[nodiscard]] double density(double t, double sigma) const;
};
/// m Lanczos steps (full reorthogonalisation) from each of `probes` Rademacher vectors.
[[nodiscard]] LanczosQuadrature lanczos_quadrature(Index n, const LinearOperator& A, Index m, Index probes,
                                                   std::uint64_t seed);

/// The n × n matrix of A (column j = A e_j), symmetrised.
[[nodiscard]] Mat dense_matrix(Index n, const LinearOperator& A);

/// A Rademacher vector (±1) of length n, a pure function of (seed, probe).
[[nodiscard]] Vec rademacher(Index n, std::uint64_t seed, std::uint32_t probe);

}  // namespace sgdsde::nn
