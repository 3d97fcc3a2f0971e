// cholesky_factor of noise/finite_sum.hpp, compiled once.
#include <algorithm>
#include <string>

#include <Eigen/Cholesky>

#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde::detail {

Mat cholesky_factor(const Mat& C, const std::string& what) {
  require(C.rows() >= 1 && C.rows() == C.cols() && C.allFinite(),
          what + ": covariance must be a finite square matrix");
  require((C - C.transpose()).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, C.cwiseAbs().maxCoeff()),
          what + ": covariance must be symmetric");
  Eigen::LLT<Mat> llt(0.5 * (C + C.transpose()));
  require(llt.info() == Eigen::Success, what + ": covariance must be positive definite");
  return llt.matrixL();
}

}  // namespace sgdsde::detail
