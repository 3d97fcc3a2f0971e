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
#include <array>
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
  void normals(std::uint64_t step, Purpose purpose, std::uint32_t first, Index count, Index dim,
               double* z, Index ld) const {
    constexpr Index block = 64;
    alignas(64) std::uint32_t c0[block], c1[block], c2[block], c3[block];
    const std::uint32_t k0 = key0(), k1 = key1();
    for (Index q = 0; 2 * q < dim; ++q) {
      const std::uint32_t s = slot(purpose, static_cast<std::uint32_t>(q));
      double* out0 = z + (2 * q) * ld;
      double* out1 = (2 * q + 1 < dim) ? z + (2 * q + 1) * ld : nullptr;
      for (Index b0 = 0; b0 < count; b0 += block) {
        const Index nb = std::min(block, count - b0);
        for (Index i = 0; i < nb; ++i) {
          std::uint32_t a0 = first + static_cast<std::uint32_t>(b0 + i),
                        a1 = static_cast<std::uint32_t>(step),
                        a2 = static_cast<std::uint32_t>(step >> 32), a3 = s;
          detail::philox4x32_10(a0, a1, a2, a3, k0, k1);
          c0[i] = a0;
          c1[i] = a1;
          c2[i] = a2;
          c3[i] = a3;
        }
        for (Index i = 0; i < nb; ++i) {
          const auto zz = box_muller({c0[i], c1[i], c2[i], c3[i]});
          out0[b0 + i] = zz[0];
          if (out1) out1[b0 + i] = zz[1];
        }
      }
    }
  }

  static std::array<double, 2> box_muller(const Words4& w) {
    const double u1 = detail::to_uniform_open0(w[0], w[1]);
    const double u2 = detail::to_uniform(w[2], w[3]);
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * std::numbers::pi * u2;
    return {r * std::cos(a), r * std::sin(a)};
  }

 private:
  [[nodiscard]] std::uint32_t key0() const { return static_cast<std::uint32_t>(seed_); }
  [[nodiscard]] std::uint32_t key1() const { return static_cast<std::uint32_t>(seed_ >> 32); }
  std::uint64_t seed_;
};

}  // namespace sgdsde
