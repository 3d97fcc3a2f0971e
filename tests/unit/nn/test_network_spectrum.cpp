// Spectral tools on the network's operators against dense ground truth: Lanczos (Spectra) top-10
// Hessian eigenvalues against a dense eigendecomposition; Hutchinson traces within 5 standard errors;
// stochastic Lanczos quadrature reproducing the moments v^T A^k v it is exact for; and the identity
// Fisher = Gauss–Newton when the labels are drawn from the network's own prediction (THEORY §9).
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numeric>
#include <vector>

#include "network_fixtures.hpp"
#include "sgdsde/nn/spectrum.hpp"

using namespace sgdsde;
using namespace sgdsde::nn;

TEST_CASE("Lanczos top-10 Hessian eigenvalues equal the dense eigendecomposition's (relative 1e-8)") {
  for (const auto act : {Activation::tanh, Activation::gelu}) {
    const NetworkLoss f = test::small_network(act, OutputLoss::cross_entropy, 0.01, 60);
    const Vec x = test::random_theta(f, 12);
    Mat H;
    f.hessian(x, H);
    Eigen::SelfAdjointEigenSolver<Mat> es(H);
    const Vec dense = es.eigenvalues().reverse().head(10);
    const Eigenpairs top = top_eigenpairs(
        f.dim(), [&](const Vec& v, Vec& o) { f.hessian_vector(x, v, o); }, 10);
    for (Index k = 0; k < 10; ++k) {
      CAPTURE(k);
      CHECK(std::abs(top.values[k] - dense[k]) <= 1e-8 * std::abs(dense[k]));
      Vec Hu;
      f.hessian_vector(x, top.vectors.col(k), Hu);
      CHECK((Hu - top.values[k] * top.vectors.col(k)).norm() <= 1e-8 * std::abs(dense[0]));
    }
  }
}

TEST_CASE("Hutchinson traces of H, G and Sigma_1 agree with the exact traces within 5 standard errors") {
  const NetworkLoss f = test::small_network(Activation::sigmoid, OutputLoss::cross_entropy, 0.01, 50);
  const Vec x = test::random_theta(f, 13);
  const LinearOperator ops[] = {[&](const Vec& v, Vec& o) { f.hessian_vector(x, v, o); },
                                [&](const Vec& v, Vec& o) { f.gauss_newton_vector(x, v, o); },
                                [&](const Vec& v, Vec& o) { f.sigma1_vector(x, v, o); }};
  for (const auto& op : ops) {
    const Mat A = dense_matrix(f.dim(), op);
    const TraceEstimate t = hutchinson_trace(f.dim(), op, 200, 99);
    // The theoretical standard error 2(‖A‖_F² − Σ A_jj²)/m (THEORY §9) and the measured one agree.
    const double var = 2.0 * (A.squaredNorm() - A.diagonal().squaredNorm()) / 200.0;
    CHECK(std::abs(t.trace - A.trace()) <= 5.0 * std::sqrt(var));
    CHECK(t.std_error == doctest::Approx(std::sqrt(var)).epsilon(0.25));
  }
}

TEST_CASE("stochastic Lanczos quadrature is exact for the moments v^T A^k v, k < 2m") {
  const NetworkLoss f = test::small_network(Activation::tanh, OutputLoss::cross_entropy, 0.01, 50);
  const Vec x = test::random_theta(f, 14);
  const LinearOperator op = [&](const Vec& v, Vec& o) { f.hessian_vector(x, v, o); };
  const Mat H = dense_matrix(f.dim(), op);
  const Index m = 6;
  const LanczosQuadrature q = lanczos_quadrature(f.dim(), op, m, 3, 5);
  for (Index p = 0; p < 3; ++p) {
    const Vec v =
        rademacher(f.dim(), 5, static_cast<std::uint32_t>(p)) / std::sqrt(static_cast<double>(f.dim()));
    CHECK(q.weights.col(p).sum() == doctest::Approx(1.0).epsilon(1e-12));
    Vec Akv = v;
    for (int k = 1; k < 2 * m; ++k) {
      Akv = H * Akv;
      const double exact = v.dot(Akv);
      const double quad = (q.weights.col(p).array() * q.nodes.col(p).array().pow(k)).sum();
      CAPTURE(k);
      CHECK(std::abs(quad - exact) <= 1e-9 * std::pow(H.norm(), k));
    }
  }
  // The density integrates to 1.
  double integral = 0.0;
  const double lo = q.nodes.minCoeff() - 1.0, hi = q.nodes.maxCoeff() + 1.0, dt = (hi - lo) / 4000.0;
  for (int i = 0; i < 4000; ++i) integral += q.density(lo + (i + 0.5) * dt, 0.05) * dt;
  CHECK(integral == doctest::Approx(1.0).epsilon(1e-3));
}

TEST_CASE(
    "Fisher = Gauss-Newton when labels follow the network's prediction (exactly, and sampled within 5 se)") {
  // Without weight decay, G = (1/N) Σ_i E_{y~p(·|x_i)}[∇ℓ_i ∇ℓ_iᵀ]. Exactly (sum over the labels) and
  // by sampling K labels per input (the mean of (g_ikᵀv)² within 5 standard errors of vᵀGv).
  const NetworkLoss f = test::small_network(Activation::tanh, OutputLoss::cross_entropy, 0.0, 40);
  Vec x = test::random_theta(f, 15);
  const Vec v = test::random_theta(f, 16).normalized();
  Vec Gv;
  f.gauss_newton_vector(x, v, Gv);
  const double vGv = v.dot(Gv);
  const Index N = f.num_samples(), C = f.network().outputs();
  Workspace ws;
  f.network().forward(x.data(), f.dataset().X, f.dataset().y.data(), ws);
  const Mat probs = ws.A.back();

  // Exact expectation over the labels.
  auto relabelled = std::make_shared<data::Dataset>(f.dataset());
  Vec exact = Vec::Zero(f.dim());
  for (Index c = 0; c < C; ++c) {
    std::fill(relabelled->y.begin(), relabelled->y.end(), static_cast<std::int32_t>(c));
    const NetworkLoss fc(f.network(), relabelled);
    std::vector<Index> all(static_cast<std::size_t>(N));
    std::iota(all.begin(), all.end(), Index{0});
    RowMat G;
    fc.per_sample_gradients(x, std::span<const Index>(all), G);
    for (Index i = 0; i < N; ++i) exact += probs(c, i) * G.row(i).transpose() * G.row(i).dot(v);
  }
  exact /= static_cast<double>(N);
  CHECK((exact - Gv).norm() <= 1e-12 * Gv.norm());

  // Sampled labels: K draws per input.
  const Index K = 400;
  const CounterRng rng(77);
  Vec q(N * K);
  for (Index k = 0; k < K; ++k) {
    for (Index i = 0; i < N; ++i) {
      const double u = rng.uniforms(static_cast<std::uint32_t>(i), static_cast<std::uint64_t>(k), 0)[0];
      double acc = 0.0;
      std::int32_t c = static_cast<std::int32_t>(C - 1);
      for (Index cc = 0; cc < C; ++cc)
        if (u < (acc += probs(cc, i))) {
          c = static_cast<std::int32_t>(cc);
          break;
        }
      relabelled->y[static_cast<std::size_t>(i)] = c;
    }
    const NetworkLoss fk(f.network(), relabelled);
    Vec gi;
    for (Index i = 0; i < N; ++i) {
      fk.per_sample_gradient(x, i, gi);
      q[k * N + i] = std::pow(gi.dot(v), 2);
    }
  }
  // Draws of different inputs are independent but not identically distributed: the standard error
  // of the overall mean from the per-input variances.
  double se2 = 0.0;
  for (Index i = 0; i < N; ++i) {
    Vec qi(K);
    for (Index k = 0; k < K; ++k) qi[k] = q[k * N + i];
    se2 += (qi.array() - qi.mean()).square().sum() / static_cast<double>(K - 1) / static_cast<double>(K);
  }
  const double se = std::sqrt(se2) / static_cast<double>(N);
  CHECK(std::abs(q.mean() - vGv) <= 5.0 * se);
  // Power: the check detects a 10% error in G (5 se below a tenth of vᵀGv).
  CHECK(5.0 * se < 0.1 * vGv);
}
