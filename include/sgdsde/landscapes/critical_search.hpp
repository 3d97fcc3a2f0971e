#pragma once
// Locating and classifying critical points of a landscape: Newton on ∇L = 0 (which converges to
// minima, saddles and maxima alike), classification by Hessian eigenvalues, and a multistart
// search from a grid of starting points in a box (for landscapes whose critical points have no
// closed form). Landscapes use it to refine literature approximations to machine precision; tests
// use it to check that a landscape's list of critical points is complete.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

/// Eigenvalues of a symmetric matrix, ascending (closed form for 1×1 and 2×2, which the Newton
/// searches of 2-D landscapes call thousands of times).
Vec symmetric_eigenvalues(const Mat& H);

/// Kind of a critical point from its (symmetric) Hessian: all eigenvalues positive = minimum,
/// all negative = maximum, otherwise saddle (a zero eigenvalue counts as neither sign: such a
/// degenerate point is reported as a saddle; use hessian_is_degenerate to detect it).
CriticalKind classify_hessian(const Mat& H);

/// True when some Hessian eigenvalue is below rel_tol times the largest in magnitude.
bool hessian_is_degenerate(const Mat& H, double rel_tol = 1e-8);

namespace detail {
/// step = H⁻¹ g; false when H is singular (closed form in 1-D and 2-D, full-pivot LU beyond).
bool newton_solve(const Mat& H, const Vec& g, Vec& step);
}  // namespace detail

/// Options of the Newton iteration on ∇L = 0.
struct NewtonOptions {
  int max_iterations = 100;
  /// Converged once the step is below step_tol · max(1, ‖x‖∞) (then two polishing steps).
  double step_tol = 1e-14;
  /// A converged point must have ‖∇L‖∞ ≤ grad_tol · max(1, ‖H‖max · max(1, ‖x‖∞)).
  double grad_tol = 1e-10;
  /// Give up when an iterate leaves the ball of this radius (∞-norm).
  double max_norm = 1e6;
};

/// Newton's method for ∇L(x) = 0 from x0. Returns the converged point, or nothing when the
/// Hessian is singular along the way, the iterates diverge or the gradient test fails.
template <Landscape L>
std::optional<Vec> newton_critical_point(const L& l, Vec x, const NewtonOptions& opt = {}) {
  Vec g(x.size()), step(x.size());
  Mat H(x.size(), x.size());
  int polish = -1;
  for (int it = 0; it < opt.max_iterations; ++it) {
    l.gradient(x, g);
    l.hessian(x, H);
    if (!g.allFinite() || !H.allFinite()) return std::nullopt;
    if (!detail::newton_solve(H, g, step)) {
      if (g.cwiseAbs().maxCoeff() == 0.0) break;
      return std::nullopt;
    }
    x -= step;
    if (x.cwiseAbs().maxCoeff() > opt.max_norm) return std::nullopt;
    if (polish >= 0) {
      if (++polish >= 2) break;
    } else if (step.cwiseAbs().maxCoeff() <= opt.step_tol * std::max(1.0, x.cwiseAbs().maxCoeff())) {
      polish = 0;
    }
  }
  l.gradient(x, g);
  l.hessian(x, H);
  const double scale = std::max(1.0, H.cwiseAbs().maxCoeff() * std::max(1.0, x.cwiseAbs().maxCoeff()));
  if (!(g.cwiseAbs().maxCoeff() <= opt.grad_tol * scale)) return std::nullopt;
  return x;
}

/// The critical point reached by Newton from x0, with its kind and value; throws NumericalError
/// (naming `what`) when Newton fails or the point is degenerate.
template <Landscape L>
CriticalPoint refine_critical_point(const L& l, const Vec& x0, const std::string& what = "critical point") {
  const std::optional<Vec> x = newton_critical_point(l, x0);
  if (!x) throw NumericalError(std::string(l.name()) + ": Newton failed to converge to the " + what);
  Mat H;
  l.hessian(*x, H);
  if (hessian_is_degenerate(H)) throw NumericalError(std::string(l.name()) + ": degenerate " + what);
  return {*x, classify_hessian(H), l.value(*x)};
}

/// All non-degenerate critical points that Newton reaches from a regular grid of
/// `per_axis`^d starting points in `box` (d ≤ 3), that lie in the box, deduplicated (points
/// closer than dedup_tol · max(1, box width) are one), sorted by value then coordinates.
template <Landscape L>
std::vector<CriticalPoint> grid_critical_points(const L& l, const Box& box, Index per_axis = 41,
                                                double dedup_tol = 1e-7) {
  const Index d = box.dim();
  require(d >= 1 && d <= 3, "grid_critical_points: only for dimension 1 to 3");
  require(per_axis >= 2, "grid_critical_points: need at least 2 points per axis");
  const double width = (box.hi - box.lo).maxCoeff();
  const double tol = dedup_tol * std::max(1.0, width);
  Index total = 1;
  for (Index k = 0; k < d; ++k) total *= per_axis;
  NewtonOptions opt;
  opt.max_iterations = 60;  // starts that wander off are abandoned early
  opt.max_norm = 10.0 * std::max({1.0, box.lo.cwiseAbs().maxCoeff(), box.hi.cwiseAbs().maxCoeff()});
  std::vector<CriticalPoint> found;
  Vec x0(d);
  for (Index n = 0; n < total; ++n) {
    Index r = n;
    for (Index k = 0; k < d; ++k) {
      const Index i = r % per_axis;
      r /= per_axis;
      x0[k] =
          box.lo[k] + (box.hi[k] - box.lo[k]) * static_cast<double>(i) / static_cast<double>(per_axis - 1);
    }
    const std::optional<Vec> x = newton_critical_point(l, x0, opt);
    if (!x || !box.contains(*x)) continue;
    const bool seen = std::any_of(found.begin(), found.end(), [&](const CriticalPoint& p) {
      return (p.location - *x).cwiseAbs().maxCoeff() <= tol;
    });
    if (seen) continue;
    Mat H;
    l.hessian(*x, H);
    if (hessian_is_degenerate(H)) continue;
    found.push_back({*x, classify_hessian(H), l.value(*x)});
  }
  std::sort(found.begin(), found.end(), [](const CriticalPoint& a, const CriticalPoint& b) {
    if (a.value != b.value) return a.value < b.value;
    return std::lexicographical_compare(a.location.begin(), a.location.end(), b.location.begin(),
                                        b.location.end());
  });
  return found;
}

}  // namespace sgdsde
