#pragma once
// Data-driven noise: least-squares linear regression in any dimension d (THEORY §1).
// Inputs a_i = chol(Σ_a) z_i (CounterRng, Purpose::data, slots 0 …), labels y_i = a_iᵀ w* + ε_i with
// ε_i = σ z'_i (slot 2²³) centred exactly;  ℓ_i(θ) = ½ (a_iᵀθ − y_i)².
//   L(θ) = ½ θᵀHθ − bᵀθ + c,   H = (1/N) Σ a_i a_iᵀ,  b = (1/N) Σ y_i a_i,  c = (1/(2N)) Σ y_i²;
//   minimum θ̂ = H⁻¹ b (least squares), ∇ℓ_i = a_i (a_iᵀθ − y_i),
//   Σ₁(θ) = (1/N) Σ r_i² a_i a_iᵀ − ∇L ∇Lᵀ,  r_i = a_iᵀθ − y_i  (O(N d²), exact).
// A batch gradient costs O(B·d).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Cholesky>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde {

class LinearRegression {
 public:
  static constexpr std::string_view config_name = "linear_regression";
  static constexpr std::uint32_t label_slot = 1u << 23;

  /// N samples, true weights w* (its size is d), label noise σ ≥ 0, input covariance Σ_a (d × d SPD).
  LinearRegression(Index num_samples, const Vec& w_star, double sigma, const Mat& input_covariance,
                   std::uint64_t seed)
      : w_star_(w_star), sigma_(sigma) {
    const Index d = w_star.size(), N = num_samples;
    require(d >= 1, "linear regression: need d >= 1");
    require(N >= d + 1, "linear regression: need more samples than dimensions");
    require(std::isfinite(sigma) && sigma >= 0.0, "linear regression: sigma must be >= 0");
    require(input_covariance.rows() == d, "linear regression: input covariance has the wrong dimension");
    const CounterRng rng(seed);
    a_ = detail::cholesky_factor(input_covariance, "linear regression inputs") *
         detail::data_normals(rng, d, N, 0);
    Vec eps = sigma * detail::data_normals(rng, 1, N, label_slot).row(0).transpose();
    eps.array() -= eps.mean();
    y_ = a_.transpose() * w_star + eps;
    H_ = a_ * a_.transpose() / static_cast<double>(N);
    H_ = 0.5 * (H_ + H_.transpose()).eval();
    b_ = a_ * y_ / static_cast<double>(N);
    c_ = 0.5 * y_.squaredNorm() / static_cast<double>(N);
    Eigen::LLT<Mat> llt(H_);
    if (llt.info() != Eigen::Success)
      throw NumericalError("linear regression: the design matrix is singular");
    theta_hat_ = llt.solve(b_);
  }
  /// Standard normal inputs (Σ_a = I).
  LinearRegression(Index num_samples, const Vec& w_star, double sigma, std::uint64_t seed)
      : LinearRegression(num_samples, w_star, sigma, Mat::Identity(w_star.size(), w_star.size()), seed) {}

  // ---- Landscape ----
  [[nodiscard]] Index dim() const { return w_star_.size(); }
  [[nodiscard]] std::string name() const { return std::string(config_name); }
  [[nodiscard]] double value(const Vec& x) const { return 0.5 * x.dot(H_ * x) - b_.dot(x) + c_; }
  void gradient(const Vec& x, Vec& g) const {
    g.resize(dim());
    g.noalias() = H_ * x;
    g -= b_;
  }
  void hessian(const Vec& /*x*/, Mat& H) const { H = H_; }
  /// θ̂ ± 3 (‖w*‖∞ + 1) per axis.
  [[nodiscard]] Box box() const {
    const double r = 3.0 * (w_star_.cwiseAbs().maxCoeff() + 1.0);
    return {theta_hat_.array() - r, theta_hat_.array() + r};
  }
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    return {{theta_hat_, CriticalKind::minimum, value(theta_hat_)}};
  }

  // ---- FiniteSum ----
  [[nodiscard]] Index num_samples() const { return y_.size(); }
  void per_sample_gradient(const Vec& x, Index i, Vec& g) const {
    const double r = a_.col(i).dot(x) - y_[i];
    g = r * a_.col(i);
  }
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
    const Index d = dim();
    g.setZero(d);
    // r_i as in per_sample_gradient (Eigen's vectorised dot: the strict left-to-right sum did not
    // vectorise and bounded the ensemble at ~2 GFlop/s, docs/benchmarks.md).
    for (const Index i : batch) {
      const double r = a_.col(i).dot(x) - y_[i];
      g.noalias() += r * a_.col(i);
    }
    g /= static_cast<double>(batch.size());
  }
  [[nodiscard]] Mat per_sample_covariance(const Vec& x) const {
    const Index d = dim(), N = num_samples();
    Vec grad(d);
    gradient(x, grad);
    const Eigen::ArrayXd r = (a_.transpose() * x - y_).array();
    const Mat weighted = a_.array().rowwise() * r.transpose();
    Mat S = weighted * weighted.transpose() / static_cast<double>(N);
    S.noalias() -= grad * grad.transpose();
    return 0.5 * (S + S.transpose());
  }

  /// The least-squares minimum θ̂.
  [[nodiscard]] const Vec& minimizer() const { return theta_hat_; }
  [[nodiscard]] const Vec& true_weights() const { return w_star_; }
  [[nodiscard]] const Mat& inputs() const { return a_; }
  [[nodiscard]] const Vec& labels() const { return y_; }

 private:
  Vec w_star_;
  double sigma_;
  Mat a_;
  Vec y_;
  Mat H_;
  Vec b_;
  double c_ = 0.0;
  Vec theta_hat_;
};

}  // namespace sgdsde
