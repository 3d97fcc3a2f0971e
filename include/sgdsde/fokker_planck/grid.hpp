#pragma once
// Uniform cell-centred grid over an axis-aligned box in Dim dimensions (THEORY §3). Cell k has
// the multi-index (i_0, …, i_{Dim−1}) with axis 0 fastest: k = i_0 + n_0 (i_1 + n_1 (i_2 + …)).
// Cell centres are lo_a + (i_a + ½) h_a, faces sit at lo_a + i_a h_a.
#include <array>
#include <cmath>
#include <string>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::fp {

template <int Dim>
class Grid {
  static_assert(Dim >= 1, "Grid: Dim must be at least 1");

 public:
  using MultiIndex = std::array<Index, Dim>;
  static constexpr int dim = Dim;

  /// n[a] cells along axis a over [box.lo[a], box.hi[a]]. Throws InputError for fewer than 3 cells
  /// along any axis, an empty or non-finite box, or a box of the wrong dimension.
  Grid(const Box& box, const MultiIndex& n) {
    require(box.dim() == Dim, "fokker_planck grid: the box has dimension " + std::to_string(box.dim()) +
                                  ", the grid " + std::to_string(Dim));
    size_ = 1;
    for (int a = 0; a < Dim; ++a) {
      require(n[a] >= 3, "fokker_planck grid: need at least 3 cells along axis " + std::to_string(a) +
                             " (got " + std::to_string(n[a]) + ")");
      require(std::isfinite(box.lo[a]) && std::isfinite(box.hi[a]) && box.hi[a] > box.lo[a],
              "fokker_planck grid: the box must satisfy lo < hi (finite) along axis " + std::to_string(a));
      lo_[a] = box.lo[a];
      hi_[a] = box.hi[a];
      n_[a] = n[a];
      h_[a] = (hi_[a] - lo_[a]) / static_cast<double>(n[a]);
      stride_[a] = size_;
      size_ *= n[a];
    }
  }
  /// The same number of cells along every axis.
  Grid(const Box& box, Index n_each) : Grid(box, filled(n_each)) {}

  [[nodiscard]] Index size() const { return size_; }
  [[nodiscard]] Index cells(int axis) const { return n_[axis]; }
  [[nodiscard]] double spacing(int axis) const { return h_[axis]; }
  [[nodiscard]] double lo(int axis) const { return lo_[axis]; }
  [[nodiscard]] double hi(int axis) const { return hi_[axis]; }
  [[nodiscard]] Index stride(int axis) const { return stride_[axis]; }
  [[nodiscard]] double cell_volume() const {
    double v = 1.0;
    for (int a = 0; a < Dim; ++a) v *= h_[a];
    return v;
  }
  [[nodiscard]] Box box() const {
    Box b{Vec(Dim), Vec(Dim)};
    for (int a = 0; a < Dim; ++a) {
      b.lo[a] = lo_[a];
      b.hi[a] = hi_[a];
    }
    return b;
  }

  [[nodiscard]] Index index(const MultiIndex& i) const {
    Index k = 0;
    for (int a = 0; a < Dim; ++a) k += i[a] * stride_[a];
    return k;
  }
  [[nodiscard]] MultiIndex multi_index(Index k) const {
    MultiIndex i{};
    for (int a = 0; a < Dim; ++a) {
      i[a] = k % n_[a];
      k /= n_[a];
    }
    return i;
  }
  /// Coordinate of the centre of cell i along one axis.
  [[nodiscard]] double centre(int axis, Index i) const {
    return lo_[axis] + (static_cast<double>(i) + 0.5) * h_[axis];
  }
  /// Centre of cell k.
  [[nodiscard]] Vec centre(Index k) const {
    Vec x(Dim);
    const MultiIndex i = multi_index(k);
    for (int a = 0; a < Dim; ++a) x[a] = centre(a, i[a]);
    return x;
  }
  /// The cell containing x (clamped to the grid), or −1 when x lies outside the box.
  [[nodiscard]] Index locate(const Vec& x) const {
    MultiIndex i{};
    for (int a = 0; a < Dim; ++a) {
      if (!(x[a] >= lo_[a] && x[a] <= hi_[a])) return -1;
      i[a] = std::min<Index>(n_[a] - 1, static_cast<Index>(std::floor((x[a] - lo_[a]) / h_[a])));
    }
    return index(i);
  }

 private:
  static MultiIndex filled(Index n) {
    MultiIndex m{};
    m.fill(n);
    return m;
  }
  std::array<double, Dim> lo_{}, hi_{}, h_{};
  MultiIndex n_{}, stride_{};
  Index size_ = 0;
};

}  // namespace sgdsde::fp
