#pragma once
// What the SDE steppers share: odeint's Stepper typedefs, and the adapter that lets a stepper's
// do_step(system, x, t, dt) take either an SdeProblem or, as in odeint's stochastic_euler example,
// a std::pair (drift, diffusion) of callables f(x, b, t) / g(x, gdiag, t) (diagonal noise).
#include <boost/numeric/odeint/stepper/stepper_categories.hpp>
#include <utility>

#include "sgdsde/sde/problem.hpp"

namespace sgdsde::detail {

/// The typedefs of odeint's Stepper concept, for Eigen vector states.
struct SdeStepperTypes {
  using state_type = Vec;
  using deriv_type = Vec;
  using value_type = double;
  using time_type = double;
  using order_type = unsigned short;
  using stepper_category = boost::numeric::odeint::stepper_tag;
};

template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

/// Calls a callable as f(x, out, t) (odeint order) or, failing that, f(x, out).
template <class F>
void call_odeint_style(const F& f, const Vec& x, Vec& out, double t) {
  if constexpr (requires { f(x, out, t); }) {
    f(x, out, t);
  } else {
    f(x, out);
  }
}

/// Uniform access to a system: an SdeProblem, or a pair of odeint-style callables (diagonal noise).
template <class System>
struct SystemAccess {
  static NoiseKind kind(const System& s) {
    if constexpr (is_pair<System>::value) {
      (void)s;
      return NoiseKind::diagonal;
    } else {
      return s.noise_kind();
    }
  }
  static void drift(const System& s, const Vec& x, double t, Vec& b) {
    if constexpr (is_pair<System>::value) {
      b.resize(x.size());
      call_odeint_style(s.first, x, b, t);
    } else {
      s.drift(x, t, b);
    }
  }
  static void diffusion(const System& s, const Vec& x, double t, Mat& G) {
    if constexpr (is_pair<System>::value) {
      Vec g(x.size());
      call_odeint_style(s.second, x, g, t);
      G = g;
    } else {
      s.diffusion(x, t, G);
    }
  }
};

}  // namespace sgdsde::detail
