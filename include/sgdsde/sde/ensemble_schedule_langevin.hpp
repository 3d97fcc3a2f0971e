#pragma once
// Langevin dΘ = −∇L dt + sqrt(2T(t)) dW with the temperature following a learning-rate schedule,
// T(t) = η(t) σ²/(2B) (THEORY §2), integrated by Euler–Maruyama ON THE SCHEDULE'S OWN TIME GRID
// t_k = Σ_{j<k} η_j (DESIGN.md), so that its states sit at exactly the times of SGD step k.
//
// Several resolutions are advanced together with ONE Brownian path (common random numbers):
// resolution r takes n_r equal substeps of dt = η_k / n_r inside [t_k, t_{k+1}) (n_r divides
// n_fine = max n_r). Per step k, n_fine·d standard normals z_f are drawn (CounterRng, noise index
// k·n_fine + f, Purpose::increment); substep q of resolution r uses the Brownian increment
// sqrt(dt) Σ_{f in q's n_fine/n_r slots} z_f / sqrt(n_fine/n_r). With n_r = 1 this is exactly the SGD
// chain with Gaussian noise θ ← θ − η_k ∇L + η_k σ/√B ξ; larger n_r approach the SDE, and the
// differences between resolutions (paired, hence precise) measure EM's O(dt) weak error.
//
// The state is stacked: rows r·d … r·d + d − 1 hold resolution r (an EnsembleModel of dimension
// R·d, so the shared runner and observers drive it).
#include <cmath>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/optim/schedule/schedule.hpp"

namespace sgdsde {

template <Landscape L, Schedule S>
class EnsembleScheduleLangevin {
 public:
  struct Scratch {
    Ensemble z;  ///< (n_fine·d) × block normals
    Vec xp, gp;
  };

  /// temperature_factor = σ²/(2B) (T_k = η_k · factor); substeps: n_r per resolution, each
  /// dividing the largest.
  EnsembleScheduleLangevin(L landscape, S schedule, double temperature_factor, std::vector<int> substeps,
                           long n_steps, CounterRng rng)
      : landscape_(std::move(landscape)),
        schedule_(std::move(schedule)),
        factor_(temperature_factor),
        substeps_(std::move(substeps)),
        d_(landscape_.dim()),
        clock_(schedule_, n_steps),
        rng_(rng) {
    require(temperature_factor >= 0.0, "schedule langevin: the temperature factor must be >= 0");
    require(!substeps_.empty(), "schedule langevin: need at least one resolution");
    for (int n : substeps_) n_fine_ = std::max(n_fine_, n);
    for (int n : substeps_)
      require(n >= 1 && n_fine_ % n == 0, "schedule langevin: every substep count must divide the largest");
  }

  [[nodiscard]] Index dim() const { return d_ * static_cast<Index>(substeps_.size()); }
  [[nodiscard]] Index landscape_dim() const { return d_; }
  [[nodiscard]] const std::vector<int>& substeps() const { return substeps_; }
  [[nodiscard]] double time(long k) const { return clock_.time(k); }
  void prepare(Index /*M*/) {}
  [[nodiscard]] Scratch make_scratch(Index n) const {
    Scratch s;
    s.z.resize(static_cast<Index>(n_fine_) * d_, n);
    s.xp.resize(d_);
    s.gp.resize(d_);
    return s;
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double eta = schedule_(k), T = factor_ * eta;
    const Index ld = s.z.cols();
    for (int f = 0; f < n_fine_; ++f)
      rng_.normals(
          static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(n_fine_) + static_cast<std::uint64_t>(f),
          Purpose::increment, static_cast<std::uint32_t>(first), count, d_, s.z.data() + f * d_ * ld, ld);
    for (std::size_t r = 0; r < substeps_.size(); ++r) {
      const int n = substeps_[r], m = n_fine_ / n;
      const double dt = eta / n, amp = std::sqrt(2.0 * T * dt) / std::sqrt(static_cast<double>(m));
      const Index row0 = static_cast<Index>(r) * d_;
      for (Index i = 0; i < count; ++i) {
        const Index p = first + i;
        for (Index j = 0; j < d_; ++j) s.xp[j] = x(row0 + j, p);
        for (int q = 0; q < n; ++q) {
          landscape_.gradient(s.xp, s.gp);
          for (Index j = 0; j < d_; ++j) {
            double w = 0.0;
            for (int f = q * m; f < (q + 1) * m; ++f) w += s.z(f * d_ + j, i);
            s.xp[j] += -dt * s.gp[j] + amp * w;
          }
        }
        for (Index j = 0; j < d_; ++j) x(row0 + j, p) = s.xp[j];
      }
    }
  }

 private:
  L landscape_;
  S schedule_;
  double factor_;
  std::vector<int> substeps_;
  int n_fine_ = 1;
  Index d_;
  ScheduleClock clock_;
  CounterRng rng_;
};

}  // namespace sgdsde
