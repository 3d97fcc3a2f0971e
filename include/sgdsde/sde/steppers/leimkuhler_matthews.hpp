#pragma once
// Leimkuhler–Matthews (the "BAOAB limit" of overdamped Langevin) for additive noise:
//   X_{n+1} = X_n + b(X_n, t_n) dt + G (ΔW_n + ΔW_{n+1}) / 2,
// i.e. for Langevin θ_{n+1} = θ_n − ∇L(θ_n) dt + sqrt(2T dt)·(ξ_n + ξ_{n+1})/2. Each increment is
// used by two consecutive steps; since the noise source is queried by time, ΔW_{n+1} is simply the
// increment over [t + dt, t + 2dt] (a Brownian path must therefore extend one step beyond the end).
// Weak order 1 on trajectories, but the error of its stationary density is O(dt²) (Leimkuhler &
// Matthews 2013), against O(dt) for Euler–Maruyama. The output X_n approximates the SDE's law.
#include "sgdsde/core/errors.hpp"
#include "sgdsde/sde/noise_source.hpp"
#include "sgdsde/sde/steppers/stepper_traits.hpp"

namespace sgdsde {

template <class Noise>
class LeimkuhlerMatthews : public detail::SdeStepperTypes {
 public:
  static constexpr double strong_order = 0.5;
  static constexpr double weak_order = 1.0;
  static constexpr double stationary_order = 2.0;  ///< order of the invariant-measure error
  static constexpr const char* name = "leimkuhler_matthews";
  static order_type order() { return 1; }
  static bool supports(NoiseKind k) { return k == NoiseKind::additive; }

  explicit LeimkuhlerMatthews(Noise noise) : noise_(std::move(noise)) {}
  [[nodiscard]] const Noise& noise() const { return noise_; }

  template <class System>
  void do_step(const System& sys, Vec& x, double t, double dt) {
    using A = detail::SystemAccess<System>;
    require(supports(A::kind(sys)), "leimkuhler_matthews: needs additive noise");
    A::drift(sys, x, t, b_);
    A::diffusion(sys, x, t, G_);
    noise_.increment(t, dt, dW0_);
    noise_.increment(t + dt, dt, dW1_);
    dW0_ = 0.5 * (dW0_ + dW1_);
    apply_diffusion(NoiseKind::additive, G_, dW0_, gdw_);
    x += dt * b_ + gdw_;
  }

 private:
  Noise noise_;
  Vec b_, dW0_, dW1_, gdw_;
  Mat G_;
};

template <class Noise>
LeimkuhlerMatthews<Noise> make_leimkuhler_matthews(Noise noise) {
  return LeimkuhlerMatthews<Noise>(std::move(noise));
}

}  // namespace sgdsde
