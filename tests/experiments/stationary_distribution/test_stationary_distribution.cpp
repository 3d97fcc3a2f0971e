// Smoke test of the stationary_distribution experiment: the quick profile runs, its file is valid
// (provenance, histograms and references comparable by the compare tool) and the headline checks pass.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "experiments/quick_profile.hpp"
#include "sgdsde/io/distributions.hpp"

TEST_CASE("stationary_distribution quick profile: valid file, headline checks pass") {
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("stationary_distribution"));
  sgdsde::test::check_provenance(r, "stationary_distribution");
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
  CHECK(passed("double_well_additive: SGD vs its exact chain tv"));
  CHECK(passed("double_well_additive: left-well mass at the end, SGD vs its exact chain"));
  CHECK(passed("double_well_additive: E[(|w|-1)^2], SGD - Gibbs"));
  CHECK(passed("double_well_additive: SGD vs Gibbs(sigma^2/eta) tv"));
  CHECK(passed("double_well_additive: SGD vs SDE at sigma^2/eta tv"));
  CHECK(passed("label_noise: SGD vs its exact chain tv"));
  CHECK(passed("label_noise: SGD vs Gibbs(T_iso) tv"));
  CHECK(passed("label_noise: flat-basin mass at the end, SGD - exp(-Phi)/D"));
  // Strongly non-Gaussian (two-point) noise: the effect is resolved and predicted both ways.
  for (const char* stat : {"mean", "third central moment", "left-well mass"}) {
    const std::string c = std::string("double_well_skewed: ") + stat;
    CHECK(passed(c + ", SGD - Gaussian chain"));
    CHECK(passed(c + ", SGD - Gaussian chain vs third-cumulant term"));
    CHECK(passed(c + ", the non-Gaussian effect is resolved (in se)"));
  }
  CHECK(passed("double_well_skewed: SGD vs its Gaussian chain tv"));
  // Himmelblau starts from its reference law: its rows are illustrations, not claims.
  for (const auto& row : rows)
    if (row.name.rfind("himmelblau_additive:", 0) == 0)
      CHECK(row.role == sgdsde::io::CheckRole::illustration);
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
