// Escape from a saddle (THEORY §6): Langevin at T from the saddle of L = ½ a x² − ½ λ y² + ¼ c y⁴,
// escape at |y| ≥ y_e: E τ = (1/2λ)(ln(λ y_e²/T) + γ_E + ln 2), Var τ = π²/(8λ²).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/quartic_saddle.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/theory/saddle_escape.hpp"

using namespace sgdsde;

TEST_CASE("saddle escape: mean escape time within 5% of THEORY §6 at T = 1e-3") {
  const double a = 1.0, lambda = 1.0, c = 1e-3, T = 1e-3, y_e = 0.5, dt = 1e-3;
  const Index M = 20000;
  const long n_max = 20000;  // t = 20, six standard deviations beyond the mean
  Ensemble x = Ensemble::Zero(2, M);
  EnsembleLangevin<QuarticSaddle> model(QuarticSaddle(a, lambda, c), T, dt, CounterRng(6));
  FirstPassage escaped([y_e](const Ensemble& e, Index p) { return std::abs(e(1, p)) >= y_e; });
  RunOptions opt;
  opt.n_steps = n_max;
  opt.stop_when_all_passed = true;
  run_ensemble(model, x, opt, escaped);
  double s = 0.0, s2 = 0.0;
  Index n = 0;
  for (auto k : escaped.steps()) {
    REQUIRE(k >= 0);  // every particle escaped within the run
    const double tau = model.time(k);
    s += tau;
    s2 += tau * tau;
    ++n;
  }
  const double mean = s / static_cast<double>(n), var = s2 / static_cast<double>(n) - mean * mean;
  const double se = std::sqrt(var / static_cast<double>(n));
  const double theory_mean = theory::langevin_saddle_escape_mean(lambda, y_e, T);
  const double theory_var = theory::langevin_saddle_escape_variance(lambda);
  std::printf(
      "saddle escape: E tau = %.4f ± %.4f (theory %.4f, rel. diff %.2f%%), Var tau = %.4f (theory %.4f)\n",
      mean, se, theory_mean, 100.0 * (mean / theory_mean - 1.0), var, theory_var);
  CHECK(std::abs(mean - theory_mean) <= 0.05 * theory_mean);
  // The spread as well: the variance within 10% (its standard error is ~1.5% here).
  CHECK(std::abs(var - theory_var) <= 0.1 * theory_var);
}
