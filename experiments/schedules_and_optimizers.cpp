// schedules_and_optimizers (THEORY §7, §2): on the β-smooth double well L = Σ_j ½θ_j² − 2 log cosh θ_j
// (β = 1) with additive minibatch noise,
//  1. the average ‖∇L‖² over T steps against the bound ηβσ²/n_B + 2(L(θ₀) − L*)/(ηT) for several
//     (η, B), and its stationary plateau against the exact stationary mean of the Gaussian SGD
//     chain (folded_chain_invariant.hpp) as η/B varies (log–log slope);
//  2. every learning-rate schedule: SGD against the SDE with T(t) = η(t)σ²/(2B) on the schedule's
//     time grid (EM at dt = η_k: the same chain; EM at dt = η_k/n: the SDE, O(η) apart);
//  3. every optimizer: trajectories and loss curves;
//  4. heavy-ball momentum on a quadratic: stationary variance against the exact discrete
//     covariance and T = ησ²/(2B(1−ρ)).
// Schema and checks: docs/experiments/schedules_and_optimizers.md.
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/snapshots.hpp"
#include "sgdsde/ensemble/time_average.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/landscapes/log_cosh_wells.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/schedules.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/optimizers.hpp"
#include "sgdsde/sde/ensemble_schedule_langevin.hpp"
#include "sgdsde/stats/linear_fit.hpp"
#include "sgdsde/stats/sample_stats.hpp"
#include "sgdsde/stats/theory/folded_chain_invariant.hpp"
#include "sgdsde/stats/theory/lyapunov.hpp"
#include "sgdsde/stats/theory/sgd_bound.hpp"

using namespace sgdsde;
using Wells = LogCoshWells;
using Problem = AdditiveNoise<Wells>;

namespace {

double loss_of(const Ensemble& x, Index p, Index row0, Index d) {
  double v = 0.0;
  for (Index j = 0; j < d; ++j) v += Wells::value1(x(row0 + j, p));
  return v;
}
double grad2_of(const Ensemble& x, Index p, Index row0, Index d) {
  double v = 0.0;
  for (Index j = 0; j < d; ++j) v += std::pow(Wells::derivative1(x(row0 + j, p)), 2);
  return v;
}
std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}
Ensemble start(const Vec& theta0, Index M) {
  Ensemble x(theta0.size(), M);
  for (Index j = 0; j < theta0.size(); ++j) x.row(j).setConstant(theta0[j]);
  return x;
}
struct Series {
  std::vector<double> mean, se;
};
/// Mean and standard error of functional i of a Trace, per record.
template <class Tr>
Series series(const Tr& tr, std::size_t i) {
  Series s;
  const std::size_t n = tr.names().size();
  for (std::size_t r = 0; r < tr.steps().size(); ++r) {
    s.mean.push_back(tr.mean()[r * n + i]);
    s.se.push_back(tr.sd()[r * n + i] / std::sqrt(tr.count()[r * n + i]));
  }
  return s;
}
void write_series(ResultsFile& out, const std::string& g, const std::string& name, const Series& s) {
  out.write(g + "/" + name + "_mean", s.mean);
  out.write(g + "/" + name + "_se", s.se);
}
/// Snapshots → records × d × particles.
void write_snapshots(ResultsFile& out, const std::string& path, const Snapshots& s, Index d) {
  out.write(path, s.data(), {s.steps().size(), static_cast<std::size_t>(d), s.particles().size()});
}

/// Runs `model` on M copies of theta0 for K steps, tracing the ensemble's loss and |∇L|² every
/// `every` steps and keeping the trajectories of the first M_traj particles every traj_every steps.
template <class Model>
auto run_traced(Model& model, const Vec& theta0, Index M, long K, long every, Index M_traj, long traj_every,
                Progress& bar) {
  const Index d = theta0.size();
  Ensemble x = start(theta0, M);
  Trace tr(
      {"loss", "grad_norm2"},
      [d](const Ensemble& s, Index p, double* o) {
        o[0] = loss_of(s, p, 0, d);
        o[1] = grad2_of(s, p, 0, d);
      },
      RecordPlan{every}, 0);
  std::vector<Index> which;
  for (Index i = 0; i < std::min(M_traj, M); ++i) which.push_back(i);
  Snapshots snaps(which, RecordPlan{traj_every});
  RunOptions opts;
  opts.n_steps = K;
  opts.on_block_done = [&bar](Index n) { bar.add(n); };
  run_ensemble(model, x, opts, tr, snaps);
  return std::pair{std::move(tr), std::move(snaps)};
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "schedules_and_optimizers",
      "THEORY §7 on the beta-smooth double well: gradient-norm plateau vs the bound, every schedule "
      "(SGD vs the SDE with T(t) = eta(t) sigma^2/(2B)) and optimizer, momentum temperature.");
  exp.param("landscape.dim", 2, "dimension d of the log-cosh wells", at_least(1))
      .param("theta0", std::vector<double>{0.2, -3.0}, "start theta_0 (size d)")
      .param("noise.n", 10000, "number of samples N", at_least(2))
      .param("noise.sigma", 1.0, "additive noise standard deviation per coordinate", positive())
      .param("plateau.eta", std::vector<double>{0.05, 0.1, 0.2, 0.4, 0.2, 0.2},
             "learning rates of the (eta, B) cases", in_range(1e-6, 1.0))
      .param("plateau.batch", std::vector<double>{1, 1, 1, 1, 4, 16}, "batch sizes of the (eta, B) cases",
             at_least(1), whole_numbers())
      .param("plateau.steps", 4000, "steps T of each run", at_least(10))
      .param("plateau.particles", 2000, "independent runs per case", at_least(10))
      .param("plateau.records", 200, "recorded steps of the gradient-norm trace", at_least(2))
      .param("schedules.steps", 2000, "steps of the schedule runs", at_least(20))
      .param("schedules.particles", 2000, "runs per schedule", at_least(10))
      .param("schedules.batch", 1, "batch size", at_least(1))
      .param("schedules.eta_max", 0.2, "peak learning rate of every schedule", in_range(1e-6, 1.0))
      .param("schedules.eta_min", 0.01, "floor learning rate", positive())
      .param("schedules.substeps_fine", 4, "EM substeps per SGD step of the finest SDE (even)", at_least(2))
      .param("schedules.records", 100, "recorded steps", at_least(2))
      .param("optimizers.lr", std::vector<double>{0.1, 0.01, 0.01, 0.3, 0.01, 0.01},
             "learning rates of sgd, momentum, nesterov, adagrad, rmsprop, adam", positive(), size_is(6))
      .param("optimizers.rho", 0.9, "momentum coefficient of heavy ball and Nesterov", in_range(0.0, 0.999))
      .param("optimizers.steps", 2000, "steps of the optimizer runs", at_least(10))
      .param("optimizers.particles", 1000, "runs per optimizer", at_least(10))
      .param("optimizers.batch", 1, "batch size", at_least(1))
      .param("trajectories.count", 5, "trajectories stored per run", at_least(1))
      .param("trajectories.every", 4, "record every n-th step of the trajectories", at_least(1))
      .param("momentum.h", 1.0, "curvature of the quadratic", positive())
      .param("momentum.eta", 0.01, "learning rate", positive())
      .param("momentum.rho", 0.9, "momentum rho", in_range(0.0, 0.999))
      .param("momentum.batch", 1, "batch size", at_least(1))
      .param("momentum.steps", 1500, "steps (the final states are the stationary sample)", at_least(10))
      .param("momentum.particles", 20000, "independent runs", at_least(10))
      .cross_check(
          {"plateau.eta", "plateau.batch"},
          [](const Config& c) {
            return c.get<std::vector<double>>("plateau.eta").size() ==
                       c.get<std::vector<double>>("plateau.batch").size() &&
                   c.get<std::vector<double>>("plateau.eta").size() >= 3;
          },
          "plateau.eta and plateau.batch need the same length, at least 3")
      .cross_check(
          {"momentum.eta", "momentum.h", "momentum.rho"},
          [](const Config& c) {
            // The heavy-ball iteration matrix has det ρ and trace 1 + ρ − ηh: stable iff
            // |1 + ρ − ηh| < 1 + ρ, i.e. 0 < ηh < 2(1 + ρ) (and ηh not lost to rounding), which the
            // stationary covariance of the check needs.
            const double rho = c.get<double>("momentum.rho");
            return std::abs(1.0 + rho - c.get<double>("momentum.eta") * c.get<double>("momentum.h")) <
                   1.0 + rho;
          },
          "momentum SGD must be stable: 0 < eta * h < 2 (1 + rho), eta * h not below double precision")
      .cross_check(
          {"theta0", "landscape.dim"},
          [](const Config& c) {
            return static_cast<std::int64_t>(c.get<std::vector<double>>("theta0").size()) ==
                   c.get<std::int64_t>("landscape.dim");
          },
          "theta0 must have landscape.dim entries");

  exp.batch_within_samples("plateau.batch", "noise.n");
  exp.batch_within_samples("schedules.batch", "noise.n");
  exp.batch_within_samples("optimizers.batch", "noise.n");
  exp.batch_within_samples("momentum.batch", "noise.n");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    auto& out = ctx.file();
    auto& checks = ctx.checks();
    const std::uint64_t seed = ctx.seed();
    const Index d = cfg.get<std::int64_t>("landscape.dim");
    const auto th0 = cfg.get<std::vector<double>>("theta0");
    const Vec theta0 = Eigen::Map<const Vec>(th0.data(), d);
    const Index N = cfg.get<std::int64_t>("noise.n");
    const Wells wells(d);
    const Problem problem = Problem::isotropic(wells, N, cfg.get<double>("noise.sigma"), seed);
    const Mat sigma1 = problem.per_sample_covariance(theta0);
    // The predictions' theory (--control): the noise variance of every prediction (the bound, the
    // chain and Gibbs laws, the SDE's T(t), momentum's covariance) is `noise_scale` times SGD's (the T
    // factor; with replacement the sampling factor is 1), and the discrete or continuous Lyapunov
    // solution. SGD runs with its own noise whatever the control.
    const Theory& theo = ctx.theory();
    const double noise_scale = theo.temperature_factor() * theo.batch_noise_factor(1.0);
    const double sigma2 = noise_scale * sigma1.trace();  // E‖∇ℓ_i − ∇L‖² = tr Σ₁: the σ² of the bound
    const double beta = Wells::smoothness(), w_star = wells.well_position();
    const double L_star = static_cast<double>(d) * Wells::value1(w_star);
    const double loss_gap = wells.value(theta0) - L_star;
    const double h_min = Wells::second1(w_star);
    out.create_group("/theory");
    out.set_attribute("/theory", "beta", beta);
    out.set_attribute("/theory", "sigma2", sigma2);
    out.set_attribute("/theory", "L_star", L_star);
    out.set_attribute("/theory", "loss_gap", loss_gap);
    out.set_attribute("/theory", "w_star", w_star);
    out.set_attribute("/theory", "theta0", th0);
    {  // the landscape for contour plots
      const Index n = 161;
      const Vec g = Vec::LinSpaced(n, -4.0, 4.0);
      Mat v(n, n);  // v(i, j) = L at (g_i, g_j) in the first two coordinates
      for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < n; ++j) v(i, j) = Wells::value1(g[i]) + (d > 1 ? Wells::value1(g[j]) : 0.0);
      out.write("/theory/landscape/x", g);
      out.write("/theory/landscape/value", v);
    }
    const auto M_traj = static_cast<Index>(cfg.get<std::int64_t>("trajectories.count"));
    const long traj_every = cfg.get<std::int64_t>("trajectories.every");

    // ---- 1. plateau of the average squared gradient norm -------------------------------------------
    {
      const auto etas = cfg.get<std::vector<double>>("plateau.eta");
      const auto batches = cfg.get<std::vector<double>>("plateau.batch");
      const long K = cfg.get<std::int64_t>("plateau.steps");
      const Index M = cfg.get<std::int64_t>("plateau.particles");
      const long every = std::max<long>(1, K / cfg.get<std::int64_t>("plateau.records"));
      std::vector<double> ratio, avg_all, avg_all_se, stat, stat_se, bound, plateau_term, chain, chain_err,
          gibbs;
      Progress bar = ctx.progress(static_cast<std::int64_t>(etas.size()) * M, "plateau");
      for (std::size_t c = 0; c < etas.size(); ++c) {
        const double eta = etas[c];
        const auto B = static_cast<Index>(batches[c]);
        SgdEnsemble model(problem, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 101 + c);
        Ensemble x = start(theta0, M);
        auto g2 = [d](const Ensemble& s, Index p) { return grad2_of(s, p, 0, d); };
        TimeAverage all(g2, RecordPlan{1, 0, K - 1});         // t = 0 … T−1 (the bound's average)
        TimeAverage second(g2, RecordPlan{1, K / 2, K - 1});  // the stationary half
        Trace tr(
            {"grad_norm2"}, [d](const Ensemble& s, Index p, double* o) { o[0] = grad2_of(s, p, 0, d); },
            RecordPlan{every}, 0);
        RunOptions opts;
        opts.n_steps = K;
        opts.on_block_done = [&bar](Index n) { bar.add(n); };
        run_ensemble(model, x, opts, all, second, tr);
        const auto a = stats::mean_std(std::span<const double>(all.averages().data(), M));
        const auto s = stats::mean_std(std::span<const double>(second.averages().data(), M));
        const std::string g = "/sgd/plateau/case_" + std::to_string(c);
        out.write(g + "/steps", tr.steps());
        write_series(out, g, "grad_norm2", series(tr, 0));
        out.set_attribute(g, "eta", eta);
        out.set_attribute(g, "batch", static_cast<std::int64_t>(B));
        // Exact stationary E‖∇L‖² of the SGD chain with Gaussian noise of the same variance,
        // coordinate by coordinate (L separable, each coordinate driven by its own noise).
        double e_chain = 0.0, e_err = 0.0, e_gibbs = 0.0;
        for (Index j = 0; j < d; ++j) {
          const double sj = eta * std::sqrt(noise_scale * sigma1(j, j) / static_cast<double>(B));
          const double sd = sj / std::sqrt(1.0 - std::pow(1.0 - eta * h_min, 2));
          const double lo = std::max(0.0, w_star - 14.0 * sd), hi = w_star + 14.0 * sd + 1.0;
          const auto r =
              theory::folded_chain_expectation([](double w) { return Wells::derivative1(w); },
                                               [](double w) { return std::pow(Wells::derivative1(w), 2); },
                                               eta, sj, lo <= 3.0 * sj ? 0.0 : lo, hi, 4.0);
          e_chain += r.value;
          e_err += r.grid_error;
          // continuous Gibbs at T = ηΣ₁_jj/(2B) (the SDE's answer), trapezoid on [−8, 8]
          const double T = eta * (noise_scale * sigma1(j, j)) / (2.0 * static_cast<double>(B));
          double zsum = 0.0, fsum = 0.0;
          const double L0 = Wells::value1(w_star);
          for (int i = 0; i <= 200000; ++i) {
            const double w = -8.0 + 16.0 * i / 200000.0, e = std::exp(-(Wells::value1(w) - L0) / T);
            zsum += e;
            fsum += e * std::pow(Wells::derivative1(w), 2);
          }
          e_gibbs += fsum / zsum;
        }
        const std::string tag = "eta=" + fmt(eta) + ", B=" + std::to_string(B);
        ratio.push_back(eta / static_cast<double>(B));
        avg_all.push_back(a.mean);
        avg_all_se.push_back(a.std_error);
        stat.push_back(s.mean);
        stat_se.push_back(s.std_error);
        bound.push_back(
            theory::sgd_gradient_norm_bound(eta, beta, sigma2, static_cast<double>(B), loss_gap, K));
        plateau_term.push_back(theory::sgd_gradient_norm_plateau(eta, beta, sigma2, static_cast<double>(B)));
        chain.push_back(e_chain);
        chain_err.push_back(e_err);
        gibbs.push_back(e_gibbs);
        checks.add_upper(
            "plateau " + tag + ": avg |grad L|^2 over T steps <= bound", a.mean, a.std_error, bound.back(),
            "THEORY §7 bound eta*beta*sigma^2/n_B + 2(L(theta0)-L*)/(eta T), sigma^2 = tr Sigma_1");
        checks.add_upper("plateau " + tag + ": stationary |grad L|^2 <= eta*beta*sigma^2/n_B", s.mean,
                         s.std_error, plateau_term.back(),
                         "the second-half average stays below the bound's plateau term");
        // The theorem's bounds hold with a factor of about two to spare, so they cannot fail for any
        // plausible T (the negative controls confirm it): shown, not claimed. The exact-chain row
        // below is the claim about the plateau.
        for (const char* b :
             {": avg |grad L|^2 over T steps <= bound", ": stationary |grad L|^2 <= eta*beta*sigma^2/n_B"})
          checks.set_role("plateau " + tag + b, io::CheckRole::illustration);
        checks.add(
            "plateau " + tag + ": stationary |grad L|^2 vs exact SGD chain", s.mean, s.std_error, e_chain,
            5.0 * s.std_error + e_err,
            "exact stationary mean of the Gaussian SGD chain (|theta| chain, finite volumes); tol = 5 se "
            "(independent runs) + grid error");
      }
      bar.finish();
      const auto fit = stats::fit_loglog_weighted(ratio, stat, stat_se);
      std::vector<double> chain_se(chain.size());
      for (std::size_t i = 0; i < chain.size(); ++i) chain_se[i] = stat_se[i] * chain[i] / stat[i];
      const auto fit_chain = stats::fit_loglog_weighted(ratio, chain, chain_se);
      checks.add("plateau: log-log slope of stationary |grad L|^2 vs eta/B", fit.b, fit.se_b, fit_chain.b,
                 5.0 * fit.se_b,
                 "weighted fit; predicted = the same fit of the exact chain values; tol = 5 se");
      checks.add_lower("plateau: slope > 0 (grows with eta/B)", fit.b, fit.se_b, 5.0 * fit.se_b,
                       "the plateau grows with eta/B: slope exceeds 5 standard errors");
      out.write("/sgd/plateau/eta", etas);
      out.write("/sgd/plateau/batch", batches);
      out.write("/sgd/plateau/eta_over_b", ratio);
      out.write("/sgd/plateau/avg_all", avg_all);
      out.write("/sgd/plateau/avg_all_se", avg_all_se);
      out.write("/sgd/plateau/stationary", stat);
      out.write("/sgd/plateau/stationary_se", stat_se);
      out.set_attribute("/sgd/plateau", "steps", static_cast<std::int64_t>(K));
      out.set_attribute("/sgd/plateau", "particles", static_cast<std::int64_t>(M));
      out.set_attribute("/sgd/plateau", "slope", fit.b);
      out.set_attribute("/sgd/plateau", "slope_se", fit.se_b);
      out.set_attribute("/sgd/plateau", "intercept", fit.a);
      out.write("/theory/plateau/bound", bound);
      out.write("/theory/plateau/plateau_term", plateau_term);
      out.write("/theory/plateau/chain_stationary", chain);
      out.write("/theory/plateau/chain_grid_error", chain_err);
      out.write("/theory/plateau/gibbs_stationary", gibbs);
    }

    // ---- 2. schedules: SGD against the SDE with T(t) = η(t)σ²/(2B) ---------------------------------
    {
      const long K = cfg.get<std::int64_t>("schedules.steps");
      const Index M = cfg.get<std::int64_t>("schedules.particles");
      const auto B = static_cast<Index>(cfg.get<std::int64_t>("schedules.batch"));
      const double emax = cfg.get<double>("schedules.eta_max"), emin = cfg.get<double>("schedules.eta_min");
      const int n_fine = static_cast<int>(cfg.get<std::int64_t>("schedules.substeps_fine"));
      if (n_fine % 2 != 0) throw InputError("schedules.substeps_fine must be even");
      const long every = std::max<long>(1, K / cfg.get<std::int64_t>("schedules.records"));
      const double factor = noise_scale * sigma1.diagonal().mean() / (2.0 * static_cast<double>(B));
      const long w = std::max<long>(1, K / 10);
      std::vector<std::string> names;
      std::vector<double> final_g2, final_g2_se;
      Progress bar = ctx.progress(7 * 2 * M, "schedules");
      auto run_schedule = [&](const std::string& name, auto sched) {
        names.push_back(name);
        const std::string gs = "/sgd/schedules/" + name, gd = "/sde/schedules/" + name;
        SgdEnsemble model(problem, Sgd{}, sched, B, Sampling::with_replacement, seed + 1000 + names.size());
        model.precompute_time(K);
        const auto [tr, snaps] = run_traced(model, theta0, M, K, every, M_traj, traj_every, bar);
        std::vector<double> times, lrs;
        for (long k : tr.steps()) {
          times.push_back(model.time(k));
          lrs.push_back(sched(k));
        }
        out.write(gs + "/steps", tr.steps());
        out.write(gs + "/time", times);
        out.write(gs + "/lr", lrs);
        const Series sl = series(tr, 0), sg = series(tr, 1);
        write_series(out, gs, "loss", sl);
        write_series(out, gs, "grad_norm2", sg);
        write_snapshots(out, gs + "/trajectories", snaps, d);
        out.write(gs + "/trajectory_steps", snaps.steps());
        final_g2.push_back(sg.mean.back());
        final_g2_se.push_back(sg.se.back());
        {  // the full learning-rate curve (for the schedules figure)
          std::vector<double> all_lr(static_cast<std::size_t>(K));
          for (long k = 0; k < K; ++k) all_lr[static_cast<std::size_t>(k)] = sched(k);
          out.write(gs + "/lr_all", all_lr);
        }

        // The SDE: EM at dt = η_k (n = 1), η_k/2 and η_k/n_fine on one Brownian path.
        EnsembleScheduleLangevin sde(wells, sched, factor, {1, 2, n_fine}, K,
                                     CounterRng(seed + 5000 + names.size()));
        Ensemble y(3 * d, M);
        for (int r = 0; r < 3; ++r)
          for (Index j = 0; j < d; ++j) y.row(r * d + j).setConstant(theta0[j]);
        Trace ts(
            {"loss_dt1", "loss_dt2", "loss_fine", "diff_dt1_dt2"},
            [d](const Ensemble& s, Index p, double* o) {
              o[0] = loss_of(s, p, 0, d);
              o[1] = loss_of(s, p, d, d);
              o[2] = loss_of(s, p, 2 * d, d);
              o[3] = o[0] - o[1];
            },
            RecordPlan{every}, 0);
        RunOptions opts;
        opts.n_steps = K;
        opts.on_block_done = [&bar](Index n) { bar.add(n); };
        run_ensemble(sde, y, opts, ts);
        const Series s1 = series(ts, 0), s2 = series(ts, 1), sf = series(ts, 2), s12 = series(ts, 3);
        write_series(out, gd, "loss_dt1", s1);
        write_series(out, gd, "loss_dt2", s2);
        write_series(out, gd, "loss_fine", sf);
        write_series(out, gd, "diff_dt1_dt2", s12);
        out.write(gd + "/steps", ts.steps());
        out.set_attribute(gd, "substeps", std::vector<std::int64_t>{1, 2, n_fine});
        // Worst records (largest |Δ| / tolerance) of the two comparisons.
        std::size_t w1 = 0, w2 = 0;
        double z1 = -1, z2 = -1;
        std::vector<double> model_err(sl.mean.size());
        for (std::size_t r = 0; r < sl.mean.size(); ++r) {
          const double se1 = std::hypot(sl.se[r], s1.se[r]);
          const double se2 = std::hypot(sl.se[r], sf.se[r]);
          model_err[r] =
              2.0 * std::abs(s12.mean[r]);  // Richardson: EM weak error at dt = η_k ≈ 2(m(η) − m(η/2))
          const double a = se1 > 0 ? std::abs(sl.mean[r] - s1.mean[r]) / (5.0 * se1) : 0.0;
          const double b = std::abs(sl.mean[r] - sf.mean[r]) / (5.0 * se2 + model_err[r]);
          if (a > z1) z1 = a, w1 = r;
          if (b > z2) z2 = b, w2 = r;
        }
        out.write(gd + "/model_error", model_err);
        const double se1 = std::hypot(sl.se[w1], s1.se[w1]), se2 = std::hypot(sl.se[w2], sf.se[w2]);
        checks.add(
            "schedule " + name + ": SGD vs SDE (EM at dt = eta_k), mean loss, worst record", sl.mean[w1], se1,
            s1.mean[w1], 5.0 * se1,
            "the same chain up to the non-Gaussianity of the minibatch noise: tol = 5 se of the difference, "
            "at the record where |diff|/tol is largest");
        checks.add(
            "schedule " + name + ": SGD vs SDE (dt = eta_k/" + std::to_string(n_fine) +
                "), mean loss, worst record",
            sl.mean[w2], se2, sf.mean[w2], 5.0 * se2 + model_err[w2],
            "weak order 1: tol = 5 se + O(eta) model error 2|m(eta_k) - m(eta_k/2)| (Richardson, paired "
            "on one Brownian path), at the record where |diff|/tol is largest");
      };
      run_schedule("constant", ConstantLr{emax});
      run_schedule("step", StepDecayLr{emax, 0.5, std::max<long>(1, K / 4)});
      run_schedule("inverse_time", InverseTimeLr{emax, static_cast<double>(K) / 20.0, 1.0});
      run_schedule("cosine_restarts", CosineWarmRestartsLr{emin, emax, std::max<long>(1, K / 4), 1, 1.0});
      run_schedule("warmup_linear", WarmupLinearLr{emax, emin, w, K});
      run_schedule("transformer", TransformerLr{64.0, w, emax * std::sqrt(64.0 * static_cast<double>(w))});
      run_schedule("triangular", TriangularLr{emin, emax, std::max<long>(1, K / 8)});
      bar.finish();
      out.write_strings("/sgd/schedules/names", names);
      out.set_attribute("/sgd/schedules", "batch", static_cast<std::int64_t>(B));
      out.set_attribute("/sgd/schedules", "particles", static_cast<std::int64_t>(M));
      out.set_attribute("/sgd/schedules", "temperature_factor", factor);
      // Robbins–Monro: a decaying schedule ends below the constant-rate plateau.
      const double diff = final_g2[0] - final_g2[2], dse = std::hypot(final_g2_se[0], final_g2_se[2]);
      checks.add_lower(
          "schedule inverse_time: final |grad L|^2 below the constant-eta plateau", diff, dse, 5.0 * dse,
          "sum eta = inf, sum eta^2 < inf: |grad L|^2 keeps decreasing; constant minus inverse_time "
          "exceeds 5 se");
    }

    // ---- 3. optimizers --------------------------------------------------------------------------------
    {
      const auto lrs = cfg.get<std::vector<double>>("optimizers.lr");
      const double rho = cfg.get<double>("optimizers.rho");
      const long K = cfg.get<std::int64_t>("optimizers.steps");
      const Index M = cfg.get<std::int64_t>("optimizers.particles");
      const auto B = static_cast<Index>(cfg.get<std::int64_t>("optimizers.batch"));
      const long every = std::max<long>(1, K / 200);
      std::vector<std::string> names;
      Progress bar = ctx.progress(6 * M, "optimizers");
      auto run_opt = [&](auto opt, double lr) {
        const std::string name(decltype(opt)::config_name);
        names.push_back(name);
        const std::string g = "/sgd/optimizers/" + name;
        SgdEnsemble model(problem, opt, ConstantLr{lr}, B, Sampling::with_replacement,
                          seed + 2000 + names.size());
        const auto [tr, snaps] = run_traced(model, theta0, M, K, every, M_traj, traj_every, bar);
        out.write(g + "/steps", tr.steps());
        const Series sl = series(tr, 0);
        write_series(out, g, "loss", sl);
        write_series(out, g, "grad_norm2", series(tr, 1));
        write_snapshots(out, g + "/trajectories", snaps, d);
        out.write(g + "/trajectory_steps", snaps.steps());
        out.set_attribute(g, "lr", lr);
        checks.add_upper("optimizer " + name + ": final mean loss below L(theta0)", sl.mean.back(),
                         sl.se.back(), wells.value(theta0) - 5.0 * sl.se.back(),
                         "the optimizer descends: final ensemble-mean loss + 5 se below the starting loss (a "
                         "smoke test, no prediction of the theory: illustration, cannot tell an error in T)");
        checks.set_role("optimizer " + name + ": final mean loss below L(theta0)",
                        io::CheckRole::illustration);
      };
      run_opt(Sgd{}, lrs[0]);
      run_opt(Momentum{rho}, lrs[1]);
      run_opt(Nesterov{rho}, lrs[2]);
      run_opt(AdaGrad{}, lrs[3]);
      run_opt(RmsProp{}, lrs[4]);
      run_opt(Adam{}, lrs[5]);
      bar.finish();
      out.write_strings("/sgd/optimizers/names", names);
      out.set_attribute("/sgd/optimizers", "rho", rho);
      out.set_attribute("/sgd/optimizers", "batch", static_cast<std::int64_t>(B));
    }

    // ---- 4. heavy-ball momentum temperature on a quadratic -------------------------------------------
    {
      const double h = cfg.get<double>("momentum.h"), eta = cfg.get<double>("momentum.eta");
      const double rho = cfg.get<double>("momentum.rho");
      const auto B = static_cast<Index>(cfg.get<std::int64_t>("momentum.batch"));
      const long K = cfg.get<std::int64_t>("momentum.steps");
      const Index M = cfg.get<std::int64_t>("momentum.particles");
      const AdditiveNoise<Quadratic> q(Quadratic::isotropic(1, h), N,
                                       Mat::Constant(1, 1, 1.0) * std::pow(cfg.get<double>("noise.sigma"), 2),
                                       seed + 7);
      const double s2_sgd = q.per_sample_covariance(Vec::Zero(1))(0, 0) / static_cast<double>(B);  // Σ_B
      const double s2 = noise_scale * s2_sgd;  // the theory's Σ_B
      SgdEnsemble model(q, Momentum{rho}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 3000);
      Ensemble x = Ensemble::Zero(1, M);
      RunOptions opts;
      opts.n_steps = K;
      run_ensemble(model, x, opts);
      const auto ms = stats::mean_std(std::span<const double>(x.data(), M));
      const double var = ms.variance, var_se = var * std::sqrt(2.0 / static_cast<double>(M - 1));
      // (θ, v): v' = ρv + hθ + ξ, θ' = θ − ηv' — the exact discrete stationary covariance.
      Mat A(2, 2), b(2, 1);
      A << 1.0 - eta * h, -eta * rho, h, rho;
      b << -eta, 1.0;
      const double var_cont = eta * s2 / (2.0 * (1.0 - rho)) / h;  // T/h, T = ησ²/(2B(1−ρ))
      // the prediction: the discrete solution (the continuous one under --control continuous_lyapunov)
      const double var_discrete = theo.discrete_lyapunov()
                                      ? theory::solve_discrete_lyapunov(A, s2 * b * b.transpose())(0, 0)
                                      : var_cont;
      const double var_naive = eta * s2 / 2.0 / h;  // T without the 1/(1−ρ)
      const double gap = std::abs(var_discrete - var_cont);
      out.write("/sgd/momentum/final_theta", Vec(x.row(0).transpose().matrix()));
      out.set_attribute("/sgd/momentum", "variance", var);
      out.set_attribute("/sgd/momentum", "variance_se", var_se);
      for (auto [k, v] : {std::pair{"h", h}, {"eta", eta}, {"rho", rho}, {"sigma_b2", s2_sgd}})
        out.set_attribute("/sgd/momentum", k, v);
      out.create_group("/theory/momentum");
      out.set_attribute("/theory/momentum", "variance_discrete", var_discrete);
      out.set_attribute("/theory/momentum", "variance_continuous", var_cont);
      out.set_attribute("/theory/momentum", "variance_naive", var_naive);
      checks.add("momentum: stationary Var theta vs exact discrete heavy-ball covariance", var, var_se,
                 var_discrete, 5.0 * var_se,
                 "2x2 discrete Lyapunov of (theta, v); se = Var sqrt(2/(M-1)) (independent runs)");
      checks.add("momentum: stationary Var theta vs T/h, T = eta sigma^2/(2B(1-rho))", var, var_se, var_cont,
                 5.0 * var_se + gap,
                 "THEORY §2; tol = 5 se + the O(eta) gap |discrete - continuous| computed exactly");
      checks.add_lower("momentum: |Var - T_naive/h| (T without 1/(1-rho)) is rejected",
                       std::abs(var - var_naive), var_se, 5.0 * var_se + gap,
                       "the temperature without the momentum factor misses by more than 5 se + gap");
    }
  });
}
