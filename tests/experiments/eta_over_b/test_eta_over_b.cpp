// Smoke test of the eta_over_b experiment: the quick profile runs, its file is valid and the
// headline checks (W1 grows with eta as predicted; the uncorrected without-replacement run differs,
// the corrected one does not) pass.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "experiments/quick_profile.hpp"

TEST_CASE("eta_over_b quick profile: valid file, headline checks pass") {
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("eta_over_b"));
  sgdsde::test::check_provenance(r, "eta_over_b");
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
