// The bank's events (PROTOCOL.md §3), named after the article's, in one ordered log per backend.
// Every successful call appends its events in the order chain/README.md gives; a failed call
// appends nothing. A watcher follows the log with a cursor.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "chain/bank_types.hpp"

namespace clearway::chain {

namespace ev {

// create(): the bank exists, in Funding.
struct bank_created {
  std::array<address, 2> clients;
  std::array<amount, 2> deposits;
  std::uint64_t min_freeze_time_s = 0;
  std::uint64_t funding_deadline_s = 0;
  friend bool operator==(const bank_created&, const bank_created&) = default;
};

// The article's Deposit.
struct deposit {
  party client = party::zero;
  amount value;
  friend bool operator==(const deposit&, const deposit&) = default;
};

// Both deposits are in: Funding -> Running.
struct bank_running {
  friend bool operator==(const bank_running&, const bank_running&) = default;
};

// cancel(): the refunds follow as payouts.
struct funding_cancelled {
  friend bool operator==(const funding_cancelled&, const funding_cancelled&) = default;
};

// The article's CommitmentRSMC (htlc_count == 0) / CommitmentHTLC: Running -> Auditing.
struct commitment_cashed {
  party submitter = party::zero;
  std::uint32_t sequence = 0;
  std::uint32_t htlc_count = 0;
  bytes32 commitment_hash;
  friend bool operator==(const commitment_cashed&, const commitment_cashed&) = default;
};

// The article's FreezeFidelityBond: the submitter's base is frozen until freeze_end_s.
struct fidelity_bond_frozen {
  party submitter = party::zero;
  amount bond;
  std::uint64_t freeze_end_s = 0;
  friend bool operator==(const fidelity_bond_frozen&, const fidelity_bond_frozen&) = default;
};

// The article's RevocationLockOpen: the cashed commitment was revoked; the defender takes all.
struct revocation_lock_opened {
  std::uint32_t sequence = 0;
  friend bool operator==(const revocation_lock_opened&, const revocation_lock_opened&) = default;
};

// The article's HashLockOpened: HTLC `index` claimed; the preimage is public from here on.
struct hash_lock_opened {
  std::uint32_t index = 0;
  party receiver = party::zero;
  bytes32 preimage;
  friend bool operator==(const hash_lock_opened&, const hash_lock_opened&) = default;
};

// The article's TimeLockExpire: HTLC `index` expired unclaimed and refunds its offerer.
struct time_lock_expired {
  std::uint32_t index = 0;
  party offerer = party::zero;
  friend bool operator==(const time_lock_expired&, const time_lock_expired&) = default;
};

// The article's Withdraw: a withdraw() call after the freeze (payouts follow).
struct withdraw {
  friend bool operator==(const withdraw&, const withdraw&) = default;
};

// close(): the cooperative balances (payouts follow).
struct cooperative_close {
  std::array<amount, 2> balances;
  friend bool operator==(const cooperative_close&, const cooperative_close&) = default;
};

// Money leaving the bank to a client (never emitted for 0).
struct payout {
  party to = party::zero;
  amount value;
  friend bool operator==(const payout&, const payout&) = default;
};

// The article's VirtualBankClosed: nothing is held any more.
struct bank_closed {
  friend bool operator==(const bank_closed&, const bank_closed&) = default;
};

}  // namespace ev

using event_body =
    std::variant<ev::bank_created, ev::deposit, ev::bank_running, ev::funding_cancelled, ev::commitment_cashed,
                 ev::fidelity_bond_frozen, ev::revocation_lock_opened, ev::hash_lock_opened, ev::time_lock_expired,
                 ev::withdraw, ev::cooperative_close, ev::payout, ev::bank_closed>;

struct event {
  bank_id bank;
  std::uint64_t time_s = 0;  // chain time of the call that emitted it
  event_body body;
  template <class T>
  [[nodiscard]] const T* as() const noexcept {
    return std::get_if<T>(&body);
  }
  friend bool operator==(const event&, const event&) = default;
};

// The article's name of an event's kind ("Deposit", "CommitmentRSMC", ...), for logs and reports.
[[nodiscard]] std::string_view name_of(const event_body& body) noexcept;

// A position in a backend's event log: events_since(c) returns the events from c on.
struct event_cursor {
  std::uint64_t value = 0;
  friend constexpr auto operator<=>(const event_cursor&, const event_cursor&) = default;
};

struct event_batch {
  std::vector<event> events;
  event_cursor next;  // pass it to the next events_since
};

}  // namespace clearway::chain
