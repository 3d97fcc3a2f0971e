#pragma once
// The Schedule concept (DESIGN.md): a pure function k ↦ η_k (k = 0, 1, … the step index), and the
// SDE time of step k, t_k = Σ_{j<k} η_j (THEORY §2: time of SGD is the sum of its learning rates).
//  - sde_time(s, k): closed form when the schedule has one (member sde_time(k)), else a
//    compensated (Neumaier) sum, O(k);
//  - ScheduleClock: prefix sums of a run precomputed once, then time(k) in O(1).
#include <cmath>
#include <concepts>
#include <vector>

#include "sgdsde/core/errors.hpp"

namespace sgdsde {

template <class S>
concept Schedule = requires(const S& s, long k) {
  { s(k) } -> std::convertible_to<double>;
};

namespace detail {
/// Neumaier's compensated sum of η_j for j in [from, to).
template <Schedule S>
double compensated_sum(const S& s, long from, long to) {
  double sum = 0.0, c = 0.0;
  for (long j = from; j < to; ++j) {
    const double v = s(j);
    const double t = sum + v;
    c += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + c;
}
}  // namespace detail

/// t_k = Σ_{j<k} η_j.
template <Schedule S>
double sde_time(const S& s, long k) {
  require(k >= 0, "sde_time: the step must be >= 0");
  if constexpr (requires {
                  { s.sde_time(k) } -> std::convertible_to<double>;
                }) {
    return s.sde_time(k);
  } else {
    return detail::compensated_sum(s, 0, k);
  }
}

/// The SDE times t_0 … t_n of a run of n steps, precomputed (compensated prefix sums).
class ScheduleClock {
 public:
  ScheduleClock() = default;
  template <Schedule S>
  ScheduleClock(const S& s, long n_steps) {
    require(n_steps >= 0, "schedule clock: the number of steps must be >= 0");
    t_.resize(static_cast<std::size_t>(n_steps) + 1);
    double sum = 0.0, c = 0.0;
    t_[0] = 0.0;
    for (long j = 0; j < n_steps; ++j) {
      const double v = s(j);
      const double t = sum + v;
      c += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
      sum = t;
      t_[static_cast<std::size_t>(j) + 1] = sum + c;
    }
  }
  [[nodiscard]] long n_steps() const { return static_cast<long>(t_.size()) - 1; }
  [[nodiscard]] double time(long k) const {
    require(k >= 0 && k <= n_steps(), "schedule clock: step outside the precomputed range");
    return t_[static_cast<std::size_t>(k)];
  }

 private:
  std::vector<double> t_;
};

}  // namespace sgdsde
