#pragma once
// Adam with bias correction (Kingma & Ba 2015), seed 003's "combo momentum + RMSProp":
//   v ← β₁ v + (1 − β₁) g,   m ← β₂ m + (1 − β₂) g²,
//   v̂ = v / (1 − β₁ᵗ),  m̂ = m / (1 − β₂ᵗ)   (t = 1, 2, …),
//   θ ← θ − η v̂ / (√m̂ + ε).
// Defaults β₁ = 0.9, β₂ = 0.999 (PyTorch; seed 003 quotes β₂ = 0.99). weight_decay is coupled L2
// (Adam's, not AdamW's decoupled decay).
#include <array>
#include <cmath>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct Adam {
  static constexpr std::string_view config_name = "adam";
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;

  SGDSDE_COORDINATEWISE_OPTIMIZER(2)
  void update(double& x, double g, std::array<double, 2>& s, double lr, long t) const {
    g += weight_decay * x;
    s[0] = beta1 * s[0] + (1.0 - beta1) * g;
    s[1] = beta2 * s[1] + (1.0 - beta2) * g * g;
    const double td = static_cast<double>(t);
    const double v_hat = s[0] / (1.0 - std::pow(beta1, td));
    const double m_hat = s[1] / (1.0 - std::pow(beta2, td));
    x -= lr * v_hat / (std::sqrt(m_hat) + eps);
  }
};

}  // namespace sgdsde
