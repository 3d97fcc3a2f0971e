#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/sample_stats.hpp"
#include "sgdsde/stats/theory.hpp"

using namespace sgdsde;
using namespace sgdsde::theory;

namespace {
Mat random_spd(const CounterRng& rng, std::uint32_t id, Index d, double shift) {
  Mat A(d, d);
  for (Index i = 0; i < d; ++i)
    for (Index j = 0; j < d; ++j) A(i, j) = rng.normal_pair(id, static_cast<std::uint64_t>(i * d + j), 0)[0];
  return A * A.transpose() / static_cast<double>(d) + shift * Mat::Identity(d, d);
}
double rel_residual(const Mat& R, const Mat& ref) { return R.norm() / ref.norm(); }
}  // namespace

TEST_CASE("Lyapunov solvers match the diagonal closed forms") {
  const double eta = 0.1, sigma2 = 2.0, B = 4.0;
  const Vec h = (Vec(4) << 0.5, 1.0, 3.0, 9.0).finished();
  const Mat H = h.asDiagonal(), C = (sigma2 / B) * Mat::Identity(4, 4);
  const Mat S_sme = stationary_covariance_sme(H, C, eta), S_sgd = stationary_covariance_sgd(H, C, eta);
  for (Index j = 0; j < 4; ++j) {
    CHECK(S_sme(j, j) == doctest::Approx(stationary_variance_sme_diag(h[j], eta, sigma2, B)).epsilon(1e-13));
    CHECK(S_sgd(j, j) == doctest::Approx(stationary_variance_sgd_diag(h[j], eta, sigma2, B)).epsilon(1e-13));
    CHECK(S_sme(j, j) == doctest::Approx(eta * sigma2 / (2.0 * B * h[j])));
    CHECK(S_sgd(j, j) == doctest::Approx(eta * sigma2 / (B * h[j] * (2.0 - eta * h[j]))));
  }
  CHECK(std::abs(S_sme(0, 1)) < 1e-15);
}

TEST_CASE("Lyapunov solutions satisfy their equations (d = 60, symmetric and general paths)") {
  const CounterRng rng(17);
  const Index d = 60;
  const double eta = 0.05;
  const Mat H = random_spd(rng, 0, d, 0.3), C = random_spd(rng, 1, d, 0.1);
  const Mat I = Mat::Identity(d, d);
  const Mat S = stationary_covariance_sme(H, C, eta);
  CHECK(rel_residual(H * S + S * H - eta * C, eta * C) < 1e-11);
  const Mat Sd = stationary_covariance_sgd(H, C, eta);
  const Mat A = I - eta * H;
  CHECK(rel_residual(A * Sd * A.transpose() + eta * eta * C - Sd, Sd) < 1e-11);
  // the Schur (general) path agrees with the eigendecomposition path
  CHECK(rel_residual(solve_continuous_lyapunov(H, eta * C) - S, S) < 1e-10);
  CHECK(rel_residual(solve_discrete_lyapunov(A, eta * eta * C) - Sd, Sd) < 1e-10);
  // a non-symmetric stable H (complex eigenvalues)
  Mat N = H;
  for (Index i = 0; i + 1 < d; ++i) N(i, i + 1) += 0.8, N(i + 1, i) -= 0.8;
  const Mat Sn = stationary_covariance_sme(N, C, eta);
  CHECK(rel_residual(N * Sn + Sn * N.transpose() - eta * C, eta * C) < 1e-10);
  const Mat An = I - eta * N;
  const Mat Snd = stationary_covariance_sgd(N, C, eta);
  CHECK(rel_residual(An * Snd * An.transpose() + eta * eta * C - Snd, Snd) < 1e-10);
  // SGD's stationary covariance exceeds the SME one by O(η)
  CHECK(Sd.trace() > S.trace());
}

TEST_CASE("OU transient mean and variance solve their moment ODEs") {
  const double h = 1.7, T = 0.3, m0 = 2.0, v0 = 0.05;
  // RK4 on dm/dt = −h m, dv/dt = −2 h v + 2 T
  double m = m0, v = v0;
  const double dt = 1e-3;
  for (int k = 0; k < 2000; ++k) {
    auto fm = [&](double x) { return -h * x; };
    auto fv = [&](double x) { return -2.0 * h * x + 2.0 * T; };
    const double m1 = fm(m), m2 = fm(m + 0.5 * dt * m1), m3 = fm(m + 0.5 * dt * m2), m4 = fm(m + dt * m3);
    const double v1 = fv(v), v2 = fv(v + 0.5 * dt * v1), v3 = fv(v + 0.5 * dt * v2), v4 = fv(v + dt * v3);
    m += dt / 6.0 * (m1 + 2 * m2 + 2 * m3 + m4);
    v += dt / 6.0 * (v1 + 2 * v2 + 2 * v3 + v4);
  }
  CHECK(ou_mean(m0, h, 2.0) == doctest::Approx(m).epsilon(1e-10));
  CHECK(ou_variance(v0, h, T, 2.0) == doctest::Approx(v).epsilon(1e-10));
  CHECK(ou_variance(v0, h, T, 50.0) == doctest::Approx(ou_stationary_variance(h, T)));
  CHECK(ou_variance(v0, 0.0, T, 2.0) == doctest::Approx(v0 + 4.0 * T));
  CHECK(ou_variance(v0, 1e-9, T, 2.0) == doctest::Approx(v0 + 4.0 * T).epsilon(1e-7));
  // h = −λ: the unstable direction of a saddle
  const LinearSaddleEscape e{2.0, T, 1.0};
  CHECK(ou_variance(0.0, -2.0, T, 0.8) == doctest::Approx(e.variance_at(0.8)));
}

TEST_CASE("Gibbs densities: normalised, stable at tiny T, exact bin masses") {
  Vec L(5);
  L << 3.0, 1.0, 0.0, 1.0, 3.0;
  const Vec p = gibbs_density_on_grid(L, 1e-3, 0.5);  // exp(−1000) without underflow to NaN
  CHECK(p.sum() * 0.5 == doctest::Approx(1.0));
  CHECK(p[2] * 0.5 == doctest::Approx(1.0));
  const Vec p1 = gibbs_density_on_grid(L, 0.7, 0.5);
  CHECK(p1[0] / p1[1] == doctest::Approx(std::exp(-2.0 / 0.7)));
  // L = ½ h x²: bins are normal-cdf differences (renormalised over the range)
  const double h = 2.0, T = 0.5, sd = std::sqrt(T / h);
  const Vec q = gibbs_bin_probabilities_1d([h](double x) { return 0.5 * h * x * x; }, -1.0, 1.5, 25, T);
  auto Phi = [sd](double x) { return 0.5 * std::erfc(-x / (sd * std::numbers::sqrt2)); };
  const double Z = Phi(1.5) - Phi(-1.0);
  for (Index i = 0; i < 25; ++i) {
    const double x0 = -1.0 + 0.1 * static_cast<double>(i);
    CHECK(q[i] == doctest::Approx((Phi(x0 + 0.1) - Phi(x0)) / Z).epsilon(1e-12));
  }
  // 2-D separable: product of the 1-D bin masses
  const stats::Histogram2D g(-1.0, 1.0, 8, -2.0, 2.0, 5);
  const Vec q2 =
      gibbs_bin_probabilities_2d([](double x, double y) { return x * x + 0.5 * y * y; }, g, 0.4, 8);
  const Vec qx = gibbs_bin_probabilities_1d([](double x) { return x * x; }, -1.0, 1.0, 8, 0.4);
  const Vec qy = gibbs_bin_probabilities_1d([](double y) { return 0.5 * y * y; }, -2.0, 2.0, 5, 0.4);
  for (Index ix = 0; ix < 8; ++ix)
    for (Index iy = 0; iy < 5; ++iy)
      CHECK(q2[ix * 5 + iy] == doctest::Approx(qx[ix] * qy[iy]).epsilon(1e-12));
}

TEST_CASE("stationary density with state-dependent D") {
  auto lp = [](double w) { return 4.0 * w * (w * w - 1.0); };
  // D = T constant: Gibbs
  const double T = 0.3;
  const Vec a = stationary_bin_probabilities_1d(
      lp, [T](double) { return T; }, -2.0, 2.0, 40);
  const Vec b = gibbs_bin_probabilities_1d([](double w) { return w * w * (w * w - 2.0); }, -2.0, 2.0, 40, T);
  CHECK((a - b).cwiseAbs().maxCoeff() < 1e-12);
  // no force, D = 1 + x²: p ∝ 1/(1 + x²), bins are atan differences
  const Vec c = stationary_bin_probabilities_1d([](double) { return 0.0; },
                                                [](double x) { return 1.0 + x * x; }, -1.0, 3.0, 16);
  const double Z = std::atan(3.0) - std::atan(-1.0);
  for (Index i = 0; i < 16; ++i) {
    const double x0 = -1.0 + 0.25 * static_cast<double>(i);
    CHECK(c[i] == doctest::Approx((std::atan(x0 + 0.25) - std::atan(x0)) / Z).epsilon(1e-12));
  }
  // zero flux J = −L' p − (D p)' for D = 0.2(1 + 0.5 sin x), (D p)' by a 5-point stencil (error O(h⁴))
  auto D = [](double x) { return 0.2 * (1.0 + 0.5 * std::sin(x)); };
  const double hx = 1e-3;
  const Index npts = 9;
  Vec xs(5 * npts);
  for (Index i = 0; i < npts; ++i)
    for (Index j = 0; j < 5; ++j)
      xs[5 * i + j] = -2.0 + 0.5 * static_cast<double>(i) + hx * static_cast<double>(j - 2);
  const Vec p = stationary_density_1d(lp, D, -2.5, 2.5, xs);
  double scale = 0.0;
  for (Index i = 0; i < npts; ++i) scale = std::max(scale, std::abs(lp(xs[5 * i + 2]) * p[5 * i + 2]));
  for (Index i = 0; i < npts; ++i) {
    auto Dp = [&](Index j) { return D(xs[5 * i + j]) * p[5 * i + j]; };
    const double dDp = (-Dp(4) + 8.0 * Dp(3) - 8.0 * Dp(1) + Dp(0)) / (12.0 * hx);
    const double J = -lp(xs[5 * i + 2]) * p[5 * i + 2] - dDp;
    CHECK(std::abs(J) < 1e-6 * scale);  // O(h⁴) truncation ≈ 1e−8 relative here
  }
  // normalisation: the density integrates to 1 over [lo, hi]
  Vec grid(2001);
  for (Index i = 0; i < grid.size(); ++i) grid[i] = -2.5 + 5.0 * static_cast<double>(i) / 2000.0;
  const Vec pg = stationary_density_1d(lp, D, -2.5, 2.5, grid);
  const double integral = (pg.sum() - 0.5 * (pg[0] + pg[2000])) * 5.0 / 2000.0;
  CHECK(integral == doctest::Approx(1.0).epsilon(1e-5));
}

TEST_CASE("Langevin saddle escape: closed forms, pdf and cdf agree") {
  const double lambda = 2.0, T = 1e-3, y_e = 1.0;
  const LinearSaddleEscape e{lambda, T, y_e};
  CHECK(e.mean() == doctest::Approx(langevin_saddle_escape_mean(lambda, y_e, T)));
  CHECK(e.variance() == doctest::Approx(langevin_saddle_escape_variance(lambda)));
  // the quadrature path reproduces the closed-form ln|Z| moments
  const LogAbsMoments qm = theory::detail::log_abs_normal_moments_quadrature(0.0, 0.37);
  CHECK(qm.mean ==
        doctest::Approx(std::log(0.37) - 0.5 * (std::numbers::egamma + std::numbers::ln2)).epsilon(1e-10));
  CHECK(qm.variance == doctest::Approx(std::numbers::pi * std::numbers::pi / 8.0).epsilon(1e-10));
  // moments of the pdf by quadrature = the closed forms; cdf = ∫ pdf
  const GaussLegendre g(16);
  double m0 = 0, m1 = 0, m2 = 0;
  const double t0 = -3.0, t1 = 30.0;
  const int panels = 1500;
  for (int k = 0; k < panels; ++k) {
    const double a = t0 + (t1 - t0) * k / panels, b = a + (t1 - t0) / panels;
    m0 += g.integrate([&](double t) { return e.pdf(t); }, a, b);
    m1 += g.integrate([&](double t) { return t * e.pdf(t); }, a, b);
    m2 += g.integrate([&](double t) { return t * t * e.pdf(t); }, a, b);
  }
  CHECK(m0 == doctest::Approx(1.0).epsilon(1e-10));
  CHECK(m1 == doctest::Approx(langevin_saddle_escape_mean(lambda, y_e, T)).epsilon(1e-10));
  CHECK(m2 - m1 * m1 == doctest::Approx(langevin_saddle_escape_variance(lambda)).epsilon(1e-8));
  const double tm = e.mean();
  double c = 0.0;
  for (int k = 0; k < panels; ++k) {
    const double a = t0 + (tm - t0) * k / panels, b = a + (tm - t0) / panels;
    c += g.integrate([&](double t) { return e.pdf(t); }, a, b);
  }
  CHECK(e.cdf(tm) == doctest::Approx(c).epsilon(1e-10));
  CHECK(e.cdf(e.quantile(0.3)) == doctest::Approx(0.3).epsilon(1e-12));
  // exact marginal P(|y(t)| ≥ y_e) → the asymptotic cdf once e^{2λt} ≫ 1
  CHECK(std::abs(e.prob_beyond(4.0) - e.cdf(4.0)) < 1e-6);
  // a start off the saddle escapes sooner, consistently between the numerical moments and the pdf
  const LinearSaddleEscape f{lambda, T, y_e, 0.05};
  double f1 = 0;
  for (int k = 0; k < panels; ++k) {
    const double a = t0 + (t1 - t0) * k / panels, b = a + (t1 - t0) / panels;
    f1 += g.integrate([&](double t) { return t * f.pdf(t); }, a, b);
  }
  CHECK(f.mean() == doctest::Approx(f1).epsilon(1e-8));
  CHECK(f.mean() < e.mean());
}

TEST_CASE("discrete SGD saddle escape: step-count mean and variance by Monte Carlo") {
  // y_{k+1} = (1 + ηλ) y_k − η ξ_k, ξ ~ N(0, σ_y²/B), escape at |y| ≥ y_e
  const double eta = 0.1, lambda = 1.0, sigma_y2 = 1e-4, B = 2.0, y_e = 1.0;
  for (double y0 : {0.0, 0.004}) {
    const SgdSaddleEscape th{eta, lambda, sigma_y2, B, y_e, y0};
    CHECK(th.s2() == doctest::Approx(eta * eta * sigma_y2 / (B * (std::pow(1 + eta * lambda, 2) - 1))));
    const CounterRng rng(2024);
    const std::uint32_t M = 20000;
    std::vector<double> K(M);
    stats::RunningStats st;
    for (std::uint32_t p = 0; p < M; ++p) {
      double y = y0;
      std::int64_t k = 0;
      while (std::abs(y) < y_e) {
        y = (1.0 + eta * lambda) * y -
            eta * std::sqrt(sigma_y2 / B) * rng.normal_pair(p, static_cast<std::uint64_t>(k), 0)[0];
        ++k;
      }
      K[p] = static_cast<double>(k);
      st.add(K[p]);
    }
    double m4 = 0.0;
    for (double k : K) m4 += std::pow(k - st.mean(), 4);
    m4 /= M;
    const double var_se = std::sqrt((m4 - std::pow(st.variance(), 2)) / M);
    CAPTURE(y0);
    CAPTURE(st.mean());
    CAPTURE(th.mean_steps());
    CHECK(std::abs(st.mean() - th.mean_steps()) < 5.0 * st.std_error());
    CHECK(std::abs(st.variance() - th.variance_steps()) < 5.0 * var_se);
    // the cdf at the median
    std::sort(K.begin(), K.end());
    const double kmed = K[M / 2];
    const double frac = static_cast<double>(std::upper_bound(K.begin(), K.end(), kmed) - K.begin()) / M;
    CHECK(std::abs(th.cdf_steps(kmed) - frac) < 5.0 * std::sqrt(0.25 / M));
  }
}

TEST_CASE("gradient descent from a small offset escapes in ln(y_e/δ)/ln(1+ηλ) steps") {
  const double eta = 0.05, lambda = 3.0, y_e = 1.0;
  for (double delta : {1e-3, 0.2, -0.01}) {
    std::int64_t k = 0;
    double y = delta;
    while (std::abs(y) < y_e) y *= (1.0 + eta * lambda), ++k;
    CHECK(gd_escape_steps_integer(eta, lambda, y_e, delta) == k);
    CHECK(std::abs(gd_escape_steps(eta, lambda, y_e, delta) - static_cast<double>(k)) < 1.0);
    CHECK(gd_escape_time(lambda, y_e, delta) == doctest::Approx(std::log(y_e / std::abs(delta)) / lambda));
  }
  CHECK(gd_escape_steps_integer(eta, lambda, y_e, 0.0) == -1);
  CHECK(std::isinf(gd_escape_time(lambda, y_e, 0.0)));
}

TEST_CASE("SGD gradient-norm bound holds on a noisy quadratic") {
  // L = ½βθ², per-sample gradient βθ + ξ, E‖∇ℓ‖² = σ² + ‖∇L‖²; batch 1, η ≤ 1/β
  const double beta = 2.0, sigma2 = 1.0, eta = 0.2, theta0 = 3.0;
  const std::int64_t steps = 500;
  const CounterRng rng(8);
  stats::RunningStats avg;
  for (std::uint32_t p = 0; p < 400; ++p) {
    double th = theta0, s = 0.0;
    for (std::int64_t k = 0; k < steps; ++k) {
      s += beta * beta * th * th;
      th -= eta * (beta * th + std::sqrt(sigma2) * rng.normal_pair(p, static_cast<std::uint64_t>(k), 0)[0]);
    }
    avg.add(s / static_cast<double>(steps));
  }
  const double bound = sgd_gradient_norm_bound(eta, beta, sigma2, 1.0, 0.5 * beta * theta0 * theta0, steps);
  CHECK(bound == doctest::Approx(eta * beta * sigma2 + beta * theta0 * theta0 / (eta * steps)));
  CHECK(sgd_bound_applies(eta, beta));
  CHECK(avg.mean() + 5.0 * avg.std_error() < bound);
  // and the plateau is the right order: the stationary E‖∇L‖² = ηβσ²/(2 − ηβ) is within a factor 2 of it
  CHECK(avg.mean() > 0.4 * sgd_gradient_norm_plateau(eta, beta, sigma2, 1.0));
}
