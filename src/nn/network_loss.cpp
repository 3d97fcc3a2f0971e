#include "sgdsde/nn/network_loss.hpp"

#include <omp.h>

#include <cmath>
#include <exception>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::nn {

namespace {
/// The calling thread's work space and gathered batch (reused: no allocation once warm).
struct ThreadScratch {
  Workspace ws;
  std::vector<const double*> columns;  ///< the batch's or block's input columns, in the data set
  std::vector<std::int32_t> y, predicted;
  Vec s, w;
};
ThreadScratch& scratch() {
  thread_local ThreadScratch t;
  return t;
}

/// The batch's input columns where they lie in the data set (the network's first layer reads them
/// there: no copy), and its labels. Each column's first lines are requested at once: the columns are
/// random ones of a data set far larger than the caches, and the layer product then streams them.
std::span<const double* const> gather(const data::Dataset& d, std::span<const Index> batch,
                                      ThreadScratch& t) {
  t.columns.resize(batch.size());
  t.y.resize(batch.size());
  const bool second_line = d.features() > 8;
  for (std::size_t b = 0; b < batch.size(); ++b) {
    const double* c = d.X.col(batch[b]).data();
    __builtin_prefetch(c);
    if (second_line) __builtin_prefetch(c + 8);
    t.columns[b] = c;
    t.y[b] = d.y[static_cast<std::size_t>(batch[b])];
  }
  return t.columns;
}
/// Samples [first, first + count) of the data set as input columns.
std::span<const double* const> block_columns(const data::Dataset& d, Index first, Index count,
                                             ThreadScratch& t) {
  t.columns.resize(static_cast<std::size_t>(count));
  for (Index i = 0; i < count; ++i) t.columns[static_cast<std::size_t>(i)] = d.X.col(first + i).data();
  return t.columns;
}
/// fn(b) for b = 0 … nb − 1 over the OpenMP threads; an exception (an allocation failing) may not
/// leave the parallel region, so the first is kept and rethrown after it.
template <class Fn>
void parallel_blocks(Index nb, Fn&& fn) {
  std::exception_ptr failure;
#pragma omp parallel for schedule(static)
  for (Index b = 0; b < nb; ++b) {
    try {
      fn(b);
    } catch (...) {
#pragma omp critical(sgdsde_network_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}
}  // namespace

NetworkLoss::NetworkLoss(Mlp net, std::shared_ptr<const data::Dataset> data)
    : net_(std::move(net)), data_(std::move(data)) {
  require(data_ != nullptr && data_->size() >= 1, "network: empty data set");
  require(data_->features() == net_.inputs(), "network: the data have " + std::to_string(data_->features()) +
                                                  " features, the network " + std::to_string(net_.inputs()) +
                                                  " inputs");
  require(data_->n_classes == net_.outputs(), "network: the data have " + std::to_string(data_->n_classes) +
                                                  " classes, the network " + std::to_string(net_.outputs()) +
                                                  " outputs");
}

std::string NetworkLoss::name() const {
  std::string s = "mlp";
  char sep = ' ';
  for (const Index w : net_.architecture().widths) {
    s.push_back(sep);
    s.append(std::to_string(w));
    sep = '-';
  }
  s.push_back(' ');
  s.append(to_string(net_.architecture().activation));
  s.push_back(' ');
  s.append(to_string(net_.architecture().loss));
  return s;
}

Box NetworkLoss::box() const { return Box{Vec::Constant(dim(), -10.0), Vec::Constant(dim(), 10.0)}; }

double NetworkLoss::decay_value(const Vec& x) const {
  const double lambda = net_.architecture().weight_decay;
  return lambda == 0.0 ? 0.0 : 0.5 * lambda * x.cwiseProduct(net_.weight_mask()).squaredNorm();
}

template <class Fn>
void NetworkLoss::sum_over_blocks(Index block, Vec& out, Fn&& fn) const {
  const Index N = num_samples(), P = dim();
  const Index nb = (N + block - 1) / block;
  Mat partial(P, nb);
  parallel_blocks(nb, [&](Index b) {
    const Index first = b * block;
    fn(first, std::min(block, N - first), scratch(), partial.col(b).data());
  });
  out = partial.col(0);
  for (Index b = 1; b < nb; ++b) out += partial.col(b);  // block order: thread-count independent
}

double NetworkLoss::value(const Vec& x) const {
  require(x.size() == dim(), "network: θ has the wrong dimension");
  const data::Dataset& d = *data_;
  const Index N = num_samples(), nb = (N + kBlock - 1) / kBlock;
  Vec partial(nb);
  parallel_blocks(nb, [&](Index b) {
    const Index first = b * kBlock, count = std::min(kBlock, N - first);
    ThreadScratch& t = scratch();
    partial[b] = net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
  });
  double s = 0.0;
  for (Index b = 0; b < nb; ++b) s += partial[b];
  return s / static_cast<double>(N) + decay_value(x);
}

void NetworkLoss::gradient(const Vec& x, Vec& g) const {
  require(x.size() == dim(), "network: θ has the wrong dimension");
  const data::Dataset& d = *data_;
  const double inv_n = 1.0 / static_cast<double>(num_samples());
  sum_over_blocks(kBlock, g, [&](Index first, Index count, ThreadScratch& t, double* out) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.output_delta(t.ws, inv_n);
    net_.backpropagate(x.data(), t.ws);
    net_.accumulate(t.ws, out);
  });
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) g += lambda * x.cwiseProduct(net_.weight_mask());
}

void NetworkLoss::hessian(const Vec& x, Mat& H) const {
  require(dim() <= kMaxDenseParams, "network: the dense Hessian is offered for P <= 20000 only");
  H.resize(dim(), dim());
  Vec e = Vec::Zero(dim()), col(dim());
  for (Index j = 0; j < dim(); ++j) {
    e[j] = 1.0;
    hessian_vector(x, e, col);
    H.col(j) = col;
    e[j] = 0.0;
  }
  H = (0.5 * (H + H.transpose())).eval();
}

void NetworkLoss::per_sample_gradient(const Vec& x, Index i, Vec& g) const {
  require(i >= 0 && i < num_samples(), "network: sample index out of range");
  const Index one[1] = {i};
  batch_gradient(x, std::span<const Index>(one, 1), g);
}

void NetworkLoss::batch_gradient(const Vec& x, std::span<const Index> batch, Vec& g) const {
  ThreadScratch& t = scratch();
  const auto X = gather(*data_, batch, t);
  g.resize(dim());
  net_.forward(x.data(), X, t.y.data(), t.ws);
  net_.output_delta(t.ws, 1.0 / static_cast<double>(batch.size()));
  net_.backpropagate(x.data(), t.ws);
  net_.accumulate(t.ws, g.data());
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) g += lambda * x.cwiseProduct(net_.weight_mask());
}

double NetworkLoss::batch_loss(const Vec& x, std::span<const Index> batch) const {
  ThreadScratch& t = scratch();
  const auto X = gather(*data_, batch, t);
  return net_.forward(x.data(), X, t.y.data(), t.ws) / static_cast<double>(batch.size()) + decay_value(x);
}

void NetworkLoss::per_sample_gradients(const Vec& x, std::span<const Index> batch, RowMat& G) const {
  ThreadScratch& t = scratch();
  const auto X = gather(*data_, batch, t);
  const auto B = static_cast<Index>(batch.size());
  G.resize(B, dim());
  net_.forward(x.data(), X, t.y.data(), t.ws);
  net_.output_delta(t.ws, 1.0);
  net_.backpropagate(x.data(), t.ws);
  net_.per_sample(t.ws, G.data(), dim());
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) G.rowwise() += (lambda * x.cwiseProduct(net_.weight_mask())).transpose();
}

Mat NetworkLoss::per_sample_covariance(const Vec& x) const {
  require(dim() <= kMaxDenseParams, "network: the dense Σ₁ is offered for P <= 20000 only");
  const Mat A = sigma1_factor(x);
  Mat S = Mat::Zero(dim(), dim());
  S.selfadjointView<Eigen::Lower>().rankUpdate(A);
  return S.selfadjointView<Eigen::Lower>();
}

Mat NetworkLoss::sigma1_factor(const Vec& x) const {
  const Index N = num_samples(), P = dim();
  require(static_cast<double>(N) * static_cast<double>(P) <= 1.5e9,
          "network: the exact Σ₁ factor needs P·N <= 1.5e9 doubles (use a subset or the top-k noise)");
  Vec mean;
  gradient(x, mean);
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) mean -= lambda * x.cwiseProduct(net_.weight_mask());
  Mat A(P, N);
  const data::Dataset& d = *data_;
  const double inv_sqrt_n = 1.0 / std::sqrt(static_cast<double>(N));
  const Index nb = (N + kBlock - 1) / kBlock;
  parallel_blocks(nb, [&](Index b) {
    ThreadScratch& t = scratch();
    const Index first = b * kBlock, count = std::min(kBlock, N - first);
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.output_delta(t.ws, 1.0);
    net_.backpropagate(x.data(), t.ws);
    // Column-major P × count is the same memory as row-major count × P: per_sample writes rows.
    net_.per_sample(t.ws, A.col(first).data(), P);
    A.middleCols(first, count) = (A.middleCols(first, count).colwise() - mean) * inv_sqrt_n;
  });
  return A;
}

void NetworkLoss::hessian_vector(const Vec& x, const Vec& v, Vec& out) const {
  require(x.size() == dim() && v.size() == dim(), "network: θ or v has the wrong dimension");
  const data::Dataset& d = *data_;
  const double inv_n = 1.0 / static_cast<double>(num_samples());
  sum_over_blocks(kBlock, out, [&](Index first, Index count, ThreadScratch& t, double* o) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.output_delta(t.ws, inv_n);
    net_.hessian_vector(x.data(), v.data(), t.ws, o);
  });
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) out += lambda * v.cwiseProduct(net_.weight_mask());
}

void NetworkLoss::gauss_newton_vector(const Vec& x, const Vec& v, Vec& out) const {
  require(x.size() == dim() && v.size() == dim(), "network: θ or v has the wrong dimension");
  const data::Dataset& d = *data_;
  const double inv_n = 1.0 / static_cast<double>(num_samples());
  sum_over_blocks(kBlock, out, [&](Index first, Index count, ThreadScratch& t, double* o) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.gauss_newton_vector(x.data(), v.data(), t.ws, inv_n, o);
  });
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) out += lambda * v.cwiseProduct(net_.weight_mask());
}

void NetworkLoss::sigma1_vector(const Vec& x, const Vec& v, Vec& out) const {
  require(x.size() == dim() && v.size() == dim(), "network: θ or v has the wrong dimension");
  // Pass 1: ḡ (data part) and m = ḡᵀv. Pass 2: Σ₁ v = (1/N) Σ_i g_i (g_iᵀv − m), which equals
  // (1/N) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ v because Σ_i (g_iᵀv − m) = 0; the centred weights keep the
  // cancellation small.
  Vec mean;
  gradient(x, mean);
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) mean -= lambda * x.cwiseProduct(net_.weight_mask());
  const double m = mean.dot(v);
  const data::Dataset& d = *data_;
  const double inv_n = 1.0 / static_cast<double>(num_samples());
  sum_over_blocks(kBlock, out, [&](Index first, Index count, ThreadScratch& t, double* o) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.output_delta(t.ws, 1.0);
    net_.backpropagate(x.data(), t.ws);
    net_.per_sample_dot(v.data(), t.ws, t.s);
    t.w = (t.s.array() - m) * inv_n;
    net_.scale_columns(t.ws, t.w);
    net_.accumulate(t.ws, o);
  });
}

Vec NetworkLoss::sigma1_diagonal(const Vec& x) const {
  Vec mean;
  gradient(x, mean);
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) mean -= lambda * x.cwiseProduct(net_.weight_mask());
  const data::Dataset& d = *data_;
  Vec sq;
  sum_over_blocks(kBlock, sq, [&](Index first, Index count, ThreadScratch& t, double* o) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.output_delta(t.ws, 1.0);
    net_.backpropagate(x.data(), t.ws);
    net_.accumulate_squares(t.ws, o);
  });
  return (sq / static_cast<double>(num_samples()) - mean.cwiseAbs2()).cwiseMax(0.0);
}

Vec NetworkLoss::gauss_newton_diagonal(const Vec& x) const {
  const data::Dataset& d = *data_;
  Vec diag;
  // Each sample is widened to n_L columns (one per column of Λ^{1/2}): smaller blocks.
  constexpr Index kFactorBlock = 32;
  sum_over_blocks(kFactorBlock, diag, [&](Index first, Index count, ThreadScratch& t, double* o) {
    net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.gauss_newton_factor(t.ws);
    net_.backpropagate(x.data(), t.ws);
    net_.accumulate_squares(t.ws, o);
  });
  diag /= static_cast<double>(num_samples());
  const double lambda = net_.architecture().weight_decay;
  if (lambda != 0.0) diag += lambda * net_.weight_mask();
  return diag;
}

NetworkLoss::Evaluation NetworkLoss::evaluate(const Vec& x, const data::Dataset& d) const {
  require(d.features() == net_.inputs() && d.n_classes == net_.outputs() && d.size() >= 1,
          "network: the evaluation data do not fit the network");
  const Index N = d.size(), nb = (N + kBlock - 1) / kBlock;
  Vec loss(nb), correct(nb);
  parallel_blocks(nb, [&](Index b) {
    ThreadScratch& t = scratch();
    const Index first = b * kBlock, count = std::min(kBlock, N - first);
    loss[b] = net_.forward(x.data(), block_columns(d, first, count, t), d.y.data() + first, t.ws);
    net_.predictions(t.ws, t.predicted);
    Index c = 0;
    for (Index i = 0; i < count; ++i)
      c += t.predicted[static_cast<std::size_t>(i)] == d.y[static_cast<std::size_t>(first + i)];
    correct[b] = static_cast<double>(c);
  });
  Evaluation e;
  for (Index b = 0; b < nb; ++b) {
    e.loss += loss[b];
    e.accuracy += correct[b];
  }
  e.loss /= static_cast<double>(N);
  e.accuracy /= static_cast<double>(N);
  return e;
}

}  // namespace sgdsde::nn
