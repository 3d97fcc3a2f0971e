// The landscape-independent parts of the Fokker–Planck problem (include/sgdsde/fokker_planck/
// basins.hpp, density.hpp, fokker_planck.hpp), compiled once for Dim = 1, 2, 3.
#include "sgdsde/fokker_planck/fokker_planck.hpp"

namespace sgdsde::fp {

template <int Dim>
Basins<Dim>::Basins(const Grid<Dim>& grid, const Vec& values, std::vector<Vec> minima)
    : minima_(std::move(minima)) {
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

template <int Dim>
Density<Dim> Density<Dim>::from_function(const Grid<Dim>& grid, const std::function<double(const Vec&)>& f) {
  Vec v(grid.size());
  for (Index k = 0; k < grid.size(); ++k) v[k] = f(grid.centre(k));
  require(v.allFinite() && v.minCoeff() >= 0.0 && v.sum() > 0.0,
          "fokker_planck density: the initial density must be finite, >= 0 and not identically 0");
  v /= v.sum() * grid.cell_volume();
  return Density(grid, std::move(v));
}

template <int Dim>
Density<Dim> Density<Dim>::point_mass(const Grid<Dim>& grid, const Vec& theta0) {
  const Index k = grid.locate(theta0);
  require(k >= 0, "fokker_planck density: the starting point lies outside the grid's box");
  Vec v = Vec::Zero(grid.size());
  v[k] = 1.0 / grid.cell_volume();
  return Density(grid, std::move(v));
}

template <int Dim>
Vec Density<Dim>::marginal(int axis) const {
  require(axis >= 0 && axis < Dim, "fokker_planck density: marginal axis out of range");
  Vec m = Vec::Zero(grid_.cells(axis));
  const Index st = grid_.stride(axis), na = grid_.cells(axis);
  for (Index k = 0; k < values_.size(); ++k) m[(k / st) % na] += values_[k];
  return m * (grid_.cell_volume() / grid_.spacing(axis));
}

template <int Dim>
Vec Density<Dim>::mean() const {
  Vec m = Vec::Zero(Dim);
  for (int a = 0; a < Dim; ++a) m[a] = marginal(a).dot(axis_centres(a)) * grid_.spacing(a);
  return m / mass();
}

template <int Dim>
Mat Density<Dim>::covariance() const {
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

template <int Dim>
Vec Density<Dim>::basin_masses() const {
  require(basins_ != nullptr, "fokker_planck density: no basin labelling attached");
  Vec m = Vec::Zero(static_cast<Index>(basins_->count()));
  for (Index k = 0; k < values_.size(); ++k) m[basins_->label(k)] += values_[k];
  return m * grid_.cell_volume();
}

template <int Dim>
DensitySummary summarize(const Density<Dim>& p) {
  DensitySummary s{p.time(), p.mass_error(), p.min(), p.mean(), p.covariance(), Vec(), {}};
  if (p.basins()) s.basin_masses = p.basin_masses();
  for (int a = 0; a < Dim; ++a) s.marginals.push_back(p.marginal(a));
  return s;
}

template <int Dim>
Density<Dim> FokkerPlanck<Dim>::stationary(double t) const {
  SpMat A = generator_matrix(t);
  Index pin = 0;
  generator_.landscape_values().minCoeff(&pin);
  for (Index c = 0; c < A.outerSize(); ++c)
    for (SpMat::InnerIterator it(A, c); it; ++it)
      if (it.row() == pin) it.valueRef() = it.col() == pin ? 1.0 : 0.0;
  Vec rhs = Vec::Zero(A.rows());
  rhs[pin] = 1.0;
  GridLU<Dim> lu(grid(), positivity_preserving());
  lu.factorize(A);
  Vec p, r, dp;
  lu.solve(rhs, p);
  // One step of iterative refinement brings p to the round-off level of the residual.
  r = rhs - A * p;
  lu.solve(r, dp);
  p += dp;
  if (!p.allFinite()) throw NumericalError("fokker_planck: the stationary solve produced non-finite values");
  p /= p.sum() * grid().cell_volume();
  return density(std::move(p), t);
}

template <int Dim>
Density<Dim> FokkerPlanck<Dim>::gibbs(double T) const {
  require(std::isfinite(T) && T > 0.0, "fokker_planck gibbs: T must be > 0");
  const Vec& L = generator_.landscape_values();
  Vec p = (-(L.array() - L.minCoeff()) / T).exp().matrix();
  p /= p.sum() * grid().cell_volume();
  return density(std::move(p));
}

template class Basins<1>;
template class Basins<2>;
template class Basins<3>;
template class Density<1>;
template class Density<2>;
template class Density<3>;
template DensitySummary summarize<1>(const Density<1>&);
template DensitySummary summarize<2>(const Density<2>&);
template DensitySummary summarize<3>(const Density<3>&);
template class FokkerPlanck<1>;
template class FokkerPlanck<2>;
template class FokkerPlanck<3>;

}  // namespace sgdsde::fp
