#pragma once
// Exact 1-D mean first-passage time (THEORY §5) for dX = −L'(X) dt + sqrt(2 D(X)) dW:
//
//   τ(a→b) = ∫_a^b e^{Φ(y)} ∫_left^y e^{−Φ(z)}/D(z) dz dy,   Φ' = L'/D,   left ≤ a < b.
//
// The lower limit −∞ of THEORY is replaced by `left`; the formula is then *exact* for a
// reflecting wall at `left`, and approximates the free problem when e^{−Φ}/D is negligible
// there (MfptResult::left_weight reports e^{−Φ(left)}/D(left) relative to its maximum on
// [left, b]: keep it below ~1e−12).
//
// Quadrature: [left, b] is cut in uniform panels, each with an `order`-point Gauss–Legendre rule;
// Φ at any point is the panel-edge value plus a Gauss–Legendre integral over the partial panel,
// the inner integral likewise, so the whole nested integral converges spectrally in the panel
// width. Everything is done in logarithms (the integrand is e^{Φ(y)−Φ(z)}, summed by
// log-sum-exp), so tiny T cannot overflow: log_tau is always finite even when tau overflows.
// The panel count doubles until two successive results agree to `rtol` (rel_error is that
// difference).
#include <cmath>
#include <limits>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/theory/quadrature.hpp"

namespace sgdsde::theory {

struct MfptOptions {
  double left = 0.0;    ///< reflecting lower bound (stands in for −∞)
  Index panels = 256;   ///< initial panel count on [left, b]
  int order = 8;        ///< Gauss–Legendre points per panel
  double rtol = 1e-10;  ///< stop when two successive refinements agree to this
  Index max_panels = 1 << 15;
};

struct MfptResult {
  double tau = 0.0;          ///< mean first-passage time (may be +inf if it overflows)
  double log_tau = 0.0;      ///< its logarithm (always finite for a < b)
  double rel_error = 0.0;    ///< |τ_N − τ_{N/2}| / τ_N at the last refinement
  double left_weight = 0.0;  ///< (e^{−Φ}/D)(left) / max_{[left,b]} e^{−Φ}/D
  Index panels = 0;
};

namespace detail {
template <class LPrime, class Diff>
double log_mfpt_once(const LPrime& lp, const Diff& D, double a, double b, double left, Index N,
                     const GaussLegendre& rule, double* left_weight) {
  const PotentialIntegral<const LPrime&, const Diff&> phi(lp, D, left, b, N, rule);
  const int p = rule.size();
  auto log_f = [&](double z, Index k) { return -phi.at(z, k) - std::log(D(z)); };  // log(e^{−Φ}/D)
  // log ∫_{x_k}^{y} e^{−Φ}/D
  auto log_partial = [&](Index k, double y) {
    LogSumExp s;
    const double x0 = phi.node(k), len = y - x0;
    if (len <= 0) return -std::numeric_limits<double>::infinity();
    for (int j = 0; j < p; ++j) {
      const double z = x0 + len * rule.x[static_cast<std::size_t>(j)];
      s.add(log_f(z, k) + std::log(rule.w[static_cast<std::size_t>(j)] * len));
    }
    return s.value();
  };
  // log of the inner integral at the panel edges
  std::vector<double> logI(static_cast<std::size_t>(N + 1));
  logI[0] = -std::numeric_limits<double>::infinity();
  double max_log_f = log_f(left, 0);
  for (Index k = 0; k < N; ++k) {
    LogSumExp s;
    s.add(logI[static_cast<std::size_t>(k)]);
    s.add(log_partial(k, phi.node(k + 1)));
    logI[static_cast<std::size_t>(k + 1)] = s.value();
    max_log_f = std::max(max_log_f, log_f(phi.node(k + 1), k));
  }
  if (left_weight) *left_weight = std::exp(log_f(left, 0) - max_log_f);
  // outer integral over [a, b], panel by panel
  LogSumExp tau;
  for (Index k = phi.panel_of(a); k < N; ++k) {
    const double s0 = std::max(a, phi.node(k)), s1 = phi.node(k + 1);
    if (s1 <= s0) continue;
    for (int j = 0; j < p; ++j) {
      const double y = s0 + (s1 - s0) * rule.x[static_cast<std::size_t>(j)];
      LogSumExp inner;
      inner.add(logI[static_cast<std::size_t>(k)]);
      inner.add(log_partial(k, y));
      tau.add(phi.at(y, k) + inner.value() + std::log(rule.w[static_cast<std::size_t>(j)] * (s1 - s0)));
    }
  }
  return tau.value();
}
}  // namespace detail

/// τ(a→b) for drift −L'(x) and diffusion D(x) > 0 (callables double(double)), left ≤ a < b.
template <class LPrime, class Diff>
MfptResult mean_first_passage_time(const LPrime& lp, const Diff& D, double a, double b,
                                   const MfptOptions& opt) {
  require(opt.left <= a && a < b, "mean_first_passage_time: need left ≤ a < b");
  require(opt.panels >= 1 && opt.order >= 2, "mean_first_passage_time: need panels ≥ 1, order ≥ 2");
  const GaussLegendre rule(opt.order);
  MfptResult r;
  Index N = opt.panels;
  double prev = detail::log_mfpt_once(lp, D, a, b, opt.left, N, rule, nullptr);
  while (true) {
    N *= 2;
    double lw = 0.0;
    const double cur = detail::log_mfpt_once(lp, D, a, b, opt.left, N, rule, &lw);
    r.rel_error = std::abs(std::expm1(prev - cur));
    r.log_tau = cur;
    r.left_weight = lw;
    r.panels = N;
    prev = cur;
    if (r.rel_error <= opt.rtol || N >= opt.max_panels) break;
  }
  if (!std::isfinite(r.log_tau)) throw NumericalError("mean_first_passage_time: non-finite result");
  r.tau = std::exp(r.log_tau);
  return r;
}

/// Langevin case D = T: Φ = L/T.
template <class LPrime>
MfptResult mean_first_passage_time_langevin(const LPrime& lp, double T, double a, double b,
                                            const MfptOptions& opt) {
  require(T > 0.0, "mean_first_passage_time_langevin: T must be > 0");
  return mean_first_passage_time(
      lp, [T](double) { return T; }, a, b, opt);
}

/// Passage to the left, b < a ≤ right, reflecting at `right` (stands in for +∞): the mirror
/// image x → −x of mean_first_passage_time. opt.left is ignored; pass the right bound.
template <class LPrime, class Diff>
MfptResult mean_first_passage_time_leftward(const LPrime& lp, const Diff& D, double a, double b, double right,
                                            MfptOptions opt) {
  opt.left = -right;
  return mean_first_passage_time([&lp](double x) { return -lp(-x); }, [&D](double x) { return D(-x); }, -a,
                                 -b, opt);
}

}  // namespace sgdsde::theory
