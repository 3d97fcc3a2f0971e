#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "sgdsde/stats/theory/kramers.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"

using namespace sgdsde;
using namespace sgdsde::theory;

TEST_CASE("Gauss–Legendre rules integrate polynomials exactly") {
  for (int n : {1, 2, 5, 8, 16}) {
    const GaussLegendre g(n);
    double wsum = 0.0;
    for (double w : g.w) wsum += w;
    CHECK(wsum == doctest::Approx(1.0).epsilon(1e-14));
    const int deg = 2 * n - 1;
    CHECK(g.integrate([deg](double x) { return std::pow(x, deg); }, 0.0, 2.0) ==
          doctest::Approx(std::pow(2.0, deg + 1) / (deg + 1)).epsilon(1e-13));
  }
}

TEST_CASE("MFPT of free diffusion with a reflecting wall: (b − a)²/(2D)") {
  const double D = 0.7;
  MfptOptions opt;
  opt.left = -1.0;
  const MfptResult r =
      mean_first_passage_time([](double) { return 0.0; }, [D](double) { return D; }, -1.0, 2.0, opt);
  CHECK(r.tau == doctest::Approx(9.0 / (2.0 * D)).epsilon(1e-11));
  CHECK(r.rel_error < 1e-10);
  CHECK(r.left_weight == doctest::Approx(1.0));  // the wall matters: the integrand is flat
  // start inside: τ(a→b) = ((b − left)² − (a − left)²)/(2D)
  const MfptResult s =
      mean_first_passage_time([](double) { return 0.0; }, [D](double) { return D; }, 0.3, 2.0, opt);
  CHECK(s.tau == doctest::Approx((9.0 - 1.69) / (2.0 * D)).epsilon(1e-11));
}

TEST_CASE("MFPT against a constant force: (D/c²)(e^{c(b−a)/D} − 1) − (b − a)/c") {
  for (double c : {0.8, -0.8, 3.0}) {
    const double D = 0.5, a = 0.0, b = 1.5;
    MfptOptions opt;
    opt.left = a;
    const MfptResult r =
        mean_first_passage_time([c](double) { return c; }, [D](double) { return D; }, a, b, opt);
    const double exact = D / (c * c) * std::expm1(c * (b - a) / D) - (b - a) / c;
    CAPTURE(c);
    CHECK(r.tau == doctest::Approx(exact).epsilon(1e-10));
    // the same through the Langevin wrapper (D = T)
    CHECK(mean_first_passage_time_langevin([c](double) { return c; }, D, a, b, opt).tau ==
          doctest::Approx(exact).epsilon(1e-10));
    // mirror image: force −c pushing left, passage from −a to −b, wall at −a
    const MfptResult m = mean_first_passage_time_leftward([c](double) { return -c; },
                                                          [D](double) { return D; }, -a, -b, -a, opt);
    CHECK(m.tau == doctest::Approx(exact).epsilon(1e-10));
  }
}

TEST_CASE("MFPT with state-dependent diffusion D = 1 + x² and no force") {
  // τ = ∫_a^b (atan y − atan a) dy
  const double a = -0.5, b = 2.0;
  MfptOptions opt;
  opt.left = a;
  const MfptResult r =
      mean_first_passage_time([](double) { return 0.0; }, [](double x) { return 1.0 + x * x; }, a, b, opt);
  auto F = [](double y) { return y * std::atan(y) - 0.5 * std::log1p(y * y); };
  CHECK(r.tau == doctest::Approx(F(b) - F(a) - (b - a) * std::atan(a)).epsilon(1e-11));
}

TEST_CASE("double-well MFPT approaches Kramers as T → 0, with an O(T) relative correction") {
  auto lp = [](double w) { return 4.0 * w * (w * w - 1.0); };
  MfptOptions opt;
  opt.left = -3.0;
  double prev_saddle = 0.0, prev_min = 0.0;
  for (double T : {0.2, 0.1, 0.05, 0.025}) {
    const double k = kramers_rate_1d(8.0, -4.0, 1.0, T);
    CHECK(k == doctest::Approx(std::sqrt(32.0) / (2.0 * std::numbers::pi) * std::exp(-1.0 / T)));
    const MfptResult to_saddle = mean_first_passage_time_langevin(lp, T, -1.0, 0.0, opt);
    const MfptResult to_min = mean_first_passage_time_langevin(lp, T, -1.0, 1.0, opt);
    CHECK(to_saddle.left_weight < 1e-12);
    const double ds = std::abs(to_saddle.tau * k * 2.0 - 1.0), dm = std::abs(to_min.tau * k - 1.0);
    CAPTURE(T);
    CAPTURE(ds);
    CAPTURE(dm);
    CHECK(ds < 2.0 * T);  // O(T/ΔL) correction
    CHECK(dm < 2.0 * T);
    if (prev_saddle > 0) {
      // halving T roughly halves the relative difference
      CHECK(ds / prev_saddle == doctest::Approx(0.5).epsilon(0.25));
      CHECK(dm / prev_min == doctest::Approx(0.5).epsilon(0.25));
    }
    prev_saddle = ds;
    prev_min = dm;
    // passage to the other minimum ≈ to the saddle + from the saddle on: both about 1/(2k)
    CHECK(to_min.tau > to_saddle.tau);
  }
}

TEST_CASE("MFPT stays finite in log space at tiny T") {
  auto lp = [](double w) { return 4.0 * w * (w * w - 1.0); };
  MfptOptions opt;
  opt.left = -2.0;
  const double T = 1e-3;  // e^{1000}: τ overflows, log τ does not
  const MfptResult r = mean_first_passage_time_langevin(lp, T, -1.0, 1.0, opt);
  CHECK(std::isfinite(r.log_tau));
  CHECK(std::isinf(r.tau));
  const double log_kramers = -kramers_log_rate_1d(8.0, -4.0, 1.0, T);  // −log k: k itself underflows
  CHECK(kramers_rate_1d(8.0, -4.0, 1.0, T) == 0.0);
  CHECK(std::abs(r.log_tau - log_kramers) < 2.0 * T);
}

TEST_CASE("Eyring–Kramers reduces to 1-D Kramers for a separable landscape and is rotation invariant") {
  const double a = 3.0, T = 0.1;
  Mat Hm(2, 2), Hs(2, 2);
  Hm << 8.0, 0.0, 0.0, a;
  Hs << -4.0, 0.0, 0.0, a;
  const double k1 = kramers_rate_1d(8.0, -4.0, 1.0, T);
  CHECK(eyring_kramers_rate(Hm, Hs, 1.0, T) == doctest::Approx(k1));
  CHECK(eyring_kramers_log_rate(Hm, Hs, 1.0, T) == doctest::Approx(std::log(k1)));
  CHECK(kramers_log_rate_1d(8.0, -4.0, 1.0, T) == doctest::Approx(std::log(k1)));
  const double c = std::cos(0.7), s = std::sin(0.7);
  Mat R(2, 2);
  R << c, -s, s, c;
  CHECK(eyring_kramers_rate(R * Hm * R.transpose(), R * Hs * R.transpose(), 1.0, T) == doctest::Approx(k1));
  CHECK(kramers_time_to_minimum(k1) == doctest::Approx(2.0 * kramers_time_to_saddle(k1)));
  CHECK_THROWS_AS(eyring_kramers_rate(Hm, Hm, 1.0, T), InputError);
}
