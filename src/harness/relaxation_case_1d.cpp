#include "sgdsde/harness/relaxation_case_1d.hpp"

#include <cstdio>

#include "sgdsde/io/distribution_checks.hpp"
#include "sgdsde/io/distributions.hpp"

namespace sgdsde {

void RelaxationCase1D::set_times() {
  all_steps = snap_steps;
  all_steps.push_back(steps);
  small_steps.clear();
  times.clear();
  for (long k : snap_steps) small_steps.push_back(k * small);
  for (long k : all_steps) times.push_back(static_cast<double>(k) * eta);
}

void RelaxationCase1D::continuous_and_sgd_references(const fp::FokkerPlanck<1>& fpk) {
  fp_cells = fp::fp_transient_cells(fpk, x0, times, eta / 2.0).cwiseMax(0.0);
  if (sgd_kernel) {
    const double w = (hi - lo) / static_cast<double>(bins), p = static_cast<double>(pad) * w;
    sgd_cells = fp::kernel_transient_cells(sgd_kernel(lo - p, hi + p, (bins + 2 * pad) * refine), lo, hi,
                                           bins, pad, x0, all_steps);
  } else {
    sgd_cells = chain_cells;
  }
}

Vec RelaxationCase1D::fp_bins(std::size_t j) const {
  return fp::cells_to_bins(fp_cells.col(static_cast<Index>(j)), bins, refine);
}

std::pair<double, double> RelaxationCase1D::lower(const stats::Histogram1D& h) const {
  const double n = static_cast<double>(h.total() - h.nan_count());
  const double m =
      lower_of(h.counts_vec(), static_cast<double>(h.underflow()), static_cast<double>(h.overflow()));
  return {m, std::sqrt(m * (1.0 - m) / n)};
}

void RelaxationCase1D::transient_checks(io::ResultsFile& f, io::Checks& checks,
                                        const HistogramsAtSteps1D& sgd, const HistogramsAtSteps1D& sde,
                                        const stats::ComparisonOptions& opt,
                                        const std::string& lower_name) const {
  const auto geo = stats::BinGeometry::of(empty());
  const std::string tg = "/theory/" + cs;
  f.write(tg + "/snapshot_times", std::vector<double>(times.begin(), times.end() - 1));
  for (std::size_t j = 0; j < n_snap(); ++j) {
    char tl[40];
    std::snprintf(tl, sizeof tl, " t = %g: ", times[j]);
    const std::string at = cs + tl, sub = "/snapshots/" + std::to_string(j);
    io::write_histogram(f, "/sgd/" + cs + sub + "/histogram", sgd.histogram(j), "sgd", cs);
    io::write_histogram(f, "/sde/" + cs + "/em_small_dt" + sub + "/histogram", sde.histogram(j), "sde_em",
                        cs);
    io::write_probabilities(f, tg + sub + "/em_chain", chain_bins(j), geo, "em_chain", cs);
    if (exact_sgd_chain())
      io::write_probabilities(f, tg + sub + "/sgd_chain", sgd_bins(j), geo, "em_chain", cs);
    io::write_probabilities(f, "/fokker_planck/" + cs + sub, fp_bins(j), geo, "fokker_planck", cs);
    f.set_attribute(tg + sub + "/em_chain", "time", times[j]);
    io::check_tv_matches(f, checks, "/sgd/" + cs + sub + "/vs_sgd_chain",
                         at + (exact_sgd_chain() ? "SGD vs its exact chain" : "SGD vs EM-chain law"),
                         sgd.histogram(j).counts_vec(), sgd_bins(j), geo, 0.0, sgd_note(), opt);
    const double me = io::density_distances(small_bins(j), fp_bins(j), geo).at("tv");
    io::check_tv_matches(f, checks, "/sde/" + cs + "/em_small_dt" + sub + "/vs_fokker_planck",
                         at + "SDE (EM, dt = eta/" + std::to_string(small) + ") vs FP",
                         sde.histogram(j).counts_vec(), fp_bins(j), geo, me,
                         "d(EM chain at that dt, FP): its O(dt) bias, computed", opt);
    const auto [m_sgd, se_sgd] = lower(sgd.histogram(j));
    const double m_fp = fp_lower(j);
    checks.add(at + lower_name + ", SGD - FP", m_sgd - m_fp, se_sgd, sgd_lower(j) - m_fp, 5.0 * se_sgd,
               std::string("the O(eta) gap between SGD and the continuous law, predicted by SGD's ") +
                   (exact_sgd_chain() ? "exact chain" : "Gaussian chain (EM at dt = eta)") +
                   " minus FP, two-sided; tolerance 5 se (binomial)");
    const auto [m_sde, se_sde] = lower(sde.histogram(j));
    checks.add(at + lower_name + ", SDE (small dt) - FP", m_sde - m_fp, se_sde, small_lower(j) - m_fp,
               5.0 * se_sde, "the SDE's O(dt) gap, predicted by its EM chain minus FP; tolerance 5 se");
  }
}

std::string RelaxationCase1D::sgd_note() const {
  return exact_sgd_chain()
             ? "0: SGD after k steps IS this chain after k steps (its noise is one of the N per-sample "
               "values, uniformly; cells of the law by linear deposit)"
             : "0: SGD after k steps IS its Gaussian chain after k steps up to the "
               "non-Gaussianity of its noise";
}

Vec RelaxationCase1D::padded_bins(const Mat& cells, std::size_t j, Index r) const {
  r = r > 0 ? r : refine;
  return fp::cells_to_bins(cells.col(static_cast<Index>(j)), bins, r, pad * r);
}

double RelaxationCase1D::padded_lower(const Mat& cells, std::size_t j, Index r) const {
  r = r > 0 ? r : refine;
  const Vec c = cells.col(static_cast<Index>(j));
  const Index n_in = bins * r, off = pad * r;
  return lower_of(padded_bins(cells, j, r), c.head(off).sum(), c.tail(c.size() - off - n_in).sum());
}

double RelaxationCase1D::lower_of(const Vec& in_range, double below, double above) const {
  const double w = (hi - lo) / static_cast<double>(bins);
  const auto ib = std::clamp<Index>(static_cast<Index>(std::floor((split - lo) / w)), 0, bins - 1);
  const double frac = (split - lo) / w - static_cast<double>(ib);
  const double l = below + in_range.head(ib).sum() + frac * in_range[ib];
  return l / (below + in_range.sum() + above);
}

}  // namespace sgdsde
