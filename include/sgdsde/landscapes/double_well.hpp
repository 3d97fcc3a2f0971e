#pragma once
// 1-D double well L(w) = w⁴ − 2w² + c·w (THEORY §5). Untilted (c = 0): minima ±1 (L'' = 8),
// barrier at 0 (L'' = −4), ΔL = 1. A tilt c ≠ 0 (|c| < 8/(3√3)) makes the wells unequal; its
// critical points are the real roots of 4w³ − 4w + c, found in closed form (trigonometric).
// In 1-D the barrier top is a maximum (one negative Hessian eigenvalue: an index-1 point, the
// "saddle" of the escape formulas of THEORY §5).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class DoubleWell {
 public:
  static constexpr std::string_view config_name = "double_well";

  explicit DoubleWell(double tilt = 0.0) : tilt_(tilt) {
    require(std::isfinite(tilt) && std::abs(tilt) < 8.0 / (3.0 * std::sqrt(3.0)),
            "double_well: |tilt| must be below 8/(3*sqrt(3)) ~ 1.5396 so that both wells exist");
  }
  [[nodiscard]] Index dim() const { return 1; }
  [[nodiscard]] std::string name() const { return tilt_ == 0.0 ? "double_well" : "tilted_double_well"; }
  [[nodiscard]] double tilt() const { return tilt_; }

  [[nodiscard]] double value(const Vec& x) const { return value1(x[0]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(1);
    g[0] = derivative1(x[0]);
  }
  void hessian(const Vec& x, Mat& H) const {
    H.resize(1, 1);
    H(0, 0) = second1(x[0]);
  }
  // Scalar forms for the particle loops.
  [[nodiscard]] double value1(double w) const { return w * w * (w * w - 2.0) + tilt_ * w; }
  [[nodiscard]] double derivative1(double w) const { return 4.0 * w * (w * w - 1.0) + tilt_; }
  [[nodiscard]] double second1(double w) const { return 12.0 * w * w - 4.0; }

  [[nodiscard]] Box box() const { return {Vec::Constant(1, -2.0), Vec::Constant(1, 2.0)}; }

  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    // 4w³ − 4w + c = 0  ⇔  w³ − w + c/4 = 0: three real roots w_j = (2/√3) cos(φ/3 − 2πj/3),
    // cos φ = −(c/4)·(3√3/2).
    // Untilted: exactly −1, 0, 1. Tilted: each trigonometric root polished by one Newton step.
    const double phi = std::acos(-(tilt_ / 4.0) * 1.5 * std::sqrt(3.0));
    std::vector<CriticalPoint> pts;
    for (int j = 0; j < 3; ++j) {
      Vec w(1);
      if (tilt_ == 0.0) {
        w[0] = static_cast<double>(1 - j);
      } else {
        w[0] = 2.0 / std::sqrt(3.0) * std::cos(phi / 3.0 - 2.0 * std::numbers::pi * j / 3.0);
        w[0] -= derivative1(w[0]) / second1(w[0]);
      }
      pts.push_back({w, second1(w[0]) > 0 ? CriticalKind::minimum : CriticalKind::maximum, value1(w[0])});
    }
    std::sort(pts.begin(), pts.end(),
              [](const CriticalPoint& a, const CriticalPoint& b) { return a.location[0] < b.location[0]; });
    return pts;
  }

 private:
  double tilt_;
};

}  // namespace sgdsde
