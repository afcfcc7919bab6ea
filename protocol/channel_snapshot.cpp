// channel::snapshot() / from_snapshot(): the persistent state out and back in, with every
// invariant the state machine relies on checked on the way in (a stored blob is input too).
#include <algorithm>
#include <limits>

#include "crypto/hash.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::protocol {

std::string_view to_string(channel_state_error e) noexcept {
  switch (e) {
    case channel_state_error::bad_magic: return "bad_magic";
    case channel_state_error::unsupported_version: return "unsupported_version";
    case channel_state_error::truncated: return "truncated";
    case channel_state_error::trailing_bytes: return "trailing_bytes";
    case channel_state_error::invalid_bool: return "invalid_bool";
    case channel_state_error::invalid_enum: return "invalid_enum";
    case channel_state_error::count_too_large: return "count_too_large";
    case channel_state_error::state_too_large: return "state_too_large";
    case channel_state_error::bad_config: return "bad_config";
    case channel_state_error::own_key_mismatch: return "own_key_mismatch";
    case channel_state_error::phase_mismatch: return "phase_mismatch";
    case channel_state_error::lock_ring_mismatch: return "lock_ring_mismatch";
    case channel_state_error::own_locks_not_from_seed: return "own_locks_not_from_seed";
    case channel_state_error::revoked_mismatch: return "revoked_mismatch";
    case channel_state_error::pending_mismatch: return "pending_mismatch";
    case channel_state_error::coverage_mismatch: return "coverage_mismatch";
    case channel_state_error::proposal_mismatch: return "proposal_mismatch";
    case channel_state_error::htlc_book_mismatch: return "htlc_book_mismatch";
    case channel_state_error::wrong_preimage: return "wrong_preimage";
    case channel_state_error::commitment_mismatch: return "commitment_mismatch";
    case channel_state_error::bad_held_signature: return "bad_held_signature";
    case channel_state_error::balance_underflow: return "balance_underflow";
    case channel_state_error::shachain_mismatch: return "shachain_mismatch";
  }
  return "unknown_channel_state_error";
}

channel_snapshot channel::snapshot() const {
  channel_snapshot out;
  out.config = s_.config;
  out.self = s_.self;
  out.seed = s_.seed;
  out.phase = s_.phase;
  out.round = s_.round;
  out.sent_initial = s_.sent_initial;
  out.got_initial = s_.got_initial;
  out.held = s_.held;
  out.held_sig = s_.held_sig;
  out.pending = s_.pending;
  out.irrevocable = s_.irrevocable;
  out.logs = s_.logs;
  out.book = s_.book;
  out.own_locks = s_.own_locks;
  out.peer_locks = s_.peer_locks;
  out.own_revoked = s_.own_revoked;
  out.peer_revoked = s_.peer_revoked;
  out.close_sigs = s_.close_sigs;
  out.events = s_.events;
  out.round_stamp = s_.round_stamp;
  out.peer_secrets = peer_secrets_;
  return out;
}

result<channel, channel_state_error> channel::from_snapshot(channel_snapshot snap, const crypto::key_pair& keys) {
  if (!validate_config(snap.config)) return channel_state_error::bad_config;
  if (snap.self != party::zero && snap.self != party::one) return channel_state_error::invalid_enum;
  CW_TRY(ch, assemble(std::move(snap), keys));
  CW_CHECK(ch.check_restored());
  ch.recompute_caches();
  return ch;
}

result<channel, channel_state_error> channel::from_own_snapshot(channel_snapshot snap, const crypto::key_pair& keys) {
  CW_TRY(ch, assemble(std::move(snap), keys));
  ch.recompute_caches();
  return ch;
}

// The state from a snapshot, caches not yet computed (recompute_caches() trusts the state).
result<channel, channel_state_error> channel::assemble(channel_snapshot snap, const crypto::key_pair& keys) {
  if (keys.addr != snap.config.addresses[index_of(snap.self)] || keys.pub != snap.config.public_keys[index_of(snap.self)]) {
    return channel_state_error::own_key_mismatch;
  }
  channel ch(keys);
  state& s = ch.s_;
  s.config = std::move(snap.config);
  s.self = snap.self;
  s.seed = snap.seed;
  s.phase = snap.phase;
  s.round = snap.round;
  s.sent_initial = snap.sent_initial;
  s.got_initial = snap.got_initial;
  s.held = std::move(snap.held);
  s.held_sig = snap.held_sig;
  s.pending = std::move(snap.pending);
  s.irrevocable = snap.irrevocable;
  s.logs = std::move(snap.logs);
  s.book = std::move(snap.book);
  s.own_locks = std::move(snap.own_locks);
  s.peer_locks = std::move(snap.peer_locks);
  s.own_revoked = snap.own_revoked;
  s.peer_revoked = snap.peer_revoked;
  s.close_sigs = snap.close_sigs;
  s.events = std::move(snap.events);
  s.round_stamp = snap.round_stamp;
  ch.peer_secrets_ = std::move(snap.peer_secrets);
  return ch;
}

namespace {

bool zero_in(const lock_ring& ring) {
  return std::any_of(ring.slots().begin(), ring.slots().end(), [](const crypto::address& a) { return a.is_zero(); });
}

// `log` holds ids dropped_through+1 .. last_id in order, each with a nonzero amount.
bool log_well_formed(const proposal_log& log) {
  proposal_id expected = log.dropped_through();
  for (const proposal& p : log.entries()) {
    if (id_of(p) != ++expected) return false;
    if (const auto* a = std::get_if<add_htlc>(&p); a != nullptr && a->value.is_zero()) return false;
    if (const auto* y = std::get_if<pay>(&p); y != nullptr && y->value.is_zero()) return false;
  }
  return true;
}

}  // namespace

status<channel_state_error> channel::check_restored() const {
  const state& s = s_;
  const std::uint32_t k = s.config.lock_batch;
  using E = channel_state_error;

  // Phase, the #0 exchange and the close signatures.
  const bool own_close = s.close_sigs[index_of(self())].has_value();
  const bool peer_close = s.close_sigs[index_of(peer())].has_value();
  switch (s.phase) {
    case channel_phase::opening:
      if ((s.sent_initial && s.got_initial) || own_close || peer_close) return E::phase_mismatch;
      if (s.held.sequence != 0 || s.round != round_state::idle) return E::phase_mismatch;
      break;
    case channel_phase::open:
      if (!s.sent_initial || !s.got_initial || own_close || peer_close) return E::phase_mismatch;
      break;
    case channel_phase::closing:
    case channel_phase::closed:
      if (!s.sent_initial || !s.got_initial || !own_close) return E::phase_mismatch;
      if (peer_close != (s.phase == channel_phase::closed)) return E::phase_mismatch;
      if (!nothing_pending()) return E::phase_mismatch;
      break;
    default:
      return E::invalid_enum;
  }
  if (s.round != round_state::idle && s.round != round_state::initiated && s.round != round_state::awaiting_revoke) {
    return E::invalid_enum;
  }

  // Lock rings: K non-zero locks, ours at our held sequence (everything below is revoked), the
  // peer's one lower while we wait for its revoke.
  if (s.own_locks.size() != k || s.peer_locks.size() != k || zero_in(s.own_locks) || zero_in(s.peer_locks)) {
    return E::lock_ring_mismatch;
  }
  const bool awaiting = s.round == round_state::awaiting_revoke;
  if (awaiting && s.held.sequence == 0) return E::lock_ring_mismatch;
  if (s.own_locks.low() != s.held.sequence) return E::lock_ring_mismatch;
  if (s.peer_locks.low() != s.held.sequence - (awaiting ? 1U : 0U)) return E::lock_ring_mismatch;
  const auto own_expected = derive_lock_addresses(s.seed, s.own_locks.low(), k);
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint64_t seq = s.own_locks.low() + i;
    if (*s.own_locks.find(seq) != own_expected[i]) return E::own_locks_not_from_seed;
  }
  auto below = [](std::uint64_t low) {
    return low == 0 ? std::nullopt : std::optional<std::uint32_t>(static_cast<std::uint32_t>(low - 1));
  };
  if (s.own_revoked != below(s.own_locks.low()) || s.peer_revoked != below(s.peer_locks.low())) {
    return E::revoked_mismatch;
  }

  // The peer's secrets: exactly what inserting its sequences 0 .. peer_revoked leaves, i.e. one
  // entry for each bucket that has an index in [lowest, 2^48 - 1] (shachain_store::restore already
  // checked each entry sits at the least index >= lowest of its bucket).
  if (!s.peer_revoked) {
    if (peer_secrets_.entry_count() != 0) return E::shachain_mismatch;
  } else {
    const std::uint64_t lowest = crypto::shachain_index_of_sequence(*s.peer_revoked);
    if (peer_secrets_.lowest_index() != lowest) return E::shachain_mismatch;
    std::size_t buckets = 0;
    for (unsigned b = 0; b < 48; ++b) {
      std::uint64_t high = (lowest + ((std::uint64_t{1} << b) - 1)) >> b;
      if ((high & 1U) == 0) ++high;
      buckets += (high << b) <= crypto::shachain_max_index ? 1 : 0;
    }
    // Bucket 48 (index 0) only after 2^48 revocations: sequences are uint32, so never.
    if (peer_secrets_.entry_count() != buckets) return E::shachain_mismatch;
  }

  // Coverages: irrevocable <= held <= pending <= what exists; the logs start after irrevocable.
  for (std::size_t i = 0; i < 2; ++i) {
    const proposal_log& log = s.logs[i];
    if (!log_well_formed(log)) return E::proposal_mismatch;
    if (log.dropped_through() != s.irrevocable[i]) return E::coverage_mismatch;
    if (s.held.covered[i] < s.irrevocable[i] || s.held.covered[i] > log.last_id()) return E::coverage_mismatch;
    if (!awaiting && s.held.covered[i] != s.irrevocable[i]) return E::coverage_mismatch;
    if (s.pending && (s.pending->covered[i] < s.held.covered[i] || s.pending->covered[i] > log.last_id())) {
      return E::pending_mismatch;
    }
  }

  // The book against the logs: each HTLC newer than the irrevocable coverage is its offerer's
  // add_htlc, each removal is the receiver's fulfill/fail of it, and nothing else is there.
  for (party p : {party::zero, party::one}) {
    const std::size_t i = index_of(p);
    const std::size_t o = index_of(other(p));
    std::size_t unsettled_adds = 0;
    std::size_t removals = 0;
    htlc_id previous = 0;
    for (const htlc_record& r : s.book.offered_by(p)) {
      if (r.id <= previous) return E::htlc_book_mismatch;
      previous = r.id;
      if (r.id > s.logs[i].last_id() || r.value.is_zero()) return E::htlc_book_mismatch;
      if (r.id > s.irrevocable[i]) {
        const auto* a = std::get_if<add_htlc>(s.logs[i].find(r.id));
        if (a == nullptr || a->value != r.value || a->hash_lock != r.hash_lock || a->time_lock_s != r.time_lock_s) {
          return E::htlc_book_mismatch;
        }
        ++unsettled_adds;
      }
      if (r.removal == removal_kind::none) {
        if (r.removal_id != 0) return E::htlc_book_mismatch;
        continue;
      }
      if (r.removal != removal_kind::fulfill && r.removal != removal_kind::fail) return E::invalid_enum;
      // Removed only once irrevocable, and erased once the removal is.
      if (r.id > s.irrevocable[i] || r.removal_id <= s.irrevocable[o] || r.removal_id > s.logs[o].last_id()) {
        return E::htlc_book_mismatch;
      }
      const proposal* rp = s.logs[o].find(r.removal_id);
      if (r.removal == removal_kind::fulfill) {
        const auto* f = std::get_if<fulfill_htlc>(rp);
        if (f == nullptr || f->htlc != r.id) return E::htlc_book_mismatch;
        if (crypto::sha256(f->preimage.span()) != r.hash_lock) return E::wrong_preimage;
      } else {
        const auto* x = std::get_if<fail_htlc>(rp);
        if (x == nullptr || x->htlc != r.id) return E::htlc_book_mismatch;
      }
      ++removals;
    }
    std::size_t logged_adds = 0;
    for (const proposal& prop : s.logs[i].entries()) logged_adds += std::holds_alternative<add_htlc>(prop) ? 1 : 0;
    std::size_t logged_removals = 0;
    for (const proposal& prop : s.logs[o].entries()) {
      logged_removals += std::holds_alternative<fulfill_htlc>(prop) || std::holds_alternative<fail_htlc>(prop) ? 1 : 0;
    }
    // Every record above maps to a distinct log entry, so equal counts mean a bijection.
    if (logged_adds != unsettled_adds || logged_removals != removals) return E::htlc_book_mismatch;
  }

  // The held commitment: its HTLC digest and conservation; the signature we would cash with.
  const htlc_digest digest = digest_htlcs(s.book, s.held.covered);
  if (!digest.total || digest.hash != s.held.htlcs_hash || digest.count != s.held.htlc_count ||
      *digest.total != s.held.htlc_total) {
    return E::commitment_mismatch;
  }
  auto bases = s.held.base[0].checked_add(s.held.base[1]);
  auto total = bases ? bases->checked_add(s.held.htlc_total) : bases;
  if (!total || *total != total_deposits(s.config)) return E::commitment_mismatch;
  if (s.got_initial) {
    const bytes32 hash = mirror_hash(s.config.bank, s.config.freeze_time_s, s.held, *s.own_locks.find(s.held.sequence));
    if (!crypto::verify_eip191_with_key(s.held_sig, hash, s.config.public_keys[index_of(peer())])) {
      return E::bad_held_signature;
    }
  }

  // Spendable balances: base minus what each sender proposed since.
  for (std::size_t i = 0; i < 2; ++i) {
    amount available = s.held.base[i];
    bool ok = true;
    s.logs[i].for_each_in(s.held.covered[i], s.logs[i].last_id(), [&](const proposal& prop) {
      amount out;
      if (const auto* a = std::get_if<add_htlc>(&prop)) out = a->value;
      if (const auto* y = std::get_if<pay>(&prop)) out = y->value;
      auto left = available.checked_sub(out);
      ok = ok && left.has_value();
      if (left) available = *left;
    });
    if (!ok) return E::balance_underflow;
  }

  // A pending #n+1 exists exactly while our initiate is outstanding, and is #n + its coverage.
  if (s.pending.has_value() != (s.round == round_state::initiated)) return E::pending_mismatch;
  if (s.pending) {
    if (s.held.sequence == std::numeric_limits<std::uint32_t>::max() || s.pending->sequence != s.held.sequence + 1 ||
        s.pending->covered == s.held.covered) {
      return E::pending_mismatch;
    }
    auto next = advance(s.held, s.pending->covered);
    if (!next || !(*next == *s.pending)) return E::pending_mismatch;
  }
  return {};
}

}  // namespace clearway::protocol
