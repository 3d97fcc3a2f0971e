#pragma once
// Scharfetter–Gummel (exponential fitting) face fluxes (docs/fokker_planck.md).
//
// Along axis a the flux of the diagonal part, J = −p ∂L − ∂(D p) = −D e^{−ψ} ∂(p e^{ψ}) with
// ∂ψ = (∂L + ∂D)/D, is integrated exactly for constant D and ∂ψ across the face between
// cells c and c⁺ = c + e_a:
//   F = (D_f / h) [B(Δψ) p_c − B(−Δψ) p_{c⁺}],   B(z) = z / (e^z − 1),
// so that F = 0 ⇔ p_{c⁺}/p_c = e^{−Δψ}. For D = T: Δψ = ΔL/T and the discrete Gibbs density is
// an exact stationary state; for a state-dependent D, Δψ = ∫ ∂L/D + ln(D_{c⁺}/D_c), whose
// stationary state in 1-D is exp(−Φ)/D (THEORY §3). B > 0, so the scheme is monotone.
#include <cmath>

namespace sgdsde::fp {

/// Bernoulli function B(z) = z / (e^z − 1), B(0) = 1, accurate for every z (B(−z) = B(z) + z).
[[nodiscard]] inline double bernoulli(double z) {
  if (std::abs(z) < 1e-4) return 1.0 - z * (0.5 - z / 12.0);  // next term z⁴/720: below 1e-19
  return z / std::expm1(z);
}

/// Δψ across a face for a state-dependent diagonal entry d of D₀ (time factor s = 1), from the
/// values at the two cell centres (L, ∂_a L, d) and d at the face:
///   ∫ ∂L/d ds = ΔL/d_f + ∫ ∂L (1/d − 1/d_f) ds ≈ ΔL/d_f + (h/6)[g_c (1/d_c − 1/d_f) + g₊ (1/d₊ − 1/d_f)]
/// (Simpson's rule on the second integrand, which vanishes at the face), exact when d is constant.
/// The ln(d₊/d_c) part is returned separately because it does not scale with the time factor.
struct FaceExponent {
  double phi;  // ∫ ∂L/d (scales as 1/s)
  double log;  // ln(d₊/d_c) (independent of s)
};
[[nodiscard]] inline FaceExponent face_exponent(double h, double L_c, double L_p, double g_c, double g_p,
                                                double d_c, double d_p, double d_f) {
  const double inv_f = 1.0 / d_f;
  const double phi =
      (L_p - L_c) * inv_f + (h / 6.0) * (g_c * (1.0 / d_c - inv_f) + g_p * (1.0 / d_p - inv_f));
  return {phi, std::log(d_p / d_c)};
}

}  // namespace sgdsde::fp
