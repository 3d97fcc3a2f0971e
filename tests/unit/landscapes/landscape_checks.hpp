#pragma once
// Checks every landscape must pass (used by the tests of this folder).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/landscapes/critical_search.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::test {

/// |a − b| / max(1, |a|, |b|): relative error, absolute near zero.
inline double rel_err(double a, double b) {
  return std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
}

/// A uniform point in the box, from CounterRng (seed, particle = index).
inline Vec random_point(const Box& box, std::uint64_t seed, std::uint32_t index) {
  const CounterRng rng(seed);
  Vec x(box.dim());
  for (Index j = 0; j < box.dim(); j += 2) {
    const auto u = rng.uniforms(index, 0, CounterRng::slot(Purpose::aux, static_cast<std::uint32_t>(j / 2)));
    x[j] = box.lo[j] + (box.hi[j] - box.lo[j]) * u[0];
    if (j + 1 < box.dim()) x[j + 1] = box.lo[j + 1] + (box.hi[j + 1] - box.lo[j + 1]) * u[1];
  }
  return x;
}

/// Five-point central difference of f (a function of x returning a double or a Vec) along
/// axis j, step 1e-3·max(1, |x_j|): error O(h⁴ f⁽⁵⁾), exact for quartics up to rounding.
template <class F>
auto central_difference(const F& f, Vec x, Index j) {
  const double h = 1e-3 * std::max(1.0, std::abs(x[j])), xj = x[j];
  x[j] = xj + 2 * h;
  const auto fp2 = f(x);
  x[j] = xj + h;
  const auto fp1 = f(x);
  x[j] = xj - h;
  const auto fm1 = f(x);
  x[j] = xj - 2 * h;
  const auto fm2 = f(x);
  using R = decltype(f(x));
  return R((-fp2 + 8.0 * fp1 - 8.0 * fm1 + fm2) / (12.0 * h));
}

inline constexpr double fd_tol = 1e-6;

/// Gradient vs differences of value, Hessian vs differences of the gradient, at `points`
/// random points of the box; returns the largest relative errors seen (also CHECKed).
template <Landscape L>
void check_derivatives(const L& l, std::uint64_t seed, int points) {
  const Index d = l.dim();
  const Box box = l.box();
  double worst_g = 0.0, worst_h = 0.0;
  for (int p = 0; p < points; ++p) {
    const Vec x = random_point(box, seed, static_cast<std::uint32_t>(p));
    Vec g;
    Mat H;
    l.gradient(x, g);
    l.hessian(x, H);
    REQUIRE(g.size() == d);
    REQUIRE(H.rows() == d);
    REQUIRE(H.cols() == d);
    const auto grad = [&](const Vec& y) {
      Vec gy;
      l.gradient(y, gy);
      return gy;
    };
    for (Index j = 0; j < d; ++j) {
      const double fd = central_difference([&](const Vec& y) { return l.value(y); }, x, j);
      worst_g = std::max(worst_g, rel_err(g[j], fd));
      const Vec fdh = central_difference(grad, x, j);
      for (Index i = 0; i < d; ++i) worst_h = std::max(worst_h, rel_err(H(i, j), fdh[i]));
    }
    CHECK((H - H.transpose()).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, H.cwiseAbs().maxCoeff()));
  }
  INFO(l.name(), " d=", d);
  CHECK(worst_g <= fd_tol);
  CHECK(worst_h <= fd_tol);
}

/// The gradient's scale at x, for "zero gradient" tests: max(1, ‖H‖max · max(1, ‖x‖∞)).
template <Landscape L>
double gradient_scale(const L& l, const Vec& x) {
  Mat H;
  l.hessian(x, H);
  return std::max(1.0, H.cwiseAbs().maxCoeff() * std::max(1.0, x.cwiseAbs().maxCoeff()));
}

/// Every listed critical point: zero gradient, Hessian of the stated kind (eigenvalues, for
/// d ≤ max_eig_dim), stated value = value(location); every minimum in the box.
template <Landscape L>
void check_critical_points(const L& l, Index max_eig_dim = 200) {
  const Box box = l.box();
  REQUIRE(box.dim() == l.dim());
  CHECK((box.lo.array() < box.hi.array()).all());
  CHECK(box.lo.allFinite());
  CHECK(box.hi.allFinite());
  const auto pts = l.critical_points();
  REQUIRE(!pts.empty());
  int minima = 0;
  for (const CriticalPoint& p : pts) {
    INFO(l.name(), " ", to_string(p.kind), " value ", p.value);
    REQUIRE(p.location.size() == l.dim());
    Vec g;
    l.gradient(p.location, g);
    CHECK(g.cwiseAbs().maxCoeff() <= 1e-9 * gradient_scale(l, p.location));
    CHECK(rel_err(l.value(p.location), p.value) <= 1e-12);
    if (l.dim() <= max_eig_dim) {
      Mat H;
      l.hessian(p.location, H);
      CHECK_FALSE(hessian_is_degenerate(H));
      CHECK(classify_hessian(H) == p.kind);
    }
    if (p.kind == CriticalKind::minimum) {
      ++minima;
      CHECK(box.contains(p.location));
    }
  }
  CHECK(minima >= 1);
}

/// A complete list (d ≤ 2): the Newton grid search of the box finds exactly the listed points.
template <Landscape L>
void check_list_complete(const L& l, Index per_axis = 41) {
  const auto listed = l.critical_points();
  const auto found = grid_critical_points(l, l.box(), per_axis);
  INFO(l.name());
  CHECK(found.size() == listed.size());
  for (const CriticalPoint& f : found) {
    const bool match = std::any_of(listed.begin(), listed.end(), [&](const CriticalPoint& p) {
      return p.kind == f.kind && (p.location - f.location).cwiseAbs().maxCoeff() <= 1e-8;
    });
    INFO("found ", to_string(f.kind), " at value ", f.value);
    CHECK(match);
  }
}

/// Scalar fast paths (value1/derivative1/second1 in 1-D, value2/gradient2 in 2-D) agree with
/// the vector interface.
template <Landscape L>
void check_scalar_forms(const L& l, std::uint64_t seed, int points) {
  const Box box = l.box();
  for (int p = 0; p < points; ++p) {
    const Vec x = random_point(box, seed, static_cast<std::uint32_t>(1000 + p));
    Vec g;
    Mat H;
    l.gradient(x, g);
    l.hessian(x, H);
    if constexpr (requires { l.derivative1(0.0); }) {
      if (l.dim() == 1) CHECK(rel_err(l.derivative1(x[0]), g[0]) <= 1e-14);
    }
    if constexpr (requires { l.value1(0.0); }) {
      if (l.dim() == 1) CHECK(rel_err(l.value1(x[0]), l.value(x)) <= 1e-14);
    }
    if constexpr (requires { l.second1(0.0); }) {
      if (l.dim() == 1) CHECK(rel_err(l.second1(x[0]), H(0, 0)) <= 1e-14);
    }
    if constexpr (requires(double a, double& b) { l.gradient2(a, a, b, b); }) {
      if (l.dim() == 2) {
        double gx = 0, gy = 0;
        l.gradient2(x[0], x[1], gx, gy);
        CHECK(rel_err(gx, g[0]) <= 1e-14);
        CHECK(rel_err(gy, g[1]) <= 1e-14);
      }
    }
    if constexpr (requires { l.value2(0.0, 0.0); }) {
      if (l.dim() == 2) CHECK(rel_err(l.value2(x[0], x[1]), l.value(x)) <= 1e-14);
    }
  }
}

/// All the generic checks.
template <Landscape L>
void check_landscape(const L& l, std::uint64_t seed = 12345, int points = 20) {
  CHECK(!std::string(l.name()).empty());
  check_derivatives(l, seed, points);
  check_critical_points(l);
  check_scalar_forms(l, seed, points);
}

}  // namespace sgdsde::test
