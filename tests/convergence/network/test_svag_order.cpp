// SVAG's weak order (Li, Malladi & Arora 2021; THEORY §9) on a network small enough to simulate
// 2^15 copies of: E φ(θ) at t = kη/l converges to the SME's E φ(X_t) with error O(1/l).
// φ = ‖θ_t − θ₀‖², the spread the noise builds (gradient flow has only its t²‖∇L‖² part). SVAG's
// E φ at l = 1 … 16 is fitted by E_∞ + C/l + D/l²: order 1 is C resolved (≠ 0 at 5 se), the fit's χ²
// acceptable, and E_∞ the SME's value, from Euler–Maruyama with the exact noise (the Gaussian-noise
// dynamics, dt = η/32, its own bias bounded by the dt = η/16 run).
#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <vector>

#include "../../unit/nn/network_fixtures.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/svag.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/gaussian_noise_dynamics.hpp"

using namespace sgdsde;
using namespace sgdsde::nn;

namespace {
struct Estimate {
  double mean, se;
};
/// E‖θ_t − θ₀‖², the spread the noise builds up: where the SDE's O(1/l) error shows (gradient flow
/// gets only its t²‖∇L‖² part).
Estimate spread(const Ensemble& x, const Vec& x0) {
  const Index M = x.cols();
  Vec v(M);
  for (Index p = 0; p < M; ++p) v[p] = (x.col(p).matrix() - x0).squaredNorm();
  const double m = v.mean();
  return {m, std::sqrt((v.array() - m).square().sum() / static_cast<double>(M - 1) / static_cast<double>(M))};
}
}  // namespace

TEST_CASE("SVAG converges weakly with order 1 in 1/l to the SME (dense-noise Euler-Maruyama reference)") {
  nn::Architecture a;
  a.widths = {2, 3, 2};
  a.activation = Activation::tanh;
  const NetworkLoss f(Mlp(a), test::synthetic_data(2, 8, 2, 31));
  const Vec x0 = 1.5 * test::random_theta(f, 32);
  const double eta = 0.5, t = 1.0;
  const Index M = Index{1} << 15, B = 1;
  const auto run = [&](auto& model, double l) {
    Ensemble x = x0.replicate(1, M).array();
    RunOptions opts;
    opts.n_steps = std::lround(l * t / eta);
    opts.block = 256;
    run_ensemble(model, x, opts);
    return spread(x, x0);
  };
  std::vector<double> ls{1, 2, 4, 8, 16};
  std::vector<Estimate> svag;
  for (const double l : ls) {
    SvagEnsemble model(f, Sgd{}, ConstantLr{eta}, l, B, Sampling::with_replacement,
                       40 + static_cast<std::uint64_t>(l));
    svag.push_back(run(model, l));
  }
  std::vector<Estimate> em;
  for (const double l : {16.0, 32.0}) {
    GaussianNoiseEnsemble model(f, ConstantLr{eta}, NoiseShape::exact, B, Sampling::with_replacement, l, 1, 1,
                                90 + static_cast<std::uint64_t>(l));
    em.push_back(run(model, l));
  }
  // The reference: EM at dt = η/32, its own O(dt) error bounded by |E(η/16) − E(η/32)| (for an
  // order-1 scheme the error at dt/2 is about the difference of the two).
  const Estimate ref = em[1];
  const double ref_bias = std::abs(em[0].mean - em[1].mean) + 2.0 * std::hypot(em[0].se, em[1].se);
  // SVAG's values fitted by E_l = E_∞ + C/l + D/l² (weighted least squares): order 1 means C ≠ 0,
  // resolved; the O(1/l²) term absorbs the pre-asymptotic bend the 5 points show.
  const Index n = static_cast<Index>(ls.size());
  Mat X(n, 3);
  Vec y(n), w(n);
  for (Index i = 0; i < n; ++i) {
    const double l = ls[static_cast<std::size_t>(i)];
    X.row(i) << 1.0, 1.0 / l, 1.0 / (l * l);
    y[i] = svag[static_cast<std::size_t>(i)].mean;
    w[i] = 1.0 / std::pow(svag[static_cast<std::size_t>(i)].se, 2);
    MESSAGE("l = ", l, ": E|dtheta|^2 = ", y[i], " +- ", svag[static_cast<std::size_t>(i)].se);
  }
  const Mat XtWX = X.transpose() * w.asDiagonal() * X;
  const Mat cov = XtWX.inverse();
  const Vec beta = cov * (X.transpose() * w.asDiagonal() * y);
  const double chi2 = (w.array() * (y - X * beta).array().square()).sum();
  const double dof = static_cast<double>(n - 3);
  MESSAGE("fit: E_inf ", beta[0], " +- ", std::sqrt(cov(0, 0)), ", C ", beta[1], " +- ", std::sqrt(cov(1, 1)),
          ", D ", beta[2], " +- ", std::sqrt(cov(2, 2)), ", chi2/dof ", chi2 / dof);
  MESSAGE("EM reference (dt = eta/32) ", ref.mean, " +- ", ref.se, ", its bias bound ", ref_bias);
  // Order 1: the 1/l term is resolved (a pure O(1/l²) law, order 2, is rejected at 5 se).
  CHECK(std::abs(beta[1]) > 5.0 * std::sqrt(cov(1, 1)));
  // The two-term model fits: χ² within dof + 5 sd of its χ²(dof) law.
  CHECK(chi2 <= dof + 5.0 * std::sqrt(2.0 * dof));
  // The limit is the SME: SVAG's E_∞ meets the Euler–Maruyama reference.
  CHECK(std::abs(beta[0] - ref.mean) <= 5.0 * std::hypot(std::sqrt(cov(0, 0)), ref.se) + ref_bias);
  // And the l = 1 error (SGD itself) is far outside that band: the test can tell SGD from its SDE.
  CHECK(std::abs(svag[0].mean - ref.mean) > 5.0 * std::hypot(svag[0].se, ref.se) + ref_bias);
}
