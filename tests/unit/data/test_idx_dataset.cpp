// The IDX reader and the data set operations: good files (gzip and plain) read back exactly; every
// defect — missing file, wrong magic, wrong type or rank, dimensions that disagree with the data,
// truncated data, a corrupt gzip stream, a label >= the number of classes, image and label counts that
// differ — is an InputError naming the file and the defect. Standardisation, subsets and random labels.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/data/dataset.hpp"
#include "sgdsde/data/idx.hpp"

using namespace sgdsde;
using namespace sgdsde::data;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() : path(fs::temp_directory_path() / ("sgdsde_idx_" + std::to_string(::getpid()))) {
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

/// The message of the InputError fn throws ("" if none).
template <class Fn>
std::string input_error(Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// 6 images of 2 × 3 pixels with labels 0 … 2 twice.
void write_pair(const fs::path& dir, bool gzip) {
  std::vector<std::uint8_t> px(36);
  for (std::size_t k = 0; k < px.size(); ++k) px[k] = static_cast<std::uint8_t>(7 * k);
  write_idx(dir / "img", {6, 2, 3}, px, gzip);
  write_idx(dir / "lab", {6}, {0, 1, 2, 0, 1, 2}, gzip);
}
}  // namespace

TEST_CASE("IDX files read back exactly, gzip-compressed or plain") {
  TempDir t;
  for (const bool gz : {true, false}) {
    write_pair(t.path, gz);
    const IdxArray a = read_idx(t.path / "img", 3);
    CHECK(a.dims == std::vector<std::uint32_t>{6, 2, 3});
    CHECK(a.bytes.size() == 36);
    CHECK(a.bytes[5] == 35);
    const Dataset d = load_idx_pair(t.path / "img", t.path / "lab", 3);
    CHECK(d.size() == 6);
    CHECK(d.features() == 6);
    CHECK(d.X(1, 0) == doctest::Approx(7.0 / 255.0));
    CHECK(d.y[4] == 1);
  }
}

TEST_CASE("every IDX defect is one InputError naming the file and the defect") {
  TempDir t;
  const fs::path f = t.path / "bad";
  CHECK(contains(input_error([&] { (void)read_idx(t.path / "missing", 1); }), "missing: no such file"));
  write_bytes(f, {1, 0, 8, 1, 0, 0, 0, 1, 5});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "wrong magic number"));
  write_bytes(f, {0, 0, 0x0D, 1, 0, 0, 0, 1, 5});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "element type"));
  write_bytes(f, {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "has 2 dimensions, expected 1"));
  write_bytes(f, {0, 0, 8, 1, 0, 0, 0, 3, 5, 6});
  const std::string trunc = input_error([&] { (void)read_idx(f, 1); });
  CHECK(contains(trunc, f.string()));
  CHECK(contains(trunc, "truncated data"));
  write_bytes(f, {0, 0, 8, 1, 0, 0, 0, 1, 5, 6});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "dimensions disagree"));
  write_bytes(f, {0, 0, 8, 1, 0, 0});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "truncated header"));
  // A gzip stream cut in the middle.
  std::vector<std::uint8_t> big(5000);
  for (std::size_t k = 0; k < big.size(); ++k) big[k] = static_cast<std::uint8_t>(k * 31 % 251);
  write_idx(f, {5000}, big, true);
  const auto size = fs::file_size(f);
  fs::resize_file(f, size / 2);
  const std::string gz = input_error([&] { (void)read_idx(f, 1); });
  CHECK((contains(gz, "corrupt or truncated gzip") || contains(gz, "truncated data")));
  CHECK(contains(gz, f.string()));
}

TEST_CASE("IDX: the reader holds no more than the header announces, and refuses a lying header") {
  TempDir t;
  const fs::path f = t.path / "bad";
  // The element type is named in hex, as the format defines it (0x0D: float).
  write_bytes(f, {0, 0, 0x0D, 1, 0, 0, 0, 1, 5});
  CHECK(contains(input_error([&] { (void)read_idx(f, 1); }), "element type 0x0D"));
  // A header that claims 60000 × 28 × 28 bytes over a 16-byte body, plain and gzip: refused as
  // truncated (the reader allocates for the bytes it finds, never for what the header claims).
  std::vector<std::uint8_t> lying(16, 7);
  for (const bool gz : {false, true}) {
    write_idx(f, {60000, 28, 28}, lying, gz);
    CHECK(contains(input_error([&] { (void)read_idx(f, 3); }),
                   "truncated data: the header announces 47040000"));
  }
  // A gzip bomb behind a small header: 1 element announced, 64 MiB of zeros follow (64 KiB
  // compressed). The reader stops one byte past the announced size instead of inflating it all.
  write_idx(f, {1}, std::vector<std::uint8_t>(std::size_t{64} << 20), true);
  CHECK(fs::file_size(f) < (std::uintmax_t{1} << 20));
  CHECK(contains(
      input_error([&] { (void)read_idx(f, 1); }),
      "the dimensions disagree with the data: the header announces 1 elements, the file holds more"));
  // Products of dimensions beyond 2^32 elements are refused before anything is read or allocated.
  write_bytes(f, {0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 1, 2});
  CHECK(contains(input_error([&] { (void)read_idx(f, 3); }), "more than 2^32 elements"));
}

TEST_CASE("image/label pairs: counts must agree and labels be below the number of classes") {
  TempDir t;
  write_pair(t.path, true);
  CHECK(contains(input_error([&] { (void)load_idx_pair(t.path / "img", t.path / "lab", 2); }),
                 "label 2 of sample 2 is not below the number of classes 2"));
  write_idx(t.path / "lab5", {5}, {0, 1, 2, 0, 1}, false);
  CHECK(contains(input_error([&] { (void)load_idx_pair(t.path / "img", t.path / "lab5", 3); }),
                 "5 labels for 6 images"));
  CHECK(contains(input_error([&] { (void)load_mnist_split(t.path, "train"); }), "no such file"));
}

TEST_CASE("standardisation from training statistics, subsets and random labels") {
  TempDir t;
  write_pair(t.path, false);
  Dataset d = load_idx_pair(t.path / "img", t.path / "lab", 3);
  const Dataset raw = d;
  const Standardisation s = Standardisation::fit(d);
  s.apply(d);
  CHECK(d.X.rowwise().mean().cwiseAbs().maxCoeff() <= 1e-15);
  CHECK(d.X.squaredNorm() / static_cast<double>(d.X.size()) == doctest::Approx(1.0).epsilon(1e-14));
  const Dataset first = first_n(raw, 4);
  CHECK(first.size() == 4);
  CHECK(first.X.col(3) == raw.X.col(3));
  const Dataset bal = class_balanced(raw, 4);  // classes 0, 1 get 2 each? ⌊4/3⌋ = 1, +1 for c < 1
  CHECK(bal.size() == 4);
  CHECK(std::count(bal.y.begin(), bal.y.end(), 0) == 2);
  CHECK(std::count(bal.y.begin(), bal.y.end(), 2) == 1);
  CHECK(contains(input_error([&] { (void)class_balanced(raw, 7); }), "not possible"));

  // Random labels: exactly round(f N) samples chosen, deterministic in the seed.
  Dataset big;
  big.n_classes = 10;
  big.X = Mat::Zero(1, 20000);
  big.y.assign(20000, 3);
  Dataset copy = big;
  const auto chosen = randomise_labels(big, 0.25, 9);
  CHECK(chosen.size() == 5000);
  CHECK(randomise_labels(copy, 0.25, 9) == chosen);
  CHECK(copy.y == big.y);
  Index unchanged = 0;
  for (const Index i : chosen) unchanged += big.y[static_cast<std::size_t>(i)] == 3;
  // About 1/10 of the chosen keep their class by chance: binomial(5000, 0.1) within 5 sd.
  CHECK(std::abs(static_cast<double>(unchanged) - 500.0) <= 5.0 * std::sqrt(5000 * 0.1 * 0.9));
  Index changed_elsewhere = 0;
  for (Index i = 0; i < 20000; ++i)
    if (!std::binary_search(chosen.begin(), chosen.end(), i))
      changed_elsewhere += big.y[static_cast<std::size_t>(i)] != 3;
  CHECK(changed_elsewhere == 0);
}

TEST_CASE("Fashion-MNIST from Debian's dataset-fashion-mnist (test split)") {
  const fs::path folder = kFashionMnistFolder;
  if (!fs::exists(folder / "t10k-images-idx3-ubyte.gz")) {
    MESSAGE("dataset-fashion-mnist is not installed (scripts/install-deps installs it): skipped");
    return;
  }
  const Dataset d = load_mnist_split(folder, "test");
  CHECK(d.size() == 10000);
  CHECK(d.features() == 784);
  CHECK(d.X.minCoeff() == 0.0);
  CHECK(d.X.maxCoeff() == 1.0);
  for (int c = 0; c < 10; ++c) CHECK(std::count(d.y.begin(), d.y.end(), c) == 1000);  // balanced test set
}
