// Xie et al.'s escape time (stats/theory/xie_escape.hpp): Kramers' time at the diffusion of the minimum;
// within its accuracy where D is constant, outside it where label noise makes D fall towards the barrier.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/landscapes/flat_sharp_wells.hpp"
#include "sgdsde/stats/theory/kramers.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"
#include "sgdsde/stats/theory/xie_escape.hpp"

using namespace sgdsde;
using namespace sgdsde::theory;

TEST_CASE("xie_escape_time: 1/(Kramers rate) at T = D(m); without prefactor e^{dL/D}") {
  const auto x = xie_escape_time(8.0, -4.0, 1.0, 0.1);
  CHECK(x.tau == doctest::Approx(1.0 / kramers_rate_1d(8.0, -4.0, 1.0, 0.1)).epsilon(1e-12));
  CHECK(x.exponent == doctest::Approx(10.0));
  CHECK(x.accuracy == doctest::Approx(0.1));
  CHECK(xie_escape_time(8.0, -4.0, 1.0, 0.1, false).log_tau == doctest::Approx(10.0));
  CHECK_THROWS(xie_escape_time(8.0, 4.0, 1.0, 0.1));
  CHECK_THROWS(xie_escape_time(8.0, -4.0, 1.0, 0.0));
}

TEST_CASE("xie_escape_holds: constant D deep in the activated regime, not label noise with a floor") {
  // double well w^4 - 2w^2 at T = 1/12: quadrature / Kramers = 1 + 3/8 T + ... (within T/dL)
  const auto lp = [](double w) { return 4.0 * w * w * w - 4.0 * w; };
  MfptOptions mo;
  mo.left = -3.0;
  const double T = 1.0 / 12.0;
  const auto q = mean_first_passage_time_langevin(lp, T, -1.0, 1.0, mo);
  CHECK(xie_escape_holds(xie_escape_time(8.0, -4.0, 1.0, T), q.log_tau));
  // flat/sharp wells, D = eta (sigma^2 f'^2 + floor^2)/(2B) (flat_vs_sharp's activated regime): D falls to
  // the floor at the barrier, so the exact exponent Phi exceeds Delta L/D(m) and the formula misses by more
  // than its accuracy, most in the sharp well
  const FlatSharpWells w(4.0);
  const double eta = 0.02, B = 5.0, s = 1.3, sf = 6.5;
  const auto D = [&](double x) {
    const double fp = w.residual_derivative1(x);
    return eta / (2.0 * B) * (s * s * fp * fp + sf * sf);
  };
  const auto lw = [&](double x) { return w.derivative1(x); };
  mo.left = w.box().lo[0];
  const auto qf = mean_first_passage_time(lw, D, -1.0, 1.0, mo);
  const double wb = w.barrier_location(), dL = w.barrier_height(), Hb = w.second1(wb);
  const auto xf = xie_escape_time(w.second1(-1.0), Hb, dL, D(-1.0));
  CHECK(dL / D(-1.0) >= 5.0);
  CHECK_FALSE(xie_escape_holds(xf, qf.log_tau));
  CHECK(qf.log_tau > xf.log_tau);
}
