#pragma once
// A globally β-smooth non-convex double well (THEORY §7), separable in d dimensions:
//   L(θ) = Σ_j ℓ(θ_j),   ℓ(w) = ½ w² − 2 log cosh w.
// ℓ'(w) = w − 2 tanh w, ℓ''(w) = 1 − 2 sech² w ∈ [−1, 1): L is β-smooth with β = sup|ℓ''| = 1
// (smoothness()), unlike w⁴ − 2w². Per axis: a maximum at 0 (ℓ'' = −1) and minima ±w*,
// w* = 2 tanh w* ≈ 1.9150 (solved by Newton). In d dimensions the 3^d critical points are the
// products: minimum when no coordinate is 0, maximum when all are, saddle otherwise.
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class LogCoshWells {
 public:
  static constexpr std::string_view config_name = "log_cosh_wells";
  /// Up to this dimension critical_points() lists all 3^d points, beyond a representative set.
  static constexpr Index full_listing_max_dim = 5;

  explicit LogCoshWells(Index d = 1) : d_(d) {
    require(d >= 1, "log_cosh_wells: dimension must be at least 1");
    // Newton on φ(w) = w − 2 tanh w from w = 2 (φ is convex on w > 0 and φ(2) > 0: monotone convergence).
    double w = 2.0;
    for (int it = 0; it < 100; ++it) {
      const double step = derivative1(w) / second1(w);
      w -= step;
      if (std::abs(step) <= 4.0 * std::numeric_limits<double>::epsilon() * w) break;
    }
    w_star_ = w;
  }

  [[nodiscard]] Index dim() const { return d_; }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  /// β = sup_θ ‖∇²L(θ)‖ = 1.
  [[nodiscard]] static constexpr double smoothness() { return 1.0; }
  /// w* > 0 with w* = 2 tanh w*.
  [[nodiscard]] double well_position() const { return w_star_; }

  // Per-coordinate scalar forms (the whole landscape when d = 1).
  [[nodiscard]] static double value1(double w) {
    const double a = std::abs(w);  // log cosh w = |w| + log1p(e^{−2|w|}) − log 2, overflow-free
    return 0.5 * w * w - 2.0 * (a + std::log1p(std::exp(-2.0 * a)) - std::numbers::ln2);
  }
  [[nodiscard]] static double derivative1(double w) { return w - 2.0 * std::tanh(w); }
  [[nodiscard]] static double second1(double w) {
    const double t = std::tanh(w);
    return 1.0 - 2.0 * (1.0 - t * t);
  }
  static void gradient2(double x, double y, double& gx, double& gy) {
    gx = derivative1(x);
    gy = derivative1(y);
  }

  [[nodiscard]] double value(const Vec& x) const {
    double v = 0.0;
    for (Index j = 0; j < x.size(); ++j) v += value1(x[j]);
    return v;
  }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(x.size());
    for (Index j = 0; j < x.size(); ++j) g[j] = derivative1(x[j]);
  }
  void hessian(const Vec& x, Mat& H) const {
    H.setZero(x.size(), x.size());
    for (Index j = 0; j < x.size(); ++j) H(j, j) = second1(x[j]);
  }

  /// [−5, 5]^d: on the edge ℓ(±5) − ℓ(w*) ≈ 4.5 ≈ 7 barriers ΔL = ℓ(0) − ℓ(w*) ≈ 0.65.
  [[nodiscard]] Box box() const { return {Vec::Constant(d_, -5.0), Vec::Constant(d_, 5.0)}; }
  /// ΔL = ℓ(0) − ℓ(w*), the barrier of one coordinate.
  [[nodiscard]] double barrier_height() const { return -value1(w_star_); }

  /// d ≤ 5: all 3^d points (coordinates in {−w*, 0, w*}, first coordinate varying fastest).
  /// Larger d: all +w*, all −w*, alternating ±w* (minima); the origin (maximum); and the
  /// index-1 saddles with coordinate 0, d/2 or d−1 set to 0 and the others +w*.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    std::vector<CriticalPoint> pts;
    if (d_ <= full_listing_max_dim) {
      Index total = 1;
      for (Index j = 0; j < d_; ++j) total *= 3;
      Vec digits(d_);
      for (Index n = 0; n < total; ++n) {
        Index r = n;
        for (Index j = 0; j < d_; ++j, r /= 3) digits[j] = static_cast<double>(r % 3) - 1.0;
        pts.push_back(point(digits));
      }
      return pts;
    }
    Vec s = Vec::Ones(d_);
    pts.push_back(point(s));
    pts.push_back(point(-s));
    for (Index j = 0; j < d_; ++j) s[j] = (j % 2 == 0) ? 1.0 : -1.0;
    pts.push_back(point(s));
    pts.push_back(point(Vec::Zero(d_)));
    for (Index k : {Index{0}, d_ / 2, d_ - 1}) {
      s.setOnes();
      s[k] = 0.0;
      pts.push_back(point(s));
    }
    return pts;
  }

 private:
  /// The critical point w*·s for a sign pattern s ∈ {−1, 0, 1}^d.
  [[nodiscard]] CriticalPoint point(const Vec& s) const {
    const Vec x = w_star_ * s;
    const Index zeros = (s.array() == 0.0).count();
    const CriticalKind kind =
        zeros == 0 ? CriticalKind::minimum : (zeros == d_ ? CriticalKind::maximum : CriticalKind::saddle);
    return {x, kind, value(x)};
  }

  Index d_;
  double w_star_ = 0.0;
};

}  // namespace sgdsde
