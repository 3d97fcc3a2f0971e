// libFuzzer target: the results reader and the compare tool on files whose layout is wrong.
// The input is a layout in the text form of tests/support/layout_spec.hpp (missing datasets,
// wrong shapes and types, NaNs, empty arrays, attributes of the wrong type …). Each input is
// written as an HDF5 file, then read the way compare and the tests read results: every dataset
// and attribute with every accessor, the /summary/checks table, the distribution groups, and
// compare itself on the file alone and against itself. Errors must be exceptions (compare: one
// line and exit code 2); a crash, a sanitizer report or a hang is a bug.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sgdsde/io/distributions.hpp"
#include "sgdsde/io/results_file.hpp"
#include "sgdsde/io/results_reader.hpp"
#include "support/layout_spec.hpp"

int sgdsde_fuzz_main_compare(int, char**);

namespace {
namespace fs = std::filesystem;
fs::path g_file;

template <class F>
void attempt(F&& f) {
  try {
    f();
  } catch (const std::exception&) {
  }
}

void read_everything(const sgdsde::io::ResultsReader& r, const std::string& group, int depth) {
  if (depth > 8) return;
  attempt([&] {
    for (const auto& name : r.attribute_names(group)) {
      attempt([&] { (void)r.attribute_string(group, name); });
      attempt([&] { (void)r.attribute_double(group, name); });
      attempt([&] { (void)r.attribute_int(group, name); });
      attempt([&] { (void)r.attribute_doubles(group, name); });
      attempt([&] { (void)r.attribute_ints(group, name); });
      attempt([&] { (void)r.attribute_strings(group, name); });
    }
  });
  const std::string prefix = group == "/" ? "/" : group + "/";
  attempt([&] {
    for (const auto& d : r.datasets(group)) {
      const std::string p = prefix + d;
      attempt([&] { (void)r.dims(p); });
      attempt([&] { (void)r.read<double>(p); });
      attempt([&] { (void)r.read<std::int64_t>(p); });
      attempt([&] { (void)r.read<std::uint8_t>(p); });
      attempt([&] { (void)r.read_matrix(p); });
      attempt([&] { (void)r.read_strings(p); });
      attempt([&] { (void)r.attribute_names(p); });
    }
  });
  attempt([&] {
    for (const auto& g : r.groups(group)) read_everything(r, prefix + g, depth + 1);
  });
}

int compare(std::vector<std::string> args) {
  args.insert(args.begin(), "compare");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return sgdsde_fuzz_main_compare(static_cast<int>(args.size()), argv.data());
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fs::path dir = fs::temp_directory_path() / ("sgdsde_fuzz_reader_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  g_file = dir / "layout.h5";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;  // layouts need no more; keeps each run fast
  const std::string spec(reinterpret_cast<const char*>(data), size);
  {
    sgdsde::io::ResultsFile f(g_file);
    sgdsde::test::write_layout(f, spec);
    f.commit();
  }
  attempt([&] {
    const sgdsde::io::ResultsReader r(g_file);
    read_everything(r, "/", 0);
    attempt([&] { (void)r.read_checks(); });
    attempt([&] { (void)sgdsde::io::find_distributions(r); });
  });
  const int alone = compare({g_file.string(), "--replicates", "2"});
  const int pair = compare({g_file.string(), g_file.string(), "--replicates", "2"});
  // compare's contract: 0 done, 1 a runtime failure, 2 bad input; anything else is a bug.
  if (alone < 0 || alone > 2 || pair < 0 || pair > 2) __builtin_trap();
  return 0;
}
