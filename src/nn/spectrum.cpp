#include "sgdsde/nn/spectrum.hpp"

#include <Spectra/SymEigsSolver.h>
#include <Eigen/Eigenvalues>

#include <cmath>
#include <numbers>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"

namespace sgdsde::nn {

Vec rademacher(Index n, std::uint64_t seed, std::uint32_t probe) {
  const CounterRng rng(seed);
  Vec z(n);
  for (Index j = 0; j < n; j += 128) {  // one Philox block gives 128 signs
    const Words4 w =
        rng.bits(probe, static_cast<std::uint64_t>(j / 128), CounterRng::slot(Purpose::aux, 0x5A));
    for (Index b = 0; b < 128 && j + b < n; ++b)
      z[j + b] = ((w[static_cast<std::size_t>(b / 32)] >> (b % 32)) & 1u) ? 1.0 : -1.0;
  }
  return z;
}

TraceEstimate hutchinson_trace(Index n, const LinearOperator& A, Index probes, std::uint64_t seed) {
  require(n >= 1 && probes >= 2, "hutchinson: n >= 1 and at least two probes");
  Vec q(probes), Az(n);
  for (Index k = 0; k < probes; ++k) {
    const Vec z = rademacher(n, seed, static_cast<std::uint32_t>(k));
    A(z, Az);
    q[k] = z.dot(Az);
  }
  TraceEstimate t;
  t.probes = probes;
  t.trace = q.mean();
  t.std_error = std::sqrt((q.array() - t.trace).square().sum() / static_cast<double>(probes - 1) /
                          static_cast<double>(probes));
  return t;
}

namespace {
/// Spectra's operator protocol over a LinearOperator.
struct SpectraOp {
  using Scalar = double;
  Index n;
  const LinearOperator* A;
  mutable Vec in, out;
  [[nodiscard]] Index rows() const { return n; }
  [[nodiscard]] Index cols() const { return n; }
  void perform_op(const double* x, double* y) const {
    in = Eigen::Map<const Vec>(x, n);
    (*A)(in, out);
    Eigen::Map<Vec>(y, n) = out;
  }
};
}  // namespace

Eigenpairs top_eigenpairs(Index n, const LinearOperator& A, Index k, double tol) {
  require(k >= 1 && k < n, "top_eigenpairs: need 1 <= k < n");
  SpectraOp op{n, &A, Vec(n), Vec(n)};
  const Index ncv = std::min(n, std::max<Index>(2 * k + 1, k + 20));
  Spectra::SymEigsSolver<SpectraOp> eigs(op, k, ncv);
  eigs.init();  // Spectra's fixed-seed start vector: deterministic
  eigs.compute(Spectra::SortRule::LargestAlge, 10000, tol, Spectra::SortRule::LargestAlge);
  if (eigs.info() != Spectra::CompInfo::Successful)
    throw NumericalError("top_eigenpairs: Lanczos did not converge");
  return Eigenpairs{eigs.eigenvalues(), eigs.eigenvectors()};
}

LanczosQuadrature lanczos_quadrature(Index n, const LinearOperator& A, Index m, Index probes,
                                     std::uint64_t seed) {
  require(m >= 1 && m <= n && probes >= 1, "lanczos_quadrature: need 1 <= m <= n and probes >= 1");
  LanczosQuadrature q;
  q.nodes.resize(m, probes);
  q.weights.resize(m, probes);
  Mat V(n, m);
  Vec w(n), alpha(m), beta(m);
  for (Index p = 0; p < probes; ++p) {
    V.col(0) = rademacher(n, seed, static_cast<std::uint32_t>(p)) / std::sqrt(static_cast<double>(n));
    Index steps = m;
    for (Index j = 0; j < m; ++j) {
      A(V.col(j), w);
      alpha[j] = V.col(j).dot(w);
      // Full reorthogonalisation (twice: "twice is enough") against every earlier Lanczos vector.
      for (int pass = 0; pass < 2; ++pass) w -= V.leftCols(j + 1) * (V.leftCols(j + 1).transpose() * w);
      if (j + 1 == m) break;
      beta[j] = w.norm();
      if (beta[j] <= 1e-12 * std::max(1.0, std::abs(alpha[j]))) {  // an invariant subspace: exact
        steps = j + 1;
        break;
      }
      V.col(j + 1) = w / beta[j];
    }
    Mat T = Mat::Zero(steps, steps);
    for (Index j = 0; j < steps; ++j) {
      T(j, j) = alpha[j];
      if (j + 1 < steps) T(j, j + 1) = T(j + 1, j) = beta[j];
    }
    Eigen::SelfAdjointEigenSolver<Mat> es(T);
    q.nodes.col(p).setZero();
    q.weights.col(p).setZero();
    q.nodes.col(p).head(steps) = es.eigenvalues();
    q.weights.col(p).head(steps) = es.eigenvectors().row(0).transpose().cwiseAbs2();
  }
  return q;
}

double LanczosQuadrature::density(double t, double sigma) const {
  const double c = 1.0 / (sigma * std::sqrt(2.0 * std::numbers::pi));
  double s = 0.0;
  for (Index p = 0; p < nodes.cols(); ++p)
    for (Index j = 0; j < nodes.rows(); ++j) {
      const double u = (t - nodes(j, p)) / sigma;
      s += weights(j, p) * c * std::exp(-0.5 * u * u);
    }
  return s / static_cast<double>(nodes.cols());
}

Mat dense_matrix(Index n, const LinearOperator& A) {
  Mat M(n, n);
  Vec e = Vec::Zero(n), col(n);
  for (Index j = 0; j < n; ++j) {
    e[j] = 1.0;
    A(e, col);
    M.col(j) = col;
    e[j] = 0.0;
  }
  return 0.5 * (M + M.transpose());
}

}  // namespace sgdsde::nn
