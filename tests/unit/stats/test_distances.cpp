#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/distances.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

namespace {
Vec vec(std::initializer_list<double> v) {
  Vec x(static_cast<Index>(v.size()));
  Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}
Vec random_distribution(const CounterRng& rng, std::uint32_t id, Index K, double zero_fraction = 0.0) {
  Vec p(K);
  for (Index i = 0; i < K; ++i) {
    const auto u = rng.uniforms(id, static_cast<std::uint64_t>(i), 0);
    p[i] = u[1] < zero_fraction ? 0.0 : u[0];
  }
  if (p.sum() == 0.0) p[0] = 1.0;
  return p / p.sum();
}
}  // namespace

TEST_CASE("distances on a hand-checkable example") {
  const Vec p = vec({0.5, 0.5, 0.0}), q = vec({0.25, 0.25, 0.5});
  CHECK(total_variation(p, q) == doctest::Approx(0.5));
  CHECK(kl_divergence(p, q) == doctest::Approx(std::log(2.0)));  // 2 · ½ ln(½/¼)
  CHECK(kl_divergence(q, p) == std::numeric_limits<double>::infinity());
  // H² = 1 − Σ sqrt(p q) = 1 − 2 sqrt(1/8)
  CHECK(hellinger(p, q) == doctest::Approx(std::sqrt(1.0 - 2.0 * std::sqrt(0.125))));
  CHECK(ks_distance(p, q) == doctest::Approx(0.5));            // F − G = ¼, ½, 0
  CHECK(wasserstein1_1d(p, q, 1.0) == doctest::Approx(0.75));  // ¼·1 + ½·1
  CHECK(wasserstein1_1d(p, q, 0.1) == doctest::Approx(0.075));
  CHECK(wasserstein1_1d_centers(p, q, vec({0.0, 1.0, 3.0})) == doctest::Approx(0.25 + 0.5 * 2.0));
}

TEST_CASE("W1 of two point masses is their distance") {
  Vec p = Vec::Zero(10), q = Vec::Zero(10);
  p[2] = 1.0;
  q[7] = 1.0;
  CHECK(wasserstein1_1d(p, q, 0.2) == doctest::Approx(5 * 0.2));
  CHECK(ks_distance(p, q) == doctest::Approx(1.0));
  CHECK(total_variation(p, q) == doctest::Approx(1.0));
  CHECK(hellinger(p, q) == doctest::Approx(1.0));
}

TEST_CASE("distance axioms and inequalities on random distributions") {
  const CounterRng rng(11);
  for (std::uint32_t t = 0; t < 50; ++t) {
    const Vec p = random_distribution(rng, 2 * t, 25, t % 2 ? 0.2 : 0.0);
    const Vec q = random_distribution(rng, 2 * t + 1, 25);
    const double tv = total_variation(p, q), kl = kl_divergence(p, q), h = hellinger(p, q),
                 ks = ks_distance(p, q), w = wasserstein1_1d(p, q, 0.1);
    CHECK(tv >= 0.0);
    CHECK(tv <= 1.0);
    CHECK(kl >= 0.0);
    CHECK(h <= 1.0);
    CHECK(tv == doctest::Approx(total_variation(q, p)));
    CHECK(h == doctest::Approx(hellinger(q, p)));
    CHECK(ks == doctest::Approx(ks_distance(q, p)));
    CHECK(w == doctest::Approx(wasserstein1_1d(q, p, 0.1)));
    CHECK(tv <= std::sqrt(kl / 2.0) + 1e-12);  // Pinsker
    CHECK(h * h <= tv + 1e-12);                // H² ≤ TV ≤ √2 H
    CHECK(tv <= std::sqrt(2.0) * h + 1e-12);
    CHECK(ks <= tv + 1e-12);
    CHECK(w <= 0.1 * 24 * ks + 1e-12);  // W1 ≤ (range) · KS
    CHECK(total_variation(p, p) == 0.0);
    CHECK(kl_divergence(p, p) == 0.0);
    CHECK(hellinger(p, p) == 0.0);
    CHECK(ks_distance(p, p) == 0.0);
    CHECK(wasserstein1_1d(p, p, 0.1) == 0.0);
  }
}

TEST_CASE("sliced W1 of two atoms is (2/π)|v| up to the direction quadrature") {
  const Vec x = vec({0.0, 0.6}), y = vec({0.0, 0.8});  // |v| = 1
  const SlicedW1 sw(x, y, 64);
  const double v = sw(vec({1.0, 0.0}), vec({0.0, 1.0}));
  CHECK(v == doctest::Approx(2.0 / std::numbers::pi).epsilon(1e-3));
  CHECK(sw(vec({1.0, 0.0}), vec({1.0, 0.0})) == 0.0);
  CHECK(sw(vec({0.0, 1.0}), vec({1.0, 0.0})) == doctest::Approx(v));
}

TEST_CASE("sliced W1 on a histogram grid: translation of a blob") {
  Histogram2D g(0, 10, 10, 0, 10, 10);
  const SlicedW1 sw = SlicedW1::for_histogram(g, 128);
  Vec p = Vec::Zero(100), q = Vec::Zero(100);
  // a 2×2 blob moved by 3 cells in x and 4 in y: every atom moves by (3, 4), |v| = 5
  for (Index dx = 0; dx < 2; ++dx)
    for (Index dy = 0; dy < 2; ++dy) {
      p[(1 + dx) * 10 + (1 + dy)] = 0.25;
      q[(4 + dx) * 10 + (5 + dy)] = 0.25;
    }
  // for a pure translation the projected W1 is |⟨v, u⟩| exactly, so the average is (2/π)·5
  CHECK(sw(p, q) == doctest::Approx(10.0 / std::numbers::pi).epsilon(1e-3));
  CHECK(sw.directions() == 128);
}
