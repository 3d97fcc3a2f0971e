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
std::vector<int> nested_dissection_order(const Grid<Dim>& grid, bool compact_stencil, Index leaf = 32) {
  using MI = typename Grid<Dim>::MultiIndex;
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(grid.size()));
  const auto parity = [](const MI& i) {
    Index s = 0;
    for (int a = 0; a < Dim; ++a) s += i[a];
    return static_cast<int>(s % 2);
  };
  // Emits the cells of the box [lo, hi) of the wanted colour (−1: all) in natural order.
  const auto emit = [&](const MI& lo, const MI& hi, int colour) {
    MI i = lo;
    for (int a = 0; a < Dim; ++a)
      if (hi[a] <= lo[a]) return;
    while (true) {
      if (colour < 0 || parity(i) == colour) order.push_back(static_cast<int>(grid.index(i)));
      int a = 0;
      while (a < Dim && ++i[a] == hi[a]) {
        i[a] = lo[a];
        ++a;
      }
      if (a == Dim) break;
    }
  };
  const int colour = compact_stencil ? 0 : -1;
  const Index width = compact_stencil ? 2 : 1;
  const auto recurse = [&](const auto& self, const MI& lo, const MI& hi) -> void {
    Index cells = 1;
    int axis = 0;
    for (int a = 0; a < Dim; ++a) {
      cells *= hi[a] - lo[a];
      if (hi[a] - lo[a] > hi[axis] - lo[axis]) axis = a;
    }
    if (cells <= leaf || hi[axis] - lo[axis] < 2 * width + 2) {
      emit(lo, hi, colour);
      return;
    }
    const Index m = (lo[axis] + hi[axis]) / 2;
    MI h1 = hi, l2 = lo, ls = lo, hs = hi;
    h1[axis] = m;
    l2[axis] = m + width;
    ls[axis] = m;
    hs[axis] = m + width;
    self(self, lo, h1);
    self(self, l2, hi);
    emit(ls, hs, colour);
  };
  MI lo{}, hi{};
  for (int a = 0; a < Dim; ++a) hi[a] = grid.cells(a);
  if (compact_stencil) emit(lo, hi, 1);  // red cells first
  recurse(recurse, lo, hi);
  return order;
}

/// The side of each cell in the top-level split of nested_dissection_order (same rule):
/// ScheduledLUSolve::left / right for the two halves, none for the separator (and for every cell
/// when the grid is too small to be split).
template <int Dim>
std::vector<std::int8_t> top_level_sides(const Grid<Dim>& grid, bool compact_stencil, Index leaf = 32) {
  std::vector<std::int8_t> side(static_cast<std::size_t>(grid.size()), ScheduledLUSolve::none);
  const Index width = compact_stencil ? 2 : 1;
  int axis = 0;
  Index cells = 1;
  for (int a = 0; a < Dim; ++a) {
    cells *= grid.cells(a);
    if (grid.cells(a) > grid.cells(axis)) axis = a;
  }
  const Index extent = grid.cells(axis);
  if (cells <= leaf || extent < 2 * width + 2) return side;
  const Index m = extent / 2;
  for (Index c = 0; c < grid.size(); ++c) {
    const Index i = grid.multi_index(c)[axis];
    if (i < m) side[static_cast<std::size_t>(c)] = ScheduledLUSolve::left;
    if (i >= m + width) side[static_cast<std::size_t>(c)] = ScheduledLUSolve::right;
  }
  return side;
}

template <int Dim>
class GridLU {
 public:
  /// repeated_solves: many solves per factorisation are expected, so the factors are copied for
  /// ScheduledLUSolve (see solve); otherwise solve() is always Eigen's supernodal solve.
  GridLU(const Grid<Dim>& grid, bool compact_stencil, bool repeated_solves = false)
      : perm_(grid.size()), repeated_(repeated_solves), side_(top_level_sides(grid, compact_stencil)) {
    const std::vector<int> order = nested_dissection_order(grid, compact_stencil);
    for (int pos = 0; pos < static_cast<int>(order.size()); ++pos) perm_.indices()[order[pos]] = pos;
  }

  /// Factorises M (symbolic analysis on the first call only: later matrices must share its pattern).
  void factorize(const SpMat& M) {
    permuted_ = perm_ * M * perm_.transpose();
    if (!analysed_) {
      lu_.analyzePattern(permuted_);
      analysed_ = true;
    }
    lu_.factorize(permuted_);
    if (lu_.info() != Eigen::Success)
      // A zero column means cells with no flux at all: the Scharfetter-Gummel weights B(±ΔL/D)
      // underflow when D is tiny against the drop of L across a cell (too low a temperature or too
      // coarse a grid for the box), so say that rather than only Eigen's message.
      throw NumericalError("fokker_planck: sparse LU factorisation failed (" + lu_.lastErrorMessage() +
                           "): is the temperature / diffusion too small for this box and grid (exp(-dL/D) "
                           "underflows between neighbouring cells)?");
    fast_ready_ = false;
    solves_ = 0;
  }
  /// With repeated_solves, the solve number copy_after_solves of one factorisation copies the
  /// factors (build_fast_solve) and the later ones take the fast path. The copy costs about as much
  /// as 15 solves save (256²: ≈ 50 ms against 3.5 ms saved per solve; 512²: ≈ 330 ms against ≈ 18
  /// ms), so copying after 16 keeps any run within 2× of the best choice made in hindsight, e.g.
  /// when a temperature schedule changes every few steps.
  static constexpr int copy_after_solves = 16;
  /// x = M⁻¹ b.
  void solve(const Vec& b, Vec& x) {
    if (repeated_ && !fast_ready_ && ++solves_ > copy_after_solves) build_fast_solve();
    if (!fast_ready_) {
      solve_eigen(b, x);
      return;
    }
    x.resize(b.size());
    fast_.solve(b.data(), x.data());
  }
  /// x = M⁻¹ b by Eigen's SparseLU solve (the reference of the fast path).
  void solve_eigen(const Vec& b, Vec& x) {
    work_.noalias() = perm_ * b;
    work_ = lu_.solve(work_);
    x.noalias() = perm_.transpose() * work_;
  }
  /// Copies the current factors for the fast path now (solve() then always takes it).
  void build_fast_solve() {
    const Index n = permuted_.rows();
    std::vector<int> in_pos(static_cast<std::size_t>(n)), out_pos(static_cast<std::size_t>(n));
    for (Index c = 0; c < n; ++c) {
      const int q = perm_.indices()[c];
      in_pos[static_cast<std::size_t>(c)] = lu_.rowsPermutation().indices()[q];
      out_pos[static_cast<std::size_t>(c)] = lu_.colsPermutation().indices()[q];
    }
    fast_.build(lu_, in_pos, out_pos, side_);
    fast_ready_ = true;
  }
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

}  // namespace sgdsde::fp
