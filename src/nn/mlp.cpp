#include "sgdsde/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/nn/products.hpp"

namespace sgdsde::nn {

namespace {
using MapM = Eigen::Map<Mat>;
using CMapM = Eigen::Map<const Mat>;
using CMapV = Eigen::Map<const Vec>;

/// Standard normal density and distribution function (GELU(z) = z Φ(z)).
inline double phi(double z) {
  return std::exp(-0.5 * z * z) * (0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
}
inline double Phi(double z) { return 0.5 * std::erfc(-z * (0.5 * std::numbers::sqrt2)); }

/// A = σ(Z) and dA = σ'(Z), element-wise.
void activate(Activation act, const Mat& Z, Mat& A, Mat& dA) {
  const Index n = Z.size();
  const double* z = Z.data();
  double* a = A.data();
  double* d = dA.data();
  switch (act) {
    case Activation::sigmoid:
      for (Index k = 0; k < n; ++k) {
        a[k] = 1.0 / (1.0 + std::exp(-z[k]));
        d[k] = a[k] * (1.0 - a[k]);
      }
      break;
    case Activation::tanh:
      for (Index k = 0; k < n; ++k) {
        a[k] = std::tanh(z[k]);
        d[k] = 1.0 - a[k] * a[k];
      }
      break;
    case Activation::relu:
      for (Index k = 0; k < n; ++k) {
        a[k] = z[k] > 0.0 ? z[k] : 0.0;
        d[k] = z[k] > 0.0 ? 1.0 : 0.0;
      }
      break;
    case Activation::gelu:
      for (Index k = 0; k < n; ++k) {
        const double P = Phi(z[k]);
        a[k] = z[k] * P;
        d[k] = P + z[k] * phi(z[k]);
      }
      break;
  }
}

/// σ''(z) from z, a = σ(z) and d = σ'(z).
inline double second_derivative(Activation act, double z, double a, double d) {
  switch (act) {
    case Activation::sigmoid: return d * (1.0 - 2.0 * a);
    case Activation::tanh: return -2.0 * a * d;
    case Activation::relu: return 0.0;
    case Activation::gelu: return phi(z) * (2.0 - z * z);
  }
  return 0.0;
}

/// ws.in = the columns of ws.A[0] (a batch held in the workspace).
void set_inputs(Workspace& ws) {
  const Mat& X = ws.A[0];
  ws.in.resize(static_cast<std::size_t>(X.cols()));
  for (Index j = 0; j < X.cols(); ++j) ws.in[static_cast<std::size_t>(j)] = X.col(j).data();
}
Index batch_size(const Workspace& ws) { return static_cast<Index>(ws.in.size()); }
/// Z = M · (the input of layer l): the batch's columns for l = 1, A_{l−1} above (M is n × m).
void layer_product(const double* M, Index n, Index m, const Workspace& ws, int l, double* Z) {
  if (l == 1) {
    product(M, n, m, ws.in.data(), batch_size(ws), Z);
  } else {
    product(M, n, m, ws.A[static_cast<std::size_t>(l - 1)].data(), batch_size(ws), Z);
  }
}
/// G = D · (the input of layer l)ᵀ (D is n × B, G n × m).
void layer_product_transposed(const double* D, Index n, const Workspace& ws, int l, Index m, double* G) {
  if (l == 1) {
    product_transposed(D, n, batch_size(ws), ws.in.data(), m, G);
  } else {
    product_transposed(D, n, batch_size(ws), ws.A[static_cast<std::size_t>(l - 1)].data(), m, G);
  }
}
/// A_0 materialised from ws.in (for the few products that go through Eigen).
void gather_inputs(const Workspace& ws, Index n0, Mat& A0) {
  A0.resize(n0, batch_size(ws));
  for (Index j = 0; j < A0.cols(); ++j) {
    const double* c = ws.in[static_cast<std::size_t>(j)];
    if (c != A0.col(j).data()) std::copy(c, c + n0, A0.col(j).data());
  }
}
}  // namespace

Activation parse_activation(const std::string& name) {
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  if (name == "gelu") return Activation::gelu;
  throw InputError("network: unknown activation '" + name + "' (sigmoid, tanh, relu, gelu)");
}
OutputLoss parse_output_loss(const std::string& name) {
  if (name == "cross_entropy") return OutputLoss::cross_entropy;
  if (name == "squared_error") return OutputLoss::squared_error;
  throw InputError("network: unknown loss '" + name + "' (cross_entropy, squared_error)");
}
Init parse_init(const std::string& name) {
  if (name == "normal") return Init::small_normal;
  if (name == "glorot") return Init::glorot;
  if (name == "he") return Init::he;
  throw InputError("network: unknown initialisation '" + name + "' (normal, glorot, he)");
}
const char* to_string(Activation a) {
  switch (a) {
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::gelu: return "gelu";
  }
  return "?";
}
const char* to_string(OutputLoss l) {
  return l == OutputLoss::cross_entropy ? "cross_entropy" : "squared_error";
}
const char* to_string(Init i) {
  switch (i) {
    case Init::small_normal: return "normal";
    case Init::glorot: return "glorot";
    case Init::he: return "he";
  }
  return "?";
}

Mlp::Mlp(Architecture arch) : arch_(std::move(arch)) {
  require(arch_.widths.size() >= 2, "network: at least an input and an output layer");
  for (const Index n : arch_.widths)
    require(n >= 1 && n <= 100000, "network: layer widths must be in [1, 100000]");
  require(arch_.widths.back() >= 2, "network: at least two outputs (classes)");
  require(std::isfinite(arch_.weight_decay) && arch_.weight_decay >= 0.0,
          "network: weight decay must be >= 0");
  offset_.assign(arch_.widths.size(), 0);
  Index off = 0;
  for (int l = 1; l <= num_layers(); ++l) {
    offset_[static_cast<std::size_t>(l)] = off;
    off += (width(l - 1) + 1) * width(l);
  }
  P_ = off;
  weight_mask_ = Vec::Zero(P_);
  for (int l = 1; l <= num_layers(); ++l)
    weight_mask_.segment(weight_offset(l), width(l) * width(l - 1)).setOnes();
}

Vec Mlp::initial_parameters(Init init, std::uint64_t seed, std::uint32_t particle) const {
  const CounterRng rng(seed);
  Vec theta = Vec::Zero(P_);
  std::uint32_t q = 0;  // normal pair counter across all weights
  for (int l = 1; l <= num_layers(); ++l) {
    const auto n_in = static_cast<double>(width(l - 1)), n_out = static_cast<double>(width(l));
    const double sd = init == Init::small_normal ? 0.01
                      : init == Init::glorot     ? std::sqrt(2.0 / (n_in + n_out))
                                                 : std::sqrt(2.0 / n_in);
    const Index n = width(l) * width(l - 1), off = weight_offset(l);
    for (Index k = 0; k < n; k += 2, ++q) {
      const auto z = rng.normal_pair(particle, 0, CounterRng::slot(Purpose::init, q));
      theta[off + k] = sd * z[0];
      if (k + 1 < n) theta[off + k + 1] = sd * z[1];
    }
  }
  return theta;
}

void Mlp::prepare(Workspace& ws, Index B) const {
  const auto n = static_cast<std::size_t>(num_layers() + 1);
  for (auto* v : {&ws.Z, &ws.A, &ws.dA, &ws.delta, &ws.RZ, &ws.RA, &ws.Rdelta})
    if (v->size() != n) v->resize(n);
  for (int l = 1; l <= num_layers(); ++l) {
    const auto i = static_cast<std::size_t>(l);
    ws.Z[i].resize(width(l), B);
    ws.A[i].resize(width(l), B);
    ws.dA[i].resize(width(l), B);
    ws.delta[i].resize(width(l), B);
  }
  if (ws.ones.rows() != B) ws.ones = Mat::Ones(B, 1);
}

double Mlp::forward(const double* theta, const Eigen::Ref<const Mat>& X, const std::int32_t* labels,
                    Workspace& ws) const {
  require(X.rows() == inputs(), "network: the inputs have the wrong number of rows");
  prepare(ws, X.cols());
  ws.A[0] = X;  // a copy: X may be a temporary
  set_inputs(ws);
  return forward_inputs(theta, labels, ws);
}

double Mlp::forward(const double* theta, std::span<const double* const> columns, const std::int32_t* labels,
                    Workspace& ws) const {
  ws.in.assign(columns.begin(), columns.end());
  return forward_inputs(theta, labels, ws);
}

double Mlp::forward_inputs(const double* theta, const std::int32_t* labels, Workspace& ws) const {
  const int L = num_layers();
  const auto B = static_cast<Index>(ws.in.size());
  prepare(ws, B);
  ws.labels.assign(labels, labels + B);
  for (int l = 1; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    layer_product(theta + weight_offset(l), width(l), width(l - 1), ws, l, ws.Z[i].data());
    const CMapV b(theta + bias_offset(l), width(l));
    ws.Z[i].colwise() += b;
    if (l < L) activate(arch_.activation, ws.Z[i], ws.A[i], ws.dA[i]);
  }
  const auto o = static_cast<std::size_t>(L);
  const Index C = outputs();
  double loss = 0.0;
  if (arch_.loss == OutputLoss::cross_entropy) {
    // ℓ = log Σ_c e^{z_c} − z_y, by the log-sum-exp with the maximum taken out.
    for (Index j = 0; j < B; ++j) {
      const double* z = ws.Z[o].col(j).data();
      double* p = ws.A[o].col(j).data();
      const double m = *std::max_element(z, z + C);
      double s = 0.0;
      for (Index c = 0; c < C; ++c) s += (p[c] = std::exp(z[c] - m));
      for (Index c = 0; c < C; ++c) p[c] /= s;
      loss += m + std::log(s) - z[labels[j]];
    }
  } else {
    activate(Activation::sigmoid, ws.Z[o], ws.A[o], ws.dA[o]);
    for (Index j = 0; j < B; ++j)
      for (Index c = 0; c < C; ++c) {
        const double r = (c == labels[j] ? 1.0 : 0.0) - ws.A[o](c, j);
        loss += r * r;
      }
  }
  return loss;
}

void Mlp::output_delta(Workspace& ws, double scale) const {
  const auto o = static_cast<std::size_t>(num_layers());
  Mat& D = ws.delta[o];
  const Mat& A = ws.A[o];
  const Index B = A.cols();
  ws.delta_scale = scale;
  if (arch_.loss == OutputLoss::cross_entropy) {
    D = scale * A;  // ∂ℓ/∂z = p − e_y
    for (Index j = 0; j < B; ++j) D(ws.labels[static_cast<std::size_t>(j)], j) -= scale;
    return;
  }
  // ℓ = Σ_c (y_c − a_c)², a = sigmoid(z): ∂ℓ/∂z = 2 (a − y) σ'(z).
  D = (2.0 * scale) * A.cwiseProduct(ws.dA[o]);
  for (Index j = 0; j < B; ++j) {
    const Index y = ws.labels[static_cast<std::size_t>(j)];
    D(y, j) -= 2.0 * scale * ws.dA[o](y, j);
  }
}

void Mlp::backpropagate(const double* theta, Workspace& ws) const {
  for (int l = num_layers(); l >= 2; --l) {
    const auto i = static_cast<std::size_t>(l);
    const CMapM W(theta + weight_offset(l), width(l), width(l - 1));
    ws.delta[i - 1].noalias() = W.transpose() * ws.delta[i];
    ws.delta[i - 1].array() *= ws.dA[i - 1].array();
  }
}

void Mlp::accumulate(const Workspace& ws, double* out) const {
  for (int l = 1; l <= num_layers(); ++l) {
    const auto i = static_cast<std::size_t>(l);
    MapM gW(out + weight_offset(l), width(l), width(l - 1));
    Eigen::Map<Vec> gb(out + bias_offset(l), width(l));
    layer_product_transposed(ws.delta[i].data(), width(l), ws, l, width(l - 1), gW.data());
    gb.noalias() = ws.delta[i] * ws.ones;
  }
}

void Mlp::accumulate_squares(Workspace& ws, double* out) const {
  gather_inputs(ws, inputs(), ws.A[0]);  // ws.in then still names the same numbers
  for (int l = 1; l <= num_layers(); ++l) {
    const auto i = static_cast<std::size_t>(l);
    MapM gW(out + weight_offset(l), width(l), width(l - 1));
    Eigen::Map<Vec> gb(out + bias_offset(l), width(l));
    const Mat D2 = ws.delta[i].array().square().matrix();
    gW.noalias() = D2 * ws.A[i - 1].array().square().matrix().transpose();
    gb.noalias() = D2 * ws.ones;
  }
}

void Mlp::per_sample_dot(const double* v, Workspace& ws, Vec& s) const {
  const Index B = batch_size(ws);
  s.setZero(B);
  for (int l = 1; l <= num_layers(); ++l) {
    const auto i = static_cast<std::size_t>(l);
    const CMapM V(v + weight_offset(l), width(l), width(l - 1));
    const CMapV vb(v + bias_offset(l), width(l));
    Mat& T = ws.RZ[i];
    T.resize(width(l), B);
    layer_product(V.data(), width(l), width(l - 1), ws, l, T.data());
    T.colwise() += vb;
    s.noalias() += (ws.delta[i].cwiseProduct(T)).colwise().sum().transpose();
  }
}

void Mlp::scale_columns(Workspace& ws, const Vec& w) const {
  for (int l = 1; l <= num_layers(); ++l) ws.delta[static_cast<std::size_t>(l)] *= w.asDiagonal();
}

void Mlp::per_sample(const Workspace& ws, double* G, Index ld) const {
  const Index B = batch_size(ws);
  for (Index j = 0; j < B; ++j) {
    double* row = G + j * ld;
    for (int l = 1; l <= num_layers(); ++l) {
      const auto i = static_cast<std::size_t>(l);
      const Index n = width(l), m = width(l - 1);
      const double* d = ws.delta[i].col(j).data();
      const double* a = l == 1 ? ws.in[static_cast<std::size_t>(j)] : ws.A[i - 1].col(j).data();
      double* w = row + weight_offset(l);
      for (Index c = 0; c < m; ++c) {
        const double ac = a[c];
        for (Index r = 0; r < n; ++r) w[r + n * c] = d[r] * ac;
      }
      std::copy(d, d + n, row + bias_offset(l));
    }
  }
}

void Mlp::r_forward(const double* theta, const double* v, Workspace& ws) const {
  // R{Z_l} = V_l A_{l−1} + W_l R{A_{l−1}} + v_b 1ᵀ, R{A_l} = σ'(Z_l) ⊙ R{Z_l}; R{A_0} = 0.
  const int L = num_layers();
  for (int l = 1; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    const CMapM W(theta + weight_offset(l), width(l), width(l - 1));
    const CMapM V(v + weight_offset(l), width(l), width(l - 1));
    const CMapV vb(v + bias_offset(l), width(l));
    ws.RZ[i].resize(width(l), batch_size(ws));
    layer_product(V.data(), width(l), width(l - 1), ws, l, ws.RZ[i].data());
    if (l > 1) ws.RZ[i].noalias() += W * ws.RA[i - 1];
    ws.RZ[i].colwise() += vb;
    if (l < L) ws.RA[i] = ws.dA[i].cwiseProduct(ws.RZ[i]);
  }
}

void Mlp::hessian_vector(const double* theta, const double* v, Workspace& ws, double* out) const {
  const int L = num_layers();
  const Index B = batch_size(ws);
  r_forward(theta, v, ws);
  // R{Δ_L}: the output Hessian Λ applied to R{z} (scaled as Δ_L was).
  const auto o = static_cast<std::size_t>(L);
  Mat& RD = ws.Rdelta[o];
  if (arch_.loss == OutputLoss::cross_entropy) {
    // R{p − e_y} = (diag p − p pᵀ) R{z}.
    const Mat Q = ws.A[o].cwiseProduct(ws.RZ[o]);
    RD = Q - ws.A[o] * Q.colwise().sum().asDiagonal();
  } else {
    // ∂ℓ/∂z = 2 (a − y) σ'(z): R{·} = 2 σ'(z)² R{z} + 2 (a − y) σ''(z) R{z}.
    RD.resize(outputs(), B);
    for (Index j = 0; j < B; ++j)
      for (Index c = 0; c < outputs(); ++c) {
        const double a = ws.A[o](c, j), d = ws.dA[o](c, j), z = ws.Z[o](c, j);
        const double y = c == ws.labels[static_cast<std::size_t>(j)] ? 1.0 : 0.0;
        RD(c, j) = 2.0 * (d * d + (a - y) * second_derivative(Activation::sigmoid, z, a, d)) * ws.RZ[o](c, j);
      }
  }
  RD *= ws.delta_scale;
  // R-backward, layer by layer from the top, with Δ_l computed alongside.
  for (int l = L; l >= 1; --l) {
    const auto i = static_cast<std::size_t>(l);
    MapM gW(out + weight_offset(l), width(l), width(l - 1));
    Eigen::Map<Vec> gb(out + bias_offset(l), width(l));
    layer_product_transposed(ws.Rdelta[i].data(), width(l), ws, l, width(l - 1), gW.data());
    if (l > 1) gW.noalias() += ws.delta[i] * ws.RA[i - 1].transpose();
    gb.noalias() = ws.Rdelta[i] * ws.ones;
    if (l == 1) break;
    const CMapM W(theta + weight_offset(l), width(l), width(l - 1));
    const CMapM V(v + weight_offset(l), width(l), width(l - 1));
    Mat& T = ws.delta[i - 1];  // Wᵀ Δ_l first, then ⊙ σ'
    T.noalias() = W.transpose() * ws.delta[i];
    Mat& R = ws.Rdelta[i - 1];
    R.noalias() = V.transpose() * ws.delta[i];
    R.noalias() += W.transpose() * ws.Rdelta[i];
    R.array() *= ws.dA[i - 1].array();
    const Index n = T.size();
    const Activation act = arch_.activation;
    double* t = T.data();
    double* r = R.data();
    const double* z = ws.Z[i - 1].data();
    const double* a = ws.A[i - 1].data();
    const double* d = ws.dA[i - 1].data();
    const double* rz = ws.RZ[i - 1].data();
    for (Index k = 0; k < n; ++k) {
      r[k] += t[k] * second_derivative(act, z[k], a[k], d[k]) * rz[k];
      t[k] *= d[k];
    }
  }
}

void Mlp::gauss_newton_vector(const double* theta, const double* v, Workspace& ws, double scale,
                              double* out) const {
  const int L = num_layers();
  // J v by the R-forward pass, then Λ, then an ordinary backward pass.
  r_forward(theta, v, ws);
  const auto o = static_cast<std::size_t>(L);
  Mat& D = ws.delta[o];
  if (arch_.loss == OutputLoss::cross_entropy) {
    const Mat Q = ws.A[o].cwiseProduct(ws.RZ[o]);
    D = Q - ws.A[o] * Q.colwise().sum().asDiagonal();
  } else {
    // z = a = sigmoid(Z_L), Λ = 2 I: Jᵀ Λ J v = 2 σ'(Z)² ⊙ R{Z} back through the network.
    D = 2.0 * ws.dA[o].cwiseProduct(ws.dA[o]).cwiseProduct(ws.RZ[o]);
  }
  D *= scale;
  backpropagate(theta, ws);
  accumulate(ws, out);
}

void Mlp::gauss_newton_factor(Workspace& ws) const {
  const int L = num_layers();
  const Index C = outputs(), B = batch_size(ws);
  // Repeat every sample C times (column j·C + c), then set Δ_L(:, j·C + c) = column c of Λ_j^{1/2}.
  const auto widen = [&](Mat& M) {
    Mat W(M.rows(), B * C);
    for (Index j = 0; j < B; ++j) W.middleCols(j * C, C) = M.col(j).replicate(1, C);
    M.swap(W);
  };
  gather_inputs(ws, inputs(), ws.A[0]);
  widen(ws.A[0]);
  set_inputs(ws);
  for (int l = 1; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    widen(ws.A[i]);
    widen(ws.dA[i]);
    widen(ws.Z[i]);
    ws.delta[i].resize(width(l), B * C);
  }
  ws.ones = Mat::Ones(B * C, 1);
  const auto o = static_cast<std::size_t>(L);
  Mat& D = ws.delta[o];
  D.setZero();
  for (Index j = 0; j < B; ++j)
    for (Index c = 0; c < C; ++c) {
      const Index col = j * C + c;
      if (arch_.loss == OutputLoss::cross_entropy) {
        // Λ = diag p − p pᵀ = S Sᵀ with S = diag √p − p √pᵀ: column c is √p_c (e_c − p).
        const double sp = std::sqrt(ws.A[o](c, col));
        D.col(col) = -sp * ws.A[o].col(col);
        D(c, col) += sp;
      } else {
        D(c, col) = std::numbers::sqrt2 * ws.dA[o](c, col);
      }
    }
}

void Mlp::predictions(const Workspace& ws, std::vector<std::int32_t>& out) const {
  const Mat& A = ws.A.back();
  out.resize(static_cast<std::size_t>(A.cols()));
  for (Index j = 0; j < A.cols(); ++j) {
    Index c = 0;
    A.col(j).maxCoeff(&c);
    out[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(c);
  }
}

}  // namespace sgdsde::nn
