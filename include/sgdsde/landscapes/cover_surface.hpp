#pragma once
// The seed report's cover surface L(x, y) = sin x · cos y · e^{−(x²+y²)/4} + (x²+y²)/20: a
// bumpy bowl with several minima, saddles and maxima near the origin. They have no closed form:
// the constructor finds them by Newton from a grid of starts in the box, deduplicated and
// classified by Hessian eigenvalues (grid_critical_points).
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/landscapes/critical_search.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class CoverSurface {
 public:
  static constexpr std::string_view config_name = "cover_surface";
  static constexpr double half_width = 5.0;

  /// 41 × 41 starts (the 7 points are all found from 21 × 21 already).
  CoverSurface() { critical_ = grid_critical_points(*this, box(), 41); }

  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }

  // Scalar forms for the particle loops.
  [[nodiscard]] static double value2(double x, double y) {
    const double r2 = x * x + y * y;
    return std::sin(x) * std::cos(y) * std::exp(-0.25 * r2) + 0.05 * r2;
  }
  static void gradient2(double x, double y, double& gx, double& gy) {
    const double e = std::exp(-0.25 * (x * x + y * y));
    const double sx = std::sin(x), cx = std::cos(x), sy = std::sin(y), cy = std::cos(y);
    gx = e * cy * (cx - 0.5 * x * sx) + 0.1 * x;
    gy = -e * sx * (sy + 0.5 * y * cy) + 0.1 * y;
  }

  [[nodiscard]] double value(const Vec& x) const { return value2(x[0], x[1]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(2);
    gradient2(x[0], x[1], g[0], g[1]);
  }
  void hessian(const Vec& p, Mat& H) const {
    const double x = p[0], y = p[1];
    const double e = std::exp(-0.25 * (x * x + y * y));
    const double sx = std::sin(x), cx = std::cos(x), sy = std::sin(y), cy = std::cos(y);
    // u(x) = sin x e^{−x²/4}, v(y) = cos y e^{−y²/4}: L = u v + r²/20.
    const double ux = cx - 0.5 * x * sx;                              // u' / e^{−x²/4}
    const double uxx = -sx - 0.5 * sx - 0.5 * x * cx - 0.5 * x * ux;  // u'' / e^{−x²/4}
    const double vy = -sy - 0.5 * y * cy;                             // v' / e^{−y²/4}
    const double vyy = -cy + 0.5 * y * sy - 0.5 * cy - 0.5 * y * vy;  // v'' / e^{−y²/4}
    H.resize(2, 2);
    H(0, 0) = e * uxx * cy + 0.1;
    H(0, 1) = H(1, 0) = e * ux * vy;
    H(1, 1) = e * sx * vyy + 0.1;
  }

  /// [−5, 5]²: L ≥ 1.25 − e^{−25/4}·1 on the edge, well above every critical value.
  [[nodiscard]] Box box() const { return {Vec::Constant(2, -half_width), Vec::Constant(2, half_width)}; }
  /// All critical points in the box, sorted by value (the global minimum first).
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return critical_; }

 private:
  std::vector<CriticalPoint> critical_;
};

}  // namespace sgdsde
