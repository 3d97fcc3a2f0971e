#pragma once
// RMSProp (Tieleman & Hinton 2012), seed 003's "AdaGrad amélioré" with decay γ:
//   m ← γ m + (1 − γ) g²,   θ ← θ − η g / (√m + ε)      (PyTorch: alpha = γ, default 0.99).
#include <array>
#include <cmath>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct RmsProp {
  static constexpr std::string_view config_name = "rmsprop";
  double gamma = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;

  SGDSDE_COORDINATEWISE_OPTIMIZER(1)
  void update(double& x, double g, std::array<double, 1>& s, double lr, long /*t*/) const {
    g += weight_decay * x;
    s[0] = gamma * s[0] + (1.0 - gamma) * g * g;
    x -= lr * g / (std::sqrt(s[0]) + eps);
  }
};

}  // namespace sgdsde
