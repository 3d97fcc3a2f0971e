#pragma once
// Data-driven noise: least-squares linear regression in any dimension d (THEORY §1).
// Inputs a_i = chol(Σ_a) z_i (CounterRng, Purpose::data, slots 0 …), labels y_i = a_iᵀ w* + ε_i with
// ε_i = σ z'_i (slot 2²³) centred exactly;  ℓ_i(θ) = ½ (a_iᵀθ − y_i)².
//   L(θ) = ½ θᵀHθ − bᵀθ + c,   H = (1/N) Σ a_i a_iᵀ,  b = (1/N) Σ y_i a_i,  c = (1/(2N)) Σ y_i²;
//   minimum θ̂ = H⁻¹ b (least squares), ∇ℓ_i = a_i (a_iᵀθ − y_i),
//   Σ₁(θ) = (1/N) Σ r_i² a_i a_iᵀ − ∇L ∇Lᵀ,  r_i = a_iᵀθ − y_i  (O(N d²), exact).
// A batch gradient costs O(B·d).
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Cholesky>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/noise/finite_sum.hpp"

namespace sgdsde {

namespace detail {
/// Lanes of the dot-product accumulators (one AVX-512 register).
inline constexpr int kDotLanes = 8;

/// out[c] = cols[c] · x (length d) for G columns at once, in a fixed order of our own (the same
/// bits with or without AVX-512, at any optimisation level, whatever the compiler contracts):
/// lane l ∈ [0, 8) accumulates acc_l = fma(a_j, x_j, acc_l) over j ≡ l (mod 8), j ascending,
/// from acc_l = +0; then out = ((acc_0 + acc_4) + (acc_2 + acc_6)) + ((acc_1 + acc_5) + (acc_3 + acc_7)).
/// The G independent sums overlap the gathered columns' cache misses and the FMA latencies.
template <int G>
void dot_group(const double* const* cols, const double* x, Index d, double* out) {
#if defined(__AVX512F__)
  __m512d acc[G];
  for (int c = 0; c < G; ++c) acc[c] = _mm512_setzero_pd();
  Index j = 0;
  for (; j + kDotLanes <= d; j += kDotLanes) {
    const __m512d xv = _mm512_loadu_pd(x + j);
    for (int c = 0; c < G; ++c) acc[c] = _mm512_fmadd_pd(_mm512_loadu_pd(cols[c] + j), xv, acc[c]);
  }
  if (j < d) {  // lanes l < d − j only; the others keep their accumulator (signed zeros included)
    const auto m = static_cast<__mmask8>((1u << (d - j)) - 1u);
    const __m512d xv = _mm512_maskz_loadu_pd(m, x + j);
    for (int c = 0; c < G; ++c)
      acc[c] = _mm512_mask3_fmadd_pd(_mm512_maskz_loadu_pd(m, cols[c] + j), xv, acc[c], m);
  }
  for (int c = 0; c < G; ++c) {
    const __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(acc[c]), _mm512_extractf64x4_pd(acc[c], 1));
    const __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    out[c] = _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
  }
#else
  for (int c = 0; c < G; ++c) {
    double acc[kDotLanes] = {};
    for (Index j = 0; j < d; ++j) acc[j % kDotLanes] = std::fma(cols[c][j], x[j], acc[j % kDotLanes]);
    out[c] = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
  }
#endif
}

/// g[j] = fma(r[c], cols[c][j], g[j]) for c = 0 … G−1 in order, every j (an exact fused
/// multiply-add each, so the same bits with or without AVX-512).
template <int G>
void axpy_group(const double* r, const double* const* cols, double* g, Index d) {
#if defined(__AVX512F__)
  __m512d rv[G];
  for (int c = 0; c < G; ++c) rv[c] = _mm512_set1_pd(r[c]);
  Index j = 0;
  for (; j + kDotLanes <= d; j += kDotLanes) {
    __m512d acc = _mm512_loadu_pd(g + j);
    for (int c = 0; c < G; ++c) acc = _mm512_fmadd_pd(rv[c], _mm512_loadu_pd(cols[c] + j), acc);
    _mm512_storeu_pd(g + j, acc);
  }
  if (j < d) {
    const auto m = static_cast<__mmask8>((1u << (d - j)) - 1u);
    __m512d acc = _mm512_maskz_loadu_pd(m, g + j);
    for (int c = 0; c < G; ++c) acc = _mm512_fmadd_pd(rv[c], _mm512_maskz_loadu_pd(m, cols[c] + j), acc);
    _mm512_mask_storeu_pd(g + j, m, acc);
  }
#else
  for (Index j = 0; j < d; ++j)
    for (int c = 0; c < G; ++c) g[j] = std::fma(r[c], cols[c][j], g[j]);
#endif
}
}  // namespace detail

class LinearRegression {
 public:
  static constexpr std::string_view config_name = "linear_regression";
  static constexpr std::uint32_t label_slot = 1u << 23;

  /// N samples, true weights w* (its size is d), label noise σ ≥ 0, input covariance Σ_a (d × d SPD).
  LinearRegression(Index num_samples, const Vec& w_star, double sigma, const Mat& input_covariance,
                   std::uint64_t seed)
      : w_star_(w_star) {
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
    const double* col = a_.col(i).data();
    double r = 0.0;
    detail::dot_group<1>(&col, x.data(), dim(), &r);  // batch_gradient's residual, bit for bit
    r -= y_[i];
    g = r * a_.col(i);
  }
  /// (1/B) Σ_b a_{i_b} r_{i_b}, r_i = a_iᵀx − y_i, in this order: the batch cut into groups of 8
  /// consecutive samples, then at most one of 4, then single samples; per group the residuals
  /// (detail::dot_group), then g += r_i a_i in batch order per coordinate (detail::axpy_group, one
  /// FMA each); finally g /= B. The order is ours, not Eigen's, so it is the same in every build.
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
    const Index d = dim();
    g.setZero(d);
    std::size_t b = 0;
    for (; b + 8 <= batch.size(); b += 8) {
      // Memory hint (no effect on g): the next group's columns, whose latency otherwise stalls the
      // group's loads (the inputs, 8 MB at d = 100, N = 10⁴, live in L3).
      prefetch(batch.subspan(b + 8, std::min<std::size_t>(8, batch.size() - b - 8)));
      sum_group<8>(x, batch.subspan(b, 8), g);
    }
    if (b + 4 <= batch.size()) {
      sum_group<4>(x, batch.subspan(b, 4), g);
      b += 4;
    }
    for (; b < batch.size(); ++b) sum_group<1>(x, batch.subspan(b, 1), g);
    g /= static_cast<double>(batch.size());
  }

  /// Memory hint only (no effect on any result): asks the cache for the inputs a_i and labels y_i
  /// of the given samples (SgdEnsemble calls it with the first samples of the next run's batch).
  void prefetch(std::span<const Index> samples) const {
    const Index d = dim();
    for (const Index i : samples) {
      const double* col = a_.col(i).data();
      for (Index j = 0; j < d; j += 8) __builtin_prefetch(col + j);  // every line of the column
      __builtin_prefetch(col + d - 1);
      __builtin_prefetch(y_.data() + i);
    }
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
  /// g += a_i (a_iᵀx − y_i) for the G samples i of `group`, in order (detail::dot_group, axpy_group).
  template <int G>
  void sum_group(const Vec& x, std::span<const Index> group, Vec& g) const {
    constexpr auto n = static_cast<std::size_t>(G);
    const double* cols[G];
    double r[G];
    for (std::size_t q = 0; q < n; ++q) cols[q] = a_.col(group[q]).data();
    detail::dot_group<G>(cols, x.data(), dim(), r);
    for (std::size_t q = 0; q < n; ++q) r[q] -= y_[group[q]];
    detail::axpy_group<G>(r, cols, g.data(), dim());
  }

  Vec w_star_;
  Mat a_;
  Vec y_;
  Mat H_;
  Vec b_;
  double c_ = 0.0;
  Vec theta_hat_;
};

}  // namespace sgdsde
