#pragma once
// Reader of results files (tests, the compare tool): structure, datasets with their shape,
// attributes and the /summary/checks table.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsde/io/checks.hpp"
#include "sgdsde/io/element_type.hpp"

namespace sgdsde::io {

/// A dataset read into memory: values in row-major (C) order and the shape.
template <class T>
struct NdArray {
  std::vector<T> values;
  std::vector<std::size_t> dims;  ///< empty for a scalar dataset
  [[nodiscard]] std::size_t size() const { return values.size(); }
};

class ResultsReader {
 public:
  /// Opens read-only; throws InputError naming the path if it is missing or not HDF5.
  explicit ResultsReader(const std::filesystem::path& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  [[nodiscard]] bool exists(std::string_view path) const;
  [[nodiscard]] bool is_group(std::string_view path) const;
  [[nodiscard]] bool is_dataset(std::string_view path) const;
  /// Names of the children of a group (sorted), all / only groups / only datasets.
  [[nodiscard]] std::vector<std::string> list(std::string_view group = "/") const;
  [[nodiscard]] std::vector<std::string> groups(std::string_view group = "/") const;
  [[nodiscard]] std::vector<std::string> datasets(std::string_view group = "/") const;

  [[nodiscard]] std::vector<std::size_t> dims(std::string_view dataset) const;
  /// Any numeric dataset converted to T (double, int64, uint8 …) by HDF5.
  template <Element T>
  [[nodiscard]] NdArray<T> read(std::string_view dataset) const {
    NdArray<T> a;
    a.dims = dims(dataset);
    std::size_t n = 1;
    for (auto d : a.dims) n *= d;
    a.values.resize(n);
    read_raw(dataset, a.values.data(), n, element_type_of<T>());
    return a;
  }
  [[nodiscard]] std::vector<double> read_doubles(std::string_view dataset) const {
    return read<double>(dataset).values;
  }
  [[nodiscard]] std::vector<std::int64_t> read_int64s(std::string_view dataset) const {
    return read<std::int64_t>(dataset).values;
  }
  /// A 2-D dataset as a matrix with the stored shape (1-D: a column).
  [[nodiscard]] Eigen::MatrixXd read_matrix(std::string_view dataset) const;
  [[nodiscard]] std::vector<std::string> read_strings(std::string_view dataset) const;

  [[nodiscard]] bool has_attribute(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::vector<std::string> attribute_names(std::string_view object = "/") const;
  [[nodiscard]] std::string attribute_string(std::string_view object, std::string_view name) const;
  [[nodiscard]] double attribute_double(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::int64_t attribute_int(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::vector<double> attribute_doubles(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::vector<std::int64_t> attribute_ints(std::string_view object,
                                                         std::string_view name) const;
  [[nodiscard]] std::vector<std::string> attribute_strings(std::string_view object,
                                                           std::string_view name) const;

  /// The /summary/checks table (empty if the file has none).
  [[nodiscard]] std::vector<CheckRow> read_checks(std::string_view group = "/summary/checks") const;

  void read_raw(std::string_view dataset, void* out, std::size_t count, ElementType type) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

}  // namespace sgdsde::io
