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

// Both products are one kernel: out(r, s) = Σ_k A(r, k) · b(k, s), k = 0 … depth − 1, with A
// column-major n × depth (W with depth m; Δ with depth B) and b an accessor for the right operand's
// S columns (X's columns j0 + s; Xᵀ's columns c0 + s, i.e. entry c0 + s of sample k). Output column
// s lies at out + s·n.
template <int S, class In>
struct ColumnsOf {  // b(k, s) = X(k, j0 + s)
  const double* x[S];
  ColumnsOf(In X, Index j0) {
    for (int s = 0; s < S; ++s) x[s] = X.col(j0 + s);
  }
  [[nodiscard]] double operator()(Index k, int s) const { return x[s][k]; }
};
template <class In>
struct RowsOf {  // b(k, s) = X(c0 + s, k)
  In X;
  Index c0;
  [[nodiscard]] double operator()(Index k, int s) const { return X.col(k)[c0 + s]; }
};

// Block shape of the main loops: 8 rows × 6 columns, 12 accumulators (with 2 loaded rows and one
// broadcast, 15 of AVX2's 16 registers). One column alone is a chain of dependent FMAs, so it takes
// 16 rows at a time to keep four chains in flight.
constexpr int kRowVecs = 2, kCols = 6, kSingleRowVecs = 4;

/// Rows r0 … r0 + 4NV − 1 of out's S columns.
template <int NV, int S, class Rhs>
void block(const double* A, Index n, Index depth, const Rhs& b, double* out, Index r0) {
  v4 acc[S][NV];
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) acc[s][v] = splat(0.0);
  for (Index k = 0; k < depth; ++k) {
    v4 a[NV];
    for (int v = 0; v < NV; ++v) a[v] = load(A + k * n + r0 + 4 * v);
    for (int s = 0; s < S; ++s) {
      const v4 bs = splat(b(k, s));
      for (int v = 0; v < NV; ++v) acc[s][v] = fmadd(a[v], bs, acc[s][v]);
    }
  }
  for (int s = 0; s < S; ++s)
    for (int v = 0; v < NV; ++v) store(out + s * n + r0 + 4 * v, acc[s][v]);
}
/// One row r of the same (the rows left over from blocks of four).
template <int S, class Rhs>
void row(const double* A, Index n, Index depth, const Rhs& b, double* out, Index r) {
  double acc[S] = {};
  for (Index k = 0; k < depth; ++k)
    for (int s = 0; s < S; ++s) acc[s] = fmadd(A[k * n + r], b(k, s), acc[s]);
  for (int s = 0; s < S; ++s) out[s * n + r] = acc[s];
}
/// All n rows of out's S columns.
template <int S, class Rhs>
void columns(const double* A, Index n, Index depth, const Rhs& b, double* out) {
  Index r0 = 0;
  if constexpr (S == 1)
    for (; r0 + 4 * kSingleRowVecs <= n; r0 += 4 * kSingleRowVecs)
      block<kSingleRowVecs, 1>(A, n, depth, b, out, r0);
  for (; r0 + 4 * kRowVecs <= n; r0 += 4 * kRowVecs) block<kRowVecs, S>(A, n, depth, b, out, r0);
  for (; r0 + 4 <= n; r0 += 4) block<1, S>(A, n, depth, b, out, r0);
  for (; r0 < n; ++r0) row<S>(A, n, depth, b, out, r0);
}

template <class In>
void product_any(const double* W, Index n, Index m, In X, Index B, double* Z) {
  Index j0 = 0;
  for (; j0 + kCols <= B; j0 += kCols) columns<kCols>(W, n, m, ColumnsOf<kCols, In>(X, j0), Z + j0 * n);
  for (; j0 < B; ++j0) columns<1>(W, n, m, ColumnsOf<1, In>(X, j0), Z + j0 * n);
}
template <class In>
void product_transposed_any(const double* D, Index n, Index B, In X, Index m, double* G) {
  Index c0 = 0;
  for (; c0 + kCols <= m; c0 += kCols) columns<kCols>(D, n, B, RowsOf<In>{X, c0}, G + c0 * n);
  for (; c0 < m; ++c0) columns<1>(D, n, B, RowsOf<In>{X, c0}, G + c0 * n);
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
