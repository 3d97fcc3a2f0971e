#pragma once
// Mean first-passage times from the Fokker–Planck generator (THEORY §5, any dimension): the
// discrete generator A of generator.hpp (dp/dt = A p, columns summing to zero) is the rate matrix
// of a Markov jump process between the cells, A_ij the rate from cell j to cell i, whose law
// converges to the diffusion's as h → 0 (Scharfetter–Gummel: O(h²)). Its mean first-passage time
// into a set of target cells solves the backward Kolmogorov equation
//   Aᵀ u = −1 on the other cells,   u = 0 on the target,
// with the reflecting (no-flux) box boundary of the generator. The absorbing boundary sits on the
// centres of the target cells next to the others: place the grid so that the intended boundary is
// a plane of cell centres. One sparse LU (grid_lu.hpp ordering) per solve.
#include <cstdint>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/generator.hpp"
#include "sgdsde/fokker_planck/grid_lu.hpp"

namespace sgdsde::fp {

/// u over all cells (0 on the target): the mean time to reach a target cell from each cell, for the
/// generator at time factor s. target[k] != 0 marks target cells; at least one is required.
template <int Dim>
Vec mean_first_passage_times(const Generator<Dim>& gen, const std::vector<std::uint8_t>& target,
                             double s = 1.0) {
  const Grid<Dim>& grid = gen.grid();
  const Index N = grid.size();
  require(static_cast<Index>(target.size()) == N, "fokker_planck mfpt: one target flag per cell");
  bool any = false;
  for (const auto t : target) any = any || t != 0;
  require(any, "fokker_planck mfpt: the target set is empty");
  const SpMat At = SpMat(gen.assemble(s).transpose());
  std::vector<Eigen::Triplet<double, int>> trip;
  trip.reserve(static_cast<std::size_t>(At.nonZeros()));
  for (int col = 0; col < At.outerSize(); ++col)
    for (SpMat::InnerIterator it(At, col); it; ++it)
      if (!target[static_cast<std::size_t>(it.row())]) trip.emplace_back(int(it.row()), col, it.value());
  Vec rhs(N);
  for (Index k = 0; k < N; ++k) {
    if (target[static_cast<std::size_t>(k)]) {
      trip.emplace_back(int(k), int(k), 1.0);
      rhs[k] = 0.0;
    } else {
      rhs[k] = -1.0;
    }
  }
  SpMat M(N, N);
  M.setFromTriplets(trip.begin(), trip.end());
  M.makeCompressed();
  const bool mixed = gen.diffusion().kind() == Diffusion::Kind::full && Dim > 1;
  GridLU<Dim> lu(grid, !mixed);
  lu.factorize(M);
  Vec u(N);
  lu.solve(rhs, u);
  if (!u.allFinite()) throw NumericalError("fokker_planck mfpt: non-finite solution");
  return u;
}

}  // namespace sgdsde::fp
