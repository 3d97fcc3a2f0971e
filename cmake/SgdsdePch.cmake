# Precompiled headers: the heavy third-party headers (Eigen, doctest) and the standard headers
# nearly every translation unit includes, parsed once per build instead of once per file
# (SGDSDE_PCH, on by default). A PCH is only reused by targets compiled with identical flags.
set(SGDSDE_PCH_HEADERS <Eigen/Core> <Eigen/Dense> <algorithm> <array> <cmath> <cstdint> <limits>
                       <numbers> <span> <stdexcept> <string> <string_view> <vector>)
