// kramers_rate (THEORY §5): mean first-passage time between the wells of w⁴ − 2w² vs 1/T for
// minibatch SGD (additive noise, T = ηΣ₁/(2B)), its Langevin SDE by Euler–Maruyama at dt = η and at
// a small dt, against the exact chain MFPT of each discrete scheme (stats/theory/chain_mfpt.hpp),
// the exact continuous quadrature and the Kramers asymptote; the same for the label-noise model
// (state-dependent D = ηΣ_B(θ)/2) against the state-dependent quadrature.
// Schema and checks: docs/experiments/kramers_rate.md.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/passive_observer.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/distributions.hpp"
#include "sgdsde/io/first_passage_io.hpp"
#include "sgdsde/landscapes/landscapes.hpp"
#include "sgdsde/noise/noise_models.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_diffusion_1d.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/theory.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"

using namespace sgdsde;

namespace {

struct Passages {
  std::vector<std::int64_t> saddle, target;
  long n_steps;
};

/// Runs `model` from w = −1 until every particle reached w ≥ 1 (or n_steps); records the first
/// passages to w ≥ 0 (saddle) and w ≥ 1 (other minimum).
template <class Model>
Passages run_passages(Model& model, Index M, long n_steps, Index block) {
  Ensemble x = Ensemble::Constant(1, M, -1.0);
  auto at_saddle = [](const Ensemble& e, Index p) { return e(0, p) >= 0.0; };
  auto at_target = [](const Ensemble& e, Index p) { return e(0, p) >= 1.0; };
  FirstPassage<decltype(at_saddle)> saddle(at_saddle);
  FirstPassage<decltype(at_target)> target(at_target);
  Passive<decltype(saddle)> passive(saddle);
  RunOptions opt;
  opt.n_steps = n_steps;
  opt.block = block;
  opt.stop_when_all_passed = true;
  run_ensemble(model, x, opt, passive, target);
  return {saddle.steps(), target.steps(), n_steps};
}

struct Measured {
  double mean, se;
  std::int64_t censored;
};

Measured store(ResultsFile& f, const std::string& g, const Passages& p, double dt) {
  const auto s = io::write_first_passage(f, g + "/to_saddle", p.saddle, dt, p.n_steps);
  const auto t = io::write_first_passage(f, g + "/to_minimum", p.target, dt, p.n_steps);
  return {t.mean, t.std_error, s.censored + t.censored};
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("kramers_rate",
                 "Mean first-passage time between the wells of w^4 - 2w^2 vs 1/T: SGD and its SDE against "
                 "the exact discrete-chain and continuous MFPT and Kramers; label-noise model with D(w).");
  exp.param("temperatures", std::vector<double>{0.25, 0.3, 0.4, 0.5}, "nominal temperatures T", positive(),
            min_size(3))
      .param("particles", 1000, "independent particles per model and temperature", at_least(100))
      .param("sgd.eta", 0.01, "learning rate eta (= the EM step of the matched SDE)", positive())
      .param("sgd.batch", 1, "batch size B (with replacement)", at_least(1))
      .param("data.n", 100000, "number of samples N of the finite sum", at_least(2))
      .param("sde.dt_small", 0.002, "small EM step (close to the continuous SDE)", positive())
      .param("run.max_time_factor", 30.0,
             "run length = factor x the predicted mean passage time (censoring probability ~ e^-factor)",
             at_least(5.0))
      .param("run.block", 16, "particles per block (a block stops when all its particles passed)",
             at_least(1))
      .param("histogram.bins", 30, "bins of the escape-time histogram at the lowest T", at_least(5))
      .param("label_noise.sigmas", std::vector<double>{3.0, 4.0}, "label-noise standard deviations sigma",
             positive(), min_size(2))
      .param("label_noise.floor_sigma", 4.0, "additive floor standard deviation", positive())
      .param("label_noise.eta", 0.01, "learning rate of the label-noise runs", positive())
      .param("label_noise.batch", 1, "batch size of the label-noise runs", at_least(1));

  exp.batch_within_samples("sgd.batch", "data.n");
  exp.batch_within_samples("label_noise.batch", "data.n");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    auto& out = ctx.file();
    auto& checks = ctx.checks();
    const auto temps = cfg.get<std::vector<double>>("temperatures");
    const Index M = cfg.get<std::int64_t>("particles");
    const double eta = cfg.get<double>("sgd.eta"), dts = cfg.get<double>("sde.dt_small");
    const Index B = cfg.get<std::int64_t>("sgd.batch"), N = cfg.get<std::int64_t>("data.n");
    const double factor = cfg.get<double>("run.max_time_factor");
    const Index block = cfg.get<std::int64_t>("run.block");
    const std::uint64_t seed = ctx.seed();

    const DoubleWell well;
    const double dL = 1.0, h_min = well.second1(-1.0), h_sad = well.second1(0.0);
    auto lp = [well](double w) { return well.derivative1(w); };
    theory::MfptOptions mo;
    mo.left = -3.0;
    theory::ChainMfptOptions co;
    co.left = -3.0;

    const auto nT = temps.size();
    std::vector<double> T_act(nT), inv_T(nT), tau_q(nT), tau_qs(nT), tau_k(nT), chain_eta(nT),
        chain_eta_s(nT), chain_small(nT), grid_eta(nT), grid_small(nT);
    std::vector<double> m_sgd(nT), se_sgd(nT), m_em(nT), se_em(nT), m_small(nT), se_small(nT), m_sgd_s(nT),
        se_sgd_s(nT), m_em_s(nT), se_em_s(nT);
    std::int64_t censored = 0;
    std::vector<std::size_t> order(nT);
    for (std::size_t i = 0; i < nT; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return temps[a] < temps[b]; });
    std::vector<std::int64_t> low_sgd, low_small;  // passage steps at the lowest T (histograms)
    double longest_run = 0;
    Progress bar = ctx.progress(static_cast<std::int64_t>(3 * nT) * M, "kramers_rate");
    for (std::size_t i = 0; i < nT; ++i) {
      const std::string tag = std::string("T").append(std::to_string(i));
      // SGD noise level for the nominal T; the matched temperature uses the exact Σ₁ of the data
      const double sigma = std::sqrt(2.0 * static_cast<double>(B) * temps[i] / eta);
      auto problem = AdditiveNoise<DoubleWell>::isotropic(well, N, sigma, seed + 7919 * i);
      const double sigma1 = problem.per_sample_covariance(Vec::Zero(1))(0, 0);
      const double T = eta * sigma1 / (2.0 * static_cast<double>(B));
      T_act[i] = T;
      inv_T[i] = 1.0 / T;
      // theory
      const auto q = theory::mean_first_passage_time_langevin(lp, T, -1.0, 1.0, mo);
      const auto qs = theory::mean_first_passage_time_langevin(lp, T, -1.0, 0.0, mo);
      tau_q[i] = q.tau;
      tau_qs[i] = qs.tau;
      tau_k[i] = theory::kramers_time_to_minimum(theory::kramers_rate_1d(h_min, h_sad, dL, T));
      auto Dc = [T](double) { return T; };
      const auto ce = theory::chain_mean_first_passage_steps(lp, Dc, eta, -1.0, 1.0, co);
      const auto ces = theory::chain_mean_first_passage_steps(lp, Dc, eta, -1.0, 0.0, co);
      const auto cs = theory::chain_mean_first_passage_steps(lp, Dc, dts, -1.0, 1.0, co);
      chain_eta[i] = ce.steps * eta;
      chain_eta_s[i] = ces.steps * eta;
      chain_small[i] = cs.steps * dts;
      grid_eta[i] = ce.grid_error * eta;
      grid_small[i] = cs.grid_error * dts;

      // the three models
      const long n_eta = static_cast<long>(std::ceil(factor * chain_eta[i] / eta));
      const long n_small = static_cast<long>(std::ceil(factor * chain_small[i] / dts));
      longest_run = std::max(longest_run, factor * std::max(chain_eta[i], chain_small[i]));
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement,
                      seed + 1000003 * (i + 1));
      const Passages ps = run_passages(sgd, M, n_eta, block);
      bar.add(M);
      EnsembleLangevin em(well, T, eta, CounterRng(seed + 2000003 * (i + 1)));
      const Passages pe = run_passages(em, M, n_eta, block);
      bar.add(M);
      EnsembleLangevin ems(well, T, dts, CounterRng(seed + 3000017 * (i + 1)));
      const Passages pm = run_passages(ems, M, n_small, block);
      bar.add(M);

      if (i == order[0]) low_sgd = ps.target, low_small = pm.target;
      const std::string gs = "/sgd/" + tag, ge = "/sde/em_eta/" + tag, gm = "/sde/em_small/" + tag;
      const Measured a = store(out, gs, ps, eta), b = store(out, ge, pe, eta), c = store(out, gm, pm, dts);
      const auto as = stats::first_passage_stats(ps.saddle, eta, n_eta);
      const auto bs = stats::first_passage_stats(pe.saddle, eta, n_eta);
      for (const auto& g : {gs, ge, gm}) {
        out.set_attribute(g, "T", T);
        out.set_attribute(g, "T_nominal", temps[i]);
      }
      out.set_attribute(gs, "eta", eta);
      out.set_attribute(gs, "batch", static_cast<std::int64_t>(B));
      out.set_attribute(gs, "sigma1", sigma1);
      censored += a.censored + b.censored + c.censored;
      m_sgd[i] = a.mean, se_sgd[i] = a.se, m_em[i] = b.mean, se_em[i] = b.se, m_small[i] = c.mean,
      se_small[i] = c.se;
      m_sgd_s[i] = as.mean, se_sgd_s[i] = as.std_error, m_em_s[i] = bs.mean, se_em_s[i] = bs.std_error;

      const std::string Ts = "T=" + std::to_string(T).substr(0, 5) + ": ";
      checks.add(Ts + "SGD tau(-1->+1) vs chain MFPT at dt=eta", a.mean, a.se, chain_eta[i],
                 5.0 * a.se + grid_eta[i],
                 "SGD (B samples of Gaussian data per step) is the EM chain at dt = eta up to the noise's "
                 "non-Gaussianity; tolerance 5 se + the chain quadrature's grid error");
      checks.add(Ts + "EM(dt=eta) tau(-1->+1) vs chain MFPT", b.mean, b.se, chain_eta[i],
                 5.0 * b.se + grid_eta[i], "the same chain; tolerance 5 se + grid error");
      checks.add(
          Ts + "SGD tau(-1->0) vs chain MFPT to the saddle", as.mean, as.std_error, chain_eta_s[i],
          5.0 * as.std_error + ces.grid_error * eta,
          "first passage to the barrier top w >= 0 (discrete monitoring included in the chain); 5 se + grid");
      const double model_small = std::abs(chain_small[i] - tau_q[i]);
      checks.add(
          Ts + "EM(dt small) tau(-1->+1) vs continuous quadrature", c.mean, c.se, tau_q[i],
          5.0 * c.se + model_small + grid_small[i],
          "THEORY §5 exact quadrature; model error O(dt) = |chain MFPT(dt) - quadrature| (computed), + 5 se");
    }
    bar.finish();

    // ---- Kramers asymptote: τ_quad/τ_K → 1 as T → 0 ------------------------------------------
    bool monotone = true;
    for (std::size_t j = 1; j < nT; ++j)
      monotone = monotone && std::abs(tau_q[order[j - 1]] / tau_k[order[j - 1]] - 1.0) <
                                 std::abs(tau_q[order[j]] / tau_k[order[j]] - 1.0);
    checks.add_bool(
        "quadrature / Kramers -> 1 monotonically as T decreases", monotone,
        "|tau_quad/tau_Kramers - 1| decreases with T (Kramers is the T -> 0 asymptote, corrections O(T/dL))");

    // ---- Arrhenius fits: ln τ vs 1/T -----------------------------------------------------------
    auto fit_log = [&](const std::vector<double>& m, const std::vector<double>& se) {
      std::vector<double> y(nT), s(nT);
      for (std::size_t i = 0; i < nT; ++i) y[i] = std::log(m[i]), s[i] = se[i] / m[i];
      return stats::fit_line_weighted(inv_T, y, s);
    };
    auto fit_exact = [&](const std::vector<double>& m) {
      std::vector<double> y(nT);
      for (std::size_t i = 0; i < nT; ++i) y[i] = std::log(m[i]);
      return stats::fit_line(inv_T, y);
    };
    const auto f_small = fit_log(m_small, se_small), f_sgd = fit_log(m_sgd, se_sgd);
    const auto f_q = fit_exact(tau_q), f_chain = fit_exact(chain_eta), f_chain_s = fit_exact(chain_small);
    checks.add("Arrhenius slope d ln tau/d(1/T): EM(dt small) vs quadrature", f_small.b, f_small.se_b, f_q.b,
               5.0 * f_small.se_b + std::abs(f_chain_s.b - f_q.b),
               "weighted fit of ln tau vs 1/T; tolerance 5 se + the O(dt) slope difference of the chain");
    checks.add("Arrhenius slope: SGD vs chain at dt=eta", f_sgd.b, f_sgd.se_b, f_chain.b, 5.0 * f_sgd.se_b,
               "weighted fit; the chain's slope is exact for SGD up to noise non-Gaussianity");
    checks.add(
        "Arrhenius slope: EM(dt small) vs barrier dL", f_small.b, f_small.se_b, dL,
        5.0 * f_small.se_b + std::abs(f_q.b - dL),
        "slope -> dL as T -> 0; model error = |quadrature slope - dL| on the same temperatures (prefactor's "
        "T-dependence)");

    // ---- escape-time distribution at the lowest T vs the exponential law ------------------------
    const Index bins = cfg.get<std::int64_t>("histogram.bins");
    auto exp_hist = [&](const std::string& g, const std::string& model,
                        const std::vector<std::int64_t>& steps, double dt, double mean,
                        const std::string& what) {
      // bins up to 4 means (2% of an exponential beyond): counts and exponential masses
      const double hi = 4.0 * mean;
      const auto h = stats::first_passage_histogram(steps, dt, 0.0, hi, bins);
      const auto geo = stats::BinGeometry::of(h);
      Vec counts(bins), ref(bins);
      for (Index j = 0; j < bins; ++j) {
        counts[j] = static_cast<double>(h.count(j));
        ref[j] = std::exp(-geo.edges_x[j] / mean) - std::exp(-geo.edges_x[j + 1] / mean);
      }
      io::write_histogram(out, g + "/histogram", h, model, "escape_time_lowest_T");
      io::write_probabilities(out, g + "/exponential", ref, geo, "theory", "escape_time_lowest_T");
      const auto rows = stats::compare_histogram(counts, ref, geo);
      io::write_distances(out, g + "/distances", rows);
      for (const auto& r : rows)
        if (r.metric == "tv")
          checks.add_upper(
              what + ": TV(escape-time histogram, exponential)", r.value, r.bootstrap_se, r.bound(),
              "first-passage times over a high barrier are exponential with the exact mean (chain "
              "MFPT); bound = sampling floor mean + 5 floor sd (independent particles)");
    };
    exp_hist("/sgd/escape_time_lowest_T", "sgd", low_sgd, eta, chain_eta[order[0]], "SGD, lowest T");
    exp_hist("/sde/escape_time_lowest_T", "sde", low_small, dts, chain_small[order[0]],
             "EM(dt small), lowest T");
    out.set_attribute("/sgd/escape_time_lowest_T", "T", T_act[order[0]]);
    out.set_attribute("/sde/escape_time_lowest_T", "T", T_act[order[0]]);

    // ---- label-noise model: state-dependent D(w) = η Σ₁(w)/(2B) ---------------------------------
    const auto sig = cfg.get<std::vector<double>>("label_noise.sigmas");
    const double eta_l = cfg.get<double>("label_noise.eta"),
                 floor_s = cfg.get<double>("label_noise.floor_sigma");
    const Index B_l = cfg.get<std::int64_t>("label_noise.batch");
    const FlatSharpWells sym(1.0);  // L = ½ (w² − 1)²: a double well with ΔL = ½
    std::vector<double> ln_q(sig.size()), ln_chain(sig.size()), ln_sgd(sig.size()), ln_sgd_se(sig.size()),
        ln_sme(sig.size()), ln_sme_se(sig.size()), ln_gibbs(sig.size()), ln_Dmin(sig.size());
    for (std::size_t i = 0; i < sig.size(); ++i) {
      const auto problem =
          LabelNoise<FlatSharpWells>::isotropic(sym, N, sig[i], floor_s, seed + 31337 * (i + 1));
      auto lpl = [sym](double w) { return sym.derivative1(w); };
      const double scale = eta_l / (2.0 * static_cast<double>(B_l));
      auto Dl = [problem, scale](double w) {
        Vec x(1);
        x[0] = w;
        return scale * problem.per_sample_covariance(x)(0, 0);
      };
      // Σ₁(w) = m_ee f'² − 2 c f' + s_xx exactly: tabulate the three numbers for the fast loops
      const double s0 = Dl(0.0) / scale, sp = Dl(1.0) / scale, sm = Dl(-1.0) / scale;
      const double fp1 = sym.residual_derivative1(1.0), fm1 = sym.residual_derivative1(-1.0);
      // s(±1) = m f'² ∓ … : solve for m and the cross term from the values at ±1 and 0
      const double m_ee = (0.5 * (sp + sm) - s0) / (0.5 * (fp1 * fp1 + fm1 * fm1));
      const double cross = (sp - sm) / (fp1 - fm1);  // coefficient of f' (= −2c)
      auto Dfast = [sym, scale, m_ee, cross, s0](double w) {
        const double f1 = sym.residual_derivative1(w);
        return scale * (m_ee * f1 * f1 + cross * f1 + s0);
      };
      const auto q = theory::mean_first_passage_time(lpl, Dl, -1.0, 1.0, mo);
      const auto ch = theory::chain_mean_first_passage_steps(lpl, Dl, eta_l, -1.0, 1.0, co);
      const double tau_chain = ch.steps * eta_l;
      const long n_steps = static_cast<long>(std::ceil(factor * tau_chain / eta_l));
      SgdEnsemble sgd(problem, Sgd{}, ConstantLr{eta_l}, B_l, Sampling::with_replacement,
                      seed + 4000037 * (i + 1));
      const Passages ps = run_passages(sgd, M, n_steps, block);
      EnsembleDiffusion1D sme(lpl, Dfast, eta_l, CounterRng(seed + 5000011 * (i + 1)));
      const Passages pe = run_passages(sme, M, n_steps, block);
      const std::string tag = std::string("s").append(std::to_string(i));
      const Measured a = store(out, "/sgd/label_noise/" + tag, ps, eta_l);
      const Measured b = store(out, "/sde/label_noise/" + tag, pe, eta_l);
      censored += a.censored + b.censored;
      // isotropic Gibbs at the temperature of the minimum, D(−1): what a constant-T model predicts
      const double T_min = Dl(-1.0);
      const auto g = theory::mean_first_passage_time_langevin(lpl, T_min, -1.0, 1.0, mo);
      for (const auto& gr : {"/sgd/label_noise/" + tag, "/sde/label_noise/" + tag}) {
        out.set_attribute(gr, "sigma", sig[i]);
        out.set_attribute(gr, "D_min", T_min);
        out.set_attribute(gr, "D_barrier", Dl(0.0));
      }
      ln_q[i] = q.tau, ln_chain[i] = tau_chain, ln_sgd[i] = a.mean, ln_sgd_se[i] = a.se, ln_sme[i] = b.mean,
      ln_sme_se[i] = b.se, ln_gibbs[i] = g.tau, ln_Dmin[i] = T_min;
      const std::string S = "label noise sigma=" + std::to_string(sig[i]).substr(0, 4) + ": ";
      checks.add(
          S + "SGD tau(-1->+1) vs chain MFPT with D(w)", a.mean, a.se, tau_chain,
          5.0 * a.se + ch.grid_error * eta_l,
          "SGD is the EM chain of the SME at dt = eta (state-dependent D = eta Sigma_B(w)/2); 5 se + grid");
      checks.add(S + "SME-EM tau vs chain MFPT", b.mean, b.se, tau_chain, 5.0 * b.se + ch.grid_error * eta_l,
                 "the same chain; 5 se + grid error");
      checks.add(S + "SGD tau vs state-dependent quadrature", a.mean, a.se, q.tau,
                 5.0 * a.se + std::abs(tau_chain - q.tau) + ch.grid_error * eta_l,
                 "THEORY §5 quadrature with D(w); model error O(eta) = |chain - quadrature| (computed)");
    }
    out.write("/theory/label_noise/sigma", sig);
    out.write("/theory/label_noise/tau_quadrature", ln_q);
    out.write("/theory/label_noise/tau_chain", ln_chain);
    out.write("/theory/label_noise/tau_isotropic_at_D_min", ln_gibbs);
    out.write("/theory/label_noise/D_min", ln_Dmin);
    out.write("/sgd/label_noise/mean", ln_sgd);
    out.write("/sgd/label_noise/std_error", ln_sgd_se);
    out.write("/sde/label_noise/mean", ln_sme);
    out.write("/sde/label_noise/std_error", ln_sme_se);
    out.set_attribute("/theory/label_noise", "eta", eta_l);
    out.set_attribute("/theory/label_noise", "batch", static_cast<std::int64_t>(B_l));
    out.set_attribute("/theory/label_noise", "floor_sigma", floor_s);
    out.set_attribute("/theory/label_noise", "barrier", sym.value1(0.0) - sym.value1(-1.0));

    // ---- censoring --------------------------------------------------------------------------------
    checks.add_upper("censored particles (never reached +1 within the run), all runs",
                     static_cast<double>(censored), 0.0, 0.0,
                     "runs last max_time_factor x the predicted MFPT; a censored mean would be biased low");

    // ---- theory and per-T summaries --------------------------------------------------------------
    out.write("/theory/T", T_act);
    out.write("/theory/T_nominal", temps);
    out.write("/theory/tau_quadrature", tau_q);
    out.write("/theory/tau_quadrature_saddle", tau_qs);
    out.write("/theory/tau_kramers", tau_k);
    out.write("/theory/tau_chain_eta", chain_eta);
    out.write("/theory/tau_chain_eta_saddle", chain_eta_s);
    out.write("/theory/tau_chain_dt_small", chain_small);
    out.set_attribute("/theory", "barrier", dL);
    out.set_attribute("/theory", "curvature_min", h_min);
    out.set_attribute("/theory", "curvature_saddle", h_sad);
    out.set_attribute("/theory", "eta", eta);
    out.set_attribute("/theory", "dt_small", dts);
    out.set_attribute("/theory", "arrhenius_slope_quadrature", f_q.b);
    out.write("/sgd/mean", m_sgd);
    out.write("/sgd/std_error", se_sgd);
    out.write("/sgd/mean_saddle", m_sgd_s);
    out.write("/sgd/std_error_saddle", se_sgd_s);
    out.write("/sde/em_eta/mean", m_em);
    out.write("/sde/em_eta/std_error", se_em);
    out.write("/sde/em_eta/mean_saddle", m_em_s);
    out.write("/sde/em_eta/std_error_saddle", se_em_s);
    out.write("/sde/em_small/mean", m_small);
    out.write("/sde/em_small/std_error", se_small);
    out.set_attribute("/sgd", "arrhenius_slope", f_sgd.b);
    out.set_attribute("/sgd", "arrhenius_slope_se", f_sgd.se_b);
    out.set_attribute("/sde/em_small", "arrhenius_slope", f_small.b);
    out.set_attribute("/sde/em_small", "arrhenius_slope_se", f_small.se_b);
    out.set_attribute("/", "longest_run_time", longest_run);
  });
}
