#pragma once
// The numeric element types a results file stores, mapped from C++ types at compile time so that
// the HDF5 headers stay out of the public headers.
#include <cstdint>
#include <type_traits>

namespace sgdsde::io {

enum class ElementType { f64, f32, i8, u8, i16, u16, i32, u32, i64, u64 };

template <class T>
constexpr ElementType element_type_of() {
  using D = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<D, double>)
    return ElementType::f64;
  else if constexpr (std::is_same_v<D, float>)
    return ElementType::f32;
  else if constexpr (std::is_same_v<D, bool>)
    static_assert(sizeof(D) == 0, "store bools as std::uint8_t");
  else if constexpr (std::is_integral_v<D> && std::is_signed_v<D> && sizeof(D) == 1)
    return ElementType::i8;
  else if constexpr (std::is_integral_v<D> && std::is_unsigned_v<D> && sizeof(D) == 1)
    return ElementType::u8;
  else if constexpr (std::is_integral_v<D> && std::is_signed_v<D> && sizeof(D) == 2)
    return ElementType::i16;
  else if constexpr (std::is_integral_v<D> && std::is_unsigned_v<D> && sizeof(D) == 2)
    return ElementType::u16;
  else if constexpr (std::is_integral_v<D> && std::is_signed_v<D> && sizeof(D) == 4)
    return ElementType::i32;
  else if constexpr (std::is_integral_v<D> && std::is_unsigned_v<D> && sizeof(D) == 4)
    return ElementType::u32;
  else if constexpr (std::is_integral_v<D> && std::is_signed_v<D> && sizeof(D) == 8)
    return ElementType::i64;
  else if constexpr (std::is_integral_v<D> && std::is_unsigned_v<D> && sizeof(D) == 8)
    return ElementType::u64;
  else
    static_assert(sizeof(D) == 0, "unsupported element type");
}

template <class T>
concept Element = std::is_arithmetic_v<T> && !std::is_same_v<std::remove_cv_t<T>, bool>;

}  // namespace sgdsde::io
