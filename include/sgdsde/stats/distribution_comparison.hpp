#pragma once
// A histogram of samples against a reference distribution on the same bins: every distance of
// stats/distances.hpp with its bootstrap standard error and its finite-sample floor (the value
// the distance takes, on average, when the samples really come from the reference).
//
// The claim "the samples follow the reference" is then: distance ≤ floor mean + 5 floor sd
// (+ any model error the theory states); "they do not" is: distance > that bound.
#include <cstdint>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/distances.hpp"
#include "sgdsde/stats/histogram.hpp"
#include "sgdsde/stats/sampling_floor.hpp"

namespace sgdsde::stats {

/// Uniform bins in 1-D (centres_y empty) or 2-D (flat index ix·ny + iy).
struct BinGeometry {
  Vec edges_x, edges_y;
  [[nodiscard]] int dims() const { return edges_y.size() == 0 ? 1 : 2; }
  [[nodiscard]] Index bins() const {
    return dims() == 1 ? edges_x.size() - 1 : (edges_x.size() - 1) * (edges_y.size() - 1);
  }
  [[nodiscard]] bool same_as(const BinGeometry& o) const {
    auto eq = [](const Vec& a, const Vec& b) {
      return a.size() == b.size() && (a - b).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + a.cwiseAbs().maxCoeff());
    };
    return eq(edges_x, o.edges_x) &&
           (dims() == 1 ? o.dims() == 1 : (o.dims() == 2 && eq(edges_y, o.edges_y)));
  }
  static BinGeometry of(const Histogram1D& h) { return {h.edges(), Vec()}; }
  static BinGeometry of(const Histogram2D& h) { return {h.edges_x(), h.edges_y()}; }
};

struct DistanceRow {
  std::string metric;       ///< tv, kl, hellinger, w1, ks (1-D); tv, kl, hellinger, sliced_w1 (2-D)
  double value = 0;         ///< distance of the histogram's frequencies to the reference
  double bootstrap_se = 0;  ///< bootstrap standard error of value
  double floor_mean = 0;    ///< E[distance] for the same number of samples drawn from the reference
  double floor_sd = 0;      ///< its spread over replicates
  /// The largest value compatible with "samples from the reference": floor mean + 5 floor sd.
  [[nodiscard]] double bound(double model_error = 0.0) const {
    return floor_mean + 5.0 * floor_sd + model_error;
  }
};

struct ComparisonOptions {
  int floor_replicates = 40;
  int bootstrap_replicates = 40;
  std::uint64_t seed = 0xC0FFEEu;
};

/// The sliced W1 of 2-D bins (atoms at the cell centres, flat index ix·ny + iy).
SlicedW1 sliced_w1_of_bins(const BinGeometry& g, int directions = 32);

/// counts: in-range histogram counts (flat); reference: bin probabilities of the reference on
/// the same bins (renormalised here over the range). Samples must be independent for the floor.
std::vector<DistanceRow> compare_histogram(const Vec& counts, const Vec& reference, const BinGeometry& g,
                                           const ComparisonOptions& opt = {});

/// Distances between two reference distributions (no sampling): value only.
std::vector<DistanceRow> compare_densities(const Vec& p, const Vec& reference, const BinGeometry& g);

/// Two histograms on the same bins (e.g. SGD of one run against the SDE of another): distances
/// between their frequencies, and the floor for two independent samples of the same sizes drawn
/// from their pooled distribution (the null hypothesis "same distribution"). KL is left out: it is
/// infinite as soon as one histogram has an empty bin where the other has not.
std::vector<DistanceRow> compare_two_histograms(const Vec& counts_a, const Vec& counts_b,
                                                const BinGeometry& g, const ComparisonOptions& opt = {});

}  // namespace sgdsde::stats
