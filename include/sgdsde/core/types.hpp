#pragma once
// The numeric types every header speaks in (DESIGN.md: Vec = Eigen::VectorXd …).
#include <Eigen/Core>
#include <cstdint>

namespace sgdsde {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using Index = Eigen::Index;
/// Structure-of-arrays ensemble state: one row per coordinate, one column per particle (d × M).
using Ensemble = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace sgdsde
