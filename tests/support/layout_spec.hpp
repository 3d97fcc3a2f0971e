#pragma once
// A results-file layout written as text, one object per line, for the results-reader fuzzer
// (fuzz/fuzz_results_reader.cpp) and the regression tests of what it finds. The fuzzer mutates the
// layout (missing datasets, wrong shapes and types, NaNs, empty arrays), not HDF5's own encoding:
// crashes of libhdf5 on corrupt bytes are not ours to fix, a reader that trusts a layout is.
//
//   group PATH
//   data PATH TYPE DIMS [VALUES…]        TYPE: f64 f32 i64 i32 u8 str; DIMS: "-" (scalar) or
//                                          "3", "2x3", "0" …; values are cycled to fill the shape
//   attr PATH NAME TYPE [VALUES…]        TYPE: f64 i64 bool str f64s i64s strs
//
// Numbers are read with strtod (nan, inf, 1e308 …). A line that cannot be written (a malformed
// line, a path that exists, a parent that is a dataset) is skipped: the fuzzer wants files, and
// the writer's own checks are not what it tests.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "sgdsde/io/results_file.hpp"

namespace sgdsde::test {

namespace layout_detail {
inline double number(const std::string& s) { return std::strtod(s.c_str(), nullptr); }
inline std::int64_t integer(const std::string& s) {
  const double d = number(s);
  // Saturate: a cast of an out-of-range double is undefined behaviour.
  if (!(d == d)) return 0;
  if (d >= 9.2e18) return INT64_MAX;
  if (d <= -9.2e18) return INT64_MIN;
  return static_cast<std::int64_t>(d);
}
template <class T, class F>
std::vector<T> fill(const std::vector<std::string>& words, std::size_t n, F convert) {
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n && !words.empty(); ++i) out[i] = convert(words[i % words.size()]);
  return out;
}
}  // namespace layout_detail

/// Writes the layout `spec` into `f` (not committed). Returns the number of lines written.
inline int write_layout(io::ResultsFile& f, const std::string& spec) {
  using namespace layout_detail;
  constexpr std::size_t kMaxElements = 1 << 14;  // keeps one input's file small
  int written = 0;
  std::istringstream lines(spec);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string op, path;
    if (!(in >> op >> path)) continue;
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    try {
      if (op == "group") {
        f.create_group(path);
      } else if (op == "data" && words.size() >= 2) {
        const std::string type = words[0];
        std::vector<std::size_t> dims;
        bool scalar = words[1] == "-";
        std::size_t n = 1;
        if (!scalar) {
          std::istringstream ds(words[1]);
          for (std::string d; std::getline(ds, d, 'x');) {
            const std::int64_t v = integer(d);
            if (v < 0 || v > static_cast<std::int64_t>(kMaxElements)) throw std::range_error("dims");
            dims.push_back(static_cast<std::size_t>(v));
            n *= dims.back();
            if (n > kMaxElements) throw std::range_error("dims");
          }
          if (dims.empty() || dims.size() > 4) throw std::range_error("dims");
        }
        const std::vector<std::string> values(words.begin() + 2, words.end());
        if (type == "str") {
          const auto s = fill<std::string>(values, n, [](const std::string& w) { return w; });
          if (scalar) {
            f.write_string(path, s.front());
          } else {
            f.write_strings(path, s);  // strings are 1-D in the writer
          }
        } else if (type == "f64" || type == "f32") {
          const auto d = fill<double>(values, n, number);
          if (type == "f32") {
            std::vector<float> v(d.begin(), d.end());
            scalar ? f.write_scalar(path, v.front()) : f.write(path, v, dims);
          } else {
            scalar ? f.write_scalar(path, d.front()) : f.write(path, d, dims);
          }
        } else if (type == "i64" || type == "i32" || type == "u8") {
          const auto d = fill<std::int64_t>(values, n, integer);
          if (type == "i64") {
            scalar ? f.write_scalar(path, d.front()) : f.write(path, d, dims);
          } else if (type == "i32") {
            std::vector<std::int32_t> v(d.size());
            for (std::size_t i = 0; i < d.size(); ++i) v[i] = static_cast<std::int32_t>(d[i] & 0x7fffffff);
            scalar ? f.write_scalar(path, v.front()) : f.write(path, v, dims);
          } else {
            std::vector<std::uint8_t> v(d.size());
            for (std::size_t i = 0; i < d.size(); ++i) v[i] = static_cast<std::uint8_t>(d[i] & 0xff);
            scalar ? f.write_scalar(path, v.front()) : f.write(path, v, dims);
          }
        } else {
          continue;
        }
      } else if (op == "attr" && words.size() >= 2) {
        const std::string name = words[0], type = words[1];
        const std::vector<std::string> values(words.begin() + 2, words.end());
        const std::string first = values.empty() ? "" : values.front();
        if (type == "f64") {
          f.set_attribute(path, name, number(first));
        } else if (type == "i64") {
          f.set_attribute(path, name, integer(first));
        } else if (type == "bool") {
          f.set_attribute(path, name, first == "1" || first == "true");
        } else if (type == "str") {
          f.set_attribute(path, name, first);
        } else if (type == "f64s") {
          f.set_attribute(path, name, fill<double>(values, values.size(), number));
        } else if (type == "i64s") {
          f.set_attribute(path, name, fill<std::int64_t>(values, values.size(), integer));
        } else if (type == "strs") {
          f.set_attribute(path, name, values);
        } else {
          continue;
        }
      } else {
        continue;
      }
      ++written;
    } catch (const std::exception&) {
      // A line the writer refuses: skipped (see above).
    }
  }
  return written;
}

}  // namespace sgdsde::test
