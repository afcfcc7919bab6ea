// Money as a type: uint64 base units, checked arithmetic that returns an error instead of wrapping.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <span>

#include "base/result.hpp"

namespace clearway::protocol {

enum class amount_error { overflow = 1, underflow };

__extension__ using uint128_t = unsigned __int128;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet

class amount {
 public:
  constexpr amount() noexcept = default;
  [[nodiscard]] static constexpr amount from_base_units(std::uint64_t units) noexcept { return amount(units); }
  [[nodiscard]] static constexpr amount zero() noexcept { return amount(0); }
  [[nodiscard]] static constexpr amount max() noexcept {
    return amount(std::numeric_limits<std::uint64_t>::max());
  }
  [[nodiscard]] constexpr std::uint64_t base_units() const noexcept { return units_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return units_ == 0; }

  [[nodiscard]] constexpr result<amount, amount_error> checked_add(amount other) const noexcept {
    std::uint64_t out = 0;
    if (__builtin_add_overflow(units_, other.units_, &out)) return amount_error::overflow;
    return amount(out);
  }
  [[nodiscard]] constexpr result<amount, amount_error> checked_sub(amount other) const noexcept {
    if (other.units_ > units_) return amount_error::underflow;
    return amount(units_ - other.units_);
  }
  // amount * ppm / 1e6, rounded down, computed in 128 bits. Overflows only when ppm > 1e6 (a fee
  // above 100 %) makes the result exceed the largest amount.
  [[nodiscard]] constexpr result<amount, amount_error> checked_proportional_ppm(std::uint32_t ppm) const noexcept {
    const uint128_t scaled = static_cast<uint128_t>(units_) * ppm / 1'000'000u;
    if (scaled > UINT64_MAX) return amount_error::overflow;
    return amount(static_cast<std::uint64_t>(scaled));
  }

  friend constexpr auto operator<=>(amount, amount) noexcept = default;
  friend constexpr bool operator==(amount, amount) noexcept = default;

 private:
  constexpr explicit amount(std::uint64_t units) noexcept : units_(units) {}
  std::uint64_t units_ = 0;
};

// Sum of many amounts, or overflow.
[[nodiscard]] constexpr result<amount, amount_error> checked_sum(std::span<const amount> parts) noexcept {
  amount total;
  for (amount a : parts) {
    auto next = total.checked_add(a);
    if (!next) return next.error();
    total = *next;
  }
  return total;
}

}  // namespace clearway::protocol
