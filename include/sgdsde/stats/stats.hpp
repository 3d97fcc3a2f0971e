#pragma once
// Statistics (namespace sgdsde::stats) and theory predictions (namespace sgdsde::theory).
#include "sgdsde/stats/distances.hpp"       // TV, KL, Hellinger, KS, W1 (1-D), sliced W1 (2-D)
#include "sgdsde/stats/first_passage.hpp"   // first-passage summaries with censoring
#include "sgdsde/stats/histogram.hpp"       // Histogram1D, Histogram2D
#include "sgdsde/stats/linear_fit.hpp"      // y = a + b x with standard errors
#include "sgdsde/stats/multinomial.hpp"     // alias-method multinomial draws through CounterRng
#include "sgdsde/stats/order_fit.hpp"       // weighted least squares, chi2/dof, Birge ratio, order fits
#include "sgdsde/stats/sample_stats.hpp"    // RunningStats, covariance, quantiles
#include "sgdsde/stats/sampling_floor.hpp"  // finite-sample floors, bootstrap
#include "sgdsde/stats/theory.hpp"
