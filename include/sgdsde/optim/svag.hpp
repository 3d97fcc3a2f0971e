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
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/model.hpp"
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
    std::vector<Index> b1, b2;
    BatchSampler::Scratch sampler;
  };

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
  [[nodiscard]] Scratch make_scratch(Index) const {
    Scratch s;
    s.x = Vec::Zero(dim());
    s.g1 = s.g2 = Vec::Zero(dim());
    s.b1.assign(static_cast<std::size_t>(sampler_.batch_size()), 0);
    s.b2 = s.b1;
    s.sampler = sampler_.make_scratch();
    return s;
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double lr = schedule_(k) / l_;
    const long t = k + 1;
    const Index d = dim();
    std::array<double, static_cast<std::size_t>(n_moments)> m{};
    for (Index p = first; p < first + count; ++p) {
      const auto q = static_cast<std::uint32_t>(2 * p);
      sampler_.sample(q, k, std::span<Index>(s.b1), s.sampler);
      sampler_.sample(q + 1, k, std::span<Index>(s.b2), s.sampler);
      s.x = x.col(p).matrix();
      problem_.batch_gradient(s.x, std::span<const Index>(s.b1), s.g1);
      problem_.batch_gradient(s.x, std::span<const Index>(s.b2), s.g2);
      for (Index j = 0; j < d; ++j) {
        const double g = c_[0] * s.g1[j] + c_[1] * s.g2[j];
        for (int r = 0; r < n_moments; ++r) m[static_cast<std::size_t>(r)] = state_(r * d + j, p);
        optimizer_.update(s.x[j], g, m, lr, t);
        for (int r = 0; r < n_moments; ++r) state_(r * d + j, p) = m[static_cast<std::size_t>(r)];
      }
      x.col(p) = s.x.array();
    }
  }

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
};

}  // namespace sgdsde
