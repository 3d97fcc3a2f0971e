#include "sgdsde/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::data {

namespace {
constexpr std::uint8_t kUnsignedByte = 0x08;
/// Larger than any IDX file of interest (Fashion-MNIST's training images are 47 MB): a header that
/// claims more is corrupt, and refusing it avoids a giant allocation.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 32;

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

/// What the header at the start of `head` says about the stream's length: kUnknown while the header
/// is incomplete, kInvalid once it is already wrong (parse_idx then says what is wrong), otherwise
/// the announced size in bytes, header included.
constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max(), kInvalid = 0;
std::uint64_t announced_size(const std::vector<std::uint8_t>& head, int expected_rank) {
  if (head.size() < 4) return kUnknown;
  if (head[0] != 0 || head[1] != 0 || head[2] != kUnsignedByte || head[3] != expected_rank) return kInvalid;
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(expected_rank);
  if (head.size() < header) return kUnknown;
  std::uint64_t n = 1;
  for (int r = 0; r < expected_rank; ++r) {
    n *= big_endian(head.data() + 4 + 4 * r);
    if (n == 0 || n > kMaxElements) return kInvalid;
  }
  return header + n;
}

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
}  // namespace

IdxArray parse_idx(const std::uint8_t* data, std::size_t size, int expected_rank, const std::string& what) {
  const auto fail = [&](const std::string& msg) { throw InputError(what + ": " + msg); };
  if (size < 4) fail("too short for an IDX header (" + std::to_string(size) + " bytes)");
  if (data[0] != 0 || data[1] != 0)
    fail("wrong magic number (the first two bytes must be 0; not an IDX file?)");
  if (data[2] != kUnsignedByte) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02X", data[2]);
    fail(std::string("element type ") + type + " is not supported (only unsigned bytes, 0x08)");
  }
  const int rank = data[3];
  if (rank != expected_rank)
    fail("has " + std::to_string(rank) + " dimensions, expected " + std::to_string(expected_rank));
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
  if (size < header) fail("truncated header (" + std::to_string(size) + " bytes)");
  IdxArray a;
  std::uint64_t n = 1;
  for (int r = 0; r < rank; ++r) {
    const std::uint32_t d = big_endian(data + 4 + 4 * r);
    if (d == 0) fail("dimension " + std::to_string(r) + " is 0");
    a.dims.push_back(d);
    n *= d;
    if (n > kMaxElements) fail("the header claims more than 2^32 elements");
  }
  const std::uint64_t have = size - header;
  if (have < n)
    fail("truncated data: the header announces " + std::to_string(n) + " elements, the file holds " +
         std::to_string(have));
  if (have > n)
    fail("the dimensions disagree with the data: the header announces " + std::to_string(n) +
         " elements, the file holds " + std::to_string(have));
  a.bytes.assign(data + header, data + header + n);
  return a;
}

IdxArray read_idx(const std::filesystem::path& path, int expected_rank) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(name + ": " +
                     (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  // gzopen reads plain files as they are, so one path serves .gz and uncompressed files.
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(name.c_str(), "rb"));
  if (!f) throw InputError(name + ": cannot open (" + std::strerror(errno) + ")");
  // Read in chunks, and once the header is in, no more than it announces plus one byte (enough to
  // tell "longer than announced"): memory then follows the smaller of the header and the real data,
  // so neither a lying header nor a gzip bomb behind a small header makes the reader hold more.
  // Chunks grow with the data (4 KiB up to 1 MiB), so that a small file costs little.
  std::vector<std::uint8_t> buf;
  std::uint64_t announced = kUnknown, limit = kMaxElements + 1024;
  while (buf.size() < limit) {
    const std::size_t old = buf.size();
    const std::size_t chunk = std::clamp<std::size_t>(old, 4096, std::size_t{1} << 20);
    buf.resize(old + static_cast<std::size_t>(std::min<std::uint64_t>(chunk, limit - old)));
    const int got = gzread(f.get(), buf.data() + old, static_cast<unsigned>(buf.size() - old));
    if (got < 0) {
      int err = 0;
      const char* msg = gzerror(f.get(), &err);
      throw InputError(name + ": corrupt or truncated gzip data (" + (msg ? msg : "zlib error") + ")");
    }
    buf.resize(old + static_cast<std::size_t>(got));
    if (got == 0) break;
    if (announced == kUnknown) {
      announced = announced_size(buf, expected_rank);
      if (announced == kInvalid) break;
      if (announced != kUnknown) limit = announced + 1;
    }
  }
  if (announced != kUnknown && announced != kInvalid && buf.size() > announced) {
    const std::uint64_t elements = announced - 4 - 4 * static_cast<std::uint64_t>(expected_rank);
    throw InputError(name + ": the dimensions disagree with the data: the header announces " +
                     std::to_string(elements) + " elements, the file holds more");
  }
  // A gzip stream cut short ends without error from gzread at Z_BUF_ERROR; ask explicitly.
  int err = Z_OK;
  gzerror(f.get(), &err);
  if (err != Z_OK && err != Z_STREAM_END) throw InputError(name + ": corrupt or truncated gzip data");
  return parse_idx(buf.data(), buf.size(), expected_rank, name);
}

void write_idx(const std::filesystem::path& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& bytes, bool gzip) {
  require(dims.size() <= 255, "write_idx: at most 255 dimensions");
  std::vector<std::uint8_t> out{0, 0, kUnsignedByte, static_cast<std::uint8_t>(dims.size())};
  for (const std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(d >> s));
  out.insert(out.end(), bytes.begin(), bytes.end());
  const std::string name = path.string();
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(name.c_str(), gzip ? "wb" : "wbT"));
  if (!f) throw std::runtime_error(name + ": cannot create (" + std::strerror(errno) + ")");
  if (gzwrite(f.get(), out.data(), static_cast<unsigned>(out.size())) != static_cast<int>(out.size()))
    throw std::runtime_error(name + ": write failed");
  if (gzclose(f.release()) != Z_OK) throw std::runtime_error(name + ": write failed");
}

}  // namespace sgdsde::data
