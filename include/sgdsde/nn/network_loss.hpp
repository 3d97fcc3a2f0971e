#pragma once
// The perceptron on a data set as a finite sum (THEORY §1, §9): L(θ) = (1/N) Σ_i ℓ(f(x_i; θ), y_i)
// + (λ/2) Σ_l ‖W_l‖², with ℓ_i carrying the same weight-decay term so that L is their mean. It
// models FiniteSum (and so Landscape), so SgdEnsemble, every optimizer, schedule, observer and the
// runner use it unchanged; it also gives the matrix-free operators the network's size calls for
// (Σ₁ is P × P: 13 002² doubles = 1.35 GB for the seed's network):
//   hessian_vector       H v, exact (Pearlmutter's R-operator), about the cost of two gradients;
//   gauss_newton_vector  G v, G = (1/N) Σ J_iᵀ Λ_i J_i + λ I_W;
//   sigma1_vector        Σ₁ v = (1/N) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ v, streamed over the data (two passes);
//   sigma1_diagonal, gauss_newton_diagonal   exact diagonals, from squared per-sample terms;
//   hessian, per_sample_covariance            dense H and Σ₁ (P ≤ 20 000), the ground truth.
// Full-data passes run over fixed blocks of kBlock samples in parallel (OpenMP) and add the blocks'
// partial results in block order, so every result is bitwise the same for any thread count. The
// batch methods (the SGD hot path) run on the calling thread, allocation-free in the steady state.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sgdsde/core/types.hpp"
#include "sgdsde/data/dataset.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/nn/mlp.hpp"

namespace sgdsde::nn {

/// Per-sample gradients of a batch: B × P, row i = ∇ℓ_i (seed 003's matrix form).
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class NetworkLoss {
 public:
  /// Samples per block of a full-data pass (fixed, so that results do not depend on threads).
  static constexpr Index kBlock = 256;
  /// The largest P for which the dense H and Σ₁ are offered.
  static constexpr Index kMaxDenseParams = 20000;
  /// Ensembles step each network several times in its contiguous copy (noise/finite_sum.hpp).
  static constexpr bool multi_step = true;

  NetworkLoss(Mlp net, std::shared_ptr<const data::Dataset> data);

  [[nodiscard]] const Mlp& network() const { return net_; }
  [[nodiscard]] const data::Dataset& dataset() const { return *data_; }
  [[nodiscard]] std::shared_ptr<const data::Dataset> dataset_ptr() const { return data_; }

  // ---- Landscape ---------------------------------------------------------------------------------
  [[nodiscard]] Index dim() const { return net_.num_params(); }
  [[nodiscard]] double value(const Vec& x) const;
  void gradient(const Vec& x, Vec& g) const;
  /// Dense Hessian (P ≤ kMaxDenseParams), column j = H e_j by the R-operator, symmetrised.
  void hessian(const Vec& x, Mat& H) const;
  /// A nominal box [−10, 10]^P (a network has no natural one; plots and Fokker–Planck do not use it).
  [[nodiscard]] Box box() const;
  /// A network's critical points are not known in closed form: none are claimed.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return {}; }
  [[nodiscard]] std::string name() const;

  // ---- FiniteSum ---------------------------------------------------------------------------------
  [[nodiscard]] Index num_samples() const { return data_->size(); }
  void per_sample_gradient(const Vec& x, Index i, Vec& g) const;
  /// g_B = (1/B) Σ_{i∈batch} ∇ℓ_i (a mean; weight decay included).
  void batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const;
  /// Dense Σ₁(θ) (P ≤ kMaxDenseParams), O(N P²).
  [[nodiscard]] Mat per_sample_covariance(const Vec& x) const;

  // ---- batches -----------------------------------------------------------------------------------
  /// (1/B) Σ_{i∈batch} ℓ_i (weight decay included).
  [[nodiscard]] double batch_loss(const Vec& x, std::span<const Index> batch) const;
  /// G (B × P): row b = ∇ℓ_{batch[b]} (weight decay included).
  void per_sample_gradients(const Vec& x, std::span<const Index> batch, RowMat& G) const;

  // ---- operators on the whole data set -----------------------------------------------------------
  void hessian_vector(const Vec& x, const Vec& v, Vec& out) const;
  void gauss_newton_vector(const Vec& x, const Vec& v, Vec& out) const;
  void sigma1_vector(const Vec& x, const Vec& v, Vec& out) const;
  /// diag Σ₁ = (1/N) Σ_i g_i² − ḡ² (g_i without the decay, which cancels in Σ₁).
  [[nodiscard]] Vec sigma1_diagonal(const Vec& x) const;
  /// diag G = (1/N) Σ_i Σ_c (J_iᵀ s_ic)² + λ 1_W, s_ic the columns of Λ_i^{1/2}.
  [[nodiscard]] Vec gauss_newton_diagonal(const Vec& x) const;
  /// The per-sample gradients' centred square root A (P × N), Σ₁ = A Aᵀ: column i = (g_i − ḡ)/√N.
  /// Exact Gaussian noise of covariance Σ₁ is A z, z ~ N(0, I_N). P·N doubles.
  [[nodiscard]] Mat sigma1_factor(const Vec& x) const;

  struct Evaluation {
    double loss = 0;      ///< mean ℓ over the samples, without the weight decay
    double accuracy = 0;  ///< fraction of samples whose largest output is the label
  };
  /// Loss and accuracy of θ on a data set (the training set or another, e.g. the test set).
  [[nodiscard]] Evaluation evaluate(const Vec& x, const data::Dataset& d) const;

 private:
  [[nodiscard]] double decay_value(const Vec& x) const;
  /// Σ over fixed blocks of fn(first, count, ws, partial) into out (P entries), in block order.
  template <class Fn>
  void sum_over_blocks(Index block, Vec& out, Fn&& fn) const;
  Mlp net_;
  std::shared_ptr<const data::Dataset> data_;
};

}  // namespace sgdsde::nn
