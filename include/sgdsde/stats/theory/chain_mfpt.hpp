#pragma once
// Exact mean first-passage step count of the 1-D Gaussian Markov chain
//   x_{k+1} = x_k − dt·L'(x_k) + sqrt(2 D(x_k) dt) Z_k,   Z_k ~ N(0, 1),
// i.e. Euler–Maruyama of dX = −L'(X) dt + sqrt(2D(X)) dW at step dt, and minibatch SGD with
// Gaussian noise at dt = η, D = ηΣ_B/2 (THEORY §2). It differs from the continuous MFPT of
// THEORY §5 (mfpt.hpp) by the O(dt) error of the scheme; this is the reference without it.
//
// u(x) = E[number of steps until the first k with x_k ≥ b | x_0 = x] solves
//   u(x) = 1 + ∫_{−∞}^{b} p(x, y) u(y) dy   (x < b),   u = 0 on [b, ∞),
// p(x, ·) the Gaussian transition density. Discretisation (finite volumes): cells of width h on
// [left, b) (b a cell edge, so the jump of u at b is exact), u constant per cell and evaluated at
// the cell centre, cell transition masses from the exact normal CDF (the mass below `left` is put
// into the first cell: a reflecting wall standing in for −∞; keep it negligible). The sparse
// system (I − P) u = 1 (entries below 1e−17 dropped) is solved by sparse LU. The start point a is
// placed on a cell centre. Error O(h²): the result is Richardson-extrapolated from h and h/2 and
// `grid_error` is the size of that correction.
//
// Brownian-bridge crossing (ChainMfptOptions::brownian_bridge): a step x → y with both ends below b
// also counts as a passage with the probability exp(−(b − x)(b − y)/(D(x) dt)) that the Brownian
// bridge between them (the Gaussian step's own interpolation, drift constant over the step) crosses
// b. This is the chain whose first passage an observer with the bridge correction records
// (ensemble/bridge_passage.hpp): the continuous-time Euler interpolation of the scheme, without the
// O(√dt) bias of seeing the crossing only at the steps. Per cell, the bridge mass is closed form:
//   ∫_cell N(y; μ, s²) e^{−γ(b−y)} dy = e^{−(b−x)L'(x)/D} [Φ((hi − μ')/s) − Φ((lo − μ')/s)],
// γ = (b − x)/(D dt), μ' = μ + 2(b − x) (μ = x − dt L'(x), s² = 2 D dt), computed in logarithms.
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::theory {

struct ChainMfptOptions {
  double left = -3.0;            ///< lower end of the grid (reflecting)
  double cells_per_sd = 4.0;     ///< resolution: cells per transition standard deviation (coarse grid)
  Index max_cells = 200000;      ///< refuse finer grids
  bool brownian_bridge = false;  ///< count bridge crossings between steps as passages (see above)
};

struct ChainMfptResult {
  double steps = 0.0;       ///< mean number of steps to reach x ≥ b (extrapolated)
  double steps_coarse = 0;  ///< on the coarse grid
  double steps_fine = 0;    ///< on the fine grid (h/2)
  double grid_error = 0.0;  ///< |extrapolated − fine|
  Index cells = 0;          ///< cells of the fine grid
};

namespace detail {
inline double chain_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }
/// log Φ(z), accurate far in the lower tail (asymptotic series below −30, where erfc underflows).
inline double chain_log_normal_cdf(double z) {
  if (z > -30.0) return std::log(chain_normal_cdf(z));
  const double z2 = z * z;
  return -0.5 * z2 - std::log(-z) - 0.5 * std::log(2.0 * std::numbers::pi) +
         std::log1p(-1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2));
}
/// The bridge-crossing mass of a step from x (mean μ, sd s) landing in [lo, hi) ⊂ (−∞, b):
/// ∫ N(y; μ, s²) exp(−(b − x)(b − y)/(D dt)) dy; lo = −inf allowed. exponent = −(b − x) L'(x)/D.
inline double chain_bridge_mass(double x, double mu, double s, double b, double exponent, double lo,
                                double hi) {
  const double mup = mu + 2.0 * (b - x);
  const double lh = chain_log_normal_cdf((hi - mup) / s);
  if (!std::isfinite(lh)) return 0.0;
  double log_diff = lh;
  if (std::isfinite(lo)) {
    const double ll = chain_log_normal_cdf((lo - mup) / s);
    if (ll >= lh) return 0.0;
    log_diff = lh + std::log1p(-std::exp(ll - lh));
  }
  return std::exp(exponent + log_diff);
}

template <class LPrime, class Diff>
double chain_mfpt_once(const LPrime& lp, const Diff& D, double dt, double a, double b, double left, double h,
                       bool bridge) {
  // cells [b − (n − j) h, b − (n − j − 1) h), j = 0 … n−1; a = b − (m + ½) h exactly
  const auto m = static_cast<Index>(std::llround((b - a) / h - 0.5));
  const double hh = (b - a) / (static_cast<double>(m) + 0.5);
  const auto n = static_cast<Index>(std::ceil((b - left) / hh));
  auto edge = [&](Index j) { return b - static_cast<double>(n - j) * hh; };
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(static_cast<std::size_t>(n) * 64);
  for (Index i = 0; i < n; ++i) {
    const double c = edge(i) + 0.5 * hh;
    const double Dc = D(c), mu = c - dt * lp(c), s = std::sqrt(2.0 * Dc * dt);
    const double bridge_exponent = -(b - c) * lp(c) / Dc;
    const double span = 8.6 * s;
    const auto j0 = std::max<Index>(0, static_cast<Index>(std::floor((mu - span - edge(0)) / hh)));
    const auto j1 = std::min<Index>(n - 1, static_cast<Index>(std::ceil((mu + span - edge(0)) / hh)));
    for (Index j = j0; j <= j1; ++j) {
      // cell 0 also receives the mass below `left` (reflecting wall); beyond ±8.6 sd nothing
      const double lo = j == 0 ? 0.0 : chain_normal_cdf((edge(j) - mu) / s);
      double p = chain_normal_cdf((edge(j + 1) - mu) / s) - lo;
      if (bridge)
        p -= std::min(
            p, chain_bridge_mass(c, mu, s, b, bridge_exponent,
                                 j == 0 ? -std::numeric_limits<double>::infinity() : edge(j), edge(j + 1)));
      if (p > 1e-17) trip.emplace_back(i, j, -p);
    }
    trip.emplace_back(i, i, 1.0);
  }
  Eigen::SparseMatrix<double> A(n, n);
  A.setFromTriplets(trip.begin(), trip.end());
  A.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(A);
  if (lu.info() != Eigen::Success) throw NumericalError("chain_mfpt: sparse LU failed");
  const Vec u = lu.solve(Vec::Ones(n));
  return u[n - 1 - m];
}
}  // namespace detail

/// Mean steps of the chain from a to {x ≥ b}, drift −L' (callable double(double)) and
/// diffusion D (> 0) over step dt; left ≤ a < b.
template <class LPrime, class Diff>
ChainMfptResult chain_mean_first_passage_steps(const LPrime& lp, const Diff& D, double dt, double a, double b,
                                               const ChainMfptOptions& opt = {}) {
  require(dt > 0.0 && opt.left < a && a < b, "chain_mfpt: need dt > 0 and left < a < b");
  // the smallest transition sd on the grid sets the cell width
  double smin = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 2000; ++i) {
    const double x = opt.left + (b - opt.left) * i / 2000.0;
    smin = std::min(smin, std::sqrt(2.0 * D(x) * dt));
  }
  require(smin > 0.0, "chain_mfpt: D must be > 0 on [left, b]");
  const double h = smin / opt.cells_per_sd;
  require((b - opt.left) / h * 2.0 <= static_cast<double>(opt.max_cells), "chain_mfpt: grid too fine");
  require(2.0 * h < b - a, "chain_mfpt: one step's spread covers the whole way from a to b (dt too large)");
  ChainMfptResult r;
  r.steps_coarse = detail::chain_mfpt_once(lp, D, dt, a, b, opt.left, h, opt.brownian_bridge);
  r.steps_fine = detail::chain_mfpt_once(lp, D, dt, a, b, opt.left, 0.5 * h, opt.brownian_bridge);
  r.steps = r.steps_fine + (r.steps_fine - r.steps_coarse) / 3.0;
  r.grid_error = std::abs(r.steps - r.steps_fine);
  r.cells = static_cast<Index>(std::ceil((b - opt.left) / (0.5 * h)));
  return r;
}

/// Both ways between the minima ±1 of a double well, in time units (steps · dt) with their grid errors:
/// [0] from −1 to {x ≥ 1} (reflecting wall at lo), [1] from +1 to {x ≤ −1} (its mirror image, wall at hi).
template <class LPrime, class Diff>
std::array<ChainMfptResult, 2> chain_mfpt_both_ways(const LPrime& lp, const Diff& D, double dt, double lo,
                                                    double hi, double cells_per_sd) {
  ChainMfptOptions o;
  o.cells_per_sd = cells_per_sd;
  o.left = lo;
  auto f = chain_mean_first_passage_steps(lp, D, dt, -1.0, 1.0, o);
  o.left = -hi;
  auto s = chain_mean_first_passage_steps([&lp](double w) { return -lp(-w); },
                                          [&D](double w) { return D(-w); }, dt, -1.0, 1.0, o);
  for (auto* r : {&f, &s}) {
    r->steps *= dt;
    r->grid_error *= dt;
  }
  return {f, s};
}

}  // namespace sgdsde::theory
