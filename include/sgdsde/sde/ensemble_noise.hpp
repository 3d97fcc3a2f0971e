#pragma once
// The Gaussian noise of SDE ensembles: ξ_j (m standard normals per particle) for the noise
// index j = 0, 1, 2, … of a run, drawn in bulk from CounterRng (Purpose::increment), a pure
// function of (seed, particle, j), so that ensembles are bitwise identical for any thread count.
//
// One Philox block gives two normals (coordinates 2q, 2q + 1 share slot q). With m even, ξ_j is
// normals(step j, m coordinates). With m odd the last coordinate would waste half a block, so
// pairs of noise indices share a draw: normals(step i, 2m coordinates) holds ξ_{2i} (coordinates
// 0 … m−1) and ξ_{2i+1} (m … 2m−1); the odd half is kept per particle until the next step.
// Consequently, for odd m, indices must be requested in order j = 0, 1, 2, … for each particle
// (what the ensemble runner does: every block runs its steps in order from 0).
#include <cstdint>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

class EnsembleNormals {
 public:
  EnsembleNormals(CounterRng rng, Index m) : rng_(rng), m_(m) {
    require(m >= 1, "EnsembleNormals: m must be >= 1");
  }
  [[nodiscard]] Index dim() const { return m_; }
  [[nodiscard]] bool paired() const { return m_ % 2 == 1; }

  /// Allocates the per-particle store of the odd halves (m odd).
  void prepare(Index M) {
    if (paired()) stash_.resize(m_, M);
  }
  /// Rows of scratch needed for blocks of n particles.
  [[nodiscard]] Index scratch_rows() const { return m_; }

  /// ξ_j of particles [first, first + count): returns a pointer p with coordinate r of particle
  /// first + i at p[r * ld + i]. `buf` is per-thread scratch of scratch_rows() rows × buf_ld.
  const double* get(long j, Index first, Index count, double* buf, Index buf_ld, Index& ld) {
    if (!paired()) {
      rng_.normals(static_cast<std::uint64_t>(j), Purpose::increment, static_cast<std::uint32_t>(first),
                   count, m_, buf, buf_ld);
      ld = buf_ld;
      return buf;
    }
    const Index M = stash_.cols();
    if (j % 2 == 0) {
      // Coordinate r of ξ_{2i} and of ξ_{2i+1} are the pair of slot r … except across the middle
      // of 2m coordinates; draw pair by pair, writing the odd half straight into the store.
      const auto step = static_cast<std::uint64_t>(j / 2);
      auto row = [&](Index c) -> double* {  // coordinate c of the 2m: buf rows for c < m, else the store
        return c < m_ ? buf + c * buf_ld : stash_.data() + (c - m_) * M + first;
      };
      for (Index q = 0; q < m_; ++q)
        rng_.normal_pairs(step, Purpose::increment, static_cast<std::uint32_t>(q),
                          static_cast<std::uint32_t>(first), count, row(2 * q), row(2 * q + 1));
      ld = buf_ld;
      return buf;
    }
    ld = M;
    return stash_.data() + first;
  }

 private:
  CounterRng rng_;
  Index m_;
  Ensemble stash_;  ///< m × M: ξ_{2i+1} between steps 2i and 2i + 1
};

}  // namespace sgdsde
