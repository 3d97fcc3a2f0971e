// BatchSampler::sample_group (noise/sampling.hpp): bitwise sample() for every mode, particle counts
// that are not multiples of 8 or 32, particles near 2³², and batch sizes that are not multiples of 4.
#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/noise/sampling.hpp"

using namespace sgdsde;

namespace {
/// Mismatches between sample_group(first, count, k) and sample() per particle.
Index mismatches(const BatchSampler& s, std::uint32_t first, Index count, long k) {
  const Index B = s.batch_size();
  auto scratch = s.make_scratch();
  std::vector<Index> group(static_cast<std::size_t>(count * B), -1), one(static_cast<std::size_t>(B));
  s.sample_group(first, count, k, std::span<Index>(group), scratch);
  Index bad = 0;
  for (Index i = 0; i < count; ++i) {
    s.sample(first + static_cast<std::uint32_t>(i), k, std::span<Index>(one), scratch);
    for (Index b = 0; b < B; ++b)
      bad += group[static_cast<std::size_t>(i * B + b)] != one[static_cast<std::size_t>(b)];
  }
  return bad;
}
}  // namespace

TEST_CASE("sample_group: bitwise sample() with replacement (counts, particles near 2^32, odd B)") {
  Index checked = 0;
  for (const Index N : {Index{1}, Index{7}, Index{10'000}, Index{4'000'000'000}}) {
    for (const Index B : {1, 2, 3, 4, 5, 7, 32, 33}) {
      if (B > N) continue;
      const BatchSampler s(N, B, Sampling::with_replacement, 0x1234'5678'9ABCull);
      for (const std::uint32_t first : {0u, 5u, 0xFFFFFFFFu - 70u, 0xFFFFFFFFu - 3u}) {
        for (const Index count : {0, 1, 7, 8, 9, 31, 32, 33, 70}) {
          if (Index{first} + count > Index{0xFFFFFFFF} + 1) continue;
          for (const long k : {0L, 3L, (1L << 32) + 5}) {
            CAPTURE(N);
            CAPTURE(B);
            CAPTURE(first);
            CAPTURE(count);
            CAPTURE(k);
            CHECK(mismatches(s, first, count, k) == 0);
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked > 500);
}

TEST_CASE("sample_group: bitwise sample() without replacement and in shuffled epochs") {
  for (const Sampling mode : {Sampling::without_replacement, Sampling::shuffled_epochs}) {
    const BatchSampler s(1000, 13, mode, 99);
    for (const long k : {0L, 77L, 1000L}) CHECK(mismatches(s, 40, 37, k) == 0);
  }
  const BatchSampler full(50, 50, Sampling::without_replacement, 1);
  CHECK(mismatches(full, 3, 9, 2) == 0);
}

TEST_CASE("sample_group: the indices lie in [0, N) and differ between particles") {
  const BatchSampler s(10'000, 32, Sampling::with_replacement, 7);
  auto scratch = s.make_scratch();
  std::vector<Index> out(32 * 40);
  s.sample_group(100, 40, 5, std::span<Index>(out), scratch);
  Index outside = 0, same_as_previous = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    outside += out[i] < 0 || out[i] >= 10'000;
    if (i >= 32) same_as_previous += out[i] == out[i - 32];
  }
  CHECK(outside == 0);
  CHECK(same_as_previous < 10);  // P(equal) = 10⁻⁴ per index: ~0.12 expected among 1248
}
