// The network's derivatives against independent references (seed 003's numerical gradient check,
// THEORY §9): gradients and per-sample gradients against central differences of the loss, for every
// activation and both losses; Hessian-vector products (R-operator) against central differences of
// gradients; Gauss–Newton products against the explicit (1/N) Σ J_iᵀ Λ_i J_i with J_i by finite
// differences of the outputs; Σ₁ v against the covariance of explicit per-sample gradients.
#include <doctest/doctest.h>

#include <omp.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "network_fixtures.hpp"
#include "sgdsde/nn/spectrum.hpp"

using namespace sgdsde;
using namespace sgdsde::nn;

namespace {

const Activation kActivations[] = {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::gelu};
const OutputLoss kLosses[] = {OutputLoss::cross_entropy, OutputLoss::squared_error};

double rel(const Vec& a, const Vec& b) { return (a - b).norm() / std::max(1e-300, b.norm()); }

/// ℓ_i(θ) by the forward pass (weight decay included, as ℓ_i carries it).
double sample_loss(const NetworkLoss& f, const Vec& x, Index i) {
  const Index one[1] = {i};
  return f.batch_loss(x, std::span<const Index>(one, 1));
}

/// Central difference of a scalar function along every coordinate, step h.
template <class Fn>
Vec central_gradient(Fn&& fn, const Vec& x, double h) {
  Vec g(x.size()), y = x;
  for (Index j = 0; j < x.size(); ++j) {
    y[j] = x[j] + h;
    const double up = fn(y);
    y[j] = x[j] - h;
    const double down = fn(y);
    y[j] = x[j];
    g[j] = (up - down) / (2 * h);
  }
  return g;
}

/// The network's output z_i (logits for cross-entropy, sigmoid outputs for squared error).
Vec output_of(const NetworkLoss& f, const Vec& x, Index i) {
  Workspace ws;
  const Mlp& net = f.network();
  net.forward(x.data(), f.dataset().X.col(i), &f.dataset().y[static_cast<std::size_t>(i)], ws);
  return net.architecture().loss == OutputLoss::cross_entropy ? Vec(ws.Z.back().col(0))
                                                              : Vec(ws.A.back().col(0));
}

}  // namespace

TEST_CASE("network gradient and per-sample gradients match central differences (every activation and loss)") {
  for (const auto act : kActivations)
    for (const auto loss : kLosses) {
      CAPTURE(to_string(act));
      CAPTURE(to_string(loss));
      const NetworkLoss f = test::small_network(act, loss);
      const Vec x = test::random_theta(f, 3);
      Vec g;
      f.gradient(x, g);
      const Vec fd = central_gradient([&](const Vec& y) { return f.value(y); }, x, 1e-5);
      CHECK(rel(g, fd) <= 1e-7);
      // Per-sample gradients: the rows of the batch form, and each against its own central difference.
      const std::vector<Index> batch{0, 7, 7, 13};
      RowMat G;
      f.per_sample_gradients(x, std::span<const Index>(batch), G);
      for (std::size_t b = 0; b < batch.size(); ++b) {
        const Vec fdi = central_gradient([&](const Vec& y) { return sample_loss(f, y, batch[b]); }, x, 1e-5);
        CHECK(rel(G.row(static_cast<Index>(b)).transpose(), fdi) <= 1e-7);
        Vec gi;
        f.per_sample_gradient(x, batch[b], gi);
        CHECK(rel(gi, fdi) <= 1e-7);
      }
      // The batch gradient is the mean of the per-sample rows; the full gradient the mean of all.
      Vec gb;
      f.batch_gradient(x, std::span<const Index>(batch), gb);
      CHECK(rel(gb, G.colwise().mean().transpose()) <= 1e-13);
      std::vector<Index> all(static_cast<std::size_t>(f.num_samples()));
      std::iota(all.begin(), all.end(), Index{0});
      f.batch_gradient(x, std::span<const Index>(all), gb);
      CHECK(rel(gb, g) <= 1e-13);
    }
}

TEST_CASE("Hessian-vector products (R-operator) match central differences of gradients to 1e-6") {
  for (const auto act : kActivations)
    for (const auto loss : kLosses) {
      CAPTURE(to_string(act));
      CAPTURE(to_string(loss));
      const NetworkLoss f = test::small_network(act, loss);
      const Vec x = test::random_theta(f, 4);
      for (std::uint32_t probe = 0; probe < 3; ++probe) {
        const Vec v = test::random_theta(f, 100 + probe).normalized();
        Vec Hv, gp, gm;
        f.hessian_vector(x, v, Hv);
        const double h = 1e-5;
        f.gradient(x + h * v, gp);
        f.gradient(x - h * v, gm);
        CHECK(rel(Hv, (gp - gm) / (2 * h)) <= 1e-6);
      }
      // The dense Hessian is symmetric and its columns are the products with e_j.
      Mat H;
      f.hessian(x, H);
      Vec e = Vec::Zero(f.dim()), col;
      e[5] = 1.0;
      f.hessian_vector(x, e, col);
      CHECK(rel(H.col(5), col) <= 1e-12);
    }
}

TEST_CASE("Gauss-Newton products equal (1/N) sum J^T Lambda J v with J by finite differences") {
  for (const auto act : kActivations)
    for (const auto loss : kLosses) {
      CAPTURE(to_string(act));
      CAPTURE(to_string(loss));
      const double lambda = 0.05;
      const NetworkLoss f = test::small_network(act, loss, lambda, 12);
      const Vec x = test::random_theta(f, 5);
      const Vec v = test::random_theta(f, 6).normalized();
      const Index C = f.network().outputs();
      Vec ref = lambda * v.cwiseProduct(f.network().weight_mask());
      for (Index i = 0; i < f.num_samples(); ++i) {
        Mat J(C, f.dim());
        Vec y = x;
        for (Index j = 0; j < f.dim(); ++j) {
          const double h = 1e-6;
          y[j] = x[j] + h;
          const Vec up = output_of(f, y, i);
          y[j] = x[j] - h;
          const Vec down = output_of(f, y, i);
          y[j] = x[j];
          J.col(j) = (up - down) / (2 * h);
        }
        Mat Lambda;
        if (loss == OutputLoss::cross_entropy) {
          const Vec z = output_of(f, x, i);
          const Vec p = (z.array() - z.maxCoeff()).exp() / (z.array() - z.maxCoeff()).exp().sum();
          Lambda = Mat(p.asDiagonal()) - p * p.transpose();
        } else {
          Lambda = 2.0 * Mat::Identity(C, C);
        }
        ref += J.transpose() * (Lambda * (J * v)) / static_cast<double>(f.num_samples());
      }
      Vec Gv;
      f.gauss_newton_vector(x, v, Gv);
      CHECK(rel(Gv, ref) <= 1e-7);
      // The exact diagonal equals the dense operator's.
      const Mat G = dense_matrix(f.dim(), [&](const Vec& u, Vec& o) { f.gauss_newton_vector(x, u, o); });
      CHECK(rel(f.gauss_newton_diagonal(x), G.diagonal()) <= 1e-12);
    }
}

TEST_CASE(
    "Sigma_1 v, its diagonal and the dense Sigma_1 equal the explicit covariance of per-sample gradients") {
  for (const auto loss : kLosses) {
    const NetworkLoss f = test::small_network(Activation::tanh, loss, 0.1, 30);
    const Vec x = test::random_theta(f, 8);
    std::vector<Index> all(static_cast<std::size_t>(f.num_samples()));
    std::iota(all.begin(), all.end(), Index{0});
    RowMat G;
    f.per_sample_gradients(x, std::span<const Index>(all), G);
    const Mat centred = G.rowwise() - G.colwise().mean();
    const Mat S = centred.transpose() * centred / static_cast<double>(f.num_samples());
    const Vec v = test::random_theta(f, 9);
    Vec Sv;
    f.sigma1_vector(x, v, Sv);
    CHECK(rel(Sv, S * v) <= 1e-12);
    CHECK(rel(f.sigma1_diagonal(x), S.diagonal()) <= 1e-12);
    CHECK((f.per_sample_covariance(x) - S).norm() <= 1e-12 * S.norm());
    // Σ₁ = A Aᵀ for the exact noise factor.
    const Mat A = f.sigma1_factor(x);
    CHECK((A * A.transpose() - S).norm() <= 1e-12 * S.norm());
  }
}

TEST_CASE("network results do not depend on the thread count") {
  const NetworkLoss f = test::small_network(Activation::gelu, OutputLoss::cross_entropy, 0.1, 1000);
  const Vec x = test::random_theta(f, 10), v = test::random_theta(f, 11);
  const int saved = omp_get_max_threads();
  Vec g1, h1, s1, g2, h2, s2;
  omp_set_num_threads(1);
  f.gradient(x, g1);
  f.hessian_vector(x, v, h1);
  f.sigma1_vector(x, v, s1);
  const double v1 = f.value(x);
  omp_set_num_threads(3);
  f.gradient(x, g2);
  f.hessian_vector(x, v, h2);
  f.sigma1_vector(x, v, s2);
  const double v2 = f.value(x);
  omp_set_num_threads(saved);
  CHECK(v1 == v2);
  CHECK(g1 == g2);
  CHECK(h1 == h2);
  CHECK(s1 == s2);
}

TEST_CASE("parameter count, layout and initialisations of the seed's 784-16-16-10 network") {
  const Mlp net(Architecture{});
  CHECK(net.num_params() == 13002);
  CHECK(net.weight_mask().sum() == 784 * 16 + 16 * 16 + 16 * 10);
  CHECK(net.bias_offset(1) == 784 * 16);
  CHECK(net.weight_offset(2) == 784 * 16 + 16);
  // Initial weights: N(0, s²) per layer (s = 0.01, Glorot, He); the sample variance within 5 se.
  for (const auto init : {Init::small_normal, Init::glorot, Init::he}) {
    const Vec x = net.initial_parameters(init, 42, 3);
    const Index n = 784 * 16;
    const double s2 = init == Init::small_normal ? 1e-4 : init == Init::glorot ? 2.0 / 800.0 : 2.0 / 784.0;
    const double var = x.head(n).squaredNorm() / static_cast<double>(n);
    CHECK(std::abs(var - s2) <= 5.0 * s2 * std::sqrt(2.0 / static_cast<double>(n)));
    CHECK(x.segment(net.bias_offset(1), 16).isZero());
    CHECK(x != net.initial_parameters(init, 42, 4));  // another particle, another draw
  }
}

TEST_CASE("initial cross-entropy at N(0, 0.01^2) weights is ln 10 (seed 003's sanity check)") {
  // ℓ = lse(z) − z_y and |lse(z) − ln C| ≤ max|z|, so |ℓ − ln 10| ≤ 2 max|z|: small weights make
  // the logits small (a few 0.01 here: inputs of unit variance through 0.01-weights) and the loss ln 10.
  Architecture a;
  const NetworkLoss f(Mlp(a), test::synthetic_data(784, 500, 10, 5));
  const Vec x = f.network().initial_parameters(Init::small_normal, 1);
  Workspace ws;
  f.network().forward(x.data(), f.dataset().X, f.dataset().y.data(), ws);
  const double zmax = ws.Z.back().cwiseAbs().maxCoeff();
  CHECK(zmax < 0.1);
  CHECK(std::abs(f.value(x) - std::log(10.0)) <= 2.0 * zmax);
}
