// Properties particular to each landscape: parameter validation, closed forms, residual form.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "landscape_checks.hpp"
#include "sgdsde/landscapes/landscapes.hpp"

using namespace sgdsde;
using namespace sgdsde::test;

TEST_CASE("quadratic: validates H and matches the dense formula") {
  Mat H(2, 2);
  H << 2.0, 0.5, 0.5, 1.0;
  Vec c(2);
  c << 0.3, -0.2;
  const Quadratic q(H, c);
  CHECK_FALSE(q.is_diagonal());
  const Vec x = random_point(q.box(), 1, 0);
  CHECK(rel_err(q.value(x), 0.5 * (x - c).dot(H * (x - c))) <= 1e-14);
  CHECK(q.eigenvalues()[0] > 0.0);
  CHECK(q.critical_points().front().location == c);
  // The diagonal fast path equals the dense one.
  const Quadratic qd = Quadratic::diagonal(Vec::Constant(2, 1.5), c);
  CHECK(qd.is_diagonal());
  Mat Hd = 1.5 * Mat::Identity(2, 2);
  Hd(0, 1) = Hd(1, 0) = 1e-300;  // forces the dense path
  const Quadratic qdense(Hd, c);
  CHECK_FALSE(qdense.is_diagonal());
  Vec g1, g2;
  qd.gradient(x, g1);
  qdense.gradient(x, g2);
  CHECK((g1 - g2).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK(rel_err(qd.value(x), qdense.value(x)) <= 1e-15);

  Mat indefinite(2, 2);
  indefinite << 1.0, 0.0, 0.0, -1.0;
  CHECK_THROWS_AS(Quadratic{indefinite}, InputError);
  CHECK_THROWS_AS(Quadratic{Mat::Zero(2, 2)}, InputError);
  Mat nonsym(2, 2);
  nonsym << 1.0, 0.2, 0.0, 1.0;
  CHECK_THROWS_AS(Quadratic{nonsym}, InputError);
  CHECK_THROWS_AS(Quadratic(Mat::Identity(2, 2), Vec::Zero(3)), InputError);
  CHECK_THROWS_AS(Quadratic{Mat(2, 3)}, InputError);
  Mat nan_h = Mat::Identity(2, 2);
  nan_h(0, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(Quadratic{nan_h}, InputError);
  CHECK_THROWS_AS(Quadratic::diagonal(Vec::Constant(3, -1.0)), InputError);
}

TEST_CASE("double well: closed-form points, tilt validation") {
  const DoubleWell l;
  const auto pts = l.critical_points();
  REQUIRE(pts.size() == 3);
  CHECK(pts[0].location[0] == -1.0);
  CHECK(pts[1].location[0] == 0.0);
  CHECK(pts[2].location[0] == 1.0);
  CHECK(pts[0].value == -1.0);
  CHECK(l.second1(1.0) == 8.0);
  CHECK(l.second1(0.0) == -4.0);
  CHECK_THROWS_AS(DoubleWell(1.6), InputError);
  // The tilted wells have unequal depth.
  const auto t = DoubleWell(0.5).critical_points();
  CHECK(t[0].value < t[2].value);
}

TEST_CASE("flat/sharp wells: residual form, equal depths, curvature ratio, a single barrier") {
  for (double r : {1.0, 1.5, 4.0, 9.0, 25.0, 40.0}) {
    const FlatSharpWells l(r);
    INFO("r = ", r);
    // Residual form: L = ½ f², ∇L = f ∇f, ∇²L = ∇f ∇fᵀ + f ∇²f; residual derivatives vs differences.
    for (int p = 0; p < 20; ++p) {
      const Vec x = random_point(l.box(), 5, static_cast<std::uint32_t>(p));
      const double f = l.residual(x);
      Vec g, gf;
      Mat H, Hf;
      l.gradient(x, g);
      l.residual_gradient(x, gf);
      l.hessian(x, H);
      l.residual_hessian(x, Hf);
      CHECK(rel_err(l.value(x), 0.5 * f * f) <= 1e-14);
      CHECK(rel_err(g[0], f * gf[0]) <= 1e-14);
      CHECK(rel_err(H(0, 0), gf[0] * gf[0] + f * Hf(0, 0)) <= 1e-13);
      CHECK(rel_err(gf[0], central_difference([&](const Vec& y) { return l.residual(y); }, x, 0)) <= fd_tol);
      CHECK(rel_err(Hf(0, 0), central_difference([&](const Vec& y) { return l.residual_derivative1(y[0]); },
                                                 x, 0)) <= fd_tol);
      double f2, fp2;
      l.residual_pair1(x[0], f2, fp2);
      CHECK(f2 == l.residual1(x[0]));
      CHECK(rel_err(fp2, l.residual_derivative1(x[0])) <= 1e-15);
    }
    // Minima ±1 are roots of f (depth 0) with L'' = f'² = 4(1 ± s)², ratio r.
    CHECK(l.residual1(1.0) == 0.0);
    CHECK(l.residual1(-1.0) == 0.0);
    const double hs = l.second1(1.0), hf = l.second1(-1.0);
    CHECK(rel_err(hs, std::pow(l.residual_derivative1(1.0), 2)) <= 1e-15);
    CHECK(rel_err(hs, 4.0 * std::pow(1.0 + l.skew(), 2)) <= 1e-14);
    CHECK(rel_err(hf, 4.0 * std::pow(1.0 - l.skew(), 2)) <= 1e-14);
    CHECK(std::abs(hs / hf - r) <= 1e-12 * r);
    // Barrier: root of f' in (−1, 1), to machine precision, a maximum of L.
    const double b = l.barrier_location();
    CHECK(b > -1.0);
    CHECK(b < 1.0);
    CHECK(std::abs(l.residual_derivative1(b)) <= 1e-14);
    CHECK(l.second1(b) < 0.0);
    CHECK(l.barrier_height() > 0.0);
    // No other critical point: L' = f f' changes sign exactly 3 times on a fine grid of [−60, 60]
    // (the box and far beyond), and only at the listed points.
    int changes = 0;
    double prev = l.derivative1(-60.0);
    const int n = 240000;
    for (int i = 1; i <= n; ++i) {
      const double w = -60.0 + 120.0 * i / n, cur = l.derivative1(w);
      if ((cur > 0) != (prev > 0)) {
        ++changes;
        CHECK((std::abs(w + 1.0) < 1e-3 || std::abs(w - 1.0) < 1e-3 || std::abs(w - b) < 1e-3));
      }
      prev = cur;
    }
    CHECK(changes == 3);
    // The box holds L up to 6 ΔL on both sides.
    CHECK(rel_err(l.value(l.box().lo), 6.0 * l.barrier_height()) <= 1e-9);
    CHECK(rel_err(l.value(l.box().hi), 6.0 * l.barrier_height()) <= 1e-9);
  }
  CHECK(FlatSharpWells(1.0).barrier_location() == doctest::Approx(0.0).epsilon(1e-15));
  CHECK_THROWS_AS(FlatSharpWells(0.5), InputError);
  CHECK_THROWS_AS(FlatSharpWells(41.0), InputError);
  CHECK_THROWS_AS(FlatSharpWells(std::numeric_limits<double>::quiet_NaN()), InputError);
}

TEST_CASE("quartic saddle: THEORY §6 curvatures at the saddle, minima in closed form") {
  const QuarticSaddle l(2.0, 0.5, 3.0);
  Mat H;
  l.hessian(Vec::Zero(2), H);
  CHECK(H(0, 0) == 2.0);
  CHECK(H(1, 1) == -0.5);
  const auto pts = l.critical_points();
  CHECK(pts[2].location[1] == doctest::Approx(std::sqrt(0.5 / 3.0)).epsilon(1e-15));
  CHECK(pts[2].value == doctest::Approx(-0.25 / 12.0).epsilon(1e-15));
  CHECK_THROWS_AS(QuarticSaddle(0.0, 1.0, 1.0), InputError);
  CHECK_THROWS_AS(QuarticSaddle(1.0, -1.0, 1.0), InputError);
}

TEST_CASE("himmelblau and müller-brown: refined points match the literature") {
  const auto h = Himmelblau().critical_points();
  REQUIRE(h.size() == 9);
  int minima = 0, saddles = 0, maxima = 0;
  for (const auto& p : h) {
    minima += p.kind == CriticalKind::minimum;
    saddles += p.kind == CriticalKind::saddle;
    maxima += p.kind == CriticalKind::maximum;
    if (p.kind == CriticalKind::minimum) CHECK(std::abs(p.value) <= 1e-20);
  }
  CHECK(minima == 4);
  CHECK(saddles == 4);
  CHECK(maxima == 1);
  CHECK(h[0].location[0] == 3.0);
  CHECK(h[0].location[1] == 2.0);
  CHECK(h[4].value == doctest::Approx(181.617).epsilon(1e-5));

  const auto mb = MullerBrown().critical_points();
  REQUIRE(mb.size() == 5);
  const double lit[5] = {-146.6995, -108.1667, -80.7678, -40.6648, -72.2489};  // Müller–Brown 1979
  // The literature gives 4 decimals: agree to half a unit of the last one.
  for (int i = 0; i < 5; ++i) CHECK(std::abs(mb[static_cast<std::size_t>(i)].value - lit[i]) <= 0.5e-4);
  const auto mbs = MullerBrown(0.05).critical_points();
  for (int i = 0; i < 5; ++i) {
    const auto k = static_cast<std::size_t>(i);
    CHECK((mbs[k].location - mb[k].location).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK(rel_err(mbs[k].value, 0.05 * mb[k].value) <= 1e-13);
  }
  CHECK_THROWS_AS(MullerBrown(0.0), InputError);
}

TEST_CASE("rosenbrock: the minimum (a, a²)") {
  const Rosenbrock l(-2.0, 5.0);
  const auto p = l.critical_points().front();
  CHECK(p.location[0] == -2.0);
  CHECK(p.location[1] == 4.0);
  CHECK(l.box().contains(p.location));
  CHECK_THROWS_AS(Rosenbrock(1.0, 0.0), InputError);
}

TEST_CASE("log-cosh wells: β = 1, w* = 2 tanh w*") {
  const LogCoshWells l(3);
  const double ws = l.well_position();
  CHECK(std::abs(ws - 2.0 * std::tanh(ws)) <= 4e-16 * ws);
  CHECK(ws == doctest::Approx(1.9150080481).epsilon(1e-9));
  double sup = 0.0;
  for (int i = 0; i <= 200000; ++i)
    sup = std::max(sup, std::abs(LogCoshWells::second1(-20.0 + 40.0 * i / 200000)));
  CHECK(sup <= LogCoshWells::smoothness());
  CHECK(sup >= 0.999999);  // attained at w = 0
  CHECK(l.critical_points().size() == 27);
  CHECK(LogCoshWells(10).critical_points().size() == 7);
  CHECK(rel_err(l.barrier_height(), -LogCoshWells::value1(ws)) <= 1e-15);
  // value1 stays finite where cosh overflows.
  CHECK(std::isfinite(LogCoshWells::value1(800.0)));
  CHECK(rel_err(LogCoshWells::value1(800.0), 0.5 * 800.0 * 800.0 - 2.0 * (800.0 - std::log(2.0))) <= 1e-15);
}

TEST_CASE("rotated double wells: Q orthogonal, Hessian = Qᵀ diag(ψ'') Q, kinds from z") {
  for (Index d : {Index{7}, Index{1000}}) {
    const RotatedDoubleWells l(d, 0.5, 2.0);
    INFO("d = ", d);
    const Vec v = random_point(l.box(), 3, 0), w = random_point(l.box(), 3, 1);
    Vec z, back, zw;
    l.rotate(v, z);
    l.rotate(w, zw);
    l.unrotate(z, back);
    CHECK((back - v).cwiseAbs().maxCoeff() <= 1e-13);
    CHECK(std::abs(z.norm() - v.norm()) <= 1e-13 * v.norm());
    CHECK(std::abs(z.dot(zw) - v.dot(w)) <= 1e-12 * v.norm() * w.norm());
    CHECK((z - v).norm() > 1e-3 * v.norm());  // Q is not the identity
    Mat H;
    l.hessian(v, H);
    Vec Hw, Hw2, D = l.weights().array() * (12.0 * z.array().square() - 4.0);
    l.hessian_vector_product(v, w, Hw);
    Vec dz = D.cwiseProduct(zw);
    l.unrotate(dz, Hw2);
    CHECK((H * w - Hw).cwiseAbs().maxCoeff() <= 1e-10 * std::max(1.0, Hw.cwiseAbs().maxCoeff()));
    CHECK((Hw2 - Hw).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, Hw.cwiseAbs().maxCoeff()));
    // Critical points: ψ'' at z = Qθ has one sign per kind (D = QHQᵀ, same eigenvalues as H).
    for (const auto& p : l.critical_points()) {
      l.rotate(p.location, z);
      const Vec Dz = l.weights().array() * (12.0 * z.array().square() - 4.0);
      const Index negative = (Dz.array() < 0.0).count();
      const CriticalKind kind = negative == 0
                                    ? CriticalKind::minimum
                                    : (negative == d ? CriticalKind::maximum : CriticalKind::saddle);
      CHECK(kind == p.kind);
      CHECK((z.array().abs() - z.array().abs().round()).abs().maxCoeff() <= 1e-12);
      if (p.kind == CriticalKind::minimum) CHECK(rel_err(p.value, -l.depth()) <= 1e-13);
    }
  }
  CHECK_THROWS_AS(RotatedDoubleWells(Vec::Constant(3, -1.0)), InputError);
  CHECK_THROWS_AS(RotatedDoubleWells(0), InputError);
}

TEST_CASE("critical search helpers") {
  Mat H(2, 2);
  H << 1.0, 0.0, 0.0, -2.0;
  CHECK(classify_hessian(H) == CriticalKind::saddle);
  CHECK(classify_hessian(-H.cwiseAbs()) == CriticalKind::maximum);
  CHECK(classify_hessian(H.cwiseAbs()) == CriticalKind::minimum);
  H(1, 1) = 0.0;
  CHECK(hessian_is_degenerate(H));
  // Newton from near a saddle of Himmelblau converges to that saddle.
  Vec x0(2);
  x0 << 0.1, 2.9;
  const auto x = newton_critical_point(Himmelblau(), x0);
  REQUIRE(x.has_value());
  CHECK((*x)[1] == doctest::Approx(2.884254).epsilon(1e-6));
}
