// The third-cumulant correction to SGD's stationary law (stats/theory/third_cumulant.hpp), the odd
// statistics it moves (stats/odd_statistics.hpp) and the two-point noise that makes it large.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/stats/odd_statistics.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"
#include "sgdsde/stats/theory/third_cumulant.hpp"

using namespace sgdsde;

namespace {
/// Two-point shifts of variance σ² (one of N at +σ√(N−1)).
Vec two_point(Index N, double sigma) {
  return AdditiveNoise<DoubleWell>::two_point(DoubleWell{}, N, sigma).noise().row(0).transpose();
}
}  // namespace

TEST_CASE(
    "two-point shifts: mean 0, variance sigma^2, skewness (N-2)/sqrt(N-1); batch means scale as B^(1-r)") {
  const double sigma = 3.0;
  for (Index N : {2, 5, 10}) {
    const auto noise = AdditiveNoise<DoubleWell>::two_point(DoubleWell{}, N, sigma);
    const Vec v = noise.noise().row(0).transpose();
    CHECK(std::abs(v.mean()) < 1e-12);
    CHECK(noise.per_sample_covariance(Vec::Zero(1))(0, 0) == doctest::Approx(sigma * sigma).epsilon(1e-12));
    const auto c = theory::cumulants_of_atoms(v);
    const double n = static_cast<double>(N);
    CHECK(c.variance == doctest::Approx(sigma * sigma).epsilon(1e-12));
    CHECK(c.skewness() == doctest::Approx((n - 2.0) / std::sqrt(n - 1.0)).epsilon(1e-12));
    CHECK(c.excess_kurtosis() == doctest::Approx(n * n / (n - 1.0) - 6.0).epsilon(1e-10));
    for (Index B : {2, 3}) {
      const Vec means = theory::batch_means_with_replacement(v, B);
      CHECK(means.size() == static_cast<Index>(std::pow(n, static_cast<double>(B)) + 0.5));
      const auto cb = theory::cumulants_of_atoms(means);
      const double b = static_cast<double>(B);
      CHECK(cb.variance == doctest::Approx(c.variance / b).epsilon(1e-10));
      CHECK(cb.kappa3 == doctest::Approx(c.kappa3 / (b * b)).epsilon(1e-10));
      CHECK(cb.kappa4 == doctest::Approx(c.kappa4 / (b * b * b)).epsilon(1e-9));
    }
  }
}

TEST_CASE("odd statistics: of a sample, of cells, and their first-order change") {
  Ensemble x(1, 6);
  x << 0.0, 1.0, 1.0, 2.0, 5.0, -1.0;
  stats::OddStatistics se;
  const auto s = stats::odd_statistics_of_sample(x, 0.5, se);
  CHECK(s.mean == doctest::Approx(8.0 / 6.0));
  double c3 = 0;
  for (Index p = 0; p < 6; ++p) c3 += std::pow(x(0, p) - 8.0 / 6.0, 3) / 6.0;
  CHECK(s.third_central == doctest::Approx(c3));
  CHECK(s.lower_mass == doctest::Approx(2.0 / 6.0));
  CHECK(se.lower_mass == doctest::Approx(std::sqrt((2.0 / 6.0) * (4.0 / 6.0) / 6.0)));
  // The change under p0 + ε δp matches the finite difference of the cell statistics.
  const Index n = 50;
  const double lo = -1.0, h = 0.04;
  Vec p0(n), dp(n);
  for (Index i = 0; i < n; ++i) {
    const double c = lo + (static_cast<double>(i) + 0.5) * h;
    p0[i] = std::exp(-c * c * 4.0 + 0.3 * c);
    dp[i] = c * c * c - 0.2 * c + 0.05;
  }
  p0 /= p0.sum();
  dp.array() -= dp.mean();
  const double eps = 1e-6;
  const auto d = stats::odd_statistics_change(p0, dp, lo, h, 0.01);
  const auto a = stats::odd_statistics_of_cells(p0 + eps * dp, lo, h, 0.01),
             b = stats::odd_statistics_of_cells(p0 - eps * dp, lo, h, 0.01);
  CHECK(d.mean == doctest::Approx((a.mean - b.mean) / (2 * eps)).epsilon(1e-6));
  CHECK(d.third_central == doctest::Approx((a.third_central - b.third_central) / (2 * eps)).epsilon(1e-6));
  CHECK(d.lower_mass == doctest::Approx((a.lower_mass - b.lower_mass) / (2 * eps)).epsilon(1e-6));
}

TEST_CASE(
    "third-cumulant correction, OU: delta p = p0 (-s/D)(x^3/(3v^2) - x/v), delta mu3 = -2s/h, mean fixed") {
  const double hc = 2.0, D = 0.3, s = 0.01, v = D / hc, lo = -3.0, hi = 3.0;
  const Index n = 1200;
  const auto c = theory::third_cumulant_correction_1d(
      [hc](double x) { return hc * x; }, [D](double) { return D; }, [s](double) { return s; }, lo, hi, n);
  CHECK(std::abs(c.p0.sum() - 1.0) < 1e-12);
  CHECK(std::abs(c.dp.sum()) < 1e-12);
  double err = 0, scale = 0;
  for (Index i = 0; i < n; ++i) {
    const double x = c.centre(i), exact = c.p0[i] * (-s / D) * (x * x * x / (3 * v * v) - x / v);
    err = std::max(err, std::abs(c.dp[i] - exact));
    scale = std::max(scale, std::abs(exact));
  }
  CHECK(err < 1e-4 * scale);
  const auto d = stats::odd_statistics_change(c.p0, c.dp, lo, c.h, 0.0);
  CHECK(std::abs(d.mean) < 1e-12);
  CHECK(d.third_central == doctest::Approx(-2.0 * s / hc).epsilon(1e-4));
}

TEST_CASE(
    "third-cumulant correction vs SGD's exact chain in a harmonic well: kappa3(theta) = -eta^3 k3/(1-(1-eta "
    "h)^3)") {
  // θ' = (1 − ηh) θ − η ξ, ξ two-point (N = 5, skewness 1.5): the stationary third cumulant is exact.
  const double hc = 1.0, eta = 0.02, D = 0.5, sigma = std::sqrt(2.0 * D / eta), lo = -4.0, hi = 4.0;
  const Index n = 1600;
  const Vec atoms = two_point(5, sigma);
  const double k3 = theory::cumulants_of_atoms(atoms).kappa3;
  auto lp = [hc](double x) { return hc * x; };
  const Vec chain = theory::discrete_noise_chain_invariant_cells_1d(lp, atoms, eta, lo, hi, n);
  const double h = (hi - lo) / static_cast<double>(n);
  const auto sc = stats::odd_statistics_of_cells(chain, lo, h, 0.0);
  const double a = 1.0 - eta * hc, exact = -eta * eta * eta * k3 / (1.0 - a * a * a);
  CHECK(std::abs(sc.mean) < 1e-6);
  CHECK(sc.third_central == doctest::Approx(exact).epsilon(2e-3));
  const double s = eta * eta * k3 / 6.0;
  const auto c = theory::third_cumulant_correction_1d(
      lp, [D](double) { return D; }, [s](double) { return s; }, lo, hi, n);
  const double pred = stats::odd_statistics_change(c.p0, c.dp, lo, c.h, 0.0).third_central;
  CHECK(pred == doctest::Approx(-eta * eta * k3 / (3.0 * hc)).epsilon(1e-4));
  // exact / first order = 1 + ηh + O(η²h²): the next order is the O(ηh) the theory states
  CHECK(std::abs(sc.third_central / pred - 1.0 - eta * hc) < 3.0 * eta * hc * eta * hc);
}

TEST_CASE("third-cumulant correction, double well: moment identities and SGD's exact chain at small eta") {
  const DoubleWell dw;
  auto lp = [&dw](double w) { return dw.derivative1(w); };
  const double T = 1.0, eta = 0.002, lo = -3.0, hi = 3.0;
  const Index n = 800;
  const Vec atoms = two_point(5, std::sqrt(2.0 * T / eta));
  const double s = eta * eta * theory::cumulants_of_atoms(atoms).kappa3 / 6.0;
  const auto c = theory::third_cumulant_correction_1d(
      lp, [T](double) { return T; }, [s](double) { return s; }, lo, hi, n);
  // ⟨A f⟩_δp = s ⟨f'''⟩_p0 for the generator A f = −L' f' + D f'': f = θ gives ⟨L'⟩_δp = 0,
  // f = θ³ gives ⟨−3θ² L' + 6 D θ⟩_δp = 6 s.
  double f1 = 0, f3 = 0, scale = 0;
  for (Index i = 0; i < n; ++i) {
    const double x = c.centre(i);
    f1 += lp(x) * c.dp[i];
    scale += std::abs(lp(x) * c.dp[i]);
    f3 += (-3.0 * x * x * lp(x) + 6.0 * T * x) * c.dp[i];
  }
  CHECK(std::abs(f1) < 1e-4 * scale);
  CHECK(f3 == doctest::Approx(6.0 * s).epsilon(1e-3));
  // Against the exact chains: (discrete-noise chain − Gaussian chain) = first order to a few 0.1 %.
  const double h = (hi - lo) / static_cast<double>(n);
  const Vec pd = theory::discrete_noise_chain_invariant_cells_1d(lp, atoms, eta, lo, hi, n);
  const Vec pg = theory::euler_maruyama_invariant_cells_1d(
      lp, [T](double) { return T; }, eta, lo, hi, n);
  const auto sd = stats::odd_statistics_of_cells(pd, lo, h, 0.0),
             sg = stats::odd_statistics_of_cells(pg, lo, h, 0.0);
  const auto d = stats::odd_statistics_change(c.p0, c.dp, lo, c.h, 0.0);
  CHECK(std::abs(sg.mean) < 1e-9);
  CHECK(sd.mean - sg.mean == doctest::Approx(d.mean).epsilon(0.02));
  CHECK(sd.third_central - sg.third_central == doctest::Approx(d.third_central).epsilon(0.02));
  CHECK(sd.lower_mass - sg.lower_mass == doctest::Approx(d.lower_mass).epsilon(0.02));
  CHECK(d.mean < -0.02);  // skewness 1.5 moves the mean by 1 % of the wells' distance: not vacuous
}

TEST_CASE(
    "non_gaussian_references_1d: the chains relax to their invariant laws; the Gaussian one stays "
    "symmetric") {
  const double hc = 1.0, eta = 0.05, D = 0.5, lo = -4.0, hi = 4.0;
  const Index n = 400;
  const Vec atoms = two_point(5, std::sqrt(2.0 * D / eta));
  auto lp = [hc](double x) { return hc * x; };
  const auto r = theory::non_gaussian_references_1d(
      lp, atoms, [D](double) { return D; }, eta, lo, hi, n, 0.0, 2500);
  CHECK(r.s == doctest::Approx(eta * eta * r.cumulants.kappa3 / 6.0));
  CHECK((r.exact - r.exact_invariant).cwiseAbs().sum() < 1e-10);  // 2500 steps = 125 relaxation times
  CHECK((r.gauss - r.gauss_invariant).cwiseAbs().sum() < 1e-10);
  const double h = (hi - lo) / static_cast<double>(n);
  CHECK(std::abs(stats::odd_statistics_of_cells(r.gauss, lo, h, 0.0).mean) < 1e-12);
  CHECK(stats::odd_statistics_of_cells(r.exact, lo, h, 0.0).third_central < -1e-3);  // κ₃ > 0 skews θ left
  CHECK(std::abs(r.first_order.dp.sum()) < 1e-12);
}
