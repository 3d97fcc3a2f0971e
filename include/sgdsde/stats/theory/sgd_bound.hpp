#pragma once
// THEORY §7 (Bottou–Curtis–Nocedal): for β-smooth L, E‖∇ℓ_i‖² ≤ σ² + ‖∇L‖², η ≤ 1/β, batch n_B
// with replacement, after T steps
//   E[(1/T) Σ_{t<T} ‖∇L(θ_t)‖²] ≤ ηβσ²/n_B + 2(L(θ₀) − L*)/(ηT):
// a plateau ηβσ²/n_B plus a transient decaying like 1/(ηT).
#include <cstdint>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::theory {

/// The plateau ηβσ²/n_B.
inline double sgd_gradient_norm_plateau(double eta, double beta, double sigma2, double n_B) {
  return eta * beta * sigma2 / n_B;
}

/// The bound ηβσ²/n_B + 2(L(θ₀) − L*)/(ηT) on the average squared gradient norm over T steps.
inline double sgd_gradient_norm_bound(double eta, double beta, double sigma2, double n_B, double loss_gap,
                                      std::int64_t steps) {
  require(eta > 0.0 && beta > 0.0 && n_B > 0.0 && steps >= 1 && loss_gap >= 0.0,
          "sgd_gradient_norm_bound: need η, β, n_B > 0, T ≥ 1, L(θ₀) − L* ≥ 0");
  return sgd_gradient_norm_plateau(eta, beta, sigma2, n_B) +
         2.0 * loss_gap / (eta * static_cast<double>(steps));
}

/// Whether the theorem's step-size condition η ≤ 1/β holds.
inline bool sgd_bound_applies(double eta, double beta) { return eta * beta <= 1.0; }

}  // namespace sgdsde::theory
