// covariance_sqrt of sde/sme.hpp, compiled once.
#include <algorithm>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include "sgdsde/sde/sme.hpp"

namespace sgdsde {

Mat covariance_sqrt(const Mat& S) {
  Eigen::LLT<Mat> llt(S);
  if (llt.info() == Eigen::Success) {
    Mat L = llt.matrixL();
    if (L.allFinite()) return L;
  }
  Eigen::SelfAdjointEigenSolver<Mat> es(S);
  require(es.info() == Eigen::Success, "covariance_sqrt: eigen-decomposition failed");
  const double tol = 1e-12 * std::max(1.0, es.eigenvalues().cwiseAbs().maxCoeff());
  require(es.eigenvalues().minCoeff() >= -tol,
          "covariance_sqrt: the covariance is not positive semi-definite");
  const Vec r = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return es.eigenvectors() * r.asDiagonal() * es.eigenvectors().transpose();
}

}  // namespace sgdsde
