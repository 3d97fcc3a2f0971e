#pragma once
// The FiniteSum concept (DESIGN.md, THEORY §1): a loss L(θ) = (1/N) Σ_i ℓ_i(θ) over N samples that
// is itself a Landscape (value, gradient = ∇L, Hessian, box, critical points) and also gives
//   num_samples()                      N;
//   per_sample_gradient(x, i, g)       ∇ℓ_i(θ);
//   batch_gradient(x, batch, g)        g_B = (1/B) Σ_{i∈batch} ∇ℓ_i(θ), a MEAN (so η/B appears once);
//   per_sample_covariance(x)           Σ₁(θ) = (1/N) Σ_i (∇ℓ_i − ∇L)(∇ℓ_i − ∇L)ᵀ, exact.
// The covariance of g_B for a sampling mode is batch_covariance(Σ₁, N, B, mode) (sampling.hpp).
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <span>
#include <string>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

template <class F>
concept FiniteSum = Landscape<F> &&
    requires(const F& f, const Vec& x, std::span<const Index> batch, Index i, Vec& g) {
  { f.num_samples() } -> std::convertible_to<Index>;
  f.per_sample_gradient(x, i, g);
  f.batch_gradient(x, batch, g);
  { f.per_sample_covariance(x) } -> std::convertible_to<Mat>;
};

/// A FiniteSum of large dimension (a network) declares `static constexpr bool multi_step = true;`:
/// ensembles over it may keep each run in a contiguous copy for several steps (SgdEnsemble::advance).
/// Opt-in, because that path is a large instantiation per optimizer and schedule, which the analytic
/// landscapes (d ≤ 100) would compile and never run.
template <class F>
concept MultiStepProblem = FiniteSum<F> && requires {
  requires F::multi_step;
};

/// Σ₁(θ) computed directly from the definition with the per-sample gradients, O(N d²): the
/// reference the closed forms of the noise models are tested against (and what data-driven models use).
template <FiniteSum F>
Mat per_sample_covariance_direct(const F& f, const Vec& x) {
  const Index d = f.dim(), N = f.num_samples();
  Vec mean(d), gi(d);
  f.gradient(x, mean);
  Mat S = Mat::Zero(d, d);
  for (Index i = 0; i < N; ++i) {
    f.per_sample_gradient(x, i, gi);
    gi -= mean;
    S.selfadjointView<Eigen::Lower>().rankUpdate(gi);
  }
  S = S.selfadjointView<Eigen::Lower>();
  return S / static_cast<double>(N);
}

namespace detail {
/// Standard normals z (rows × N, column i = sample i) for generating a data set: coordinate pair q
/// of sample i is CounterRng::normal_pair(i, 0, slot(Purpose::data, slot_base + q)).
inline Mat data_normals(const CounterRng& rng, Index rows, Index N, std::uint32_t slot_base) {
  Mat z(rows, N);
  for (Index i = 0; i < N; ++i)
    for (Index q = 0; 2 * q < rows; ++q) {
      const auto pr =
          rng.normal_pair(static_cast<std::uint32_t>(i), 0,
                          CounterRng::slot(Purpose::data, slot_base + static_cast<std::uint32_t>(q)));
      z(2 * q, i) = pr[0];
      if (2 * q + 1 < rows) z(2 * q + 1, i) = pr[1];
    }
  return z;
}

/// Lower Cholesky factor of an SPD matrix (InputError naming `what` otherwise).
Mat cholesky_factor(const Mat& C, const std::string& what);  // src/noise/cholesky_factor.cpp

/// Subtracts the mean of each row of a d × N matrix (exact centring of generated noise, THEORY §1).
inline void centre_rows(Mat& a) {
  for (Index j = 0; j < a.rows(); ++j) {
    const double m = a.row(j).mean();
    a.row(j).array() -= m;
  }
}
}  // namespace detail

}  // namespace sgdsde
