// The matrix solvers of stats/theory/lyapunov.hpp (THEORY §4), compiled once.
#include "sgdsde/stats/theory/lyapunov.hpp"

#include <cmath>
#include <complex>
#include <string>

#include <Eigen/Eigenvalues>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

namespace {
bool is_symmetric(const Mat& A) {
  return (A - A.transpose()).cwiseAbs().maxCoeff() <= 1e-14 * (1.0 + A.cwiseAbs().maxCoeff());
}
void require_square(const Mat& A, const Mat& Q, const char* who) {
  require(A.rows() == A.cols() && Q.rows() == Q.cols() && A.rows() == Q.rows() && A.rows() > 0,
          std::string(who) + ": matrices must be square and of the same size");
}
using CMat = Eigen::MatrixXcd;
using CVec = Eigen::VectorXcd;
}  // namespace

/// X with A X + X Aᵀ = Q (any real A with λ_i(A) + λ_j(A) ≠ 0).
Mat solve_continuous_lyapunov(const Mat& A, const Mat& Q) {
  require_square(A, Q, "solve_continuous_lyapunov");
  const Index d = A.rows();
  const Eigen::ComplexSchur<Mat> schur(A);
  const CMat& U = schur.matrixU();
  const CMat& Tm = schur.matrixT();
  // A = U T Uᴴ, Aᵀ = Aᴴ = U Tᴴ Uᴴ  ⇒  T Y + Y Tᴴ = F, Y = Uᴴ X U, F = Uᴴ Q U
  const CMat F = U.adjoint() * Q.cast<std::complex<double>>() * U;
  CMat Y = CMat::Zero(d, d);
  const double scale = 1.0 + Tm.cwiseAbs().maxCoeff();
  for (Index j = d - 1; j >= 0; --j) {
    CVec rhs = F.col(j);
    for (Index k = j + 1; k < d; ++k) rhs -= std::conj(Tm(j, k)) * Y.col(k);
    CMat M = Tm;
    M.diagonal().array() += std::conj(Tm(j, j));
    for (Index i = 0; i < d; ++i)
      if (std::abs(M(i, i)) <= 1e-13 * scale)
        throw NumericalError("solve_continuous_lyapunov: λ_i + λ_j = 0 (singular)");
    Y.col(j) = M.triangularView<Eigen::Upper>().solve(rhs);
  }
  return (U * Y * U.adjoint()).real();
}

/// X with X = A X Aᵀ + Q (any real A with λ_i(A) λ_j(A) ≠ 1).
Mat solve_discrete_lyapunov(const Mat& A, const Mat& Q) {
  require_square(A, Q, "solve_discrete_lyapunov");
  const Index d = A.rows();
  const Eigen::ComplexSchur<Mat> schur(A);
  const CMat& U = schur.matrixU();
  const CMat& Tm = schur.matrixT();
  // Y = T Y Tᴴ + F  ⇒  column j: (I − conj(T_jj) T) y_j = f_j + T Σ_{k>j} conj(T_jk) y_k
  const CMat F = U.adjoint() * Q.cast<std::complex<double>>() * U;
  CMat Y = CMat::Zero(d, d);
  const double scale = 1.0 + Tm.cwiseAbs().maxCoeff();
  for (Index j = d - 1; j >= 0; --j) {
    CVec acc = CVec::Zero(d);
    for (Index k = j + 1; k < d; ++k) acc += std::conj(Tm(j, k)) * Y.col(k);
    const CVec rhs = F.col(j) + Tm * acc;
    CMat M = -std::conj(Tm(j, j)) * Tm;
    M.diagonal().array() += 1.0;
    for (Index i = 0; i < d; ++i)
      if (std::abs(M(i, i)) <= 1e-13 * scale)
        throw NumericalError("solve_discrete_lyapunov: λ_i λ_j = 1 (singular)");
    Y.col(j) = M.triangularView<Eigen::Upper>().solve(rhs);
  }
  return (U * Y * U.adjoint()).real();
}

/// SME stationary covariance: H S + S Hᵀ = η C. Symmetric H uses its eigendecomposition.
Mat stationary_covariance_sme(const Mat& H, const Mat& C, double eta) {
  require_square(H, C, "stationary_covariance_sme");
  if (!is_symmetric(H)) return solve_continuous_lyapunov(H, eta * C);
  const Eigen::SelfAdjointEigenSolver<Mat> es(H);
  const Mat& Qm = es.eigenvectors();
  const Vec& l = es.eigenvalues();
  Mat Sp = Qm.transpose() * C * Qm;
  for (Index i = 0; i < Sp.rows(); ++i)
    for (Index j = 0; j < Sp.cols(); ++j) {
      const double den = l[i] + l[j];
      if (den == 0.0) throw NumericalError("stationary_covariance_sme: λ_i + λ_j = 0 (H singular)");
      Sp(i, j) *= eta / den;
    }
  return Qm * Sp * Qm.transpose();
}

/// SGD stationary covariance: S = (I − ηH) S (I − ηH)ᵀ + η² C. Symmetric H uses its eigendecomposition.
Mat stationary_covariance_sgd(const Mat& H, const Mat& C, double eta) {
  require_square(H, C, "stationary_covariance_sgd");
  const Index d = H.rows();
  if (!is_symmetric(H)) return solve_discrete_lyapunov(Mat::Identity(d, d) - eta * H, eta * eta * C);
  const Eigen::SelfAdjointEigenSolver<Mat> es(H);
  const Mat& Qm = es.eigenvectors();
  const Vec a = (1.0 - eta * es.eigenvalues().array()).matrix();
  Mat Sp = Qm.transpose() * C * Qm;
  for (Index i = 0; i < d; ++i)
    for (Index j = 0; j < d; ++j) {
      const double den = 1.0 - a[i] * a[j];
      if (den == 0.0) throw NumericalError("stationary_covariance_sgd: (1−ηλ_i)(1−ηλ_j) = 1");
      Sp(i, j) *= eta * eta / den;
    }
  return Qm * Sp * Qm.transpose();
}

}  // namespace sgdsde::theory
