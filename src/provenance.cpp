#include "sgdsde/io/provenance.hpp"

#include <ctime>

#include "sgdsde/core/build_info.hpp"
#include "sgdsde/io/results_file.hpp"

namespace sgdsde::io {

std::string iso8601_utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_provenance(ResultsFile& file, const Provenance& p) {
  const BuildInfo b = build_info();
  file.set_attribute("/", "experiment", p.experiment);
  file.set_attribute("/", "config_toml", p.config_toml);
  file.set_attribute("/", "profile", p.profile);
  file.set_attribute("/", "seed", p.seed);
  file.set_attribute("/", "threads", p.threads);
  file.set_attribute("/", "started_at", p.started_at);
  file.set_attribute("/", "wall_seconds", p.wall_seconds);
  file.set_attribute("/", "code_version", b.code_version);
  file.set_attribute("/", "compiler", b.compiler);
  file.set_attribute("/", "library_versions", b.library_versions);
  file.set_attribute("/", "build_type", b.build_type);
}

}  // namespace sgdsde::io
