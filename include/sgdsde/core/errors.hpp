#pragma once
// Errors a user can cause. The harness turns each into one line on stderr and a non-zero exit.
#include <stdexcept>
#include <string>

namespace sgdsde {

/// Invalid user input: a config key, a value out of range, an unusable path or file.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A numerical method was asked for something it cannot do (singular system, divergence …).
struct NumericalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws InputError(message) unless cond holds.
inline void require(bool cond, const std::string& message) {
  if (!cond) throw InputError(message);
}

}  // namespace sgdsde
