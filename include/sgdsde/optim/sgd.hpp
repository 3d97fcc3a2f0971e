#pragma once
// Minibatch SGD (THEORY §1, §7) run exactly as a practitioner runs it: at step k each run samples
// a batch of B indices, averages those B per-sample gradients, and hands the mean to the optimizer
// with learning rate η_k from the schedule.
//
//  - SgdEnsemble<F, O, S>: the EnsembleModel (ensemble/model.hpp) of M independent runs, driven by
//    run_ensemble(model, x, opts, observers…). Per-particle optimizer moments are structure-of-arrays
//    rows of a (n_moments·d) × M array owned by the model (row m·d + j = moment m of coordinate j).
//    The batch of particle p at step k is a pure function of (seed, p, k) (BatchSampler), so the
//    ensemble is bitwise identical for any thread count, and particle p is bitwise the single run
//    run_sgd(…, particle = p). Per particle-step cost: O(B·d) plus one landscape gradient; no allocation.
//    Plain Sgd on AdditiveNoise with 1-D/2-D scalar gradients and batches with replacement takes the
//    vectorised fused step of optim/sgd_fused.hpp (bitwise the same results; set_fused(false) turns it off).
//    On a MultiStepProblem (a network) with d ≥ kMultiStepMinDim the runner's quiet spans go to
//    advance(), which keeps each particle in its contiguous copy for the whole span (bitwise the same;
//    set_multi_step).
//  - run_sgd / sgd_trajectory: one run, for tests and plots.
// time(k) = Σ_{j<k} η_j (the SDE time of step k).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/model.hpp"
#include "sgdsde/ensemble/tile.hpp"
#include "sgdsde/noise/finite_sum.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/optim/schedule/schedule.hpp"
#include "sgdsde/optim/sgd_fused.hpp"
#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

template <FiniteSum F, Optimizer O, Schedule S>
class SgdEnsemble {
 public:
  static constexpr int n_moments = O::n_moments;

  /// Particles whose coordinates step() copies into a contiguous tile at once (a transpose: each
  /// row j of the ensemble contributes one run of kTile consecutive doubles).
  static constexpr Index kTile = 8;

  struct Scratch {
    Vec x, g;
    std::vector<Index> batches;  ///< BatchSampler::group_lanes batches of B, particle-major
    Mat tile;                    ///< d × kTile: column i = coordinates of the tile's particle i
    Mat moments;                 ///< (n_moments·d) × kTile, the same for the optimizer moments
    BatchSampler::Scratch sampler;
    std::vector<detail::StreamBlockCache> stream_blocks;  ///< fused path: one per kSgdLanes particles
    Mat saved;  ///< advance() (d × block): the fused path's restore point, the generic path's working copy
    Mat saved_moments;  ///< the generic path's working copy of the optimizer moments
  };

  /// Steps advance() takes at most per call (its learning rates live on the stack).
  static constexpr long kAdvanceSteps = 256;
  /// Dimension from which the generic path also takes several steps per call (advance): each particle
  /// then stays in its contiguous copy for the whole span, instead of being transposed out of and back
  /// into the d × M ensemble at every step. For a network (d = 13 002) those copies, strided by M,
  /// cost more than a batch gradient at B = 32; for small d the per-step group sampling of step() is
  /// the faster path.
  static constexpr Index kMultiStepMinDim = 1024;

  SgdEnsemble(F problem, O optimizer, S schedule, Index batch_size, Sampling sampling, std::uint64_t seed)
      : problem_(std::move(problem)),
        optimizer_(std::move(optimizer)),
        schedule_(std::move(schedule)),
        sampler_(problem_.num_samples(), batch_size, sampling, seed) {}

  [[nodiscard]] Index dim() const { return problem_.dim(); }
  [[nodiscard]] Index batch_size() const { return sampler_.batch_size(); }

  /// Zeroes the optimizer moments of M particles (a fresh run).
  void prepare(Index M) {
    require(M >= 0 && M <= Index{0xFFFFFFFF}, "sgd ensemble: at most 2^32 - 1 particles");
    state_ = Ensemble::Zero(static_cast<Index>(n_moments) * dim(), M);
  }

  [[nodiscard]] Scratch make_scratch(Index block) const {
    Scratch s;
    s.x = Vec::Zero(dim());
    s.g = Vec::Zero(dim());
    s.batches.assign(static_cast<std::size_t>(BatchSampler::group_lanes * batch_size()), 0);
    s.tile = Mat::Zero(dim(), kTile);
    s.moments = Mat::Zero(static_cast<Index>(n_moments) * dim(), kTile);
    s.sampler = sampler_.make_scratch();
    if (fused())
      s.stream_blocks.resize(static_cast<std::size_t>((block + detail::kSgdLanes - 1) / detail::kSgdLanes));
    if (advances()) s.saved = Mat::Zero(dim(), block);
    if (advances() && !fused()) s.saved_moments = Mat::Zero(static_cast<Index>(n_moments) * dim(), block);
    return s;
  }

  /// Particles [first, first + count) from step k to k + 1. Generic path: the batches of
  /// BatchSampler::group_lanes particles at once (BatchSampler::sample_group), then per tile of kTile
  /// particles their coordinates (and moments) copied into contiguous columns, per particle the batch
  /// gradient and the optimizer update on the copy, and the tile copied back. Every particle sees the
  /// same operations as run_sgd, so the grouping changes no bit.
  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double lr = schedule_(k);
    if constexpr (FusedSgd<F, O>) {
      if (fused_ && fused_sgd_applies(problem_, sampler_)) {
        fused_sgd_step(problem_, optimizer_, sampler_, lr, x, first, count, k,
                       std::span<detail::StreamBlockCache>(s.stream_blocks));
        return;
      }
    }
    const Index B = batch_size();
    const long t = k + 1;
    for (Index c0 = 0; c0 < count; c0 += BatchSampler::group_lanes) {
      const Index n = std::min(BatchSampler::group_lanes, count - c0);
      sampler_.sample_group(static_cast<std::uint32_t>(first + c0), n, k, std::span<Index>(s.batches),
                            s.sampler);
      for (Index t0 = 0; t0 < n; t0 += kTile) {
        const Index nt = std::min(kTile, n - t0), p0 = first + c0 + t0;
        detail::load_tile(x, p0, nt, s.tile);
        if constexpr (n_moments > 0) detail::load_tile(state_, p0, nt, s.moments);
        for (Index i = 0; i < nt; ++i) {
          s.x = s.tile.col(i);
          const std::span<const Index> batch(s.batches.data() + (t0 + i) * B, static_cast<std::size_t>(B));
          if constexpr (requires { problem_.prefetch(batch); }) {
            // Memory hint (no effect on results): the first samples of the next particle's batch.
            if (t0 + i + 1 < n)
              problem_.prefetch(std::span<const Index>(s.batches.data() + (t0 + i + 1) * B,
                                                       static_cast<std::size_t>(std::min<Index>(8, B))));
          }
          problem_.batch_gradient(s.x, batch, s.g);
          update(s.tile.col(i).data(), s.moments.col(i).data(), s.g, lr, t);
        }
        detail::store_tile(s.tile, p0, nt, x);
        if constexpr (n_moments > 0) detail::store_tile(s.moments, p0, nt, state_);
      }
    }
  }

  /// Steps k … k + n − 1 at once (see ensemble/model.hpp for the contract). Takes min(n,
  /// kAdvanceSteps) steps, bitwise as step() would, or none (x and the moments as they were) when a live
  /// particle fails the divergence test on the way (NaN particles, flagged before, are ignored);
  /// returns how many. Two paths: the fused one at B = 1 (one Philox block serves four steps, and a
  /// chunk's states stay in registers across them), and on a MultiStepProblem with d ≥ kMultiStepMinDim
  /// the generic one, each particle's whole span on its contiguous copy. Other configurations take none
  /// (the runner then calls step()).
  long advance(Ensemble& x, Index first, Index count, long k, long n, Scratch& s, double bound) {
    if (!advances() || n < 2) return 0;
    const long len = std::min(n, kAdvanceSteps);
    std::array<double, kAdvanceSteps> lr;
    for (long j = 0; j < len; ++j) lr[static_cast<std::size_t>(j)] = schedule_(k + j);
    if constexpr (FusedSgd<F, O>) {
      if (fused()) {
        s.saved.leftCols(count) = x.middleCols(first, count).matrix();
        if (fused_sgd_advance_b1(problem_, optimizer_, sampler_, lr.data(), x, first, count, k, len, bound))
          return len;
        x.middleCols(first, count) = s.saved.leftCols(count).array();
        return 0;
      }
    }
    if constexpr (MultiStepProblem<F>) {
      // The block goes into its working copy and comes back only once every particle has passed the
      // divergence test: two passes over its cache lines per call, and nothing to restore.
      detail::load_tile(x, first, count, s.saved);
      if constexpr (n_moments > 0) detail::load_tile(state_, first, count, s.saved_moments);
      if (!advance_generic(first, count, k, len, lr.data(), s, bound)) return 0;
      detail::store_tile(s.saved, first, count, x);
      if constexpr (n_moments > 0) detail::store_tile(s.saved_moments, first, count, state_);
      return len;
    }
    return 0;
  }
  /// Whether advance() takes steps: the fused path at B = 1, the generic path on a MultiStepProblem
  /// for d ≥ kMultiStepMinDim (or as set by set_multi_step).
  [[nodiscard]] bool advances() const {
    if (fused()) return batch_size() == 1;
    if constexpr (!MultiStepProblem<F>) return false;
    return multi_step_ == MultiStep::on || (multi_step_ == MultiStep::automatic && dim() >= kMultiStepMinDim);
  }
  /// The generic multi-step path (MultiStepProblem only): automatic (d ≥ kMultiStepMinDim), always, or
  /// never (tests compare them).
  enum class MultiStep { automatic, on, off };
  void set_multi_step(MultiStep m) { multi_step_ = m; }

  /// t_k = Σ_{j<k} η_j: from the precomputed clock when k is within it, else sde_time().
  [[nodiscard]] double time(long k) const {
    if (k <= clock_.n_steps()) return clock_.time(k);
    return sde_time(schedule_, k);
  }
  /// Precomputes t_0 … t_n (O(1) time(k) afterwards).
  void precompute_time(long n_steps) { clock_ = ScheduleClock(schedule_, n_steps); }
  [[nodiscard]] double learning_rate(long k) const { return schedule_(k); }
  /// Whether step() takes the fused path (optim/sgd_fused.hpp); set_fused(false) forces the generic one.
  [[nodiscard]] bool fused() const {
    if constexpr (FusedSgd<F, O>) return fused_ && fused_sgd_applies(problem_, sampler_);
    return false;
  }
  void set_fused(bool on) { fused_ = on; }

  [[nodiscard]] const F& problem() const { return problem_; }
  [[nodiscard]] const O& optimizer() const { return optimizer_; }
  [[nodiscard]] const S& schedule() const { return schedule_; }
  [[nodiscard]] const BatchSampler& sampler() const { return sampler_; }
  /// The optimizer moments, (n_moments·d) × M: row q·d + j is moment q of coordinate j.
  [[nodiscard]] const Ensemble& optimizer_state() const { return state_; }

 private:
  F problem_;
  O optimizer_;
  S schedule_;
  BatchSampler sampler_;
  Ensemble state_;
  ScheduleClock clock_{};
  bool fused_ = true;
  MultiStep multi_step_ = MultiStep::automatic;

  /// The optimizer's step t of one particle from its batch gradient g: coordinates xi[0 … d − 1],
  /// moments mi (row q·d + j = moment q of coordinate j, as in the ensemble).
  void update(double* xi, double* mi, const Vec& g, double lr, long t) {
    const Index d = dim();
    std::array<double, static_cast<std::size_t>(n_moments)> m{};
    for (Index j = 0; j < d; ++j) {
      for (int q = 0; q < n_moments; ++q) m[static_cast<std::size_t>(q)] = mi[q * d + j];
      optimizer_.update(xi[j], g[j], m, lr, t);
      for (int q = 0; q < n_moments; ++q) mi[q * d + j] = m[static_cast<std::size_t>(q)];
    }
  }

  /// advance() on the generic path, on the block's working copy (s.saved, column i = particle first + i,
  /// and s.saved_moments): each particle's len steps on a contiguous copy (the batch of step k + j
  /// from BatchSampler::sample, which is sample_group's, so every step is step()'s). False as soon as
  /// a live particle leaves the bound.
  bool advance_generic(Index first, Index count, long k, long len, const double* lr, Scratch& s,
                       double bound) {
    const Index d = dim(), B = batch_size();
    const std::span<Index> batch(s.batches.data(), static_cast<std::size_t>(B));
    for (Index i = 0; i < count; ++i) {
      s.x = s.saved.col(i);
      double* xi = s.x.data();
      double* mi = s.saved_moments.col(i).data();
      const bool live = !std::isnan(xi[0]);  // a flagged particle is NaN in every coordinate
      for (long j = 0; j < len; ++j) {
        sampler_.sample(static_cast<std::uint32_t>(first + i), k + j, batch, s.sampler);
        problem_.batch_gradient(s.x, std::span<const Index>(batch), s.g);
        update(xi, mi, s.g, lr[j], k + j + 1);
        if (live && detail::leaves_bound(xi, d, bound)) return false;
      }
      s.saved.col(i) = s.x;
    }
    return true;
  }
};

/// One SGD run of n_steps steps from x0 with the batches of `particle` (so it reproduces that
/// particle of an SgdEnsemble with the same sampler bit for bit). `observe(k, x)` is called for
/// k = 0 (initial state) and after every step k = 1 … n_steps. Returns the final state.
template <FiniteSum F, Optimizer O, Schedule S, class Observe>
Vec run_sgd(const F& problem, const O& optimizer, const S& schedule, const BatchSampler& sampler, Vec x,
            long n_steps, std::uint32_t particle, Observe&& observe) {
  require(x.size() == problem.dim(), "run_sgd: x0 has the wrong dimension");
  require(sampler.num_samples() == problem.num_samples(), "run_sgd: sampler and problem differ in N");
  auto state = optimizer.make_state(problem.dim());
  auto scratch = sampler.make_scratch();
  std::vector<Index> batch(static_cast<std::size_t>(sampler.batch_size()));
  Vec g(problem.dim());
  observe(0L, static_cast<const Vec&>(x));
  for (long k = 0; k < n_steps; ++k) {
    sampler.sample(particle, k, std::span<Index>(batch), scratch);
    problem.batch_gradient(x, std::span<const Index>(batch), g);
    optimizer.apply(state, x, g, schedule(k));
    observe(k + 1, static_cast<const Vec&>(x));
  }
  return x;
}

template <FiniteSum F, Optimizer O, Schedule S>
Vec run_sgd(const F& problem, const O& optimizer, const S& schedule, const BatchSampler& sampler, Vec x,
            long n_steps, std::uint32_t particle = 0) {
  return run_sgd(problem, optimizer, schedule, sampler, std::move(x), n_steps, particle,
                 [](long, const Vec&) {});
}

/// The whole trajectory of one run: d × (n_steps + 1), column k = θ_k.
template <FiniteSum F, Optimizer O, Schedule S>
Mat sgd_trajectory(const F& problem, const O& optimizer, const S& schedule, const BatchSampler& sampler,
                   const Vec& x0, long n_steps, std::uint32_t particle = 0) {
  Mat traj(problem.dim(), n_steps + 1);
  run_sgd(problem, optimizer, schedule, sampler, x0, n_steps, particle,
          [&](long k, const Vec& x) { traj.col(k) = x; });
  return traj;
}

}  // namespace sgdsde
