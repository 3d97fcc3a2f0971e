#pragma once
// Reader of the IDX format of (Fashion-)MNIST: a 4-byte magic 0x00 0x00 <type> <rank>, then `rank`
// big-endian 32-bit dimensions, then the elements in C order. Only unsigned bytes (type 0x08) are
// accepted, which is what the image and label files hold. The file may be gzip-compressed or plain
// (zlib reads both). Every defect — a missing file, a wrong magic, a type other than bytes, a rank
// other than the expected one, data shorter or longer than the header says, a corrupt gzip stream —
// throws InputError naming the file and what is wrong (the harness turns it into one line, exit 2).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sgdsde::data {

struct IdxArray {
  std::vector<std::uint32_t> dims;  ///< as in the header, outermost first
  std::vector<std::uint8_t> bytes;  ///< product(dims) elements, C order
};

/// Reads an IDX file of unsigned bytes of rank `expected_rank` (1: labels, 3: images).
[[nodiscard]] IdxArray read_idx(const std::filesystem::path& path, int expected_rank);

/// Parses IDX bytes already in memory (what read_idx does after decompression); `what` names the
/// source in error messages. Exposed for tests and fuzzing.
[[nodiscard]] IdxArray parse_idx(const std::uint8_t* data, std::size_t size, int expected_rank,
                                 const std::string& what);

/// Writes an IDX file of unsigned bytes (plain, or gzip-compressed when `gzip`): for tests and for
/// users who want to store a subset.
void write_idx(const std::filesystem::path& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& bytes, bool gzip);

}  // namespace sgdsde::data
