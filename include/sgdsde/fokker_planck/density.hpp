#pragma once
// A probability density on a Grid<Dim> (cell averages, ∫ p = V Σ p_k = 1) at a time t, and the
// outputs the experiments compare SGD and SDE histograms against: marginals, mass per basin,
// mean, covariance, mass error, min p.
#include <functional>
#include <memory>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/fokker_planck/basins.hpp"
#include "sgdsde/fokker_planck/grid.hpp"

namespace sgdsde::fp {

template <int Dim>
class Density {
 public:
  Density(Grid<Dim> grid, Vec values, double time = 0.0, std::shared_ptr<const Basins<Dim>> basins = {})
      : grid_(std::move(grid)), values_(std::move(values)), time_(time), basins_(std::move(basins)) {
    require(values_.size() == grid_.size(), "fokker_planck density: wrong number of values for the grid");
  }

  /// p ∝ f(θ) at the cell centres, normalised to mass 1 (f ≥ 0, not identically 0).
  static Density from_function(const Grid<Dim>& grid, const std::function<double(const Vec&)>& f);
  /// All the mass in the cell containing θ₀ (the density of a deterministic start).
  static Density point_mass(const Grid<Dim>& grid, const Vec& theta0);

  [[nodiscard]] const Grid<Dim>& grid() const { return grid_; }
  [[nodiscard]] const Vec& values() const { return values_; }
  [[nodiscard]] Vec& values() { return values_; }
  [[nodiscard]] double time() const { return time_; }
  void set_time(double t) { time_ = t; }
  [[nodiscard]] const std::shared_ptr<const Basins<Dim>>& basins() const { return basins_; }
  void set_basins(std::shared_ptr<const Basins<Dim>> b) { basins_ = std::move(b); }

  /// ∫ p.
  [[nodiscard]] double mass() const { return values_.sum() * grid_.cell_volume(); }
  /// mass − 1.
  [[nodiscard]] double mass_error() const { return mass() - 1.0; }
  [[nodiscard]] double min() const { return values_.minCoeff(); }

  /// Marginal density along one axis (n_axis values, each ∫ over the other axes).
  [[nodiscard]] Vec marginal(int axis) const;
  /// Cell-centre coordinates along an axis (the abscissae of marginal(axis)).
  [[nodiscard]] Vec axis_centres(int axis) const {
    Vec c(grid_.cells(axis));
    for (Index i = 0; i < c.size(); ++i) c[i] = grid_.centre(axis, i);
    return c;
  }

  /// E θ (midpoint rule on the cells).
  [[nodiscard]] Vec mean() const;
  /// Cov θ (midpoint rule on the cells, normalised by the mass).
  [[nodiscard]] Mat covariance() const;
  /// Mass in each basin, in the order of basins().minima() (the landscape's minima).
  [[nodiscard]] Vec basin_masses() const;
  /// Σ |p − q| V: the L1 distance to another density on the same grid.
  [[nodiscard]] double l1_distance(const Vec& q) const {
    return (values_ - q).cwiseAbs().sum() * grid_.cell_volume();
  }

 private:
  Grid<Dim> grid_;
  Vec values_;
  double time_;
  std::shared_ptr<const Basins<Dim>> basins_;
};

/// Everything an experiment records at one output time.
struct DensitySummary {
  double time;
  double mass_error;
  double min_p;
  Vec mean;
  Mat covariance;
  Vec basin_masses;            // empty without basins
  std::vector<Vec> marginals;  // one per axis
};

template <int Dim>
DensitySummary summarize(const Density<Dim>& p);

// Compiled once, in the library (src/fokker_planck/fokker_planck.cpp), for Dim = 1, 2, 3.
extern template class Density<1>;
extern template class Density<2>;
extern template class Density<3>;
extern template DensitySummary summarize<1>(const Density<1>&);
extern template DensitySummary summarize<2>(const Density<2>&);
extern template DensitySummary summarize<3>(const Density<3>&);

}  // namespace sgdsde::fp
