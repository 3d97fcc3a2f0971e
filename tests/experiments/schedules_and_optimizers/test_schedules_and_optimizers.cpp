// Smoke test of the schedules_and_optimizers experiment: the quick profile runs, its file is valid
// (provenance attributes, the documented groups) and its headline checks exist and passed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/quick_profile.hpp"

TEST_CASE("schedules_and_optimizers: quick profile runs and its headline checks pass") {
  const sgdsde::io::ResultsReader f(sgdsde::test::run_quick_profile("schedules_and_optimizers"));
  sgdsde::test::check_provenance(f, "schedules_and_optimizers");
  for (const char* g : {"/sgd/plateau", "/theory/plateau", "/sgd/schedules", "/sde/schedules",
                        "/sgd/optimizers", "/sgd/momentum", "/theory/momentum"})
    CHECK_MESSAGE(f.is_group(g), g);
  CHECK(f.read_strings("/sgd/schedules/names").size() == 7);
  CHECK(f.read_strings("/sgd/optimizers/names").size() == 6);

  const auto rows = f.read_checks();
  REQUIRE(!rows.empty());
  auto passed = [&](const std::string& prefix) {
    int n = 0;
    for (const auto& r : rows)
      if (r.name.rfind(prefix, 0) == 0) {
        ++n;
        CHECK_MESSAGE(r.passed, r.name << ": " << r.measured << " +- " << r.std_error << " vs " << r.predicted
                                       << " (tol " << r.tolerance << ")");
      }
    return n;
  };
  // Headline claims: the bound, the exact stationary plateau and its slope, SGD = SDE on every
  // schedule, the momentum temperature.
  CHECK(passed("plateau") >= 3 * 3 + 2);
  CHECK(passed("schedule ") == 2 * 7 + 1);
  CHECK(passed("momentum:") == 3);
  CHECK(passed("optimizer ") == 6);
}
