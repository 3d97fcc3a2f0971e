// Each schedule against its formula at chosen steps (values worked out by hand), and the SDE time.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "sgdsde/optim/schedule/schedules.hpp"

using namespace sgdsde;

TEST_CASE("constant") {
  const ConstantLr s{.eta = 0.05};
  static_assert(Schedule<ConstantLr>);
  CHECK(s(0) == 0.05);
  CHECK(s(12345) == 0.05);
  CHECK(sde_time(s, 1000) == 1000 * 0.05);
}

TEST_CASE("step decay") {
  const StepDecayLr s{.eta0 = 0.1, .gamma = 0.5, .step_size = 10};
  CHECK(s(0) == doctest::Approx(0.1));
  CHECK(s(9) == doctest::Approx(0.1));
  CHECK(s(10) == doctest::Approx(0.05));
  CHECK(s(25) == doctest::Approx(0.025));
  CHECK(sde_time(s, 25) == doctest::Approx(10 * 0.1 + 10 * 0.05 + 5 * 0.025).epsilon(1e-15));
}

TEST_CASE("inverse time") {
  const InverseTimeLr s{.eta0 = 0.1, .t0 = 100.0};
  CHECK(s(0) == doctest::Approx(0.1));
  CHECK(s(100) == doctest::Approx(0.05));
  CHECK(s(300) == doctest::Approx(0.025));
  const InverseTimeLr r{.eta0 = 0.1, .t0 = 100.0, .power = 0.5};
  CHECK(r(300) == doctest::Approx(0.05));
}

TEST_CASE("cosine with warm restarts") {
  const CosineWarmRestartsLr s{.eta_min = 0.01, .eta_max = 0.1, .t0 = 10, .t_mult = 2};
  CHECK(s(0) == doctest::Approx(0.1));
  CHECK(s(5) == doctest::Approx(0.055));   // half a cycle: the middle value
  CHECK(s(10) == doctest::Approx(0.1));    // restart
  CHECK(s(20) == doctest::Approx(0.055));  // middle of the second cycle (length 20)
  CHECK(s(30) == doctest::Approx(0.1));    // third cycle
  CHECK(s(9) == doctest::Approx(0.01 + 0.045 * (1.0 + std::cos(0.9 * std::numbers::pi))));
  const CosineWarmRestartsLr d{.eta_min = 0.0, .eta_max = 0.1, .t0 = 10, .t_mult = 2, .max_decay = 0.5};
  CHECK(d(30) == doctest::Approx(0.025));
}

TEST_CASE("linear warm-up then decay") {
  const WarmupLinearLr s{.eta_peak = 0.1, .eta_end = 0.0, .warmup = 10, .total = 110};
  CHECK(s(0) == doctest::Approx(0.01));
  CHECK(s(9) == doctest::Approx(0.1));
  CHECK(s(10) == doctest::Approx(0.1));
  CHECK(s(60) == doctest::Approx(0.05));
  CHECK(s(110) == 0.0);
  CHECK(s(500) == 0.0);
}

TEST_CASE("Transformer schedule") {
  const TransformerLr s{.d_model = 512.0, .warmup = 4000};
  // Peak at step s = 4000 (k = 3999): 1/sqrt(512 · 4000).
  CHECK(s(3999) == doctest::Approx(1.0 / std::sqrt(2048000.0)));
  CHECK(s(0) == doctest::Approx(1.0 / std::sqrt(512.0) / std::pow(4000.0, 1.5)));
  CHECK(s(15999) == doctest::Approx(1.0 / std::sqrt(512.0 * 16000.0)));
  CHECK(s(1999) < s(3999));
  CHECK(s(5999) < s(3999));
}

TEST_CASE("triangular cyclic") {
  const TriangularLr s{.eta_base = 0.001, .eta_max = 0.011, .step_size = 5};
  CHECK(s(0) == doctest::Approx(0.001));
  CHECK(s(2) == doctest::Approx(0.005));
  CHECK(s(5) == doctest::Approx(0.011));
  CHECK(s(7) == doctest::Approx(0.007));
  CHECK(s(10) == doctest::Approx(0.001));
  CHECK(s(15) == doctest::Approx(0.011));
}

TEST_CASE("SDE time: sums of the learning rates, precomputed clock agrees") {
  const CosineWarmRestartsLr s{.eta_min = 0.01, .eta_max = 0.1, .t0 = 10, .t_mult = 2};
  double naive = 0.0;
  for (long j = 0; j < 70; ++j) naive += s(j);
  CHECK(sde_time(s, 70) == doctest::Approx(naive).epsilon(1e-14));
  CHECK(sde_time(s, 0) == 0.0);
  const ScheduleClock clock(s, 100);
  CHECK(clock.time(70) == doctest::Approx(naive).epsilon(1e-14));
  CHECK(clock.time(0) == 0.0);
  CHECK_THROWS_AS((void)clock.time(101), InputError);
  // Ten full cycles of 10 steps average to (η_max + η_min)/2 per step (up to the discretisation).
  const CosineWarmRestartsLr c{.eta_min = 0.0, .eta_max = 0.1, .t0 = 1000, .t_mult = 1};
  CHECK(sde_time(c, 10000) == doctest::Approx(10000 * 0.05).epsilon(1e-3));
}
