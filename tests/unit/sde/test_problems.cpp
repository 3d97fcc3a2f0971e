#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/sde/gradient_flow.hpp"
#include "sgdsde/sde/langevin.hpp"
#include "sgdsde/sde/sme.hpp"

using namespace sgdsde;

TEST_CASE("Langevin: drift -grad L, additive diffusion sqrt(2T) I, schedule temperature") {
  const auto p = langevin(Quadratic::isotropic(3, 2.0), 0.125);
  static_assert(SdeProblem<decltype(p)>);
  CHECK(p.noise_kind() == NoiseKind::additive);
  Vec x = Vec::Constant(3, 1.5), b;
  Mat G;
  p.drift(x, 0.0, b);
  CHECK(b[1] == -3.0);
  p.diffusion(x, 0.0, G);
  CHECK(G(2, 2) == doctest::Approx(0.5));
  CHECK(G(0, 1) == 0.0);
  // T(t) = η(t) σ²/(2B): η = 0.1 for 10 steps then 0.05; σ² = 4, B = 2.
  const ScheduleTemperature Ts([](long k) { return k < 10 ? 0.1 : 0.05; }, 20, 4.0, 2.0);
  CHECK(Ts.time_of_step(10) == doctest::Approx(1.0));
  CHECK(Ts(0.5) == doctest::Approx(0.1));
  CHECK(Ts(1.2) == doctest::Approx(0.05));
  const auto pa = langevin(DoubleWell(), Ts);
  pa.diffusion(Vec::Zero(1), 1.2, G);
  CHECK(G(0, 0) == doctest::Approx(std::sqrt(0.1)));
}

TEST_CASE("SME: G G^T = eta Sigma_B (Cholesky or symmetric root); second-order drift") {
  Mat H(2, 2);
  H << 2.0, 0.5, 0.5, 1.0;
  const Quadratic q(H);
  Mat S(2, 2);
  S << 1.0, 0.3, 0.3, 0.5;
  const double eta = 0.1;
  const auto p1 = sme(
      q, [S](const Vec&) { return S; }, eta);
  static_assert(SdeProblem<decltype(p1)>);
  Vec x(2), b;
  x << 1.0, -1.0;
  Mat G;
  p1.diffusion(x, 0.0, G);
  CHECK((G * G.transpose() - eta * S).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(G(0, 1) == 0.0);  // Cholesky: lower triangular
  // Semi-definite: rank one.
  Vec v(2);
  v << 1.0, 2.0;
  const Mat R = v * v.transpose();
  const auto p0 = sme(
      q, [R](const Vec&) { return R; }, eta);
  p0.diffusion(x, 0.0, G);
  CHECK((G * G.transpose() - eta * R).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((G - G.transpose()).cwiseAbs().maxCoeff() < 1e-12);  // the symmetric root
  // Drifts.
  p1.drift(x, 0.0, b);
  CHECK((b + H * x).cwiseAbs().maxCoeff() < 1e-14);
  const auto p2 = sme(
      q, [S](const Vec&) { return S; }, eta, SmeOrder::second);
  p2.drift(x, 0.0, b);
  const Vec expect = -(Mat::Identity(2, 2) + 0.5 * eta * H) * (H * x);
  CHECK((b - expect).cwiseAbs().maxCoeff() < 1e-14);
  // Not positive semi-definite: refused.
  Mat N(2, 2);
  N << 1.0, 0.0, 0.0, -1.0;
  CHECK_THROWS_AS(covariance_sqrt(N), InputError);
}

TEST_CASE("gradient flow with dopri5 dense output matches the exact quadratic flow") {
  const Quadratic q = Quadratic::diagonal((Vec(2) << 1.0, 4.0).finished());
  const Vec x0 = (Vec(2) << 1.0, -2.0).finished();
  std::vector<double> times;
  for (int i = 0; i <= 20; ++i) times.push_back(0.1 * i);
  const auto r = gradient_flow(q, x0, times);
  for (std::size_t i = 0; i < times.size(); ++i) {
    CHECK(r.states(0, static_cast<Index>(i)) == doctest::Approx(std::exp(-times[i])).epsilon(1e-8));
    CHECK(r.states(1, static_cast<Index>(i)) ==
          doctest::Approx(-2.0 * std::exp(-4.0 * times[i])).epsilon(1e-7));
  }
  CHECK(r.steps > 0);
  // Double well from 0.1 flows to the minimum at 1.
  const auto d = gradient_flow(DoubleWell(), Vec::Constant(1, 0.1), {0.0, 10.0});
  CHECK(d.states(0, 1) == doctest::Approx(1.0).epsilon(1e-8));
}
