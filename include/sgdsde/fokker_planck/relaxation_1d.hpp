#pragma once
// The exact laws of a 1-D relaxation from a point start, binned like the histograms they are
// compared with (THEORY §2–3, "dynamics of distributions" over time):
//   - the continuous one: the Fokker–Planck density p(θ, t) (TR-BDF2, order 2, from the point mass);
//   - the discrete one: the law of the Euler–Maruyama chain at step dt after k steps, K^k p₀
//     (stats/theory/euler_maruyama_invariant.hpp) — SGD's own Gaussian chain at dt = η, so SGD's
//     histogram at step k is predicted without any O(η) model error, and the gap between SGD and the
//     continuous law is predicted as chain − FP instead of being bounded;
//   - SGD's exact chain when its noise takes finitely many values (the per-sample shifts at B = 1):
//     the same with the discrete noise law, which also predicts SGD's non-Gaussian deviation from
//     its Gaussian chain.
// A point start is two cells' masses with linear weights (the discrete start has mean x₀).
#include <algorithm>
#include <cmath>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"
#include "sgdsde/fokker_planck/transient_solver.hpp"
#include "sgdsde/stats/mass_below.hpp"
#include "sgdsde/stats/theory/euler_maruyama_invariant.hpp"

namespace sgdsde::fp {

/// Cell masses (n cells of width h from lo) of the point x₀, split between the two cells whose centres
/// bracket it.
inline Vec point_start_cells(double x0, double lo, double h, Index n) {
  const double u = (x0 - lo) / h - 0.5;
  const auto i = static_cast<Index>(std::floor(u));
  require(i >= 0 && i + 1 < n, "point start: x0 lies outside the grid");
  Vec p = Vec::Zero(n);
  const double t = u - static_cast<double>(i);
  p[i] = 1.0 - t;
  p[i + 1] = t;
  return p;
}

/// Sums groups of `refine` consecutive cells, starting `offset` cells in, into `bins` bins.
inline Vec cells_to_bins(const Vec& cells, Index bins, Index refine, Index offset = 0) {
  require(offset + bins * refine <= cells.size(), "cells_to_bins: fewer cells than bins x refine");
  Vec out(bins);
  for (Index b = 0; b < bins; ++b) out[b] = cells.segment(offset + b * refine, refine).sum();
  return out;
}

/// The EM chain x' = x − dt L'(x) + sqrt(2 D(x) dt) Z from x₀: its cell masses after each of `steps`
/// (one column each), on (bins + 2 pad) · refine cells of [lo − pad w, hi + pad w], w the bin width
/// (pad where the law reaches the range's ends).
template <class LPrime, class Diff>
Mat chain_transient_cells(const LPrime& lp, const Diff& D, double dt, double lo, double hi, Index bins,
                          Index refine, Index pad, double x0, const std::vector<long>& steps) {
  const double w = (hi - lo) / static_cast<double>(bins);
  const double plo = lo - static_cast<double>(pad) * w, phi = hi + static_cast<double>(pad) * w;
  const Index n = (bins + 2 * pad) * refine;
  const Mat K = theory::euler_maruyama_kernel_1d(lp, D, dt, plo, phi, n);
  return theory::propagate_chain_law(K, point_start_cells(x0, plo, (phi - plo) / static_cast<double>(n), n),
                                     steps);
}

/// The mass below `cut` of the EM chain's law from x₀ after each of `steps`, on equal cells of [lo, hi]
/// (no padding: the law must stay inside) of at most 1/cells_per_sd of the smallest transition sd.
/// The kernel is banded: stepping (n × band per step) beats squaring (n³ per product) at these sizes,
/// so the steps are asked for in stretches shorter than propagate_chain_law's squaring threshold
/// (2048) and only the wanted columns are kept.
template <class LPrime, class Diff>
std::vector<double> chain_masses_below(const LPrime& lp, const Diff& D, double dt, double lo, double hi,
                                       double x0, double cut, const std::vector<long>& steps,
                                       double cells_per_sd) {
  double sm = 1e300;
  for (int k = 0; k <= 2000; ++k) sm = std::min(sm, std::sqrt(2.0 * D(lo + (hi - lo) * k / 2000.0) * dt));
  const auto n = static_cast<Index>(std::ceil((hi - lo) * cells_per_sd / sm));
  std::vector<long> all;
  std::vector<std::size_t> want;
  for (long k = 0; const long target : steps) {
    while (target - k > 2000) all.push_back(k += 2000);
    all.push_back(k = target);
    want.push_back(all.size() - 1);
  }
  const Mat cells = chain_transient_cells(lp, D, dt, lo, hi, n, 1, 0, x0, all);
  std::vector<double> m(steps.size());
  for (std::size_t j = 0; j < steps.size(); ++j)
    m[j] = stats::mass_below(cells.col(static_cast<Index>(want[j])), lo, hi, cut);
  return m;
}

/// The law after each of `steps` of the chain whose transition matrix `K` lives on the padded grid
/// of chain_transient_cells ((bins + 2 pad)·refine cells of [lo − pad w, hi + pad w]), from x₀: e.g.
/// SGD's exact chain when its noise takes finitely many values (theory::discrete_noise_kernel_1d for
/// the N per-sample shifts at B = 1, theory::affine_noise_kernel_1d for label noise).
inline Mat kernel_transient_cells(const Mat& K, double lo, double hi, Index bins, Index pad, double x0,
                                  const std::vector<long>& steps) {
  const double w = (hi - lo) / static_cast<double>(bins);
  const double plo = lo - static_cast<double>(pad) * w, phi = hi + static_cast<double>(pad) * w;
  const Index n = K.rows();
  return theory::propagate_chain_law(K, point_start_cells(x0, plo, (phi - plo) / static_cast<double>(n), n),
                                     steps);
}

/// The Fokker–Planck cell masses at each of `times` (increasing multiples of dt) from the point x₀. A
/// stretch longer than 1000 dt (the slow relaxation after the last snapshot, where only slow modes are
/// left) is stepped 20× coarser.
inline Mat fp_transient_cells(const FokkerPlanck<1>& problem, double x0, const std::vector<double>& times,
                              double dt) {
  const auto& g = problem.grid();
  const double h = g.cell_volume();
  const Vec p0 = point_start_cells(x0, g.lo(0), h, g.size()) / h;
  TransientSolver<1> solver(problem, problem.density(p0), dt, Scheme::tr_bdf2);
  Mat out(g.size(), static_cast<Index>(times.size()));
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double gap = times[i] - solver.time();
    if (gap > 1000.0 * dt) solver.set_dt(gap / std::ceil(gap / (20.0 * dt)));
    solver.advance_to(times[i]);
    solver.set_dt(dt);
    out.col(static_cast<Index>(i)) = solver.density().values() * h;
  }
  return out;
}

}  // namespace sgdsde::fp
