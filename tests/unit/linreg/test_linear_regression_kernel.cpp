// The grouped batch gradient of LinearRegression (noise/linear_regression.hpp: detail::dot_group,
// detail::axpy_group, taken automatically under AVX-512) against the plain Eigen loop it replaces,
// bit for bit (the Debug -O0 and Release -O3 builds; both contract a·b + c the same way in both codes),
// and the SGD ensemble on linear regression against run_sgd and across thread counts.
#include <doctest/doctest.h>

#include <omp.h>

#include <cstring>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/noise/linear_regression.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"

using namespace sgdsde;

namespace {
bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}

/// The batch gradient as it was written before the grouped kernel: per sample, Eigen's dot and axpy.
Vec reference_batch_gradient(const LinearRegression& f, const Vec& x, std::span<const Index> batch) {
  Vec g = Vec::Zero(f.dim());
  for (const Index i : batch) {
    const double r = f.inputs().col(i).dot(x) - f.labels()[i];
    g.noalias() += r * f.inputs().col(i);
  }
  g /= static_cast<double>(batch.size());
  return g;
}
}  // namespace

TEST_CASE("dot_group<8>, <4> (the groups batch_gradient uses): bitwise Eigen's dot, d = 1 ... 130") {
  if constexpr (detail::kDotLanes != 8) return;  // taken only with 8-double packets
  const CounterRng rng(11);
  Index mismatches = 0, checked = 0;
  for (Index d = 1; d <= 130; ++d) {
    const Mat a = detail::data_normals(rng, d, 9, 0);
    const Vec x = detail::data_normals(rng, d, 1, 100).col(0) * 3.0;
    const double* cols[8];
    for (int c = 0; c < 8; ++c) cols[c] = a.col(c + 1).data();  // unaligned columns when d is odd
    double r8[8], r4[4];
    detail::dot_group<8>(cols, x.data(), d, r8);
    detail::dot_group<4>(cols + 4, x.data(), d, r4);
    for (int c = 0; c < 8; ++c) {
      const double ref = a.col(c + 1).dot(x);
      mismatches += std::memcmp(&r8[c], &ref, sizeof ref) != 0;
      if (c >= 4) mismatches += std::memcmp(&r4[c - 4], &ref, sizeof ref) != 0;
      checked += 1 + (c >= 4);
    }
  }
  CHECK(checked == 130 * 12);
  CHECK(mismatches == 0);
}

TEST_CASE("batch_gradient: bitwise the per-sample Eigen loop, every batch size and dimension") {
  for (const Index d : {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 101}) {
    CAPTURE(d);
    const Vec w = Vec::LinSpaced(d, -1.0, 2.0);
    const LinearRegression f(d + 60, w, 0.3, 4);
    const BatchSampler sampler(f.num_samples(), 40, Sampling::with_replacement, 8);
    auto scratch = sampler.make_scratch();
    std::vector<Index> batch(40);
    Vec x = Vec::LinSpaced(d, 0.5, -1.5), g(d);
    for (long k = 0; k < 6; ++k) {
      sampler.sample(3, k, std::span<Index>(batch), scratch);
      for (const std::size_t B : {1, 3, 4, 7, 8, 12, 13, 16, 31, 32, 33, 40}) {
        CAPTURE(B);
        const std::span<const Index> b(batch.data(), B);
        f.batch_gradient(x, b, g);
        CHECK(same_bits(g, reference_batch_gradient(f, x, b)));
      }
      x -= 0.1 * g;
    }
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
