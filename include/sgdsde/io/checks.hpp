#pragma once
// The /summary/checks table: one row per claim an experiment makes (measured ± stderr against a
// prediction and a tolerance), recorded the same way by every experiment, printed to stdout and
// written as parallel datasets (docs/results-schema.md).
//
// Each row has a role: a *claim* (a measurement that could disagree with the theory), an *identity*
// (a numerical identity of the code or the landscape — a derivative against finite differences, a
// solver's discretisation error — true whatever the physics) or an *illustration* (a comparison
// shown but too weak to count: see its resolution). And a resolution, how large an error the row
// can see (docs/stats.md, "Power"): for a two-sided row tolerance/|predicted|, the relative error in
// the prediction that the check would detect; for a bound |bound − measured|/|bound|, the relative
// move of the bound that would flip it; NaN for yes/no rows and predictions of 0.
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
enum class CheckRole { claim, identity, illustration };
[[nodiscard]] const char* to_string(CheckRole r);

struct CheckRow {
  std::string name;
  double measured = 0, std_error = 0, predicted = 0, tolerance = 0;
  bool passed = false;
  CheckKind kind = CheckKind::two_sided;
  std::string description;
  CheckRole role = CheckRole::claim;
  double resolution = 0;  ///< see the header comment
};

/// The resolution of a row from its kind and values (the header comment says what it means).
[[nodiscard]] double resolution_of(const CheckRow& row);

/// The probability that at least one of `n` correct two-sided claims fails by chance when each
/// tolerance is `z` standard errors of a Gaussian estimate (Bonferroni: n · P(|Z| > z)).
[[nodiscard]] double family_wise_false_alarm(std::size_t n, double z = 5.0);

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
  /// A numerical identity (two-sided, role identity): not counted among the claims.
  bool add_identity(std::string name, double measured, double predicted, double tolerance,
                    std::string description = {});
  /// Changes the role of the rows named `name` (e.g. demotes a weak comparison to an illustration).
  /// Throws std::logic_error if there is none.
  void set_role(const std::string& name, CheckRole role);
  /// The same for every row whose name starts with `prefix`; returns how many.
  std::size_t set_role_of_prefix(const std::string& prefix, CheckRole role);
  /// Rows of a role, and how many of them passed.
  [[nodiscard]] std::size_t count(CheckRole role) const;
  [[nodiscard]] std::size_t count_passed(CheckRole role) const;

  [[nodiscard]] const std::vector<CheckRow>& rows() const { return rows_; }
  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  [[nodiscard]] std::size_t num_passed() const;
  [[nodiscard]] bool all_passed() const { return num_passed() == size(); }

  /// Aligned table (name, measured ± stderr, predicted, tolerance, resolution, role, PASS/FAIL), then
  /// "k/n passed" by role and the family-wise false-alarm probability of the claims.
  void print(std::ostream& os) const;
  /// Writes the parallel datasets under `group` (default /summary/checks).
  void write(ResultsFile& file, std::string_view group = "/summary/checks") const;

 private:
  bool push(CheckRow row);
  std::vector<CheckRow> rows_;
  mutable std::mutex mutex_;
};

}  // namespace sgdsde::io
