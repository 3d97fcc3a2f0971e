#pragma once
// Quadrature building blocks of the theory predictions: Gauss–Legendre rules, a log-sum-exp
// accumulator (sums of exponentials without overflow), and the generalised potential
// Φ(x) = ∫_{x0}^x L'(s)/D(s) ds (THEORY §3, §5) on a uniform panel grid, evaluated anywhere by
// panel-wise Gauss–Legendre (spectrally accurate for smooth L', D once the panels resolve them).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::theory {

/// n-point Gauss–Legendre rule mapped to [0, 1] (nodes increasing, weights summing to 1).
struct GaussLegendre {
  std::vector<double> x, w;
  explicit GaussLegendre(int n) : x(static_cast<std::size_t>(n)), w(static_cast<std::size_t>(n)) {
    require(n >= 1 && n <= 64, "GaussLegendre: 1 ≤ n ≤ 64");
    for (int i = 0; i < n; ++i) {
      // Newton on P_n from the Chebyshev-like initial guess, on [−1, 1]
      double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5)), dp = 0.0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1.0, p1 = z;
        for (int k = 2; k <= n; ++k) {
          const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1.0);
        const double dz = p1 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-16) break;
      }
      double p0 = 1.0, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1.0);
      const auto j = static_cast<std::size_t>(n - 1 - i);  // increasing order
      x[j] = 0.5 * (z + 1.0);
      w[j] = 1.0 / ((1.0 - z * z) * dp * dp);  // = ½ · 2/((1−z²)P'²)
    }
  }
  [[nodiscard]] int size() const { return static_cast<int>(x.size()); }
  /// ∫_a^b f by this rule.
  template <class F>
  [[nodiscard]] double integrate(F&& f, double a, double b) const {
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) s += w[i] * f(a + (b - a) * x[i]);
    return s * (b - a);
  }
};

/// Accumulates log Σ exp(v_i) stably.
class LogSumExp {
 public:
  void add(double log_value) {
    if (log_value == -std::numeric_limits<double>::infinity()) return;
    if (log_value <= max_) {
      sum_ += std::exp(log_value - max_);
    } else {
      sum_ = sum_ * std::exp(max_ - log_value) + 1.0;
      max_ = log_value;
    }
  }
  void add(const LogSumExp& o) {
    if (o.sum_ > 0) add(o.value());
  }
  /// log Σ exp(v_i) (−inf if nothing was added).
  [[nodiscard]] double value() const {
    return sum_ > 0 ? max_ + std::log(sum_) : -std::numeric_limits<double>::infinity();
  }

 private:
  double max_ = -std::numeric_limits<double>::infinity(), sum_ = 0.0;
};

/// Φ(x) = ∫_{x0}^x L'(s)/D(s) ds on [x0, x1] split in `panels` equal panels; the values at the
/// panel edges are accumulated panel by panel with the Gauss–Legendre rule `rule`, and Φ(x)
/// inside panel k is Φ(x_k) + the same rule on [x_k, x].
template <class LPrime, class Diff>
class PotentialIntegral {
 public:
  PotentialIntegral(LPrime lp, Diff D, double x0, double x1, Index panels, const GaussLegendre& rule)
      : lp_(lp),
        D_(D),
        x0_(x0),
        x1_(x1),
        n_(panels),
        h_((x1 - x0) / static_cast<double>(panels)),
        rule_(rule) {
    require(panels >= 1 && x1 > x0, "PotentialIntegral: need x0 < x1 and at least one panel");
    edge_.resize(static_cast<std::size_t>(panels + 1));
    edge_[0] = 0.0;
    for (Index k = 0; k < panels; ++k)
      edge_[static_cast<std::size_t>(k + 1)] =
          edge_[static_cast<std::size_t>(k)] + rule_.integrate(ratio(), node(k), node(k + 1));
  }
  [[nodiscard]] double node(Index k) const { return k == n_ ? x1_ : x0_ + h_ * static_cast<double>(k); }
  [[nodiscard]] Index panels() const { return n_; }
  [[nodiscard]] double h() const { return h_; }
  [[nodiscard]] double at_node(Index k) const { return edge_[static_cast<std::size_t>(k)]; }
  /// Panel containing x (clamped to the grid).
  [[nodiscard]] Index panel_of(double x) const {
    auto k = static_cast<Index>(std::floor((x - x0_) / h_));
    return std::clamp<Index>(k, 0, n_ - 1);
  }
  /// Φ(x) for x in panel k.
  [[nodiscard]] double at(double x, Index k) const {
    const double xk = node(k);
    if (x == xk) return at_node(k);
    return at_node(k) + rule_.integrate(ratio(), xk, x);
  }
  [[nodiscard]] double operator()(double x) const { return at(x, panel_of(x)); }
  [[nodiscard]] double D(double x) const { return D_(x); }

 private:
  [[nodiscard]] auto ratio() const {
    return [this](double s) { return lp_(s) / D_(s); };
  }
  LPrime lp_;
  Diff D_;
  double x0_, x1_;
  Index n_;
  double h_;
  GaussLegendre rule_;
  std::vector<double> edge_;
};

}  // namespace sgdsde::theory
