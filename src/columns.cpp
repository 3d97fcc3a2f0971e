#include "sgdsde/io/columns.hpp"

#include <stdexcept>

#include "sgdsde/io/results_file.hpp"

namespace sgdsde::io {

double& Columns::operator()(const std::string& path, std::size_t i) {
  if (i >= rows_)
    throw std::out_of_range("Columns: row " + std::to_string(i) + " of " + path + " beyond " +
                            std::to_string(rows_) + " rows");
  return column(path)[i];
}

std::vector<double>& Columns::column(const std::string& path) {
  return columns_.try_emplace(path, rows_, 0.0).first->second;
}

const std::vector<double>& Columns::operator[](const std::string& path) const {
  const auto it = columns_.find(path);
  if (it == columns_.end()) throw std::out_of_range("Columns: no column " + path);
  return it->second;
}

void Columns::write(ResultsFile& f) const {
  for (const auto& [path, values] : columns_) f.write(path, values);
}

}  // namespace sgdsde::io
