#pragma once
// Private helpers shared by the HDF5 writer and reader (not installed).
#include <H5Cpp.h>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sgdsde/io/element_type.hpp"

namespace sgdsde::io::detail {

/// Turns off HDF5's automatic error-stack printing (errors become exceptions with messages).
inline void quiet_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { H5::Exception::dontPrint(); });
}

inline std::string normalise(std::string_view p) {
  std::string s;
  s.reserve(p.size() + 1);
  if (p.empty() || p.front() != '/') s.push_back('/');
  s.append(p);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

inline bool path_exists(const H5::H5File& f, const std::string& path) {
  if (path == "/") return true;
  // Every prefix must exist for H5Lexists to be well defined.
  std::size_t pos = 1;
  while (true) {
    const auto next = path.find('/', pos);
    const std::string prefix = path.substr(0, next);
    if (H5Lexists(f.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    if (H5Oexists_by_name(f.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next + 1;
  }
}

/// Creates the groups along `path` (all but the last component unless include_last).
inline void ensure_groups(H5::H5File& f, const std::string& path, bool include_last) {
  std::size_t pos = 1;
  while (pos < path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string::npos) {
      if (!include_last) return;
      next = path.size();
    }
    const std::string prefix = path.substr(0, next);
    bool is_group = true;
    try {
      if (H5Lexists(f.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) {
        f.createGroup(prefix);
      } else {
        is_group = f.childObjType(prefix) == H5O_TYPE_GROUP;
      }
    } catch (const H5::Exception& e) {
      // H5::Exception is not a std::exception: let none escape (a name HDF5 refuses, such as ".",
      // or one with a NUL byte, found by fuzz_results_reader).
      throw std::runtime_error("ResultsFile: cannot create group " + prefix + ": " + e.getDetailMsg());
    }
    if (!is_group) throw std::logic_error("ResultsFile: " + prefix + " exists and is not a group");
    pos = next + 1;
  }
}

inline const H5::PredType& pred_type(ElementType t) {
  switch (t) {
    case ElementType::f64: return H5::PredType::NATIVE_DOUBLE;
    case ElementType::f32: return H5::PredType::NATIVE_FLOAT;
    case ElementType::i8: return H5::PredType::NATIVE_INT8;
    case ElementType::u8: return H5::PredType::NATIVE_UINT8;
    case ElementType::i16: return H5::PredType::NATIVE_INT16;
    case ElementType::u16: return H5::PredType::NATIVE_UINT16;
    case ElementType::i32: return H5::PredType::NATIVE_INT32;
    case ElementType::u32: return H5::PredType::NATIVE_UINT32;
    case ElementType::i64: return H5::PredType::NATIVE_INT64;
    case ElementType::u64: return H5::PredType::NATIVE_UINT64;
  }
  throw std::logic_error("unknown element type");
}

inline H5::StrType vlen_string_type() {
  H5::StrType st(H5::PredType::C_S1, H5T_VARIABLE);
  st.setCset(H5T_CSET_UTF8);
  return st;
}

/// Calls fn(H5::H5Object&) with the group or dataset at `path`.
template <class Fn>
void with_object(const H5::H5File& f, const std::string& path, Fn&& fn) {
  if (path == "/") {
    H5::Group g = f.openGroup("/");
    fn(static_cast<H5::H5Object&>(g));
    return;
  }
  if (!path_exists(f, path)) throw std::runtime_error(path + ": no such group or dataset");
  if (f.childObjType(path) == H5O_TYPE_GROUP) {
    H5::Group g = f.openGroup(path);
    fn(static_cast<H5::H5Object&>(g));
  } else {
    H5::DataSet d = f.openDataSet(path);
    fn(static_cast<H5::H5Object&>(d));
  }
}

}  // namespace sgdsde::io::detail
