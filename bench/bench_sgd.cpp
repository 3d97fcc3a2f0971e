// SGD ensemble throughput (run-steps per second): a 2-D anisotropic quadratic with additive noise,
// N = 10⁴ samples, M = 10⁶ runs, batches of B = 1 and B = 32 (with replacement), plain SGD with a
// constant learning rate, 1 and 2 OpenMP threads. Results are recorded in docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <omp.h>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/adam.hpp"
#include "sgdsde/optim/update/sgd.hpp"

namespace {

using namespace sgdsde;

template <class Opt>
void sgd_ensemble(benchmark::State& state, Sampling mode) {
  const auto B = static_cast<Index>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const Index M = 1'000'000, N = 10'000;
  const long steps = 10;
  Vec h(2);
  h << 1.0, 4.0;
  const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic::diagonal(h), N, 1.0, 1);
  Ensemble x = Ensemble::Zero(2, M);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  RunOptions opts;
  opts.n_steps = steps;
  for (auto _ : state) {
    SgdEnsemble model(f, Opt{}, ConstantLr{.eta = 0.05}, B, mode, 7);
    run_ensemble(model, x, opts);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  omp_set_num_threads(before);
  state.SetItemsProcessed(state.iterations() * M * steps);
  state.counters["run_steps_per_s"] =
      benchmark::Counter(static_cast<double>(M * steps), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SgdEnsemble_WithReplacement(benchmark::State& s) { sgd_ensemble<Sgd>(s, Sampling::with_replacement); }
void BM_SgdEnsemble_WithoutReplacement(benchmark::State& s) {
  sgd_ensemble<Sgd>(s, Sampling::without_replacement);
}
void BM_SgdEnsemble_ShuffledEpochs(benchmark::State& s) { sgd_ensemble<Sgd>(s, Sampling::shuffled_epochs); }
void BM_AdamEnsemble_WithReplacement(benchmark::State& s) {
  sgd_ensemble<Adam>(s, Sampling::with_replacement);
}

}  // namespace

// Args: {B, threads}.
BENCHMARK(BM_SgdEnsemble_WithReplacement)
    ->ArgsProduct({{1, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SgdEnsemble_WithoutReplacement)
    ->ArgsProduct({{1, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SgdEnsemble_ShuffledEpochs)
    ->ArgsProduct({{1, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AdamEnsemble_WithReplacement)
    ->ArgsProduct({{1, 32}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
