#pragma once
// The Fokker–Planck problem of THEORY §3 on a Grid<Dim>:
//   ∂p/∂t = ∇·(p ∇L) + Σ_jk ∂_j ∂_k (D_jk(θ, t) p),   no-flux boundary,
// discretised by Generator<Dim>, and its stationary state. The transient solvers live in
// transient_solver.hpp. Usage:
//   fp::Grid<2> grid(landscape.box(), 256);
//   fp::FokkerPlanck<2> fp(grid, landscape, fp::Diffusion::isotropic(T));
//   fp::Density<2> p = fp.stationary();   p.marginal(0), p.basin_masses(), p.mean(), p.covariance()
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/basins.hpp"
#include "sgdsde/fokker_planck/density.hpp"
#include "sgdsde/fokker_planck/diffusion.hpp"
#include "sgdsde/fokker_planck/generator.hpp"
#include "sgdsde/fokker_planck/grid.hpp"
#include "sgdsde/fokker_planck/grid_lu.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::fp {

template <int Dim>
class FokkerPlanck {
 public:
  /// Samples the landscape and D₀ on the grid. Throws InputError when the grid's box does not
  /// contain every minimum of the landscape, when D is not positive (definite), or when the
  /// dimensions disagree.
  template <Landscape L>
  FokkerPlanck(const Grid<Dim>& grid, const L& landscape, Diffusion diffusion)
      : generator_(grid, landscape, std::move(diffusion)) {
    std::vector<Vec> minima = minima_of(landscape);
    const Box box = grid.box();
    for (const Vec& m : minima)
      require(box.contains(m), "fokker_planck: the grid's box does not contain the minimum at " +
                                   describe(m) + " of landscape '" + landscape.name() + "'");
    basins_ = std::make_shared<const Basins<Dim>>(grid, generator_.landscape_values(), std::move(minima));
  }

  [[nodiscard]] const Grid<Dim>& grid() const { return generator_.grid(); }
  [[nodiscard]] const Generator<Dim>& generator() const { return generator_; }
  [[nodiscard]] const Diffusion& diffusion() const { return generator_.diffusion(); }
  [[nodiscard]] const std::shared_ptr<const Basins<Dim>>& basins() const { return basins_; }
  /// Whether the stencil is compact (no mixed terms): then the scheme is monotone.
  [[nodiscard]] bool positivity_preserving() const {
    return Dim == 1 || diffusion().kind() != Diffusion::Kind::full;
  }

  /// The generator A at time t (dp/dt = A p).
  [[nodiscard]] SpMat generator_matrix(double t = 0.0) const {
    return generator_.assemble(diffusion().factor(t));
  }

  /// A density on this grid with this problem's basin labelling attached.
  [[nodiscard]] Density<Dim> density(Vec values, double t = 0.0) const {
    return Density<Dim>(grid(), std::move(values), t, basins_);
  }

  /// The stationary state of A(t) (D frozen at time t): the null vector of A, found by pinning
  /// the cell of lowest L to 1 (its row of A p = 0 is implied by the others, since the columns
  /// of A sum to zero), solving by sparse LU (plus one step of iterative refinement), and normalising. For D
  /// = T I this is the discrete Gibbs density exp(−L/T)/Z to round-off.
  [[nodiscard]] Density<Dim> stationary(double t = 0.0) const;

  /// The discrete Gibbs density exp(−L/T)/Z at the cell centres (the exact stationary state of
  /// the scheme for D = T I).
  [[nodiscard]] Density<Dim> gibbs(double T) const;

 private:
  static std::string describe(const Vec& x) {
    std::string s = "(";
    for (Index i = 0; i < x.size(); ++i) s += (i ? ", " : "") + std::to_string(x[i]);
    return s + ")";
  }
  Generator<Dim> generator_;
  std::shared_ptr<const Basins<Dim>> basins_;
};

// The members that do not depend on the landscape are compiled once, in the library
// (src/fokker_planck/fokker_planck.cpp), for Dim = 1, 2, 3.
extern template class FokkerPlanck<1>;
extern template class FokkerPlanck<2>;
extern template class FokkerPlanck<3>;

}  // namespace sgdsde::fp
