#pragma once
// How far an empirical histogram of n samples sits from its own law: the finite-sample floor
// of a distance (the value measured even when the samples come from q itself), and bootstrap
// standard errors of a measured distance.
//
// Monte Carlo floor: `replicates` multinomial samples of n draws from q (alias method through
// CounterRng, fixed seed), metric(p̂_r, q) for each, then the mean, standard deviation and the
// standard error of the mean over replicates. Replicates run in parallel (OpenMP), each on its
// own counter stream, and are reduced in a fixed order: deterministic for any thread count.
// Cost O(n · replicates) draws.
//
// Analytic total-variation floors (N_i ~ Bin(n, q_i)): E TV = (1/2n) Σ_i E|N_i − n q_i|,
//   exact with de Moivre's mean absolute deviation E|N − nq| = 2 m C(n,m) q^m (1−q)^{n−m+1},
//   m = ⌊nq⌋ + 1 (tv_floor_exact), or its normal approximation Σ sqrt(q_i(1−q_i)/(2πn))
//   (tv_floor_normal, accurate when n q_i ≫ 1).
// Asymptotic (n q_i ≫ 1 in every bin with q_i > 0, K of them):
//   E KL(p̂‖q) ≈ (K−1)/(2n)        (½ χ²_{K−1}/n)
//   E H²(p̂,q) ≈ (K−1)/(8n)        (Hellinger squared; H itself ≈ sqrt of it to leading order)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/multinomial.hpp"

namespace sgdsde::stats {

/// Mean, standard deviation (over replicates) and standard error of the mean of a resampled distance.
struct ResampledDistance {
  double mean = 0.0;
  double std = 0.0;        ///< spread of one replicate (for a bootstrap: the standard error of the estimate)
  double std_error = 0.0;  ///< std / sqrt(replicates): the Monte Carlo error of `mean`
  int replicates = 0;
  std::int64_t n = 0;
  double estimate = 0.0;  ///< bootstrap only: the distance of the original data
};

namespace detail {
/// Mean, spread and Monte Carlo error of the distances of `value.size()` replicates of n samples.
inline ResampledDistance summarise_replicates(const std::vector<double>& value, std::int64_t n) {
  const auto replicates = static_cast<int>(value.size());
  double mean = 0.0;
  for (double v : value) mean += v;
  mean /= replicates;
  double ss = 0.0;
  for (double v : value) ss += (v - mean) * (v - mean);
  ResampledDistance out;
  out.mean = mean;
  out.std = std::sqrt(ss / (replicates - 1));
  out.std_error = out.std / std::sqrt(static_cast<double>(replicates));
  out.replicates = replicates;
  out.n = n;
  return out;
}

template <class Metric>
ResampledDistance resample_distance(const AliasTable& table, const Vec& q, std::int64_t n, Metric&& metric,
                                    int replicates, std::uint64_t seed, std::uint32_t stream) {
  require(replicates >= 2, "resampled distance: need at least 2 replicates");
  require(n >= 1, "resampled distance: need n ≥ 1");
  const CounterRng rng(seed);
  std::vector<double> value(static_cast<std::size_t>(replicates));
#pragma omp parallel for schedule(dynamic, 1)
  for (int r = 0; r < replicates; ++r)
    value[static_cast<std::size_t>(r)] =
        metric(multinomial_frequencies(table, n, rng, static_cast<std::uint32_t>(r), stream), q);
  return summarise_replicates(value, n);
}
}  // namespace detail

/// Monte Carlo floor of metric(p̂, q) for p̂ the frequencies of n draws from q.
/// `metric` is any callable double(const Vec& p, const Vec& q) (thread-safe: called concurrently).
template <class Metric>
ResampledDistance sampling_floor(const Vec& q, std::int64_t n, Metric&& metric, int replicates = 48,
                                 std::uint64_t seed = 0x5EEDF100ull, std::uint32_t stream = 0) {
  const AliasTable table(q);
  return detail::resample_distance(table, q, n, metric, replicates, seed, stream);
}

/// Bootstrap of metric(p̂, q) for an empirical histogram `counts` (n = Σ counts): resample n
/// draws from counts/n, `replicates` times. `std` is the bootstrap standard error of `estimate`.
template <class Metric>
ResampledDistance bootstrap_distance(const Vec& counts, const Vec& q, Metric&& metric, int replicates = 200,
                                     std::uint64_t seed = 0xB007u, std::uint32_t stream = 1) {
  require(counts.size() == q.size(), "bootstrap_distance: counts and q differ in size");
  const double total = counts.sum();
  require(total >= 1.0, "bootstrap_distance: empty histogram");
  const auto n = static_cast<std::int64_t>(std::llround(total));
  const AliasTable table(counts);
  ResampledDistance out = detail::resample_distance(table, q, n, metric, replicates, seed, stream);
  out.estimate = metric(Vec(counts / total), q);
  return out;
}

/// E|N − nq| for N ~ Bin(n, q) (de Moivre), computed in logs.
inline double binomial_mean_abs_deviation(std::int64_t n, double q) {
  require(n >= 0 && q >= 0.0 && q <= 1.0, "binomial_mean_abs_deviation: need n ≥ 0, q ∈ [0,1]");
  if (q <= 0.0 || q >= 1.0 || n == 0) return 0.0;
  const auto m = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * q)) + 1;
  if (m > n) return 0.0;  // nq = n exactly cannot happen for q < 1, kept for safety
  const double nn = static_cast<double>(n), mm = static_cast<double>(m);
  const double log_binom = std::lgamma(nn + 1.0) - std::lgamma(mm + 1.0) - std::lgamma(nn - mm + 1.0);
  return 2.0 * mm * std::exp(log_binom + mm * std::log(q) + (nn - mm + 1.0) * std::log1p(-q));
}

/// Exact E TV(p̂, q) for n draws from q.
inline double tv_floor_exact(const Vec& q, std::int64_t n) {
  require(n >= 1, "tv_floor_exact: need n ≥ 1");
  double s = 0.0;
  for (Index i = 0; i < q.size(); ++i) s += binomial_mean_abs_deviation(n, std::clamp(q[i], 0.0, 1.0));
  return s / (2.0 * static_cast<double>(n));
}

/// Normal approximation Σ sqrt(q_i(1−q_i)/(2πn)).
inline double tv_floor_normal(const Vec& q, std::int64_t n) {
  require(n >= 1, "tv_floor_normal: need n ≥ 1");
  double s = 0.0;
  for (Index i = 0; i < q.size(); ++i) s += std::sqrt(std::max(q[i] * (1.0 - q[i]), 0.0));
  return s / std::sqrt(2.0 * std::numbers::pi * static_cast<double>(n));
}

/// (K−1)/(2n), K = number of bins with q_i > 0 (valid when n q_i ≫ 1).
inline double kl_floor_asymptotic(const Vec& q, std::int64_t n) {
  const auto K = static_cast<double>((q.array() > 0.0).count());
  return (K - 1.0) / (2.0 * static_cast<double>(n));
}

/// E H² ≈ (K−1)/(8n) (Hellinger squared).
inline double hellinger2_floor_asymptotic(const Vec& q, std::int64_t n) {
  const auto K = static_cast<double>((q.array() > 0.0).count());
  return (K - 1.0) / (8.0 * static_cast<double>(n));
}

}  // namespace sgdsde::stats
