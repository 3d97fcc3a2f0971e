#pragma once
// The finite-sum noise models (THEORY §1) and minibatch sampling.
#include "sgdsde/noise/additive.hpp"           // ℓ_i = L + ξ_iᵀθ
#include "sgdsde/noise/finite_sum.hpp"         // the FiniteSum concept
#include "sgdsde/noise/label_noise.hpp"        // ℓ_i = ½(f − ε_i)² + ξ_iᵀθ
#include "sgdsde/noise/linear_regression.hpp"  // data-driven least squares
#include "sgdsde/noise/sampling.hpp"           // with / without replacement, shuffled epochs
#include "sgdsde/noise/shift.hpp"              // ℓ_i = L(θ − ξ_i)
