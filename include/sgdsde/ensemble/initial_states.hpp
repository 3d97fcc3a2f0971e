#pragma once
// Initial ensembles drawn from a distribution given as bin probabilities (a Fokker–Planck or
// theory reference on histogram bins, stats::BinGeometry): particle p picks a bin by inverse CDF
// and a uniform point inside it (so the law is the piecewise-constant density of the bins).
// Random numbers: CounterRng::uniforms(p, 0, slot(Purpose::init, 0)) (and slot 1 for the second
// coordinate), a pure function of (seed, p): identical for any thread count.
// Starting from the target law is how stationary experiments avoid waiting for the slow
// inter-well equilibration (the run then shows whether the dynamics keeps that law).
#include <algorithm>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/distribution_comparison.hpp"

namespace sgdsde {

/// x (d × M with d = geometry.dims()) drawn from the bin probabilities `p` (flat ix·ny + iy in 2-D).
inline void sample_from_bins(Ensemble& x, const Vec& p, const stats::BinGeometry& g, const CounterRng& rng) {
  require(p.size() == g.bins() && p.minCoeff() >= 0.0 && p.sum() > 0.0,
          "sample_from_bins: p must be a distribution on the bins");
  require(x.rows() == g.dims(), "sample_from_bins: the ensemble's dimension differs from the bins'");
  std::vector<double> cdf(static_cast<std::size_t>(p.size()));
  double acc = 0.0;
  for (Index i = 0; i < p.size(); ++i) cdf[static_cast<std::size_t>(i)] = (acc += p[i]);
  for (double& c : cdf) c /= acc;
  const Index ny = g.dims() == 2 ? g.edges_y.size() - 1 : 1;
  const Index M = x.cols();
#pragma omp parallel for schedule(static)
  for (Index q = 0; q < M; ++q) {
    const auto u = rng.uniforms(static_cast<std::uint32_t>(q), 0, CounterRng::slot(Purpose::init, 0));
    auto it = std::upper_bound(cdf.begin(), cdf.end(), u[0]);
    const Index k = std::min<Index>(static_cast<Index>(it - cdf.begin()), p.size() - 1);
    const Index ix = k / ny, iy = k % ny;
    x(0, q) = g.edges_x[ix] + u[1] * (g.edges_x[ix + 1] - g.edges_x[ix]);
    if (g.dims() == 2) {
      const auto v = rng.uniforms(static_cast<std::uint32_t>(q), 0, CounterRng::slot(Purpose::init, 1));
      x(1, q) = g.edges_y[iy] + v[0] * (g.edges_y[iy + 1] - g.edges_y[iy]);
    }
  }
}

}  // namespace sgdsde
