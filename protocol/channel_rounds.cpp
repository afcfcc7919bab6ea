// Rounds (PROTOCOL.md §6.2-6.4): commit(initiate) -> commit(countersign) + revoke -> revoke.
#include <cassert>
#include <limits>

#include "crypto/shachain.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::protocol {

// #n+1 = #n + the proposals in (from.covered, to]. Both sides run exactly this, so both copies of
// #n+1 carry the same content. Proposals were validated when they arrived, so no step can go below
// zero whatever the order; the checks here are a second line of defence.
result<commitment_content, channel_error> channel::advance(const commitment_content& from, const coverage& to) const {
  commitment_content next = from;
  next.sequence = from.sequence + 1;
  next.covered = to;
  bool htlcs_changed = false;
  for (party p : {party::zero, party::one}) {
    const std::size_t i = index_of(p);
    const std::size_t o = index_of(other(p));
    for (proposal_id id = from.covered[i] + 1; id <= to[i]; ++id) {
      const proposal* prop = s_.logs[i].find(id);
      if (prop == nullptr) return channel_error::wrong_coverage;
      bool ok = true;
      auto sub = [&ok](amount& from_balance, amount v) {
        auto r = from_balance.checked_sub(v);
        ok = ok && r.has_value();
        if (r) from_balance = *r;
      };
      auto add = [&ok](amount& to_balance, amount v) {
        auto r = to_balance.checked_add(v);
        ok = ok && r.has_value();
        if (r) to_balance = *r;
      };
      if (const auto* a = std::get_if<add_htlc>(prop)) {
        sub(next.base[i], a->value);
        htlcs_changed = true;
      } else if (const auto* y = std::get_if<pay>(prop)) {
        sub(next.base[i], y->value);
        add(next.base[o], y->value);
      } else {
        const bool fulfil = std::holds_alternative<fulfill_htlc>(*prop);
        const htlc_id target = fulfil ? std::get<fulfill_htlc>(*prop).htlc : std::get<fail_htlc>(*prop).htlc;
        const htlc_record* r = s_.book.find(other(p), target);
        if (r == nullptr || !htlc_book::in(other(p), *r, from.covered)) return channel_error::conservation_violated;
        // Fulfilled: the value goes to the remover (p); failed: back to the offerer.
        add(fulfil ? next.base[i] : next.base[o], r->value);
        htlcs_changed = true;
      }
      if (!ok) return channel_error::conservation_violated;
    }
  }
  // Rounds of plain pays keep the HTLC set: its hash (keccak over ~100 B per HTLC) is reused.
  if (htlcs_changed) {
    const htlc_digest digest = digest_htlcs(s_.book, to);
    if (!digest.total) return channel_error::conservation_violated;
    next.htlcs_hash = digest.hash;
    next.htlc_count = digest.count;
    next.htlc_total = *digest.total;
  } else {
    assert(digest_htlcs(s_.book, to).hash == next.htlcs_hash);
  }
  // Conservation: base0 + base1 + HTLCs == deposits, on every commitment we build.
  auto bases = next.base[0].checked_add(next.base[1]);
  auto total = bases ? bases->checked_add(next.htlc_total) : bases;
  const bool conserved = total && *total == total_deposits(s_.config);
  assert(conserved);
  if (!conserved) return channel_error::conservation_violated;
  return next;
}

bool channel::has_uncovered_proposals() const noexcept {
  return s_.logs[0].last_id() > s_.held.covered[0] || s_.logs[1].last_id() > s_.held.covered[1];
}

result<commit, channel_error> channel::initiate_commit() {
  CW_CHECK(updates_allowed());
  if (s_.round != round_state::idle) return channel_error::round_in_progress;
  if (!has_uncovered_proposals()) return channel_error::nothing_to_commit;
  if (s_.held.sequence == std::numeric_limits<std::uint32_t>::max()) return channel_error::sequence_exhausted;
  // Everything we sent and everything we received so far.
  const coverage to{s_.logs[0].last_id(), s_.logs[1].last_id()};
  CW_TRY(next, advance(s_.held, to));
  const crypto::address* lock = s_.peer_locks.find(next.sequence);
  assert(lock != nullptr);  // K >= 2: the peer's #n+1 lock is known while its #n is unrevoked
  commit msg;
  msg.sequence = next.sequence;
  msg.kind = commit_kind::initiate;
  msg.initiator_upto = to[index_of(self())];
  msg.responder_upto = to[index_of(peer())];
  msg.sig = crypto::sign_eip191(keys_.secret, mirror_hash(s_.config.bank, s_.config.freeze_time_s, next, *lock));
  s_.pending = next;
  s_.round = round_state::initiated;
  ++s_.round_stamp;
  return msg;
}

result<channel::checked_commit, channel_error> channel::check_commit(const commit& msg) const {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  checked_commit out;
  out.msg = msg;
  out.round_stamp = s_.round_stamp;
  const std::size_t me = index_of(self());
  const std::size_t them = index_of(peer());

  if (s_.phase == channel_phase::opening) {
    if (msg.sequence != 0) return channel_error::wrong_sequence;
    if (msg.kind != commit_kind::countersign || s_.got_initial) return channel_error::unexpected_commit;
    if (msg.initiator_upto != 0 || msg.responder_upto != 0) return channel_error::wrong_coverage;
    out.content = s_.held;
  } else if (s_.phase != channel_phase::open) {
    return updates_allowed().error();
  } else if (msg.kind == commit_kind::initiate) {
    if (s_.round == round_state::initiated) {
      if (msg.sequence != s_.pending->sequence) return channel_error::wrong_sequence;
      if (self() == party::zero) {
        out.ignore = true;  // both initiated #n+1: party 0's round wins, party 1 will countersign it
        return out;
      }
      // Party 1: party 0's round wins; ours is dropped in apply_commit.
    } else if (s_.round != round_state::idle) {
      return channel_error::unexpected_commit;
    }
    if (s_.held.sequence == std::numeric_limits<std::uint32_t>::max()) return channel_error::sequence_exhausted;
    if (msg.sequence != s_.held.sequence + 1) return channel_error::wrong_sequence;
    coverage to{};
    to[them] = msg.initiator_upto;
    to[me] = msg.responder_upto;
    // The initiator covers all its proposals sent before the commit, which have all arrived here.
    if (to[them] != s_.logs[them].last_id()) return channel_error::wrong_coverage;
    if (to[me] < s_.held.covered[me] || to[me] > s_.logs[me].last_id()) return channel_error::wrong_coverage;
    if (to == s_.held.covered) return channel_error::empty_commit;
    CW_TRY(next, advance(s_.held, to));
    out.content = next;
  } else {
    if (s_.round != round_state::initiated) return channel_error::unexpected_commit;
    if (msg.sequence != s_.pending->sequence) return channel_error::wrong_sequence;
    if (msg.initiator_upto != s_.pending->covered[me] || msg.responder_upto != s_.pending->covered[them]) {
      return channel_error::wrong_coverage;
    }
    out.content = *s_.pending;
  }
  const crypto::address* lock = s_.own_locks.find(out.content.sequence);
  if (lock == nullptr) return channel_error::wrong_sequence;
  out.check = {msg.sig, mirror_hash(s_.config.bank, s_.config.freeze_time_s, out.content, *lock),
               s_.config.addresses[them]};
  return out;
}

revoke channel::make_own_revoke(std::uint32_t sequence) {
  assert(s_.own_locks.low() == sequence);
  revoke msg;
  msg.sequence = sequence;
  msg.secret = *crypto::shachain_derive(s_.seed, crypto::shachain_index_of_sequence(sequence));
  msg.next_lock = derive_lock_address(s_.seed, std::uint64_t{sequence} + s_.config.lock_batch);
  s_.own_locks.advance(msg.next_lock);
  s_.own_revoked = sequence;
  return msg;
}

result<channel::commit_reply, channel_error> channel::apply_commit(const checked_commit& c) {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  if (c.round_stamp != s_.round_stamp) return channel_error::stale_check;
  commit_reply reply;
  if (c.ignore) return reply;
  if (s_.phase == channel_phase::opening) {
    s_.held_sig = c.msg.sig;
    s_.got_initial = true;
    if (s_.sent_initial) s_.phase = channel_phase::open;
    ++s_.round_stamp;
    return reply;
  }
  if (c.msg.kind == commit_kind::initiate) {
    // We respond (party 1 drops its own crossing initiate here): sign the initiator's copy.
    const crypto::address* lock = s_.peer_locks.find(c.content.sequence);
    assert(lock != nullptr);
    commit countersign;
    countersign.sequence = c.content.sequence;
    countersign.kind = commit_kind::countersign;
    countersign.initiator_upto = c.msg.initiator_upto;
    countersign.responder_upto = c.msg.responder_upto;
    countersign.sig =
        crypto::sign_eip191(keys_.secret, mirror_hash(s_.config.bank, s_.config.freeze_time_s, c.content, *lock));
    reply.countersign = countersign;
  }
  // We hold the peer's signature on our #n+1, so we may now reveal our #n (§6.4).
  s_.held = c.content;
  s_.held_sig = c.msg.sig;
  s_.pending.reset();
  reply.revocation = make_own_revoke(c.content.sequence - 1);
  s_.round = round_state::awaiting_revoke;
  recompute_caches();
  ++s_.round_stamp;
  return reply;
}

result<channel::commit_reply, channel_error> channel::receive_commit(const commit& msg) {
  CW_TRY(c, check_commit(msg));
  if (!c.ignore && !crypto::verify_eip191_with_key(c.check.sig, c.check.msg_hash,
                                                   s_.config.public_keys[index_of(peer())])) {
    return channel_error::bad_signature;
  }
  return apply_commit(c);
}

channel::checked_revoke channel::derive_revoke_lock(const revoke& msg) noexcept {
  return {msg, crypto::address_of(crypto::revocation_secret_key(msg.secret))};
}

status<channel_error> channel::apply_revoke(const checked_revoke& c) {
  const revoke& msg = c.msg;
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  if (s_.round != round_state::awaiting_revoke) return channel_error::unexpected_revoke;
  const std::uint32_t expected = s_.held.sequence - 1;
  if (msg.sequence != expected) return channel_error::wrong_sequence;
  const crypto::address* lock = s_.peer_locks.find(expected);
  assert(lock != nullptr && s_.peer_locks.low() == expected);
  if (lock == nullptr || c.derived_lock != *lock) return channel_error::wrong_revocation_secret;
  if (msg.next_lock.is_zero()) return channel_error::bad_next_lock;
  // Last fallible step: insert() changes nothing when it refuses.
  if (!peer_secrets_.insert(crypto::shachain_index_of_sequence(expected), msg.secret)) {
    return channel_error::shachain_mismatch;
  }
  s_.peer_locks.advance(msg.next_lock);
  s_.peer_revoked = expected;
  complete_round();
  s_.round = round_state::idle;
  ++s_.round_stamp;
  return {};
}

status<channel_error> channel::receive_revoke(const revoke& msg) { return apply_revoke(derive_revoke_lock(msg)); }

// Both #n are revoked: what #n+1 added is irrevocable. Report it, then forget what is settled.
void channel::complete_round() {
  const coverage now_irrevocable = s_.held.covered;
  for (party p : {party::zero, party::one}) {
    const std::size_t i = index_of(p);
    s_.logs[i].for_each_in(s_.irrevocable[i], now_irrevocable[i], [&](const proposal& prop) {
      if (const auto* a = std::get_if<add_htlc>(&prop)) {
        s_.events.emplace_back(htlc_locked_in{a->id, terms_of(p, *s_.book.find(p, a->id))});
      } else if (const auto* f = std::get_if<fulfill_htlc>(&prop)) {
        s_.events.emplace_back(htlc_fulfilled{f->htlc, terms_of(other(p), *s_.book.find(other(p), f->htlc)), f->preimage});
      } else if (const auto* x = std::get_if<fail_htlc>(&prop)) {
        s_.events.emplace_back(htlc_failed{x->htlc, terms_of(other(p), *s_.book.find(other(p), x->htlc)), x->reason});
      } else {
        const pay& y = std::get<pay>(prop);
        s_.events.emplace_back(pay_settled{p, y.id, y.value});
      }
    });
  }
  s_.book.erase_removed_in(now_irrevocable);
  for (party p : {party::zero, party::one}) s_.logs[index_of(p)].drop_through(now_irrevocable[index_of(p)]);
  s_.irrevocable = now_irrevocable;
}

}  // namespace clearway::protocol
