// SlicedW1's projection orders (include/sgdsde/stats/distances.hpp), compiled once in the library.
#include "sgdsde/stats/distances.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace sgdsde::stats {

SlicedW1::SlicedW1(const Vec& x, const Vec& y, int directions) : n_(x.size()) {
  require(x.size() == y.size() && x.size() > 0, "SlicedW1: x and y need the same, non-zero size");
  require(directions >= 1, "SlicedW1: need at least one direction");
  dirs_.resize(static_cast<std::size_t>(directions));
  for (int k = 0; k < directions; ++k) {
    const double phi = std::numbers::pi * (k + 0.5) / directions;
    Direction& d = dirs_[static_cast<std::size_t>(k)];
    std::vector<double> t(static_cast<std::size_t>(n_));
    for (Index i = 0; i < n_; ++i)
      t[static_cast<std::size_t>(i)] = std::cos(phi) * x[i] + std::sin(phi) * y[i];
    d.order.resize(static_cast<std::size_t>(n_));
    std::iota(d.order.begin(), d.order.end(), Index{0});
    std::stable_sort(d.order.begin(), d.order.end(), [&](Index a, Index b) {
      return t[static_cast<std::size_t>(a)] < t[static_cast<std::size_t>(b)];
    });
    d.gap.resize(static_cast<std::size_t>(n_));
    for (Index j = 0; j + 1 < n_; ++j)
      d.gap[static_cast<std::size_t>(j)] =
          t[static_cast<std::size_t>(d.order[static_cast<std::size_t>(j + 1)])] -
          t[static_cast<std::size_t>(d.order[static_cast<std::size_t>(j)])];
    d.gap[static_cast<std::size_t>(n_ - 1)] = 0.0;
  }
}

}  // namespace sgdsde::stats
