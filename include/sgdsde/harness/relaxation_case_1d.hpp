#pragma once
// A 1-D relaxation study from one point (THEORY §2–3, "dynamics of distributions" over time): every
// particle starts at x₀ and is followed to the end of the run, with histograms at the snapshot steps
// and at the end. At those times the exact references are (fokker_planck/relaxation_1d.hpp):
//   - the EM chain at dt = η: SGD's Gaussian chain, so SGD's histogram has no model error against it;
//   - SGD's exact chain when its noise takes finitely many values (B = 1), if `sgd_kernel` is set;
//   - the EM chain at the small dt of the SDE run beside SGD, and the Fokker–Planck density p(θ, t).
// The transient checks compare SGD with its chain (TV), the SDE with FP (TV, model error its own EM
// chain's distance to FP), and the mass below `split` (one basin) of each against FP, the gap predicted
// two-sided (chain − FP) instead of bounded. "Lower mass" is taken from bins in the same way for
// histograms and references: the bins below the split plus the split bin's fraction.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/state_histogram.hpp"
#include "sgdsde/fokker_planck/relaxation_1d.hpp"
#include "sgdsde/io/checks.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"
#include "sgdsde/stats/histogram.hpp"

namespace sgdsde {

struct RelaxationCase1D {
  std::string cs;                                     ///< the case's name (HDF5 groups, check names)
  double lo = 0, hi = 0, x0 = 0, split = 0, eta = 0;  ///< histogram range, start, basin split, SGD's η
  Index bins = 0, refine = 0, pad = 0;                ///< bins; fine cells per bin; bins padded per side
  long small = 1, steps = 0;                          ///< the SDE's dt = η/small; SGD's steps to the end
  std::vector<long> snap_steps;                       ///< SGD's steps at the snapshots (before the end)

  /// SGD's exact transition matrix on the padded grid (lo, hi, n) when its noise takes finitely many
  /// values (B = 1): its exact chain is then the reference for SGD; unset: the Gaussian chain is.
  std::function<Mat(double, double, Index)> sgd_kernel;

  // Filled by references():
  std::vector<long> all_steps, small_steps;  ///< SGD's snapshot steps and end; the SDE's snapshot steps
  std::vector<double> times;                 ///< t = kη of all_steps
  Mat chain_cells, small_cells, fp_cells, sgd_cells;
  Index refine_small = 0;  ///< cells per bin of the small-dt chain

  [[nodiscard]] stats::Histogram1D empty() const { return stats::Histogram1D(lo, hi, bins); }
  /// The left end of the padded grid.
  [[nodiscard]] double plo() const {
    return lo - static_cast<double>(pad) * (hi - lo) / static_cast<double>(bins);
  }
  [[nodiscard]] std::size_t n_snap() const { return snap_steps.size(); }

  /// lp: L'; Dm: the diffusion the predictions use; fpk: Fokker–Planck on [lo, hi] with bins·refine cells.
  template <class LP, class Diff>
  void references(const LP& lp, const Diff& Dm, const fp::FokkerPlanck<1>& fpk) {
    require(std::is_sorted(snap_steps.begin(), snap_steps.end()) && !snap_steps.empty() &&
                snap_steps.front() > 0 && snap_steps.back() < steps,
            cs + ": snapshot times must increase, be > 0 and end before the run's time");
    set_times();
    chain_cells = fp::chain_transient_cells(lp, Dm, eta, lo, hi, bins, refine, pad, x0, all_steps);
    // The small-dt chain's kernel is narrower: refine its cells until they are ≤ half its width.
    const double dt_s = eta / static_cast<double>(small), w = (hi - lo) / static_cast<double>(bins);
    double s_min = std::numeric_limits<double>::infinity();
    for (double x = plo(); x <= hi + (lo - plo()); x += w / static_cast<double>(refine))
      s_min = std::min(s_min, std::sqrt(2.0 * Dm(x) * dt_s));
    refine_small =
        refine *
        std::max<Index>(1, static_cast<Index>(std::ceil(2.0 * w / static_cast<double>(refine) / s_min)));
    small_cells = fp::chain_transient_cells(lp, Dm, dt_s, lo, hi, bins, refine_small, pad, x0, small_steps);
    continuous_and_sgd_references(fpk);
  }
  /// Whether SGD's reference is its exact (discrete-noise) chain rather than the Gaussian one.
  [[nodiscard]] bool exact_sgd_chain() const { return static_cast<bool>(sgd_kernel); }
  /// Bin masses inside [lo, hi] of the chains (snapshot j; j = n_snap() is the end) and of FP.
  [[nodiscard]] Vec chain_bins(std::size_t j) const { return padded_bins(chain_cells, j); }
  [[nodiscard]] Vec sgd_bins(std::size_t j) const { return padded_bins(sgd_cells, j); }
  [[nodiscard]] Vec small_bins(std::size_t j) const { return padded_bins(small_cells, j, refine_small); }
  [[nodiscard]] Vec fp_bins(std::size_t j) const;
  [[nodiscard]] double chain_lower(std::size_t j) const { return padded_lower(chain_cells, j); }
  [[nodiscard]] double sgd_lower(std::size_t j) const { return padded_lower(sgd_cells, j); }
  [[nodiscard]] double small_lower(std::size_t j) const { return padded_lower(small_cells, j, refine_small); }
  [[nodiscard]] double fp_lower(std::size_t j) const { return lower_of(fp_bins(j), 0.0, 0.0); }
  /// The lower mass of bin masses on [lo, hi] (nothing outside).
  [[nodiscard]] double lower_of_bins(const Vec& p) const { return lower_of(p, 0.0, 0.0); }
  /// The lower mass of a histogram and its binomial standard error.
  [[nodiscard]] std::pair<double, double> lower(const stats::Histogram1D& h) const;

  /// Runs `model` from x0 with histograms at `at` (its own steps); x holds the final states.
  template <class Model>
  HistogramsAtSteps1D run(Model& model, const std::vector<long>& at, Index M, Ensemble& x,
                          Index& diverged) const {
    HistogramsAtSteps1D snaps(empty(), at);
    x = Ensemble::Constant(1, M, x0);
    RunOptions o;
    o.n_steps = at.back();
    diverged += run_ensemble(model, x, o, snaps).diverged;
    return snaps;
  }

  /// At each snapshot: SGD vs its chain's law (TV, no model error), the SDE vs FP (TV, model error its
  /// EM chain's distance to FP), and the lower mass of each against FP with the gap predicted two-sided.
  /// Writes the histograms and references of every snapshot under /sgd, /sde, /theory, /fokker_planck.
  void transient_checks(io::ResultsFile& f, io::Checks& checks, const HistogramsAtSteps1D& sgd,
                        const HistogramsAtSteps1D& sde, const stats::ComparisonOptions& opt,
                        const std::string& lower_name) const;

 private:
  void set_times();
  void continuous_and_sgd_references(const fp::FokkerPlanck<1>& fpk);
  [[nodiscard]] std::string sgd_note() const;
  [[nodiscard]] Vec padded_bins(const Mat& cells, std::size_t j, Index r = 0) const;
  [[nodiscard]] double padded_lower(const Mat& cells, std::size_t j, Index r = 0) const;
  /// (below + masses of the bins under split + the split bin's fraction) / everything.
  [[nodiscard]] double lower_of(const Vec& in_range, double below, double above) const;
};

}  // namespace sgdsde
