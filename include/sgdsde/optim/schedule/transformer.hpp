#pragma once
// The Transformer schedule (Vaswani et al. 2017; seed 004): linear warm-up then inverse square root,
//   η_k = scale · d_model^{−½} · min(s^{−½}, s · w^{−3/2}),   s = k + 1 (the paper counts steps from 1).
// Peak at s = w: scale / sqrt(d_model · w).
#include <algorithm>
#include <cmath>
#include <string_view>

namespace sgdsde {

struct TransformerLr {
  static constexpr std::string_view config_name = "transformer";
  double d_model = 512.0;
  long warmup = 4000;
  double scale = 1.0;
  [[nodiscard]] double operator()(long k) const {
    const double s = static_cast<double>(k + 1), w = static_cast<double>(warmup);
    return scale / std::sqrt(d_model) * std::min(1.0 / std::sqrt(s), s * std::pow(w, -1.5));
  }
};

}  // namespace sgdsde
