// The control-variate SGD estimator (optim/sgd_control_variate.hpp) and the SME-2 potential
// (landscapes/sme2_potential.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/landscapes/log_cosh_wells.hpp"
#include "sgdsde/landscapes/sme2_potential.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/sgd_control_variate.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/stats/sample_stats.hpp"

using namespace sgdsde;
using stats::RunningStats;

TEST_CASE("run_linearised_sgd_1d: the SGD part is the library's SGD, particle by particle") {
  const auto problem = AdditiveNoise<LogCoshWells>::isotropic(LogCoshWells(1), 500, 2.0, 11);
  const double eta = 0.05, m0 = -1.0, v0 = 1e-3;
  const long K = 20;
  const std::uint64_t seed = 42;
  const auto run = run_linearised_sgd_1d(problem, 4, eta, K, m0, v0, 300, seed);
  const BatchSampler sampler(problem.num_samples(), 4, Sampling::with_replacement, seed);
  const CounterRng rng(seed);
  for (std::uint32_t p : {0u, 1u, 63u, 64u, 299u}) {
    const double z = rng.normal_pair(p, 0, CounterRng::slot(Purpose::init, 0))[0];
    const Vec x =
        run_sgd(problem, Sgd{}, ConstantLr{eta}, sampler, Vec::Constant(1, m0 + std::sqrt(v0) * z), K, p);
    CHECK(run.theta[p] == doctest::Approx(x[0]).epsilon(1e-13));
  }
}

TEST_CASE("estimate_mean: unbiased control variate with a much smaller standard error") {
  const auto problem = AdditiveNoise<LogCoshWells>::isotropic(LogCoshWells(1), 1000, 2.0, 5);
  const auto run = run_linearised_sgd_1d(problem, 4, 0.05, 20, -1.0, 1e-3, 200000, 9);
  const TestFunction1d phi{"theta2", [](double w) { return w * w; }, [](double w) { return 2 * w; },
                           [](double) { return 2.0; }};
  const auto e = estimate_mean(run, phi);
  // The control variate's exact mean (E δ = 0, E δ² = v_K) matches its sample mean.
  CHECK(std::abs(e.cv_offset) <= 5.0 * e.cv_offset_se);
  // Both estimators agree (their difference is the offset above) and the variance drops.
  CHECK(std::abs(e.mean - e.mean_raw) == doctest::Approx(std::abs(e.cv_offset)).epsilon(1e-9));
  CHECK(e.std_error < 0.2 * e.std_error_raw);
}

TEST_CASE(
    "estimate_variance: equals the two control-variate means combined; its se is the replicate spread") {
  const auto problem = AdditiveNoise<LogCoshWells>::isotropic(LogCoshWells(1), 1000, 2.0, 5);
  const TestFunction1d th{"theta", [](double w) { return w; }, [](double) { return 1.0; },
                          [](double) { return 0.0; }};
  const TestFunction1d th2{"theta2", [](double w) { return w * w; }, [](double w) { return 2 * w; },
                           [](double) { return 2.0; }};
  {
    const auto run = run_linearised_sgd_1d(problem, 4, 0.1, 10, -1.0, 1e-3, 100000, 3);
    const auto v = estimate_variance(run);
    const auto m1 = estimate_mean(run, th), m2 = estimate_mean(run, th2);
    CHECK(v.variance == doctest::Approx(m2.mean - m1.mean * m1.mean).epsilon(1e-9));
    double s = 0.0, q = 0.0;
    for (Index p = 0; p < run.theta.size(); ++p) s += run.theta[p];
    const double mean = s / static_cast<double>(run.theta.size());
    for (Index p = 0; p < run.theta.size(); ++p) q += (run.theta[p] - mean) * (run.theta[p] - mean);
    CHECK(v.variance_raw == doctest::Approx(q / static_cast<double>(run.theta.size() - 1)).epsilon(1e-12));
    CHECK(std::abs(v.variance - v.variance_raw) <= 5.0 * std::hypot(v.std_error, v.std_error_raw));
    CHECK(v.std_error < 0.5 * v.std_error_raw);  // 0.24 here (eta = 0.1); 0.09 at eta = 0.0125
  }
  // 60 independent replicates (seeds): the spread of the estimates over the mean reported se is 1
  // within 5 of its standard errors (≈ 1/sqrt(2·59) for near-Gaussian estimates); same for the plain one.
  RunningStats est, se, raw, raw_se;
  for (std::uint64_t r = 0; r < 60; ++r) {
    const auto run = run_linearised_sgd_1d(problem, 4, 0.1, 10, -1.0, 1e-3, 20000, 100 + r);
    const auto v = estimate_variance(run);
    est.add(v.variance);
    se.add(v.std_error);
    raw.add(v.variance_raw);
    raw_se.add(v.std_error_raw);
  }
  const double tol = 5.0 / std::sqrt(2.0 * 59.0);
  CHECK(std::abs(est.stddev() / se.mean() - 1.0) < tol);
  CHECK(std::abs(raw.stddev() / raw_se.mean() - 1.0) < tol);
  CHECK(std::abs(est.mean() - raw.mean()) < 5.0 * raw.std_error());
}

TEST_CASE("Sme2Potential: gradient (1 + eta/2 L'') L' and L's critical points") {
  const LogCoshWells L(1);
  const double eta = 0.1;
  const Sme2Potential<LogCoshWells> P(L, eta);
  for (double w : {-2.5, -1.0, 0.3, 1.7}) {
    const Vec x = Vec::Constant(1, w);
    Vec g(1);
    P.gradient(x, g);
    const double expect = (1.0 + 0.5 * eta * LogCoshWells::second1(w)) * LogCoshWells::derivative1(w);
    CHECK(g[0] == doctest::Approx(expect).epsilon(1e-14));
    const double h = 1e-5;
    const double fd = (P.value(Vec::Constant(1, w + h)) - P.value(Vec::Constant(1, w - h))) / (2 * h);
    CHECK(fd == doctest::Approx(expect).epsilon(1e-8));
  }
  for (const auto& cp : P.critical_points()) {
    Vec g(1);
    P.gradient(cp.location, g);
    CHECK(std::abs(g[0]) < 1e-12);
    CHECK(P.value(cp.location) == doctest::Approx(cp.value).epsilon(1e-12));
  }
}
