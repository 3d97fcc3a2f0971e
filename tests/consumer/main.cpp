// A tiny program built against the installed package: it links the library and uses a landscape.
#include <iostream>
#include <sgdsde/landscapes/double_well.hpp>

int main() {
  const sgdsde::DoubleWell well;
  sgdsde::Vec x(1);
  x << 1.0;
  std::cout << "L(1) = " << well.value(x) << '\n';
  return well.value(x) == -1.0 ? 0 : 1;
}
