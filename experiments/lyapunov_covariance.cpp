// lyapunov_covariance (THEORY §4, Mandt–Hoffman–Blei): SGD on an anisotropic quadratic
// L = ½ θᵀHθ with additive minibatch noise Σ_B = Σ₁/B (Σ₁ the exact sample covariance of the data
// set). SGD's stationary covariance solves the DISCRETE Lyapunov equation S = (I−ηH)S(I−ηH)ᵀ + η²Σ_B
// exactly (for any noise law); the SME's the continuous one HS + SH = ηΣ_B. The gap between the two
// is the SDE's O(η) error, ηh/(2 − ηh) relative per eigen-direction: the experiment measures it.
// d = 2 (H rotated, so S has off-diagonal entries) and d = 100 (diagonal H, log-spaced curvatures;
// aggregate statistics). The SDE is Euler–Maruyama of Langevin at T = ησ²/(2B) with a small step,
// whose own stationary covariance is the discrete Lyapunov solution at that step.
// Schema and checks: docs/experiments/lyapunov_covariance.md.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/LU>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/stats/sample_stats.hpp"
#include "sgdsde/stats/theory/lyapunov.hpp"

using namespace sgdsde;

namespace {

/// Steps after which (1 − ηh)^{2k} ≤ e^{−2·relax} for every curvature h (start at θ*, S₀ = 0).
long burn_in(const Vec& h, double dt, double relax) {
  double rate = 1e300;
  for (Index j = 0; j < h.size(); ++j) rate = std::min(rate, -std::log(std::abs(1.0 - dt * h[j])));
  return static_cast<long>(std::ceil(relax / rate));
}

template <class Model>
Mat stationary_sample(Model& model, Index d, Index M, long steps) {
  Ensemble x = Ensemble::Zero(d, M);
  RunOptions opt;
  opt.n_steps = steps;
  run_ensemble(model, x, opt);
  return stats::sample_covariance(x);
}

/// se(S_jk) = sqrt((S_jj S_kk + S_jk²)/(M − 1)) of a Gaussian sample covariance.
Mat covariance_se(const Mat& S, Index M) {
  Mat se(S.rows(), S.cols());
  for (Index j = 0; j < S.rows(); ++j)
    for (Index k = 0; k < S.cols(); ++k)
      se(j, k) = std::sqrt((S(j, j) * S(k, k) + S(j, k) * S(j, k)) / static_cast<double>(M - 1));
  return se;
}

struct Case {
  // S_disc: the predicted stationary covariance of SGD (the discrete Lyapunov solution; the continuous
  // one under --control continuous_lyapunov); S_cont: the continuous (SME) solution; both from the
  // theory's Σ_B. sigma_b: SGD's own Σ_B = Σ₁/B, which SGD runs with whatever the control.
  Mat S_sgd, S_sde, S_disc, S_cont, S_sde_disc, se_sgd, se_sde, sigma_b, sigma_b_model;
  Vec h;
  double T = 0;      // the SDE's T (the theory's)
  double model = 1;  // the theory's Σ_B over SGD's
  Index M = 0, M_sde = 0;
  long steps = 0, steps_sde = 0;
};

Case run_case(const Theory& theo, const Mat& H, const Vec& h, double eta, double sigma, Index B, Index N,
              Index M, Index M_sde, double dt_sde, double relax, std::uint64_t seed) {
  const Index d = H.rows();
  Case c;
  c.h = h;
  c.M = M;
  c.M_sde = M_sde;
  const Quadratic q(H);
  const auto noise = AdditiveNoise<Quadratic>::isotropic(q, N, sigma, seed);
  c.sigma_b = noise.per_sample_covariance(Vec::Zero(d)) / static_cast<double>(B);
  // the theory's Σ_B (with replacement: sampling factor 1; T factor of a temperature control)
  const double model = theo.temperature_factor() * theo.batch_noise_factor(1.0);
  c.model = model;
  c.sigma_b_model = model * c.sigma_b;
  c.S_cont = theory::stationary_covariance_sme(H, c.sigma_b_model, eta);
  c.S_disc = theo.discrete_lyapunov() ? theory::stationary_covariance_sgd(H, c.sigma_b_model, eta) : c.S_cont;
  // SDE: Langevin at T = ησ²/(2B) (the SME with the nominal Σ_B = σ²I/B), EM at dt_sde:
  // S = (I − dt H) S (I − dt H)ᵀ + 2T dt I exactly.
  c.T = eta * model * sigma * sigma / (2.0 * static_cast<double>(B));
  c.S_sde_disc = theory::solve_discrete_lyapunov(Mat::Identity(d, d) - dt_sde * H,
                                                 2.0 * c.T * dt_sde * Mat::Identity(d, d));
  SgdEnsemble sgd(noise, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed + 1);
  c.steps = burn_in(h, eta, relax);
  c.S_sgd = stationary_sample(sgd, d, M, c.steps);
  EnsembleLangevin sde(q, c.T, dt_sde, CounterRng(seed + 2));
  c.steps_sde = burn_in(h, dt_sde, relax);
  c.S_sde = stationary_sample(sde, d, M_sde, c.steps_sde);
  c.se_sgd = covariance_se(c.S_sgd, M);
  c.se_sde = covariance_se(c.S_sde, M_sde);
  return c;
}

void write_case(ResultsFile& out, const std::string& tag, const Case& c, double eta, double dt_sde) {
  const std::string s = "/sgd/" + tag, e = "/sde/" + tag, t = "/theory/" + tag;
  out.write(s + "/covariance", c.S_sgd);
  out.write(s + "/covariance_se", c.se_sgd);
  out.set_attribute(s + "/covariance", "particles", static_cast<std::int64_t>(c.M));
  out.set_attribute(s + "/covariance", "steps", static_cast<std::int64_t>(c.steps));
  out.set_attribute(s + "/covariance", "eta", eta);
  out.write(e + "/covariance", c.S_sde);
  out.write(e + "/covariance_se", c.se_sde);
  out.set_attribute(e + "/covariance", "particles", static_cast<std::int64_t>(c.M_sde));
  out.set_attribute(e + "/covariance", "steps", static_cast<std::int64_t>(c.steps_sde));
  out.set_attribute(e + "/covariance", "dt", dt_sde);
  out.set_attribute(e + "/covariance", "T", c.T);
  out.write(t + "/discrete_lyapunov", c.S_disc);
  out.write(t + "/continuous_lyapunov", c.S_cont);
  out.write(t + "/sde_discrete_lyapunov", c.S_sde_disc);
  out.write(t + "/sigma_b", c.sigma_b);
  out.write(t + "/sigma_b_model", c.sigma_b_model);
  out.write(t + "/curvatures", c.h);
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "lyapunov_covariance",
      "Stationary covariance of SGD on anisotropic quadratics (d = 2, d = 100) vs the discrete and "
      "continuous Lyapunov solutions: the O(eta) gap of the SDE.");
  exp.param("sgd.eta", 0.05, "learning rate eta", positive())
      .param("sgd.batch", 4, "batch size B (with replacement)", at_least(1))
      .param("noise.sigma", 1.0, "additive noise standard deviation (C = sigma^2 I)", positive())
      .param("data.n", 10000, "number of samples N", at_least(10))
      .param("d2.curvatures", std::vector<double>{1.0, 10.0}, "eigenvalues of H (d = 2)", positive(),
             size_is(2))
      .param("d2.angle", 0.5, "rotation angle of H's eigenvectors (rad)", in_range(-3.2, 3.2))
      .param("d2.particles", 20000, "SGD particles (d = 2)", at_least(100))
      .param("d100.dim", 100, "dimension of the large case", at_least(3))
      .param("d100.h_min", 0.5, "smallest curvature (d = 100)", positive())
      .param("d100.h_max", 20.0, "largest curvature (d = 100), eta h_max < 2", positive())
      .param("d100.particles", 2000, "SGD particles (d = 100)", at_least(100))
      .param("sde.dt_factor", 0.1, "SDE Euler-Maruyama step dt = factor * eta", in_range(0.001, 1.0))
      .param("sde.particle_fraction", 0.5, "SDE particles = fraction * SGD particles", in_range(0.01, 1.0))
      .param("relax", 15.0, "burn-in: (1 - eta h)^{2k} <= e^{-2 relax} for every h", at_least(5.0))
      .cross_check(
          {"sgd.eta", "d100.h_max", "d2.curvatures"},
          [](const Config& c) {
            double hm = c.get<double>("d100.h_max");
            for (double v : c.get<std::vector<double>>("d2.curvatures")) hm = std::max(hm, v);
            return c.get<double>("sgd.eta") * hm < 2.0;
          },
          "SGD must be stable: eta * max curvature < 2")
      .cross_check(
          {"d100.h_min", "d100.h_max"},
          [](const Config& c) { return c.get<double>("d100.h_min") < c.get<double>("d100.h_max"); },
          "the smallest curvature must be below the largest");

  exp.batch_within_samples("sgd.batch", "data.n");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    auto& out = ctx.file();
    auto& checks = ctx.checks();
    const double eta = cfg.get<double>("sgd.eta"), sigma = cfg.get<double>("noise.sigma");
    const double dt_sde = cfg.get<double>("sde.dt_factor") * eta, relax = cfg.get<double>("relax");
    const double frac = cfg.get<double>("sde.particle_fraction");
    const Index B = cfg.get<std::int64_t>("sgd.batch"), N = cfg.get<std::int64_t>("data.n");
    for (const char* g : {"/sgd", "/sde", "/theory"}) out.create_group(g);
    out.set_attribute("/sgd", "eta", eta);
    out.set_attribute("/sgd", "batch", static_cast<std::int64_t>(B));
    out.set_attribute("/sde", "dt", dt_sde);
    out.set_attribute("/theory", "sigma", sigma);

    // ---------------- d = 2: H = R diag(h) Rᵀ, entry by entry ----------------
    {
      const auto hv = cfg.get<std::vector<double>>("d2.curvatures");
      const double a = cfg.get<double>("d2.angle");
      Mat R(2, 2);
      R << std::cos(a), -std::sin(a), std::sin(a), std::cos(a);
      const Vec h = Eigen::Map<const Vec>(hv.data(), 2);
      const Mat H = R * h.asDiagonal() * R.transpose();
      const Index M = cfg.get<std::int64_t>("d2.particles");
      const auto Ms = static_cast<Index>(frac * static_cast<double>(M));
      const Case c = run_case(ctx.theory(), H, h, eta, sigma, B, N, M, Ms, dt_sde, relax, ctx.seed() + 2);
      write_case(out, "d2", c, eta, dt_sde);
      out.write("/theory/d2/H", H);
      const char* names[2] = {"1", "2"};
      for (Index j = 0; j < 2; ++j)
        for (Index k = j; k < 2; ++k) {
          const std::string e = std::string("S_") + names[j] + names[k];
          checks.add("d=2: SGD " + e + " vs discrete Lyapunov", c.S_sgd(j, k), c.se_sgd(j, k), c.S_disc(j, k),
                     5.0 * c.se_sgd(j, k),
                     "the discrete Lyapunov recursion is exact for SGD with additive noise; tolerance 5 se, "
                     "se = sqrt((S_jj S_kk + S_jk^2)/(M-1))");
          // The SDE rows compare the EM chain with its own exact covariance and with the continuous
          // solution it discretises: identities of the code (they move with the theory's T).
          checks.add("d=2: SDE " + e + " vs its Euler-Maruyama Lyapunov", c.S_sde(j, k), c.se_sde(j, k),
                     c.S_sde_disc(j, k), 5.0 * c.se_sde(j, k),
                     "EM of Langevin at T = eta sigma^2/(2B), step dt_sde: exact discrete Lyapunov at dt_sde "
                     "(identity: the chain's Monte Carlo vs its own stationary covariance)");
          checks.set_role("d=2: SDE " + e + " vs its Euler-Maruyama Lyapunov", io::CheckRole::identity);
          checks.add(
              "d=2: SDE " + e + " vs continuous Lyapunov", c.S_sde(j, k), c.se_sde(j, k),
              theory::stationary_covariance_sme(
                  H, c.model * sigma * sigma / static_cast<double>(B) * Mat::Identity(2, 2), eta)(j, k),
              5.0 * c.se_sde(j, k) + std::abs(c.S_sde_disc(j, k) - (c.T * H.inverse())(j, k)),
              "HS + SH = eta C (nominal C); tolerance 5 se + the O(dt_sde) model error |S_EM(dt) - S_cont| "
              "(identity: the EM discretisation of the SDE whose solution it is compared with)");
          checks.set_role("d=2: SDE " + e + " vs continuous Lyapunov", io::CheckRole::identity);
        }
      // the gap in the stiff eigen-direction u (of h_max): uᵀSu
      const Index js = h[1] > h[0] ? 1 : 0;
      const Vec u = R.col(js);
      const double s_meas = u.dot(c.S_sgd * u), s_disc = u.dot(c.S_disc * u), s_cont = u.dot(c.S_cont * u);
      const double se_u = std::sqrt(2.0 / static_cast<double>(M - 1)) * s_meas;
      checks.add("d=2: relative gap u'S u / u'S_cont u - 1 (stiff direction) vs predicted",
                 s_meas / s_cont - 1.0, se_u / s_cont, s_disc / s_cont - 1.0, 5.0 * se_u / s_cont,
                 "predicted gap eta h/(2 - eta h) (discrete over continuous Lyapunov); tolerance 5 se "
                 "(se of a variance: sqrt(2/(M-1)) S)");
      checks.add_lower(
          "d=2: gap to continuous Lyapunov resolved (z-score, stiff direction)", (s_meas - s_cont) / se_u,
          1.0, 5.0,
          "the continuous (SME) solution is rejected by SGD's covariance at 5 se: the O(eta) gap is real");
      out.set_attribute("/theory/d2", "stiff_direction_relative_gap_measured", s_meas / s_cont - 1.0);
      out.set_attribute("/theory/d2", "stiff_direction_relative_gap_predicted", s_disc / s_cont - 1.0);
    }

    // ---------------- d = 100: diagonal H, aggregate statistics ----------------
    {
      const Index d = cfg.get<std::int64_t>("d100.dim");
      const double h0 = cfg.get<double>("d100.h_min"), h1 = cfg.get<double>("d100.h_max");
      Vec h(d);
      for (Index j = 0; j < d; ++j)
        h[j] = h0 * std::pow(h1 / h0, static_cast<double>(j) / static_cast<double>(d - 1));
      const Mat H = h.asDiagonal();
      const Index M = cfg.get<std::int64_t>("d100.particles");
      const auto Ms = static_cast<Index>(frac * static_cast<double>(M));
      const Case c = run_case(ctx.theory(), H, h, eta, sigma, B, N, M, Ms, dt_sde, relax, ctx.seed() + 1000);
      write_case(out, "d100", c, eta, dt_sde);
      const auto dd = static_cast<double>(d);
      // χ² of the diagonal z-scores (se under the null from the predicted S): χ²_d, mean d, sd sqrt(2d)
      auto chi2 = [&](const Mat& S, const Mat& P, Index m) {
        double s = 0;
        for (Index j = 0; j < d; ++j) {
          const double se = std::sqrt(2.0 / static_cast<double>(m - 1)) * P(j, j);
          s += std::pow((S(j, j) - P(j, j)) / se, 2);
        }
        return s;
      };
      const double sd = std::sqrt(2.0 * dd);
      checks.add("d=100: chi2 of diagonal z-scores, SGD vs discrete Lyapunov", chi2(c.S_sgd, c.S_disc, M), sd,
                 dd, 5.0 * sd,
                 "sum over j of ((S_jj - S_disc_jj)/se_jj)^2 ~ chi2_d: mean d, sd sqrt(2d); tolerance 5 sd");
      checks.add_lower("d=100: chi2 of diagonal z-scores, SGD vs continuous Lyapunov",
                       chi2(c.S_sgd, c.S_cont, M), sd, dd + 5.0 * sd,
                       "the continuous solution is rejected: chi2 above d + 5 sqrt(2d)");
      checks.add("d=100: chi2 of diagonal z-scores, SDE vs its EM Lyapunov", chi2(c.S_sde, c.S_sde_disc, Ms),
                 sd, dd, 5.0 * sd,
                 "EM of Langevin at dt_sde; chi2_d, tolerance 5 sd (identity: the chain's Monte Carlo vs its "
                 "own stationary covariance)");
      checks.set_role("d=100: chi2 of diagonal z-scores, SDE vs its EM Lyapunov", io::CheckRole::identity);
      // Frobenius error over its expected sampling value (all d(d+1)/2 entries)
      {
        double F2 = 0, E = 0, V = 0;
        for (Index j = 0; j < d; ++j)
          for (Index k = j; k < d; ++k) {
            const double v = (c.S_disc(j, j) * c.S_disc(k, k) + c.S_disc(j, k) * c.S_disc(j, k)) /
                             static_cast<double>(M - 1);
            const double w = j == k ? 1.0 : 2.0;
            F2 += w * std::pow(c.S_sgd(j, k) - c.S_disc(j, k), 2);
            E += w * v;
            V += w * w * 2.0 * v * v;
          }
        checks.add(
            "d=100: ||S_SGD - S_disc||_F^2 / its expected sampling value", F2 / E, std::sqrt(V) / E, 1.0,
            5.0 * std::sqrt(V) / E,
            "E||S_hat - S||_F^2 = sum_jk (S_jj S_kk + S_jk^2)/(M-1) for a Gaussian sample covariance; sd "
            "from the entries' chi2_1 variances (treated as independent); tolerance 5 sd");
        out.set_attribute("/theory/d100", "frobenius_ratio", F2 / E);
      }
      // the gap amplitude: g_j = S_jj/S_cont_jj − 1 = a · ηh_j/(2 − ηh_j) fitted by weighted least squares
      {
        double num = 0, den = 0;
        for (Index j = 0; j < d; ++j) {
          const double gp = c.S_disc(j, j) / c.S_cont(j, j) - 1.0;
          const double g = c.S_sgd(j, j) / c.S_cont(j, j) - 1.0;
          const double se = c.se_sgd(j, j) / c.S_cont(j, j);
          num += g * gp / (se * se);
          den += gp * gp / (se * se);
        }
        const double amp = num / den, se_amp = 1.0 / std::sqrt(den);
        checks.add(
            "d=100: measured/predicted O(eta) gap amplitude", amp, se_amp, 1.0, 5.0 * se_amp,
            "weighted least-squares amplitude a of S_jj/S_cont_jj - 1 = a (S_disc_jj/S_cont_jj - 1) "
            "(= a eta h_j/(2 - eta h_j) for diagonal Sigma_B); a = 1: the measured gap is the predicted one");
        out.set_attribute("/theory/d100", "gap_amplitude", amp);
        out.set_attribute("/theory/d100", "gap_amplitude_se", se_amp);
      }
    }
  });
}
