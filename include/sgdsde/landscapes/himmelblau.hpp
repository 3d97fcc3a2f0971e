#pragma once
// Himmelblau's function L(x, y) = (x² + y − 11)² + (x + y² − 7)²: four minima of value 0, four
// saddles and one maximum. Only approximate locations are typed in; the constructor refines each
// by Newton to machine precision and classifies it by its Hessian.
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sgdsde/landscapes/critical_search.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class Himmelblau {
 public:
  static constexpr std::string_view config_name = "himmelblau";

  Himmelblau() {
    // Approximate locations (Himmelblau 1972): 4 minima, 1 maximum, 4 saddles.
    constexpr std::array<std::array<double, 2>, 9> approx{{{3.0, 2.0},
                                                           {-2.805118, 3.131312},
                                                           {-3.779310, -3.283186},
                                                           {3.584428, -1.848126},
                                                           {-0.270845, -0.923039},
                                                           {0.086677, 2.884254},
                                                           {-3.073026, -0.081353},
                                                           {3.385154, 0.073852},
                                                           {-0.127961, -1.953715}}};
    for (const auto& p : approx) {
      Vec x0(2);
      x0 << p[0], p[1];
      critical_.push_back(refine_critical_point(*this, x0));
    }
  }

  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }

  // Scalar forms for the particle loops.
  [[nodiscard]] static double value2(double x, double y) {
    const double f1 = x * x + y - 11.0, f2 = x + y * y - 7.0;
    return f1 * f1 + f2 * f2;
  }
  static void gradient2(double x, double y, double& gx, double& gy) {
    const double f1 = x * x + y - 11.0, f2 = x + y * y - 7.0;
    gx = 4.0 * x * f1 + 2.0 * f2;
    gy = 2.0 * f1 + 4.0 * y * f2;
  }

  [[nodiscard]] double value(const Vec& x) const { return value2(x[0], x[1]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(2);
    gradient2(x[0], x[1], g[0], g[1]);
  }
  void hessian(const Vec& p, Mat& H) const {
    const double x = p[0], y = p[1];
    H.resize(2, 2);
    H(0, 0) = 4.0 * (x * x + y - 11.0) + 8.0 * x * x + 2.0;
    H(0, 1) = H(1, 0) = 4.0 * (x + y);
    H(1, 1) = 2.0 + 4.0 * (x + y * y - 7.0) + 8.0 * y * y;
  }

  [[nodiscard]] Box box() const { return {Vec::Constant(2, -5.0), Vec::Constant(2, 5.0)}; }
  /// Minima (value 0) first, then the maximum, then the saddles.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return critical_; }

 private:
  std::vector<CriticalPoint> critical_;
};

}  // namespace sgdsde
