// fp::TransientSolver (include/sgdsde/fokker_planck/transient_solver.hpp): the steps and the
// factorisation cache, compiled once for Dim = 1, 2, 3.
#include "sgdsde/fokker_planck/transient_solver.hpp"

namespace sgdsde::fp {

template <int Dim>
TransientSolver<Dim>::TransientSolver(const FokkerPlanck<Dim>& problem, const Density<Dim>& p0, double dt,
                                      Scheme scheme)
    : fp_(problem), p_(problem.density(p0.values(), p0.time())), scheme_(scheme) {
  require(p0.grid().size() == problem.grid().size(), "fokker_planck transient: p0 lives on another grid");
  set_dt(dt);
}

template <int Dim>
void TransientSolver<Dim>::set_solve_threads(int threads) {
  require(threads == 1 || threads == 2, "fokker_planck transient: solve threads must be 1 or 2");
  solve_threads_ = threads;
  for (auto& f : factors_)
    if (f.lu) f.lu->set_solve_threads(threads);
}

template <int Dim>
void TransientSolver<Dim>::set_dt(double dt) {
  require(std::isfinite(dt) && dt > 0.0, "fokker_planck transient: dt must be > 0");
  if (dt == dt_) return;
  t0_ = p_.time();
  k_ = 0;
  dt_ = dt;
}

template <int Dim>
void TransientSolver<Dim>::step() {
  const double t = time_at(k_), t1 = time_at(k_ + 1);
  Vec& p = p_.values();
  switch (scheme_) {
    case Scheme::implicit_euler: {
      lhs(dt_, factor(t1)).solve(p, next_);
      break;
    }
    case Scheme::crank_nicolson: {
      rhs_.noalias() = matrix(factor(t)) * p;
      rhs_ = p + 0.5 * dt_ * rhs_;
      lhs(0.5 * dt_, factor(t1)).solve(rhs_, next_);
      break;
    }
    case Scheme::tr_bdf2: {
      const double g = 2.0 - std::sqrt(2.0);
      const double c = 0.5 * g * dt_;  // = (1 − γ)/(2 − γ) dt: one matrix for both stages
      rhs_.noalias() = matrix(factor(t)) * p;
      rhs_ = p + c * rhs_;
      lhs(c, factor(t0_ + (static_cast<double>(k_) + g) * dt_)).solve(rhs_, stage_);
      const double w = 1.0 / (g * (2.0 - g));
      rhs_ = w * stage_ - (w * (1.0 - g) * (1.0 - g)) * p;
      lhs(c, factor(t1)).solve(rhs_, next_);
      break;
    }
  }
  p.swap(next_);
  ++k_;
  ++steps_total_;
  p_.set_time(t1);
}

template <int Dim>
long TransientSolver<Dim>::step_index(double t) const {
  const double x = (t - t0_) / dt_;
  const long k = std::lround(x);
  require(std::abs(x - static_cast<double>(k)) <= 1e-9 * std::max(1.0, std::abs(x)),
          "fokker_planck transient: t = " + std::to_string(t) + " is not on the step grid t0 + k dt");
  require(k >= k_, "fokker_planck transient: t = " + std::to_string(t) + " lies in the past");
  return k;
}

template <int Dim>
const SpMat& TransientSolver<Dim>::matrix(double s) {
  for (auto& m : matrices_)
    if (m.first == s) return m.second;
  if (matrices_.size() == 2) matrices_.erase(matrices_.begin());
  matrices_.emplace_back(s, fp_.generator().assemble(s));
  return matrices_.back().second;
}

template <int Dim>
GridLU<Dim>& TransientSolver<Dim>::lhs(double c, double s) {
  ++use_;
  for (auto& f : factors_)
    if (f.lu && f.c == c && f.s == s) {
      f.last_use = use_;
      return *f.lu;
    }
  Factorised* slot = &factors_[0];
  for (auto& f : factors_)
    if (!f.lu || f.last_use < slot->last_use) slot = &f;
  if (!slot->lu) {
    slot->lu = std::make_unique<GridLU<Dim>>(fp_.grid(), fp_.positivity_preserving(), true);
    slot->lu->set_solve_threads(solve_threads_);
  }
  const SpMat& A = matrix(s);
  SpMat I(A.rows(), A.cols());
  I.setIdentity();
  const SpMat M = I - c * A;
  slot->lu->factorize(M);
  slot->c = c;
  slot->s = s;
  slot->last_use = use_;
  ++factorisations_;
  return *slot->lu;
}

template class TransientSolver<1>;
template class TransientSolver<2>;
template class TransientSolver<3>;

}  // namespace sgdsde::fp
