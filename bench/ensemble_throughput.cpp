// ensemble_throughput: particle-steps per second of one ensemble run, for scripts that compare
// the project with other implementations side by side (bench/compare_numpy.py). The last line
// printed is `particle_steps_per_second=<value>`.
//   ensemble_throughput --problem double_well|himmelblau --particles M --steps K --threads P
//                       --model sde|sgd [--batch B] [--samples N]
// SDE: Euler–Maruyama Langevin (double well T = 0.25, dt = 1e-3; Himmelblau T = 1, dt = 1e-4),
// recording final states and a streaming histogram. SGD: additive isotropic noise (σ = 1) with
// N samples and batch B drawn with replacement, η = dt and σ² = 2BT/η so that T = ησ²/(2B)
// matches the SDE's. Before the result it prints the fraction of final states nearest each minimum
// (`well_fractions=`, minima in the landscape's order) and `wall_seconds= cpu_seconds=` of the run
// (CPU time of all threads; the rate is particle-steps per wall second).
#include <omp.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <limits>
#include <vector>

#include "sgdsde/core/ranks.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/state_histogram.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"

using namespace sgdsde;

namespace {
struct Setup {
  double T, dt;
  Vec x0;
};

template <Landscape L>
double run(const L& landscape, const Setup& s, const std::string& model, Index M, long K, Index B, Index N) {
  Ensemble x(landscape.dim(), M);
  for (Index j = 0; j < landscape.dim(); ++j) x.row(j).setConstant(s.x0[j]);
  const Box box = landscape.box();
  StateHistogram1D hist(stats::Histogram1D(box.lo[0], box.hi[0], 200), RecordPlan{1, K, K});
  RunOptions opts;
  opts.n_steps = K;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  if (model == "sde") {
    EnsembleLangevin<L> em(landscape, s.T, s.dt, CounterRng(1));
    run_ensemble(em, x, opts, hist);
  } else {
    // SGD at matched temperature: η = dt, T = ησ²/(2B) ⇒ σ = sqrt(2BT/η).
    const double sigma = std::sqrt(2.0 * static_cast<double>(B) * s.T / s.dt);
    auto problem = AdditiveNoise<L>::isotropic(landscape, N, sigma, 7);
    SgdEnsemble sgd(problem, Sgd{}, ConstantLr{s.dt}, B, Sampling::with_replacement, 1);
    run_ensemble(sgd, x, opts, hist);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (ranks::rank() != 0) return static_cast<double>(M) * static_cast<double>(K) / seconds;
  std::printf("final states in the histogram range: %lld of %lld\n",
              static_cast<long long>(hist.histogram().in_range()), static_cast<long long>(M));
  // Fraction of the final states nearest each minimum (the statistic compare_numpy.py checks).
  std::vector<Vec> minima;
  for (const auto& c : landscape.critical_points())
    if (c.kind == CriticalKind::minimum) minima.push_back(c.location);
  std::vector<double> frac(minima.size(), 0.0);
  for (Index p = 0; p < M; ++p) {
    std::size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < minima.size(); ++m) {
      const double dist = (x.col(p).matrix() - minima[m]).squaredNorm();
      if (dist < best_d) best_d = dist, best = m;
    }
    frac[best] += 1.0 / static_cast<double>(M);
  }
  std::printf("well_fractions=");
  for (std::size_t m = 0; m < frac.size(); ++m) std::printf(m ? ",%.8f" : "%.8f", frac[m]);
  std::printf("\nwall_seconds=%.6f cpu_seconds=%.6f\n", seconds, cpu_seconds);
  return static_cast<double>(M) * static_cast<double>(K) / seconds;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ensemble_throughput: particle-steps per second of an SDE or SGD ensemble"};
  std::string problem = "double_well", model = "sde";
  Index M = 100000, B = 1, N = 10000;
  long K = 1000;
  int threads = omp_get_max_threads();
  app.add_option("--problem", problem, "double_well | himmelblau")
      ->check(CLI::IsMember({"double_well", "himmelblau"}));
  app.add_option("--model", model, "sde | sgd")->check(CLI::IsMember({"sde", "sgd"}));
  app.add_option("--particles", M, "ensemble size M")->check(CLI::Range(Index{1}, Index{1} << 31));
  app.add_option("--steps", K, "steps K")->check(CLI::Range(1L, 1L << 40));
  app.add_option("--threads", threads, "OpenMP threads")->check(CLI::Range(1, 1024));
  app.add_option("--batch", B, "SGD batch size B")->check(CLI::Range(Index{1}, Index{1} << 20));
  app.add_option("--samples", N, "SGD finite-sum size N")->check(CLI::Range(Index{1}, Index{1} << 30));
  sgdsde::ranks::init(&argc, &argv);  // under mpirun the ensemble is shared over the ranks
  CLI11_PARSE(app, argc, argv);
  if (B > N) {
    std::cerr << "ensemble_throughput: error: --batch " << B << " exceeds --samples " << N << '\n';
    return 2;
  }
  omp_set_num_threads(threads);
  double rate = 0;
  if (problem == "double_well") {
    Vec x0 = Vec::Constant(1, -1.0);
    rate = run(DoubleWell{}, Setup{0.25, 1e-3, x0}, model, M, K, B, N);
  } else {
    Vec x0(2);
    x0 << 3.0, 2.0;
    rate = run(Himmelblau{}, Setup{1.0, 1e-4, x0}, model, M, K, B, N);
  }
  if (sgdsde::ranks::rank() == 0) {
    std::printf("problem=%s model=%s particles=%lld steps=%ld threads=%d ranks=%d\n", problem.c_str(),
                model.c_str(), static_cast<long long>(M), K, threads, sgdsde::ranks::size());
    std::printf("particle_steps_per_second=%.6e\n", rate);
  }
  sgdsde::ranks::finalize();
  return 0;
}
