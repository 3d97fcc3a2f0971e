// Kramers-rate theory added for issue 19: the chain MFPT with the Brownian-bridge crossing, the
// Broadie–Glasserman–Kou monitoring shift, the first correction of Kramers' law, the Fokker–Planck
// MFPT solve (fokker_planck/mfpt.hpp) and the bridge-corrected first-passage observer.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/ensemble/bridge_passage.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/fokker_planck/generator.hpp"
#include "sgdsde/fokker_planck/mfpt.hpp"
#include "sgdsde/landscapes/channel_double_well.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/first_passage.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"
#include "sgdsde/stats/theory/kramers.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"

using namespace sgdsde;

namespace {
const DoubleWell well;
auto lp = [](double x) { return well.derivative1(x); };
theory::MfptOptions quad_opt() {
  theory::MfptOptions o;
  o.left = -3.0;
  return o;
}
}  // namespace

TEST_CASE("first correction of Kramers' law: (quadrature/Kramers - 1)/T -> c1 = 3/8 for w^4 - 2w^2") {
  const double c1 = theory::kramers_first_correction_1d(8.0, -24.0, 24.0, -4.0, 0.0, 24.0);
  CHECK(c1 == doctest::Approx(0.375));
  double prev = 1e9;
  for (const double T : {0.1, 0.05, 0.025}) {
    const double q = theory::mean_first_passage_time_langevin(lp, T, -1.0, 1.0, quad_opt()).tau;
    const double k = theory::kramers_time_to_minimum(theory::kramers_rate_1d(8.0, -4.0, 1.0, T));
    const double rem = std::abs((q / k - 1.0) / T - c1);  // O(T)
    CHECK(rem < prev);
    prev = rem;
  }
  CHECK(prev < 0.05);  // at T = 0.025 the O(T) remainder of (ratio − 1)/T is below 0.05 (c1 = 0.375)
}

TEST_CASE("chain MFPT to the barrier top: monitoring delay ~ BGK shift (sqrt dt); the bridge removes it") {
  const double T = 0.3;
  auto D = [T](double) { return T; };
  const double q = theory::mean_first_passage_time_langevin(lp, T, -1.0, 0.0, quad_opt()).tau;
  double delay_prev = 0, bridge_err_prev = 0;
  for (const double dt : {0.004, 0.001}) {
    const auto seen = theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 0.0, {.left = -3.0});
    const auto bridged =
        theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 0.0, {.left = -3.0, .brownian_bridge = true});
    const double delay = seen.steps / bridged.steps - 1.0;
    const double shifted = theory::mean_first_passage_time_langevin(
                               lp, T, -1.0, theory::discrete_monitoring_shift(T, dt), quad_opt())
                               .tau;
    const double bgk = shifted / q - 1.0;
    CHECK(delay == doctest::Approx(bgk).epsilon(0.15));  // leading order; relative corrections O(sqrt dt)
    const double bridge_err = std::abs(bridged.steps * dt / q - 1.0);
    CHECK(bridge_err < 0.25 * delay);  // O(dt) against O(sqrt dt)
    if (delay_prev > 0) {
      CHECK(delay_prev / delay == doctest::Approx(2.0).epsilon(0.1));            // sqrt(4)
      CHECK(bridge_err_prev / bridge_err == doctest::Approx(4.0).epsilon(0.3));  // first order
    }
    delay_prev = delay;
    bridge_err_prev = bridge_err;
  }
}

TEST_CASE("bridge-corrected first passage of EM agrees with the chain MFPT with the bridge") {
  const double T = 0.5, dt = 0.01;
  const Index M = 4000;
  EnsembleLangevin em(well, T, dt, CounterRng(17));
  Ensemble x = Ensemble::Constant(1, M, -1.0);
  BridgeFirstPassage bridge(0.0, T, dt, CounterRng(99));
  RunOptions opt;
  opt.n_steps = 20000;
  opt.block = 64;
  opt.stop_when_all_passed = true;
  run_ensemble(em, x, opt, bridge);
  const auto s = stats::first_passage_stats(bridge.steps(), dt, opt.n_steps);
  CHECK(s.censored == 0);
  auto D = [T](double) { return T; };
  const auto c =
      theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 0.0, {.left = -3.0, .brownian_bridge = true});
  const auto seen = theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 0.0, {.left = -3.0});
  CHECK(std::abs(s.mean - c.steps * dt) < 4.0 * s.std_error);
  CHECK(seen.steps * dt - s.mean > 3.0 * s.std_error);  // the delay of step monitoring is resolved
}

TEST_CASE("Fokker-Planck MFPT: 1-D against the quadrature; 2-D separable channel against 1-D") {
  const double T = 0.35;
  const double q = theory::mean_first_passage_time_langevin(lp, T, -1.0, 1.0, quad_opt()).tau;
  auto solve1 = [&](double h) {
    // centres on 1 (absorbing) and −1 (start); reflecting at ≈ −3
    const auto n_left = static_cast<Index>(std::llround(4.0 / h));
    const fp::Grid<1> grid(Box{Vec::Constant(1, 1.0 - (n_left + 0.5) * h), Vec::Constant(1, 1.0 + 0.5 * h)},
                           n_left + 1);
    const fp::Generator<1> gen(grid, well, fp::Diffusion::isotropic(T));
    std::vector<std::uint8_t> target(static_cast<std::size_t>(grid.size()), 0);
    target.back() = 1;
    const Vec u = fp::mean_first_passage_times(gen, target);
    return u[n_left - static_cast<Index>(std::llround(2.0 / h))];
  };
  const double c = solve1(0.02), f = solve1(0.01), r = f + (f - c) / 3.0;
  CHECK(std::abs(f - q) / q < 2e-3);
  CHECK(std::abs(r - q) < std::abs(f - q));  // O(h²): Richardson improves
  CHECK(std::abs(r - q) / q < 2e-4);
  // alpha = 0: x and y decouple, the passage in x is the 1-D one (wells of (x²−1)² = w⁴ − 2w² + 1)
  const ChannelDoubleWell sep(4.0, 0.0);
  const double h = 0.02;
  const auto n_left = static_cast<Index>(std::llround(4.0 / h)),
             ny = static_cast<Index>(std::llround(1.5 / h));
  Vec lo(2), hi(2);
  lo << 1.0 - (n_left + 0.5) * h, -(ny + 0.5) * h;
  hi << 1.0 + 0.5 * h, (ny + 0.5) * h;
  const fp::Grid<2> grid(Box{lo, hi}, {n_left + 1, 2 * ny + 1});
  const fp::Generator<2> gen(grid, sep, fp::Diffusion::isotropic(T));
  std::vector<std::uint8_t> target(static_cast<std::size_t>(grid.size()), 0);
  for (Index k = 0; k < grid.size(); ++k)
    target[static_cast<std::size_t>(k)] = grid.multi_index(k)[0] == n_left;
  const Vec u = fp::mean_first_passage_times(gen, target);
  CHECK(u[grid.index({n_left - 100, ny})] == doctest::Approx(c).epsilon(1e-9));
  CHECK(u[grid.index({n_left - 100, ny + 20})] == doctest::Approx(c).epsilon(1e-9));
}
