#pragma once
// Milstein for diagonal (or scalar, d = 1) noise, Itô:
//   X_{n+1,i} = X_{n,i} + b_i dt + g_i ΔW_i + ½ g_i ∂_i g_i (ΔW_i² − dt).
// ∂_i g_i comes from the problem's diffusion_derivative() when it has one, otherwise from the
// derivative-free (Runge–Kutta) form of Kloeden–Platen: ϒ = X + b dt + g sqrt(dt),
// ½ g_i ∂_i g_i ≈ (g_i(ϒ) − g_i(X)) / (2 sqrt(dt)). Strong order 1, weak order 1.
// Additive noise: the correction vanishes and Milstein is Euler–Maruyama.
#include <cmath>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/sde/noise_source.hpp"
#include "sgdsde/sde/steppers/stepper_traits.hpp"

namespace sgdsde {

template <class Noise>
class Milstein : public detail::SdeStepperTypes {
 public:
  static constexpr double strong_order = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr const char* name = "milstein";
  static order_type order() { return 1; }
  static bool supports(NoiseKind k) { return k != NoiseKind::general; }

  explicit Milstein(Noise noise) : noise_(std::move(noise)) {}
  [[nodiscard]] const Noise& noise() const { return noise_; }

  template <class System>
  void do_step(const System& sys, Vec& x, double t, double dt) {
    using A = detail::SystemAccess<System>;
    const NoiseKind kind = A::kind(sys);
    require(supports(kind) && (kind != NoiseKind::scalar || x.size() == 1),
            "milstein: needs diagonal, additive or one-dimensional scalar noise");
    A::drift(sys, x, t, b_);
    A::diffusion(sys, x, t, G_);
    noise_.increment(t, dt, dW_);
    if (kind == NoiseKind::additive) {
      apply_diffusion(kind, G_, dW_, gdw_);
      x += dt * b_ + gdw_;
      return;
    }
    const auto g = G_.col(0);
    if constexpr (HasDiffusionDerivative<System>) {
      sys.diffusion_derivative(x, t, dg_);
      corr_ = 0.5 * g.cwiseProduct(dg_);
    } else {
      const double sq = std::sqrt(dt);
      y_ = x + dt * b_ + sq * Vec(g);
      A::diffusion(sys, y_, t, Gy_);
      corr_ = (Gy_.col(0) - g) / (2.0 * sq);
    }
    x += dt * b_ + g.cwiseProduct(dW_) + corr_.cwiseProduct((dW_.array().square() - dt).matrix());
  }

 private:
  Noise noise_;
  Vec b_, dW_, gdw_, dg_, corr_, y_;
  Mat G_, Gy_;
};

template <class Noise>
Milstein<Noise> make_milstein(Noise noise) {
  return Milstein<Noise>(std::move(noise));
}

}  // namespace sgdsde
