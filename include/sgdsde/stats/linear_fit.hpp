#pragma once
// Straight-line least squares y = a + b x with standard errors: convergence orders (slope of a
// log–log fit: fit_loglog) and Arrhenius fits (log τ against 1/T).
//
// fit_line (ordinary least squares): s² = Σ r_i²/(n − 2) is the residual variance, and
//   se_b = s / sqrt(Sxx), se_a = s sqrt(1/n + x̄²/Sxx), cov(a, b) = −x̄ s²/Sxx (Sxx = Σ(x − x̄)²).
// fit_line_weighted (known σ_i, weights 1/σ_i²): the standard errors come from the σ_i alone,
//   var b = 1/Sxx_w, var a = 1/W + x̄_w²/Sxx_w, cov = −x̄_w/Sxx_w; chi2 = Σ r_i²/σ_i² is reported
//   (chi2/(n − 2) ≈ 1 when the σ_i are right; multiply the errors by sqrt(chi2/(n−2)) to rescale).
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

struct LinearFit {
  double a = 0.0, b = 0.0;        ///< intercept and slope
  double se_a = 0.0, se_b = 0.0;  ///< their standard errors
  double cov_ab = 0.0;            ///< covariance of (a, b)
  double residual_std = 0.0;      ///< OLS: s = sqrt(Σr²/(n−2)); weighted: sqrt(chi2/(n−2))
  double chi2 = 0.0;              ///< weighted: Σ r²/σ²; OLS: Σ r²
  double r2 = 0.0;                ///< coefficient of determination
  Index n = 0;
  [[nodiscard]] double operator()(double x) const { return a + b * x; }
};

namespace detail {
inline void finish_fit(LinearFit& f, std::span<const double> x, std::span<const double> y,
                       std::span<const double> w) {
  double ybar = 0.0, W = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    ybar += w[i] * y[i];
    W += w[i];
  }
  ybar /= W;
  double ss_res = 0.0, ss_tot = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - f(x[i]);
    ss_res += w[i] * r * r;
    ss_tot += w[i] * (y[i] - ybar) * (y[i] - ybar);
  }
  f.chi2 = ss_res;
  f.r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : 1.0;
  f.residual_std = x.size() > 2 ? std::sqrt(ss_res / static_cast<double>(x.size() - 2))
                                : std::numeric_limits<double>::quiet_NaN();
}

inline LinearFit fit(std::span<const double> x, std::span<const double> y, std::span<const double> w,
                     bool known_sigma) {
  require(x.size() == y.size() && x.size() == w.size(), "fit_line: x, y (and sigma) differ in size");
  require(x.size() >= 2, "fit_line: need at least 2 points");
  double W = 0.0, xb = 0.0, yb = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    W += w[i];
    xb += w[i] * x[i];
    yb += w[i] * y[i];
  }
  xb /= W;
  yb /= W;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += w[i] * (x[i] - xb) * (x[i] - xb);
    sxy += w[i] * (x[i] - xb) * (y[i] - yb);
  }
  require(sxx > 0.0, "fit_line: all x are equal");
  LinearFit f;
  f.n = static_cast<Index>(x.size());
  f.b = sxy / sxx;
  f.a = yb - f.b * xb;
  finish_fit(f, x, y, w);
  // scale = variance of unit weight: 1 for known σ, s² for OLS (w = 1)
  const double scale = known_sigma ? 1.0 : f.residual_std * f.residual_std;
  f.se_b = std::sqrt(scale / sxx);
  f.se_a = std::sqrt(scale * (1.0 / W + xb * xb / sxx));
  f.cov_ab = -scale * xb / sxx;
  return f;
}
}  // namespace detail

/// Ordinary least squares y = a + b x (n ≥ 2; standard errors need n ≥ 3, NaN otherwise).
inline LinearFit fit_line(std::span<const double> x, std::span<const double> y) {
  const std::vector<double> w(x.size(), 1.0);
  return detail::fit(x, y, w, false);
}

/// Weighted least squares with known standard deviations σ_i of the y_i.
inline LinearFit fit_line_weighted(std::span<const double> x, std::span<const double> y,
                                   std::span<const double> sigma) {
  require(sigma.size() == x.size(), "fit_line_weighted: sigma has the wrong size");
  std::vector<double> w(sigma.size());
  for (std::size_t i = 0; i < sigma.size(); ++i) {
    require(sigma[i] > 0.0 && std::isfinite(sigma[i]), "fit_line_weighted: sigma must be finite and > 0");
    w[i] = 1.0 / (sigma[i] * sigma[i]);
  }
  return detail::fit(x, y, w, true);
}

/// ln y = a + b ln x by OLS: b is the order of a power law y ∝ x^b (x, y > 0).
inline LinearFit fit_loglog(std::span<const double> x, std::span<const double> y) {
  require(x.size() == y.size(), "fit_loglog: x and y differ in size");
  std::vector<double> lx(x.size()), ly(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    require(x[i] > 0.0 && y[i] > 0.0, "fit_loglog: x and y must be > 0");
    lx[i] = std::log(x[i]);
    ly[i] = std::log(y[i]);
  }
  return fit_line(lx, ly);
}

/// ln y = a + b ln x weighted, with the standard errors of y (σ_ln y ≈ σ_y / y).
inline LinearFit fit_loglog_weighted(std::span<const double> x, std::span<const double> y,
                                     std::span<const double> sigma_y) {
  require(x.size() == y.size() && y.size() == sigma_y.size(), "fit_loglog_weighted: sizes differ");
  std::vector<double> lx(x.size()), ly(y.size()), s(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    require(x[i] > 0.0 && y[i] > 0.0, "fit_loglog_weighted: x and y must be > 0");
    lx[i] = std::log(x[i]);
    ly[i] = std::log(y[i]);
    s[i] = sigma_y[i] / y[i];
  }
  return fit_line_weighted(lx, ly, s);
}

}  // namespace sgdsde::stats
