#pragma once
// Constant learning rate η_k = η; SDE time t_k = k η (exact, DESIGN.md: time is t0 + k·dt).
#include <string_view>

namespace sgdsde {

struct ConstantLr {
  static constexpr std::string_view config_name = "constant";
  double eta = 0.01;
  [[nodiscard]] double operator()(long /*k*/) const { return eta; }
  [[nodiscard]] double sde_time(long k) const { return static_cast<double>(k) * eta; }
};

}  // namespace sgdsde
