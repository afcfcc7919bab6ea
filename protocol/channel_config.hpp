// What both parties of a channel agree on before it opens (PROTOCOL.md §3-§6).
#pragma once

#include <array>
#include <cstdint>

#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "protocol/amount.hpp"
#include "protocol/channel_errors.hpp"

namespace clearway::protocol {

// Limits applied to the HTLCs each party offers (the same limits in both directions, so both ends
// of a channel accept exactly the same proposals).
struct channel_limits {
  std::uint32_t max_accepted_htlcs = 483;  // pending HTLCs offered by one party at once
  amount max_htlc_value_in_flight = amount::max();  // their total value
  amount min_htlc_value = amount::from_base_units(1);
  std::uint64_t min_time_lock_margin_s = 600;  // add_htlc needs time_lock_s > now_s + margin
  std::uint64_t max_time_lock_delta_s = 14 * 24 * 3600;  // and time_lock_s <= now_s + this
  friend bool operator==(const channel_limits&, const channel_limits&) = default;
};

inline constexpr std::uint32_t max_lock_batch = 64;

struct channel_config {
  crypto::address bank;
  std::array<crypto::address, 2> addresses;  // parties' signing addresses
  std::array<crypto::public_key, 2> public_keys;  // the same keys: verification uses the cheaper path
  std::array<amount, 2> deposits;
  std::uint64_t freeze_time_s = 24 * 3600;
  channel_limits limits;
  std::uint32_t lock_batch = 2;  // K: revocation locks each party keeps announced ahead (>= 2)
  friend bool operator==(const channel_config&, const channel_config&) = default;
};

// Checks every rule above (addresses, keys on the curve and matching, deposits, limits, K).
[[nodiscard]] status<channel_error> validate_config(const channel_config& config) noexcept;

// deposit0 + deposit1 of a valid config.
[[nodiscard]] amount total_deposits(const channel_config& config) noexcept;

}  // namespace clearway::protocol
