#pragma once
// The tables of a sweep (one row per point: per batch size, temperature, …), one named column per
// quantity, filled point by point and written as 1-D datasets at the end. A quantity is named once,
// by its dataset path, where it is computed — instead of a parallel std::vector per quantity declared
// at the top of a main and written one by one at its end.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sgdsde::io {

class ResultsFile;

class Columns {
 public:
  explicit Columns(std::size_t rows) : rows_(rows) {}
  /// Row i of the column written at `path` ("/theory/tau_flat_chain"); a new column starts as zeros.
  double& operator()(const std::string& path, std::size_t i);
  /// The whole column written at `path`, created as zeros if new: a main may keep it under a short
  /// name (references stay valid as columns are added).
  std::vector<double>& column(const std::string& path);
  /// A whole column (throws std::out_of_range naming the path if it was never set).
  [[nodiscard]] const std::vector<double>& operator[](const std::string& path) const;
  [[nodiscard]] std::size_t rows() const { return rows_; }
  /// Every column as a dataset of `rows()` values at its path.
  void write(ResultsFile& f) const;

 private:
  std::size_t rows_;
  std::map<std::string, std::vector<double>, std::less<>> columns_;
};

}  // namespace sgdsde::io
