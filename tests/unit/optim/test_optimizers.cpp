// Each optimizer against a three-step trace computed by hand (the rule written out independently,
// in exact decimal arithmetic where possible) on L = ½(2θ₁² + 0.5θ₂²) from θ₀ = (1, −2), η = 0.1.
#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "sgdsde/optim/update/optimizers.hpp"

using namespace sgdsde;

namespace {

using Trace3 = std::array<std::array<double, 2>, 3>;

template <Optimizer O>
void check_trace(const O& o, const Trace3& expected) {
  Vec x(2);
  x << 1.0, -2.0;
  auto state = o.make_state(2);
  Vec g(2);
  for (std::size_t t = 0; t < 3; ++t) {
    g << 2.0 * x[0], 0.5 * x[1];
    o.apply(state, x, g, 0.1);
    CHECK(x[0] == doctest::Approx(expected[t][0]).epsilon(1e-13));
    CHECK(x[1] == doctest::Approx(expected[t][1]).epsilon(1e-13));
  }
  CHECK(state.t == 3);
}

}  // namespace

TEST_CASE("SGD: x - eta g (and L2 weight decay)") {
  // 1 − 0.1·2 = 0.8, 0.8 − 0.16 = 0.64, 0.512;  −2 + 0.1 = −1.9, −1.805, −1.71475.
  check_trace(Sgd{}, {{{0.8, -1.9}, {0.64, -1.805}, {0.512, -1.71475}}});
  // λ = 0.1: g₁ = 2.1 θ₁, g₂ = 0.6 θ₂.
  check_trace(Sgd{.weight_decay = 0.1}, {{{0.79, -1.88}, {0.6241, -1.7672}, {0.493039, -1.661168}}});
}

TEST_CASE("heavy-ball momentum: v = rho v + g, x -= eta v") {
  // v = 2 → 0.8; v = 1.8 + 1.6 = 3.4 → 0.46; v = 3.06 + 0.92 = 3.98 → 0.062.
  check_trace(Momentum{.rho = 0.9}, {{{0.8, -1.9}, {0.46, -1.715}, {0.062, -1.46275}}});
}

TEST_CASE("Nesterov: v = rho v + g, x -= eta (g + rho v)") {
  // v = 2, step 2 + 1.8 = 3.8 → 0.62; g = 1.24, v = 3.04, step 1.24 + 2.736 = 3.976 → 0.2224; …
  check_trace(Nesterov{.rho = 0.9}, {{{0.62, -1.81}, {0.2224, -1.55705}, {-0.108352, -1.26292525}}});
}

TEST_CASE("AdaGrad: G += g^2, x -= eta g / (sqrt(G) + eps)") {
  check_trace(AdaGrad{.eps = 1e-10}, {{{0.90000000000500002, -1.9000000000099999},
                                       {0.83310352684503586, -1.8311250538233335},
                                       {0.78045618135680983, -1.7758215150265098}}});
}

TEST_CASE("RMSProp: m = gamma m + (1 - gamma) g^2, x -= eta g / (sqrt(m) + eps)") {
  // Step 1: m = 0.1·4 = 0.4, x = 1 − 0.2/√0.4 = 1 − 0.316227766 = 0.683772234.
  check_trace(RmsProp{.gamma = 0.9, .eps = 1e-8}, {{{0.68377223898316197, -1.6837722439831617},
                                                    {0.49887061350705397, -1.4738753280342995},
                                                    {0.36918056029155966, -1.3087178843167739}}});
}

TEST_CASE("Adam with bias correction") {
  // Step 1: v̂ = g, m̂ = g² ⇒ x −= η g/(|g| + ε) = 0.1 (up to ε).
  check_trace(Adam{.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8},
              {{{0.90000000049999995, -1.900000001},
                {0.80041222869179285, -1.8001664876318761},
                {0.70158627294603026, -1.7006233943434113}}});
  check_trace(Adam{.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01},
              {{{0.90000000049751239, -1.9000000009803921},
                {0.80041222868671547, -1.8001664875922376},
                {0.70158627293827713, -1.7006233942833604}}});
}

TEST_CASE("state is per run: a fresh state restarts the trace") {
  const Adam a{};
  Vec x = Vec::Ones(3), g = Vec::Constant(3, 0.5);
  auto s1 = a.make_state(3);
  a.apply(s1, x, g, 0.01);
  Vec y = Vec::Ones(3);
  auto s2 = a.make_state(3);
  a.apply(s2, y, g, 0.01);
  CHECK((x - y).norm() == 0.0);
  CHECK_THROWS_AS(a.apply(s1, x, Vec::Ones(2), 0.01), InputError);
}
