// The fused SGD step (optim/sgd_fused.hpp) against the generic per-particle step of SgdEnsemble:
// the same batch indices and bitwise the same states, for B = 1, 7 and 32 with replacement, and the
// stream block kept from one step to the next.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/state_histogram.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/schedules.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/optimizers.hpp"

using namespace sgdsde;

namespace {
bool bitwise_equal(const Ensemble& a, const Ensemble& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

/// Runs the same ensemble through the fused and the generic step; returns both final states.
template <class F>
std::pair<Ensemble, Ensemble> fused_and_generic(const F& f, const Vec& x0, Index B, Sgd opt, Index M,
                                                long steps) {
  std::pair<Ensemble, Ensemble> out;
  for (const bool fused : {true, false}) {
    SgdEnsemble model(f, opt, InverseTimeLr{.eta0 = 0.02, .t0 = 20.0}, B, Sampling::with_replacement, 11);
    model.set_fused(fused);
    CHECK(model.fused() == fused);
    Ensemble x(f.dim(), M);
    for (Index j = 0; j < f.dim(); ++j) x.row(j).setConstant(x0[j]);
    RunOptions opts;
    opts.n_steps = steps;
    opts.block = 100;  // blocks that are not a multiple of the 64 fused lanes
    run_ensemble(model, x, opts);
    (fused ? out.first : out.second) = x;
  }
  return out;
}

/// Mismatches of detail::batch_noise_sums<D> against the sums over BatchSampler::sample's indices,
/// with ξ_i(0) = i and ξ_i(1) = i² (exact in double), so that B = 1 gives the index itself.
template <int D>
int batch_sum_mismatches(Index N, Index B, std::uint32_t p0, long k) {
  const BatchSampler sampler(N, B, Sampling::with_replacement, 0x123456789ull);
  std::vector<double> xi(static_cast<std::size_t>(D * N));
  for (Index i = 0; i < N; ++i) {
    xi[static_cast<std::size_t>(D * i)] = static_cast<double>(i);
    if (D == 2) xi[static_cast<std::size_t>(D * i + 1)] = static_cast<double>(i * i);
  }
  alignas(64) double s[2][detail::kSgdLanes];
  std::vector<Index> batch(static_cast<std::size_t>(B));
  BatchSampler::Scratch scratch = sampler.make_scratch();
  detail::StreamBlockCache cache;
  detail::batch_noise_sums<D>(sampler, xi.data(), p0, k, s, cache);
  int mismatches = 0;
  for (int i = 0; i < detail::kSgdLanes; ++i) {
    sampler.sample(p0 + static_cast<std::uint32_t>(i), k, std::span<Index>(batch), scratch);
    double s0 = 0.0, s1 = 0.0;
    for (const Index b : batch) {
      s0 += static_cast<double>(b);
      s1 += static_cast<double>(b * b);
    }
    if (s0 != s[0][i] || (D == 2 && s1 != s[1][i])) ++mismatches;
  }
  return mismatches;
}
}  // namespace

TEST_CASE("fused path: the batch sums are those of BatchSampler's indices") {
  // Batch sizes below, at and across multiples of the four words of a Philox block; first particles
  // whose block wraps around 2^32; steps with a nonzero high counter word.
  for (const Index N : {Index{1}, Index{1000}})
    for (const Index B : {Index{1}, Index{2}, Index{3}, Index{4}, Index{5}, Index{7}, Index{8}, Index{13},
                          Index{32}, Index{33}})
      for (const std::uint32_t p0 : {0u, 4096u + 13u, 4294967295u - 63u, 4294967295u - 20u})
        for (const long k : {0L, 5L, (1L << 33) + 3}) {
          if (B > N) continue;
          CAPTURE(N);
          CAPTURE(B);
          CAPTURE(p0);
          CAPTURE(k);
          CHECK(batch_sum_mismatches<1>(N, B, p0, k) == 0);
          CHECK(batch_sum_mismatches<2>(N, B, p0, k) == 0);
        }
}

TEST_CASE("fused path: bitwise the generic step (1-D double well, 2-D Himmelblau and quadratic)") {
  const Index M = 1000;
  const long steps = 40;
  for (const Index B : {Index{1}, Index{7}, Index{32}}) {
    CAPTURE(B);
    {
      const auto f = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(0.3), 500, 20.0, 3);
      const auto [a, b] = fused_and_generic(f, Vec::Constant(1, -1.0), B, Sgd{}, M, steps);
      CHECK(bitwise_equal(a, b));
      CHECK(a.row(0).maxCoeff() - a.row(0).minCoeff() > 1e-3);  // the runs spread: not a constant
    }
    {
      const auto f = AdditiveNoise<Himmelblau>::isotropic(Himmelblau(), 300, 30.0, 4);
      Vec x0(2);
      x0 << 3.0, 2.0;
      const auto [a, b] = fused_and_generic(f, x0, B, Sgd{.weight_decay = 0.01}, M, steps);
      CHECK(bitwise_equal(a, b));
      CHECK((a.row(0) - 3.0).abs().maxCoeff() > 1e-3);
    }
    {
      Mat H(2, 2);
      H << 2.0, 0.6, 0.6, 1.0;
      Vec c(2);
      c << 0.5, -0.25;
      const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic(H, c), 200, 5.0, 5);
      const auto [a, b] = fused_and_generic(f, Vec::Zero(2), B, Sgd{}, M, steps);
      CHECK(bitwise_equal(a, b));
    }
  }
}

TEST_CASE("fused path: taken only where it applies") {
  const auto dw = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(), 100, 1.0, 1);
  CHECK(SgdEnsemble(dw, Sgd{}, ConstantLr{.eta = 0.01}, 4, Sampling::with_replacement, 1).fused());
  CHECK_FALSE(SgdEnsemble(dw, Sgd{}, ConstantLr{.eta = 0.01}, 4, Sampling::without_replacement, 1).fused());
  CHECK_FALSE(SgdEnsemble(dw, Sgd{}, ConstantLr{.eta = 0.01}, 4, Sampling::shuffled_epochs, 1).fused());
  CHECK_FALSE(SgdEnsemble(dw, Adam{}, ConstantLr{.eta = 0.01}, 4, Sampling::with_replacement, 1).fused());
  const auto q3 = AdditiveNoise<Quadratic>::isotropic(Quadratic::isotropic(3, 1.0), 100, 1.0, 1);
  CHECK_FALSE(SgdEnsemble(q3, Sgd{}, ConstantLr{.eta = 0.01}, 4, Sampling::with_replacement, 1).fused());
}

TEST_CASE("fused path: a stream block kept across steps gives the batches of BatchSampler") {
  // Consecutive steps with one cache (B = 1: a block serves four steps; other B not multiples of 4
  // share a block between two steps), started at steps that are and are not multiples of 4, then the
  // same cache handed another chunk of particles and another sampler: it must not be reused.
  const Index N = 1000;
  std::vector<double> xi(static_cast<std::size_t>(N));
  for (Index i = 0; i < N; ++i) xi[static_cast<std::size_t>(i)] = static_cast<double>(i);
  alignas(64) double s[2][detail::kSgdLanes];
  std::vector<Index> batch;
  const auto mismatches = [&](const BatchSampler& sampler, std::uint32_t p0, long k,
                              detail::StreamBlockCache& cache) {
    detail::batch_noise_sums<1>(sampler, xi.data(), p0, k, s, cache);
    batch.resize(static_cast<std::size_t>(sampler.batch_size()));
    auto scratch = sampler.make_scratch();
    int bad = 0;
    for (int i = 0; i < detail::kSgdLanes; ++i) {
      sampler.sample(p0 + static_cast<std::uint32_t>(i), k, std::span<Index>(batch), scratch);
      double sum = 0.0;
      for (const Index b : batch) sum += static_cast<double>(b);
      bad += sum != s[0][i];
    }
    return bad;
  };
  for (const Index B : {Index{1}, Index{2}, Index{3}, Index{5}, Index{7}}) {
    const BatchSampler a(N, B, Sampling::with_replacement, 21), b(N, B, Sampling::with_replacement, 22);
    for (const long k0 : {0L, 1L, 3L, (1L << 32) - 2}) {
      CAPTURE(B);
      CAPTURE(k0);
      detail::StreamBlockCache cache;
      int bad = 0;
      for (long k = k0; k < k0 + 9; ++k) bad += mismatches(a, 64, k, cache);
      bad += mismatches(a, 128, k0 + 9, cache);  // another chunk at the next step
      bad += mismatches(b, 128, k0 + 9, cache);  // another seed, same chunk and step
      bad += mismatches(b, 128, k0 + 10, cache);
      CHECK(bad == 0);
    }
  }
}

namespace {
/// An observer without next_record(): the runner must then take every step one at a time.
struct EveryStep {
  void begin(const ObserverContext&) {}
  void observe(const Ensemble&, const BlockView&, long) {}
  void end() {}
};

/// Final states, divergence steps and a recorded histogram of one run, with the multi-step path
/// (SgdEnsemble::advance between the histogram's records) or without it (EveryStep added).
struct Run {
  Ensemble x;
  std::vector<std::int64_t> diverged_at;
  std::vector<std::int64_t> counts;
};
template <class F, class S>
Run run_b1(const F& f, const S& schedule, const Vec& x0, Index M, long steps, double bound, bool several) {
  SgdEnsemble model(f, Sgd{.weight_decay = 0.02}, schedule, 1, Sampling::with_replacement, 17);
  CHECK(model.advances());
  Ensemble x(f.dim(), M);
  for (Index j = 0; j < f.dim(); ++j) x.row(j).setConstant(x0[j]);
  RunOptions opts;
  opts.n_steps = steps;
  opts.block = 200;  // blocks of three full 64-lane chunks and a partial one
  opts.bound = bound;
  // Records at 3, 10, 17, …: spans that start and end inside Philox blocks, and spans longer than
  // SgdEnsemble::kAdvanceSteps at the end (the window stops at step 400).
  StateHistogram1D hist(stats::Histogram1D(-3.0, 3.0, 60), RecordPlan{.every = 7, .start = 3, .stop = 400});
  Run r;
  EveryStep every;
  const RunSummary summary =
      several ? run_ensemble(model, x, opts, hist) : run_ensemble(model, x, opts, hist, every);
  r.x = x;
  r.diverged_at = summary.diverged_at;
  for (Index b = 0; b < hist.histogram().bins(); ++b) r.counts.push_back(hist.histogram().count(b));
  return r;
}
}  // namespace

TEST_CASE("B = 1 multi-step path: bitwise the one-step path, with the same records and divergences") {
  const Index M = 1000;
  const long steps = 1203;
  {
    const auto f = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(0.3), 500, 20.0, 3);
    const InverseTimeLr lr{.eta0 = 0.02, .t0 = 20.0};
    const Run a = run_b1(f, lr, Vec::Constant(1, -1.0), M, steps, 1e300, true);
    const Run b = run_b1(f, lr, Vec::Constant(1, -1.0), M, steps, 1e300, false);
    CHECK(bitwise_equal(a.x, b.x));
    CHECK(a.counts == b.counts);
    CHECK(a.x.row(0).maxCoeff() - a.x.row(0).minCoeff() > 1e-3);
    // A bound that some runs cross at various steps: those runs stop there (NaN) in both paths.
    const Run c = run_b1(f, lr, Vec::Constant(1, -1.0), M, steps, 2.0, true);
    const Run d = run_b1(f, lr, Vec::Constant(1, -1.0), M, steps, 2.0, false);
    CHECK(bitwise_equal(c.x, d.x));
    CHECK(c.diverged_at == d.diverged_at);
    CHECK(c.counts == d.counts);
    const auto crossed =
        std::count_if(c.diverged_at.begin(), c.diverged_at.end(), [](auto s) { return s >= 0; });
    CHECK(crossed > 10);
    CHECK(crossed < M / 2);
  }
  {
    const auto f = AdditiveNoise<Himmelblau>::isotropic(Himmelblau(), 300, 30.0, 4);
    Vec x0(2);
    x0 << 3.0, 2.0;
    const ConstantLr lr{.eta = 0.003};
    const Run a = run_b1(f, lr, x0, M, steps, 1e300, true);
    const Run b = run_b1(f, lr, x0, M, steps, 1e300, false);
    CHECK(bitwise_equal(a.x, b.x));
    CHECK(a.counts == b.counts);
    const Run c = run_b1(f, lr, x0, M, steps, 3.5, true);
    const Run d = run_b1(f, lr, x0, M, steps, 3.5, false);
    CHECK(bitwise_equal(c.x, d.x));
    CHECK(c.diverged_at == d.diverged_at);
    const auto crossed =
        std::count_if(c.diverged_at.begin(), c.diverged_at.end(), [](auto s) { return s >= 0; });
    CHECK(crossed > 10);
    CHECK(crossed < M / 2);
  }
}

TEST_CASE(
    "B = 1 multi-step path: advance takes no step, and leaves the states, when a run would cross the bound") {
  const auto f = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(), 500, 20.0, 3);
  SgdEnsemble model(f, Sgd{}, ConstantLr{.eta = 0.02}, 1, Sampling::with_replacement, 5);
  const Index M = 130;
  model.prepare(M);
  auto scratch = model.make_scratch(M);
  Ensemble x = Ensemble::Constant(1, M, -1.0);
  x(0, 129) = 1.25;  // the last chunk's last run starts near the bound
  const Ensemble x0 = x;
  CHECK(model.advance(x, 0, M, 0, 100, scratch, 1.3) == 0);
  CHECK(bitwise_equal(x, x0));
  // Within a wide bound it takes min(n, kAdvanceSteps) steps.
  CHECK(model.advance(x, 0, M, 0, 1000, scratch, 1e300) ==
        SgdEnsemble<decltype(f), Sgd, ConstantLr>::kAdvanceSteps);
  CHECK(model.advance(x, 0, M, 5, 3, scratch, 1e300) == 3);
  // A run flagged before (NaN) is ignored: it stays NaN, the others take the steps of step().
  Ensemble y = Ensemble::Constant(1, M, -1.0), z = y;
  y(0, 70) = z(0, 70) = std::numeric_limits<double>::quiet_NaN();
  CHECK(model.advance(y, 0, M, 8, 40, scratch, 1e300) == 40);
  for (long k = 8; k < 48; ++k) model.step(z, 0, M, k, scratch);
  CHECK(bitwise_equal(y, z));
  CHECK(std::isnan(y(0, 70)));
  // Batch sizes other than 1 have no multi-step kernel.
  SgdEnsemble b2(f, Sgd{}, ConstantLr{.eta = 0.02}, 2, Sampling::with_replacement, 5);
  CHECK_FALSE(b2.advances());
  CHECK(b2.advance(x, 0, M, 0, 100, scratch, 1e300) == 0);
}

TEST_CASE("RecordPlan::next: the first recorded step at or after k") {
  const RecordPlan p{.every = 7, .start = 3, .stop = 40};
  CHECK(p.next(0, 100) == 3);
  CHECK(p.next(3, 100) == 3);
  CHECK(p.next(4, 100) == 10);
  CHECK(p.next(38, 100) == 38);
  CHECK(p.next(39, 100) == 101);  // 45 is past the stop
  CHECK(p.next(5, 8) == 9);       // 10 is past the last step
  const RecordPlan all{};
  CHECK(all.next(0, 10) == 0);
  CHECK(all.next(6, 10) == 6);
  CHECK(all.next(11, 10) == 11);
}
