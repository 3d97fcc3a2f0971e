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
// (Chosen by measurement: docs/benchmarks.md.)
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/generator.hpp"
#include "sgdsde/fokker_planck/grid.hpp"

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

template <int Dim>
class GridLU {
 public:
  GridLU(const Grid<Dim>& grid, bool compact_stencil) : perm_(grid.size()) {
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
      throw NumericalError("fokker_planck: sparse LU factorisation failed: " + lu_.lastErrorMessage());
  }
  /// x = M⁻¹ b.
  void solve(const Vec& b, Vec& x) {
    work_.noalias() = perm_ * b;
    work_ = lu_.solve(work_);
    x.noalias() = perm_.transpose() * work_;
  }

 private:
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm_;  // cell → position
  SpMat permuted_;
  Eigen::SparseLU<SpMat, Eigen::NaturalOrdering<int>> lu_;
  bool analysed_ = false;
  Vec work_;
};

}  // namespace sgdsde::fp
