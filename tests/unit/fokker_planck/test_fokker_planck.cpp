// Fokker–Planck finite volumes (include/sgdsde/fokker_planck/): stationary states against their
// closed forms (THEORY §3), transient OU against the exact Gaussian, conservation, positivity,
// factorisation reuse and bad input. Grids are small (unit suite, also run under ASan); the orders
// over four refinements are in tests/convergence/fokker_planck/.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "sgdsde/fokker_planck/transient_solver.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "support/fokker_planck_boxes.hpp"

using namespace sgdsde;
using sgdsde::fp::Density;
using sgdsde::fp::Diffusion;
using sgdsde::fp::FokkerPlanck;
using sgdsde::fp::Grid;
using sgdsde::fp::Scheme;
using sgdsde::fp::TransientSolver;
using sgdsde::test::box1;
using sgdsde::test::box2;
using sgdsde::test::gaussian;

namespace {

// max |p − q| / max q (the error relative to the density's scale).
double max_rel(const Vec& p, const Vec& q) { return (p - q).cwiseAbs().maxCoeff() / q.cwiseAbs().maxCoeff(); }

// D(θ) = a + b θ² on the double well: Φ = 2θ²/b − 2(a+b)/b² ln(a + bθ²) (Φ' = L'/D), so the
// exact stationary density is exp(−Φ)/D / Z (THEORY §3).
constexpr double kA = 0.15, kB = 0.1;
double state_dependent_D(double w) { return kA + kB * w * w; }
double unnormalised_exact(double w) {
  const double phi = 2.0 * w * w / kB - 2.0 * (kA + kB) / (kB * kB) * std::log(kA + kB * w * w);
  return std::exp(-phi) / state_dependent_D(w);
}
// Exact density at the cell centres of grid, normalised by composite Simpson on a fine grid.
Vec exact_state_dependent(const Grid<1>& g) {
  const int m = 40000;
  const double lo = g.lo(0), hi = g.hi(0), h = (hi - lo) / m;
  double Z = 0.0;
  for (int i = 0; i <= m; ++i)
    Z += (i == 0 || i == m ? 1.0 : (i % 2 ? 4.0 : 2.0)) * unnormalised_exact(lo + i * h);
  Z *= h / 3.0;
  Vec p(g.size());
  for (Index i = 0; i < g.size(); ++i) p[i] = unnormalised_exact(g.centre(0, i)) / Z;
  return p;
}
double l1_state_dependent(Index n) {
  const Grid<1> g(box1(-2.0, 2.0), n);
  const FokkerPlanck<1> fp(g, DoubleWell(), Diffusion::diagonal([](const Vec& x) {
                             return Vec::Constant(1, state_dependent_D(x[0]));
                           }));
  return fp.stationary().l1_distance(exact_state_dependent(g));
}

// OU: L = ½(h₀x² + h₁y²), D = diag(T₀, T₁); Gaussian start (m₀, v₀) per axis (THEORY §3).
struct OuCase {
  Vec h{{1.0, 3.0}}, T{{0.5, 0.2}}, m0{{1.0, -0.6}}, v0{{0.08, 0.06}};
  double mean(int a, double t) const { return m0[a] * std::exp(-h[a] * t); }
  double var(int a, double t) const {
    return T[a] / h[a] + (v0[a] - T[a] / h[a]) * std::exp(-2.0 * h[a] * t);
  }
  Box box() const { return box2(-4.5, 4.5, -2.5, 2.5); }  // the Gaussians’ tails < 1e-7 outside
};

struct OuResult {
  double l1;
  Vec mean;
  Mat cov;
  double max_mass_error_per_step;
  double min_p;
};

OuResult run_ou(Index n, Index steps, Scheme scheme) {
  const OuCase c;
  const Grid<2> g(c.box(), n);
  const Quadratic quad = Quadratic::diagonal(c.h);
  const Vec T = c.T;
  const FokkerPlanck<2> fp(g, quad, Diffusion::diagonal([T](const Vec&) { return T; }));
  const auto p0 = Density<2>::from_function(
      g, [&](const Vec& x) { return gaussian(x[0], c.m0[0], c.v0[0]) * gaussian(x[1], c.m0[1], c.v0[1]); });
  TransientSolver<2> ts(fp, p0, 1.0 / static_cast<double>(steps), scheme);
  double prev = ts.density().mass(), worst = 0.0, min_p = ts.density().min();
  ts.advance_to(1.0, [&](const Density<2>& p) {
    worst = std::max(worst, std::abs(p.mass() - prev));
    prev = p.mass();
    min_p = std::min(min_p, p.min());
  });
  CHECK(ts.time() == doctest::Approx(1.0).epsilon(1e-15));
  Vec exact(g.size());
  for (Index k = 0; k < g.size(); ++k) {
    const Vec x = g.centre(k);
    exact[k] = gaussian(x[0], c.mean(0, 1.0), c.var(0, 1.0)) * gaussian(x[1], c.mean(1, 1.0), c.var(1, 1.0));
  }
  return {ts.density().l1_distance(exact), ts.density().mean(), ts.density().covariance(), worst, min_p};
}

}  // namespace

TEST_CASE("bernoulli: B(z) = z/(e^z - 1) near 0 and far, and B(-z) = B(z) + z") {
  CHECK(fp::bernoulli(0.0) == 1.0);
  for (const double z : {1e-12, 1e-6, 9e-5, 1.1e-4, 1e-3, 0.1, 1.0, 10.0, 100.0, 700.0, 800.0}) {
    for (const double s : {1.0, -1.0}) {
      const double x = s * z;
      const long double exact = static_cast<long double>(x) / std::expm1l(static_cast<long double>(x));
      CHECK(std::abs(fp::bernoulli(x) - static_cast<double>(exact)) <= 4e-16 * std::max(1.0, std::abs(x)));
    }
    CHECK(fp::bernoulli(-z) == doctest::Approx(fp::bernoulli(z) + z).epsilon(1e-14));
  }
}

TEST_CASE("grid: indexing, centres, locate") {
  const Grid<2> g(box2(-1.0, 1.0, 0.0, 3.0), {4, 6});
  CHECK(g.size() == 24);
  CHECK(g.spacing(0) == doctest::Approx(0.5));
  CHECK(g.spacing(1) == doctest::Approx(0.5));
  for (Index k = 0; k < g.size(); ++k) {
    CHECK(g.index(g.multi_index(k)) == k);
    CHECK(g.locate(g.centre(k)) == k);
  }
  CHECK(g.centre(0)[0] == doctest::Approx(-0.75));
  CHECK(g.locate(Vec::Constant(2, 5.0)) == -1);
}

TEST_CASE("generator: columns sum to zero, off-diagonals >= 0 with SG fluxes") {
  const Grid<2> g(Himmelblau().box(), 12);
  const FokkerPlanck<2> fp(g, Himmelblau(), Diffusion::isotropic(10.0));
  const fp::SpMat A = fp.generator_matrix();
  const Vec colsum = Vec::Ones(A.rows()).transpose() * A;
  CHECK(colsum.cwiseAbs().maxCoeff() <= 1e-13 * A.cwiseAbs().toDense().maxCoeff());
  double min_off = 0.0;
  for (Index c = 0; c < A.outerSize(); ++c)
    for (fp::SpMat::InnerIterator it(A, c); it; ++it)
      if (it.row() != it.col()) min_off = std::min(min_off, it.value());
  CHECK(min_off >= 0.0);
}

TEST_CASE("stationary 1-D double well at T = 0.25 is the discrete Gibbs density to round-off") {
  const double T = 0.25;
  const Grid<1> g(DoubleWell().box(), 800);
  const FokkerPlanck<1> fp(g, DoubleWell(), Diffusion::isotropic(T));
  const auto p = fp.stationary();
  const auto gibbs = fp.gibbs(T);
  const double err = max_rel(p.values(), gibbs.values());
  MESSAGE("1-D double well: max |p - Gibbs| / max Gibbs = " << err);
  CHECK(err <= 1e-10);
  CHECK(std::abs(p.mass_error()) <= 1e-13);
  CHECK(p.min() >= 0.0);
  // Symmetric wells, symmetric grid: half the mass in each basin.
  const Vec bm = p.basin_masses();
  REQUIRE(bm.size() == 2);
  CHECK(bm[0] == doctest::Approx(0.5).epsilon(1e-10));
  CHECK(bm[1] == doctest::Approx(0.5).epsilon(1e-10));
  CHECK(std::abs(p.mean()[0]) <= 1e-10);
}

TEST_CASE("stationary with a temperature schedule and with a constant diagonal D: still Gibbs") {
  const double T = 0.3;
  const Grid<1> g(box1(-2.0, 2.0), 300);
  const FokkerPlanck<1> sched(g, DoubleWell(0.4),
                              Diffusion::isotropic([](double t) { return 0.3 + 0.1 * t; }));
  CHECK(max_rel(sched.stationary(0.0).values(), sched.gibbs(T).values()) <= 1e-10);
  CHECK(max_rel(sched.stationary(2.0).values(), sched.gibbs(0.5).values()) <= 1e-10);
  const FokkerPlanck<1> diag(g, DoubleWell(0.4),
                             Diffusion::diagonal([T](const Vec&) { return Vec::Constant(1, T); }));
  CHECK(max_rel(diag.stationary().values(), diag.gibbs(T).values()) <= 1e-10);
  // Tilted wells: the basin masses are those of the Gibbs density.
  const Vec bm = diag.stationary().basin_masses(), bg = diag.gibbs(T).basin_masses();
  CHECK(bm[0] == doctest::Approx(bg[0]).epsilon(1e-10));
  CHECK(bm[0] > 0.5);  // tilt +0.4 lowers the left well (L(-1) = -1.4, L(1) = -0.6)
}

TEST_CASE("stationary 2-D Himmelblau at T = 10 is the discrete Gibbs density to round-off") {
  const Himmelblau hb;
  const Grid<2> g(hb.box(), 48);
  const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
  const auto p = fp.stationary();
  const auto gibbs = fp.gibbs(10.0);
  const double err = max_rel(p.values(), gibbs.values());
  MESSAGE("Himmelblau 48^2: max |p - Gibbs| / max Gibbs = " << err);
  CHECK(err <= 1e-10);
  CHECK(p.min() >= 0.0);
  const Vec bm = p.basin_masses();
  REQUIRE(bm.size() == 4);
  CHECK(bm.sum() == doctest::Approx(1.0).epsilon(1e-12));
  CHECK((bm - gibbs.basin_masses()).cwiseAbs().maxCoeff() <= 1e-10);
  CHECK(bm.minCoeff() > 0.05);
  // The 2-D diagonal-D path with D = T I gives the same stationary state.
  const FokkerPlanck<2> diag(g, hb, Diffusion::diagonal([](const Vec&) { return Vec::Constant(2, 10.0); }));
  CHECK(max_rel(diag.stationary().values(), gibbs.values()) <= 1e-10);
}

TEST_CASE("stationary 1-D state-dependent D(θ) converges to exp(-Φ)/D at second order") {
  const double e1 = l1_state_dependent(100), e2 = l1_state_dependent(200);
  const double order = std::log2(e1 / e2);
  MESSAGE("D = 0.15 + 0.1 θ²: L1 error " << e1 << " (n=100), " << e2 << " (n=200), order " << order);
  CHECK(order >= 1.9);
  CHECK(e2 < 1e-3);
}

TEST_CASE("full 2 x 2 D: stationary covariance of a quadratic solves H S + S H = 2D") {
  const Vec h{{1.0, 2.0}};
  Mat D(2, 2);
  D << 0.3, 0.12, 0.12, 0.2;
  // Lyapunov for diagonal H: S_ij = 2 D_ij / (h_i + h_j).
  Mat S(2, 2);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) S(i, j) = 2.0 * D(i, j) / (h[i] + h[j]);
  const auto cov_error = [&](Index n) {
    const Grid<2> g(box2(-3.5, 3.5, -3.0, 3.0), n);
    const FokkerPlanck<2> fp(g, Quadratic::diagonal(h), Diffusion::full([D](const Vec&) { return D; }));
    CHECK_FALSE(fp.positivity_preserving());
    const auto p = fp.stationary();
    CHECK(std::abs(p.mass_error()) <= 1e-12);
    return (p.covariance() - S).cwiseAbs().maxCoeff();
  };
  const double e1 = cov_error(24), e2 = cov_error(48);
  MESSAGE("full D: covariance error " << e1 << " (24^2), " << e2 << " (48^2), order " << std::log2(e1 / e2));
  CHECK(std::log2(e1 / e2) >= 1.8);
  CHECK(e2 < 2e-3);
}

TEST_CASE("OU transient (anisotropic, 2-D) against the exact Gaussian at t = 1") {
  const OuCase c;
  for (const Scheme s : {Scheme::crank_nicolson, Scheme::tr_bdf2, Scheme::implicit_euler}) {
    const Index steps = s == Scheme::implicit_euler ? 400 : 40;
    const OuResult r1 = run_ou(32, steps, s), r2 = run_ou(64, steps, s);
    MESSAGE(std::string(fp::to_string(s))
            << ": L1 " << r1.l1 << " (32^2) " << r2.l1 << " (64^2); mean " << r2.mean.transpose() << " var "
            << r2.cov(0, 0) << " " << r2.cov(1, 1));
    CHECK(r2.l1 < r1.l1);
    CHECK(r2.l1 < 0.02);
    for (int a = 0; a < 2; ++a) {
      CHECK(r2.mean[a] == doctest::Approx(c.mean(a, 1.0)).epsilon(0.01));
      CHECK(r2.cov(a, a) == doctest::Approx(c.var(a, 1.0)).epsilon(0.02));
    }
    // Exact: 0. A rational function of a Kronecker sum is not a Kronecker product, so the
    // discrete density is a product only up to the time discretisation error.
    CHECK(std::abs(r2.cov(0, 1)) < 1e-3 * std::sqrt(r2.cov(0, 0) * r2.cov(1, 1)));
    CHECK(r2.max_mass_error_per_step <= 1e-12);
    if (s == Scheme::implicit_euler) CHECK(r2.min_p >= 0.0);
  }
}

TEST_CASE("transient: mass conserved to 1e-12 per step, p >= 0, relaxation to Gibbs, one factorisation") {
  const Himmelblau hb;
  const Grid<2> g(hb.box(), 40);
  const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
  Vec start(2);
  start << -4.5, 4.5;  // a point mass far up the landscape: the hardest test of positivity
  TransientSolver<2> ts(fp, Density<2>::point_mass(g, start), 0.01, Scheme::implicit_euler);
  double prev = ts.density().mass(), worst = 0.0, min_p = 0.0;
  std::vector<double> times{0.05, 0.5, 5.0};
  std::vector<Vec> basin_masses;
  std::vector<double> l1_to_gibbs;
  const auto gibbs = fp.gibbs(10.0);
  ts.integrate_times(times, [&](const Density<2>& p) {
    basin_masses.push_back(p.basin_masses());
    l1_to_gibbs.push_back(p.l1_distance(gibbs.values()));
  });
  ts.advance_to(8.0, [&](const Density<2>& p) {
    worst = std::max(worst, std::abs(p.mass() - prev));
    prev = p.mass();
    min_p = std::min(min_p, p.min());
  });
  MESSAGE("worst mass change per step " << worst << ", min p " << min_p);
  CHECK(worst <= 1e-12);
  CHECK(min_p >= 0.0);
  CHECK(ts.factorisations() == 1);
  CHECK(ts.steps() == 800);
  REQUIRE(basin_masses.size() == 3);
  for (const Vec& bm : basin_masses) CHECK(bm.sum() == doctest::Approx(1.0).epsilon(1e-12));
  // (I - dt A)^-1 is column-stochastic and fixes Gibbs: the L1 distance to Gibbs cannot grow.
  l1_to_gibbs.push_back(ts.density().l1_distance(gibbs.values()));
  MESSAGE("L1 distance to Gibbs at t = 0.05, 0.5, 5, 8: " << l1_to_gibbs[0] << " " << l1_to_gibbs[1] << " "
                                                          << l1_to_gibbs[2] << " " << l1_to_gibbs[3]);
  for (std::size_t i = 1; i < l1_to_gibbs.size(); ++i) CHECK(l1_to_gibbs[i] < l1_to_gibbs[i - 1]);
}

TEST_CASE("transient: a piecewise-constant temperature re-factorises only when it changes") {
  const Grid<1> g(box1(-2.0, 2.0), 64);
  const FokkerPlanck<1> fp(g, DoubleWell(),
                           Diffusion::isotropic([](double t) { return t <= 0.5 ? 0.5 : 0.25; }));
  TransientSolver<1> ts(fp, fp.gibbs(0.5), 0.05, Scheme::implicit_euler);
  ts.advance_to(0.5);
  CHECK(ts.factorisations() == 1);
  CHECK(max_rel(ts.density().values(), fp.gibbs(0.5).values()) <= 1e-12);  // Gibbs is a fixed point
  ts.advance_to(1.0);
  CHECK(ts.factorisations() == 2);
  ts.advance_to(60.0);
  CHECK(ts.factorisations() == 2);
  CHECK(max_rel(ts.density().values(), fp.gibbs(0.25).values()) < 1e-8);
}

TEST_CASE("bad input: clear errors") {
  const DoubleWell dw;
  const Grid<1> g(dw.box(), 50);
  CHECK_THROWS_AS(Diffusion::isotropic(0.0), InputError);
  CHECK_THROWS_AS(Diffusion::isotropic(-1.0), InputError);
  CHECK_THROWS_WITH_AS(
      FokkerPlanck<1>(g, dw, Diffusion::diagonal([](const Vec& x) { return Vec::Constant(1, x[0]); })),
      doctest::Contains("D must be positive"), InputError);
  Mat bad(2, 2);
  bad << 1.0, 2.0, 2.0, 1.0;  // indefinite
  CHECK_THROWS_WITH_AS(FokkerPlanck<2>(Grid<2>(Himmelblau().box(), 8), Himmelblau(),
                                       Diffusion::full([bad](const Vec&) { return bad; })),
                       doctest::Contains("positive definite"), InputError);
  const FokkerPlanck<1> sched(g, dw, Diffusion::isotropic([](double t) { return 1.0 - t; }));
  CHECK_THROWS_AS((void)sched.stationary(2.0), InputError);
  CHECK_THROWS_WITH_AS(Grid<1>(dw.box(), 2), doctest::Contains("at least 3 cells"), InputError);
  CHECK_THROWS_AS(Grid<2>(Himmelblau().box(), {10, 2}), InputError);
  CHECK_THROWS_WITH_AS(FokkerPlanck<1>(Grid<1>(box1(0.0, 2.0), 50), dw, Diffusion::isotropic(0.25)),
                       doctest::Contains("does not contain the minimum"), InputError);
  CHECK_THROWS_AS(FokkerPlanck<2>(Grid<2>(Himmelblau().box(), 8), dw, Diffusion::isotropic(1.0)), InputError);
  const FokkerPlanck<1> ok(g, dw, Diffusion::isotropic(0.25));
  TransientSolver<1> ts(ok, ok.gibbs(0.25), 0.1);
  CHECK_THROWS_AS(ts.advance_to(0.25), InputError);  // not on the step grid
  CHECK_THROWS_AS(TransientSolver<1>(ok, ok.gibbs(0.25), 0.0), InputError);
  CHECK_THROWS_AS(Density<1>::point_mass(g, Vec::Constant(1, 7.0)), InputError);
}
