// Statistical checks of CounterRng's standard normals: the first four moments of 10⁷ normals
// within 5 standard errors (computed from the sample), the tail mass beyond 4, and no correlation
// between neighbouring streams (particles p and p + 1, steps k and k + 1, slots q and q + 1, the
// two normals of one Box–Muller pair, and their squares).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "sgdsde/core/rng.hpp"

using namespace sgdsde;

namespace {
struct Moments {
  double n = 0, s[9] = {};
  void add(double z) {
    n += 1;
    double p = 1;
    for (int k = 1; k <= 8; ++k) s[k] += (p *= z);
  }
  [[nodiscard]] double m(int k) const { return s[k] / n; }
  /// Standard error of the k-th raw moment estimate: sqrt((E z^{2k} − (E z^k)²)/n) (sample values).
  [[nodiscard]] double se(int k) const { return std::sqrt((m(2 * k) - m(k) * m(k)) / n); }
};
/// Sample correlation of paired values and its 5-standard-error bound (1/sqrt(n) under independence).
double corr(const std::vector<double>& a, const std::vector<double>& b) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const double n = static_cast<double>(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    sa += a[i];
    sb += b[i];
    saa += a[i] * a[i];
    sbb += b[i] * b[i];
    sab += a[i] * b[i];
  }
  const double ca = saa / n - (sa / n) * (sa / n), cb = sbb / n - (sb / n) * (sb / n);
  return (sab / n - (sa / n) * (sb / n)) / std::sqrt(ca * cb);
}
}  // namespace

TEST_CASE("first four moments of 1e7 normals within 5 standard errors; tail mass beyond 4") {
  const CounterRng rng(20240601);
  const Index M = 1000000, d = 2;
  std::vector<double> z(static_cast<std::size_t>(d * M));
  Moments mom;
  double tail = 0;
  for (std::uint64_t k = 0; k < 5; ++k) {  // 5 steps × 10⁶ particles × 2 coordinates = 10⁷
    rng.normals(k, Purpose::increment, 0, M, d, z.data(), M);
    for (double v : z) {
      mom.add(v);
      tail += std::abs(v) > 4.0;
    }
  }
  const double expect[5] = {0, 0, 1, 0, 3};
  for (int k = 1; k <= 4; ++k) {
    std::printf("E z^%d = %+.6f (expected %g, se %.1e)\n", k, mom.m(k), expect[k], mom.se(k));
    CHECK(std::abs(mom.m(k) - expect[k]) < 5.0 * mom.se(k));
  }
  const double p4 = std::erfc(4.0 / std::sqrt(2.0));
  const double se_tail = std::sqrt(p4 * (1 - p4) / mom.n);
  std::printf("P(|z| > 4) = %.3e (expected %.3e, se %.1e)\n", tail / mom.n, p4, se_tail);
  CHECK(std::abs(tail / mom.n - p4) < 5.0 * se_tail);
}

TEST_CASE("neighbouring streams are uncorrelated") {
  const CounterRng rng(77);
  const Index M = 1000000, d = 4;
  std::vector<double> a(static_cast<std::size_t>(d * M)), b(static_cast<std::size_t>(d * M));
  rng.normals(10, Purpose::increment, 0, M, d, a.data(), M);
  rng.normals(11, Purpose::increment, 0, M, d, b.data(), M);
  auto row = [&](const std::vector<double>& v, Index j, Index off, Index n) {
    return std::vector<double>(v.begin() + j * M + off, v.begin() + j * M + off + n);
  };
  const double bound = 5.0 / std::sqrt(static_cast<double>(M - 1));
  const double c_particles = corr(row(a, 0, 0, M - 1), row(a, 0, 1, M - 1));
  const double c_steps = corr(row(a, 0, 0, M), row(b, 0, 0, M));
  const double c_slots = corr(row(a, 0, 0, M), row(a, 2, 0, M));
  const double c_pair = corr(row(a, 0, 0, M), row(a, 1, 0, M));
  std::vector<double> sq0 = row(a, 0, 0, M), sq1 = row(a, 1, 0, M);
  for (auto& v : sq0) v *= v;
  for (auto& v : sq1) v *= v;
  const double c_pair_sq = corr(sq0, sq1);
  std::printf(
      "correlations: particles %.1e, steps %.1e, slots %.1e, pair %.1e, pair squares %.1e (bound %.1e)\n",
      c_particles, c_steps, c_slots, c_pair, c_pair_sq, bound);
  CHECK(std::abs(c_particles) < bound);
  CHECK(std::abs(c_steps) < bound);
  CHECK(std::abs(c_slots) < bound);
  CHECK(std::abs(c_pair) < bound);
  CHECK(std::abs(c_pair_sq) < bound);
}
