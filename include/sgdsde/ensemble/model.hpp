#pragma once
// What the ensemble runner drives: a model that advances a block of particles by one step.
// SGD (optim/) and the SDE steppers (sde/) both model it, so they share the runner and every
// observer (DESIGN.md: "the parallel runner and observers shared by SGD and SDE ensembles").
#include <cmath>
#include <concepts>

#include "sgdsde/core/types.hpp"

namespace sgdsde {

/// A model advancing an ensemble x (d × M, structure of arrays) one step at a time.
///  - prepare(M): allocate per-particle state (optimizer moments, …) for M particles; called once.
///  - make_scratch(n): per-thread work space for blocks of at most n particles (no allocation in step).
///  - step(x, first, count, k, scratch): particles [first, first + count) from step k to k + 1.
///    Must touch only those columns (of x and of its own per-particle state): blocks run in parallel.
///    Its random numbers must be a pure function of (seed, particle, step) (CounterRng).
///  - time(k): the model time of step k (SGD: Σ_{j<k} η_j; an SDE stepper: t0 + k·dt).
/// Optionally advance(x, first, count, k, n, scratch, bound) -> long: take steps k … k + n − 1 (n ≥ 2)
/// at once, bitwise as n calls of step(). It may take fewer (it returns how many) or none (0), and
/// must take none, leaving x as it was, if a live particle would fail the runner's divergence test
/// (non-finite or |x| ≥ bound) after any of those steps: the runner then takes them one at a time
/// until it has flagged that particle. Particles flagged earlier hold NaN (their steps keep it so)
/// and are to be ignored. The runner calls it only between steps no observer records
/// (observer.hpp, next_record).
template <class M>
concept EnsembleModel = requires(M& m, const M& cm, Ensemble& x, Index first, Index count, long k,
                                 typename M::Scratch& scratch) {
  { cm.dim() } -> std::convertible_to<Index>;
  m.prepare(count);
  { cm.make_scratch(count) } -> std::same_as<typename M::Scratch>;
  m.step(x, first, count, k, scratch);
  { cm.time(k) } -> std::convertible_to<double>;
};

namespace detail {
/// The runner's divergence test on one particle's d contiguous coordinates, for advance(): whether
/// any is non-finite or |x_j| ≥ bound.
inline bool leaves_bound(const double* x, Index d, double bound) {
  Index bad = 0;
#pragma omp simd reduction(+ : bad)
  for (Index j = 0; j < d; ++j) bad += !(std::abs(x[j]) < bound);  // NaN and ±inf fail too
  return bad > 0;
}
}  // namespace detail

}  // namespace sgdsde
