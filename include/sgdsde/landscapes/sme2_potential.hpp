#pragma once
// The potential of the second-order stochastic modified equation (THEORY §2, Li–Tai–E):
//   L̃(θ) = L(θ) + (η/4) |∇L(θ)|²,   ∇L̃ = (I + (η/2) H) ∇L,
// so the SME-2 drift −(I + (η/2)H)∇L is exactly the gradient drift −∇L̃ and any solver that takes
// a landscape (Fokker–Planck with D = ηΣ_B/2, gradient flow, …) solves SME-2 when handed L̃.
// Critical points: those of L (same location and value), plus points where H has the eigenvalue
// −2/η; for η · max(−λ_min(H)) < 2 (e.g. β-smooth L with ηβ < 2) there are none, and the listed
// critical points are L's. The Hessian of L̃ needs third derivatives of L: hessian() returns the
// central difference of ∇L̃ (step 1e-5 · max(1, |θ|); about 8 correct digits), documented as such.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

template <Landscape L>
class Sme2Potential {
 public:
  Sme2Potential(L landscape, double eta) : l_(std::move(landscape)), eta_(eta) {
    require(std::isfinite(eta) && eta >= 0.0, "sme2_potential: eta must be finite and >= 0");
  }

  [[nodiscard]] Index dim() const { return l_.dim(); }
  [[nodiscard]] std::string name() const { return l_.name() + "+sme2"; }
  [[nodiscard]] double eta() const { return eta_; }
  [[nodiscard]] const L& base() const { return l_; }

  [[nodiscard]] double value(const Vec& x) const {
    Vec g(dim());
    l_.gradient(x, g);
    return l_.value(x) + 0.25 * eta_ * g.squaredNorm();
  }
  /// (I + (η/2) H) ∇L.
  void gradient(const Vec& x, Vec& g) const {
    Vec g0(dim());
    Mat H(dim(), dim());
    l_.gradient(x, g0);
    l_.hessian(x, H);
    g = g0 + 0.5 * eta_ * (H * g0);
  }
  /// Central differences of gradient() (L̃'s Hessian needs third derivatives of L).
  void hessian(const Vec& x, Mat& H) const {
    const Index d = dim();
    H.resize(d, d);
    Vec xp = x, xm = x, gp(d), gm(d);
    for (Index j = 0; j < d; ++j) {
      const double h = 1e-5 * std::max(1.0, std::abs(x[j]));
      xp[j] = x[j] + h;
      xm[j] = x[j] - h;
      gradient(xp, gp);
      gradient(xm, gm);
      H.col(j) = (gp - gm) / (2.0 * h);
      xp[j] = xm[j] = x[j];
    }
    H = (0.5 * (H + H.transpose())).eval();
  }
  [[nodiscard]] Box box() const { return l_.box(); }
  /// L's critical points (∇L = 0 ⇒ ∇L̃ = 0, L̃ = L there); see the header note for the extra ones.
  [[nodiscard]] std::vector<CriticalPoint> critical_points() const { return l_.critical_points(); }

 private:
  L l_;
  double eta_;
};

}  // namespace sgdsde
