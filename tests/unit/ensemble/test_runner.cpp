#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <new>
#include <stdexcept>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/snapshots.hpp"
#include "sgdsde/ensemble/trace.hpp"

using namespace sgdsde;

namespace {
// A Gaussian random walk x_{k+1} = a x_k + s z_k, enough to exercise the runner.
struct Walk {
  CounterRng rng{123};
  double a = 1.0, s = 0.1;
  struct Scratch {
    std::vector<double> z;
  };
  [[nodiscard]] Index dim() const { return 2; }
  void prepare(Index) {}
  [[nodiscard]] Scratch make_scratch(Index n) const { return {std::vector<double>(2 * n)}; }
  void step(Ensemble& x, Index first, Index count, long k, Scratch& sc) const {
    rng.normals(static_cast<std::uint64_t>(k), Purpose::increment, static_cast<std::uint32_t>(first), count,
                2, sc.z.data(), count);
    for (Index j = 0; j < 2; ++j)
      for (Index i = 0; i < count; ++i) x(j, first + i) = a * x(j, first + i) + s * sc.z[j * count + i];
  }
  [[nodiscard]] double time(long k) const { return 0.5 * static_cast<double>(k); }
};
static_assert(EnsembleModel<Walk>);

struct Result {
  Ensemble x;
  std::vector<double> snaps, mean, quant;
  std::vector<std::int64_t> passage;
};

Result run(int threads, Index block) {
  omp_set_num_threads(threads);
  Walk w;
  Ensemble x = Ensemble::Zero(2, 1000);
  Snapshots snaps({0, 17, 999}, RecordPlan{10});
  auto region = [](const Ensemble& e, Index p) { return e(0, p) > 0.5; };
  FirstPassage<decltype(region)> fp(region);
  auto f = [](const Ensemble& e, Index p, double* out) { out[0] = e(0, p) * e(0, p) + e(1, p) * e(1, p); };
  Trace<decltype(f)> trace({"r2"}, f, RecordPlan{25}, 200);
  RunOptions opts;
  opts.n_steps = 100;
  opts.block = block;
  run_ensemble(w, x, opts, snaps, fp, trace);
  return {x, snaps.data(), trace.mean(), trace.quantiles(), fp.steps()};
}
}  // namespace

TEST_CASE("ensemble runs are bitwise identical for 1 and 2 threads") {
  const Result a = run(1, 64), b = run(2, 64);
  CHECK((a.x == b.x).all());
  CHECK(a.snaps == b.snaps);
  CHECK(a.mean == b.mean);
  CHECK(a.quant == b.quant);
  CHECK(a.passage == b.passage);
}

TEST_CASE("the block size changes no particle's state") {
  const Result a = run(2, 64), b = run(2, 1000);
  CHECK((a.x == b.x).all());
  CHECK(a.passage == b.passage);
  // A block beyond the ensemble is the ensemble: same states, and no scratch sized for 2^50 particles.
  const Result c = run(2, Index{1} << 50);
  CHECK((c.x == b.x).all());
  CHECK(c.passage == b.passage);
}

TEST_CASE("an exception in a block leaves run_ensemble as that exception, on any thread count") {
  // A walk whose step fails for the block holding particle 700 (an OpenMP region may not be left by
  // an exception: without the runner's capture the program would terminate).
  struct FailingWalk : Walk {
    void step(Ensemble& x, Index first, Index count, long k, Scratch& sc) const {
      if (first <= 700 && 700 < first + count && k == 3) throw std::runtime_error("step failed");
      Walk::step(x, first, count, k, sc);
    }
  };
  struct FailingScratch : Walk {
    [[nodiscard]] Scratch make_scratch(Index) const { throw std::bad_alloc(); }
  };
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    RunOptions opts;
    opts.n_steps = 10;
    opts.block = 64;
    Ensemble x = Ensemble::Zero(2, 1000);
    FailingWalk fw;
    CHECK_THROWS_WITH_AS(run_ensemble(fw, x, opts), "step failed", std::runtime_error);
    FailingScratch fs;
    CHECK_THROWS_AS(run_ensemble(fs, x, opts), std::bad_alloc);
  }
}

TEST_CASE("trace mean of |x|^2 follows the random walk's 2 k s^2 within 5 standard errors") {
  const Result r = run(2, 128);
  // records at k = 0, 25, 50, 75, 100; E|x_k|² = 2 k s², Var = 2 (k s²)² · 2 / … : use the sample sd.
  for (int i = 0; i < 5; ++i) {
    const double k = 25.0 * i, expected = 2.0 * k * 0.01;
    // |x|² / (k s²) ~ χ²₂ : standard deviation of |x|² is 2 k s²; stderr over 1000 particles.
    const double se = 2.0 * k * 0.01 / std::sqrt(1000.0);
    CHECK(std::abs(r.mean[i] - expected) <= 5.0 * se + 1e-15);
  }
}

TEST_CASE("first passage records the first step at which the walk enters the region") {
  const Result r = run(1, 100);
  const Index p = 17;
  // Replay particle 17 alone and find its first step with x0 > 0.5.
  Walk w;
  Ensemble x = Ensemble::Zero(2, 1000);
  Walk::Scratch sc = w.make_scratch(1000);
  std::int64_t first = -1;
  for (long k = 0; k < 100 && first < 0; ++k) {
    w.step(x, 0, 1000, k, sc);
    if (x(0, p) > 0.5) first = k + 1;
  }
  CHECK(r.passage[p] == first);
  // Snapshot of particle 17 at step 100 (record 10) equals the run's final state.
  CHECK(r.snaps[(10 * 2 + 0) * 3 + 1] == r.x(0, 17));
}

TEST_CASE("a diverging particle is stopped, flagged and counted, and skipped by observers") {
  struct Explode : Walk {
    void step(Ensemble& x, Index first, Index count, long k, Scratch& sc) const {
      Walk::step(x, first, count, k, sc);
      for (Index i = 0; i < count; ++i)
        if (first + i == 5 && k == 3)
          x(0, first + i) = std::numeric_limits<double>::infinity();
        else if (first + i == 9)
          x(1, first + i) = 1e300 * (k + 1);  // leaves the bound
    }
  } w;
  Ensemble x = Ensemble::Zero(2, 64);
  auto f = [](const Ensemble& e, Index p, double* out) { out[0] = e(0, p); };
  Trace<decltype(f)> trace({"x0"}, f, RecordPlan{1}, 64);
  RunOptions opts;
  opts.n_steps = 10;
  opts.block = 16;
  opts.bound = 1e6;
  const RunSummary s = run_ensemble(w, x, opts, trace);
  CHECK(s.diverged == 2);
  CHECK(s.diverged_at[5] == 4);
  CHECK(s.diverged_at[9] == 1);
  CHECK(std::isnan(x(0, 5)));
  for (double m : trace.mean()) CHECK(std::isfinite(m));
  CHECK(trace.count().back() == doctest::Approx(62));
}

#include "sgdsde/ensemble/state_histogram.hpp"

TEST_CASE("streaming histograms are thread-count independent and count every live sample") {
  auto go = [](int threads) {
    omp_set_num_threads(threads);
    Walk w;
    Ensemble x = Ensemble::Zero(2, 777);
    StateHistogram1D h1(stats::Histogram1D(-1, 1, 40), RecordPlan{5, 50, 100}, 1);
    StateHistogram2D h2(stats::Histogram2D(-1, 1, 20, -1, 1, 20), RecordPlan{5, 50, 100});
    RunOptions opts;
    opts.n_steps = 100;
    opts.block = 50;
    run_ensemble(w, x, opts, h1, h2);
    CHECK(h1.samples_per_particle() == 11);
    CHECK(h1.histogram().total() == 777 * 11);
    CHECK(h2.histogram().total() == 777 * 11);
    return std::make_pair(h1.histogram().counts(), h2.histogram().counts());
  };
  CHECK(go(1) == go(2));
}
