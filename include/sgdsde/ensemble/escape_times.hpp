#pragma once
// Escape times of an ensemble started at one point: every particle runs until it reaches a region
// (blocks stop once all their particles have), and the first-passage times are summarised.
#include <cstdint>
#include <utility>
#include <vector>

#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/stats/first_passage.hpp"

namespace sgdsde {

struct EscapeTimes {
  double mean = 0, se = 0;    ///< mean first-passage time (time units) and its standard error
  std::int64_t censored = 0;  ///< particles that had not arrived by the step cap
  std::vector<double> times;  ///< the arrived particles' times (k · dt)
};

/// M particles of a 1-D model from x0, run for at most `cap` steps of `dt` with
/// runner blocks of `block`, until each is in `region` (bool(const Ensemble&, Index p)).
template <class Model, class Region>
EscapeTimes escape_times(Model& model, double x0, Region region, double dt, Index M, long cap, Index block) {
  Ensemble x = Ensemble::Constant(1, M, x0);
  FirstPassage<Region> fp(std::move(region));
  RunOptions opt;
  opt.n_steps = cap;
  opt.block = block;
  opt.stop_when_all_passed = true;
  run_ensemble(model, x, opt, fp);
  const auto s = stats::first_passage_stats(fp.steps(), dt, cap);
  EscapeTimes e{s.mean, s.std_error, s.censored, {}};
  for (auto k : fp.steps())
    if (k >= 0) e.times.push_back(static_cast<double>(k) * dt);
  return e;
}

}  // namespace sgdsde
