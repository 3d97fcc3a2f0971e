#pragma once
// Triangular cyclical learning rate (Smith 2017; seed 004):
//   cycle = ⌊1 + k / (2 s)⌋,  x = |k / s − 2 cycle + 1|,  η_k = η_base + (η_max − η_base) max(0, 1 − x),
// i.e. from η_base up to η_max in s steps and back in s steps.
#include <algorithm>
#include <cmath>
#include <string_view>

namespace sgdsde {

struct TriangularLr {
  static constexpr std::string_view config_name = "triangular";
  double eta_base = 0.001;
  double eta_max = 0.01;
  long step_size = 500;  ///< s: half a cycle, ≥ 1
  [[nodiscard]] double operator()(long k) const {
    const long cycle = 1 + k / (2 * step_size);
    const double x = std::abs(static_cast<double>(k) / static_cast<double>(step_size) -
                              2.0 * static_cast<double>(cycle) + 1.0);
    return eta_base + (eta_max - eta_base) * std::max(0.0, 1.0 - x);
  }
};

}  // namespace sgdsde
