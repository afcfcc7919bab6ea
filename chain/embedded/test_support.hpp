// Test-only helpers: deterministic parties, an open bank on an embedded ledger, and signed
// commitments (mirror copies) for it.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "chain/embedded/ledger.hpp"
#include "chain/watcher.hpp"
#include "crypto/abi_packed.hpp"
#include "crypto/hash.hpp"
#include "crypto/shachain.hpp"
#include "crypto/signature.hpp"
#include "protocol/commitment.hpp"

namespace clearway::chain::testing {

inline amount units(std::uint64_t n) { return amount::from_base_units(n); }

inline bytes32 bytes32_of(std::uint64_t tag, std::uint64_t n) {
  crypto::abi_packed packed;
  packed.add_uint256(tag).add_uint256(n);
  return crypto::keccak256(packed.bytes());
}

// A deterministic key pair for label n.
inline crypto::key_pair key_of(std::uint64_t n) {
  return crypto::key_pair::from_secret(crypto::secret_key::from_material(bytes32_of(0x6b6579, n)));
}

inline bytes32 preimage_of(std::uint64_t n) { return bytes32_of(0x707265, n); }
inline bytes32 hash_lock_of(std::uint64_t n) { return crypto::sha256(preimage_of(n).span()); }

// One channel's two parties: signing keys and shachain seeds for their revocation locks.
struct channel_keys {
  std::array<crypto::key_pair, 2> keys;
  std::array<bytes32, 2> seeds;

  explicit channel_keys(std::uint64_t label)
      : keys{key_of(2 * label), key_of(2 * label + 1)},
        seeds{bytes32_of(0x736565, 2 * label), bytes32_of(0x736565, 2 * label + 1)} {}

  [[nodiscard]] const address& addr(party p) const { return keys[protocol::index_of(p)].addr; }
  [[nodiscard]] bytes32 secret(party p, std::uint32_t sequence) const {
    return crypto::shachain_derive(seeds[protocol::index_of(p)], crypto::shachain_index_of_sequence(sequence)).value();
  }
  [[nodiscard]] address lock(party p, std::uint32_t sequence) const {
    return crypto::address_of(crypto::revocation_secret_key(secret(p, sequence)));
  }
  // The revocation signature a watcher of `other(p)` makes once p revealed its secret for `sequence`.
  [[nodiscard]] signature revocation_sig(party p, const address& bank, std::uint32_t sequence) const {
    return crypto::sign_eip191(crypto::revocation_secret_key(secret(p, sequence)),
                               protocol::revocation_message_hash(bank, sequence));
  }
  [[nodiscard]] signature sign(party p, const bytes32& msg_hash) const {
    return crypto::sign_eip191(keys[protocol::index_of(p)].secret, msg_hash);
  }
};

// The terms of commitment #sequence, without the submitter-specific lock.
struct commitment_terms {
  std::uint32_t sequence = 0;
  std::array<amount, 2> base{};
  std::vector<protocol::htlc_terms> htlcs;
  std::uint64_t freeze_time_s = 0;
};

// Party p's copy of #sequence (p is the submitter, its lock) with the other party's signature.
inline cash_args copy_of(const channel_keys& ck, const address& bank, party p, const commitment_terms& t) {
  protocol::commitment c;
  c.bank = bank;
  c.sequence = t.sequence;
  c.base = t.base;
  c.htlcs = t.htlcs;
  c.revocation_lock = ck.lock(p, t.sequence);
  c.freeze_time_s = t.freeze_time_s;
  const signature sig = ck.sign(protocol::other(p), protocol::commitment_hash(c));
  return cash_args{std::move(c), sig};
}

inline close_args signed_close(const channel_keys& ck, const address& bank, amount a0, amount a1) {
  const bytes32 msg = protocol::close_message_hash(bank, a0, a1);
  return close_args{{a0, a1}, ck.sign(party::zero, msg), ck.sign(party::one, msg)};
}

inline protocol::htlc_terms htlc(party offerer, std::uint64_t value, std::uint64_t preimage_label,
                                 std::uint64_t time_lock_s) {
  return protocol::htlc_terms{offerer, units(value), hash_lock_of(preimage_label), time_lock_s};
}

// Mints both deposits, creates the bank and (if `fund`) deposits both: the bank is Running.
inline bank_id open_bank(embedded::ledger& l, const channel_keys& ck, std::array<std::uint64_t, 2> deposits,
                         std::uint64_t min_freeze_time_s = 100, std::uint64_t funding_timeout_s = 1000,
                         bool fund = true) {
  create_args args{{ck.addr(party::zero), ck.addr(party::one)},
                   {units(deposits[0]), units(deposits[1])},
                   min_freeze_time_s,
                   funding_timeout_s};
  auto id = l.create(ck.addr(party::zero), args);
  EXPECT_TRUE(id.has_value());
  if (!fund) return *id;
  for (party p : {party::zero, party::one}) {
    EXPECT_TRUE(l.mint(ck.addr(p), args.deposits[protocol::index_of(p)]).has_value());
    EXPECT_TRUE(l.deposit(ck.addr(p), *id, args.deposits[protocol::index_of(p)]).has_value());
  }
  return *id;
}

// A watch record for party p that has received the peer's secrets for sequences 0 .. revoked_upto.
inline watch_record record_for(const channel_keys& ck, const address& bank, party p,
                               std::optional<std::uint32_t> revoked_upto) {
  watch_record r;
  r.bank = bank;
  r.self = p;
  r.self_address = ck.addr(p);
  if (revoked_upto) {
    for (std::uint32_t n = 0; n <= *revoked_upto; ++n) {
      EXPECT_TRUE(
          r.peer_secrets.insert(crypto::shachain_index_of_sequence(n), ck.secret(protocol::other(p), n)).has_value());
    }
  }
  return r;
}

// Runs the watcher until it has nothing more to do (or its calls fail); returns the calls made.
inline std::vector<bank_call> run_watcher(embedded::ledger& l, bank_id id, const watch_record& r,
                                          const watch_policy& policy = {}, bool close_requested = false) {
  std::vector<bank_call> made;
  for (int round = 0; round < 8; ++round) {
    auto calls = decide(r, l.state(id).value(), watch_input{l.now_s(), close_requested}, policy);
    EXPECT_TRUE(calls.has_value());
    if (!calls || calls->empty()) break;
    bool progressed = false;
    for (const auto& call : *calls) {
      if (execute(l, r.self_address, id, call)) {
        progressed = true;
        made.push_back(call);
      }
    }
    if (!progressed) break;
  }
  return made;
}

}  // namespace clearway::chain::testing
