#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

namespace {
// Bin masses of N(mu, s²) on the histogram's bins.
Vec normal_masses(const Histogram1D& h, double mu, double s) {
  const Vec e = h.edges();
  Vec q(h.bins());
  for (Index i = 0; i < h.bins(); ++i)
    q[i] = 0.5 *
           (std::erf((e[i + 1] - mu) / (s * std::sqrt(2.0))) - std::erf((e[i] - mu) / (s * std::sqrt(2.0))));
  return q;
}
Histogram1D sample(double mu, double s, std::uint32_t n, std::uint64_t seed) {
  Histogram1D h(-5, 5, 50);
  const CounterRng rng(seed);
  for (std::uint32_t p = 0; p < n; ++p) h.add(mu + s * rng.normal_pair(p, 0, 0)[0]);
  return h;
}
}  // namespace

TEST_CASE("samples from the reference stay under the floor bound; a shifted reference does not") {
  const Histogram1D h = sample(0.0, 1.0, 20000, 11);
  const auto same = compare_histogram(h.counts_vec(), normal_masses(h, 0.0, 1.0), BinGeometry::of(h));
  REQUIRE(same.size() == 5);
  for (const auto& r : same) {
    CHECK_MESSAGE(r.value <= r.bound(), r.metric);
    CHECK(r.floor_mean > 0.0);
    CHECK(r.bootstrap_se > 0.0);
  }
  // A 10%-wider reference is 10 floor-widths away at n = 20000.
  const auto wider = compare_histogram(h.counts_vec(), normal_masses(h, 0.0, 1.1), BinGeometry::of(h));
  for (const auto& r : wider)
    if (r.metric == "tv" || r.metric == "hellinger" || r.metric == "w1")
      CHECK_MESSAGE(r.value > r.bound(), r.metric);
}

TEST_CASE("two samples of one distribution are consistent; of two distributions they are not") {
  const Histogram1D a = sample(0.0, 1.0, 20000, 1), b = sample(0.0, 1.0, 30000, 2),
                    c = sample(0.15, 1.0, 30000, 3);
  for (const auto& r : compare_two_histograms(a.counts_vec(), b.counts_vec(), BinGeometry::of(a)))
    CHECK_MESSAGE(r.value <= r.bound(), r.metric);
  for (const auto& r : compare_two_histograms(a.counts_vec(), c.counts_vec(), BinGeometry::of(a)))
    if (r.metric == "w1" || r.metric == "ks") CHECK_MESSAGE(r.value > r.bound(), r.metric);
}
