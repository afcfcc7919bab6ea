#include "node/config/forwarding_policy.hpp"

namespace clearway::node::config {

bool set_policy_field(forwarding_policy& policy, std::string_view key, std::uint64_t value) noexcept {
  if (key == "fee_base_msat") policy.fee_base_msat = value;
  else if (key == "fee_ppm") policy.fee_ppm = static_cast<std::uint32_t>(value);
  else if (key == "time_lock_delta_s") policy.time_lock_delta_s = static_cast<std::uint32_t>(value);
  else if (key == "min_htlc_msat") policy.min_htlc_msat = value;
  else if (key == "max_htlc_msat") policy.max_htlc_msat = value;
  else if (key == "max_accepted_htlcs") policy.max_accepted_htlcs = static_cast<std::uint32_t>(value);
  else if (key == "max_value_in_flight_msat") policy.max_value_in_flight_msat = value;
  else return false;
  return true;
}

}  // namespace clearway::node::config
