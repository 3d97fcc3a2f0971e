#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sgdsde/stats/distances.hpp"
#include "sgdsde/stats/multinomial.hpp"
#include "sgdsde/stats/sampling_floor.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

namespace {
// A fixed, uneven distribution over K bins (a discretised Gaussian bump plus a floor).
Vec bump(Index K) {
  Vec q(K);
  for (Index i = 0; i < K; ++i) {
    const double z =
        (static_cast<double>(i) - 0.4 * static_cast<double>(K)) / (0.15 * static_cast<double>(K));
    q[i] = std::exp(-0.5 * z * z) + 0.02;
  }
  return q / q.sum();
}
double binom_pmf(int n, int k, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
                  (n - k) * std::log1p(-p));
}
}  // namespace

TEST_CASE("de Moivre's mean absolute deviation equals the binomial sum") {
  for (int n : {1, 2, 7, 30, 101}) {
    for (double p : {0.01, 0.2, 0.5, 0.73, 0.999}) {
      double direct = 0.0;
      for (int k = 0; k <= n; ++k) direct += binom_pmf(n, k, p) * std::abs(k - n * p);
      CHECK(binomial_mean_abs_deviation(n, p) == doctest::Approx(direct).epsilon(1e-10));
    }
  }
  CHECK(binomial_mean_abs_deviation(10, 0.0) == 0.0);
  CHECK(binomial_mean_abs_deviation(10, 1.0) == 0.0);
}

TEST_CASE("multinomial counts sum to n and pass a chi-square check") {
  const Vec q = bump(12);
  const AliasTable table(q);
  const CounterRng rng(99);
  const std::int64_t n = 20001;
  const int R = 60;
  double chi2_sum = 0.0;
  for (int r = 0; r < R; ++r) {
    std::vector<std::int64_t> c;
    multinomial_counts(table, n, rng, static_cast<std::uint32_t>(r), 0, c);
    std::int64_t total = 0;
    double chi2 = 0.0;
    for (Index i = 0; i < q.size(); ++i) {
      total += c[static_cast<std::size_t>(i)];
      const double e = static_cast<double>(n) * q[i];
      chi2 += (static_cast<double>(c[static_cast<std::size_t>(i)]) - e) *
              (static_cast<double>(c[static_cast<std::size_t>(i)]) - e) / e;
    }
    CHECK(total == n);
    chi2_sum += chi2;
  }
  // E χ² = K − 1, Var χ² = 2(K − 1): the mean over R replicates within 5 standard errors
  const double K1 = static_cast<double>(q.size() - 1);
  CHECK(std::abs(chi2_sum / R - K1) < 5.0 * std::sqrt(2.0 * K1 / R));
}

TEST_CASE("alias table handles zero-probability bins") {
  Vec q(4);
  q << 0.0, 0.5, 0.0, 0.5;
  const AliasTable table(q);
  const CounterRng rng(3);
  std::vector<std::int64_t> c;
  multinomial_counts(table, 10000, rng, 0, 0, c);
  CHECK(c[0] == 0);
  CHECK(c[2] == 0);
  CHECK(c[1] + c[3] == 10000);
}

TEST_CASE("Monte Carlo TV floor matches the exact and normal-approximation floors") {
  const Vec q = bump(20);
  for (std::int64_t n : {100, 1000, 20000}) {
    const ResampledDistance f = sampling_floor(q, n, total_variation, 200, 1234);
    const double exact = tv_floor_exact(q, n);
    CAPTURE(n);
    CHECK(std::abs(f.mean - exact) < 5.0 * f.std_error);
    CHECK(f.std > 0.0);
    // the normal approximation is good when n q_i ≫ 1 (q_min ≈ 0.0009 here)
    if (n >= 20000) CHECK(tv_floor_normal(q, n) == doctest::Approx(exact).epsilon(0.02));
  }
}

TEST_CASE("Monte Carlo KL and Hellinger floors match their asymptotics for large n") {
  Vec q = Vec::Constant(10, 0.1);
  const std::int64_t n = 20000;
  const ResampledDistance kl = sampling_floor(q, n, kl_divergence, 200, 77);
  CHECK(std::abs(kl.mean - kl_floor_asymptotic(q, n)) < 5.0 * kl.std_error);
  const ResampledDistance h2 = sampling_floor(
      q, n, [](const Vec& p, const Vec& r) { return std::pow(hellinger(p, r), 2); }, 200, 78);
  CHECK(std::abs(h2.mean - hellinger2_floor_asymptotic(q, n)) < 5.0 * h2.std_error);
}

TEST_CASE("floors are deterministic and independent of the thread count") {
  const Vec q = bump(15);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const ResampledDistance a = sampling_floor(q, 5000, ks_distance, 16, 5);
  omp_set_num_threads(2);
  const ResampledDistance b = sampling_floor(q, 5000, ks_distance, 16, 5);
  omp_set_num_threads(saved);
  CHECK(a.mean == b.mean);
  CHECK(a.std == b.std);
  const ResampledDistance c = sampling_floor(q, 5000, ks_distance, 16, 6);
  CHECK(c.mean != a.mean);
}

TEST_CASE("bootstrap standard error of a linear statistic is the binomial one") {
  // metric = p̂_0: its bootstrap sd must be sqrt(p̂_0(1 − p̂_0)/n)
  Vec counts(3);
  counts << 300.0, 500.0, 200.0;
  const Vec q = Vec::Constant(3, 1.0 / 3.0);
  const int R = 400;
  const ResampledDistance b = bootstrap_distance(
      counts, q, [](const Vec& p, const Vec&) { return p[0]; }, R, 9);
  CHECK(b.estimate == doctest::Approx(0.3));
  const double expected = std::sqrt(0.3 * 0.7 / 1000.0);
  // relative standard error of a sample sd over R replicates ≈ 1/sqrt(2(R − 1))
  CHECK(std::abs(b.std / expected - 1.0) < 5.0 / std::sqrt(2.0 * (R - 1)));
  CHECK(std::abs(b.mean - 0.3) < 5.0 * b.std_error);
}
