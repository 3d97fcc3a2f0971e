#pragma once
// Two minima of EQUAL depth and different sharpness, in residual form (THEORY §1, label noise):
//   L(w) = ½ f(w)²,   f(w) = (w² − 1)(1 + q tanh w),   q = s / tanh 1,   0 ≤ s < 1.
// The roots ±1 of f are the minima, both of value 0, with L''(±1) = f'(±1)² = 4(1 ± s)²: +1 is
// the sharp minimum, −1 the flat one, curvature ratio r = L''(1)/L''(−1) = ((1+s)/(1−s))², so
// s = (√r − 1)/(√r + 1). Between them f' has a root: the barrier, a local maximum of L, located
// numerically (bracketed Newton). f ~ q-dependent · w² at ±∞ confines.
// For s ≥ tanh 1 the factor 1 + q tanh w vanishes (a third minimum) and already from s ≈ 0.745
// (r ≈ 47) f' gets extra roots for w < −1, so the curvature ratio is limited to r ≤ 40.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class FlatSharpWells {
 public:
  static constexpr std::string_view config_name = "flat_sharp_wells";
  static constexpr double max_curvature_ratio = 40.0;

  /// curvature_ratio r = L''(+1) / L''(−1), 1 ≤ r ≤ 40 (r = 1: symmetric wells).
  explicit FlatSharpWells(double curvature_ratio = 4.0) : ratio_(curvature_ratio) {
    require(
        std::isfinite(curvature_ratio) && curvature_ratio >= 1.0 && curvature_ratio <= max_curvature_ratio,
        "flat_sharp_wells: curvature_ratio must be in [1, 40]");
    const double sr = std::sqrt(ratio_);
    s_ = (sr - 1.0) / (sr + 1.0);
    q_ = s_ / std::tanh(1.0);
    barrier_ = find_barrier();
    const double level = 6.0 * value1(barrier_);
    box_lo_ = edge(-1.0, level);
    box_hi_ = edge(1.0, level);
  }

  [[nodiscard]] Index dim() const { return 1; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double curvature_ratio() const { return ratio_; }
  /// s of f'(±1) = ±2(1 ± s).
  [[nodiscard]] double skew() const { return s_; }
  [[nodiscard]] static double flat_minimum() { return -1.0; }
  [[nodiscard]] static double sharp_minimum() { return 1.0; }
  [[nodiscard]] double barrier_location() const { return barrier_; }
  /// ΔL = L(barrier) − 0, the same from both minima.
  [[nodiscard]] double barrier_height() const { return value1(barrier_); }

  // Residual f and its derivatives (scalar forms for the particle loops).
  [[nodiscard]] double residual1(double w) const { return (w * w - 1.0) * (1.0 + q_ * std::tanh(w)); }
  [[nodiscard]] double residual_derivative1(double w) const {
    const double t = std::tanh(w);
    return 2.0 * w * (1.0 + q_ * t) + (w * w - 1.0) * q_ * (1.0 - t * t);
  }
  [[nodiscard]] double residual_second1(double w) const {
    const double t = std::tanh(w), sech2 = 1.0 - t * t;
    return 2.0 * (1.0 + q_ * t) + 4.0 * w * q_ * sech2 - 2.0 * (w * w - 1.0) * q_ * t * sech2;
  }
  /// f(w) and f'(w) with one tanh (what label-noise SGD needs per particle).
  void residual_pair1(double w, double& f, double& fp) const {
    const double t = std::tanh(w), g = 1.0 + q_ * t, w2m1 = w * w - 1.0;
    f = w2m1 * g;
    fp = 2.0 * w * g + w2m1 * q_ * (1.0 - t * t);
  }
  [[nodiscard]] double value1(double w) const {
    const double f = residual1(w);
    return 0.5 * f * f;
  }
  [[nodiscard]] double derivative1(double w) const {
    double f, fp;
    residual_pair1(w, f, fp);
    return f * fp;
  }
  [[nodiscard]] double second1(double w) const {
    double f, fp;
    residual_pair1(w, f, fp);
    return fp * fp + f * residual_second1(w);
  }

  // Landscape / ResidualLandscape interface.
  [[nodiscard]] double residual(const Vec& x) const { return residual1(x[0]); }
  void residual_gradient(const Vec& x, Vec& g) const {
    g.resize(1);
    g[0] = residual_derivative1(x[0]);
  }
  void residual_hessian(const Vec& x, Mat& H) const {
    H.resize(1, 1);
    H(0, 0) = residual_second1(x[0]);
  }
  [[nodiscard]] double value(const Vec& x) const { return value1(x[0]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(1);
    g[0] = derivative1(x[0]);
  }
  void hessian(const Vec& x, Mat& H) const {
    H.resize(1, 1);
    H(0, 0) = second1(x[0]);
  }

  /// Where L reaches 6 ΔL on either side (so it adapts to the flat well's width).
  [[nodiscard]] Box box() const { return {Vec::Constant(1, box_lo_), Vec::Constant(1, box_hi_)}; }

  /// Flat minimum −1, barrier (maximum), sharp minimum +1, in increasing w.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    return {{Vec::Constant(1, -1.0), CriticalKind::minimum, 0.0},
            {Vec::Constant(1, barrier_), CriticalKind::maximum, value1(barrier_)},
            {Vec::Constant(1, 1.0), CriticalKind::minimum, 0.0}};
  }

 private:
  /// Root of f' in (−1, 1) (f'(−1) = −2(1−s) < 0 < f'(1) = 2(1+s)): Newton kept inside a
  /// shrinking bracket, bisection when Newton would leave it, to machine precision.
  [[nodiscard]] double find_barrier() const {
    double a = -1.0, b = 1.0, w = 0.0;
    for (int it = 0; it < 200; ++it) {
      const double fp = residual_derivative1(w);
      if (fp == 0.0) return w;
      (fp < 0.0 ? a : b) = w;
      const double fpp = residual_second1(w);
      double next = (fpp != 0.0) ? w - fp / fpp : 0.5 * (a + b);
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      if (std::abs(next - w) <= 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(w))) {
        return next;
      }
      w = next;
    }
    throw NumericalError("flat_sharp_wells: barrier search did not converge");
  }
  /// The w beyond the minimum `side` (±1) where L = level, by bisection (L is monotone there).
  [[nodiscard]] double edge(double side, double level) const {
    double inner = side, outer = 2.0 * side;
    while (value1(outer) < level) {
      inner = outer;
      outer *= 2.0;
    }
    for (int it = 0; it < 200 && std::abs(outer - inner) > 1e-12; ++it) {
      const double mid = 0.5 * (inner + outer);
      (value1(mid) < level ? inner : outer) = mid;
    }
    return outer;
  }

  double ratio_, s_ = 0.0, q_ = 0.0, barrier_ = 0.0, box_lo_ = -2.0, box_hi_ = 2.0;
};

}  // namespace sgdsde
