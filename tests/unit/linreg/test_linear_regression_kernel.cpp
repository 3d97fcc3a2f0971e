// The grouped batch gradient of LinearRegression (noise/linear_regression.hpp: detail::dot_group,
// detail::axpy_group, in the order batch_gradient documents) against a long-double reference within
// a bound derived from the operands; its defined order (bitwise the portable scalar description);
// and the SGD ensemble on linear regression against run_sgd and across thread counts.
#include <doctest/doctest.h>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/noise/linear_regression.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/adam.hpp"
#include "sgdsde/optim/update/sgd.hpp"

using namespace sgdsde;

namespace {
bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// The documented order of dot_group written out in scalars: lane l = j mod 8 accumulates FMAs,
/// then ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
double documented_dot(const double* a, const double* x, Index d) {
  double acc[8] = {};
  for (Index j = 0; j < d; ++j) acc[j % 8] = std::fma(a[j], x[j], acc[j % 8]);
  return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

/// batch_gradient's documented order written out in scalars: groups of 8, one of 4, then singles;
/// per group the residuals, then g_j = fma(r_c, a_c,j, g_j) in batch order; g /= B.
Vec documented_batch_gradient(const LinearRegression& f, const Vec& x, std::span<const Index> batch) {
  const Index d = f.dim();
  Vec g = Vec::Zero(d);
  std::size_t b = 0;
  const auto group = [&](std::size_t n) {
    double r[8];
    for (std::size_t c = 0; c < n; ++c) {
      const Index i = batch[b + c];
      r[c] = documented_dot(f.inputs().col(i).data(), x.data(), d) - f.labels()[i];
    }
    for (Index j = 0; j < d; ++j)
      for (std::size_t c = 0; c < n; ++c) g[j] = std::fma(r[c], f.inputs()(j, batch[b + c]), g[j]);
    b += n;
  };
  while (b + 8 <= batch.size()) group(8);
  if (b + 4 <= batch.size()) group(4);
  while (b < batch.size()) group(1);
  g /= static_cast<double>(batch.size());
  return g;
}
}  // namespace

TEST_CASE("dot_group<8>, <4>, <1>: within d·ε·Σ|a_j x_j| of a long-double dot, and the documented order") {
  const CounterRng rng(11);
  constexpr double eps = std::numeric_limits<double>::epsilon() / 2;  // unit round-off
  Index checked = 0, out_of_bound = 0, not_documented = 0;
  for (Index d = 1; d <= 130; ++d) {
    const Mat a = detail::data_normals(rng, d, 9, 0);
    const Vec x = detail::data_normals(rng, d, 1, 100).col(0) * 3.0;
    const double* cols[8];
    for (int c = 0; c < 8; ++c) cols[c] = a.col(c + 1).data();  // unaligned columns when d is odd
    double r8[8], r4[4], r1 = 0.0;
    detail::dot_group<8>(cols, x.data(), d, r8);
    detail::dot_group<4>(cols + 4, x.data(), d, r4);
    detail::dot_group<1>(cols + 7, x.data(), d, &r1);
    for (int c = 0; c < 8; ++c) {
      long double exact = 0.0L, abs_sum = 0.0L;
      for (Index j = 0; j < d; ++j) {
        const long double p = static_cast<long double>(a(j, c + 1)) * static_cast<long double>(x[j]);
        exact += p;
        abs_sum += std::fabs(p);
      }
      // Any summation order of d products (FMA or not) errs by at most γ_d Σ|a_j x_j|, γ_d ≈ d·u.
      const auto bound = static_cast<long double>(static_cast<double>(d) * eps * 1.01) * abs_sum;
      out_of_bound += std::fabs(static_cast<long double>(r8[c]) - exact) > bound;
      const double doc = documented_dot(cols[c], x.data(), d);
      not_documented += !same_bits(r8[c], doc);
      if (c >= 4) not_documented += !same_bits(r4[c - 4], doc);
      if (c == 7) not_documented += !same_bits(r1, doc);
      ++checked;
    }
  }
  CHECK(checked == 130 * 8);
  CHECK(out_of_bound == 0);
  CHECK(not_documented == 0);
}

TEST_CASE("batch_gradient: the documented order, and within the round-off bound of a long-double sum") {
  constexpr double eps = std::numeric_limits<double>::epsilon() / 2;
  for (const Index d : {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 101}) {
    CAPTURE(d);
    const Vec w = Vec::LinSpaced(d, -1.0, 2.0);
    const LinearRegression f(d + 60, w, 0.3, 4);
    const BatchSampler sampler(f.num_samples(), 40, Sampling::with_replacement, 8);
    auto scratch = sampler.make_scratch();
    std::vector<Index> batch(40);
    Vec x = Vec::LinSpaced(d, 0.5, -1.5), g(d);
    for (long k = 0; k < 3; ++k) {  // three points along a descent (the test also runs under ASan)
      sampler.sample(3, k, std::span<Index>(batch), scratch);
      for (const std::size_t B : {1, 3, 4, 7, 8, 12, 13, 16, 31, 32, 33, 40}) {
        CAPTURE(B);
        const std::span<const Index> b(batch.data(), B);
        f.batch_gradient(x, b, g);
        CHECK(same_bits(g, documented_batch_gradient(f, x, b)));
        // Reference in long double: r_i exact-ish, then g_j = (1/B) Σ r_i a_ij. Error bound: the
        // residual r_i errs by ≤ (d+1)u(Σ_j|a_ij x_j| + |y_i|) =: e_i, the sum over the batch adds
        // ≤ B·u Σ|r_i a_ij| more, all times (1 + small); plus |g_j|·u for the final division.
        Index bad = 0;
        for (Index j = 0; j < d; ++j) {
          long double ref = 0.0L, err = 0.0L;
          for (const Index i : b) {
            long double r = -static_cast<long double>(f.labels()[i]), s = std::fabs(r);
            for (Index l = 0; l < d; ++l) {
              const long double p =
                  static_cast<long double>(f.inputs()(l, i)) * static_cast<long double>(x[l]);
              r += p;
              s += std::fabs(p);
            }
            const long double aij = f.inputs()(j, i);
            ref += r * aij;
            err += (static_cast<long double>(d + 1) * eps * s) * std::fabs(aij) +
                   static_cast<long double>(B) * eps * std::fabs(r * aij);
          }
          ref /= static_cast<long double>(B);
          err = err * 1.01L / static_cast<long double>(B) + eps * std::fabs(ref);
          bad += std::fabs(static_cast<long double>(g[j]) - ref) > err;
        }
        CHECK(bad == 0);
      }
      x -= 0.1 * g;
    }
  }
}

TEST_CASE("per_sample_gradient: bitwise batch_gradient of a batch of one") {
  const Index d = 37;
  const LinearRegression f(100, Vec::LinSpaced(d, -1.0, 1.0), 0.5, 3);
  const Vec x = Vec::LinSpaced(d, 0.3, -0.7);
  Vec g1, gb;
  for (const Index i : {0, 17, 99}) {
    f.per_sample_gradient(x, i, g1);
    const Index one[1] = {i};
    f.batch_gradient(x, std::span<const Index>(one), gb);
    CHECK(same_bits(g1, gb));
  }
}

TEST_CASE("SGD ensemble on linear regression: particle p is bitwise run_sgd, any thread count") {
  const Index d = 24, M = 70;
  const long steps = 40;
  const LinearRegression f(300, Vec::Ones(d), 1.0, 2);
  const ConstantLr lr{.eta = 0.02};
  Ensemble first;
  for (const int threads : {1, 2}) {
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    SgdEnsemble model(f, Sgd{}, lr, 32, Sampling::with_replacement, 5);
    Ensemble x = Ensemble::Zero(d, M);
    RunOptions opts;
    opts.n_steps = steps;
    opts.block = 16;
    run_ensemble(model, x, opts);
    omp_set_num_threads(before);
    if (threads == 1) {
      first = x;
      const BatchSampler sampler(f.num_samples(), 32, Sampling::with_replacement, 5);
      for (const std::uint32_t p : {0u, 15u, 16u, 69u}) {
        const Vec single = run_sgd(f, Sgd{}, lr, sampler, Vec::Zero(d), steps, p);
        CHECK(same_bits(single, x.col(p).matrix()));
      }
      CHECK((x.col(0) != x.col(1)).any());
    } else {
      CHECK(std::memcmp(x.data(), first.data(), static_cast<std::size_t>(x.size()) * sizeof(double)) == 0);
    }
  }
}

TEST_CASE(
    "SGD ensemble with moments (Adam) on linear regression: tiles of 8, partial groups, bitwise run_sgd") {
  const Index d = 13, M = 45;
  const long steps = 25;
  const LinearRegression f(200, Vec::LinSpaced(d, -1.0, 1.0), 0.5, 6);
  const ConstantLr lr{.eta = 0.01};
  SgdEnsemble model(f, Adam{}, lr, 7, Sampling::with_replacement, 12);
  Ensemble x = Ensemble::Zero(d, M);
  RunOptions opts;
  opts.n_steps = steps;
  opts.block = 40;  // blocks of 40 (one group of 32, one tile of 8) and 5 (a partial tile)
  run_ensemble(model, x, opts);
  const BatchSampler sampler(f.num_samples(), 7, Sampling::with_replacement, 12);
  for (const std::uint32_t p : {0u, 31u, 32u, 39u, 40u, 44u}) {
    CAPTURE(p);
    const Vec single = run_sgd(f, Adam{}, lr, sampler, Vec::Zero(d), steps, p);
    CHECK(same_bits(single, x.col(p).matrix()));
  }
}
