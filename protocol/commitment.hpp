// A commitment (PROTOCOL.md §4): what the bank settles on request, and its exact hash.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"
#include "protocol/amount.hpp"
#include "protocol/party.hpp"

namespace clearway::protocol {

using crypto::address;

// One HTLC as the bank sees it: the offerer pays `value` to the other party against the preimage
// of hash_lock before time_lock_s (absolute chain time, seconds); after it, the value refunds.
struct htlc_terms {
  party offerer = party::zero;
  amount value;
  bytes32 hash_lock;
  std::uint64_t time_lock_s = 0;
  friend bool operator==(const htlc_terms&, const htlc_terms&) = default;
};

struct commitment {
  address bank;
  std::uint32_t sequence = 0;
  std::array<amount, 2> base{};  // base balances of party 0 and party 1
  std::vector<htlc_terms> htlcs;  // empty: the article's RSMC form
  address revocation_lock;        // the submitter's lock for this sequence
  std::uint64_t freeze_time_s = 0;
  friend bool operator==(const commitment&, const commitment&) = default;
};

// keccak256(abi.encodePacked(bank, n, base0, base1, revocation_lock, freeze_time[, htlcs_hash])).
[[nodiscard]] bytes32 commitment_hash(const commitment& c);
// keccak256(abi.encodePacked(for each: uint8 offerer, uint256 amount, bytes32 hash_lock, uint256 time_lock)).
[[nodiscard]] bytes32 htlcs_hash(const std::vector<htlc_terms>& htlcs);
// What a revocation lock signs to revoke `sequence`: keccak256(abi.encodePacked(bank, uint32 sequence)).
[[nodiscard]] bytes32 revocation_message_hash(const address& bank, std::uint32_t sequence);
// What both parties sign to close cooperatively: keccak256(abi.encodePacked(bank, "close", a0, a1)).
[[nodiscard]] bytes32 close_message_hash(const address& bank, amount a0, amount a1);

// base0 + base1 + sum(htlcs), or overflow.
[[nodiscard]] result<amount, amount_error> commitment_total(const commitment& c) noexcept;

}  // namespace clearway::protocol
