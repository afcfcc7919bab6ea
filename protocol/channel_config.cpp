#include "protocol/channel_config.hpp"

namespace clearway::protocol {

status<channel_error> validate_config(const channel_config& config) noexcept {
  if (config.bank.is_zero()) return channel_error::config_bad_bank;
  if (config.addresses[0].is_zero() || config.addresses[1].is_zero() ||
      config.addresses[0] == config.addresses[1]) {
    return channel_error::config_bad_parties;
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (!crypto::validate_public_key(config.public_keys[i])) return channel_error::config_key_mismatch;
    if (crypto::address_of(config.public_keys[i]) != config.addresses[i]) {
      return channel_error::config_key_mismatch;
    }
  }
  if (config.deposits[0].is_zero() || config.deposits[1].is_zero()) return channel_error::config_zero_deposit;
  if (!config.deposits[0].checked_add(config.deposits[1])) return channel_error::config_deposit_overflow;
  if (config.freeze_time_s == 0) return channel_error::config_bad_freeze_time;
  if (config.lock_batch < 2 || config.lock_batch > max_lock_batch) return channel_error::config_bad_lock_batch;
  const channel_limits& l = config.limits;
  if (l.max_accepted_htlcs == 0 || l.max_htlc_value_in_flight.is_zero() || l.min_htlc_value.is_zero() ||
      l.max_time_lock_delta_s <= l.min_time_lock_margin_s) {
    return channel_error::config_bad_limits;
  }
  return {};
}

amount total_deposits(const channel_config& config) noexcept {
  return config.deposits[0].checked_add(config.deposits[1]).value_or(amount::max());
}

}  // namespace clearway::protocol
