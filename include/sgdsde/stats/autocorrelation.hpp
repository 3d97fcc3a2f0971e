#pragma once
// Integrated autocorrelation time and effective sample size of a (stationary) time series, for
// comparing the histogram of ONE long trajectory with a density: the multinomial sampling floor
// of stats/distribution_comparison.hpp holds for independent samples, so a correlated series of n
// samples counts as n_eff = n / (2 τ_int) of them.
//
// τ_int = ½ + Σ_{t=1}^{W} ρ(t) with Sokal's automatic window: the smallest W with W ≥ c·τ_int(W)
// (c = 5 by default; Sokal 1997, Madras–Sokal 1988). ρ(t) is the normalised sample autocovariance
// (direct sum, O(n W)).
#include <algorithm>
#include <cmath>
#include <span>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

struct AutocorrelationTime {
  double tau_int = 0.5;    ///< integrated autocorrelation time (in samples; 0.5 for white noise)
  Index window = 0;        ///< the window W chosen
  bool converged = false;  ///< false if W reached max_lag before W ≥ c τ (then τ is a lower estimate)
};

inline AutocorrelationTime integrated_autocorrelation_time(std::span<const double> x, double c = 5.0,
                                                           Index max_lag = 0) {
  const auto n = static_cast<Index>(x.size());
  require(n >= 4, "integrated_autocorrelation_time: need at least 4 samples");
  if (max_lag <= 0) max_lag = n / 4;
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  auto acov = [&](Index t) {
    double s = 0.0;
    for (Index i = 0; i + t < n; ++i)
      s += (x[static_cast<std::size_t>(i)] - mean) * (x[static_cast<std::size_t>(i + t)] - mean);
    return s / static_cast<double>(n);
  };
  const double c0 = acov(0);
  AutocorrelationTime r;
  if (!(c0 > 0.0)) return r;  // constant series
  double tau = 0.5;
  for (Index t = 1; t <= max_lag; ++t) {
    tau += acov(t) / c0;
    if (static_cast<double>(t) >= c * tau) {
      r.tau_int = std::max(tau, 0.5);
      r.window = t;
      r.converged = true;
      return r;
    }
  }
  r.tau_int = std::max(tau, 0.5);
  r.window = max_lag;
  return r;
}

/// n / (2 τ_int): the number of independent samples a correlated series is worth.
inline double effective_sample_size(Index n, double tau_int) {
  return static_cast<double>(n) / (2.0 * std::max(tau_int, 0.5));
}

}  // namespace sgdsde::stats
