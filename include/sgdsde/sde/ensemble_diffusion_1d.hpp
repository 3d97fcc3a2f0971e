#pragma once
// Fused ensemble Euler–Maruyama for a 1-D SDE with a state-dependent diffusion (THEORY §2, §3):
//   dΘ = −L'(Θ) dt + sqrt(2 D(Θ)) dW,    θ ← θ − L'(θ) dt + sqrt(2 D(θ) dt) ξ_k,
// e.g. the first-order SME of SGD, D(θ) = η Σ_B(θ)/2, whose Euler–Maruyama chain at dt = η is
// SGD with Gaussian minibatch noise. Models EnsembleModel (ensemble/model.hpp): the normals of a
// block are drawn in bulk (EnsembleNormals, CounterRng keyed by (seed, particle, step)), then one
// vectorisable loop updates the particles (structure of arrays, no allocation).
//   Drift:     a 1-D landscape with derivative1(w) (L'), or any callable double(double) giving L'.
//   Diffusion: a callable double(double) giving D(θ) ≥ 0.
// LabelNoiseSmeDiffusion1D is the D(θ) of the SME of label-noise SGD (noise/label_noise.hpp).
#include <cmath>
#include <concepts>
#include <utility>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/model.hpp"
#include "sgdsde/noise/label_noise.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/sde/ensemble_noise.hpp"

namespace sgdsde {

/// L' of a 1-D landscape as a callable.
template <class L>
struct LandscapeDerivative1D {
  L landscape;
  [[nodiscard]] double operator()(double w) const { return landscape.derivative1(w); }
};

template <class Drift, class Diff>
requires std::invocable<const Drift&, double> && std::invocable<const Diff&, double>
class EnsembleDiffusion1D {
 public:
  struct Scratch {
    Ensemble z;  ///< normals of one block (1 × block)
  };

  /// lprime: θ ↦ L'(θ); diffusion: θ ↦ D(θ); time step dt; t = t0 + k·dt.
  EnsembleDiffusion1D(Drift lprime, Diff diffusion, double dt, CounterRng rng, double t0 = 0.0)
      : lprime_(std::move(lprime)), diffusion_(std::move(diffusion)), dt_(dt), t0_(t0), noise_(rng, 1) {
    require(dt > 0.0 && std::isfinite(dt), "ensemble diffusion 1d: dt must be positive");
  }

  [[nodiscard]] Index dim() const { return 1; }
  [[nodiscard]] double dt() const { return dt_; }
  [[nodiscard]] double time(long k) const { return t0_ + static_cast<double>(k) * dt_; }
  [[nodiscard]] const Drift& drift() const { return lprime_; }
  [[nodiscard]] const Diff& diffusion() const { return diffusion_; }

  void prepare(Index M) { noise_.prepare(M); }
  [[nodiscard]] Scratch make_scratch(Index n) const {
    Scratch s;
    s.z.resize(noise_.scratch_rows(), n);
    return s;
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    Index ld = 0;
    const double* z = noise_.get(k, first, count, s.z.data(), s.z.cols(), ld);
    double* xr = x.data() + first;
    const double dt = dt_, two_dt = 2.0 * dt_;
    const Drift& lp = lprime_;
    const Diff& D = diffusion_;
#pragma omp simd
    for (Index i = 0; i < count; ++i) {
      const double w = xr[i];
      xr[i] = w - dt * lp(w) + std::sqrt(two_dt * D(w)) * z[i];
    }
  }

 private:
  Drift lprime_;
  Diff diffusion_;
  double dt_, t0_;
  EnsembleNormals noise_;
};

template <class Drift, class Diff>
EnsembleDiffusion1D(Drift, Diff, double, CounterRng, double = 0.0) -> EnsembleDiffusion1D<Drift, Diff>;

/// D(θ) = c η Σ₁(θ)/(2B) of label-noise SGD on a 1-D residual landscape (THEORY §1, §2), with
/// Σ₁ = mean(ε²) f'² − 2 mean(εξ) f' + mean(ξ²) exactly as LabelNoise::per_sample_covariance,
/// and c the sampling factor of noise/sampling.hpp. Scalar, allocation-free.
template <class R>
struct LabelNoiseSmeDiffusion1D {
  R landscape;
  double scale = 0.0;          ///< c η / (2B)
  double m_ee = 0.0, c = 0.0;  ///< mean(ε²), mean(ε ξ)
  double s_xx = 0.0;           ///< mean(ξ²)

  LabelNoiseSmeDiffusion1D(const LabelNoise<R>& noise, double eta, Index B, Sampling mode)
      : landscape(noise.landscape()) {
    require(noise.dim() == 1, "LabelNoiseSmeDiffusion1D: the landscape must be 1-D");
    const Index N = noise.num_samples();
    require(B >= 1 && B <= N && eta > 0.0, "LabelNoiseSmeDiffusion1D: need eta > 0 and 1 <= B <= N");
    scale = batch_noise_factor(N, B, mode) * eta / (2.0 * static_cast<double>(B));
    m_ee = noise.label_variance();
    const Vec& e = noise.labels();
    const Mat& xi = noise.floor_noise();
    c = (xi.row(0).transpose().array() * e.array()).mean();
    s_xx = xi.row(0).squaredNorm() / static_cast<double>(N);
  }
  /// Σ₁(θ).
  [[nodiscard]] double sigma1(double w) const {
    const double fp = landscape.residual_derivative1(w);
    return m_ee * fp * fp - 2.0 * c * fp + s_xx;
  }
  [[nodiscard]] double operator()(double w) const { return scale * sigma1(w); }
};

}  // namespace sgdsde
