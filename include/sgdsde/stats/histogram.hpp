#pragma once
// Uniform-bin histograms for hot loops: add(x) is inline, branch-light and never allocates.
// Counts are int64, so per-thread partial histograms merge exactly (operator+=) whatever the
// thread count. Samples outside [lo, hi] go to underflow / overflow, NaN to a counter of its own;
// x == hi falls into the last bin (the range is closed).
//
// Normalisation: probabilities() divides by total() = in-range + underflow + overflow + NaN, so
// the mass that fell outside the range stays visible (probabilities sum to in_range()/total()).
// Use probabilities_in_range() for a distribution over the bins alone.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

/// Uniform bins on [lo, hi].
class Histogram1D {
 public:
  Histogram1D(double lo, double hi, Index bins)
      : lo_(lo), hi_(hi), bins_(bins), inv_width_(0.0), counts_(static_cast<std::size_t>(bins), 0) {
    require(bins >= 1, "Histogram1D: need at least one bin");
    require(std::isfinite(lo) && std::isfinite(hi) && hi > lo, "Histogram1D: need finite lo < hi");
    inv_width_ = static_cast<double>(bins) / (hi - lo);
  }

  /// Count one sample. Inline and allocation-free.
  void add(double x) {
    if (x >= lo_ && x <= hi_) {
      auto i = static_cast<Index>((x - lo_) * inv_width_);
      if (i >= bins_) i = bins_ - 1;  // x == hi (or rounding at the top edge)
      ++counts_[static_cast<std::size_t>(i)];
    } else if (x < lo_) {
      ++underflow_;
    } else if (x > hi_) {
      ++overflow_;
    } else {
      ++nan_;
    }
  }
  void add(std::span<const double> xs) {
    for (double x : xs) add(x);
  }

  /// Merge another histogram with the same geometry (exact: integer counts).
  Histogram1D& operator+=(const Histogram1D& o) {
    require(same_geometry(o), "Histogram1D::operator+=: different bins");
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    underflow_ += o.underflow_;
    overflow_ += o.overflow_;
    nan_ += o.nan_;
    return *this;
  }
  [[nodiscard]] bool same_geometry(const Histogram1D& o) const {
    return lo_ == o.lo_ && hi_ == o.hi_ && bins_ == o.bins_;
  }
  void clear() {
    std::fill(counts_.begin(), counts_.end(), 0);
    underflow_ = overflow_ = nan_ = 0;
  }
  /// f(span) on every integer counter (the bins, then underflow, overflow, NaN): to sum histograms
  /// kept elsewhere, e.g. on other MPI ranks.
  template <class F>
  void visit_counters(F&& f) {
    f(std::span<std::int64_t>(counts_));
    for (std::int64_t* c : {&underflow_, &overflow_, &nan_}) f(std::span<std::int64_t>(c, 1));
  }

  [[nodiscard]] double lo() const { return lo_; }
  [[nodiscard]] double hi() const { return hi_; }
  [[nodiscard]] Index bins() const { return bins_; }
  [[nodiscard]] double width() const { return (hi_ - lo_) / static_cast<double>(bins_); }
  [[nodiscard]] std::int64_t count(Index i) const { return counts_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] const std::vector<std::int64_t>& counts() const { return counts_; }
  [[nodiscard]] std::int64_t underflow() const { return underflow_; }
  [[nodiscard]] std::int64_t overflow() const { return overflow_; }
  [[nodiscard]] std::int64_t nan_count() const { return nan_; }
  [[nodiscard]] std::int64_t in_range() const {
    std::int64_t s = 0;
    for (auto c : counts_) s += c;
    return s;
  }
  [[nodiscard]] std::int64_t total() const { return in_range() + underflow_ + overflow_ + nan_; }

  /// Bin index of x (−1 below, bins() above or NaN), the same rule as add().
  [[nodiscard]] Index bin_of(double x) const {
    if (x >= lo_ && x <= hi_) return std::min(static_cast<Index>((x - lo_) * inv_width_), bins_ - 1);
    return x < lo_ ? -1 : bins_;
  }

  /// bins()+1 edges lo + i·width (the last one is exactly hi).
  [[nodiscard]] Vec edges() const {
    Vec e(bins_ + 1);
    for (Index i = 0; i <= bins_; ++i)
      e[i] = lo_ + (hi_ - lo_) * static_cast<double>(i) / static_cast<double>(bins_);
    e[bins_] = hi_;
    return e;
  }
  [[nodiscard]] Vec centers() const {
    Vec c(bins_);
    for (Index i = 0; i < bins_; ++i)
      c[i] = lo_ + (hi_ - lo_) * (static_cast<double>(i) + 0.5) / static_cast<double>(bins_);
    return c;
  }
  /// Raw counts as doubles.
  [[nodiscard]] Vec counts_vec() const {
    Vec v(bins_);
    for (Index i = 0; i < bins_; ++i) v[i] = static_cast<double>(counts_[static_cast<std::size_t>(i)]);
    return v;
  }
  /// counts / total() (all samples, including those outside the range); zeros if empty.
  [[nodiscard]] Vec probabilities() const { return normalised(static_cast<double>(total())); }
  /// counts / in_range(): a distribution over the bins alone; zeros if empty.
  [[nodiscard]] Vec probabilities_in_range() const { return normalised(static_cast<double>(in_range())); }
  /// probabilities() / width(): integrates to the in-range fraction.
  [[nodiscard]] Vec density() const { return probabilities() / width(); }

 private:
  [[nodiscard]] Vec normalised(double n) const {
    Vec p = counts_vec();
    if (n > 0) p /= n;
    return p;
  }
  double lo_, hi_;
  Index bins_;
  double inv_width_;
  std::vector<std::int64_t> counts_;
  std::int64_t underflow_ = 0, overflow_ = 0, nan_ = 0;
};

/// Uniform bins on [xlo, xhi] × [ylo, yhi]; counts stored row-major with x the row:
/// flat index ix·ny + iy. Points outside the box (in either coordinate) count as `outside`.
class Histogram2D {
 public:
  Histogram2D(double xlo, double xhi, Index nx, double ylo, double yhi, Index ny)
      : xlo_(xlo),
        xhi_(xhi),
        ylo_(ylo),
        yhi_(yhi),
        nx_(nx),
        ny_(ny),
        counts_(static_cast<std::size_t>(nx * ny), 0) {
    require(nx >= 1 && ny >= 1, "Histogram2D: need at least one bin per axis");
    require(std::isfinite(xlo) && std::isfinite(xhi) && xhi > xlo && std::isfinite(ylo) &&
                std::isfinite(yhi) && yhi > ylo,
            "Histogram2D: need finite lo < hi on both axes");
    inv_wx_ = static_cast<double>(nx) / (xhi - xlo);
    inv_wy_ = static_cast<double>(ny) / (yhi - ylo);
  }

  /// The flat index (ix · ny + iy) of the bin holding (x, y), −1 outside the range (or NaN).
  [[nodiscard]] Index bin_of(double x, double y) const {
    if (!(x >= xlo_ && x <= xhi_ && y >= ylo_ && y <= yhi_)) return -1;
    const Index ix = std::min(static_cast<Index>((x - xlo_) * inv_wx_), nx_ - 1);
    const Index iy = std::min(static_cast<Index>((y - ylo_) * inv_wy_), ny_ - 1);
    return ix * ny_ + iy;
  }
  void add(double x, double y) {
    if (const Index k = bin_of(x, y); k >= 0) {
      ++counts_[static_cast<std::size_t>(k)];
    } else if (std::isnan(x) || std::isnan(y)) {
      ++nan_;
    } else {
      ++outside_;
    }
  }

  Histogram2D& operator+=(const Histogram2D& o) {
    require(same_geometry(o), "Histogram2D::operator+=: different bins");
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    outside_ += o.outside_;
    nan_ += o.nan_;
    return *this;
  }
  [[nodiscard]] bool same_geometry(const Histogram2D& o) const {
    return xlo_ == o.xlo_ && xhi_ == o.xhi_ && ylo_ == o.ylo_ && yhi_ == o.yhi_ && nx_ == o.nx_ &&
           ny_ == o.ny_;
  }
  void clear() {
    std::fill(counts_.begin(), counts_.end(), 0);
    outside_ = nan_ = 0;
  }
  /// f(span) on every integer counter (the cells, then outside, NaN).
  template <class F>
  void visit_counters(F&& f) {
    f(std::span<std::int64_t>(counts_));
    for (std::int64_t* c : {&outside_, &nan_}) f(std::span<std::int64_t>(c, 1));
  }

  [[nodiscard]] Index nx() const { return nx_; }
  [[nodiscard]] Index ny() const { return ny_; }
  [[nodiscard]] Index size() const { return nx_ * ny_; }
  [[nodiscard]] double xlo() const { return xlo_; }
  [[nodiscard]] double xhi() const { return xhi_; }
  [[nodiscard]] double ylo() const { return ylo_; }
  [[nodiscard]] double yhi() const { return yhi_; }
  [[nodiscard]] double width_x() const { return (xhi_ - xlo_) / static_cast<double>(nx_); }
  [[nodiscard]] double width_y() const { return (yhi_ - ylo_) / static_cast<double>(ny_); }
  [[nodiscard]] double cell_area() const { return width_x() * width_y(); }
  [[nodiscard]] std::int64_t count(Index ix, Index iy) const {
    return counts_[static_cast<std::size_t>(ix * ny_ + iy)];
  }
  [[nodiscard]] const std::vector<std::int64_t>& counts() const { return counts_; }
  [[nodiscard]] std::int64_t outside() const { return outside_; }
  [[nodiscard]] std::int64_t nan_count() const { return nan_; }
  [[nodiscard]] std::int64_t in_range() const {
    std::int64_t s = 0;
    for (auto c : counts_) s += c;
    return s;
  }
  [[nodiscard]] std::int64_t total() const { return in_range() + outside_ + nan_; }

  [[nodiscard]] Vec edges_x() const { return edges(xlo_, xhi_, nx_); }
  [[nodiscard]] Vec edges_y() const { return edges(ylo_, yhi_, ny_); }
  [[nodiscard]] Vec centers_x() const { return centers(xlo_, xhi_, nx_); }
  [[nodiscard]] Vec centers_y() const { return centers(ylo_, yhi_, ny_); }

  /// Flat (ix·ny + iy) counts as doubles.
  [[nodiscard]] Vec counts_vec() const {
    Vec v(size());
    for (Index i = 0; i < size(); ++i) v[i] = static_cast<double>(counts_[static_cast<std::size_t>(i)]);
    return v;
  }
  /// Flat counts / total() (all samples); zeros if empty.
  [[nodiscard]] Vec probabilities() const { return normalised(static_cast<double>(total())); }
  /// Flat counts / in_range(); zeros if empty.
  [[nodiscard]] Vec probabilities_in_range() const { return normalised(static_cast<double>(in_range())); }
  /// probabilities() / cell_area(), flat.
  [[nodiscard]] Vec density() const { return probabilities() / cell_area(); }
  /// The flat vector v shaped nx × ny (row ix, column iy).
  [[nodiscard]] Mat as_matrix(const Vec& flat) const {
    require(flat.size() == size(), "Histogram2D::as_matrix: wrong size");
    Mat m(nx_, ny_);
    for (Index ix = 0; ix < nx_; ++ix)
      for (Index iy = 0; iy < ny_; ++iy) m(ix, iy) = flat[ix * ny_ + iy];
    return m;
  }

 private:
  static Vec edges(double lo, double hi, Index n) {
    Vec e(n + 1);
    for (Index i = 0; i <= n; ++i) e[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n);
    e[n] = hi;
    return e;
  }
  static Vec centers(double lo, double hi, Index n) {
    Vec c(n);
    for (Index i = 0; i < n; ++i)
      c[i] = lo + (hi - lo) * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    return c;
  }
  [[nodiscard]] Vec normalised(double n) const {
    Vec p = counts_vec();
    if (n > 0) p /= n;
    return p;
  }
  double xlo_, xhi_, ylo_, yhi_;
  Index nx_, ny_;
  double inv_wx_ = 0.0, inv_wy_ = 0.0;
  std::vector<std::int64_t> counts_;
  std::int64_t outside_ = 0, nan_ = 0;
};

}  // namespace sgdsde::stats
