// The forwarding policy a hub applies to HTLCs it relays, with the allowed range of each field.
// Shared by the config file (defaults) and the RPC setpolicy method (changes at run time).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clearway::node::config {

struct forwarding_policy {
  std::uint64_t fee_base_msat = 1'000;
  std::uint32_t fee_ppm = 1;
  std::uint32_t time_lock_delta_s = 3'600;
  std::uint64_t min_htlc_msat = 1'000;
  std::uint64_t max_htlc_msat = 10'000'000'000;  // 0.1 BTC-equivalent in msat units
  std::uint32_t max_accepted_htlcs = 483;
  std::uint64_t max_value_in_flight_msat = 100'000'000'000;
  friend bool operator==(const forwarding_policy&, const forwarding_policy&) = default;
};

// Inclusive range of a numeric key; every policy key and every numeric config key has one.
struct numeric_range {
  std::uint64_t min = 0;
  std::uint64_t max = 0;
};

inline constexpr numeric_range fee_base_msat_range{0, 1'000'000'000'000};
inline constexpr numeric_range fee_ppm_range{0, 1'000'000};  // at most 100 %
inline constexpr numeric_range time_lock_delta_s_range{60, 14 * 24 * 3600};
inline constexpr numeric_range min_htlc_msat_range{1, UINT64_MAX};
inline constexpr numeric_range max_htlc_msat_range{1, UINT64_MAX};
inline constexpr numeric_range max_accepted_htlcs_range{1, 483};  // BOLT 2's limit
inline constexpr numeric_range max_value_in_flight_msat_range{1, UINT64_MAX};
inline constexpr numeric_range commit_batch_max_range{1, 10'000};

// The range of a policy key by name, or nullopt for a name that is not a policy key.
[[nodiscard]] constexpr std::optional<numeric_range> policy_key_range(std::string_view key) noexcept {
  if (key == "fee_base_msat") return fee_base_msat_range;
  if (key == "fee_ppm") return fee_ppm_range;
  if (key == "time_lock_delta_s") return time_lock_delta_s_range;
  if (key == "min_htlc_msat") return min_htlc_msat_range;
  if (key == "max_htlc_msat") return max_htlc_msat_range;
  if (key == "max_accepted_htlcs") return max_accepted_htlcs_range;
  if (key == "max_value_in_flight_msat") return max_value_in_flight_msat_range;
  return std::nullopt;
}

// Stores value (already range-checked) into the named policy field; false for an unknown name.
[[nodiscard]] bool set_policy_field(forwarding_policy& policy, std::string_view key, std::uint64_t value) noexcept;

}  // namespace clearway::node::config
