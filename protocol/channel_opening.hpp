// Opening a channel (PROTOCOL.md §5): each side announces the revocation locks of its first K
// sequences. Party 0 sends open_channel, party 1 answers accept_channel; both then build a
// protocol::channel and exchange their signatures on commitment #0 (see channel.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "protocol/channel_config.hpp"
#include "protocol/channel_errors.hpp"
#include "protocol/messages.hpp"

namespace clearway::protocol {

// The revocation-lock address of our own sequence n: address of revocation_secret_key(
// shachain_derive(seed, shachain_index_of_sequence(n))). One public-key derivation (~22 us).
[[nodiscard]] crypto::address derive_lock_address(const bytes32& seed, std::uint64_t sequence) noexcept;
// Locks of sequences first .. first + count - 1.
[[nodiscard]] std::vector<crypto::address> derive_lock_addresses(const bytes32& seed, std::uint64_t first,
                                                                 std::uint32_t count);

// Party 0's opening message with its first K locks (derive_lock_addresses(seed, 0, K)).
[[nodiscard]] open_channel make_open_channel(const channel_config& config, std::vector<crypto::address> own_first_locks);
// Party 1's answer with its first K locks.
[[nodiscard]] accept_channel make_accept_channel(const channel_config& config,
                                                 std::vector<crypto::address> own_first_locks);

// Does the peer's message match the config we agreed to? (bank, parties, deposits, freeze time,
// exactly K non-zero locks.)
[[nodiscard]] status<channel_error> check_open_channel(const channel_config& config, const open_channel& msg) noexcept;
[[nodiscard]] status<channel_error> check_accept_channel(const channel_config& config, const accept_channel& msg) noexcept;

}  // namespace clearway::protocol
