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
  [[nodiscard]] SpMat assemble(double s) const {
    const Index N = grid_.size();
    std::vector<Eigen::Triplet<double, int>> trip;
    const bool mixed = offdiag_.size() > 0;
    trip.reserve(static_cast<std::size_t>(N) * (4 * Dim + (mixed ? 12 * Dim * (Dim - 1) : 0)));
    const double inv_s = 1.0 / s;
    for (int a = 0; a < Dim; ++a) {
      const double inv_h2 = 1.0 / (grid_.spacing(a) * grid_.spacing(a));
      const Index st = grid_.stride(a), na = grid_.cells(a);
      for (Index k = 0; k < N; ++k) {
        if ((k / st) % na == na - 1) continue;
        const Index kp = k + st;
        const double z = zphi_[a][k] * inv_s + zlog_[a][k];
        const double w = s * dface_[a][k] * inv_h2;
        const double alpha = w * bernoulli(z), beta = w * bernoulli(-z);
        // Flux F = α p_k − β p_kp (times h) leaves k and enters kp.
        trip.emplace_back(int(k), int(k), -alpha);
        trip.emplace_back(int(k), int(kp), beta);
        trip.emplace_back(int(kp), int(k), alpha);
        trip.emplace_back(int(kp), int(kp), -beta);
      }
    }
    if (mixed) add_mixed(s, trip);
    SpMat A(N, N);
    A.setFromTriplets(trip.begin(), trip.end());
    A.makeCompressed();
    return A;
  }

 private:
  // J_a ⊃ −∂_b(D_ab p), b ≠ a, on the a-faces: −½[δ_b q(c) + δ_b q(c⁺)], q = D_ab p, δ_b the
  // central difference in b (one-sided at the box edge).
  void add_mixed(double s, std::vector<Eigen::Triplet<double, int>>& trip) const {
    const Index N = grid_.size();
    for (int a = 0; a < Dim; ++a) {
      const Index sta = grid_.stride(a), na = grid_.cells(a);
      const double ha = grid_.spacing(a);
      for (int b = 0; b < Dim; ++b) {
        if (b == a) continue;
        const Index stb = grid_.stride(b), nb = grid_.cells(b);
        const double hb = grid_.spacing(b);
        for (Index k = 0; k < N; ++k) {
          if ((k / sta) % na == na - 1) continue;
          const Index kp = k + sta;
          for (const Index c : {k, kp}) {
            // δ_b q(c) = Σ w_m q(m): coefficients on the cells m.
            const Index ib = (c / stb) % nb;
            Index m_lo = c, m_hi = c;
            double width = hb;
            if (ib > 0 && ib < nb - 1) {
              m_lo = c - stb;
              m_hi = c + stb;
              width = 2.0 * hb;
            } else if (ib == 0) {
              m_hi = c + stb;
            } else {
              m_lo = c - stb;
            }
            // Face flux contribution (per unit area): −½ δ_b q(c); divided by h_a for the divergence.
            const double f = -0.5 * s / (width * ha);
            const double q_hi = offdiag_(a + Dim * b, m_hi), q_lo = offdiag_(a + Dim * b, m_lo);
            // F adds to the loss of k and the gain of kp.
            trip.emplace_back(int(k), int(m_hi), -f * q_hi);
            trip.emplace_back(int(k), int(m_lo), f * q_lo);
            trip.emplace_back(int(kp), int(m_hi), f * q_hi);
            trip.emplace_back(int(kp), int(m_lo), -f * q_lo);
          }
        }
      }
    }
  }

  Vec checked_diagonal(const Vec& x) const {
    Vec d = diffusion_.diagonal_at(x);
    require(d.size() == Dim, "fokker_planck diffusion: the diagonal field must return Dim entries");
    require(d.allFinite() && (d.array() > 0.0).all(),
            "fokker_planck diffusion: D must be positive (a diagonal entry is <= 0 or not finite at " +
                point_string(x) + ")");
    return d;
  }
  static std::string point_string(const Vec& x) {
    std::string s = "(";
    for (Index i = 0; i < x.size(); ++i) s += (i ? ", " : "") + std::to_string(x[i]);
    return s + ")";
  }

  Grid<Dim> grid_;
  Diffusion diffusion_;
  Vec values_;
  std::array<Vec, Dim> zphi_, zlog_, dface_;
  Mat offdiag_;  // Dim² × N: D₀ at the cell centres (column-major entries), full kind only
};

}  // namespace sgdsde::fp
