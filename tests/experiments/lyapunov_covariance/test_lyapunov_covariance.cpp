// Smoke test of the lyapunov_covariance experiment: the quick profile runs, its file is valid (provenance,
// raw groups) and its headline checks exist and passed (docs/experiments/lyapunov_covariance.md).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "experiments/quick_profile.hpp"

TEST_CASE("lyapunov_covariance: quick profile runs and its headline checks pass") {
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("lyapunov_covariance"));
  sgdsde::test::check_provenance(r, "lyapunov_covariance");
  for (const char* d :
       {"/sgd/d2/covariance", "/sgd/d100/covariance", "/sde/d100/covariance", "/theory/d2/discrete_lyapunov",
        "/theory/d100/continuous_lyapunov", "/theory/d100/curvatures"})
    CHECK_MESSAGE(r.is_dataset(d), d);

  const std::vector<std::string> headline = {
      "d=2: SGD S_22 vs discrete Lyapunov",
      "d=2: relative gap u'S u / u'S_cont u - 1 (stiff direction) vs predicted",
      "d=2: gap to continuous Lyapunov resolved (z-score, stiff direction)",
      "d=100: chi2 of diagonal z-scores, SGD vs discrete Lyapunov",
      "d=100: chi2 of diagonal z-scores, SGD vs continuous Lyapunov",
      "d=100: measured/predicted O(eta) gap amplitude"};
  sgdsde::test::check_all_passed(r.read_checks(), headline);
}
