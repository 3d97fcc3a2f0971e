#pragma once
// Checks of "this histogram follows that reference" (and "it does not") on top of
// compare_histogram / compare_two_histograms (stats/distribution_comparison.hpp), the same way in
// every stationary experiment:
//   match:    distance ≤ floor mean + 5 floor sd + model error   (model error per metric, e.g. the
//             distance between the finite-η chain's law and the continuous-time density: by the
//             triangle inequality d(p̂, ref) ≤ d(p̂, chain) + d(chain, ref) for TV, Hellinger, W1,
//             KS, sliced W1; KL is no metric, so it is only checked when the model error is 0);
//   mismatch: distance ≥ floor mean + 5 floor sd                 (the samples are NOT from it).
// The distance tables are written next to the histogram (write_distances).
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sgdsde/io/checks.hpp"
#include "sgdsde/io/distributions.hpp"
#include "sgdsde/stats/distances.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"

namespace sgdsde::io {
using stats::BinGeometry;
using stats::ComparisonOptions;
using stats::DistanceRow;

using MetricValues = std::map<std::string, double>;

/// Every metric of compare_histogram between two distributions on the same bins (no sampling):
/// tv, kl, hellinger, w1, ks in 1-D; tv, kl, hellinger, sliced_w1 (32 directions, cell centres) in 2-D.
inline MetricValues density_distances(const Vec& p, const Vec& q, const BinGeometry& g) {
  const Vec a = p / p.sum(), b = q / q.sum();
  MetricValues m;
  for (const auto& r : stats::compare_densities(a, b, g)) m[r.metric] = r.value;
  if (g.dims() == 2) m["sliced_w1"] = stats::sliced_w1_of_bins(g)(a, b);
  return m;
}

/// Compares counts with `reference`, writes the table to `table_group`, and adds one upper-bound
/// check per metric: value ≤ bound(model_error[metric]). `model_note` explains the model error.
/// Returns the rows.
inline std::vector<DistanceRow> check_histogram_matches(
    ResultsFile& f, Checks& checks, const std::string& table_group, const std::string& label,
    const Vec& counts, const Vec& reference, const BinGeometry& g, const MetricValues& model_error,
    const std::string& model_note, const ComparisonOptions& opt) {
  auto rows = stats::compare_histogram(counts, reference, g, opt);
  write_distances(f, table_group, rows);
  for (const auto& r : rows) {
    const auto it = model_error.find(r.metric);
    const double me = it == model_error.end() ? 0.0 : it->second;
    if (r.metric == "kl" && me > 0.0) continue;  // no triangle inequality for KL
    checks.add_upper(
        label + " " + r.metric, r.value, r.bootstrap_se, r.bound(me),
        "histogram follows the reference: distance <= floor mean + 5 floor sd (multinomial floor of n "
        "independent samples, one per particle) + model error (" +
            model_note + ")");
  }
  return rows;
}

/// check_histogram_matches with the total variation alone, for comparisons repeated at many times
/// (the five metrics move together; one row per time keeps the count of claims honest).
inline DistanceRow check_tv_matches(ResultsFile& f, Checks& checks, const std::string& table_group,
                                    const std::string& label, const Vec& counts, const Vec& reference,
                                    const BinGeometry& g, double model_error, const std::string& model_note,
                                    const ComparisonOptions& opt) {
  auto rows = stats::compare_histogram(counts, reference, g, opt);
  write_distances(f, table_group, rows);
  for (const auto& r : rows)
    if (r.metric == "tv") {
      checks.add_upper(label + " tv", r.value, r.bootstrap_se, r.bound(model_error),
                       "histogram follows the reference: TV <= floor mean + 5 floor sd + model error (" +
                           model_note + ")");
      return r;
    }
  throw std::logic_error("check_tv_matches: no tv row");
}

/// The opposite claim for one metric: value ≥ floor mean + 5 floor sd. Returns the row.
inline DistanceRow check_histogram_differs(ResultsFile& f, Checks& checks, const std::string& table_group,
                                           const std::string& label, const Vec& counts, const Vec& reference,
                                           const BinGeometry& g, const std::string& metric,
                                           const std::string& why, const ComparisonOptions& opt) {
  auto rows = stats::compare_histogram(counts, reference, g, opt);
  write_distances(f, table_group, rows);
  for (const auto& r : rows)
    if (r.metric == metric) {
      checks.add_lower(
          label + " " + metric, r.value, r.bootstrap_se, r.bound(),
          "histogram does NOT follow the reference: distance >= floor mean + 5 floor sd (" + why + ")");
      return r;
    }
  throw InputError("check_histogram_differs: unknown metric " + metric);
}

/// Two histograms (e.g. SGD and its SDE): distances vs the two-sample floor under the pooled law;
/// `same` = true adds value ≤ bound checks (tv and w1 / sliced... as available), false adds ≥ bound on tv.
inline std::vector<DistanceRow> check_two_histograms(ResultsFile& f, Checks& checks,
                                                     const std::string& table_group, const std::string& label,
                                                     const Vec& a, const Vec& b, const BinGeometry& g,
                                                     bool same, const std::string& why,
                                                     const ComparisonOptions& opt) {
  auto rows = stats::compare_two_histograms(a, b, g, opt);
  write_distances(f, table_group, rows);
  for (const auto& r : rows) {
    if (same) {
      checks.add_upper(
          label + " " + r.metric, r.value, r.bootstrap_se, r.bound(),
          "two histograms from the same law: distance <= floor mean + 5 floor sd of two independent "
          "samples of these sizes from the pooled law (" +
              why + ")");
    } else if (r.metric == "tv") {
      checks.add_lower(
          label + " " + r.metric, r.value, r.bootstrap_se, r.bound(),
          "two histograms from different laws: distance >= floor mean + 5 floor sd (" + why + ")");
    }
  }
  return rows;
}

}  // namespace sgdsde::io
