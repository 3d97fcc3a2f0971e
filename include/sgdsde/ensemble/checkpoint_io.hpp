#pragma once
// The byte streams an observer saves its partial results to and restores them from
// (ensemble/checkpoint.hpp). Values are copied as bytes, so a restored partial is bit for bit the
// saved one; the checkpoint's checksum is verified before any Reader sees its bytes.
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"

namespace sgdsde::checkpoint {

/// A checkpoint that cannot be used: damaged, foreign, or of another run. An input error: the harness
/// prints it as one line and exits with code 2.
struct Refused : InputError {
  using InputError::InputError;
};

class Writer {
 public:
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void put(std::span<const T> values) { append(values.data(), values.size_bytes()); }
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void put(const T& value) { append(&value, sizeof value); }
  void append(const void* data, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(data);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  [[nodiscard]] std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

class Reader {
 public:
  /// `what` names the checkpoint in the one-line error of a record that ends too early.
  Reader(std::span<const std::byte> bytes, std::string what) : rest_(bytes), what_(std::move(what)) {}
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void get(std::span<T> out) { take(out.data(), out.size_bytes()); }
  template <class T>
  requires std::is_trivially_copyable_v<T>
  [[nodiscard]] T get() {
    T v;
    take(&v, sizeof v);
    return v;
  }
  void take(void* out, std::size_t n) {
    if (n > rest_.size()) throw Refused(what_ + ": corrupt (a record ends early)");
    if (n > 0) std::memcpy(out, rest_.data(), n);
    rest_ = rest_.subspan(n);
  }
  [[nodiscard]] bool at_end() const { return rest_.empty(); }
  [[nodiscard]] std::size_t remaining() const { return rest_.size(); }
  [[nodiscard]] const std::string& what() const { return what_; }

 private:
  std::span<const std::byte> rest_;
  std::string what_;
};

}  // namespace sgdsde::checkpoint
