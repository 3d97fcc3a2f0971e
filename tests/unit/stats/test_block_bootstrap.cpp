// The block-bootstrap floor of the histogram of one correlated series (stats/block_bootstrap.hpp)
// against the truth: for independent samples the exact multinomial floor, for a sticky Markov chain
// the mean distance of many independent series to their law (Monte Carlo).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/block_bootstrap.hpp"
#include "sgdsde/stats/distances.hpp"
#include "sgdsde/stats/multinomial.hpp"
#include "sgdsde/stats/sampling_floor.hpp"

using namespace sgdsde;

namespace {

Vec test_law(Index bins) {
  Vec q(bins);
  for (Index i = 0; i < bins; ++i) q[i] = 1.0 + 0.5 * std::sin(0.7 * static_cast<double>(i));
  return q / q.sum();
}

/// n states of the chain "stay with probability rho, else a fresh draw from q" (stationary law q,
/// τ_int = (1 + ρ)/(2(1 − ρ)) for every bin indicator), from a fresh draw.
std::vector<std::int32_t> sticky_series(const Vec& q, Index n, double rho, std::uint64_t seed) {
  const stats::AliasTable table(q);
  const CounterRng rng(seed);
  std::vector<std::int32_t> s(static_cast<std::size_t>(n));
  std::int32_t cur = 0;
  const auto stay = static_cast<std::uint64_t>(rho * 4294967296.0);  // P(w < stay) = ρ
  for (Index k = 0; k < n; ++k) {
    const Words4 w = rng.bits(0, static_cast<std::uint64_t>(k), CounterRng::slot(Purpose::aux, 0));
    if (k == 0 || w[0] >= stay) cur = static_cast<std::int32_t>(table.draw(w[1], w[2]));
    s[static_cast<std::size_t>(k)] = cur;
  }
  return s;
}

struct MeanSe {
  double mean, se;
};
MeanSe mean_se(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()))};
}

double tv_to(const std::vector<std::int32_t>& s, const Vec& q) {
  Vec c = Vec::Zero(q.size());
  for (const std::int32_t k : s) c[k] += 1.0;
  return stats::total_variation(Vec(c / c.sum()), q);
}

}  // namespace

TEST_CASE("block bootstrap floor: independent samples give the exact multinomial floor") {
  const Index bins = 20, n = 20000;
  const Vec q = test_law(bins);
  const double exact = stats::tv_floor_exact(q, n);
  std::vector<double> floors;
  for (std::uint64_t d = 0; d < 12; ++d)
    floors.push_back(stats::block_bootstrap_floor(sticky_series(q, n, 0.0, 100 + d), bins, 200,
                                                  stats::total_variation, 300, 7, 0)
                         .mean);
  const MeanSe f = mean_se(floors);
  MESSAGE("iid: bootstrap floor " << f.mean << " ± " << f.se << ", exact " << exact);
  // + the bias of 200 blocks: a factor 199/200 on the variance, 0.25 % on the distance
  CHECK(std::abs(f.mean - exact) <= 5.0 * f.se + 0.0025 * exact);
}

TEST_CASE("block bootstrap floor: a correlated series gets its own, larger floor") {
  const Index bins = 20, n = 50000;
  const double rho = 0.9;  // τ_int = 9.5: blocks of n/25 = 2000 samples ≈ 210 τ_int
  const Vec q = test_law(bins);
  std::vector<double> truth;  // TV of independent series to their law
  for (std::uint64_t d = 0; d < 200; ++d) truth.push_back(tv_to(sticky_series(q, n, rho, 1000 + d), q));
  std::vector<double> floors;
  for (std::uint64_t d = 0; d < 12; ++d)
    floors.push_back(stats::block_bootstrap_floor(sticky_series(q, n, rho, 5000 + d), bins, 25,
                                                  stats::total_variation, 300, 7, 0)
                         .mean);
  const MeanSe t = mean_se(truth), f = mean_se(floors);
  const double iid = stats::tv_floor_exact(q, n);
  MESSAGE("rho 0.9: bootstrap floor " << f.mean << " ± " << f.se << ", Monte Carlo " << t.mean << " ± "
                                      << t.se << ", independent samples " << iid);
  // The block bootstrap's variance is biased low by O(τ/len) and by its 25 blocks (a factor
  // (blocks − 1)/blocks on the variance, ~2% on the distance).
  CHECK(std::abs(f.mean - t.mean) <= 5.0 * std::hypot(f.se, t.se) + 0.03 * t.mean);
  CHECK(f.mean > 3.0 * iid);  // the correlation matters: sqrt((1 + ρ)/(1 − ρ)) = 4.4
}
