#pragma once
// A keyed pseudo-random permutation of [0, N) evaluated in O(1) per index, without storing it:
// a balanced Feistel network on 2h bits (2^{2h} ≥ N) with six rounds, restricted to [0, N) by
// cycle walking (apply the bijection of [0, 2^{2h}) again until the value falls below N; since
// 2^{2h} < 4N, fewer than four applications are expected). Any Feistel network is a bijection
// whatever its round function, so this is always an exact permutation; its randomness comes from
// the six round keys, drawn from CounterRng by the caller (shuffled epochs: one key set per
// (seed, particle, epoch)). The round function is a 32-bit integer mixer (lowbias32, Wellons).
#include <array>
#include <cstdint>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

class FeistelPermutation {
 public:
  static constexpr int rounds = 6;
  using Keys = std::array<std::uint32_t, rounds>;

  FeistelPermutation(std::uint64_t n, const Keys& keys) : n_(n), keys_(keys) {
    require(n >= 1 && n <= (std::uint64_t{1} << 32), "FeistelPermutation: need 1 <= N <= 2^32");
    while ((std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
    mask_ = static_cast<std::uint32_t>((std::uint64_t{1} << half_bits_) - 1);
  }

  [[nodiscard]] std::uint64_t size() const { return n_; }

  /// π(i) for i in [0, N).
  [[nodiscard]] std::uint64_t operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do {
      x = bijection(x);
    } while (x >= n_);
    return x;
  }

  static std::uint32_t mix(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
  }

 private:
  [[nodiscard]] std::uint64_t bijection(std::uint64_t x) const {
    auto left = static_cast<std::uint32_t>(x >> half_bits_) & mask_;
    auto right = static_cast<std::uint32_t>(x) & mask_;
    for (int r = 0; r < rounds; ++r) {
      const std::uint32_t f = mix(right * 0x9E3779B9U + keys_[static_cast<std::size_t>(r)]) & mask_;
      const std::uint32_t next = left ^ f;
      left = right;
      right = next;
    }
    return (std::uint64_t{left} << half_bits_) | right;
  }

  std::uint64_t n_;
  Keys keys_;
  int half_bits_ = 0;
  std::uint32_t mask_ = 0;
};

}  // namespace sgdsde
