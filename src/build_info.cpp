#include "sgdsde/core/build_info.hpp"

#include "sgdsde/version.hpp"

namespace sgdsde {

BuildInfo build_info() {
  return {build_constants::code_version, build_constants::compiler, build_constants::library_versions,
          build_constants::build_type};
}

}  // namespace sgdsde
