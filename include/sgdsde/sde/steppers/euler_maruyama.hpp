#pragma once
// Euler–Maruyama: X_{n+1} = X_n + b(X_n, t_n) dt + G(X_n, t_n) ΔW_n, ΔW_n from the noise source.
// Strong order 0.5 (1.0 for additive noise), weak order 1. Any noise kind.
// Models odeint's Stepper concept, so integrate_n_steps / integrate_const drive it (pass it with
// boost::ref or by value: the noise source is queried by time, so copies give the same path).
#include "sgdsde/sde/noise_source.hpp"
#include "sgdsde/sde/steppers/stepper_traits.hpp"

namespace sgdsde {

template <class Noise>
class EulerMaruyama : public detail::SdeStepperTypes {
 public:
  static constexpr double strong_order = 0.5;
  static constexpr double strong_order_additive = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr const char* name = "euler_maruyama";
  static order_type order() { return 1; }
  static bool supports(NoiseKind) { return true; }
  static double strong_order_for(NoiseKind k) {
    return k == NoiseKind::additive ? strong_order_additive : strong_order;
  }

  explicit EulerMaruyama(Noise noise) : noise_(std::move(noise)) {}
  [[nodiscard]] const Noise& noise() const { return noise_; }

  template <class System>
  void do_step(const System& sys, Vec& x, double t, double dt) {
    using A = detail::SystemAccess<System>;
    A::drift(sys, x, t, b_);
    A::diffusion(sys, x, t, G_);
    noise_.increment(t, dt, dW_);
    apply_diffusion(A::kind(sys), G_, dW_, gdw_);
    x += dt * b_ + gdw_;
  }

 private:
  Noise noise_;
  Vec b_, dW_, gdw_;
  Mat G_;
};

template <class Noise>
EulerMaruyama<Noise> make_euler_maruyama(Noise noise) {
  return EulerMaruyama<Noise>(std::move(noise));
}

}  // namespace sgdsde
