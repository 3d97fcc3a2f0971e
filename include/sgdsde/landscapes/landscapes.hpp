#pragma once
// Every analytic landscape, and their compile-time list. Adding a landscape = one header, one
// #include and one entry in LandscapeTypes below, one test (docs/adding-a-landscape.md).
// The list is what tests iterate over and what the harness registry maps config names
// (each type's static `config_name`) to.
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sgdsde/landscapes/cover_surface.hpp"
#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/landscapes/flat_sharp_wells.hpp"
#include "sgdsde/landscapes/himmelblau.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/landscapes/log_cosh_wells.hpp"
#include "sgdsde/landscapes/muller_brown.hpp"
#include "sgdsde/landscapes/quadratic.hpp"
#include "sgdsde/landscapes/quartic_saddle.hpp"
#include "sgdsde/landscapes/rosenbrock.hpp"
#include "sgdsde/landscapes/rotated_double_wells.hpp"

namespace sgdsde {

/// All landscape types, in a std::tuple used as a type list.
using LandscapeTypes = std::tuple<Quadratic, DoubleWell, FlatSharpWells, QuarticSaddle, Himmelblau,
                                  Rosenbrock, MullerBrown, LogCoshWells, CoverSurface, RotatedDoubleWells>;

inline constexpr std::size_t landscape_count = std::tuple_size_v<LandscapeTypes>;

namespace detail {
template <class Tuple, class F, std::size_t... I>
constexpr void for_each_type_impl(F&& f, std::index_sequence<I...>) {
  (f(std::type_identity<std::tuple_element_t<I, Tuple>>{}), ...);
}
template <class Tuple, std::size_t... I>
constexpr bool all_landscapes(std::index_sequence<I...>) {
  return (Landscape<std::tuple_element_t<I, Tuple>> && ...);
}
template <class Tuple, std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> config_names(std::index_sequence<I...>) {
  return {std::tuple_element_t<I, Tuple>::config_name...};
}
}  // namespace detail

/// Calls f(std::type_identity<L>{}) for every landscape type L, in list order.
template <class F>
constexpr void for_each_landscape_type(F&& f) {
  detail::for_each_type_impl<LandscapeTypes>(f, std::make_index_sequence<landscape_count>{});
}

/// The config names of all landscape types, in list order.
inline constexpr std::array<std::string_view, landscape_count> landscape_config_names =
    detail::config_names<LandscapeTypes>(std::make_index_sequence<landscape_count>{});

static_assert(detail::all_landscapes<LandscapeTypes>(std::make_index_sequence<landscape_count>{}),
              "every type in LandscapeTypes must model Landscape");
static_assert(ResidualLandscape<FlatSharpWells>);

}  // namespace sgdsde
