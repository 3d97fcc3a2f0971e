// libFuzzer target: the IDX reader (Fashion-MNIST's format) on fuzzed bytes. The first byte of the
// input is a mode, the rest the payload:
//
//   bit 0     0: the payload is written to the file as it is (so it may itself be a gzip stream,
//                possibly corrupt: seeds hold a few); 1: the payload is gzip-compressed first, so
//                the mutations reach the IDX header and data behind a valid gzip stream
//   bit 1     0: one file, read with read_idx at rank 1 and at rank 3, and the payload also parsed
//                in memory by parse_idx;
//             1: an image/label pair through load_idx_pair: the next two payload bytes (big-endian)
//                are the length of the image file, the rest is the label file
//   bits 2-7  the number of classes for load_idx_pair: 2 + (mode >> 2)
//
// Every defect must be an InputError: a crash, a sanitizer report, a hang, an allocation beyond the
// malloc limit (a lying header must be refused before allocating) or any other exception is a bug.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/data/dataset.hpp"
#include "sgdsde/data/idx.hpp"

namespace {
namespace fs = std::filesystem;
fs::path g_images, g_labels;

void write_file(const fs::path& path, const std::uint8_t* data, std::size_t size, bool gzip) {
  if (!gzip) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return;
  }
  gzFile f = gzopen(path.c_str(), "wb1");
  if (!f || (size > 0 && gzwrite(f, data, static_cast<unsigned>(size)) != static_cast<int>(size)) ||
      gzclose(f) != Z_OK) {
    std::fprintf(stderr, "fuzz_idx: cannot write %s\n", path.c_str());
    std::abort();  // the harness's own failure, not the reader's: stop rather than mislead
  }
}

/// Runs f; an InputError is the expected answer to bad bytes, anything else escaping is a bug.
template <class F>
void expect_input_error_only(const char* what, F&& f) {
  try {
    f();
  } catch (const sgdsde::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_idx: %s threw a %s, not an InputError: %s\n", what, typeid(e).name(),
                 e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz_idx: %s threw something that is not a std::exception\n", what);
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fs::path dir = fs::temp_directory_path() / ("sgdsde_fuzz_idx_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  g_images = dir / "images";
  g_labels = dir / "labels";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 65536) return -1;
  const std::uint8_t mode = data[0];
  const bool gzip = mode & 1;
  const std::uint8_t* p = data + 1;
  std::size_t n = size - 1;
  if (!(mode & 2)) {
    expect_input_error_only("parse_idx", [&] {
      for (const int rank : {1, 3}) {
        try {
          const auto a = sgdsde::data::parse_idx(p, n, rank, "input");
          std::uint64_t elements = 1;
          for (const auto d : a.dims) elements *= d;
          if (a.dims.size() != static_cast<std::size_t>(rank) || a.bytes.size() != elements) std::abort();
        } catch (const sgdsde::InputError&) {
        }
      }
    });
    write_file(g_images, p, n, gzip);
    expect_input_error_only("read_idx", [&] {
      for (const int rank : {1, 3}) {
        try {
          (void)sgdsde::data::read_idx(g_images, rank);
        } catch (const sgdsde::InputError&) {
        }
      }
    });
    return 0;
  }
  if (n < 2) return -1;
  const std::size_t image_len = std::min<std::size_t>((std::size_t{p[0]} << 8) | p[1], n - 2);
  write_file(g_images, p + 2, image_len, gzip);
  write_file(g_labels, p + 2 + image_len, n - 2 - image_len, gzip);
  const int classes = 2 + (mode >> 2);
  expect_input_error_only("load_idx_pair", [&] {
    const auto d = sgdsde::data::load_idx_pair(g_images, g_labels, classes);
    if (d.size() < 1 || static_cast<std::size_t>(d.size()) != d.y.size()) std::abort();
    for (const auto c : d.y)
      if (c < 0 || c >= classes) std::abort();
  });
  return 0;
}
