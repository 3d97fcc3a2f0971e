// chain_mfpt.hpp (discrete-chain MFPT) and saddle_escape_quartic.hpp (Koenigs radius).
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"
#include "sgdsde/stats/theory/saddle_escape_quartic.hpp"

using namespace sgdsde;

TEST_CASE("chain MFPT: pure diffusion to a level, one step is certain when the level is close") {
  // no drift, start a, target b far below a few sd: almost surely crossed in 1 step? No: from
  // a = b − 10 sd with zero drift the chain takes many steps; instead a strong drift +100 per unit
  // time with dt = 1 jumps from a to a + 100 > b in one step.
  auto lp = [](double) { return -100.0; };
  auto D = [](double) { return 0.01; };
  const auto r = theory::chain_mean_first_passage_steps(lp, D, 1.0, 0.0, 1.0, {.left = -2.0});
  CHECK(r.steps == doctest::Approx(1.0).epsilon(1e-10));
  // A step whose spread covers the whole way from a to b leaves no grid to solve on: an error, not a
  // 0 × 0 factorisation (which divided by zero).
  auto D_huge = [](double) { return 1e6; };
  CHECK_THROWS_AS(theory::chain_mean_first_passage_steps(lp, D_huge, 1.0, 0.0, 1.0, {.left = -2.0}),
                  std::exception);
}

TEST_CASE("chain MFPT approaches the continuous quadrature as dt -> 0 (error O(dt))") {
  const DoubleWell w;
  auto lp = [w](double x) { return w.derivative1(x); };
  const double T = 0.4;
  auto D = [T](double) { return T; };
  theory::MfptOptions mo;
  mo.left = -3.0;
  const double exact = theory::mean_first_passage_time_langevin(lp, T, -1.0, 1.0, mo).tau;
  const auto a = theory::chain_mean_first_passage_steps(lp, D, 0.02, -1.0, 1.0, {.left = -3.0});
  const auto b = theory::chain_mean_first_passage_steps(lp, D, 0.01, -1.0, 1.0, {.left = -3.0});
  const double ea = std::abs(a.steps * 0.02 - exact), eb = std::abs(b.steps * 0.01 - exact);
  // O(h²) grid convergence: the extrapolated value lies within its stated grid error of a 4× finer grid
  const auto fine =
      theory::chain_mean_first_passage_steps(lp, D, 0.02, -1.0, 1.0, {.left = -3.0, .cells_per_sd = 16.0});
  CHECK(std::abs(a.steps - fine.steps) <= a.grid_error);
  CHECK(fine.grid_error < 0.25 * a.grid_error);
  CHECK(eb < ea);
  CHECK(eb / exact < 0.05);
  // first order: halving dt roughly halves the error (ratio in [1.5, 3] for O(dt) plus O(sqrt dt) monitoring)
  CHECK(ea / eb > 1.2);
}

TEST_CASE("Koenigs radius: continuous closed form, discrete map converges to it, GD step count") {
  const double lam = 1.0, c = 1.0, y = 0.5;
  CHECK(theory::quartic_effective_radius(lam, c, y) == doctest::Approx(0.5 / std::sqrt(0.75)));
  const double d1 = theory::quartic_effective_radius_discrete(1e-2, lam, c, y);
  const double d2 = theory::quartic_effective_radius_discrete(1e-3, lam, c, y);
  const double cont = theory::quartic_effective_radius(lam, c, y);
  CHECK(std::abs(d2 - cont) < std::abs(d1 - cont));
  CHECK(std::abs(d2 - cont) < 1e-2 * cont);
  // c = 0: φ is the identity
  CHECK(theory::quartic_effective_radius_discrete(1e-2, lam, 0.0, y) == doctest::Approx(y).epsilon(1e-12));
  // GD from δ: the iterated map and the Koenigs formula agree on the integer step
  const double eta = 0.01;
  for (double delta : {1e-2, 1e-4, 1e-7}) {
    const auto k = theory::quartic_gd_escape_steps(eta, lam, c, y, delta);
    const double pred = std::log(theory::quartic_effective_radius_discrete(eta, lam, c, y) /
                                 theory::quartic_effective_radius_discrete(eta, lam, c, delta)) /
                        std::log1p(eta * lam);
    CHECK(k == static_cast<std::int64_t>(std::ceil(pred)));
  }
  CHECK(theory::quartic_gd_escape_steps(eta, lam, c, y, 0.0) == -1);
}
