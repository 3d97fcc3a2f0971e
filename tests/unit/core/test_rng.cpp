#include <Random123/philox.h>
#include <doctest/doctest.h>
#include <omp.h>

#include <vector>

#include "sgdsde/core/rng.hpp"

using namespace sgdsde;

TEST_CASE("CounterRng::bits equals Random123's reference philox4x32-10") {
  const CounterRng rng(0x0123456789ABCDEFull);
  r123::Philox4x32 ref;
  for (std::uint32_t p : {0u, 1u, 77u, 4000000000u}) {
    for (std::uint64_t k : {0ull, 5ull, (1ull << 40) + 3}) {
      const std::uint32_t s = CounterRng::slot(Purpose::batch, 9);
      r123::Philox4x32::ctr_type c = {
          {p, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32), s}};
      r123::Philox4x32::key_type key = {{0x89ABCDEFu, 0x01234567u}};
      const auto r = ref(c, key);
      const Words4 w = rng.bits(p, k, s);
      for (int i = 0; i < 4; ++i) CHECK(w[i] == r.v[i]);
    }
  }
}

TEST_CASE("block normals equal the per-particle draw however the block is cut") {
  const CounterRng rng(42);
  const Index M = 301, d = 3;
  std::vector<double> whole(d * M), part(d * M);
  rng.normals(17, Purpose::increment, 0, M, d, whole.data(), M);
  // The same particles generated in two uneven chunks into a buffer with the same layout.
  rng.normals(17, Purpose::increment, 0, 100, d, part.data(), M);
  rng.normals(17, Purpose::increment, 100, M - 100, d, part.data() + 100, M);
  CHECK(whole == part);
  for (Index i = 0; i < M; i += 37) {
    const auto z01 =
        rng.normal_pair(static_cast<std::uint32_t>(i), 17, CounterRng::slot(Purpose::increment, 0));
    const auto z23 =
        rng.normal_pair(static_cast<std::uint32_t>(i), 17, CounterRng::slot(Purpose::increment, 1));
    CHECK(whole[0 * M + i] == z01[0]);
    CHECK(whole[1 * M + i] == z01[1]);
    CHECK(whole[2 * M + i] == z23[0]);
  }
}

TEST_CASE("normals do not depend on the number of threads") {
  const CounterRng rng(7);
  const Index M = 10000;
  auto fill = [&](int threads) {
    std::vector<double> z(M);
#pragma omp parallel for num_threads(threads) schedule(static, 64)
    for (Index b = 0; b < M; b += 500)
      rng.normals(3, Purpose::increment, static_cast<std::uint32_t>(b), std::min<Index>(500, M - b), 1,
                  z.data() + b, M);
    return z;
  };
  CHECK(fill(1) == fill(2));
}

TEST_CASE("uniform integers stay below n") {
  const CounterRng rng(1);
  for (std::uint32_t p = 0; p < 1000; ++p) {
    const Words4 w = rng.bits(p, 0, 0);
    for (auto x : w) CHECK(CounterRng::below(x, 13) < 13u);
  }
}

TEST_CASE("a run's normals generated in two halves, in either order, equal the whole run") {
  const CounterRng rng(99);
  const Index M = 130, d = 3;
  const long K = 40;
  auto steps = [&](long from, long to, std::vector<double>& out) {
    for (long k = from; k < to; ++k)
      rng.normals(static_cast<std::uint64_t>(k), Purpose::increment, 0, M, d, out.data() + k * d * M, M);
  };
  std::vector<double> whole(static_cast<std::size_t>(K * d * M)), halves(whole.size());
  steps(0, K, whole);
  steps(K / 2, K, halves);  // the second half first: nothing is carried from one draw to the next
  steps(0, K / 2, halves);
  CHECK(whole == halves);
}
