// Smoke test of the lyapunov_covariance experiment: the quick profile runs, its file is valid (provenance,
// raw groups) and its headline checks exist and passed (docs/experiments/lyapunov_covariance.md).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;

TEST_CASE("lyapunov_covariance: quick profile runs and its headline checks pass") {
  const fs::path dir = fs::path(SGDSDE_BINARY_DIR) / "results-quick";
  fs::create_directories(dir);
  const fs::path file = dir / "lyapunov_covariance.h5";
  fs::remove(file);
  const std::string cmd = std::string("'") + SGDSDE_BINARY_DIR +
                          "/bin/lyapunov_covariance' --profile quick --threads 2 --quiet --out '" +
                          file.string() + "' > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(fs::exists(file));

  const sgdsde::io::ResultsReader r(file);
  for (const char* a :
       {"experiment", "config_toml", "seed", "code_version", "wall_seconds", "threads", "profile"})
    CHECK_MESSAGE(r.has_attribute("/", a), a);
  CHECK(r.attribute_string("/", "experiment") == "lyapunov_covariance");
  CHECK(r.attribute_string("/", "profile") == "quick");
  for (const char* d :
       {"/sgd/d2/covariance", "/sgd/d100/covariance", "/sde/d100/covariance", "/theory/d2/discrete_lyapunov",
        "/theory/d100/continuous_lyapunov", "/theory/d100/curvatures"})
    CHECK_MESSAGE(r.is_dataset(d), d);

  const auto rows = r.read_checks();
  REQUIRE(!rows.empty());
  const std::vector<std::string> headline = {
      "d=2: SGD S_22 vs discrete Lyapunov",
      "d=2: relative gap u'S u / u'S_cont u - 1 (stiff direction) vs predicted",
      "d=2: gap to continuous Lyapunov resolved (z-score, stiff direction)",
      "d=100: chi2 of diagonal z-scores, SGD vs discrete Lyapunov",
      "d=100: chi2 of diagonal z-scores, SGD vs continuous Lyapunov",
      "d=100: measured/predicted O(eta) gap amplitude"};
  for (const auto& h : headline) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.name == h; });
    REQUIRE_MESSAGE(it != rows.end(), "missing check: " << h);
    CHECK_MESSAGE(it->passed, h << ": measured " << it->measured << " predicted " << it->predicted
                                << " tolerance " << it->tolerance);
  }
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
