#pragma once
// The parallel ensemble runner shared by SGD and SDE ensembles.
//
// Particles are cut into blocks of a fixed size; each block is run through all its steps by one
// thread (it stays in cache), blocks are spread over OpenMP threads. Because a particle's random
// numbers are a pure function of (seed, particle, step) and the block cut does not depend on the
// thread count, the states are bitwise identical for any number of threads; observers reduce their
// per-block partial results in block order for the same reason.
//
// Divergence: after every step each particle is checked; a non-finite coordinate or one beyond
// `bound` stops the particle: its step is recorded, its state set to NaN, and observers skip it,
// so statistics are never silently NaN.
//
// Ranks (MPI, core/ranks.hpp): each rank runs a contiguous share of the blocks; afterwards the
// states, the divergence steps and every observer's partial results are copied between the ranks
// (share_across_ranks, before end()), so each rank holds what one process would have computed, bit
// for bit, for any number of ranks and threads. An observer without share_across_ranks cannot run
// on more than one rank (a logic_error says which).
//
// Checkpoints (ensemble/checkpoint.hpp): when the harness has an active session, a call first
// restores the blocks the checkpoint holds (states, divergence steps, observers' partials) and skips
// them; the thread that finishes a block marks it done and, when a checkpoint is due, writes one, all
// inside one critical section, so a checkpoint holds exactly the finished blocks while the other
// threads run theirs. Without a session nothing of this runs.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/ranks.hpp"
#include "sgdsde/ensemble/checkpoint.hpp"
#include "sgdsde/ensemble/model.hpp"
#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

struct RunOptions {
  long n_steps = 0;
  Index block = 512;  ///< particles per block; part of the result's definition only through chunking
  double bound = std::numeric_limits<double>::max();  ///< |x_j| ≥ bound (or non-finite) ⇒ diverged
  /// Stop a block as soon as every observer that tracks first passages says all its particles
  /// have passed (escape-time studies need nothing after that).
  bool stop_when_all_passed = false;
  std::function<void(Index)> on_block_done;  ///< progress callback: particles finished
};

struct RunSummary {
  std::vector<std::int64_t> diverged_at;  ///< per particle: the step it diverged at, −1 if never
  Index diverged = 0;                     ///< how many diverged
};

namespace detail {
/// Flags particles of [first, first + count) that have left the bound after step k; returns how many
/// it flagged.
inline Index check_divergence(Ensemble& x, Index first, Index count, long k, double bound,
                              std::int64_t* diverged_at) {
  const Index d = x.rows();
  // Fast path (vectorised): every coordinate of the block finite and within the bound. A
  // particle that diverged earlier holds NaN, so such blocks always take the per-particle path.
  // The loop's shape follows the block: the whole ensemble is one flat array; a block narrower than a
  // vector (a network per block: d = 13 002 rows of one value) takes a scalar loop, as a vector loop
  // per row would cost its prologue and epilogue d times.
  Index bad = 0;
  if (count == x.cols()) {
    const double* v = x.data();
    const Index n = x.size();
#pragma omp simd reduction(+ : bad)
    for (Index i = 0; i < n; ++i) bad += !(std::abs(v[i]) < bound);
  } else if (count < 8) {
    for (Index j = 0; j < d; ++j) {
      const double* row = x.data() + j * x.cols() + first;
      for (Index i = 0; i < count; ++i) bad += !(std::abs(row[i]) < bound);
    }
  } else {
    for (Index j = 0; j < d; ++j) {
      const double* row = x.data() + j * x.cols() + first;
#pragma omp simd reduction(+ : bad)
      for (Index i = 0; i < count; ++i) bad += !(std::abs(row[i]) < bound);
    }
  }
  if (bad == 0) return 0;
  Index flagged = 0;
  for (Index i = 0; i < count; ++i) {
    const Index p = first + i;
    if (diverged_at[p] >= 0) continue;
    bool ok = true;
    for (Index j = 0; j < d; ++j) ok = ok && (std::abs(x(j, p)) < bound);  // false for NaN and ±inf
    if (!ok) {
      diverged_at[p] = k;
      for (Index j = 0; j < d; ++j) x(j, p) = std::numeric_limits<double>::quiet_NaN();
      ++flagged;
    }
  }
  return flagged;
}

template <class Model, class... Obs>
concept CanAdvance = requires(Model& m, Ensemble& x, typename Model::Scratch& s, const Obs&... o) {
  { m.advance(x, Index{}, Index{}, long{}, long{}, s, double{}) } -> std::convertible_to<long>;
  ((o.next_record(long{})), ...);
};

/// How many steps from step k the model may take before an observer records (1 when blocks stop
/// on first passages, which are checked at every step).
template <class... Obs>
long quiet_steps(const RunOptions& opts, long k, const Obs&... observers) {
  if (opts.stop_when_all_passed) return 1;
  long next = opts.n_steps;
  ((next = std::min(next, observers.next_record(k + 1))), ...);
  return next - k;
}

template <class O>
bool block_finished(const O& o, const BlockView& v) {
  if constexpr (requires { o.all_passed(v); }) {
    return o.all_passed(v);
  } else {
    return false;
  }
}

/// Copies every rank's particle columns of x to every other rank (packed per rank: d × count).
inline void share_states(Ensemble& x, const RankLayout& L) {
  const Index d = x.rows(), M = x.cols();
  std::vector<double> packed(static_cast<std::size_t>(d * M));
  std::vector<Index> offsets(L.particle_offsets.size());
  for (std::size_t r = 0; r < offsets.size(); ++r) offsets[r] = d * L.particle_offsets[r];
  const auto pack = [&](int r, bool in) {
    const Index p0 = L.particle_offsets[static_cast<std::size_t>(r)];
    const Index n = L.particle_offsets[static_cast<std::size_t>(r) + 1] - p0;
    double* buf = packed.data() + d * p0;
    for (Index j = 0; j < d; ++j)
      for (Index i = 0; i < n; ++i) {
        if (in)
          buf[j * n + i] = x(j, p0 + i);
        else
          x(j, p0 + i) = buf[j * n + i];
      }
  };
  pack(ranks::rank(), true);
  ranks::gather_owned(std::span<double>(packed), offsets);
  for (int r = 0; r < L.ranks; ++r)
    if (r != ranks::rank()) pack(r, false);
}

/// Fault injection for the tests of failing ranks: SGDSDE_FAIL_RANK=r makes rank r throw in its first
/// block (docs/cluster.md).
inline void maybe_inject_failure() {
  if (const char* r = std::getenv("SGDSDE_FAIL_RANK"); r && std::atoi(r) == ranks::rank())
    throw std::runtime_error("injected failure (SGDSDE_FAIL_RANK)");
}

template <class O>
void share_observer(O& o, const RankLayout& L) {
  if constexpr (requires { o.share_across_ranks(L); }) {
    o.share_across_ranks(L);
  } else {
    throw std::logic_error("run_ensemble: an observer cannot run across MPI ranks (no share_across_ranks)");
  }
}

template <class O>
constexpr bool checkpointable = requires(O& o, std::span<const BlockView> v, checkpoint::Writer& w,
                                         checkpoint::Reader& r) {
  o.save(v, w);
  o.restore(v, r);
};

/// The views of this rank's blocks marked in `done`.
inline std::vector<BlockView> done_views(const std::vector<char>& done, std::pair<Index, Index> own,
                                         Index block, Index M, const std::int64_t* diverged_at) {
  std::vector<BlockView> v;
  for (Index b = own.first; b < own.second; ++b)
    if (done[static_cast<std::size_t>(b)])
      v.push_back({b, b * block, std::min(block, M - b * block), diverged_at});
  return v;
}

/// The checkpoint record of the finished blocks `views`: they are not written any more while other
/// threads run theirs (an observer writes only its blocks' storage), so reading them here is safe.
template <class... Obs>
checkpoint::CallRecord record_of(const checkpoint::CallShape& shape, const Ensemble& x,
                                 const std::vector<BlockView>& views, Obs&... observers) {
  checkpoint::CallRecord r;
  r.shape = shape;
  for (const BlockView& v : views) {
    r.blocks.push_back(v.block);
    for (Index j = 0; j < x.rows(); ++j)
      for (Index i = 0; i < v.count; ++i) r.states.push_back(x(j, v.first + i));
    r.diverged_at.insert(r.diverged_at.end(), v.diverged_at + v.first, v.diverged_at + v.first + v.count);
  }
  [[maybe_unused]] const auto save = [&](auto& o) {
    checkpoint::Writer w;
    o.save(std::span<const BlockView>(views), w);
    r.observers.push_back(w.take());
  };
  (save(observers), ...);
  return r;
}

/// Restores the saved blocks of this rank into x, diverged_at and the observers (after begin()); marks
/// them in `done`.
template <class... Obs>
void restore_record(const checkpoint::CallRecord& r, const std::string& what, Ensemble& x,
                    std::int64_t* diverged_at, std::pair<Index, Index> own, Index block,
                    std::vector<char>& done, const RunOptions& opts, Obs&... observers) {
  const Index M = x.cols(), d = x.rows();
  std::vector<BlockView> views;
  std::size_t particles = 0;
  for (const std::int64_t b : r.blocks) {
    if (b < own.first || b >= own.second || done[static_cast<std::size_t>(b)] ||
        (!views.empty() && b <= views.back().block))
      throw checkpoint::Refused(what + ": corrupt (block " + std::to_string(b) +
                                " is not one of this rank's)");
    done[static_cast<std::size_t>(b)] = 1;
    views.push_back({b, b * block, std::min(block, M - b * block), diverged_at});
    particles += static_cast<std::size_t>(views.back().count);
  }
  if (r.states.size() != particles * static_cast<std::size_t>(d) || r.diverged_at.size() != particles ||
      r.observers.size() != sizeof...(Obs))
    throw checkpoint::Refused(what + ": corrupt (a record's sizes do not match its blocks)");
  std::size_t s = 0, q = 0;
  for (const BlockView& v : views) {
    for (Index j = 0; j < d; ++j)
      for (Index i = 0; i < v.count; ++i) x(j, v.first + i) = r.states[s++];
    for (Index i = 0; i < v.count; ++i) diverged_at[v.first + i] = r.diverged_at[q++];
  }
  std::size_t k = 0;
  [[maybe_unused]] const auto restore = [&](auto& o) {
    checkpoint::Reader in(r.observers[k++], what);
    o.restore(std::span<const BlockView>(views), in);
    if (!in.at_end()) throw checkpoint::Refused(what + ": corrupt (an observer's record is too long)");
  };
  (restore(observers), ...);
  if (opts.on_block_done)
    for (const BlockView& v : views) opts.on_block_done(v.count);
}

template <class O>
void block_done(O& o, const BlockView& v) {
  if constexpr (requires { o.block_done(v); }) o.block_done(v);
}
}  // namespace detail

/// Runs `model` on the ensemble x (d × M) for opts.n_steps steps from step 0. Observers see the
/// initial state (k = 0) and the state after every step k = 1 … n_steps.
template <EnsembleModel Model, class... Obs>
RunSummary run_ensemble(Model& model, Ensemble& x, const RunOptions& opts, Obs&... observers) {
  require(x.rows() == model.dim(), "run_ensemble: the ensemble's dimension does not match the model's");
  require(opts.n_steps >= 0, "run_ensemble: the number of steps must be >= 0");
  require(opts.block >= 1, "run_ensemble: the block size must be >= 1");
  const Index M = x.cols();
  // A block larger than the ensemble is the ensemble (the same cut), and needs no larger scratch.
  const Index block = std::min(opts.block, std::max<Index>(M, 1));
  const Index n_blocks = (M + block - 1) / block;
  RunSummary summary;
  summary.diverged_at.assign(static_cast<std::size_t>(M), -1);
  std::int64_t* diverged_at = summary.diverged_at.data();
  model.prepare(M);
  [[maybe_unused]] const ObserverContext ctx{x.rows(), M, opts.n_steps, block, n_blocks};
  (observers.begin(ctx), ...);
  const RankLayout layout = RankLayout::of(n_blocks, block, M);
  const std::pair<Index, Index> own = layout.own_blocks();

  // Checkpoints: done[b] once block b is restored or finished (written under the critical section
  // below; each block's flag is read only by the thread that takes the block).
  checkpoint::Session* const session = checkpoint::active();
  std::vector<char> done;
  const checkpoint::CallShape shape{x.rows(), M,        opts.n_steps,
                                    block,    n_blocks, static_cast<std::int64_t>(sizeof...(Obs))};
  // A call with an observer that cannot save its partials (no save/restore) saves no blocks: a resumed
  // run recomputes it whole (the same bits, only the progress is not kept).
  if (session) {
    done.assign(static_cast<std::size_t>(n_blocks), 0);
    if (const checkpoint::CallRecord* saved = session->begin_call(shape))
      if constexpr ((detail::checkpointable<Obs> && ...))
        detail::restore_record(*saved, "checkpoint " + session->file().string(), x, diverged_at, own, block,
                               done, opts, observers...);
  }

  // An exception may not leave an OpenMP region (it would terminate the program): the first one is
  // kept, the remaining blocks are skipped, and it is rethrown after the region.
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  const auto keep = [&] {
#pragma omp critical(sgdsde_run_ensemble_failure)
    if (!failure) failure = std::current_exception();
    failed = true;
  };
#pragma omp parallel
  {
    std::optional<typename Model::Scratch> scratch;
    try {
      scratch.emplace(model.make_scratch(block));
    } catch (...) {
      keep();
    }
    // monotonic: blocks are handed out in increasing order (libgomp's dynamic schedule does so anyway;
    // LLVM's libomp defaults to a work-stealing nonmonotonic one), so that a run killed or failing at
    // block b has finished nearly every block before b and its checkpoint holds them.
#pragma omp for schedule(monotonic : dynamic, 1)
    for (Index b = own.first; b < own.second; ++b) {
      if (failed || (session && done[static_cast<std::size_t>(b)])) continue;
      try {
        if (b == own.first) detail::maybe_inject_failure();
        const Index first = b * block;
        const Index count = std::min(block, M - first);
        [[maybe_unused]] const BlockView view{b, first, count, diverged_at};
        detail::check_divergence(x, first, count, 0, opts.bound, diverged_at);
        (observers.observe(x, view, 0), ...);
        for (long k = 0; k < opts.n_steps;) {
          if (opts.stop_when_all_passed && (detail::block_finished(observers, view) || ...)) break;
          long one_by_one = 1;  // steps to take one at a time, unless a run diverges first
          // Steps up to the next one an observer records may be taken at once (model.hpp, advance):
          // bitwise the same states. A model that cannot vouch for the divergence test takes none:
          // some run crosses the bound within the span, so the steps go one at a time until the
          // crossing is flagged (the run is then NaN, which advance() ignores), then it is asked again.
          if constexpr (detail::CanAdvance<Model, Obs...>) {
            if (const long span = detail::quiet_steps(opts, k, observers...); span >= 2) {
              if (const long done = model.advance(x, first, count, k, span, *scratch, opts.bound); done > 0) {
                k += done;
                (observers.observe(x, view, k), ...);
                continue;
              }
              one_by_one = span;
            }
          }
          for (const long stop = k + one_by_one; k < stop;) {
            model.step(x, first, count, k, *scratch);
            const Index flagged = detail::check_divergence(x, first, count, k + 1, opts.bound, diverged_at);
            ++k;
            (observers.observe(x, view, k), ...);
            if (flagged > 0) break;
          }
        }
        if (opts.on_block_done) opts.on_block_done(count);
        if constexpr ((detail::checkpointable<Obs> && ...)) {
          if (session) {
            std::exception_ptr error;  // an exception may not leave a critical section either
#pragma omp critical(sgdsde_run_ensemble_checkpoint)
            {
              try {
                (detail::block_done(observers, view), ...);
                done[static_cast<std::size_t>(b)] = 1;
                if (session->due()) {
                  const auto record = detail::record_of(
                      shape, x, detail::done_views(done, own, block, M, diverged_at), observers...);
                  session->write(&record);
                }
              } catch (...) {
                error = std::current_exception();
              }
            }
            if (error) std::rethrow_exception(error);
          }
        }
      } catch (...) {
        keep();
      }
    }
  }
  // The call is finished on this rank: its record goes into every later checkpoint (taken before the
  // partials of the other ranks are copied in).
  if (session && !failure) {
    try {
      if constexpr ((detail::checkpointable<Obs> && ...))
        session->end_call(
            detail::record_of(shape, x, detail::done_views(done, own, block, M, diverged_at), observers...));
      else
        session->end_call(checkpoint::CallRecord{shape, {}, {}, {}, {}});
      if (session->due()) session->write(nullptr);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (layout.ranks > 1) {
    // A failure on one rank must stop them all, before the collectives below would wait for it: every
    // rank learns the lowest failing rank and its reason, and throws that (the harness prints it once).
    std::string mine;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        mine = e.what();
      } catch (...) {
        mine = "unknown exception";
      }
    }
    if (const auto f = ranks::first_failure(failure ? &mine : nullptr))
      throw std::runtime_error("rank " + std::to_string(f->first) + " of " + std::to_string(layout.ranks) +
                               ": " + f->second);
  }
  if (failure) std::rethrow_exception(failure);
  if (layout.ranks > 1) {
    detail::share_states(x, layout);
    ranks::gather_owned(std::span<std::int64_t>(summary.diverged_at), layout.particle_offsets);
    (detail::share_observer(observers, layout), ...);
  }
  (observers.end(), ...);
  for (auto s : summary.diverged_at) summary.diverged += (s >= 0);
  return summary;
}

}  // namespace sgdsde
