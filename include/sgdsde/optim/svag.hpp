#pragma once
// SVAG, stochastic variance amplified gradient (Li, Malladi & Arora, NeurIPS 2021; THEORY §9): the
// network's SDE simulated without an estimate of Σ. With l ≥ 1 and two independent batches γ₁, γ₂ of
// size B, one step is
//   θ ← θ − (η_k / l) ∇[ c₁ L_γ₁(θ) + c₂ L_γ₂(θ) ],   c_{1,2} = (1 ± √(2l − 1)) / 2,
// so c₁ + c₂ = 1 keeps the mean gradient and c₁² + c₂² = l multiplies the noise covariance by l. At
// t = kη/l it approximates dX = −∇L dt + (η Σ_B(X))^{1/2} dW weakly with error O(1/l); l = 1 is SGD.
//
// The batches of SVAG run p at step k are those of sampler particles 2p (γ₁) and 2p + 1 (γ₂): pure
// functions of (seed, p, k), so the ensemble is bitwise the same for any thread count. The update
// goes through the optimizer's rule with learning rate η_k / l (plain SGD for the paper's scheme).
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
#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

/// The SVAG coefficients (c₁, c₂) for amplification l ≥ 1.
inline std::array<double, 2> svag_coefficients(double l) {
  require(std::isfinite(l) && l >= 1.0, "svag: l must be >= 1");
  const double r = std::sqrt(2.0 * l - 1.0);
  return {(1.0 + r) / 2.0, (1.0 - r) / 2.0};
}

template <FiniteSum F, Optimizer O, Schedule S>
class SvagEnsemble {
 public:
  static constexpr int n_moments = O::n_moments;
  struct Scratch {
    Vec x, g1, g2;
    Vec m;  ///< the run's optimizer moments, contiguous (n_moments·d)
    std::vector<Index> b1, b2;
    BatchSampler::Scratch sampler;
    Mat saved, saved_moments;  ///< advance(): the block's working copy (column i = run first + i)
  };

  /// Steps advance() takes at most per call, and the dimension from which it takes any: each run then
  /// stays in its contiguous copy for the whole span between records, instead of being copied out
  /// of the d × M ensemble (a stride of M doubles per coordinate) and back at every step.
  static constexpr long kAdvanceSteps = 256;
  static constexpr Index kMultiStepMinDim = 1024;

  SvagEnsemble(F problem, O optimizer, S schedule, double l, Index batch_size, Sampling sampling,
               std::uint64_t seed)
      : problem_(std::move(problem)),
        optimizer_(std::move(optimizer)),
        schedule_(std::move(schedule)),
        l_(l),
        c_(svag_coefficients(l)),
        sampler_(problem_.num_samples(), batch_size, sampling, seed) {}

  [[nodiscard]] Index dim() const { return problem_.dim(); }
  [[nodiscard]] double amplification() const { return l_; }
  [[nodiscard]] std::array<double, 2> coefficients() const { return c_; }

  void prepare(Index M) {
    require(M >= 0 && M <= Index{0x7FFFFFFF}, "svag ensemble: at most 2^31 - 1 runs");
    state_ = Ensemble::Zero(static_cast<Index>(n_moments) * dim(), M);
  }
  [[nodiscard]] Scratch make_scratch(Index block) const {
    Scratch s;
    s.x = Vec::Zero(dim());
    s.g1 = s.g2 = Vec::Zero(dim());
    s.m = Vec::Zero(static_cast<Index>(n_moments) * dim());
    if (advances()) {
      s.saved = Mat::Zero(dim(), block);
      s.saved_moments = Mat::Zero(static_cast<Index>(n_moments) * dim(), block);
    }
    s.b1.assign(static_cast<std::size_t>(sampler_.batch_size()), 0);
    s.b2 = s.b1;
    s.sampler = sampler_.make_scratch();
    return s;
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double lr = schedule_(k) / l_;
    for (Index p = first; p < first + count; ++p) {
      s.x = x.col(p).matrix();
      if constexpr (n_moments > 0) s.m = state_.col(p).matrix();
      run_step(p, k, lr, s);
      x.col(p) = s.x.array();
      if constexpr (n_moments > 0) state_.col(p) = s.m.array();
    }
  }

  /// Steps k … k + n − 1 at once when advances() (ensemble/model.hpp's contract): each run's span on
  /// its contiguous copy, bitwise as step() would; none (the block untouched) when a live run
  /// leaves the bound on the way (runs flagged before, NaN, are ignored). Returns how many.
  long advance(Ensemble& x, Index first, Index count, long k, long n, Scratch& s, double bound) {
    if (!advances() || n < 2) return 0;
    const long len = std::min(n, kAdvanceSteps);
    std::array<double, kAdvanceSteps> lr;
    for (long j = 0; j < len; ++j) lr[static_cast<std::size_t>(j)] = schedule_(k + j) / l_;
    // The block goes into its working copy (column i = run first + i) and comes back only once every
    // run has passed the divergence test: two passes over its cache lines, and nothing to restore.
    detail::load_tile(x, first, count, s.saved);
    if constexpr (n_moments > 0) detail::load_tile(state_, first, count, s.saved_moments);
    const Index d = dim();
    for (Index i = 0; i < count; ++i) {
      s.x = s.saved.col(i);
      if constexpr (n_moments > 0) s.m = s.saved_moments.col(i);
      const bool live = !std::isnan(s.x[0]);  // a flagged run is NaN in every coordinate
      for (long j = 0; j < len; ++j) {
        run_step(first + i, k + j, lr[static_cast<std::size_t>(j)], s);
        if (live && detail::leaves_bound(s.x.data(), d, bound)) return 0;
      }
      s.saved.col(i) = s.x;
      if constexpr (n_moments > 0) s.saved_moments.col(i) = s.m;
    }
    detail::store_tile(s.saved, first, count, x);
    if constexpr (n_moments > 0) detail::store_tile(s.saved_moments, first, count, state_);
    return len;
  }
  /// Whether advance() takes steps: on a MultiStepProblem (noise/finite_sum.hpp) with
  /// d ≥ kMultiStepMinDim, or as set by set_multi_step.
  [[nodiscard]] bool advances() const {
    if constexpr (!MultiStepProblem<F>) return false;
    return multi_step_ == MultiStep::on || (multi_step_ == MultiStep::automatic && dim() >= kMultiStepMinDim);
  }
  enum class MultiStep { automatic, on, off };
  void set_multi_step(MultiStep m) { multi_step_ = m; }

  /// t_k = Σ_{j<k} η_j / l (the SDE time of step k).
  [[nodiscard]] double time(long k) const { return sde_time(schedule_, k) / l_; }
  [[nodiscard]] const F& problem() const { return problem_; }

 private:
  F problem_;
  O optimizer_;
  S schedule_;
  double l_;
  std::array<double, 2> c_;
  BatchSampler sampler_;
  Ensemble state_;
  MultiStep multi_step_ = MultiStep::automatic;

  /// Step k of run p on its copy s.x, with its moments in s.m: batches γ₁, γ₂ from sampler particles
  /// 2p and 2p + 1, the gradient c₁∇L_γ₁ + c₂∇L_γ₂, the optimizer's rule at rate lr = η_k / l.
  void run_step(Index p, long k, double lr, Scratch& s) {
    const auto q = static_cast<std::uint32_t>(2 * p);
    sampler_.sample(q, k, std::span<Index>(s.b1), s.sampler);
    sampler_.sample(q + 1, k, std::span<Index>(s.b2), s.sampler);
    problem_.batch_gradient(s.x, std::span<const Index>(s.b1), s.g1);
    problem_.batch_gradient(s.x, std::span<const Index>(s.b2), s.g2);
    const Index d = dim();
    const long t = k + 1;
    std::array<double, static_cast<std::size_t>(n_moments)> m{};
    for (Index j = 0; j < d; ++j) {
      const double g = c_[0] * s.g1[j] + c_[1] * s.g2[j];
      for (int r = 0; r < n_moments; ++r) m[static_cast<std::size_t>(r)] = s.m[r * d + j];
      optimizer_.update(s.x[j], g, m, lr, t);
      for (int r = 0; r < n_moments; ++r) s.m[r * d + j] = m[static_cast<std::size_t>(r)];
    }
  }
};

}  // namespace sgdsde
