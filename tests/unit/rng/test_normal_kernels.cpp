// The branch-free kernels behind CounterRng's normals: accuracy against long-double libm, and
// agreement of the block (vectorised, AVX-512 Philox) and scalar paths bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sgdsde/core/rng.hpp"

using namespace sgdsde;

TEST_CASE("log_unit is within 1 ulp of ln on (0, 1]") {
  const CounterRng rng(5);
  std::vector<double> xs = {0x1.0p-53,
                            0x1.0p-52,
                            0.5,
                            std::nextafter(1.0, 0.0),
                            1.0,
                            std::sqrt(0.5),
                            std::nextafter(std::sqrt(0.5), 0.0),
                            std::nextafter(std::sqrt(0.5), 1.0),
                            0.75,
                            0.999999};
  for (std::uint32_t p = 0; p < 20000; ++p) {
    const auto u = rng.uniforms(p, 0, 0);
    xs.push_back(std::max(u[0], 0x1.0p-53));
    xs.push_back(std::ldexp(std::max(u[1], 0.5), -static_cast<int>(p % 50)));
  }
  double worst = 0.0;
  for (double x : xs) {
    const long double ref = std::log(static_cast<long double>(x));
    const double got = detail::log_unit(x);
    if (ref == 0.0L) {
      CHECK(got == 0.0);
      continue;
    }
    const double ulp = std::abs(std::nextafter(static_cast<double>(ref), 0.0) - static_cast<double>(ref));
    worst = std::max(worst, static_cast<double>(std::abs(static_cast<long double>(got) - ref)) / ulp);
  }
  MESSAGE("log_unit: worst error " << worst << " ulp");
  CHECK(worst <= 1.0);
}

TEST_CASE("sincos_2pi is within 1e-16 absolute of sin/cos(2 pi u)") {
  const CounterRng rng(6);
  std::vector<double> us = {0.0,    0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, std::nextafter(1.0, 0.0),
                            1e-300, 0.1};
  for (std::uint32_t p = 0; p < 20000; ++p) {
    const auto u = rng.uniforms(p, 1, 0);
    us.push_back(u[0]);
    us.push_back(u[1]);
  }
  double worst = 0.0;
  for (double u : us) {
    const long double a = 2.0L * std::numbers::pi_v<long double> * static_cast<long double>(u);
    double s, c;
    detail::sincos_2pi(u, s, c);
    worst = std::max({worst, static_cast<double>(std::abs(s - std::sin(a))),
                      static_cast<double>(std::abs(c - std::cos(a)))});
  }
  MESSAGE("sincos_2pi: worst absolute error " << worst);
  CHECK(worst <= 2.3e-16);
}

TEST_CASE("block normals equal scalar Box-Muller on the reference bits, for any first particle and count") {
  const CounterRng rng(0xDEADBEEFCAFEull);
  for (std::uint32_t first : {0u, 5u, 63u, 64u, 1000u, 4294967000u}) {
    for (Index count : {1, 7, 64, 65, 200}) {
      if (first + static_cast<std::uint64_t>(count) > 4294967296ull) continue;
      const Index d = 4;
      std::vector<double> z(static_cast<std::size_t>(d * count));
      rng.normals(123456789012ull, Purpose::batch, first, count, d, z.data(), count);
      for (Index i = 0; i < count; ++i)
        for (Index q = 0; q < 2; ++q) {
          const auto w = rng.bits(first + static_cast<std::uint32_t>(i), 123456789012ull,
                                  CounterRng::slot(Purpose::batch, static_cast<std::uint32_t>(q)));
          const auto zz = CounterRng::box_muller(w);
          CHECK(z[static_cast<std::size_t>((2 * q) * count + i)] == zz[0]);
          CHECK(z[static_cast<std::size_t>((2 * q + 1) * count + i)] == zz[1]);
        }
    }
  }
}
