// stats/order_fit.hpp: general weighted least squares, χ²/dof, Birge scaling and the two
// convergence-order fits of the weak-order experiment.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/order_fit.hpp"
#include "sgdsde/stats/sample_stats.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

TEST_CASE("fit_least_squares on a straight line is fit_line_weighted") {
  const std::vector<double> x = {0.0, 0.5, 1.0, 1.7, 2.0, 3.1}, y = {1.1, 1.9, 3.2, 4.3, 5.2, 7.0},
                            s = {0.2, 0.3, 0.2, 0.4, 0.3, 0.5};
  Mat X(6, 2);
  for (Index i = 0; i < 6; ++i) X.row(i) << 1.0, x[static_cast<std::size_t>(i)];
  const auto f = fit_least_squares(X, y, s);
  const auto g = fit_line_weighted(x, y, s);
  CHECK(f.coef[0] == doctest::Approx(g.a).epsilon(1e-12));
  CHECK(f.coef[1] == doctest::Approx(g.b).epsilon(1e-12));
  CHECK(f.se(0) == doctest::Approx(g.se_a).epsilon(1e-12));
  CHECK(f.se(1) == doctest::Approx(g.se_b).epsilon(1e-12));
  CHECK(f.cov(0, 1) == doctest::Approx(g.cov_ab).epsilon(1e-12));
  CHECK(f.chi2 == doctest::Approx(g.chi2).epsilon(1e-12));
  CHECK(f.dof == 4);
  CHECK(f.chi2_per_dof() == doctest::Approx(g.chi2 / 4.0));
  CHECK(f.birge_ratio() == doctest::Approx(std::sqrt(std::max(1.0, g.chi2 / 4.0))));
  // no degrees of freedom: refused
  CHECK_THROWS_AS(
      fit_least_squares(X.topRows(2), std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 1.0}),
      InputError);
}

TEST_CASE("fit_order and fit_fixed_order recover exact convergence laws") {
  const std::vector<double> eta = {0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625};
  std::vector<double> e1(eta.size()), e2(eta.size()), se(eta.size());
  for (std::size_t i = 0; i < eta.size(); ++i) {
    // ln|e| exactly of the fit_order model (negative e: the fit uses |e|)
    e1[i] = -0.07 * std::pow(eta[i], 1.7) * std::exp(1.1 * eta[i] - 3.0 * eta[i] * eta[i]);
    // e/η² exactly of the fit_fixed_order model
    e2[i] = eta[i] * eta[i] * (0.3 - 0.5 * eta[i] + 2.0 * eta[i] * eta[i]);
    se[i] = 1e-3 * std::abs(e1[i]);
  }
  const auto f = fit_order(eta, e1, se, 2);
  CHECK(f.coef[1] == doctest::Approx(1.7).epsilon(1e-9));
  CHECK(std::exp(f.coef[0]) == doctest::Approx(0.07).epsilon(1e-9));
  CHECK(f.coef[2] == doctest::Approx(1.1).epsilon(1e-7));
  CHECK(f.coef[3] == doctest::Approx(-3.0).epsilon(1e-6));
  CHECK(f.dof == 2);
  CHECK(f.chi2 < 1e-12);
  CHECK(f.birge_ratio() == 1.0);  // never scaled down
  const auto g = fit_fixed_order(eta, e2, se, 2.0, 2);
  CHECK(g.coef[0] == doctest::Approx(0.3).epsilon(1e-9));
  CHECK(g.coef[1] == doctest::Approx(-0.5).epsilon(1e-8));
  CHECK(g.coef[2] == doctest::Approx(2.0).epsilon(1e-7));
  CHECK(g.dof == 3);
}

TEST_CASE("fit_order: se(p) matches the Monte Carlo spread; Birge scaling repairs understated errors") {
  // e_i = C η_i^p exp(c η_i) (1 + s_i Z_i), relative noise s_i ≤ 0.04 (ln(1 + sZ) ≈ sZ); 3000 data
  // sets, fits with q = 1 (dof 3). With χ² ~ χ²₃ independent of p̂, z = (p̂ − p)/se_scaled is
  // Z/sqrt(max(1, χ²/3)), E z² = 0.858 (numerical integral); with σ understated 3× the unscaled z
  // is 3Z (E z² = 9) and the scaled one Z/sqrt(max(1/9, χ²/3)), E z² = 2.108. Bounds: 5 s.e. of
  // the mean of z² over the data sets (Var z² = 1.62, 162 and 23.2 respectively).
  const CounterRng rng(33);
  const std::vector<double> eta = {0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625};
  const std::vector<double> rel = {0.002, 0.003, 0.005, 0.01, 0.02, 0.04};
  RunningStats p_true, z2_true, z2_scaled, z2_unscaled, chi2dof;
  const int R = 3000;
  for (int r = 0; r < R; ++r) {
    std::vector<double> e(eta.size()), se(eta.size()), se_low(eta.size());
    for (std::size_t i = 0; i < eta.size(); ++i) {
      const double mean = 0.5 * eta[i] * eta[i] * std::exp(1.5 * eta[i]);
      e[i] = mean * (1.0 + rel[i] * rng.normal_pair(static_cast<std::uint32_t>(r), i, 0)[0]);
      se[i] = rel[i] * mean;
      se_low[i] = se[i] / 3.0;
    }
    const auto f = fit_order(eta, e, se, 1);
    p_true.add(f.coef[1]);
    z2_true.add(std::pow((f.coef[1] - 2.0) / f.se_scaled(1), 2));
    chi2dof.add(f.chi2_per_dof());
    const auto g = fit_order(eta, e, se_low, 1);
    z2_unscaled.add(std::pow((g.coef[1] - 2.0) / g.se(1), 2));
    z2_scaled.add(std::pow((g.coef[1] - 2.0) / g.se_scaled(1), 2));
  }
  const double n = R;
  CHECK(std::abs(p_true.mean() - 2.0) < 5.0 * p_true.std_error());
  CHECK(std::abs(chi2dof.mean() - 1.0) < 5.0 * std::sqrt(2.0 / 3.0 / n));
  CHECK(std::abs(z2_true.mean() - 0.858) < 5.0 * std::sqrt(1.62 / n));
  CHECK(std::abs(z2_unscaled.mean() - 9.0) < 5.0 * std::sqrt(162.0 / n));
  CHECK(std::abs(z2_scaled.mean() - 2.108) < 5.0 * std::sqrt(23.2 / n));
}
