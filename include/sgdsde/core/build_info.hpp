#pragma once
// Provenance of the build: code version, compiler, library versions (recorded in results files).
#include <string>

namespace sgdsde {

struct BuildInfo {
  std::string code_version, compiler, library_versions, build_type;
};

[[nodiscard]] BuildInfo build_info();

}  // namespace sgdsde
