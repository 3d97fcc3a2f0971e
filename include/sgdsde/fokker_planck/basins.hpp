#pragma once
// Basins of attraction of a landscape's minima on a Grid<Dim>: every cell follows steepest
// descent on the grid (to the neighbour, diagonals included, with the largest drop of L per unit
// distance) until a cell with no lower neighbour; that sink is assigned to the nearest minimum
// of the landscape's critical points (THEORY: the ground truth each landscape carries).
#include <cmath>
#include <limits>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/grid.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::fp {

template <int Dim>
class Basins {
 public:
  /// values: L at the cell centres; minima: the landscape's minima (non-empty).
  Basins(const Grid<Dim>& grid, const Vec& values, std::vector<Vec> minima);

  [[nodiscard]] std::size_t count() const { return minima_.size(); }
  [[nodiscard]] const std::vector<Vec>& minima() const { return minima_; }
  /// Index (into minima()) of the basin of cell k.
  [[nodiscard]] int label(Index k) const { return label_[static_cast<std::size_t>(k)]; }

 private:
  std::vector<Vec> minima_;
  std::vector<int> label_;
};

// Compiled once, in the library (src/fokker_planck/fokker_planck.cpp), for Dim = 1, 2, 3.
extern template class Basins<1>;
extern template class Basins<2>;
extern template class Basins<3>;

/// The minima among a landscape's critical points.
template <Landscape L>
std::vector<Vec> minima_of(const L& landscape) {
  std::vector<Vec> m;
  for (const auto& c : landscape.critical_points())
    if (c.kind == CriticalKind::minimum) m.push_back(c.location);
  return m;
}

}  // namespace sgdsde::fp
