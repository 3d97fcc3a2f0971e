#pragma once
// Xie–Sato–Sugiyama's escape time (THEORY §5, last bullet), as THEORY quotes it: the 1-D Kramers time
// with the diffusion of SGD-like noise AT THE MINIMUM, D(m) = ηΣ_B(m)/2 (= ηH_m/(2B) when Σ₁ = H there):
//   τ_Xie = 2π / sqrt(H_m |H_b|) · exp(ΔL / D(m)),
// H_m = L''(m) > 0, H_b = L''(b) < 0 at the barrier, ΔL = L(b) − L(m). Like Kramers' law it is an
// asymptote for ΔL/D(m) ≫ 1 with relative corrections O(D(m)/ΔL) — when D is constant between the
// minimum and the barrier. With a state-dependent D the exact exponent is ΔΦ = ∫_m^b L'/D
// (stats/theory/mfpt.hpp), and τ_exact/τ_Xie ≈ e^{ΔΦ − ΔL/D(m)} does not tend to 1 as D → 0 unless D is
// constant along the way: xie_escape_holds says whether a given exact time is within the formula's
// stated accuracy.
#include <cmath>
#include <numbers>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

struct XieEscape {
  double tau = 0.0;       ///< 2π/sqrt(H_m|H_b|) · e^{ΔL/D(m)} (the prefactor 1 when without_prefactor)
  double log_tau = 0.0;   ///< its logarithm
  double exponent = 0.0;  ///< ΔL / D(m)
  double accuracy = 0.0;  ///< its stated relative accuracy, D(m)/ΔL (the order of the neglected terms)
};

/// τ_Xie from the curvatures at the minimum (> 0) and the barrier (< 0), the barrier height ΔL > 0 and
/// the diffusion D(m) > 0 at the minimum. with_prefactor = false: e^{ΔL/D(m)} alone (a negative control).
inline XieEscape xie_escape_time(double H_m, double H_b, double barrier, double D_m,
                                 bool with_prefactor = true) {
  require(H_m > 0.0 && H_b < 0.0, "xie_escape_time: need L''(m) > 0 > L''(b)");
  require(barrier > 0.0 && D_m > 0.0, "xie_escape_time: need a barrier > 0 and D(m) > 0");
  XieEscape r;
  r.exponent = barrier / D_m;
  r.accuracy = D_m / barrier;
  r.log_tau =
      r.exponent + (with_prefactor ? std::log(2.0 * std::numbers::pi) - 0.5 * std::log(H_m * -H_b) : 0.0);
  r.tau = std::exp(r.log_tau);
  return r;
}

/// Whether an exact escape time (log) is within the formula's stated accuracy: |ln(τ_exact/τ_Xie)| ≤ D(m)/ΔL.
inline bool xie_escape_holds(const XieEscape& x, double log_tau_exact) {
  return std::abs(log_tau_exact - x.log_tau) <= x.accuracy;
}

}  // namespace sgdsde::theory
