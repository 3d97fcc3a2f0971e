// Smoke test of the sme_weak_order experiment: the quick profile runs, its file is valid and the
// headline checks pass: weak orders 1, 1, 2 (θ, θ²) from fits with the next orders, with χ²/dof
// stored; SME-2 beats SME-1 at the smallest eta; gradient flow misses the noise-induced variance
// (order 1) while SME-1 reproduces it to O(eta^2).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "experiments/quick_profile.hpp"

TEST_CASE("sme_weak_order quick profile: valid file, headline checks pass") {
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("sme_weak_order"));
  sgdsde::test::check_provenance(r, "sme_weak_order");
  const auto eta = r.read_doubles("/sgd/eta");
  CHECK(eta.size() >= 3);
  for (const char* fn : {"theta", "theta2", "var"})
    for (const char* m : {"gradient_flow", "sme1", "sme2"}) {
      const std::string g = std::string("/summary/") + fn + "/" + m;
      CHECK(r.read_doubles(g + "/weak_error").size() == eta.size());
      CHECK(r.read_doubles(g + "/std_error").size() == eta.size());
      for (const char* a : {"slope", "slope_se", "chi2_per_dof", "birge_ratio", "leading_coefficient"})
        CHECK_MESSAGE(r.has_attribute(g, a), g << " " << a);
    }
  CHECK(r.read_doubles("/sgd/var/std_error").size() == eta.size());
  const auto rows = r.read_checks();
  REQUIRE(rows.size() == 34);
  auto passed = [&](const std::string& name) {
    for (const auto& row : rows)
      if (row.name == name) return row.passed;
    FAIL("missing check " << name);
    return false;
  };
  for (const char* fn : {"theta", "theta2"}) {
    const std::string p = std::string("sme_weak_order ") + fn;
    CHECK(passed(p + " gradient_flow: weak order (fit with next two orders)"));
    CHECK(passed(p + " sme1: weak order (fit with next two orders)"));
    CHECK(passed(p + " sme2: weak order (fit with next two orders)"));
    CHECK(passed(p + ": |e_SME1| - |e_SME2| at the smallest eta"));
  }
  CHECK(passed("sme_weak_order var gradient_flow: misses the noise-induced variance (min z of V_SGD)"));
  CHECK(passed("sme_weak_order var gradient_flow: weak order (fit with next two orders)"));
  CHECK(passed("sme_weak_order var sme1: weak order (fit with next two orders)"));
  for (const auto& row : rows) CHECK_MESSAGE(row.passed, row.name);
}
