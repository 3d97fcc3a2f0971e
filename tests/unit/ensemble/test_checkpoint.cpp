// Checkpoint and resume of run_ensemble (ensemble/checkpoint.hpp): a run interrupted by an exception
// after some blocks, resumed from its checkpoint (on another thread count), gives every observer's
// results and the states bit for bit; damaged or foreign checkpoints are refused.
#include <doctest/doctest.h>
#include <omp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/checkpoint.hpp"
#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/passive_observer.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/snapshots.hpp"
#include "sgdsde/ensemble/state_histogram.hpp"
#include "sgdsde/ensemble/time_average.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/io/results_file.hpp"

using namespace sgdsde;
namespace fs = std::filesystem;

// Named, not anonymous: the files of a test binary compile as one translation unit.
namespace checkpoint_test {

/// The interruption: blocks from g_fail_from on of runner call g_fail_call throw (g_calls counts the
/// calls through prepare()).
std::atomic<Index> g_fail_from{-1};
std::atomic<int> g_fail_call{0}, g_calls{0};

// x_{k+1} = 0.99 x_k + 0.1 z_k in 2-D.
struct Walk {
  CounterRng rng{7};
  Index block = 1;
  struct Scratch {
    std::vector<double> z;
  };
  [[nodiscard]] Index dim() const { return 2; }
  void prepare(Index) { ++g_calls; }
  [[nodiscard]] Scratch make_scratch(Index n) const { return {std::vector<double>(2 * n)}; }
  void step(Ensemble& x, Index first, Index count, long k, Scratch& sc) const {
    if (const Index f = g_fail_from.load();
        f >= 0 && g_calls == g_fail_call + 1 && first / block >= f && k == 5)
      throw std::runtime_error("interrupted");
    rng.normals(static_cast<std::uint64_t>(k), Purpose::increment, static_cast<std::uint32_t>(first), count,
                2, sc.z.data(), count);
    for (Index j = 0; j < 2; ++j)
      for (Index i = 0; i < count; ++i) x(j, first + i) = 0.99 * x(j, first + i) + 0.1 * sc.z[j * count + i];
  }
  [[nodiscard]] double time(long k) const { return static_cast<double>(k); }
};

struct Results {
  Ensemble x1, x2;
  std::vector<double> snaps, mean, sd, quant, averages;
  std::vector<std::int64_t> passage, saddle, counts, diverged;
};

/// Two runner calls, the second from the first's final states, with every observer.
Results run(int threads) {
  omp_set_num_threads(threads);
  constexpr Index M = 300, block = 16;
  Walk w;
  w.block = block;
  Results r;
  Ensemble x = Ensemble::Zero(2, M);
  for (Index p = 0; p < M; ++p) x(1, p) = p % 7 == 0 ? 1e3 : 0.0;  // some particles diverge at once
  RunOptions opts;
  opts.n_steps = 40;
  opts.block = block;
  opts.bound = 10.0;
  auto f = [](const Ensemble& e, Index p, double* out) {
    out[0] = e(0, p);
    out[1] = e(0, p) * e(1, p);
  };
  Trace<decltype(f)> trace({"x", "xy"}, f, RecordPlan{3}, 100);
  Snapshots snaps({0, 33, 299}, RecordPlan{4});
  StateHistogram1D hist(stats::Histogram1D(-1, 1, 20), RecordPlan{1, 10});
  r.diverged = run_ensemble(w, x, opts, trace, snaps, hist).diverged_at;
  r.x1 = x;
  r.mean = trace.mean();
  r.sd = trace.sd();
  r.quant = trace.quantiles();
  r.snaps = snaps.data();
  r.counts = hist.histogram().counts();

  auto up = [](const Ensemble& e, Index p) { return e(0, p) > 0.2; };
  auto down = [](const Ensemble& e, Index p) { return e(0, p) < -0.3; };
  FirstPassage<decltype(up)> saddle(up);
  FirstPassage<decltype(down)> target(down);
  Passive<decltype(saddle)> passive(saddle);
  auto g = [](const Ensemble& e, Index p) { return e(0, p) * e(0, p); };
  TimeAverage<decltype(g)> avg(g, RecordPlan{1, 5});
  opts.stop_when_all_passed = true;
  run_ensemble(w, x, opts, passive, target, avg);
  r.x2 = x;
  r.passage = target.steps();
  r.saddle = saddle.steps();
  const Vec a = avg.averages();
  r.averages.assign(a.data(), a.data() + a.size());
  return r;
}

/// Bitwise comparison of doubles (NaN included).
bool same_bits(const double* a, const double* b, std::size_t n) {
  return std::memcmp(a, b, n * sizeof(double)) == 0;
}
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && same_bits(a.data(), b.data(), a.size());
}
bool same_bits(const Ensemble& a, const Ensemble& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         same_bits(a.data(), b.data(), static_cast<std::size_t>(a.size()));
}

void check_same(const Results& a, const Results& b) {
  CHECK(same_bits(a.x1, b.x1));
  CHECK(same_bits(a.x2, b.x2));
  CHECK(same_bits(a.snaps, b.snaps));
  CHECK(same_bits(a.mean, b.mean));
  CHECK(same_bits(a.sd, b.sd));
  CHECK(same_bits(a.quant, b.quant));
  CHECK(same_bits(a.averages, b.averages));
  CHECK(a.passage == b.passage);
  CHECK(a.saddle == b.saddle);
  CHECK(a.counts == b.counts);
  CHECK(a.diverged == b.diverged);
}

struct Folder {
  fs::path path;
  Folder() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("sgdsde_checkpoint_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
};

checkpoint::Identity identity(std::int64_t seed = 7) {
  checkpoint::Identity id;
  id.experiment = "test";
  id.config_toml = "a = 1\nseed = " + std::to_string(seed) + "\n";
  id.code_version = "v1";
  id.seed = seed;
  return id;
}

/// Runs with a session on `file` (every block end writes) on `threads` threads, interrupted from block
/// `fail_from` of the runner call `fail_call` (0 or 1; fail_from < 0: not interrupted).
void interrupted(const fs::path& file, int threads, Index fail_from, int fail_call) {
  checkpoint::Session s(file, identity(), 1e-9);
  checkpoint::set_active(&s);
  g_fail_from = fail_from;
  g_fail_call = fail_call;
  g_calls = 0;
  try {
    (void)run(threads);
  } catch (const std::runtime_error&) {
  }
  g_fail_from = -1;
  checkpoint::set_active(nullptr);
}

Results resumed(const fs::path& file, int threads, bool& loaded, std::size_t& blocks) {
  checkpoint::Session s(file, identity(), 0.0);
  loaded = s.load();
  blocks = s.saved_blocks();
  checkpoint::set_active(&s);
  Results r;
  try {
    r = run(threads);
  } catch (...) {
    checkpoint::set_active(nullptr);
    throw;
  }
  checkpoint::set_active(nullptr);
  return r;
}

std::vector<char> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& p, const std::vector<char>& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

TEST_CASE("checkpoint: an interrupted run resumed gives every result bit for bit, on any thread count") {
  const Results reference = run(2);
  for (const int threads : {1, 2}) {
    for (const int call : {0, 1}) {
      for (const Index fail_from : {Index{3}, Index{12}}) {
        CAPTURE(threads);
        CAPTURE(call);
        CAPTURE(fail_from);
        Folder dir;
        const fs::path file = dir.path / ".r.h5.checkpoint";
        interrupted(file, threads, fail_from, call);
        REQUIRE(fs::exists(file));
        bool loaded = false;
        std::size_t blocks = 0;
        const Results r = resumed(file, 3 - threads, loaded, blocks);
        CHECK(loaded);
        // Blocks before fail_from were finished (by 1 thread; 2 threads may have failed one earlier).
        const std::size_t before = call == 0 ? 0 : 19;  // the first call has 19 blocks of 16
        CHECK(blocks + 1 >= before + static_cast<std::size_t>(fail_from));
        CHECK(blocks < before + 19);
        check_same(reference, r);
      }
    }
  }
}

TEST_CASE("checkpoint: a run resumed after it finished restores both calls") {
  const Results reference = run(2);
  Folder dir;
  const fs::path file = dir.path / ".r.h5.checkpoint";
  interrupted(file, 2, -1, 0);  // no interruption: the last checkpoint holds the first call at least
  bool loaded = false;
  std::size_t blocks = 0;
  const Results r = resumed(file, 2, loaded, blocks);
  CHECK(loaded);
  CHECK(blocks >= 19);
  check_same(reference, r);
}

TEST_CASE("checkpoint: damaged or foreign checkpoints are refused") {
  Folder dir;
  const fs::path file = dir.path / ".r.h5.checkpoint";
  interrupted(file, 2, 4, 0);
  const std::vector<char> good = bytes_of(file);
  REQUIRE(good.size() > 100);
  const auto refused = [&](const std::vector<char>& bytes, checkpoint::Identity id,
                           const std::string& needle) {
    write_bytes(file, bytes);
    checkpoint::Session s(file, std::move(id), 0.0);
    bool threw = false;
    try {
      (void)s.load();
    } catch (const checkpoint::Refused& e) {
      threw = true;
      CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos, e.what());
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    CHECK_MESSAGE(threw, needle);
  };
  refused(good, identity(8), "seed 7, this run has seed 8");
  auto other = identity();
  other.config_toml = "a = 2\nseed = 7\n";
  refused(good, other, "another configuration ('a = 1' vs 'a = 2')");
  other = identity();
  other.code_version = "v2";
  refused(good, other, "code version v1, this binary is v2");
  other = identity();
  other.ranks = 2;
  refused(good, other, "1 MPI rank(s), this run has 2");
  other = identity();
  other.experiment = "else";
  refused(good, other, "experiment test, this is else");
  refused(std::vector<char>(good.begin(), good.begin() + static_cast<long>(good.size()) - 1), identity(),
          "truncated");
  refused(std::vector<char>(good.begin(), good.begin() + 12), identity(), "truncated");
  refused({}, identity(), "not an sgdsde checkpoint");
  std::vector<char> longer = good;
  longer.push_back('x');
  refused(longer, identity(), "truncated or corrupt");
  // A flipped byte anywhere is refused, never accepted, never a crash: every byte of the header and
  // the trailer, and every 5th of the payload (all of them would take seconds under the sanitizers).
  for (std::size_t i = 0; i < good.size(); i += (i < 64 || i + 16 >= good.size()) ? 1 : 5) {
    std::vector<char> bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    checkpoint::Identity id;
    std::vector<checkpoint::CallRecord> calls;
    bool threw = false;
    try {
      checkpoint::Session::parse(std::as_bytes(std::span<const char>(bad)), "c", id, calls);
    } catch (const checkpoint::Refused&) {
      threw = true;
    }
    if (!threw) FAIL("a flipped byte at " << i << " was accepted");
  }
  write_bytes(file, good);
  checkpoint::Session s(file, identity(), 0.0);
  CHECK(s.load());
}

TEST_CASE("checkpoint: a run whose calls differ from the checkpoint's is refused") {
  Folder dir;
  const fs::path file = dir.path / ".r.h5.checkpoint";
  interrupted(file, 2, 4, 0);
  checkpoint::Session s(file, identity(), 0.0);
  REQUIRE(s.load());
  checkpoint::set_active(&s);
  Walk w;
  Ensemble x = Ensemble::Zero(2, 100);  // not the 300 particles of the checkpoint's first call
  RunOptions opts;
  opts.n_steps = 10;
  CHECK_THROWS_AS(run_ensemble(w, x, opts), checkpoint::Refused);
  checkpoint::set_active(nullptr);
}

/// An observer without save/restore: its calls are recomputed whole on resume.
struct LastState {
  std::vector<double> last;
  void begin(const ObserverContext& c) { last.assign(static_cast<std::size_t>(c.particles), 0.0); }
  void observe(const Ensemble& x, const BlockView& v, long) {
    for (Index p = v.first; p < v.first + v.count; ++p) last[static_cast<std::size_t>(p)] = x(0, p);
  }
  void end() {}
};
std::vector<double> run_with_last_state(int threads) {
  omp_set_num_threads(threads);
  Walk w;
  w.block = 16;
  Ensemble x = Ensemble::Zero(2, 100);
  RunOptions opts;
  opts.n_steps = 20;
  opts.block = 16;
  LastState a, b;
  run_ensemble(w, x, opts, a);  // a first call, recomputed
  run_ensemble(w, x, opts, b);
  std::vector<double> out = a.last;
  out.insert(out.end(), b.last.begin(), b.last.end());
  return out;
}

TEST_CASE("checkpoint: a call with an observer without save/restore is recomputed on resume") {
  const std::vector<double> reference = run_with_last_state(2);
  Folder dir;
  const fs::path file = dir.path / ".r.h5.checkpoint";
  {
    checkpoint::Session s(file, identity(), 1e-9);
    checkpoint::set_active(&s);
    g_fail_from = 3;
    g_fail_call = 1;
    g_calls = 0;
    CHECK_THROWS_AS(run_with_last_state(2), std::runtime_error);
    g_fail_from = -1;
    checkpoint::set_active(nullptr);
  }
  REQUIRE(fs::exists(file));  // written at the end of the first call
  checkpoint::Session s(file, identity(), 0.0);
  REQUIRE(s.load());
  CHECK(s.saved_calls() == 1);
  CHECK(s.saved_blocks() == 0);
  checkpoint::set_active(&s);
  const std::vector<double> r = run_with_last_state(1);
  checkpoint::set_active(nullptr);
  CHECK(same_bits(reference, r));
}

TEST_CASE("checkpoint: a checkpoint temporary of a dead process is removed, a live one's kept") {
  Folder dir;
  const fs::path file = dir.path / ".r.h5.checkpoint";
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);  // reaped: its pid is dead
  const fs::path dead = io::temporary_path_of(file, child), live = io::temporary_path_of(file, ::getppid());
  for (const auto& t : {dead, live}) std::ofstream(t, std::ios::binary) << "\x89SGDCKP\n and the rest";
  const checkpoint::Session s(file, identity(), 1.0);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
}

TEST_CASE("checkpoint: file names next to the results file") {
  CHECK(checkpoint::path_of("results/a.h5", 0, 1) == fs::path("results/.a.h5.checkpoint"));
  CHECK(checkpoint::path_of("results/a.h5", 1, 2) == fs::path("results/.a.h5.checkpoint.r1"));
  Folder dir;
  const fs::path out = dir.path / "a.h5";
  for (const char* n : {".a.h5.checkpoint", ".a.h5.checkpoint.r0", ".a.h5.checkpoint.r2",
                        ".a.h5.checkpoint.bak", "..a.h5.checkpoint.tmp-1"})
    std::ofstream(dir.path / n) << "x";
  const auto names = [](const std::vector<fs::path>& v) {
    std::vector<std::string> s;
    for (const auto& p : v) s.push_back(p.filename().string());
    return s;
  };
  CHECK(names(checkpoint::foreign_files(out, 1)) ==
        std::vector<std::string>{".a.h5.checkpoint.r0", ".a.h5.checkpoint.r2"});
  CHECK(names(checkpoint::foreign_files(out, 2)) ==
        std::vector<std::string>{".a.h5.checkpoint", ".a.h5.checkpoint.r2"});
  CHECK(names(checkpoint::foreign_files(out, 3)) == std::vector<std::string>{".a.h5.checkpoint"});
}

}  // namespace checkpoint_test
