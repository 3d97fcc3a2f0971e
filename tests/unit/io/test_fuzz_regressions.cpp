// Inputs found by the fuzzers (fuzz/, docs/reliability.md), each kept as the smallest layout or
// call that showed the bug: every failure must be a std::exception with a message, never a crash,
// an escaped H5::Exception (which is not a std::exception) or undefined behaviour.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sgdsde/io/distributions.hpp"
#include "sgdsde/io/results_file.hpp"
#include "sgdsde/io/results_reader.hpp"
#include "support/layout_spec.hpp"

namespace fs = std::filesystem;
using namespace sgdsde;
using namespace sgdsde::io;

namespace {
struct ScratchFile {
  fs::path dir, path;
  ScratchFile() {
    static int counter = 0;
    dir = fs::temp_directory_path() /
          ("sgdsde_fuzz_regressions_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = dir / "layout.h5";
  }
  ~ScratchFile() { fs::remove_all(dir); }
};

/// Writes `spec` and reads it back the way compare does; returns the distribution groups found,
/// or -1 when reading them failed with a std::exception (an acceptable outcome).
int write_and_find(const ScratchFile& f, const std::string& spec) {
  {
    ResultsFile out(f.path);
    test::write_layout(out, spec);
    out.commit();
  }
  try {
    const ResultsReader r(f.path);
    return static_cast<int>(find_distributions(r).size());
  } catch (const std::exception&) {
    return -1;
  }
}
}  // namespace

TEST_CASE("fuzz regression: a group name HDF5 refuses is a std::exception, not an escaped H5::Exception") {
  // fuzz_results_reader, crash-39797ac9: "group /sgd/.<NUL…>" terminated the process.
  ScratchFile f;
  ResultsFile out(f.path);
  CHECK_THROWS_AS(out.create_group("/sgd/."), std::runtime_error);
  CHECK_THROWS_AS(out.create_group(std::string("/sgd/.\0\0x", 9)), std::runtime_error);
  CHECK_THROWS_AS(out.write("/a/./b", std::vector<double>{1.0}), std::runtime_error);
  out.create_group("/sgd/ok");  // the file is still usable
  out.commit();
  CHECK(ResultsReader(f.path).is_group("/sgd/ok"));
}

TEST_CASE("fuzz regression: the layout language writes what the seed corpus says") {
  // The seeds of fuzz_results_reader must describe real distribution groups, or the fuzzer would
  // start far from the reader's interesting paths.
  ScratchFile f;
  const std::string seed = R"(group /sgd/h
attr /sgd/h kind str histogram
attr /sgd/h case str a
data /sgd/h/edges_x f64 5 0 1 2 3 4
data /sgd/h/counts i64 4 10 20 30 40
group /fokker_planck/p
attr /fokker_planck/p kind str probabilities
attr /fokker_planck/p case str a
data /fokker_planck/p/edges_x f64 5 0 1 2 3 4
data /fokker_planck/p/probabilities f64 4 0.1 0.2 0.3 0.4
)";
  CHECK(write_and_find(f, seed) == 2);
  const ResultsReader r(f.path);
  CHECK(r.read_int64s("/sgd/h/counts") == std::vector<std::int64_t>{10, 20, 30, 40});
  CHECK(r.dims("/fokker_planck/p/probabilities") == std::vector<std::size_t>{4});
}
