// The experiment harness in-process: resolution order, validation of every kind of bad input
// (one line on stderr, exit code 2, no file left), exit codes, dry run, help, provenance.
#include <doctest/doctest.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <vector>

#include "sgdsde/core/config.hpp"
#include "sgdsde/core/errors.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;
using namespace sgdsde;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("sgdsde_harness_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    return out;
  }
};

Experiment toy() {
  Experiment e("toy", "a toy experiment for the tests", "");
  e.param("sgd.eta", 0.1, "learning rate", positive())
      .param("sgd.batch", 10, "batch size B", at_least(1))
      .param("data.n", 100, "number of samples N", at_least(1))
      .param("sde.T", 1.0, "time horizon", positive())
      .param("sim.particles", 1000, "number of particles", non_negative())
      .param("name", "abc", "a label", one_of({"abc", "def"}))
      .param("flag", false, "a switch")
      .param("grid.edges", std::vector<double>{0.0, 1.0}, "bin edges", min_size(2))
      .param("sweep.batches", std::vector<double>{1.0, 5.0}, "batch sizes of a sweep", positive(),
             whole_numbers(), distinct())
      .batch_within_samples("sgd.batch", "data.n")
      .batch_within_samples("sweep.batches", "data.n");
  return e;
}

struct Result {
  int code;
  std::string out, err;
  Config seen;
  bool ran = false;
};

Result run(Experiment& e, std::vector<std::string> args, const Experiment::Body& extra = {}) {
  args.insert(args.begin(), "toy");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  e.set_streams(out, err);
  Result r;
  r.code = e.run(static_cast<int>(argv.size()), argv.data(), [&](RunContext& ctx) {
    r.seen = ctx.config();
    r.ran = true;
    ctx.file().write("/sgd/x", std::vector<double>{1.0, 2.0});
    ctx.checks().add("eta echo", ctx.config().get<double>("sgd.eta"), 0.0, 0.1, 1e-12);
    if (extra) extra(ctx);
  });
  r.out = out.str();
  r.err = err.str();
  return r;
}

Result run(std::vector<std::string> args, const Experiment::Body& extra = {}) {
  Experiment e = toy();
  return run(e, std::move(args), extra);
}

std::size_t count_lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

/// A bad input: exit code 2, exactly one line "toy: error: …" containing `needle`, no file.
void expect_input_error(const TempDir& dir, std::vector<std::string> args, const std::string& needle) {
  CAPTURE(needle);
  args.push_back("--out");
  args.push_back((dir.path / "out.h5").string());
  const Result r = run(args);
  CHECK(r.code == 2);
  CHECK_FALSE(r.ran);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.starts_with("toy: error: "));
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(dir.path / "out.h5"));
  for (const auto& e : dir.entries()) CHECK_FALSE(e.find(".tmp-") != std::string::npos);
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
}  // namespace

TEST_CASE("harness: defaults < profile < --set, and the typed accessor") {
  TempDir dir;
  const fs::path cfg = dir.path / "toy.toml";
  write_file(cfg,
             "[quick]\nsgd.eta = 0.2\n[paper]\n[paper.sgd]\neta = 0.05\nbatch = 20\n[paper.grid]\nedges = "
             "[0, 0.5, 1]\n");
  const std::string out = (dir.path / "r.h5").string();

  Result r = run({"--out", out});
  CHECK(r.code == 0);
  CHECK(r.seen.get<double>("sgd.eta") == 0.1);  // no config file: the defaults

  r = run({"--config", cfg.string(), "--out", out});
  CHECK(r.code == 0);
  CHECK(r.seen.get<double>("sgd.eta") == 0.2);

  r = run({"--config", cfg.string(), "--profile", "paper", "--out", out, "--quiet"});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(r.seen.get<double>("sgd.eta") == 0.05);
  CHECK(r.seen.get<std::int64_t>("sgd.batch") == 20);
  CHECK(r.seen.get<std::vector<double>>("grid.edges") == std::vector<double>{0.0, 0.5, 1.0});

  r = run({"--config", cfg.string(), "--profile", "paper", "--set", "sgd.eta=1", "--set", "name=def", "--set",
           "flag=true", "--set", "grid.edges=[1, 2, 3.5]", "--set", "name = \"abc\"", "--seed", "7", "--out",
           out});
  CHECK(r.code == 0);
  CHECK(r.seen.get<double>("sgd.eta") == 1.0);      // an integer is accepted for a double
  CHECK(r.seen.get<std::string>("name") == "abc");  // the later --set wins
  CHECK(r.seen.get<bool>("flag"));
  CHECK(r.seen.get<std::vector<double>>("grid.edges") == std::vector<double>{1.0, 2.0, 3.5});
  CHECK(r.seen.get<std::int64_t>("seed") == 7);
  CHECK(r.seen.get<double>("sgd.batch") == 20.0);  // integers read as double too

  CHECK_THROWS_AS((void)r.seen.get<double>("sgd.etaa"), std::logic_error);
  CHECK_THROWS_AS((void)r.seen.get<std::int64_t>("sgd.eta"), std::logic_error);
  CHECK_THROWS_AS((void)r.seen.get<std::string>("flag"), std::logic_error);
}

TEST_CASE("harness: every kind of bad input is one line on stderr, exit code 2, no file") {
  TempDir dir;
  const fs::path cfg = dir.path / "toy.toml";
  write_file(cfg, "[quick]\nsgd.eta = 0.2\n[paper]\n");
  const fs::path bad_key = dir.path / "bad_key.toml";
  write_file(bad_key, "[quick]\n[quick.sgd]\netaa = 0.2\n");
  const fs::path bad_table = dir.path / "bad_table.toml";
  write_file(bad_table, "[quick]\nsolver.order = 2\n");
  const fs::path bad_type = dir.path / "bad_type.toml";
  write_file(bad_type, "[quick]\nflag = 1\n");
  const fs::path bad_nan = dir.path / "bad_nan.toml";
  write_file(bad_nan, "[quick]\nsde.T = nan\n");
  const fs::path malformed = dir.path / "malformed.toml";
  write_file(malformed, "[quick]\nsgd.eta = 0.1\nsgd.batch = = 3\n");
  const fs::path not_profile = dir.path / "not_profile.toml";
  write_file(not_profile, "sgd.eta = 0.1\n[quick]\n");
  const fs::path not_profile2 = dir.path / "not_profile2.toml";
  write_file(not_profile2, "threads = 3\n[quick]\n");
  const fs::path plain = dir.path / "plain";
  write_file(plain, "x");
  auto in_dir = [&](std::initializer_list<std::string> a) { return std::vector<std::string>(a); };

  SUBCASE("unknown keys and profiles") {
    expect_input_error(dir, in_dir({"--set", "sgd.etaa=0.1"}), "unknown key 'sgd.etaa'");
    expect_input_error(dir, in_dir({"--config", bad_key.string()}), "unknown key 'sgd.etaa'");
    expect_input_error(dir, in_dir({"--config", bad_table.string()}), "unknown key 'solver'");
    expect_input_error(dir, in_dir({"--config", cfg.string(), "--profile", "fast"}),
                       "unknown profile 'fast'");
    expect_input_error(dir, in_dir({"--profile", "fast"}), "unknown profile 'fast'");
    expect_input_error(dir, in_dir({"--config", not_profile.string()}),
                       "'sgd' is a parameter outside a profile");
    expect_input_error(dir, in_dir({"--config", not_profile2.string()}), "not a profile table");
    expect_input_error(dir, in_dir({"--bogus"}), "--bogus");
  }
  SUBCASE("wrong types") {
    expect_input_error(dir, in_dir({"--set", "sgd.batch=2.5"}), "sgd.batch = 2.5: expected integer");
    expect_input_error(dir, in_dir({"--set", "sgd.eta=\"fast\""}), "sgd.eta = \"fast\": expected double");
    expect_input_error(dir, in_dir({"--set", "sgd.eta=fast"}), "sgd.eta=fast");
    expect_input_error(dir, in_dir({"--set", "flag=1"}), "expected bool");
    expect_input_error(dir, in_dir({"--config", bad_type.string()}), "flag = 1: expected bool");
    expect_input_error(dir, in_dir({"--set", "grid.edges=[1, \"a\"]"}), "grid.edges");
    expect_input_error(dir, in_dir({"--set", "sgd.eta"}), "expected key=value");
  }
  SUBCASE("constraints") {
    expect_input_error(dir, in_dir({"--set", "sgd.eta=-0.1"}), "sgd.eta = -0.1: must be > 0");
    expect_input_error(dir, in_dir({"--set", "sgd.eta=0"}), "sgd.eta = 0.0: must be > 0");
    expect_input_error(dir, in_dir({"--set", "sde.T=0"}), "sde.T = 0.0: must be > 0");
    expect_input_error(dir, in_dir({"--set", "sde.T=-1.5"}), "sde.T = -1.5: must be > 0");
    expect_input_error(dir, in_dir({"--set", "sim.particles=-5"}), "sim.particles = -5: must be >= 0");
    expect_input_error(dir, in_dir({"--set", "sgd.batch=0"}), "sgd.batch = 0: must be >= 1");
    expect_input_error(dir, in_dir({"--set", "name=ghi"}), "name = \"ghi\": must be one of {abc, def}");
    expect_input_error(dir, in_dir({"--set", "grid.edges=[1]"}), "must have at least 2 elements");
    expect_input_error(dir, in_dir({"--set", "sweep.batches=[1, 2.5]"}),
                       "sweep.batches = [1.0, 2.5]: every element must be a whole number");
    expect_input_error(dir, in_dir({"--set", "sweep.batches=[4, 1, 4]"}),
                       "sweep.batches = [4.0, 1.0, 4.0]: must not repeat an element");
    expect_input_error(dir, in_dir({"--seed", "-1"}), "seed = -1: must be >= 0");
    expect_input_error(dir, in_dir({"--threads", "0"}), "--threads 0");
  }
  SUBCASE("NaN and infinity") {
    expect_input_error(dir, in_dir({"--set", "sgd.eta=nan"}), "sgd.eta = nan: must be finite");
    expect_input_error(dir, in_dir({"--set", "sde.T=inf"}), "sde.T = inf: must be finite");
    expect_input_error(dir, in_dir({"--set", "grid.edges=[0, nan]"}), "must be finite");
    expect_input_error(dir, in_dir({"--config", bad_nan.string()}), "sde.T = nan: must be finite");
  }
  SUBCASE("cross-key check B <= N") {
    expect_input_error(
        dir, in_dir({"--set", "sgd.batch=200"}),
        "sgd.batch = 200, data.n = 100: the batch size B must not exceed the number of samples N");
    expect_input_error(dir, in_dir({"--set", "data.n=5"}), "data.n = 5");
    expect_input_error(dir, in_dir({"--set", "sweep.batches=[1, 500]"}),
                       "sweep.batches = [1.0, 500.0], data.n = 100: the batch size B must not exceed");
  }
  SUBCASE("config files") {
    expect_input_error(dir, in_dir({"--config", (dir.path / "none.toml").string()}),
                       "none.toml: no such file");
    expect_input_error(dir, in_dir({"--config", malformed.string()}), "malformed.toml:3:");
    expect_input_error(dir, in_dir({"--config", dir.path.string()}), "no such file");
  }
  SUBCASE("unwritable output") {
    const Result r1 = run({"--out", (plain / "x.h5").string()});
    CHECK(r1.code == 2);
    CHECK_FALSE(r1.ran);
    CHECK(count_lines(r1.err) == 1);
    CHECK(r1.err.find("is not a folder") != std::string::npos);
    const Result r2 = run({"--out", (dir.path / "no" / "x.h5").string()});
    CHECK(r2.code == 2);
    CHECK(count_lines(r2.err) == 1);
    CHECK(r2.err.find("no such folder") != std::string::npos);
    const Result r3 = run({"--out", dir.path.string()});
    CHECK(r3.code == 2);
    CHECK(r3.err.find("is a directory") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "no"));
  }
}

TEST_CASE("harness: failures in the body leave no file; exit codes 1, 2 and --strict 3") {
  TempDir dir;
  const fs::path out = dir.path / "r.h5";
  Result r =
      run({"--out", out.string()}, [](RunContext&) { throw std::runtime_error("solver diverged\nbadly"); });
  CHECK(r.code == 1);
  CHECK(r.err == "toy: error: solver diverged badly\n");
  CHECK(dir.entries().empty());

  r = run({"--out", out.string()}, [](RunContext&) {
    [[maybe_unused]] const std::vector<double> huge(std::size_t{1} << 62);  // more than any machine has
  });
  CHECK(r.code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.starts_with("toy: error: out of memory"));
  CHECK(dir.entries().empty());
  r = run({"--out", out.string()}, [](RunContext&) { throw std::bad_alloc(); });
  CHECK(r.code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.starts_with("toy: error: out of memory"));
  CHECK(dir.entries().empty());

  r = run({"--out", out.string()}, [](RunContext&) { throw InputError("landscape: tilt too large"); });
  CHECK(r.code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK(dir.entries().empty());

  r = run({"--out", out.string()}, [](RunContext& ctx) { ctx.checks().add_bool("always false", false); });
  CHECK(r.code == 0);  // failed checks do not fail the run by default …
  CHECK(r.out.find("1/2 checks passed") != std::string::npos);
  CHECK(r.out.find("FAIL") != std::string::npos);
  CHECK(fs::exists(out));
  r = run({"--out", out.string(), "--strict"},
          [](RunContext& ctx) { ctx.checks().add_bool("always false", false); });
  CHECK(r.code == 3);  // … but do with --strict
  r = run({"--out", out.string(), "--strict"});
  CHECK(r.code == 0);
  CHECK(dir.entries() == std::vector<std::string>{"r.h5"});
}

TEST_CASE("harness: the results file carries provenance and the checks table") {
  TempDir dir;
  const fs::path out = dir.path / "r.h5";
  const Result r = run({"--out", out.string(), "--set", "sgd.eta=0.1", "--seed", "99", "--threads", "1"});
  REQUIRE(r.code == 0);
  io::ResultsReader f(out);
  for (const char* a : {"experiment", "config_toml", "seed", "code_version", "compiler", "library_versions",
                        "started_at", "wall_seconds", "threads", "profile"})
    CHECK_MESSAGE(f.has_attribute("/", a), a);
  CHECK(f.attribute_string("/", "experiment") == "toy");
  CHECK(f.attribute_string("/", "profile") == "quick");
  CHECK(f.attribute_int("/", "seed") == 99);
  CHECK(f.attribute_int("/", "threads") == 1);
  CHECK(f.attribute_double("/", "wall_seconds") >= 0.0);
  const std::string started = f.attribute_string("/", "started_at");
  CHECK(started.size() == 20);
  CHECK(started[10] == 'T');
  CHECK(started.back() == 'Z');
  // config_toml is TOML that reproduces the run
  const toml::table t = toml::parse(f.attribute_string("/", "config_toml"));
  CHECK(t["sgd"]["eta"].value<double>() == 0.1);
  CHECK(t["seed"].value<std::int64_t>() == 99);
  const auto checks = f.read_checks();
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].name == "eta echo");
  CHECK(checks[0].passed);
  CHECK(f.read_doubles("/sgd/x") == std::vector<double>{1.0, 2.0});
}

TEST_CASE("harness: --dry-run prints the resolved TOML and writes nothing; --help lists every key") {
  TempDir dir;
  const fs::path out = dir.path / "r.h5";
  Result r = run({"--dry-run", "--set", "sgd.eta=0.3", "--set", "grid.edges=[0, 2]", "--out", out.string()});
  CHECK(r.code == 0);
  CHECK_FALSE(r.ran);
  CHECK(dir.entries().empty());
  const toml::table t = toml::parse(r.out);
  CHECK(t["sgd"]["eta"].value<double>() == 0.3);
  CHECK(t["sgd"]["batch"].value<std::int64_t>() == 10);
  CHECK(t["name"].value<std::string>() == "abc");
  CHECK(t["flag"].value<bool>() == false);
  CHECK(t["grid"]["edges"].as_array()->size() == 2);
  // and the printed TOML, used as a config profile, reproduces the same configuration
  const fs::path again = dir.path / "again.toml";
  {
    std::ofstream os(again);
    os << "[quick]\n";
    std::istringstream is(r.out);
    std::string line, table;
    while (std::getline(is, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (line[0] == '[') {
        table = line.substr(1, line.size() - 2) + ".";
        continue;
      }
      os << table << line << "\n";
    }
  }
  const Result r2 = run({"--dry-run", "--config", again.string()});
  CHECK(r2.code == 0);
  CHECK(r2.out == r.out);
  fs::remove(again);

  r = run({"--help"});
  CHECK(r.code == 0);
  CHECK_FALSE(r.ran);
  for (const char* key :
       {"sgd.eta", "sgd.batch", "data.n", "sde.T", "sim.particles", "name", "flag", "grid.edges", "seed",
        "--set", "--profile", "--dry-run", "--strict", "--out", "--threads", "--quiet"})
    CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  CHECK(r.out.find("learning rate") != std::string::npos);
  CHECK(r.out.find("> 0") != std::string::npos);
}

TEST_CASE("config: schema misuse is a programming error") {
  Schema s;
  s.add({"a.b", ParamValue{1.0}, "x", {}});
  CHECK_THROWS_AS(s.add({"a.b", ParamValue{2.0}, "dup", {}}), std::logic_error);
  CHECK_THROWS_AS(s.add({"a", ParamValue{2.0}, "table clash", {}}), std::logic_error);
  CHECK_THROWS_AS(s.add({"bad key", ParamValue{2.0}, "", {}}), std::logic_error);
  CHECK_THROWS_AS(s.add_cross_check({{"zz"}, [](const Config&) { return true; }, ""}), std::logic_error);
  auto sp = std::make_shared<Schema>(s);
  Config c(sp);
  CHECK(c.get<double>("a.b") == 1.0);
  CHECK_THROWS_AS(c.set("a.c", ParamValue{1.0}), InputError);
  CHECK_THROWS_AS(c.set("a.b", ParamValue{std::string("x")}), InputError);
  c.set("a.b", ParamValue{std::int64_t{3}});
  CHECK(c.get<double>("a.b") == 3.0);
  CHECK(to_toml_literal(ParamValue{0.1}) == "0.1");
  CHECK(to_toml_literal(ParamValue{1e300}) == "1e+300");
  CHECK(to_toml_literal(ParamValue{2.0}) == "2.0");
  CHECK(to_toml_literal(ParamValue{std::string("a\"b")}) == "\"a\\\"b\"");
}
