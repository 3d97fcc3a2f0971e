#pragma once
// The two matrix products that carry the perceptron's cost (src/nn/mlp.cpp): Z = W X (a layer's
// forward pass, W n × m) and G = Δ Xᵀ (its weight gradient), with n a layer width (16 in the seed's
// network) and m or the batch B the long dimension. Eigen's general kernel blocks rows by 12 (AVX2)
// and packs both operands on every call, which leaves a 16-row layer at about half the speed of the
// register-blocked loops here (bench/network_throughput; docs/benchmarks.md).
//
// Every entry is one sum in a fixed order, accumulated from zero with one fused multiply-add per term:
// Z(r, j) = Σ_c W(r, c) X(c, j) over c = 0 … m − 1, G(r, c) = Σ_j Δ(r, j) X(c, j) over j = 0 … B − 1.
// So a sample's forward pass is bitwise the same in any batch and at any position in it, whatever
// blocking the loops use. All matrices are column-major and contiguous (leading dimension = rows);
// X may instead be given as B column pointers (each column m contiguous doubles), so that a batch is
// read where it lies in the data set rather than copied first.
#include "sgdsde/core/types.hpp"

namespace sgdsde::nn {

/// Z (n × B) = W (n × m) · X (m × B).
void product(const double* W, Index n, Index m, const double* X, Index B, double* Z);
/// The same with X's columns at X[0] … X[B − 1].
void product(const double* W, Index n, Index m, const double* const* X, Index B, double* Z);

/// G (n × m) = Δ (n × B) · Xᵀ, X being m × B.
void product_transposed(const double* D, Index n, Index B, const double* X, Index m, double* G);
/// The same with X's columns at X[0] … X[B − 1].
void product_transposed(const double* D, Index n, Index B, const double* const* X, Index m, double* G);

}  // namespace sgdsde::nn
