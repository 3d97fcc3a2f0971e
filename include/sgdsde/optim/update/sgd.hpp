#pragma once
// Plain (minibatch) SGD, seed 003: θ ← θ − η g.
#include <array>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct Sgd {
  static constexpr std::string_view config_name = "sgd";
  double weight_decay = 0.0;  ///< L2: g ← g + λθ

  SGDSDE_COORDINATEWISE_OPTIMIZER(0)
  void update(double& x, double g, std::array<double, 0>& /*s*/, double lr, long /*t*/) const {
    g += weight_decay * x;
    x -= lr * g;
  }
};

}  // namespace sgdsde
