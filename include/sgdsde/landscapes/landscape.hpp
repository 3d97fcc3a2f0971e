#pragma once
// The Landscape concept (DESIGN.md) and the ground truth every landscape carries: its box and
// its critical points, from which experiments read their predictions.
#include <concepts>
#include <string>
#include <vector>

#include "sgdsde/core/types.hpp"

namespace sgdsde {

enum class CriticalKind { minimum, saddle, maximum };

inline const char* to_string(CriticalKind k) {
  switch (k) {
    case CriticalKind::minimum: return "minimum";
    case CriticalKind::saddle: return "saddle";
    case CriticalKind::maximum: return "maximum";
  }
  return "?";
}

struct CriticalPoint {
  Vec location;
  CriticalKind kind;
  double value;
};

/// An axis-aligned box [lo, hi] (default domain for plots and Fokker–Planck).
struct Box {
  Vec lo, hi;
  [[nodiscard]] Index dim() const { return lo.size(); }
  [[nodiscard]] bool contains(const Vec& x) const {
    return ((x.array() >= lo.array()) && (x.array() <= hi.array())).all();
  }
};

template <class L>
concept Landscape = requires(const L& l, const Vec& x, Vec& g, Mat& H) {
  { l.dim() } -> std::convertible_to<Index>;
  { l.value(x) } -> std::convertible_to<double>;
  l.gradient(x, g);
  l.hessian(x, H);
  { l.box() } -> std::convertible_to<Box>;
  { l.critical_points() } -> std::convertible_to<std::vector<CriticalPoint>>;
  { l.name() } -> std::convertible_to<std::string>;
};

/// A landscape written as L = ½ f² through a residual f (label-noise models, THEORY §1):
/// its minima are the roots of f, all of depth 0, with Hessian ∇f ∇fᵀ there.
template <class L>
concept ResidualLandscape = Landscape<L> && requires(const L& l, const Vec& x, Vec& g, Mat& H) {
  { l.residual(x) } -> std::convertible_to<double>;
  l.residual_gradient(x, g);
  l.residual_hessian(x, H);
};

}  // namespace sgdsde
