// Strong orders by least-squares slope of log E|X_N − X(T)| against log dt over six dt halvings,
// every step size on the same refined Brownian paths (coarse increments = sums of fine ones).
#include <doctest/doctest.h>

#include <utility>

#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>
#include <boost/ref.hpp>
#include <cmath>
#include <cstdio>
#include <vector>

#include "sgdsde/sde/brownian_path.hpp"
#include "sgdsde/sde/problem.hpp"
#include "sgdsde/sde/steppers/euler_maruyama.hpp"
#include "sgdsde/sde/steppers/milstein.hpp"
#include "sgdsde/stats/linear_fit.hpp"

using namespace sgdsde;
namespace odeint = boost::numeric::odeint;

namespace {
constexpr int kFinest = 15;                        // paths of 2^15 increments on [0, 1]
constexpr int kLevels[] = {4, 5, 6, 7, 8, 9, 10};  // dt = 2^-4 … 2^-10: six halvings
constexpr int kPaths = 1000;

template <class MakeStepper, class System, class Reference>
std::vector<double> strong_errors(const char* name, MakeStepper make, const System& sys, Reference ref,
                                  double x0) {
  std::vector<double> err(std::size(kLevels), 0.0);
  for (int w = 0; w < kPaths; ++w) {
    const BrownianPath path(CounterRng(123), static_cast<std::uint32_t>(w), 0.0, 1.0, kFinest);
    const double exact = ref(path);
    for (std::size_t l = 0; l < std::size(kLevels); ++l) {
      const std::size_t n = std::size_t{1} << kLevels[l];
      auto stepper = make(BrownianPathView(path));
      Vec x = Vec::Constant(1, x0);
      odeint::integrate_n_steps(boost::ref(stepper), sys, x, 0.0, 1.0 / static_cast<double>(n), n,
                                [](const Vec&, double) {});
      err[l] += std::abs(x[0] - exact);
    }
  }
  std::vector<double> dts;
  for (double& e : err) e /= kPaths;
  for (int l : kLevels) dts.push_back(std::ldexp(1.0, -l));
  const auto fit = stats::fit_loglog(dts, err);
  std::printf("%s: errors", name);
  for (double e : err) std::printf(" %.3e", e);
  std::printf("  slope %.3f ± %.3f\n", fit.b, fit.se_b);
  return {fit.b, fit.se_b};
}

// Geometric Brownian motion dX = μX dt + σX dW, X(1) = x0 exp((μ − σ²/2) + σ W(1)).
constexpr double mu = 2.0, sigma = 1.0;
auto gbm() {
  return make_sde(
      1, 1, NoiseKind::diagonal, [](const Vec& x, double, Vec& b) { b = mu * x; },
      [](const Vec& x, double, Mat& G) { G = sigma * x; },
      [](const Vec& x, double, Vec& dg) { dg = Vec::Constant(x.size(), sigma); });
}
double gbm_exact(const BrownianPath& p) {
  return std::exp((mu - 0.5 * sigma * sigma) + sigma * p.value(1.0)[0]);
}
}  // namespace

TEST_CASE("strong order: Euler-Maruyama 0.5 on geometric Brownian motion") {
  const auto r = strong_errors(
      "EM, GBM", [](auto n) { return make_euler_maruyama(n); }, gbm(), gbm_exact, 1.0);
  CHECK(std::abs(r[0] - 0.5) <= 0.1);
}

TEST_CASE("strong order: Milstein 1.0 on geometric Brownian motion") {
  const auto r = strong_errors(
      "Milstein, GBM", [](auto n) { return make_milstein(n); }, gbm(), gbm_exact, 1.0);
  CHECK(std::abs(r[0] - 1.0) <= 0.1);
}

TEST_CASE("strong order: Euler-Maruyama 1.0 with additive noise") {
  // dX = (sin X − X) dt + dW: no closed form, reference = EM on the finest grid (2^-15, 32× finer
  // than the finest tested step, so its own error is ~3% of the smallest measured one).
  const auto sys = make_sde(
      1, 1, NoiseKind::additive, [](const Vec& x, double, Vec& b) { b = x.array().sin().matrix() - x; },
      [](const Vec&, double, Mat& G) { G = Mat::Constant(1, 1, 1.0); });
  auto reference = [](const BrownianPath& p) {
    double x = 0.5;
    const double h = p.h();
    for (Index i = 0; i < p.steps(); ++i) x = x + h * (std::sin(x) - x) + p.fine(0, i);
    return x;
  };
  const auto r = strong_errors(
      "EM, additive", [](auto n) { return make_euler_maruyama(n); }, sys, reference, 0.5);
  CHECK(std::abs(r[0] - 1.0) <= 0.1);
}
