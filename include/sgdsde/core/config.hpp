#pragma once
// Typed experiment configuration: a schema of declared parameters (dotted keys, defaults, one-line
// meanings, constraints), resolved as  schema defaults < profile table of a TOML file < --set,
// validated with one-line InputErrors that name the key and the value.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace sgdsde {

/// The value of one parameter.
using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<double>>;

enum class ParamType { boolean, integer, real, string, real_array };

[[nodiscard]] const char* to_string(ParamType t);
[[nodiscard]] ParamType type_of(const ParamValue& v);
/// The value as a TOML literal (e.g. 0.1, 3, true, "abc", [1.0, 2.0]).
[[nodiscard]] std::string to_toml_literal(const ParamValue& v);

/// A check on one value: returns an error text such as "must be > 0", or nothing when valid.
struct Constraint {
  std::function<std::optional<std::string>(const ParamValue&)> check;
  std::string description;  ///< e.g. "> 0", shown by --help
};

// Numeric constraints apply to integers, doubles and (element-wise) to arrays of doubles.
[[nodiscard]] Constraint positive();                        ///< > 0
[[nodiscard]] Constraint non_negative();                    ///< >= 0
[[nodiscard]] Constraint at_least(double lo);               ///< >= lo
[[nodiscard]] Constraint at_most(double hi);                ///< <= hi
[[nodiscard]] Constraint in_range(double lo, double hi);    ///< in [lo, hi]
[[nodiscard]] Constraint open_range(double lo, double hi);  ///< in (lo, hi)
/// Whole numbers (integers held as doubles: the elements of an array of counts such as batch sizes).
[[nodiscard]] Constraint whole_numbers();
/// Strings: one of the listed choices.
[[nodiscard]] Constraint one_of(std::vector<std::string> choices);
/// Arrays: exactly n elements / at least n elements.
[[nodiscard]] Constraint size_is(std::size_t n);
[[nodiscard]] Constraint min_size(std::size_t n);
/// Arrays: no element repeated (the elements name separate runs).
[[nodiscard]] Constraint distinct();
/// Any predicate on the value; `message` is the error text ("must be a power of two").
[[nodiscard]] Constraint satisfies(std::function<bool(const ParamValue&)> pred, std::string message);

/// One declared parameter.
struct ParamSpec {
  std::string key;  ///< dotted, e.g. "sgd.eta"
  ParamValue default_value;
  std::string meaning;
  std::vector<Constraint> constraints;
  [[nodiscard]] ParamType type() const { return type_of(default_value); }
};

class Config;

/// A check across several keys (e.g. batch size B <= number of samples N).
struct CrossCheck {
  std::vector<std::string> keys;  ///< the keys it involves (named in the error message)
  std::function<bool(const Config&)> pred;
  std::string message;  ///< e.g. "the batch size must not exceed the number of samples"
};

/// The declared parameters of an experiment, in declaration order.
class Schema {
 public:
  /// Declares a parameter; throws std::logic_error on a duplicate or malformed key.
  Schema& add(ParamSpec spec);
  Schema& add_cross_check(CrossCheck check);

  [[nodiscard]] const std::vector<ParamSpec>& params() const { return params_; }
  [[nodiscard]] const std::vector<CrossCheck>& cross_checks() const { return cross_checks_; }
  [[nodiscard]] const ParamSpec* find(std::string_view key) const;
  [[nodiscard]] bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// Every key with its type, default, constraints and meaning, one per line (for --help).
  [[nodiscard]] std::string describe() const;

 private:
  std::vector<ParamSpec> params_;
  std::vector<CrossCheck> cross_checks_;
};

/// Resolved values for every key of a schema.
class Config {
 public:
  Config() = default;
  /// All keys at their schema defaults.
  explicit Config(std::shared_ptr<const Schema> schema);

  /// The value of a declared key. T is one of bool, std::int64_t, double (also reads an integer
  /// key), std::string, std::vector<double>. An undeclared key or a wrong T throws std::logic_error.
  template <class T>
  [[nodiscard]] T get(std::string_view key) const;

  [[nodiscard]] const ParamValue& value(std::string_view key) const;
  /// Sets a declared key (type-checked: an integer is accepted for a double); throws InputError.
  void set(std::string_view key, const ParamValue& v);
  [[nodiscard]] const Schema& schema() const { return *schema_; }

  /// Applies the profile table `profile` of the TOML file `file` (throws InputError: missing file,
  /// parse error with line, unknown profile, unknown key, wrong type).
  void apply_file(const std::filesystem::path& file, std::string_view profile);
  /// Applies one "key=value" assignment; value is a TOML value (a bare word is taken as a string
  /// for string keys). Throws InputError.
  void apply_assignment(std::string_view assignment);
  /// Checks every constraint and cross-check; throws InputError naming the key and value.
  void validate() const;

  /// The resolved configuration as a TOML document (nested tables from the dotted keys).
  [[nodiscard]] std::string to_toml() const;

 private:
  void set_from_toml(std::string_view key, const void* node, std::string_view origin);
  std::shared_ptr<const Schema> schema_;
  std::map<std::string, ParamValue, std::less<>> values_;
};

namespace detail {
template <class T>
ParamValue to_param_value(T&& v) {
  using D = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<D, bool>) {
    return ParamValue{v};
  } else if constexpr (std::is_integral_v<D>) {
    return ParamValue{static_cast<std::int64_t>(v)};
  } else if constexpr (std::is_floating_point_v<D>) {
    return ParamValue{static_cast<double>(v)};
  } else if constexpr (std::is_convertible_v<T, std::string_view>) {
    return ParamValue{std::string(std::string_view(v))};
  } else if constexpr (std::is_convertible_v<T, std::vector<double>>) {
    return ParamValue{std::vector<double>(std::forward<T>(v))};
  } else {
    static_assert(sizeof(D) == 0, "parameter defaults are bool, integer, double, string or vector<double>");
  }
}
}  // namespace detail

}  // namespace sgdsde
