#pragma once
// The provenance every results file carries as root attributes (docs/results-schema.md).
#include <cstdint>
#include <string>

namespace sgdsde::io {

class ResultsFile;

struct Provenance {
  std::string experiment;
  std::string config_toml;  ///< the resolved configuration
  std::string profile;
  std::int64_t seed = 0;
  std::int64_t threads = 1;
  std::string started_at;  ///< ISO 8601 UTC, e.g. 2024-05-01T12:34:56Z
  double wall_seconds = 0;
};

/// The current time as ISO 8601 UTC ("YYYY-MM-DDThh:mm:ssZ").
[[nodiscard]] std::string iso8601_utc_now();

/// Writes experiment, config_toml, seed, code_version, compiler, library_versions (from
/// build_info()), build_type, started_at, wall_seconds, threads and profile on "/".
void write_provenance(ResultsFile& file, const Provenance& p);

}  // namespace sgdsde::io
