#pragma once
// The observer protocol of the ensemble runner, and the record schedule observers share.
//
// An observer has
//   begin(const ObserverContext&)                      once, before any step, single-threaded;
//   observe(const Ensemble& x, const BlockView&, long k) after step k of one block (k = 0 is the
//                                                      initial state); called concurrently for
//                                                      different blocks, so it writes only into
//                                                      storage owned by that block or its particles;
//   end()                                              once, after all blocks, single-threaded:
//                                                      reduce per-block partials in block order.
// Optionally all_passed(const BlockView&) (first-passage observers) for RunOptions::stop_when_all_passed.
// Optionally share_across_ranks(const RankLayout&): after all blocks of this rank, before end(), copy
// the partial results of the other ranks' blocks (core/ranks.hpp); needed to run on several ranks.
// Optionally next_record(long k): the first step >= k at which observe() does anything (observers
// that record on a RecordPlan). When every observer has it, the runner may let a model take the
// steps in between at once (ensemble/model.hpp, advance) and skip the observe() calls of those steps.
// Optionally, for checkpoints (ensemble/checkpoint.hpp; a call with an observer without them saves no
// blocks, and a resumed run recomputes it whole):
//   save(std::span<const BlockView> blocks, checkpoint::Writer&)   the partial results of these
//                                                      finished blocks (other threads meanwhile run
//                                                      other blocks: read only these blocks' storage);
//   restore(std::span<const BlockView> blocks, checkpoint::Reader&) after begin(): read them back,
//                                                      in the same order, bit for bit;
//   block_done(const BlockView&)                       from the thread that ran the block, when it is
//                                                      finished and a checkpoint may follow (an
//                                                      observer with per-thread partials moves the
//                                                      block's share out of them).
#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/ranks.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/checkpoint_io.hpp"

namespace sgdsde {

struct ObserverContext {
  Index dim;        ///< d
  Index particles;  ///< M
  long n_steps;     ///< steps the run makes after the initial state
  Index block;      ///< particles per block
  Index n_blocks;
};

/// How the blocks (and so the particles) of a run are shared among the MPI ranks: rank r runs blocks
/// [block_offsets[r], block_offsets[r + 1]), i.e. particles [particle_offsets[r], particle_offsets[r + 1]).
struct RankLayout {
  int ranks = 1;
  int rank = 0;
  std::vector<Index> block_offsets, particle_offsets;  ///< ranks + 1 entries each
  [[nodiscard]] static RankLayout of(Index n_blocks, Index block, Index particles) {
    RankLayout L;
    L.ranks = ranks::size();
    L.rank = ranks::rank();
    for (int r = 0; r <= L.ranks; ++r) {
      const Index b = r < L.ranks ? ranks::share(n_blocks, r, L.ranks).first : n_blocks;
      L.block_offsets.push_back(b);
      L.particle_offsets.push_back(std::min(b * block, particles));
    }
    return L;
  }
  [[nodiscard]] std::pair<Index, Index> own_blocks() const {
    return {block_offsets[static_cast<std::size_t>(rank)], block_offsets[static_cast<std::size_t>(rank) + 1]};
  }
  /// The offsets of a per-block array with `unit` entries per block.
  [[nodiscard]] std::vector<Index> block_items(Index unit) const {
    std::vector<Index> o(block_offsets.size());
    for (std::size_t r = 0; r < o.size(); ++r) o[r] = unit * block_offsets[r];
    return o;
  }
};

struct BlockView {
  Index block;                      ///< block number
  Index first, count;               ///< its particles [first, first + count)
  const std::int64_t* diverged_at;  ///< per particle of the whole ensemble: −1 while alive
  [[nodiscard]] bool alive(Index p) const { return diverged_at[p] < 0; }
};

/// Checkpoints of observers with one slot per particle: the slots of the blocks' particles.
template <class T>
void save_particles(const std::vector<T>& slots, std::span<const BlockView> blocks, checkpoint::Writer& w) {
  for (const BlockView& v : blocks)
    w.put(std::span<const T>(slots.data() + v.first, static_cast<std::size_t>(v.count)));
}
template <class T>
void restore_particles(std::vector<T>& slots, std::span<const BlockView> blocks, checkpoint::Reader& r) {
  for (const BlockView& v : blocks)
    r.get(std::span<T>(slots.data() + v.first, static_cast<std::size_t>(v.count)));
}

/// Which steps an observer records: start, start + every, … ≤ stop (stop < 0: the last step).
struct RecordPlan {
  long every = 1;
  long start = 0;
  long stop = -1;

  [[nodiscard]] long last(long n_steps) const { return stop < 0 ? n_steps : std::min(stop, n_steps); }
  [[nodiscard]] bool records(long k, long n_steps) const {
    return k >= start && k <= last(n_steps) && (k - start) % every == 0;
  }
  /// The first recorded step >= k; n_steps + 1 when there is none.
  [[nodiscard]] long next(long k, long n_steps) const {
    const long first = k <= start ? start : start + (k - start + every - 1) / every * every;
    return first <= last(n_steps) ? first : n_steps + 1;
  }
  /// Index of step k among the recorded steps (valid when records(k)).
  [[nodiscard]] Index slot(long k) const { return static_cast<Index>((k - start) / every); }
  [[nodiscard]] std::vector<long> steps(long n_steps) const {
    require(every >= 1, "record plan: 'every' must be >= 1");
    std::vector<long> s;
    for (long k = start; k <= last(n_steps); k += every) s.push_back(k);
    return s;
  }
};

}  // namespace sgdsde
