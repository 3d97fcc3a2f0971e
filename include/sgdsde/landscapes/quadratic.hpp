#pragma once
// Quadratic landscape L(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) with H symmetric positive definite, any
// dimension (THEORY §3 Ornstein–Uhlenbeck, §4 Mandt–Hoffman–Blei). One critical point: the
// minimum θ*, of value 0. A diagonal H is detected and used for O(d) gradients.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

class Quadratic {
 public:
  static constexpr std::string_view config_name = "quadratic";

  /// H must be square, finite, symmetric (to 1e-12 relative) and positive definite; centre θ*
  /// must have matching size. Throws InputError otherwise.
  /// (Out of line, in src/landscapes/quadratic.cpp: Eigen's eigensolver and Cholesky.)
  Quadratic(const Mat& H, const Vec& centre);
  /// Centred at the origin.
  explicit Quadratic(const Mat& H) : Quadratic(H, Vec::Zero(H.rows())) {}
  /// H = diag(h) (all h_j > 0).
  static Quadratic diagonal(const Vec& h, const Vec& centre) {
    return Quadratic(Mat(h.asDiagonal()), centre);
  }
  static Quadratic diagonal(const Vec& h) { return diagonal(h, Vec::Zero(h.size())); }
  /// H = h I in dimension d.
  static Quadratic isotropic(Index d, double h) { return diagonal(Vec::Constant(d, h)); }

  [[nodiscard]] Index dim() const { return H_.rows(); }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] const Mat& curvature() const { return H_; }
  [[nodiscard]] const Vec& centre() const { return centre_; }
  /// Eigenvalues of H, ascending.
  [[nodiscard]] const Vec& eigenvalues() const { return eigenvalues_; }
  [[nodiscard]] bool is_diagonal() const { return diagonal_; }

  [[nodiscard]] double value(const Vec& x) const {
    double v = 0.0;
    for (Index j = 0; j < dim(); ++j) {
      const double rj = x[j] - centre_[j];
      if (diagonal_) {
        v += h_[j] * rj * rj;
        continue;
      }
      double s = 0.0;
      for (Index i = 0; i < dim(); ++i) s += H_(i, j) * (x[i] - centre_[i]);
      v += rj * s;
    }
    return 0.5 * v;
  }
  void gradient(const Vec& x, Vec& g) const {
    // d ≤ 2 through the scalar forms, so that the fused particle loops (which call them) agree
    // bit for bit with per-particle code.
    if (dim() == 1) {
      g.resize(1);
      g[0] = derivative1(x[0]);
    } else if (dim() == 2) {
      g.resize(2);
      gradient2(x[0], x[1], g[0], g[1]);
    } else if (diagonal_) {
      g = h_.cwiseProduct(x - centre_);
    } else {
      g.resize(dim());
      g.noalias() = H_ * x;
      g -= Hc_;
    }
  }
  void hessian(const Vec& /*x*/, Mat& H) const { H = H_; }
  /// H v (the Hessian is constant).
  void hessian_vector_product(const Vec& /*x*/, const Vec& v, Vec& Hv) const {
    Hv.resize(dim());
    Hv.noalias() = H_ * v;
  }

  // Scalar forms for the particle loops (only for dim() == 1, resp. dim() == 2).
  [[nodiscard]] double value1(double w) const { return 0.5 * H_(0, 0) * (w - centre_[0]) * (w - centre_[0]); }
  [[nodiscard]] double derivative1(double w) const { return H_(0, 0) * (w - centre_[0]); }
  [[nodiscard]] double second1(double /*w*/) const { return H_(0, 0); }
  void gradient2(double x, double y, double& gx, double& gy) const {
    const double rx = x - centre_[0], ry = y - centre_[1];
    gx = H_(0, 0) * rx + H_(0, 1) * ry;
    gy = H_(1, 0) * rx + H_(1, 1) * ry;
  }

  /// θ* ± 3 sqrt((H⁻¹)_jj): three marginal standard deviations of the Gibbs density at T = 1.
  [[nodiscard]] Box box() const { return box_; }
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    return {{centre_, CriticalKind::minimum, 0.0}};
  }

 private:
  Mat H_;
  Vec centre_;
  Vec eigenvalues_;
  Vec h_;
  Vec Hc_;  // H θ*
  Box box_;
  bool diagonal_ = false;
};

}  // namespace sgdsde
