#include "sgdsde/stats/mass_below.hpp"

#include <algorithm>

namespace sgdsde::stats {

double mass_below(const Vec& cells, double lo, double hi, double cut) {
  const Index n = cells.size();
  const double h = (hi - lo) / static_cast<double>(n);
  double m = 0;
  for (Index i = 0; i < n; ++i) {
    const double c = std::clamp(cut - (lo + h * static_cast<double>(i)), 0.0, h);
    if (c == h) {
      m += cells[i];
    } else if (c > 0.0) {
      const Index l = std::max<Index>(i - 1, 0), r = std::min<Index>(i + 1, n - 1);
      const double slope = r > l ? (cells[r] - cells[l]) / (h * h * static_cast<double>(r - l)) : 0.0;
      m += cells[i] * c / h + slope * c * (c - h) / 2.0;
    }
  }
  return m;
}

}  // namespace sgdsde::stats
