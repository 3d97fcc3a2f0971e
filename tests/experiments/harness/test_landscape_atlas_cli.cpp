// The landscape_atlas binary end to end: --help, --dry-run, a real run read by h5py, bad inputs
// (one line on stderr, non-zero exit, no file), and SIGINT (no file, no temporary left).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sgdsde/io/results_reader.hpp"
#include "sgdsde/landscapes/landscapes.hpp"

namespace fs = std::filesystem;

namespace {
const fs::path kBinary = fs::path(SGDSDE_BINARY_DIR) / "bin" / "landscape_atlas";

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("sgdsde_atlas_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  [[nodiscard]] std::vector<std::string> entries(const fs::path& sub = {}) const {
    std::vector<std::string> out;
    if (!fs::exists(path / sub)) return out;
    for (const auto& e : fs::recursive_directory_iterator(path / sub))
      out.push_back(fs::relative(e.path(), path).string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream is(p);
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Starts `cmd args` in `cwd` with stdout/stderr in files; returns the pid (the binary itself).
pid_t spawn(const fs::path& cwd, const fs::path& cmd, const std::vector<std::string>& args,
            const fs::path& out, const fs::path& err) {
  std::string line = "cd ";
  line += shell_quote(cwd.string());
  line += " && exec ";
  line += shell_quote(cmd.string());
  for (const auto& a : args) {
    line += ' ';
    line += shell_quote(a);
  }
  line += " >";
  line += shell_quote(out.string());
  line += " 2>";
  line += shell_quote(err.string());
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run run_in(const TempDir& dir, const fs::path& cmd, const std::vector<std::string>& args) {
  const fs::path out = fs::temp_directory_path() / ("sgdsde_atlas_out_" + std::to_string(::getpid()));
  const fs::path err = fs::temp_directory_path() / ("sgdsde_atlas_err_" + std::to_string(::getpid()));
  const pid_t pid = spawn(dir.path, cmd, args, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

Run atlas(const TempDir& dir, const std::vector<std::string>& args) { return run_in(dir, kBinary, args); }

std::size_t count_lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

void flatten(const toml::table& t, const std::string& prefix, std::vector<std::string>& keys) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      flatten(*sub, key + ".", keys);
    } else {
      keys.push_back(key);
    }
  }
}
}  // namespace

TEST_CASE("landscape_atlas: --help lists every key of the resolved configuration, --dry-run prints it") {
  REQUIRE(fs::exists(kBinary));
  TempDir dir;
  const Run dry = atlas(dir, {"--dry-run", "--set", "grid.n=7"});
  REQUIRE(dry.code == 0);
  CHECK(dry.err.empty());
  CHECK(dir.entries().empty());  // no results/ folder, no file
  const toml::table t = toml::parse(dry.out);
  CHECK(t["grid"]["n"].value<std::int64_t>() == 7);
  std::vector<std::string> keys;
  flatten(t, "", keys);
  CHECK(keys.size() >= 8);

  const Run help = atlas(dir, {"--help"});
  REQUIRE(help.code == 0);
  for (const auto& k : keys) CHECK_MESSAGE(help.out.find(k) != std::string::npos, k);
  for (const char* opt :
       {"--config", "--set", "--profile", "--out", "--seed", "--threads", "--quiet", "--dry-run"})
    CHECK_MESSAGE(help.out.find(opt) != std::string::npos, opt);
}

TEST_CASE(
    "landscape_atlas: a quick run writes results/landscape_atlas.h5 with provenance, readable by h5py") {
  TempDir dir;
  const Run r = atlas(dir, {"--profile", "quick", "--seed", "5"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("checks passed") != std::string::npos);
  CHECK(dir.entries() == std::vector<std::string>{"results", "results/landscape_atlas.h5"});
  const fs::path file = dir.path / "results" / "landscape_atlas.h5";

  sgdsde::io::ResultsReader f(file);
  std::vector<std::string> expected(sgdsde::landscape_config_names.begin(),
                                    sgdsde::landscape_config_names.end());
  std::sort(expected.begin(), expected.end());
  CHECK(f.groups("/landscapes") == expected);
  CHECK(f.attribute_int("/", "seed") == 5);
  const auto checks = f.read_checks();
  CHECK(checks.size() >= 3 * expected.size());
  for (const auto& c : checks) CHECK_MESSAGE(c.passed, c.name);
  // Properties of the closed forms, not of any dynamics: every row is an identity, none a claim.
  for (const auto& c : checks) CHECK_MESSAGE(c.role == sgdsde::io::CheckRole::identity, c.name);
  CHECK(f.attribute_string("/", "negative_control") == "none");
  const auto dims = f.dims("/landscapes/muller_brown/value");
  CHECK(dims == std::vector<std::size_t>{101, 101});
  CHECK(f.dims("/landscapes/muller_brown/gradient") == std::vector<std::size_t>{2, 101, 101});
  CHECK(f.dims("/landscapes/double_well/value") == std::vector<std::size_t>{101});

  // h5py sees the same thing
  const Run probe = run_in(dir, "/usr/bin/python3", {"-c", "import h5py"});
  if (probe.code != 0) {
    MESSAGE("skipping the h5py check: /usr/bin/python3 cannot import h5py");
    return;
  }
  const std::string script = R"(
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
need = ['experiment', 'config_toml', 'seed', 'code_version', 'compiler', 'library_versions',
        'started_at', 'wall_seconds', 'threads', 'profile']
missing = [a for a in need if a not in f.attrs]
assert not missing, missing
assert f.attrs['experiment'] == 'landscape_atlas'
assert f.attrs['profile'] == 'quick'
assert int(f.attrs['seed']) == 5
v = f['landscapes/muller_brown/value'][()]
x = f['landscapes/muller_brown/x'][()]
assert v.shape == (101, 101), v.shape
c = f['summary/checks']
assert len(c['name']) == len(c['passed']) == len(c['measured'])
assert all(c['passed'][()] == 1)
kinds = set(f['landscapes/himmelblau/critical_points/kind'].asstr()[()])
assert kinds == {'minimum', 'saddle', 'maximum'}, kinds
print('ok', len(c['name']))
)";
  const Run py = run_in(dir, "/usr/bin/python3", {"-c", script, file.string()});
  CHECK_MESSAGE(py.code == 0, py.err);
  CHECK(py.out.starts_with("ok "));
}

TEST_CASE("landscape_atlas: bad inputs are one line on stderr, a non-zero exit and no file") {
  TempDir dir;
  const fs::path malformed = dir.path / "malformed.toml";
  std::ofstream(malformed) << "[quick]\ngrid.n = 11\ngrid.n = 12\n";
  const fs::path plain = dir.path / "plain";
  std::ofstream(plain) << "x";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--set", "grid.size=3"}, "unknown key 'grid.size'"},
      {{"--set", "grid.n=3.5"}, "grid.n = 3.5: expected integer"},
      {{"--set", "landscapes=3"}, "expected string"},
      {{"--set", "grid.n=2"}, "grid.n = 2: must be >= 3"},
      {{"--set", "checks.gradient_tol=0"}, "checks.gradient_tol = 0.0: must be > 0"},
      {{"--set", "rotated_double_wells.dim=-2"}, "rotated_double_wells.dim = -2: must be >= 1"},
      {{"--set", "double_well.tilt=nan"}, "double_well.tilt = nan: must be finite"},
      {{"--set", "quadratic.curvatures=[1, -1]"}, "every element must be > 0"},
      {{"--config", "missing.toml"}, "missing.toml: no such file"},
      {{"--config", malformed.string()}, "malformed.toml:3:"},
      {{"--profile", "huge"}, "unknown profile 'huge'"},
      {{"--out", (plain / "x.h5").string()}, "is not a folder"},
      {{"--control", "temperature_x3"}, "--control: 'temperature_x3' is not one of none, temperature_x2"},
  };
  for (const auto& [args, needle] : cases) {
    CAPTURE(needle);
    const Run r = atlas(dir, args);
    CHECK(r.code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.starts_with("landscape_atlas: error: "));
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(r.out.empty());
    CHECK(dir.entries() == std::vector<std::string>{"malformed.toml", "plain"});
  }
}

TEST_CASE("landscape_atlas: SIGINT during a run leaves neither the file nor its temporary") {
  TempDir dir;
  const fs::path out = dir.path / "a.h5", so = dir.path / "../sgdsde_sigint_out",
                 se = dir.path / "../sgdsde_sigint_err";
  const pid_t pid =
      spawn(dir.path, kBinary, {"--set", "grid.n=2500", "--threads", "1", "--out", out.string()}, so, se);
  // Interrupt the run while it computes (the temporary is only written by commit(), at the end; exit
  // code 130 below shows the run was still going).
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(dir.entries().empty());
  fs::remove(so);
  fs::remove(se);
}
