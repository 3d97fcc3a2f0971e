// Generic checks run on every landscape of LandscapeTypes (and on parameter variants).
#include <doctest/doctest.h>

#include <tuple>
#include <type_traits>

#include "landscape_checks.hpp"
#include "sgdsde/landscapes/landscapes.hpp"

using namespace sgdsde;
using namespace sgdsde::test;

static_assert(Landscape<Quadratic>);
static_assert(Landscape<DoubleWell>);
static_assert(Landscape<FlatSharpWells> && ResidualLandscape<FlatSharpWells>);
static_assert(Landscape<QuarticSaddle>);
static_assert(Landscape<Himmelblau>);
static_assert(Landscape<Rosenbrock>);
static_assert(Landscape<MullerBrown>);
static_assert(Landscape<LogCoshWells>);
static_assert(Landscape<CoverSurface>);
static_assert(Landscape<RotatedDoubleWells>);

namespace {
Quadratic dense_quadratic(Index d) {
  Mat A(d, d);
  for (Index i = 0; i < d; ++i)
    for (Index j = 0; j < d; ++j)
      A(i, j) = std::sin(1.0 + 3.0 * static_cast<double>(i) + 7.0 * static_cast<double>(j));
  Vec c(d);
  for (Index i = 0; i < d; ++i) c[i] = 0.5 * std::cos(static_cast<double>(i));
  return Quadratic(A.transpose() * A + 0.5 * Mat::Identity(d, d), c);
}
}  // namespace

TEST_CASE("every type of LandscapeTypes passes the generic checks") {
  // One instance per listed type: the static_assert keeps this list in step with LandscapeTypes.
  const std::tuple<Quadratic, DoubleWell, FlatSharpWells, QuarticSaddle, Himmelblau, Rosenbrock, MullerBrown,
                   LogCoshWells, CoverSurface, RotatedDoubleWells>
      instances{dense_quadratic(3), DoubleWell(),  FlatSharpWells(), QuarticSaddle(), Himmelblau(),
                Rosenbrock(),       MullerBrown(), LogCoshWells(),   CoverSurface(),  RotatedDoubleWells(3)};
  static_assert(std::is_same_v<std::remove_const_t<decltype(instances)>, LandscapeTypes>);
  std::apply([](const auto&... l) { (check_landscape(l), ...); }, instances);
  CHECK(landscape_config_names.size() == landscape_count);
  int n = 0;
  for_each_landscape_type([&](auto t) {
    using L = typename decltype(t)::type;
    CHECK(landscape_config_names[static_cast<std::size_t>(n++)] == L::config_name);
  });
  CHECK(n == static_cast<int>(landscape_count));
}

TEST_CASE("parameter variants pass the generic checks") {
  SUBCASE("quadratic") {
    check_landscape(Quadratic::diagonal(Vec::Constant(1, 3.0), Vec::Constant(1, 0.7)));
    check_landscape(Quadratic::isotropic(2, 0.5));
    check_landscape(dense_quadratic(2));
    check_landscape(dense_quadratic(8));
  }
  SUBCASE("tilted double well") {
    check_landscape(DoubleWell(0.5));
    check_landscape(DoubleWell(-1.2));
  }
  SUBCASE("flat/sharp wells") {
    for (double r : {1.0, 2.0, 10.0, 40.0}) check_landscape(FlatSharpWells(r));
  }
  SUBCASE("quartic saddle") { check_landscape(QuarticSaddle(2.0, 0.5, 3.0)); }
  SUBCASE("rosenbrock") {
    check_landscape(Rosenbrock(-1.5, 10.0));
    check_landscape(Rosenbrock(3.0, 100.0));
  }
  SUBCASE("muller-brown scaled") { check_landscape(MullerBrown(0.05)); }
  SUBCASE("log-cosh wells") {
    check_landscape(LogCoshWells(2));
    check_landscape(LogCoshWells(5));
    check_landscape(LogCoshWells(40), 7, 4);
  }
  SUBCASE("rotated double wells") {
    check_landscape(RotatedDoubleWells(1));
    check_landscape(RotatedDoubleWells(2, 0.5, 2.0));
    check_landscape(RotatedDoubleWells(60, 0.5, 4.0), 9, 4);
  }
}

TEST_CASE("rotated double wells in d = 1000: derivatives and critical points") {
  const RotatedDoubleWells l(1000, 0.5, 2.0);
  check_derivatives(l, 77, 1);
  check_critical_points(l, /*max_eig_dim=*/0);  // kinds checked below through the z coordinates
}

TEST_CASE("complete lists: a Newton search from a grid finds exactly the listed points") {
  check_list_complete(DoubleWell());
  check_list_complete(DoubleWell(1.0));
  check_list_complete(FlatSharpWells(1.0), 201);
  check_list_complete(FlatSharpWells(40.0), 201);
  check_list_complete(QuarticSaddle(0.5, 2.0, 1.0));
  check_list_complete(Himmelblau());
  check_list_complete(Rosenbrock());
  check_list_complete(MullerBrown());
  check_list_complete(LogCoshWells(2));
  check_list_complete(CoverSurface(), 51);
  check_list_complete(RotatedDoubleWells(2, 0.5, 2.0));
  check_list_complete(Quadratic::isotropic(2, 1.0), 5);
}
