// The invariant law of the finite-step EM / SGD chain (stats/theory/euler_maruyama_invariant.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"

using namespace sgdsde;

namespace {
double variance(const Vec& p, double lo, double hi) {
  const Index n = p.size();
  const double h = (hi - lo) / static_cast<double>(n);
  double m = 0, v = 0;
  for (Index i = 0; i < n; ++i) m += p[i] * (lo + (i + 0.5) * h);
  for (Index i = 0; i < n; ++i) v += p[i] * std::pow(lo + (i + 0.5) * h - m, 2);
  return v;
}
}  // namespace

TEST_CASE("EM chain on a harmonic well: variance T / (h (1 - dt h / 2)) exactly") {
  const double h = 8.0, T = 0.25;
  for (double dt : {0.01, 0.04}) {
    const Vec p = theory::euler_maruyama_invariant_cells_1d([h](double x) { return h * x; },
                                                            [T](double) { return T; }, dt, -1.5, 1.5, 500);
    CHECK(std::abs(p.sum() - 1.0) < 1e-12);
    const double exact = T / (h * (1.0 - dt * h / 2.0));
    // cell-centre quadrature of a Gaussian: O(Δ²) — Δ²/12 ≈ 5e-7 here, well below the O(dt) effect
    CHECK(variance(p, -1.5, 1.5) == doctest::Approx(exact).epsilon(2e-3));
    // and the continuous-time variance T/h is clearly different (the O(dt) bias is resolved)
    CHECK(std::abs(variance(p, -1.5, 1.5) - T / h) > 10 * 2e-3 * exact);
  }
}

TEST_CASE("discrete-noise chain with Gaussian-like atoms agrees with the EM chain") {
  const double h = 8.0, dt = 0.02, T = 0.25;
  // atoms: a fine quantile grid of N(0, 2T/dt) (the SGD noise ξ̄ with η² Var ξ̄ = 2 T η)
  const Index A = 4000;
  Vec atoms(A);
  const double sd = std::sqrt(2.0 * T / dt);
  for (Index a = 0; a < A; ++a) {
    // inverse normal CDF by bisection on erfc
    const double u = (a + 0.5) / A;
    double lo = -10, hi = 10;
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      (0.5 * std::erfc(-mid / std::sqrt(2.0)) < u ? lo : hi) = mid;
    }
    atoms[a] = sd * 0.5 * (lo + hi);
  }
  auto lp = [h](double x) { return h * x; };
  const Vec pe = theory::euler_maruyama_invariant_bin_probabilities_1d(
      lp, [T](double) { return T; }, dt, -1.5, 1.5, 40, 8, 4);
  const Vec pd =
      theory::discrete_noise_chain_invariant_bin_probabilities_1d(lp, atoms, dt, -1.5, 1.5, 40, 8, 4);
  CHECK(0.5 * (pe - pd).cwiseAbs().sum() < 2e-3);
}

TEST_CASE("batch means without replacement: C(N, B) of them, mean preserved, variance (N-B)/(N-1) s^2/B") {
  Vec v(10);
  v << 1, -2, 3, 0.5, -1, 2, -0.5, 0, 1.5, -4.5;  // mean 0
  const Vec m = theory::batch_means_without_replacement(v, 4);
  CHECK(m.size() == 210);
  CHECK(std::abs(m.mean()) < 1e-12);
  const double s2 = v.squaredNorm() / 10.0;
  CHECK(m.squaredNorm() / 210.0 == doctest::Approx((10.0 - 4.0) / 9.0 * s2 / 4.0).epsilon(1e-12));
}

TEST_CASE("the chain's law after k steps: banded steps and repeated squaring agree with K^k p0") {
  // Double well at T = 0.25, dt = 0.01: the kernel is a band of a few hundred cells out of 600.
  auto lp = [](double w) { return 4.0 * w * (w * w - 1.0); };
  auto D = [](double) { return 0.25; };
  const Index n = 600;
  const Mat K = theory::euler_maruyama_kernel_1d(lp, D, 0.01, -3.0, 3.0, n);
  for (Index j = 0; j < n; ++j) CHECK(K.col(j).sum() == doctest::Approx(1.0).epsilon(1e-12));
  Vec p0 = Vec::Zero(n);
  p0[n / 3] = 1.0;
  // 3000 steps: the last stretch (2950) goes by repeated squaring, the first ones step by step.
  const Mat laws = theory::propagate_chain_law(K, p0, {0, 10, 50, 3000});
  CHECK((laws.col(0) - p0).cwiseAbs().maxCoeff() == 0.0);
  Vec p = p0;
  for (int k = 1; k <= 3000; ++k) {
    p = K * p;
    if (k == 10) CHECK((laws.col(1) - p).cwiseAbs().sum() < 1e-12);
    if (k == 50) CHECK((laws.col(2) - p).cwiseAbs().sum() < 1e-12);
  }
  CHECK((laws.col(3) - p).cwiseAbs().sum() < 1e-10);
  CHECK(laws.col(3).sum() == doctest::Approx(1.0).epsilon(1e-10));
  // By 3000 steps (t = 30 ≈ one relaxation time of the inter-well mode) mass has crossed the barrier
  // but not yet balanced: the test would not see a wrong long stretch if it were already invariant.
  const double right = laws.col(3).tail(n / 2).sum();
  CHECK(right > 0.1);
  CHECK(right < 0.45);
  CHECK_THROWS(theory::propagate_chain_law(K, p0, {50, 10}));
}
