#pragma once
// Counter-based random streams (Philox4x32-10, Salmon et al. 2011, as in Random123).
//
// Every random number of a run is a pure function of (seed, particle p, step k, slot): the key
// is the 64-bit seed, the counter is (p, k_lo, k_hi, slot). Nothing is carried from one draw to
// the next, so results do not depend on the thread count or on how particles are chunked.
// The slot's top byte names what the numbers are for (Purpose), its low 24 bits an index
// (e.g. the coordinate pair of a Gaussian increment, or the batch slot of a sampled index).
//
// The block functions generate many particles at once in plain loops over fixed-size blocks
// that the compiler vectorises; tests check them bit for bit against Random123's philox4x32.
//
// Normals: Box–Muller on the four words of one Philox block, u1 ∈ (0, 1] and u2 ∈ [0, 1) with 53
// bits each, z = sqrt(−2 ln u1)·(cos 2πu2, sin 2πu2). The logarithm and the sine/cosine are
// branch-free fdlibm kernels (e_log.c, k_sin.c, k_cos.c: < 1 ulp), written so that a loop over
// particles vectorises (the build has no -ffast-math, so libm's calls would not). The angle is
// reduced exactly: 4u2 = q + f with q = round(4u2), f ∈ [−½, ½], 2πu2 = qπ/2 + fπ/2. Block
// functions always run full kNormalLanes-wide blocks and copy out what was asked for, so every
// particle takes the same instructions whatever the chunking and thread count; normal_pair()
// calls the same kernel, so scalar and block draws agree bit for bit.
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "sgdsde/core/types.hpp"

namespace sgdsde {

enum class Purpose : std::uint32_t {
  increment = 0,  ///< Gaussian increments of SGD noise / Brownian motion
  batch = 1,      ///< minibatch indices
  init = 2,       ///< initial conditions
  data = 3,       ///< generating a finite-sum data set
  aux = 4,        ///< anything else (bootstrap resampling, …)
};

using Words4 = std::array<std::uint32_t, 4>;

namespace detail {
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u, philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u, philox_w1 = 0xBB67AE85u;

/// One Philox4x32 round on scalars; written with 64-bit products so loops over it vectorise.
inline void philox_round(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3,
                         std::uint32_t k0, std::uint32_t k1) {
  const std::uint64_t p0 = std::uint64_t{philox_m0} * c0;
  const std::uint64_t p1 = std::uint64_t{philox_m1} * c2;
  const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  const std::uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
  c0 = n0;
  c1 = lo1;
  c2 = n2;
  c3 = lo0;
}

/// Philox4x32-10 on one counter (c0..c3) with key (k0, k1), in place.
inline void philox4x32_10(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3,
                          std::uint32_t k0, std::uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    philox_round(c0, c1, c2, c3, k0, k1);
    k0 += philox_w0;
    k1 += philox_w1;
  }
}

/// 53-bit uniform in (0, 1] from two words (never 0, so log is finite).
inline double to_uniform_open0(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t x = ((std::uint64_t{hi} << 32) | lo) >> 11;
  return (static_cast<double>(x) + 1.0) * 0x1.0p-53;
}
/// 53-bit uniform in [0, 1).
inline double to_uniform(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t x = ((std::uint64_t{hi} << 32) | lo) >> 11;
  return static_cast<double>(x) * 0x1.0p-53;
}

/// ln x for x ∈ [2⁻⁵³, 1] (normal, positive), branch-free fdlibm e_log.c: x = 2^k m,
/// m ∈ [√2/2, √2), ln m = f − f²/2 + s(f²/2 + R(s²)), f = m − 1, s = f/(2 + f). Error < 1 ulp.
inline double log_unit(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // Mantissa with the exponent of 1 or 1/2, whichever puts m in [√2/2, √2).
  const std::uint64_t mant = bits & 0x000FFFFFFFFFFFFFull;
  const bool big = mant > 0x6A09E667F3BCCull;  // m ≥ √2 ⇔ mantissa bits above those of √2
  const double m = std::bit_cast<double>(mant | (big ? 0x3FE0000000000000ull : 0x3FF0000000000000ull));
  const auto e = static_cast<std::int64_t>(bits >> 52) - 1023 + (big ? 1 : 0);
  const double k = static_cast<double>(e);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
}

/// (sin 2πu, cos 2πu) for u ∈ [0, 1), branch-free: exact quadrant reduction, fdlibm kernels.
inline void sincos_2pi(double u, double& sn, double& cs) {
  constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                   S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                   S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                   C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                   C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const double t = 4.0 * u;                              // exact
  const double qd = std::nearbyint(t);                   // 0 … 4
  const double x = (t - qd) * (std::numbers::pi / 2.0);  // t − qd exact, |x| ≤ π/4
  const auto q = static_cast<std::int64_t>(qd);
  const double z = x * x;
  const double v = z * x;
  const double rs = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  const double s = x + v * (S1 + z * rs);
  const double rc = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  const double hz = 0.5 * z;
  const double wc = 1.0 - hz;
  const double c = wc + (((1.0 - wc) - hz) + z * rc);
  const bool swap = (q & 1) != 0;
  const double s1 = swap ? c : s, c1 = swap ? s : c;
  sn = (q & 2) != 0 ? -s1 : s1;
  cs = ((q + 1) & 2) != 0 ? -c1 : c1;
}

/// Box–Muller on one Philox block: z0 = r cos 2πu2, z1 = r sin 2πu2, r = sqrt(−2 ln u1).
inline void box_muller_uniforms(double u1, double u2, double& z0, double& z1);
inline void box_muller_words(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3,
                             double& z0, double& z1) {
  box_muller_uniforms(to_uniform_open0(w0, w1), to_uniform(w2, w3), z0, z1);
}

/// Particles per internal block of the normal generator (a multiple of every SIMD width).
inline constexpr int kNormalLanes = 64;

#if defined(__AVX512F__)
/// The round keys of Philox4x32-10 (key + r·W), scalar and broadcast to 64-bit lanes.
struct PhiloxRoundKeys512 {
  std::uint32_t s0[10], s1[10];
  __m512i k0[10], k1[10];
  PhiloxRoundKeys512(std::uint32_t key0, std::uint32_t key1) {
    for (int r = 0; r < 10; ++r) {
      s0[r] = key0 + static_cast<std::uint32_t>(r) * philox_w0;
      s1[r] = key1 + static_cast<std::uint32_t>(r) * philox_w1;
      k0[r] = _mm512_set1_epi64(static_cast<long long>(s0[r]));
      k1[r] = _mm512_set1_epi64(static_cast<long long>(s1[r]));
    }
  }
};

/// Philox4x32-10 of the counters (p0 + 8j + lane, k_lo, k_hi, slot) for lane = 0 … 7 and
/// j = 0 … G−1: c[j][w] receives word w of the eight counters of set j in the low halves of its
/// 64-bit lanes (the upper halves are garbage). vpmuludq needs no masking: it reads only the low
/// halves, and every other operation is bitwise, so only low halves ever reach a low half.
///
/// Only word 0 of the counter differs between lanes, so the first two rounds are partly scalar:
/// round 0's product k_hi·M1 and round 1's product of the (lane-independent) new word 0 with M0 are
/// computed once, and each of those rounds needs one vector multiply instead of two. The rounds of
/// the G sets are interleaved so that G dependency chains are in flight at once.
template <int G>
inline void philox4x32_10_x8(__m512i (&c)[G][4], std::uint32_t p0, std::uint32_t k_lo, std::uint32_t k_hi,
                             std::uint32_t slot, const PhiloxRoundKeys512& rk) {
  const __m512i m0 = _mm512_set1_epi64(philox_m0), m1 = _mm512_set1_epi64(philox_m1);
  const auto bcast = [](std::uint32_t v) { return _mm512_set1_epi64(static_cast<long long>(v)); };
  // Round 0 on the lane-independent words: q1 = k_hi·M1, n0 = hi(q1) ^ k_lo ^ key0.
  const std::uint64_t q1s = std::uint64_t{philox_m1} * k_hi;
  const std::uint32_t a0 = static_cast<std::uint32_t>(q1s >> 32) ^ k_lo ^ rk.s0[0];
  const auto b1 = static_cast<std::uint32_t>(q1s);
  // Round 1's q0 = a0·M0 is lane-independent too.
  const std::uint64_t q0s = std::uint64_t{philox_m0} * a0;
  const __m512i x0 = bcast(slot ^ rk.s1[0]);                                   // round 0: n2 = hi(q0) ^ x0
  const __m512i x1 = bcast(b1 ^ rk.s0[1]);                                     // round 1: n0 = hi(q1) ^ x1
  const __m512i x2 = bcast(static_cast<std::uint32_t>(q0s >> 32) ^ rk.s1[1]);  // round 1: n2 = c3 ^ x2
  const __m512i c3_1 = bcast(static_cast<std::uint32_t>(q0s));                 // round 1: c3 = lo(q0)
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  for (int j = 0; j < G; ++j) {
    const __m512i p = _mm512_add_epi64(bcast(p0 + static_cast<std::uint32_t>(8 * j)), lane);
    const __m512i q0 = _mm512_mul_epu32(p, m0);  // round 0
    const __m512i n2 = _mm512_xor_si512(_mm512_srli_epi64(q0, 32), x0);
    const __m512i q1 = _mm512_mul_epu32(n2, m1);  // round 1
    c[j][0] = _mm512_xor_si512(_mm512_srli_epi64(q1, 32), x1);
    c[j][1] = q1;
    c[j][2] = _mm512_xor_si512(q0, x2);
    c[j][3] = c3_1;
  }
  for (int r = 2; r < 10; ++r) {
    for (int j = 0; j < G; ++j) {
      const __m512i q0 = _mm512_mul_epu32(c[j][0], m0), q1 = _mm512_mul_epu32(c[j][2], m1);
      // n0 = hi(q1) ^ c1 ^ k0, n2 = hi(q0) ^ c3 ^ k1 (0x96: three-way xor)
      c[j][0] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(q1, 32), c[j][1], rk.k0[r], 0x96);
      c[j][2] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(q0, 32), c[j][3], rk.k1[r], 0x96);
      c[j][1] = q1;
      c[j][3] = q0;
    }
  }
}
#endif

/// Sets of eight counters that the AVX-512 block kernels run at once (kNormalLanes and the fused
/// SGD block are multiples of 8 · kPhiloxSets).
inline constexpr int kPhiloxSets = 4;

/// The uniforms (u1 ∈ (0, 1], u2 ∈ [0, 1)) of particles [p0, p0 + kNormalLanes) at counter words
/// (k_lo, k_hi, slot). Philox is integer arithmetic, so every code path gives the same bits; with
/// AVX-512 it runs eight counters per register in 64-bit lanes, kPhiloxSets registers at a time.
inline void philox_uniform_block(std::uint32_t p0, std::uint32_t k_lo, std::uint32_t k_hi, std::uint32_t slot,
                                 std::uint32_t key0, std::uint32_t key1, double* __restrict u1,
                                 double* __restrict u2) {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  static_assert(kNormalLanes % (8 * kPhiloxSets) == 0);
  const PhiloxRoundKeys512 rk(key0, key1);
  const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
  const __m512i one_bit = _mm512_set1_epi64(1);
  const __m512d scale = _mm512_set1_pd(0x1.0p-53);
  for (int g = 0; g < kNormalLanes; g += 8 * kPhiloxSets) {
    __m512i c[kPhiloxSets][4];
    philox4x32_10_x8(c, p0 + static_cast<std::uint32_t>(g), k_lo, k_hi, slot, rk);
    for (int j = 0; j < kPhiloxSets; ++j) {
      // 53-bit uniforms from (c0:c1) and (c2:c3): ((hi << 32) | lo) >> 11, exact in double.
      const __m512i a = _mm512_srli_epi64(
          _mm512_or_si512(_mm512_slli_epi64(c[j][0], 32), _mm512_and_si512(c[j][1], lo32)), 11);
      const __m512i b = _mm512_srli_epi64(
          _mm512_or_si512(_mm512_slli_epi64(c[j][2], 32), _mm512_and_si512(c[j][3], lo32)), 11);
      _mm512_storeu_pd(u1 + g + 8 * j,
                       _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_add_epi64(a, one_bit)), scale));
      _mm512_storeu_pd(u2 + g + 8 * j, _mm512_mul_pd(_mm512_cvtepu64_pd(b), scale));
    }
  }
#else
  for (int i = 0; i < kNormalLanes; ++i) {
    std::uint32_t a0 = p0 + static_cast<std::uint32_t>(i), a1 = k_lo, a2 = k_hi, a3 = slot;
    philox4x32_10(a0, a1, a2, a3, key0, key1);
    u1[i] = to_uniform_open0(a0, a1);
    u2[i] = to_uniform(a2, a3);
  }
#endif
}

/// Box–Muller from uniforms: z0 = r cos 2πu2, z1 = r sin 2πu2, r = sqrt(−2 ln u1).
inline void box_muller_uniforms(double u1, double u2, double& z0, double& z1) {
  const double r = std::sqrt(-2.0 * log_unit(u1));
  double sn, cs;
  sincos_2pi(u2, sn, cs);
  z0 = r * cs;
  z1 = r * sn;
}

/// Normals of kNormalLanes consecutive particles [p0, p0 + kNormalLanes) at one (step, slot):
/// out0[i], out1[i] the pair of particle p0 + i. Philox into uniforms, then one vectorised
/// Box–Muller loop of fixed trip count.
inline void normal_block(std::uint32_t p0, std::uint32_t k_lo, std::uint32_t k_hi, std::uint32_t slot,
                         std::uint32_t key0, std::uint32_t key1, double* __restrict out0,
                         double* __restrict out1) {
  alignas(64) double u1[kNormalLanes], u2[kNormalLanes];
  philox_uniform_block(p0, k_lo, k_hi, slot, key0, key1, u1, u2);
#pragma omp simd
  for (int i = 0; i < kNormalLanes; ++i) box_muller_uniforms(u1[i], u2[i], out0[i], out1[i]);
}
}  // namespace detail

/// The counter-based generator of a run. Cheap to copy; const methods only (thread-safe).
class CounterRng {
 public:
  explicit CounterRng(std::uint64_t seed) : seed_(seed) {}
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

  static std::uint32_t slot(Purpose purpose, std::uint32_t index) {
    return (static_cast<std::uint32_t>(purpose) << 24) | (index & 0x00FFFFFFu);
  }

  /// The four raw words at (particle, step, slot).
  [[nodiscard]] Words4 bits(std::uint32_t particle, std::uint64_t step, std::uint32_t slot) const {
    std::uint32_t c0 = particle, c1 = static_cast<std::uint32_t>(step),
                  c2 = static_cast<std::uint32_t>(step >> 32), c3 = slot;
    detail::philox4x32_10(c0, c1, c2, c3, key0(), key1());
    return {c0, c1, c2, c3};
  }

  /// Two independent uniforms in [0, 1) at (particle, step, slot).
  [[nodiscard]] std::array<double, 2> uniforms(std::uint32_t particle, std::uint64_t step,
                                               std::uint32_t slot) const {
    const Words4 w = bits(particle, step, slot);
    return {detail::to_uniform(w[0], w[1]), detail::to_uniform(w[2], w[3])};
  }

  /// A uniform integer in [0, n) (n ≥ 1) from 32 random bits by Lemire's multiply-shift;
  /// the bias is below n / 2³², negligible for the N ≤ 10⁷ data sets used here.
  static std::uint32_t below(std::uint32_t word, std::uint32_t n) {
    return static_cast<std::uint32_t>((std::uint64_t{word} * n) >> 32);
  }

  /// Two standard normals (Box–Muller) at (particle, step, slot).
  [[nodiscard]] std::array<double, 2> normal_pair(std::uint32_t particle, std::uint64_t step,
                                                  std::uint32_t slot) const {
    const Words4 w = bits(particle, step, slot);
    return box_muller(w);
  }

  /// Standard normals for particles [first, first + count) at `step`, coordinate `coord` … of
  /// `dim` coordinates: z[j * ld + i] is coordinate j of particle first + i. Coordinates 2q and
  /// 2q + 1 share the Philox block of slot (purpose, q), so any coordinate of any particle is the
  /// same number however the particles are chunked.
  void normals(std::uint64_t step, Purpose purpose, std::uint32_t first, Index count, Index dim, double* z,
               Index ld) const {
    for (Index q = 0; 2 * q < dim; ++q)
      normal_pairs(step, purpose, static_cast<std::uint32_t>(q), first, count, z + (2 * q) * ld,
                   (2 * q + 1 < dim) ? z + (2 * q + 1) * ld : nullptr);
  }

  /// The two normals of slot (purpose, q) for particles [first, first + count): out0[i] and out1[i]
  /// (coordinates 2q and 2q + 1 of particle first + i in normals()). out1 may be nullptr.
  void normal_pairs(std::uint64_t step, Purpose purpose, std::uint32_t q, std::uint32_t first, Index count,
                    double* out0, double* out1) const {
    constexpr Index block = detail::kNormalLanes;
    alignas(64) double buf0[block], buf1[block];
    const std::uint32_t k0 = key0(), k1 = key1();
    const auto k_lo = static_cast<std::uint32_t>(step), k_hi = static_cast<std::uint32_t>(step >> 32);
    const std::uint32_t s = slot(purpose, q);
    Index b0 = 0;
    // Full blocks straight into the output; the last partial block through a buffer (every
    // particle goes through the same full-width block code).
    for (; b0 + block <= count; b0 += block)
      detail::normal_block(first + static_cast<std::uint32_t>(b0), k_lo, k_hi, s, k0, k1, out0 + b0,
                           out1 ? out1 + b0 : buf1);
    if (b0 < count) {
      const Index nb = count - b0;
      detail::normal_block(first + static_cast<std::uint32_t>(b0), k_lo, k_hi, s, k0, k1, buf0, buf1);
      std::copy(buf0, buf0 + nb, out0 + b0);
      if (out1) std::copy(buf1, buf1 + nb, out1 + b0);
    }
  }

  static std::array<double, 2> box_muller(const Words4& w) {
    std::array<double, 2> z{};
    detail::box_muller_words(w[0], w[1], w[2], w[3], z[0], z[1]);
    return z;
  }

 private:
  [[nodiscard]] std::uint32_t key0() const { return static_cast<std::uint32_t>(seed_); }
  [[nodiscard]] std::uint32_t key1() const { return static_cast<std::uint32_t>(seed_ >> 32); }
  std::uint64_t seed_;
};

}  // namespace sgdsde
