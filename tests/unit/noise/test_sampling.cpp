// Minibatch sampling: indices in range, distinct without replacement, shuffled epochs are
// disjoint batches of a permutation, pure functions of (seed, particle, step), the Feistel
// permutation is a bijection, the Σ_B factor, and the definition of the with-replacement stream.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "sgdsde/noise/sampling.hpp"

using namespace sgdsde;

TEST_CASE("Feistel permutation is a bijection of [0, N)") {
  for (const std::uint64_t n : {1ull, 2ull, 3ull, 10ull, 64ull, 65ull, 1000ull, 4097ull}) {
    const FeistelPermutation pi(n, {1u, 2u, 3u, 4u, 5u, 6u});
    std::vector<int> seen(n, 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto v = pi(i);
      REQUIRE(v < n);
      ++seen[v];
    }
    CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
  }
  // Different keys give different orders.
  const FeistelPermutation a(1000, {1u, 2u, 3u, 4u, 5u, 6u}), b(1000, {1u, 2u, 3u, 4u, 5u, 7u});
  int same = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) same += a(i) == b(i);
  CHECK(same < 20);
}

TEST_CASE("batch sampler: each mode") {
  const Index N = 37, B = 5;
  for (const Sampling mode :
       {Sampling::with_replacement, Sampling::without_replacement, Sampling::shuffled_epochs}) {
    CAPTURE(to_string(mode));
    const BatchSampler s(N, B, mode, 99);
    auto scratch = s.make_scratch();
    std::vector<Index> b(B), b2(B);
    for (long k = 0; k < 200; ++k) {
      s.sample(3, k, b, scratch);
      for (const Index i : b) CHECK((i >= 0 && i < N));
      if (mode != Sampling::with_replacement)
        CHECK(std::set<Index>(b.begin(), b.end()).size() == static_cast<std::size_t>(B));
      // Pure function of (seed, particle, step).
      auto scratch2 = s.make_scratch();
      s.sample(3, k, b2, scratch2);
      CHECK(b == b2);
    }
    // Another particle, another batch.
    s.sample(3, 0, b, scratch);
    s.sample(4, 0, b2, scratch);
    CHECK(b != b2);
    CHECK(sampling_from_string(to_string(mode)) == mode);
  }
  CHECK_THROWS_AS(sampling_from_string("sometimes"), InputError);
  CHECK_THROWS_AS(BatchSampler(10, 11, Sampling::with_replacement, 1), InputError);
  // Batch sizes whose without-replacement slots would reach the other modes' slots are refused.
  CHECK_NOTHROW(BatchSampler(67'107'840, 67'107'840, Sampling::without_replacement, 1));
  CHECK_THROWS_AS(BatchSampler(67'107'841, 67'107'841, Sampling::without_replacement, 1), InputError);
}

TEST_CASE("shuffled epochs: disjoint batches, N mod B dropped, a new order every epoch") {
  const Index N = 23, B = 4;  // 5 steps per epoch, 3 samples dropped each epoch
  const BatchSampler s(N, B, Sampling::shuffled_epochs, 5);
  CHECK(s.steps_per_epoch() == 5);
  auto scratch = s.make_scratch();
  std::vector<Index> b(B);
  std::vector<std::vector<Index>> epochs(3);
  for (long k = 0; k < 15; ++k) {
    s.sample(0, k, b, scratch);
    auto& e = epochs[static_cast<std::size_t>(k / 5)];
    e.insert(e.end(), b.begin(), b.end());
  }
  for (const auto& e : epochs) CHECK(std::set<Index>(e.begin(), e.end()).size() == 20u);
  CHECK(epochs[0] != epochs[1]);
  // The visited order is the epoch permutation's first 20 positions.
  const auto pi = s.epoch_permutation(0, 1);
  for (std::size_t i = 0; i < 20; ++i) CHECK(epochs[1][i] == static_cast<Index>(pi(i)));
}

TEST_CASE("full batch without replacement is [0, N); Floyd covers everything at B = N - 1") {
  const BatchSampler s(12, 12, Sampling::without_replacement, 1);
  auto scratch = s.make_scratch();
  std::vector<Index> b(12);
  s.sample(7, 3, b, scratch);
  for (Index i = 0; i < 12; ++i) CHECK(b[static_cast<std::size_t>(i)] == i);
  const BatchSampler t(12, 11, Sampling::without_replacement, 1);
  auto scratch2 = t.make_scratch();
  std::vector<int> count(12, 0);
  std::vector<Index> c(11);
  for (long k = 0; k < 1200; ++k) {
    t.sample(0, k, c, scratch2);
    for (const Index i : c) ++count[static_cast<std::size_t>(i)];
  }
  // Each index is left out with probability 1/12: about 100 times of 1200 (sd ≈ 9.6).
  for (const int n : count) CHECK(std::abs(1200 - n - 100) < 50);
}

TEST_CASE("Sigma_B factor") {
  CHECK(batch_noise_factor(100, 10, Sampling::with_replacement) == 1.0);
  CHECK(batch_noise_factor(100, 10, Sampling::without_replacement) == doctest::Approx(90.0 / 99.0));
  CHECK(batch_noise_factor(100, 10, Sampling::shuffled_epochs) == doctest::Approx(90.0 / 99.0));
  CHECK(batch_noise_factor(100, 100, Sampling::without_replacement) == 0.0);
  const Mat S = Mat::Identity(2, 2);
  CHECK(batch_covariance(S, 100, 10, Sampling::without_replacement)(0, 0) ==
        doctest::Approx(90.0 / 99.0 / 10.0));
}

TEST_CASE("with replacement: index b of step k is word kB + b of the particle's stream") {
  const Index N = 1000;
  const CounterRng rng(77);
  for (const Index B : {Index{1}, Index{3}, Index{4}, Index{6}}) {
    const BatchSampler s(N, B, Sampling::with_replacement, 77);
    auto scratch = s.make_scratch();
    std::vector<Index> b(static_cast<std::size_t>(B));
    for (const long k : {0L, 1L, 2L, 5L, (1L << 33) + 1}) {
      s.sample(9, k, b, scratch);
      for (Index i = 0; i < B; ++i) {
        const auto j =
            static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(B) + static_cast<std::uint64_t>(i);
        const Words4 w = rng.bits(9, j / 4, CounterRng::slot(Purpose::batch, 0xFFFF10u));
        CHECK(b[static_cast<std::size_t>(i)] == CounterRng::below(w[j % 4], static_cast<std::uint32_t>(N)));
      }
    }
  }
  // So the batches of B = 3 are those of B = 1 three steps at a time.
  const BatchSampler one(N, 1, Sampling::with_replacement, 5), three(N, 3, Sampling::with_replacement, 5);
  auto scratch = one.make_scratch();
  std::vector<Index> a(1), c(3);
  int bad = 0;
  for (long k = 0; k < 40; ++k) {
    three.sample(2, k, c, scratch);
    for (Index i = 0; i < 3; ++i) {
      one.sample(2, 3 * k + i, a, scratch);
      bad += a[0] != c[static_cast<std::size_t>(i)];
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("with replacement, B = 1: consecutive steps are independent (words of one block)") {
  // N = 4: P(i_{k+1} = i_k) = 1/4 for independent uniform indices; 40000 pairs, five standard errors.
  const BatchSampler s(4, 1, Sampling::with_replacement, 3);
  auto scratch = s.make_scratch();
  std::vector<Index> b(1);
  const long K = 40'000;
  long equal = 0;
  std::array<long, 4> count{};
  Index prev = -1;
  for (long k = 0; k <= K; ++k) {
    s.sample(11, k, b, scratch);
    ++count[static_cast<std::size_t>(b[0])];
    if (k > 0) equal += b[0] == prev;
    prev = b[0];
  }
  const double p = 0.25, se = std::sqrt(p * (1 - p) / static_cast<double>(K));
  CHECK(std::abs(static_cast<double>(equal) / static_cast<double>(K) - p) < 5 * se);
  for (const long n : count)
    CHECK(std::abs(static_cast<double>(n) / static_cast<double>(K + 1) - p) < 5 * se);
}
