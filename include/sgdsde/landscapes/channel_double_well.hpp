#pragma once
// 2-D double well whose transverse valley is narrower at the minima than at the saddle (THEORY §5,
// the Eyring–Kramers determinant prefactor):
//   L(x, y) = (x² − 1)² + (κ/2)(1 + α x²) y²,   κ > 0, α > −1.
// Critical points: minima (±1, 0) with H = diag(8, κ(1 + α)), the saddle (0, 0) with
// H = diag(−4, κ); ΔL = 1. The Eyring–Kramers prefactor sqrt(det H(m)/|det H(s)|) =
// sqrt(2(1 + α)) differs from the 1-D cut along y = 0 (sqrt(8·4)/4 = √2) by sqrt(1 + α).
// L is quadratic in y at fixed x, so the marginal of the Gibbs density in x is exact:
// e^{−F(x)/T}, F = (x² − 1)² + (T/2) ln(1 + α x²) + const.
// Used by kramers_rate only; not in LandscapeTypes (the atlas and the per-landscape fuzzers iterate
// that list), tested in tests/unit/landscapes/test_channel_double_well.cpp.
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class ChannelDoubleWell {
 public:
  static constexpr std::string_view config_name = "channel_double_well";

  explicit ChannelDoubleWell(double kappa = 4.0, double alpha = 3.0) : kappa_(kappa), alpha_(alpha) {
    require(std::isfinite(kappa) && kappa > 0.0, "channel_double_well: kappa must be > 0");
    require(std::isfinite(alpha) && alpha > -1.0, "channel_double_well: alpha must be > -1");
  }
  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double kappa() const { return kappa_; }
  [[nodiscard]] double alpha() const { return alpha_; }

  [[nodiscard]] double value2(double x, double y) const {
    const double u = x * x - 1.0;
    return u * u + 0.5 * kappa_ * (1.0 + alpha_ * x * x) * y * y;
  }
  void gradient2(double x, double y, double& gx, double& gy) const {
    gx = 4.0 * x * (x * x - 1.0) + kappa_ * alpha_ * x * y * y;
    gy = kappa_ * (1.0 + alpha_ * x * x) * y;
  }
  [[nodiscard]] double value(const Vec& p) const { return value2(p[0], p[1]); }
  void gradient(const Vec& p, Vec& g) const {
    g.resize(2);
    gradient2(p[0], p[1], g[0], g[1]);
  }
  void hessian(const Vec& p, Mat& H) const {
    const double x = p[0], y = p[1];
    H.resize(2, 2);
    H(0, 0) = 12.0 * x * x - 4.0 + kappa_ * alpha_ * y * y;
    H(0, 1) = H(1, 0) = 2.0 * kappa_ * alpha_ * x * y;
    H(1, 1) = kappa_ * (1.0 + alpha_ * x * x);
  }
  [[nodiscard]] Box box() const {
    Vec lo(2), hi(2);
    lo << -2.0, -2.0;
    hi << 2.0, 2.0;
    return {lo, hi};
  }
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    std::vector<CriticalPoint> pts;
    for (const double x : {-1.0, 0.0, 1.0}) {
      Vec p(2);
      p << x, 0.0;
      pts.push_back({p, x == 0.0 ? CriticalKind::saddle : CriticalKind::minimum, value2(x, 0.0)});
    }
    return pts;
  }

 private:
  double kappa_, alpha_;
};

}  // namespace sgdsde
