// stationary_distribution (THEORY §2–3): stationary histograms of minibatch SGD and of its SDE
// against the Fokker–Planck stationary density and Gibbs at the CORRECT temperature T = ησ²/(2B),
// with every distance (TV, KL, Hellinger, W1, KS; sliced W1 in 2-D) next to its finite-sample floor,
// and the finite-η (O(η)) model error computed, not neglected: the invariant law of the
// Euler–Maruyama chain at dt = η (stats/theory/euler_maruyama_invariant.hpp), which SGD is up to
// the non-Gaussianity of its minibatch noise. Cases (one histogram per particle: independent samples):
//   double_well_additive  L = w⁴ − 2w², additive noise; SGD, SDE (EM and Leimkuhler–Matthews at
//                         dt = η), FP, Gibbs, EM-chain law; plus the seed report's T = σ²/η (an SDE
//                         run and its Gibbs law) shown NOT to match SGD;
//   himmelblau_additive   2-D, T ≈ 10: SGD, SDE (EM, LM) vs the 2-D FP density;
//   label_noise           flat/sharp wells of equal depth, label noise + additive floor: SGD and the
//                         SME (EM at dt = η) vs the state-dependent FP density exp(−Φ)/D; Gibbs at
//                         the mean temperature does NOT match (nor its flat-basin mass).
// Schema and checks: docs/experiments/stationary_distribution.md.
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <string>

#include "sgdsde/ensemble/initial_states.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/distribution_checks.hpp"
#include "sgdsde/landscapes/landscapes.hpp"
#include "sgdsde/noise/exact_additive.hpp"
#include "sgdsde/noise/label_noise.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_diffusion_1d.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/theory.hpp"

using namespace sgdsde;
using io::MetricValues;

namespace {

template <class Model>
Ensemble run(Model& model, Ensemble x, long steps, Index& diverged) {
  RunOptions opt;
  opt.n_steps = steps;
  diverged += run_ensemble(model, x, opt).diverged;
  return x;
}
Vec histogram_1d(const Ensemble& x, const stats::Histogram1D& empty, io::ResultsFile& f, const std::string& g,
                 const std::string& model, const std::string& cs) {
  stats::Histogram1D h = empty;
  for (Index p = 0; p < x.cols(); ++p) h.add(x(0, p));
  io::write_histogram(f, g, h, model, cs);
  return h.counts_vec();
}
/// Particles alternately at the two minima ±1 (the symmetric double well keeps its 50/50 balance).
Ensemble at_minima(Index M) {
  Ensemble x(1, M);
  for (Index p = 0; p < M; ++p) x(0, p) = p % 2 == 0 ? -1.0 : 1.0;
  return x;
}
MetricValues scaled(MetricValues m, double s) {
  for (auto& [k, v] : m) v *= s;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "stationary_distribution",
      "SGD and SDE stationary histograms vs Fokker-Planck and Gibbs at T = eta sigma^2/(2B) (double well, "
      "Himmelblau, label noise), with distances, sampling floors and the O(eta) model error");
  exp.param("particles", 200000, "independent particles per model (one sample each)", at_least(1000))
      .param("bins", 100, "histogram bins (1-D cases)", at_least(10))
      .param("refine", 8, "fine cells per bin for the EM-chain law and Fokker-Planck", at_least(2))
      .param("pad_bins", 25, "bins added on each side of the range when solving the EM-chain law",
             at_least(0))
      .param("compare.replicates", 40, "bootstrap and floor replicates", at_least(10))
      .param("double_well.eta", 0.01, "learning rate eta", positive())
      .param("double_well.batch", 1, "batch size B (with replacement)", at_least(1))
      .param("double_well.samples", 10000, "data set size N", at_least(10))
      .param("double_well.sigma", 7.0710678118654755, "additive noise sigma (Sigma_1 = sigma^2 exactly)",
             positive())
      .param("double_well.time", 5.0, "run time t = k eta (from +-1)", positive())
      .param("wrong_T.dt", 5e-5, "EM step of the SDE run at the seed's T = sigma^2/eta", positive())
      .param("wrong_T.steps", 2000, "its number of steps", at_least(10))
      .param("himmelblau.eta", 0.001, "learning rate", positive())
      .param("himmelblau.batch", 1, "batch size", at_least(1))
      .param("himmelblau.samples", 10000, "data set size", at_least(10))
      .param("himmelblau.sigma", 141.42135623730951, "additive noise sigma", positive())
      .param("himmelblau.time", 1.0, "run time (from the FP law)", positive())
      .param("himmelblau.bins", 40, "histogram bins per axis", at_least(8))
      .param("himmelblau.refine", 4, "FP cells per bin and axis", at_least(1))
      .param("label_noise.curvature_ratio", 4.0, "sharp/flat curvature ratio", in_range(1.0, 40.0))
      .param("label_noise.eta", 0.01, "learning rate", positive())
      .param("label_noise.batch", 1, "batch size", at_least(1))
      .param("label_noise.samples", 10000, "data set size", at_least(10))
      .param("label_noise.sigma", 4.0, "label noise sigma", positive())
      .param("label_noise.floor_sigma", 3.0, "additive floor sigma", positive())
      .param("label_noise.time", 5.0, "run time (from the EM-chain law)", positive());

  exp.batch_within_samples("double_well.batch", "double_well.samples");
  exp.batch_within_samples("himmelblau.batch", "himmelblau.samples");
  exp.batch_within_samples("label_noise.batch", "label_noise.samples");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& c = ctx.config();
    auto& f = ctx.file();
    auto& checks = ctx.checks();
    const Index M = c.get<std::int64_t>("particles");
    const Index bins = c.get<std::int64_t>("bins"), refine = c.get<std::int64_t>("refine");
    const Index pad = c.get<std::int64_t>("pad_bins");
    stats::ComparisonOptions opt;
    opt.floor_replicates = opt.bootstrap_replicates =
        static_cast<int>(c.get<std::int64_t>("compare.replicates"));
    opt.seed = ctx.seed() ^ 0xD157A11CEull;
    const std::uint64_t seed = ctx.seed();
    Index diverged = 0;
    f.set_attribute("/", "particles", static_cast<std::int64_t>(M));

    // ================= 1. double well, additive noise =========================================
    {
      const std::string cs = "double_well_additive";
      const DoubleWell dw;
      const double eta = c.get<double>("double_well.eta"), sigma = c.get<double>("double_well.sigma");
      const Index B = c.get<std::int64_t>("double_well.batch"),
                  N = c.get<std::int64_t>("double_well.samples");
      const auto problem = exact_isotropic_additive_noise(dw, N, sigma, seed + 11);
      const double sigma1 = problem.per_sample_covariance(Vec::Zero(1))(0, 0);
      const double T = eta * sigma1 / (2.0 * B), T_wrong = sigma1 / eta;
      const long steps = steps_for(c.get<double>("double_well.time"), eta);
      const stats::Histogram1D empty(-2.0, 2.0, bins);
      const auto geo = stats::BinGeometry::of(empty);
      ctx.log(cs + ": T = eta sigma^2/(2B) = " + std::to_string(T) +
              ", seed's sigma^2/eta = " + std::to_string(T_wrong));

      // references
      auto lp = [&](double w) { return dw.derivative1(w); };
      auto Lw = [&](double w) { return dw.value1(w); };
      const Vec gibbs = theory::gibbs_bin_probabilities_1d(Lw, empty, T);
      const Vec gibbs_wrong = theory::gibbs_bin_probabilities_1d(Lw, empty, T_wrong);
      const Vec chain = theory::euler_maruyama_invariant_bin_probabilities_1d(
          lp, [T](double) { return T; }, eta, -2.0, 2.0, bins, refine, pad);
      const fp::Grid<1> grid(Box{Vec::Constant(1, -2.0), Vec::Constant(1, 2.0)}, bins * refine);
      const fp::FokkerPlanck<1> fpk(grid, dw, fp::Diffusion::isotropic(T));
      const fp::Density<1> pst = fpk.stationary();
      Vec fpb = Vec::Zero(bins);
      for (Index k = 0; k < grid.size(); ++k) fpb[k / refine] += pst.values()[k] * grid.cell_volume();
      io::write_probabilities(f, "/fokker_planck/" + cs + "/stationary", fpb, geo, "fokker_planck", cs);
      f.write("/fokker_planck/" + cs + "/x", pst.axis_centres(0));
      f.write("/fokker_planck/" + cs + "/density", pst.values());
      io::write_probabilities(f, "/theory/" + cs + "/gibbs", gibbs, geo, "gibbs", cs);
      io::write_probabilities(f, "/theory/" + cs + "/em_chain", chain, geo, "em_chain", cs);
      io::write_probabilities(f, "/theory/" + cs + "/gibbs_wrong_T", gibbs_wrong, geo, "gibbs_wrong_T", cs);
      const std::string tg = "/theory/" + cs;
      f.set_attribute(tg, "T", T);
      f.set_attribute(tg, "T_wrong", T_wrong);
      f.set_attribute(tg, "eta", eta);
      f.set_attribute(tg, "B", static_cast<std::int64_t>(B));
      f.set_attribute(tg, "N", static_cast<std::int64_t>(N));
      f.set_attribute(tg, "sigma1", sigma1);
      f.set_attribute(tg, "time", static_cast<double>(steps) * eta);
      // Model error of the finite-η chains against the continuous law (triangle inequality).
      const MetricValues me_chain = io::density_distances(chain, gibbs, geo);
      for (const auto& [k, v] : me_chain) f.set_attribute(tg, "model_error_" + k, v);
      // Leimkuhler–Matthews: exact for harmonic wells, O(η²) otherwise; we take the square of the
      // EM error's relative size as its model error (d(chain, Gibbs) · (η L''(1)/2)).
      const double lm_factor = eta * dw.second1(1.0) / 2.0;

      // runs
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 1);
      const Ensemble xs = run(sgd, at_minima(M), steps, diverged);
      const Vec h_sgd = histogram_1d(xs, empty, f, "/sgd/" + cs + "/histogram", "sgd", cs);
      EnsembleLangevin em(dw, T, eta, CounterRng(seed + 2), LangevinScheme::euler_maruyama);
      const Vec h_em = histogram_1d(run(em, at_minima(M), steps, diverged), empty, f,
                                    "/sde/" + cs + "/em/histogram", "sde_em", cs);
      EnsembleLangevin lm(dw, T, eta, CounterRng(seed + 3), LangevinScheme::leimkuhler_matthews);
      const Vec h_lm = histogram_1d(run(lm, at_minima(M), steps, diverged), empty, f,
                                    "/sde/" + cs + "/lm/histogram", "sde_lm", cs);
      const double dt_w = c.get<double>("wrong_T.dt");
      EnsembleLangevin wrong(dw, T_wrong, dt_w, CounterRng(seed + 4), LangevinScheme::euler_maruyama);
      const Vec h_wrong =
          histogram_1d(run(wrong, at_minima(M), c.get<std::int64_t>("wrong_T.steps"), diverged), empty, f,
                       "/sde/" + cs + "/wrong_T/histogram", "sde_wrong_T", cs);
      f.set_attribute("/sde/" + cs + "/wrong_T", "dt", dt_w);

      // checks
      const std::string chain_note =
          "0: SGD at dt = eta IS this chain up to the non-Gaussianity of its noise";
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_em_chain", cs + ": SGD vs EM-chain law",
                                  h_sgd, chain, geo, {}, chain_note, opt);
      io::check_histogram_matches(f, checks, "/sde/" + cs + "/em/vs_em_chain",
                                  cs + ": SDE-EM vs EM-chain law", h_em, chain, geo, {}, "0: the same chain",
                                  opt);
      const std::string me_note =
          "d(EM-chain law at dt = eta, Gibbs): the O(eta) invariant-measure bias, computed";
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_gibbs", cs + ": SGD vs Gibbs(T)", h_sgd,
                                  gibbs, geo, me_chain, me_note, opt);
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_fokker_planck", cs + ": SGD vs FP", h_sgd,
                                  fpb, geo, me_chain, me_note, opt);
      io::check_histogram_matches(
          f, checks, "/sde/" + cs + "/lm/vs_gibbs", cs + ": SDE-LM vs Gibbs(T)", h_lm, gibbs, geo,
          scaled(me_chain, lm_factor),
          "O(eta^2): d(EM-chain, Gibbs) x eta L''(1)/2 = " + std::to_string(lm_factor), opt);
      io::check_two_histograms(f, checks, "/sgd/" + cs + "/vs_sde_em", cs + ": SGD vs SDE-EM", h_sgd, h_em,
                               geo, true, "SGD is EM at dt = eta with T = eta sigma^2/(2B)", opt);
      io::check_histogram_differs(f, checks, "/sgd/" + cs + "/vs_gibbs_wrong_T",
                                  cs + ": SGD vs Gibbs(sigma^2/eta)", h_sgd, gibbs_wrong, geo, "tv",
                                  "the seed report's temperature sigma^2/eta is wrong", opt);
      io::check_two_histograms(f, checks, "/sgd/" + cs + "/vs_sde_wrong_T",
                               cs + ": SGD vs SDE at sigma^2/eta", h_sgd, h_wrong, geo, false,
                               "the seed report's temperature sigma^2/eta is wrong", opt);
      const MetricValues d_fp_gibbs = io::density_distances(fpb, gibbs, geo);
      const auto floor = stats::compare_histogram(h_sgd, gibbs, geo, opt);
      checks.add_upper(
          cs + ": FP stationary vs Gibbs tv", d_fp_gibbs.at("tv"), 0.0, floor[0].floor_sd,
          "Scharfetter-Gummel keeps Gibbs stationary: the reference discretisation error is below one "
          "floor sd of the sampling floor");
    }

    // ================= 2. Himmelblau, additive noise (2-D) ====================================
    {
      const std::string cs = "himmelblau_additive";
      const Himmelblau hb;
      const double eta = c.get<double>("himmelblau.eta"), sigma = c.get<double>("himmelblau.sigma");
      const Index B = c.get<std::int64_t>("himmelblau.batch"), N = c.get<std::int64_t>("himmelblau.samples");
      const Index nb = c.get<std::int64_t>("himmelblau.bins"), rf = c.get<std::int64_t>("himmelblau.refine");
      const auto problem = exact_isotropic_additive_noise(hb, N, sigma, seed + 21);
      const double sigma1 = problem.per_sample_covariance(Vec::Zero(2))(0, 0);
      const double T = eta * sigma1 / (2.0 * B);
      const long steps = steps_for(c.get<double>("himmelblau.time"), eta);
      const stats::Histogram2D empty(-5.0, 5.0, nb, -5.0, 5.0, nb);
      const auto geo = stats::BinGeometry::of(empty);
      const fp::Grid<2> grid(hb.box(), nb * rf);
      const fp::FokkerPlanck<2> fpk(grid, hb, fp::Diffusion::isotropic(T));
      const fp::Density<2> pst = fpk.stationary();
      Vec fpb = Vec::Zero(nb * nb);
      for (Index k = 0; k < grid.size(); ++k) {
        const auto i = grid.multi_index(k);
        fpb[(i[0] / rf) * nb + i[1] / rf] += pst.values()[k] * grid.cell_volume();
      }
      auto L2 = [](double x, double y) { return Himmelblau::value2(x, y); };
      const Vec gibbs = theory::gibbs_bin_probabilities_2d(L2, empty, T);
      // O(η) model error: in a harmonic well of curvature h the EM/SGD law is Gibbs at T/(1 − ηh/2);
      // bounded by Gibbs at T/(1 − η h_max/2), h_max the largest Hessian eigenvalue at the minima.
      double h_max = 0.0;
      for (const auto& cp : hb.critical_points())
        if (cp.kind == CriticalKind::minimum) {
          Mat H;
          hb.hessian(cp.location, H);
          h_max = std::max(h_max, Eigen::SelfAdjointEigenSolver<Mat>(H).eigenvalues().maxCoeff());
        }
      const double T_eff = T / (1.0 - eta * h_max / 2.0);
      const Vec gibbs_eff = theory::gibbs_bin_probabilities_2d(L2, empty, T_eff);
      const MetricValues me = io::density_distances(gibbs_eff, gibbs, geo);
      io::write_probabilities(f, "/fokker_planck/" + cs + "/stationary", fpb, geo, "fokker_planck", cs);
      io::write_probabilities(f, "/theory/" + cs + "/gibbs", gibbs, geo, "gibbs", cs);
      const std::string tg = "/theory/" + cs;
      f.set_attribute(tg, "T", T);
      f.set_attribute(tg, "T_eff_bound", T_eff);
      f.set_attribute(tg, "h_max", h_max);
      f.set_attribute(tg, "eta", eta);
      f.set_attribute(tg, "B", static_cast<std::int64_t>(B));
      f.set_attribute(tg, "sigma1", sigma1);
      for (const auto& [k, v] : me) f.set_attribute(tg, "model_error_" + k, v);

      auto start = [&] {
        Ensemble x(2, M);
        sample_from_bins(x, fpb, geo, CounterRng(seed + 29));
        return x;
      };
      auto hist2 = [&](const Ensemble& x, const std::string& g, const std::string& model) {
        stats::Histogram2D h = empty;
        for (Index p = 0; p < x.cols(); ++p) h.add(x(0, p), x(1, p));
        io::write_histogram(f, g, h, model, cs);
        return h.counts_vec();
      };
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 22);
      const Vec h_sgd = hist2(run(sgd, start(), steps, diverged), "/sgd/" + cs + "/histogram", "sgd");
      EnsembleLangevin em(hb, T, eta, CounterRng(seed + 23), LangevinScheme::euler_maruyama);
      const Vec h_em = hist2(run(em, start(), steps, diverged), "/sde/" + cs + "/em/histogram", "sde_em");
      EnsembleLangevin lm(hb, T, eta, CounterRng(seed + 24), LangevinScheme::leimkuhler_matthews);
      const Vec h_lm = hist2(run(lm, start(), steps, diverged), "/sde/" + cs + "/lm/histogram", "sde_lm");
      const std::string note =
          "d(Gibbs(T/(1 - eta h_max/2)), Gibbs(T)): harmonic EM bias at the stiffest minimum";
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_fokker_planck", cs + ": SGD vs FP", h_sgd,
                                  fpb, geo, me, note, opt);
      io::check_histogram_matches(f, checks, "/sde/" + cs + "/em/vs_fokker_planck", cs + ": SDE-EM vs FP",
                                  h_em, fpb, geo, me, note, opt);
      io::check_histogram_matches(f, checks, "/sde/" + cs + "/lm/vs_fokker_planck", cs + ": SDE-LM vs FP",
                                  h_lm, fpb, geo, scaled(me, eta * h_max / 2.0),
                                  "O(eta^2): the EM bound x eta h_max/2", opt);
      io::check_two_histograms(f, checks, "/sgd/" + cs + "/vs_sde_em", cs + ": SGD vs SDE-EM", h_sgd, h_em,
                               geo, true, "SGD is EM at dt = eta", opt);
    }

    // ================= 3. label noise on flat/sharp wells (state-dependent D) =================
    {
      const std::string cs = "label_noise";
      const FlatSharpWells fs(c.get<double>("label_noise.curvature_ratio"));
      const double eta = c.get<double>("label_noise.eta");
      const Index B = c.get<std::int64_t>("label_noise.batch"),
                  N = c.get<std::int64_t>("label_noise.samples");
      const auto problem = LabelNoise<FlatSharpWells>::isotropic(
          fs, N, c.get<double>("label_noise.sigma"), c.get<double>("label_noise.floor_sigma"), seed + 31);
      // D(θ) = η Σ₁(θ)/(2B) of the SME (sde/ensemble_diffusion_1d.hpp), checked against the model's Σ₁.
      const LabelNoiseSmeDiffusion1D<FlatSharpWells> D(problem, eta, B, Sampling::with_replacement);
      for (double w : {-1.3, 0.1, 0.9})
        require(std::abs(D.sigma1(w) - problem.per_sample_covariance(Vec::Constant(1, w))(0, 0)) <=
                    1e-9 * D.sigma1(w),
                "label noise: closed-form Sigma_1 disagrees with the model");
      auto lp = [&fs](double w) { return fs.derivative1(w); };
      const double lo = fs.box().lo[0], hi = fs.box().hi[0];
      const stats::Histogram1D empty(lo, hi, bins);
      const auto geo = stats::BinGeometry::of(empty);
      const long steps = steps_for(c.get<double>("label_noise.time"), eta);

      const Vec exact = theory::stationary_bin_probabilities_1d(lp, D, lo, hi, bins);
      const Vec chain =
          theory::euler_maruyama_invariant_bin_probabilities_1d(lp, D, eta, lo, hi, bins, refine, pad);
      const fp::Grid<1> grid(fs.box(), bins * refine);
      const fp::FokkerPlanck<1> fpk(
          grid, fs, fp::Diffusion::diagonal([&D](const Vec& x) { return Vec::Constant(1, D(x[0])); }));
      const fp::Density<1> pst = fpk.stationary();
      Vec fpb = Vec::Zero(bins);
      for (Index k = 0; k < grid.size(); ++k) fpb[k / refine] += pst.values()[k] * grid.cell_volume();
      // Isotropic comparison: Gibbs at the mean diffusion under the FP law, T_iso = E_p[D].
      double T_iso = 0.0;
      for (Index k = 0; k < grid.size(); ++k)
        T_iso += pst.values()[k] * grid.cell_volume() * D(grid.centre(0, k));
      const Vec gibbs =
          theory::gibbs_bin_probabilities_1d([&fs](double w) { return fs.value1(w); }, empty, T_iso);
      io::write_probabilities(f, "/fokker_planck/" + cs + "/stationary", fpb, geo, "fokker_planck", cs);
      f.write("/fokker_planck/" + cs + "/x", pst.axis_centres(0));
      f.write("/fokker_planck/" + cs + "/density", pst.values());
      io::write_probabilities(f, "/theory/" + cs + "/exact", exact, geo, "stationary_exact", cs);
      io::write_probabilities(f, "/theory/" + cs + "/em_chain", chain, geo, "em_chain", cs);
      io::write_probabilities(f, "/theory/" + cs + "/gibbs_T_iso", gibbs, geo, "gibbs", cs);
      Vec dgrid(grid.size());
      for (Index k = 0; k < grid.size(); ++k) dgrid[k] = D(grid.centre(0, k));
      f.write("/theory/" + cs + "/D", dgrid);
      const std::string tg = "/theory/" + cs;
      const MetricValues me = io::density_distances(chain, exact, geo);
      for (const auto& [k, v] : me) f.set_attribute(tg, "model_error_" + k, v);
      f.set_attribute(tg, "T_iso", T_iso);
      f.set_attribute(tg, "eta", eta);
      f.set_attribute(tg, "B", static_cast<std::int64_t>(B));
      f.set_attribute(tg, "barrier", fs.barrier_location());
      f.set_attribute(tg, "curvature_ratio", fs.curvature_ratio());

      auto start = [&] {
        Ensemble x(1, M);
        sample_from_bins(x, chain, geo, CounterRng(seed + 39));
        return x;
      };
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 32);
      const Ensemble xs = run(sgd, start(), steps, diverged);
      const Vec h_sgd = histogram_1d(xs, empty, f, "/sgd/" + cs + "/histogram", "sgd", cs);
      EnsembleDiffusion1D sme(LandscapeDerivative1D<FlatSharpWells>{fs}, D, eta, CounterRng(seed + 33));
      const Vec h_sme = histogram_1d(run(sme, start(), steps, diverged), empty, f,
                                     "/sde/" + cs + "/em/histogram", "sde_em", cs);

      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_em_chain", cs + ": SGD vs EM-chain law",
                                  h_sgd, chain, geo, {}, "0: SGD is the EM chain of the SME at dt = eta",
                                  opt);
      io::check_histogram_matches(f, checks, "/sde/" + cs + "/em/vs_em_chain",
                                  cs + ": SME-EM vs EM-chain law", h_sme, chain, geo, {}, "0: the same chain",
                                  opt);
      const std::string note = "d(EM-chain law, exp(-Phi)/D): the O(eta) invariant-measure bias, computed";
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_exact", cs + ": SGD vs exp(-Phi)/D", h_sgd,
                                  exact, geo, me, note, opt);
      io::check_histogram_matches(f, checks, "/sgd/" + cs + "/vs_fokker_planck", cs + ": SGD vs FP", h_sgd,
                                  fpb, geo, me, note, opt);
      io::check_histogram_differs(
          f, checks, "/sgd/" + cs + "/vs_gibbs", cs + ": SGD vs Gibbs(T_iso)", h_sgd, gibbs, geo, "tv",
          "state-dependent noise is not a temperature: no isotropic Gibbs law matches", opt);
      // Flat-basin mass: SGD vs FP, tolerance 5 se + |chain − FP| (the O(η) model error).
      const double barrier = fs.barrier_location();
      const Index ib = empty.bin_of(barrier);
      const double frac = (barrier - empty.edges()[ib]) / empty.width();
      auto flat_mass = [&](const Vec& p) { return (p.head(ib).sum() + frac * p[ib]) / p.sum(); };
      Index nflat = 0, nall = 0;
      for (Index p = 0; p < xs.cols(); ++p)
        if (std::isfinite(xs(0, p))) {
          ++nall;
          nflat += xs(0, p) < barrier;
        }
      const double m_sgd = static_cast<double>(nflat) / static_cast<double>(nall);
      const double se = std::sqrt(m_sgd * (1.0 - m_sgd) / static_cast<double>(nall));
      const double m_fp = pst.basin_masses()[0], m_chain = flat_mass(chain), m_gibbs = flat_mass(gibbs);
      f.set_attribute(tg, "flat_mass_fp", m_fp);
      f.set_attribute(tg, "flat_mass_em_chain", m_chain);
      f.set_attribute(tg, "flat_mass_gibbs", m_gibbs);
      f.set_attribute("/sgd/" + cs, "flat_mass", m_sgd);
      f.set_attribute("/sgd/" + cs, "flat_mass_se", se);
      checks.add(cs + ": flat-basin mass SGD vs FP", m_sgd, se, m_fp, 5.0 * se + std::abs(m_chain - m_fp),
                 "SGD's mass in the flat basin matches the state-dependent FP law: tolerance 5 se (binomial, "
                 "one sample "
                 "per particle) + |EM-chain - FP| (O(eta) model error, computed)");
      checks.add_lower(
          cs + ": flat-basin mass SGD - Gibbs(T_iso)", std::abs(m_sgd - m_gibbs), se, 5.0 * se,
          "isotropic Gibbs at the mean temperature misses the flat-basin preference: |difference| >= 5 se");
    }
    checks.add(std::string("no particle diverged"), static_cast<double>(diverged), 0.0, 0.0, 0.0,
               "every run stays finite and bounded");
  });
}
