#pragma once
// Rosenbrock's valley L(x, y) = (a − x)² + b (y − x²)², b > 0: a single critical point, the
// minimum (a, a²) of value 0, at the end of a curved, nearly flat valley (condition number
// of its Hessian ~ 2500 for the standard a = 1, b = 100).
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class Rosenbrock {
 public:
  static constexpr std::string_view config_name = "rosenbrock";

  explicit Rosenbrock(double a = 1.0, double b = 100.0) : a_(a), b_(b) {
    require(std::isfinite(a), "rosenbrock: a must be finite");
    require(std::isfinite(b) && b > 0.0, "rosenbrock: b must be positive");
  }

  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double a() const { return a_; }
  [[nodiscard]] double b() const { return b_; }

  // Scalar forms for the particle loops.
  [[nodiscard]] double value2(double x, double y) const {
    const double u = a_ - x, v = y - x * x;
    return u * u + b_ * v * v;
  }
  void gradient2(double x, double y, double& gx, double& gy) const {
    const double v = y - x * x;
    gx = -2.0 * (a_ - x) - 4.0 * b_ * x * v;
    gy = 2.0 * b_ * v;
  }

  [[nodiscard]] double value(const Vec& x) const { return value2(x[0], x[1]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(2);
    gradient2(x[0], x[1], g[0], g[1]);
  }
  void hessian(const Vec& p, Mat& H) const {
    const double x = p[0], y = p[1];
    H.resize(2, 2);
    H(0, 0) = 2.0 - 4.0 * b_ * (y - x * x) + 8.0 * b_ * x * x;
    H(0, 1) = H(1, 0) = -4.0 * b_ * x;
    H(1, 1) = 2.0 * b_;
  }

  /// With m = max(1, |a|): x ∈ [−2m, 2m], y ∈ [−m, max(3m, a² + m)] ([−2,2]×[−1,3] for a = 1).
  [[nodiscard]] Box box() const {
    const double m = std::max(1.0, std::abs(a_));
    Vec lo(2), hi(2);
    lo << -2.0 * m, -m;
    hi << 2.0 * m, std::max(3.0 * m, a_ * a_ + m);
    return {lo, hi};
  }
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    Vec p(2);
    p << a_, a_ * a_;
    return {{p, CriticalKind::minimum, 0.0}};
  }

 private:
  double a_, b_;
};

}  // namespace sgdsde
