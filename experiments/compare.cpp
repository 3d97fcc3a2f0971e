// compare FILE.h5 [FILE2.h5]: aligns the stored histograms with the Fokker–Planck / Gibbs
// distributions (or, with two files, with the comparable distributions of the other file) on
// their common bins and reports TV, KL, Hellinger, W1 (sliced in 2-D) and KS with bootstrap error
// bars and the finite-sample floor. See docs/compare.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/io/distributions.hpp"

using namespace sgdsde;

namespace {
struct Pair {
  const io::DistributionGroup* a;
  const io::DistributionGroup* b;
  std::string label_a, label_b;
};

std::vector<stats::DistanceRow> compare(const io::DistributionGroup& a, const io::DistributionGroup& b,
                                        const stats::ComparisonOptions& opt) {
  if (a.is_histogram() && b.is_histogram())
    return stats::compare_two_histograms(a.values, b.values, a.geometry, opt);
  if (a.is_histogram()) return stats::compare_histogram(a.values, b.values, a.geometry, opt);
  if (b.is_histogram()) return stats::compare_histogram(b.values, a.values, a.geometry, opt);
  return stats::compare_densities(a.values, b.values, a.geometry);
}

bool comparable(const io::DistributionGroup& a, const io::DistributionGroup& b) {
  return a.case_name == b.case_name && a.geometry.same_as(b.geometry);
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"compare: distances between the distributions stored in one or two sgdsde results files"};
  std::string file_a, file_b, out;
  int replicates = 40;
  app.add_option("file", file_a, "results file (.h5)")->required();
  app.add_option("other", file_b, "a second results file: compare like with like across the two");
  app.add_option("--out", out, "also write the distances to this HDF5 file");
  app.add_option("--replicates", replicates, "bootstrap and floor replicates (default 40)")
      ->check(CLI::Range(2, 100000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    const io::ResultsReader ra(file_a);
    const auto da = io::find_distributions(ra);
    require(!da.empty(), file_a + " holds no distribution groups (histograms or reference probabilities)");
    std::optional<io::ResultsReader> rb;
    std::vector<io::DistributionGroup> db;
    if (!file_b.empty()) {
      rb.emplace(file_b);
      db = io::find_distributions(*rb);
      require(!db.empty(), file_b + " holds no distribution groups (histograms or reference probabilities)");
    }
    std::vector<Pair> pairs;
    if (file_b.empty()) {
      for (const auto& h : da)
        if (h.is_histogram())
          for (const auto& p : da)
            if (!p.is_histogram() && comparable(h, p)) pairs.push_back({&h, &p, h.path, p.path});
    } else {
      for (const auto& a : da)
        for (const auto& b : db)
          if (comparable(a, b) && (a.is_histogram() || b.is_histogram()))
            pairs.push_back({&a, &b, file_a + ":" + a.path, file_b + ":" + b.path});
    }
    require(!pairs.empty(),
            "no comparable distributions (a histogram and another distribution with the same case and bins)");

    stats::ComparisonOptions opt;
    opt.floor_replicates = opt.bootstrap_replicates = replicates;
    std::optional<io::ResultsFile> outfile;
    if (!out.empty()) outfile.emplace(out);
    int index = 0;
    for (const Pair& p : pairs) {
      const auto rows = compare(*p.a, *p.b, opt);
      std::printf("\n%s  [%s]\n  vs %s  [%s]   case %s\n", p.label_a.c_str(), p.a->model.c_str(),
                  p.label_b.c_str(), p.b->model.c_str(), p.a->case_name.c_str());
      std::printf("  %-10s %12s %12s %12s %12s  %s\n", "metric", "value", "± se", "floor", "bound",
                  "verdict");
      for (const auto& r : rows)
        std::printf("  %-10s %12.4e %12.2e %12.4e %12.4e  %s\n", r.metric.c_str(), r.value, r.bootstrap_se,
                    r.floor_mean, r.bound(), r.value <= r.bound() ? "consistent" : "differs");
      if (outfile) {
        const std::string g = "/comparisons/" + std::to_string(index);
        io::write_distances(*outfile, g, rows);
        outfile->set_attribute(g, "a", p.label_a);
        outfile->set_attribute(g, "b", p.label_b);
        outfile->set_attribute(g, "case", p.a->case_name);
      }
      ++index;
    }
    if (outfile) outfile->commit();
    return 0;
  } catch (const InputError& e) {
    std::cerr << "compare: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "compare: error: " << e.what() << '\n';
    return 1;
  }
}
