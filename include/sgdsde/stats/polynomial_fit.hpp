#pragma once
// Extrapolation to x = 0 by least squares: the intercept of a polynomial fit, with the weights that
// make it a linear combination of the data (to carry the data's own errors through the fit).
#include <utility>
#include <vector>

namespace sgdsde::stats {

/// Intercept at x = 0 of the least-squares polynomial of degree `deg` through (x_i, y_i), and the
/// weights w_i with intercept = Σ w_i y_i.
std::pair<double, std::vector<double>> polynomial_intercept(const std::vector<double>& x,
                                                            const std::vector<double>& y, int deg);

}  // namespace sgdsde::stats
