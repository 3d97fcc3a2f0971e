// flat_vs_sharp (THEORY §5 last bullet, Xie–Sato–Sugiyama): two minima of equal depth, the flat
// one at −1 and the sharp one at +1 (FlatSharpWells, curvature ratio r), label-noise SGD with an
// additive floor, D(θ) = ηΣ_B(θ)/2. For every batch size B (so every η/B): escape times from each
// basin (SGD, the SME SDE by Euler–Maruyama, isotropic Langevin at T_iso = ηΣ₁(−1)/(2B)) and the
// occupation of the flat basin (SGD, SDE), against the continuous quadratures (MFPT with state-
// dependent D, p ∝ e^{−Φ}/D, Fokker–Planck solver), the exact Gaussian-chain references at the
// simulated step (chain_mfpt, euler_maruyama_invariant) and the isotropic Gibbs prediction. The
// occupation runs start with every particle in the sharp well and are compared, at several times, with
// the transient Fokker–Planck law and SGD's Gaussian chain's law at the same step (relaxation_1d), and
// at the end with the stationary law. An activated regime (ΔL/D ≥ 5 in both wells, weaker label noise
// over a larger floor) measures SGD's escape times against the exact quadrature, the exact chain MFPT
// and Xie et al.'s formula (xie_escape.hpp). Schema and checks: docs/experiments/flat_vs_sharp.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "sgdsde/ensemble/escape_times.hpp"
#include "sgdsde/ensemble/region_at_steps.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"
#include "sgdsde/fokker_planck/relaxation_1d.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/columns.hpp"
#include "sgdsde/landscapes/flat_sharp_wells.hpp"
#include "sgdsde/noise/label_noise.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_diffusion_1d.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/mass_below.hpp"
#include "sgdsde/stats/relaxation_rate.hpp"
#include "sgdsde/stats/theory/chain_mfpt.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"
#include "sgdsde/stats/theory/mfpt.hpp"
#include "sgdsde/stats/theory/stationary_density.hpp"
#include "sgdsde/stats/theory/xie_escape.hpp"

using namespace sgdsde;

namespace {

/// "0.5" for 0.5, "2" for 2: the snapshot labels of check names (fractions of the planned t_rel).
std::string short_number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "flat_vs_sharp",
      "Flat vs sharp minima of equal depth under label-noise SGD: basin occupation and escape "
      "times vs eta/B (SGD, SME SDE, Fokker-Planck with state-dependent D, isotropic Gibbs), the relaxation "
      "from the sharp minimum over time, and escape in the activated regime vs Xie et al.");
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
      .param("occupation.relaxation_times", 6.0,
             "run length from the sharp minimum, in units of t_rel = 1/(k_flat + k_sharp)", at_least(3.0))
      .param("occupation.snapshots", std::vector<double>{0.5, 1.0, 2.0},
             "times (units of t_rel) of the transient comparisons; the rate is fitted between the first two",
             positive(), distinct(), min_size(2))
      .param("activated.batches", std::vector<double>{5},
             "batch sizes of the activated regime (Delta L/D >= 5)", at_least(1.0), whole_numbers(),
             distinct(), min_size(1))
      .param("activated.eta", 0.02, "learning rate of the activated regime", positive())
      .param("activated.sigma", 1.3, "label noise sigma of the activated regime", positive())
      .param("activated.floor_sigma", 6.3, "additive floor sigma of the activated regime", positive())
      .param("activated.particles", 256, "particles per activated escape run", at_least(16))
      .param("activated.block", 1,
             "runner block of the activated escape runs (1: no particle waits for a slower one)", at_least(1))
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
          "SGD must be stable in the sharp well: eta * L''(+1) < 2")
      .cross_check(
          {"activated.eta", "landscape.curvature_ratio"},
          [](const Config& c) {
            return c.get<double>("activated.eta") *
                       FlatSharpWells(c.get<double>("landscape.curvature_ratio")).second1(1.0) <
                   2.0;
          },
          "activated regime: SGD must be stable in the sharp well: eta * L''(+1) < 2");

  exp.batch_within_samples("sgd.batches", "data.n");
  exp.batch_within_samples("activated.batches", "data.n");
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
    const double relax = cfg.get<double>("occupation.relaxation_times");
    auto snap_fracs = cfg.get<std::vector<double>>("occupation.snapshots");
    std::sort(snap_fracs.begin(), snap_fracs.end());
    require(snap_fracs.back() < relax,
            "flat_vs_sharp: occupation.snapshots must lie before relaxation_times");
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
    for (const char* g : {"/sgd", "/sde", "/isotropic", "/fokker_planck", "/activated"}) out.create_group(g);
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
    // The sweep's tables: one row per batch size, one column per quantity (named by its dataset).
    io::Columns col(P);
    // occupation over time: (snapshots + end) × points
    const auto S_all = static_cast<Index>(snap_fracs.size() + 1);
    const auto Pi = static_cast<Index>(P);
    Mat occ_t_sgd(S_all, Pi), occ_t_sgd_se(S_all, Pi), occ_t_sde(S_all, Pi), occ_t_sde_se(S_all, Pi),
        occ_t_chain(S_all, Pi), occ_t_chain_err(S_all, Pi), occ_t_fp(S_all, Pi), occ_t_time(S_all, Pi);
    std::int64_t censored = 0;
    const auto batches_a = cfg.get<std::vector<double>>("activated.batches");
    Progress bar = ctx.progress(static_cast<std::int64_t>(P + batches_a.size()), "flat_vs_sharp");
    // The theory's D = η c Σ₁/(2B) for SGD's D_sgd: its sampling factor c (1 with replacement) and T factor.
    const auto theory_D = [&theo](const LabelNoiseSmeDiffusion1D<FlatSharpWells>& D_sgd, Index n, Index B) {
      const double c_mode = batch_noise_factor(n, B, Sampling::with_replacement);
      LabelNoiseSmeDiffusion1D<FlatSharpWells> D = D_sgd;
      D.scale *= theo.temperature_factor() * theo.batch_noise_factor(c_mode) / c_mode;
      return D;
    };
    // Escape to the other minimum's half-space, x ≥ 1 from the flat well, x ≤ −1 from the sharp one.
    const auto escape = [](auto& model, double x0, double dt, Index M, long cap, Index block) {
      if (x0 < 0)
        return escape_times(
            model, x0, [](const Ensemble& e, Index p) { return e(0, p) >= 1.0; }, dt, M, cap, block);
      return escape_times(
          model, x0, [](const Ensemble& e, Index p) { return e(0, p) <= -1.0; }, dt, M, cap, block);
    };

    for (std::size_t i = 0; i < P; ++i) {
      const auto B = static_cast<Index>(std::llround(batches[i]));
      col("/theory/B_over_eta", i) = static_cast<double>(B) / eta;
      col("/theory/eta_over_B", i) = eta / static_cast<double>(B);
      const LabelNoiseSmeDiffusion1D<FlatSharpWells> D_sgd(noise, eta, B, Sampling::with_replacement);
      const auto D = theory_D(D_sgd, noise.num_samples(), B);
      const double Ti = D(-1.0);  // isotropic noise of the size of SGD's at the flat minimum
      col("/theory/T_iso", i) = Ti;
      const auto Dc = [Ti](double) { return Ti; };
      const std::uint64_t s0 = seed + 1000003ull * (i + 1);

      // ---- theory: continuous quadratures, Gaussian chains, Φ barriers ----
      const double q_f = theory::mean_first_passage_time(lp, D, -1.0, 1.0, mo).tau,
                   q_s = theory::mean_first_passage_time_leftward(lp, D, 1.0, -1.0, hi, mo).tau;
      col("/theory/tau_flat_quadrature", i) = q_f;
      col("/theory/tau_sharp_quadrature", i) = q_s;
      col("/theory/tau_flat_isotropic_quadrature", i) =
          theory::mean_first_passage_time_langevin(lp, Ti, -1.0, 1.0, mo).tau;
      col("/theory/tau_sharp_isotropic_quadrature", i) =
          theory::mean_first_passage_time_leftward(lp, Dc, 1.0, -1.0, hi, mo).tau;
      const auto c = theory::chain_mfpt_both_ways(lp, D, eta, lo, hi, cps);
      const auto c_plan =
          control ? theory::chain_mfpt_both_ways(lp, D_sgd, eta, lo, hi, cps) : c;  // SGD's plan
      const auto cs = theory::chain_mfpt_both_ways(lp, D, dt_sde, lo, hi, cps);
      const auto ci = theory::chain_mfpt_both_ways(lp, Dc, eta, lo, hi, cps);
      col("/theory/tau_flat_chain", i) = c[0].steps, col("/theory/tau_sharp_chain", i) = c[1].steps;
      col("/theory/tau_flat_chain_sde", i) = cs[0].steps, col("/theory/tau_sharp_chain_sde", i) = cs[1].steps;
      col("/theory/tau_flat_isotropic_chain", i) = ci[0].steps;
      col("/theory/tau_sharp_isotropic_chain", i) = ci[1].steps;
      const double grid_err = std::max({c[0].grid_error / c[0].steps, c[1].grid_error / c[1].steps,
                                        cs[0].grid_error / cs[0].steps, cs[1].grid_error / cs[1].steps,
                                        ci[0].grid_error / ci[0].steps, ci[1].grid_error / ci[1].steps});
      col("/theory/chain_grid_rel_error", i) = grid_err;
      col("/theory/delta_phi_flat", i) = theory::potential_difference(lp, D, -1.0, wb);
      col("/theory/delta_phi_sharp", i) = -theory::potential_difference(lp, D, wb, 1.0);
      col("/theory/barrier_over_D_flat", i) = dL / D(-1.0);
      col("/theory/barrier_over_D_sharp", i) = dL / D(1.0);
      // stationary masses of the flat basin (x < barrier)
      const Index nb = 4000;
      const double m_fp =
          stats::mass_below(theory::stationary_bin_probabilities_1d(lp, D, lo, hi, nb), lo, hi, wb);
      col("/theory/flat_mass_stationary", i) = m_fp;
      // its own quadrature error, estimated as the solver's is: the same mass on half as many bins
      const double m_fp_ref_err =
          std::abs(m_fp - stats::mass_below(theory::stationary_bin_probabilities_1d(lp, D, lo, hi, nb / 2),
                                            lo, hi, wb));
      const double m_gibbs = stats::mass_below(
          theory::gibbs_bin_probabilities_1d([&wells](double v) { return wells.value1(v); }, lo, hi, nb, Ti),
          lo, hi, wb);
      col("/theory/flat_mass_gibbs_isotropic", i) = m_gibbs;
      double smin = 1e300;
      for (int k = 0; k <= 2000; ++k)
        smin = std::min(smin, std::sqrt(2.0 * D(lo + (hi - lo) * k / 2000.0) * dt_sde));
      const auto ncell = static_cast<Index>(std::ceil((hi - lo) / (0.25 * smin)));
      const double m_chain =
          stats::mass_below(theory::euler_maruyama_invariant_cells_1d(lp, D, eta, lo, hi, ncell), lo, hi, wb);
      const double m_chain_sde =
          dt_sde == eta
              ? m_chain
              : stats::mass_below(theory::euler_maruyama_invariant_cells_1d(lp, D, dt_sde, lo, hi, ncell), lo,
                                  hi, wb);
      col("/theory/flat_mass_chain", i) = m_chain;
      col("/theory/flat_mass_chain_sde", i) = m_chain_sde;
      // Fokker–Planck solver (state-dependent D) at n and n/2 cells: its own discretisation error
      const auto fp_mass = [&](Index n) {
        fp::Grid<1> grid(box, n);
        fp::FokkerPlanck<1> solver(
            grid, wells, fp::Diffusion::diagonal([D](const Vec& v) { return Vec::Constant(1, D(v[0])); }));
        // cell masses summed up to the barrier (linear in the cut cell): O(h²), unlike a whole-cell
        // basin labelling whose O(h) error depends on where the barrier falls in its cell
        const Vec cells = solver.stationary().marginal(0) * grid.cell_volume();
        return stats::mass_below(cells, lo, hi, wb);
      };
      const Index nfp = cfg.get<std::int64_t>("fp.cells");
      const double m_fp_solver = fp_mass(nfp), m_fp_coarse = fp_mass(nfp / 2),
                   m_fp_coarser = fp_mass(nfp / 4);
      col("/fokker_planck/flat_mass", i) = m_fp_solver;
      col("/fokker_planck/flat_mass_coarse", i) = m_fp_coarse;
      col("/fokker_planck/flat_mass_coarser", i) = m_fp_coarser;

      // ---- escape times (SGD, the SME by EM at dt_sde, isotropic Langevin at T_iso) ----
      const auto cap = [&](double tau, double dt) {
        return static_cast<long>(std::ceil(cap_factor * tau / dt));
      };
      SgdEnsemble sgd(noise, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, s0 + 1);
      EnsembleDiffusion1D sde(lp, D, dt_sde, CounterRng(s0 + 2));
      EnsembleLangevin iso(wells, Ti, eta, CounterRng(s0 + 3));
      const std::string tag = "/B" + std::to_string(B);
      const auto record = [&](const std::string& g, const std::string& well, const EscapeTimes& e) {
        col(g + "/tau_" + well, i) = e.mean;
        col(g + "/tau_" + well + "_se", i) = e.se;
        censored += e.censored;
        out.write(g + "/escape_" + well + tag, e.times);
        return e;
      };
      const EscapeTimes
          sgd_f = record("/sgd", "flat", escape(sgd, -1.0, eta, Me, cap(c_plan[0].steps, eta), block)),
          sgd_s = record("/sgd", "sharp", escape(sgd, 1.0, eta, Me, cap(c_plan[1].steps, eta), block)),
          sde_f = record("/sde", "flat", escape(sde, -1.0, dt_sde, Me, cap(cs[0].steps, dt_sde), block)),
          sde_s = record("/sde", "sharp", escape(sde, 1.0, dt_sde, Me, cap(cs[1].steps, dt_sde), block)),
          iso_f = record("/isotropic", "flat", escape(iso, -1.0, eta, Me, cap(ci[0].steps, eta), block)),
          iso_s = record("/isotropic", "sharp", escape(iso, 1.0, eta, Me, cap(ci[1].steps, eta), block));

      // ---- occupation out of equilibrium: every particle starts at the sharp minimum +1 and runs
      // relaxation_times × t_rel, t_rel = 1/(1/τ_flat + 1/τ_sharp) of SGD's own chain (the plan: the same
      // whatever the control), with the flat-basin fraction recorded at snapshots (fractions of t_rel).
      // References at the same steps: SGD's Gaussian chain's law (relaxation_1d, at cells of 1/3 and
      // 1/2.1 of the smallest transition sd: the second estimates its grid error) and the transient
      // Fokker–Planck law p(θ, t) of the theory's D.
      const std::size_t S = snap_fracs.size() + 1;  // snapshots and the end
      std::vector<long> k_sgd(S), k_sde(S);
      std::vector<double> t_at(S);
      const double t_rel_plan = 1.0 / (1.0 / c_plan[0].steps + 1.0 / c_plan[1].steps);
      for (std::size_t j = 0; j < S; ++j) {
        const double f = j + 1 < S ? snap_fracs[j] : relax;
        k_sgd[j] = std::max<long>(1, std::lround(f * t_rel_plan / eta));
        t_at[j] = static_cast<double>(k_sgd[j]) * eta;
        k_sde[j] = std::max<long>(1, std::lround(t_at[j] / dt_sde));
      }
      col("/theory/t_rel_plan", i) = t_rel_plan;
      const double x_sharp = FlatSharpWells::sharp_minimum();
      const auto chain_masses = [&](double dt, const std::vector<long>& ks, double cells_per_sd) {
        return fp::chain_masses_below(lp, D, dt, lo, hi, x_sharp, wb, ks, cells_per_sd);
      };
      const auto ch_t = chain_masses(eta, k_sgd, 3.0), ch_t_coarse = chain_masses(eta, k_sgd, 2.1);
      const auto chs_t = dt_sde == eta ? ch_t : chain_masses(dt_sde, k_sde, 3.0);
      const auto chs_t_coarse = dt_sde == eta ? ch_t_coarse : chain_masses(dt_sde, k_sde, 2.1);
      std::vector<double> fp_t(S);
      {
        fp::Grid<1> grid(box, cfg.get<std::int64_t>("fp.cells"));
        fp::FokkerPlanck<1> solver(
            grid, wells, fp::Diffusion::diagonal([D](const Vec& v) { return Vec::Constant(1, D(v[0])); }));
        const Mat cells = fp::fp_transient_cells(solver, x_sharp, t_at, eta / 2.0);
        for (std::size_t j = 0; j < S; ++j)
          fp_t[j] = stats::mass_below(cells.col(static_cast<Index>(j)), lo, hi, wb);
      }
      Vec m_sgd_t, m_sde_t;
      Mat cov_sgd, cov_sde;
      {
        const auto flat = [wb](const Ensemble& e, Index p) { return e(0, p) < wb; };
        auto occupy = [&](auto& model, const std::vector<long>& ks, Vec& m, Mat& cov, const std::string& g) {
          Ensemble xs = Ensemble::Constant(1, Mo, x_sharp);
          RegionAtSteps<decltype(flat)> obs(flat, ks);
          RunOptions opt;
          opt.n_steps = ks.back();
          run_ensemble(model, xs, opt, obs);
          obs.moments(m, cov);
          out.write(g, Vec(xs.row(0).transpose()));
        };
        // own streams: the escape runs from +1 used s0 + 1 and s0 + 2
        SgdEnsemble sgd_o(noise, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, s0 + 5);
        EnsembleDiffusion1D sde_o(lp, D, dt_sde, CounterRng(s0 + 6));
        occupy(sgd_o, k_sgd, m_sgd_t, cov_sgd, "/sgd/occupation_final" + tag);
        occupy(sde_o, k_sde, m_sde_t, cov_sde, "/sde/occupation_final" + tag);
      }
      const auto E = static_cast<Index>(S - 1);
      col("/sgd/occupation_steps", i) = static_cast<double>(k_sgd.back());
      const double occ_sgd = col("/sgd/flat_occupation", i) = m_sgd_t[E];
      const double occ_sgd_se = col("/sgd/flat_occupation_se", i) = std::sqrt(cov_sgd(E, E));
      const double occ_sde = col("/sde/flat_occupation", i) = m_sde_t[E];
      const double occ_sde_se = col("/sde/flat_occupation_se", i) = std::sqrt(cov_sde(E, E));
      for (std::size_t j = 0; j < S; ++j) {
        const auto J = static_cast<Index>(j), I = static_cast<Index>(i);
        occ_t_sgd(J, I) = m_sgd_t[J];
        occ_t_sgd_se(J, I) = std::sqrt(cov_sgd(J, J));
        occ_t_sde(J, I) = m_sde_t[J];
        occ_t_sde_se(J, I) = std::sqrt(cov_sde(J, J));
        occ_t_chain(J, I) = ch_t[j];
        occ_t_chain_err(J, I) = std::abs(ch_t[j] - ch_t_coarse[j]);
        occ_t_fp(J, I) = fp_t[j];
        occ_t_time(J, I) = t_at[j];
      }
      // relaxation rate between the first two snapshots, towards the value at the end (same estimator on
      // SGD, its chain and FP); its standard error by the delta method with the indicators' covariances
      // (the first two: m_end − m(t) is still large there, so that its logarithm is well determined —
      // at 2 t_rel and B = 2 it is 0.025 ± 0.012 at the quick profile and could even come out negative)
      const std::size_t j1 = 0, j2 = 1, je = S - 1;
      const auto rate_of = [&](const auto& m) {
        return stats::relaxation_rate(m[j1], m[j2], m[je], t_at[j1], t_at[j2]);
      };
      const std::array<Index, 3> ix{static_cast<Index>(j1), static_cast<Index>(j2), static_cast<Index>(je)};
      const stats::RelaxationRate r_sgd = rate_of(m_sgd_t);
      const double rate_sgd = col("/sgd/relaxation_rate", i) = r_sgd.value;
      const double rate_sgd_se = col("/sgd/relaxation_rate_se", i) = r_sgd.std_error(cov_sgd(ix, ix));
      const double rate_chain = col("/theory/relaxation_rate_chain", i) = rate_of(ch_t).value;
      const double rate_chain_err = col("/theory/relaxation_rate_chain_grid_error", i) =
          std::abs(rate_chain - rate_of(ch_t_coarse).value);
      const double rate_fp = col("/fokker_planck/relaxation_rate", i) = rate_of(fp_t).value;
      col("/theory/relaxation_rate_two_state", i) = 1.0 / q_f + 1.0 / q_s;
      bar.add(1);

      // ---- per-point checks ----
      const std::string b = "B=" + std::to_string(B) + ": ";
      auto logcheck = [&](const std::string& name, double m, double se, double pred,
                          const std::string& what) {
        const double lse = se / m;
        checks.add(b + name, std::log(m), lse, std::log(pred), 5.0 * lse + grid_err,
                   what + "; tolerance 5 se of ln(mean) + the chain grid error (Richardson)");
      };
      logcheck(
          "ln tau_flat SGD vs Gaussian chain", sgd_f.mean, sgd_f.se, c[0].steps,
          "SGD is the Euler-Maruyama chain at dt = eta up to the non-Gaussianity of the minibatch noise");
      logcheck(
          "ln tau_sharp SGD vs Gaussian chain", sgd_s.mean, sgd_s.se, c[1].steps,
          "SGD is the Euler-Maruyama chain at dt = eta up to the non-Gaussianity of the minibatch noise");
      // The EM runs against the exact MFPT of the very chain they simulate: identities of the code
      // (they move with the theory under a control), not claims about SGD.
      const std::string em_identity = " (identity: Monte Carlo of the chain vs its exact MFPT)";
      logcheck("ln tau_flat SDE vs its chain", sde_f.mean, sde_f.se, cs[0].steps,
               "SME Euler-Maruyama at dt_sde" + em_identity);
      logcheck("ln tau_sharp SDE vs its chain", sde_s.mean, sde_s.se, cs[1].steps,
               "SME Euler-Maruyama at dt_sde" + em_identity);
      logcheck("ln tau_flat isotropic vs chain", iso_f.mean, iso_f.se, ci[0].steps,
               "Langevin EM at T_iso, dt = eta" + em_identity);
      logcheck("ln tau_sharp isotropic vs chain", iso_s.mean, iso_s.se, ci[1].steps,
               "Langevin EM at T_iso, dt = eta" + em_identity);
      for (const char* n : {"ln tau_flat SDE vs its chain", "ln tau_sharp SDE vs its chain",
                            "ln tau_flat isotropic vs chain", "ln tau_sharp isotropic vs chain"})
        checks.set_role(b + n, io::CheckRole::identity);
      // occupation over time, from the sharp minimum: SGD's gap to the transient FP law predicted by its
      // Gaussian chain at the same step, two-sided; the SDE (EM at dt_sde) against its own chain: identity
      for (std::size_t j = 0; j + 1 < S; ++j) {
        const auto J = static_cast<Index>(j);
        const std::string at = b + "flat occupation at t = " + short_number(snap_fracs[j]) + " t_rel, ";
        const double se_j = std::sqrt(cov_sgd(J, J));
        checks.add(
            at + "SGD - FP vs chain - FP", m_sgd_t[J] - fp_t[j], se_j, ch_t[j] - fp_t[j],
            5.0 * se_j + std::abs(ch_t[j] - ch_t_coarse[j]),
            "all particles from the sharp minimum: SGD's flat-basin fraction minus the transient "
            "Fokker-Planck law at the same time, against its Gaussian chain's law (EM at dt = eta) minus "
            "FP: the O(eta) gap predicted, two-sided; tolerance 5 se (binomial) + the chain law's grid "
            "error (cells of sd/3 vs sd/2.1)");
        const double se_e = std::sqrt(cov_sde(J, J));
        checks.add(
            at + "SDE vs its chain law", m_sde_t[J], se_e, chs_t[j],
            5.0 * se_e + std::abs(chs_t[j] - chs_t_coarse[j]),
            "EM at dt_sde from the sharp minimum vs the exact law of that chain (identity: Monte Carlo of "
            "the chain vs its law)");
        checks.set_role(at + "SDE vs its chain law", io::CheckRole::identity);
      }
      checks.add(
          b + "relaxation rate: SGD - FP vs chain - FP", rate_sgd - rate_fp, rate_sgd_se,
          rate_chain - rate_fp, 5.0 * rate_sgd_se + rate_chain_err,
          "rate ln((m_end - m(t1))/(m_end - m(t2)))/(t2 - t1) of the approach to equilibrium between the "
          "first two snapshots (the inter-well mode; FP's value tends to its second eigenvalue), SGD's "
          "minus FP's against its chain's minus FP's, two-sided; tolerance 5 se (delta method with the "
          "snapshots' covariances) + the chain's grid error");
      // the end, several t_rel after the start: the stationary law of SGD's chain, two-sided
      checks.add(
          b + "flat occupation SGD vs chain invariant", occ_sgd, occ_sgd_se, m_chain,
          5.0 * occ_sgd_se + std::abs(ch_t[S - 1] - m_chain),
          "at the end of the run from the sharp minimum: stationary flat-basin mass of the Gaussian chain at "
          "dt = eta; tolerance 5 se (binomial) + |chain law at the end - chain invariant| (the relaxation "
          "left, computed, and the grids' difference)");
      checks.add(
          b + "flat occupation SDE vs chain invariant", occ_sde, occ_sde_se, m_chain_sde,
          5.0 * occ_sde_se + std::abs(chs_t[S - 1] - m_chain_sde),
          "as for SGD, chain at dt_sde (identity: the EM chain's Monte Carlo vs its exact invariant law)");
      checks.set_role(b + "flat occupation SDE vs chain invariant", io::CheckRole::identity);
      checks.add_lower(
          b + "flat occupation SGD above isotropic Gibbs + 5 se", occ_sgd, occ_sgd_se,
          m_gibbs + 5.0 * occ_sgd_se,
          "SGD-like noise favours the flat basin beyond the Gibbs mass at T_iso (bound: Gibbs + 5 se)");
      checks.add(b + "FP solver flat mass vs exact e^{-Phi}/D", m_fp_solver, 0.0, m_fp,
                 std::abs(m_fp_solver - m_fp_coarse) + std::abs(m_fp_coarse - m_fp_coarser) + m_fp_ref_err,
                 "Fokker-Planck stationary solve with state-dependent D; tolerance = |m(n) - m(n/2)| + "
                 "|m(n/2) - m(n/4)| (its discretisation error estimate: 15 times the error of m(n) for a "
                 "second-order error, and it also covers an error that falls unevenly with n, as the "
                 "barrier's position within its cell changes) + |m(4000) - m(2000)| for the quadrature "
                 "of e^{-Phi}/D on 4000 bins (identity: the solver's discretisation error)");
      checks.set_role(b + "FP solver flat mass vs exact e^{-Phi}/D", io::CheckRole::identity);
    }

    // ---- the activated regime: ΔL/D ≥ 5 in both wells (weaker label noise over a larger floor), SGD's
    // escape times from each basin against the exact quadrature (state-dependent D, exact ΔΦ), the exact
    // Gaussian-chain MFPT at the simulated step and Xie et al.'s formula (a claim only where the exact
    // quadrature says it is within its stated accuracy D(m)/ΔL; elsewhere its ratio is a result) ----
    const double eta_a = cfg.get<double>("activated.eta");
    const auto noise_a = LabelNoise<FlatSharpWells>::isotropic(
        wells, cfg.get<std::int64_t>("data.n"), cfg.get<double>("activated.sigma"),
        cfg.get<double>("activated.floor_sigma"), seed + 23);
    const Index Ma = cfg.get<std::int64_t>("activated.particles"),
                block_a = cfg.get<std::int64_t>("activated.block");
    const double Hb = wells.second1(wb);
    io::Columns act(batches_a.size());
    for (std::size_t i = 0; i < batches_a.size(); ++i) {
      const auto B = static_cast<Index>(std::llround(batches_a[i]));
      const LabelNoiseSmeDiffusion1D<FlatSharpWells> D_sgd(noise_a, eta_a, B, Sampling::with_replacement);
      const auto D = theory_D(D_sgd, noise_a.num_samples(), B);
      const double dl_f = act("/activated/barrier_over_D_flat", i) = dL / D(-1.0);
      const double dl_s = act("/activated/barrier_over_D_sharp", i) = dL / D(1.0);
      act("/activated/delta_phi_flat", i) = theory::potential_difference(lp, D, -1.0, wb);
      act("/activated/delta_phi_sharp", i) = -theory::potential_difference(lp, D, wb, 1.0);
      const auto qf = theory::mean_first_passage_time(lp, D, -1.0, 1.0, mo);
      const auto qs = theory::mean_first_passage_time_leftward(lp, D, 1.0, -1.0, hi, mo);
      const auto c = theory::chain_mfpt_both_ways(lp, D, eta_a, lo, hi, cps);
      const auto c_plan = control ? theory::chain_mfpt_both_ways(lp, D_sgd, eta_a, lo, hi, cps) : c;
      const auto xf = theory::xie_escape_time(Hf, Hb, dL, D(-1.0), theo.kramers_prefactor());
      const auto xs = theory::xie_escape_time(Hs, Hb, dL, D(1.0), theo.kramers_prefactor());
      const bool holds_f = theory::xie_escape_holds(xf, qf.log_tau),
                 holds_s = theory::xie_escape_holds(xs, qs.log_tau);
      for (const auto& [well, q, ch, x, holds] :
           {std::tuple{"flat", qf, c[0], xf, holds_f}, std::tuple{"sharp", qs, c[1], xs, holds_s}}) {
        const std::string t = std::string("/activated/tau_") + well;
        act(t + "_quadrature", i) = q.tau;
        act(t + "_quadrature_rel_error", i) = q.rel_error;
        act(t + "_chain", i) = ch.steps;
        act(t + "_chain_rel_error", i) = ch.grid_error / ch.steps;
        act(t + "_xie", i) = x.tau;
        act(std::string("/activated/xie_accuracy_") + well, i) = x.accuracy;
        act(std::string("/activated/xie_holds_") + well, i) = holds ? 1.0 : 0.0;
      }

      const std::uint64_t s0 = seed + 7000003ull * (i + 1);
      SgdEnsemble sgd(noise_a, Sgd{}, ConstantLr{eta_a}, B, Sampling::with_replacement, s0 + 1);
      const auto cap = [&](double tau) { return static_cast<long>(std::ceil(cap_factor * tau / eta_a)); };
      const std::string tag = "/B" + std::to_string(B);
      const EscapeTimes ef = escape(sgd, -1.0, eta_a, Ma, cap(c_plan[0].steps), block_a);
      const EscapeTimes es = escape(sgd, 1.0, eta_a, Ma, cap(c_plan[1].steps), block_a);
      censored += ef.censored + es.censored;
      out.write("/activated/escape_flat" + tag, ef.times);
      out.write("/activated/escape_sharp" + tag, es.times);
      act("/activated/sgd_tau_flat", i) = ef.mean, act("/activated/sgd_tau_flat_se", i) = ef.se;
      act("/activated/sgd_tau_sharp", i) = es.mean, act("/activated/sgd_tau_sharp_se", i) = es.se;
      bar.add(1);

      const std::string a = "activated B=" + std::to_string(B) + ": ";
      const auto escape_checks = [&](const std::string& well, const EscapeTimes& e,
                                     const theory::MfptResult& q, const theory::ChainMfptResult& ch,
                                     const theory::XieEscape& x, bool holds) {
        const double lm = std::log(e.mean), lse = e.se / e.mean;
        checks.add(
            a + "ln tau_" + well + " SGD vs continuous quadrature", lm, lse, q.log_tau,
            5.0 * lse + q.rel_error,
            "exact MFPT quadrature with state-dependent D = eta Sigma_B/2 (exact Phi) at Delta L/D >= 5; "
            "tolerance 5 se of ln(mean) + the quadrature's own error (its O(eta) gap to SGD's chain is "
            "stored, /activated/tau_*_chain)");
        checks.add(
            a + "ln tau_" + well + " SGD vs Gaussian chain", lm, lse, std::log(ch.steps),
            5.0 * lse + ch.grid_error / ch.steps,
            "exact MFPT of SGD's Gaussian chain at dt = eta; tolerance 5 se of ln(mean) + its grid error");
        checks.add(
            a + "ln(tau_" + well + " SGD / Xie) vs exact ln(quadrature / Xie)", lm - x.log_tau, lse,
            q.log_tau - x.log_tau, 5.0 * lse + q.rel_error,
            "Xie et al.'s time 2 pi/sqrt(H_m|H_b|) exp(Delta L/D(m)) (THEORY 5) as measured: the ratio "
            "SGD/Xie against the exact quadrature's (illustration: records where the formula stands)");
        checks.set_role(a + "ln(tau_" + well + " SGD / Xie) vs exact ln(quadrature / Xie)",
                        io::CheckRole::illustration);
        if (holds)
          checks.add(
              a + "ln tau_" + well + " SGD vs Xie formula (within its accuracy)", lm, lse, x.log_tau,
              5.0 * lse + x.accuracy,
              "Xie et al.'s formula where the exact quadrature is within its stated accuracy D(m)/Delta L; "
              "tolerance 5 se + D(m)/Delta L");
      };
      escape_checks("flat", ef, qf, c[0], xf, holds_f);
      escape_checks("sharp", es, qs, c[1], xs, holds_s);
      checks.add_lower(
          a + "Delta L / D at both minima >= 5", std::min(dl_f, dl_s), 0.0, 5.0,
          "the regime: barrier over the diffusion of the theory at each minimum (a condition of the "
          "setup, illustration)");
      checks.set_role(a + "Delta L / D at both minima >= 5", io::CheckRole::illustration);
    }
    bar.finish();

    // ---- the slope of ln(τ_flat/τ_sharp) in B/η ----
    // ln(τ_flat/τ_sharp) per point of the columns <g>/tau_flat<suffix>, <g>/tau_sharp<suffix>, and its se
    const auto ln_ratio = [&](const std::string& g, const std::string& suffix = "") {
      const auto &f = col[g + "/tau_flat" + suffix], &s = col[g + "/tau_sharp" + suffix];
      std::vector<double> r(P);
      for (std::size_t i = 0; i < P; ++i) r[i] = std::log(f[i] / s[i]);
      return r;
    };
    const auto ln_ratio_se = [&](const std::string& g) {
      const auto &f = col[g + "/tau_flat"], &fs = col[g + "/tau_flat_se"], &s = col[g + "/tau_sharp"],
                 &ss = col[g + "/tau_sharp_se"];
      std::vector<double> r(P);
      for (std::size_t i = 0; i < P; ++i) r[i] = std::hypot(fs[i] / f[i], ss[i] / s[i]);
      return r;
    };
    const auto& x = col["/theory/B_over_eta"];
    const auto r_sgd_se = ln_ratio_se("/sgd"), r_sde_se = ln_ratio_se("/sde"),
               r_iso_se = ln_ratio_se("/isotropic");
    const auto slope = [&](const std::vector<double>& y, const std::vector<double>& se) {
      return stats::fit_line_weighted(x, y, se);
    };
    const auto f_sgd = slope(ln_ratio("/sgd"), r_sgd_se), f_sde = slope(ln_ratio("/sde"), r_sde_se),
               f_iso = slope(ln_ratio("/isotropic"), r_iso_se);
    const double s_q = slope(ln_ratio("/theory", "_quadrature"), r_sgd_se).b,
                 s_ch = slope(ln_ratio("/theory", "_chain"), r_sgd_se).b,
                 s_qi = slope(ln_ratio("/theory", "_isotropic_quadrature"), r_sgd_se).b,
                 s_chi = slope(ln_ratio("/theory", "_isotropic_chain"), r_iso_se).b,
                 s_chs = slope(ln_ratio("/theory", "_chain_sde"), r_sde_se).b;
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
        5.0 * f_sde.se_b + std::abs(s_chs - s_q),
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
    col.write(out);
    act.write(out);
    out.write("/theory/batch", batches);
    out.write("/activated/batch", batches_a);
    // occupation over time ((snapshots + end) × points)
    out.write("/theory/occupation_times", occ_t_time);
    out.write("/theory/flat_mass_chain_t", occ_t_chain);
    out.write("/theory/flat_mass_chain_t_grid_error", occ_t_chain_err);
    out.write("/fokker_planck/flat_mass_t", occ_t_fp);
    out.write("/sgd/flat_occupation_t", occ_t_sgd);
    out.write("/sgd/flat_occupation_t_se", occ_t_sgd_se);
    out.write("/sde/flat_occupation_t", occ_t_sde);
    out.write("/sde/flat_occupation_t_se", occ_t_sde_se);
    {
      std::vector<double> fr = snap_fracs;
      fr.push_back(relax);
      out.set_attribute("/theory", "occupation_time_fractions", fr);
      out.set_attribute("/theory", "occupation_start", FlatSharpWells::sharp_minimum());
    }
    out.set_attribute("/activated", "eta", eta_a);
    out.set_attribute("/activated", "sigma", cfg.get<double>("activated.sigma"));
    out.set_attribute("/activated", "floor_sigma", cfg.get<double>("activated.floor_sigma"));
    out.set_attribute("/activated", "H_barrier", Hb);
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
      const auto D =
          theory_D(LabelNoiseSmeDiffusion1D<FlatSharpWells>(noise, eta, B, Sampling::with_replacement),
                   noise.num_samples(), B);
      const Index n = 801;
      Vec th = Vec::LinSpaced(n, lo, hi), Lv(n), Dv(n);
      for (Index k = 0; k < n; ++k) Lv[k] = wells.value1(th[k]), Dv[k] = D(th[k]);
      out.create_group("/landscape");
      out.write("/landscape/theta", th);
      out.write("/landscape/loss", Lv);
      out.write("/landscape/diffusion", Dv);
      out.write("/landscape/p_stationary", theory::stationary_density_1d(lp, D, lo, hi, th));
      const double Ti = col["/theory/T_iso"][im];
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
