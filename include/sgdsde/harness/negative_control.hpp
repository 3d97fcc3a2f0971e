#pragma once
// Negative controls (`--control NAME`): the experiment runs SGD exactly as usual but computes its
// predictions from a deliberately wrong theory, so that one can count which checks notice. SGD
// itself (η, B, the data, the minibatch draws) is never changed; everything the theory supplies is:
// the matched parameters (T = ησ²/(2B), D = ηΣ_B/2) of every continuous model run beside SGD (SDE
// ensembles, Fokker–Planck, Gibbs laws, EM-chain laws, quadratures), and the named formulas.
//
//   temperature_x2        T and D doubled: the seed report's √(2ηΣ) noise convention
//   temperature_x1.1      T and D 10% too high
//   temperature_x0.9      T and D 10% too low
//   no_finite_population  Σ_B = Σ₁/B also without replacement (the (N−B)/(N−1) factor dropped)
//   kramers_no_prefactor  Kramers' law without its prefactor: τ = exp(ΔL/T)
//   continuous_lyapunov   the continuous Lyapunov solution where the discrete one is the prediction
//
// A check that passes under a control that changes its prediction cannot tell that error from the
// truth: scripts/controls counts them per experiment (docs/stats.md, "Power").
#include <string>
#include <string_view>
#include <vector>

namespace sgdsde {

enum class NegativeControl {
  none,
  temperature_x2,
  temperature_x1_1,
  temperature_x0_9,
  no_finite_population,
  kramers_no_prefactor,
  continuous_lyapunov
};

/// The names accepted by --control, in the order above.
[[nodiscard]] const std::vector<std::string>& negative_control_names();
[[nodiscard]] std::string to_string(NegativeControl c);
/// InputError naming the accepted values for an unknown name.
[[nodiscard]] NegativeControl negative_control_from_string(std::string_view name);

/// What the predictions of a run assume; every experiment asks it for the matched parameters of its
/// continuous models and for the formulas a control replaces.
class Theory {
 public:
  Theory() = default;
  explicit Theory(NegativeControl c) : control_(c) {}

  [[nodiscard]] NegativeControl control() const { return control_; }
  [[nodiscard]] bool is_control() const { return control_ != NegativeControl::none; }

  /// The factor the controls put on T and D (1 without a temperature control).
  [[nodiscard]] double temperature_factor() const {
    switch (control_) {
      case NegativeControl::temperature_x2: return 2.0;
      case NegativeControl::temperature_x1_1: return 1.1;
      case NegativeControl::temperature_x0_9: return 0.9;
      default: return 1.0;
    }
  }
  /// The temperature (or diffusion) the continuous models and predictions use for SGD's true `T`.
  [[nodiscard]] double temperature(double T) const { return temperature_factor() * T; }
  /// Σ_B's sampling factor c (Σ_B = c Σ₁/B) as the predictions use it: 1 under no_finite_population.
  [[nodiscard]] double batch_noise_factor(double c) const {
    return control_ == NegativeControl::no_finite_population ? 1.0 : c;
  }
  /// Whether Kramers' law keeps its prefactor.
  [[nodiscard]] bool kramers_prefactor() const { return control_ != NegativeControl::kramers_no_prefactor; }
  /// Whether the stationary covariance of SGD on a quadratic is the discrete Lyapunov solution (true)
  /// or the continuous one (the control).
  [[nodiscard]] bool discrete_lyapunov() const { return control_ != NegativeControl::continuous_lyapunov; }

 private:
  NegativeControl control_ = NegativeControl::none;
};

}  // namespace sgdsde
