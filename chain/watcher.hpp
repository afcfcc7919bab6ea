// The watcher's decisions (PROTOCOL.md §8), pure and chain-agnostic: from a bank's readable state,
// the chain time and one party's stored record, the bank calls that party should make now.
// Decisions read the bank's *state*, not a stream of events, so they are idempotent: run them as
// often as you like (every new block or event, or on a timer), make the calls, run them again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "chain/bank.hpp"
#include "chain/bank_types.hpp"
#include "chain/errors.hpp"
#include "chain/events.hpp"
#include "crypto/shachain.hpp"
#include "protocol/commitment.hpp"

namespace clearway::chain {

// The party's own copy of its latest commitment (it is the submitter, its revocation lock) and the
// peer's signature on it: what it cashes when it must go on chain.
struct signed_commitment {
  protocol::commitment commitment;
  signature peer_sig;
};

// What one party keeps to watch one bank.
struct watch_record {
  address bank;  // the bank's address (what the commitments sign)
  party self = party::zero;
  address self_address;                 // the party's client address: the caller of every call
  crypto::shachain_store peer_secrets;  // the peer's revealed revocation secrets (compact)
  std::optional<signed_commitment> latest_own;
  std::map<bytes32, bytes32> preimages;  // hash lock -> preimage, of HTLCs this party may claim
  // Time locks of the HTLCs in `preimages` that this party has not failed and that are not yet
  // irrevocably removed (hash lock -> time lock), including those it fulfilled off-chain: the
  // peer may still cash an unrevoked older commitment that holds them pending (BOLT 2's
  // fulfilment deadline), so the party goes on chain when one comes within claim_margin_s.
  std::map<bytes32, std::uint64_t> claim_deadlines;
};

struct watch_policy {
  // Go on chain (cash own latest) when an HTLC this party receives, and knows the preimage of, is
  // this close to its time lock; claims need the bank in Auditing before the lock.
  std::uint64_t claim_margin_s = 3'600;
  // Go on chain when an HTLC this party offered is still in its latest commitment this long after
  // its time lock (the peer neither fulfilled nor failed it): the refund needs the bank.
  std::uint64_t refund_grace_s = 0;
};

struct watch_input {
  std::uint64_t now_s = 0;
  // The party wants out unilaterally (e.g. the peer has been silent too long): cash own latest.
  bool close_requested = false;
};

// The calls to make now, in order (e.g. claims before the withdraw that pays them). Empty: nothing
// to do. Errors: bank_mismatch if `view` is not the record's bank; not_a_client if the record's
// address is not its party's client address in the bank.
[[nodiscard]] result<std::vector<bank_call>, error> decide(const watch_record& record, const bank_view& view,
                                                           const watch_input& input, const watch_policy& policy = {});

// The sequence numbers the peer has revoked: every sequence <= the returned one (none if nullopt).
[[nodiscard]] std::optional<std::uint32_t> highest_revoked_sequence(const crypto::shachain_store& peer_secrets);

// The punish call for a cashed peer commitment #sequence whose lock is `revocation_lock`, if the
// stored secrets revoke it (nullopt otherwise, or if the derived key does not match the lock).
[[nodiscard]] std::optional<punish_args> build_punish(const watch_record& record, std::uint32_t sequence,
                                                      const address& revocation_lock);

// Preimages made public by claims on chain (hash_lock_opened), keyed by hash lock: a forwarder
// learns from them what to fulfil upstream.
[[nodiscard]] std::map<bytes32, bytes32> revealed_preimages(const std::vector<event>& events, bank_id bank);

}  // namespace clearway::chain
