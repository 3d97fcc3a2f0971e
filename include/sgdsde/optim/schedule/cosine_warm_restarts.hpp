#pragma once
// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2016; seed 004):
//   η_k = η_min + ½ (η_max^i − η_min)(1 + cos(π T_cur / T_i)),
// cycle i of length T_i = T₀ · T_mult^i steps (T_mult a positive integer), T_cur the steps done in
// the cycle, η_max^i = η_max · max_decay^i (max_decay = 1: every restart at η_max).
#include <cmath>
#include <numbers>
#include <string_view>

namespace sgdsde {

struct CosineWarmRestartsLr {
  static constexpr std::string_view config_name = "cosine_restarts";
  double eta_min = 0.0;
  double eta_max = 0.1;
  long t0 = 1000;   ///< length of the first cycle, ≥ 1
  long t_mult = 1;  ///< cycle length multiplier, ≥ 1
  double max_decay = 1.0;

  [[nodiscard]] double operator()(long k) const {
    long start = 0, len = t0, cycle = 0;
    while (k >= start + len) {
      start += len;
      len *= t_mult;
      ++cycle;
    }
    const double frac = static_cast<double>(k - start) / static_cast<double>(len);
    const double top = eta_max * std::pow(max_decay, static_cast<double>(cycle));
    return eta_min + 0.5 * (top - eta_min) * (1.0 + std::cos(std::numbers::pi * frac));
  }
};

}  // namespace sgdsde
