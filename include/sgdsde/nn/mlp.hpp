#pragma once
// The multilayer perceptron of seeds 001/003 (THEORY §9): layer widths n_0 … n_L, an activation on
// the hidden layers, softmax + cross-entropy or seed 001's squared error C = Σ_c (y_c − a_c)² on the
// output, L2 weight decay (λ/2)Σ_l ‖W_l‖² on the weights (not the biases, as in seed 003).
//
// Parameters are one flat vector θ ∈ R^P, P = Σ_l (n_{l−1} + 1) n_l, layer by layer: W_l (n_l × n_{l−1},
// column-major) then b_l (n_l). So every optimizer, schedule, observer and the ensemble runner apply
// to it unchanged.
//
// Every computation works on a batch held as matrix columns (seed 003's matrix–matrix form):
// Z_l = W_l A_{l−1} + b_l 1ᵀ, A_l = σ(Z_l), A_0 = X_B. The network's output z = f(x; θ) is what the
// loss takes: the logits Z_L for cross-entropy, a = sigmoid(Z_L) for the squared error (seed 001's
// outputs lie in [0, 1]). Backpropagation takes the output deltas Δ_L (n_L × B, one column per sample)
// and returns Σ_i Jᵀ-products; the gradient, the Gauss–Newton product and the Gauss–Newton diagonal
// differ only in the Δ_L they feed it. Pearlmutter's R-operator runs the forward and backward pass once
// more in directional-derivative form for the exact Hessian-vector product.
//
// No method allocates once its Workspace has been used with the same batch size. Eigen's products
// are single-threaded here (EIGEN_DONT_PARALLELIZE, library-wide), so a result never depends on the
// thread count; the parallel loops over samples live in NetworkLoss.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sgdsde/core/types.hpp"

namespace sgdsde::nn {

enum class Activation { sigmoid, tanh, relu, gelu };
enum class OutputLoss { cross_entropy, squared_error };
/// Weight initialisations of seed 003 (biases start at 0): N(0, 0.01²), Glorot (N(0, 2/(n_in + n_out))),
/// He (N(0, 2/n_in)).
enum class Init { small_normal, glorot, he };

Activation parse_activation(const std::string& name);   ///< sigmoid | tanh | relu | gelu
OutputLoss parse_output_loss(const std::string& name);  ///< cross_entropy | squared_error
Init parse_init(const std::string& name);               ///< normal | glorot | he
const char* to_string(Activation a);
const char* to_string(OutputLoss l);
const char* to_string(Init i);

struct Architecture {
  std::vector<Index> widths{784, 16, 16, 10};  ///< n_0 … n_L (n_0 inputs, n_L classes)
  Activation activation = Activation::sigmoid;
  OutputLoss loss = OutputLoss::cross_entropy;
  double weight_decay = 0.0;  ///< λ in (λ/2) Σ_l ‖W_l‖²
};

/// Per-thread work space of one batch: Z_l, A_l, σ'(Z_l) and the deltas, plus the R-pass copies.
struct Workspace {
  std::vector<Mat> Z, A, dA, delta, RZ, RA, Rdelta;
  /// The batch's input columns (A_0): into A[0], or read in place from a data set.
  std::vector<const double*> in;
  std::vector<std::int32_t> labels;
  Mat ones;                  ///< B × 1 of ones (bias sums as a product)
  double delta_scale = 1.0;  ///< the scale output_delta() applied (hessian_vector() reuses it)
};

class Mlp {
 public:
  explicit Mlp(Architecture arch);

  [[nodiscard]] const Architecture& architecture() const { return arch_; }
  [[nodiscard]] Index num_params() const { return P_; }
  [[nodiscard]] int num_layers() const { return static_cast<int>(arch_.widths.size()) - 1; }
  [[nodiscard]] Index inputs() const { return arch_.widths.front(); }
  [[nodiscard]] Index outputs() const { return arch_.widths.back(); }
  [[nodiscard]] Index width(int l) const { return arch_.widths[static_cast<std::size_t>(l)]; }
  /// Offsets of W_l and b_l (l = 1 … L) in θ.
  [[nodiscard]] Index weight_offset(int l) const { return offset_[static_cast<std::size_t>(l)]; }
  [[nodiscard]] Index bias_offset(int l) const { return weight_offset(l) + width(l) * width(l - 1); }
  /// 1 on weight coordinates, 0 on bias coordinates (where the weight decay acts).
  [[nodiscard]] const Vec& weight_mask() const { return weight_mask_; }

  /// θ₀ of run `particle` (weights normal per `init`, biases 0), a pure function of (seed, particle).
  [[nodiscard]] Vec initial_parameters(Init init, std::uint64_t seed, std::uint32_t particle = 0) const;

  /// Forward pass on X_B (n_0 × B) with labels; returns Σ_i ℓ_i without the weight decay.
  double forward(const double* theta, const Eigen::Ref<const Mat>& X, const std::int32_t* labels,
                 Workspace& ws) const;
  /// The same on inputs read in place, column i at columns[i] (n_0 doubles): no copy into A_0. The
  /// columns must stay valid and unchanged while the workspace holds this batch (NetworkLoss passes
  /// columns of its data set).
  double forward(const double* theta, std::span<const double* const> columns, const std::int32_t* labels,
                 Workspace& ws) const;
  /// After forward(): Δ_L = ∂ℓ_i/∂z_L per column (the per-sample output gradients), times `scale`.
  void output_delta(Workspace& ws, double scale) const;
  /// With ws.delta[L] set: Δ_{l−1} = (W_lᵀ Δ_l) ⊙ σ'(Z_{l−1}) down to layer 1.
  void backpropagate(const double* theta, Workspace& ws) const;
  /// After backpropagate(): out = Σ_i J_iᵀ Δ_L(:, i), i.e. ∂/∂W_l = Δ_l A_{l−1}ᵀ, ∂/∂b_l = Δ_l 1
  /// (assigned; no weight decay). `out` has P entries.
  void accumulate(const Workspace& ws, double* out) const;
  /// After backpropagate(): out = Σ_i (J_iᵀ Δ_L(:, i))² coordinate-wise = (Δ_l ⊙ Δ_l)(A_{l−1} ⊙ A_{l−1})ᵀ
  /// (assigned): squares of per-sample gradients summed without forming them. Gathers a batch read in
  /// place into ws.A[0] (A_0 ⊙ A_0 goes through Eigen).
  void accumulate_squares(Workspace& ws, double* out) const;
  /// After backpropagate(): s_i = (J_iᵀ Δ_L(:, i))ᵀ v = Σ_l 1ᵀ[Δ_l ⊙ (V_l A_{l−1} + v_{b,l} 1ᵀ)] e_i.
  void per_sample_dot(const double* v, Workspace& ws, Vec& s) const;
  /// Multiplies column i of every Δ_l by w_i (a weighted sum of per-sample gradients by accumulate()).
  void scale_columns(Workspace& ws, const Vec& w) const;
  /// After backpropagate(): row i of G (row stride ld) = J_iᵀ Δ_L(:, i).
  void per_sample(const Workspace& ws, double* G, Index ld) const;
  /// After forward() and output_delta(ws, scale): out = scale · Σ_i ∂/∂r ∇ℓ_i(θ + r v)|_{r=0}, the exact
  /// Hessian-vector product by Pearlmutter's R-operator (one forward and one backward pass in
  /// directional-derivative form), without the weight decay's λ v.
  void hessian_vector(const double* theta, const double* v, Workspace& ws, double* out) const;
  /// After forward(): out = scale · Σ_i J_iᵀ Λ_i J_i v, Λ_i = ∇²_z ℓ (Gauss–Newton; no decay).
  void gauss_newton_vector(const double* theta, const double* v, Workspace& ws, double scale,
                           double* out) const;
  /// After forward(): replaces the batch by n_L copies of each sample with output deltas the columns of
  /// Λ_i^{1/2} (softmax: √p_c (e_c − p); squared error: √2 σ'(z_c) e_c), so that accumulate_squares()
  /// after backpropagate() gives Σ_i diag(J_iᵀ Λ_i J_i) exactly.
  void gauss_newton_factor(Workspace& ws) const;

  /// Predicted classes of the columns after forward() (argmax of the output).
  void predictions(const Workspace& ws, std::vector<std::int32_t>& out) const;

 private:
  void prepare(Workspace& ws, Index B) const;
  /// forward() once ws.in holds the batch's columns.
  double forward_inputs(const double* theta, const std::int32_t* labels, Workspace& ws) const;
  /// After forward(): R{Z_l} and R{A_l} (the directional derivatives along v) of every layer.
  void r_forward(const double* theta, const double* v, Workspace& ws) const;
  Architecture arch_;
  Index P_ = 0;
  std::vector<Index> offset_;
  Vec weight_mask_;
};

}  // namespace sgdsde::nn
