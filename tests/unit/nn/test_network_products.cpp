// The layer products Z = W X and G = Δ Xᵀ (nn/products.hpp) against Eigen's, over shapes that take
// every path (blocks of 8 and 4 rows, single rows; blocks of 6 columns and single ones), the same bits
// from column pointers as from a contiguous matrix, and the property the network relies on: a
// column's result does not depend on the batch around it.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "sgdsde/core/types.hpp"
#include "sgdsde/nn/products.hpp"

using namespace sgdsde;

namespace {
Mat filled(Index r, Index c, double phase) {
  Mat A(r, c);
  for (Index j = 0; j < c; ++j)
    for (Index i = 0; i < r; ++i)
      A(i, j) = std::sin(phase + 0.37 * static_cast<double>(i) + 1.91 * static_cast<double>(j));
  return A;
}
}  // namespace

TEST_CASE("layer products agree with Eigen's, and a column's result is independent of its batch") {
  for (const Index n : {1, 3, 4, 5, 8, 11, 16, 17})
    for (const Index m : {1, 6, 13, 50})
      for (const Index B : {1, 5, 6, 7, 13}) {
        const Mat W = filled(n, m, 0.1), X = filled(m, B, 0.7), D = filled(n, B, 1.3);
        Mat Z(n, B), G(n, m);
        nn::product(W.data(), n, m, X.data(), B, Z.data());
        nn::product_transposed(D.data(), n, B, X.data(), m, G.data());
        const Mat Ze = W * X, Ge = D * X.transpose();
        CHECK((Z - Ze).cwiseAbs().maxCoeff() <= 1e-13 * (1.0 + Ze.cwiseAbs().maxCoeff()));
        CHECK((G - Ge).cwiseAbs().maxCoeff() <= 1e-13 * (1.0 + Ge.cwiseAbs().maxCoeff()));
        // Columns given by pointers (read in place, here in reverse order) give the same bits.
        std::vector<const double*> cols;
        Mat Xr(m, B);
        for (Index j = 0; j < B; ++j) {
          Xr.col(B - 1 - j) = X.col(j);
          cols.push_back(Xr.col(B - 1 - j).data());
        }
        Mat Zp(n, B), Gp(n, m);
        nn::product(W.data(), n, m, cols.data(), B, Zp.data());
        nn::product_transposed(D.data(), n, B, cols.data(), m, Gp.data());
        CHECK(std::memcmp(Zp.data(), Z.data(), static_cast<std::size_t>(Z.size()) * sizeof(double)) == 0);
        CHECK(std::memcmp(Gp.data(), G.data(), static_cast<std::size_t>(G.size()) * sizeof(double)) == 0);
        // Each column alone (a batch of one) gives the same bits as inside the batch.
        for (Index j = 0; j < B; ++j) {
          Vec z(n);
          nn::product(W.data(), n, m, X.col(j).data(), 1, z.data());
          CHECK(std::memcmp(z.data(), Z.col(j).data(), static_cast<std::size_t>(n) * sizeof(double)) == 0);
        }
      }
}
