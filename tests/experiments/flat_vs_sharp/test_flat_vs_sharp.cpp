// Smoke test of the flat_vs_sharp experiment: the quick profile runs, its file is valid (provenance,
// raw groups) and its headline checks exist and passed (docs/experiments/flat_vs_sharp.md).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "experiments/quick_profile.hpp"

TEST_CASE("flat_vs_sharp: quick profile runs and its headline checks pass") {
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("flat_vs_sharp"));
  sgdsde::test::check_provenance(r, "flat_vs_sharp");
  for (const char* d :
       {"/sgd/tau_flat", "/sgd/tau_sharp", "/sgd/flat_occupation", "/sde/tau_flat", "/isotropic/tau_flat",
        "/theory/tau_flat_quadrature", "/theory/flat_mass_stationary", "/fokker_planck/flat_mass",
        "/sgd/trajectories", "/landscape/loss", "/sgd/flat_occupation_t", "/fokker_planck/flat_mass_t",
        "/theory/flat_mass_chain_t", "/sgd/relaxation_rate", "/activated/sgd_tau_flat",
        "/activated/tau_sharp_quadrature", "/activated/tau_flat_xie", "/activated/barrier_over_D_sharp"})
    CHECK_MESSAGE(r.is_dataset(d), d);

  const std::vector<std::string> headline = {"slope of ln(tau_flat/tau_sharp) vs B/eta, SGD: > 5 se",
                                             "slope SGD vs continuous quadrature",
                                             "slope isotropic vs isotropic quadrature",
                                             "slope SGD minus slope isotropic: > 5 se",
                                             "no censored escape runs",
                                             "B=2: flat occupation SGD vs chain invariant",
                                             "B=4: ln tau_flat SGD vs Gaussian chain",
                                             "B=4: ln tau_sharp SGD vs Gaussian chain",
                                             "B=3: flat occupation at t = 1 t_rel, SGD - FP vs chain - FP",
                                             "B=4: relaxation rate: SGD - FP vs chain - FP",
                                             "activated B=5: ln tau_flat SGD vs continuous quadrature",
                                             "activated B=5: ln tau_sharp SGD vs continuous quadrature",
                                             "activated B=5: ln tau_sharp SGD vs Gaussian chain",
                                             "activated B=5: Delta L / D at both minima >= 5"};
  sgdsde::test::check_all_passed(r.read_checks(), headline);
}
