#pragma once
// The experiment harness: every named experiment is a short main that declares its parameters
// and hands its body to Experiment::run (docs/adding-an-experiment.md).
//
//   int main(int argc, char** argv) {
//     sgdsde::Experiment exp("landscape_atlas", "Writes every landscape sampled on its box");
//     exp.param("grid.n", 101, "grid points per axis", sgdsde::at_least(3));
//     return exp.run(argc, argv, [](sgdsde::RunContext& ctx) {
//       const auto& cfg = ctx.config();  auto& out = ctx.file();  auto& checks = ctx.checks();
//       …
//     });
//   }
//
// run() parses the command line (--config, --set key=value, --profile, --out, --seed, --threads,
// --quiet, --dry-run, --strict, --control, --help), resolves the configuration (schema defaults < profile
// table of the config file < --set), validates it, sets the OpenMP thread count, opens the results file under
// a temporary name with the provenance attributes, runs the body, writes /summary/checks, prints the checks
// table and renames the file into place. Exit codes: 0 success (failed checks included), 1 runtime failure, 2
// invalid input (one line on stderr: "<name>: error: <what>"), 3 failed checks with --strict. No output file
// is left behind on failure. Under mpirun (core/ranks.hpp) every rank runs the body; rank 0 alone prints and
// writes the file, and a failure of any rank inside the ensemble runner ends every rank with exit code 1 and
// one line naming the rank.
// --checkpoint-every SECONDS and --resume checkpoint the ensemble runs next to the results file and
// continue them after a kill, bit for bit (ensemble/checkpoint.hpp, docs/reliability.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sgdsde/core/config.hpp"
#include "sgdsde/harness/negative_control.hpp"
#include "sgdsde/harness/progress.hpp"
#include "sgdsde/io/checks.hpp"
#include "sgdsde/io/results_file.hpp"

namespace sgdsde::detail {
/// The config file an experiment binary reads without --config: defined for each binary by a file
/// cmake/SgdsdeExperiment.cmake generates (a link-time value, so that the mains can share one
/// precompiled header); "" elsewhere (a weak definition in the library).
extern const char* const experiment_default_config;
}  // namespace sgdsde::detail

// A main compiled with SGDSDE_DEFAULT_CONFIG defined takes that instead (the fuzzers link several
// mains into one binary).
#ifdef SGDSDE_DEFAULT_CONFIG
#define SGDSDE_DETAIL_DEFAULT_CONFIG SGDSDE_DEFAULT_CONFIG
#else
#define SGDSDE_DETAIL_DEFAULT_CONFIG ::sgdsde::detail::experiment_default_config
#endif

namespace sgdsde {

using io::Checks;
using io::ResultsFile;

/// The most steps a run may be asked for: beyond any run's budget, and near where rounding a double
/// step count to long is no longer exact.
inline constexpr double kMaxRunSteps = 1e13;

/// K = round(t / η), the steps of a run of SGD time t = Kη; an input error (exit code 2) when K would
/// exceed kMaxRunSteps.
[[nodiscard]] long steps_for(double t, double eta);

/// What the experiment body sees.
class RunContext {
 public:
  [[nodiscard]] const Config& config() const { return *config_; }
  [[nodiscard]] ResultsFile& file() { return *file_; }
  [[nodiscard]] Checks& checks() { return *checks_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& profile() const { return profile_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] int threads() const { return threads_; }
  [[nodiscard]] bool quiet() const { return quiet_; }
  /// What the predictions assume: the true theory, or a negative control (--control).
  [[nodiscard]] const Theory& theory() const { return theory_; }
  /// A progress bar on stderr (drawn only on a terminal, without --quiet, after one second).
  [[nodiscard]] Progress progress(std::int64_t total, std::string label) const {
    return Progress(total, std::move(label), show_progress_);
  }
  /// A line of information on stdout (suppressed by --quiet).
  void log(const std::string& line) const;

 private:
  friend class Experiment;
  const Config* config_ = nullptr;
  ResultsFile* file_ = nullptr;
  Checks* checks_ = nullptr;
  std::ostream* out_ = nullptr;
  std::string name_, profile_;
  std::uint64_t seed_ = 0;
  int threads_ = 1;
  Theory theory_;
  bool quiet_ = false, show_progress_ = false;
};

class Experiment {
 public:
  using Body = std::function<void(RunContext&)>;

  /// `default_config` is the config file used without --config; experiment binaries get theirs
  /// from detail::experiment_default_config (cmake/SgdsdeExperiment.cmake); "" = none.
  Experiment(std::string name, std::string description,
             std::string default_config = SGDSDE_DETAIL_DEFAULT_CONFIG);

  /// Declares a parameter. The default's type fixes the key's type: bool, integer (stored as
  /// std::int64_t), double, string, or std::vector<double>.
  template <class T, class... C>
  Experiment& param(std::string key, T&& default_value, std::string meaning, C&&... constraints) {
    schema_->add(ParamSpec{std::move(key), detail::to_param_value(std::forward<T>(default_value)),
                           std::move(meaning), std::vector<Constraint>{std::forward<C>(constraints)...}});
    return *this;
  }
  /// A check across keys, e.g. cross_check({"sgd.batch", "data.n"}, pred, "must have B <= N").
  Experiment& cross_check(std::vector<std::string> keys, std::function<bool(const Config&)> pred,
                          std::string message);

  /// The minibatch cannot be larger than the data set: B ≤ N for a batch key (an integer or an
  /// array of batch sizes) and a data-set-size key; named in the one-line error otherwise.
  Experiment& batch_within_samples(const std::string& batch_key, const std::string& samples_key);

  /// Runs the experiment; returns the process exit code (never throws).
  int run(int argc, char** argv, const Body& body);

  /// Where run() prints (stdout / stderr by default); for tests.
  void set_streams(std::ostream& out, std::ostream& err) {
    out_ = &out;
    err_ = &err;
  }
  [[nodiscard]] const Schema& schema() const { return *schema_; }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  int run_guarded(int argc, char** argv, const Body& body);
  int run_impl(int argc, char** argv, const Body& body);
  std::string name_, description_, default_config_;
  std::shared_ptr<Schema> schema_;
  std::ostream* out_;
  std::ostream* err_;
};

}  // namespace sgdsde
