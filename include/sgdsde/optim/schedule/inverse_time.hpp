#pragma once
// Inverse time decay (seed 004, THEORY §7): η_k = η₀ / (1 + k / t₀). Σ η = ∞ but Σ η² < ∞ only
// for powers above ½; with power p: η_k = η₀ / (1 + k/t₀)^p (p = 1 by default; Robbins–Monro for ½ < p ≤ 1).
#include <cmath>
#include <string_view>

namespace sgdsde {

struct InverseTimeLr {
  static constexpr std::string_view config_name = "inverse_time";
  double eta0 = 0.1;
  double t0 = 100.0;
  double power = 1.0;
  [[nodiscard]] double operator()(long k) const {
    const double r = 1.0 + static_cast<double>(k) / t0;
    return power == 1.0 ? eta0 / r : eta0 / std::pow(r, power);
  }
};

}  // namespace sgdsde
