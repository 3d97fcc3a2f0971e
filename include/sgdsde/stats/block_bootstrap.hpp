#pragma once
// The sampling floor of a distance between the histogram of ONE correlated series (a long SGD
// trajectory) and its law, by the block bootstrap (Künsch 1989; Politis–Romano): the series of bin
// indices is cut into `blocks` contiguous blocks, each much longer than the autocorrelation time;
// replicate histograms are drawn by resampling whole blocks with replacement, and the distance of
// each replicate to the pooled histogram stands for the distance of the pooled histogram to its law
// (bootstrap principle): its mean is the floor, its spread the floor's sd.
//
// Why not n_eff = n/(2τ_int) independent samples (stats/autocorrelation.hpp): one τ for the whole
// histogram must be the slowest mode's (the hops between wells) to be safe, but most bins fluctuate
// with the fast within-well modes, so that floor is several times too large and the comparison has no
// power. The blocks carry every bin's own correlation. Bias: a bin the series never visits cannot
// fluctuate in the replicates (as for the ordinary bootstrap), so for sparse histograms the floor is
// slightly low; blocks must be ≫ τ_int (a block of 30 τ_int keeps the variance bias at the 3% level).
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/sampling_floor.hpp"

namespace sgdsde::stats {

/// bin_of_sample: the bin of each sample in series order (−1: outside the histogram, skipped);
/// n_bins bins; the series cut into `blocks` contiguous blocks of equal length (the remainder
/// dropped). metric(p, q) on frequency vectors. Deterministic in (seed, stream).
template <class Metric>
ResampledDistance block_bootstrap_floor(std::span<const std::int32_t> bin_of_sample, Index n_bins,
                                        Index blocks, Metric&& metric, int replicates = 200,
                                        std::uint64_t seed = 0xB10CB007ull, std::uint32_t stream = 0) {
  require(blocks >= 2 && replicates >= 2, "block_bootstrap_floor: need at least 2 blocks and 2 replicates");
  const auto len = static_cast<Index>(bin_of_sample.size()) / blocks;
  require(len >= 1, "block_bootstrap_floor: fewer samples than blocks");
  Mat block_counts = Mat::Zero(n_bins, blocks);  // column b: the counts of block b
  for (Index b = 0; b < blocks; ++b)
    for (Index i = b * len; i < (b + 1) * len; ++i) {
      const std::int32_t k = bin_of_sample[static_cast<std::size_t>(i)];
      require(k < n_bins, "block_bootstrap_floor: a bin index is out of range");
      if (k >= 0) block_counts(k, b) += 1.0;
    }
  const Vec pooled_counts = block_counts.rowwise().sum();
  require(pooled_counts.sum() > 0.0, "block_bootstrap_floor: no sample falls in the histogram");
  const Vec pooled = pooled_counts / pooled_counts.sum();
  const CounterRng rng(seed);
  std::vector<double> value(static_cast<std::size_t>(replicates));
#pragma omp parallel for schedule(dynamic, 1)
  for (int r = 0; r < replicates; ++r) {
    Vec c = Vec::Zero(n_bins);
    for (Index b = 0; b < blocks; ++b) {
      const auto w = rng.bits(static_cast<std::uint32_t>(r), static_cast<std::uint64_t>(b),
                              CounterRng::slot(Purpose::aux, stream));
      c += block_counts.col(CounterRng::below(w[0], static_cast<std::uint32_t>(blocks)));
    }
    const double total = c.sum();
    value[static_cast<std::size_t>(r)] = total > 0.0 ? metric(Vec(c / total), pooled) : 1.0;
  }
  return detail::summarise_replicates(value, static_cast<std::int64_t>(std::llround(pooled_counts.sum())));
}

}  // namespace sgdsde::stats
