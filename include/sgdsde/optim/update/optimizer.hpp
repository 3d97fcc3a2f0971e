#pragma once
// The optimizer protocol (DESIGN.md, ensmallen-like): hyperparameters in the type, per-run state in
// a nested State, one apply(state, x, g, lr). All six optimizers of the project act coordinate by
// coordinate, so each writes its rule ONCE, as
//   static constexpr int n_moments;                       // state scalars per coordinate
//   void update(double& x, double g, std::array<double, n_moments>& s, double lr, long t) const;
// (t = 1, 2, … the number of this update, for bias corrections), and gets from this header
//   - State = OptimizerState<n_moments> (d × n_moments moments + the update count) and apply(), for
//     single trajectories;
//   - the ensemble form (optim/sgd.hpp): moments in structure-of-arrays rows of a (n_moments·d) × M
//     array, the same update() on each particle, so ensembles and single runs agree bit for bit.
// L2 weight decay (all optimizers): g ← g + λ θ before the rule (PyTorch's `weight_decay`).
#include <array>
#include <concepts>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde {

/// Per-run state of a coordinate-wise optimizer: moments(j, m) is moment m of coordinate j; t is
/// the number of updates applied so far.
template <int NMoments>
struct OptimizerState {
  Mat moments;
  long t = 0;
  OptimizerState() = default;
  explicit OptimizerState(Index d) : moments(Mat::Zero(d, NMoments)) {}
};

template <class O>
concept Optimizer = requires(const O& o, double& x, double g, double lr, long t,
                             std::array<double, O::n_moments>& s, typename O::State& state, Vec& xv,
                             const Vec& gv) {
  { O::n_moments } -> std::convertible_to<int>;
  o.update(x, g, s, lr, t);
  o.apply(state, xv, gv, lr);
  { o.make_state(Index{}) } -> std::same_as<typename O::State>;
};

/// apply() of a coordinate-wise optimizer: one update of every coordinate of x with gradient g.
template <class O>
void apply_coordinatewise(const O& o, OptimizerState<O::n_moments>& state, Vec& x, const Vec& g, double lr) {
  const Index d = x.size();
  require(g.size() == d && state.moments.rows() == d, "optimizer: state, x and g have different sizes");
  const long t = ++state.t;
  std::array<double, O::n_moments> s{};
  for (Index j = 0; j < d; ++j) {
    for (int m = 0; m < O::n_moments; ++m) s[static_cast<std::size_t>(m)] = state.moments(j, m);
    o.update(x[j], g[j], s, lr, t);
    for (int m = 0; m < O::n_moments; ++m) state.moments(j, m) = s[static_cast<std::size_t>(m)];
  }
}

/// Declares State, make_state and apply for a coordinate-wise optimizer (inside its struct).
#define SGDSDE_COORDINATEWISE_OPTIMIZER(NMOMENTS)                                       \
  static constexpr int n_moments = NMOMENTS;                                            \
  using State = ::sgdsde::OptimizerState<NMOMENTS>;                                     \
  [[nodiscard]] State make_state(::sgdsde::Index d) const { return State(d); }          \
  void apply(State& state, ::sgdsde::Vec& x, const ::sgdsde::Vec& g, double lr) const { \
    ::sgdsde::apply_coordinatewise(*this, state, x, g, lr);                             \
  }

}  // namespace sgdsde
