// The pure two-party channel state machine (PROTOCOL.md §4-§6): one party's end of a channel.
//
// A value type (copyable, comparable) with no threads, clocks or I/O: time comes in as `now_s`,
// messages come in and go out as protocol/messages.hpp values, and the layer above (the channel
// actor) moves them. Every call that refuses something returns a named channel_error and leaves
// the state exactly as it was.
//
// Life of a channel:
//  1. Opening. Party 0 sends open_channel, party 1 answers accept_channel (channel_opening.hpp);
//     each side then create()s its channel with the peer's first K lock addresses. Commitment #0
//     holds the deposits as base balances and no HTLC. Both sides call initial_commit(), which
//     returns commit{sequence 0, countersign, 0, 0, sig on the peer's copy of #0}, and pass the
//     peer's one to receive_commit(). The two messages may cross; the channel is open once it has
//     sent its own and holds the peer's signature on its copy of #0.
//  2. Proposals (§6.1) from either side at any time: propose_* returns the message to send,
//     receive_* takes the peer's. Ids are per sender 1, 2, 3...; an HTLC is named by its offerer
//     and the id of its add_htlc. A sender's spendable balance is its base in the latest signed
//     commitment minus everything it has proposed to pay or offer since (incoming money counts only
//     once committed), so every order in which pending proposals may be covered stays solvent.
//  3. Rounds (§6.2-6.4). initiate_commit() -> commit(n+1, initiate, covering all our proposals and
//     the peer's received so far, sig on the peer's copy). The responder's receive_commit() returns
//     commit(n+1, countersign, sig on the initiator's copy) + revoke(n). The initiator's
//     receive_commit() of the countersign returns revoke(n). Each side's receive_revoke() of the
//     peer's revoke(n) ends the round; the proposals #n+1 added are then irrevocably committed and
//     reported by drain_events(). If both initiate #n+1, party 0's round wins: party 0 ignores party
//     1's initiate, party 1 drops its own and countersigns party 0's; what party 0 did not cover
//     rides in the next round.
//  4. Cooperative close (§3 close): propose_close() when nothing is pending; the peer's
//     receive_close_request() countersigns; both then hold close_result().
//  5. Reconnection (docs/reestablish.md): after a lost connection or a restart, connection_lost();
//     send reestablish_message(); on the peer's reestablish, send what on_reestablish() returns.
//
// Choices where PROTOCOL.md is silent (as Lightning does): an HTLC may be fulfilled or failed only
// once irrevocably committed (BOLT 2); a commitment lists its HTLCs offerer 0 first, each by id;
// a party-1 initiate that party 0 ignored is never used, although party 0 received its signature
// (it signs a state built only from accepted proposals, revoked with the same lock as #n+1).
//
// Signature checks are separable for batching on worker threads: check_commit() and
// check_close_request() are const and return the crypto::verify_check to run; apply_*() takes the
// checked message once the check passed. receive_*() does both inline with the peer's public key.
// The revoke's secret -> lock derivation is likewise split: derive_revoke_lock() is static and pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/batch_verifier.hpp"
#include "crypto/keys.hpp"
#include "crypto/shachain.hpp"
#include "crypto/signature.hpp"
#include "protocol/amount.hpp"
#include "protocol/channel_config.hpp"
#include "protocol/channel_content.hpp"
#include "protocol/channel_errors.hpp"
#include "protocol/channel_events.hpp"
#include "protocol/channel_snapshot.hpp"
#include "protocol/commitment.hpp"
#include "protocol/htlc_book.hpp"
#include "protocol/messages.hpp"
#include "protocol/party.hpp"
#include "protocol/proposal_log.hpp"

namespace clearway::protocol {

class channel {
 public:
  // ---- Setup ----------------------------------------------------------------------------------
  // `keys` must be config.addresses[self]'s key; `seed` is this party's per-channel shachain seed;
  // `peer_first_locks` are the K lock addresses from the peer's open_channel/accept_channel.
  // `own_first_locks` may pass our own first K locks if already derived for the opening message
  // (they must be derive_lock_addresses(seed, 0, K)); empty: derived here (K key derivations).
  [[nodiscard]] static result<channel, channel_error> create(const channel_config& config, party self,
                                                             const crypto::key_pair& keys, const bytes32& seed,
                                                             std::span<const crypto::address> peer_first_locks,
                                                             std::span<const crypto::address> own_first_locks = {});

  // Our signature on the peer's copy of #0: commit{0, countersign, 0, 0, sig}. Once only.
  [[nodiscard]] result<commit, channel_error> initial_commit();

  // ---- Proposals (§6.1) -----------------------------------------------------------------------
  // Offer an HTLC to the peer. Rejected: zero_amount, below_min_htlc, too_many_htlcs,
  // max_in_flight_exceeded, insufficient_balance, time_lock_too_close, time_lock_too_far.
  [[nodiscard]] result<add_htlc, channel_error> propose_add_htlc(amount value, const bytes32& hash_lock,
                                                                 std::uint64_t time_lock_s, std::uint64_t now_s);
  // Claim an HTLC the peer offered and that is irrevocably committed, with its preimage.
  [[nodiscard]] result<fulfill_htlc, channel_error> propose_fulfill(htlc_id htlc, const bytes32& preimage);
  // Refuse an HTLC the peer offered and that is irrevocably committed.
  [[nodiscard]] result<fail_htlc, channel_error> propose_fail(htlc_id htlc, fail_reason reason);
  // Pay `value` to the peer from our balance.
  [[nodiscard]] result<pay, channel_error> propose_pay(amount value);

  // The peer's proposals, with the same rules; the id must be exactly the peer's next one.
  [[nodiscard]] status<channel_error> receive_add_htlc(const add_htlc& msg, std::uint64_t now_s);
  [[nodiscard]] status<channel_error> receive_fulfill(const fulfill_htlc& msg);
  [[nodiscard]] status<channel_error> receive_fail(const fail_htlc& msg);
  [[nodiscard]] status<channel_error> receive_pay(const pay& msg);
  [[nodiscard]] status<channel_error> receive_proposal(const proposal& msg, std::uint64_t now_s);

  // ---- Rounds (§6.2-6.4) ----------------------------------------------------------------------
  // Starts a round: only when open, idle and some proposal (ours or the peer's) is not yet in our
  // latest signed commitment. Signs the peer's copy of #n+1.
  [[nodiscard]] result<commit, channel_error> initiate_commit();
  // Whether initiate_commit() would have something to do.
  [[nodiscard]] bool has_uncovered_proposals() const noexcept;

  struct commit_reply {
    std::optional<commit> countersign;  // to an initiate: our signature on the initiator's copy
    std::optional<revoke> revocation;   // our revoke of #n once we hold our #n+1
  };
  // A commit message whose signature check is computed but not yet run (opaque apart from the
  // first three fields).
  struct checked_commit {
    commit msg;
    bool ignore = false;             // party 0 ignores party 1's crossing initiate: nothing to verify
    crypto::verify_check check;      // must pass before apply_commit
    commitment_content content;      // our copy's content, as computed
    std::uint64_t round_stamp = 0;   // the round state the check was made against
  };
  // Pure: validates the commit against the round state and computes what its signature must
  // cover (our copy of msg.sequence). Rejected: unexpected_commit, wrong_sequence, wrong_coverage,
  // empty_commit, sequence_exhausted, conservation_violated, channel_* lifecycle errors.
  [[nodiscard]] result<checked_commit, channel_error> check_commit(const commit& msg) const;
  // Applies a commit whose check passed (the caller ran c.check). stale_check if the round state
  // changed since check_commit. Signs and revokes inline.
  [[nodiscard]] result<commit_reply, channel_error> apply_commit(const checked_commit& c);
  // check + verify_eip191_with_key (bad_signature) + apply.
  [[nodiscard]] result<commit_reply, channel_error> receive_commit(const commit& msg);

  struct checked_revoke {
    revoke msg;
    crypto::address derived_lock;  // address of revocation_secret_key(msg.secret)
  };
  // Pure and thread-safe (one public-key derivation): may run on a worker.
  [[nodiscard]] static checked_revoke derive_revoke_lock(const revoke& msg) noexcept;
  // Takes the peer's revoke of its #n. Rejected: unexpected_revoke, wrong_sequence,
  // wrong_revocation_secret (lock mismatch), bad_next_lock, shachain_mismatch. Completes the round.
  [[nodiscard]] status<channel_error> apply_revoke(const checked_revoke& c);
  [[nodiscard]] status<channel_error> receive_revoke(const revoke& msg);

  // ---- Cooperative close ----------------------------------------------------------------------
  // Only when open, idle, no HTLC and no proposal pending (close_not_allowed). Signs
  // close_message_hash(bank, a0, a1) over the latest balances; no more updates afterwards.
  [[nodiscard]] result<close_request, channel_error> propose_close();
  // Pure: the peer's close_request must carry the latest balances (wrong_close_balances) under the
  // same conditions; returns the signature check to run.
  [[nodiscard]] result<crypto::verify_check, channel_error> check_close_request(const close_request& msg) const;
  struct close_outcome {
    std::optional<close_request> reply;  // our countersignature if we had not signed yet
    close_result result;
  };
  [[nodiscard]] result<close_outcome, channel_error> apply_close_request(const close_request& msg);
  [[nodiscard]] result<close_outcome, channel_error> receive_close_request(const close_request& msg);

  // ---- Reestablish after a lost connection or a restart (docs/reestablish.md) -----------------
  // Messages in flight in either direction may be lost. Call on every lost connection and on every
  // channel rebuilt by from_snapshot() after a restart (the flag is not part of a snapshot). From
  // then on every call that proposes, starts or takes a round step or a close is refused with
  // awaiting_reestablish until on_reestablish() succeeds, so our state stays what our reestablish
  // message says until the peer's resends arrive.
  void connection_lost() noexcept { awaiting_reestablish_ = true; }
  [[nodiscard]] bool awaiting_reestablish() const noexcept { return awaiting_reestablish_; }
  // What we durably hold of what the peer sent: the first message on a new connection.
  [[nodiscard]] reestablish reestablish_message() const;
  // The peer's reestablish: the messages it lacks, to send in this order right after our own
  // reestablish_message() (proposals, the commit and/or revoke, a close_request; re-signed or
  // re-derived, byte for byte what was sent before). Refused with impossible_reestablish,
  // peer_claims_unsent, peer_lost_state or unexpected_reestablish, changing nothing. On success the
  // only state change is clearing awaiting_reestablish().
  [[nodiscard]] result<std::vector<message>, channel_error> on_reestablish(const reestablish& peer_claims);

  // ---- Events and accessors -------------------------------------------------------------------
  // Events of completed rounds since the last call, in order.
  [[nodiscard]] std::vector<channel_event> drain_events();
  [[nodiscard]] const std::vector<channel_event>& pending_events() const noexcept { return s_.events; }

  [[nodiscard]] party self() const noexcept { return s_.self; }
  [[nodiscard]] party peer() const noexcept { return other(s_.self); }
  [[nodiscard]] const channel_config& config() const noexcept { return s_.config; }
  [[nodiscard]] channel_phase phase() const noexcept { return s_.phase; }
  [[nodiscard]] bool is_open() const noexcept { return s_.phase == channel_phase::open; }
  [[nodiscard]] round_state round() const noexcept { return s_.round; }

  // What `p` may still pay or offer: its base in our latest signed commitment minus what it has
  // proposed to pay or offer since.
  [[nodiscard]] amount available(party p) const noexcept { return s_.available[index_of(p)]; }
  [[nodiscard]] amount own_available() const noexcept { return available(self()); }
  [[nodiscard]] amount peer_available() const noexcept { return available(peer()); }
  // Base balances of our latest signed commitment.
  [[nodiscard]] const std::array<amount, 2>& balances() const noexcept { return s_.held.base; }

  // Sequence of our latest signed commitment.
  [[nodiscard]] std::uint32_t sequence() const noexcept { return s_.held.sequence; }
  // Our latest commitment with the peer's signature: what we would cash at the bank.
  [[nodiscard]] signed_commitment latest_signed_own_commitment() const;
  // Our copy of the #n+1 we initiated (round == initiated), not yet countersigned.
  [[nodiscard]] std::optional<commitment> pending_own_commitment() const;
  [[nodiscard]] const commitment_content& latest_content() const noexcept { return s_.held; }

  // Every HTLC not yet irrevocably removed, offerer 0 then 1, by id.
  [[nodiscard]] std::vector<htlc_view> htlcs() const;
  [[nodiscard]] std::optional<htlc_view> find_htlc(party offerer, htlc_id id) const;
  // The preimage of a hash lock if a pending fulfill (ours or the peer's) revealed it.
  [[nodiscard]] std::optional<bytes32> known_preimage(const bytes32& hash_lock) const;

  [[nodiscard]] proposal_id last_proposal_id(party p) const noexcept { return s_.logs[index_of(p)].last_id(); }
  [[nodiscard]] const coverage& irrevocable_coverage() const noexcept { return s_.irrevocable; }

  // The peer's revealed revocation secrets (what punish() needs) and the highest revoked sequence.
  [[nodiscard]] const crypto::shachain_store& peer_secrets() const noexcept { return peer_secrets_; }
  [[nodiscard]] std::optional<std::uint32_t> highest_peer_revoked() const noexcept { return s_.peer_revoked; }
  [[nodiscard]] std::optional<std::uint32_t> highest_own_revoked() const noexcept { return s_.own_revoked; }
  // The peer's lock for `sequence` while we know it (the K sequences from its oldest unrevoked one).
  [[nodiscard]] std::optional<crypto::address> peer_lock(std::uint64_t sequence) const noexcept;
  [[nodiscard]] std::optional<crypto::address> own_lock(std::uint64_t sequence) const noexcept;

  [[nodiscard]] std::optional<close_result> closing_result() const;

  // Bytes this channel end occupies, heap included (for memory budgets and tests).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // ---- Persistence (protocol/channel_state_codec.hpp turns snapshots into bytes) ---------------
  // The state to resume from: everything but the signing key and the derived caches.
  [[nodiscard]] channel_snapshot snapshot() const;
  // Rebuilds a channel from a snapshot after checking it is one a channel can be in (named
  // channel_state_error otherwise): from_snapshot(c.snapshot(), keys) == c, and it then behaves
  // exactly as c. `keys` must be config.addresses[self]'s key. Costs K key derivations and one
  // signature check (~100 us).
  [[nodiscard]] static result<channel, channel_state_error> from_snapshot(channel_snapshot snap,
                                                                          const crypto::key_pair& keys);
  // The same without the consistency checks (no signature check, no key derivation): only for a
  // snapshot this process took of a channel itself (protocol/channel_state_codec.hpp's resting
  // state). Still refuses a key that is not our party's (own_key_mismatch).
  [[nodiscard]] static result<channel, channel_state_error> from_own_snapshot(channel_snapshot snap,
                                                                              const crypto::key_pair& keys);

  // Equal state, the peer's shachain store included.
  friend bool operator==(const channel& a, const channel& b);

 private:
  explicit channel(const crypto::key_pair& keys) : keys_(keys) {}

  [[nodiscard]] status<channel_error> updates_allowed() const noexcept;
  [[nodiscard]] status<channel_error> validate(party sender, const proposal& p, std::uint64_t now_s) const;
  [[nodiscard]] status<channel_error> validate_add(party sender, const add_htlc& m, std::uint64_t now_s) const;
  [[nodiscard]] status<channel_error> validate_removal(party sender, htlc_id htlc) const;
  void accept(party sender, const proposal& p);
  [[nodiscard]] result<commitment_content, channel_error> advance(const commitment_content& from,
                                                                  const coverage& to) const;
  void recompute_caches();
  [[nodiscard]] revoke make_own_revoke(std::uint32_t sequence);
  void complete_round();
  [[nodiscard]] bool nothing_pending() const noexcept;
  [[nodiscard]] status<channel_state_error> check_restored() const;
  [[nodiscard]] static result<channel, channel_state_error> assemble(channel_snapshot snap, const crypto::key_pair& keys);
  [[nodiscard]] status<channel_error> check_reestablish(const reestablish& r) const;
  [[nodiscard]] commit resign_commit(const commitment_content& content, commit_kind kind) const;
  [[nodiscard]] revoke rederive_revoke(std::uint32_t sequence) const;
  void resend_proposals(proposal_id first_exclusive, proposal_id last_inclusive, std::vector<message>& out) const;

  struct state {
    channel_config config;
    party self = party::zero;
    bytes32 seed;
    channel_phase phase = channel_phase::opening;
    round_state round = round_state::idle;
    bool sent_initial = false;
    bool got_initial = false;
    commitment_content held;                    // our latest commitment that has the peer's signature
    crypto::signature held_sig;
    std::optional<commitment_content> pending;  // the #n+1 we initiated (round == initiated)
    coverage irrevocable{};                     // coverage of the last commitment both sides revoked past
    std::array<proposal_log, 2> logs;           // by sender
    htlc_book book;
    lock_ring own_locks;                        // sequences [lowest own unrevoked, +K)
    lock_ring peer_locks;                       // sequences [lowest peer unrevoked, +K)
    std::optional<std::uint32_t> own_revoked;
    std::optional<std::uint32_t> peer_revoked;
    // Derived from held + logs + book; kept so each proposal is checked in O(log n).
    std::array<amount, 2> available{};
    std::array<std::uint32_t, 2> offered_count{};
    std::array<amount, 2> offered_value{};
    std::array<std::optional<crypto::signature>, 2> close_sigs;  // by party
    std::vector<channel_event> events;
    std::uint64_t round_stamp = 0;  // bumped by every change of the round state
    friend bool operator==(const state&, const state&) = default;
  };

  state s_;
  crypto::key_pair keys_;
  crypto::shachain_store peer_secrets_;
  bool awaiting_reestablish_ = false;  // not persisted: see connection_lost()
};

}  // namespace clearway::protocol
