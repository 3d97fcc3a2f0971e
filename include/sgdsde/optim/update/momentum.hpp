#pragma once
// Heavy-ball momentum in the form of seed 003 (which is also PyTorch's, dampening 0):
//   v ← ρ v + g,   θ ← θ − η v.
// With a constant η this equals the other classical form (u ← ρu − ηg, θ ← θ + u, u = −ηv); with
// a schedule, η multiplies the whole velocity. For small η it behaves like SGD with learning rate
// η/(1−ρ): temperature T = ησ²/(2B(1−ρ)) (THEORY §2).
#include <array>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct Momentum {
  static constexpr std::string_view config_name = "momentum";
  double rho = 0.9;           ///< ρ ∈ [0, 1), the "friction" of seed 003
  double weight_decay = 0.0;  ///< L2: g ← g + λθ

  SGDSDE_COORDINATEWISE_OPTIMIZER(1)
  void update(double& x, double g, std::array<double, 1>& s, double lr, long /*t*/) const {
    g += weight_decay * x;
    s[0] = rho * s[0] + g;
    x -= lr * s[0];
  }
};

}  // namespace sgdsde
