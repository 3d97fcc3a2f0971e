// SGD ensemble throughput (run-steps per second): a 2-D anisotropic quadratic with additive noise,
// N = 10⁴ samples, M = 10⁶ runs, batches of B = 1 and B = 32 (with replacement), plain SGD with a
// constant learning rate, 1 and 2 OpenMP threads (this case takes the fused path of optim/sgd_fused.hpp
// with replacement); and label-noise linear regression d = 100. Results: docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <omp.h>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/noise/linear_regression.hpp"
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

/// Label-noise linear regression, d = 100, N = 10⁴, B = 32 (with replacement), M = 10⁴ runs,
/// plain SGD (the generic per-particle path: O(B·d) per run-step). Arg: threads.
void BM_SgdEnsemble_LinearRegression(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const Index M = 10'000, N = 10'000, d = 100, B = 32;
  const long steps = 10;
  const LinearRegression f(N, Vec::Ones(d), 1.0, 1);
  Ensemble x = Ensemble::Zero(d, M);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  RunOptions opts;
  opts.n_steps = steps;
  for (auto _ : state) {
    SgdEnsemble model(f, Sgd{}, ConstantLr{.eta = 0.01}, B, Sampling::with_replacement, 7);
    run_ensemble(model, x, opts);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  omp_set_num_threads(before);
  state.counters["run_steps_per_s"] =
      benchmark::Counter(static_cast<double>(M * steps), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_SgdEnsemble_LinearRegression)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

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
