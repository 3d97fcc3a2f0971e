#include "sgdsde/core/config.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "sgdsde/core/errors.hpp"

namespace sgdsde {

namespace {

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

/// Shortest form for messages ("3", "0.5").
std::string format_number(double x) {
  std::string s = format_double(x);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  char prev = 0;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return true;
}

/// Numeric view of a value for the numeric constraints: the numbers to check (empty if none).
std::vector<double> numbers_of(const ParamValue& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return {static_cast<double>(*i)};
  if (auto* d = std::get_if<double>(&v)) return {*d};
  if (auto* a = std::get_if<std::vector<double>>(&v)) return *a;
  return {};
}

Constraint numeric(std::function<bool(double)> ok, std::string description) {
  Constraint c;
  c.description = description;
  c.check = [ok = std::move(ok), description](const ParamValue& v) -> std::optional<std::string> {
    const bool is_array = std::holds_alternative<std::vector<double>>(v);
    for (double x : numbers_of(v))
      if (!ok(x)) return (is_array ? "every element must be " : "must be ") + description;
    return std::nullopt;
  };
  return c;
}

}  // namespace

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::boolean: return "bool";
    case ParamType::integer: return "integer";
    case ParamType::real: return "double";
    case ParamType::string: return "string";
    case ParamType::real_array: return "array of doubles";
  }
  return "?";
}

ParamType type_of(const ParamValue& v) { return static_cast<ParamType>(v.index()); }

std::string to_toml_literal(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return format_double(x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return quote(x);
        } else {
          std::string s = "[";
          for (std::size_t i = 0; i < x.size(); ++i) s += (i ? ", " : "") + format_double(x[i]);
          return s + "]";
        }
      },
      v);
}

// ---- constraints ----------------------------------------------------------------------------

Constraint positive() {
  return numeric([](double x) { return x > 0; }, "> 0");
}
Constraint non_negative() {
  return numeric([](double x) { return x >= 0; }, ">= 0");
}
Constraint at_least(double lo) {
  return numeric([lo](double x) { return x >= lo; }, ">= " + format_number(lo));
}
Constraint at_most(double hi) {
  return numeric([hi](double x) { return x <= hi; }, "<= " + format_number(hi));
}
Constraint in_range(double lo, double hi) {
  return numeric([lo, hi](double x) { return x >= lo && x <= hi; },
                 "in [" + format_number(lo) + ", " + format_number(hi) + "]");
}
Constraint open_range(double lo, double hi) {
  return numeric([lo, hi](double x) { return x > lo && x < hi; },
                 "in (" + format_number(lo) + ", " + format_number(hi) + ")");
}
Constraint whole_numbers() {
  return numeric([](double x) { return std::isfinite(x) && x == std::floor(x); }, "a whole number");
}
Constraint one_of(std::vector<std::string> choices) {
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  Constraint c;
  c.description = "one of {" + list + "}";
  c.check = [choices = std::move(choices),
             d = c.description](const ParamValue& v) -> std::optional<std::string> {
    const auto* s = std::get_if<std::string>(&v);
    if (s && std::find(choices.begin(), choices.end(), *s) == choices.end()) return "must be " + d;
    return std::nullopt;
  };
  return c;
}
Constraint size_is(std::size_t n) {
  Constraint c;
  c.description = std::to_string(n) + " elements";
  c.check = [n](const ParamValue& v) -> std::optional<std::string> {
    const auto* a = std::get_if<std::vector<double>>(&v);
    if (a && a->size() != n) return "must have " + std::to_string(n) + " elements";
    return std::nullopt;
  };
  return c;
}
Constraint min_size(std::size_t n) {
  Constraint c;
  c.description = ">= " + std::to_string(n) + " elements";
  c.check = [n](const ParamValue& v) -> std::optional<std::string> {
    const auto* a = std::get_if<std::vector<double>>(&v);
    if (a && a->size() < n) return "must have at least " + std::to_string(n) + " elements";
    return std::nullopt;
  };
  return c;
}
Constraint distinct() {
  Constraint c;
  c.description = "distinct elements";
  c.check = [](const ParamValue& v) -> std::optional<std::string> {
    const auto* a = std::get_if<std::vector<double>>(&v);
    if (!a) return std::nullopt;
    std::vector<double> sorted = *a;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return "must not repeat an element";
    return std::nullopt;
  };
  return c;
}
Constraint satisfies(std::function<bool(const ParamValue&)> pred, std::string message) {
  Constraint c;
  c.description = message;
  c.check = [pred = std::move(pred), message](const ParamValue& v) -> std::optional<std::string> {
    if (!pred(v)) return message;
    return std::nullopt;
  };
  return c;
}

// ---- schema ----------------------------------------------------------------------------------

Schema& Schema::add(ParamSpec spec) {
  if (!valid_key(spec.key)) throw std::logic_error("config schema: malformed key '" + spec.key + "'");
  if (find(spec.key)) throw std::logic_error("config schema: key '" + spec.key + "' declared twice");
  // A key may not also be a table of other keys ("a" and "a.b").
  for (const auto& p : params_) {
    const auto& [shorter, longer] =
        p.key.size() < spec.key.size() ? std::pair{p.key, spec.key} : std::pair{spec.key, p.key};
    if (longer.starts_with(shorter + "."))
      throw std::logic_error("config schema: key '" + shorter + "' is also a table ('" + longer + "')");
  }
  params_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::add_cross_check(CrossCheck check) {
  for (const auto& k : check.keys)
    if (!find(k)) throw std::logic_error("config schema: cross-check names undeclared key '" + k + "'");
  cross_checks_.push_back(std::move(check));
  return *this;
}

const ParamSpec* Schema::find(std::string_view key) const {
  for (const auto& p : params_)
    if (p.key == key) return &p;
  return nullptr;
}

std::string Schema::describe() const {
  std::size_t wk = 0, wd = 0;
  std::vector<std::string> defaults;
  for (const auto& p : params_) {
    defaults.push_back(to_toml_literal(p.default_value));
    wk = std::max(wk, p.key.size());
    wd = std::max(wd, defaults.back().size());
  }
  wd = std::min<std::size_t>(wd, 24);
  std::ostringstream os;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    os << "  " << p.key << std::string(wk - p.key.size() + 2, ' ') << defaults[i]
       << std::string(defaults[i].size() < wd ? wd - defaults[i].size() + 2 : 2, ' ') << p.meaning << " ("
       << to_string(p.type());
    for (const auto& c : p.constraints) os << "; " << c.description;
    os << ")\n";
  }
  return os.str();
}

// ---- config ----------------------------------------------------------------------------------

Config::Config(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  for (const auto& p : schema_->params()) values_.emplace(p.key, p.default_value);
}

const ParamValue& Config::value(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config: undeclared key '" + std::string(key) + "'");
  return it->second;
}

template <class T>
T Config::get(std::string_view key) const {
  const ParamValue& v = value(key);
  if constexpr (std::is_same_v<T, double>) {
    if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  }
  if (auto* p = std::get_if<T>(&v)) return *p;
  throw std::logic_error("config: key '" + std::string(key) + "' is a " + to_string(type_of(v)) +
                         ", read with the wrong type");
}
template bool Config::get<bool>(std::string_view) const;
template std::int64_t Config::get<std::int64_t>(std::string_view) const;
template double Config::get<double>(std::string_view) const;
template std::string Config::get<std::string>(std::string_view) const;
template std::vector<double> Config::get<std::vector<double>>(std::string_view) const;

void Config::set(std::string_view key, const ParamValue& v) {
  const ParamSpec* spec = schema_->find(key);
  if (!spec) throw InputError("unknown key '" + std::string(key) + "'");
  const ParamType want = spec->type(), got = type_of(v);
  if (want == got) {
    values_.at(spec->key) = v;
  } else if (want == ParamType::real && got == ParamType::integer) {
    values_.at(spec->key) = static_cast<double>(std::get<std::int64_t>(v));
  } else {
    throw InputError(std::string(key) + " = " + to_toml_literal(v) + ": expected " + to_string(want) +
                     ", got " + to_string(got));
  }
}

namespace {
const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::boolean: return "bool";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "double";
    case toml::node_type::string: return "string";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "?";
  }
}

std::string toml_text(const toml::node& n) {
  if (auto* s = n.as_string()) return quote(s->get());
  if (auto* d = n.as_floating_point()) return format_double(d->get());
  std::ostringstream os;
  n.visit([&os](const auto& x) { os << x; });
  return os.str();
}
}  // namespace

void Config::set_from_toml(std::string_view key, const void* node_ptr, std::string_view origin) {
  const auto& node = *static_cast<const toml::node*>(node_ptr);
  const ParamSpec* spec = schema_->find(key);
  if (!spec) throw InputError(std::string(origin) + "unknown key '" + std::string(key) + "'");
  const ParamType want = spec->type();
  auto wrong = [&]() -> InputError {
    return InputError(std::string(origin) + std::string(key) + " = " + toml_text(node) + ": expected " +
                      to_string(want) + ", got " + toml_type_name(node));
  };
  ParamValue v;
  switch (want) {
    case ParamType::boolean:
      if (!node.is_boolean()) throw wrong();
      v = node.as_boolean()->get();
      break;
    case ParamType::integer:
      if (!node.is_integer()) throw wrong();
      v = node.as_integer()->get();
      break;
    case ParamType::real:
      if (node.is_integer()) {
        v = static_cast<double>(node.as_integer()->get());
      } else if (node.is_floating_point()) {
        v = node.as_floating_point()->get();
      } else {
        throw wrong();
      }
      break;
    case ParamType::string:
      if (!node.is_string()) throw wrong();
      v = std::string(node.as_string()->get());
      break;
    case ParamType::real_array: {
      if (!node.is_array()) throw wrong();
      std::vector<double> a;
      for (const auto& e : *node.as_array()) {
        if (e.is_integer()) {
          a.push_back(static_cast<double>(e.as_integer()->get()));
        } else if (e.is_floating_point()) {
          a.push_back(e.as_floating_point()->get());
        } else {
          throw InputError(std::string(origin) + std::string(key) + " = " + toml_text(node) +
                           ": expected an array of numbers");
        }
      }
      v = std::move(a);
      break;
    }
  }
  values_.at(spec->key) = std::move(v);
}

void Config::apply_file(const std::filesystem::path& file, std::string_view profile) {
  const std::string where = "config file " + file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw InputError(where + ": no such file");
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(where + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) +
                     ": parse error: " + std::string(e.description()));
  }
  std::string profiles;
  for (const auto& [k, v] : doc) {
    if (!v.is_table())
      throw InputError(where + ": top-level key '" + std::string(k.str()) +
                       "' is not a profile table (write [quick] / [paper] tables)");
    const std::string name(k.str());
    for (const auto& p : schema_->params())
      if (p.key == name || p.key.starts_with(name + "."))
        throw InputError(where + ": '" + name +
                         "' is a parameter outside a profile table (put it under [quick] / [paper])");
    profiles += (profiles.empty() ? "" : ", ") + name;
  }
  const toml::table* table = doc[profile].as_table();
  if (!table)
    throw InputError(where + ": unknown profile '" + std::string(profile) + "' (available: " + profiles +
                     ")");
  const std::string origin = where + " [" + std::string(profile) + "]: ";
  // Flatten nested tables into dotted keys.
  std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& t,
                                                                         const std::string& prefix) {
    for (const auto& [k, v] : t) {
      const std::string key = prefix + std::string(k.str());
      if (const auto* sub = v.as_table()) {
        // A table whose name is not the prefix of any declared key is an unknown key.
        bool known = false;
        for (const auto& p : schema_->params()) known = known || p.key.starts_with(key + ".");
        if (!known) throw InputError(origin + "unknown key '" + key + "'");
        walk(*sub, key + ".");
      } else {
        set_from_toml(key, &v, origin);
      }
    }
  };
  walk(*table, "");
}

void Config::apply_assignment(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw InputError("--set " + std::string(assignment) + ": expected key=value");
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  const std::string key(trim(assignment.substr(0, eq)));
  const std::string_view text = trim(assignment.substr(eq + 1));
  const ParamSpec* spec = schema_->find(key);
  if (!spec) throw InputError("--set: unknown key '" + key + "'");
  toml::table doc;
  try {
    doc = toml::parse("v = " + std::string(text));
  } catch (const toml::parse_error& e) {
    if (spec->type() == ParamType::string && !text.empty()) {  // a bare word is a string
      values_.at(spec->key) = std::string(text);
      return;
    }
    throw InputError("--set " + key + "=" + std::string(text) + ": not a TOML value (" +
                     std::string(e.description()) + ")");
  }
  if (doc.size() != 1 || !doc.contains("v"))
    throw InputError("--set " + key + "=" + std::string(text) + ": not a single TOML value");
  set_from_toml(key, doc.get("v"), "--set ");
}

void Config::validate() const {
  for (const auto& p : schema_->params()) {
    const ParamValue& v = values_.at(p.key);
    const auto fail = [&](const std::string& what) {
      throw InputError(p.key + " = " + to_toml_literal(v) + ": " + what);
    };
    for (double x : numbers_of(v))
      if (!std::isfinite(x)) fail("must be finite");
    for (const auto& c : p.constraints)
      if (auto msg = c.check(v)) fail(*msg);
  }
  for (const auto& cc : schema_->cross_checks()) {
    if (cc.pred(*this)) continue;
    std::string keys;
    for (const auto& k : cc.keys)
      keys += (keys.empty() ? "" : ", ") + k + " = " + to_toml_literal(values_.at(k));
    throw InputError(keys + ": " + cc.message);
  }
}

std::string Config::to_toml() const {
  // Root-level keys first, then one [table] per parent path in order of first declaration.
  std::ostringstream os;
  std::vector<std::string> tables;
  for (const auto& p : schema_->params()) {
    const auto dot = p.key.rfind('.');
    if (dot == std::string::npos) {
      os << p.key << " = " << to_toml_literal(values_.at(p.key)) << "\n";
    } else {
      const std::string parent = p.key.substr(0, dot);
      if (std::find(tables.begin(), tables.end(), parent) == tables.end()) tables.push_back(parent);
    }
  }
  for (const auto& t : tables) {
    os << "\n[" << t << "]\n";
    for (const auto& p : schema_->params())
      if (p.key.size() > t.size() && p.key.starts_with(t + ".") &&
          p.key.find('.', t.size() + 1) == std::string::npos)
        os << p.key.substr(t.size() + 1) << " = " << to_toml_literal(values_.at(p.key)) << "\n";
  }
  return os.str();
}

}  // namespace sgdsde
