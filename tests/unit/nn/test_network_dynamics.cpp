// Dynamics on the network with the project's runner: SGD ensembles bitwise identical for any thread
// count; SVAG's coefficients and its step statistics (mean ∇L, noise covariance l Σ_B, within 5
// standard errors); the Gaussian-noise dynamics' covariance in each of its five shapes against its
// target, exactly (the factor) and by sampling (within 5 standard errors), and a step that adds the
// drawn noise to the full gradient.
#include <doctest/doctest.h>

#include <omp.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "network_fixtures.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/snapshots.hpp"
#include "sgdsde/optim/schedule/schedules.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/svag.hpp"
#include "sgdsde/optim/update/optimizers.hpp"
#include "sgdsde/sde/gaussian_noise_dynamics.hpp"

using namespace sgdsde;
using namespace sgdsde::nn;

namespace {
Ensemble replicate(const Vec& x, Index M) { return x.replicate(1, M).array(); }

/// Equal bit for bit, NaN included (a diverged run is NaN in both).
bool bitwise_equal(const Ensemble& a, const Ensemble& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}

/// Sample second moment of vᵀξ over the columns of D (mean known to be 0) and its standard error.
std::pair<double, double> second_moment(const Mat& D, const Vec& v) {
  const Vec q = (v.transpose() * D).transpose().cwiseAbs2();
  const double m = q.mean();
  const double var = (q.array() - m).square().sum() / static_cast<double>(q.size() - 1);
  return {m, std::sqrt(var / static_cast<double>(q.size()))};
}
}  // namespace

TEST_CASE("SGD ensembles of networks are bitwise identical for any thread count, with any optimizer") {
  const NetworkLoss f = test::small_network(Activation::relu, OutputLoss::cross_entropy, 0.01, 64);
  const Vec x0 = test::random_theta(f, 20);
  const auto run = [&](auto optimizer, int threads) {
    SgdEnsemble model(f, optimizer, ConstantLr{0.05}, 8, Sampling::with_replacement, 3);
    Ensemble x = replicate(x0, 37);
    RunOptions opts;
    opts.n_steps = 25;
    opts.block = 4;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    run_ensemble(model, x, opts);
    omp_set_num_threads(saved);
    return x;
  };
  const Ensemble a = run(Sgd{}, 1), b = run(Sgd{}, 2);
  CHECK((a == b).all());
  CHECK(!(a.col(0) == a.col(1)).all());  // different runs draw different batches
  const Ensemble c = run(Adam{}, 1), e = run(Adam{}, 3);
  CHECK((c == e).all());
  // Run 5 of the ensemble is run_sgd with particle 5's batches.
  const BatchSampler sampler(f.num_samples(), 8, Sampling::with_replacement, 3);
  const Vec single = run_sgd(f, Sgd{}, ConstantLr{0.05}, sampler, x0, 25, 5);
  CHECK((a.col(5).matrix() - single).cwiseAbs().maxCoeff() == 0.0);
}

namespace {
/// Final states, divergence steps and snapshots of one network ensemble run.
struct MultiStepResult {
  Ensemble x;
  std::vector<std::int64_t> diverged_at;
  std::vector<double> snapshots;
};
/// `model` (SgdEnsemble or SvagEnsemble) run from x0 with its multi-step path on or off.
template <class Model>
MultiStepResult run_multi_step(Model model, bool multi, const Vec& x0, double bound, long steps, Index M) {
  model.set_multi_step(multi ? Model::MultiStep::on : Model::MultiStep::off);
  CHECK(model.advances() == multi);
  Ensemble x = replicate(x0, M);
  RunOptions opts;
  opts.n_steps = steps;  // 300: a span longer than kAdvanceSteps after the records, and short ones
  opts.block = M;        // SGD, M = 10: a full tile of 8 and a partial one
  opts.bound = bound;
  Snapshots snaps({0, M / 2, M - 1}, RecordPlan{.every = 11, .start = 3, .stop = 40});
  const RunSummary summary = run_ensemble(model, x, opts, snaps);
  return MultiStepResult{x, summary.diverged_at, snaps.data()};
}
void check_same(const MultiStepResult& a, const MultiStepResult& b) {
  CHECK(bitwise_equal(a.x, b.x));
  CHECK(a.diverged_at == b.diverged_at);
  CHECK(a.snapshots.size() == b.snapshots.size());
  CHECK(std::memcmp(a.snapshots.data(), b.snapshots.data(), a.snapshots.size() * sizeof(double)) == 0);
}
long count_crossed(const MultiStepResult& r) {
  return std::count_if(r.diverged_at.begin(), r.diverged_at.end(), [](auto s) { return s >= 0; });
}
}  // namespace

TEST_CASE(
    "Network SGD and SVAG, multi-step path: bitwise the one-step path, records and divergences included") {
  // A learning rate large enough that some runs leave the bound, at various steps.
  const NetworkLoss f = test::small_network(Activation::tanh, OutputLoss::cross_entropy, 0.0, 64);
  const Vec x0 = test::random_theta(f, 22);
  // Run lengths kept short: this test also runs under the sanitizers (scripts/test).
  const auto sgd = [&](auto optimizer, bool multi, double bound, long steps) {
    return run_multi_step(SgdEnsemble(f, optimizer, ConstantLr{0.5}, 4, Sampling::with_replacement, 5), multi,
                          x0, bound, steps, 10);
  };
  check_same(sgd(Sgd{}, true, 1e300, 300), sgd(Sgd{}, false, 1e300, 300));
  check_same(sgd(Adam{}, true, 1e300, 30), sgd(Adam{}, false, 1e300, 30));
  const MultiStepResult a = sgd(Momentum{}, true, 30.0, 220), b = sgd(Momentum{}, false, 30.0, 220);
  check_same(a, b);
  CHECK(count_crossed(a) >= 2);  // runs cross the bound at various steps: 6 of the 10, at steps 45 to 216
  CHECK(count_crossed(a) <= 8);
  const auto svag = [&](auto optimizer, bool multi, double bound, long steps) {
    return run_multi_step(SvagEnsemble(f, optimizer, ConstantLr{1.0}, 4.0, 4, Sampling::with_replacement, 6),
                          multi, x0, bound, steps, 6);
  };
  // SVAG's steps share their code with SGD's optimizers; momentum's moment and the bound suffice.
  check_same(svag(Momentum{}, true, 1e300, 60), svag(Momentum{}, false, 1e300, 60));
  const MultiStepResult c = svag(Momentum{}, true, 30.0, 140), e = svag(Momentum{}, false, 30.0, 140);
  check_same(c, e);
  CHECK(count_crossed(c) >= 2);  // 3 of the 6, at steps 53 to 73
  CHECK(count_crossed(c) <= 4);
  // The automatic choice: several steps at once from kMultiStepMinDim coordinates.
  SgdEnsemble small(f, Sgd{}, ConstantLr{0.5}, 4, Sampling::with_replacement, 5);
  CHECK(f.dim() < decltype(small)::kMultiStepMinDim);
  CHECK_FALSE(small.advances());
  SvagEnsemble small_svag(f, Sgd{}, ConstantLr{0.5}, 4.0, 4, Sampling::with_replacement, 5);
  CHECK_FALSE(small_svag.advances());
}

TEST_CASE("SVAG coefficients keep the mean and multiply the noise covariance by l") {
  for (const double l : {1.0, 2.0, 4.0, 16.0, 100.0}) {
    const auto c = svag_coefficients(l);
    CHECK(c[0] + c[1] == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(c[0] * c[0] + c[1] * c[1] == doctest::Approx(l).epsilon(1e-14));
  }
  CHECK(svag_coefficients(1.0)[1] == 0.0);
  CHECK_THROWS_AS((void)svag_coefficients(0.5), InputError);
}

TEST_CASE("one SVAG step: mean -grad L, noise covariance l Sigma_B (within 5 standard errors)") {
  const NetworkLoss f = test::small_network(Activation::tanh, OutputLoss::cross_entropy, 0.0, 40);
  const Vec x0 = test::random_theta(f, 21);
  const Index M = 8000, B = 4;
  const double eta = 0.1, l = 8.0;
  SvagEnsemble model(f, Sgd{}, ConstantLr{eta}, l, B, Sampling::with_replacement, 4);
  Ensemble x = replicate(x0, M);
  RunOptions opts;
  opts.n_steps = 1;
  run_ensemble(model, x, opts);
  Vec g;
  f.gradient(x0, g);
  // The amplified gradient of each run: (θ₀ − θ₁) l/η; its deviation from ∇L is the noise.
  const Mat D = ((replicate(x0, M) - x).matrix() * (l / eta)).colwise() - g;
  const Mat SigmaB = f.per_sample_covariance(x0) / static_cast<double>(B);
  for (std::uint64_t probe = 0; probe < 4; ++probe) {
    const Vec v = test::random_theta(f, 30 + probe).normalized();
    const double mean = (v.transpose() * D).mean();
    const auto [m2, se] = second_moment(D, v);
    CHECK(std::abs(mean) <= 5.0 * std::sqrt(m2 / static_cast<double>(M)));
    CHECK(std::abs(m2 - l * v.dot(SigmaB * v)) <= 5.0 * se);
    // The same statistic rejects SGD's own covariance (l = 1): the check has power.
    CHECK(std::abs(m2 - v.dot(SigmaB * v)) > 5.0 * se);
  }
  CHECK(model.time(10) == doctest::Approx(10 * eta / l));
}

TEST_CASE("Gaussian-noise dynamics: each shape's covariance is its target, exactly and by sampling") {
  const NetworkLoss f = test::small_network(Activation::sigmoid, OutputLoss::cross_entropy, 0.0, 40);
  const Vec x0 = test::random_theta(f, 22);
  const Index B = 4, P = f.dim();
  const double c = 1.0 / static_cast<double>(B);
  const Mat SigmaB = c * f.per_sample_covariance(x0);
  Eigen::SelfAdjointEigenSolver<Mat> es(SigmaB);
  Mat H;
  f.hessian(x0, H);
  Eigen::SelfAdjointEigenSolver<Mat> eh(H);
  const Vec u1 = eh.eigenvectors().col(P - 1);
  const Index k = 5;
  const Mat Uk = es.eigenvectors().rightCols(k);
  const Mat targets[] = {SigmaB, Mat(SigmaB.diagonal().asDiagonal()),
                         SigmaB.trace() / static_cast<double>(P) * Mat::Identity(P, P),
                         Uk * es.eigenvalues().tail(k).asDiagonal() * Uk.transpose(),
                         SigmaB.trace() * u1 * u1.transpose()};
  const NoiseShape shapes[] = {NoiseShape::exact, NoiseShape::diagonal, NoiseShape::isotropic,
                               NoiseShape::top_k, NoiseShape::hessian_top};
  for (int s = 0; s < 5; ++s) {
    CAPTURE(s);
    GaussianNoiseEnsemble model(f, ConstantLr{0.1}, shapes[s], B, Sampling::with_replacement, 1.0, 1, k, 6);
    const NoiseFactor nf = make_noise_factor(f, x0, shapes[s], model.noise_factor(), k);
    CHECK((nf.covariance() - targets[s]).norm() <= 1e-8 * SigmaB.norm());
    // Sampled: 20 000 draws, second moments along probes within 5 standard errors.
    const Index M = 20000;
    Mat D(P, M);
    auto scratch = model.make_scratch(1);
    for (Index p = 0; p < M; ++p) {
      model.draw(nf, static_cast<std::uint32_t>(p), 3, scratch);
      D.col(p) = scratch.xi;
    }
    for (std::uint64_t probe = 0; probe < 3; ++probe) {
      const Vec v = probe == 0 ? u1 : test::random_theta(f, 40 + probe).normalized();
      const auto [m2, se] = second_moment(D, v);
      CHECK(std::abs(m2 - v.dot(targets[s] * v)) <= 5.0 * se + 1e-14);
    }
  }
  // A step of the ensemble is θ − η(∇L + ξ) with the drawn ξ.
  GaussianNoiseEnsemble model(f, ConstantLr{0.1}, NoiseShape::diagonal, B, Sampling::with_replacement, 1.0, 1,
                              k, 6);
  Ensemble x = replicate(x0, 3);
  RunOptions opts;
  opts.n_steps = 1;
  run_ensemble(model, x, opts);
  Vec g;
  f.gradient(x0, g);
  auto scratch = model.make_scratch(1);
  model.draw(make_noise_factor(f, x0, NoiseShape::diagonal, model.noise_factor(), k), 2, 0, scratch);
  CHECK(((x0 - 0.1 * (g + scratch.xi)) - x.col(2).matrix()).norm() <= 1e-14 * x0.norm());
}
