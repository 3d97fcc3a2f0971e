#pragma once
// Additive noise (THEORY §1): ℓ_i(θ) = L(θ) + ξ_iᵀθ over N samples, ξ_i = chol(C) z_i with z_i
// standard normal from CounterRng (Purpose::data, sample i, slots 0 …), then centred exactly
// (Σ_i ξ_i = 0 up to rounding), so the finite-sum loss is the landscape's L and
//   ∇ℓ_i = ∇L + ξ_i,   Σ₁(θ) = (1/N) Σ_i ξ_i ξ_iᵀ  (the sample covariance of the ξ: exact, constant;
// it equals C only in expectation over the data set, see nominal_covariance()).
// ξ is stored column-major d × N (column i = ξ_i contiguous) so that gathering a batch touches
// one cache line per sample; a batch gradient costs one landscape gradient plus O(B·d).
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde {

template <Landscape L>
class AdditiveNoise {
 public:
  static constexpr std::string_view config_name = "additive";

  /// N samples, noise covariance C (d × d SPD), data seed.
  AdditiveNoise(L landscape, Index num_samples, const Mat& C, std::uint64_t seed)
      : landscape_(std::move(landscape)), C_(C) {
    const Index d = landscape_.dim();
    require(num_samples >= 2, "additive noise: need at least 2 samples");
    require(C.rows() == d, "additive noise: covariance and landscape have different dimensions");
    const Mat chol = detail::cholesky_factor(C, "additive noise");
    xi_ = chol * detail::data_normals(CounterRng(seed), d, num_samples, 0);
    detail::centre_rows(xi_);
    sigma1_ = (xi_ * xi_.transpose()) / static_cast<double>(num_samples);
    sigma1_ = 0.5 * (sigma1_ + sigma1_.transpose()).eval();
  }
  /// Given per-sample shifts ξ (d × N, column i = ξ_i; N ≥ 2), centred exactly here; the nominal
  /// covariance is their sample covariance. For noise of any law, e.g. strongly non-Gaussian.
  static AdditiveNoise from_shifts(L landscape, Mat xi) {
    require(xi.rows() == landscape.dim() && xi.cols() >= 2 && xi.allFinite(),
            "additive noise: shifts must be finite, dim x N with N >= 2");
    detail::centre_rows(xi);
    return AdditiveNoise(std::move(landscape), std::move(xi));
  }
  /// 1-D two-point ("Rademacher-like", skewed) shifts: sample 0 at +σ√(N−1), the N − 1 others at
  /// −σ/√(N−1). Mean 0 and variance σ² exactly; skewness (N−2)/√(N−1), excess kurtosis N²/(N−1) − 6.
  static AdditiveNoise two_point(L landscape, Index num_samples, double sigma) {
    require(landscape.dim() == 1 && num_samples >= 2 && sigma > 0.0 && std::isfinite(sigma),
            "additive noise: two-point shifts need a 1-D landscape, N >= 2 and sigma > 0");
    const double r = std::sqrt(static_cast<double>(num_samples - 1));
    Mat xi = Mat::Constant(1, num_samples, -sigma / r);
    xi(0, 0) = sigma * r;
    return from_shifts(std::move(landscape), std::move(xi));
  }
  /// Isotropic C = σ² I.
  static AdditiveNoise isotropic(L landscape, Index num_samples, double sigma, std::uint64_t seed) {
    require(sigma > 0.0, "additive noise: sigma must be > 0");
    const Index d = landscape.dim();
    return AdditiveNoise(std::move(landscape), num_samples, sigma * sigma * Mat::Identity(d, d), seed);
  }

  // ---- Landscape ----
  [[nodiscard]] Index dim() const { return landscape_.dim(); }
  [[nodiscard]] std::string name() const { return landscape_.name() + "+additive"; }
  [[nodiscard]] double value(const Vec& x) const { return landscape_.value(x); }
  void gradient(const Vec& x, Vec& g) const { landscape_.gradient(x, g); }
  void hessian(const Vec& x, Mat& H) const { landscape_.hessian(x, H); }
  [[nodiscard]] Box box() const { return landscape_.box(); }
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return landscape_.critical_points(); }

  // ---- FiniteSum ----
  [[nodiscard]] Index num_samples() const { return xi_.cols(); }
  void per_sample_gradient(const Vec& x, Index i, Vec& g) const {
    landscape_.gradient(x, g);
    g += xi_.col(i);
  }
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
    landscape_.gradient(x, g);
    const Index d = dim();
    const double inv_b = 1.0 / static_cast<double>(batch.size());
    const double* xi = xi_.data();
    for (Index j = 0; j < d; ++j) {
      double s = 0.0;
      for (const Index i : batch) s += xi[i * d + j];
      g[j] += s * inv_b;
    }
  }
  [[nodiscard]] Mat per_sample_covariance(const Vec& /*x*/) const { return sigma1_; }

  [[nodiscard]] const L& landscape() const { return landscape_; }
  /// The C the ξ were drawn with (Σ₁ is their exact sample covariance).
  [[nodiscard]] const Mat& nominal_covariance() const { return C_; }
  /// ξ, d × N, column i = ξ_i.
  [[nodiscard]] const Mat& noise() const { return xi_; }

 private:
  AdditiveNoise(L landscape, Mat xi) : landscape_(std::move(landscape)), xi_(std::move(xi)) {
    sigma1_ = (xi_ * xi_.transpose()) / static_cast<double>(xi_.cols());
    sigma1_ = 0.5 * (sigma1_ + sigma1_.transpose()).eval();
    C_ = sigma1_;
  }
  L landscape_;
  Mat C_;
  Mat xi_;
  Mat sigma1_;
};

}  // namespace sgdsde
