// Smoke test of the eta_over_b experiment: the quick profile runs, its file is valid and the
// headline checks (W1 grows with eta as predicted; the uncorrected without-replacement run differs,
// the corrected one does not) pass.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;

TEST_CASE("eta_over_b quick profile: valid file, headline checks pass") {
  const fs::path dir = fs::path(SGDSDE_BINARY_DIR) / "results-quick";
  fs::create_directories(dir);
  const fs::path out = dir / "eta_over_b.h5";
  const std::string cmd = std::string(SGDSDE_BINARY_DIR) +
                          "/bin/eta_over_b --profile quick --threads 2 --quiet --out " + out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const sgdsde::io::ResultsReader r(out);
  for (const char* a :
       {"experiment", "config_toml", "seed", "code_version", "wall_seconds", "threads", "profile"})
    CHECK(r.has_attribute("/", a));
  CHECK(r.exists("/summary/w1_vs_eta/eta"));
  CHECK(r.read_doubles("/summary/w1_vs_eta/eta").size() >= 3);
  const auto rows = r.read_checks();
  REQUIRE(rows.size() > 10);
  auto passed = [&](const std::string& prefix) {
    for (const auto& row : rows)
      if (row.name.rfind(prefix, 0) == 0) return row.passed;
    FAIL("missing check " << prefix);
    return false;
  };
  CHECK(passed("eta_over_b: slope of W1 vs eta > 0"));
  CHECK(passed("eta_over_b: slope of W1 vs eta vs prediction"));
  CHECK(passed("eta_over_b without_replacement_uncorrected (eta=0.02, B=8): vs law at T"));
  CHECK(passed("eta_over_b without_replacement_corrected (eta=0.0375, B=8): vs EM-chain law w1"));
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
