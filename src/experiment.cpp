#include "sgdsde/harness/experiment.hpp"

#include <omp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "sgdsde/core/build_info.hpp"
#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/ranks.hpp"
#include "sgdsde/ensemble/checkpoint.hpp"
#include "sgdsde/io/provenance.hpp"

namespace sgdsde {

namespace {
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

/// More threads than this per core only add overhead (and memory for their stacks); a larger
/// request is a typing error, not a plan.
constexpr int kMaxThreadsPerCore = 64;

/// Refuses a thread count that is not sensible: more than kMaxThreadsPerCore × the cores, or above
/// OpenMP's limit. `what` names where the count came from.
void check_thread_count(long threads, const std::string& what) {
  const int cores = omp_get_num_procs();
  const long sensible = static_cast<long>(kMaxThreadsPerCore) * cores;
  if (threads < 1) throw InputError(what + ": must be >= 1");
  if (threads > sensible)
    throw InputError(what + ": more than " + std::to_string(kMaxThreadsPerCore) + " x the " +
                     std::to_string(cores) + " cores of this machine (at most " + std::to_string(sensible) +
                     ")");
  if (threads > omp_get_thread_limit())
    throw InputError(what + ": more than OpenMP's thread limit " + std::to_string(omp_get_thread_limit()) +
                     " (OMP_THREAD_LIMIT)");
}

/// Starts the threads a run will use before any file exists. A probe with std::thread first: when
/// the system cannot give them (RLIMIT_NPROC, memory for their stacks), that is one line and exit
/// code 1, where OpenMP would print its own message and exit(), or crash. Then the OpenMP team
/// itself, so that the run's first parallel region does not start threads any more (libgomp keeps
/// them).
void start_threads(int threads) {
  {
    std::vector<std::thread> probe;
    probe.reserve(static_cast<std::size_t>(threads));
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    std::string failure;
    for (int i = 1; i < threads; ++i) {
      try {
        probe.emplace_back([&] {
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return release; });
        });
      } catch (const std::system_error& e) {
        failure = e.code().message();
        break;
      }
    }
    {
      std::lock_guard lock(m);
      release = true;
    }
    cv.notify_all();
    for (auto& t : probe) t.join();
    if (!failure.empty())
      throw std::runtime_error("cannot start " + std::to_string(threads) + " threads: " + failure);
  }
  // OpenMP may give fewer threads (OMP_DYNAMIC): its choice, not a failure.
#pragma omp parallel num_threads(threads)
  {}
}

/// Makes a checkpoint session the runner's for the scope (an exception from the body included).
struct ActiveSession {
  explicit ActiveSession(checkpoint::Session* s) { checkpoint::set_active(s); }
  ~ActiveSession() { checkpoint::set_active(nullptr); }
  ActiveSession(const ActiveSession&) = delete;
  ActiveSession& operator=(const ActiveSession&) = delete;
};

/// Every rank's verdict on its checkpoint, agreed on: the lowest failing rank's line is every rank's
/// input error (a rank that went on alone would wait for the others in the first ensemble run).
void agree_on(const std::string& problem) {
  if (const auto f = ranks::first_failure(problem.empty() ? nullptr : &problem))
    throw checkpoint::Refused(f->second);
}

/// The checkpoint session of a run with --checkpoint-every and/or --resume, checked before any work:
/// a checkpoint of another run, or a damaged one, is refused with one line (exit code 2). Without
/// --resume an existing checkpoint is refused too (it would be overwritten: the user decides).
std::unique_ptr<checkpoint::Session> open_checkpoint(const std::filesystem::path& out,
                                                     checkpoint::Identity id, double every, bool resume,
                                                     const std::string& name, std::ostream& err) {
  const int rank = ranks::rank(), K = ranks::size();
  auto session =
      std::make_unique<checkpoint::Session>(checkpoint::path_of(out, rank, K), std::move(id), every);
  std::string problem;
  bool found = false;
  try {
    // A checkpoint written on another number of ranks has other names: each rank looks (one folder).
    if (const auto foreign = checkpoint::foreign_files(out, K); !foreign.empty()) {
      throw checkpoint::Refused("checkpoint " + foreign.front().string() +
                                " belongs to a run on another number of MPI ranks, this run has " +
                                std::to_string(K) + (resume ? "" : "; delete it to start over"));
    }
    std::error_code ec;
    if (!resume && std::filesystem::exists(session->file(), ec))
      throw checkpoint::Refused("checkpoint " + session->file().string() +
                                " of an interrupted run exists: add --resume to continue it, or delete it to "
                                "start over");
    if (resume) found = session->load();
  } catch (const checkpoint::Refused& e) {
    problem = e.what();
  }
  agree_on(problem);
  if (resume) {
    std::vector<std::int64_t> counts{found ? 1 : 0, static_cast<std::int64_t>(session->saved_blocks())};
    ranks::sum(counts);
    if (counts[0] == 0)
      err << name << ": --resume: no checkpoint of " << out.string() << "; starting from the beginning"
          << std::endl;
    else
      err << name << ": resuming from " << (K > 1 ? "the checkpoints" : "the checkpoint") << " of "
          << out.string() << " (" << counts[1] << " finished blocks)" << std::endl;
  }
  return session;
}
/// Commits the results file, then removes the checkpoint: under MPI every rank waits for rank 0's
/// commit (a failed commit keeps every rank's checkpoint for another --resume).
void commit_then_remove(ResultsFile& file, checkpoint::Session& session) {
  std::string failure;
  try {
    file.commit();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (const auto f = ranks::first_failure(failure.empty() ? nullptr : &failure))
    throw std::runtime_error(f->second);
  session.remove();
}
}  // namespace

void RunContext::log(const std::string& line) const {
  if (!quiet_ && out_) *out_ << line << "\n" << std::flush;
}

// Binaries without a config of their own (tests) see "": each experiment binary links a strong
// definition (cmake/SgdsdeExperiment.cmake), which the linker takes over this weak one.
namespace detail {
[[gnu::weak]] extern const char* const experiment_default_config = "";
}  // namespace detail

Experiment::Experiment(std::string name, std::string description, std::string default_config)
    : name_(std::move(name)),
      description_(std::move(description)),
      default_config_(std::move(default_config)),
      schema_(std::make_shared<Schema>()),
      out_(&std::cout),
      err_(&std::cerr) {
  schema_->add(ParamSpec{"seed",
                         ParamValue{std::int64_t{20240601}},
                         "seed of every random stream (also --seed)",
                         {non_negative()}});
}

Experiment& Experiment::cross_check(std::vector<std::string> keys, std::function<bool(const Config&)> pred,
                                    std::string message) {
  schema_->add_cross_check(CrossCheck{std::move(keys), std::move(pred), std::move(message)});
  return *this;
}

Experiment& Experiment::batch_within_samples(const std::string& batch_key, const std::string& samples_key) {
  return cross_check(
      {batch_key, samples_key},
      [batch_key, samples_key](const Config& c) {
        const auto N = static_cast<double>(c.get<std::int64_t>(samples_key));
        const ParamValue& b = c.value(batch_key);
        if (const auto* one = std::get_if<std::int64_t>(&b)) return static_cast<double>(*one) <= N;
        for (double B : std::get<std::vector<double>>(b))
          if (B > N) return false;
        return true;
      },
      "the batch size B must not exceed the number of samples N");
}

long steps_for(double t, double eta) {
  const double k = t / eta;
  if (!(k <= kMaxRunSteps)) {
    char text[80];
    std::snprintf(text, sizeof text, "time / eta = %.3g steps: more than %.0e", k, kMaxRunSteps);
    throw InputError(std::string(text) + ", beyond any run's budget");
  }
  return std::lround(k);
}

int Experiment::run(int argc, char** argv, const Body& body) {
  try {
    ranks::init(&argc, &argv);
  } catch (const std::exception& e) {
    *err_ << name_ << ": error: " << one_line(e.what()) << std::endl;
    return 1;
  }
  // Under mpirun every rank computes the same results (the runner shares the ensemble's work and its
  // partial results, core/ranks.hpp): only rank 0 prints and writes the file (docs/cluster.md).
  std::ostringstream silent;
  std::ostream* out = out_;
  std::ostream* err = err_;
  if (ranks::rank() != 0) out_ = err_ = &silent;
  const int code = run_guarded(argc, argv, body);
  out_ = out;
  err_ = err;
  ranks::finalize();
  return code;
}

int Experiment::run_guarded(int argc, char** argv, const Body& body) {
  try {
    return run_impl(argc, argv, body);
  } catch (const InputError& e) {
    *err_ << name_ << ": error: " << one_line(e.what()) << std::endl;
    return 2;
  } catch (const std::bad_alloc&) {
    *err_ << name_ << ": error: out of memory: the parameters ask for more memory than this machine has"
          << " (particles, grid or bin counts too large?)" << std::endl;
    return 1;
  } catch (const std::length_error&) {
    *err_ << name_ << ": error: out of memory: the parameters ask for an array larger than can be allocated"
          << " (particles, grid or bin counts too large?)" << std::endl;
    return 1;
  } catch (const std::exception& e) {
    *err_ << name_ << ": error: " << one_line(e.what()) << std::endl;
    return 1;
  } catch (...) {
    *err_ << name_ << ": error: unknown exception" << std::endl;
    return 1;
  }
}

int Experiment::run_impl(int argc, char** argv, const Body& body) {
  const auto t0 = std::chrono::steady_clock::now();
  // ---- command line ------------------------------------------------------------------------------
  CLI::App app{description_, name_};
  std::string config_path = default_config_, profile = "quick", out_path;
  std::vector<std::string> sets;
  std::optional<std::int64_t> seed;
  int threads = 0;
  bool quiet = false, dry_run = false, strict = false;
  std::string control = "none";
  app.add_option("--config", config_path, "TOML file with [quick] and [paper] profile tables")
      ->default_str(default_config_.empty() ? "(none)" : default_config_);
  app.add_option("--set", sets, "override a parameter: key=value (a TOML value), repeatable")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  app.add_option("--profile", profile, "profile table of the config file (quick, paper)")
      ->default_str("quick");
  app.add_option("--out", out_path, "results file")->default_str("results/" + name_ + ".h5");
  app.add_option("--seed", seed, "seed of every random stream (same as --set seed=N)");
  app.add_option("--threads", threads, "OpenMP threads (default: all cores)");
  app.add_flag("--quiet,-q", quiet, "no progress bar, no checks table");
  app.add_flag("--dry-run", dry_run, "print the resolved configuration as TOML and exit");
  app.add_flag("--strict", strict, "exit with code 3 if any check fails");
  app.add_option(
         "--control", control,
         "negative control: predictions from a deliberately wrong theory (SGD unchanged): " +
             [] {
               std::string l;
               for (const auto& n : negative_control_names()) l += (l.empty() ? "" : ", ") + n;
               return l;
             }())
      ->default_str("none");
  app.footer("Parameters (key, default, meaning; set with --set key=value or in the profile tables):\n" +
             schema_->describe() +
             "\nExit codes: 0 success, 1 runtime failure, 2 invalid input, 3 failed checks with --strict.");
  double checkpoint_every = 0;
  bool resume = false;
  app.add_option("--checkpoint-every", checkpoint_every,
                 "write a checkpoint (next to --out) at the first block end after every SECONDS (fractions "
                 "allowed); removed once the results are written")
      ->type_name("SECONDS");
  app.add_flag("--resume", resume,
               "continue from the checkpoint of an interrupted run of the same configuration, seed, code "
               "version and rank count (none: start from the beginning)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    *out_ << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    *out_ << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    throw InputError(e.what());
  }

  // ---- configuration -----------------------------------------------------------------------------
  Config cfg(schema_);
  if (!config_path.empty()) {
    cfg.apply_file(config_path, profile);
  } else if (profile != "quick" && profile != "paper") {
    throw InputError("unknown profile '" + profile + "' (no config file; available: quick, paper)");
  }
  if (seed) cfg.set("seed", *seed);
  for (const auto& s : sets) cfg.apply_assignment(s);
  cfg.validate();
  const Theory theory(negative_control_from_string(control));

  if (app.count("--threads") > 0) {
    check_thread_count(threads, "--threads " + std::to_string(threads));
    omp_set_num_threads(threads);
  } else {
    check_thread_count(omp_get_max_threads(), "OMP_NUM_THREADS = " + std::to_string(omp_get_max_threads()));
  }
  const int used_threads = omp_get_max_threads();
  const bool checkpointing = app.count("--checkpoint-every") > 0;
  if (checkpointing && !(checkpoint_every > 0 && checkpoint_every <= 1e9))
    throw InputError("--checkpoint-every " + app.get_option("--checkpoint-every")->as<std::string>() +
                     ": must be a number of seconds > 0");

  if (dry_run) {
    *out_ << "# " << name_ << ", profile " << profile << "\n" << cfg.to_toml() << std::flush;
    return 0;
  }

  // ---- output file: created (as a temporary) before any work, so a bad --out fails at once -------
  std::filesystem::path out = out_path;
  if (out_path.empty()) {
    out = std::filesystem::path("results") / (name_ + ".h5");
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    if (ec) throw InputError("cannot create folder results/: " + ec.message());
  }
  start_threads(used_threads);
  // Rank 0 writes the file; the other ranks build the same one in memory only.
  std::optional<ResultsFile> file_slot;
  if (ranks::rank() == 0)
    file_slot.emplace(out);
  else
    file_slot.emplace(out, ResultsFile::InMemoryOnly{});
  ResultsFile& file = *file_slot;
  if (!file.stale_removed().empty()) {
    // One line, whatever their number: a note, not an error (the run goes on).
    std::string names;
    for (const auto& p : file.stale_removed()) names += (names.empty() ? "" : ", ") + p.filename().string();
    *err_ << name_ << ": removed " << file.stale_removed().size() << " stale temporary file"
          << (file.stale_removed().size() == 1 ? "" : "s") << " of " << out.string()
          << " left by processes that no longer exist: " << names << std::endl;
  }
  io::Provenance prov;
  prov.experiment = name_;
  prov.config_toml = cfg.to_toml();
  prov.profile = profile;
  prov.seed = cfg.get<std::int64_t>("seed");
  prov.threads = used_threads;
  prov.started_at = io::iso8601_utc_now();
  io::write_provenance(file, prov);
  // A results file computed under a negative control says so where every reader looks first.
  file.set_attribute("/", "negative_control", to_string(theory.control()));
  file.set_attribute("/", "mpi_ranks", static_cast<std::int64_t>(ranks::size()));
  file.set_attribute("/", "mpi_library",
                     ranks::active() ? ranks::library_version() : std::string("(not under mpirun)"));

  // Checkpoints: checked (and on --resume read) before any work.
  std::unique_ptr<checkpoint::Session> session;
  if (checkpointing || resume) {
    checkpoint::Identity id;
    id.experiment = name_;
    // A negative control changes every continuous model run beside SGD: part of what a checkpoint is of.
    id.config_toml = prov.config_toml + "# --control " + to_string(theory.control()) + "\n";
    id.code_version = build_info().code_version;
    id.seed = prov.seed;
    id.ranks = ranks::size();
    id.rank = ranks::rank();
    session =
        open_checkpoint(out, std::move(id), checkpointing ? checkpoint_every : 0.0, resume, name_, *err_);
  }
  const ActiveSession active(session.get());

  Checks checks;
  RunContext ctx;
  ctx.config_ = &cfg;
  ctx.file_ = &file;
  ctx.checks_ = &checks;
  ctx.out_ = out_;
  ctx.name_ = name_;
  ctx.profile_ = profile;
  ctx.seed_ = static_cast<std::uint64_t>(prov.seed);
  ctx.threads_ = used_threads;
  ctx.quiet_ = quiet;
  ctx.theory_ = theory;
  ctx.show_progress_ = !quiet && ::isatty(STDERR_FILENO) == 1;

  body(ctx);  // an exception discards the temporary file (ResultsFile's destructor)

  checks.write(file);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  file.set_attribute("/", "wall_seconds", wall);
  if (session) commit_then_remove(file, *session);
  file.commit();
  if (!quiet) {
    if (checks.size() > 0) {
      *out_ << name_ << ": checks"
            << (theory.is_control() ? " (negative control " + to_string(theory.control()) + ")" : "") << "\n";
      checks.print(*out_);
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", wall);
    *out_ << name_ << ": wrote " << out.string() << " (" << buf << " s, " << used_threads << " threads)"
          << std::endl;
  }
  return strict && !checks.all_passed() ? 3 : 0;
}

}  // namespace sgdsde
