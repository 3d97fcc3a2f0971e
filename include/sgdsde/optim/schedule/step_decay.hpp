#pragma once
// Step decay: η_k = η₀ γ^{⌊k / step_size⌋}.
#include <cmath>
#include <string_view>

namespace sgdsde {

struct StepDecayLr {
  static constexpr std::string_view config_name = "step";
  double eta0 = 0.1;
  double gamma = 0.1;     ///< factor applied every step_size steps
  long step_size = 1000;  ///< ≥ 1
  [[nodiscard]] double operator()(long k) const {
    return eta0 * std::pow(gamma, static_cast<double>(k / step_size));
  }
};

}  // namespace sgdsde
