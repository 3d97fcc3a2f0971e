// Ensemble Euler–Maruyama (and Leimkuhler–Matthews) particle-steps per second with M = 10⁶
// particles on the 1-D double well and on Himmelblau, through the shared ensemble runner, on 1 and
// 2 OpenMP threads. Items = particle-steps. Two timings per case: CPU time of the whole process
// (MeasureProcessCPUTime; the per-thread rate, robust to other load on the machine) and wall time
// (UseRealTime; the throughput). Compare with bench_rng's normals per second: each 1-D EM
// particle-step consumes one standard normal, a 2-D one two.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"

using namespace sgdsde;

namespace {
constexpr Index kM = 1000000;
constexpr long kSteps = 20;

template <class L>
void run_bench(benchmark::State& state, L landscape, double T, double dt, LangevinScheme scheme, double x0) {
  const int threads = static_cast<int>(state.range(0));
  omp_set_num_threads(threads);
  EnsembleLangevin<L> model(landscape, T, dt, CounterRng(1), scheme);
  Ensemble x = Ensemble::Constant(landscape.dim(), kM, x0);
  RunOptions opt;
  opt.n_steps = kSteps;
  for (auto _ : state) {
    run_ensemble(model, x, opt);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kM * kSteps);
  state.counters["threads"] = threads;
}

void BM_em_double_well(benchmark::State& s) {
  run_bench(s, DoubleWell(), 0.25, 1e-3, LangevinScheme::euler_maruyama, 1.0);
}
void BM_lm_double_well(benchmark::State& s) {
  run_bench(s, DoubleWell(), 0.25, 1e-3, LangevinScheme::leimkuhler_matthews, 1.0);
}
void BM_em_himmelblau(benchmark::State& s) {
  run_bench(s, Himmelblau(), 1.0, 1e-4, LangevinScheme::euler_maruyama, 3.0);
}
}  // namespace

BENCHMARK(BM_em_double_well)->Arg(1)->Arg(2)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_em_double_well)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_lm_double_well)->Arg(1)->Arg(2)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_em_himmelblau)->Arg(1)->Arg(2)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_em_himmelblau)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
