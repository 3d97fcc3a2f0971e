// eta_over_b (THEORY §8): in the SDE regime only η/B — more exactly η/B · (N−B)/(N−1) without
// replacement — sets the noise, so runs with equal ratio have the same stationary law up to O(η).
// Double well L = w⁴ − 2w², additive noise with Σ₁ = σ² exactly, T = (η/B) σ²/2 fixed:
//   * with replacement, B = 1, 2, 4, … and η = r B: stationary histograms (one sample per
//     particle, from ±1), their W1 (and TV, Hellinger, KS, KL) to Gibbs(T) against the predicted
//     O(η) distance W1(EM-chain law at dt = η, Gibbs) (stats/theory/euler_maruyama_invariant.hpp),
//     and the fitted slope of W1 vs η (> 0, matching the predicted slope);
//   * without replacement with B a sizeable fraction of N: the uncorrected run (η = r B) sits at the
//     reduced temperature c T, c = (N−B)/(N−1), so it differs from the law at T; the corrected run
//     (η = r B / c) does not.
// Schema and checks: docs/experiments/eta_over_b.md.
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/distribution_checks.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/noise/exact_additive.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/theory.hpp"

using namespace sgdsde;

namespace {

struct RunSpec {
  std::string name, mode_label;
  double eta;
  Index B, N;
  Sampling mode;
};

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "eta_over_b",
      "Stationary laws of SGD at a fixed eta/B (with and without replacement) on the double well: W1 to "
      "Gibbs grows with eta as the O(eta) EM-chain theory predicts; without replacement only the "
      "(N-B)/(N-1)-corrected ratio keeps the law");
  exp.param("particles", 200000, "independent particles per run (one sample each)", at_least(1000))
      .param("bins", 100, "histogram bins on [-2, 2]", at_least(10))
      .param("refine", 8, "fine cells per bin for the EM-chain law", at_least(2))
      .param("pad_bins", 25, "bins added on each side of [-2, 2] when solving the EM-chain law", at_least(0))
      .param("compare.replicates", 40, "bootstrap and floor replicates", at_least(10))
      .param("ratio", 0.0025, "eta / B (with replacement)", positive())
      .param("sigma", 14.142135623730951, "additive noise sigma (Sigma_1 = sigma^2 exactly)", positive())
      .param("samples", 10000, "data set size N (with replacement)", at_least(10))
      .param("batches", std::vector<double>{1, 2, 4, 8, 16}, "batch sizes B (eta = ratio B)", positive(),
             whole_numbers(), distinct(), min_size(3))
      .param("time", 4.0, "run time t = k eta from +-1", positive())
      .param("wor.samples", 16, "data set size N without replacement", at_least(3))
      .param("wor.batch", 8, "batch size without replacement (a sizeable fraction of N)", at_least(2));

  exp.batch_within_samples("batches", "samples");
  exp.batch_within_samples("wor.batch", "wor.samples");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& c = ctx.config();
    auto& f = ctx.file();
    auto& checks = ctx.checks();
    const Index M = c.get<std::int64_t>("particles"), bins = c.get<std::int64_t>("bins");
    const Index refine = c.get<std::int64_t>("refine"), pad = c.get<std::int64_t>("pad_bins");
    const double r = c.get<double>("ratio"), sigma = c.get<double>("sigma"), t_run = c.get<double>("time");
    stats::ComparisonOptions opt;
    opt.floor_replicates = opt.bootstrap_replicates =
        static_cast<int>(c.get<std::int64_t>("compare.replicates"));
    opt.seed = ctx.seed() ^ 0xE7A0B00ull;
    const DoubleWell dw;
    const stats::Histogram1D empty(-2.0, 2.0, bins);
    const auto geo = stats::BinGeometry::of(empty);
    auto lp = [&dw](double w) { return dw.derivative1(w); };
    // The predictions' theory (--control): the temperature of the Gibbs law and of every chain law, and
    // the sampling factor c of Σ_B. SGD (η, B, the data, the sampling mode) is never changed: the
    // corrected run's η = r B / c uses the true c.
    const Theory& theo = ctx.theory();
    const double T = theo.temperature(r * sigma * sigma / 2.0);
    const Vec gibbs = theory::gibbs_bin_probabilities_1d([&dw](double w) { return dw.value1(w); }, empty, T);
    io::write_probabilities(f, "/theory/gibbs", gibbs, geo, "gibbs", "gibbs");
    f.set_attribute("/theory", "T", T);
    f.set_attribute("/theory", "ratio", r);
    f.set_attribute("/theory", "sigma2", sigma * sigma);

    // ---- the runs -------------------------------------------------------------------------------
    std::vector<RunSpec> runs;
    for (double b : c.get<std::vector<double>>("batches")) {
      const auto B = static_cast<Index>(std::lround(b));
      runs.push_back({"with_replacement_B" + std::to_string(B), "with_replacement",
                      r * static_cast<double>(B), B, c.get<std::int64_t>("samples"),
                      Sampling::with_replacement});
    }
    const Index Nw = c.get<std::int64_t>("wor.samples"), Bw = c.get<std::int64_t>("wor.batch");
    if (Bw >= Nw) throw InputError("eta_over_b: wor.batch must be < wor.samples");
    const double cw = batch_noise_factor(Nw, Bw, Sampling::without_replacement);
    runs.push_back({"without_replacement_uncorrected", "without_replacement", r * static_cast<double>(Bw), Bw,
                    Nw, Sampling::without_replacement});
    runs.push_back({"without_replacement_corrected", "without_replacement", r * static_cast<double>(Bw) / cw,
                    Bw, Nw, Sampling::without_replacement});

    std::vector<double> etas, w1, w1_se, w1_pred, floor_mean;
    std::vector<Vec> hists;
    Index diverged = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const RunSpec& s = runs[i];
      const std::string g = "/sgd/" + s.name, cs = "eta_over_b/" + s.name;
      const auto problem = exact_isotropic_additive_noise(dw, s.N, sigma, ctx.seed() + 100 + i);
      const double c_mode = batch_noise_factor(s.N, s.B, s.mode);
      const double T_run = s.eta * problem.per_sample_covariance(Vec::Zero(1))(0, 0) * c_mode / (2.0 * s.B);
      // the theory's: T factor and its sampling factor c (1 with replacement, (N-B)/(N-1) without)
      const double model = theo.temperature_factor() * theo.batch_noise_factor(c_mode) / c_mode;
      const double T_model =
          theo.temperature_factor() * (s.eta * problem.per_sample_covariance(Vec::Zero(1))(0, 0) *
                                       theo.batch_noise_factor(c_mode) / (2.0 * s.B));
      const long steps = steps_for(t_run, s.eta);
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{s.eta}, s.B, s.mode, ctx.seed() + 200 + i);
      Ensemble x(1, M);
      for (Index p = 0; p < M; ++p) x(0, p) = p % 2 == 0 ? -1.0 : 1.0;
      RunOptions ro;
      ro.n_steps = steps;
      diverged += run_ensemble(sgd, x, ro).diverged;
      stats::Histogram1D h = empty;
      for (Index p = 0; p < M; ++p) h.add(x(0, p));
      io::write_histogram(f, g + "/histogram", h, "sgd", cs);
      f.set_attribute(g, "eta", s.eta);
      f.set_attribute(g, "B", static_cast<std::int64_t>(s.B));
      f.set_attribute(g, "N", static_cast<std::int64_t>(s.N));
      f.set_attribute(g, "sampling", s.mode_label);
      f.set_attribute(g, "noise_factor", c_mode);
      f.set_attribute(g, "T_actual", T_run);
      f.set_attribute(g, "T_model", T_model);
      f.set_attribute(g, "steps", static_cast<std::int64_t>(steps));
      // The law this run's chain has (its actual temperature) and the one at the nominal T.
      // Without replacement from a small N the minibatch noise is far from Gaussian: use the exact
      // SGD chain with every possible batch mean as its noise law (scaled by sqrt of the theory's
      // variance over the true one: 1 without a control).
      const bool exact_noise = s.mode == Sampling::without_replacement;
      const Vec means =
          exact_noise ? Vec(theory::batch_means_without_replacement(problem.noise().row(0).transpose(), s.B))
                      : Vec();
      const Vec chain =
          exact_noise ? theory::discrete_noise_chain_invariant_bin_probabilities_1d(
                            lp, model == 1.0 ? means : Vec(means * std::sqrt(model)), s.eta, -2.0, 2.0, bins,
                            refine, pad)
                      : theory::euler_maruyama_invariant_bin_probabilities_1d(
                            lp, [T_model](double) { return T_model; }, s.eta, -2.0, 2.0, bins, refine, pad);
      f.set_attribute(g, "chain_noise", exact_noise ? "exact batch means" : "gaussian");
      io::write_probabilities(f, "/theory/" + s.name + "/em_chain", chain, geo, "em_chain", cs);
      io::write_probabilities(f, "/theory/" + s.name + "/gibbs", gibbs, geo, "gibbs", cs);
      const Vec counts = h.counts_vec();
      hists.push_back(counts);
      const std::string label =
          "eta_over_b " + s.name + " (eta=" + fmt(s.eta) + ", B=" + std::to_string(s.B) + ")";

      if (s.name == "without_replacement_uncorrected") {
        // The law at the nominal T: the same batch means scaled by 1/sqrt(c) (variance c⁻¹ times larger;
        // and the theory's T factor).
        const Vec chain_nominal = theory::discrete_noise_chain_invariant_bin_probabilities_1d(
            lp,
            theo.temperature_factor() == 1.0 ? Vec(means / std::sqrt(c_mode))
                                             : Vec(means * std::sqrt(theo.temperature_factor() / c_mode)),
            s.eta, -2.0, 2.0, bins, refine, pad);
        io::write_probabilities(f, "/theory/" + s.name + "/em_chain_nominal_T", chain_nominal, geo,
                                "em_chain_nominal_T", cs);
        io::check_histogram_differs(f, checks, g + "/vs_em_chain_nominal_T",
                                    label + ": vs law at T = (eta/B) sigma^2/2", counts, chain_nominal, geo,
                                    "w1",
                                    "without replacement the noise is (N-B)/(N-1) = " + fmt(c_mode) +
                                        " times smaller: eta/B alone does not fix the law",
                                    opt);
        io::check_histogram_matches(
            f, checks, g + "/vs_em_chain", label + ": vs law at c T", counts, chain, geo, {},
            "0: the exact SGD chain, whose noise variance is (N-B)/(N-1) sigma^2/B", opt);
        continue;
      }
      io::check_histogram_matches(f, checks, g + "/vs_em_chain", label + ": vs EM-chain law", counts, chain,
                                  geo, {},
                                  exact_noise ? "0: the exact SGD chain (every batch mean as its noise law)"
                                              : "0: SGD at dt = eta is this chain up to the non-Gaussianity "
                                                "of its noise (B-means of N Gaussian draws)",
                                  opt);
      if (s.mode != Sampling::with_replacement) continue;
      // W1 to Gibbs against the predicted O(η) value: |W1(p̂,G) − W1(chain,G)| ≤ W1(p̂, chain) ≤ its bound.
      const auto rows = stats::compare_histogram(counts, gibbs, geo, opt);
      io::write_distances(f, g + "/vs_gibbs", rows);
      const auto to_chain = stats::compare_histogram(counts, chain, geo, opt);
      for (std::size_t m = 0; m < rows.size(); ++m) {
        if (rows[m].metric != "w1") continue;
        const double pred = io::density_distances(chain, gibbs, geo).at("w1");
        checks.add(label + ": W1 to Gibbs vs O(eta) prediction", rows[m].value, rows[m].bootstrap_se, pred,
                   to_chain[m].bound(),
                   "W1(histogram, Gibbs(T)) equals the predicted W1(EM-chain law at dt = eta, Gibbs) within "
                   "W1(histogram, "
                   "chain) <= its floor mean + 5 floor sd (triangle inequality)");
        etas.push_back(s.eta);
        w1.push_back(rows[m].value);
        w1_se.push_back(rows[m].bootstrap_se);
        w1_pred.push_back(pred);
        floor_mean.push_back(rows[m].floor_mean);
      }
    }
    const std::string wg = "/summary/w1_vs_eta";
    f.create_group(wg);
    f.write(wg + "/eta", etas);
    f.write(wg + "/w1", w1);
    f.write(wg + "/w1_se", w1_se);
    f.write(wg + "/w1_predicted", w1_pred);
    f.write(wg + "/floor_mean", floor_mean);
    // W1 between each run and the smallest-η one (two-sample floor), for the figure.
    std::vector<double> w1_pair, w1_pair_floor, w1_pair_sd;
    for (std::size_t i = 0; i < etas.size(); ++i) {
      const auto rows = stats::compare_two_histograms(hists[i], hists[0], geo, opt);
      for (const auto& row : rows)
        if (row.metric == "w1") {
          w1_pair.push_back(row.value);
          w1_pair_floor.push_back(row.floor_mean);
          w1_pair_sd.push_back(row.floor_sd);
        }
    }
    f.write(wg + "/w1_to_smallest_eta", w1_pair);
    f.write(wg + "/w1_to_smallest_eta_floor", w1_pair_floor);
    f.write(wg + "/w1_to_smallest_eta_floor_sd", w1_pair_sd);

    // Slope of W1 vs η: > 0 at 5 se, and equal to the predicted slope.
    const auto fit = stats::fit_line_weighted(etas, w1, w1_se);
    const auto fit_pred = stats::fit_line(etas, w1_pred);
    double fmin = floor_mean[0], fmax = floor_mean[0];
    for (double v : floor_mean) fmin = std::min(fmin, v), fmax = std::max(fmax, v);
    const double floor_slope = (fmax - fmin) / (etas.back() - etas.front());
    f.set_attribute(wg, "slope", fit.b);
    f.set_attribute(wg, "slope_se", fit.se_b);
    f.set_attribute(wg, "intercept", fit.a);
    f.set_attribute(wg, "slope_predicted", fit_pred.b);
    f.set_attribute(wg, "intercept_predicted", fit_pred.a);
    checks.add_lower(
        "eta_over_b: slope of W1 vs eta > 0", fit.b, fit.se_b, 5.0 * fit.se_b,
        "at fixed eta/B the stationary law moves away from Gibbs as eta grows: weighted fit slope >= 5 se");
    checks.add("eta_over_b: slope of W1 vs eta vs prediction", fit.b, fit.se_b, fit_pred.b,
               5.0 * fit.se_b + floor_slope,
               "slope equals that of the EM-chain prediction: tolerance 5 se + the spread of the sampling "
               "floor's mean "
               "over the runs divided by the eta range (the floor's possible slope)");
    checks.add(std::string("eta_over_b: no particle diverged"), static_cast<double>(diverged), 0.0, 0.0, 0.0,
               "every run stays finite (a condition of the measurement, no prediction: illustration, cannot "
               "tell an error in T)");
    checks.set_role("eta_over_b: no particle diverged", io::CheckRole::illustration);
  });
}
