// Round trips through the HDF5 writer and reader, the checks table, temp-then-rename.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"
#include "sgdsde/io/checks.hpp"
#include "sgdsde/io/columns.hpp"
#include "sgdsde/io/results_file.hpp"
#include "sgdsde/io/results_reader.hpp"

namespace fs = std::filesystem;
using namespace sgdsde;
using namespace sgdsde::io;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("sgdsde_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  [[nodiscard]] std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator()));
  }
};
}  // namespace

TEST_CASE("results file: numeric datasets round trip with their shapes") {
  TempDir dir;
  const fs::path p = dir.path / "a.h5";
  const std::vector<double> d = {1.5, -2.25, 3.0, std::numeric_limits<double>::max(), 0.1, -0.0};
  const std::vector<std::int64_t> i64 = {std::numeric_limits<std::int64_t>::min(), -1, 0, 7,
                                         std::numeric_limits<std::int64_t>::max()};
  const std::vector<std::uint8_t> u8 = {0, 1, 255};
  {
    ResultsFile f(p);
    CHECK_FALSE(fs::exists(f.temp_path()));  // nothing on disk before commit(): a killed run leaves nothing
    CHECK_FALSE(fs::exists(p));
    f.write("/sgd/histogram/counts", d, {2, 3});
    f.write("/ints", i64);
    f.write("/bytes", u8);
    f.write_scalar("/sgd/steps", std::int64_t{42});
    f.commit();
    CHECK(fs::exists(p));
    CHECK_FALSE(fs::exists(f.temp_path()));
  }
  ResultsReader r(p);
  CHECK(r.is_group("/sgd"));
  CHECK(r.is_group("/sgd/histogram"));
  CHECK(r.is_dataset("/sgd/histogram/counts"));
  CHECK(r.groups("/") == std::vector<std::string>{"sgd"});
  CHECK(r.datasets("/") == std::vector<std::string>{"bytes", "ints"});
  CHECK(r.list("/sgd") == std::vector<std::string>{"histogram", "steps"});
  const auto a = r.read<double>("/sgd/histogram/counts");
  CHECK(a.dims == std::vector<std::size_t>{2, 3});
  CHECK(a.values == d);
  CHECK(std::signbit(a.values[5]));
  CHECK(r.read_int64s("/ints") == i64);
  const auto b = r.read<std::uint8_t>("/bytes");
  CHECK(b.values == u8);
  CHECK(r.read_doubles("/bytes") == std::vector<double>{0, 1, 255});  // converted by HDF5
  const auto s = r.read<std::int64_t>("/sgd/steps");
  CHECK(s.dims.empty());
  CHECK(s.values == std::vector<std::int64_t>{42});
  CHECK_THROWS((void)r.read_doubles("/nope"));
}

TEST_CASE("results file: Eigen matrices keep their logical shape in either storage order") {
  TempDir dir;
  const fs::path p = dir.path / "m.h5";
  Mat m(2, 3);
  m << 1, 2, 3, 4, 5, 6;  // column-major storage: 1 4 2 5 3 6
  Ensemble e(3, 4);       // row-major d × M
  for (Index i = 0; i < 3; ++i)
    for (Index j = 0; j < 4; ++j) e(i, j) = 10.0 * static_cast<double>(i) + static_cast<double>(j);
  Vec v = Vec::LinSpaced(5, 0.0, 1.0);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> mi(2, 2);
  mi << 1, 2, 3, 4;
  {
    ResultsFile f(p);
    f.write("/theory/m", m);
    f.write("/sde/ensemble", e);
    f.write("/v", v);
    f.write("/theory/mi", mi);
    f.write("/theory/mt", m.transpose());  // an expression
    f.commit();
  }
  ResultsReader r(p);
  const auto a = r.read<double>("/theory/m");
  CHECK(a.dims == std::vector<std::size_t>{2, 3});
  CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6});  // C order of the logical matrix
  CHECK(r.read_matrix("/theory/m") == m);
  CHECK(r.read_matrix("/sde/ensemble") == e.matrix());
  CHECK(r.dims("/sde/ensemble") == std::vector<std::size_t>{3, 4});
  CHECK(r.dims("/v") == std::vector<std::size_t>{5});
  CHECK(r.read_doubles("/v") == std::vector<double>(v.data(), v.data() + 5));
  CHECK(r.read_int64s("/theory/mi") == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(r.read_matrix("/theory/mt") == m.transpose());
}

TEST_CASE("results file: strings and attributes") {
  TempDir dir;
  const fs::path p = dir.path / "s.h5";
  const std::vector<std::string> names = {"alpha", "", "βeta with spaces", "x\ny"};
  {
    ResultsFile f(p);
    f.write_strings("/meta/names", names);
    f.write_strings("/meta/empty", {});
    f.write_string("/meta/note", "hello");
    f.set_attribute("/", "experiment", "unit");
    f.set_attribute("/", "seed", std::int64_t{123});
    f.set_attribute("/", "threads", 4);  // int → int64
    f.set_attribute("/", "eta", 0.25);
    f.set_attribute("/", "flag", true);
    f.set_attribute("/meta", "edges", std::vector<double>{0.0, 0.5, 1.0});
    f.set_attribute("/meta/names", "ids", std::vector<std::int64_t>{3, 4});
    f.set_attribute("/meta", "labels", std::vector<std::string>{"a", "bc"});
    f.set_attribute("/", "eta", 0.5);  // replaced
    f.commit();
  }
  ResultsReader r(p);
  CHECK(r.read_strings("/meta/names") == names);
  CHECK(r.read_strings("/meta/empty").empty());
  CHECK(r.read_strings("/meta/note") == std::vector<std::string>{"hello"});
  CHECK(r.attribute_string("/", "experiment") == "unit");
  CHECK(r.attribute_int("/", "seed") == 123);
  CHECK(r.attribute_int("/", "threads") == 4);
  CHECK(r.attribute_double("/", "eta") == 0.5);
  CHECK(r.attribute_int("/", "flag") == 1);
  CHECK(r.attribute_doubles("/meta", "edges") == std::vector<double>{0.0, 0.5, 1.0});
  CHECK(r.attribute_ints("/meta/names", "ids") == std::vector<std::int64_t>{3, 4});
  CHECK(r.attribute_strings("/meta", "labels") == std::vector<std::string>{"a", "bc"});
  CHECK(r.has_attribute("/", "seed"));
  CHECK_FALSE(r.has_attribute("/", "nope"));
  CHECK(r.attribute_names("/") == std::vector<std::string>{"eta", "experiment", "flag", "seed", "threads"});
  CHECK_THROWS((void)r.attribute_string("/", "seed"));
  CHECK_THROWS((void)r.attribute_int("/", "nope"));
}

TEST_CASE("results file: large datasets are chunked and compressed, and read back exactly") {
  TempDir dir;
  const fs::path p = dir.path / "big.h5";
  std::vector<double> big(200 * 300);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = std::sin(static_cast<double>(i) * 1e-3);
  {
    ResultsFile f(p);
    f.write("/big", big, {200, 300});
    f.commit();
  }
  // Smooth data compresses: the file is smaller than the raw bytes.
  CHECK(fs::file_size(p) < big.size() * sizeof(double));
  ResultsReader r(p);
  CHECK(r.read_doubles("/big") == big);
}

TEST_CASE("results file: misuse and unusable paths") {
  TempDir dir;
  {
    ResultsFile f(dir.path / "x.h5");
    f.write("/a", std::vector<double>{1.0});
    CHECK_THROWS_AS(f.write("/a", std::vector<double>{2.0}), std::logic_error);
    CHECK_THROWS_AS(f.write("/b", std::vector<double>{1.0, 2.0}, {3}), std::logic_error);
    CHECK_THROWS_AS(f.write("/a/c", std::vector<double>{1.0}), std::logic_error);  // /a is not a group
  }
  CHECK(dir.entries() == 0);  // destroyed without commit: nothing left
  CHECK_THROWS_AS(ResultsFile(dir.path / "missing" / "x.h5"), InputError);
  CHECK_THROWS_AS(ResultsFile(dir.path), InputError);  // a folder
  { std::ofstream(dir.path / "plain") << "x"; }
  CHECK_THROWS_AS(ResultsFile(dir.path / "plain" / "x.h5"), InputError);  // parent is a file
  CHECK_THROWS_AS(ResultsReader(dir.path / "none.h5"), InputError);
  CHECK_THROWS_AS(ResultsReader(dir.path / "plain"), InputError);  // not HDF5
}

TEST_CASE("results file: an exception before commit leaves neither the file nor the temporary") {
  TempDir dir;
  const fs::path p = dir.path / "r.h5";
  fs::path temp;
  try {
    ResultsFile f(p);
    temp = f.temp_path();
    CHECK(temp.parent_path() == dir.path);
    CHECK(temp.filename().string().starts_with(".r.h5.tmp-"));
    f.write("/x", std::vector<double>(100000, 1.0));
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(fs::exists(p));
  CHECK_FALSE(fs::exists(temp));
  CHECK(dir.entries() == 0);
  // commit replaces an older file of the same name
  {
    ResultsFile f(p);
    f.write_scalar("/v", 1.0);
    f.commit();
  }
  {
    ResultsFile f(p);
    f.write_scalar("/v", 2.0);
    f.commit();
  }
  CHECK(ResultsReader(p).read_doubles("/v") == std::vector<double>{2.0});
  CHECK(dir.entries() == 1);
}

TEST_CASE("checks: pass rules, table and round trip") {
  Checks c;
  CHECK(c.add("mean", 1.02, 0.01, 1.0, 0.05, "sample mean"));
  CHECK_FALSE(c.add("var", 2.0, 0.1, 1.0, 0.5));
  CHECK_FALSE(c.add("nan", std::nan(""), 0.0, 1.0, 10.0));
  CHECK(c.add_upper("tv", 0.01, 0.002, 0.05));
  CHECK_FALSE(c.add_upper("tv2", 0.06, 0.0, 0.05));
  CHECK(c.add_lower("rate", 3.0, 0.5, 2.0));
  CHECK_FALSE(c.add_lower("rate2", 1.0, 0.5, 2.0));
  CHECK(c.add_bool("converged", true));
  CHECK_FALSE(c.add_bool("stable", false, "no blow-up"));
  CHECK(c.size() == 9);
  CHECK(c.num_passed() == 4);
  CHECK_FALSE(c.all_passed());

  std::ostringstream os;
  c.print(os);
  const std::string t = os.str();
  CHECK(t.find("4/9 checks passed") != std::string::npos);
  CHECK(t.find("1.02 ± 0.01") != std::string::npos);
  CHECK(t.find("<= 0.05") != std::string::npos);
  // every row line has the same width up to the PASS/FAIL column
  std::istringstream is(t);
  std::string line;
  std::size_t col = std::string::npos, rows = 0;
  while (std::getline(is, line)) {
    if (line.find("checks passed") != std::string::npos) continue;
    auto pos = line.rfind("PASS");
    if (pos == std::string::npos) pos = line.rfind("FAIL");
    if (pos == std::string::npos) continue;
    // count code points before the status (± is two bytes)
    std::size_t cp = 0;
    for (std::size_t i = 0; i < pos; ++i) cp += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (col == std::string::npos) col = cp;
    CHECK(cp == col);
    ++rows;
  }
  CHECK(rows == 9);

  TempDir dir;
  const fs::path p = dir.path / "c.h5";
  {
    ResultsFile f(p);
    c.write(f);
    f.commit();
  }
  ResultsReader r(p);
  const auto back = r.read_checks();
  REQUIRE(back.size() == c.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    const auto& a = back[i];
    const auto& b = c.rows()[i];
    CHECK(a.name == b.name);
    CHECK(a.passed == b.passed);
    CHECK(a.kind == b.kind);
    CHECK(a.description == b.description);
    CHECK((a.measured == b.measured || (std::isnan(a.measured) && std::isnan(b.measured))));
    CHECK(a.std_error == b.std_error);
    CHECK(a.predicted == b.predicted);
    CHECK(a.tolerance == b.tolerance);
  }
  CHECK(r.dims("/summary/checks/passed") == std::vector<std::size_t>{9});
  CHECK(r.attribute_int("/summary/checks", "num_passed") == 4);
}

TEST_CASE("checks: roles, resolution and the family-wise bound") {
  using sgdsde::io::CheckRole;
  Checks c;
  c.add("T", 1.02, 0.01, 1.0, 0.05);     // resolution 0.05: sees a 6% error in T
  c.add_upper("tv", 0.02, 0.002, 0.05);  // headroom (0.05 − 0.02)/0.05
  c.add_identity("grad at minimum", 1e-14, 0.0, 1e-12);
  c.add_bool("finite", true);
  c.add("case: a", 1.0, 0.1, 1.0, 0.5);
  c.add("case: b", 1.0, 0.1, 1.0, 0.5);
  CHECK(c.set_role_of_prefix("case:", CheckRole::illustration) == 2);
  c.set_role("finite", CheckRole::identity);
  CHECK_THROWS_AS(c.set_role("no such row", CheckRole::claim), std::logic_error);
  CHECK(c.count(CheckRole::claim) == 2);
  CHECK(c.count(CheckRole::identity) == 2);
  CHECK(c.count(CheckRole::illustration) == 2);
  CHECK(c.count_passed(CheckRole::claim) == 2);
  const auto& rows = c.rows();
  CHECK(rows[0].resolution == doctest::Approx(0.05));
  CHECK(rows[1].resolution == doctest::Approx(0.6));
  CHECK(std::isnan(rows[2].resolution));  // prediction 0
  CHECK(std::isnan(rows[3].resolution));  // yes/no
  // n · P(|Z| > 5) = n · 5.733e-7, capped at 1.
  CHECK(sgdsde::io::family_wise_false_alarm(1000) == doctest::Approx(5.733e-4).epsilon(1e-3));
  CHECK(sgdsde::io::family_wise_false_alarm(10'000'000) == 1.0);

  std::ostringstream os;
  c.print(os);
  CHECK(os.str().find("PASS (identity)") != std::string::npos);
  CHECK(os.str().find("claims 2/2") != std::string::npos);

  TempDir dir;
  const fs::path p = dir.path / "roles.h5";
  {
    ResultsFile f(p);
    c.write(f);
    f.commit();
  }
  const auto back = ResultsReader(p).read_checks();
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    CHECK(back[i].role == rows[i].role);
    CHECK((back[i].resolution == rows[i].resolution ||
           (std::isnan(back[i].resolution) && std::isnan(rows[i].resolution))));
  }
  CHECK(ResultsReader(p).attribute_int("/summary/checks", "num_claims") == 2);
}

TEST_CASE("columns: a sweep's tables written as one dataset per column, rows checked") {
  TempDir dir;
  const fs::path p = dir.path / "c.h5";
  {
    ResultsFile f(p);
    Columns col(3);
    auto& tau = col.column("/theory/tau");
    for (std::size_t i = 0; i < 3; ++i) {
      tau[i] = 1.5 * static_cast<double>(i);
      col("/sgd/mean", i) = -static_cast<double>(i);
    }
    CHECK(col["/theory/tau"][2] == 3.0);
    CHECK(col.rows() == 3);
    CHECK_THROWS_AS(col("/sgd/mean", 3), std::out_of_range);
    CHECK_THROWS_AS((void)col["/never/set"], std::out_of_range);
    col.write(f);
    f.commit();
  }
  ResultsReader r(p);
  CHECK(r.read_doubles("/theory/tau") == std::vector<double>{0.0, 1.5, 3.0});
  CHECK(r.read_doubles("/sgd/mean") == std::vector<double>{-0.0, -1.0, -2.0});
}
