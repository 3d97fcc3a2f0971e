// Ornstein–Uhlenbeck at t = 1 against THEORY §3: mean m₀e^{−ht}, variance T/h + (v₀ − T/h)e^{−2ht}.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/theory/ou.hpp"

using namespace sgdsde;

TEST_CASE("OU mean and variance at t = 1 (ensemble Euler-Maruyama, diagonal H, d = 2)") {
  const Vec h = (Vec(2) << 1.0, 3.0).finished();
  const Vec m0 = (Vec(2) << 1.0, -0.5).finished();
  const double T = 0.5, dt = 5e-4;
  const long n = 2000;  // t = 1
  const Index M = 100000;
  Ensemble x(2, M);
  for (Index p = 0; p < M; ++p) x.col(p) = m0.array();
  EnsembleLangevin<Quadratic> model(Quadratic::diagonal(h), T, dt, CounterRng(31));
  auto coords = [](const Ensemble& e, Index p, double* out) {
    out[0] = e(0, p);
    out[1] = e(1, p);
  };
  Trace<decltype(coords)> trace({"x", "y"}, coords, RecordPlan{n, 0, -1});
  RunOptions opt;
  opt.n_steps = n;
  run_ensemble(model, x, opt, trace);
  REQUIRE(model.time(n) == doctest::Approx(1.0));
  for (Index j = 0; j < 2; ++j) {
    const double mean = trace.mean()[2 + static_cast<std::size_t>(j)];
    const double sd = trace.sd()[2 + static_cast<std::size_t>(j)];
    const double var = sd * sd;
    const double mu = theory::ou_mean(m0[j], h[j], 1.0), v = theory::ou_variance(0.0, h[j], T, 1.0);
    const double se_mean = sd / std::sqrt(static_cast<double>(M));
    const double se_var = var * std::sqrt(2.0 / static_cast<double>(M - 1));
    std::printf("OU axis %ld: mean %.5f (theory %.5f, se %.1e), variance %.5f (theory %.5f, se %.1e)\n",
                static_cast<long>(j), mean, mu, se_mean, var, v, se_var);
    CHECK(std::abs(mean - mu) < 5.0 * se_mean);
    CHECK(std::abs(var - v) < 5.0 * se_var);
  }
}
