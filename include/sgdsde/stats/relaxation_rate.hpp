#pragma once
// The rate at which an occupation curve m(t) approaches its final value, from two times:
// λ = ln((m_end − m(t₁))/(m_end − m(t₂))) / (t₂ − t₁) — for a two-state (inter-well) relaxation the
// slow mode's rate; for the Fokker–Planck law it tends to its second eigenvalue.
#include <algorithm>
#include <array>
#include <cmath>

#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

struct RelaxationRate {
  double value = 0;
  Vec grad = Vec::Zero(3);  ///< ∂λ/∂(m1, m2, m_end), for the delta method

  /// Standard error by the delta method from the covariance of the three estimates (m1, m2, m_end).
  [[nodiscard]] double std_error(const Mat& cov3) const {
    return std::sqrt(std::max(0.0, grad.dot(cov3 * grad)));
  }
};

inline RelaxationRate relaxation_rate(double m1, double m2, double m_end, double t1, double t2) {
  const double d1 = m_end - m1, d2 = m_end - m2, dt = t2 - t1;
  RelaxationRate r;
  r.value = std::log(d1 / d2) / dt;
  r.grad << -1.0 / (d1 * dt), 1.0 / (d2 * dt), (1.0 / d1 - 1.0 / d2) / dt;
  return r;
}

}  // namespace sgdsde::stats
