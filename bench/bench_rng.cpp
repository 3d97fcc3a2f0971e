// Standard-normal generation rates: the project's CounterRng::normals (AVX-512 Philox4x32-10 +
// branch-free vectorised Box–Muller) against the plain baseline (scalar Philox + libm Box–Muller),
// and the raw Philox rate. Rates are per second of CPU time of the measuring thread.
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sgdsde/core/rng.hpp"

using namespace sgdsde;

namespace {
constexpr Index kBlock = 512;

void BM_normals(benchmark::State& state) {
  const CounterRng rng(42);
  const Index d = state.range(0);
  std::vector<double> z(static_cast<std::size_t>(d * kBlock));
  std::uint64_t k = 0;
  for (auto _ : state) {
    rng.normals(k++, Purpose::increment, 0, kBlock, d, z.data(), kBlock);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  // d odd draws a whole pair for the last coordinate; count the normals generated.
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kBlock * ((d + 1) / 2) * 2);
}
BENCHMARK(BM_normals)->Arg(2)->Arg(4)->ThreadRange(1, 2);

/// The baseline: scalar Philox (bits()) and libm log/cos/sin, one particle at a time.
void BM_normals_scalar_libm(benchmark::State& state) {
  const CounterRng rng(42);
  std::vector<double> z(2 * kBlock);
  std::uint64_t k = 0;
  for (auto _ : state) {
    for (Index i = 0; i < kBlock; ++i) {
      const Words4 w = rng.bits(static_cast<std::uint32_t>(i), k, 0);
      const double u1 = detail::to_uniform_open0(w[0], w[1]), u2 = detail::to_uniform(w[2], w[3]);
      const double r = std::sqrt(-2.0 * std::log(u1)), a = 2.0 * std::numbers::pi * u2;
      z[static_cast<std::size_t>(i)] = r * std::cos(a);
      z[static_cast<std::size_t>(kBlock + i)] = r * std::sin(a);
    }
    ++k;
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * kBlock);
}
BENCHMARK(BM_normals_scalar_libm);

/// Raw Philox4x32-10 blocks (scalar bits()), items = blocks of four words.
void BM_philox_bits(benchmark::State& state) {
  const CounterRng rng(42);
  std::uint64_t k = 0;
  std::uint32_t acc = 0;
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const Words4 w = rng.bits(i, k, 0);
      acc ^= w[0] ^ w[1] ^ w[2] ^ w[3];
    }
    ++k;
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kBlock);
}
BENCHMARK(BM_philox_bits);

#if defined(__AVX512F__)
/// The AVX-512 Philox kernel alone (detail::philox4x32_10_x8, kPhiloxSets sets of eight counters),
/// items = blocks of four words: the ceiling of every block kernel (one block per SGD index quadruple,
/// per normal pair). Arg 1: all four words used; arg 0: word 0 only (a B = 1 SGD step).
void BM_philox_x8(benchmark::State& state) {
  const detail::PhiloxRoundKeys512 rk(42, 0);
  const bool all_words = state.range(0) != 0;
  constexpr int G = detail::kPhiloxSets;
  __m512i acc = _mm512_setzero_si512();
  std::uint32_t p = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBlock; i += 8 * G, p += 8 * G) {
      __m512i c[G][4];
      detail::philox4x32_10_x8(c, p, 7, 0, CounterRng::slot(Purpose::batch, 0), rk);
      for (int j = 0; j < G; ++j)
        acc = all_words ? _mm512_ternarylogic_epi64(
                              acc, c[j][0], _mm512_ternarylogic_epi64(c[j][1], c[j][2], c[j][3], 0x96), 0x96)
                        : _mm512_xor_si512(acc, c[j][0]);
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kBlock);
}
BENCHMARK(BM_philox_x8)->Arg(0)->Arg(1);
#endif
}  // namespace

BENCHMARK_MAIN();
