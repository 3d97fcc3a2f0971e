#pragma once
// Multinomial sampling through CounterRng: n categorical draws from a probability vector by
// Walker/Vose's alias method (O(1) per draw, two 32-bit words per draw, so one Philox block gives
// two draws). Draw pair j of replicate r uses rng.bits(r, j, slot(Purpose::aux, stream)), so the
// counts are a pure function of (seed, replicate, stream, n) — independent of threads.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

/// Alias table of a discrete distribution (weights ≥ 0, not all zero; normalised internally).
class AliasTable {
 public:
  explicit AliasTable(const Vec& weights);
  [[nodiscard]] Index size() const { return k_; }

  /// One categorical draw from two random words.
  [[nodiscard]] std::uint32_t draw(std::uint32_t w_bin, std::uint32_t w_accept) const {
    const std::uint32_t i = CounterRng::below(w_bin, static_cast<std::uint32_t>(k_));
    return std::uint64_t{w_accept} < threshold_[i] ? i : alias_[i];
  }

 private:
  void set(std::uint32_t i, double prob, std::uint32_t alias) {
    // accept i with probability prob: w < prob·2³² (prob = 1 → always, as threshold = 2³²)
    threshold_[i] = static_cast<std::uint64_t>(std::min(prob, 1.0) * 4294967296.0);
    alias_[i] = alias;
  }
  Index k_;
  std::vector<std::uint64_t> threshold_;
  std::vector<std::uint32_t> alias_;
};

/// Counts of n draws from `table` (replicate r, stream s): counts.size() == table.size().
inline void multinomial_counts(const AliasTable& table, std::int64_t n, const CounterRng& rng,
                               std::uint32_t replicate, std::uint32_t stream,
                               std::vector<std::int64_t>& counts) {
  require(n >= 0, "multinomial_counts: n must be ≥ 0");
  counts.assign(static_cast<std::size_t>(table.size()), 0);
  const std::uint32_t slot = CounterRng::slot(Purpose::aux, stream);
  const auto pairs = static_cast<std::uint64_t>(n / 2);
  for (std::uint64_t j = 0; j < pairs; ++j) {
    const Words4 w = rng.bits(replicate, j, slot);
    ++counts[table.draw(w[0], w[1])];
    ++counts[table.draw(w[2], w[3])];
  }
  if (n % 2 != 0) {
    const Words4 w = rng.bits(replicate, pairs, slot);
    ++counts[table.draw(w[0], w[1])];
  }
}

/// The same as a probability vector counts / n.
inline Vec multinomial_frequencies(const AliasTable& table, std::int64_t n, const CounterRng& rng,
                                   std::uint32_t replicate, std::uint32_t stream) {
  std::vector<std::int64_t> c;
  multinomial_counts(table, n, rng, replicate, stream, c);
  Vec p(table.size());
  for (Index i = 0; i < p.size(); ++i)
    p[i] = n > 0 ? static_cast<double>(c[static_cast<std::size_t>(i)]) / static_cast<double>(n) : 0.0;
  return p;
}

}  // namespace sgdsde::stats
