// Smoke test of network_training: the quick profile runs, its file is valid and every check passes
// (initial loss ln 10 at small weights, every optimizer lowers the training loss, SGD's test accuracy
// above the quick profile's bound); bad data give one line naming the file, exit 2 and no file.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "experiments/quick_profile.hpp"
#include "sgdsde/data/dataset.hpp"
#include "sgdsde/data/idx.hpp"

namespace fs = std::filesystem;

namespace {
/// Runs network_training with extra arguments; returns (exit code, stderr).
std::pair<int, std::string> run_with(const std::string& args, const fs::path& out) {
  const fs::path err = fs::temp_directory_path() / ("sgdsde_nt_err_" + std::to_string(::getpid()));
  // Starts from a std::string (GCC 12 at -O3 sees a false -Wstringop-overflow in "'" + std::string(...)).
  const std::string cmd = std::string("'") + SGDSDE_BINARY_DIR +
                          "/bin/network_training' --profile quick --quiet " + args + " --out '" +
                          out.string() + "' > /dev/null 2> '" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  std::stringstream ss;
  ss << std::ifstream(err).rdbuf();
  fs::remove(err);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}
}  // namespace

TEST_CASE("network_training quick profile: valid file, every check passes") {
  if (!fs::exists(fs::path(sgdsde::data::kFashionMnistFolder) / "train-images-idx3-ubyte.gz")) {
    MESSAGE("dataset-fashion-mnist is not installed (scripts/install-deps installs it): skipped");
    return;
  }
  const sgdsde::io::ResultsReader r(sgdsde::test::run_quick_profile("network_training"));
  sgdsde::test::check_provenance(r, "network_training");
  for (const char* opt : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}) {
    CHECK(r.exists(std::string("/sgd/") + opt + "/mean"));
    CHECK(r.exists(std::string("/sgd/") + opt + "/epochs"));
  }
  CHECK(r.attribute_int("/network", "parameters") == 13002);
  sgdsde::test::check_all_passed(r.read_checks(),
                                 {"network_training/sgd: final test accuracy",
                                  "network_training: initial cross-entropy at N(0, 0.01^2) weights = ln C",
                                  "network_training/adam: training loss decreases (final - initial)"});
}

TEST_CASE("network_training: bad data are one line naming the file, exit 2, no results file") {
  const fs::path dir = fs::temp_directory_path() / ("sgdsde_nt_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "out.h5";
  auto [code, err] = run_with("--set data.path=" + (dir / "nowhere").string(), out);
  CHECK(code == 2);
  CHECK(err.find("train-images-idx3-ubyte.gz: no such file") != std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  // A folder whose label file has a label >= 10.
  sgdsde::data::write_idx(dir / "train-images-idx3-ubyte.gz", {3, 28, 28},
                          std::vector<std::uint8_t>(3 * 784, 9), true);
  sgdsde::data::write_idx(dir / "train-labels-idx1-ubyte.gz", {3}, {1, 12, 3}, true);
  std::tie(code, err) = run_with("--set data.path=" + dir.string(), out);
  CHECK(code == 2);
  CHECK(err.find("train-labels-idx1-ubyte.gz: label 12 of sample 1 is not below the number of classes 10") !=
        std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(!fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir))
    CHECK_MESSAGE(e.path().filename().string().rfind(".out.h5", 0) != 0, e.path());
  fs::remove_all(dir);
}
