#pragma once
// Time stepping of dp/dt = A(t) p (FokkerPlanck<Dim>) with a sparse LU of I − c A factorised once
// per (c, time factor s) and reused for every step; a time-dependent D (temperature schedule)
// re-assembles and re-factorises only when s(t) changes. Time is t₀ + k·dt, never accumulated.
//   implicit_euler   (I − dt A₊) p' = p                                   order 1, L-stable, p ≥ 0 (SG)
//   crank_nicolson   (I − dt/2 A₊) p' = (I + dt/2 A) p                    order 2, A-stable, not monotone
//   tr_bdf2          TR to t + γ dt, then BDF2 (γ = 2 − √2, one matrix)   order 2, L-stable, not monotone
// Every scheme conserves the mass exactly (the columns of A sum to zero) up to round-off.
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/fokker_planck/fokker_planck.hpp"

namespace sgdsde::fp {

enum class Scheme { implicit_euler, crank_nicolson, tr_bdf2 };

inline const char* to_string(Scheme s) {
  switch (s) {
    case Scheme::implicit_euler: return "implicit_euler";
    case Scheme::crank_nicolson: return "crank_nicolson";
    case Scheme::tr_bdf2: return "tr_bdf2";
  }
  return "?";
}

template <int Dim>
class TransientSolver {
 public:
  /// Starts from p0 at time p0.time() with step dt > 0. The problem must outlive the solver.
  TransientSolver(const FokkerPlanck<Dim>& problem, const Density<Dim>& p0, double dt,
                  Scheme scheme = Scheme::implicit_euler);

  [[nodiscard]] const Density<Dim>& density() const { return p_; }
  [[nodiscard]] double time() const { return p_.time(); }
  [[nodiscard]] double dt() const { return dt_; }
  [[nodiscard]] Scheme scheme() const { return scheme_; }
  /// Number of LU factorisations so far (tests check the reuse).
  [[nodiscard]] long factorisations() const { return factorisations_; }
  [[nodiscard]] long steps() const { return steps_total_; }

  /// Threads of each linear solve (1 or 2, default 1; GridLU::set_solve_threads): two only pay
  /// on an otherwise idle machine, and the results are the same bit for bit.
  void set_solve_threads(int threads);

  /// Changes the step; the time grid restarts at the current time.
  void set_dt(double dt);

  /// One step of the current dt.
  void step();
  /// One step of size dt (re-factorises when dt changes).
  void step(double dt) {
    set_dt(dt);
    step();
  }

  /// Steps until time t, which must lie on the step grid t₀ + k dt (k ≥ current k).
  void advance_to(double t) {
    advance_to(t, [](const Density<Dim>&) {});
  }
  /// The same, calling observer(density()) after every step.
  template <class Observer>
  void advance_to(double t, Observer&& observer) {
    const long target = step_index(t);
    while (k_ < target) {
      step();
      observer(static_cast<const Density<Dim>&>(p_));
    }
  }
  /// Calls observer(density()) at each requested time (increasing, on the step grid; the current
  /// time included if requested).
  template <class Observer>
  void integrate_times(const std::vector<double>& times, Observer&& observer) {
    for (const double t : times) {
      advance_to(t);
      observer(static_cast<const Density<Dim>&>(p_));
    }
  }

 private:
  struct Factorised {
    double c = 0.0, s = 0.0;
    long last_use = 0;
    std::unique_ptr<GridLU<Dim>> lu;
  };

  [[nodiscard]] double time_at(long k) const { return t0_ + static_cast<double>(k) * dt_; }
  [[nodiscard]] double factor(double t) const {
    return fp_.diffusion().time_dependent() ? fp_.diffusion().factor(t) : 1.0;
  }
  long step_index(double t) const;

  /// A(s), cached for the last two factors.
  const SpMat& matrix(double s);
  /// The factorised I − c A(s); the two most recent are kept (a pattern's analysis is reused).
  GridLU<Dim>& lhs(double c, double s);

  const FokkerPlanck<Dim>& fp_;
  Density<Dim> p_;
  Scheme scheme_;
  double dt_ = 0.0, t0_ = 0.0;
  long k_ = 0, steps_total_ = 0, factorisations_ = 0, use_ = 0;
  int solve_threads_ = 1;
  std::vector<std::pair<double, SpMat>> matrices_;
  std::array<Factorised, 2> factors_;
  Vec next_, rhs_, stage_;
};

// Compiled once, in the library (src/fokker_planck/transient_solver.cpp), for Dim = 1, 2, 3.
extern template class TransientSolver<1>;
extern template class TransientSolver<2>;
extern template class TransientSolver<3>;

}  // namespace sgdsde::fp
