#pragma once
// Fused ensemble steppers for overdamped Langevin dΘ = −∇L dt + sqrt(2T(t)) dW on a landscape,
// modelling EnsembleModel (ensemble/model.hpp) so that the shared runner and observers drive them:
//   Euler–Maruyama        θ ← θ − ∇L(θ) dt + sqrt(2T dt) ξ_k;
//   Leimkuhler–Matthews   θ ← θ − ∇L(θ) dt + sqrt(2T dt) (ξ_k + ξ_{k+1})/2   (stationary error O(dt²)).
// Per block: the normals are drawn in bulk into per-thread scratch (EnsembleNormals), then one
// vectorisable update loop runs over the particles (structure of arrays). 1-D landscapes with a
// scalar derivative1(w) and 2-D ones with gradient2(x, y, gx, gy) use those inline forms; other
// landscapes fall back to gradient(Vec, Vec) per particle. T = T(t_k) at t_k = t0 + k·dt.
// Both schemes consume the same noise stream ξ_0, ξ_1, … (common random numbers).
#include <cmath>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/ensemble/model.hpp"
#include "sgdsde/landscapes/landscape.hpp"
#include "sgdsde/sde/ensemble_noise.hpp"
#include "sgdsde/sde/langevin.hpp"

namespace sgdsde {

enum class LangevinScheme { euler_maruyama, leimkuhler_matthews };

inline const char* to_string(LangevinScheme s) {
  return s == LangevinScheme::euler_maruyama ? "euler_maruyama" : "leimkuhler_matthews";
}

template <Landscape L, class Temperature = ConstantTemperature>
class EnsembleLangevin {
 public:
  struct Scratch {
    Ensemble z;  ///< normals of one block (rows × block)
    Vec xp, gp;  ///< one particle (generic landscapes)
  };

  EnsembleLangevin(L landscape, Temperature T, double dt, CounterRng rng,
                   LangevinScheme scheme = LangevinScheme::euler_maruyama, double t0 = 0.0)
      : landscape_(std::move(landscape)),
        temperature_(std::move(T)),
        dt_(dt),
        t0_(t0),
        scheme_(scheme),
        d_(landscape_.dim()),
        noise_(rng, landscape_.dim()) {
    require(dt > 0.0 && std::isfinite(dt), "ensemble langevin: dt must be positive");
  }
  EnsembleLangevin(L landscape, double T, double dt, CounterRng rng,
                   LangevinScheme scheme = LangevinScheme::euler_maruyama,
                   double t0 = 0.0) requires std::same_as<Temperature, ConstantTemperature>
      : EnsembleLangevin(std::move(landscape), ConstantTemperature{T}, dt, rng, scheme, t0) {}

  [[nodiscard]] Index dim() const { return d_; }
  [[nodiscard]] double dt() const { return dt_; }
  [[nodiscard]] LangevinScheme scheme() const { return scheme_; }
  [[nodiscard]] double time(long k) const { return t0_ + static_cast<double>(k) * dt_; }
  [[nodiscard]] const L& landscape() const { return landscape_; }

  void prepare(Index M) {
    noise_.prepare(M);
    if (scheme_ == LangevinScheme::leimkuhler_matthews) prev_.resize(d_, M);
  }
  [[nodiscard]] Scratch make_scratch(Index n) const {
    Scratch s;
    s.z.resize(noise_.scratch_rows(), n);
    s.xp.resize(d_);
    s.gp.resize(d_);
    return s;
  }

  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    const double T = temperature_(time(k));
    const double c = std::sqrt(2.0 * T * dt_);
    Index ld = 0;
    if (scheme_ == LangevinScheme::euler_maruyama) {
      const double* z = noise_.get(k, first, count, s.z.data(), s.z.cols(), ld);
      update(x, first, count, z, ld, nullptr, 0, c, s);
      return;
    }
    // Leimkuhler–Matthews: ξ_k kept per particle, ξ_{k+1} drawn now.
    const Index M = prev_.cols();
    if (k == 0) {
      const double* z0 = noise_.get(0, first, count, s.z.data(), s.z.cols(), ld);
      for (Index r = 0; r < d_; ++r)
        for (Index i = 0; i < count; ++i) prev_(r, first + i) = z0[r * ld + i];
    }
    const double* z1 = noise_.get(k + 1, first, count, s.z.data(), s.z.cols(), ld);
    update(x, first, count, z1, ld, prev_.data() + first, M, c, s);
    for (Index r = 0; r < d_; ++r)
      for (Index i = 0; i < count; ++i) prev_(r, first + i) = z1[r * ld + i];
  }

 private:
  /// x ← x − dt ∇L(x) + c·ξ with ξ = z (EM) or (z + zp)/2 (LM, zp ≠ nullptr).
  void update(Ensemble& x, Index first, Index count, const double* z, Index ld, const double* zp, Index ldp,
              double c, Scratch& s) const {
    const Index M = x.cols();
    const double dt = dt_;
    const L& l = landscape_;
    const double h = zp ? 0.5 * c : c;
    if constexpr (requires(const L& ll, double w) { ll.derivative1(w); }) {
      if (d_ == 1) {
        double* xr = x.data() + first;
        if (zp) {
#pragma omp simd
          for (Index i = 0; i < count; ++i) xr[i] = xr[i] - dt * l.derivative1(xr[i]) + h * (z[i] + zp[i]);
        } else {
#pragma omp simd
          for (Index i = 0; i < count; ++i) xr[i] = xr[i] - dt * l.derivative1(xr[i]) + h * z[i];
        }
        return;
      }
    }
    if constexpr (requires(const L& ll, double a, double& g) { ll.gradient2(a, a, g, g); }) {
      if (d_ == 2) {
        double* xr = x.data() + first;
        double* yr = x.data() + M + first;
        const double* zx = z;
        const double* zy = z + ld;
        if (zp) {
          const double* px = zp;
          const double* py = zp + ldp;
#pragma omp simd
          for (Index i = 0; i < count; ++i) {
            double gx, gy;
            l.gradient2(xr[i], yr[i], gx, gy);
            xr[i] = xr[i] - dt * gx + h * (zx[i] + px[i]);
            yr[i] = yr[i] - dt * gy + h * (zy[i] + py[i]);
          }
        } else {
#pragma omp simd
          for (Index i = 0; i < count; ++i) {
            double gx, gy;
            l.gradient2(xr[i], yr[i], gx, gy);
            xr[i] = xr[i] - dt * gx + h * zx[i];
            yr[i] = yr[i] - dt * gy + h * zy[i];
          }
        }
        return;
      }
    }
    for (Index i = 0; i < count; ++i) {
      const Index p = first + i;
      for (Index r = 0; r < d_; ++r) s.xp[r] = x(r, p);
      l.gradient(s.xp, s.gp);
      for (Index r = 0; r < d_; ++r) {
        const double xi = zp ? z[r * ld + i] + zp[r * ldp + i] : z[r * ld + i];
        x(r, p) = s.xp[r] - dt * s.gp[r] + h * xi;
      }
    }
  }

  L landscape_;
  Temperature temperature_;
  double dt_, t0_;
  LangevinScheme scheme_;
  Index d_;
  EnsembleNormals noise_;
  Ensemble prev_;  ///< LM: ξ_k per particle
};

/// Euler–Maruyama for any SdeProblem on an ensemble (e.g. SME with a state-dependent Σ_B):
/// per particle, X ← X + b dt + G sqrt(dt) ξ_k. General but not fused; use EnsembleLangevin
/// for Langevin on analytic landscapes.
template <class Problem>
class EnsembleEulerMaruyama {
 public:
  struct Scratch {
    Ensemble z;
    Vec xp, b, xi, gdw;
    Mat G;
  };
  EnsembleEulerMaruyama(Problem problem, double dt, CounterRng rng, double t0 = 0.0)
      : problem_(std::move(problem)), dt_(dt), t0_(t0), noise_(rng, problem_.noise_dim()) {
    require(dt > 0.0 && std::isfinite(dt), "ensemble euler-maruyama: dt must be positive");
  }
  [[nodiscard]] Index dim() const { return problem_.dim(); }
  [[nodiscard]] double time(long k) const { return t0_ + static_cast<double>(k) * dt_; }
  void prepare(Index M) { noise_.prepare(M); }
  [[nodiscard]] Scratch make_scratch(Index n) const {
    Scratch s;
    s.z.resize(noise_.scratch_rows(), n);
    s.xp.resize(dim());
    s.xi.resize(problem_.noise_dim());
    return s;
  }
  void step(Ensemble& x, Index first, Index count, long k, Scratch& s) {
    Index ld = 0;
    const double* z = noise_.get(k, first, count, s.z.data(), s.z.cols(), ld);
    const double t = time(k), sq = std::sqrt(dt_);
    const Index d = dim(), m = problem_.noise_dim();
    for (Index i = 0; i < count; ++i) {
      const Index p = first + i;
      for (Index r = 0; r < d; ++r) s.xp[r] = x(r, p);
      for (Index r = 0; r < m; ++r) s.xi[r] = sq * z[r * ld + i];
      problem_.drift(s.xp, t, s.b);
      problem_.diffusion(s.xp, t, s.G);
      apply_diffusion(problem_.noise_kind(), s.G, s.xi, s.gdw);
      for (Index r = 0; r < d; ++r) x(r, p) = s.xp[r] + dt_ * s.b[r] + s.gdw[r];
    }
  }

 private:
  Problem problem_;
  double dt_, t0_;
  EnsembleNormals noise_;
};

}  // namespace sgdsde
