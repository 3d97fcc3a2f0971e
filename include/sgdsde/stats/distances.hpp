#pragma once
// Distances between two discrete distributions p, q on the same bins (vectors of bin
// probabilities, i.e. densities × bin widths; both should sum to 1 — pass
// Histogram*::probabilities_in_range() or a theory's bin probabilities).
//
//   total_variation   ½ Σ|p_i − q_i|                         ∈ [0, 1]
//   kl_divergence     Σ_{p_i>0} p_i ln(p_i/q_i)              ≥ 0; bins with p_i = 0 are skipped,
//                                                            +inf if q_i = 0 < p_i for some i
//   hellinger         sqrt(½ Σ (√p_i − √q_i)²)               ∈ [0, 1]
//   ks_distance       max_i |F_i − G_i|, F_i = Σ_{j≤i} p_j   (the CDFs at the right bin edges)
//   wasserstein1_1d   Σ_i |F_i − G_i| (c_{i+1} − c_i)        (= Σ|F−G| Δx on uniform bins)
//   SlicedW1          mean over fixed directions of the 1-D W1 of the projected distributions
//
// W1 approximation: each bin's mass is put at its centre, so wasserstein1_1d is the exact W1
// between the two atomic distributions on the centres (it differs from the W1 of the
// piecewise-constant densities by at most one bin width). SlicedW1 does the same in 2-D: masses
// at cell centres, projected onto the unit vectors u_k = (cos φ_k, sin φ_k), φ_k = π(k + ½)/K,
// k = 0..K−1 (a midpoint rule for the average over the half circle, which equals the average
// over the whole circle since W1 is symmetric under u → −u); the 1-D W1 of the projections is
// exact for the atoms. The directions are fixed, so the value is deterministic.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/stats/histogram.hpp"

namespace sgdsde::stats {

namespace detail {
inline void require_same_size(const Vec& p, const Vec& q, const char* who) {
  require(p.size() == q.size() && p.size() > 0, std::string(who) + ": p and q need the same, non-zero size");
}
}  // namespace detail

/// ½ Σ|p_i − q_i|.
inline double total_variation(const Vec& p, const Vec& q) {
  detail::require_same_size(p, q, "total_variation");
  return 0.5 * (p - q).cwiseAbs().sum();
}

/// KL(p‖q) = Σ p_i ln(p_i/q_i): bins with p_i = 0 contribute 0; q_i = 0 < p_i gives +inf.
inline double kl_divergence(const Vec& p, const Vec& q) {
  detail::require_same_size(p, q, "kl_divergence");
  double s = 0.0;
  for (Index i = 0; i < p.size(); ++i) {
    if (p[i] <= 0.0) continue;
    if (q[i] <= 0.0) return std::numeric_limits<double>::infinity();
    s += p[i] * std::log(p[i] / q[i]);
  }
  return std::max(s, 0.0);  // rounding can make Σ slightly negative when p ≈ q
}

/// Hellinger distance sqrt(½ Σ(√p_i − √q_i)²) (negative entries are treated as 0).
inline double hellinger(const Vec& p, const Vec& q) {
  detail::require_same_size(p, q, "hellinger");
  double s = 0.0;
  for (Index i = 0; i < p.size(); ++i) {
    const double d = std::sqrt(std::max(p[i], 0.0)) - std::sqrt(std::max(q[i], 0.0));
    s += d * d;
  }
  return std::sqrt(0.5 * s);
}

/// Kolmogorov–Smirnov: max over bin edges of |F − G|.
inline double ks_distance(const Vec& p, const Vec& q) {
  detail::require_same_size(p, q, "ks_distance");
  double F = 0.0, m = 0.0;
  for (Index i = 0; i < p.size(); ++i) {
    F += p[i] - q[i];
    m = std::max(m, std::abs(F));
  }
  return m;
}

/// 1-D W1 between atoms at increasing positions `centers` with masses p and q:
/// Σ_{i<K−1} |F_i − G_i| (c_{i+1} − c_i).
inline double wasserstein1_1d_centers(const Vec& p, const Vec& q, const Vec& centers) {
  detail::require_same_size(p, q, "wasserstein1_1d");
  require(centers.size() == p.size(), "wasserstein1_1d: centers must match p");
  double F = 0.0, s = 0.0;
  for (Index i = 0; i + 1 < p.size(); ++i) {
    F += p[i] - q[i];
    s += std::abs(F) * (centers[i + 1] - centers[i]);
  }
  return s;
}

/// 1-D W1 on uniform bins of width `width`: Σ|F_i − G_i| Δx.
inline double wasserstein1_1d(const Vec& p, const Vec& q, double width) {
  detail::require_same_size(p, q, "wasserstein1_1d");
  double F = 0.0, s = 0.0;
  for (Index i = 0; i + 1 < p.size(); ++i) {
    F += p[i] - q[i];
    s += std::abs(F);
  }
  return s * width;
}

/// Sliced W1 in 2-D over a fixed set of directions (see the header comment for the
/// approximation). Construct once per geometry (it precomputes the projection orders), then call.
class SlicedW1 {
 public:
  /// Atoms at (x[i], y[i]); `directions` angles φ_k = π(k + ½)/directions.
  SlicedW1(const Vec& x, const Vec& y, int directions = 64);
  /// The geometry of a Histogram2D (cell centres, flat index ix·ny + iy).
  static SlicedW1 for_histogram(const Histogram2D& h, int directions = 64) {
    const Vec cx = h.centers_x(), cy = h.centers_y();
    Vec x(h.size()), y(h.size());
    for (Index ix = 0; ix < h.nx(); ++ix)
      for (Index iy = 0; iy < h.ny(); ++iy) {
        x[ix * h.ny() + iy] = cx[ix];
        y[ix * h.ny() + iy] = cy[iy];
      }
    return SlicedW1(x, y, directions);
  }

  [[nodiscard]] int directions() const { return static_cast<int>(dirs_.size()); }

  /// The sliced W1 between masses p and q on the atoms.
  [[nodiscard]] double operator()(const Vec& p, const Vec& q) const {
    detail::require_same_size(p, q, "SlicedW1");
    require(p.size() == n_, "SlicedW1: p has the wrong size");
    double total = 0.0;
    for (const Direction& d : dirs_) {
      double F = 0.0, s = 0.0;
      for (Index j = 0; j + 1 < n_; ++j) {
        const Index i = d.order[static_cast<std::size_t>(j)];
        F += p[i] - q[i];
        s += std::abs(F) * d.gap[static_cast<std::size_t>(j)];
      }
      total += s;
    }
    return total / static_cast<double>(dirs_.size());
  }

 private:
  struct Direction {
    std::vector<Index> order;  // atoms sorted by their projection
    std::vector<double> gap;   // projection gaps between consecutive sorted atoms
  };
  Index n_;
  std::vector<Direction> dirs_;
};

}  // namespace sgdsde::stats
