#pragma once
// Stationary densities as theory references for histograms (THEORY §2, §3):
//   Gibbs (isotropic Langevin):          p_∞ ∝ exp(−L/T)
//   1-D, state-dependent D(θ) > 0:       p_∞ ∝ exp(−Φ)/D,  Φ(θ) = ∫^θ L'(s)/D(s) ds
// All are computed in logarithms and normalised with the maximum subtracted (log-sum-exp), so
// tiny T does not underflow to an all-zero vector. The *_bin_probabilities functions integrate
// the density over each bin with a Gauss–Legendre rule (tensor rule in 2-D) and normalise over
// the whole range, ready for the distances of stats/distances.hpp against
// Histogram*::probabilities_in_range().
#include <cmath>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/histogram.hpp"
#include "sgdsde/stats/theory/quadrature.hpp"

namespace sgdsde::theory {

namespace detail {
/// exp(v − logsumexp(v)): weights summing to 1.
inline Vec normalise_logs(const Vec& logs) {
  LogSumExp s;
  for (Index i = 0; i < logs.size(); ++i) s.add(logs[i]);
  const double z = s.value();
  require(std::isfinite(z), "normalise_logs: all weights are zero or non-finite");
  return (logs.array() - z).exp().matrix();
}
}  // namespace detail

/// Gibbs density on grid points from the values L_i there: Σ p_i · cell_volume = 1.
inline Vec gibbs_density_on_grid(const Vec& L_values, double T, double cell_volume) {
  require(T > 0.0 && cell_volume > 0.0, "gibbs_density_on_grid: need T > 0 and cell_volume > 0");
  return detail::normalise_logs(-L_values / T) / cell_volume;
}

/// Gibbs bin probabilities of `bins` uniform bins on [lo, hi] (L: double(double)).
template <class Loss>
Vec gibbs_bin_probabilities_1d(const Loss& L, double lo, double hi, Index bins, double T, int order = 8) {
  require(T > 0.0 && bins >= 1 && hi > lo, "gibbs_bin_probabilities_1d: need T > 0, bins ≥ 1, lo < hi");
  const GaussLegendre rule(order);
  const double h = (hi - lo) / static_cast<double>(bins);
  Vec logs(bins);
  for (Index i = 0; i < bins; ++i) {
    LogSumExp s;
    const double x0 = lo + h * static_cast<double>(i);
    for (int j = 0; j < rule.size(); ++j)
      s.add(-L(x0 + h * rule.x[static_cast<std::size_t>(j)]) / T +
            std::log(rule.w[static_cast<std::size_t>(j)]));
    logs[i] = s.value();
  }
  return detail::normalise_logs(logs);
}
template <class Loss>
Vec gibbs_bin_probabilities_1d(const Loss& L, const stats::Histogram1D& geometry, double T, int order = 8) {
  return gibbs_bin_probabilities_1d(L, geometry.lo(), geometry.hi(), geometry.bins(), T, order);
}

/// Gibbs cell probabilities on a 2-D grid, flat index ix·ny + iy (L: double(double x, double y)).
template <class Loss>
Vec gibbs_bin_probabilities_2d(const Loss& L, const stats::Histogram2D& g, double T, int order = 6) {
  require(T > 0.0, "gibbs_bin_probabilities_2d: need T > 0");
  const GaussLegendre rule(order);
  const double hx = g.width_x(), hy = g.width_y();
  Vec logs(g.size());
  for (Index ix = 0; ix < g.nx(); ++ix)
    for (Index iy = 0; iy < g.ny(); ++iy) {
      LogSumExp s;
      const double x0 = g.xlo() + hx * static_cast<double>(ix), y0 = g.ylo() + hy * static_cast<double>(iy);
      for (int a = 0; a < rule.size(); ++a)
        for (int b = 0; b < rule.size(); ++b)
          s.add(-L(x0 + hx * rule.x[static_cast<std::size_t>(a)],
                   y0 + hy * rule.x[static_cast<std::size_t>(b)]) /
                    T +
                std::log(rule.w[static_cast<std::size_t>(a)] * rule.w[static_cast<std::size_t>(b)]));
      logs[ix * g.ny() + iy] = s.value();
    }
  return detail::normalise_logs(logs);
}

/// ΔΦ = Φ(b) − Φ(a) = ∫_a^b L'/D (composite Simpson, 4000 intervals): the exact exponent of escape
/// over a barrier with state-dependent D (stats/theory/xie_escape.hpp compares it with ΔL/D(m)).
template <class LPrime, class Diff>
double potential_difference(const LPrime& lp, const Diff& D, double a, double b) {
  const int n = 4000;
  const double h = (b - a) / n;
  double s = lp(a) / D(a) + lp(b) / D(b);
  for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * lp(a + k * h) / D(a + k * h);
  return s * h / 3.0;
}

/// Bin probabilities of p_∞ ∝ exp(−Φ)/D (L', D: double(double), D > 0) on `bins` bins of [lo, hi].
template <class LPrime, class Diff>
Vec stationary_bin_probabilities_1d(const LPrime& lp, const Diff& D, double lo, double hi, Index bins,
                                    int order = 8) {
  require(bins >= 1 && hi > lo, "stationary_bin_probabilities_1d: need bins ≥ 1, lo < hi");
  const GaussLegendre rule(order);
  const PotentialIntegral<const LPrime&, const Diff&> phi(lp, D, lo, hi, bins, rule);
  Vec logs(bins);
  for (Index i = 0; i < bins; ++i) {
    LogSumExp s;
    const double x0 = phi.node(i), h = phi.node(i + 1) - x0;
    for (int j = 0; j < rule.size(); ++j) {
      const double x = x0 + h * rule.x[static_cast<std::size_t>(j)];
      s.add(-phi.at(x, i) - std::log(D(x)) + std::log(rule.w[static_cast<std::size_t>(j)]));
    }
    logs[i] = s.value();
  }
  return detail::normalise_logs(logs);
}

/// The density p_∞ = exp(−Φ)/(D Z) at the points x (sorted, inside [lo, hi]), Z = ∫_lo^hi exp(−Φ)/D.
template <class LPrime, class Diff>
Vec stationary_density_1d(const LPrime& lp, const Diff& D, double lo, double hi, const Vec& x,
                          Index panels = 512, int order = 8) {
  require(hi > lo, "stationary_density_1d: need lo < hi");
  const GaussLegendre rule(order);
  const PotentialIntegral<const LPrime&, const Diff&> phi(lp, D, lo, hi, panels, rule);
  LogSumExp z;
  for (Index i = 0; i < panels; ++i) {
    const double x0 = phi.node(i), h = phi.node(i + 1) - x0;
    for (int j = 0; j < rule.size(); ++j) {
      const double y = x0 + h * rule.x[static_cast<std::size_t>(j)];
      z.add(-phi.at(y, i) - std::log(D(y)) + std::log(rule.w[static_cast<std::size_t>(j)] * h));
    }
  }
  Vec p(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    require(x[i] >= lo && x[i] <= hi, "stationary_density_1d: point outside [lo, hi]");
    p[i] = std::exp(-phi(x[i]) - std::log(D(x[i])) - z.value());
  }
  return p;
}

}  // namespace sgdsde::theory
