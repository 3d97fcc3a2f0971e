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
                             double s = 1.0);

// Compiled once, in the library (src/fokker_planck/mfpt.cpp), for Dim = 1, 2, 3.
extern template Vec mean_first_passage_times<1>(const Generator<1>&, const std::vector<std::uint8_t>&,
                                                double);
extern template Vec mean_first_passage_times<2>(const Generator<2>&, const std::vector<std::uint8_t>&,
                                                double);
extern template Vec mean_first_passage_times<3>(const Generator<3>&, const std::vector<std::uint8_t>&,
                                                double);

}  // namespace sgdsde::fp
