#pragma once
// Additive noise (noise/additive.hpp) whose per-sample covariance is EXACTLY σ² I: the generated
// ξ_i are re-drawn with C = σ⁴ Σ̂₁⁻¹ (Σ̂₁ the sample covariance of a first draw with C = σ² I),
// i.e. whitened by the Cholesky factor of their own sample covariance. Then Σ₁ = σ² I to round-off,
// so the temperature of SGD is T = η σ² c/(2B) with no data-set fluctuation (c the sampling
// factor of noise/sampling.hpp), which experiments comparing runs of different N (or data seeds)
// at equal η/B need. The ξ_i are still Gaussian draws (a fixed linear map of the same normals).
#include <Eigen/LU>

#include "sgdsde/noise/additive.hpp"

namespace sgdsde {

template <Landscape L>
AdditiveNoise<L> exact_isotropic_additive_noise(const L& landscape, Index num_samples, double sigma,
                                                std::uint64_t seed) {
  require(sigma > 0.0 && std::isfinite(sigma), "exact additive noise: sigma must be > 0");
  const Index d = landscape.dim();
  require(num_samples > d, "exact additive noise: need more samples than dimensions");
  const auto first = AdditiveNoise<L>::isotropic(landscape, num_samples, sigma, seed);
  const Mat s1 = first.per_sample_covariance(Vec::Zero(d));
  Mat C = (sigma * sigma * sigma * sigma) * s1.inverse();
  C = 0.5 * (C + C.transpose()).eval();
  return AdditiveNoise<L>(landscape, num_samples, C, seed);
}

}  // namespace sgdsde
