#pragma once
// The mass below a cut (one basin) of a law given as cell masses on equal cells.
#include "sgdsde/core/types.hpp"

namespace sgdsde::stats {

/// Mass of [lo, cut) under cell masses of n equal cells on [lo, hi]: the cells below the cut, and in
/// the cut cell the integral up to the cut of the linear density with the cell's mean and the centred
/// slope of its neighbours. (Spreading the cut cell's mass evenly errs by up to |p'| h²/8, an error
/// that depends on where the cut falls in its cell rather than smoothly on h, so that comparing two
/// resolutions would not estimate it.)
double mass_below(const Vec& cells, double lo, double hi, double cut);

}  // namespace sgdsde::stats
