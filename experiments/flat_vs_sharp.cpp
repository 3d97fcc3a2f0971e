// flat_vs_sharp (THEORY §5 last bullet, Xie–Sato–Sugiyama): two minima of equal depth, the flat
// one at −1 and the sharp one at +1 (FlatSharpWells, curvature ratio r), label-noise SGD with an
// additive floor, D(θ) = ηΣ_B(θ)/2. For every batch size B (so every η/B): escape times from each
// basin (SGD, the SME SDE by Euler–Maruyama, isotropic Langevin at T_iso = ηΣ₁(−1)/(2B)) and the
// occupation of the flat basin (SGD, SDE), against the continuous quadratures (MFPT with state-
// dependent D, p ∝ e^{−Φ}/D, Fokker–Planck solver), the exact Gaussian-chain references at the
// simulated step (chain_mfpt, euler_maruyama_invariant) and the isotropic Gibbs prediction.
// Schema and checks: docs/experiments/flat_vs_sharp.md.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sgdsde/ensemble/first_passage.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/landscapes/flat_sharp_wells.hpp"
#include "sgdsde/noise/label_noise.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_diffusion_1d.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/first_passage.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"
#include "sgdsde/stats/theory/stationary_density.hpp"

using namespace sgdsde;

namespace {

struct Escape {
  double mean = 0, se = 0;  // mean passage time (time units) and its standard error
  std::int64_t censored = 0;
  std::vector<double> times;
};

/// Mean time for every particle started at x0 to reach the other side (x ≥ 1 or x ≤ −1).
template <class Model>
Escape escape(Model& model, double x0, double dt, Index M, long cap, Index block) {
  Ensemble x = Ensemble::Constant(1, M, x0);
  const bool right = x0 < 0;
  FirstPassage fp([right](const Ensemble& e, Index p) { return right ? e(0, p) >= 1.0 : e(0, p) <= -1.0; });
  RunOptions opt;
  opt.n_steps = cap;
  opt.block = block;
  opt.stop_when_all_passed = true;
  run_ensemble(model, x, opt, fp);
  const auto s = stats::first_passage_stats(fp.steps(), dt, cap);
  Escape e{s.mean, s.std_error, s.censored, {}};
  for (auto k : fp.steps())
    if (k >= 0) e.times.push_back(static_cast<double>(k) * dt);
  return e;
}

/// Both directions of the chain MFPT (time units): −1 → {x ≥ 1} and +1 → {x ≤ −1} (mirror image).
template <class LP, class Diff>
std::array<theory::ChainMfptResult, 2> chain_times(const LP& lp, const Diff& D, double dt, double lo,
                                                   double hi, double cells_per_sd) {
  theory::ChainMfptOptions o;
  o.cells_per_sd = cells_per_sd;
  o.left = lo;
  auto f = theory::chain_mean_first_passage_steps(lp, D, dt, -1.0, 1.0, o);
  o.left = -hi;
  auto s = theory::chain_mean_first_passage_steps([&lp](double w) { return -lp(-w); },
                                                  [&D](double w) { return D(-w); }, dt, -1.0, 1.0, o);
  for (auto* r : {&f, &s}) {
    r->steps *= dt;
    r->grid_error *= dt;
  }
  return {f, s};
}

/// Mass of [lo, cut) under cell masses of n equal cells on [lo, hi]: the cells below the cut, and
/// in the cut cell the integral up to the cut of the linear density with the cell's mean and the
/// centred slope of its neighbours. (Spreading the cut cell's mass evenly errs by up to |p'| h²/8,
/// an error that depends on where the cut falls in its cell rather than smoothly on h, so that
/// comparing two resolutions would not estimate it.)
double mass_below(const Vec& cells, double lo, double hi, double cut) {
  const Index n = cells.size();
  const double h = (hi - lo) / static_cast<double>(n);
  double m = 0;
  for (Index i = 0; i < n; ++i) {
    const double c = std::clamp(cut - (lo + h * static_cast<double>(i)), 0.0, h);
    if (c == h) {
      m += cells[i];
    } else if (c > 0.0) {
      const Index l = std::max<Index>(i - 1, 0), r = std::min<Index>(i + 1, n - 1);
      const double slope = r > l ? (cells[r] - cells[l]) / (h * h * static_cast<double>(r - l)) : 0.0;
      m += cells[i] * c / h + slope * c * (c - h) / 2.0;
    }
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("flat_vs_sharp",
                 "Flat vs sharp minima of equal depth under label-noise SGD: basin occupation and escape "
                 "times vs eta/B (SGD, SME SDE, Fokker-Planck with state-dependent D, isotropic Gibbs).");
  exp.param("landscape.curvature_ratio", 4.0, "r = L''(sharp)/L''(flat)", in_range(4.0, 40.0))
      .param("noise.sigma", 10.0, "label noise standard deviation sigma", positive())
      .param("noise.floor_sigma", 5.0, "additive floor standard deviation", positive())
      .param("data.n", 10000, "number of samples N", at_least(100))
      .param("sgd.eta", 0.01, "learning rate eta", positive())
      .param("sgd.batches", std::vector<double>{2, 3, 4}, "batch sizes B (one eta/B point each)",
             at_least(1.0), whole_numbers(), distinct(), min_size(3))
      .param("sde.dt_factor", 1.0, "SME Euler-Maruyama step dt = factor * eta", in_range(0.01, 1.0))
      .param("escape.particles", 256, "particles per escape-time run", at_least(16))
      .param("escape.block", 64, "runner block (a block stops when all its particles passed)", at_least(1))
      .param("escape.cap_factor", 40.0, "step cap = factor * chain mean passage steps", at_least(10.0))
      .param("occupation.particles", 4000, "particles of the occupation runs", at_least(100))
      .param("occupation.relaxation_times", 3.0, "run length in units of 1/(k_flat + k_sharp)", positive())
      .param("chain.cells_per_sd", 4.0, "Gaussian-chain grid: cells per transition sd", at_least(2.0))
      .param("fp.cells", 800, "Fokker-Planck cells", at_least(50))
      .param("trajectories.steps", 20000, "steps of the illustrative SGD trajectories", at_least(100))
      .cross_check(
          {"sgd.eta", "landscape.curvature_ratio"},
          [](const Config& c) {
            return c.get<double>("sgd.eta") *
                       FlatSharpWells(c.get<double>("landscape.curvature_ratio")).second1(1.0) <
                   2.0;
          },
          "SGD must be stable in the sharp well: eta * L''(+1) < 2");

  exp.batch_within_samples("sgd.batches", "data.n");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    auto& out = ctx.file();
    auto& checks = ctx.checks();
    const std::uint64_t seed = ctx.seed();
    const FlatSharpWells wells(cfg.get<double>("landscape.curvature_ratio"));
    const double eta = cfg.get<double>("sgd.eta"), dt_sde = cfg.get<double>("sde.dt_factor") * eta;
    const auto noise = LabelNoise<FlatSharpWells>::isotropic(wells, cfg.get<std::int64_t>("data.n"),
                                                             cfg.get<double>("noise.sigma"),
                                                             cfg.get<double>("noise.floor_sigma"), seed + 17);
    const auto batches = cfg.get<std::vector<double>>("sgd.batches");
    const Index Me = cfg.get<std::int64_t>("escape.particles"), block = cfg.get<std::int64_t>("escape.block");
    const Index Mo = cfg.get<std::int64_t>("occupation.particles");
    const double cap_factor = cfg.get<double>("escape.cap_factor"),
                 cps = cfg.get<double>("chain.cells_per_sd");
    const Box box = wells.box();
    const double lo = box.lo[0], hi = box.hi[0], wb = wells.barrier_location(), dL = wells.barrier_height();
    const auto lp = [wells](double w) { return wells.derivative1(w); };
    const double Hf = wells.second1(-1.0), Hs = wells.second1(1.0);
    const theory::MfptOptions mo{lo, 256, 8, 1e-10, 1 << 15};
    // The predictions' theory (--control): D of every continuous model (quadratures, chains, Gibbs,
    // FP, the SME and isotropic runs). SGD's step caps and the start and length of its occupation
    // runs are planned from SGD's own D, so that SGD runs exactly as without a control.
    const Theory& theo = ctx.theory();
    const bool control = theo.is_control();

    out.create_group("/theory");
    for (const char* g : {"/sgd", "/sde", "/isotropic", "/fokker_planck"}) out.create_group(g);
    out.set_attribute("/theory", "H_flat", Hf);
    out.set_attribute("/theory", "H_sharp", Hs);
    out.set_attribute("/theory", "barrier_location", wb);
    out.set_attribute("/theory", "barrier_height", dL);
    out.set_attribute("/theory", "box", std::vector<double>{lo, hi});
    out.set_attribute("/theory", "gibbs_low_T_flat_mass", std::sqrt(Hs / Hf) / (1.0 + std::sqrt(Hs / Hf)));
    out.set_attribute("/sgd", "eta", eta);
    out.set_attribute("/sde", "dt", dt_sde);
    out.set_attribute("/theory", "label_variance", noise.label_variance());

    const std::size_t P = batches.size();
    // per point: x = B/η; columns of the tables below
    std::vector<double> x(P), eta_over_b(P), T_iso(P), dphi_f(P), dphi_s(P), dL_over_Dmin_f(P),
        dL_over_Dmin_s(P);
    std::vector<double> q_f(P), q_s(P), ch_f(P), ch_s(P), chs_f(P), chs_s(P), qi_f(P), qi_s(P), chi_f(P),
        chi_s(P);
    std::vector<double> grid_err(P), sgd_f(P), sgd_fse(P), sgd_s(P), sgd_sse(P), sde_f(P), sde_fse(P),
        sde_s(P), sde_sse(P), iso_f(P), iso_fse(P), iso_s(P), iso_sse(P);
    std::vector<double> m_fp(P), m_fp_ref_err(P), m_fp_solver(P), m_fp_coarse(P), m_fp_coarser(P), m_chain(P),
        m_chain_sde(P), m_gibbs(P), occ_sgd(P), occ_sgd_se(P), occ_sde(P), occ_sde_se(P), occ_memory(P),
        occ_steps(P);
    std::int64_t censored = 0;
    Progress bar = ctx.progress(static_cast<std::int64_t>(P), "flat_vs_sharp");

    for (std::size_t i = 0; i < P; ++i) {
      const auto B = static_cast<Index>(std::llround(batches[i]));
      x[i] = static_cast<double>(B) / eta;
      eta_over_b[i] = eta / static_cast<double>(B);
      const LabelNoiseSmeDiffusion1D<FlatSharpWells> D_sgd(noise, eta, B, Sampling::with_replacement);
      // the theory's D = η c Σ₁/(2B): its sampling factor c (1 with replacement) and its T factor
      const double c_mode = batch_noise_factor(noise.num_samples(), B, Sampling::with_replacement);
      LabelNoiseSmeDiffusion1D<FlatSharpWells> D = D_sgd;
      D.scale *= theo.temperature_factor() * theo.batch_noise_factor(c_mode) / c_mode;
      const double Ti = D(-1.0);  // isotropic noise of the size of SGD's at the flat minimum
      T_iso[i] = Ti;
      const auto Dc = [Ti](double) { return Ti; };
      const std::uint64_t s0 = seed + 1000003ull * (i + 1);

      // ---- theory: continuous quadratures, Gaussian chains, Φ barriers ----
      q_f[i] = theory::mean_first_passage_time(lp, D, -1.0, 1.0, mo).tau;
      q_s[i] = theory::mean_first_passage_time_leftward(lp, D, 1.0, -1.0, hi, mo).tau;
      qi_f[i] = theory::mean_first_passage_time_langevin(lp, Ti, -1.0, 1.0, mo).tau;
      qi_s[i] = theory::mean_first_passage_time_leftward(lp, Dc, 1.0, -1.0, hi, mo).tau;
      const auto c = chain_times(lp, D, eta, lo, hi, cps);
      const auto c_plan = control ? chain_times(lp, D_sgd, eta, lo, hi, cps) : c;  // SGD's caps, t_rel
      const auto cs = chain_times(lp, D, dt_sde, lo, hi, cps);
      const auto ci = chain_times(lp, Dc, eta, lo, hi, cps);
      ch_f[i] = c[0].steps, ch_s[i] = c[1].steps, chs_f[i] = cs[0].steps, chs_s[i] = cs[1].steps;
      chi_f[i] = ci[0].steps, chi_s[i] = ci[1].steps;
      grid_err[i] = std::max({c[0].grid_error / c[0].steps, c[1].grid_error / c[1].steps,
                              cs[0].grid_error / cs[0].steps, cs[1].grid_error / cs[1].steps,
                              ci[0].grid_error / ci[0].steps, ci[1].grid_error / ci[1].steps});
      {  // ΔΦ = ∫_min^barrier L'/D (Simpson)
        auto integ = [&](double a, double b) {
          const int n = 4000;
          const double h = (b - a) / n;
          double s = lp(a) / D(a) + lp(b) / D(b);
          for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * lp(a + k * h) / D(a + k * h);
          return s * h / 3.0;
        };
        dphi_f[i] = integ(-1.0, wb);
        dphi_s[i] = -integ(wb, 1.0);
        dL_over_Dmin_f[i] = dL / D(-1.0);
        dL_over_Dmin_s[i] = dL / D(1.0);
      }
      // stationary masses of the flat basin (x < barrier)
      const Index nb = 4000;
      const Vec pq = theory::stationary_bin_probabilities_1d(lp, D, lo, hi, nb);
      m_fp[i] = mass_below(pq, lo, hi, wb);
      // SGD's occupation runs start from its own continuous law (the plan), whatever the control
      const Vec pq_plan = control ? theory::stationary_bin_probabilities_1d(lp, D_sgd, lo, hi, nb) : pq;
      const double m_start_sgd = control ? mass_below(pq_plan, lo, hi, wb) : m_fp[i];
      // its own quadrature error, estimated as the solver's is: the same mass on half as many bins
      m_fp_ref_err[i] = std::abs(
          m_fp[i] - mass_below(theory::stationary_bin_probabilities_1d(lp, D, lo, hi, nb / 2), lo, hi, wb));
      m_gibbs[i] = mass_below(
          theory::gibbs_bin_probabilities_1d([&wells](double v) { return wells.value1(v); }, lo, hi, nb, Ti),
          lo, hi, wb);
      double smin = 1e300;
      for (int k = 0; k <= 2000; ++k)
        smin = std::min(smin, std::sqrt(2.0 * D(lo + (hi - lo) * k / 2000.0) * dt_sde));
      const auto ncell = static_cast<Index>(std::ceil((hi - lo) / (0.25 * smin)));
      m_chain[i] =
          mass_below(theory::euler_maruyama_invariant_cells_1d(lp, D, eta, lo, hi, ncell), lo, hi, wb);
      m_chain_sde[i] =
          dt_sde == eta ? m_chain[i]
                        : mass_below(theory::euler_maruyama_invariant_cells_1d(lp, D, dt_sde, lo, hi, ncell),
                                     lo, hi, wb);
      // Fokker–Planck solver (state-dependent D) at n and n/2 cells: its own discretisation error
      const auto fp_mass = [&](Index n) {
        fp::Grid<1> grid(box, n);
        fp::FokkerPlanck<1> solver(
            grid, wells, fp::Diffusion::diagonal([D](const Vec& v) { return Vec::Constant(1, D(v[0])); }));
        // cell masses summed up to the barrier (linear in the cut cell): O(h²), unlike a whole-cell
        // basin labelling whose O(h) error depends on where the barrier falls in its cell
        const Vec cells = solver.stationary().marginal(0) * grid.cell_volume();
        return mass_below(cells, lo, hi, wb);
      };
      const Index nfp = cfg.get<std::int64_t>("fp.cells");
      m_fp_solver[i] = fp_mass(nfp);
      m_fp_coarse[i] = fp_mass(nfp / 2);
      m_fp_coarser[i] = fp_mass(nfp / 4);

      // ---- escape times ----
      const auto cap = [&](double tau, double dt) {
        return static_cast<long>(std::ceil(cap_factor * tau / dt));
      };
      SgdEnsemble sgd(noise, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, s0 + 1);
      EnsembleDiffusion1D sde(lp, D, dt_sde, CounterRng(s0 + 2));
      EnsembleLangevin iso(wells, Ti, eta, CounterRng(s0 + 3));
      const std::string tag = "/B" + std::to_string(B);
      auto record = [&](const std::string& g, const Escape& e, double& m, double& se) {
        m = e.mean;
        se = e.se;
        censored += e.censored;
        out.write(g, e.times);
      };
      {
        const Escape a = escape(sgd, -1.0, eta, Me, cap(c_plan[0].steps, eta), block);
        record("/sgd/escape_flat" + tag, a, sgd_f[i], sgd_fse[i]);
        const Escape b = escape(sgd, 1.0, eta, Me, cap(c_plan[1].steps, eta), block);
        record("/sgd/escape_sharp" + tag, b, sgd_s[i], sgd_sse[i]);
        const Escape cdf = escape(sde, -1.0, dt_sde, Me, cap(chs_f[i], dt_sde), block);
        record("/sde/escape_flat" + tag, cdf, sde_f[i], sde_fse[i]);
        const Escape d = escape(sde, 1.0, dt_sde, Me, cap(chs_s[i], dt_sde), block);
        record("/sde/escape_sharp" + tag, d, sde_s[i], sde_sse[i]);
        const Escape e = escape(iso, -1.0, eta, Me, cap(chi_f[i], eta), block);
        record("/isotropic/escape_flat" + tag, e, iso_f[i], iso_fse[i]);
        const Escape f = escape(iso, 1.0, eta, Me, cap(chi_s[i], eta), block);
        record("/isotropic/escape_sharp" + tag, f, iso_s[i], iso_sse[i]);
      }

      // ---- occupation: start from the continuous stationary law p ∝ e^{−Φ}/D (inverse CDF),
      // run relaxation_times / (k_flat + k_sharp); the final states are independent samples ----
      // (SGD: from its own law for its own relaxation times; the SDE: the theory's law and times)
      double occ_memory_sgd = 0.0;
      {
        const double relax = cfg.get<double>("occupation.relaxation_times");
        const double t_rel = 1.0 / (1.0 / ch_f[i] + 1.0 / ch_s[i]);
        const double t_run = relax * t_rel;
        const double t_run_sgd = control ? relax / (1.0 / c_plan[0].steps + 1.0 / c_plan[1].steps) : t_run;
        occ_memory[i] = std::exp(-relax);
        occ_memory_sgd = std::exp(-t_run_sgd / t_rel);  // the theory's memory of SGD's start
        const auto draw = [&](const Vec& pr) {
          Vec cdf(nb + 1);
          cdf[0] = 0;
          for (Index k = 0; k < nb; ++k) cdf[k + 1] = cdf[k] + pr[k];
          const CounterRng init(s0 + 4);
          Ensemble x0(1, Mo);
          for (Index p = 0; p < Mo; ++p) {
            const double u =
                init.uniforms(static_cast<std::uint32_t>(p), 0, CounterRng::slot(Purpose::init, 0))[0] *
                cdf[nb];
            const Index k = std::min<Index>(
                nb - 1,
                static_cast<Index>(std::upper_bound(cdf.data(), cdf.data() + nb + 1, u) - cdf.data()) - 1);
            x0(0, p) = lo + (hi - lo) * (static_cast<double>(k) + (u - cdf[k]) / std::max(pr[k], 1e-300)) /
                                static_cast<double>(nb);
          }
          return x0;
        };
        const Ensemble x0_sde = draw(pq), x0_sgd = control ? draw(pq_plan) : x0_sde;
        auto occupy = [&](auto& model, const Ensemble& x0, double t_len, double dt, double& frac, double& se,
                          const std::string& g) {
          Ensemble xs = x0;
          RunOptions opt;
          opt.n_steps = static_cast<long>(std::ceil(t_len / dt));
          run_ensemble(model, xs, opt);
          double n = 0;
          for (Index p = 0; p < Mo; ++p) n += xs(0, p) < wb;
          frac = n / static_cast<double>(Mo);
          se = std::sqrt(frac * (1 - frac) / static_cast<double>(Mo));
          out.write(g, Vec(xs.row(0).transpose()));
          return opt.n_steps;
        };
        occ_steps[i] = static_cast<double>(
            occupy(sgd, x0_sgd, t_run_sgd, eta, occ_sgd[i], occ_sgd_se[i], "/sgd/occupation_final" + tag));
        occupy(sde, x0_sde, t_run, dt_sde, occ_sde[i], occ_sde_se[i], "/sde/occupation_final" + tag);
      }
      bar.add(1);

      // ---- per-point checks ----
      const std::string b = "B=" + std::to_string(B) + ": ";
      auto logcheck = [&](const std::string& name, double m, double se, double pred,
                          const std::string& what) {
        const double lse = se / m;
        checks.add(b + name, std::log(m), lse, std::log(pred), 5.0 * lse + grid_err[i],
                   what + "; tolerance 5 se of ln(mean) + the chain grid error (Richardson)");
      };
      logcheck(
          "ln tau_flat SGD vs Gaussian chain", sgd_f[i], sgd_fse[i], ch_f[i],
          "SGD is the Euler-Maruyama chain at dt = eta up to the non-Gaussianity of the minibatch noise");
      logcheck(
          "ln tau_sharp SGD vs Gaussian chain", sgd_s[i], sgd_sse[i], ch_s[i],
          "SGD is the Euler-Maruyama chain at dt = eta up to the non-Gaussianity of the minibatch noise");
      // The EM runs against the exact MFPT of the very chain they simulate: identities of the code
      // (they move with the theory under a control), not claims about SGD.
      const std::string em_identity = " (identity: Monte Carlo of the chain vs its exact MFPT)";
      logcheck("ln tau_flat SDE vs its chain", sde_f[i], sde_fse[i], chs_f[i],
               "SME Euler-Maruyama at dt_sde" + em_identity);
      logcheck("ln tau_sharp SDE vs its chain", sde_s[i], sde_sse[i], chs_s[i],
               "SME Euler-Maruyama at dt_sde" + em_identity);
      logcheck("ln tau_flat isotropic vs chain", iso_f[i], iso_fse[i], chi_f[i],
               "Langevin EM at T_iso, dt = eta" + em_identity);
      logcheck("ln tau_sharp isotropic vs chain", iso_s[i], iso_sse[i], chi_s[i],
               "Langevin EM at T_iso, dt = eta" + em_identity);
      for (const char* n : {"ln tau_flat SDE vs its chain", "ln tau_sharp SDE vs its chain",
                            "ln tau_flat isotropic vs chain", "ln tau_sharp isotropic vs chain"})
        checks.set_role(b + n, io::CheckRole::identity);
      // occupation: the runs start from the continuous law, so a fraction e^{−t/t_rel} of the
      // difference chain − continuous may remain (model part of the tolerance)
      checks.add(b + "flat occupation SGD vs chain invariant", occ_sgd[i], occ_sgd_se[i], m_chain[i],
                 5.0 * occ_sgd_se[i] + occ_memory_sgd * std::abs(m_chain[i] - m_start_sgd),
                 "stationary flat-basin mass of the Gaussian chain at dt = eta; tolerance 5 se (binomial) + "
                 "e^{-t/t_rel}|chain - continuous| (memory of the start drawn from e^{-Phi}/D)");
      checks.add(
          b + "flat occupation SDE vs chain invariant", occ_sde[i], occ_sde_se[i], m_chain_sde[i],
          5.0 * occ_sde_se[i] + occ_memory[i] * std::abs(m_chain_sde[i] - m_fp[i]),
          "as for SGD, chain at dt_sde (identity: the EM chain's Monte Carlo vs its exact invariant law)");
      checks.set_role(b + "flat occupation SDE vs chain invariant", io::CheckRole::identity);
      checks.add_lower(
          b + "flat occupation SGD above isotropic Gibbs + 5 se", occ_sgd[i], occ_sgd_se[i],
          m_gibbs[i] + 5.0 * occ_sgd_se[i],
          "SGD-like noise favours the flat basin beyond the Gibbs mass at T_iso (bound: Gibbs + 5 se)");
      checks.add(b + "FP solver flat mass vs exact e^{-Phi}/D", m_fp_solver[i], 0.0, m_fp[i],
                 std::abs(m_fp_solver[i] - m_fp_coarse[i]) + std::abs(m_fp_coarse[i] - m_fp_coarser[i]) +
                     m_fp_ref_err[i],
                 "Fokker-Planck stationary solve with state-dependent D; tolerance = |m(n) - m(n/2)| + "
                 "|m(n/2) - m(n/4)| (its discretisation error estimate: 15 times the error of m(n) for a "
                 "second-order error, and it also covers an error that falls unevenly with n, as the "
                 "barrier's position within its cell changes) + |m(4000) - m(2000)| for the quadrature "
                 "of e^{-Phi}/D on 4000 bins (identity: the solver's discretisation error)");
      checks.set_role(b + "FP solver flat mass vs exact e^{-Phi}/D", io::CheckRole::identity);
    }
    bar.finish();

    // ---- the slope of ln(τ_flat/τ_sharp) in B/η ----
    auto ln_ratio = [&](const std::vector<double>& f, const std::vector<double>& s) {
      std::vector<double> r(P);
      for (std::size_t i = 0; i < P; ++i) r[i] = std::log(f[i] / s[i]);
      return r;
    };
    auto ln_ratio_se = [&](const std::vector<double>& f, const std::vector<double>& fse,
                           const std::vector<double>& s, const std::vector<double>& sse) {
      std::vector<double> r(P);
      for (std::size_t i = 0; i < P; ++i) r[i] = std::hypot(fse[i] / f[i], sse[i] / s[i]);
      return r;
    };
    const auto r_sgd = ln_ratio(sgd_f, sgd_s), r_sgd_se = ln_ratio_se(sgd_f, sgd_fse, sgd_s, sgd_sse);
    const auto r_sde = ln_ratio(sde_f, sde_s), r_sde_se = ln_ratio_se(sde_f, sde_fse, sde_s, sde_sse);
    const auto r_iso = ln_ratio(iso_f, iso_s), r_iso_se = ln_ratio_se(iso_f, iso_fse, iso_s, iso_sse);
    const auto r_q = ln_ratio(q_f, q_s), r_ch = ln_ratio(ch_f, ch_s), r_qi = ln_ratio(qi_f, qi_s),
               r_chi = ln_ratio(chi_f, chi_s);
    const auto fit_w = [&](const std::vector<double>& y, const std::vector<double>& se) {
      return stats::fit_line_weighted(x, y, se);
    };
    const auto fit_exact = [&](const std::vector<double>& y) {
      return stats::fit_line_weighted(x, y, r_sgd_se);
    };
    const auto f_sgd = fit_w(r_sgd, r_sgd_se), f_sde = fit_w(r_sde, r_sde_se), f_iso = fit_w(r_iso, r_iso_se);
    const double s_q = fit_exact(r_q).b, s_ch = fit_exact(r_ch).b, s_qi = fit_exact(r_qi).b,
                 s_chi = stats::fit_line_weighted(x, r_chi, r_iso_se).b;
    checks.add_lower(
        "slope of ln(tau_flat/tau_sharp) vs B/eta, SGD: > 5 se", f_sgd.b, f_sgd.se_b, 5.0 * f_sgd.se_b,
        "the log escape-time ratio grows linearly in B/eta (weighted fit, se from the escape-time "
        "standard errors)");
    checks.add(
        "slope SGD vs continuous quadrature", f_sgd.b, f_sgd.se_b, s_q,
        5.0 * f_sgd.se_b + std::abs(s_ch - s_q),
        "slope of the exact MFPT quadratures with D = eta Sigma_B/2 (same fit); tolerance 5 se + the O(eta) "
        "model error |slope(chain at dt = eta) - slope(continuous)|");
    checks.add("slope SGD vs Gaussian chain", f_sgd.b, f_sgd.se_b, s_ch, 5.0 * f_sgd.se_b,
               "slope of the exact Gaussian-chain MFPTs at dt = eta; tolerance 5 se");
    checks.add(
        "slope SDE vs continuous quadrature", f_sde.b, f_sde.se_b, s_q,
        5.0 * f_sde.se_b + std::abs(stats::fit_line_weighted(x, ln_ratio(chs_f, chs_s), r_sde_se).b - s_q),
        "SME Euler-Maruyama; tolerance 5 se + |slope(chain at dt_sde) - slope(continuous)| (identity: the EM "
        "discretisation of the SDE whose quadrature it is compared with)");
    checks.set_role("slope SDE vs continuous quadrature", io::CheckRole::identity);
    checks.add(
        "slope isotropic vs isotropic quadrature", f_iso.b, f_iso.se_b, s_qi,
        5.0 * f_iso.se_b + std::abs(s_chi - s_qi),
        "isotropic noise: the ratio stays flat (Kramers: only the prefactor sqrt(H_s/H_f) differs); "
        "tolerance 5 se + |slope(chain) - slope(continuous)| (identity: EM of the Langevin equation whose "
        "quadrature it is compared with)");
    checks.set_role("slope isotropic vs isotropic quadrature", io::CheckRole::identity);
    checks.add_lower(
        "slope SGD minus slope isotropic: > 5 se", f_sgd.b - f_iso.b, std::hypot(f_sgd.se_b, f_iso.se_b),
        5.0 * std::hypot(f_sgd.se_b, f_iso.se_b),
        "SGD-like noise prefers the flat minimum exponentially in B/eta, isotropic noise does not");
    checks.add_bool("no censored escape runs", censored == 0,
                    "every particle escaped before the step cap (a condition of the measurement, no "
                    "prediction: illustration, cannot tell an error in T)");
    checks.set_role("no censored escape runs", io::CheckRole::illustration);

    // ---- tables ----
    auto w = [&](const std::string& g, const std::string& n, const std::vector<double>& v) {
      out.write(g + "/" + n, v);
    };
    w("/theory", "B_over_eta", x);
    w("/theory", "eta_over_B", eta_over_b);
    w("/theory", "batch", batches);
    w("/theory", "T_iso", T_iso);
    w("/theory", "delta_phi_flat", dphi_f);
    w("/theory", "delta_phi_sharp", dphi_s);
    w("/theory", "barrier_over_D_flat", dL_over_Dmin_f);
    w("/theory", "barrier_over_D_sharp", dL_over_Dmin_s);
    w("/theory", "tau_flat_quadrature", q_f);
    w("/theory", "tau_sharp_quadrature", q_s);
    w("/theory", "tau_flat_chain", ch_f);
    w("/theory", "tau_sharp_chain", ch_s);
    w("/theory", "tau_flat_chain_sde", chs_f);
    w("/theory", "tau_sharp_chain_sde", chs_s);
    w("/theory", "tau_flat_isotropic_quadrature", qi_f);
    w("/theory", "tau_sharp_isotropic_quadrature", qi_s);
    w("/theory", "tau_flat_isotropic_chain", chi_f);
    w("/theory", "tau_sharp_isotropic_chain", chi_s);
    w("/theory", "chain_grid_rel_error", grid_err);
    w("/theory", "flat_mass_stationary", m_fp);
    w("/theory", "flat_mass_chain", m_chain);
    w("/theory", "flat_mass_chain_sde", m_chain_sde);
    w("/theory", "flat_mass_gibbs_isotropic", m_gibbs);
    w("/fokker_planck", "flat_mass", m_fp_solver);
    w("/fokker_planck", "flat_mass_coarse", m_fp_coarse);
    w("/fokker_planck", "flat_mass_coarser", m_fp_coarser);
    for (auto [g, f, fs, s, ss, occ, occse] :
         {std::tuple{"/sgd", &sgd_f, &sgd_fse, &sgd_s, &sgd_sse, &occ_sgd, &occ_sgd_se},
          std::tuple{"/sde", &sde_f, &sde_fse, &sde_s, &sde_sse, &occ_sde, &occ_sde_se}}) {
      w(g, "tau_flat", *f);
      w(g, "tau_flat_se", *fs);
      w(g, "tau_sharp", *s);
      w(g, "tau_sharp_se", *ss);
      w(g, "flat_occupation", *occ);
      w(g, "flat_occupation_se", *occse);
    }
    w("/sgd", "occupation_steps", occ_steps);
    w("/isotropic", "tau_flat", iso_f);
    w("/isotropic", "tau_flat_se", iso_fse);
    w("/isotropic", "tau_sharp", iso_s);
    w("/isotropic", "tau_sharp_se", iso_sse);
    for (auto [g, f] : {std::pair{"/sgd", f_sgd}, std::pair{"/sde", f_sde}, std::pair{"/isotropic", f_iso}}) {
      out.set_attribute(g, "ln_ratio_slope", f.b);
      out.set_attribute(g, "ln_ratio_slope_se", f.se_b);
      out.set_attribute(g, "ln_ratio_intercept", f.a);
    }
    out.set_attribute("/theory", "ln_ratio_slope_quadrature", s_q);
    out.set_attribute("/theory", "ln_ratio_slope_chain", s_ch);
    out.set_attribute("/theory", "ln_ratio_slope_isotropic_quadrature", s_qi);
    out.set_attribute("/theory", "ln_ratio_slope_isotropic_chain", s_chi);

    // ---- the landscape, D, stationary densities and SGD trajectories (illustration, middle B) ----
    {
      const std::size_t im = P / 2;
      const auto B = static_cast<Index>(std::llround(batches[im]));
      LabelNoiseSmeDiffusion1D<FlatSharpWells> D(noise, eta, B, Sampling::with_replacement);
      const double c_mode = batch_noise_factor(noise.num_samples(), B, Sampling::with_replacement);
      D.scale *= theo.temperature_factor() * theo.batch_noise_factor(c_mode) / c_mode;  // the theory's D
      const Index n = 801;
      Vec th = Vec::LinSpaced(n, lo, hi), Lv(n), Dv(n);
      for (Index k = 0; k < n; ++k) Lv[k] = wells.value1(th[k]), Dv[k] = D(th[k]);
      out.create_group("/landscape");
      out.write("/landscape/theta", th);
      out.write("/landscape/loss", Lv);
      out.write("/landscape/diffusion", Dv);
      out.write("/landscape/p_stationary", theory::stationary_density_1d(lp, D, lo, hi, th));
      const double Ti = T_iso[im];
      out.write("/landscape/p_gibbs", theory::stationary_density_1d(
                                          lp, [Ti](double) { return Ti; }, lo, hi, th));
      out.set_attribute("/landscape", "batch", static_cast<std::int64_t>(B));
      const long ns = cfg.get<std::int64_t>("trajectories.steps");
      const BatchSampler sampler(noise.num_samples(), B, Sampling::with_replacement, seed + 99);
      Mat tr(4, ns + 1);
      for (int p = 0; p < 4; ++p)
        tr.row(p) = sgd_trajectory(noise, Sgd{}, ConstantLr{eta}, sampler,
                                   Vec::Constant(1, p % 2 ? 1.0 : -1.0), ns, static_cast<std::uint32_t>(p))
                        .row(0);
      out.write("/sgd/trajectories", tr);
      out.set_attribute("/sgd/trajectories", "batch", static_cast<std::int64_t>(B));
      out.set_attribute("/sgd/trajectories", "eta", eta);
    }
  });
}
