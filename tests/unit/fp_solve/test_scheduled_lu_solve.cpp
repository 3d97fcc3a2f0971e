// The fast repeated solve of GridLU (include/sgdsde/fokker_planck/scheduled_lu_solve.hpp): equal to
// Eigen's SparseLU solve to round-off on the compact (SG, red–black) and wide (full D) stencils and
// in 3-D, bitwise identical on 1 and 2 threads, correct for any seed groups (the schedule is
// checked against the factor structure), the one-thread fallback, and the transient step's mass
// and positivity with it.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/fokker_planck/transient_solver.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/landscapes/quadratic.hpp"

using namespace sgdsde;
using sgdsde::fp::Diffusion;
using sgdsde::fp::FokkerPlanck;
using sgdsde::fp::Grid;
using sgdsde::fp::GridLU;
using sgdsde::fp::ScheduledLUSolve;
using sgdsde::fp::SpMat;

namespace {

/// I − dt A of a problem.
template <int Dim>
SpMat implicit_euler_matrix(const FokkerPlanck<Dim>& fp, double dt) {
  const SpMat A = fp.generator().assemble(1.0);
  SpMat I(A.rows(), A.cols());
  I.setIdentity();
  return I - dt * A;
}

/// A deterministic right-hand side with entries of both signs and varied sizes.
Vec rhs(Index n) {
  Vec b(n);
  for (Index i = 0; i < n; ++i)
    b[i] = std::sin(0.37 * static_cast<double>(i)) + 0.01 * static_cast<double>(i % 7);
  return b;
}

double max_rel_diff(const Vec& x, const Vec& y) {
  return (x - y).cwiseAbs().maxCoeff() / y.cwiseAbs().maxCoeff();
}

/// Fast solve (1 and 2 threads) against Eigen's; returns the relative difference and checks the
/// schedule and the bitwise equality of the thread counts.
template <int Dim>
double check_against_eigen(const Grid<Dim>& g, const FokkerPlanck<Dim>& fp, double dt) {
  GridLU<Dim> lu(g, fp.positivity_preserving(), true);
  lu.factorize(implicit_euler_matrix(fp, dt));
  lu.build_fast_solve();
  lu.set_solve_threads(2);
  CHECK(lu.fast_solver().schedule_valid());
  const Vec b = rhs(g.size());
  Vec x_ref, x1, x2;
  lu.solve_eigen(b, x_ref);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  lu.solve(b, x1);
  omp_set_num_threads(2);
  lu.solve(b, x2);
  omp_set_num_threads(before);
  CHECK((x1.array() == x2.array()).all());
  // The residual of the fast solution is at round-off, like Eigen's.
  const SpMat M = implicit_euler_matrix(fp, dt);
  CHECK((M * x1 - b).cwiseAbs().maxCoeff() <= 1e-12 * b.cwiseAbs().maxCoeff());
  return max_rel_diff(x1, x_ref);
}

}  // namespace

TEST_CASE("fast solve = Eigen's SparseLU solve: compact stencil (SG), 2-D Himmelblau") {
  const Himmelblau hb;
  for (const Index n : {16, 48}) {
    const Grid<2> g(hb.box(), n);
    const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
    REQUIRE(fp.positivity_preserving());
    for (const double dt : {1e-3, 1.0}) {
      const double d = check_against_eigen(g, fp, dt);
      MESSAGE(n << "^2, dt " << dt << ": max relative difference to Eigen " << d);
      CHECK(d <= 1e-13);
    }
  }
}

TEST_CASE("fast solve = Eigen's SparseLU solve: wide stencil (full D, mixed terms), 2-D") {
  Mat D(2, 2);
  D << 0.3, 0.12, 0.12, 0.2;
  const Vec h{{1.0, 2.0}};
  const Box box{Vec::Constant(2, -3.0), Vec::Constant(2, 3.0)};
  const Grid<2> g(box, 40);
  const FokkerPlanck<2> fp(g, Quadratic::diagonal(h), Diffusion::full([D](const Vec&) { return D; }));
  REQUIRE_FALSE(fp.positivity_preserving());
  const double d = check_against_eigen(g, fp, 0.05);
  MESSAGE("wide stencil 40^2: max relative difference to Eigen " << d);
  CHECK(d <= 1e-13);
}

TEST_CASE("fast solve = Eigen's SparseLU solve: 3-D compact stencil") {
  const Box box{Vec::Constant(3, -2.0), Vec::Constant(3, 2.0)};
  const Grid<3> g(box, 12);
  const FokkerPlanck<3> fp(g, Quadratic::isotropic(3, 1.0), Diffusion::isotropic(0.5));
  const double d = check_against_eigen(g, fp, 0.01);
  MESSAGE("3-D 12^3: max relative difference to Eigen " << d);
  CHECK(d <= 1e-13);
}

TEST_CASE("fast solve: any seed groups give a valid schedule and the same solution; fallback") {
  const Himmelblau hb;
  const Grid<2> g(hb.box(), 32);
  const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
  const SpMat M = implicit_euler_matrix(fp, 0.01);
  // The factorisation GridLU uses, then ScheduledLUSolve built with other seeds.
  const std::vector<int> order = fp::nested_dissection_order(g, true);
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm(g.size());
  for (int pos = 0; pos < static_cast<int>(order.size()); ++pos) perm.indices()[order[pos]] = pos;
  const SpMat Mp = perm * M * perm.transpose();
  Eigen::SparseLU<SpMat, Eigen::NaturalOrdering<int>> lu;
  lu.compute(Mp);
  REQUIRE(lu.info() == Eigen::Success);
  const auto n = static_cast<std::size_t>(g.size());
  std::vector<int> in_pos(n), out_pos(n);
  for (std::size_t c = 0; c < n; ++c) {
    in_pos[c] = lu.rowsPermutation().indices()[perm.indices()[static_cast<Index>(c)]];
    out_pos[c] = lu.colsPermutation().indices()[perm.indices()[static_cast<Index>(c)]];
  }
  const Vec b = rhs(g.size());
  const Vec x_ref = perm.transpose() * Vec(lu.solve(Vec(perm * b)));

  std::vector<std::vector<std::int8_t>> seeds;
  seeds.push_back(fp::top_level_sides(g, true));  // GridLU's
  seeds.emplace_back(n, ScheduledLUSolve::left);  // all on one thread: no gain, one-thread fallback
  seeds.emplace_back(n, ScheduledLUSolve::none);  // no preference
  std::vector<std::int8_t> scrambled(n);          // the wrong sides everywhere (fixed pattern)
  for (std::size_t c = 0; c < n; ++c) scrambled[c] = static_cast<std::int8_t>((c * 7919u + c / 5) % 3);
  seeds.push_back(scrambled);
  std::vector<std::int8_t> swapped = seeds[0];  // left and right exchanged
  for (auto& s : swapped)
    if (s != ScheduledLUSolve::none) s = static_cast<std::int8_t>(1 - s);
  seeds.push_back(swapped);

  const int before = omp_get_max_threads();
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    CAPTURE(k);
    ScheduledLUSolve s;
    s.build(lu, in_pos, out_pos, seeds[k]);
    CHECK(s.schedule_valid());
    CHECK(s.threads() == 1);  // the default
    Vec x1(g.size()), x2(g.size()), x3(g.size());
    s.set_threads(2);
    omp_set_num_threads(1);
    s.solve(b.data(), x1.data());
    omp_set_num_threads(2);
    s.solve(b.data(), x2.data());
    s.set_threads(1);
    s.solve(b.data(), x3.data());
    MESSAGE("seeds " << k << ": parallel " << s.parallel() << ", critical fraction " << s.critical_fraction()
                     << ", max relative difference to Eigen " << max_rel_diff(x1, x_ref));
    CHECK(max_rel_diff(x1, x_ref) <= 1e-13);
    CHECK((x1.array() == x2.array()).all());
    CHECK((x1.array() == x3.array()).all());
    if (k == 0) CHECK(s.parallel());
    if (k == 1) {
      CHECK_FALSE(s.parallel());  // the fallback
      CHECK(s.critical_fraction() == 1.0);
    }
  }
  omp_set_num_threads(before);
}

TEST_CASE("transient with the fast solve: mass to 1e-12 per step, p >= 0, 1 and 2 threads bitwise equal") {
  const Himmelblau hb;
  const Grid<2> g(hb.box(), 48);
  const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
  Vec start(2);
  start << 4.5, -4.5;
  const int before = omp_get_max_threads();
  std::vector<Vec> finals;
  for (const int threads : {1, 2}) {
    omp_set_num_threads(threads);
    fp::TransientSolver<2> ts(fp, fp::Density<2>::point_mass(g, start), 0.01);
    ts.set_solve_threads(2);
    double prev = ts.density().mass(), worst = 0.0, min_p = 0.0;
    ts.advance_to(1.0, [&](const fp::Density<2>& p) {
      worst = std::max(worst, std::abs(p.mass() - prev));
      prev = p.mass();
      min_p = std::min(min_p, p.min());
    });
    MESSAGE(threads << " thread(s): worst mass change per step " << worst << ", min p " << min_p);
    CHECK(worst <= 1e-12);
    CHECK(min_p >= 0.0);
    finals.push_back(ts.density().values());
  }
  omp_set_num_threads(before);
  CHECK((finals[0].array() == finals[1].array()).all());
}

TEST_CASE("GridLU: one-off solves stay Eigen's; with repeated_solves the copy comes after a few solves") {
  const Himmelblau hb;
  const Grid<2> g(hb.box(), 24);
  const FokkerPlanck<2> fp(g, hb, Diffusion::isotropic(10.0));
  const SpMat M = implicit_euler_matrix(fp, 0.01);
  const Vec b = rhs(g.size());
  Vec x_eigen, x;
  GridLU<2> once(g, true), repeated(g, true, true);
  once.factorize(M);
  repeated.factorize(M);
  once.solve_eigen(b, x_eigen);
  constexpr int k_copy = GridLU<2>::copy_after_solves;
  for (int k = 0; k < k_copy + 3; ++k) {
    once.solve(b, x);
    CHECK((x.array() == x_eigen.array()).all());
  }
  CHECK_FALSE(once.fast_solver().built());
  for (int k = 0; k < k_copy; ++k) {
    repeated.solve(b, x);
    CHECK((x.array() == x_eigen.array()).all());  // Eigen's until the copy
  }
  CHECK_FALSE(repeated.fast_solver().built());
  repeated.solve(b, x);
  CHECK(repeated.fast_solver().built());
  CHECK(max_rel_diff(x, x_eigen) <= 1e-13);
  // A new factorisation (other values, same pattern) starts over and uses its own factors.
  const SpMat M2 = implicit_euler_matrix(fp, 0.1);
  repeated.factorize(M2);
  once.factorize(M2);
  once.solve_eigen(b, x_eigen);
  repeated.solve(b, x);
  CHECK((x.array() == x_eigen.array()).all());
  for (int k = 0; k < k_copy; ++k) repeated.solve(b, x);  // a fresh copy, of M2's factors
  CHECK(max_rel_diff(x, x_eigen) <= 1e-13);
  CHECK((M2 * x - b).cwiseAbs().maxCoeff() <= 1e-12 * b.cwiseAbs().maxCoeff());
}
