// ChannelDoubleWell (kramers_rate's 2-D Eyring–Kramers landscape): the generic landscape checks and
// the Hessians that set its Eyring–Kramers prefactor.
#include <doctest/doctest.h>

#include "landscape_checks.hpp"
#include "sgdsde/landscapes/channel_double_well.hpp"

using namespace sgdsde;

TEST_CASE("ChannelDoubleWell passes the generic checks; Hessians at the minima and the saddle") {
  for (const auto& [k, a] : {std::pair{4.0, 3.0}, std::pair{1.0, 0.0}, std::pair{2.5, -0.5}}) {
    const ChannelDoubleWell l(k, a);
    test::check_landscape(l);
    Mat H;
    Vec p(2);
    p << 1.0, 0.0;
    l.hessian(p, H);
    CHECK(H(0, 0) == doctest::Approx(8.0));
    CHECK(H(1, 1) == doctest::Approx(k * (1 + a)));
    p << 0.0, 0.0;
    l.hessian(p, H);
    CHECK(H(0, 0) == doctest::Approx(-4.0));
    CHECK(H(1, 1) == doctest::Approx(k));
  }
  CHECK_THROWS(ChannelDoubleWell(0.0, 1.0));
  CHECK_THROWS(ChannelDoubleWell(1.0, -1.0));
}
