#pragma once
// E φ(θ_K) of 1-D minibatch SGD with a low-variance, unbiased Monte Carlo estimator (weak-error
// experiments, THEORY §2): each SGD particle is run together with its linearisation about the GD
// path, driven by the SAME minibatch noise, and the linearised chain (whose moments are known
// exactly) serves as a control variate.
//
// Problem: AdditiveNoise<L> in d = 1 (L with derivative1(w)), batches of B indices drawn with
// replacement by BatchSampler (bitwise the batches, gradients and updates of SgdEnsemble with plain
// Sgd and the same seed: the same operations in the same order). θ₀ = m₀ + √v₀ z_p with
// z_p = CounterRng(seed).normal_pair(p, 0, slot(Purpose::init, 0))[0]. With ξ̄_k = g_B(θ_k) − L'(θ_k)
// the batch noise of step k (E ξ̄_k = 0, E ξ̄_k² = Σ₁/B exactly: the ξ_i are centred),
//   θ_{k+1} = θ_k − η (L'(θ_k) + ξ̄_k)                        (SGD)
//   θ̄_{k+1} = θ̄_k − η L'(θ̄_k),  θ̄₀ = m₀                        (GD)
//   δ_{k+1} = a_k δ_k − η ξ̄_k,  a_k = 1 − η L''(θ̄_k),  δ₀ = θ₀ − m₀ (linearised SGD)
// so E δ_K = 0 and E δ_K² = v_K with v_{k+1} = a_k² v_k + η² Σ₁/B, v₀ = v₀ — exactly, for any noise
// law. For a smooth test function φ the control variate C = φ(θ̄_K) + φ'(θ̄_K) δ_K + ½ φ''(θ̄_K) δ_K²
// has the exact mean E C = φ(θ̄_K) + ½ φ''(θ̄_K) v_K, hence
//   Ê φ = mean_p [φ(θ_K) − C_p] + E C
// is unbiased for E φ(θ_K); its variance is that of the nonlinear remainder (O(η²) per particle
// for small noise and v₀, against O(η) for the plain mean). estimate_mean() also reports the plain
// mean and mean_p(C_p) − E C with its standard error (0 in expectation: a check of the exact moments).
// estimate_variance() estimates Var θ_K with the same control variate (δ, δ²) and a delta-method
// standard error that carries the covariance of the two means it combines.
// Particles run in blocks with the batch-noise kernel of optim/sgd_fused.hpp. Reductions over
// particles are sequential: results are bitwise identical for any thread count.
#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/optim/sgd_fused.hpp"

namespace sgdsde {

/// Final states of M SGD particles and of their linearisations (see the header note).
struct LinearisedSgdRun {
  double eta = 0.0;
  long steps = 0;
  double m0 = 0.0, v0 = 0.0;
  double batch_noise_variance = 0.0;  ///< Σ_B = Σ₁/B (exact, with replacement)
  Vec theta;                          ///< θ_K per particle
  Vec delta;                          ///< δ_K per particle
  double theta_bar = 0.0;             ///< θ̄_K (GD from m₀)
  double delta_variance = 0.0;        ///< v_K = E δ_K² (exact)
};

/// A smooth scalar test function with its first two derivatives.
struct TestFunction1d {
  std::string name;
  std::function<double(double)> f, df, d2f;
};

/// Runs M particles of K steps (particles in parallel, each one's steps in sequence).
template <Landscape L>
requires requires(const L& l, double w) {
  { l.derivative1(w) } -> std::convertible_to<double>;
}
LinearisedSgdRun run_linearised_sgd_1d(const AdditiveNoise<L>& problem, Index batch_size, double eta,
                                       long steps, double m0, double v0, Index M, std::uint64_t seed) {
  require(problem.dim() == 1, "run_linearised_sgd_1d: the problem must be one-dimensional");
  require(std::isfinite(eta) && eta > 0.0, "run_linearised_sgd_1d: eta must be > 0");
  require(steps >= 0 && M >= 2 && M <= Index{0xFFFFFFFF},
          "run_linearised_sgd_1d: need K >= 0, 2 <= M < 2^32");
  require(std::isfinite(v0) && v0 >= 0.0, "run_linearised_sgd_1d: v0 must be >= 0");
  const L& l = problem.landscape();
  const BatchSampler sampler(problem.num_samples(), batch_size, Sampling::with_replacement, seed);
  const CounterRng rng(seed);

  LinearisedSgdRun r;
  r.eta = eta;
  r.steps = steps;
  r.m0 = m0;
  r.v0 = v0;
  r.batch_noise_variance =
      problem.per_sample_covariance(Vec::Zero(1))(0, 0) / static_cast<double>(batch_size);
  // GD path, a_k and v_k.
  std::vector<double> a(static_cast<std::size_t>(steps));
  double bar = m0, v = v0;
  Vec x(1);
  Mat H(1, 1);
  for (long k = 0; k < steps; ++k) {
    x[0] = bar;
    l.hessian(x, H);
    const double ak = 1.0 - eta * H(0, 0);
    a[static_cast<std::size_t>(k)] = ak;
    v = ak * ak * v + eta * eta * r.batch_noise_variance;
    bar -= eta * l.derivative1(bar);
  }
  r.theta_bar = bar;
  r.delta_variance = v;

  r.theta.resize(M);
  r.delta.resize(M);
  const double* xi = problem.noise().data();
  const double inv_b = 1.0 / static_cast<double>(batch_size);
  const double sd0 = std::sqrt(v0);
  // Blocks of kSgdLanes particles, all K steps per block with the state on the stack: the batch
  // noise sums of optim/sgd_fused.hpp (the library's batches bit for bit), then one vectorised update.
  constexpr int W = detail::kSgdLanes;
  const Index blocks = (M + W - 1) / W;
#pragma omp parallel for schedule(static)
  for (Index blk = 0; blk < blocks; ++blk) {
    const Index p0 = blk * W, n = std::min<Index>(W, M - p0);
    alignas(64) double th[W], d[W], s[1][W];
    detail::StreamBlockCache cache;  // a stream block shared by consecutive steps (B mod 4 ≠ 0)
    for (Index i = 0; i < n; ++i) {
      const double z =
          rng.normal_pair(static_cast<std::uint32_t>(p0 + i), 0, CounterRng::slot(Purpose::init, 0))[0];
      th[i] = m0 + sd0 * z;
      d[i] = th[i] - m0;
    }
    for (long k = 0; k < steps; ++k) {
      detail::batch_noise_sums<1>(sampler, xi, static_cast<std::uint32_t>(p0), k, s, cache);
      const double ak = a[static_cast<std::size_t>(k)];
#pragma omp simd
      for (Index i = 0; i < n; ++i) {
        double g = l.derivative1(th[i]);
        g += s[0][i] * inv_b;
        th[i] -= eta * g;
        d[i] = ak * d[i] - eta * (s[0][i] * inv_b);
      }
    }
    for (Index i = 0; i < n; ++i) {
      r.theta[p0 + i] = th[i];
      r.delta[p0 + i] = d[i];
    }
  }
  return r;
}

/// The control-variate estimate of E φ(θ_K) and the diagnostics listed in the header note.
struct WeakMeanEstimate {
  double mean = 0.0, std_error = 0.0;          ///< control-variate estimator
  double mean_raw = 0.0, std_error_raw = 0.0;  ///< plain sample mean of φ(θ_K)
  double cv_offset = 0.0, cv_offset_se = 0.0;  ///< mean(C) − E C and its standard error (≈ 0)
};

inline WeakMeanEstimate estimate_mean(const LinearisedSgdRun& run, const TestFunction1d& phi) {
  const Index M = run.theta.size();
  require(M >= 2 && run.delta.size() == M, "estimate_mean: need at least two particles");
  const double b = run.theta_bar, f0 = phi.f(b), f1 = phi.df(b), f2 = phi.d2f(b);
  const double EC = f0 + 0.5 * f2 * run.delta_variance;
  // Two passes (mean, then centred sums of squares), sequential for reproducibility.
  double s_raw = 0.0, s_est = 0.0, s_c = 0.0;
  for (Index p = 0; p < M; ++p) {
    const double d = run.delta[p], fx = phi.f(run.theta[p]);
    const double c = f0 + f1 * d + 0.5 * f2 * d * d;
    s_raw += fx;
    s_est += fx - c;
    s_c += c;
  }
  const double n = static_cast<double>(M);
  const double m_raw = s_raw / n, m_est = s_est / n, m_c = s_c / n;
  double q_raw = 0.0, q_est = 0.0, q_c = 0.0;
  for (Index p = 0; p < M; ++p) {
    const double d = run.delta[p], fx = phi.f(run.theta[p]);
    const double c = f0 + f1 * d + 0.5 * f2 * d * d;
    q_raw += (fx - m_raw) * (fx - m_raw);
    q_est += (fx - c - m_est) * (fx - c - m_est);
    q_c += (c - m_c) * (c - m_c);
  }
  WeakMeanEstimate e;
  e.mean = m_est + EC;
  e.std_error = std::sqrt(q_est / (n - 1.0) / n);
  e.mean_raw = m_raw;
  e.std_error_raw = std::sqrt(q_raw / (n - 1.0) / n);
  e.cv_offset = m_c - EC;
  e.cv_offset_se = std::sqrt(q_c / (n - 1.0) / n);
  return e;
}

/// The control-variate estimate of Var θ_K (with the plain sample variance for comparison).
struct WeakVarianceEstimate {
  double variance = 0.0, std_error = 0.0;          ///< control-variate estimator
  double variance_raw = 0.0, std_error_raw = 0.0;  ///< plain sample variance (divisor M − 1)
};

/// Var θ_K with the linearised chain as control variate. With u = θ_K − θ̄_K (variance-preserving
/// shift), g₁ = u − δ and g₂ = u² − δ² (E δ = 0, E δ² = v_K exactly), Var θ_K = E u² − (E u)² is
/// estimated by mean(g₂) + v_K − mean(g₁)², which equals Ê θ² − (Ê θ)² of estimate_mean with
/// φ = θ and φ = θ² (same particles). Its standard error is the delta method's: the estimate is
/// a smooth function of the two means, so se = sd_p(g₂ − 2 mean(g₁) g₁)/√M, which carries their
/// covariance (bias −Var(mean g₁) = O(1/M), far below se). The plain sample variance s² gets
/// se = sd_p((θ − θ̂)²)/√M likewise.
inline WeakVarianceEstimate estimate_variance(const LinearisedSgdRun& run) {
  const Index M = run.theta.size();
  require(M >= 2 && run.delta.size() == M, "estimate_variance: need at least two particles");
  const double bar = run.theta_bar, n = static_cast<double>(M);
  double s1 = 0.0, s2 = 0.0, su = 0.0;
  for (Index p = 0; p < M; ++p) {
    const double u = run.theta[p] - bar, d = run.delta[p];
    s1 += u - d;
    s2 += u * u - d * d;
    su += u;
  }
  const double m1 = s1 / n, m2 = s2 / n, mu = su / n;
  double q_cv = 0.0, q_raw = 0.0, s_raw = 0.0;
  const double m_h = m2 - 2.0 * m1 * m1;  // mean of h = g₂ − 2 m₁ g₁
  for (Index p = 0; p < M; ++p) {
    const double u = run.theta[p] - bar, d = run.delta[p];
    const double h = (u * u - d * d) - 2.0 * m1 * (u - d) - m_h;
    q_cv += h * h;
    const double c = (u - mu) * (u - mu);
    s_raw += c;
  }
  const double var_raw_biased = s_raw / n;
  for (Index p = 0; p < M; ++p) {
    const double u = run.theta[p] - bar;
    const double c = (u - mu) * (u - mu) - var_raw_biased;
    q_raw += c * c;
  }
  WeakVarianceEstimate e;
  e.variance = m2 + run.delta_variance - m1 * m1;
  e.std_error = std::sqrt(q_cv / (n - 1.0) / n);
  e.variance_raw = s_raw / (n - 1.0);
  e.std_error_raw = std::sqrt(q_raw / (n - 1.0) / n);
  return e;
}

}  // namespace sgdsde
