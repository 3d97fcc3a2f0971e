#pragma once
// Stationary expectations of the 1-D SGD / Euler–Maruyama chain with Gaussian noise
//   x' = x − dt L'(x) + s Z,   Z ~ N(0, 1),   s constant (additive noise: s = η sqrt(Σ_B)),
// on an EVEN potential L (L' odd), without the slow inter-well mixing that makes the full chain
// ill-conditioned: by the symmetry x → −x, |x_k| is itself a Markov chain, with kernel
//   K(a → b) = φ_s(b − μ(a)) + φ_s(−b − μ(a))   (b ≥ 0),   μ(a) = a − dt L'(a),
// which has a single well. Any even functional f (e.g. L'(x)² for the gradient-norm plateau of
// THEORY §7) has the same stationary mean under the |x| chain as under the full chain.
//
// Discretisation (finite volumes, like euler_maruyama_invariant.hpp): cells of width Δ on
// [lo, hi] (lo = 0 folds, lo > 0 cuts a region of negligible mass), exact Gaussian cell masses
// from the cell centre (folded mass added when lo = 0, tails beyond the box put into the end
// cells), dense LU of (K − I) p = 0 with the normalisation row. Error O(Δ²/s²) (the source point of
// each cell is its centre): the result is computed at Δ and Δ/2 and Richardson-extrapolated,
// E = E_{Δ/2} + (E_{Δ/2} − E_Δ)/3; `grid_error` = |E − E_{Δ/2}| (the size of the correction).
#include <Eigen/LU>
#include <cmath>
#include <functional>
#include <limits>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"

namespace sgdsde::theory {

/// Stationary cell masses of the |x| chain on n cells of [lo, hi] (lo ≥ 0; lo = 0 folds).
template <class LPrime>
Vec folded_chain_invariant_cells(const LPrime& lp, double dt, double s, double lo, double hi, Index n) {
  require(dt > 0.0 && s > 0.0 && lo >= 0.0 && hi > lo && n >= 3,
          "folded_chain_invariant: need dt, s > 0, 0 <= lo < hi, n >= 3");
  const double h = (hi - lo) / static_cast<double>(n);
  require(h <= 0.5 * s, "folded_chain_invariant: cells too coarse for the kernel width s (need cell <= s/2)");
  const bool fold = lo == 0.0;
  constexpr double inf = std::numeric_limits<double>::infinity();
  Mat K(n, n);
  for (Index j = 0; j < n; ++j) {
    const double a = lo + (static_cast<double>(j) + 0.5) * h;
    const double mu = a - dt * lp(a);
    for (Index i = 0; i < n; ++i) {
      const double lo_i = lo + static_cast<double>(i) * h;  // cell i = [lo_i, hi_i)
      const double hi_i = i + 1 == n ? inf : lo + static_cast<double>(i + 1) * h;
      double m = 0.0;
      if (fold) {  // |x'| in cell i: x' in [lo_i, hi_i) or in (−hi_i, −lo_i]
        m = detail::normal_mass((lo_i - mu) / s, (hi_i - mu) / s) +
            detail::normal_mass((-hi_i - mu) / s, (-lo_i - mu) / s);
      } else {  // the end cells take the tails (a reflecting wall where the law is negligible)
        m = detail::normal_mass(i == 0 ? -inf : (lo_i - mu) / s, (hi_i - mu) / s);
      }
      K(i, j) = m;
    }
  }
  K.diagonal().array() -= 1.0;
  K.row(n - 1).setOnes();
  Vec rhs = Vec::Zero(n);
  rhs[n - 1] = 1.0;
  Vec p = K.partialPivLu().solve(rhs);
  require(p.allFinite(), "folded_chain_invariant: the solve failed");
  p = p.cwiseMax(0.0);
  return p / p.sum();
}

struct ChainExpectation {
  double value = 0.0;       ///< E f under the chain's stationary law (Richardson-extrapolated)
  double grid_error = 0.0;  ///< |extrapolated − fine|
  Index cells = 0;          ///< cells of the fine grid
};

/// E f(|x|) under the stationary law of the chain, on [lo, hi] with cells ≈ s / cells_per_s wide
/// (coarse) and twice as many (fine).
template <class LPrime>
ChainExpectation folded_chain_expectation(const LPrime& lp, const std::function<double(double)>& f, double dt,
                                          double s, double lo, double hi, double cells_per_s = 4.0) {
  auto mean = [&](Index n) {
    const Vec p = folded_chain_invariant_cells(lp, dt, s, lo, hi, n);
    const double h = (hi - lo) / static_cast<double>(n);
    double e = 0.0;
    for (Index i = 0; i < n; ++i) e += p[i] * f(lo + (static_cast<double>(i) + 0.5) * h);
    return e;
  };
  const auto n = static_cast<Index>(std::ceil((hi - lo) / s * cells_per_s));
  const double coarse = mean(n), fine = mean(2 * n);
  const double extrapolated = fine + (fine - coarse) / 3.0;
  return {extrapolated, std::abs(extrapolated - fine), 2 * n};
}

}  // namespace sgdsde::theory
