// Smoke test of the flat_vs_sharp experiment: the quick profile runs, its file is valid (provenance,
// raw groups) and its headline checks exist and passed (docs/experiments/flat_vs_sharp.md).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;

TEST_CASE("flat_vs_sharp: quick profile runs and its headline checks pass") {
  const fs::path dir = fs::path(SGDSDE_BINARY_DIR) / "results-quick";
  fs::create_directories(dir);
  const fs::path file = dir / "flat_vs_sharp.h5";
  fs::remove(file);
  const std::string cmd = std::string("'") + SGDSDE_BINARY_DIR +
                          "/bin/flat_vs_sharp' --profile quick --threads 2 --quiet --out '" + file.string() +
                          "' > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(fs::exists(file));

  const sgdsde::io::ResultsReader r(file);
  for (const char* a :
       {"experiment", "config_toml", "seed", "code_version", "wall_seconds", "threads", "profile"})
    CHECK_MESSAGE(r.has_attribute("/", a), a);
  CHECK(r.attribute_string("/", "experiment") == "flat_vs_sharp");
  CHECK(r.attribute_string("/", "profile") == "quick");
  for (const char* d : {"/sgd/tau_flat", "/sgd/tau_sharp", "/sgd/flat_occupation", "/sde/tau_flat",
                        "/isotropic/tau_flat", "/theory/tau_flat_quadrature", "/theory/flat_mass_stationary",
                        "/fokker_planck/flat_mass", "/sgd/trajectories", "/landscape/loss"})
    CHECK_MESSAGE(r.is_dataset(d), d);

  const auto rows = r.read_checks();
  REQUIRE(!rows.empty());
  const std::vector<std::string> headline = {"slope of ln(tau_flat/tau_sharp) vs B/eta, SGD: > 5 se",
                                             "slope SGD vs continuous quadrature",
                                             "slope isotropic vs isotropic quadrature",
                                             "slope SGD minus slope isotropic: > 5 se",
                                             "no censored escape runs",
                                             "B=2: flat occupation SGD vs chain invariant",
                                             "B=4: ln tau_flat SGD vs Gaussian chain",
                                             "B=4: ln tau_sharp SGD vs Gaussian chain"};
  for (const auto& h : headline) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.name == h; });
    REQUIRE_MESSAGE(it != rows.end(), "missing check: " << h);
    CHECK_MESSAGE(it->passed, h << ": measured " << it->measured << " predicted " << it->predicted
                                << " tolerance " << it->tolerance);
  }
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
