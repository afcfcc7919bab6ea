// The bank's (adjudicator's) vocabulary shared by every backend: ids, states, call arguments and
// the readable state of one bank (PROTOCOL.md §3). Backends must agree on all of it exactly.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "protocol/amount.hpp"
#include "protocol/commitment.hpp"
#include "protocol/party.hpp"

namespace clearway::chain {

using crypto::address;
using crypto::signature;
using protocol::amount;
using protocol::party;

// Names one bank within one backend (embedded: creation order; evm: order in which the backend
// learnt of it). Commitments never sign this id: they sign the bank's 20-byte address.
struct bank_id {
  std::uint64_t value = 0;
  friend constexpr auto operator<=>(const bank_id&, const bank_id&) = default;
};

enum class bank_state : std::uint8_t { funding = 0, running, auditing, closed };
[[nodiscard]] std::string_view to_string(bank_state s) noexcept;

// The most HTLCs one cashed commitment may carry (483 per direction, as Lightning), so the bank's
// work per call is bounded (gas on an EVM).
inline constexpr std::size_t max_htlcs_per_commitment = 966;

// --- call arguments (the caller's address, msg.sender, is passed beside them) ---

struct create_args {
  std::array<address, 2> clients;       // party 0, party 1
  std::array<amount, 2> deposits;       // what each must deposit, both > 0
  std::uint64_t min_freeze_time_s = 0;  // > 0: shortest freeze a cashed commitment may ask for
  std::uint64_t funding_timeout_s = 0;  // cancel() is allowed from creation time + this
  friend bool operator==(const create_args&, const create_args&) = default;
};

// The caller is the submitter; `defender_sig` is the other client's signature over
// protocol::commitment_hash(commitment).
struct cash_args {
  protocol::commitment commitment;
  signature defender_sig;
  friend bool operator==(const cash_args&, const cash_args&) = default;
};

struct claim_htlc_args {
  std::uint32_t index = 0;  // position in the cashed commitment's htlcs
  bytes32 preimage;
  friend bool operator==(const claim_htlc_args&, const claim_htlc_args&) = default;
};

// Signature by the cashed commitment's revocation lock over
// protocol::revocation_message_hash(bank address, cashed sequence).
struct punish_args {
  signature revocation_sig;
  friend bool operator==(const punish_args&, const punish_args&) = default;
};

struct withdraw_args {
  friend bool operator==(const withdraw_args&, const withdraw_args&) = default;
};

struct cancel_args {
  friend bool operator==(const cancel_args&, const cancel_args&) = default;
};

// Both signatures over protocol::close_message_hash(bank address, balances[0], balances[1]).
struct close_args {
  std::array<amount, 2> balances;
  signature sig0;
  signature sig1;
  friend bool operator==(const close_args&, const close_args&) = default;
};

// --- readable state ---

enum class htlc_outcome : std::uint8_t {
  pending = 0,  // neither claimed nor expired yet
  claimed,      // the receiver showed the preimage before the time lock
  refunded,     // the time lock passed unclaimed: back to the offerer (settled at withdraw)
  seized,       // taken by the defender when the submitter was punished
};
[[nodiscard]] std::string_view to_string(htlc_outcome o) noexcept;

struct bank_htlc {
  protocol::htlc_terms terms;
  htlc_outcome outcome = htlc_outcome::pending;
  bool paid = false;  // its value has left the bank
  friend bool operator==(const bank_htlc&, const bank_htlc&) = default;
};

// What the bank remembers of the commitment that was cashed.
struct cashed_commitment {
  party submitter = party::zero;
  std::uint32_t sequence = 0;
  std::array<amount, 2> base{};
  address revocation_lock;
  bytes32 commitment_hash;
  std::uint64_t freeze_end_s = 0;  // cash time + freeze_time_s
  amount bond;                     // base[submitter], frozen
  bool bond_paid = false;          // set by the first withdraw (or seized by punish)
  std::vector<bank_htlc> htlcs;
  [[nodiscard]] party defender() const noexcept { return protocol::other(submitter); }
  friend bool operator==(const cashed_commitment&, const cashed_commitment&) = default;
};

struct bank_view {
  bank_id id;
  address bank_address;  // what commitments, revocations and closes sign
  bank_state state = bank_state::funding;
  std::array<address, 2> clients;
  std::array<amount, 2> deposits;  // required amounts (create_args::deposits)
  std::array<bool, 2> deposited{};
  std::uint64_t min_freeze_time_s = 0;
  std::uint64_t funding_deadline_s = 0;     // creation time + funding_timeout_s
  std::optional<cashed_commitment> cashed;  // set from cash() on
  std::array<amount, 2> paid_out{};         // total paid to each client so far

  [[nodiscard]] std::optional<party> party_of(const address& a) const noexcept {
    if (a == clients[0]) return party::zero;
    if (a == clients[1]) return party::one;
    return std::nullopt;
  }
  // deposits[0] + deposits[1]; create() guarantees it does not overflow.
  [[nodiscard]] amount total_deposits() const noexcept {
    return amount::from_base_units(deposits[0].base_units() + deposits[1].base_units());
  }
  friend bool operator==(const bank_view&, const bank_view&) = default;
};

}  // namespace clearway::chain
