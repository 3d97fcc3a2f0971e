// The least-squares fits of stats/order_fit.hpp, compiled once.
#include "sgdsde/stats/order_fit.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace sgdsde::stats {

LeastSquaresFit fit_least_squares(const Mat& X, std::span<const double> y, std::span<const double> sigma) {
  const Index n = X.rows(), m = X.cols();
  require(static_cast<Index>(y.size()) == n && static_cast<Index>(sigma.size()) == n,
          "fit_least_squares: X, y and sigma differ in size");
  require(m >= 1 && n > m, "fit_least_squares: need more points than parameters (dof >= 1)");
  Mat A(n, m);
  Vec b(n);
  for (Index i = 0; i < n; ++i) {
    const double s = sigma[static_cast<std::size_t>(i)];
    require(s > 0.0 && std::isfinite(s), "fit_least_squares: sigma must be finite and > 0");
    A.row(i) = X.row(i) / s;
    b[i] = y[static_cast<std::size_t>(i)] / s;
  }
  // Column-pivoted QR of the whitened system (the η^k columns are nearly collinear); the
  // covariance (AᵀA)⁻¹ = P R⁻¹ R⁻ᵀ Pᵀ.
  const Eigen::ColPivHouseholderQR<Mat> qr(A);
  require(qr.rank() == m, "fit_least_squares: the design matrix is rank deficient");
  LeastSquaresFit f;
  f.n = n;
  f.dof = n - m;
  f.coef = qr.solve(b);
  f.chi2 = (A * f.coef - b).squaredNorm();
  const Mat R = qr.matrixR().topLeftCorner(m, m).triangularView<Eigen::Upper>();
  const Mat Rinv = R.triangularView<Eigen::Upper>().solve(Mat::Identity(m, m));
  const Mat P = qr.colsPermutation();
  f.cov = P * (Rinv * Rinv.transpose()) * P.transpose();
  return f;
}

LeastSquaresFit fit_order(std::span<const double> eta, std::span<const double> e, std::span<const double> se,
                          int q) {
  const auto n = static_cast<Index>(eta.size());
  require(e.size() == eta.size() && se.size() == eta.size(), "fit_order: sizes differ");
  require(q >= 0, "fit_order: q must be >= 0");
  Mat X(n, 2 + q);
  std::vector<double> y(eta.size()), s(eta.size());
  for (Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    require(eta[k] > 0.0 && e[k] != 0.0 && std::isfinite(e[k]), "fit_order: need eta > 0 and e != 0");
    X(i, 0) = 1.0;
    X(i, 1) = std::log(eta[k]);
    for (int j = 1; j <= q; ++j) X(i, 1 + j) = std::pow(eta[k], j);
    y[k] = std::log(std::abs(e[k]));
    s[k] = se[k] / std::abs(e[k]);
  }
  return fit_least_squares(X, y, s);
}

LeastSquaresFit fit_fixed_order(std::span<const double> eta, std::span<const double> e,
                                std::span<const double> se, double p, int q) {
  const auto n = static_cast<Index>(eta.size());
  require(e.size() == eta.size() && se.size() == eta.size(), "fit_fixed_order: sizes differ");
  require(q >= 0, "fit_fixed_order: q must be >= 0");
  Mat X(n, 1 + q);
  std::vector<double> y(eta.size()), s(eta.size());
  for (Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    require(eta[k] > 0.0, "fit_fixed_order: need eta > 0");
    const double scale = std::pow(eta[k], p);
    for (int j = 0; j <= q; ++j) X(i, j) = std::pow(eta[k], j);
    y[k] = e[k] / scale;
    s[k] = se[k] / scale;
  }
  return fit_least_squares(X, y, s);
}

}  // namespace sgdsde::stats
