// The Eyring–Kramers prefactor of stats/theory/kramers.hpp (THEORY §5), compiled once.
#include "sgdsde/stats/theory/kramers.hpp"

#include <cmath>
#include <numbers>

#include <Eigen/Eigenvalues>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

double eyring_kramers_log_rate(const Mat& H_min, const Mat& H_saddle, double barrier, double T) {
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

}  // namespace sgdsde::theory
