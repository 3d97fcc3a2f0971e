#pragma once
// The Müller–Brown potential (Müller & Brown, Theor. Chim. Acta 53, 75, 1979), standard
// parameters, optionally multiplied by a positive `scale` (MB values span ~ −150 … +∞, too steep
// for unit-temperature SGD; scale 0.05 is common):
//   V(x, y) = scale · Σ_k A_k exp(a_k (x−x_k)² + b_k (x−x_k)(y−y_k) + c_k (y−y_k)²).
// Three minima and two saddles, refined by Newton from their literature approximations.
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/critical_search.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class MullerBrown {
 public:
  static constexpr std::string_view config_name = "muller_brown";

  explicit MullerBrown(double scale = 1.0) : scale_(scale) {
    require(std::isfinite(scale) && scale > 0.0, "muller_brown: scale must be positive");
    // Literature approximations: minima A, B, C (deepest first), then the two saddles.
    constexpr std::array<std::array<double, 2>, 5> approx{{{-0.558224, 1.441726},
                                                           {0.623499, 0.028038},
                                                           {-0.050011, 0.466694},
                                                           {-0.822002, 0.624313},
                                                           {0.212487, 0.292988}}};
    for (const auto& p : approx) {
      Vec x0(2);
      x0 << p[0], p[1];
      critical_.push_back(refine_critical_point(*this, x0));
    }
  }

  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double scale() const { return scale_; }

  // Scalar forms for the particle loops.
  [[nodiscard]] double value2(double x, double y) const {
    double v = 0.0;
    for (int k = 0; k < 4; ++k) {
      const double dx = x - X0[k], dy = y - Y0[k];
      v += A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
    }
    return scale_ * v;
  }
  void gradient2(double x, double y, double& gx, double& gy) const {
    gx = gy = 0.0;
    for (int k = 0; k < 4; ++k) {
      const double dx = x - X0[k], dy = y - Y0[k];
      const double e = A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
      gx += e * (2.0 * a[k] * dx + b[k] * dy);
      gy += e * (b[k] * dx + 2.0 * c[k] * dy);
    }
    gx *= scale_;
    gy *= scale_;
  }

  [[nodiscard]] double value(const Vec& x) const { return value2(x[0], x[1]); }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(2);
    gradient2(x[0], x[1], g[0], g[1]);
  }
  void hessian(const Vec& p, Mat& H) const {
    H.setZero(2, 2);
    for (int k = 0; k < 4; ++k) {
      const double dx = p[0] - X0[k], dy = p[1] - Y0[k];
      const double e = scale_ * A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
      const double qx = 2.0 * a[k] * dx + b[k] * dy, qy = b[k] * dx + 2.0 * c[k] * dy;
      H(0, 0) += e * (qx * qx + 2.0 * a[k]);
      H(0, 1) += e * (qx * qy + b[k]);
      H(1, 1) += e * (qy * qy + 2.0 * c[k]);
    }
    H(1, 0) = H(0, 1);
  }

  /// The usual plotting window [−1.5, 1.2] × [−0.2, 2].
  [[nodiscard]] Box box() const {
    Vec lo(2), hi(2);
    lo << -1.5, -0.2;
    hi << 1.2, 2.0;
    return {lo, hi};
  }
  /// Minima (deepest first: ≈ (−0.558, 1.442), (0.623, 0.028), (−0.050, 0.467)), then the
  /// saddles ≈ (−0.822, 0.624) and (0.212, 0.293).
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return critical_; }

  static constexpr std::array<double, 4> A{-200.0, -100.0, -170.0, 15.0};
  static constexpr std::array<double, 4> a{-1.0, -1.0, -6.5, 0.7};
  static constexpr std::array<double, 4> b{0.0, 0.0, 11.0, 0.6};
  static constexpr std::array<double, 4> c{-10.0, -10.0, -6.5, 0.7};
  static constexpr std::array<double, 4> X0{1.0, 0.0, -0.5, -1.0};
  static constexpr std::array<double, 4> Y0{0.0, 0.5, 1.5, 1.0};

 private:
  double scale_;
  std::vector<CriticalPoint> critical_;
};

}  // namespace sgdsde
