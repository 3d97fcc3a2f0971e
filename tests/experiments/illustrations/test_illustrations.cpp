// Smoke test of the illustrations experiment: the quick profile runs, its file is valid
// (provenance, the figure data, a comparable histogram/reference pair) and every check passed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "experiments/quick_profile.hpp"
#include "sgdsde/io/distributions.hpp"

TEST_CASE("illustrations: quick profile runs and its checks pass") {
  const sgdsde::io::ResultsReader f(sgdsde::test::run_quick_profile("illustrations"));
  sgdsde::test::check_provenance(f, "illustrations");
  for (const char* d :
       {"/sgd/convex/gd_trajectory", "/sgd/convex/sgd_trajectory", "/sgd/himmelblau/low/trajectory",
        "/sgd/himmelblau/high/trajectory", "/sgd/gradients/point_0/minibatch_gradients",
        "/sgd/surface/sgd_trajectory", "/sgd/double_well/trajectories", "/sgd/long/trajectory_head",
        "/sgd/saddle/gd_at_saddle", "/sgd/flat_sharp/label_noise/trajectories"})
    CHECK_MESSAGE(f.is_dataset(d), d);
  // The long trajectory's histogram and its FP reference form one comparable pair.
  const auto groups = sgdsde::io::find_distributions(f);
  int hist = 0, ref = 0;
  for (const auto& g : groups) {
    if (g.case_name != "log_cosh_wells_2d") continue;
    hist += g.is_histogram();
    ref += !g.is_histogram();
  }
  CHECK(hist == 1);
  CHECK(ref == 1);

  const auto rows = f.read_checks();
  REQUIRE(rows.size() >= 20);
  for (const auto& r : rows)
    CHECK_MESSAGE(r.passed, r.name << ": " << r.measured << " +- " << r.std_error << " vs " << r.predicted
                                   << " (tol " << r.tolerance << ")");
}
