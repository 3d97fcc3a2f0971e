#pragma once
// The third-cumulant (skewness) correction to SGD's stationary law (docs/theory.md, "Non-Gaussian
// noise"). SGD, θ' = θ − η L'(θ) − η ξ with ξ the minibatch gradient noise (mean 0, variance
// Σ_B = 2D/η, third cumulant κ₃), is a Markov chain whose Kramers–Moyal expansion per unit time
// t = kη is
//   ∂_t p = ∂(L' p) + ∂²(D p) + ∂³(s p) + O(η),   D = η Σ_B / 2,   s = η² κ₃ / 6,
// where the ∂³ term is the third jump moment (−η ξ)³ per step divided by −3! η; its Gaussian chain (the
// Euler–Maruyama chain at dt = η) has the same first two moments and κ₃ = 0. With B indices drawn
// with replacement κ₃ = κ₃(one sample) / B², so s = η² κ₃,₁ / (6 B²), against D = η σ² / (2B).
// The stationary law to first order in κ₃ is p₀ + δp with p₀ ∝ exp(−Φ)/D the Fokker–Planck law and
//   ∂[L' δp + ∂(D δp)] = −∂³(s p₀),   ∫ δp = 0.
// In 1-D the zero-flux condition integrates once: L' δp + (D δp)' = −(s p₀)''. Writing δp = p₀ u
// (L' p₀ + (D p₀)' = 0 makes the left side D p₀ u'):
//   u' = −(s p₀)'' / (D p₀) = −[s'' − 2 s' ψ' + s (ψ'² − ψ'')] / D,   ψ = −ln p₀ = Φ + ln D,
// and u is fixed by ∫ p₀ u = 0. This header evaluates that quadrature on n cells (the relative
// density change u is smooth, so no division by a vanishing p₀ occurs) and returns p₀ and δp as cell
// masses. Relative size of δp: √(η h) × skewness (h a curvature): it is the LEADING non-Gaussian
// effect, ahead of the O(η h) Gaussian-chain bias. Next order: a relative O(η h (1 + skew² +
// excess kurtosis)) for odd statistics (the κ₄ term ∂⁴ changes only the even part of δp in a
// symmetric well, so its first contribution to odd statistics is through κ₃κ₄).
//
// Exactly solvable check (tests/unit/third_cumulant): L = ½ h θ², constant D and s. Then
// p₀ = N(0, v = D/h), u = −(s/D)(θ³/(3v²) − θ/v), the mean does not move and the third central
// moment moves by −2 s / h = −η² κ₃ / (3 h); SGD's exact chain θ' = (1 − η h) θ − η ξ has third
// cumulant −η³ κ₃ / (1 − (1 − η h)³) = (−η² κ₃ / (3 h)) (1 + η h + O(η² h²)).
#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"
#include "sgdsde/stats/theory/quadrature.hpp"

namespace sgdsde::theory {

/// Variance, third and fourth cumulants of a noise law uniform over `atoms` (a data set's per-sample
/// gradient noise at B = 1, or every minibatch mean): κ₂ = σ², κ₃, κ₄ (central moments of the atoms).
struct NoiseCumulants {
  double variance = 0, kappa3 = 0, kappa4 = 0;
  [[nodiscard]] double skewness() const { return kappa3 / std::pow(variance, 1.5); }
  [[nodiscard]] double excess_kurtosis() const { return kappa4 / (variance * variance); }
};
inline NoiseCumulants cumulants_of_atoms(const Vec& atoms) {
  require(atoms.size() >= 2, "cumulants_of_atoms: need at least two atoms");
  const double n = static_cast<double>(atoms.size()), m = atoms.mean();
  double m2 = 0, m3 = 0, m4 = 0;
  for (Index i = 0; i < atoms.size(); ++i) {
    const double d = atoms[i] - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n, m3 /= n, m4 /= n;
  return {m2, m3, m4 - 3.0 * m2 * m2};
}

/// Every minibatch mean (1/B) Σ_j v_{i_j} over the N^B ordered index tuples (indices drawn
/// independently and uniformly, i.e. with replacement: the tuples are equally likely). N^B ≤ 10⁶.
/// Its cumulants are κ_r(v) / B^{r−1}: variance σ²/B, κ₃/B², κ₄/B³.
inline Vec batch_means_with_replacement(const Vec& v, Index B) {
  const Index N = v.size();
  require(N >= 1 && B >= 1, "batch_means_with_replacement: need N, B >= 1");
  double count = 1.0;
  for (Index j = 0; j < B; ++j) count *= static_cast<double>(N);
  require(count <= 1e6, "batch_means_with_replacement: N^B must be <= 1e6");
  const auto total = static_cast<Index>(count);
  Vec out(total);
  std::vector<Index> idx(static_cast<std::size_t>(B), 0);
  for (Index k = 0; k < total; ++k) {
    double s = 0.0;
    for (Index j : idx) s += v[j];
    out[k] = s / static_cast<double>(B);
    for (std::size_t j = 0; j < idx.size(); ++j) {  // next tuple (odometer)
      if (++idx[j] < N) break;
      idx[j] = 0;
    }
  }
  return out;
}

/// The stationary Fokker–Planck law p₀ ∝ exp(−Φ)/D and its first-order third-cumulant correction δp,
/// both as masses of n cells of width h from lo (Σ p₀ = 1, Σ δp = 0 to round-off).
struct ThirdCumulantCorrection1D {
  double lo = 0, h = 0;
  Vec p0, dp;
  [[nodiscard]] double centre(Index i) const { return lo + (static_cast<double>(i) + 0.5) * h; }
};

/// lp: L'; D: the diffusion D(θ) > 0; s: the third-cumulant coefficient s(θ) = η² κ₃(θ) / 6 (all
/// double(double)); n cells on [lo, hi]. Derivatives of D and s are central differences with step
/// h/2, ψ'' a central difference of ψ' (O(h²)); Φ and u are Simpson sums between the cell centres. The
/// cell masses are the density at the centres × h (midpoint rule): statistics of them are O(h²).
template <class LPrime, class Diff, class Third>
ThirdCumulantCorrection1D third_cumulant_correction_1d(const LPrime& lp, const Diff& D, const Third& s,
                                                       double lo, double hi, Index n) {
  require(hi > lo && n >= 8, "third_cumulant_correction_1d: need lo < hi and n >= 8 cells");
  ThirdCumulantCorrection1D out;
  out.lo = lo;
  out.h = (hi - lo) / static_cast<double>(n);
  const double h = out.h, e = h / 2.0;
  auto dpsi = [&](double x) {  // ψ' = L'/D + D'/D
    const double d = D(x);
    require(d > 0.0 && std::isfinite(d), "third_cumulant_correction_1d: D(x) must be > 0 and finite");
    return (lp(x) + (D(x + e) - D(x - e)) / (2.0 * e)) / d;
  };
  auto uprime = [&](double x) {  // u' = −[s'' − 2 s' ψ' + s (ψ'² − ψ'')] / D
    const double g1 = dpsi(x), g2 = (dpsi(x + e) - dpsi(x - e)) / (2.0 * e);
    const double s0 = s(x), s1 = (s(x + e) - s(x - e)) / (2.0 * e),
                 s2 = (s(x + e) - 2.0 * s0 + s(x - e)) / (e * e);
    return -(s2 - 2.0 * s1 * g1 + s0 * (g1 * g1 - g2)) / D(x);
  };
  auto phi = [&](double x) { return lp(x) / D(x); };
  // Simpson sums between cell centres: O(h⁴), exact for the OU case (quadratic u', linear Φ')
  Vec logp(n), u(n);
  logp[0] = 0.0, u[0] = 0.0;
  for (Index i = 1; i < n; ++i) {
    const double a = out.centre(i - 1), b = out.centre(i), m = 0.5 * (a + b);
    logp[i] = logp[i - 1] - h / 6.0 * (phi(a) + 4.0 * phi(m) + phi(b));
    u[i] = u[i - 1] + h / 6.0 * (uprime(a) + 4.0 * uprime(m) + uprime(b));
  }
  for (Index i = 0; i < n; ++i) logp[i] -= std::log(D(out.centre(i)));
  LogSumExp z;
  for (Index i = 0; i < n; ++i) z.add(logp[i]);
  out.p0 = (logp.array() - z.value()).exp().matrix();
  u.array() -= out.p0.dot(u);
  out.dp = out.p0.cwiseProduct(u);
  require(out.p0.allFinite() && out.dp.allFinite(), "third_cumulant_correction_1d: non-finite result");
  return out;
}

/// Everything that predicts SGD − its Gaussian chain in a 1-D case whose noise is uniform over
/// `atoms` (one step's gradient noise: the per-sample shifts at B = 1, or every minibatch mean):
/// SGD's exact chain x' = x − η L'(x) − η a and its Gaussian chain (EM at dt = η with diffusion D),
/// both after `steps` from the point x₀ and both invariant laws, and the first-order third-cumulant
/// term with s = η² κ₃(atoms) / 6 — all as masses of n cells of [lo, hi].
struct NonGaussianReferences1D {
  NoiseCumulants cumulants;
  double s = 0;      ///< η² κ₃ / 6
  Vec exact, gauss;  ///< the two chains after `steps`
  Vec exact_invariant, gauss_invariant;
  ThirdCumulantCorrection1D first_order;  ///< p₀ (Fokker–Planck) and δp
};
template <class LPrime, class Diff>
NonGaussianReferences1D non_gaussian_references_1d(const LPrime& lp, const Vec& atoms, const Diff& D,
                                                   double eta, double lo, double hi, Index n, double x0,
                                                   long steps) {
  require(steps >= 1, "non_gaussian_references_1d: need steps >= 1");
  NonGaussianReferences1D r;
  r.cumulants = cumulants_of_atoms(atoms);
  r.s = eta * eta * r.cumulants.kappa3 / 6.0;
  // The point x₀ on the two cells whose centres bracket it (linear weights: the start's mean is x₀).
  const double h = (hi - lo) / static_cast<double>(n), u = (x0 - lo) / h - 0.5;
  const auto i0 = static_cast<Index>(std::floor(u));
  require(i0 >= 0 && i0 + 1 < n, "non_gaussian_references_1d: x0 lies outside the grid");
  Vec start = Vec::Zero(n);
  start[i0] = 1.0 - (u - static_cast<double>(i0));
  start[i0 + 1] = u - static_cast<double>(i0);
  // Stops every 1000 steps keep propagate_chain_law on its banded path (no dense powers of K).
  std::vector<long> at;
  for (long k = 1000; k < steps; k += 1000) at.push_back(k);
  at.push_back(steps);
  r.exact = propagate_chain_law(discrete_noise_kernel_1d(lp, atoms, eta, lo, hi, n), start, at).rightCols(1);
  r.gauss = propagate_chain_law(euler_maruyama_kernel_1d(lp, D, eta, lo, hi, n), start, at).rightCols(1);
  r.exact_invariant = discrete_noise_chain_invariant_cells_1d(lp, atoms, eta, lo, hi, n);
  r.gauss_invariant = euler_maruyama_invariant_cells_1d(lp, D, eta, lo, hi, n);
  const double s = r.s;
  r.first_order = third_cumulant_correction_1d(
      lp, D, [s](double) { return s; }, lo, hi, n);
  return r;
}

}  // namespace sgdsde::theory
