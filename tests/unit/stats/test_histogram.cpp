#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sgdsde/core/rng.hpp"
#include "sgdsde/stats/histogram.hpp"

using namespace sgdsde;
using namespace sgdsde::stats;

TEST_CASE("Histogram1D puts samples in the right bins, closed at hi") {
  Histogram1D h(0.0, 1.0, 4);
  for (double x : {0.0, 0.1, 0.25, 0.26, 0.5, 0.74, 0.99, 1.0, -0.1, 1.2}) h.add(x);
  h.add(std::numeric_limits<double>::quiet_NaN());
  CHECK(h.count(0) == 2);  // 0, 0.1
  CHECK(h.count(1) == 2);  // 0.25, 0.26
  CHECK(h.count(2) == 2);  // 0.5, 0.74
  CHECK(h.count(3) == 2);  // 0.99, 1.0 (x == hi goes to the last bin)
  CHECK(h.underflow() == 1);
  CHECK(h.overflow() == 1);
  CHECK(h.nan_count() == 1);
  CHECK(h.in_range() == 8);
  CHECK(h.total() == 11);
  CHECK(h.bin_of(0.3) == 1);
  CHECK(h.bin_of(-1) == -1);
  CHECK(h.bin_of(2) == 4);
  const Vec e = h.edges(), c = h.centers();
  CHECK(e.size() == 5);
  CHECK(e[0] == 0.0);
  CHECK(e[4] == 1.0);
  CHECK(c[1] == doctest::Approx(0.375));
  CHECK(h.width() == doctest::Approx(0.25));
  // density integrates to the in-range fraction; probabilities_in_range sums to 1
  CHECK(h.density().sum() * h.width() == doctest::Approx(8.0 / 11.0));
  CHECK(h.probabilities_in_range().sum() == doctest::Approx(1.0));
}

TEST_CASE("Histogram1D partial histograms merge exactly") {
  const CounterRng rng(7);
  std::vector<double> xs;
  for (std::uint32_t i = 0; i < 5000; ++i) xs.push_back(rng.normal_pair(i, 0, 0)[0]);
  Histogram1D whole(-3, 3, 37), a(-3, 3, 37), b(-3, 3, 37), c(-3, 3, 37);
  whole.add(xs);
  for (std::size_t i = 0; i < xs.size(); ++i) (i % 3 == 0 ? a : (i % 3 == 1 ? b : c)).add(xs[i]);
  a += b;
  a += c;
  CHECK(a.counts() == whole.counts());
  CHECK(a.underflow() == whole.underflow());
  CHECK(a.overflow() == whole.overflow());
  CHECK(a.total() == 5000);
  Histogram1D other(-3, 3, 36);
  CHECK_THROWS_AS(a += other, InputError);
  a.clear();
  CHECK(a.total() == 0);
}

TEST_CASE("Histogram2D is row-major in x and merges exactly") {
  Histogram2D h(0, 2, 2, 0, 3, 3);
  h.add(0.5, 0.5);  // (0, 0)
  h.add(1.5, 2.5);  // (1, 2)
  h.add(1.5, 2.5);
  h.add(2.0, 3.0);  // top corner → (1, 2)
  h.add(-1, 1);
  h.add(1, std::numeric_limits<double>::quiet_NaN());
  CHECK(h.count(0, 0) == 1);
  CHECK(h.count(1, 2) == 3);
  CHECK(h.counts()[1 * 3 + 2] == 3);
  CHECK(h.outside() == 1);
  CHECK(h.nan_count() == 1);
  CHECK(h.total() == 6);
  const Mat m = h.as_matrix(h.counts_vec());
  CHECK(m(1, 2) == 3.0);
  CHECK(h.density().sum() * h.cell_area() == doctest::Approx(4.0 / 6.0));
  Histogram2D g(0, 2, 2, 0, 3, 3);
  g.add(0.5, 0.5);
  h += g;
  CHECK(h.count(0, 0) == 2);
  CHECK(h.centers_y()[2] == doctest::Approx(2.5));
  CHECK(h.edges_x()[2] == 2.0);
}
