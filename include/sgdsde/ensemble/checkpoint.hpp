#pragma once
// Checkpoint and resume of the ensemble runner (docs/reliability.md, "Checkpoint and resume").
//
// The unit of a checkpoint is the completed block of a run_ensemble call. One thread runs a block
// through all its steps and a particle's random numbers are a pure function of (seed, particle,
// step), so a block recomputed from step 0 gives the same bits: no mid-block state is ever saved.
// A checkpoint holds, per runner call of the run in call order, the blocks this rank finished, their
// final states, divergence steps and every observer's partial results (observer.hpp, save/restore).
// A resumed run restores those blocks and runs the others; everything outside runner calls is
// recomputed (deterministic).
//
// The harness opens one Session per run (--checkpoint-every, --resume) and makes it active(); the
// runner asks it at each call. Without an active session the runner does exactly what it did before.
// The file: a header (signature, format version, payload size), the payload, and a checksum of the
// payload that is verified before anything in it is read; written with io::write_file_atomically
// (temporary, fsync, rename), so a kill at any moment leaves the previous checkpoint or the new one.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sgdsde/ensemble/checkpoint_io.hpp"

namespace sgdsde::checkpoint {

/// What a runner call is: a resumed run whose calls differ is refused.
struct CallShape {
  std::int64_t dim = 0, particles = 0, n_steps = 0, block = 0, n_blocks = 0, observers = 0;
  bool operator==(const CallShape&) const = default;
};

/// The finished blocks of one runner call on this rank.
struct CallRecord {
  CallShape shape;
  std::vector<std::int64_t> blocks;       ///< ascending
  std::vector<double> states;             ///< per block in that order: its d × count states, row-major
  std::vector<std::int64_t> diverged_at;  ///< per block in that order: its count divergence steps
  std::vector<std::vector<std::byte>> observers;  ///< per observer: what its save() wrote
};

/// Who wrote a checkpoint; a resumed run must be the same (threads may differ: results do not depend
/// on them).
struct Identity {
  std::string experiment, config_toml, code_version;
  std::int64_t seed = 0;
  std::int32_t ranks = 1, rank = 0;
};

/// The checkpoint file of the results file `out` for `rank` of `ranks`: ".<name>.checkpoint" next to
/// it, ".<name>.checkpoint.r<rank>" under MPI.
[[nodiscard]] std::filesystem::path path_of(const std::filesystem::path& out, int rank, int ranks);

/// Checkpoint files next to `out` that a run on `ranks` ranks would not write (left by a run on
/// another number of ranks).
[[nodiscard]] std::vector<std::filesystem::path> foreign_files(const std::filesystem::path& out, int ranks);

class Session {
 public:
  /// every_seconds > 0: a checkpoint at the first block end after every such interval; 0: none
  /// written (a resume that does not checkpoint further).
  Session(std::filesystem::path file, Identity id, double every_seconds);

  /// Reads the checkpoint file if there is one (false if not). Throws Refused (one line) for a
  /// truncated, corrupted or foreign file, or one of another experiment, configuration, seed, code
  /// version or rank count.
  bool load();
  /// Blocks and calls restored by load().
  [[nodiscard]] std::size_t saved_calls() const { return saved_.size(); }
  [[nodiscard]] std::size_t saved_blocks() const;
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

  // ---- the runner (from one thread at a time) --------------------------------------------------
  /// Starts the next runner call; the saved record of it, or null.
  [[nodiscard]] const CallRecord* begin_call(const CallShape& shape);
  /// Whether a checkpoint is due (the interval has passed since the last one, or since the start).
  [[nodiscard]] bool due() const;
  /// Writes the checkpoint: the finished calls, `current` (the running call's finished blocks; null
  /// between calls), and the saved calls not reached yet.
  void write(const CallRecord* current);
  /// The running call is finished on this rank: `record` goes into every later checkpoint.
  void end_call(CallRecord record);

  /// Removes the checkpoint file (after the results are committed) and stale temporaries of it.
  void remove() noexcept;

  /// Parses a whole checkpoint file's bytes; throws Refused naming `what` (tests use it directly).
  static void parse(std::span<const std::byte> file, const std::string& what, Identity& id,
                    std::vector<CallRecord>& calls);

 private:
  std::filesystem::path file_;
  Identity id_;
  double every_;
  std::chrono::steady_clock::time_point last_;
  std::vector<CallRecord> saved_, finished_;
  std::size_t next_call_ = 0;
};

/// The session of this process; null (no checkpointing) unless the harness set one.
[[nodiscard]] Session* active();
void set_active(Session* session);

}  // namespace sgdsde::checkpoint
