// Faults seen from the command line, with landscape_atlas as the experiment: a file size limit
// (RLIMIT_FSIZE) at several sizes, absurd or refused thread counts, threads the system cannot
// start, and a stale temporary of a killed run. Each ends with at most one line on stderr, the
// documented exit code, and no file or temporary left behind (docs/reliability.md).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

namespace fs = std::filesystem;

namespace faults_cli {
const fs::path kAtlas = fs::path(SGDSDE_BINARY_DIR) / "bin" / "landscape_atlas";

struct Folder {
  fs::path path;
  Folder() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("sgdsde_faults_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

/// Limits applied in the child before exec.
struct Limits {
  std::optional<rlim_t> file_size, stack, address_space;
  std::vector<std::pair<std::string, std::string>> env;
};

struct Outcome {
  int code = -1;  ///< exit code, or 128 + signal
  std::string out, err;
  pid_t pid = 0;
};

std::string drain(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return s;
}

/// Runs landscape_atlas on a tiny grid with `args`, stdout and stderr on pipes (a file would be
/// subject to the size limit too).
Outcome atlas(const std::vector<std::string>& args, const Limits& limits = {}) {
  int out[2], err[2];
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(err) == 0);
  std::vector<std::string> all = {kAtlas.string(), "--quiet", "--set", "grid.n=11"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    ::signal(SIGXFSZ, SIG_IGN);  // exec keeps an ignored signal ignored: writes fail with EFBIG
    const auto set = [](int resource, std::optional<rlim_t> v) {
      if (!v) return;
      const rlimit rl{*v, *v};
      if (::setrlimit(resource, &rl) != 0) ::_exit(98);
    };
    set(RLIMIT_FSIZE, limits.file_size);
    set(RLIMIT_STACK, limits.stack);
    set(RLIMIT_AS, limits.address_space);
    for (const auto& [k, v] : limits.env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  Outcome r;
  r.pid = pid;
  // stdout first: with --quiet both stay far below a pipe's buffer, so neither can block the child.
  r.out = drain(out[0]);
  r.err = drain(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

bool one_line(const std::string& s) { return std::count(s.begin(), s.end(), '\n') == 1 && s.back() == '\n'; }
}  // namespace faults_cli

using namespace faults_cli;

TEST_CASE("faults: a file size limit anywhere in the write is one line, exit 1, and an empty folder") {
  REQUIRE(fs::exists(kAtlas));
  Folder dir;
  const fs::path out = dir.path / "a.h5";
  const Outcome full = atlas({"--out", out.string()});
  REQUIRE_MESSAGE(full.code == 0, full.err);
  const auto size = static_cast<rlim_t>(fs::file_size(out));
  fs::remove(out);
  for (const rlim_t limit : {rlim_t{0}, rlim_t{512}, size / 3, 2 * size / 3, size - 1}) {
    CAPTURE(limit);
    Limits l;
    l.file_size = limit;
    const Outcome r = atlas({"--out", out.string()}, l);
    CHECK(r.code == 1);
    CHECK(r.err == "landscape_atlas: error: cannot write " + out.string() + ": File too large\n");
    CHECK(r.out.empty());
    CHECK(dir.entries().empty());
  }
  Limits enough;
  enough.file_size = size;
  CHECK(atlas({"--out", out.string()}, enough).code == 0);
  CHECK(dir.entries() == std::vector<std::string>{"a.h5"});
}

TEST_CASE("faults: thread counts beyond what is sensible or allowed are input errors") {
  Folder dir;
  const fs::path out = dir.path / "t.h5";
  const long cores = static_cast<long>(std::max(1u, std::thread::hardware_concurrency()));
  const std::vector<std::pair<std::vector<std::string>, Limits>> cases = {
      {{"--threads", "100000"}, {}},
      {{"--threads", std::to_string(64 * cores + 1)}, {}},
      {{"--threads", "2"}, Limits{{}, {}, {}, {{"OMP_THREAD_LIMIT", "1"}}}},
      {{}, Limits{{}, {}, {}, {{"OMP_NUM_THREADS", "100000"}}}},
  };
  for (const auto& [args, limits] : cases) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--out", out.string()});
    const Outcome r = atlas(all, limits);
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.starts_with("landscape_atlas: error: "));
    CHECK(dir.entries().empty());
  }
  // 64 x the cores is still accepted.
  const Outcome ok = atlas({"--threads", std::to_string(64 * cores), "--out", out.string()});
  CHECK_MESSAGE(ok.code == 0, ok.err);
}

TEST_CASE("faults: threads the system cannot start are one line, exit 1, and no file") {
  Folder dir;
  const fs::path out = dir.path / "r.h5";
  // Every thread's stack is as large as the stack limit (glibc's default): 64 stacks of 256 MiB do
  // not fit in 4 GiB of address space, which the process needs little of otherwise.
  Limits l;
  l.stack = rlim_t{256} << 20;
  l.address_space = rlim_t{4} << 30;
  const Outcome r = atlas({"--threads", "64", "--out", out.string()}, l);
  CAPTURE(r.err);
  CHECK(r.code == 1);
  CHECK(one_line(r.err));
  CHECK(r.err.starts_with("landscape_atlas: error: cannot start 64 threads: "));
  CHECK(dir.entries().empty());
}

TEST_CASE("faults: a stale temporary of a dead run is removed, with one line") {
  Folder dir;
  const fs::path out = dir.path / "s.h5";
  // A run killed with SIGKILL leaves its temporary, named after a PID no process has any more:
  // that of a child that has exited and been reaped.
  const pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  REQUIRE(::kill(dead, 0) == -1);
  const fs::path stale = dir.path / (".s.h5.tmp-" + std::to_string(dead));
  std::ofstream(stale, std::ios::binary) << std::string("\x89HDF\r\n\x1a\n", 8) << "partial";
  const fs::path foreign = dir.path / (".s.h5.tmp-" + std::to_string(dead) + "0");
  std::ofstream(foreign) << "not ours";  // same pattern, not an HDF5 file: kept

  const Outcome r = atlas({"--out", out.string()});
  CHECK(r.code == 0);
  CHECK(one_line(r.err));
  CHECK(r.err.find("removed 1 stale temporary file of " + out.string()) != std::string::npos);
  CHECK(r.err.find(stale.filename().string()) != std::string::npos);
  CHECK(dir.entries() == std::vector<std::string>{foreign.filename().string(), "s.h5"});
}
