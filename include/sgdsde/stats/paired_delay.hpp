#pragma once
// The relative delay of one first-passage time over another measured on the same particles (e.g. the
// passage seen at the steps over the Brownian-bridge-corrected one): R = mean(t − t_ref)/mean(t_ref),
// paired per particle, its standard error by the delta method.
#include <cmath>
#include <cstdint>
#include <vector>

namespace sgdsde::stats {

struct PairedDelay {
  double value, se;
};

/// Steps per particle of the two passages (−1: none; such particles are left out); NaN with < 2 pairs.
inline PairedDelay paired_relative_delay(const std::vector<std::int64_t>& seen,
                                         const std::vector<std::int64_t>& reference) {
  double sd = 0, sb = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (seen[i] >= 0 && reference[i] >= 0) {
      sd += static_cast<double>(seen[i] - reference[i]);
      sb += static_cast<double>(reference[i]);
      ++n;
    }
  if (n < 2 || sb <= 0) return {std::nan(""), std::nan("")};
  const double R = sd / sb, mb = sb / static_cast<double>(n);
  double v = 0;
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (seen[i] >= 0 && reference[i] >= 0) {
      const double r = static_cast<double>(seen[i] - reference[i]) - R * static_cast<double>(reference[i]);
      v += r * r;
    }
  v /= static_cast<double>(n - 1);
  return {R, std::sqrt(v / static_cast<double>(n)) / mb};
}

}  // namespace sgdsde::stats
