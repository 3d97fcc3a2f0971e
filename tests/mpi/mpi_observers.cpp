// mpi_observers OUT: runs one ensemble (Langevin on the double well, 1000 particles in 16 blocks of 64,
// so 3 ranks get 6, 5 and 5 blocks; a bound that some particles cross) with every observer of the
// project — a streaming histogram, first passages (also through Passive), a trace of moments and
// quantiles, time averages, snapshots — and writes, on rank 0, every result and the final states as
// raw doubles to OUT. tests/mpi/run_mpi_tests.py runs it alone and under mpirun -np 2 and 3 and
// requires the files to be equal byte for byte: the cross-rank reductions give a single process's bits.
#include <cmath>
#include <cstdio>
#include <vector>

#include "sgdsde/core/ranks.hpp"
#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/passive_observer.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/snapshots.hpp"
#include "sgdsde/ensemble/state_histogram.hpp"
#include "sgdsde/ensemble/time_average.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"

using namespace sgdsde;

int main(int argc, char** argv) {
  ranks::init(&argc, &argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: mpi_observers OUT\n");
    return 2;
  }
  const Index M = 1000;
  const long K = 400;
  EnsembleLangevin<DoubleWell> model(DoubleWell{}, 0.3, 0.01, CounterRng(5));
  Ensemble x(1, M);
  for (Index p = 0; p < M; ++p) x(0, p) = p % 3 == 0 ? 1.0 : -1.0;
  StateHistogram1D hist(stats::Histogram1D(-2.0, 2.0, 40), RecordPlan{10, 100, -1});
  auto crossed = [](const Ensemble& s, Index p) { return s(0, p) > 0.0; };
  auto far = [](const Ensemble& s, Index p) { return s(0, p) > 1.4; };
  FirstPassage<decltype(crossed)> passage(crossed);
  FirstPassage<decltype(far)> far_passage(far);
  Passive<FirstPassage<decltype(far)>> passive(far_passage);
  auto f = [](const Ensemble& s, Index p, double* out) {
    out[0] = s(0, p);
    out[1] = s(0, p) * s(0, p);
  };
  Trace<decltype(f)> trace({"x", "x2"}, f, RecordPlan{50, 0, -1}, 300);
  auto g = [](const Ensemble& s, Index p) { return std::abs(s(0, p)); };
  TimeAverage<decltype(g)> avg(g, RecordPlan{5, 200, -1});
  Snapshots snaps({0, 63, 64, 500, 999}, RecordPlan{100, 0, -1});
  RunOptions opts;
  opts.n_steps = K;
  opts.block = 64;
  opts.bound = 1.8;  // a few particles cross it: divergence steps are shared too
  const RunSummary summary = run_ensemble(model, x, opts, hist, passage, passive, trace, avg, snaps);
  if (ranks::rank() == 0) {
    std::vector<double> out;
    for (Index p = 0; p < M; ++p) out.push_back(x(0, p));
    for (auto s : summary.diverged_at) out.push_back(static_cast<double>(s));
    out.push_back(static_cast<double>(summary.diverged));
    for (auto c : hist.histogram().counts()) out.push_back(static_cast<double>(c));
    out.push_back(static_cast<double>(hist.histogram().underflow() + hist.histogram().overflow()));
    for (auto s : passage.steps()) out.push_back(static_cast<double>(s));
    for (auto s : far_passage.steps()) out.push_back(static_cast<double>(s));
    for (const auto* v : {&trace.mean(), &trace.sd(), &trace.count(), &trace.quantiles(), &snaps.data()})
      out.insert(out.end(), v->begin(), v->end());
    const Vec a = avg.averages();
    out.insert(out.end(), a.data(), a.data() + a.size());
    std::FILE* file = std::fopen(argv[1], "wb");
    if (!file || std::fwrite(out.data(), sizeof(double), out.size(), file) != out.size() ||
        std::fclose(file) != 0) {
      std::fprintf(stderr, "mpi_observers: cannot write %s\n", argv[1]);
      return 1;
    }
    std::printf("mpi_observers: %zu values, %lld diverged, ranks %d\n", out.size(),
                static_cast<long long>(summary.diverged), ranks::size());
  }
  ranks::finalize();
  return 0;
}
