#include <doctest/doctest.h>

#include <utility>  // before odeint: check_adapter.hpp uses std::pair without including it

#include <boost/numeric/odeint/integrate/integrate_const.hpp>
#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>
#include <boost/ref.hpp>
#include <cmath>
#include <utility>
#include <vector>

#include "sgdsde/sde/brownian_path.hpp"
#include "sgdsde/sde/noise_source.hpp"
#include "sgdsde/sde/problem.hpp"
#include "sgdsde/sde/steppers/euler_maruyama.hpp"
#include "sgdsde/sde/steppers/leimkuhler_matthews.hpp"
#include "sgdsde/sde/steppers/milstein.hpp"

using namespace sgdsde;
namespace odeint = boost::numeric::odeint;

namespace {
// Geometric Brownian motion dX = μX dt + σX dW (diagonal noise).
auto gbm(double mu, double sigma) {
  return make_sde(
      1, 1, NoiseKind::diagonal, [mu](const Vec& x, double, Vec& b) { b = mu * x; },
      [sigma](const Vec& x, double, Mat& G) { G = sigma * x; },
      [sigma](const Vec& x, double, Vec& dg) { dg = Vec::Constant(x.size(), sigma); });
}
// Ornstein–Uhlenbeck dX = −hX dt + s dW (additive).
auto ou(double h, double s) {
  return make_sde(
      1, 1, NoiseKind::additive, [h](const Vec& x, double, Vec& b) { b = -h * x; },
      [s](const Vec&, double, Mat& G) { G = Mat::Constant(1, 1, s); });
}
}  // namespace

TEST_CASE("steppers model odeint's Stepper concept and declare their orders") {
  using EM = EulerMaruyama<GaussianIncrements>;
  static_assert(std::is_same_v<EM::stepper_category, odeint::stepper_tag>);
  static_assert(std::is_same_v<EM::state_type, Vec>);
  CHECK(EM::strong_order == 0.5);
  CHECK(EM::strong_order_for(NoiseKind::additive) == 1.0);
  CHECK(EM::weak_order == 1.0);
  CHECK(Milstein<GaussianIncrements>::strong_order == 1.0);
  CHECK(LeimkuhlerMatthews<GaussianIncrements>::stationary_order == 2.0);
  CHECK_FALSE(Milstein<GaussianIncrements>::supports(NoiseKind::general));
  CHECK_FALSE(LeimkuhlerMatthews<GaussianIncrements>::supports(NoiseKind::diagonal));
}

TEST_CASE("odeint's integrate_n_steps drives Euler-Maruyama; the result equals a hand loop") {
  const CounterRng rng(11);
  const auto sys = ou(2.0, 0.5);
  const double dt = 0.01, t0 = 0.5;
  auto em = make_euler_maruyama(GaussianIncrements(rng, 1, 3, t0));
  Vec x = Vec::Constant(1, 1.0);
  std::vector<double> times;
  const double t_end = odeint::integrate_n_steps(boost::ref(em), sys, x, t0, dt, 100,
                                                 [&](const Vec&, double t) { times.push_back(t); });
  REQUIRE(times.size() == 101);
  CHECK(times[37] == t0 + 37 * dt);  // t0 + k dt, never accumulated
  CHECK(t_end == doctest::Approx(t0 + 1.0));
  // Hand loop with the same increments: X += −2X dt + 0.5 dW_k.
  const GaussianIncrements noise(rng, 1, 3, t0);
  double y = 1.0;
  Vec dW;
  for (int k = 0; k < 100; ++k) {
    noise.increment(t0 + k * dt, dt, dW);
    y = y + dt * (-2.0 * y) + 0.5 * dW[0];
  }
  CHECK(x[0] == doctest::Approx(y).epsilon(1e-13));
  // By value (a copy of the stepper): the noise is queried by time, so the same path.
  Vec x2 = Vec::Constant(1, 1.0);
  odeint::integrate_const(em, sys, x2, t0, t0 + 1.0, dt);
  CHECK(x2[0] == doctest::Approx(x[0]).epsilon(1e-12));
}

TEST_CASE("odeint's stochastic_euler style: the system as a std::pair of callables") {
  const CounterRng rng(5);
  auto drift = [](const Vec& x, Vec& b, double) { b = -x; };
  auto diff = [](const Vec& x, Vec& g, double) { g = Vec::Constant(x.size(), 0.3); };
  auto em = make_euler_maruyama(GaussianIncrements(rng, 2));
  Vec x = Vec::Ones(2);
  odeint::integrate_n_steps(boost::ref(em), std::make_pair(drift, diff), x, 0.0, 0.01, 10,
                            [](const Vec&, double) {});
  CHECK(x.allFinite());
  CHECK(x[0] != x[1]);  // independent noises per coordinate
}

TEST_CASE("Brownian path: coarse increments are sums of fine ones; refinement keeps the path") {
  const BrownianPath path(CounterRng(3), 7, 0.0, 1.0, 8, 2);
  CHECK(path.steps() == 256);
  Vec a, b, c;
  path.increment(0.25, 0.25, a);
  double s0 = 0.0;
  for (Index i = 64; i < 128; ++i) s0 += path.fine(0, i);
  CHECK(a[0] == s0);
  path.increment(0.25, 0.125, b);
  path.increment(0.375, 0.125, c);
  CHECK((b + c - a).cwiseAbs().maxCoeff() < 1e-14);
  CHECK_THROWS_AS(path.increment(0.001, 0.25, a), InputError);
  const BrownianPath fine = path.refined();
  CHECK(fine.steps() == 512);
  for (Index i = 0; i < 256; i += 17)
    CHECK(fine.fine(1, 2 * i) + fine.fine(1, 2 * i + 1) == doctest::Approx(path.fine(1, i)).epsilon(1e-14));
  CHECK(fine.value(1.0)[0] == doctest::Approx(path.value(1.0)[0]).epsilon(1e-12));
  // Refined halves are not copies of the parent: their difference has variance h/2 (not 0).
  double v = 0.0;
  for (Index i = 0; i < 256; ++i) v += std::pow(fine.fine(0, 2 * i) - fine.fine(0, 2 * i + 1), 2);
  v /= 256.0;
  CHECK(v == doctest::Approx(path.h()).epsilon(0.3));  // Var(a − b) = 4 · h/4 = h
  // Increments have variance h.
  double w = 0.0;
  for (Index i = 0; i < 256; ++i) w += path.fine(0, i) * path.fine(0, i);
  CHECK(w / 256.0 == doctest::Approx(path.h()).epsilon(0.3));
}

TEST_CASE("Milstein: analytic and derivative-free corrections agree; additive noise is Euler-Maruyama") {
  const BrownianPath path(CounterRng(9), 0, 0.0, 1.0, 10);
  const auto sys = gbm(1.0, 0.8);
  auto free_sys = make_sde(
      1, 1, NoiseKind::diagonal, [](const Vec& x, double, Vec& b) { b = 1.0 * x; },
      [](const Vec& x, double, Mat& G) { G = 0.8 * x; });
  static_assert(HasDiffusionDerivative<decltype(sys)>);
  static_assert(!HasDiffusionDerivative<decltype(free_sys)>);
  auto m1 = make_milstein(BrownianPathView(path));
  auto m2 = make_milstein(BrownianPathView(path));
  Vec x1 = Vec::Ones(1), x2 = Vec::Ones(1);
  const double dt = 1.0 / 1024;
  odeint::integrate_n_steps(boost::ref(m1), sys, x1, 0.0, dt, 1024, [](const Vec&, double) {});
  odeint::integrate_n_steps(boost::ref(m2), free_sys, x2, 0.0, dt, 1024, [](const Vec&, double) {});
  // Exact: exp((μ − σ²/2) + σ W(1)).
  const double exact = std::exp((1.0 - 0.32) + 0.8 * path.value(1.0)[0]);
  CHECK(std::abs(x1[0] - exact) < 0.05 * exact);
  CHECK(std::abs(x2[0] - x1[0]) < 0.02 * exact);
  // Additive noise: Milstein equals Euler-Maruyama.
  const auto o = ou(1.0, 0.5);
  auto mi = make_milstein(BrownianPathView(path));
  auto em = make_euler_maruyama(BrownianPathView(path));
  Vec y1 = Vec::Ones(1), y2 = Vec::Ones(1);
  for (int k = 0; k < 100; ++k) {
    mi.do_step(o, y1, k * dt, dt);
    em.do_step(o, y2, k * dt, dt);
  }
  CHECK(y1[0] == y2[0]);
  // General noise is refused.
  auto gen = make_sde(
      1, 1, NoiseKind::general, [](const Vec& x, double, Vec& b) { b = x; },
      [](const Vec& x, double, Mat& G) { G = x; });
  CHECK_THROWS_AS(mi.do_step(gen, y1, 0.0, dt), InputError);
}

TEST_CASE("Leimkuhler-Matthews uses the mean of two consecutive increments") {
  const CounterRng rng(4);
  const auto o = ou(3.0, 0.7);
  const GaussianIncrements noise(rng, 1);
  auto lm = make_leimkuhler_matthews(noise);
  Vec x = Vec::Constant(1, 0.2);
  const double dt = 0.05;
  double y = 0.2;
  Vec a, b;
  for (int k = 0; k < 20; ++k) {
    lm.do_step(o, x, k * dt, dt);
    noise.increment(k * dt, dt, a);
    noise.increment((k + 1) * dt, dt, b);
    y = y - 3.0 * y * dt + 0.7 * 0.5 * (a[0] + b[0]);
  }
  CHECK(x[0] == doctest::Approx(y).epsilon(1e-13));
  const auto g = gbm(1.0, 1.0);
  CHECK_THROWS_AS(lm.do_step(g, x, 0.0, dt), InputError);
}
