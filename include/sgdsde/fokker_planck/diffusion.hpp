#pragma once
// The diffusion matrix D(θ, t) of the Fokker–Planck equation (THEORY §3), written as
//   D(θ, t) = s(t) · D₀(θ)
// with a scalar time factor s(t) (a temperature or learning-rate schedule; 1 by default) and a
// spatial part D₀ that is one of
//   isotropic  D₀ = T I           (Langevin, T = η σ²/(2B));
//   diagonal   D₀ = diag(d(θ))    (SME with a diagonal Σ_B, any 1-D D(θ) > 0);
//   full       D₀ = M(θ)          (SME with a full Σ_B: D = ½ η Σ_B(θ)), symmetric positive definite.
// Solvers re-assemble and re-factorise only when s(t) changes.
#include <cmath>
#include <functional>
#include <string>
#include <utility>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::fp {

class Diffusion {
 public:
  enum class Kind { isotropic, diagonal, full };
  using Factor = std::function<double(double)>;          // t ↦ s(t)
  using DiagonalField = std::function<Vec(const Vec&)>;  // θ ↦ d(θ) (Dim entries, all > 0)
  using FullField = std::function<Mat(const Vec&)>;      // θ ↦ M(θ) (Dim × Dim, SPD)

  /// D = T I with a constant temperature T > 0.
  static Diffusion isotropic(double T) {
    require(std::isfinite(T) && T > 0.0,
            "fokker_planck diffusion: the temperature T must be > 0 (got " + std::to_string(T) + ")");
    Diffusion d(Kind::isotropic);
    d.T0_ = T;
    return d;
  }
  /// D = T(t) I with a temperature schedule (e.g. T(t) = η(t) σ²/(2B), THEORY §2); T(t) > 0 is
  /// checked whenever it is evaluated.
  static Diffusion isotropic(Factor T_of_t) {
    require(static_cast<bool>(T_of_t), "fokker_planck diffusion: empty temperature schedule");
    Diffusion d(Kind::isotropic);
    d.factor_ = std::move(T_of_t);
    return d;
  }
  /// D = s(t) diag(d(θ)).
  static Diffusion diagonal(DiagonalField d_of_theta, Factor s_of_t = {}) {
    require(static_cast<bool>(d_of_theta), "fokker_planck diffusion: empty diagonal field");
    Diffusion d(Kind::diagonal);
    d.diag_ = std::move(d_of_theta);
    d.factor_ = std::move(s_of_t);
    return d;
  }
  /// D = s(t) M(θ), M symmetric positive definite. The mixed derivatives are discretised by a
  /// conservative central scheme that does not preserve positivity (docs/fokker_planck.md).
  static Diffusion full(FullField M_of_theta, Factor s_of_t = {}) {
    require(static_cast<bool>(M_of_theta), "fokker_planck diffusion: empty matrix field");
    Diffusion d(Kind::full);
    d.full_ = std::move(M_of_theta);
    d.factor_ = std::move(s_of_t);
    return d;
  }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool time_dependent() const { return static_cast<bool>(factor_); }
  /// s(t) (T(t) for a temperature schedule); throws InputError unless it is finite and > 0.
  [[nodiscard]] double factor(double t) const {
    const double s = factor_ ? factor_(t) : 1.0;
    require(std::isfinite(s) && s > 0.0,
            "fokker_planck diffusion: the time factor / temperature must be > 0 at t = " + std::to_string(t) +
                " (got " + std::to_string(s) + ")");
    return s;
  }
  /// Isotropic only: the constant T of D₀ = T I (1 when a schedule carries the temperature).
  [[nodiscard]] double base_temperature() const { return T0_; }
  /// Diagonal entries of D₀(θ) (the kind's own diagonal for isotropic and full).
  [[nodiscard]] Vec diagonal_at(const Vec& theta) const {
    switch (kind_) {
      case Kind::isotropic: return Vec::Constant(theta.size(), T0_);
      case Kind::diagonal: return diag_(theta);
      case Kind::full: return full_(theta).diagonal();
    }
    return {};
  }
  /// D₀(θ) as a matrix.
  [[nodiscard]] Mat matrix_at(const Vec& theta) const {
    if (kind_ == Kind::full) return full_(theta);
    return diagonal_at(theta).asDiagonal();
  }

 private:
  explicit Diffusion(Kind k) : kind_(k) {}
  Kind kind_;
  double T0_ = 1.0;
  DiagonalField diag_;
  FullField full_;
  Factor factor_;
};

}  // namespace sgdsde::fp
