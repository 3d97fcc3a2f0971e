// Smoke test of the stationary_distribution experiment: the quick profile runs, its file is valid
// (provenance, histograms and references comparable by the compare tool) and the headline checks pass.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sgdsde/io/distributions.hpp"
#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;

TEST_CASE("stationary_distribution quick profile: valid file, headline checks pass") {
  const fs::path dir = fs::path(SGDSDE_BINARY_DIR) / "results-quick";
  fs::create_directories(dir);
  const fs::path out = dir / "stationary_distribution.h5";
  const std::string cmd = std::string(SGDSDE_BINARY_DIR) +
                          "/bin/stationary_distribution --profile quick --threads 2 --quiet --out " +
                          out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const sgdsde::io::ResultsReader r(out);
  for (const char* a :
       {"experiment", "config_toml", "seed", "code_version", "wall_seconds", "threads", "profile"})
    CHECK(r.has_attribute("/", a));
  CHECK(r.attribute_string("/", "experiment") == "stationary_distribution");
  for (const char* g : {"/sgd", "/sde", "/fokker_planck", "/theory", "/summary/checks"}) CHECK(r.exists(g));

  // Every histogram has at least one comparable reference (what `compare` pairs).
  const auto ds = sgdsde::io::find_distributions(r);
  int pairs = 0;
  for (const auto& h : ds)
    if (h.is_histogram())
      for (const auto& p : ds)
        if (!p.is_histogram() && p.case_name == h.case_name && p.geometry.same_as(h.geometry)) ++pairs;
  CHECK(pairs >= 20);

  const auto rows = r.read_checks();
  REQUIRE(rows.size() > 40);
  auto passed = [&](const std::string& name) {
    for (const auto& row : rows)
      if (row.name == name) return row.passed;
    FAIL("missing check " << name);
    return false;
  };
  CHECK(passed("double_well_additive: SGD vs Gibbs(T) tv"));
  CHECK(passed("double_well_additive: SGD vs EM-chain law tv"));
  CHECK(passed("double_well_additive: SGD vs Gibbs(sigma^2/eta) tv"));
  CHECK(passed("double_well_additive: SGD vs SDE at sigma^2/eta tv"));
  CHECK(passed("himmelblau_additive: SGD vs FP tv"));
  CHECK(passed("label_noise: SGD vs FP tv"));
  CHECK(passed("label_noise: SGD vs Gibbs(T_iso) tv"));
  CHECK(passed("label_noise: flat-basin mass SGD vs FP"));
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
