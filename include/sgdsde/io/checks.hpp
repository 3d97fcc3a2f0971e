#pragma once
// The /summary/checks table: one row per claim an experiment makes (measured ± stderr against a
// prediction and a tolerance), recorded the same way by every experiment, printed to stdout and
// written as parallel datasets (docs/results-schema.md).
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sgdsde::io {

class ResultsFile;

/// How a row passes: |measured − predicted| <= tolerance (two_sided), measured <= predicted
/// (upper), measured >= predicted (lower), measured == 1 (boolean).
enum class CheckKind { two_sided, upper, lower, boolean };
[[nodiscard]] const char* to_string(CheckKind k);

struct CheckRow {
  std::string name;
  double measured = 0, std_error = 0, predicted = 0, tolerance = 0;
  bool passed = false;
  CheckKind kind = CheckKind::two_sided;
  std::string description;
};

class Checks {
 public:
  /// passed = |measured − predicted| <= tolerance (false if anything is NaN). Returns passed.
  bool add(std::string name, double measured, double std_error, double predicted, double tolerance,
           std::string description = {});
  /// passed = measured <= bound (stored as predicted = bound, tolerance = 0).
  bool add_upper(std::string name, double measured, double std_error, double bound,
                 std::string description = {});
  /// passed = measured >= bound.
  bool add_lower(std::string name, double measured, double std_error, double bound,
                 std::string description = {});
  /// A yes/no claim: measured = 1 or 0, predicted = 1.
  bool add_bool(std::string name, bool ok, std::string description = {});

  [[nodiscard]] const std::vector<CheckRow>& rows() const { return rows_; }
  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  [[nodiscard]] std::size_t num_passed() const;
  [[nodiscard]] bool all_passed() const { return num_passed() == size(); }

  /// Aligned table (name, measured ± stderr, predicted, tolerance, PASS/FAIL) and "k/n passed".
  void print(std::ostream& os) const;
  /// Writes the parallel datasets under `group` (default /summary/checks).
  void write(ResultsFile& file, std::string_view group = "/summary/checks") const;

 private:
  bool push(CheckRow row);
  std::vector<CheckRow> rows_;
  mutable std::mutex mutex_;
};

}  // namespace sgdsde::io
