// Smoke test of the sme_weak_order experiment: the quick profile runs, its file is valid and the
// headline checks (slopes 1, 1, 2; SME-2 beats SME-1 at the smallest eta) pass.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;

TEST_CASE("sme_weak_order quick profile: valid file, headline checks pass") {
  const fs::path dir = fs::path(SGDSDE_BINARY_DIR) / "results-quick";
  fs::create_directories(dir);
  const fs::path out = dir / "sme_weak_order.h5";
  const std::string cmd = std::string(SGDSDE_BINARY_DIR) +
                          "/bin/sme_weak_order --profile quick --threads 2 --quiet --out " + out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const sgdsde::io::ResultsReader r(out);
  for (const char* a :
       {"experiment", "config_toml", "seed", "code_version", "wall_seconds", "threads", "profile"})
    CHECK(r.has_attribute("/", a));
  const auto eta = r.read_doubles("/sgd/eta");
  CHECK(eta.size() >= 3);
  for (const char* fn : {"theta", "theta2"})
    for (const char* m : {"gradient_flow", "sme1", "sme2"}) {
      const std::string g = std::string("/summary/") + fn + "/" + m;
      CHECK(r.read_doubles(g + "/weak_error").size() == eta.size());
      CHECK(r.read_doubles(g + "/std_error").size() == eta.size());
    }
  const auto rows = r.read_checks();
  REQUIRE(rows.size() == 18);
  auto passed = [&](const std::string& name) {
    for (const auto& row : rows)
      if (row.name == name) return row.passed;
    FAIL("missing check " << name);
    return false;
  };
  for (const char* fn : {"theta", "theta2"}) {
    const std::string p = std::string("sme_weak_order ") + fn;
    CHECK(passed(p + " gradient_flow: log-log slope of |weak error| vs eta"));
    CHECK(passed(p + " sme1: log-log slope of |weak error| vs eta"));
    CHECK(passed(p + " sme2: log-log slope of |weak error| vs eta"));
    CHECK(passed(p + ": |e_SME1| - |e_SME2| at the smallest eta"));
  }
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
