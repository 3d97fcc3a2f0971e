#pragma once
// All theory predictions of THEORY.md (namespace sgdsde::theory), one small header each.
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"  // §2 invariant law of the EM / SGD chain at finite η
#include "sgdsde/stats/theory/kramers.hpp"                   // §5 Kramers, Eyring–Kramers
#include "sgdsde/stats/theory/lyapunov.hpp"                  // §4 stationary covariance (SME, SGD)
#include "sgdsde/stats/theory/mfpt.hpp"                      // §5 exact 1-D mean first-passage time
#include "sgdsde/stats/theory/ou.hpp"                        // §3 Ornstein–Uhlenbeck transient
#include "sgdsde/stats/theory/quadrature.hpp"                // Gauss–Legendre, log-sum-exp, Φ
#include "sgdsde/stats/theory/saddle_escape.hpp"             // §6 saddle escape (Langevin, SGD, GD)
#include "sgdsde/stats/theory/sgd_bound.hpp"                 // §7 gradient-norm bound
#include "sgdsde/stats/theory/stationary_density.hpp"        // §2–3 Gibbs and exp(−Φ)/D densities
#include "sgdsde/stats/theory/third_cumulant.hpp"            // non-Gaussian noise: the κ₃ (skewness) term
#include "sgdsde/stats/theory/xie_escape.hpp"                // §5 Xie–Sato–Sugiyama escape time
