// result<T, E>: a value or a named error code, never an exception across modules.
// A small subset of C++23 std::expected, kept C++20 so CAF 0.17 builds alongside it.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace clearway {

template <class E>
struct unexpected {
  E error;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class [[nodiscard]] result {
 public:
  using value_type = T;
  using error_type = E;

  constexpr result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  constexpr result(unexpected<E> err) : data_(std::in_place_index<1>, err.error) {}  // NOLINT
  constexpr result(E err) : data_(std::in_place_index<1>, err) {}  // NOLINT

  [[nodiscard]] constexpr bool has_value() const noexcept { return data_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  [[nodiscard]] constexpr T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  [[nodiscard]] constexpr const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  // By value, not T&&: `for (x : f().value().items)` must not bind to a destroyed temporary.
  [[nodiscard]] constexpr T value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  [[nodiscard]] constexpr E error() const {
    assert(!has_value());
    return std::get<1>(data_);
  }

  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> data_;
};

// result<void, E>: success or a named error.
template <class E>
class [[nodiscard]] result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  constexpr result() = default;
  constexpr result(unexpected<E> err) : ok_(false), err_(err.error) {}  // NOLINT
  constexpr result(E err) : ok_(false), err_(err) {}  // NOLINT

  [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
  constexpr explicit operator bool() const noexcept { return ok_; }
  [[nodiscard]] constexpr E error() const {
    assert(!ok_);
    return err_;
  }

 private:
  bool ok_ = true;
  E err_{};
};

template <class E>
using status = result<void, E>;

}  // namespace clearway

// Propagates an error: `CW_TRY(x, expr);` declares x from a result or returns its error.
#define CW_CONCAT_INNER(a, b) a##b
#define CW_CONCAT(a, b) CW_CONCAT_INNER(a, b)
#define CW_TRY(var, expr)                                      \
  auto CW_CONCAT(cw_try_, __LINE__) = (expr);                  \
  if (!CW_CONCAT(cw_try_, __LINE__)) return CW_CONCAT(cw_try_, __LINE__).error(); \
  auto var = std::move(*CW_CONCAT(cw_try_, __LINE__))
#define CW_CHECK(expr)                                \
  do {                                                \
    auto cw_check_result = (expr);                    \
    if (!cw_check_result) return cw_check_result.error(); \
  } while (false)
