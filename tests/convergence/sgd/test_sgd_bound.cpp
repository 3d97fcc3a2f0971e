// THEORY §7 (seed 004, Theorem 3) on the β-smooth log-cosh double well with additive noise,
// batches with replacement: for three (η, B) pairs with η ≤ 1/β,
//   E[(1/T) Σ_{t<T} ‖∇L(θ_t)‖²] ≤ ηβσ²/B + 2(L(θ₀) − L*)/(ηT),
// with σ² = tr Σ₁ (additive noise: E‖∇ℓ_i‖² = ‖∇L‖² + tr Σ₁ exactly); and the plateau of the
// average ‖∇L‖² (the second half of the run) grows with η/B.
#include <doctest/doctest.h>

#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/log_cosh_wells.hpp"
#include "sgdsde/noise/additive.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"
#include "sgdsde/stats/theory/sgd_bound.hpp"

using namespace sgdsde;

namespace {
/// Per particle: Σ_{t<T} ‖∇L(θ_t)‖² and the same sum over the second half t ≥ T/2.
struct GradNormSums {
  long T = 0;
  std::vector<double> all, late;
  void begin(const ObserverContext& c) {
    T = c.n_steps;
    all.assign(static_cast<std::size_t>(c.particles), 0.0);
    late.assign(static_cast<std::size_t>(c.particles), 0.0);
  }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    if (k >= T) return;  // t = 0 … T − 1
    for (Index p = v.first; p < v.first + v.count; ++p) {
      const double g0 = LogCoshWells::derivative1(x(0, p)), g1 = LogCoshWells::derivative1(x(1, p));
      const double n2 = g0 * g0 + g1 * g1;
      all[static_cast<std::size_t>(p)] += n2;
      if (k >= T / 2) late[static_cast<std::size_t>(p)] += n2;
    }
  }
  void end() {}
};

struct MeanSe {
  double mean, se;
};
MeanSe mean_se(const std::vector<double>& v, double scale) {
  const double n = static_cast<double>(v.size());
  double s = 0.0, s2 = 0.0;
  for (const double a : v) s += a * scale;
  const double m = s / n;
  for (const double a : v) s2 += (a * scale - m) * (a * scale - m);
  return {m, std::sqrt(s2 / (n - 1.0) / n)};
}
}  // namespace

TEST_CASE("THEORY 7: the bound holds and the plateau grows with eta/B") {
  const LogCoshWells L(2);
  const double beta = LogCoshWells::smoothness();
  const auto f = AdditiveNoise<LogCoshWells>::isotropic(L, 10000, 1.0, 21);
  const double sigma2 = f.per_sample_covariance(Vec::Zero(2)).trace();
  Vec x0(2);
  x0 << 0.5, -0.3;
  const double gap = L.value(x0) - L.critical_points().front().value;
  REQUIRE(gap > 0.0);
  const long T = 2000;
  const Index M = 4000;
  struct Pair {
    double eta;
    Index B;
  };
  // η/B = 0.025, 0.125, 0.5 (increasing).
  const std::vector<Pair> pairs{{0.2, 8}, {0.5, 4}, {0.5, 1}};
  std::vector<MeanSe> plateau;
  for (const auto& [eta, B] : pairs) {
    REQUIRE(theory::sgd_bound_applies(eta, beta));
    SgdEnsemble model(f, Sgd{}, ConstantLr{.eta = eta}, B, Sampling::with_replacement, 99);
    Ensemble x(2, M);
    x.row(0).setConstant(x0[0]);
    x.row(1).setConstant(x0[1]);
    GradNormSums obs;
    RunOptions opts;
    opts.n_steps = T;
    const auto summary = run_ensemble(model, x, opts, obs);
    REQUIRE(summary.diverged == 0);
    const MeanSe avg = mean_se(obs.all, 1.0 / static_cast<double>(T));
    const MeanSe late = mean_se(obs.late, 1.0 / static_cast<double>(T - T / 2));
    const double bound = theory::sgd_gradient_norm_bound(eta, beta, sigma2, static_cast<double>(B), gap, T);
    const double plateau_bound = theory::sgd_gradient_norm_plateau(eta, beta, sigma2, static_cast<double>(B));
    MESSAGE("eta = ", eta, ", B = ", B, ": mean (1/T) sum |grad L|^2 = ", avg.mean, " ± ", avg.se, ", bound ",
            bound, "; plateau ", late.mean, " ± ", late.se, " <= eta beta sigma^2/B = ", plateau_bound);
    CHECK(avg.mean <= bound);
    CHECK(late.mean <= plateau_bound);
    plateau.push_back(late);
  }
  for (std::size_t i = 1; i < plateau.size(); ++i) {
    const double diff = plateau[i].mean - plateau[i - 1].mean;
    CHECK(diff > 5.0 * std::hypot(plateau[i].se, plateau[i - 1].se));
  }
}
