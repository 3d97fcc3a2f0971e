#pragma once
// Nesterov momentum in PyTorch's form (Sutskever et al. 2013, rewritten at the look-ahead point):
//   v ← ρ v + g,   θ ← θ − η (g + ρ v).
#include <array>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct Nesterov {
  static constexpr std::string_view config_name = "nesterov";
  double rho = 0.9;
  double weight_decay = 0.0;

  SGDSDE_COORDINATEWISE_OPTIMIZER(1)
  void update(double& x, double g, std::array<double, 1>& s, double lr, long /*t*/) const {
    g += weight_decay * x;
    s[0] = rho * s[0] + g;
    x -= lr * (g + rho * s[0]);
  }
};

}  // namespace sgdsde
