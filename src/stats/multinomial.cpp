// The alias table's construction (include/sgdsde/stats/multinomial.hpp), compiled once in the library.
#include "sgdsde/stats/multinomial.hpp"

namespace sgdsde::stats {

AliasTable::AliasTable(const Vec& weights) : k_(weights.size()) {
  require(k_ >= 1 && k_ < (Index{1} << 32), "AliasTable: need 1 ≤ size < 2^32");
  require((weights.array() >= 0.0).all() && weights.allFinite(),
          "AliasTable: weights must be finite and ≥ 0");
  const double total = weights.sum();
  require(total > 0.0, "AliasTable: weights sum to zero");
  const auto K = static_cast<std::size_t>(k_);
  std::vector<double> scaled(K);
  for (std::size_t i = 0; i < K; ++i)
    scaled[i] = weights[static_cast<Index>(i)] * static_cast<double>(k_) / total;
  threshold_.assign(K, 0);
  alias_.assign(K, 0);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < K; ++i)
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    set(s, scaled[s], l);
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (std::uint32_t i : large) set(i, 1.0, i);
  for (std::uint32_t i : small) set(i, 1.0, i);  // rounding leftovers
}

}  // namespace sgdsde::stats
