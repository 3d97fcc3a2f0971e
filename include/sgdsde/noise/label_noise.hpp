#pragma once
// Label noise with an additive floor (THEORY §1) on a ResidualLandscape L₀ = ½ f²:
//   ℓ_i(θ) = ½ (f(θ) − ε_i)² + ξ_iᵀθ,
// ε_i = σ z_i (CounterRng, Purpose::data, slot 2²³), ξ_i = chol(C_floor) z'_i (slots 0 …), both
// centred exactly. Then
//   L(θ) = ½ f² + ½ mean(ε²)               (the landscape raised by a constant; same critical points),
//   ∇ℓ_i = (f − ε_i) ∇f + ξ_i,   ∇L = f ∇f,
//   Σ₁(θ) = mean(ε²) ∇f∇fᵀ − ∇f cᵀ − c ∇fᵀ + mean(ξξᵀ),   c = mean(ε_i ξ_i)   (exact: sample cross terms
//   kept).
// At a minimum (f = 0) Σ₁ = mean(ε²) H + floor terms: the noise follows the sharpness |∇f|².
// A zero floor (floor_sigma = 0 / no floor matrix) gives pure label noise.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde {

template <ResidualLandscape R>
class LabelNoise {
 public:
  static constexpr std::string_view config_name = "label_noise";
  static constexpr std::uint32_t label_slot = 1u << 23;

  /// N samples, label standard deviation σ, floor covariance C_floor (d × d SPD, or an empty
  /// matrix for no floor), data seed.
  LabelNoise(R landscape, Index num_samples, double sigma, const Mat& floor_covariance, std::uint64_t seed)
      : landscape_(std::move(landscape)), sigma_(sigma) {
    const Index d = landscape_.dim(), N = num_samples;
    require(N >= 2, "label noise: need at least 2 samples");
    require(std::isfinite(sigma) && sigma >= 0.0, "label noise: sigma must be >= 0");
    const CounterRng rng(seed);
    eps_ = sigma * detail::data_normals(rng, 1, N, label_slot).row(0).transpose();
    eps_.array() -= eps_.mean();
    if (floor_covariance.size() == 0) {
      xi_ = Mat::Zero(d, N);
    } else {
      require(floor_covariance.rows() == d, "label noise: floor covariance has the wrong dimension");
      xi_ =
          detail::cholesky_factor(floor_covariance, "label noise floor") * detail::data_normals(rng, d, N, 0);
      detail::centre_rows(xi_);
    }
    has_floor_ = floor_covariance.size() != 0;
    m_ee_ = eps_.squaredNorm() / static_cast<double>(N);
    c_ = xi_ * eps_ / static_cast<double>(N);
    sxx_ = xi_ * xi_.transpose() / static_cast<double>(N);
    sxx_ = 0.5 * (sxx_ + sxx_.transpose()).eval();
  }
  /// Isotropic floor σ_floor² I (σ_floor = 0: no floor).
  static LabelNoise isotropic(R landscape, Index num_samples, double sigma, double floor_sigma,
                              std::uint64_t seed) {
    require(floor_sigma >= 0.0, "label noise: floor sigma must be >= 0");
    const Index d = landscape.dim();
    const Mat C = floor_sigma > 0.0 ? Mat(floor_sigma * floor_sigma * Mat::Identity(d, d)) : Mat();
    return LabelNoise(std::move(landscape), num_samples, sigma, C, seed);
  }

  // ---- Landscape ----
  [[nodiscard]] Index dim() const { return landscape_.dim(); }
  [[nodiscard]] std::string name() const { return landscape_.name() + "+label_noise"; }
  [[nodiscard]] double value(const Vec& x) const {
    const double f = landscape_.residual(x);
    return 0.5 * f * f + 0.5 * m_ee_;
  }
  void gradient(const Vec& x, Vec& g) const {
    landscape_.residual_gradient(x, g);
    g *= landscape_.residual(x);
  }
  void hessian(const Vec& x, Mat& H) const {
    Vec df(dim());
    landscape_.residual_gradient(x, df);
    landscape_.residual_hessian(x, H);
    H *= landscape_.residual(x);
    H.noalias() += df * df.transpose();
  }
  [[nodiscard]] Box box() const { return landscape_.box(); }
  /// The landscape's critical points, values raised by ½ mean(ε²).
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    auto pts = landscape_.critical_points();
    for (auto& p : pts) p.value += 0.5 * m_ee_;
    return pts;
  }

  // ---- FiniteSum ----
  [[nodiscard]] Index num_samples() const { return eps_.size(); }
  void per_sample_gradient(const Vec& x, Index i, Vec& g) const {
    landscape_.residual_gradient(x, g);
    g *= landscape_.residual(x) - eps_[i];
    if (has_floor_) g += xi_.col(i);
  }
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
    const Index d = dim();
    const double inv_b = 1.0 / static_cast<double>(batch.size());
    double e = 0.0;
    for (const Index i : batch) e += eps_[i];
    landscape_.residual_gradient(x, g);
    g *= landscape_.residual(x) - e * inv_b;
    if (!has_floor_) return;
    const double* xi = xi_.data();
    for (Index j = 0; j < d; ++j) {
      double s = 0.0;
      for (const Index i : batch) s += xi[i * d + j];
      g[j] += s * inv_b;
    }
  }
  [[nodiscard]] Mat per_sample_covariance(const Vec& x) const {
    Vec df(dim());
    landscape_.residual_gradient(x, df);
    Mat S = m_ee_ * df * df.transpose();
    S.noalias() -= df * c_.transpose();
    S.noalias() -= c_ * df.transpose();
    S += sxx_;
    return S;
  }

  [[nodiscard]] const R& landscape() const { return landscape_; }
  [[nodiscard]] double sigma() const { return sigma_; }
  /// mean(ε²) (the exact label variance after centring; σ² in expectation).
  [[nodiscard]] double label_variance() const { return m_ee_; }
  [[nodiscard]] const Vec& labels() const { return eps_; }
  [[nodiscard]] const Mat& floor_noise() const { return xi_; }

 private:
  R landscape_;
  double sigma_;
  Vec eps_;
  Mat xi_;
  bool has_floor_ = false;
  double m_ee_ = 0.0;
  Vec c_;
  Mat sxx_;
};

}  // namespace sgdsde
