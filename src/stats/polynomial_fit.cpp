#include "sgdsde/stats/polynomial_fit.hpp"

#include <Eigen/QR>
#include <cmath>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

std::pair<double, std::vector<double>> polynomial_intercept(const std::vector<double>& x,
                                                            const std::vector<double>& y, int deg) {
  require(x.size() == y.size() && x.size() > static_cast<std::size_t>(deg) && deg >= 0,
          "polynomial_intercept: need as many x as y, more points than the degree");
  const auto n = static_cast<Index>(x.size());
  Mat V(n, deg + 1);
  for (Index i = 0; i < n; ++i)
    for (int j = 0; j <= deg; ++j) V(i, j) = std::pow(x[static_cast<std::size_t>(i)], j);
  const Mat pinv = V.completeOrthogonalDecomposition().pseudoInverse();
  std::vector<double> w(x.size());
  double a = 0;
  for (Index i = 0; i < n; ++i) {
    w[static_cast<std::size_t>(i)] = pinv(0, i);
    a += pinv(0, i) * y[static_cast<std::size_t>(i)];
  }
  return {a, w};
}

}  // namespace sgdsde::stats
