// Monte Carlo checks of the escape-time predictions of sgdsde::theory (THEORY §5, §6). Heavier
// than the unit suite: tens of millions of Gaussian draws.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/sample_stats.hpp"
#include "sgdsde/stats/theory.hpp"

using namespace sgdsde;
using namespace sgdsde::theory;

TEST_CASE("Langevin saddle escape: exact-transition simulation against the predicted law") {
  // dy = λ y dt + sqrt(2T) dW simulated with its exact Gaussian transition on a grid dt; the
  // first grid time with |y| ≥ y_e is late by U·dt (U ≈ uniform) on average: mean + dt/2.
  const double lambda = 1.0, T = 1e-4, y_e = 1.0, dt = 0.01;
  const LinearSaddleEscape th{lambda, T, y_e};
  const double growth = std::exp(lambda * dt), sd = std::sqrt(T * std::expm1(2.0 * lambda * dt) / lambda);
  const CounterRng rng(31337);
  const int M = 20000;
  std::vector<double> tau(M);
#pragma omp parallel for schedule(static)
  for (int p = 0; p < M; ++p) {
    double y = 0.0;
    std::uint64_t k = 0;
    while (std::abs(y) < y_e) {
      y = growth * y + sd * rng.normal_pair(static_cast<std::uint32_t>(p), k, 0)[0];
      ++k;
    }
    tau[static_cast<std::size_t>(p)] = static_cast<double>(k) * dt;
  }
  const stats::MeanStd s = stats::mean_std(tau);
  CHECK(std::abs(s.mean - (langevin_saddle_escape_mean(lambda, y_e, T) + 0.5 * dt)) < 5.0 * s.std_error);
  double m4 = 0.0;
  for (double t : tau) m4 += std::pow(t - s.mean, 4);
  m4 /= M;
  CHECK(std::abs(s.variance - (langevin_saddle_escape_variance(lambda) + dt * dt / 12.0)) <
        5.0 * std::sqrt((m4 - s.variance * s.variance) / M));
  // the whole law: empirical cdf at a few quantiles of the prediction
  std::sort(tau.begin(), tau.end());
  for (double prob : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double t = th.quantile(prob) + 0.5 * dt;
    const double emp = static_cast<double>(std::upper_bound(tau.begin(), tau.end(), t) - tau.begin()) / M;
    CAPTURE(prob);
    CHECK(std::abs(emp - prob) < 5.0 * std::sqrt(prob * (1 - prob) / M));
  }
}

TEST_CASE("double-well mean first-passage time: Euler–Maruyama against the exact quadrature") {
  // X from −1 to the barrier top 0 at T = 0.5. Discrete monitoring misses crossings between grid
  // points; the standard continuity correction moves the barrier out by 0.5826·sqrt(2T dt)
  // (Broadie–Glasserman–Kou), so the simulation is compared with τ(−1 → 0 + shift).
  auto lp = [](double w) { return 4.0 * w * (w * w - 1.0); };
  const double T = 0.5, dt = 1e-3, b = 0.0;
  const double shift = 0.5826 * std::sqrt(2.0 * T * dt);
  MfptOptions opt;
  opt.left = -3.5;
  const double tau_exact = mean_first_passage_time_langevin(lp, T, -1.0, b + shift, opt).tau;
  const double tau_unshifted = mean_first_passage_time_langevin(lp, T, -1.0, b, opt).tau;
  const CounterRng rng(4242);
  const int M = 4000;
  std::vector<double> tau(M);
  const double noise = std::sqrt(2.0 * T * dt);
#pragma omp parallel for schedule(dynamic, 64)
  for (int p = 0; p < M; ++p) {
    double x = -1.0;
    std::uint64_t k = 0;
    while (x < b) {
      const auto z = rng.normal_pair(static_cast<std::uint32_t>(p), k / 2, 0);
      x += -lp(x) * dt + noise * z[k % 2];
      ++k;
    }
    tau[static_cast<std::size_t>(p)] = static_cast<double>(k) * dt;
  }
  const stats::MeanStd s = stats::mean_std(tau);
  CAPTURE(s.mean);
  CAPTURE(s.std_error);
  CAPTURE(tau_exact);
  CAPTURE(tau_unshifted);
  CHECK(std::abs(s.mean - tau_exact) < 5.0 * s.std_error);
}
