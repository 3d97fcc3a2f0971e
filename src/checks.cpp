#include "sgdsde/io/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <stdexcept>

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

const char* to_string(CheckRole r) {
  switch (r) {
    case CheckRole::claim: return "claim";
    case CheckRole::identity: return "identity";
    case CheckRole::illustration: return "illustration";
  }
  return "?";
}

double resolution_of(const CheckRow& r) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (r.kind == CheckKind::boolean || r.predicted == 0.0) return nan;
  if (r.kind == CheckKind::two_sided) return r.tolerance / std::abs(r.predicted);
  return std::abs(r.predicted - r.measured) / std::abs(r.predicted);
}

double family_wise_false_alarm(std::size_t n, double z) {
  return std::min(1.0, static_cast<double>(n) * std::erfc(z / std::sqrt(2.0)));
}

bool Checks::push(CheckRow row) {
  row.resolution = resolution_of(row);
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

bool Checks::add_identity(std::string name, double measured, double predicted, double tolerance,
                          std::string description) {
  const bool ok = std::abs(measured - predicted) <= tolerance;
  CheckRow row{std::move(name),       measured, 0.0, predicted, tolerance, ok, CheckKind::two_sided,
               std::move(description)};
  row.role = CheckRole::identity;
  return push(std::move(row));
}

void Checks::set_role(const std::string& name, CheckRole role) {
  std::lock_guard lock(mutex_);
  bool found = false;
  for (auto& r : rows_)
    if (r.name == name) {
      r.role = role;
      found = true;
    }
  if (!found) throw std::logic_error("Checks::set_role: no check named '" + name + "'");
}

std::size_t Checks::set_role_of_prefix(const std::string& prefix, CheckRole role) {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (auto& r : rows_)
    if (r.name.rfind(prefix, 0) == 0) {
      r.role = role;
      ++n;
    }
  return n;
}

std::size_t Checks::count(CheckRole role) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(rows_.begin(), rows_.end(), [role](const CheckRow& r) { return r.role == role; }));
}

std::size_t Checks::count_passed(CheckRole role) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      rows_.begin(), rows_.end(), [role](const CheckRow& r) { return r.role == role && r.passed; }));
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
    std::string name, measured, predicted, tolerance, resolution, status;
  };
  std::vector<Cells> cells;
  Cells head{"check", "measured ± stderr", "predicted", "tolerance", "resolution", "result"};
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
    c.resolution = std::isfinite(r.resolution) ? fmt(r.resolution) : "-";
    c.status = std::string(r.passed ? "PASS" : "FAIL") +
               (r.role == CheckRole::claim ? "" : std::string(" (") + to_string(r.role) + ")");
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
              w3 = width(head.tolerance), w4 = width(head.resolution);
  for (const auto& c : cells) {
    w0 = std::max(w0, width(c.name));
    w1 = std::max(w1, width(c.measured));
    w2 = std::max(w2, width(c.predicted));
    w3 = std::max(w3, width(c.tolerance));
    w4 = std::max(w4, width(c.resolution));
  }
  auto line = [&](const Cells& c) {
    os << "  " << padw(c.name, w0, false) << "  " << padw(c.measured, w1, true) << "  "
       << padw(c.predicted, w2, true) << "  " << padw(c.tolerance, w3, true) << "  "
       << padw(c.resolution, w4, true) << "  " << c.status << "\n";
  };
  line(head);
  os << "  " << std::string(w0 + w1 + w2 + w3 + w4 + 10 + 6, '-') << "\n";
  for (const auto& c : cells) line(c);
  std::size_t passed = 0, claims = 0, claims_passed = 0;
  for (const auto& r : rows_) {
    passed += r.passed ? 1 : 0;
    claims += r.role == CheckRole::claim ? 1 : 0;
    claims_passed += r.role == CheckRole::claim && r.passed ? 1 : 0;
  }
  os << "  " << passed << "/" << rows_.size() << " checks passed"
     << (passed == rows_.size() ? "" : "  (FAILURES)") << "; claims " << claims_passed << "/" << claims
     << ", identities and illustrations " << (passed - claims_passed) << "/" << (rows_.size() - claims)
     << "\n";
  (void)pad;
}

void Checks::write(ResultsFile& file, std::string_view group) const {
  std::lock_guard lock(mutex_);
  const std::string g(group);
  std::vector<std::string> names, desc, kind, role;
  std::vector<double> measured, se, predicted, tolerance, resolution;
  std::vector<std::int8_t> passed;
  for (const auto& r : rows_) {
    names.push_back(r.name);
    desc.push_back(r.description);
    kind.push_back(to_string(r.kind));
    role.push_back(to_string(r.role));
    resolution.push_back(r.resolution);
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
  file.write_strings(g + "/role", role);
  file.write(g + "/resolution", resolution);
  file.set_attribute(g, "num_checks", static_cast<std::int64_t>(rows_.size()));
  file.set_attribute(g, "num_passed",
                     static_cast<std::int64_t>(std::count_if(rows_.begin(), rows_.end(),
                                                             [](const CheckRow& r) { return r.passed; })));
  std::int64_t claims = 0, claims_passed = 0;
  for (const auto& r : rows_) {
    claims += r.role == CheckRole::claim ? 1 : 0;
    claims_passed += r.role == CheckRole::claim && r.passed ? 1 : 0;
  }
  file.set_attribute(g, "num_claims", claims);
  file.set_attribute(g, "num_claims_passed", claims_passed);
}

}  // namespace sgdsde::io
