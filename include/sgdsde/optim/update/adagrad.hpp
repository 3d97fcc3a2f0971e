#pragma once
// AdaGrad (Duchi, Hazan, Singer 2011), ε outside the root as in seed 003 and PyTorch:
//   G ← G + g²,   θ ← θ − η g / (√G + ε).
// (The transcription of seed 003 shows m ← m + |dE| and η/(m + ε): the square and the root were
// lost in the transcription; this is the rule of the slides' source and of every library.)
#include <array>
#include <cmath>
#include <string_view>

#include "sgdsde/optim/update/optimizer.hpp"

namespace sgdsde {

struct AdaGrad {
  static constexpr std::string_view config_name = "adagrad";
  double eps = 1e-10;
  double weight_decay = 0.0;

  SGDSDE_COORDINATEWISE_OPTIMIZER(1)
  void update(double& x, double g, std::array<double, 1>& s, double lr, long /*t*/) const {
    g += weight_decay * x;
    s[0] += g * g;
    x -= lr * g / (std::sqrt(s[0]) + eps);
  }
};

}  // namespace sgdsde
