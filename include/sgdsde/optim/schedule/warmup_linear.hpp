#pragma once
// Linear warm-up then linear decay (the usual LLM schedule, seed 004):
//   η_k = η_peak (k+1)/w                          for k < w,
//   η_k = η_peak + (η_end − η_peak)(k − w)/(K − w)  for w ≤ k < K,   η_end afterwards.
// (k+1 so that the first step does not have η = 0, as in common implementations that count from 1.)
#include <string_view>

namespace sgdsde {

struct WarmupLinearLr {
  static constexpr std::string_view config_name = "warmup_linear";
  double eta_peak = 0.1;
  double eta_end = 0.0;
  long warmup = 100;  ///< w ≥ 0
  long total = 1000;  ///< K > w
  [[nodiscard]] double operator()(long k) const {
    if (k < warmup) return eta_peak * static_cast<double>(k + 1) / static_cast<double>(warmup);
    if (k >= total) return eta_end;
    return eta_peak +
           (eta_end - eta_peak) * static_cast<double>(k - warmup) / static_cast<double>(total - warmup);
  }
};

}  // namespace sgdsde
