#include "sgdsde/harness/negative_control.hpp"

#include "sgdsde/core/errors.hpp"

namespace sgdsde {

const std::vector<std::string>& negative_control_names() {
  static const std::vector<std::string> names{"none",
                                              "temperature_x2",
                                              "temperature_x1.1",
                                              "temperature_x0.9",
                                              "no_finite_population",
                                              "kramers_no_prefactor",
                                              "continuous_lyapunov"};
  return names;
}

std::string to_string(NegativeControl c) { return negative_control_names().at(static_cast<std::size_t>(c)); }

NegativeControl negative_control_from_string(std::string_view name) {
  const auto& names = negative_control_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<NegativeControl>(i);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw InputError("--control: '" + std::string(name) + "' is not one of " + list);
}

}  // namespace sgdsde
