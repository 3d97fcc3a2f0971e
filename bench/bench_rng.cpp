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
}  // namespace

BENCHMARK_MAIN();
