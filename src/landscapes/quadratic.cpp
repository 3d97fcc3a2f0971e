// The constructor of landscapes/quadratic.hpp, compiled once.
#include "sgdsde/landscapes/quadratic.hpp"

#include <sstream>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

namespace sgdsde {

Quadratic::Quadratic(const Mat& H, const Vec& centre) : H_(H), centre_(centre) {
  require(H.rows() >= 1 && H.rows() == H.cols(), "quadratic: H must be a non-empty square matrix");
  require(centre.size() == H.rows(), "quadratic: centre and H have different dimensions");
  require(H.allFinite() && centre.allFinite(), "quadratic: H and centre must be finite");
  const double scale = H.cwiseAbs().maxCoeff();
  require((H - H.transpose()).cwiseAbs().maxCoeff() <= 1e-12 * scale, "quadratic: H must be symmetric");
  H_ = 0.5 * (H + H.transpose());
  eigenvalues_ = Eigen::SelfAdjointEigenSolver<Mat>(H_, Eigen::EigenvaluesOnly).eigenvalues();
  if (!(eigenvalues_[0] > 0.0)) {
    std::ostringstream msg;
    msg << "quadratic: H must be positive definite (smallest eigenvalue " << eigenvalues_[0] << ")";
    throw InputError(msg.str());
  }
  diagonal_ = H_.isDiagonal(0.0);
  h_ = H_.diagonal();
  Hc_ = H_ * centre_;
  const Vec sd = H_.llt().solve(Mat::Identity(dim(), dim())).diagonal().cwiseSqrt();
  box_ = {centre_ - 3.0 * sd, centre_ + 3.0 * sd};
}

}  // namespace sgdsde
