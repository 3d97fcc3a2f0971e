// Histograms against references (include/sgdsde/stats/distribution_comparison.hpp): compiled once
// in the library, not in every experiment that compares a histogram.
#include "sgdsde/stats/distribution_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include "sgdsde/stats/distances.hpp"
#include "sgdsde/stats/multinomial.hpp"
#include "sgdsde/stats/sampling_floor.hpp"

namespace sgdsde::stats {

SlicedW1 sliced_w1_of_bins(const BinGeometry& g, int directions) {
  require(g.dims() == 2, "sliced_w1_of_bins: needs 2-D bins");
  const Index nx = g.edges_x.size() - 1, ny = g.edges_y.size() - 1;
  Vec x(nx * ny), y(nx * ny);
  for (Index ix = 0; ix < nx; ++ix)
    for (Index iy = 0; iy < ny; ++iy) {
      x[ix * ny + iy] = 0.5 * (g.edges_x[ix] + g.edges_x[ix + 1]);
      y[ix * ny + iy] = 0.5 * (g.edges_y[iy] + g.edges_y[iy + 1]);
    }
  return SlicedW1(x, y, directions);
}

std::vector<DistanceRow> compare_histogram(const Vec& counts, const Vec& reference, const BinGeometry& g,
                                           const ComparisonOptions& opt) {
  require(counts.size() == g.bins() && reference.size() == g.bins(),
          "compare_histogram: counts, reference and bins differ in size");
  require(counts.sum() >= 1.0, "compare_histogram: the histogram is empty");
  require(reference.minCoeff() >= 0.0 && reference.sum() > 0.0,
          "compare_histogram: the reference is not a distribution");
  const Vec q = reference / reference.sum();
  const auto n = static_cast<std::int64_t>(std::llround(counts.sum()));
  struct Named {
    std::string name;
    std::function<double(const Vec&, const Vec&)> metric;
  };
  std::vector<Named> metrics = {{"tv", total_variation}, {"kl", kl_divergence}, {"hellinger", hellinger}};
  if (g.dims() == 1) {
    const double width = g.edges_x[1] - g.edges_x[0];
    metrics.push_back({"w1", [width](const Vec& p, const Vec& r) { return wasserstein1_1d(p, r, width); }});
    metrics.push_back({"ks", ks_distance});
  } else {
    auto sliced = std::make_shared<SlicedW1>(sliced_w1_of_bins(g));
    metrics.push_back({"sliced_w1", [sliced](const Vec& p, const Vec& r) { return (*sliced)(p, r); }});
  }
  std::vector<DistanceRow> rows;
  std::uint32_t stream = 0;
  for (const auto& m : metrics) {
    DistanceRow row;
    row.metric = m.name;
    const ResampledDistance boot =
        bootstrap_distance(counts, q, m.metric, opt.bootstrap_replicates, opt.seed, 2 * stream + 1);
    const ResampledDistance floor =
        sampling_floor(q, n, m.metric, opt.floor_replicates, opt.seed, 2 * stream + 2);
    row.value = boot.estimate;
    row.bootstrap_se = boot.std;
    row.floor_mean = floor.mean;
    row.floor_sd = floor.std;
    rows.push_back(row);
    ++stream;
  }
  return rows;
}

std::vector<DistanceRow> compare_densities(const Vec& p, const Vec& reference, const BinGeometry& g) {
  require(p.size() == g.bins() && reference.size() == g.bins(), "compare_densities: sizes differ");
  const Vec a = p / p.sum(), b = reference / reference.sum();
  std::vector<DistanceRow> rows = {
      {"tv", total_variation(a, b)}, {"kl", kl_divergence(a, b)}, {"hellinger", hellinger(a, b)}};
  if (g.dims() == 1) {
    rows.push_back({"w1", wasserstein1_1d(a, b, g.edges_x[1] - g.edges_x[0])});
    rows.push_back({"ks", ks_distance(a, b)});
  }
  return rows;
}

std::vector<DistanceRow> compare_two_histograms(const Vec& counts_a, const Vec& counts_b,
                                                const BinGeometry& g, const ComparisonOptions& opt) {
  require(counts_a.size() == g.bins() && counts_b.size() == g.bins(), "compare_two_histograms: sizes differ");
  require(counts_a.sum() >= 1.0 && counts_b.sum() >= 1.0, "compare_two_histograms: an empty histogram");
  auto without_kl = [&g](const Vec& a, const Vec& b) {
    std::vector<DistanceRow> rows = compare_densities(a, b, g);
    std::erase_if(rows, [](const DistanceRow& r) { return r.metric == "kl"; });
    return rows;
  };
  const Vec pooled = (counts_a + counts_b) / (counts_a.sum() + counts_b.sum());
  const auto na = static_cast<std::int64_t>(std::llround(counts_a.sum()));
  const auto nb = static_cast<std::int64_t>(std::llround(counts_b.sum()));
  const AliasTable table(pooled);
  const CounterRng rng(opt.seed);
  std::vector<DistanceRow> rows = without_kl(counts_a, counts_b);
  std::vector<std::vector<double>> null(rows.size());
  for (int r = 0; r < opt.floor_replicates; ++r) {
    const auto rr = static_cast<std::uint32_t>(r);
    const Vec fa = multinomial_frequencies(table, na, rng, 2 * rr, 0);
    const Vec fb = multinomial_frequencies(table, nb, rng, 2 * rr + 1, 0);
    const std::vector<DistanceRow> v = without_kl(fa, fb);
    for (std::size_t m = 0; m < rows.size(); ++m) null[m].push_back(v[m].value);
  }
  for (std::size_t m = 0; m < rows.size(); ++m) {
    double mean = 0, ss = 0;
    for (double v : null[m]) mean += v;
    mean /= static_cast<double>(null[m].size());
    for (double v : null[m]) ss += (v - mean) * (v - mean);
    rows[m].floor_mean = mean;
    rows[m].floor_sd = std::sqrt(ss / static_cast<double>(null[m].size() - 1));
    rows[m].bootstrap_se = rows[m].floor_sd;  // the statistic's spread under the null
  }
  return rows;
}

}  // namespace sgdsde::stats
