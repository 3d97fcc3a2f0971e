#pragma once
// Gaussian-noise dynamics on a finite sum (Zhu et al., ICML 2019; THEORY §9): the full gradient plus
// Gaussian noise whose covariance is built from SGD's own Σ_B(θ) = c Σ₁(θ)/B (c the sampling factor
// of noise/sampling.hpp), in one of five shapes:
//   exact        Σ_B itself, drawn as A z with A the centred per-sample gradients (Σ₁ = A Aᵀ), z ∈ R^N;
//   diagonal     diag Σ_B;
//   isotropic    (Tr Σ_B / P) I, the same trace;
//   top_k        U_k Λ_k U_kᵀ, the k leading eigenpairs of Σ_B (Lanczos);
//   hessian_top  Tr Σ_B · u₁u₁ᵀ, all of the trace along the Hessian's leading eigenvector u₁.
// One step: θ ← θ − (η_k/l)(∇L(θ) + √l ξ_k), ξ_k ~ N(0, Σ̃(θ)), Σ̃ refreshed from the run's current θ
// every r steps (r = 1: at every step). With l ≥ 1 and the exact shape this is Euler–Maruyama for
// dX = −∇L dt + (ηΣ_B(X))^{1/2} dW at dt = η/l (the SME SVAG converges to); l = 1 is "SGD with Gaussian
// noise". The normals of run p at step k are CounterRng(seed) at (p, k, Purpose::increment), so the
// ensemble is bitwise the same for any thread count.
//
// F must give the network's operators (nn/network_loss.hpp): sigma1_factor, sigma1_diagonal,
// sigma1_vector, hessian_vector. Memory per run: P·N doubles (exact), P·k (top_k), P (the others).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/model.hpp"
#include "sgdsde/nn/spectrum.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/optim/schedule/schedule.hpp"

namespace sgdsde {

enum class NoiseShape { exact, diagonal, isotropic, top_k, hessian_top };

inline NoiseShape noise_shape_from_string(const std::string& s) {
  if (s == "exact") return NoiseShape::exact;
  if (s == "diagonal") return NoiseShape::diagonal;
  if (s == "isotropic") return NoiseShape::isotropic;
  if (s == "top_k") return NoiseShape::top_k;
  if (s == "hessian_top") return NoiseShape::hessian_top;
  throw InputError("noise shape '" + s + "' is not one of exact, diagonal, isotropic, top_k, hessian_top");
}

template <class F>
concept NoiseOperators = requires(const F& f, const Vec& x, const Vec& v, Vec& out) {
  { f.sigma1_factor(x) } -> std::convertible_to<Mat>;
  { f.sigma1_diagonal(x) } -> std::convertible_to<Vec>;
  f.sigma1_vector(x, v, out);
  f.hessian_vector(x, v, out);
  f.gradient(x, out);
  { f.num_samples() } -> std::convertible_to<Index>;
};

/// The noise of one run: ξ = factor · z (z standard normal of length factor.cols()), or, for the
/// diagonal and isotropic shapes, ξ_j = scale_j z_j.
struct NoiseFactor {
  Mat factor;  ///< P × r (exact, top_k, hessian_top); empty otherwise
  Vec scale;   ///< P (diagonal, isotropic); empty otherwise
  /// The covariance ξ has: factor factorᵀ or diag(scale²). For tests (P × P).
  [[nodiscard]] Mat covariance() const {
    if (factor.size() > 0) return factor * factor.transpose();
    return Mat(scale.cwiseAbs2().asDiagonal());
  }
};

/// Σ̃(θ) of a shape as a NoiseFactor; `noise_factor` = c/B (Σ_B = noise_factor · Σ₁).
template <NoiseOperators F>
NoiseFactor make_noise_factor(const F& f, const Vec& x, NoiseShape shape, double noise_factor, Index k) {
  NoiseFactor nf;
  const Index P = x.size();
  const double root = std::sqrt(noise_factor);
  switch (shape) {
    case NoiseShape::exact: nf.factor = root * f.sigma1_factor(x); break;
    case NoiseShape::diagonal: nf.scale = root * f.sigma1_diagonal(x).cwiseSqrt(); break;
    case NoiseShape::isotropic:
      nf.scale = Vec::Constant(P, root * std::sqrt(f.sigma1_diagonal(x).sum() / static_cast<double>(P)));
      break;
    case NoiseShape::top_k: {
      const auto top = nn::top_eigenpairs(
          P, [&](const Vec& v, Vec& o) { f.sigma1_vector(x, v, o); }, k, 1e-10);
      nf.factor = root * top.vectors * top.values.cwiseMax(0.0).cwiseSqrt().asDiagonal();
      break;
    }
    case NoiseShape::hessian_top: {
      const auto top = nn::top_eigenpairs(
          P, [&](const Vec& v, Vec& o) { f.hessian_vector(x, v, o); }, 1, 1e-10);
      nf.factor = root * std::sqrt(f.sigma1_diagonal(x).sum()) * top.vectors.col(0);
      break;
    }
  }
  return nf;
}

template <NoiseOperators F, Schedule S>
class GaussianNoiseEnsemble {
 public:
  struct Scratch {
    Vec x, g, z, xi;
  };

  /// Σ_B = c Σ₁ / B for batches of size B drawn with `sampling`; l ≥ 1; refresh every r ≥ 1 steps;
  /// k the rank of the top_k shape.
  GaussianNoiseEnsemble(F problem, S schedule, NoiseShape shape, Index batch_size, Sampling sampling,
                        double l, long refresh, Index k, std::uint64_t seed)
      : problem_(std::move(problem)),
        schedule_(std::move(schedule)),
        shape_(shape),
        l_(l),
        refresh_(refresh),
        k_(k),
        rng_(seed) {
    const Index N = problem_.num_samples();
    require(batch_size >= 1 && batch_size <= N, "gaussian noise: the batch size must be in [1, N]");
    require(std::isfinite(l) && l >= 1.0, "gaussian noise: l must be >= 1");
    require(refresh >= 1, "gaussian noise: the refresh period must be >= 1 step");
    require(shape != NoiseShape::top_k || (k >= 1 && k < problem_.dim()),
            "gaussian noise: top_k needs 1 <= k < P");
    noise_factor_ = batch_noise_factor(N, batch_size, sampling) / static_cast<double>(batch_size);
  }

  [[nodiscard]] Index dim() const { return problem_.dim(); }
  void prepare(Index M) {
    require(M >= 0 && M <= Index{0xFFFFFFFF}, "gaussian noise: at most 2^32 - 1 runs");
    factors_.assign(static_cast<std::size_t>(M), NoiseFactor{});
  }
  [[nodiscard]] Scratch make_scratch(Index) const {
    return Scratch{Vec::Zero(dim()), Vec::Zero(dim()), Vec(), Vec::Zero(dim())};
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double lr = schedule_(k) / l_, amp = std::sqrt(l_);
    for (Index p = first; p < first + count; ++p) {
      s.x = x.col(p).matrix();
      NoiseFactor& nf = factors_[static_cast<std::size_t>(p)];
      if (k % refresh_ == 0 || (nf.factor.size() == 0 && nf.scale.size() == 0))
        nf = make_noise_factor(problem_, s.x, shape_, noise_factor_, k_);
      draw(nf, static_cast<std::uint32_t>(p), k, s);
      problem_.gradient(s.x, s.g);
      s.x -= lr * (s.g + amp * s.xi);
      x.col(p) = s.x.array();
    }
  }

  /// ξ for run p at step k (exposed for the covariance tests).
  void draw(const NoiseFactor& nf, std::uint32_t p, long k, Scratch& s) const {
    const Index r = nf.factor.size() > 0 ? nf.factor.cols() : nf.scale.size();
    s.z.resize(r);
    for (Index q = 0; 2 * q < r; ++q) {
      const auto z = rng_.normal_pair(p, static_cast<std::uint64_t>(k),
                                      CounterRng::slot(Purpose::increment, static_cast<std::uint32_t>(q)));
      s.z[2 * q] = z[0];
      if (2 * q + 1 < r) s.z[2 * q + 1] = z[1];
    }
    if (nf.factor.size() > 0)
      s.xi.noalias() = nf.factor * s.z;
    else
      s.xi = nf.scale.cwiseProduct(s.z);
  }

  [[nodiscard]] double time(long k) const { return sde_time(schedule_, k) / l_; }
  [[nodiscard]] double noise_factor() const { return noise_factor_; }
  [[nodiscard]] const F& problem() const { return problem_; }
  [[nodiscard]] NoiseShape shape() const { return shape_; }
  [[nodiscard]] Index rank() const { return k_; }

 private:
  F problem_;
  S schedule_;
  NoiseShape shape_;
  double l_;
  long refresh_;
  Index k_;
  CounterRng rng_;
  double noise_factor_ = 0;
  std::vector<NoiseFactor> factors_;
};

}  // namespace sgdsde
