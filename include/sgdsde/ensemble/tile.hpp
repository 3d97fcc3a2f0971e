#pragma once
// Copies between the d × M ensemble (row-major: coordinate j of every particle is one row) and
// contiguous per-particle columns, for the models that step a particle on a contiguous copy (SGD and
// SVAG on a network). A row's `n` particles are read or written as one run of consecutive doubles,
// so a block of particles costs one pass over its cache lines, not one pass per particle.
#include <algorithm>

#include "sgdsde/core/types.hpp"

namespace sgdsde::detail {

/// tile(j, i) = x(j, p0 + i) for i < n (tile has x.rows() rows; its columns n … are left as they are).
inline void load_tile(const Ensemble& x, Index p0, Index n, Mat& tile) {
  const Index rows = x.rows(), ld = x.cols();
  double* out = tile.data();
  if (n == 1) {  // one particle (a network per block): a strided column copy, not d loops of length 1
    const double* col = x.data() + p0;
    if (ld == 1) {
      std::copy(col, col + rows, out);
    } else {
      for (Index j = 0; j < rows; ++j) out[j] = col[j * ld];
    }
    return;
  }
  for (Index j = 0; j < rows; ++j) {
    const double* row = x.data() + j * ld + p0;
    for (Index i = 0; i < n; ++i) out[i * rows + j] = row[i];
  }
}

/// x(j, p0 + i) = tile(j, i) for i < n.
inline void store_tile(const Mat& tile, Index p0, Index n, Ensemble& x) {
  const Index rows = x.rows(), ld = x.cols();
  const double* in = tile.data();
  if (n == 1) {
    double* col = x.data() + p0;
    if (ld == 1) {
      std::copy(in, in + rows, col);
    } else {
      for (Index j = 0; j < rows; ++j) col[j * ld] = in[j];
    }
    return;
  }
  for (Index j = 0; j < rows; ++j) {
    double* row = x.data() + j * ld + p0;
    for (Index i = 0; i < n; ++i) row[i] = in[i * rows + j];
  }
}

}  // namespace sgdsde::detail
