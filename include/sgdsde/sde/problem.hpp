#pragma once
// An SDE problem dΘ = b(Θ, t) dt + G(Θ, t) dW (Itô), W an m-dimensional Brownian motion, with the
// kind of its noise declared (DifferentialEquations.jl / torchsde style), so that steppers can say
// which noise they support:
//   scalar    m = 1, G is a d-vector                 (diffusion writes a d × 1 matrix);
//   diagonal  m = d, G = diag(g), g_i = g_i(Θ_i, t)  (diffusion writes g as a d × 1 matrix);
//   additive  G = G(t) does not depend on Θ, d × m   (any shape);
//   general   G(Θ, t), d × m.
// Drift and diffusion are pure functions: they never draw random numbers (the stepper takes its
// increments from a noise source, sde/noise_source.hpp).
#include <concepts>
#include <utility>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

enum class NoiseKind { scalar, diagonal, additive, general };

inline const char* to_string(NoiseKind k) {
  switch (k) {
    case NoiseKind::scalar: return "scalar";
    case NoiseKind::diagonal: return "diagonal";
    case NoiseKind::additive: return "additive";
    case NoiseKind::general: return "general";
  }
  return "?";
}

/// What every SDE stepper consumes.
template <class P>
concept SdeProblem = requires(const P& p, const Vec& x, double t, Vec& b, Mat& G) {
  { p.dim() } -> std::convertible_to<Index>;        ///< d
  { p.noise_dim() } -> std::convertible_to<Index>;  ///< m (the number of Brownian motions)
  { p.noise_kind() } -> std::convertible_to<NoiseKind>;
  p.drift(x, t, b);      ///< b ← b(x, t), size d
  p.diffusion(x, t, G);  ///< G ← G(x, t): d × m, or d × 1 (the diagonal) for scalar / diagonal noise
};

/// Diagonal noise problems may give ∂g_i/∂x_i (Milstein); otherwise Milstein differentiates numerically.
template <class P>
concept HasDiffusionDerivative = requires(const P& p, const Vec& x, double t, Vec& dg) {
  p.diffusion_derivative(x, t, dg);
};

/// out ← G dW for the problem's noise kind (G as written by diffusion()).
inline void apply_diffusion(NoiseKind kind, const Mat& G, const Vec& dW, Vec& out) {
  switch (kind) {
    case NoiseKind::scalar: out = G.col(0) * dW[0]; break;
    case NoiseKind::diagonal: out = G.col(0).cwiseProduct(dW); break;
    case NoiseKind::additive:
    case NoiseKind::general: out.noalias() = G * dW; break;
  }
}

/// An SDE problem from two callables: drift(x, t, b) and diffusion(x, t, G) (see the table above).
/// An optional third callable gives ∂g_i/∂x_i for diagonal noise (Milstein).
template <class Drift, class Diffusion>
class Sde {
 public:
  Sde(Index d, Index m, NoiseKind kind, Drift drift, Diffusion diffusion)
      : d_(d), m_(m), kind_(kind), drift_(std::move(drift)), diffusion_(std::move(diffusion)) {
    require(d >= 1 && m >= 1, "sde: dimensions must be positive");
    require(kind != NoiseKind::scalar || m == 1, "sde: scalar noise has m = 1");
    require(kind != NoiseKind::diagonal || m == d, "sde: diagonal noise has m = d");
  }
  [[nodiscard]] Index dim() const { return d_; }
  [[nodiscard]] Index noise_dim() const { return m_; }
  [[nodiscard]] NoiseKind noise_kind() const { return kind_; }
  void drift(const Vec& x, double t, Vec& b) const { drift_(x, t, b); }
  void diffusion(const Vec& x, double t, Mat& G) const { diffusion_(x, t, G); }

 private:
  Index d_, m_;
  NoiseKind kind_;
  Drift drift_;
  Diffusion diffusion_;
};

/// Sde with an analytic ∂g_i/∂x_i (diagonal or scalar noise).
template <class Drift, class Diffusion, class Derivative>
class SdeWithDerivative : public Sde<Drift, Diffusion> {
 public:
  SdeWithDerivative(Index d, Index m, NoiseKind kind, Drift drift, Diffusion diffusion, Derivative dg)
      : Sde<Drift, Diffusion>(d, m, kind, std::move(drift), std::move(diffusion)), dg_(std::move(dg)) {}
  void diffusion_derivative(const Vec& x, double t, Vec& dg) const { dg_(x, t, dg); }

 private:
  Derivative dg_;
};

template <class Drift, class Diffusion>
Sde<Drift, Diffusion> make_sde(Index d, Index m, NoiseKind kind, Drift drift, Diffusion diffusion) {
  return {d, m, kind, std::move(drift), std::move(diffusion)};
}
template <class Drift, class Diffusion, class Derivative>
SdeWithDerivative<Drift, Diffusion, Derivative> make_sde(Index d, Index m, NoiseKind kind, Drift drift,
                                                         Diffusion diffusion, Derivative dg) {
  return {d, m, kind, std::move(drift), std::move(diffusion), std::move(dg)};
}

}  // namespace sgdsde
