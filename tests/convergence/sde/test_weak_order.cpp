// Weak order of Euler–Maruyama on Ornstein–Uhlenbeck (exact moments, THEORY §3):
// e(dt) = E[X_N²] − E[X(1)²] with E[X(1)²] = e^{−2h} x0² + (T/h)(1 − e^{−2h}).
// Estimated with a coupled reference: on every Brownian path, the exact-in-law OU transition
// X_{i+1} = a X_i + s ΔW_i/sqrt(h_f) (a = e^{−h h_f}, s² = T(1 − a²)/h) on the finest grid has
// exactly the OU law, so e(dt) = E[f(X_N) − f(X_ref)], whose Monte Carlo error is small because the
// two are driven by the same increments.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "sgdsde/sde/brownian_path.hpp"
#include "sgdsde/stats/linear_fit.hpp"

using namespace sgdsde;

TEST_CASE("weak order of Euler-Maruyama is 1 (OU, second moment)") {
  const double h = 1.0, T = 0.5, x0 = 1.0;  // dX = −hX dt + sqrt(2T) dW
  const int finest = 10;
  const std::vector<int> levels = {3, 4, 5, 6, 7, 8};  // dt = 1/8 … 1/256
  const int paths = 20000;
  const double hf = std::ldexp(1.0, -finest), a = std::exp(-h * hf), s = std::sqrt(T * (1.0 - a * a) / h);
  std::vector<double> sum(levels.size(), 0.0), sum2(levels.size(), 0.0);
  double ref_sum = 0.0, ref_sum2 = 0.0;
  for (int w = 0; w < paths; ++w) {
    const BrownianPath path(CounterRng(2718), static_cast<std::uint32_t>(w), 0.0, 1.0, finest);
    double xr = x0;
    for (Index i = 0; i < path.steps(); ++i) xr = a * xr + s * path.fine(0, i) / std::sqrt(hf);
    ref_sum += xr * xr;
    ref_sum2 += xr * xr * xr * xr;
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const Index n = Index{1} << levels[l], r = path.steps() / n;
      const double dt = 1.0 / static_cast<double>(n), c = std::sqrt(2.0 * T);
      double x = x0;
      Vec dW;
      for (Index k = 0; k < n; ++k) {
        path.increment_index(k * r, r, dW);
        x = x - h * x * dt + c * dW[0];
      }
      const double d = x * x - xr * xr;
      sum[l] += d;
      sum2[l] += d * d;
    }
  }
  const double P = paths;
  // The reference has the exact law: its second moment matches within 5 standard errors.
  const double exact = std::exp(-2.0 * h) * x0 * x0 + (T / h) * (1.0 - std::exp(-2.0 * h));
  const double ref_mean = ref_sum / P, ref_se = std::sqrt((ref_sum2 / P - ref_mean * ref_mean) / (P - 1.0));
  std::printf("OU E[X(1)^2]: reference %.5f, exact %.5f (se %.1e)\n", ref_mean, exact, ref_se);
  CHECK(std::abs(ref_mean - exact) < 5.0 * ref_se);
  std::vector<double> dts, errs;
  std::printf("EM weak errors:");
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const double e = sum[l] / P, se = std::sqrt((sum2[l] / P - e * e) / (P - 1.0));
    std::printf(" dt=2^-%d: %.4e (se %.1e)", levels[l], e, se);
    CHECK(std::abs(e) > 5.0 * se);  // the bias is resolved at every step size
    dts.push_back(std::ldexp(1.0, -levels[l]));
    errs.push_back(std::abs(e));
  }
  const auto fit = stats::fit_loglog(dts, errs);
  std::printf("\nEM weak order: slope %.3f ± %.3f\n", fit.b, fit.se_b);
  CHECK(std::abs(fit.b - 1.0) <= 0.1);
}
