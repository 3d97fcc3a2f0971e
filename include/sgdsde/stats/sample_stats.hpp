#pragma once
// Sample statistics: a streaming mean / variance (Welford), mergeable (Chan–Golub–LeVeque) so
// per-thread accumulators combine deterministically when merged in a fixed order; the standard
// error of a mean; sample mean and covariance of a d × M ensemble; quantiles.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

/// Streaming count, mean and variance of scalars (Welford), with min and max.
class RunningStats {
 public:
  void add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  void add(std::span<const double> xs) {
    for (double x : xs) add(x);
  }
  /// Merge (Chan et al.): the result is the statistics of the union; deterministic for a fixed merge order.
  RunningStats& operator+=(const RunningStats& o) {
    if (o.n_ == 0) return *this;
    if (n_ == 0) return *this = o;
    const auto na = static_cast<double>(n_), nb = static_cast<double>(o.n_), n = na + nb;
    const double d = o.mean_ - mean_;
    mean_ += d * nb / n;
    m2_ += o.m2_ + d * d * na * nb / n;
    n_ += o.n_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
    return *this;
  }
  [[nodiscard]] std::int64_t count() const { return n_; }
  [[nodiscard]] double mean() const { return n_ > 0 ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  /// Unbiased sample variance (n − 1); NaN for n < 2.
  [[nodiscard]] double variance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  /// Population variance (n).
  [[nodiscard]] double variance_population() const {
    return n_ > 0 ? m2_ / static_cast<double>(n_) : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] double stddev() const { return std::sqrt(variance()); }
  /// Standard error of the mean sqrt(variance / n).
  [[nodiscard]] double std_error() const { return std::sqrt(variance() / static_cast<double>(n_)); }
  [[nodiscard]] double min() const { return min_; }
  [[nodiscard]] double max() const { return max_; }

 private:
  std::int64_t n_ = 0;
  double mean_ = 0.0, m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
};

/// Mean, unbiased variance and standard error of a sample in one call.
struct MeanStd {
  double mean, variance, std_error;
  std::int64_t n;
};
inline MeanStd mean_std(std::span<const double> xs) {
  RunningStats s;
  s.add(xs);
  return {s.mean(), s.variance(), s.std_error(), s.count()};
}

/// Per-coordinate mean of a d × M ensemble (samples are columns).
inline Vec sample_mean(const Ensemble& X) {
  require(X.cols() >= 1, "sample_mean: no samples");
  return X.rowwise().mean().matrix();
}

/// Unbiased d × d covariance of a d × M ensemble (samples are columns), two-pass.
inline Mat sample_covariance(const Ensemble& X) {
  require(X.cols() >= 2, "sample_covariance: need at least 2 samples");
  const Vec mu = sample_mean(X);
  const Mat Y = (X.matrix().colwise() - mu);
  return (Y * Y.transpose()) / static_cast<double>(X.cols() - 1);
}

/// Quantile of a sample with linear interpolation between order statistics (Hyndman–Fan type 7,
/// R's and NumPy's default): position (n − 1)·prob in the sorted sample.
inline double quantile_sorted(std::span<const double> sorted, double prob) {
  require(!sorted.empty(), "quantile: empty sample");
  require(prob >= 0.0 && prob <= 1.0, "quantile: prob must be in [0, 1]");
  const double h = (static_cast<double>(sorted.size()) - 1.0) * prob;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
inline double quantile(std::vector<double> sample, double prob) {
  std::sort(sample.begin(), sample.end());
  return quantile_sorted(sample, prob);
}
inline std::vector<double> quantiles(std::vector<double> sample, std::span<const double> probs) {
  std::sort(sample.begin(), sample.end());
  std::vector<double> out;
  out.reserve(probs.size());
  for (double p : probs) out.push_back(quantile_sorted(sample, p));
  return out;
}
inline double median(std::vector<double> sample) { return quantile(std::move(sample), 0.5); }

}  // namespace sgdsde::stats
