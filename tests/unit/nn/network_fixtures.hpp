#pragma once
// Small synthetic networks and data sets for the network tests: inputs N(0, 1), labels uniform,
// from the project's counter-based streams (so every test is deterministic).
#include <memory>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/data/dataset.hpp"
#include "sgdsde/nn/network_loss.hpp"

namespace sgdsde::test {

inline std::shared_ptr<data::Dataset> synthetic_data(Index features, Index N, int classes,
                                                     std::uint64_t seed) {
  auto d = std::make_shared<data::Dataset>();
  d->n_classes = classes;
  d->X.resize(features, N);
  d->y.resize(static_cast<std::size_t>(N));
  const CounterRng rng(seed);
  for (Index i = 0; i < N; ++i) {
    for (Index j = 0; j < features; j += 2) {
      const auto z = rng.normal_pair(static_cast<std::uint32_t>(i), 0,
                                     CounterRng::slot(Purpose::data, static_cast<std::uint32_t>(j)));
      d->X(j, i) = z[0];
      if (j + 1 < features) d->X(j + 1, i) = z[1];
    }
    const Words4 w = rng.bits(static_cast<std::uint32_t>(i), 1, CounterRng::slot(Purpose::data, 0));
    d->y[static_cast<std::size_t>(i)] =
        static_cast<std::int32_t>(CounterRng::below(w[0], static_cast<std::uint32_t>(classes)));
  }
  return d;
}

inline nn::NetworkLoss small_network(nn::Activation act, nn::OutputLoss loss, double decay = 0.1,
                                     Index N = 40, std::uint64_t seed = 7) {
  nn::Architecture a;
  a.widths = {5, 4, 3, 3};
  a.activation = act;
  a.loss = loss;
  a.weight_decay = decay;
  return nn::NetworkLoss(nn::Mlp(a), synthetic_data(5, N, 3, seed));
}

/// A generic point: Glorot weights and biases N(0, 0.3²) (zero biases would hide bias errors).
inline Vec random_theta(const nn::NetworkLoss& f, std::uint64_t seed) {
  Vec x = f.network().initial_parameters(nn::Init::glorot, seed, 0);
  const CounterRng rng(seed + 1);
  for (Index j = 0; j < x.size(); ++j)
    if (f.network().weight_mask()[j] == 0.0)
      x[j] = 0.3 * rng.normal_pair(static_cast<std::uint32_t>(j), 0, CounterRng::slot(Purpose::aux, 1))[0];
  return x;
}

}  // namespace sgdsde::test
