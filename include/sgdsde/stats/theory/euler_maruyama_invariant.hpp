#pragma once
// The invariant law of the Euler–Maruyama chain of a 1-D diffusion at a FINITE step dt:
//   x' = x − dt L'(x) + sqrt(2 D(x) dt) Z,   Z ~ N(0, 1),
// which is also minibatch SGD with Gaussian noise of variance 2 D(x)/dt = η Σ_B(x) per step at
// dt = η (THEORY §2: the SGD chain IS this chain up to the non-Gaussianity of the minibatch noise).
// Its stationary law differs from the continuous-time one (Gibbs, or exp(−Φ)/D) by O(dt): in a
// harmonic well L = ½ h x² with D = T the chain is Gaussian with variance T / (h (1 − dt h / 2))
// exactly. This header computes that law numerically, so experiments can state the O(η) model
// error of SGD against Fokker–Planck as a number instead of neglecting it.
//
// Method: n = bins · refine cells of width Δ on [lo, hi]; the transition kernel from the centre
// x_j of cell j into cell i is the exact Gaussian mass K_ij = Φ((e_{i+1} − μ_j)/s_j) − Φ((e_i − μ_j)/s_j),
// μ_j = x_j − dt L'(x_j), s_j = sqrt(2 D(x_j) dt), with the tails beyond [lo, hi] assigned to the
// end cells (each column sums to 1: the chain is reflected into the box, which changes nothing when
// the law is negligible at the edges). The stationary vector of K (K p = p, Σ p = 1) is found by a
// dense LU solve of (K − I) p = 0 with one row replaced by the normalisation — no power iteration,
// whose convergence would be limited by the slow inter-well rate. Cost O(n³/3); n ≤ ~2000.
// Discretisation error: the source point of each cell is its centre (midpoint rule), O(Δ²/s²)
// relative to the kernel width s; refine so that Δ ≪ s_min (checked: Δ ≤ s_min / 2 is required).
#include <Eigen/LU>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::theory {

namespace detail {
/// Φ(b) − Φ(a) for a ≤ b, accurate in both tails.
inline double normal_mass(double a, double b) {
  constexpr double r = 0.70710678118654752440;  // 1/√2
  if (a >= 0.0) return 0.5 * (std::erfc(a * r) - std::erfc(b * r));
  if (b <= 0.0) return 0.5 * (std::erfc(-b * r) - std::erfc(-a * r));
  return 1.0 - 0.5 * (std::erfc(-a * r) + std::erfc(b * r));
}
}  // namespace detail

/// The chain's transition matrix on n cells of [lo, hi]: K(i, j) = P(x' in cell i | x = centre of
/// cell j), columns summing to 1 (tails assigned to the end cells). lp, D: double(double), D > 0.
template <class LPrime, class Diff>
Mat euler_maruyama_kernel_1d(const LPrime& lp, const Diff& D, double dt, double lo, double hi, Index n) {
  require(dt > 0.0 && std::isfinite(dt), "euler_maruyama_invariant: dt must be > 0");
  require(hi > lo && n >= 3, "euler_maruyama_invariant: need lo < hi and n >= 3 cells");
  const double h = (hi - lo) / static_cast<double>(n);
  Mat K(n, n);
  double s_min = std::numeric_limits<double>::infinity();
  for (Index j = 0; j < n; ++j) {
    const double x = lo + (static_cast<double>(j) + 0.5) * h;
    const double d = D(x);
    require(d > 0.0 && std::isfinite(d), "euler_maruyama_invariant: D(x) must be > 0 and finite");
    const double mu = x - dt * lp(x), s = std::sqrt(2.0 * d * dt);
    s_min = std::min(s_min, s);
    double prev = -std::numeric_limits<double>::infinity();
    for (Index i = 0; i < n; ++i) {
      const double edge = i + 1 == n ? std::numeric_limits<double>::infinity()
                                     : (lo + static_cast<double>(i + 1) * h - mu) / s;
      K(i, j) = detail::normal_mass(prev, edge);
      prev = edge;
    }
  }
  require(h <= 0.5 * s_min,
          "euler_maruyama_invariant: cells too coarse for the kernel width (need cell <= sqrt(2 D dt)/2): "
          "refine");
  return K;
}

/// Stationary cell masses (n = bins · refine cells on [lo, hi], summing to 1) of the EM chain
/// x' = x − dt L'(x) + sqrt(2 D(x) dt) Z. lp, D: double(double), D > 0.
template <class LPrime, class Diff>
Vec euler_maruyama_invariant_cells_1d(const LPrime& lp, const Diff& D, double dt, double lo, double hi,
                                      Index n) {
  Mat K = euler_maruyama_kernel_1d(lp, D, dt, lo, hi, n);
  // (K − I) p = 0 with the last row replaced by Σ p = 1.
  K.diagonal().array() -= 1.0;
  K.row(n - 1).setOnes();
  Vec rhs = Vec::Zero(n);
  rhs[n - 1] = 1.0;
  Vec p = K.partialPivLu().solve(rhs);
  require(p.allFinite(), "euler_maruyama_invariant: the solve failed");
  p = p.cwiseMax(0.0);  // round-off negatives in the far tails
  return p / p.sum();
}

/// The chain's law after each of `steps` (increasing step counts) from the cell masses p0: p_k = K^k p0,
/// one column per requested step count. Short stretches apply the kernel on each column's band of
/// entries above 1e-18 (the Gaussian kernel spans a few dozen cells; the mass dropped per step is
/// below 1e-15): O(n × band) per step. A stretch of g ≥ 2048 steps (the long relaxation to the end of
/// a run) uses K^g by repeated squaring instead: O(n³ log g), far fewer operations for n ≲ 1500.
inline Mat propagate_chain_law(const Mat& K, const Vec& p0, const std::vector<long>& steps) {
  const Index n = K.rows();
  require(K.cols() == n && p0.size() == n, "propagate_chain_law: K must be n x n and p0 of size n");
  require(std::is_sorted(steps.begin(), steps.end()) && (steps.empty() || steps.front() >= 0),
          "propagate_chain_law: step counts must be >= 0 and increasing");
  std::vector<Index> first(static_cast<std::size_t>(n)), last(static_cast<std::size_t>(n));
  for (Index j = 0; j < n; ++j) {
    Index a = 0, b = n - 1;
    while (a < b && K(a, j) < 1e-18) ++a;
    while (b > a && K(b, j) < 1e-18) --b;
    first[static_cast<std::size_t>(j)] = a;
    last[static_cast<std::size_t>(j)] = b;
  }
  Mat out(n, static_cast<Index>(steps.size()));
  Vec p = p0, q(n);
  long k = 0;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    if (long g = steps[s] - k; g >= 2048) {
      Mat power = K;
      for (; g > 0; g >>= 1) {
        if (g & 1) p = power * p;
        if (g > 1) power = power * power;
      }
      k = steps[s];
    }
    for (; k < steps[s]; ++k) {
      q.setZero();
      for (Index j = 0; j < n; ++j) {
        const double pj = p[j];
        if (pj == 0.0) continue;
        const Index a = first[static_cast<std::size_t>(j)], len = last[static_cast<std::size_t>(j)] - a + 1;
        q.segment(a, len).noalias() += pj * K.col(j).segment(a, len);
      }
      p.swap(q);
    }
    out.col(static_cast<Index>(s)) = p;
  }
  return out;
}

/// The same law aggregated onto `bins` uniform bins of [lo, hi] (refine cells per bin). The chain is
/// solved on the wider interval [lo − pad_bins·w, hi + pad_bins·w] (w the bin width) and only the
/// masses of the bins inside [lo, hi] are returned (they sum to the in-range mass ≤ 1): compare them
/// with in-range histogram counts. Pad whenever the law is not negligible at lo or hi, otherwise the
/// mass reflected at the solver's edges lands in the end bins.
template <class LPrime, class Diff>
Vec euler_maruyama_invariant_bin_probabilities_1d(const LPrime& lp, const Diff& D, double dt, double lo,
                                                  double hi, Index bins, Index refine = 8,
                                                  Index pad_bins = 0) {
  require(bins >= 1 && refine >= 1 && pad_bins >= 0,
          "euler_maruyama_invariant: need bins, refine >= 1, pad >= 0");
  const double w = (hi - lo) / static_cast<double>(bins);
  const double plo = lo - static_cast<double>(pad_bins) * w, phi = hi + static_cast<double>(pad_bins) * w;
  const Vec cells = euler_maruyama_invariant_cells_1d(lp, D, dt, plo, phi, (bins + 2 * pad_bins) * refine);
  Vec p(bins);
  for (Index b = 0; b < bins; ++b) p[b] = cells.segment((b + pad_bins) * refine, refine).sum();
  return p;
}

/// The transition matrix of the SGD chain x' = x − dt L'(x) − dt v with a DISCRETE, state-dependent
/// noise law: v uniform over the atoms v_a(x) = slope[a]·s(x) + offset[a] (label noise at B = 1: the
/// per-sample gradient noise −ε_i f'(x) + ξ_i), on n cells of [lo, hi]. Destinations are deposited on
/// the cells by linear (cloud-in-cell) weights, which adds a variance Δ²/6 per step. Cost O(n·atoms).
template <class LPrime, class Slope>
Mat affine_noise_kernel_1d(const LPrime& lp, const Vec& slope, const Slope& s, const Vec& offset, double dt,
                           double lo, double hi, Index n) {
  require(dt > 0.0 && hi > lo && n >= 3 && slope.size() >= 1 && slope.size() == offset.size(),
          "affine_noise_kernel: bad arguments");
  const double h = (hi - lo) / static_cast<double>(n), wa = 1.0 / static_cast<double>(slope.size());
  Mat K = Mat::Zero(n, n);
  for (Index j = 0; j < n; ++j) {
    const double x = lo + (static_cast<double>(j) + 0.5) * h, mu = x - dt * lp(x), sx = s(x);
    for (Index a = 0; a < slope.size(); ++a) {
      const double u = (mu - dt * (slope[a] * sx + offset[a]) - lo) / h - 0.5;
      if (u <= 0.0) {
        K(0, j) += wa;
      } else if (u >= static_cast<double>(n - 1)) {
        K(n - 1, j) += wa;
      } else {
        const auto i = static_cast<Index>(u);
        const double t = u - static_cast<double>(i);
        K(i, j) += wa * (1.0 - t);
        K(i + 1, j) += wa * t;
      }
    }
  }
  return K;
}

/// The same with fixed atoms `noise` (e.g. every possible minibatch mean of additive noise: the exact
/// SGD chain, non-Gaussian when B is a sizeable fraction of a small N, or through the skewness of a
/// finite data set).
template <class LPrime>
Mat discrete_noise_kernel_1d(const LPrime& lp, const Vec& noise, double dt, double lo, double hi, Index n) {
  return affine_noise_kernel_1d(
      lp, Vec::Zero(noise.size()), [](double) { return 0.0; }, noise, dt, lo, hi, n);
}

/// Its stationary cell masses, solved like euler_maruyama_invariant_cells_1d. Cost O(n·atoms + n³/3).
template <class LPrime>
Vec discrete_noise_chain_invariant_cells_1d(const LPrime& lp, const Vec& noise, double dt, double lo,
                                            double hi, Index n) {
  Mat K = discrete_noise_kernel_1d(lp, noise, dt, lo, hi, n);
  K.diagonal().array() -= 1.0;
  K.row(n - 1).setOnes();
  Vec rhs = Vec::Zero(n);
  rhs[n - 1] = 1.0;
  Vec p = K.partialPivLu().solve(rhs);
  require(p.allFinite(), "discrete_noise_chain_invariant: the solve failed");
  p = p.cwiseMax(0.0);
  return p / p.sum();
}

/// Its bin masses on [lo, hi] (solved on the padded interval, as
/// euler_maruyama_invariant_bin_probabilities_1d).
template <class LPrime>
Vec discrete_noise_chain_invariant_bin_probabilities_1d(const LPrime& lp, const Vec& noise, double dt,
                                                        double lo, double hi, Index bins, Index refine = 8,
                                                        Index pad_bins = 0) {
  require(bins >= 1 && refine >= 1 && pad_bins >= 0, "discrete_noise_chain_invariant: bad bins");
  const double w = (hi - lo) / static_cast<double>(bins);
  const Vec cells = discrete_noise_chain_invariant_cells_1d(
      lp, noise, dt, lo - static_cast<double>(pad_bins) * w, hi + static_cast<double>(pad_bins) * w,
      (bins + 2 * pad_bins) * refine);
  Vec p(bins);
  for (Index b = 0; b < bins; ++b) p[b] = cells.segment((b + pad_bins) * refine, refine).sum();
  return p;
}

/// Every minibatch mean (1/B) Σ_{i∈S} v_i over the C(N, B) subsets S of size B (sampling without
/// replacement makes them equally likely). N ≤ 24.
inline Vec batch_means_without_replacement(const Vec& v, Index B) {
  const Index N = v.size();
  require(N >= 1 && N <= 24 && B >= 1 && B <= N, "batch_means_without_replacement: need 1 <= B <= N <= 24");
  std::vector<double> out;
  for (std::uint32_t mask = 0; mask < (1u << N); ++mask) {
    if (std::popcount(mask) != B) continue;
    double s = 0.0;
    for (Index i = 0; i < N; ++i)
      if (mask & (1u << i)) s += v[i];
    out.push_back(s / static_cast<double>(B));
  }
  return Eigen::Map<const Vec>(out.data(), static_cast<Index>(out.size()));
}

}  // namespace sgdsde::theory
