// Fokker–Planck solver speed (docs/benchmarks.md): stationary 2-D Himmelblau at T = 10 on 256²
// and 512² cells (assembly + ordering + LU + solve; the max relative deviation from the discrete
// Gibbs density is reported as a counter), and transient implicit-Euler / Crank–Nicolson steps
// per second at 256² (the factorisation is done before timing; third argument: OpenMP threads), and
// the bare solve with one factorisation: Eigen's SparseLU solve against ScheduledLUSolve on 1 and
// 2 threads (BM_GridLUSolveHimmelblau/n/mode, mode 0 Eigen, 1 and 2 the fast path's threads).
// bench/compare_fokker_planck_scipy.py runs this next to the same discretisation in scipy.
#include <benchmark/benchmark.h>
#include <omp.h>

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
  const int threads_before = omp_get_max_threads();
  omp_set_num_threads(static_cast<int>(state.range(2)));
  fp::TransientSolver<2> ts(problem, fp::Density<2>::point_mass(grid, start), 1e-3, scheme);
  ts.set_solve_threads(static_cast<int>(state.range(2)));
  // The factorisation and the copy of the factors for the fast solves, outside the timing.
  for (int k = 0; k <= fp::GridLU<2>::copy_after_solves; ++k) ts.step();
  for (auto _ : state) {
    ts.step();
    benchmark::DoNotOptimize(ts.density().values().data());
  }
  omp_set_num_threads(threads_before);
  state.counters["cells"] = static_cast<double>(grid.size());
  state.counters["solve_threads"] = static_cast<double>(state.range(2));
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(fp::to_string(scheme));
}
BENCHMARK(BM_FokkerPlanckTransientStepHimmelblau)
    ->Args({256, static_cast<int>(fp::Scheme::implicit_euler), 1})
    ->Args({256, static_cast<int>(fp::Scheme::implicit_euler), 2})
    ->Args({256, static_cast<int>(fp::Scheme::crank_nicolson), 1})
    ->Unit(benchmark::kMillisecond);

// The bare solve of I − dt A (implicit Euler, dt = 1e-3) with one factorisation.
void BM_GridLUSolveHimmelblau(benchmark::State& state) {
  const Himmelblau hb;
  const fp::Grid<2> grid(hb.box(), state.range(0));
  const fp::FokkerPlanck<2> problem(grid, hb, fp::Diffusion::isotropic(10.0));
  const int mode = static_cast<int>(state.range(1));
  fp::SpMat I(grid.size(), grid.size());
  I.setIdentity();
  const fp::SpMat M = I - 1e-3 * problem.generator().assemble(1.0);
  fp::GridLU<2> lu(grid, problem.positivity_preserving(), mode > 0);
  lu.factorize(M);
  if (mode > 0) lu.build_fast_solve();
  lu.set_solve_threads(std::max(mode, 1));
  const int threads_before = omp_get_max_threads();
  omp_set_num_threads(std::max(mode, 1));
  Vec b = Vec::Constant(grid.size(), 1.0), x;
  for (auto _ : state) {
    if (mode == 0)
      lu.solve_eigen(b, x);
    else
      lu.solve(b, x);
    benchmark::DoNotOptimize(x.data());
  }
  omp_set_num_threads(threads_before);
  state.counters["cells"] = static_cast<double>(grid.size());
  if (mode > 0) {
    state.counters["entries"] = static_cast<double>(lu.fast_solver().entries());
    state.counters["critical_fraction"] = lu.fast_solver().critical_fraction();
  }
  state.SetLabel(mode == 0 ? "eigen" : mode == 1 ? "fast 1 thread" : "fast 2 threads");
}
BENCHMARK(BM_GridLUSolveHimmelblau)
    ->Args({256, 0})
    ->Args({256, 1})
    ->Args({256, 2})
    ->Unit(benchmark::kMillisecond);

// The factorisation alone, with and without the copy for fast repeated solves.
void BM_GridLUFactoriseHimmelblau(benchmark::State& state) {
  const Himmelblau hb;
  const fp::Grid<2> grid(hb.box(), state.range(0));
  const fp::FokkerPlanck<2> problem(grid, hb, fp::Diffusion::isotropic(10.0));
  fp::SpMat I(grid.size(), grid.size());
  I.setIdentity();
  const fp::SpMat M = I - 1e-3 * problem.generator().assemble(1.0);
  for (auto _ : state) {
    fp::GridLU<2> lu(grid, problem.positivity_preserving(), state.range(1) != 0);
    lu.factorize(M);
    if (state.range(1) != 0) lu.build_fast_solve();
    benchmark::DoNotOptimize(&lu);
  }
  state.SetLabel(state.range(1) != 0 ? "with copy" : "eigen only");
}
BENCHMARK(BM_GridLUFactoriseHimmelblau)
    ->Args({256, 0})
    ->Args({256, 1})
    ->Args({512, 0})
    ->Args({512, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

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
