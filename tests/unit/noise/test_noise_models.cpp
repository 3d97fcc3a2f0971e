// Finite-sum noise models: per-sample gradients average to ∇L, batch gradients are means, the
// closed-form Σ₁ equals the definition, sampled noise is centred, gradients match finite differences.
#include <doctest/doctest.h>

#include <numeric>
#include <vector>

#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/flat_sharp_wells.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/noise_models.hpp"

using namespace sgdsde;

namespace {

template <FiniteSum F>
void check_finite_sum(const F& f, const Vec& x, double tol = 1e-12) {
  const Index d = f.dim(), N = f.num_samples();
  Vec g(d), gi(d), mean = Vec::Zero(d), gb(d);
  f.gradient(x, g);
  for (Index i = 0; i < N; ++i) {
    f.per_sample_gradient(x, i, gi);
    mean += gi;
  }
  mean /= static_cast<double>(N);
  const double scale = 1.0 + g.cwiseAbs().maxCoeff();
  CHECK((mean - g).cwiseAbs().maxCoeff() <= tol * scale);
  // The full batch is the mean of all per-sample gradients.
  std::vector<Index> all(static_cast<std::size_t>(N));
  std::iota(all.begin(), all.end(), Index{0});
  f.batch_gradient(x, std::span<const Index>(all), gb);
  CHECK((gb - g).cwiseAbs().maxCoeff() <= tol * scale);
  // A batch of repeated indices {3, 3, 5}: (2∇ℓ_3 + ∇ℓ_5)/3.
  const std::vector<Index> b{3, 3, 5};
  Vec g3(d), g5(d);
  f.per_sample_gradient(x, 3, g3);
  f.per_sample_gradient(x, 5, g5);
  f.batch_gradient(x, std::span<const Index>(b), gb);
  CHECK((gb - (2.0 * g3 + g5) / 3.0).cwiseAbs().maxCoeff() <= 1e-13 * (1.0 + g3.norm() + g5.norm()));
  // Σ₁ closed form = definition.
  const Mat S = f.per_sample_covariance(x);
  const Mat Sd = per_sample_covariance_direct(f, x);
  CHECK((S - Sd).cwiseAbs().maxCoeff() <= 1e-10 * (1.0 + Sd.cwiseAbs().maxCoeff()));
  CHECK((S - S.transpose()).cwiseAbs().maxCoeff() == 0.0);
  // ∇L by central differences of L.
  const double h = 1e-6;
  for (Index j = 0; j < d; ++j) {
    Vec xp = x, xm = x;
    xp[j] += h;
    xm[j] -= h;
    const double fd = (f.value(xp) - f.value(xm)) / (2.0 * h);
    CHECK(fd == doctest::Approx(g[j]).epsilon(1e-6).scale(1.0));
  }
}

}  // namespace

TEST_CASE("additive noise: centred, Sigma_1 = sample covariance, close to C") {
  Mat H(2, 2);
  H << 2.0, 0.5, 0.5, 1.0;
  Mat C(2, 2);
  C << 1.0, 0.3, 0.3, 0.5;
  const AdditiveNoise f(Quadratic(H), 4000, C, 42);
  CHECK(f.noise().rowwise().mean().cwiseAbs().maxCoeff() < 1e-15);
  Vec x(2);
  x << 0.3, -0.7;
  check_finite_sum(f, x);
  // Σ₁ is constant and near C (sampling error of a covariance from 4000 normals ≈ 0.02).
  CHECK((f.per_sample_covariance(x) - f.per_sample_covariance(Vec::Zero(2))).norm() == 0.0);
  CHECK((f.per_sample_covariance(x) - C).cwiseAbs().maxCoeff() < 0.1);
  CHECK(f.value(x) == doctest::Approx(Quadratic(H).value(x)));
  // Same seed, same data; another seed, other data.
  const AdditiveNoise f2(Quadratic(H), 4000, C, 42), f3(Quadratic(H), 4000, C, 43);
  CHECK((f.noise() - f2.noise()).norm() == 0.0);
  CHECK((f.noise() - f3.noise()).norm() > 1.0);
  CHECK_THROWS_AS(AdditiveNoise(Quadratic(H), 10, -C, 1), InputError);
}

TEST_CASE("additive noise: isotropic in 1-D on the double well") {
  const auto f = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(), 1000, 0.5, 7);
  Vec x(1);
  x << 0.4;
  check_finite_sum(f, x);
  CHECK(f.per_sample_covariance(x)(0, 0) == doctest::Approx(0.25).epsilon(0.15));
}

TEST_CASE("shift noise: L is the smoothed landscape, Sigma_1 near H C H at the minimum") {
  const auto f = ShiftNoise<DoubleWell>::isotropic(DoubleWell(), 2000, 0.05, 3);
  Vec x(1);
  x << 0.8;
  check_finite_sum(f, x, 1e-11);
  CHECK(std::abs(f.noise().mean()) < 1e-15);
  const auto cps = f.critical_points();
  REQUIRE(cps.size() == 3);
  Vec g(1);
  for (const auto& cp : cps) {
    f.gradient(cp.location, g);
    CHECK(std::abs(g[0]) < 1e-10);
  }
  // Near w = 1: ∇ℓ_i ≈ L''(1)(θ − 1 − ξ_i) ⇒ Σ₁ ≈ 64 σ² (within the cubic terms and the sampling error).
  const Vec m = cps[2].location;
  CHECK(f.per_sample_covariance(m)(0, 0) == doctest::Approx(64.0 * 0.05 * 0.05).epsilon(0.1));
}

TEST_CASE("label noise: L = f^2/2 + mean(eps^2)/2, exact Sigma_1 with floor cross terms") {
  const FlatSharpWells w(4.0);
  const auto f = LabelNoise<FlatSharpWells>::isotropic(w, 3000, 0.3, 0.05, 11);
  CHECK(std::abs(f.labels().mean()) < 1e-15);
  Vec x(1);
  x << 0.6;
  check_finite_sum(f, x);
  const double f0 = w.residual(x);
  CHECK(f.value(x) == doctest::Approx(0.5 * f0 * f0 + 0.5 * f.labels().squaredNorm() / 3000.0));
  // At the sharp minimum f = 0: Σ₁ = mean(ε²) f'² + floor terms; f'(1)² = L''(1).
  Vec one(1);
  one << 1.0;
  Mat H;
  w.hessian(one, H);
  const double floor_var = f.floor_noise().squaredNorm() / 3000.0;
  const double cross = (f.floor_noise().row(0).transpose().array() * f.labels().array()).mean();
  Vec df(1);
  w.residual_gradient(one, df);
  CHECK(f.per_sample_covariance(one)(0, 0) ==
        doctest::Approx(f.label_variance() * H(0, 0) - 2.0 * df[0] * cross + floor_var).epsilon(1e-12));
  // Pure label noise: no floor.
  const auto p = LabelNoise<FlatSharpWells>::isotropic(w, 500, 0.3, 0.0, 11);
  check_finite_sum(p, x);
  CHECK(p.per_sample_covariance(one)(0, 0) == doctest::Approx(p.label_variance() * H(0, 0)));
}

TEST_CASE("linear regression: least-squares minimum, exact Sigma_1, any d") {
  for (const Index d : {1, 3, 6}) {
    Vec w = Vec::LinSpaced(d, -1.0, 1.0);
    const LinearRegression f(400, w, 0.2, 5);
    Vec x = Vec::Constant(d, 0.25);
    check_finite_sum(f, x, 1e-11);
    Vec g(d);
    f.gradient(f.minimizer(), g);
    CHECK(g.cwiseAbs().maxCoeff() < 1e-12);
    CHECK((f.minimizer() - w).cwiseAbs().maxCoeff() < 0.1);
    CHECK(std::abs((f.labels() - f.inputs().transpose() * w).mean()) < 1e-15);
  }
}
