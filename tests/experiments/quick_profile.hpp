#pragma once
// Shared by the experiment smoke tests: run an experiment's quick profile into
// <build>/results-quick/<name>.h5 (where the plot tests read it) and check what every results
// file must carry: the provenance attributes, and checks that exist and passed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sgdsde/io/results_reader.hpp"

namespace sgdsde::test {

/// Runs `<build>/bin/<name> --profile quick --threads 2` and returns the path of its results file.
inline std::filesystem::path run_quick_profile(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(SGDSDE_BINARY_DIR) / "results-quick";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / (name + ".h5");
  std::filesystem::remove(file);
  // Starts from a std::string (GCC 12 at -O3 sees a false -Wstringop-overflow in "'" + std::string(...)).
  const std::string cmd = std::string("'") + SGDSDE_BINARY_DIR + "/bin/" + name +
                          "' --profile quick --threads 2 --quiet --out '" + file.string() + "' > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(std::filesystem::exists(file));
  return file;
}

/// The root attributes of DESIGN.md, for a quick-profile run of `name`.
inline void check_provenance(const io::ResultsReader& r, const std::string& name) {
  for (const char* a : {"experiment", "config_toml", "seed", "code_version", "compiler", "library_versions",
                        "started_at", "wall_seconds", "threads", "profile"})
    CHECK_MESSAGE(r.has_attribute("/", a), a);
  CHECK(r.attribute_string("/", "experiment") == name);
  CHECK(r.attribute_string("/", "profile") == "quick");
}

/// Every headline check exists and passed, and so does every other check of the file.
inline void check_all_passed(const std::vector<io::CheckRow>& rows,
                             const std::vector<std::string>& headline) {
  REQUIRE(!rows.empty());
  for (const auto& h : headline) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.name == h; });
    REQUIRE_MESSAGE(it != rows.end(), "missing check: " << h);
    CHECK_MESSAGE(it->passed, h << ": measured " << it->measured << " predicted " << it->predicted
                                << " tolerance " << it->tolerance);
  }
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}

}  // namespace sgdsde::test
