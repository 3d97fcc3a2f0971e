#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/first_passage.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/sample_stats.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

TEST_CASE("RunningStats agrees with the two-pass formulas and merges") {
  const std::vector<double> x = {1.0, 2.0, 3.0, 4.0};
  RunningStats s;
  s.add(x);
  CHECK(s.mean() == doctest::Approx(2.5));
  CHECK(s.variance() == doctest::Approx(5.0 / 3.0));
  CHECK(s.variance_population() == doctest::Approx(1.25));
  CHECK(s.std_error() == doctest::Approx(std::sqrt(5.0 / 12.0)));
  CHECK(s.min() == 1.0);
  CHECK(s.max() == 4.0);

  const CounterRng rng(5);
  std::vector<double> y;
  for (std::uint32_t i = 0; i < 1000; ++i)
    y.push_back(1e6 + rng.normal_pair(i, 0, 0)[0]);  // offset: Welford is stable
  RunningStats whole, a, b;
  whole.add(y);
  for (std::size_t i = 0; i < y.size(); ++i) (i < 317 ? a : b).add(y[i]);
  a += b;
  double m = 0.0;
  for (double v : y) m += v;
  m /= 1000.0;
  double ss = 0.0;
  for (double v : y) ss += (v - m) * (v - m);
  CHECK(a.count() == 1000);
  CHECK(a.mean() == doctest::Approx(m).epsilon(1e-14));
  CHECK(a.variance() == doctest::Approx(ss / 999.0).epsilon(1e-9));
  CHECK(whole.variance() == doctest::Approx(ss / 999.0).epsilon(1e-9));
  RunningStats empty;
  empty += a;
  CHECK(empty.mean() == a.mean());
}

TEST_CASE("sample covariance of an ensemble") {
  Ensemble X(2, 4);
  X << 1, 2, 3, 4,  //
      2, 4, 6, 9;
  const Mat C = sample_covariance(X);
  CHECK(C(0, 0) == doctest::Approx(5.0 / 3.0));
  // y − ȳ = (−3.25, −1.25, 0.75, 3.75), x − x̄ = (−1.5, −0.5, 0.5, 1.5)
  CHECK(C(0, 1) == doctest::Approx((1.5 * 3.25 + 0.5 * 1.25 + 0.5 * 0.75 + 1.5 * 3.75) / 3.0));
  CHECK(C(1, 0) == doctest::Approx(C(0, 1)));
  CHECK(sample_mean(X)[1] == doctest::Approx(5.25));
}

TEST_CASE("quantiles interpolate linearly between order statistics (type 7)") {
  CHECK(quantile({5, 1, 3, 2, 4}, 0.5) == 3.0);
  CHECK(quantile({5, 1, 3, 2, 4}, 0.25) == 2.0);
  CHECK(quantile({1, 2, 3, 4, 5}, 0.1) == doctest::Approx(1.4));
  CHECK(median({4, 1, 3, 2}) == 2.5);
  const std::vector<double> probs = {0.0, 1.0};
  const auto q = quantiles({3, 9, 1}, probs);
  CHECK(q[0] == 1.0);
  CHECK(q[1] == 9.0);
}

TEST_CASE("linear fit on a hand-computed example") {
  const std::vector<double> x = {0, 1, 2, 3}, y = {1, 3, 2, 5};
  const LinearFit f = fit_line(x, y);
  CHECK(f.b == doctest::Approx(1.1));
  CHECK(f.a == doctest::Approx(1.1));
  CHECK(f.residual_std == doctest::Approx(std::sqrt(1.35)));
  CHECK(f.se_b == doctest::Approx(std::sqrt(1.35 / 5.0)));
  CHECK(f.se_a == doctest::Approx(std::sqrt(1.35 * 0.7)));
  CHECK(f.cov_ab == doctest::Approx(-1.5 * 1.35 / 5.0));
  // equal sigmas: same line as OLS, errors from sigma
  const std::vector<double> s(4, 2.0);
  const LinearFit w = fit_line_weighted(x, y, s);
  CHECK(w.b == doctest::Approx(1.1));
  CHECK(w.a == doctest::Approx(1.1));
  CHECK(w.se_b == doctest::Approx(2.0 / std::sqrt(5.0)));
  CHECK(w.chi2 == doctest::Approx(2.7 / 4.0));
  // a power law
  const std::vector<double> h = {0.1, 0.05, 0.025}, e = {3 * 0.01, 3 * 0.0025, 3 * 0.000625};
  CHECK(fit_loglog(h, e).b == doctest::Approx(2.0));
  CHECK(std::exp(fit_loglog(h, e).a) == doctest::Approx(3.0));
}

TEST_CASE("linear fit standard errors match the Monte Carlo spread of the estimates") {
  // y_i = 1 + 2 x_i + σ_i Z_i with unequal σ_i; 4000 data sets
  const CounterRng rng(21);
  const std::vector<double> x = {0.0, 0.5, 1.0, 1.7, 2.0, 3.1, 4.0};
  std::vector<double> sigma;
  for (double xi : x) sigma.push_back(0.2 + 0.1 * xi);
  RunningStats bw, bo, sew;
  const int R = 4000;
  for (int r = 0; r < R; ++r) {
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      y[i] = 1.0 + 2.0 * x[i] + sigma[i] * rng.normal_pair(static_cast<std::uint32_t>(r), i, 0)[0];
    const LinearFit fw = fit_line_weighted(x, y, sigma);
    const LinearFit fo = fit_line(x, y);
    bw.add(fw.b);
    sew.add(fw.se_b);
    bo.add(fo.b);
  }
  // unbiased slope
  CHECK(std::abs(bw.mean() - 2.0) < 5.0 * bw.std_error());
  CHECK(std::abs(bo.mean() - 2.0) < 5.0 * bo.std_error());
  // weighted: se_b is exact (the same for every data set) and equals the sd of b
  const double rel = 5.0 / std::sqrt(2.0 * (R - 1));
  CHECK(std::abs(bw.stddev() / sew.mean() - 1.0) < rel);
  // OLS: E se_b² = Var b under homoscedastic noise only; here check the weighted one beats OLS
  CHECK(bw.stddev() < bo.stddev());
}

TEST_CASE("first-passage summary with censoring") {
  const std::vector<std::int64_t> steps = {0, 10, -1, 20, -1};
  const FirstPassageSummary s = first_passage_stats(steps, 0.1, 100);
  CHECK(s.total == 5);
  CHECK(s.passed == 3);
  CHECK(s.censored == 2);
  CHECK(s.fraction_passed == doctest::Approx(0.6));
  CHECK(s.fraction_se == doctest::Approx(std::sqrt(0.6 * 0.4 / 5)));
  CHECK(s.mean == doctest::Approx(1.0));
  CHECK(s.std == doctest::Approx(1.0));
  CHECK(s.std_error == doctest::Approx(1.0 / std::sqrt(3.0)));
  CHECK(s.median == doctest::Approx(1.0));
  CHECK(s.censor_time == doctest::Approx(10.0));
  CHECK(s.restricted_mean == doctest::Approx((0 + 1 + 2 + 10 + 10) / 5.0));
  // a time table (schedule)
  std::vector<double> t(101);
  for (std::size_t k = 0; k < t.size(); ++k) t[k] = 0.01 * static_cast<double>(k * k);
  const FirstPassageSummary u = first_passage_stats(steps, t);
  CHECK(u.mean == doctest::Approx((0.0 + 1.0 + 4.0) / 3.0));
  CHECK(u.censor_time == doctest::Approx(100.0));
  const Histogram1D h = first_passage_histogram(steps, 0.1, 0.0, 3.0, 3);
  CHECK(h.count(0) == 1);
  CHECK(h.count(1) == 1);
  CHECK(h.count(2) == 1);
  CHECK(h.total() == 3);
}
