#pragma once
// Gradient flow dΘ/dt = −∇L(Θ) (GD's limit, THEORY §2) with odeint's adaptive Dormand–Prince 5(4)
// (runge_kutta_dopri5) and its dense output, for smooth curves in plots: the state at any list of
// times, the solver stepping at its own pace between them.
#include <boost/numeric/odeint.hpp>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/landscapes/landscape.hpp"

namespace sgdsde {

/// The odeint system x' = −∇L(x) on std::vector<double> states.
template <Landscape L>
class GradientFlowSystem {
 public:
  explicit GradientFlowSystem(const L& landscape)
      : l_(&landscape), x_(landscape.dim()), g_(landscape.dim()) {}
  void operator()(const std::vector<double>& x, std::vector<double>& dxdt, double /*t*/) {
    for (Index j = 0; j < x_.size(); ++j) x_[j] = x[static_cast<std::size_t>(j)];
    l_->gradient(x_, g_);
    for (Index j = 0; j < x_.size(); ++j) dxdt[static_cast<std::size_t>(j)] = -g_[j];
  }

 private:
  const L* l_;
  Vec x_, g_;
};

struct GradientFlowOptions {
  double abs_tol = 1e-10;
  double rel_tol = 1e-10;
  double dt0 = 1e-3;  ///< initial step guess
};

struct GradientFlowResult {
  std::vector<double> times;
  Mat states;             ///< d × times.size(): the state at each requested time
  std::size_t steps = 0;  ///< steps the adaptive solver took
};

/// Solves gradient flow from x0 at times[0] and reports the state at every time of `times`
/// (ascending) through dopri5's dense output.
template <Landscape L>
GradientFlowResult gradient_flow(const L& landscape, const Vec& x0, const std::vector<double>& times,
                                 const GradientFlowOptions& opt = {}) {
  namespace odeint = boost::numeric::odeint;
  require(x0.size() == landscape.dim(), "gradient_flow: x0 has the wrong dimension");
  require(!times.empty(), "gradient_flow: need at least one output time");
  for (std::size_t i = 1; i < times.size(); ++i)
    require(times[i] > times[i - 1], "gradient_flow: times must increase");
  using State = std::vector<double>;
  State x(x0.data(), x0.data() + x0.size());
  GradientFlowResult r;
  r.times = times;
  r.states.resize(landscape.dim(), static_cast<Index>(times.size()));
  Index col = 0;
  auto stepper = odeint::make_dense_output(opt.abs_tol, opt.rel_tol, odeint::runge_kutta_dopri5<State>());
  r.steps = odeint::integrate_times(stepper, GradientFlowSystem<L>(landscape), x, times.begin(), times.end(),
                                    opt.dt0, [&](const State& s, double) {
                                      for (Index j = 0; j < landscape.dim(); ++j)
                                        r.states(j, col) = s[static_cast<std::size_t>(j)];
                                      ++col;
                                    });
  return r;
}

}  // namespace sgdsde
