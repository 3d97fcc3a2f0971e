// Orders of convergence of the Fokker–Planck finite volumes over four grid refinements (five
// grids, h halved each time), against closed forms of THEORY §3: L1 error must decrease at
// order ≥ 1.9 between every pair of consecutive grids.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <vector>

#include "sgdsde/fokker_planck/transient_solver.hpp"
#include "sgdsde/landscapes/double_well.hpp"
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

// Normalises f over [lo, hi] by composite Simpson with m (even) intervals.
double simpson(const std::function<double(double)>& f, double lo, double hi, int m) {
  const double h = (hi - lo) / m;
  double s = 0.0;
  for (int i = 0; i <= m; ++i) s += (i == 0 || i == m ? 1.0 : (i % 2 ? 4.0 : 2.0)) * f(lo + i * h);
  return s * h / 3.0;
}

void check_orders(const char* name, const std::vector<Index>& n, const std::vector<double>& err) {
  std::ostringstream os;
  os << name << ": L1 errors";
  for (std::size_t i = 0; i < err.size(); ++i) os << " " << err[i] << " (n=" << n[i] << ")";
  os << "; orders";
  for (std::size_t i = 1; i < err.size(); ++i) os << " " << std::log2(err[i - 1] / err[i]);
  MESSAGE(os.str());
  for (std::size_t i = 1; i < err.size(); ++i) CHECK(std::log2(err[i - 1] / err[i]) >= 1.9);
}

}  // namespace

TEST_CASE("1-D double well, D = T = 0.25: the stationary state is the Gibbs density to round-off") {
  // Not an order test: SG makes exp(-L/T) at the cell centres exact, and the normalisation (the
  // midpoint rule on a density that vanishes at the box edges) converges spectrally; the error is
  // round-off from n = 50 on.
  const double T = 0.25;
  const DoubleWell dw;
  const auto f = [&](double w) { return std::exp(-(dw.value1(w) + 1.0) / T); };
  const double Z = simpson(f, -2.0, 2.0, 200000);
  for (const Index n : {50, 100, 200, 400}) {
    const Grid<1> g(dw.box(), n);
    const FokkerPlanck<1> fp(g, dw, Diffusion::isotropic(T));
    Vec exact(n);
    for (Index i = 0; i < n; ++i) exact[i] = f(g.centre(0, i)) / Z;
    const double e = fp.stationary().l1_distance(exact);
    MESSAGE("double well Gibbs, n = " << n << ": L1 error " << e);
    CHECK(e <= 1e-11);
  }
}

TEST_CASE("order: 1-D state-dependent D = 0.15 + 0.1 θ², stationary vs exp(-Φ)/D") {
  const double a = 0.15, b = 0.1;
  const auto f = [&](double w) {
    const double phi = 2.0 * w * w / b - 2.0 * (a + b) / (b * b) * std::log(a + b * w * w);
    return std::exp(-phi) / (a + b * w * w);
  };
  const double Z = simpson(f, -2.0, 2.0, 200000);
  std::vector<Index> ns{25, 50, 100, 200, 400};
  std::vector<double> err;
  for (const Index n : ns) {
    const Grid<1> g(box1(-2.0, 2.0), n);
    const FokkerPlanck<1> fp(g, DoubleWell(), Diffusion::diagonal([&](const Vec& x) {
                               return Vec::Constant(1, a + b * x[0] * x[0]);
                             }));
    Vec exact(n);
    for (Index i = 0; i < n; ++i) exact[i] = f(g.centre(0, i)) / Z;
    err.push_back(fp.stationary().l1_distance(exact));
  }
  check_orders("state-dependent D", ns, err);
}

TEST_CASE("order: 2-D anisotropic OU transient (Crank-Nicolson, dt ∝ h) vs the exact Gaussian at t = 1") {
  const Vec h{{1.0, 3.0}}, T{{0.5, 0.2}}, m0{{1.0, -0.6}}, v0{{0.08, 0.06}};
  const auto mean = [&](int j) { return m0[j] * std::exp(-h[j]); };
  const auto var = [&](int j) { return T[j] / h[j] + (v0[j] - T[j] / h[j]) * std::exp(-2.0 * h[j]); };
  std::vector<Index> ns{16, 32, 64, 128, 256};
  std::vector<double> err;
  for (const Index n : ns) {
    const Grid<2> g(box2(-4.5, 4.5, -2.5, 2.5), n);
    const FokkerPlanck<2> fp(g, Quadratic::diagonal(h), Diffusion::diagonal([T](const Vec&) { return T; }));
    const auto p0 = Density<2>::from_function(
        g, [&](const Vec& x) { return gaussian(x[0], m0[0], v0[0]) * gaussian(x[1], m0[1], v0[1]); });
    TransientSolver<2> ts(fp, p0, 2.0 / static_cast<double>(n), Scheme::crank_nicolson);
    ts.advance_to(1.0);
    Vec exact(g.size());
    for (Index k = 0; k < g.size(); ++k) {
      const Vec x = g.centre(k);
      exact[k] = gaussian(x[0], mean(0), var(0)) * gaussian(x[1], mean(1), var(1));
    }
    err.push_back(ts.density().l1_distance(exact));
  }
  check_orders("OU transient", ns, err);
}

TEST_CASE("order: 2-D full constant D, stationary vs the Gaussian of H S + S H = 2D") {
  const Vec h{{1.0, 2.0}};
  Mat D(2, 2);
  D << 0.3, 0.12, 0.12, 0.2;
  Mat S(2, 2);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) S(i, j) = 2.0 * D(i, j) / (h[i] + h[j]);
  const Mat P = S.inverse();
  const double norm = 1.0 / (2.0 * std::numbers::pi * std::sqrt(S.determinant()));
  std::vector<Index> ns{32, 64, 128, 256, 512};
  std::vector<double> err;
  for (const Index n : ns) {
    const Grid<2> g(box2(-3.5, 3.5, -3.0, 3.0), n);
    const FokkerPlanck<2> fp(g, Quadratic::diagonal(h), Diffusion::full([D](const Vec&) { return D; }));
    Vec exact(g.size());
    for (Index k = 0; k < g.size(); ++k) {
      const Vec x = g.centre(k);
      exact[k] = norm * std::exp(-0.5 * x.dot(P * x));
    }
    err.push_back(fp.stationary().l1_distance(exact));
  }
  check_orders("full D stationary", ns, err);
}
