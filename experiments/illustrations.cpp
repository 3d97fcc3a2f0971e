// illustrations: the seed report's figures recomputed from real runs, each with the checks that
// make it more than a picture (THEORY §1–§6):
//  convex        GD vs SGD on an anisotropic quadratic: GD = (I − ηH)^k θ₀ exactly; SGD's stationary
//                covariance = the discrete Lyapunov solution (THEORY §4);
//  himmelblau    low vs high noise: trajectories and basin changes;
//  gradients     exact ∇L vs minibatch g_B at points of the cover surface: sample mean = ∇L, sample
//                covariance = Σ_B (THEORY §1);
//  surface       a 3-D SGD trajectory on the cover surface, and GD from the same start to a listed minimum;
//  double_well   trajectories in w⁴ − 2w² hopping between the minima;
//  long          one long 2-D trajectory on the log-cosh wells and its histogram against the
//                stationary Fokker–Planck density, with an effective-sample-size floor;
//  saddle        GD stuck at a saddle, SGD escaping, mean escape step vs THEORY §6;
//  flat_sharp    equal-depth flat and sharp minima: label-noise SGD settles in the flat one,
//                additive noise of the same size at the sharp minimum does not prefer it as much.
// Schema and checks: docs/experiments/illustrations.md.
#include <cmath>
#include <string>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/distributions.hpp"
#include "sgdsde/landscapes/landscapes.hpp"
#include "sgdsde/noise/noise_models.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/stats/autocorrelation.hpp"
#include "sgdsde/stats/block_bootstrap.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"
#include "sgdsde/stats/histogram.hpp"
#include "sgdsde/stats/sample_stats.hpp"
#include "sgdsde/stats/theory/lyapunov.hpp"
#include "sgdsde/stats/theory/saddle_escape.hpp"

using namespace sgdsde;

namespace {

Vec vec(const std::vector<double>& v) {
  return Eigen::Map<const Vec>(v.data(), static_cast<Index>(v.size()));
}
Ensemble start(const Vec& theta0, Index M) {
  Ensemble x(theta0.size(), M);
  for (Index j = 0; j < theta0.size(); ++j) x.row(j).setConstant(theta0[j]);
  return x;
}
/// σ with T = ησ²/(2B).
double sigma_for(double T, double eta, double B) { return std::sqrt(2.0 * T * B / eta); }
/// A single SGD run (batch `B` with replacement; B = N without replacement is GD), d × (K + 1).
template <class F>
Mat trajectory(const F& f, double eta, Index B, const Vec& x0, long K, std::uint64_t seed,
               std::uint32_t particle = 0) {
  const Sampling mode = B == f.num_samples() ? Sampling::without_replacement : Sampling::with_replacement;
  return sgd_trajectory(f, Sgd{}, ConstantLr{eta}, BatchSampler(f.num_samples(), B, mode, seed), x0, K,
                        particle);
}
/// Gradient descent θ ← θ − η∇L(θ) on the landscape itself (exact gradients), d × (K + 1).
template <class L>
Mat gd_trajectory(const L& l, double eta, Vec x, long K) {
  Mat t(l.dim(), K + 1);
  Vec g(l.dim());
  t.col(0) = x;
  for (long k = 1; k <= K; ++k) {
    l.gradient(x, g);
    x -= eta * g;
    t.col(k) = x;
  }
  return t;
}
/// Final states of M SGD runs of K steps from x0.
template <class F>
Ensemble ensemble(const F& f, double eta, Index B, const Vec& x0, Index M, long K, std::uint64_t seed) {
  SgdEnsemble model(f, Sgd{}, ConstantLr{eta}, B, Sampling::with_replacement, seed);
  Ensemble x = start(x0, M);
  RunOptions opts;
  opts.n_steps = K;
  run_ensemble(model, x, opts);
  return x;
}
/// L on an n × n grid of [lo, hi]² (value[i, j] = L(x_i, y_j)) under `g` (x, y, value), for contours.
template <class L>
void write_grid(ResultsFile& out, const std::string& g, const L& l, const Vec& lo, const Vec& hi,
                Index n = 121) {
  const Vec x = Vec::LinSpaced(n, lo[0], hi[0]), y = Vec::LinSpaced(n, lo[1], hi[1]);
  Mat v(n, n);
  Vec p(2);
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < n; ++j) {
      p << x[i], y[j];
      v(i, j) = l.value(p);
    }
  out.write(g + "/x", x);
  out.write(g + "/y", y);
  out.write(g + "/value", v);
}
/// Index of the nearest listed minimum.
template <class L>
Index nearest_minimum(const L& l, const Vec& x) {
  Index best = -1, i = 0;
  double dist = 1e300;
  for (const auto& cp : l.critical_points()) {
    if (cp.kind == CriticalKind::minimum && (cp.location - x).norm() < dist)
      dist = (cp.location - x).norm(), best = i;
    ++i;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("illustrations", "The seed report's figures from real runs, each with its checks.");
  exp.param("noise.n", 10000, "samples N of every finite sum", at_least(2))
      .param("convex.h", std::vector<double>{1.0, 4.0}, "curvatures of the quadratic", positive(), size_is(2))
      .param("convex.theta0", std::vector<double>{2.5, 1.5}, "start", size_is(2))
      .param("convex.eta", 0.1, "learning rate", positive())
      .param("convex.T", 0.05, "temperature T = eta sigma^2/(2B)", positive())
      .param("convex.steps", 100, "steps of the plotted runs", at_least(1))
      .param("convex.particles", 20000, "runs for the stationary covariance", at_least(10))
      .param("convex.ensemble_steps", 400, "steps of those runs", at_least(1))
      .param("himmelblau.eta", 0.005, "learning rate", positive())
      .param("himmelblau.T", std::vector<double>{0.5, 10.0}, "low and high temperature", positive(),
             size_is(2))
      .param("himmelblau.theta0", std::vector<double>{3.0, 2.0}, "start (a minimum)", size_is(2))
      .param("himmelblau.steps", 4000, "steps", at_least(1))
      .param("himmelblau.particles", 400, "runs for the basin-change fractions", at_least(10))
      .param("gradients.points", std::vector<double>{-1.5, 0.5, 1.0, -2.0, 2.5, 2.0},
             "points (x1, y1, x2, y2, ...) on the cover surface", min_size(2))
      .param("gradients.sigma", 0.5, "noise scale", positive())
      .param("gradients.correlation", 0.6, "correlation of the two noise components", open_range(-1.0, 1.0))
      .param("gradients.ratio", 0.5, "variance ratio of the second component", positive())
      .param("gradients.batch", 4, "batch size B", at_least(1))
      .param("gradients.samples", 4000, "minibatch gradients per point", at_least(10))
      .param("surface.theta0", std::vector<double>{-3.0, 3.0}, "start on the cover surface", size_is(2))
      .param("surface.eta", 0.1, "learning rate", positive())
      .param("surface.T", 0.02, "temperature", positive())
      .param("surface.steps", 600, "steps", at_least(1))
      .param("double_well.eta", 0.01, "learning rate", positive())
      .param("double_well.T", 0.25, "temperature", positive())
      .param("double_well.steps", 20000, "steps", at_least(1))
      .param("double_well.count", 5, "trajectories", at_least(1))
      .param("double_well.every", 10, "record every n-th step", at_least(1))
      .param("long.eta", 0.05, "learning rate", positive())
      .param("long.T", 0.5, "temperature", positive())
      .param("long.steps", 2000000, "steps of the long trajectory", at_least(1000))
      .param("long.thin", 10, "keep every n-th state in the histogram", at_least(1))
      .param("long.bins", 40, "histogram bins per axis", at_least(4))
      .param("long.refine", 4, "Fokker-Planck cells per bin per axis", at_least(1))
      .param("long.plot_steps", 20000, "steps of the stored (plotted) head of the trajectory", at_least(10))
      .param("long.blocks", 40, "blocks of the block bootstrap of the trajectory's histogram", at_least(4))
      .param("long.replicates", 200, "block-bootstrap replicates", at_least(10))
      .param("saddle.a", 1.0, "stable curvature a", positive())
      .param("saddle.lambda", 1.0, "unstable curvature lambda", positive())
      .param("saddle.c", 1.0, "quartic coefficient c", positive())
      .param("saddle.eta", 0.05, "learning rate", positive())
      .param("saddle.T", 1e-3, "temperature", positive())
      .param("saddle.y_escape", 0.5, "escape when |y| >= y_e", positive())
      .param("saddle.delta", 1e-3, "GD start offset in y", positive())
      .param("saddle.steps", 600, "steps", at_least(1))
      .param("saddle.particles", 2000, "runs", at_least(10))
      .param("flat_sharp.ratio", 4.0, "curvature ratio sharp/flat", in_range(1.0, 40.0))
      .param("flat_sharp.eta", 0.02, "learning rate", positive())
      .param("flat_sharp.sigma", 3.0, "label noise sigma", positive())
      .param("flat_sharp.floor", 2.0, "additive floor sigma", non_negative())
      .param("flat_sharp.steps", 20000, "steps", at_least(1))
      .param("flat_sharp.particles", 1000, "runs", at_least(10))
      .param("flat_sharp.count", 4, "stored trajectories", at_least(1))
      .param("flat_sharp.every", 20, "record every n-th step", at_least(1))
      .cross_check(
          {"convex.eta", "convex.h"},
          [](const Config& c) {
            // (1 − ηh)² < 1: stable (ηh < 2) and moving (ηh not lost to rounding); the stationary
            // covariance η²σ²/(B(1 − (1 − ηh)²)) of the check needs it.
            for (const double h : c.get<std::vector<double>>("convex.h")) {
              const double r = 1.0 - c.get<double>("convex.eta") * h;
              if (!(r * r < 1.0)) return false;
            }
            return true;
          },
          "SGD on the quadratic must be stable and move: (1 - eta * h)^2 < 1 in double precision (0 < eta * "
          "h < 2) for both curvatures");

  exp.batch_within_samples("gradients.batch", "noise.n");
  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    auto& out = ctx.file();
    auto& checks = ctx.checks();
    const std::uint64_t seed = ctx.seed();
    const Index N = cfg.get<std::int64_t>("noise.n");
    // The predictions' theory (--control): Σ_B and T of every prediction (the Lyapunov covariance, the
    // Fokker-Planck law, the escape step) and the discrete or continuous Lyapunov solution. The SGD runs
    // (their η, B, data and noise) are never changed.
    const Theory& theo = ctx.theory();

    // ---- convex: GD vs SGD on ½θᵀHθ --------------------------------------------------------------
    {
      const Vec h = vec(cfg.get<std::vector<double>>("convex.h")),
                x0 = vec(cfg.get<std::vector<double>>("convex.theta0"));
      const double eta = cfg.get<double>("convex.eta");
      const long K = cfg.get<std::int64_t>("convex.steps");
      const auto f = AdditiveNoise<Quadratic>::isotropic(
          Quadratic::diagonal(h), N, sigma_for(cfg.get<double>("convex.T"), eta, 1.0), seed + 1);
      const Mat gd = gd_trajectory(f.landscape(), eta, x0, K), sgd = trajectory(f, eta, 1, x0, K, seed + 3);
      out.write("/sgd/convex/gd_trajectory", gd);
      write_grid(out, "/theory/convex/landscape", f.landscape(), Vec::Constant(2, -3.0),
                 Vec::Constant(2, 3.0));
      out.write("/sgd/convex/sgd_trajectory", sgd);
      const Ensemble fin = ensemble(f, eta, 1, x0, cfg.get<std::int64_t>("convex.particles"),
                                    cfg.get<std::int64_t>("convex.ensemble_steps"), seed + 4);
      out.write("/sgd/convex/final_states", fin);
      out.set_attribute("/sgd/convex", "eta", eta);
      out.set_attribute("/sgd/convex", "T", cfg.get<double>("convex.T"));
      out.set_attribute("/sgd/convex", "h", cfg.get<std::vector<double>>("convex.h"));
      Vec exact = x0;
      for (long k = 0; k < K; ++k) exact = (Vec::Ones(2) - eta * h).cwiseProduct(exact);
      checks.add_identity(
          "convex: GD distance to the minimum after K steps", gd.col(K).norm(), exact.norm(),
          1e-12 * x0.norm() * static_cast<double>(K),
          "GD on a quadratic is (I - eta H)^K theta0 exactly; tol = round-off (1e-12 |theta0| "
          "K) (identity: the map vs its closed form)");
      // the theory's Σ_B: its sampling factor (1 with replacement) and T factor
      const double c_mode = batch_noise_factor(N, 1, Sampling::with_replacement);
      const Mat C = (theo.temperature_factor() * theo.batch_noise_factor(c_mode) / c_mode) *
                    batch_covariance(f.per_sample_covariance(x0), N, 1, Sampling::with_replacement);
      const Mat S = theo.discrete_lyapunov() ? theory::stationary_covariance_sgd(Mat(h.asDiagonal()), C, eta)
                                             : theory::stationary_covariance_sme(Mat(h.asDiagonal()), C, eta);
      const Mat Sm = stats::sample_covariance(fin);
      const double M = static_cast<double>(fin.cols());
      out.write("/theory/convex/covariance_discrete", S);
      out.write("/sgd/convex/covariance", Sm);
      for (auto [j, k] : {std::pair<Index, Index>{0, 0}, {1, 1}, {0, 1}}) {
        const double se = std::sqrt((Sm(j, j) * Sm(k, k) + Sm(j, k) * Sm(j, k)) / (M - 1.0));
        const std::string name = "convex: SGD stationary S_" + std::to_string(j + 1) + std::to_string(k + 1) +
                                 " vs discrete Lyapunov";
        checks.add(name, Sm(j, k), se, S(j, k), 5.0 * se,
                   "S = (I-eta H)S(I-eta H)^T + eta^2 Sigma_B exact for additive noise; se = sqrt((S_jj S_kk "
                   "+ S_jk^2)/(M-1)); an entry whose 5 se exceed its prediction is an illustration");
        // A tolerance larger than the prediction cannot even tell its sign: shown, not claimed.
        if (5.0 * se > std::abs(S(j, k))) checks.set_role(name, io::CheckRole::illustration);
      }
    }

    // ---- himmelblau: low vs high noise -----------------------------------------------------------------
    {
      const Himmelblau hb;
      const double eta = cfg.get<double>("himmelblau.eta");
      const auto Ts = cfg.get<std::vector<double>>("himmelblau.T");
      const Vec x0 = vec(cfg.get<std::vector<double>>("himmelblau.theta0"));
      const long K = cfg.get<std::int64_t>("himmelblau.steps");
      const Index M = cfg.get<std::int64_t>("himmelblau.particles");
      const Index home = nearest_minimum(hb, x0);
      const char* names[2] = {"low", "high"};
      for (int i = 0; i < 2; ++i) {
        const auto f = AdditiveNoise<Himmelblau>::isotropic(hb, N, sigma_for(Ts[i], eta, 1.0), seed + 10 + i);
        const std::string g = std::string("/sgd/himmelblau/") + names[i];
        out.write(g + "/trajectory", trajectory(f, eta, 1, x0, K, seed + 12 + i));
        const Ensemble fin = ensemble(f, eta, 1, x0, M, K, seed + 14 + i);
        double left = 0.0;
        for (Index p = 0; p < M; ++p)
          left += nearest_minimum(hb, Vec(fin.col(p).matrix())) != home ? 1.0 : 0.0;
        const double frac = left / static_cast<double>(M);
        const double se =
            std::sqrt(std::max(frac * (1 - frac), 1.0 / static_cast<double>(M)) / static_cast<double>(M));
        out.set_attribute(g, "T", Ts[i]);
        out.set_attribute(g, "fraction_left_start_basin", frac);
        if (i == 0) {
          checks.add("himmelblau low T: fraction of runs that left the start basin", frac, se, 0.0, 0.0,
                     "the lowest saddle is >= 13 above the minima: e^{-13/T} escapes expected (basin = "
                     "nearest minimum); illustration: 0 for any T near the nominal one, cannot tell an "
                     "error in T");
          checks.set_role("himmelblau low T: fraction of runs that left the start basin",
                          io::CheckRole::illustration);
        } else
          checks.add_lower("himmelblau high T: fraction of runs that left the start basin", frac, se,
                           5.0 * se, "at high T runs cross saddles: fraction exceeds 5 se");
      }
      out.set_attribute("/sgd/himmelblau", "eta", eta);
      Mat cps(9, 2);
      Index i = 0;
      for (const auto& cp : hb.critical_points()) cps.row(i++) = cp.location.transpose();
      out.write("/theory/himmelblau/critical_points", cps);
      write_grid(out, "/theory/himmelblau/landscape", hb, hb.box().lo, hb.box().hi, 161);
    }

    // ---- gradients: exact vs minibatch at points of the cover surface ----------------------------------
    {
      const CoverSurface cs;
      const double s = cfg.get<double>("gradients.sigma"), rho = cfg.get<double>("gradients.correlation");
      const double r = cfg.get<double>("gradients.ratio");
      Mat C(2, 2);
      C << s * s, rho * s * s * std::sqrt(r), rho * s * s * std::sqrt(r), s * s * r;
      const AdditiveNoise<CoverSurface> f(cs, N, C, seed + 20);
      const auto B = static_cast<Index>(cfg.get<std::int64_t>("gradients.batch"));
      const Index G = cfg.get<std::int64_t>("gradients.samples");
      const auto pts = cfg.get<std::vector<double>>("gradients.points");
      const BatchSampler sampler(N, B, Sampling::with_replacement, seed + 21);
      auto scratch = sampler.make_scratch();
      std::vector<Index> batch(static_cast<std::size_t>(B));
      // Σ_B as the theory has it (its sampling factor; with replacement 1). No T enters: g_B's law is
      // a property of the sampler, and these rows are identities of the code.
      const double c_mode = batch_noise_factor(N, B, Sampling::with_replacement);
      const Mat SB =
          (theo.batch_noise_factor(c_mode) / c_mode) *
          batch_covariance(f.per_sample_covariance(Vec::Zero(2)), N, B, Sampling::with_replacement);
      out.write("/theory/gradients/sigma_b", SB);
      for (std::size_t q = 0; q + 1 < pts.size(); q += 2) {
        Vec x(2), g(2), grad(2);
        x << pts[q], pts[q + 1];
        cs.gradient(x, grad);
        Ensemble samples(2, G);
        for (Index i = 0; i < G; ++i) {
          sampler.sample(static_cast<std::uint32_t>(i), static_cast<long>(q / 2), std::span<Index>(batch),
                         scratch);
          f.batch_gradient(x, std::span<const Index>(batch), g);
          samples.col(i) = g.array();
        }
        const std::string gp = "/sgd/gradients/point_" + std::to_string(q / 2);
        out.write(gp + "/minibatch_gradients", samples);
        out.write(gp + "/point", x);
        out.write(gp + "/exact_gradient", grad);
        const Vec mu = stats::sample_mean(samples);
        const Mat S = stats::sample_covariance(samples);
        const double Gd = static_cast<double>(G);
        const std::string tag = "gradients point " + std::to_string(q / 2) + ": ";
        for (Index j = 0; j < 2; ++j) {
          const double se = std::sqrt(S(j, j) / Gd);
          checks.add(tag + "mean g_B[" + std::to_string(j) + "] vs grad L", mu[j], se, grad[j], 5.0 * se,
                     "g_B is unbiased (THEORY §1); tol = 5 se (identity: a property of the sampler)");
          checks.set_role(tag + "mean g_B[" + std::to_string(j) + "] vs grad L", io::CheckRole::identity);
        }
        for (auto [j, k] : {std::pair<Index, Index>{0, 0}, {1, 1}, {0, 1}}) {
          const double se = std::sqrt((S(j, j) * S(k, k) + S(j, k) * S(j, k)) / (Gd - 1.0));
          checks.add(
              tag + "Cov g_B[" + std::to_string(j) + std::to_string(k) + "] vs Sigma_B", S(j, k), se,
              SB(j, k), 5.0 * se,
              "Sigma_B = Sigma_1/B with replacement (THEORY §1); se = sqrt((S_jj S_kk + S_jk^2)/(G-1)) "
              "(identity: a property of the sampler)");
          checks.set_role(tag + "Cov g_B[" + std::to_string(j) + std::to_string(k) + "] vs Sigma_B",
                          io::CheckRole::identity);
        }
      }
      out.set_attribute("/sgd/gradients", "batch", static_cast<std::int64_t>(B));
    }

    // ---- surface: 3-D trajectory on the cover surface ---------------------------------------------------
    {
      const CoverSurface cs;
      const double eta = cfg.get<double>("surface.eta");
      const Vec x0 = vec(cfg.get<std::vector<double>>("surface.theta0"));
      const long K = cfg.get<std::int64_t>("surface.steps");
      const auto f = AdditiveNoise<CoverSurface>::isotropic(
          cs, N, sigma_for(cfg.get<double>("surface.T"), eta, 1.0), seed + 30);
      const Mat sgd = trajectory(f, eta, 1, x0, K, seed + 31), gd = gd_trajectory(cs, eta, x0, 20 * K);
      out.write("/sgd/surface/sgd_trajectory", sgd);
      out.write("/sgd/surface/gd_trajectory", gd);
      out.set_attribute("/sgd/surface", "eta", eta);
      out.set_attribute("/sgd/surface", "T", cfg.get<double>("surface.T"));
      const Index n = 121;
      const Vec grid = Vec::LinSpaced(n, -CoverSurface::half_width, CoverSurface::half_width);
      Mat v(n, n);
      for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < n; ++j) v(i, j) = CoverSurface::value2(grid[i], grid[j]);
      out.write("/theory/surface/x", grid);
      out.write("/theory/surface/value", v);
      const Vec end = gd.col(gd.cols() - 1);
      const auto cps = cs.critical_points();
      const Index m = nearest_minimum(cs, end);
      Vec g(2);
      cs.gradient(end, g);
      out.write("/theory/surface/gd_limit_minimum", cps[static_cast<std::size_t>(m)].location);
      checks.add_identity("surface: GD end point distance to the nearest listed minimum",
                          (end - cps[static_cast<std::size_t>(m)].location).norm(), 0.0, 1e-6,
                          "GD converges to a minimum of the cover surface (Newton-refined critical points; "
                          "identity: deterministic, no noise)");
    }

    // ---- double well trajectories -----------------------------------------------------------------------
    {
      const DoubleWell dw;
      const double eta = cfg.get<double>("double_well.eta"), T = cfg.get<double>("double_well.T");
      const long K = cfg.get<std::int64_t>("double_well.steps"),
                 every = cfg.get<std::int64_t>("double_well.every");
      const auto f = AdditiveNoise<DoubleWell>::isotropic(dw, N, sigma_for(T, eta, 1.0), seed + 40);
      const Index n = cfg.get<std::int64_t>("double_well.count");
      const Index R = K / every + 1;
      Mat traj(n, R);
      for (Index p = 0; p < n; ++p) {
        const Mat t =
            trajectory(f, eta, 1, Vec::Constant(1, -1.0), K, seed + 41, static_cast<std::uint32_t>(p));
        for (Index r = 0; r < R; ++r) traj(p, r) = t(0, r * every);
      }
      out.write("/sgd/double_well/trajectories", traj);
      std::vector<double> times(static_cast<std::size_t>(R));
      for (Index r = 0; r < R; ++r) times[static_cast<std::size_t>(r)] = static_cast<double>(r * every) * eta;
      out.write("/sgd/double_well/time", times);
      out.set_attribute("/sgd/double_well", "eta", eta);
      out.set_attribute("/sgd/double_well", "T", T);
    }

    // ---- long 2-D trajectory and its histogram vs Fokker–Planck ------------------------------------------
    {
      const LogCoshWells lw(2);
      const double eta = cfg.get<double>("long.eta"), T = cfg.get<double>("long.T");
      const long K = cfg.get<std::int64_t>("long.steps"), thin = cfg.get<std::int64_t>("long.thin");
      const Index bins = cfg.get<std::int64_t>("long.bins"), refine = cfg.get<std::int64_t>("long.refine");
      const long head = std::min<long>(K, cfg.get<std::int64_t>("long.plot_steps"));
      const auto f = AdditiveNoise<LogCoshWells>::isotropic(lw, N, sigma_for(T, eta, 1.0), seed + 50);
      const Box box = lw.box();
      stats::Histogram2D hist(box.lo[0], box.hi[0], bins, box.lo[1], box.hi[1], bins);
      std::vector<double> xs, ys, sx, sy;
      std::vector<std::int32_t> bin_seq;  // the bin of each kept state, in time order (block bootstrap)
      Mat plotted(2, head + 1);
      Vec x0(2);
      x0 << lw.well_position(), lw.well_position();
      run_sgd(f, Sgd{}, ConstantLr{eta}, BatchSampler(N, 1, Sampling::with_replacement, seed + 51), x0, K, 0,
              [&](long k, const Vec& x) {
                if (k <= head) plotted.col(k) = x;
                if (k % thin != 0) return;
                hist.add(x[0], x[1]);
                bin_seq.push_back(static_cast<std::int32_t>(hist.bin_of(x[0], x[1])));
                xs.push_back(x[0]);
                ys.push_back(x[1]);
                sx.push_back(x[0] > 0 ? 1.0 : -1.0);
                sy.push_back(x[1] > 0 ? 1.0 : -1.0);
              });
      out.write("/sgd/long/trajectory_head", plotted);
      write_grid(out, "/theory/long/landscape", lw, lw.box().lo, lw.box().hi);
      // Effective sample size: the slowest of the coordinates and their well labels.
      double tau = 0.5;
      bool converged = true;
      for (const auto* s : {&xs, &ys, &sx, &sy}) {
        const auto a = stats::integrated_autocorrelation_time(*s);
        tau = std::max(tau, a.tau_int);
        converged = converged && a.converged;
      }
      const auto n = static_cast<Index>(xs.size());
      const double n_eff = stats::effective_sample_size(n, tau);
      io::write_histogram(out, "/sgd/long/histogram", hist, "sgd", "log_cosh_wells_2d");
      out.set_attribute("/sgd/long", "eta", eta);
      out.set_attribute("/sgd/long", "T", T);
      out.set_attribute("/sgd/long", "tau_int", tau);
      out.set_attribute("/sgd/long", "tau_int_converged", converged);
      out.set_attribute("/sgd/long", "n_samples", static_cast<std::int64_t>(n));
      out.set_attribute("/sgd/long", "n_eff", n_eff);
      // Stationary Fokker–Planck density on a grid refining the bins.
      fp::Grid<2> grid(box, bins * refine);
      const double T_model = theo.temperature(T);  // the Fokker-Planck law's T (SGD runs at T)
      const fp::FokkerPlanck<2> fpp(grid, lw, fp::Diffusion::isotropic(T_model));
      const Vec pv = fpp.stationary().values() * grid.cell_volume();
      auto bin_masses = [&](const Vec& cellmass) {
        Vec m = Vec::Zero(bins * bins);
        for (Index k = 0; k < grid.size(); ++k) {
          const auto mi = grid.multi_index(k);
          m[(mi[0] / refine) * bins + mi[1] / refine] += cellmass[k];
        }
        return m;
      };
      const Vec ref = bin_masses(pv);
      const stats::BinGeometry geom = stats::BinGeometry::of(hist);
      io::write_probabilities(out, "/fokker_planck/long/stationary", ref, geom, "fokker_planck",
                              "log_cosh_wells_2d");
      // O(η) model error: the SGD/EM chain is close to Gibbs at T(1 + ηβ/2) (harmonic EM bias with
      // the largest curvature β = 1): the TV between the two Gibbs laws on the bins.
      const Vec hot = bin_masses(
          fpp.gibbs(T_model * (1.0 + 0.5 * eta * LogCoshWells::smoothness())).values() * grid.cell_volume());
      const double model_tv = 0.5 * (ref / ref.sum() - hot / hot.sum()).cwiseAbs().sum();
      // Distances; their floor by the block bootstrap of the one correlated trajectory
      // (stats/block_bootstrap.hpp): blocks of n/blocks kept states, each ≫ τ_int, carry every bin's own
      // correlation (the n_eff = n/(2τ_int) floor with the slowest τ was several times too large).
      const Index blocks = cfg.get<std::int64_t>("long.blocks");
      const int replicates = static_cast<int>(cfg.get<std::int64_t>("long.replicates"));
      Vec counts(hist.size());
      for (Index k = 0; k < hist.size(); ++k)
        counts[k] = static_cast<double>(hist.counts()[static_cast<std::size_t>(k)]);
      auto rows = stats::compare_histogram(counts, ref, geom);
      const stats::SlicedW1 sliced = stats::SlicedW1::for_histogram(hist, 32);  // as compare_histogram
      for (auto& r : rows) {
        if (r.metric != "tv" && r.metric != "sliced_w1") continue;
        const auto floor =
            r.metric == "tv"
                ? stats::block_bootstrap_floor(bin_seq, hist.size(), blocks, stats::total_variation,
                                               replicates, seed + 52, 0)
                : stats::block_bootstrap_floor(
                      bin_seq, hist.size(), blocks, [&](const Vec& p, const Vec& q) { return sliced(p, q); },
                      replicates, seed + 52, 1);
        r.floor_mean = floor.mean;
        r.floor_sd = floor.std;
      }
      io::write_distances(out, "/sgd/long/distances", rows);
      out.set_attribute("/sgd/long/distances", "model_error_tv", model_tv);
      out.set_attribute("/sgd/long/distances", "blocks", static_cast<std::int64_t>(blocks));
      out.set_attribute("/sgd/long", "block_over_tau_int", static_cast<double>(n / blocks) / tau);
      for (const auto& r : rows) {
        if (r.metric != "tv" && r.metric != "sliced_w1") continue;
        const double model = r.metric == "tv" ? model_tv : 0.0;
        checks.add_upper(
            "long trajectory: " + r.metric + "(histogram, FP) within the block-bootstrap floor", r.value,
            r.bootstrap_se, r.bound(model),
            "floor mean + 5 sd by the block bootstrap of the one trajectory (long.blocks blocks, "
            "each >> tau_int) + O(eta) model error (TV to Gibbs at T(1+eta beta/2)); illustration: "
            "it detects a law at 2 T, not one at 1.1 T (measured: docs/experiments/illustrations.md)");
        checks.set_role("long trajectory: " + r.metric + "(histogram, FP) within the block-bootstrap floor",
                        io::CheckRole::illustration);
      }
    }

    // ---- saddle: GD stuck, SGD escaping -------------------------------------------------------------------
    {
      const double a = cfg.get<double>("saddle.a"), lam = cfg.get<double>("saddle.lambda"),
                   c = cfg.get<double>("saddle.c");
      const QuarticSaddle qs(a, lam, c);
      const double eta = cfg.get<double>("saddle.eta"), T = cfg.get<double>("saddle.T");
      const double ye = cfg.get<double>("saddle.y_escape"), delta = cfg.get<double>("saddle.delta");
      const long K = cfg.get<std::int64_t>("saddle.steps");
      const Index M = cfg.get<std::int64_t>("saddle.particles");
      const auto f = AdditiveNoise<QuarticSaddle>::isotropic(qs, N, sigma_for(T, eta, 1.0), seed + 60);
      const Mat gd0 = gd_trajectory(qs, eta, Vec::Zero(2), K);
      Vec xd(2);
      xd << 0.0, delta;
      out.write("/sgd/saddle/gd_at_saddle", gd0);
      write_grid(out, "/theory/saddle/landscape", qs, qs.box().lo, qs.box().hi);
      out.write("/sgd/saddle/gd_from_delta", gd_trajectory(qs, eta, xd, K));
      const Index shown = std::min<Index>(M, 8);
      for (Index p = 0; p < shown; ++p)
        out.write("/sgd/saddle/sgd_trajectory_" + std::to_string(p),
                  trajectory(f, eta, 1, Vec::Zero(2), K, seed + 63, static_cast<std::uint32_t>(p)));
      checks.add_bool("saddle: GD started at the saddle never moves", gd0.cwiseAbs().maxCoeff() == 0.0,
                      "grad L = 0 exactly at the saddle: GD (exact gradients) stays (THEORY §6; identity)");
      checks.set_role("saddle: GD started at the saddle never moves", io::CheckRole::identity);
      // Escape steps of M runs (first step with |y| >= y_e).
      std::vector<double> steps;
      for (Index p = 0; p < M; ++p) {
        long hit = -1;
        run_sgd(f, Sgd{}, ConstantLr{eta}, BatchSampler(N, 1, Sampling::with_replacement, seed + 64),
                Vec::Zero(2), K, static_cast<std::uint32_t>(p), [&](long k, const Vec& x) {
                  if (hit < 0 && std::abs(x[1]) >= ye) hit = k;
                });
        steps.push_back(hit < 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(hit));
      }
      out.write("/sgd/saddle/escape_steps", steps);
      std::size_t never = 0;
      for (double s : steps) never += std::isnan(s);
      // THEORY §6, discrete: steps ≈ ln(y_e/(|Z| s))/ln(1+ηλ), s² = η²σ_y²/(B((1+ηλ)²−1)), E ln|Z| = −(γ+ln
      // 2)/2, plus the quartic shift ln(λ/(λ − c y_e²))/(2 ln(1+ηλ)) (continuous-time logistic phase).
      // the theory's Σ₁_yy (T factor; sampling factor 1 with replacement) and T
      const double sy2 = theo.temperature_factor() * theo.batch_noise_factor(1.0) *
                         f.per_sample_covariance(Vec::Zero(2))(1, 1);
      const double T_model = theo.temperature(T);
      const double g1 = std::log1p(eta * lam);
      const double sdisc = eta * std::sqrt(sy2 / ((1 + eta * lam) * (1 + eta * lam) - 1.0));
      const double shift = std::log(lam / (lam - c * ye * ye)) / (2.0 * g1);
      const double pred = (std::log(ye / sdisc) + 0.5 * (theory::euler_gamma + std::log(2.0))) / g1 + shift;
      if (never == 0) {
        const auto ms = stats::mean_std(steps);
        const double model = pred * T_model / (lam * ye * ye) + shift * eta * lam;
        checks.add(
            "saddle: SGD mean escape step vs THEORY §6 (discrete)", ms.mean, ms.std_error, pred,
            5.0 * ms.std_error + model,
            "tol = 5 se + neglected O(T/(lambda y_e^2)) relative + O(eta lambda) error of the quartic shift");
      } else {
        checks.add_bool("saddle: every SGD run escaped", false, "some runs did not escape within the steps");
      }
      out.set_attribute("/theory/saddle", "mean_escape_step", pred);
      for (auto [k, v] :
           {std::pair{"eta", eta}, {"T", T}, {"y_escape", ye}, {"lambda", lam}, {"a", a}, {"c", c}})
        out.set_attribute("/sgd/saddle", k, v);
    }

    // ---- flat vs sharp: label-noise SGD vs additive noise of the same size at the sharp minimum
    // ------------
    {
      const FlatSharpWells fs(cfg.get<double>("flat_sharp.ratio"));
      const double eta = cfg.get<double>("flat_sharp.eta"), sigma = cfg.get<double>("flat_sharp.sigma");
      const double floor = cfg.get<double>("flat_sharp.floor");
      const long K = cfg.get<std::int64_t>("flat_sharp.steps"),
                 every = cfg.get<std::int64_t>("flat_sharp.every");
      const Index M = cfg.get<std::int64_t>("flat_sharp.particles"),
                  n = cfg.get<std::int64_t>("flat_sharp.count");
      const auto label = LabelNoise<FlatSharpWells>::isotropic(fs, N, sigma, floor, seed + 70);
      const Vec sharp = Vec::Constant(1, FlatSharpWells::sharp_minimum());
      const double var_sharp = label.per_sample_covariance(sharp)(0, 0);
      const auto additive = AdditiveNoise<FlatSharpWells>::isotropic(fs, N, std::sqrt(var_sharp), seed + 71);
      const double barrier = fs.barrier_location();
      auto run = [&](const auto& f, const std::string& g, std::uint64_t s) {
        const Index R = K / every + 1;
        Mat traj(n, R);
        for (Index p = 0; p < n; ++p) {
          const Mat t = trajectory(f, eta, 1, sharp, K, s, static_cast<std::uint32_t>(p));
          for (Index r = 0; r < R; ++r) traj(p, r) = t(0, r * every);
        }
        out.write(g + "/trajectories", traj);
        const Ensemble fin = ensemble(f, eta, 1, sharp, M, K, s + 1);
        double flat = 0;
        for (Index p = 0; p < M; ++p) flat += fin(0, p) < barrier ? 1.0 : 0.0;
        const double frac = flat / static_cast<double>(M);
        out.set_attribute(g, "flat_fraction", frac);
        out.set_attribute(g, "flat_fraction_se", std::sqrt(frac * (1 - frac) / static_cast<double>(M)));
        return frac;
      };
      const double fl = run(label, "/sgd/flat_sharp/label_noise", seed + 72);
      const double fa = run(additive, "/sgd/flat_sharp/additive", seed + 74);
      std::vector<double> times;
      for (long k = 0; k <= K; k += every) times.push_back(static_cast<double>(k) * eta);
      out.write("/sgd/flat_sharp/time", times);
      const Index ng = 400;
      const Vec w = Vec::LinSpaced(ng, fs.box().lo[0], fs.box().hi[0]);
      Vec Lw(ng);
      for (Index i = 0; i < ng; ++i) Lw[i] = fs.value(Vec::Constant(1, w[i]));
      out.write("/theory/flat_sharp/w", w);
      out.write("/theory/flat_sharp/loss", Lw);
      for (auto [k, v] : {std::pair{"eta", eta},
                          {"sigma", sigma},
                          {"floor", floor},
                          {"barrier", barrier},
                          {"curvature_ratio", fs.curvature_ratio()},
                          {"additive_variance", var_sharp}})
        out.set_attribute("/sgd/flat_sharp", k, v);
      const double se = std::sqrt((fl * (1 - fl) + fa * (1 - fa)) / static_cast<double>(M));
      checks.add_lower(
          "flat_sharp: flat-basin fraction, label noise minus additive", fl - fa, se, 5.0 * se,
          "noise that follows the curvature (THEORY §5, Xie et al.) empties the sharp minimum faster "
          "than isotropic noise of the same size there: difference exceeds 5 se");
    }
  });
}
