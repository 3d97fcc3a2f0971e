#pragma once
// Minibatch sampling (THEORY §1). The batch of particle p at step k is a pure function of
// (seed, p, k), drawn through CounterRng with Purpose::batch, so ensembles are bitwise identical
// for any thread count and any particle can be replayed alone. Each costs O(B) time and O(B) space.
//
//  - with_replacement: each particle p has one stream of 32-bit words, w_j = word j mod 4 of the
//    Philox block bits(p, ⌊j/4⌋, stream_slot()) (the block number takes the counter's step words);
//    step k uses w_{kB} … w_{kB+B−1} (j mod 2⁶⁴), and index b is CounterRng::below(w_{kB+b}, N).
//    Every word is used once and a block serves four indices whatever B is (at B = 1, four steps),
//    which is what makes small batches cheap: the Philox block is the whole cost of an index.
//    Σ_B = Σ₁ / B. (B = N is NOT gradient descent in this mode.)
//  - without_replacement: a uniform B-subset of [0, N) by Floyd's algorithm (Bentley & Floyd 1987):
//    for j = N−B … N−1 draw t uniform in [0, j]; insert t, or j if t is already in. Membership is an
//    open-addressing hash set of ≥ 2B slots in the scratch (cleared per draw, O(B)). The b-th draw
//    uses word b mod 4 of bits(p, k, slot(batch, b/4)). Σ_B = (N−B)/(N−1) · Σ₁ / B. B = N gives
//    [0, N) in order (full-batch gradient descent, no random numbers).
//  - shuffled_epochs: each epoch e visits the samples in the order of a random permutation
//    π_{seed,p,e} of [0, N) (FeistelPermutation, keys from bits(p, e, slot(batch, 0xFFFF00 + r))),
//    cut into floor(N/B) consecutive batches; the last N mod B positions are dropped (PyTorch
//    drop_last=True), so an epoch is floor(N/B) steps and step k is batch k mod floor(N/B) of epoch
//    k div floor(N/B). Each batch is a uniform B-subset, so Σ_B = (N−B)/(N−1) · Σ₁ / B as without
//    replacement; batches of one epoch are disjoint. B = N gives every sample every step (GD).
// The three modes use disjoint counters (different slots), so they never share random numbers.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/noise/permutation.hpp"

namespace sgdsde {

enum class Sampling { with_replacement, without_replacement, shuffled_epochs };

inline const char* to_string(Sampling s) {
  switch (s) {
    case Sampling::with_replacement: return "with_replacement";
    case Sampling::without_replacement: return "without_replacement";
    case Sampling::shuffled_epochs: return "shuffled_epochs";
  }
  return "?";
}

/// Parses "with_replacement", "without_replacement" or "shuffled_epochs" (InputError otherwise).
inline Sampling sampling_from_string(std::string_view s) {
  if (s == "with_replacement") return Sampling::with_replacement;
  if (s == "without_replacement") return Sampling::without_replacement;
  if (s == "shuffled_epochs") return Sampling::shuffled_epochs;
  throw InputError("sampling: '" + std::string(s) +
                   "' is not one of with_replacement, without_replacement, shuffled_epochs");
}

/// The factor c with Σ_B = c · Σ₁ / B: 1 with replacement, (N−B)/(N−1) otherwise (0 at B = N; 1 at N = 1).
inline double batch_noise_factor(Index N, Index B, Sampling mode) {
  if (mode == Sampling::with_replacement || N == 1) return 1.0;
  return static_cast<double>(N - B) / static_cast<double>(N - 1);
}

/// Σ_B = Cov[g_B] from Σ₁ for a sampling mode (THEORY §1).
inline Mat batch_covariance(const Mat& sigma1, Index N, Index B, Sampling mode) {
  return (batch_noise_factor(N, B, mode) / static_cast<double>(B)) * sigma1;
}

class BatchSampler {
 public:
  /// Per-thread work space (the hash set of Floyd's algorithm).
  struct Scratch {
    std::vector<std::uint32_t> table;
  };

  BatchSampler(Index num_samples, Index batch_size, Sampling mode, std::uint64_t seed)
      : N_(num_samples), B_(batch_size), mode_(mode), rng_(seed) {
    require(N_ >= 1 && N_ <= Index{0xFFFFFFFF},
            "batch sampler: the number of samples must be in [1, 2^32 - 1]");
    require(B_ >= 1 && B_ <= N_, "batch sampler: the batch size must be in [1, N]");
    // Without replacement, draw b uses slot index b/4 < 0xFFFF00: below the slots of the epoch
    // permutations and of the with-replacement streams.
    require(B_ <= 4 * Index{0xFFFF00}, "batch sampler: the batch size must be at most 67107840");
    std::size_t t = 1;
    while (t < 2 * static_cast<std::size_t>(B_)) t <<= 1;
    table_size_ = t;
    shift_ = 64;
    for (std::size_t s = t; s > 1; s >>= 1) --shift_;
  }

  [[nodiscard]] Index num_samples() const { return N_; }
  [[nodiscard]] Index batch_size() const { return B_; }
  [[nodiscard]] Sampling mode() const { return mode_; }
  [[nodiscard]] std::uint64_t seed() const { return rng_.seed(); }
  /// Steps per epoch of shuffled_epochs: floor(N / B).
  [[nodiscard]] Index steps_per_epoch() const { return N_ / B_; }
  [[nodiscard]] bool is_full_batch() const { return B_ == N_ && mode_ != Sampling::with_replacement; }

  [[nodiscard]] Scratch make_scratch() const {
    Scratch s;
    if (mode_ == Sampling::without_replacement) s.table.assign(table_size_, empty);
    return s;
  }

  /// The batch of `particle` at step k into out (size B).
  void sample(std::uint32_t particle, long k, std::span<Index> out, Scratch& scratch) const {
    if (is_full_batch()) {
      for (Index b = 0; b < B_; ++b) out[static_cast<std::size_t>(b)] = b;
      return;
    }
    const auto step = static_cast<std::uint64_t>(k);
    const auto n32 = static_cast<std::uint32_t>(N_);
    switch (mode_) {
      case Sampling::with_replacement: {
        // Words kB … kB + B − 1 of the particle's stream, block by block.
        const std::uint64_t j0 = step * static_cast<std::uint64_t>(B_);
        std::uint64_t m = j0 / 4;
        auto r = static_cast<std::size_t>(j0 % 4);
        Words4 w = stream_block(particle, m);
        for (Index b = 0; b < B_; ++b, ++r) {
          if (r == 4) {
            w = stream_block(particle, ++m);
            r = 0;
          }
          out[static_cast<std::size_t>(b)] = CounterRng::below(w[r], n32);
        }
        return;
      }
      case Sampling::without_replacement: {
        std::uint32_t* table = scratch.table.data();
        std::fill(table, table + table_size_, empty);
        Words4 w{};
        for (Index b = 0; b < B_; ++b) {
          if (b % 4 == 0)
            w = rng_.bits(particle, step,
                          CounterRng::slot(Purpose::batch, static_cast<std::uint32_t>(b / 4)));
          const auto j = static_cast<std::uint32_t>(N_ - B_ + b);
          const std::uint32_t t = CounterRng::below(w[static_cast<std::size_t>(b % 4)], j + 1);
          std::uint32_t chosen = t;
          if (!insert(table, t)) {
            chosen = j;  // j is new: every earlier draw was ≤ j − 1
            static_cast<void>(insert(table, j));
          }
          out[static_cast<std::size_t>(b)] = chosen;
        }
        return;
      }
      case Sampling::shuffled_epochs: {
        const Index per_epoch = steps_per_epoch();
        const auto epoch = static_cast<std::uint64_t>(k / per_epoch);
        const Index position = (k % per_epoch) * B_;
        const FeistelPermutation pi = epoch_permutation(particle, epoch);
        for (Index b = 0; b < B_; ++b)
          out[static_cast<std::size_t>(b)] = static_cast<Index>(pi(static_cast<std::uint64_t>(position + b)));
        return;
      }
    }
  }

  /// Particles per internal chunk of sample_group (AVX-512: four sets of eight counters in flight).
  static constexpr Index group_lanes = 32;

  /// The batches of particles first … first + count − 1 at step k, bitwise sample()'s:
  /// out[i·B + b] = index b of particle first + i (out.size() ≥ count·B). With replacement under
  /// AVX-512 the Philox blocks of group_lanes particles are drawn at once (detail::philox4x32_10_x8)
  /// and their indices are CounterRng::below of the words (vpmuludq, high half); every other mode or
  /// build calls sample() per particle. No allocation.
  void sample_group(std::uint32_t first, Index count, long k, std::span<Index> out, Scratch& scratch) const {
    require(static_cast<Index>(out.size()) >= count * B_, "batch sampler: output span too small");
#if defined(__AVX512F__)
    if (mode_ == Sampling::with_replacement) {
      sample_group_with_replacement(first, count, k, out.data());
      return;
    }
#endif
    for (Index i = 0; i < count; ++i)
      sample(first + static_cast<std::uint32_t>(i), k,
             out.subspan(static_cast<std::size_t>(i * B_), static_cast<std::size_t>(B_)), scratch);
  }

  /// The counter slot of the with-replacement word streams.
  static std::uint32_t stream_slot() { return CounterRng::slot(Purpose::batch, 0xFFFF10u); }
  /// Block m of particle p's with-replacement stream: words w_{4m} … w_{4m+3}.
  [[nodiscard]] Words4 stream_block(std::uint32_t particle, std::uint64_t m) const {
    return rng_.bits(particle, m, stream_slot());
  }

  /// idx[r][i] = CounterRng::below(w_r, N), r < 4, for the words w_r of stream block m of particles
  /// p0 + i, i < Lanes (a multiple of 8 · kPhiloxSets). AVX-512: Philox for all lanes, kPhiloxSets
  /// registers of eight counters in flight; a vectorised loop otherwise. Shared by sample_group and
  /// the fused SGD kernel (optim/sgd_fused.hpp).
  template <int Lanes>
  [[gnu::always_inline]] static void stream_block_indices(std::uint64_t seed, std::uint32_t n32,
                                                          std::uint32_t p0, std::uint64_t m,
                                                          std::uint32_t (*idx)[Lanes]) {
    const auto key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
    const auto m_lo = static_cast<std::uint32_t>(m), m_hi = static_cast<std::uint32_t>(m >> 32);
    const std::uint32_t slot = stream_slot();
#if defined(__AVX512F__)
    constexpr int sets = detail::kPhiloxSets;
    static_assert(Lanes % (8 * sets) == 0);
    const detail::PhiloxRoundKeys512 rk(key0, key1);
    const __m512i n = _mm512_set1_epi64(n32);
    for (int g = 0; g < Lanes; g += 8 * sets) {
      __m512i c[sets][4];
      detail::philox4x32_10_x8(c, p0 + static_cast<std::uint32_t>(g), m_lo, m_hi, slot, rk);
      // Word r is the low half of each 64-bit lane; vpmuludq reads only that half. The index is the
      // product's high half, narrowed to 32 bits.
      for (int j = 0; j < sets; ++j)
        for (int r = 0; r < 4; ++r)
          _mm256_store_si256(reinterpret_cast<__m256i*>(idx[r] + g + 8 * j),
                             _mm512_cvtepi64_epi32(_mm512_srli_epi64(_mm512_mul_epu32(c[j][r], n), 32)));
    }
#else
#pragma omp simd
    for (int i = 0; i < Lanes; ++i) {
      std::uint32_t c0 = p0 + static_cast<std::uint32_t>(i), c1 = m_lo, c2 = m_hi, c3 = slot;
      detail::philox4x32_10(c0, c1, c2, c3, key0, key1);
      idx[0][i] = CounterRng::below(c0, n32);
      idx[1][i] = CounterRng::below(c1, n32);
      idx[2][i] = CounterRng::below(c2, n32);
      idx[3][i] = CounterRng::below(c3, n32);
    }
#endif
  }

  /// The permutation of epoch e for a particle (shuffled_epochs).
  [[nodiscard]] FeistelPermutation epoch_permutation(std::uint32_t particle, std::uint64_t epoch) const {
    FeistelPermutation::Keys keys{};
    const Words4 a = rng_.bits(particle, epoch, CounterRng::slot(Purpose::batch, 0xFFFF00u));
    const Words4 b = rng_.bits(particle, epoch, CounterRng::slot(Purpose::batch, 0xFFFF01u));
    keys = {a[0], a[1], a[2], a[3], b[0], b[1]};
    return FeistelPermutation(static_cast<std::uint64_t>(N_), keys);
  }

 private:
  static constexpr std::uint32_t empty = 0xFFFFFFFFu;

#if defined(__AVX512F__)
  /// sample_group's with-replacement kernel: per chunk of group_lanes particles and stream block
  /// (the blocks that hold words kB … kB + B − 1), the indices of the whole chunk first
  /// (stream_block_indices), then copied to each particle's batch (reading a lane straight after its
  /// 512-bit store would stall store forwarding). Particles past first + count are computed
  /// (counters wrap mod 2³² like the scalar ones) and dropped.
  void sample_group_with_replacement(std::uint32_t first, Index count, long k, Index* out) const {
    // Words j0 … j0 + B − 1 lie in blocks j0/4 + t, t < ⌈(off + B)/4⌉ (off = j0 mod 4).
    const std::uint64_t j0 = static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(B_);
    const auto off = static_cast<Index>(j0 % 4);
    const auto n32 = static_cast<std::uint32_t>(N_);
    alignas(64) std::uint32_t idx[4][group_lanes];
    for (Index c0 = 0; c0 < count; c0 += group_lanes) {
      const Index lanes = std::min<Index>(group_lanes, count - c0);
      const std::uint32_t p0 = first + static_cast<std::uint32_t>(c0);
      Index* dst = out + c0 * B_;
      for (Index t = 0; 4 * t < off + B_; ++t) {
        stream_block_indices<group_lanes>(rng_.seed(), n32, p0, j0 / 4 + static_cast<std::uint64_t>(t), idx);
        // Words r0 … r1 − 1 of this block belong to the step, as indices b0 … b0 + r1 − r0 − 1.
        const Index r0 = t == 0 ? off : 0, r1 = std::min<Index>(4, off + B_ - 4 * t);
        const Index b0 = 4 * t + r0 - off;
        for (Index i = 0; i < lanes; ++i)
          for (Index r = r0; r < r1; ++r) dst[i * B_ + b0 + (r - r0)] = static_cast<Index>(idx[r][i]);
      }
    }
  }
#endif

  /// Inserts v into the hash set; false if it was already there.
  [[nodiscard]] bool insert(std::uint32_t* table, std::uint32_t v) const {
    const std::size_t mask = table_size_ - 1;
    std::size_t h = static_cast<std::size_t>((std::uint64_t{v} * 0x9E3779B97F4A7C15ull) >> shift_) & mask;
    while (table[h] != empty) {
      if (table[h] == v) return false;
      h = (h + 1) & mask;
    }
    table[h] = v;
    return true;
  }

  Index N_, B_;
  Sampling mode_;
  CounterRng rng_;
  std::size_t table_size_ = 1;
  int shift_ = 64;
};

}  // namespace sgdsde
