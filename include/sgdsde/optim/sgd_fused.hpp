#pragma once
// The fused step of SgdEnsemble (optim/sgd.hpp) for its most common case: plain Sgd on
// AdditiveNoise<L> with batches drawn with replacement, where L has the scalar gradient forms
// derivative1(w) (d = 1) or gradient2(x, y, gx, gy) (d = 2). SgdEnsemble takes it automatically.
//
// Per block of kSgdLanes particles: the Philox words of batch slot q (indices 4q … 4q + 3) are drawn
// for eight lanes at a time (AVX-512; a vectorised loop otherwise), turned into indices by
// CounterRng::below, the ξ_i gathered from the d × N table of AdditiveNoise::noise() and summed per
// lane in batch order, the sums staying in registers over the whole batch; then one
// vectorised loop applies g = ∇L + s/B, θ ← θ − η(g + λθ). Every operation is the generic path's
// (BatchSampler::sample, AdditiveNoise::batch_gradient, Sgd::update) in the same order on the same
// operands, so batches and states are bitwise the generic path's (GCC contracts a·b + c into the same
// FMAs in both: the expressions are the same; tests/unit/optim/test_sgd_fused.cpp checks it).
// No allocation: the lane buffers live on the stack.
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/noise/sampling.hpp"
#include "sgdsde/optim/update/sgd.hpp"

namespace sgdsde {

namespace detail {
inline constexpr int kSgdLanes = 64;  ///< particles per fused block

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

/// s[j][i] = Σ_b ξ_{i_b}(j) (b = 0 … B−1 in order) for the batches of particles p0 + i at step k:
/// index b is CounterRng::below(word b mod 4 of bits(p0 + i, k, slot(batch, b / 4)), N), as in
/// BatchSampler::sample; ξ_i(j) = xi[i·D + j].
template <int D>
void batch_noise_sums(const BatchSampler& sampler, const double* xi, std::uint32_t p0, long k,
                      double (*s)[kSgdLanes]) {
  const auto step = static_cast<std::uint64_t>(k);
  const auto k_lo = static_cast<std::uint32_t>(step), k_hi = static_cast<std::uint32_t>(step >> 32);
  const auto key0 = static_cast<std::uint32_t>(sampler.seed()),
             key1 = static_cast<std::uint32_t>(sampler.seed() >> 32);
  const auto n32 = static_cast<std::uint32_t>(sampler.num_samples());
  const Index B = sampler.batch_size();
#if defined(__AVX512F__)
  // Eight particles per register, Philox in 64-bit lanes (as detail::philox_uniform_block), the
  // words, indices and running sums kept in registers across the whole batch.
  __m512i rk0[10], rk1[10];
  for (int r = 0; r < 10; ++r) {
    rk0[r] = _mm512_set1_epi64(static_cast<long long>(key0 + static_cast<std::uint32_t>(r) * philox_w0));
    rk1[r] = _mm512_set1_epi64(static_cast<long long>(key1 + static_cast<std::uint32_t>(r) * philox_w1));
  }
  const __m512i m0 = _mm512_set1_epi64(philox_m0), m1 = _mm512_set1_epi64(philox_m1);
  const __m512i n = _mm512_set1_epi64(n32);
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  for (int g = 0; g < kSgdLanes; g += 8) {
    const __m512i p =
        _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(p0 + static_cast<std::uint32_t>(g))), lane);
    __m512d acc[D];
    for (int j = 0; j < D; ++j) acc[j] = _mm512_setzero_pd();
    for (Index b0 = 0; b0 < B; b0 += 4) {
      __m512i c[4] = {
          p, _mm512_set1_epi64(k_lo), _mm512_set1_epi64(k_hi),
          _mm512_set1_epi64(CounterRng::slot(Purpose::batch, static_cast<std::uint32_t>(b0 / 4)))};
      for (int r = 0; r < 10; ++r) {
        const __m512i q0 = _mm512_mul_epu32(c[0], m0), q1 = _mm512_mul_epu32(c[2], m1);
        c[0] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(q1, 32), c[1], rk0[r], 0x96);  // three-way xor
        c[2] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(q0, 32), c[3], rk1[r], 0x96);
        c[1] = q1;
        c[3] = q0;
      }
      // Word r is the low half of each 64-bit lane; vpmuludq reads only that half: below(w, N).
      const int nr = static_cast<int>(std::min<Index>(4, B - b0));
      for (int r = 0; r < nr; ++r) {
        const __m512i at = _mm512_srli_epi64(_mm512_mul_epu32(c[r], n), 32);
        if constexpr (D == 1) {
          acc[0] = _mm512_add_pd(acc[0], _mm512_i64gather_pd(at, xi, 8));
        } else {
          const __m512i at2 = _mm512_slli_epi64(at, 1);
          acc[0] = _mm512_add_pd(acc[0], _mm512_i64gather_pd(at2, xi, 8));
          acc[1] = _mm512_add_pd(acc[1], _mm512_i64gather_pd(at2, xi + 1, 8));
        }
      }
    }
    for (int j = 0; j < D; ++j) _mm512_store_pd(s[j] + g, acc[j]);
  }
#else
  for (int j = 0; j < D; ++j) std::fill(s[j], s[j] + kSgdLanes, 0.0);
  alignas(64) std::uint32_t w[4][kSgdLanes];
  for (Index b0 = 0; b0 < B; b0 += 4) {
    const std::uint32_t slot = CounterRng::slot(Purpose::batch, static_cast<std::uint32_t>(b0 / 4));
#pragma omp simd
    for (int i = 0; i < kSgdLanes; ++i) {
      std::uint32_t c0 = p0 + static_cast<std::uint32_t>(i), c1 = k_lo, c2 = k_hi, c3 = slot;
      philox4x32_10(c0, c1, c2, c3, key0, key1);
      w[0][i] = c0;
      w[1][i] = c1;
      w[2][i] = c2;
      w[3][i] = c3;
    }
    const Index nr = std::min<Index>(4, B - b0);
    for (Index r = 0; r < nr; ++r) {
      const std::uint32_t* wr = w[r];
#pragma omp simd
      for (int i = 0; i < kSgdLanes; ++i) {
        const std::uint64_t at = std::uint64_t{CounterRng::below(wr[i], n32)} * D;
        for (int j = 0; j < D; ++j) s[j][i] += xi[at + static_cast<std::uint64_t>(j)];
      }
    }
  }
#endif
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
/// fused_sgd_applies(f, sampler)); bitwise the generic SgdEnsemble step.
template <class L>
void fused_sgd_step(const AdditiveNoise<L>& f, const Sgd& opt, const BatchSampler& sampler, double lr,
                    Ensemble& x, Index first, Index count, long k) {
  constexpr int W = detail::kSgdLanes;
  const L& l = f.landscape();
  const double* xi = f.noise().data();
  const double inv_b = 1.0 / static_cast<double>(sampler.batch_size());
  const long t = k + 1;
  const Index M = x.cols();
  alignas(64) double s[2][W];
  for (Index c = 0; c < count; c += W) {
    const Index p = first + c;
    const Index n = std::min<Index>(W, count - c);
    const auto p0 = static_cast<std::uint32_t>(p);
    if constexpr (detail::HasDerivative1<L>) {
      if (f.dim() == 1) {
        detail::batch_noise_sums<1>(sampler, xi, p0, k, s);
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
      detail::batch_noise_sums<2>(sampler, xi, p0, k, s);
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

}  // namespace sgdsde
