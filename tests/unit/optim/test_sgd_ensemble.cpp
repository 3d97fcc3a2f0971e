// The SGD ensemble model: B = N is gradient descent, particle p of an ensemble is the single run
// with particle p, whole ensemble runs are bitwise identical for any thread count, divergence is
// flagged by the runner, time(k) is the SDE time.
#include <doctest/doctest.h>

#include <omp.h>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/noise/noise_models.hpp"
#include "sgdsde/optim/schedule/schedules.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/optimizers.hpp"

using namespace sgdsde;

namespace {
RunOptions make_opts(long n_steps, Index block = 512, double bound = std::numeric_limits<double>::max()) {
  RunOptions o;
  o.n_steps = n_steps;
  o.block = block;
  o.bound = bound;
  return o;
}
Mat anisotropic_h() {
  Mat H(2, 2);
  H << 2.0, 0.6, 0.6, 1.0;
  return H;
}
}  // namespace

TEST_CASE("B = N reproduces the gradient-descent recursion to 1e-12") {
  const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic(anisotropic_h()), 64, 1.0, 3);
  const InverseTimeLr lr{.eta0 = 0.3, .t0 = 50.0};
  Vec x0(2);
  x0 << 1.5, -0.7;
  Vec gd = x0, g(2);
  for (long k = 0; k < 200; ++k) {
    f.gradient(gd, g);
    gd -= lr(k) * g;
  }
  for (const Sampling mode : {Sampling::without_replacement, Sampling::shuffled_epochs}) {
    const BatchSampler s(64, 64, mode, 9);
    const Vec x = run_sgd(f, Sgd{}, lr, s, x0, 200);
    CHECK((x - gd).cwiseAbs().maxCoeff() <= 1e-12);
    // The ensemble too.
    SgdEnsemble model(f, Sgd{}, lr, 64, mode, 9);
    Ensemble e(2, 5);
    e.row(0).setConstant(1.5);
    e.row(1).setConstant(-0.7);
    run_ensemble(model, e, make_opts(200));
    for (Index p = 0; p < 5; ++p) CHECK((e.col(p).matrix() - gd).cwiseAbs().maxCoeff() <= 1e-12);
  }
  // With replacement B = N is NOT gradient descent.
  const BatchSampler s(64, 64, Sampling::with_replacement, 9);
  CHECK((run_sgd(f, Sgd{}, lr, s, x0, 200) - gd).cwiseAbs().maxCoeff() > 1e-6);
}

TEST_CASE("ensemble particle p is bitwise the single run of particle p") {
  const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic(anisotropic_h()), 500, 1.0, 3);
  const CosineWarmRestartsLr lr{.eta_min = 0.001, .eta_max = 0.05, .t0 = 20, .t_mult = 2};
  Vec x0(2);
  x0 << 0.5, 0.25;
  auto check = [&](auto opt, Sampling mode) {
    CAPTURE(to_string(mode));
    SgdEnsemble model(f, opt, lr, 7, mode, 2024);
    Ensemble e(2, 300);
    e.row(0).setConstant(x0[0]);
    e.row(1).setConstant(x0[1]);
    run_ensemble(model, e, make_opts(150, 64));
    const BatchSampler s(500, 7, mode, 2024);
    for (const std::uint32_t p : {0u, 63u, 64u, 299u}) {
      const Vec x = run_sgd(f, opt, lr, s, x0, 150, p);
      CHECK(x[0] == e(0, p));
      CHECK(x[1] == e(1, p));
    }
    CHECK(e.col(0).matrix() != e.col(1).matrix());
  };
  for (const Sampling mode :
       {Sampling::with_replacement, Sampling::without_replacement, Sampling::shuffled_epochs}) {
    check(Sgd{}, mode);
    check(Adam{}, mode);
  }
  check(Momentum{.rho = 0.8}, Sampling::shuffled_epochs);
  check(Nesterov{.rho = 0.8}, Sampling::with_replacement);
  check(AdaGrad{}, Sampling::without_replacement);
  check(RmsProp{}, Sampling::with_replacement);
}

TEST_CASE("a whole ensemble run is bitwise identical on 1 and 2 threads") {
  const auto problem = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(), 1000, 2.0, 5);
  auto run = [&](int threads) {
    omp_set_num_threads(threads);
    SgdEnsemble model(problem, Momentum{.rho = 0.5}, ConstantLr{.eta = 0.05}, 4,
                      Sampling::without_replacement, 77);
    Ensemble e(1, 1000);  // eight blocks of 128 over the threads
    for (Index p = 0; p < 1000; ++p) e(0, p) = -1.0 + 2.0 * static_cast<double>(p % 2);
    auto loss = [&](const Ensemble& x, Index p, double* out) { out[0] = DoubleWell().value1(x(0, p)); };
    Trace tr({"loss"}, loss, RecordPlan{.every = 10});
    const auto summary = run_ensemble(model, e, make_opts(300, 128, 3.0), tr);
    return std::tuple{e, tr.mean(), summary.diverged};
  };
  const int before = omp_get_max_threads();
  const auto [e1, m1, d1] = run(1);
  const auto [e2, m2, d2] = run(2);
  omp_set_num_threads(before);
  CHECK(d1 == d2);
  for (Index p = 0; p < e1.cols(); ++p) {
    if (std::isnan(e1(0, p))) {
      CHECK(std::isnan(e2(0, p)));
    } else {
      CHECK(e1(0, p) == e2(0, p));
    }
  }
  CHECK(m1 == m2);
}

TEST_CASE("divergence: runs beyond the bound are stopped, flagged and counted") {
  // η h = 2.2 > 2 on the quadratic: every run diverges geometrically.
  const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic::isotropic(1, 1.0), 100, 0.1, 1);
  SgdEnsemble model(f, Sgd{}, ConstantLr{.eta = 2.2}, 1, Sampling::with_replacement, 1);
  Ensemble e = Ensemble::Constant(1, 50, 1.0);
  const auto summary = run_ensemble(model, e, make_opts(100, 512, 1e6));
  CHECK(summary.diverged == 50);
  for (const auto k : summary.diverged_at) CHECK((k > 0 && k < 100));
}

TEST_CASE("model time is the SDE time") {
  const auto f = AdditiveNoise<Quadratic>::isotropic(Quadratic::isotropic(1, 1.0), 100, 0.1, 1);
  SgdEnsemble model(f, Sgd{}, StepDecayLr{.eta0 = 0.1, .gamma = 0.5, .step_size = 10}, 1,
                    Sampling::with_replacement, 1);
  CHECK(model.time(25) == doctest::Approx(1.625));
  model.precompute_time(30);
  CHECK(model.time(25) == doctest::Approx(1.625));
  CHECK(model.time(40) == doctest::Approx(10 * (0.1 + 0.05 + 0.025 + 0.0125)));
  static_assert(EnsembleModel<decltype(model)>);
}
