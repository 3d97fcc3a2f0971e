#pragma once
// The fused step of SgdEnsemble (optim/sgd.hpp) for its most common case: plain Sgd on
// AdditiveNoise<L> with batches drawn with replacement, where L has the scalar gradient forms
// derivative1(w) (d = 1) or gradient2(x, y, gx, gy) (d = 2). SgdEnsemble takes it automatically.
//
// Per block of kSgdLanes particles and batch slot q (indices 4q … 4q + 3): the Philox words of all
// kSgdLanes particles (AVX-512: eight per register, kPhiloxSets registers in flight; a vectorised
// loop otherwise), turned into indices by CounterRng::below; then the ξ_i of those indices loaded
// from the d × N table of AdditiveNoise::noise() and added to per-lane sums in batch order, the
// sums staying in registers over the whole batch; then one
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
#include <type_traits>

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

#if defined(__AVX512F__)
/// The eight doubles x[D · hi(w_l)], l = 0 … 7, for the 64-bit words w_l at w (hi = upper half):
/// scalar loads put together in a register.
template <int D>
inline __m512d gather8_high(const double* x, const std::uint64_t* w) {
  const auto at = [&](int l) { return x + std::uint64_t{static_cast<std::uint32_t>(w[l] >> 32)} * D; };
  const __m128d a = _mm_loadh_pd(_mm_load_sd(at(0)), at(1)), b = _mm_loadh_pd(_mm_load_sd(at(2)), at(3));
  const __m128d c = _mm_loadh_pd(_mm_load_sd(at(4)), at(5)), d = _mm_loadh_pd(_mm_load_sd(at(6)), at(7));
  const __m256d ab = _mm256_insertf128_pd(_mm256_castpd128_pd256(a), b, 1);
  const __m256d cd = _mm256_insertf128_pd(_mm256_castpd128_pd256(c), d, 1);
  return _mm512_insertf64x4(_mm512_castpd256_pd512(ab), cd, 1);
}
#endif

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
  // Per batch slot (indices b0 … b0 + 3): first the Philox words of all kSgdLanes particles,
  // eight per register in 64-bit lanes and kPhiloxSets registers in flight, stored as the products
  // word · N (index = high half: CounterRng::below); then, eight particles at a time, the ξ of those
  // indices loaded one by one (scalar loads assembled into a register: 0.29 ns per element on Zen 4
  // against 0.45 for vgatherqpd, whatever the table size) and added to the running sums in batch
  // order. Issuing the whole slot's Philox before its loads puts the loads of the indices well after
  // their 512-bit stores (loading them straight after the store measured 1.7× slower: presumably
  // store-forwarding stalls).
  static_assert(kSgdLanes % (8 * kPhiloxSets) == 0);
  const PhiloxRoundKeys512 rk(key0, key1);
  const __m512i n = _mm512_set1_epi64(n32);
  alignas(64) std::uint64_t prod[4][kSgdLanes];
  __m512d acc[kSgdLanes / 8][D];
  for (auto& a : acc)
    for (int j = 0; j < D; ++j) a[j] = _mm512_setzero_pd();
  // The products of the first NR words (the last slot may use fewer than four: the compiler then
  // drops the work of the unused words).
  const auto slot_products = [&]<int NR>(std::integral_constant<int, NR>, std::uint32_t slot) {
    for (int g = 0; g < kSgdLanes; g += 8 * kPhiloxSets) {
      __m512i c[kPhiloxSets][4];
      philox4x32_10_x8(c, p0 + static_cast<std::uint32_t>(g), k_lo, k_hi, slot, rk);
      // Word r is the low half of each 64-bit lane; vpmuludq reads only that half.
      for (int j = 0; j < kPhiloxSets; ++j)
        for (int r = 0; r < NR; ++r) _mm512_store_si512(prod[r] + g + 8 * j, _mm512_mul_epu32(c[j][r], n));
    }
  };
  for (Index b0 = 0; b0 < B; b0 += 4) {
    const std::uint32_t slot = CounterRng::slot(Purpose::batch, static_cast<std::uint32_t>(b0 / 4));
    const int nr = static_cast<int>(std::min<Index>(4, B - b0));
    switch (nr) {
      case 1: slot_products(std::integral_constant<int, 1>{}, slot); break;
      case 2: slot_products(std::integral_constant<int, 2>{}, slot); break;
      case 3: slot_products(std::integral_constant<int, 3>{}, slot); break;
      default: slot_products(std::integral_constant<int, 4>{}, slot); break;
    }
    for (int g = 0; g < kSgdLanes / 8; ++g)
      for (int r = 0; r < nr; ++r)
        for (int j = 0; j < D; ++j)
          acc[g][j] = _mm512_add_pd(acc[g][j], gather8_high<D>(xi + j, prod[r] + 8 * g));
  }
  for (int g = 0; g < kSgdLanes / 8; ++g)
    for (int j = 0; j < D; ++j) _mm512_store_pd(s[j] + 8 * g, acc[g][j]);
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
