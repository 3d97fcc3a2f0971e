#pragma once
// First-passage statistics from a vector of first-passage step indices (−1 = never passed
// within the run). The time of step k is given either as t0 + k·dt (constant step) or by a
// table `step_times[k]` (schedules: t_k = Σ_{j<k} η_j).
//
// Censoring: particles that never passed are censored at `censor_time` (the run's end). The
// mean among passed particles is then biased low (E[τ | τ ≤ t_max] ≤ E τ); `restricted_mean`,
// the mean of min(τ, t_max) over all particles, is another lower bound of E τ. Both are exact
// estimates of E τ only when `censored == 0`.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/stats/histogram.hpp"
#include "sgdsde/stats/sample_stats.hpp"

namespace sgdsde::stats {

struct FirstPassageSummary {
  std::int64_t total = 0;                   ///< particles
  std::int64_t passed = 0;                  ///< with a passage step ≥ 0
  std::int64_t censored = 0;                ///< never passed (−1)
  double fraction_passed = 0;               ///< passed / total
  double fraction_se = 0;                   ///< binomial standard error sqrt(f(1−f)/total)
  double mean = 0, std = 0, std_error = 0;  ///< passage time among passed (NaN if fewer than 2 / none)
  double median = 0;                        ///< among passed
  double censor_time = 0;                   ///< the time at which the unpassed are censored
  double restricted_mean = 0;               ///< mean of min(τ, censor_time) over all particles
  RunningStats time_stats;                  ///< streaming statistics of the passed times
};

namespace detail {
template <class TimeOf>
FirstPassageSummary first_passage(std::span<const std::int64_t> steps, TimeOf&& time_of, double censor_time) {
  FirstPassageSummary s;
  s.total = static_cast<std::int64_t>(steps.size());
  s.censor_time = censor_time;
  std::vector<double> times;
  times.reserve(steps.size());
  double restricted = 0.0;
  for (std::int64_t k : steps) {
    require(k >= -1, "first_passage: steps must be ≥ −1");
    if (k < 0) {
      ++s.censored;
      restricted += censor_time;
      continue;
    }
    const double t = time_of(k);
    times.push_back(t);
    s.time_stats.add(t);
    restricted += std::min(t, censor_time);
  }
  s.passed = static_cast<std::int64_t>(times.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.fraction_passed = s.total > 0 ? static_cast<double>(s.passed) / static_cast<double>(s.total) : nan;
  s.fraction_se =
      s.total > 0 ? std::sqrt(s.fraction_passed * (1.0 - s.fraction_passed) / static_cast<double>(s.total))
                  : nan;
  s.mean = s.time_stats.mean();
  s.std = s.passed > 1 ? s.time_stats.stddev() : nan;
  s.std_error = s.passed > 1 ? s.time_stats.std_error() : nan;
  s.median = times.empty() ? nan : median(times);
  s.restricted_mean = s.total > 0 ? restricted / static_cast<double>(s.total) : nan;
  return s;
}
}  // namespace detail

/// Passage times t0 + k·dt; unpassed particles censored at t0 + total_steps·dt.
inline FirstPassageSummary first_passage_stats(std::span<const std::int64_t> steps, double dt,
                                               std::int64_t total_steps, double t0 = 0.0) {
  return detail::first_passage(
      steps, [&](std::int64_t k) { return t0 + static_cast<double>(k) * dt; },
      t0 + static_cast<double>(total_steps) * dt);
}

/// Passage times step_times[k] (k < step_times.size()); unpassed censored at step_times.back().
inline FirstPassageSummary first_passage_stats(std::span<const std::int64_t> steps,
                                               std::span<const double> step_times) {
  require(!step_times.empty(), "first_passage_stats: empty step_times");
  return detail::first_passage(
      steps,
      [&](std::int64_t k) {
        require(static_cast<std::size_t>(k) < step_times.size(),
                "first_passage_stats: step beyond step_times");
        return step_times[static_cast<std::size_t>(k)];
      },
      step_times.back());
}

/// Histogram of the passage times t0 + k·dt of the passed particles (unpassed are not counted;
/// their number is FirstPassageSummary::censored).
inline Histogram1D first_passage_histogram(std::span<const std::int64_t> steps, double dt, double lo,
                                           double hi, Index bins, double t0 = 0.0) {
  Histogram1D h(lo, hi, bins);
  for (std::int64_t k : steps)
    if (k >= 0) h.add(t0 + static_cast<double>(k) * dt);
  return h;
}

}  // namespace sgdsde::stats
