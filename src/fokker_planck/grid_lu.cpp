// GridLU and its orderings (include/sgdsde/fokker_planck/grid_lu.hpp), compiled once for Dim = 1, 2, 3
// rather than in every experiment and test that solves a Fokker–Planck problem: Eigen's SparseLU
// is among the heaviest templates the project instantiates.
#include "sgdsde/fokker_planck/grid_lu.hpp"

namespace sgdsde::fp {

template <int Dim>
std::vector<int> nested_dissection_order(const Grid<Dim>& grid, bool compact_stencil, Index leaf) {
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
std::vector<std::int8_t> top_level_sides(const Grid<Dim>& grid, bool compact_stencil, Index leaf) {
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
GridLU<Dim>::GridLU(const Grid<Dim>& grid, bool compact_stencil, bool repeated_solves)
    : perm_(grid.size()), repeated_(repeated_solves), side_(top_level_sides(grid, compact_stencil)) {
  const std::vector<int> order = nested_dissection_order(grid, compact_stencil);
  for (int pos = 0; pos < static_cast<int>(order.size()); ++pos) perm_.indices()[order[pos]] = pos;
}

template <int Dim>
void GridLU<Dim>::factorize(const SpMat& M) {
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

template <int Dim>
void GridLU<Dim>::solve(const Vec& b, Vec& x) {
  if (repeated_ && !fast_ready_ && ++solves_ > copy_after_solves) build_fast_solve();
  if (!fast_ready_) {
    solve_eigen(b, x);
    return;
  }
  x.resize(b.size());
  fast_.solve(b.data(), x.data());
}

template <int Dim>
void GridLU<Dim>::solve_eigen(const Vec& b, Vec& x) {
  work_.noalias() = perm_ * b;
  work_ = lu_.solve(work_);
  x.noalias() = perm_.transpose() * work_;
}

template <int Dim>
void GridLU<Dim>::build_fast_solve() {
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

template class GridLU<1>;
template class GridLU<2>;
template class GridLU<3>;
template std::vector<int> nested_dissection_order<1>(const Grid<1>&, bool, Index);
template std::vector<int> nested_dissection_order<2>(const Grid<2>&, bool, Index);
template std::vector<int> nested_dissection_order<3>(const Grid<3>&, bool, Index);
template std::vector<std::int8_t> top_level_sides<1>(const Grid<1>&, bool, Index);
template std::vector<std::int8_t> top_level_sides<2>(const Grid<2>&, bool, Index);
template std::vector<std::int8_t> top_level_sides<3>(const Grid<3>&, bool, Index);

}  // namespace sgdsde::fp
