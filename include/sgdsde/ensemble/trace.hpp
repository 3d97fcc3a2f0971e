#pragma once
// Ensemble mean, standard deviation and quantiles over time of scalar functionals of the state
// (loss, gradient norm, …).
//
// Means are exact over all live particles: per-block partial sums reduced in block order, so
// they are bitwise identical for any thread count. Quantiles are exact over a fixed subset, the
// first `quantile_particles` particles, whose values are kept (quantiles of 10⁶ values per record
// would need them all).
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

/// F: callable void(const Ensemble& x, Index p, double* out) writing names.size() values.
template <class F>
class Trace {
 public:
  Trace(std::vector<std::string> names, F f, RecordPlan plan, Index quantile_particles = 4096,
        std::vector<double> probabilities = {0.05, 0.25, 0.5, 0.75, 0.95})
      : names_(std::move(names)),
        f_(std::move(f)),
        plan_(plan),
        q_particles_(quantile_particles),
        probs_(std::move(probabilities)) {}

  void begin(const ObserverContext& c) {
    require(!names_.empty() && names_.size() <= 16, "trace: between 1 and 16 functionals");
    n_steps_ = c.n_steps;
    steps_ = plan_.steps(c.n_steps);
    n_blocks_ = c.n_blocks;
    q_particles_ = std::min(q_particles_, c.particles);
    const std::size_t R = steps_.size(), n = names_.size();
    partial_.assign(static_cast<std::size_t>(n_blocks_) * R * n * 3, 0.0);
    kept_.assign(R * n * static_cast<std::size_t>(q_particles_), std::numeric_limits<double>::quiet_NaN());
  }

  [[nodiscard]] long next_record(long k) const { return plan_.next(k, n_steps_); }
  void observe(const Ensemble& x, const BlockView& v, long k) {
    if (!plan_.records(k, n_steps_)) return;
    const std::size_t r = static_cast<std::size_t>(plan_.slot(k)), n = names_.size(), R = steps_.size();
    double* acc = &partial_[((static_cast<std::size_t>(v.block) * R) + r) * n * 3];
    double out[16] = {};
    for (Index p = v.first; p < v.first + v.count; ++p) {
      if (!v.alive(p)) continue;
      f_(x, p, out);
      for (std::size_t i = 0; i < n; ++i) {
        acc[3 * i] += 1.0;
        acc[3 * i + 1] += out[i];
        acc[3 * i + 2] += out[i] * out[i];
        if (p < q_particles_)
          kept_[(r * n + i) * static_cast<std::size_t>(q_particles_) + static_cast<std::size_t>(p)] = out[i];
      }
    }
  }

  /// Per-block sums are copied from the rank that ran the block; kept values from the particle's rank.
  void share_across_ranks(const RankLayout& L) {
    ranks::gather_owned(std::span<double>(partial_),
                        L.block_items(static_cast<Index>(steps_.size() * names_.size() * 3)));
    ranks::merge_changed(std::span<double>(kept_), std::numeric_limits<double>::quiet_NaN());
  }

  /// Checkpoints: the blocks' sums and their particles' kept values.
  void save(std::span<const BlockView> blocks, checkpoint::Writer& w) const {
    visit(
        blocks, [&](std::size_t at, std::size_t n) { w.put(std::span<const double>(&partial_[at], n)); },
        [&](std::size_t at, std::size_t n) { w.put(std::span<const double>(&kept_[at], n)); });
  }
  void restore(std::span<const BlockView> blocks, checkpoint::Reader& r) {
    visit(
        blocks, [&](std::size_t at, std::size_t n) { r.get(std::span<double>(&partial_[at], n)); },
        [&](std::size_t at, std::size_t n) { r.get(std::span<double>(&kept_[at], n)); });
  }

  void end() {
    const std::size_t R = steps_.size(), n = names_.size(), Q = probs_.size();
    count_.assign(R * n, 0.0);
    mean_.assign(R * n, 0.0);
    sd_.assign(R * n, 0.0);
    quantiles_.assign(R * n * Q, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t i = 0; i < n; ++i) {
        double c = 0, s = 0, s2 = 0;
        for (Index b = 0; b < n_blocks_; ++b) {  // block order: thread-count independent
          const double* acc = &partial_[((static_cast<std::size_t>(b) * R) + r) * n * 3 + 3 * i];
          c += acc[0];
          s += acc[1];
          s2 += acc[2];
        }
        const std::size_t ri = r * n + i;
        count_[ri] = c;
        mean_[ri] = c > 0 ? s / c : std::numeric_limits<double>::quiet_NaN();
        sd_[ri] = c > 1 ? std::sqrt(std::max(0.0, (s2 - s * s / c) / (c - 1)))
                        : std::numeric_limits<double>::quiet_NaN();
        std::vector<double> vals;
        for (Index p = 0; p < q_particles_; ++p) {
          const double val = kept_[ri * static_cast<std::size_t>(q_particles_) + static_cast<std::size_t>(p)];
          if (!std::isnan(val)) vals.push_back(val);
        }
        std::sort(vals.begin(), vals.end());
        for (std::size_t q = 0; q < Q && !vals.empty(); ++q) {
          // Linear interpolation between order statistics (type 7, NumPy's default).
          const double h = probs_[q] * static_cast<double>(vals.size() - 1);
          const auto lo = static_cast<std::size_t>(std::floor(h));
          const std::size_t hi = std::min(lo + 1, vals.size() - 1);
          quantiles_[ri * Q + q] = vals[lo] + (h - static_cast<double>(lo)) * (vals[hi] - vals[lo]);
        }
      }
  }

  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] const std::vector<long>& steps() const { return steps_; }
  [[nodiscard]] const std::vector<double>& probabilities() const { return probs_; }
  /// [record][functional], over live particles.
  [[nodiscard]] const std::vector<double>& mean() const { return mean_; }
  [[nodiscard]] const std::vector<double>& sd() const { return sd_; }
  [[nodiscard]] const std::vector<double>& count() const { return count_; }
  /// [record][functional][probability], over the first quantile_particles particles.
  [[nodiscard]] const std::vector<double>& quantiles() const { return quantiles_; }

 private:
  /// Calls sums(offset, n) and kept(offset, n) on the ranges of partial_ and kept_ owned by each block.
  template <class Sums, class Kept>
  void visit(std::span<const BlockView> blocks, Sums&& sums, Kept&& kept) const {
    const std::size_t per_block = steps_.size() * names_.size() * 3,
                      Q = static_cast<std::size_t>(q_particles_);
    for (const BlockView& v : blocks) {
      if (per_block > 0) sums(static_cast<std::size_t>(v.block) * per_block, per_block);
      const Index hi = std::min(v.first + v.count, q_particles_);
      if (v.first >= hi) continue;
      for (std::size_t ri = 0; ri < steps_.size() * names_.size(); ++ri)
        kept(ri * Q + static_cast<std::size_t>(v.first), static_cast<std::size_t>(hi - v.first));
    }
  }
  std::vector<std::string> names_;
  F f_;
  RecordPlan plan_;
  Index q_particles_;
  std::vector<double> probs_;
  long n_steps_ = 0;
  Index n_blocks_ = 0;
  std::vector<long> steps_;
  std::vector<double> partial_, kept_, count_, mean_, sd_, quantiles_;
};

}  // namespace sgdsde
