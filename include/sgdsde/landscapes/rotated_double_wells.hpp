#pragma once
// An n-dimensional non-convex landscape with known critical points and O(d) gradients, for
// dimensions up to ~1000: a sum of 1-D double wells in rotated coordinates,
//   L(θ) = Σ_i a_i (z_i⁴ − 2 z_i²),   z = Q θ,   Q = R(u₂) R(u₁),
// R(u) = I − 2 u uᵀ a Householder reflection (‖u‖ = 1), so Q is a fixed orthogonal matrix (a
// rotation) that couples every coordinate, applied in O(d) without forming it. u₁ = 1/√d (the
// all-ones direction: z depends on θ and its mean), u₂ a fixed pseudo-random unit vector from
// CounterRng(seed). With ψ_i(z) = a_i (z⁴ − 2z²):
//   ∇L = Qᵀ ψ'(z),   ∇²L = Qᵀ diag(a_i(12 z_i² − 4)) Q.
// Critical points: z ∈ {−1, 0, 1}^d, θ = Qᵀ z; minimum when no z_i is 0 (value −Σ a_i), maximum
// when all are (the origin, value 0), an index-k saddle with k zeros. 3^d of them, so only a
// representative set is listed beyond d = 5.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class RotatedDoubleWells {
 public:
  static constexpr std::string_view config_name = "rotated_double_wells";
  static constexpr Index full_listing_max_dim = 5;
  static constexpr std::uint64_t default_seed = 20240601;

  /// Well weights a_i (all > 0) and the seed of the rotation's second reflection vector.
  explicit RotatedDoubleWells(const Vec& weights, std::uint64_t seed = default_seed)
      : a_(weights), seed_(seed) {
    require(a_.size() >= 1, "rotated_double_wells: dimension must be at least 1");
    require(a_.allFinite() && (a_.array() > 0.0).all(), "rotated_double_wells: weights must be positive");
    const Index d = a_.size();
    u1_ = Vec::Constant(d, 1.0 / std::sqrt(static_cast<double>(d)));
    u2_.resize(d);
    const CounterRng rng(seed);
    for (Index i = 0; i < d; ++i) {
      u2_[i] = rng.normal_pair(static_cast<std::uint32_t>(i), 0, CounterRng::slot(Purpose::aux, 0))[0];
    }
    u2_ /= u2_.norm();
    c12_ = u1_.dot(u2_);
    // Box: |θ_i| over the minima θ = Qᵀ z, z ∈ {±1}^d, is at most Σ_j |Q_ji| = ‖Q e_i‖₁.
    half_width_.resize(d);
    Vec e = Vec::Zero(d), col(d);
    for (Index i = 0; i < d; ++i) {
      e[i] = 1.0;
      rotate(e, col);
      half_width_[i] = col.cwiseAbs().sum() + 1.0;
      e[i] = 0.0;
    }
  }
  /// d wells with weights log-spaced from a_min to a_max (equal weights by default).
  explicit RotatedDoubleWells(Index d, double a_min = 1.0, double a_max = 1.0,
                              std::uint64_t seed = default_seed)
      : RotatedDoubleWells(log_spaced(d, a_min, a_max), seed) {}

  [[nodiscard]] Index dim() const { return a_.size(); }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] const Vec& weights() const { return a_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  /// Depth of every minimum, Σ a_i (value −Σ a_i; the origin has value 0).
  [[nodiscard]] double depth() const { return a_.sum(); }

  /// z = Q θ (O(d), allocation-free once z has size d; z may not alias θ).
  void rotate(const Vec& theta, Vec& z) const {
    const double s1 = u1_.dot(theta), s2 = u2_.dot(theta) - 2.0 * s1 * c12_;
    z.resize(theta.size());
    z = theta - (2.0 * s1) * u1_ - (2.0 * s2) * u2_;
  }
  /// θ = Qᵀ z (the inverse of rotate).
  void unrotate(const Vec& z, Vec& theta) const {
    const double t2 = u2_.dot(z), t1 = u1_.dot(z) - 2.0 * t2 * c12_;
    theta.resize(z.size());
    theta = z - (2.0 * t2) * u2_ - (2.0 * t1) * u1_;
  }

  [[nodiscard]] double value(const Vec& theta) const {
    const double s1 = u1_.dot(theta), s2 = u2_.dot(theta) - 2.0 * s1 * c12_;
    double v = 0.0;
    for (Index i = 0; i < theta.size(); ++i) {
      const double z = theta[i] - 2.0 * s1 * u1_[i] - 2.0 * s2 * u2_[i], z2 = z * z;
      v += a_[i] * z2 * (z2 - 2.0);
    }
    return v;
  }
  /// ∇L = Qᵀ ψ'(Qθ) in three O(d) passes, allocation-free once g has size d.
  void gradient(const Vec& theta, Vec& g) const {
    const Index d = theta.size();
    g.resize(d);
    const double s1 = u1_.dot(theta), s2 = u2_.dot(theta) - 2.0 * s1 * c12_;
    double t1 = 0.0, t2 = 0.0;
    for (Index i = 0; i < d; ++i) {
      const double z = theta[i] - 2.0 * s1 * u1_[i] - 2.0 * s2 * u2_[i];
      const double p = 4.0 * a_[i] * z * (z * z - 1.0);
      g[i] = p;
      t1 += u1_[i] * p;
      t2 += u2_[i] * p;
    }
    t1 -= 2.0 * t2 * c12_;
    for (Index i = 0; i < d; ++i) g[i] -= 2.0 * t2 * u2_[i] + 2.0 * t1 * u1_[i];
  }
  /// ∇²L v = Qᵀ diag(ψ''(z)) Q v, O(d).
  void hessian_vector_product(const Vec& theta, const Vec& v, Vec& Hv) const {
    Vec z, w;
    rotate(theta, z);
    rotate(v, w);
    w.array() *= a_.array() * (12.0 * z.array().square() - 4.0);
    unrotate(w, Hv);
  }
  /// Dense Hessian Qᵀ D Q in O(d²): each reflection R acts as X ↦ X − 2u wᵀ − 2w uᵀ + 4(uᵀw) u uᵀ, w = Xu.
  void hessian(const Vec& theta, Mat& H) const {
    Vec z;
    rotate(theta, z);
    H = (a_.array() * (12.0 * z.array().square() - 4.0)).matrix().asDiagonal();
    reflect_both_sides(H, u2_);
    reflect_both_sides(H, u1_);
  }

  /// Per axis i: ±(max |θ_i| over all 2^d minima + 1).
  [[nodiscard]] Box box() const { return {-half_width_, half_width_}; }

  /// d ≤ 5: all 3^d points (z ∈ {−1, 0, 1}^d, z_0 varying fastest). Larger d: the minima
  /// z = all +1, all −1, alternating ±1; the origin (maximum); the index-1 saddles with z_k = 0
  /// for k = 0, d/2, d−1 and the other z_i = +1.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    const Index d = dim();
    std::vector<CriticalPoint> pts;
    if (d <= full_listing_max_dim) {
      Index total = 1;
      for (Index j = 0; j < d; ++j) total *= 3;
      Vec z(d);
      for (Index n = 0; n < total; ++n) {
        Index r = n;
        for (Index j = 0; j < d; ++j, r /= 3) z[j] = static_cast<double>(r % 3) - 1.0;
        pts.push_back(point(z));
      }
      return pts;
    }
    Vec z = Vec::Ones(d);
    pts.push_back(point(z));
    pts.push_back(point(-z));
    for (Index j = 0; j < d; ++j) z[j] = (j % 2 == 0) ? 1.0 : -1.0;
    pts.push_back(point(z));
    pts.push_back(point(Vec::Zero(d)));
    for (Index k : {Index{0}, d / 2, d - 1}) {
      z.setOnes();
      z[k] = 0.0;
      pts.push_back(point(z));
    }
    return pts;
  }

 private:
  static Vec log_spaced(Index d, double a_min, double a_max) {
    require(d >= 1, "rotated_double_wells: dimension must be at least 1");
    require(std::isfinite(a_min) && std::isfinite(a_max) && a_min > 0.0 && a_max >= a_min,
            "rotated_double_wells: need 0 < a_min <= a_max");
    Vec a(d);
    for (Index i = 0; i < d; ++i) {
      const double f = d == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(d - 1);
      a[i] = a_min * std::pow(a_max / a_min, f);
    }
    return a;
  }
  static void reflect_both_sides(Mat& X, const Vec& u) {
    const Vec w = X * u;
    const double uw = u.dot(w);
    X.noalias() -= 2.0 * u * w.transpose();
    X.noalias() -= 2.0 * w * u.transpose();
    X.noalias() += (4.0 * uw) * u * u.transpose();
  }
  /// The critical point θ = Qᵀ z for z ∈ {−1, 0, 1}^d.
  [[nodiscard]] CriticalPoint point(const Vec& z) const {
    Vec theta;
    unrotate(z, theta);
    const Index zeros = (z.array() == 0.0).count();
    const CriticalKind kind =
        zeros == 0 ? CriticalKind::minimum : (zeros == dim() ? CriticalKind::maximum : CriticalKind::saddle);
    double v = 0.0;
    for (Index i = 0; i < dim(); ++i) v += a_[i] * z[i] * z[i] * (z[i] * z[i] - 2.0);
    return {theta, kind, v};
  }

  Vec a_;
  std::uint64_t seed_;
  Vec u1_, u2_, half_width_;
  double c12_ = 0.0;
};

}  // namespace sgdsde
