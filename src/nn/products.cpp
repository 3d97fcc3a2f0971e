#include "sgdsde/nn/products.hpp"

#include <cmath>
#include <cstring>
#ifdef __FMA__
#include <immintrin.h>
#endif

namespace sgdsde::nn {

namespace {
// Four doubles (one AVX2 register; GCC/Clang vector extension, so the same source compiles for any
// target). A block keeps NV × S of them as accumulators: NV·4 rows times S columns.
typedef double v4 __attribute__((vector_size(32)));
inline v4 load(const double* p) {
  v4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double* p, v4 v) { std::memcpy(p, &v, sizeof v); }
inline v4 splat(double a) { return v4{a, a, a, a}; }
// acc + a·b with one rounding where the target has FMA (else two, alike in every path). Explicit, as
// the compiler's contraction of a·b + c is a choice it makes per loop: left to it, the one-column
// blocks came out unfused and a sample's result depended on its batch (caught by the unit test).
#ifdef __FMA__
inline v4 fmadd(v4 a, v4 b, v4 acc) {
  return reinterpret_cast<v4>(_mm256_fmadd_pd(reinterpret_cast<__m256d>(a), reinterpret_cast<__m256d>(b),
                                              reinterpret_cast<__m256d>(acc)));
}
inline double fmadd(double a, double b, double acc) { return std::fma(a, b, acc); }
#else
inline v4 fmadd(v4 a, v4 b, v4 acc) { return a * b + acc; }
inline double fmadd(double a, double b, double acc) { return a * b + acc; }
#endif

// The X operand, as one contiguous matrix or as a list of column pointers (a batch read in place
// from the data set): col(j) is column j's first entry.
struct Contiguous {
  const double* X;
  Index m;
  [[nodiscard]] const double* col(Index j) const { return X + j * m; }
};
struct Columns {
  const double* const* X;
  [[nodiscard]] const double* col(Index j) const { return X[j]; }
};

// Block shape of the main loops: 8 rows × 6 columns, 12 accumulators (with 2 loaded rows and one
// broadcast, 15 of AVX2's 16 registers). One column alone is a chain of dependent FMAs, so it takes
// 16 rows at a time to keep four chains in flight.
constexpr int kRowVecs = 2, kCols = 6, kSingleRowVecs = 4;

/// Z(r0 … r0 + 4NV − 1, j0 … j0 + S − 1) = W(rows, :) X(:, cols).
template <int NV, int S, class In>
void product_block(const double* W, Index n, Index m, In X, double* Z, Index r0, Index j0) {
  v4 acc[S][NV];
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) acc[s][v] = splat(0.0);
  const double* x[S];
  for (int s = 0; s < S; ++s) x[s] = X.col(j0 + s);
  for (Index c = 0; c < m; ++c) {
    v4 w[NV];
    for (int v = 0; v < NV; ++v) w[v] = load(W + c * n + r0 + 4 * v);
    for (int s = 0; s < S; ++s) {
      const v4 xs = splat(x[s][c]);
      for (int v = 0; v < NV; ++v) acc[s][v] = fmadd(w[v], xs, acc[s][v]);
    }
  }
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) store(Z + (j0 + s) * n + r0 + 4 * v, acc[s][v]);
}
/// One row r of the same (the rows left over from blocks of four).
template <int S, class In>
void product_row(const double* W, Index n, Index m, In X, double* Z, Index r, Index j0) {
  double acc[S] = {};
  for (Index c = 0; c < m; ++c)
    for (int s = 0; s < S; ++s) acc[s] = fmadd(W[c * n + r], X.col(j0 + s)[c], acc[s]);
  for (int s = 0; s < S; ++s) Z[(j0 + s) * n + r] = acc[s];
}
template <int S, class In>
void product_columns(const double* W, Index n, Index m, In X, double* Z, Index j0) {
  Index r0 = 0;
  if constexpr (S == 1)
    for (; r0 + 4 * kSingleRowVecs <= n; r0 += 4 * kSingleRowVecs)
      product_block<kSingleRowVecs, 1>(W, n, m, X, Z, r0, j0);
  for (; r0 + 4 * kRowVecs <= n; r0 += 4 * kRowVecs) product_block<kRowVecs, S>(W, n, m, X, Z, r0, j0);
  for (; r0 + 4 <= n; r0 += 4) product_block<1, S>(W, n, m, X, Z, r0, j0);
  for (; r0 < n; ++r0) product_row<S>(W, n, m, X, Z, r0, j0);
}

/// G(r0 … r0 + 4NV − 1, c0 … c0 + S − 1) = Δ(rows, :) X(cols, :)ᵀ.
template <int NV, int S, class In>
void transposed_block(const double* D, Index n, Index B, In X, double* G, Index r0, Index c0) {
  v4 acc[S][NV];
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) acc[s][v] = splat(0.0);
  for (Index j = 0; j < B; ++j) {
    v4 d[NV];
    for (int v = 0; v < NV; ++v) d[v] = load(D + j * n + r0 + 4 * v);
    const double* x = X.col(j) + c0;
    for (int s = 0; s < S; ++s) {
      const v4 xs = splat(x[s]);
      for (int v = 0; v < NV; ++v) acc[s][v] = fmadd(d[v], xs, acc[s][v]);
    }
  }
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) store(G + (c0 + s) * n + r0 + 4 * v, acc[s][v]);
}
template <int S, class In>
void transposed_row(const double* D, Index n, Index B, In X, double* G, Index r, Index c0) {
  double acc[S] = {};
  for (Index j = 0; j < B; ++j)
    for (int s = 0; s < S; ++s) acc[s] = fmadd(D[j * n + r], X.col(j)[c0 + s], acc[s]);
  for (int s = 0; s < S; ++s) G[(c0 + s) * n + r] = acc[s];
}
template <int S, class In>
void transposed_columns(const double* D, Index n, Index B, In X, double* G, Index c0) {
  Index r0 = 0;
  for (; r0 + 4 * kRowVecs <= n; r0 += 4 * kRowVecs) transposed_block<kRowVecs, S>(D, n, B, X, G, r0, c0);
  for (; r0 + 4 <= n; r0 += 4) transposed_block<1, S>(D, n, B, X, G, r0, c0);
  for (; r0 < n; ++r0) transposed_row<S>(D, n, B, X, G, r0, c0);
}

template <class In>
void product_any(const double* W, Index n, Index m, In X, Index B, double* Z) {
  Index j0 = 0;
  for (; j0 + kCols <= B; j0 += kCols) product_columns<kCols>(W, n, m, X, Z, j0);
  for (; j0 < B; ++j0) product_columns<1>(W, n, m, X, Z, j0);
}
template <class In>
void product_transposed_any(const double* D, Index n, Index B, In X, Index m, double* G) {
  Index c0 = 0;
  for (; c0 + kCols <= m; c0 += kCols) transposed_columns<kCols>(D, n, B, X, G, c0);
  for (; c0 < m; ++c0) transposed_columns<1>(D, n, B, X, G, c0);
}
}  // namespace

void product(const double* W, Index n, Index m, const double* X, Index B, double* Z) {
  product_any(W, n, m, Contiguous{X, m}, B, Z);
}
void product(const double* W, Index n, Index m, const double* const* X, Index B, double* Z) {
  product_any(W, n, m, Columns{X}, B, Z);
}
void product_transposed(const double* D, Index n, Index B, const double* X, Index m, double* G) {
  product_transposed_any(D, n, B, Contiguous{X, m}, m, G);
}
void product_transposed(const double* D, Index n, Index B, const double* const* X, Index m, double* G) {
  product_transposed_any(D, n, B, Columns{X}, m, G);
}

}  // namespace sgdsde::nn
