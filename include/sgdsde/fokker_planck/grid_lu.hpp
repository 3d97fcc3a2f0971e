#pragma once
// Sparse LU for matrices living on a Grid<Dim> (the generator A, I − c A, the pinned stationary
// system), with a geometric fill-reducing ordering:
//   * compact stencil (no mixed terms: 2·Dim + 1 points): red–black split, the red cells (odd
//     Σ i_a) first — their block is diagonal, so eliminating them creates no fill — then the black
//     cells by nested dissection with two-plane separators (the Schur complement couples black
//     cells two cells apart);
//   * wide stencil (mixed terms of a full D couple diagonal neighbours): nested dissection of all
//     cells with one-plane separators.
// The factorisation itself is Eigen's supernodal SparseLU with the natural ordering of the
// permuted matrix; the symbolic analysis is done once per pattern and reused for new values.
// (Chosen by measurement: docs/benchmarks.md.) For repeated solves with one factorisation
// (time stepping) the factors are copied into ScheduledLUSolve's row-oriented arrays, solved on
// up to two threads (the two halves of the top-level dissection); one-off solves (the
// stationary state) keep Eigen's own solve and skip the copy.
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/generator.hpp"
#include "sgdsde/fokker_planck/grid.hpp"
#include "sgdsde/fokker_planck/scheduled_lu_solve.hpp"

namespace sgdsde::fp {

/// The elimination order of the cells (position → cell index).
template <int Dim>
std::vector<int> nested_dissection_order(const Grid<Dim>& grid, bool compact_stencil, Index leaf = 32);

/// The side of each cell in the top-level split of nested_dissection_order (same rule):
/// ScheduledLUSolve::left / right for the two halves, none for the separator (and for every cell
/// when the grid is too small to be split).
template <int Dim>
std::vector<std::int8_t> top_level_sides(const Grid<Dim>& grid, bool compact_stencil, Index leaf = 32);

template <int Dim>
class GridLU {
 public:
  /// repeated_solves: many solves per factorisation are expected, so the factors are copied for
  /// ScheduledLUSolve (see solve); otherwise solve() is always Eigen's supernodal solve.
  GridLU(const Grid<Dim>& grid, bool compact_stencil, bool repeated_solves = false);

  /// Factorises M (symbolic analysis on the first call only: later matrices must share its pattern).
  void factorize(const SpMat& M);
  /// With repeated_solves, the solve number copy_after_solves of one factorisation copies the
  /// factors (build_fast_solve) and the later ones take the fast path. The copy costs about as much
  /// as 15 solves save (256²: ≈ 50 ms against 3.5 ms saved per solve; 512²: ≈ 330 ms against ≈ 18
  /// ms), so copying after 16 keeps any run within 2× of the best choice made in hindsight, e.g.
  /// when a temperature schedule changes every few steps.
  static constexpr int copy_after_solves = 16;
  /// x = M⁻¹ b.
  void solve(const Vec& b, Vec& x);
  /// x = M⁻¹ b by Eigen's SparseLU solve (the reference of the fast path).
  void solve_eigen(const Vec& b, Vec& x);
  /// Copies the current factors for the fast path now (solve() then always takes it).
  void build_fast_solve();
  /// Threads of the fast path's solve (1 or 2, default 1; ScheduledLUSolve::set_threads).
  void set_solve_threads(int threads) { fast_.set_threads(threads); }
  /// The fast path (valid after build_fast_solve).
  [[nodiscard]] ScheduledLUSolve& fast_solver() { return fast_; }

 private:
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm_;  // cell → position
  bool repeated_ = false;
  std::vector<std::int8_t> side_;  // top_level_sides: the seeds of the two-thread schedule
  SpMat permuted_;
  Eigen::SparseLU<SpMat, Eigen::NaturalOrdering<int>> lu_;
  bool analysed_ = false, fast_ready_ = false;
  int solves_ = 0;
  ScheduledLUSolve fast_;
  Vec work_;
};

// Compiled once, in the library (src/fokker_planck/fokker_planck.cpp), for Dim = 1, 2, 3.
extern template class GridLU<1>;
extern template class GridLU<2>;
extern template class GridLU<3>;
extern template std::vector<int> nested_dissection_order<1>(const Grid<1>&, bool, Index);
extern template std::vector<int> nested_dissection_order<2>(const Grid<2>&, bool, Index);
extern template std::vector<int> nested_dissection_order<3>(const Grid<3>&, bool, Index);
extern template std::vector<std::int8_t> top_level_sides<1>(const Grid<1>&, bool, Index);
extern template std::vector<std::int8_t> top_level_sides<2>(const Grid<2>&, bool, Index);
extern template std::vector<std::int8_t> top_level_sides<3>(const Grid<3>&, bool, Index);

}  // namespace sgdsde::fp
