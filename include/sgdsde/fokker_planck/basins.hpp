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
  Basins(const Grid<Dim>& grid, const Vec& values, std::vector<Vec> minima) : minima_(std::move(minima)) {
    require(!minima_.empty(), "fokker_planck basins: the landscape lists no minimum");
    const Index N = grid.size();
    // Neighbour offsets {−1, 0, 1}^Dim \ {0}.
    std::vector<std::array<int, Dim>> offsets;
    std::array<int, Dim> o{};
    o.fill(-1);
    while (true) {
      bool zero = true;
      for (int a = 0; a < Dim; ++a) zero = zero && o[a] == 0;
      if (!zero) offsets.push_back(o);
      int a = 0;
      while (a < Dim && ++o[a] == 2) {
        o[a] = -1;
        ++a;
      }
      if (a == Dim) break;
    }
    std::vector<Index> next(static_cast<std::size_t>(N));
    for (Index k = 0; k < N; ++k) {
      const auto i = grid.multi_index(k);
      double best = 0.0;
      Index to = k;
      for (const auto& off : offsets) {
        typename Grid<Dim>::MultiIndex j = i;
        double dist2 = 0.0;
        bool inside = true;
        for (int a = 0; a < Dim; ++a) {
          j[a] += off[a];
          inside = inside && j[a] >= 0 && j[a] < grid.cells(a);
          dist2 += off[a] * off[a] * grid.spacing(a) * grid.spacing(a);
        }
        if (!inside) continue;
        const Index kj = grid.index(j);
        const double slope = (values[k] - values[kj]) / std::sqrt(dist2);
        if (slope > best) {
          best = slope;
          to = kj;
        }
      }
      next[static_cast<std::size_t>(k)] = to;
    }
    label_.assign(static_cast<std::size_t>(N), -1);
    std::vector<Index> path;
    for (Index k = 0; k < N; ++k) {
      Index c = k;
      path.clear();
      while (label_[static_cast<std::size_t>(c)] < 0 && next[static_cast<std::size_t>(c)] != c) {
        path.push_back(c);
        c = next[static_cast<std::size_t>(c)];
      }
      int lab = label_[static_cast<std::size_t>(c)];
      if (lab < 0) {  // c is a sink: nearest minimum
        const Vec x = grid.centre(c);
        double dmin = std::numeric_limits<double>::infinity();
        for (std::size_t m = 0; m < minima_.size(); ++m) {
          const double d = (minima_[m] - x).squaredNorm();
          if (d < dmin) {
            dmin = d;
            lab = static_cast<int>(m);
          }
        }
        label_[static_cast<std::size_t>(c)] = lab;
      }
      for (const Index p : path) label_[static_cast<std::size_t>(p)] = lab;
    }
  }

  [[nodiscard]] std::size_t count() const { return minima_.size(); }
  [[nodiscard]] const std::vector<Vec>& minima() const { return minima_; }
  /// Index (into minima()) of the basin of cell k.
  [[nodiscard]] int label(Index k) const { return label_[static_cast<std::size_t>(k)]; }

 private:
  std::vector<Vec> minima_;
  std::vector<int> label_;
};

/// The minima among a landscape's critical points.
template <Landscape L>
std::vector<Vec> minima_of(const L& landscape) {
  std::vector<Vec> m;
  for (const auto& c : landscape.critical_points())
    if (c.kind == CriticalKind::minimum) m.push_back(c.location);
  return m;
}

}  // namespace sgdsde::fp
