#pragma once
// Overdamped Langevin dΘ = −∇L(Θ) dt + sqrt(2 T(t)) dW (THEORY §2): additive noise, G = sqrt(2T) I.
// The temperature is a constant or follows a learning-rate schedule, T(t) = η(t) σ²/(2B)
// (ScheduleTemperature). Plain gradient flow is T = 0.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/sde/problem.hpp"

namespace sgdsde {

/// A constant temperature.
struct ConstantTemperature {
  double T;
  [[nodiscard]] double operator()(double /*t*/) const { return T; }
};

/// T(t) = η(t) σ²/(2B) for a schedule lr(k) with SDE time t_k = Σ_{j<k} lr(j) (DESIGN.md):
/// η(t) = lr(k) on [t_k, t_{k+1}). Tabulated for k < n_steps (held constant after).
class ScheduleTemperature {
 public:
  template <class Schedule>
  ScheduleTemperature(const Schedule& lr, long n_steps, double sigma2, double B)
      : factor_(sigma2 / (2.0 * B)) {
    require(n_steps >= 1 && sigma2 >= 0.0 && B > 0.0,
            "ScheduleTemperature: need n_steps >= 1, sigma2 >= 0, B > 0");
    t_.reserve(static_cast<std::size_t>(n_steps) + 1);
    eta_.reserve(static_cast<std::size_t>(n_steps));
    double t = 0.0;
    for (long k = 0; k < n_steps; ++k) {
      t_.push_back(t);
      const double e = static_cast<double>(lr(k));
      require(e > 0.0, "ScheduleTemperature: learning rates must be positive");
      eta_.push_back(e);
      t += e;
    }
    t_.push_back(t);
  }
  [[nodiscard]] double eta(double t) const {
    const auto it = std::upper_bound(t_.begin(), t_.end() - 1, t);
    const auto k = std::max<std::ptrdiff_t>(0, (it - t_.begin()) - 1);
    return eta_[static_cast<std::size_t>(
        std::min<std::ptrdiff_t>(k, static_cast<std::ptrdiff_t>(eta_.size()) - 1))];
  }
  [[nodiscard]] double operator()(double t) const { return factor_ * eta(t); }
  /// SDE time of step k (k ≤ n_steps).
  [[nodiscard]] double time_of_step(long k) const { return t_[static_cast<std::size_t>(k)]; }

 private:
  double factor_;
  std::vector<double> t_, eta_;
};

template <Landscape L, class Temperature = ConstantTemperature>
class LangevinProblem {
 public:
  LangevinProblem(L landscape, Temperature temperature)
      : landscape_(std::move(landscape)), temperature_(std::move(temperature)) {}
  [[nodiscard]] Index dim() const { return landscape_.dim(); }
  [[nodiscard]] Index noise_dim() const { return landscape_.dim(); }
  [[nodiscard]] NoiseKind noise_kind() const { return NoiseKind::additive; }
  [[nodiscard]] double temperature(double t) const { return temperature_(t); }
  [[nodiscard]] const L& landscape() const { return landscape_; }

  void drift(const Vec& x, double /*t*/, Vec& b) const {
    landscape_.gradient(x, b);
    b = -b;
  }
  void diffusion(const Vec& /*x*/, double t, Mat& G) const {
    const double T = temperature_(t);
    require(T >= 0.0, "langevin: negative temperature");
    G = std::sqrt(2.0 * T) * Mat::Identity(dim(), dim());
  }

 private:
  L landscape_;
  Temperature temperature_;
};

/// Langevin at constant temperature T.
template <Landscape L>
LangevinProblem<L> langevin(L landscape, double T) {
  require(T >= 0.0, "langevin: T must be >= 0");
  return {std::move(landscape), ConstantTemperature{T}};
}
/// Langevin with a time-dependent temperature T(t) (e.g. a ScheduleTemperature).
template <Landscape L, class Temperature>
requires std::invocable<const Temperature&, double> LangevinProblem<L, Temperature> langevin(L landscape,
                                                                                             Temperature T) {
  return {std::move(landscape), std::move(T)};
}
/// Gradient flow dΘ = −∇L dt as an SDE with zero noise (see gradient_flow.hpp for the ODE solver).
template <Landscape L>
LangevinProblem<L> gradient_flow_problem(L landscape) {
  return {std::move(landscape), ConstantTemperature{0.0}};
}

}  // namespace sgdsde
