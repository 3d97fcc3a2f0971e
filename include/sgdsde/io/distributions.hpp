#pragma once
// Distributions in results files, in one layout that plots and the compare tool understand.
//
// A distribution group carries the attributes kind ("histogram" | "probabilities"), model
// ("sgd", "sde", "fokker_planck", "gibbs", …), case (what is being compared, e.g.
// "double_well_additive"), dims (1 | 2), and the datasets
//   edges_x [, edges_y]            bin edges
//   counts (int64)                 for a histogram: in-range counts, shape nx or nx × ny
//   probabilities (double)         for a reference: bin masses on the same bins, same shape
// Histograms also store `outside` (samples out of range or NaN) and `samples` (all samples).
// Two groups are comparable when their case and edges agree.
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/io/results_file.hpp"
#include "sgdsde/io/results_reader.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"
#include "sgdsde/stats/histogram.hpp"

namespace sgdsde::io {

void write_histogram(ResultsFile& f, std::string_view group, const stats::Histogram1D& h,
                     std::string_view model, std::string_view case_name);
void write_histogram(ResultsFile& f, std::string_view group, const stats::Histogram2D& h,
                     std::string_view model, std::string_view case_name);
/// Reference bin masses (renormalised to sum 1 over the bins) on geometry g.
void write_probabilities(ResultsFile& f, std::string_view group, const Vec& masses,
                         const stats::BinGeometry& g, std::string_view model, std::string_view case_name);
/// A table of distances: parallel datasets metric, value, bootstrap_se, floor_mean, floor_sd, bound.
void write_distances(ResultsFile& f, std::string_view group, const std::vector<stats::DistanceRow>& rows);

struct DistributionGroup {
  std::string path, kind, model, case_name;
  stats::BinGeometry geometry;
  Vec values;  ///< counts (histogram) or masses (probabilities), flat
  [[nodiscard]] bool is_histogram() const { return kind == "histogram"; }
};

/// Every distribution group of the file (searched recursively), in path order.
[[nodiscard]] std::vector<DistributionGroup> find_distributions(const ResultsReader& r);

}  // namespace sgdsde::io
