#pragma once
// A stored Brownian path W on [t0, t0 + T] (m-dimensional) that can be queried on any grid
// coarser than its own and refined (torchsde's BrownianPath / BrownianTree idea).
//
// The path is kept as its 2^L finest increments ΔW_i over [t0 + i h, t0 + (i+1) h], h = T/2^L,
// drawn from CounterRng (step = path id, particle = i, Purpose::increment), so a path is a pure
// function of (seed, path id, L). Any coarser increment is the sum of the fine ones it covers, so
// every step size of a strong-order study sees the same path. refined() halves h by the Brownian
// bridge: ΔW_i = a + b with a = ΔW_i/2 + sqrt(h/4)·ζ, b = ΔW_i/2 − sqrt(h/4)·ζ, ζ ~ N(0, I)
// (Purpose::aux, step = (new level << 32) | path id), which leaves every existing increment unchanged.
#include <cmath>
#include <cstdint>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

class BrownianPath {
 public:
  /// 2^level increments of an m-dimensional path on [t0, t0 + T].
  BrownianPath(CounterRng rng, std::uint32_t path, double t0, double T, int level, Index m = 1)
      : rng_(rng), path_(path), t0_(t0), T_(T), level_(level), m_(m) {
    require(T > 0.0 && std::isfinite(T), "BrownianPath: T must be positive");
    require(level >= 0 && level <= 30, "BrownianPath: level must be in [0, 30]");
    require(m >= 1, "BrownianPath: m must be >= 1");
    const Index n = steps();
    dw_.resize(static_cast<std::size_t>(n * m_));
    rng_.normals(path_, Purpose::increment, 0, n, m_, dw_.data(), n);
    const double s = std::sqrt(h());
    for (double& v : dw_) v *= s;
  }

  [[nodiscard]] Index noise_dim() const { return m_; }
  [[nodiscard]] int level() const { return level_; }
  [[nodiscard]] Index steps() const { return Index{1} << level_; }
  [[nodiscard]] double t0() const { return t0_; }
  [[nodiscard]] double t_end() const { return t0_ + T_; }
  /// Finest step h = T / 2^level.
  [[nodiscard]] double h() const { return T_ / static_cast<double>(steps()); }
  /// Fine increment i of coordinate j.
  [[nodiscard]] double fine(Index j, Index i) const { return dw_[static_cast<std::size_t>(j * steps() + i)]; }

  /// dW ← W(t0 + (i + n) h) − W(t0 + i h): the sum of n fine increments from index i.
  void increment_index(Index i, Index n, Vec& dW) const {
    require(i >= 0 && n >= 0 && i + n <= steps(), "BrownianPath: query outside the path");
    dW.setZero(m_);
    for (Index j = 0; j < m_; ++j) {
      const double* w = &dw_[static_cast<std::size_t>(j * steps() + i)];
      double s = 0.0;
      for (Index q = 0; q < n; ++q) s += w[q];
      dW[j] = s;
    }
  }
  /// dW ← W(t + dt) − W(t); t and t + dt must lie on the fine grid.
  void increment(double t, double dt, Vec& dW) const {
    const Index i = grid_index(t), e = grid_index(t + dt);
    increment_index(i, e - i, dW);
  }
  /// W(t) − W(t0) for t on the fine grid.
  [[nodiscard]] Vec value(double t) const {
    Vec w;
    increment_index(0, grid_index(t), w);
    return w;
  }

  /// The same path on the grid of step h/2 (Brownian bridge; existing increments are kept as sums).
  [[nodiscard]] BrownianPath refined() const {
    BrownianPath r(*this, level_ + 1);
    const Index n = steps();
    std::vector<double> z(static_cast<std::size_t>(n * m_));
    rng_.normals((static_cast<std::uint64_t>(level_ + 1) << 32) | path_, Purpose::aux, 0, n, m_, z.data(), n);
    const double s = std::sqrt(h() / 4.0);
    for (Index j = 0; j < m_; ++j)
      for (Index i = 0; i < n; ++i) {
        const double w = fine(j, i), zz = s * z[static_cast<std::size_t>(j * n + i)];
        r.dw_[static_cast<std::size_t>(j * 2 * n + 2 * i)] = 0.5 * w + zz;
        r.dw_[static_cast<std::size_t>(j * 2 * n + 2 * i + 1)] = w - (0.5 * w + zz);
      }
    return r;
  }

 private:
  BrownianPath(const BrownianPath& coarse, int level)
      : rng_(coarse.rng_),
        path_(coarse.path_),
        t0_(coarse.t0_),
        T_(coarse.T_),
        level_(level),
        m_(coarse.m_),
        dw_(static_cast<std::size_t>(steps() * m_)) {}

  [[nodiscard]] Index grid_index(double t) const {
    const double x = (t - t0_) / h();
    const double r = std::nearbyint(x);
    require(std::abs(x - r) <= 1e-6 && r >= 0.0 && r <= static_cast<double>(steps()),
            "BrownianPath: time not on the path's grid");
    return static_cast<Index>(r);
  }

  CounterRng rng_;
  std::uint32_t path_;
  double t0_, T_;
  int level_;
  Index m_;
  std::vector<double> dw_;  ///< [coordinate][fine step]
};

/// A non-owning NoiseSource over a BrownianPath (hand it to steppers instead of copying the path).
class BrownianPathView {
 public:
  explicit BrownianPathView(const BrownianPath& p) : p_(&p) {}
  [[nodiscard]] Index noise_dim() const { return p_->noise_dim(); }
  void increment(double t, double dt, Vec& dW) const { p_->increment(t, dt, dW); }

 private:
  const BrownianPath* p_;
};

}  // namespace sgdsde
