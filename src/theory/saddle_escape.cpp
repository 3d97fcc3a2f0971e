// The Boost.Math parts of stats/theory/saddle_escape.hpp, compiled once.
#include "sgdsde/stats/theory/saddle_escape.hpp"

#include <cmath>

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/erf.hpp>

namespace sgdsde::theory::detail {

LogAbsMoments log_abs_normal_moments_quadrature(double mu, double s) {
  const double m = std::abs(mu) / s;  // work with Z + m, then add ln s
  boost::math::quadrature::tanh_sinh<double> q;
  const double U = m + 40.0;
  auto dens = [m](double u) { return normal_pdf(u - m) + normal_pdf(u + m); };
  const double e1 = q.integrate([&](double u) { return u > 0 ? std::log(u) * dens(u) : 0.0; }, 0.0, U);
  const double e2 =
      q.integrate([&](double u) { return u > 0 ? std::log(u) * std::log(u) * dens(u) : 0.0; }, 0.0, U);
  return {e1 + std::log(s), e2 - e1 * e1};
}

double erfc_inv(double p) { return boost::math::erfc_inv(p); }

}  // namespace sgdsde::theory::detail
