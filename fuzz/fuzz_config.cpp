// libFuzzer target: the configuration layer of every experiment. The input is text:
//
//   line 1       the experiment (an unknown name picks one by a hash of the line)
//   line 2       the --profile argument
//   lines …      the TOML file given with --config, up to a line "%%"
//   lines after  one --set assignment each
//
// The experiment's own main runs with --dry-run: the command line (CLI11), the TOML file
// (toml++), the assignments, the schema's types and constraints, the cross-checks and the
// resolved TOML all see the input; the body never runs. Bad input must be an exception turned into
// one line and exit code 2; a crash, a sanitizer report or a hang is a bug.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_experiments.hpp"

namespace {
namespace fs = std::filesystem;
fs::path g_toml;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fs::path dir = fs::temp_directory_path() / ("sgdsde_fuzz_config_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  g_toml = dir / "config.toml";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return -1;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string name, profile, line, toml;
  std::getline(in, name);
  std::getline(in, profile);
  std::vector<std::string> sets;
  bool in_toml = true;
  while (std::getline(in, line)) {
    if (in_toml && line == "%%") {
      in_toml = false;
    } else if (in_toml) {
      toml += line + "\n";
    } else {
      sets.push_back(line);
    }
  }
  const FuzzExperiment* exp = nullptr;
  for (const auto& e : kFuzzExperiments)
    if (name == e.name) exp = &e;
  if (!exp) exp = &kFuzzExperiments[std::hash<std::string>{}(name) % std::size(kFuzzExperiments)];
  {
    std::ofstream out(g_toml, std::ios::binary | std::ios::trunc);
    out << toml;
  }
  std::vector<std::string> args = {exp->name, "--dry-run", "--config", g_toml.string(), "--profile", profile};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int code = exp->main(static_cast<int>(args.size()), argv.data());
  // The harness's contract: 0 (the configuration printed) or 2 (bad input, one line). A runtime
  // failure (1) would mean that resolving a configuration did work that can fail at run time.
  if (code != 0 && code != 2) __builtin_trap();
  return 0;
}
