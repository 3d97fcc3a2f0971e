// RegionAtSteps (ensemble/region_at_steps.hpp): fractions in a region at chosen steps and their covariances,
// the same whatever the block cut.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/region_at_steps.hpp"
#include "sgdsde/ensemble/runner.hpp"

using namespace sgdsde;

namespace {
// x_{k+1} = x_k + s z_k in 1-D.
struct Walk1 {
  CounterRng rng{77};
  double s = 0.3;
  struct Scratch {
    std::vector<double> z;
  };
  [[nodiscard]] Index dim() const { return 1; }
  void prepare(Index) {}
  [[nodiscard]] Scratch make_scratch(Index n) const { return {std::vector<double>(n)}; }
  void step(Ensemble& x, Index first, Index count, long k, Scratch& sc) const {
    rng.normals(static_cast<std::uint64_t>(k), Purpose::increment, static_cast<std::uint32_t>(first), count,
                1, sc.z.data(), count);
    for (Index i = 0; i < count; ++i) x(0, first + i) += s * sc.z[i];
  }
  [[nodiscard]] double time(long k) const { return static_cast<double>(k); }
};
}  // namespace

TEST_CASE("RegionAtSteps: fractions, covariances and independence of the block cut") {
  const auto region = [](const Ensemble& e, Index p) { return e(0, p) < 0.0; };
  auto run = [&](Index block, Vec& m, Mat& c) {
    Walk1 w;
    Ensemble x(1, 2000);
    for (Index p = 0; p < x.cols(); ++p) x(0, p) = p % 2 == 0 ? -1.0 : 1.0;
    RegionAtSteps<decltype(region)> obs(region, {0, 5, 40});
    RunOptions o;
    o.n_steps = 40;
    o.block = block;
    run_ensemble(w, x, o, obs);
    obs.moments(m, c);
  };
  Vec m, c_m;
  Mat c, c_c;
  run(64, m, c);
  // at step 0 exactly half are inside, with no spread across samples of this start
  CHECK(m[0] == doctest::Approx(0.5));
  CHECK(c(0, 0) == doctest::Approx(0.25 / 2000.0));
  // later fractions stay near 1/2 (symmetric walk), the covariance matrix is symmetric and positive
  CHECK(std::abs(m[2] - 0.5) < 5.0 * std::sqrt(0.25 / 2000.0));
  CHECK(c(0, 1) == doctest::Approx(c(1, 0)));
  CHECK(c(0, 1) > 0.0);  // the same particles: being inside at step 0 makes it likelier at step 5
  run(7, c_m, c_c);
  CHECK((m - c_m).norm() == 0.0);
  CHECK((c - c_c).norm() == 0.0);
}
