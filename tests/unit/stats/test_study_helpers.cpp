// The small pieces the escape and relaxation studies share, against closed forms: the mass below a cut
// of cell masses, the relaxation rate of an occupation curve, the polynomial intercept, the paired
// relative delay of two passages, ΔΦ, and the two-way chain MFPT of a symmetric double well.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/stats/mass_below.hpp"
#include "sgdsde/stats/paired_delay.hpp"
#include "sgdsde/stats/polynomial_fit.hpp"
#include "sgdsde/stats/relaxation_rate.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"
#include "sgdsde/stats/theory/stationary_density.hpp"

using namespace sgdsde;

TEST_CASE("mass_below: exact for a linear density, cut anywhere in an interior cell") {
  // p(x) = (1 + x)/1.5 on [0, 1]: cell masses are exact integrals; the cut cell is integrated with the
  // centred slope of its neighbours, exact for a linear density.
  const Index n = 50;
  const double lo = 0.0, hi = 1.0, h = (hi - lo) / n;
  const auto P = [](double x) { return (x + 0.5 * x * x) / 1.5; };
  Vec cells(n);
  for (Index i = 0; i < n; ++i)
    cells[i] = P(lo + h * static_cast<double>(i + 1)) - P(lo + h * static_cast<double>(i));
  for (double cut : {0.0, 0.2, 0.537, 0.5, 0.981, 1.0})
    CHECK(stats::mass_below(cells, lo, hi, cut) == doctest::Approx(P(cut)).epsilon(1e-13));
  CHECK(stats::mass_below(cells, lo, hi, -1.0) == 0.0);
  CHECK(stats::mass_below(cells, lo, hi, 2.0) == doctest::Approx(1.0).epsilon(1e-14));
}

TEST_CASE("relaxation_rate: an exponential approach gives its rate; the gradient is the derivative") {
  const double lam = 0.37, m_end = 0.8, A = 0.5, t1 = 0.5, t2 = 1.7;
  const auto m = [&](double t) { return m_end - A * std::exp(-lam * t); };
  const auto r = stats::relaxation_rate(m(t1), m(t2), m_end, t1, t2);
  CHECK(r.value == doctest::Approx(lam).epsilon(1e-13));
  const double eps = 1e-7;
  const double args[3] = {m(t1), m(t2), m_end};
  for (int k = 0; k < 3; ++k) {
    double up[3] = {args[0], args[1], args[2]}, dn[3] = {args[0], args[1], args[2]};
    up[k] += eps, dn[k] -= eps;
    const double fd = (stats::relaxation_rate(up[0], up[1], up[2], t1, t2).value -
                       stats::relaxation_rate(dn[0], dn[1], dn[2], t1, t2).value) /
                      (2 * eps);
    CHECK(r.grad[k] == doctest::Approx(fd).epsilon(1e-6));
  }
  // delta method: independent m1, m2 with variances s1², s2² (m_end exact)
  Mat C = Mat::Zero(3, 3);
  C(0, 0) = 1e-4, C(1, 1) = 4e-4;
  CHECK(r.std_error(C) ==
        doctest::Approx(std::sqrt(r.grad[0] * r.grad[0] * 1e-4 + r.grad[1] * r.grad[1] * 4e-4)));
}

TEST_CASE("polynomial_intercept: exact on polynomial data; the weights reproduce it and kill the powers") {
  const std::vector<double> x{0.1, 0.15, 0.2, 0.3, 0.45};
  std::vector<double> y;
  for (double t : x) y.push_back(1.25 - 0.7 * t + 2.0 * t * t);
  const auto [a, w] = stats::polynomial_intercept(x, y, 2);
  CHECK(a == doctest::Approx(1.25).epsilon(1e-12));
  double s0 = 0, s1 = 0, s2 = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    s0 += w[i], s1 += w[i] * x[i], s2 += w[i] * x[i] * x[i], sy += w[i] * y[i];
  CHECK(s0 == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(std::abs(s1) < 1e-12);
  CHECK(std::abs(s2) < 1e-12);
  CHECK(sy == doctest::Approx(a).epsilon(1e-14));
  // a straight line through curved data misses the intercept: the fit is not a constant
  CHECK(std::abs(stats::polynomial_intercept(x, y, 1).first - 1.25) > 1e-3);
}

TEST_CASE("paired_relative_delay: a uniform 10% delay, missing passages left out, noise gives se > 0") {
  std::vector<std::int64_t> ref{100, 200, 300, -1, 400}, seen{110, 220, 330, 50, -1};
  const auto d = stats::paired_relative_delay(seen, ref);
  CHECK(d.value == doctest::Approx(0.1).epsilon(1e-14));
  CHECK(d.se == doctest::Approx(0.0).epsilon(1e-14));
  seen = {110, 230, 320, 50, -1};
  const auto e = stats::paired_relative_delay(seen, ref);
  CHECK(e.value == doctest::Approx(60.0 / 600.0).epsilon(1e-14));
  CHECK(e.se > 0.0);
  CHECK(std::isnan(stats::paired_relative_delay({1, -1}, {1, 1}).value));
}

TEST_CASE("potential_difference: Simpson is exact for L' = x and constant D") {
  const double T = 0.3;
  const double dphi =
      theory::potential_difference([](double x) { return x; }, [T](double) { return T; }, -1.0, 0.4);
  CHECK(dphi == doctest::Approx((0.4 * 0.4 - 1.0) / (2 * T)).epsilon(1e-13));
}

TEST_CASE("chain_mfpt_both_ways: a symmetric double well takes as long both ways, in time units") {
  const auto lp = [](double w) { return 4 * w * w * w - 4 * w; };
  const auto D = [](double) { return 0.3; };
  const double dt = 0.01;
  const auto both = theory::chain_mfpt_both_ways(lp, D, dt, -3.0, 3.0, 4.0);
  CHECK(both[0].steps == doctest::Approx(both[1].steps).epsilon(1e-12));
  theory::ChainMfptOptions o;
  o.cells_per_sd = 4.0;
  o.left = -3.0;
  CHECK(both[0].steps ==
        doctest::Approx(theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 1.0, o).steps * dt)
            .epsilon(1e-14));
  // an asymmetric D breaks the symmetry: the ways differ
  const auto Da = [](double w) { return 0.3 + 0.1 * std::tanh(w); };
  const auto asym = theory::chain_mfpt_both_ways(lp, Da, dt, -3.0, 3.0, 4.0);
  CHECK(std::abs(asym[0].steps / asym[1].steps - 1.0) > 0.05);
}
