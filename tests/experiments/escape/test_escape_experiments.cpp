// Smoke tests of saddle_escape and kramers_rate: the quick profile runs, its file is valid
// (provenance attributes, first-passage groups) and its headline checks passed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/quick_profile.hpp"

namespace {
/// Every check whose name contains one of `needles` exists and passed; returns how many matched.
int require_passed(const std::vector<sgdsde::io::CheckRow>& rows, const std::vector<std::string>& needles) {
  int found = 0;
  for (const auto& n : needles) {
    int hits = 0;
    for (const auto& r : rows)
      if (r.name.find(n) != std::string::npos) {
        ++hits;
        CHECK_MESSAGE(r.passed,
                      r.name << ": " << r.measured << " vs " << r.predicted << " tol " << r.tolerance);
      }
    CHECK_MESSAGE(hits > 0, "no check named like '" << n << "'");
    found += hits;
  }
  return found;
}
}  // namespace

TEST_CASE("saddle_escape quick profile: valid file, headline checks pass") {
  const auto path = sgdsde::test::run_quick_profile("saddle_escape");
  const sgdsde::io::ResultsReader r(path);
  sgdsde::test::check_provenance(r, "saddle_escape");
  CHECK(r.exists("/sgd/T0/steps"));
  CHECK(r.exists("/sde/T0/histogram"));
  CHECK(r.exists("/gd/steps"));
  CHECK(r.exists("/theory/mean"));
  const auto rows = r.read_checks();
  require_passed(rows, {"headline: SGD E tau vs the continuous formula", "GD from delta = 0: escapes",
                        "GD from delta > 0", "censored", "SGD E tau vs discrete theory", "SDE E tau vs"});
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}

TEST_CASE("kramers_rate quick profile: valid file, headline checks pass") {
  const auto path = sgdsde::test::run_quick_profile("kramers_rate");
  const sgdsde::io::ResultsReader r(path);
  sgdsde::test::check_provenance(r, "kramers_rate");
  CHECK(r.exists("/theory/tau_quadrature"));
  CHECK(r.exists("/sgd/T0/to_minimum/steps"));
  CHECK(r.exists("/sde/em_small/mean"));
  CHECK(r.exists("/sgd/T0/to_saddle_bridge/steps"));
  CHECK(r.exists("/eyring_kramers/fp/tau_fp"));
  CHECK(r.exists("/eyring_kramers/em_small/mean"));
  const auto rows = r.read_checks();
  require_passed(rows, {"SGD tau(-1->+1) vs chain MFPT", "EM(dt small) tau(-1->+1) vs continuous quadrature",
                        "Arrhenius slope", "label noise", "censored", "Kramers", "monitoring delay",
                        "with bridge correction", "Kramers asymptote", "2-D: tau_FP / tau_Eyring-Kramers",
                        "2-D negative control", "rejects the 1-D model"});
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
