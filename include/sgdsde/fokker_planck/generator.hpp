#pragma once
// The discrete Fokker–Planck generator A (dp/dt = A p) on a Grid<Dim>: cell-centred conservative
// finite volumes with no-flux boundary. Diagonal part: Scharfetter–Gummel fluxes (fluxes.hpp);
// off-diagonal part of a full D: conservative central differences of D_ab p (not monotone).
// Every column of A sums to zero (mass conservation) and, without mixed terms, every
// off-diagonal entry is ≥ 0 (so I − c A is an M-matrix and implicit steps keep p ≥ 0).
// The landscape and D₀ are sampled once; A(s) for a time factor s is assembled in O(cells).
#include <Eigen/Cholesky>
#include <Eigen/SparseCore>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/fokker_planck/diffusion.hpp"
#include "sgdsde/fokker_planck/fluxes.hpp"
#include "sgdsde/fokker_planck/grid.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::fp {

using SpMat = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

template <int Dim>
class Generator {
 public:
  /// Samples L (and ∂L, D₀ where needed) on the grid. Throws InputError when D₀ is not positive
  /// (definite) at some cell centre or face.
  template <Landscape L>
  Generator(const Grid<Dim>& grid, const L& landscape, Diffusion diffusion)
      : grid_(grid), diffusion_(std::move(diffusion)) {
    require(landscape.dim() == Dim, "fokker_planck: the landscape has dimension " +
                                        std::to_string(landscape.dim()) + ", the grid " +
                                        std::to_string(Dim));
    const Index N = grid_.size();
    values_.resize(N);
    const bool isotropic = diffusion_.kind() == Diffusion::Kind::isotropic;
    Mat grad;
    Mat dcell;
    if (!isotropic) {
      grad.resize(Dim, N);
      dcell.resize(Dim, N);
    }
    Vec g(Dim);
    for (Index k = 0; k < N; ++k) {
      const Vec x = grid_.centre(k);
      values_[k] = landscape.value(x);
      if (!isotropic) {
        landscape.gradient(x, g);
        grad.col(k) = g;
        dcell.col(k) = checked_diagonal(x);
      }
    }
    // Face exponents, axis by axis; entry k describes the face between k and k + e_a.
    for (int a = 0; a < Dim; ++a) {
      const double h = grid_.spacing(a);
      const Index st = grid_.stride(a), na = grid_.cells(a);
      Vec& zphi = zphi_[a];
      Vec& zlog = zlog_[a];
      Vec& dface = dface_[a];
      zphi.setZero(N);
      zlog.setZero(N);
      dface.setZero(N);
      for (Index k = 0; k < N; ++k) {
        if ((k / st) % na == na - 1) continue;  // last cell along a: boundary face, no flux
        const Index kp = k + st;
        if (isotropic) {
          const double T0 = diffusion_.base_temperature();
          zphi[k] = (values_[kp] - values_[k]) / T0;
          dface[k] = T0;
        } else {
          Vec xf = grid_.centre(k);
          xf[a] += 0.5 * h;
          const double df = checked_diagonal(xf)[a];
          const FaceExponent e = face_exponent(h, values_[k], values_[kp], grad(a, k), grad(a, kp),
                                               dcell(a, k), dcell(a, kp), df);
          zphi[k] = e.phi;
          zlog[k] = e.log;
          dface[k] = df;
        }
      }
    }
    if (diffusion_.kind() == Diffusion::Kind::full && Dim > 1) {
      offdiag_.resize(Dim * Dim, N);
      for (Index k = 0; k < N; ++k) {
        const Vec x = grid_.centre(k);
        const Mat M = diffusion_.matrix_at(x);
        require(M.rows() == Dim && M.cols() == Dim,
                "fokker_planck diffusion: the matrix field must be Dim x Dim");
        require((M - M.transpose()).cwiseAbs().maxCoeff() <= 1e-12 * M.cwiseAbs().maxCoeff(),
                "fokker_planck diffusion: the matrix field must be symmetric");
        Eigen::LLT<Mat> llt(M);
        require(llt.info() == Eigen::Success,
                "fokker_planck diffusion: D must be positive definite (fails at " + point_string(x) + ")");
        offdiag_.col(k) = Eigen::Map<const Vec>(M.data(), Dim * Dim);
      }
    }
  }

  [[nodiscard]] const Grid<Dim>& grid() const { return grid_; }
  [[nodiscard]] const Diffusion& diffusion() const { return diffusion_; }
  /// L at the cell centres.
  [[nodiscard]] const Vec& landscape_values() const { return values_; }

  /// A for the time factor s (D = s D₀).
  [[nodiscard]] SpMat assemble(double s) const;

 private:
  // J_a ⊃ −∂_b(D_ab p), b ≠ a, on the a-faces: −½[δ_b q(c) + δ_b q(c⁺)], q = D_ab p, δ_b the
  // central difference in b (one-sided at the box edge).
  void add_mixed(double s, std::vector<Eigen::Triplet<double, int>>& trip) const;
  Vec checked_diagonal(const Vec& x) const;
  static std::string point_string(const Vec& x);

  Grid<Dim> grid_;
  Diffusion diffusion_;
  Vec values_;
  std::array<Vec, Dim> zphi_, zlog_, dface_;
  Mat offdiag_;  // Dim² × N: D₀ at the cell centres (column-major entries), full kind only
};

// The members that do not depend on the landscape are compiled once, in the library
// (src/fokker_planck/generator.cpp), for Dim = 1, 2, 3.
extern template class Generator<1>;
extern template class Generator<2>;
extern template class Generator<3>;

}  // namespace sgdsde::fp
