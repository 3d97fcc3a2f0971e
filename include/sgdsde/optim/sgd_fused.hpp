#pragma once
// The fused step of SgdEnsemble (optim/sgd.hpp) for its most common case: plain Sgd on
// AdditiveNoise<L> with batches drawn with replacement, where L has the scalar gradient forms
// derivative1(w) (d = 1) or gradient2(x, y, gx, gy) (d = 2). SgdEnsemble takes it automatically.
//
// Per chunk of kSgdLanes particles and stream block (noise/sampling.hpp: the Philox block m of a
// particle's with-replacement stream holds the words of indices 4m … 4m + 3 of its run): the
// Philox words of all kSgdLanes particles (AVX-512: eight per register, kPhiloxSets registers in
// flight; a vectorised loop otherwise), turned into indices by CounterRng::below; then the ξ_i of
// those indices loaded from the d × N table of AdditiveNoise::noise() and added to per-lane sums in
// batch order, the sums staying in registers over the whole batch; then one vectorised loop applies
// g = ∇L + s/B, θ ← θ − η(g + λθ). A block the step uses only in part is kept for the next step
// (StreamBlockCache, one per chunk in SgdEnsemble's scratch), so at B = 1 one Philox block serves
// four steps. At B = 1 SgdEnsemble::advance takes many steps per call (fused_sgd_advance_b1): per
// chunk and block, the ξ of the block's four steps, then each lane through those steps in registers
// with the runner's divergence test folded in (no per-step pass over the states, no sums stored).
// Every operation is the generic path's (BatchSampler::sample,
// AdditiveNoise::batch_gradient, Sgd::update) in the same order on the same operands, so batches
// and states are bitwise the generic path's (GCC contracts a·b + c into the same FMAs in both: the
// expressions are the same; tests/unit/optim/test_sgd_fused.cpp checks it).
// No allocation: the lane buffers live on the stack, the caches in the caller's scratch.
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <span>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/optim/update/sgd.hpp"

namespace sgdsde {

namespace detail {
inline constexpr int kSgdLanes = 64;  ///< particles per fused block
/// Lanes that advance_chunk_b1 steps together (several vectors, so that their dependency chains overlap).
inline constexpr int kAdvanceGroup = 32;

template <class F>
struct AdditiveLandscape {};
template <class L>
struct AdditiveLandscape<AdditiveNoise<L>> {
  using type = L;
};

template <class L>
concept HasDerivative1 = requires(const L& l, double w) {
  { l.derivative1(w) } -> std::convertible_to<double>;
};
template <class L>
concept HasGradient2 = requires(const L& l, double a, double& g) {
  l.gradient2(a, a, g, g);
};

#if defined(__AVX512F__)
/// The eight doubles x[D · idx_l], l = 0 … 7: scalar loads put together in a register.
template <int D>
inline __m512d gather8(const double* x, const std::uint32_t* idx) {
  const auto at = [&](int l) { return x + std::uint64_t{idx[l]} * D; };
  const __m128d a = _mm_loadh_pd(_mm_load_sd(at(0)), at(1)), b = _mm_loadh_pd(_mm_load_sd(at(2)), at(3));
  const __m128d c = _mm_loadh_pd(_mm_load_sd(at(4)), at(5)), d = _mm_loadh_pd(_mm_load_sd(at(6)), at(7));
  const __m256d ab = _mm256_insertf128_pd(_mm256_castpd128_pd256(a), b, 1);
  const __m256d cd = _mm256_insertf128_pd(_mm256_castpd128_pd256(c), d, 1);
  return _mm512_insertf64x4(_mm512_castpd256_pd512(ab), cd, 1);
}
#endif

/// The last stream block (noise/sampling.hpp) of a chunk of kSgdLanes particles, kept from one
/// step to the next when the step used only part of it: at B = 1 a Philox block serves four steps.
/// idx[r][i] = CounterRng::below(w, N) for word w = r of particle p0 + i.
/// A pure cache: the tag says exactly which block it holds, so results never depend on it.
struct StreamBlockCache {
  alignas(64) std::uint32_t idx[4][kSgdLanes];
  std::uint64_t seed = 0, m = 0;
  std::uint32_t p0 = 0, n = 0;
  bool valid = false;

  [[nodiscard]] bool holds(std::uint64_t seed_, std::uint32_t n_, std::uint32_t p0_, std::uint64_t m_) const {
    return valid && seed == seed_ && n == n_ && p0 == p0_ && m == m_;
  }
};

/// s[j][i] += ξ_{idx[i]}(j) for every lane i (the portable build's accumulation).
template <int D>
void add_indexed(const double* xi, const std::uint32_t* idx, double (*s)[kSgdLanes]) {
#pragma omp simd
  for (int i = 0; i < kSgdLanes; ++i) {
    const std::uint64_t at = std::uint64_t{idx[i]} * D;
    for (int j = 0; j < D; ++j) s[j][i] += xi[at + static_cast<std::uint64_t>(j)];
  }
}

/// s[j][i] = Σ_{r0 ≤ r < r1} ξ_{idx[r][i]}(j), summed in order from 0.
template <int D>
void cached_block_sums(const double* xi, const std::uint32_t (*idx)[kSgdLanes], Index r0, Index r1,
                       double (*s)[kSgdLanes]) {
#if defined(__AVX512F__)
  for (int g = 0; g < kSgdLanes / 8; ++g)
    for (int j = 0; j < D; ++j) {
      __m512d acc = _mm512_setzero_pd();
      for (Index r = r0; r < r1; ++r) acc = _mm512_add_pd(acc, gather8<D>(xi + j, idx[r] + 8 * g));
      _mm512_store_pd(s[j] + 8 * g, acc);
    }
#else
  for (int j = 0; j < D; ++j) std::fill(s[j], s[j] + kSgdLanes, 0.0);
  for (Index r = r0; r < r1; ++r) add_indexed<D>(xi, idx[r], s);
#endif
}

/// s[j][i] = Σ_b ξ_{i_b}(j) (b = 0 … B−1 in order) for the batches of particles p0 + i at step k:
/// index b is CounterRng::below(w_{kB+b}, N) of the particle's stream, as in BatchSampler::sample;
/// ξ_i(j) = xi[i·D + j]. `cache` keeps the step's last block when the step leaves words of it for
/// the next (B not a multiple of 4), and supplies the first block when it holds it.
template <int D>
void batch_noise_sums(const BatchSampler& sampler, const double* xi, std::uint32_t p0, long k,
                      double (*s)[kSgdLanes], StreamBlockCache& cache) {
  const std::uint64_t seed = sampler.seed();
  const auto n32 = static_cast<std::uint32_t>(sampler.num_samples());
  const Index B = sampler.batch_size();
  // Words j0 … j0 + B − 1 lie in blocks j0/4 + t, t < ⌈(off + B)/4⌉ (off = j0 mod 4).
  const std::uint64_t j0 = static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(B);
  const auto off = static_cast<Index>(j0 % 4);
  if (off + B <= 4 && cache.holds(seed, n32, p0, j0 / 4)) {
    // Every word of the step is in the kept block (B = 1: three steps in four): loads only, on a
    // path of its own so that no Philox set-up is placed on it.
    cached_block_sums<D>(xi, cache.idx, off, off + B, s);
    return;
  }
  alignas(64) std::uint32_t fresh[4][kSgdLanes];
#if defined(__AVX512F__)
  // Per block: first the Philox words of all kSgdLanes particles (stored as the indices below(w, N));
  // then, eight particles at a time, the ξ of those indices loaded one by one (scalar loads
  // assembled into a register: faster on Zen 4 than vgatherqpd or vgatherdpd, whatever the table
  // size) and added to the running sums in batch order. Issuing the whole block's Philox
  // before its loads puts the loads well after their 512-bit stores (loading them straight after
  // the store measured 1.7× slower: presumably store-forwarding stalls).
  __m512d acc[kSgdLanes / 8][D];
  for (auto& a : acc)
    for (int j = 0; j < D; ++j) a[j] = _mm512_setzero_pd();
#else
  for (int j = 0; j < D; ++j) std::fill(s[j], s[j] + kSgdLanes, 0.0);
#endif
  for (Index t = 0; 4 * t < off + B; ++t) {
    const std::uint64_t m = j0 / 4 + static_cast<std::uint64_t>(t);
    const Index r0 = t == 0 ? off : 0, r1 = std::min<Index>(4, off + B - 4 * t);
    const std::uint32_t(*idx)[kSgdLanes] = fresh;
    if (t == 0 && cache.holds(seed, n32, p0, m)) {
      idx = cache.idx;
    } else if (r1 < 4) {  // the step ends inside this block: the next step starts with it
      BatchSampler::stream_block_indices<kSgdLanes>(seed, n32, p0, m, cache.idx);
      cache.seed = seed;
      cache.n = n32;
      cache.p0 = p0;
      cache.m = m;
      cache.valid = true;
      idx = cache.idx;
    } else {
      BatchSampler::stream_block_indices<kSgdLanes>(seed, n32, p0, m, fresh);
    }
#if defined(__AVX512F__)
    for (int g = 0; g < kSgdLanes / 8; ++g)
      for (Index r = r0; r < r1; ++r)
        for (int j = 0; j < D; ++j) acc[g][j] = _mm512_add_pd(acc[g][j], gather8<D>(xi + j, idx[r] + 8 * g));
#else
    for (Index r = r0; r < r1; ++r) add_indexed<D>(xi, idx[r], s);
#endif
  }
#if defined(__AVX512F__)
  for (int g = 0; g < kSgdLanes / 8; ++g)
    for (int j = 0; j < D; ++j) _mm512_store_pd(s[j] + 8 * g, acc[g][j]);
#endif
}

/// Steps r0 … r0 + R − 1 of a stream block for the lanes i < n ≤ kAdvanceGroup of a group (advance_chunk_b1):
/// coordinate j of lane i is row[j][i], the step's summed noise sv[r][j][i] (B = 1), its learning
/// rate lr_m[r]; bad[i] counts failures of the runner's divergence test by live lanes (a lane that
/// is NaN on entry was flagged before). The per-step operations are fused_sgd_step's.
template <int D, int R, class L>
inline void lane_steps(const L& l, const Sgd& opt, const double (*sv)[D][kAdvanceGroup], int r0_,
                       const double* lr_m, long t_m, double* const* row, Index n, double bound,
                       std::int64_t* bad) {
  const double inv_b = 1.0;         // 1/B, as the one-step kernel applies it
  const int r0 = R == 4 ? 0 : r0_;  // a whole block starts at word 0 (a constant: fewer live registers)
#pragma omp simd
  for (Index i = 0; i < n; ++i) {
    std::array<double, 0> none{};
    if constexpr (D == 1) {
      double w = row[0][i];
      const bool live = w == w;  // NaN: a run flagged earlier, which stays NaN and is not counted
      bool ok = true;
      for (int q = 0; q < R; ++q) {
        double g = l.derivative1(w);
        g += sv[r0 + q][0][i] * inv_b;
        opt.update(w, g, none, lr_m[r0 + q], t_m + r0 + q);
        ok &= std::abs(w) < bound;
      }
      row[0][i] = w;
      bad[i] += live && !ok;
    } else {
      double a = row[0][i], b = row[1][i];
      const bool live = a == a;  // NaN: a run flagged earlier (all its coordinates), not counted
      bool ok = true;
      for (int q = 0; q < R; ++q) {
        double ga, gb;
        l.gradient2(a, b, ga, gb);
        ga += sv[r0 + q][0][i] * inv_b;
        gb += sv[r0 + q][1][i] * inv_b;
        opt.update(a, ga, none, lr_m[r0 + q], t_m + r0 + q);
        opt.update(b, gb, none, lr_m[r0 + q], t_m + r0 + q);
        ok &= std::abs(a) < bound && std::abs(b) < bound;
      }
      row[0][i] = a;
      row[1][i] = b;
      bad[i] += live && !ok;
    }
  }
}

/// lane_steps with R (1 … 4) chosen at run time, and n = kAdvanceGroup (a full group) known at
/// compile time, so that the lane loop has no remainder.
template <int D, class L>
inline void group_steps(const L& l, const Sgd& opt, const double (*sv)[D][kAdvanceGroup], int r0, int r1,
                        const double* lr_m, long t_m, double* const* row, Index n, double bound,
                        std::int64_t* bad) {
  const auto run = [&]<int R>(Index lanes) {
    lane_steps<D, R>(l, opt, sv, r0, lr_m, t_m, row, lanes, bound, bad);
  };
  const auto with_r = [&](Index lanes) {
    switch (r1 - r0) {
      case 4: run.template operator()<4>(lanes); break;
      case 3: run.template operator()<3>(lanes); break;
      case 2: run.template operator()<2>(lanes); break;
      default: run.template operator()<1>(lanes); break;
    }
  };
  if (n == kAdvanceGroup)
    with_r(kAdvanceGroup);
  else
    with_r(n);
}

/// Steps k … k + len − 1 at B = 1 of the n ≤ kSgdLanes particles p0 + i, whose coordinate j is
/// row[j][i]: per stream block (four steps), the indices of all lanes, the ξ of each step loaded
/// into sv, then one vectorised pass in which every lane takes the block's steps in registers and
/// counts failures of the runner's divergence test (non-finite or |θ_j| ≥ bound). The next block's
/// indices are computed before this block's loads (the loads then come long after their stores).
/// Per step every operation is the one-step kernel's (batch_noise_sums + fused_sgd_step), so the
/// states are bitwise the same. Returns false if some lane failed the test after some step.
template <int D, class L>
bool advance_chunk_b1(const L& l, const Sgd& opt, const double* xi, std::uint64_t seed, std::uint32_t n32,
                      std::uint32_t p0, long k, long len, const double* lr, double* const (&row)[D], Index n,
                      double bound) {
  constexpr int W = kSgdLanes;
  alignas(64) std::uint32_t idx[2][4][W];
  alignas(64) std::int64_t bad[W] = {};
  const auto j0 = static_cast<std::uint64_t>(k), j1 = j0 + static_cast<std::uint64_t>(len);  // words = steps
  const std::uint64_t m0 = j0 / 4, m1 = (j1 - 1) / 4;
  BatchSampler::stream_block_indices<W>(seed, n32, p0, m0, idx[0]);
  for (std::uint64_t m = m0; m <= m1; ++m) {
    const auto t = static_cast<int>((m - m0) & 1);
    if (m < m1) BatchSampler::stream_block_indices<W>(seed, n32, p0, m + 1, idx[t ^ 1]);
    const int r0 = m == m0 ? static_cast<int>(j0 % 4) : 0;
    const int r1 = m == m1 ? static_cast<int>((j1 - 1) % 4) + 1 : 4;
    // lr[s] is the learning rate of step k + s; step 4m + r is the one that uses word r of block m.
    const double* lr_m = lr + (static_cast<std::int64_t>(4 * m) - k);
    const long t_m = static_cast<long>(4 * m) + 1;
    // kAdvanceGroup lanes at a time: their ξ of the block's steps (0 + ξ: the one-step kernel's sum
    // starts at 0), then their steps (the loads of one group overlap the arithmetic of the previous).
    constexpr int G = kAdvanceGroup;
    for (Index g0 = 0; g0 < n; g0 += G) {
      alignas(64) double sv[4][D][G];
      for (int r = r0; r < r1; ++r)
        for (int j = 0; j < D; ++j) {
#if defined(__AVX512F__)
          for (int h = 0; h < G; h += 8)
            _mm512_store_pd(sv[r][j] + h,
                            _mm512_add_pd(_mm512_setzero_pd(), gather8<D>(xi + j, idx[t][r] + g0 + h)));
#else
          for (int i = 0; i < G; ++i)
            sv[r][j][i] = 0.0 + xi[std::uint64_t{idx[t][r][g0 + i]} * D + static_cast<std::uint64_t>(j)];
#endif
        }
      double* rows[D];
      for (int j = 0; j < D; ++j) rows[j] = row[j] + g0;
      group_steps<D>(l, opt, sv, r0, r1, lr_m, t_m, rows, std::min<Index>(G, n - g0), bound, bad + g0);
    }
  }
  std::int64_t total = 0;
  for (Index i = 0; i < n; ++i) total += bad[i];
  return total == 0;
}
}  // namespace detail

/// (F, O) for which SgdEnsemble<F, O, S> has the fused path (fused_sgd_applies() decides at run time).
template <class F, class O>
concept FusedSgd = std::same_as<O, Sgd> && requires {
  typename detail::AdditiveLandscape<F>::type;
} &&(detail::HasDerivative1<typename detail::AdditiveLandscape<F>::type> ||
     detail::HasGradient2<typename detail::AdditiveLandscape<F>::type>);

/// Whether the fused path covers this problem and sampler: with replacement, and d = 1 with
/// derivative1 or d = 2 with gradient2.
template <class L>
bool fused_sgd_applies(const AdditiveNoise<L>& f, const BatchSampler& sampler) {
  if (sampler.mode() != Sampling::with_replacement) return false;
  if constexpr (detail::HasDerivative1<L>)
    if (f.dim() == 1) return true;
  if constexpr (detail::HasGradient2<L>)
    if (f.dim() == 2) return true;
  return false;
}

/// Particles [first, first + count) of x from step k to k + 1 with learning rate lr (requires
/// fused_sgd_applies(f, sampler)); bitwise the generic SgdEnsemble step. caches[c] serves the chunk
/// of particles first + c·kSgdLanes … (one per chunk of a block; chunks beyond caches.size() use a
/// cache of their own for this step only).
template <class L>
void fused_sgd_step(const AdditiveNoise<L>& f, const Sgd& opt, const BatchSampler& sampler, double lr,
                    Ensemble& x, Index first, Index count, long k,
                    std::span<detail::StreamBlockCache> caches) {
  constexpr int W = detail::kSgdLanes;
  const L& l = f.landscape();
  const double* xi = f.noise().data();
  const double inv_b = 1.0 / static_cast<double>(sampler.batch_size());
  const long t = k + 1;
  const Index M = x.cols();
  alignas(64) double s[2][W];
  detail::StreamBlockCache own;
  for (Index c = 0; c < count; c += W) {
    const Index p = first + c;
    const Index n = std::min<Index>(W, count - c);
    const auto p0 = static_cast<std::uint32_t>(p);
    const auto chunk = static_cast<std::size_t>(c / W);
    detail::StreamBlockCache& cache = chunk < caches.size() ? caches[chunk] : own;
    if constexpr (detail::HasDerivative1<L>) {
      if (f.dim() == 1) {
        detail::batch_noise_sums<1>(sampler, xi, p0, k, s, cache);
        double* xr = x.data() + p;
#pragma omp simd
        for (Index i = 0; i < n; ++i) {
          std::array<double, 0> none{};
          double g = l.derivative1(xr[i]);
          g += s[0][i] * inv_b;
          opt.update(xr[i], g, none, lr, t);
        }
        continue;
      }
    }
    if constexpr (detail::HasGradient2<L>) {
      detail::batch_noise_sums<2>(sampler, xi, p0, k, s, cache);
      double* xr = x.data() + p;
      double* yr = x.data() + M + p;
#pragma omp simd
      for (Index i = 0; i < n; ++i) {
        std::array<double, 0> none{};
        double gx, gy;
        l.gradient2(xr[i], yr[i], gx, gy);
        gx += s[0][i] * inv_b;
        gy += s[1][i] * inv_b;
        opt.update(xr[i], gx, none, lr, t);
        opt.update(yr[i], gy, none, lr, t);
      }
    }
  }
}

/// Steps k … k + len − 1 of particles [first, first + count) at B = 1 (requires fused_sgd_applies
/// and batch size 1), lr[s] the learning rate of step k + s: chunk by chunk, each chunk through
/// all len steps in registers (optim/sgd_fused.hpp, advance_chunk_b1). Bitwise the same states as
/// len calls of fused_sgd_step. Returns false as soon as a chunk fails the divergence test after
/// some step (the caller restores the block: chunks already advanced are not undone here).
template <class L>
bool fused_sgd_advance_b1(const AdditiveNoise<L>& f, const Sgd& opt, const BatchSampler& sampler,
                          const double* lr, Ensemble& x, Index first, Index count, long k, long len,
                          double bound) {
  constexpr int W = detail::kSgdLanes;
  const L& l = f.landscape();
  const double* xi = f.noise().data();
  const auto n32 = static_cast<std::uint32_t>(sampler.num_samples());
  const Index M = x.cols();
  for (Index c = 0; c < count; c += W) {
    const Index p = first + c, n = std::min<Index>(W, count - c);
    const auto p0 = static_cast<std::uint32_t>(p);
    if constexpr (detail::HasDerivative1<L>) {
      if (f.dim() == 1) {
        double* const row[1] = {x.data() + p};
        if (!detail::advance_chunk_b1<1>(l, opt, xi, sampler.seed(), n32, p0, k, len, lr, row, n, bound))
          return false;
        continue;
      }
    }
    if constexpr (detail::HasGradient2<L>) {
      double* const row[2] = {x.data() + p, x.data() + M + p};
      if (!detail::advance_chunk_b1<2>(l, opt, xi, sampler.seed(), n32, p0, k, len, lr, row, n, bound))
        return false;
    }
  }
  return true;
}

}  // namespace sgdsde
