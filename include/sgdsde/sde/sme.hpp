#pragma once
// Stochastic modified equations of SGD (Li–Tai–E; THEORY §2), time t = kη:
//   first order:  dΘ = −∇L dt + (η Σ_B(Θ))^{1/2} dW;
//   second order: dΘ = −(I + (η/2) H)∇L dt + (η Σ_B(Θ))^{1/2} dW   (= −∇(L + (η/4)|∇L|²)).
// Σ_B comes from a callable Vec → Mat (the minimal interface) or from a FiniteSum noise model
// with a sampling mode (Σ_B = c · Σ₁/B, noise/sampling.hpp). The square root is the Cholesky
// factor when Σ_B is positive definite and the symmetric square root (negative rounding-level
// eigenvalues clamped to 0) when it is only semi-definite. Noise kind: general (d × d).
#include <cmath>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/noise/finite_sum.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/sde/problem.hpp"

namespace sgdsde {

/// S^{1/2} with S^{1/2} S^{1/2 T} = S: Cholesky, or the symmetric root if S is only semi-definite.
Mat covariance_sqrt(const Mat& S);

enum class SmeOrder { first = 1, second = 2 };

/// SME with Σ_B(θ) from a callable `sigma_b(const Vec&) -> Mat`.
template <Landscape L, class SigmaB>
class SmeProblem {
 public:
  SmeProblem(L landscape, SigmaB sigma_b, double eta, SmeOrder order)
      : landscape_(std::move(landscape)), sigma_b_(std::move(sigma_b)), eta_(eta), order_(order) {
    require(eta > 0.0 && std::isfinite(eta), "sme: eta must be positive");
  }
  [[nodiscard]] Index dim() const { return landscape_.dim(); }
  [[nodiscard]] Index noise_dim() const { return landscape_.dim(); }
  [[nodiscard]] NoiseKind noise_kind() const { return NoiseKind::general; }
  [[nodiscard]] double eta() const { return eta_; }
  [[nodiscard]] SmeOrder order() const { return order_; }
  [[nodiscard]] const L& landscape() const { return landscape_; }
  [[nodiscard]] Mat sigma_b(const Vec& x) const { return sigma_b_(x); }

  void drift(const Vec& x, double /*t*/, Vec& b) const {
    landscape_.gradient(x, b);
    if (order_ == SmeOrder::second) {
      Mat H;
      landscape_.hessian(x, H);
      const Vec g = b;
      b.noalias() += (0.5 * eta_) * (H * g);
    }
    b = -b;
  }
  void diffusion(const Vec& x, double /*t*/, Mat& G) const { G = covariance_sqrt(eta_ * sigma_b_(x)); }

 private:
  L landscape_;
  SigmaB sigma_b_;
  double eta_;
  SmeOrder order_;
};

template <Landscape L, class SigmaB>
requires std::invocable<const SigmaB&, const Vec&> SmeProblem<L, SigmaB> sme(
    L landscape, SigmaB sigma_b, double eta, SmeOrder order = SmeOrder::first) {
  return {std::move(landscape), std::move(sigma_b), eta, order};
}

/// Σ_B(θ) = c · Σ₁(θ)/B of a FiniteSum noise model for batch size B and a sampling mode.
template <FiniteSum F>
struct FiniteSumBatchCovariance {
  F f;
  Index B;
  Sampling mode;
  [[nodiscard]] Mat operator()(const Vec& x) const {
    return batch_covariance(f.per_sample_covariance(x), f.num_samples(), B, mode);
  }
};

/// The SME of minibatch SGD on a finite sum: learning rate η, batch B, sampling mode.
template <FiniteSum F>
SmeProblem<F, FiniteSumBatchCovariance<F>> sme(const F& f, double eta, Index B, Sampling mode,
                                               SmeOrder order = SmeOrder::first) {
  require(B >= 1 && B <= f.num_samples(), "sme: need 1 <= B <= N");
  return {f, FiniteSumBatchCovariance<F>{f, B, mode}, eta, order};
}

}  // namespace sgdsde
