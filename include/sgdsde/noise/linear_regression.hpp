#pragma once
// Data-driven noise: least-squares linear regression in any dimension d (THEORY §1).
// Inputs a_i = chol(Σ_a) z_i (CounterRng, Purpose::data, slots 0 …), labels y_i = a_iᵀ w* + ε_i with
// ε_i = σ z'_i (slot 2²³) centred exactly;  ℓ_i(θ) = ½ (a_iᵀθ − y_i)².
//   L(θ) = ½ θᵀHθ − bᵀθ + c,   H = (1/N) Σ a_i a_iᵀ,  b = (1/N) Σ y_i a_i,  c = (1/(2N)) Σ y_i²;
//   minimum θ̂ = H⁻¹ b (least squares), ∇ℓ_i = a_i (a_iᵀθ − y_i),
//   Σ₁(θ) = (1/N) Σ r_i² a_i a_iᵀ − ∇L ∇Lᵀ,  r_i = a_iᵀθ − y_i  (O(N d²), exact).
// A batch gradient costs O(B·d).
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
/// Doubles per Eigen packet (8 under AVX-512).
inline constexpr int kDotLanes = Eigen::internal::packet_traits<double>::size;

/// out[c] = cols[c] · x (length d) for G columns at once, each bitwise Eigen 3.4's
/// `a.col(i).dot(x)` as GCC compiles it with AVX-512 (redux_impl, LinearVectorizedTraversal): packet
/// products summed into two accumulators (16 at a time), merged, one more packet, predux; then the
/// remaining d mod 8 products added one by one (GCC -O3 vectorises 4 of them as products then
/// in-order adds, and contracts the rest to FMAs; every expression is Eigen's, so the compiler
/// contracts a·b + c where it does in Eigen's code, -O0 included; -O2, which does not vectorise that
/// tail, would differ in the last bit). The G independent sums overlap the gathered columns' cache
/// misses and the FMA/reduction latencies that serialised the per-sample loop.
/// tests/unit/linreg/test_linear_regression_kernel.cpp checks it against Eigen for d = 1 … 130.
template <int G>
void dot_group(const double* const* cols, const double* x, Index d, double* out) {
  using namespace Eigen::internal;
  using P = packet_traits<double>::type;
  const Index n1 = d / 8 * 8, n2 = d / 16 * 16;
  Index j0 = 0;
  if (n1 > 0) {
    P p0[G], p1[G];
    const P x0 = ploadu<P>(x);
    for (int c = 0; c < G; ++c) p0[c] = pmul(ploadu<P>(cols[c]), x0);
    if (n1 > 8) {
      const P x1 = ploadu<P>(x + 8);
      for (int c = 0; c < G; ++c) p1[c] = pmul(ploadu<P>(cols[c] + 8), x1);
      for (Index i = 16; i < n2; i += 16) {
        const P xa = ploadu<P>(x + i), xb = ploadu<P>(x + i + 8);
        for (int c = 0; c < G; ++c) {
          p0[c] = padd(p0[c], pmul(ploadu<P>(cols[c] + i), xa));
          p1[c] = padd(p1[c], pmul(ploadu<P>(cols[c] + i + 8), xb));
        }
      }
      for (int c = 0; c < G; ++c) p0[c] = padd(p0[c], p1[c]);
      if (n1 > n2) {
        const P xa = ploadu<P>(x + n2);
        for (int c = 0; c < G; ++c) p0[c] = padd(p0[c], pmul(ploadu<P>(cols[c] + n2), xa));
      }
    }
    for (int c = 0; c < G; ++c) out[c] = predux(p0[c]);
    j0 = n1;
  } else {
    for (int c = 0; c < G; ++c) out[c] = cols[c][0] * x[0];
    j0 = 1;
  }
  // The tail, as GCC's vectoriser leaves Eigen's scalar loop: chunks of 8 then 4 as products added in
  // order (no FMA), the rest as res + a·x (an FMA where the compiler contracts, as in Eigen's loop).
  using P4 = packet_traits<double>::half;
  for (; j0 + 8 <= d; j0 += 8) {
    const P xa = ploadu<P>(x + j0);
    for (int c = 0; c < G; ++c) {
      alignas(64) double prod[8];
      pstore(prod, pmul(ploadu<P>(cols[c] + j0), xa));
      for (int l = 0; l < 8; ++l) out[c] += prod[l];
    }
  }
  if (j0 + 4 <= d) {
    const P4 xa = ploadu<P4>(x + j0);
    for (int c = 0; c < G; ++c) {
      alignas(32) double prod[4];
      pstore(prod, pmul(ploadu<P4>(cols[c] + j0), xa));
      for (int l = 0; l < 4; ++l) out[c] += prod[l];
    }
    j0 += 4;
  }
  for (; j0 < d; ++j0)
    for (int c = 0; c < G; ++c) out[c] += cols[c][j0] * x[j0];
}

/// g[j] += r[c] · cols[c][j] for c = 0 … G−1 in order: bitwise G times Eigen's
/// `g.noalias() += r * a.col(i)` (same expressions, so the same FMA contraction).
template <int G>
void axpy_group(const double* r, const double* const* cols, double* g, Index d) {
  using namespace Eigen::internal;
  using P = packet_traits<double>::type;
  constexpr Index n = kDotLanes;
  P rv[G];
  for (int c = 0; c < G; ++c) rv[c] = pset1<P>(r[c]);
  Index j = 0;
  for (; j + n <= d; j += n) {
    P acc = ploadu<P>(g + j);
    for (int c = 0; c < G; ++c) acc = padd(acc, pmul(rv[c], ploadu<P>(cols[c] + j)));
    pstoreu(g + j, acc);
  }
  for (; j < d; ++j)
    for (int c = 0; c < G; ++c) g[j] += r[c] * cols[c][j];
}
}  // namespace detail

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
    std::size_t b = 0;
    if constexpr (detail::kDotLanes == 8) {
      // Eight (then four) samples at a time: their residuals (independent dot products, each in
      // Eigen's order, detail::dot_group), then g += r_i a_i in batch order per coordinate
      // (detail::axpy_group): bitwise the loop below, with the gathered columns' cache misses and the
      // dot products' latencies overlapped (the inputs, 8 MB at d = 100, N = 10⁴, live in L3).
      for (; b + 8 <= batch.size(); b += 8) {
        // Memory hint (no effect on g): the first lines of the next group's columns, whose latency
        // otherwise stalls the group's first loads.
        for (std::size_t q = b + 8; q < b + 16 && q < batch.size(); ++q) {
          const double* col = a_.col(batch[q]).data();
          __builtin_prefetch(col);
          if (d > 8) __builtin_prefetch(col + 8);
        }
        sum_group<8>(x, batch.subspan(b, 8), g);
      }
      for (; b + 4 <= batch.size(); b += 4) sum_group<4>(x, batch.subspan(b, 4), g);
    }
    // r_i as in per_sample_gradient (Eigen's vectorised dot: the strict left-to-right sum did not
    // vectorise and bounded the ensemble at ~2 GFlop/s, docs/benchmarks.md).
    for (; b < batch.size(); ++b) {
      const Index i = batch[b];
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
  double sigma_;
  Mat a_;
  Vec y_;
  Mat H_;
  Vec b_;
  double c_ = 0.0;
  Vec theta_hat_;
};

}  // namespace sgdsde
