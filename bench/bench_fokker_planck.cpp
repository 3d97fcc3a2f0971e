// Fokker–Planck solver speed (docs/benchmarks.md): stationary 2-D Himmelblau at T = 10 on 256²
// and 512² cells (assembly + ordering + LU + solve; the max relative deviation from the discrete
// Gibbs density is reported as a counter), and transient implicit-Euler / Crank–Nicolson steps
// per second at 256² (the factorisation is done before timing).
// bench/compare_fokker_planck_scipy.py runs this next to the same discretisation in scipy.
#include <benchmark/benchmark.h>

#include "sgdsde/fokker_planck/transient_solver.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"

using namespace sgdsde;

namespace {

void BM_FokkerPlanckStationaryHimmelblau(benchmark::State& state) {
  const Himmelblau hb;
  const fp::Grid<2> grid(hb.box(), state.range(0));
  const fp::FokkerPlanck<2> problem(grid, hb, fp::Diffusion::isotropic(10.0));
  const Vec g = problem.gibbs(10.0).values();
  double err = 0.0, l1 = 0.0;
  for (auto _ : state) {
    const auto p = problem.stationary();
    benchmark::DoNotOptimize(p.values().data());
    state.PauseTiming();
    err = (p.values() - g).cwiseAbs().maxCoeff() / g.maxCoeff();
    l1 = (p.values() - g).cwiseAbs().sum() * grid.cell_volume();
    state.ResumeTiming();
  }
  state.counters["cells"] = static_cast<double>(grid.size());
  state.counters["max_rel_err_vs_gibbs"] = err;
  state.counters["l1_vs_gibbs"] = l1;  // ∫|p − Gibbs| (compare_numpy.py compares it with scipy's)
}
BENCHMARK(BM_FokkerPlanckStationaryHimmelblau)
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_FokkerPlanckTransientStepHimmelblau(benchmark::State& state) {
  const Himmelblau hb;
  const fp::Grid<2> grid(hb.box(), state.range(0));
  const fp::FokkerPlanck<2> problem(grid, hb, fp::Diffusion::isotropic(10.0));
  Vec start(2);
  start << 0.0, 0.0;
  const auto scheme = static_cast<fp::Scheme>(state.range(1));
  fp::TransientSolver<2> ts(problem, fp::Density<2>::point_mass(grid, start), 1e-3, scheme);
  ts.step();  // the factorisation, outside the timing
  for (auto _ : state) {
    ts.step();
    benchmark::DoNotOptimize(ts.density().values().data());
  }
  state.counters["cells"] = static_cast<double>(grid.size());
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(fp::to_string(scheme));
}
BENCHMARK(BM_FokkerPlanckTransientStepHimmelblau)
    ->Args({256, static_cast<int>(fp::Scheme::implicit_euler)})
    ->Args({256, static_cast<int>(fp::Scheme::crank_nicolson)})
    ->Unit(benchmark::kMillisecond);

void BM_FokkerPlanckFactorisationHimmelblau(benchmark::State& state) {
  const Himmelblau hb;
  const fp::Grid<2> grid(hb.box(), state.range(0));
  const fp::FokkerPlanck<2> problem(grid, hb, fp::Diffusion::isotropic(10.0));
  Vec start = Vec::Zero(2);
  for (auto _ : state) {
    fp::TransientSolver<2> ts(problem, fp::Density<2>::point_mass(grid, start), 1e-3);
    ts.step();
    benchmark::DoNotOptimize(ts.density().values().data());
  }
}
BENCHMARK(BM_FokkerPlanckFactorisationHimmelblau)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
