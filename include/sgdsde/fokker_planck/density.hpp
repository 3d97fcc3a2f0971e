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
  static Density from_function(const Grid<Dim>& grid, const std::function<double(const Vec&)>& f) {
    Vec v(grid.size());
    for (Index k = 0; k < grid.size(); ++k) v[k] = f(grid.centre(k));
    require(v.allFinite() && v.minCoeff() >= 0.0 && v.sum() > 0.0,
            "fokker_planck density: the initial density must be finite, >= 0 and not identically 0");
    v /= v.sum() * grid.cell_volume();
    return Density(grid, std::move(v));
  }
  /// All the mass in the cell containing θ₀ (the density of a deterministic start).
  static Density point_mass(const Grid<Dim>& grid, const Vec& theta0) {
    const Index k = grid.locate(theta0);
    require(k >= 0, "fokker_planck density: the starting point lies outside the grid's box");
    Vec v = Vec::Zero(grid.size());
    v[k] = 1.0 / grid.cell_volume();
    return Density(grid, std::move(v));
  }

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
  [[nodiscard]] Vec marginal(int axis) const {
    require(axis >= 0 && axis < Dim, "fokker_planck density: marginal axis out of range");
    Vec m = Vec::Zero(grid_.cells(axis));
    const Index st = grid_.stride(axis), na = grid_.cells(axis);
    for (Index k = 0; k < values_.size(); ++k) m[(k / st) % na] += values_[k];
    return m * (grid_.cell_volume() / grid_.spacing(axis));
  }
  /// Cell-centre coordinates along an axis (the abscissae of marginal(axis)).
  [[nodiscard]] Vec axis_centres(int axis) const {
    Vec c(grid_.cells(axis));
    for (Index i = 0; i < c.size(); ++i) c[i] = grid_.centre(axis, i);
    return c;
  }

  /// E θ (midpoint rule on the cells).
  [[nodiscard]] Vec mean() const {
    Vec m = Vec::Zero(Dim);
    for (int a = 0; a < Dim; ++a) m[a] = marginal(a).dot(axis_centres(a)) * grid_.spacing(a);
    return m / mass();
  }
  /// Cov θ (midpoint rule on the cells, normalised by the mass).
  [[nodiscard]] Mat covariance() const {
    const Vec mu = mean();
    Mat S = Mat::Zero(Dim, Dim);
    Vec d(Dim);
    for (Index k = 0; k < values_.size(); ++k) {
      if (values_[k] == 0.0) continue;
      const auto i = grid_.multi_index(k);
      for (int a = 0; a < Dim; ++a) d[a] = grid_.centre(a, i[a]) - mu[a];
      S.noalias() += values_[k] * d * d.transpose();
    }
    return S * grid_.cell_volume() / mass();
  }
  /// Mass in each basin, in the order of basins().minima() (the landscape's minima).
  [[nodiscard]] Vec basin_masses() const {
    require(basins_ != nullptr, "fokker_planck density: no basin labelling attached");
    Vec m = Vec::Zero(static_cast<Index>(basins_->count()));
    for (Index k = 0; k < values_.size(); ++k) m[basins_->label(k)] += values_[k];
    return m * grid_.cell_volume();
  }
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
DensitySummary summarize(const Density<Dim>& p) {
  DensitySummary s{p.time(), p.mass_error(), p.min(), p.mean(), p.covariance(), Vec(), {}};
  if (p.basins()) s.basin_masses = p.basin_masses();
  for (int a = 0; a < Dim; ++a) s.marginals.push_back(p.marginal(a));
  return s;
}

}  // namespace sgdsde::fp
