#pragma once
// First-passage results in a results file, one layout for every escape-time experiment
// (docs/results-schema.md): under `group`
//   steps (int64, M)    first step in the target region per particle, −1 = censored (never passed)
//   attributes: dt (time per step), n_steps_max (the run's length), total, passed, censored,
//   censor_time, mean, std, std_error, median, restricted_mean (stats/first_passage.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/io/results_file.hpp"
#include "sgdsde/stats/first_passage.hpp"

namespace sgdsde::io {

/// Summarises steps (time t0 + k·dt) and writes them with the summary; returns the summary.
inline stats::FirstPassageSummary write_first_passage(ResultsFile& f, std::string_view group,
                                                      const std::vector<std::int64_t>& steps, double dt,
                                                      std::int64_t n_steps_max) {
  const auto s = stats::first_passage_stats(steps, dt, n_steps_max);
  const std::string g(group);
  f.write(g + "/steps", steps);
  f.set_attribute(g, "dt", dt);
  f.set_attribute(g, "n_steps_max", n_steps_max);
  f.set_attribute(g, "total", s.total);
  f.set_attribute(g, "passed", s.passed);
  f.set_attribute(g, "censored", s.censored);
  f.set_attribute(g, "censor_time", s.censor_time);
  f.set_attribute(g, "mean", s.mean);
  f.set_attribute(g, "std", s.std);
  f.set_attribute(g, "std_error", s.std_error);
  f.set_attribute(g, "median", s.median);
  f.set_attribute(g, "restricted_mean", s.restricted_mean);
  return s;
}

}  // namespace sgdsde::io
