#pragma once
// Small helpers shared by the Fokker–Planck unit and convergence tests: boxes and the 1-D Gaussian
// density (the exact OU transient, THEORY §3).
#include <cmath>
#include <numbers>

#include "sgdsde/core/types.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde::test {

inline Box box1(double lo, double hi) { return {Vec::Constant(1, lo), Vec::Constant(1, hi)}; }
inline Box box2(double lo0, double hi0, double lo1, double hi1) {
  Vec lo(2), hi(2);
  lo << lo0, lo1;
  hi << hi0, hi1;
  return {lo, hi};
}
/// The normal density of mean m and variance v at x.
inline double gaussian(double x, double m, double v) {
  return std::exp(-0.5 * (x - m) * (x - m) / v) / std::sqrt(2.0 * std::numbers::pi * v);
}

}  // namespace sgdsde::test
