#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/sde/ensemble_langevin.hpp"
#include "sgdsde/sde/noise_source.hpp"
#include "sgdsde/sde/sme.hpp"
#include "sgdsde/sde/steppers/euler_maruyama.hpp"

using namespace sgdsde;

static_assert(EnsembleModel<EnsembleLangevin<DoubleWell>>);
static_assert(EnsembleModel<EnsembleEulerMaruyama<LangevinProblem<Quadratic>>>);

namespace {
template <class Model>
Ensemble run(Model model, Ensemble x, int threads, long steps, Index block = 64) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  RunOptions opt;
  opt.n_steps = steps;
  opt.block = block;
  run_ensemble(model, x, opt);
  omp_set_num_threads(saved);
  return x;
}
Ensemble start(Index d, Index M, double v) {
  Ensemble x(d, M);
  for (Index j = 0; j < d; ++j)
    for (Index p = 0; p < M; ++p) x(j, p) = v * std::cos(0.37 * static_cast<double>(p + 3 * j));
  return x;
}
bool bitwise_equal(const Ensemble& a, const Ensemble& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && std::equal(a.data(), a.data() + a.size(), b.data());
}
}  // namespace

TEST_CASE("ensemble Langevin is bitwise identical for 1 and 2 threads (EM and LM; d = 1, 2, 3)") {
  const CounterRng rng(2024);
  const Index M = 1000;  // not a multiple of the block: a partial last block
  for (auto scheme : {LangevinScheme::euler_maruyama, LangevinScheme::leimkuhler_matthews}) {
    CAPTURE(to_string(scheme));
    const EnsembleLangevin<DoubleWell> m1(DoubleWell(), 0.25, 0.01, rng, scheme);
    CHECK(bitwise_equal(run(m1, start(1, M, 1.0), 1, 25), run(m1, start(1, M, 1.0), 2, 25)));
    // A different block size (chunking) changes nothing either.
    CHECK(bitwise_equal(run(m1, start(1, M, 1.0), 1, 25, 64), run(m1, start(1, M, 1.0), 2, 25, 128)));
    const EnsembleLangevin<Himmelblau> m2(Himmelblau(), 1.0, 1e-3, rng, scheme);
    CHECK(bitwise_equal(run(m2, start(2, M, 3.0), 1, 20), run(m2, start(2, M, 3.0), 2, 20)));
    const EnsembleLangevin<Quadratic> m3(Quadratic::isotropic(3, 1.0), 0.5, 0.01, rng, scheme);
    CHECK(bitwise_equal(run(m3, start(3, M, 1.0), 1, 15), run(m3, start(3, M, 1.0), 2, 15)));
  }
}

TEST_CASE("ensemble EM particle p follows the single-trajectory EM stepper with the same noise (d = 2)") {
  const CounterRng rng(77);
  const Quadratic q = Quadratic::diagonal((Vec(2) << 1.0, 3.0).finished());
  const double T = 0.3, dt = 0.02;
  const Ensemble x = run(EnsembleLangevin<Quadratic>(q, T, dt, rng), start(2, 100, 1.0), 2, 30);
  const auto problem = langevin(q, T);
  for (Index p : {0, 41, 99}) {
    auto em = make_euler_maruyama(GaussianIncrements(rng, 2, static_cast<std::uint32_t>(p)));
    Vec y = start(2, 100, 1.0).col(p).matrix();
    for (int k = 0; k < 30; ++k) em.do_step(problem, y, k * dt, dt);
    CHECK(std::abs(y[0] - x(0, p)) < 1e-12);
    CHECK(std::abs(y[1] - x(1, p)) < 1e-12);
  }
}

TEST_CASE("generic ensemble EM (SME) is thread-count independent and matches the fused model for Langevin") {
  const CounterRng rng(8);
  const Quadratic q = Quadratic::isotropic(2, 2.0);
  const double T = 0.2, dt = 0.01;
  const EnsembleEulerMaruyama<LangevinProblem<Quadratic>> gen(langevin(q, T), dt, rng);
  const Ensemble a = run(gen, start(2, 300, 1.0), 1, 20), b = run(gen, start(2, 300, 1.0), 2, 20);
  CHECK(bitwise_equal(a, b));
  const Ensemble c = run(EnsembleLangevin<Quadratic>(q, T, dt, rng), start(2, 300, 1.0), 2, 20);
  CHECK((a - c).abs().maxCoeff() < 1e-12);
  const double eta = 0.05;
  auto s = sme(
      q, [](const Vec&) { return Mat::Identity(2, 2); }, eta);
  const EnsembleEulerMaruyama<decltype(s)> ms(s, dt, rng);
  CHECK(bitwise_equal(run(ms, start(2, 300, 1.0), 1, 10), run(ms, start(2, 300, 1.0), 2, 10)));
}
