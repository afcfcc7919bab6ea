#include "protocol/channel_opening.hpp"

#include <algorithm>

#include "crypto/shachain.hpp"

namespace clearway::protocol {

crypto::address derive_lock_address(const bytes32& seed, std::uint64_t sequence) noexcept {
  // Sequences are uint32, far below 2^48, so the index is always in range.
  const auto secret = crypto::shachain_derive(seed, crypto::shachain_index_of_sequence(sequence));
  return crypto::address_of(crypto::revocation_secret_key(*secret));
}

std::vector<crypto::address> derive_lock_addresses(const bytes32& seed, std::uint64_t first, std::uint32_t count) {
  std::vector<crypto::address> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) out.push_back(derive_lock_address(seed, first + i));
  return out;
}

open_channel make_open_channel(const channel_config& config, std::vector<crypto::address> own_first_locks) {
  open_channel msg;
  msg.bank = config.bank;
  msg.parties = config.addresses;
  msg.deposits = config.deposits;
  msg.freeze_time_s = config.freeze_time_s;
  msg.first_locks = std::move(own_first_locks);
  return msg;
}

accept_channel make_accept_channel(const channel_config& config, std::vector<crypto::address> own_first_locks) {
  accept_channel msg;
  msg.bank = config.bank;
  msg.first_locks = std::move(own_first_locks);
  return msg;
}

namespace {
bool locks_ok(const channel_config& config, const std::vector<crypto::address>& locks) {
  return locks.size() == config.lock_batch &&
         std::none_of(locks.begin(), locks.end(), [](const crypto::address& a) { return a.is_zero(); });
}
}  // namespace

status<channel_error> check_open_channel(const channel_config& config, const open_channel& msg) noexcept {
  if (msg.bank != config.bank || msg.parties != config.addresses || msg.deposits != config.deposits ||
      msg.freeze_time_s != config.freeze_time_s) {
    return channel_error::open_mismatch;
  }
  if (!locks_ok(config, msg.first_locks)) return channel_error::wrong_lock_count;
  return {};
}

status<channel_error> check_accept_channel(const channel_config& config, const accept_channel& msg) noexcept {
  if (msg.bank != config.bank) return channel_error::open_mismatch;
  if (!locks_ok(config, msg.first_locks)) return channel_error::wrong_lock_count;
  return {};
}

}  // namespace clearway::protocol
