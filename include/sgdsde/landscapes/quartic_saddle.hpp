#pragma once
// A 2-D saddle with confinement (THEORY §6): L(x, y) = ½ a x² − ½ λ y² + ¼ c y⁴, a, λ, c > 0.
// Near the origin L ≈ ½ a x² − ½ λ y²: a saddle with stable curvature a and unstable curvature
// −λ. Minima at (0, ±y_m), y_m = sqrt(λ/c), of value −λ²/(4c), Hessian diag(a, 2λ).
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class QuarticSaddle {
 public:
  static constexpr std::string_view config_name = "quartic_saddle";

  explicit QuarticSaddle(double a = 1.0, double lambda = 1.0, double c = 1.0)
      : a_(a), lambda_(lambda), c_(c) {
    require(std::isfinite(a) && a > 0.0, "quartic_saddle: a must be positive");
    require(std::isfinite(lambda) && lambda > 0.0, "quartic_saddle: lambda must be positive");
    require(std::isfinite(c) && c > 0.0, "quartic_saddle: c must be positive");
  }

  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double a() const { return a_; }
  [[nodiscard]] double lambda() const { return lambda_; }
  [[nodiscard]] double c() const { return c_; }
  /// y-coordinate of the minima, sqrt(λ/c).
  [[nodiscard]] double y_min() const { return std::sqrt(lambda_ / c_); }
  /// Depth of the minima below the saddle, λ²/(4c).
  [[nodiscard]] double depth() const { return lambda_ * lambda_ / (4.0 * c_); }

  // Scalar forms for the particle loops.
  [[nodiscard]] double value2(double x, double y) const {
    const double y2 = y * y;
    return 0.5 * a_ * x * x + y2 * (0.25 * c_ * y2 - 0.5 * lambda_);
  }
  void gradient2(double x, double y, double& gx, double& gy) const {
    gx = a_ * x;
    gy = y * (c_ * y * y - lambda_);
  }

  [[nodiscard]] double value(const Vec& x) const { return value2(x[0], x[1]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(2);
    gradient2(x[0], x[1], g[0], g[1]);
  }
  void hessian(const Vec& x, Mat& H) const {
    H.resize(2, 2);
    H << a_, 0.0, 0.0, 3.0 * c_ * x[1] * x[1] - lambda_;
  }

  /// [−2y_m, 2y_m] in y and [−h_x, h_x] in x with ½ a h_x² = ½ λ (2y_m)².
  [[nodiscard]] Box box() const {
    const double hy = 2.0 * y_min(), hx = hy * std::sqrt(lambda_ / a_);
    Vec lo(2), hi(2);
    lo << -hx, -hy;
    hi << hx, hy;
    return {lo, hi};
  }

  /// Minimum (0, −y_m), saddle (0, 0), minimum (0, y_m).
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    const double ym = y_min();
    return {{point(0.0, -ym), CriticalKind::minimum, -depth()},
            {point(0.0, 0.0), CriticalKind::saddle, 0.0},
            {point(0.0, ym), CriticalKind::minimum, -depth()}};
  }

 private:
  static Vec point(double x, double y) {
    Vec p(2);
    p << x, y;
    return p;
  }
  double a_, lambda_, c_;
};

}  // namespace sgdsde
