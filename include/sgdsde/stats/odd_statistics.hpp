#pragma once
// Three statistics of a 1-D law that skewed noise moves and a symmetric one does not: the mean, the
// third central moment E[(θ − E θ)³] and the mass below a split point (e.g. the left well of a
// symmetric double well). Of a sample (with standard errors: σ/√n, the delta method for the third
// central moment, binomial for the mass), of cell masses, and the first-order change of them under
// a density change δp around p₀ (stats/theory/third_cumulant.hpp).
#include <algorithm>
#include <cmath>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

struct OddStatistics {
  double mean = 0, third_central = 0, lower_mass = 0;
};

/// Of the finite entries of row `row` of a d × M ensemble; `se` receives the standard errors.
/// Third central moment μ₃ = m₃ − 3 m₁ m₂ + 2 m₁³ (raw moments); its influence function
/// (x − μ)³ − μ₃ − 3 σ² (x − μ) gives se = sqrt(Var[influence] / n).
inline OddStatistics odd_statistics_of_sample(const Ensemble& x, double split, OddStatistics& se,
                                              Index row = 0) {
  double n = 0, s1 = 0, below = 0;
  for (Index p = 0; p < x.cols(); ++p)
    if (std::isfinite(x(row, p))) {
      n += 1.0;
      s1 += x(row, p);
      below += x(row, p) < split ? 1.0 : 0.0;
    }
  require(n >= 2.0, "odd_statistics_of_sample: need at least two finite samples");
  const double m = s1 / n;
  double c2 = 0, c3 = 0, c4 = 0, c6 = 0;
  for (Index p = 0; p < x.cols(); ++p)
    if (std::isfinite(x(row, p))) {
      const double d = x(row, p) - m, d2 = d * d;
      c2 += d2, c3 += d2 * d, c4 += d2 * d2, c6 += d2 * d2 * d2;
    }
  c2 /= n, c3 /= n, c4 /= n, c6 /= n;
  OddStatistics v{m, c3, below / n};
  // Var[(x−μ)³ − 3σ²(x−μ)] = μ₆ − 6σ²μ₄ + 9σ⁶ (the constant μ₃ does not change the variance) − μ₃².
  const double var3 = c6 - 6.0 * c2 * c4 + 9.0 * c2 * c2 * c2 - c3 * c3;
  se = {std::sqrt(c2 / n), std::sqrt(std::max(var3, 0.0) / n),
        std::sqrt(v.lower_mass * (1 - v.lower_mass) / n)};
  return v;
}

/// Of cell masses (n cells of width h from lo; normalised here), the mass in the cell holding
/// `split` shared in proportion to the part of the cell below it.
inline OddStatistics odd_statistics_of_cells(const Vec& cells, double lo, double h, double split) {
  const double tot = cells.sum();
  require(tot > 0.0 && h > 0.0, "odd_statistics_of_cells: need positive mass and cell width");
  double m = 0, below = 0;
  for (Index i = 0; i < cells.size(); ++i) {
    const double a = lo + static_cast<double>(i) * h, x = a + 0.5 * h;
    m += cells[i] * x;
    below += cells[i] * std::clamp((split - a) / h, 0.0, 1.0);
  }
  m /= tot;
  double c3 = 0;
  for (Index i = 0; i < cells.size(); ++i)
    c3 += cells[i] * std::pow(lo + (static_cast<double>(i) + 0.5) * h - m, 3);
  return {m, c3 / tot, below / tot};
}

/// First-order change of the statistics when the law p₀ (cell masses summing to 1) becomes p₀ + δp
/// (Σ δp = 0): δ mean = Σ x δp, δμ₃ = Σ (x − m)³ δp − 3 Var₀ δ mean, δ mass below split.
inline OddStatistics odd_statistics_change(const Vec& p0, const Vec& dp, double lo, double h, double split) {
  require(p0.size() == dp.size(), "odd_statistics_change: p0 and dp differ in size");
  const OddStatistics s0 = odd_statistics_of_cells(p0, lo, h, split);
  double dm = 0, var = 0, d3 = 0, dl = 0;
  for (Index i = 0; i < p0.size(); ++i) {
    const double a = lo + static_cast<double>(i) * h, x = a + 0.5 * h, c = x - s0.mean;
    dm += x * dp[i];
    var += c * c * p0[i];
    d3 += c * c * c * dp[i];
    dl += dp[i] * std::clamp((split - a) / h, 0.0, 1.0);
  }
  var /= p0.sum();
  return {dm, d3 - 3.0 * var * dm, dl};
}

}  // namespace sgdsde::stats
