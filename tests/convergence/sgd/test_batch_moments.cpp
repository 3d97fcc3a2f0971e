// E[g_B] = ∇L and Cov[g_B] = Σ_B for each sampling mode (THEORY §1), including the
// (N − B)/(N − 1) factor without replacement and for shuffled epochs; checked entry by entry
// within 5 standard errors computed from the sample. Draw r uses particle r at step r mod 11, so
// the draws are independent (one per particle) and cover all positions within an epoch.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sgdsde/landscapes/double_well.hpp"
#include "sgdsde/noise/noise_models.hpp"

using namespace sgdsde;

namespace {

struct Moments {
  Vec mean, mean_se;
  Mat cov, cov_se;
};

template <FiniteSum F>
Moments batch_gradient_moments(const F& f, const Vec& x, Index B, Sampling mode, Index draws) {
  const Index d = f.dim();
  const BatchSampler s(f.num_samples(), B, mode, 31337);
  auto scratch = s.make_scratch();
  std::vector<Index> batch(static_cast<std::size_t>(B));
  Mat g(d, draws);
  Vec gb(d);
  for (Index r = 0; r < draws; ++r) {
    s.sample(static_cast<std::uint32_t>(r), r % 11, batch, scratch);
    f.batch_gradient(x, std::span<const Index>(batch), gb);
    g.col(r) = gb;
  }
  Moments m;
  const double n = static_cast<double>(draws);
  m.mean = g.rowwise().mean();
  const Mat c = g.colwise() - m.mean;
  m.mean_se = (c.array().square().rowwise().sum() / (n - 1.0) / n).sqrt().matrix();
  m.cov.resize(d, d);
  m.cov_se.resize(d, d);
  for (Index j = 0; j < d; ++j)
    for (Index l = 0; l < d; ++l) {
      const Eigen::ArrayXd prod = (c.row(j).array() * c.row(l).array()).transpose();
      m.cov(j, l) = prod.sum() / (n - 1.0);
      m.cov_se(j, l) = std::sqrt((prod - prod.mean()).square().sum() / (n - 1.0) / n);
    }
  return m;
}

template <FiniteSum F>
void check_modes(const F& f, const Vec& x, Index B, Index draws) {
  const Index N = f.num_samples();
  Vec grad(f.dim());
  f.gradient(x, grad);
  const Mat sigma1 = f.per_sample_covariance(x);
  for (const Sampling mode :
       {Sampling::with_replacement, Sampling::without_replacement, Sampling::shuffled_epochs}) {
    const std::string mode_name = to_string(mode);
    CAPTURE(mode_name);
    const Moments m = batch_gradient_moments(f, x, B, mode, draws);
    const Mat sigma_b = batch_covariance(sigma1, N, B, mode);
    for (Index j = 0; j < f.dim(); ++j) {
      CAPTURE(j);
      CHECK(std::abs(m.mean[j] - grad[j]) <= 5.0 * m.mean_se[j]);
      for (Index l = 0; l < f.dim(); ++l) {
        CAPTURE(l);
        CHECK(std::abs(m.cov(j, l) - sigma_b(j, l)) <= 5.0 * m.cov_se(j, l));
      }
    }
    // The test separates the modes: the other formula is rejected on the diagonal.
    const Mat wrong = batch_covariance(
        sigma1, N, B,
        mode == Sampling::with_replacement ? Sampling::without_replacement : Sampling::with_replacement);
    for (Index j = 0; j < f.dim(); ++j) CHECK(std::abs(m.cov(j, j) - wrong(j, j)) > 5.0 * m.cov_se(j, j));
    MESSAGE(mode_name, ": Var[g_B]_00 measured ", m.cov(0, 0), " ± ", m.cov_se(0, 0), ", predicted ",
            sigma_b(0, 0));
  }
}

}  // namespace

TEST_CASE("linear regression d = 3: moments of g_B in each sampling mode") {
  const LinearRegression f(40, Vec::LinSpaced(3, -1.0, 2.0), 0.5, 8);
  const Vec x = Vec::Constant(3, 0.3);
  check_modes(f, x, 9, 300000);
}

TEST_CASE("additive noise on the double well: moments of g_B, small N") {
  const auto f = AdditiveNoise<DoubleWell>::isotropic(DoubleWell(), 12, 1.0, 4);
  Vec x(1);
  x << 0.7;
  check_modes(f, x, 5, 300000);
}
