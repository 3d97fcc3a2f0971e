#include "sgdsde/io/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>

#include "sgdsde/io/results_file.hpp"

namespace sgdsde::io {

const char* to_string(CheckKind k) {
  switch (k) {
    case CheckKind::two_sided: return "two_sided";
    case CheckKind::upper: return "upper";
    case CheckKind::lower: return "lower";
    case CheckKind::boolean: return "bool";
  }
  return "?";
}

bool Checks::push(CheckRow row) {
  const bool passed = row.passed;
  std::lock_guard lock(mutex_);
  rows_.push_back(std::move(row));
  return passed;
}

bool Checks::add(std::string name, double measured, double std_error, double predicted, double tolerance,
                 std::string description) {
  const bool ok = std::abs(measured - predicted) <= tolerance;  // false for NaN
  return push({std::move(name), measured, std_error, predicted, tolerance, ok, CheckKind::two_sided,
               std::move(description)});
}

bool Checks::add_upper(std::string name, double measured, double std_error, double bound,
                       std::string description) {
  return push({std::move(name), measured, std_error, bound, 0.0, measured <= bound, CheckKind::upper,
               std::move(description)});
}

bool Checks::add_lower(std::string name, double measured, double std_error, double bound,
                       std::string description) {
  return push({std::move(name), measured, std_error, bound, 0.0, measured >= bound, CheckKind::lower,
               std::move(description)});
}

bool Checks::add_bool(std::string name, bool ok, std::string description) {
  return push(
      {std::move(name), ok ? 1.0 : 0.0, 0.0, 1.0, 0.0, ok, CheckKind::boolean, std::move(description)});
}

std::size_t Checks::num_passed() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(rows_.begin(), rows_.end(), [](const CheckRow& r) { return r.passed; }));
}

namespace {
std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}
std::string pad(const std::string& s, std::size_t w, bool right = false) {
  if (s.size() >= w) return s;
  return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}
}  // namespace

void Checks::print(std::ostream& os) const {
  std::lock_guard lock(mutex_);
  struct Cells {
    std::string name, measured, predicted, tolerance, status;
  };
  std::vector<Cells> cells;
  Cells head{"check", "measured ± stderr", "predicted", "tolerance", "result"};
  for (const auto& r : rows_) {
    Cells c;
    c.name = r.name;
    if (r.kind == CheckKind::boolean) {
      c.measured = r.passed ? "true" : "false";
      c.predicted = "true";
      c.tolerance = "-";
    } else {
      c.measured = fmt(r.measured) + (r.std_error > 0 ? " ± " + fmt(r.std_error) : "");
      c.predicted = (r.kind == CheckKind::upper   ? "<= "
                     : r.kind == CheckKind::lower ? ">= "
                                                  : "") +
                    fmt(r.predicted);
      c.tolerance = r.kind == CheckKind::two_sided ? fmt(r.tolerance) : "-";
    }
    c.status = r.passed ? "PASS" : "FAIL";
    cells.push_back(std::move(c));
  }
  // "±" is two bytes but one column: measure display width in code points.
  auto width = [](const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
  };
  auto padw = [&](const std::string& s, std::size_t w, bool right) {
    const std::size_t n = width(s);
    if (n >= w) return s;
    return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
  };
  std::size_t w0 = width(head.name), w1 = width(head.measured), w2 = width(head.predicted),
              w3 = width(head.tolerance);
  for (const auto& c : cells) {
    w0 = std::max(w0, width(c.name));
    w1 = std::max(w1, width(c.measured));
    w2 = std::max(w2, width(c.predicted));
    w3 = std::max(w3, width(c.tolerance));
  }
  auto line = [&](const Cells& c) {
    os << "  " << padw(c.name, w0, false) << "  " << padw(c.measured, w1, true) << "  "
       << padw(c.predicted, w2, true) << "  " << padw(c.tolerance, w3, true) << "  " << c.status << "\n";
  };
  line(head);
  os << "  " << std::string(w0 + w1 + w2 + w3 + 8 + 6, '-') << "\n";
  for (const auto& c : cells) line(c);
  std::size_t passed = 0;
  for (const auto& r : rows_) passed += r.passed ? 1 : 0;
  os << "  " << passed << "/" << rows_.size() << " checks passed"
     << (passed == rows_.size() ? "" : "  (FAILURES)") << "\n";
  (void)pad;
}

void Checks::write(ResultsFile& file, std::string_view group) const {
  std::lock_guard lock(mutex_);
  const std::string g(group);
  std::vector<std::string> names, desc, kind;
  std::vector<double> measured, se, predicted, tolerance;
  std::vector<std::int8_t> passed;
  for (const auto& r : rows_) {
    names.push_back(r.name);
    desc.push_back(r.description);
    kind.push_back(to_string(r.kind));
    measured.push_back(r.measured);
    se.push_back(r.std_error);
    predicted.push_back(r.predicted);
    tolerance.push_back(r.tolerance);
    passed.push_back(r.passed ? 1 : 0);
  }
  file.create_group(g);
  file.write_strings(g + "/name", names);
  file.write(g + "/measured", measured);
  file.write(g + "/stderr", se);
  file.write(g + "/predicted", predicted);
  file.write(g + "/tolerance", tolerance);
  file.write(g + "/passed", passed);
  file.write_strings(g + "/kind", kind);
  file.write_strings(g + "/description", desc);
  file.set_attribute(g, "num_checks", static_cast<std::int64_t>(rows_.size()));
  file.set_attribute(g, "num_passed",
                     static_cast<std::int64_t>(std::count_if(rows_.begin(), rows_.end(),
                                                             [](const CheckRow& r) { return r.passed; })));
}

}  // namespace sgdsde::io
