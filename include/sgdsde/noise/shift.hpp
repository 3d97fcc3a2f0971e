#pragma once
// Shift noise (THEORY §1): ℓ_i(θ) = L₀(θ − ξ_i), ξ_i = chol(C) z_i (CounterRng, Purpose::data,
// slots 0 …), centred exactly. The finite-sum loss is then the landscape smoothed by the data,
//   L(θ) = (1/N) Σ_i L₀(θ − ξ_i),
// which is NOT L₀ (equal for a quadratic L₀ only up to a constant; different minima in general).
// value, gradient and Hessian here are those of this L (O(N d) each); its critical points are the
// landscape's refined by Newton on this L. ∇ℓ_i = ∇L₀(θ − ξ_i); Σ₁(θ) is computed exactly from the
// N per-sample gradients (O(N d²)); near a minimum Σ₁ ≈ H C H.
// batch_gradient costs B landscape gradients, O(B·d) for the landscapes of this project.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/landscapes/critical_search.hpp"
#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde {

template <Landscape L>
class ShiftNoise {
 public:
  static constexpr std::string_view config_name = "shift";

  ShiftNoise(L landscape, Index num_samples, const Mat& C, std::uint64_t seed)
      : landscape_(std::move(landscape)), C_(C) {
    const Index d = landscape_.dim();
    require(num_samples >= 2, "shift noise: need at least 2 samples");
    require(C.rows() == d, "shift noise: covariance and landscape have different dimensions");
    xi_ =
        detail::cholesky_factor(C, "shift noise") * detail::data_normals(CounterRng(seed), d, num_samples, 0);
    detail::centre_rows(xi_);
  }
  static ShiftNoise isotropic(L landscape, Index num_samples, double sigma, std::uint64_t seed) {
    require(sigma > 0.0, "shift noise: sigma must be > 0");
    const Index d = landscape.dim();
    return ShiftNoise(std::move(landscape), num_samples, sigma * sigma * Mat::Identity(d, d), seed);
  }

  // ---- Landscape (of the smoothed loss L) ----
  [[nodiscard]] Index dim() const { return landscape_.dim(); }
  [[nodiscard]] std::string name() const { return landscape_.name() + "+shift"; }
  [[nodiscard]] double value(const Vec& x) const {
    Vec y(dim());
    double s = 0.0;
    for (Index i = 0; i < num_samples(); ++i) {
      y = x - xi_.col(i);
      s += landscape_.value(y);
    }
    return s / static_cast<double>(num_samples());
  }
  void gradient(const Vec& x, Vec& g) const {
    Vec y(dim()), gi(dim());
    g = Vec::Zero(dim());
    for (Index i = 0; i < num_samples(); ++i) {
      y = x - xi_.col(i);
      landscape_.gradient(y, gi);
      g += gi;
    }
    g /= static_cast<double>(num_samples());
  }
  void hessian(const Vec& x, Mat& H) const {
    Vec y(dim());
    Mat Hi(dim(), dim());
    H = Mat::Zero(dim(), dim());
    for (Index i = 0; i < num_samples(); ++i) {
      y = x - xi_.col(i);
      landscape_.hessian(y, Hi);
      H += Hi;
    }
    H /= static_cast<double>(num_samples());
  }
  [[nodiscard]] Box box() const { return landscape_.box(); }
  /// The landscape's critical points, each refined by Newton on the smoothed L (throws
  /// NumericalError if the smoothing destroyed one, e.g. a barrier lower than the shifts).
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const {
    std::vector<CriticalPoint> pts;
    for (const auto& cp : landscape_.critical_points())
      pts.push_back(refine_critical_point(*this, cp.location, "smoothed critical point"));
    return pts;
  }

  // ---- FiniteSum ----
  [[nodiscard]] Index num_samples() const { return xi_.cols(); }
  void per_sample_gradient(const Vec& x, Index i, Vec& g) const {
    Vec& y = workspace<0>(dim());
    y = x - xi_.col(i);
    landscape_.gradient(y, g);
  }
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
    const Index d = dim();
    Vec& y = workspace<0>(d);
    Vec& gi = workspace<1>(d);
    g = Vec::Zero(d);
    for (const Index i : batch) {
      y = x - xi_.col(i);
      landscape_.gradient(y, gi);
      g += gi;
    }
    g /= static_cast<double>(batch.size());
  }
  [[nodiscard]] Mat per_sample_covariance(const Vec& x) const {
    return per_sample_covariance_direct(*this, x);
  }

  [[nodiscard]] const L& landscape() const { return landscape_; }
  [[nodiscard]] const Mat& nominal_covariance() const { return C_; }
  [[nodiscard]] const Mat& noise() const { return xi_; }

 private:
  /// Per-thread work vector (allocated once per thread and size; no allocation in the hot loop).
  template <int which>
  static Vec& workspace(Index n) {
    thread_local Vec w;
    if (w.size() != n) w.resize(n);
    return w;
  }
  L landscape_;
  Mat C_;
  Mat xi_;
};

}  // namespace sgdsde
