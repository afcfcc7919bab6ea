// Reestablish after a lost connection or a restart (docs/reestablish.md): what we tell the peer we
// hold, and what we resend from the peer's claims. Nothing is new: a resent commit is re-signed
// over the same content with the same key (RFC 6979: the same bytes), a resent revoke is re-derived
// from our seed, proposals come from our log. The only state change is clearing the awaiting flag.
#include <algorithm>
#include <cassert>
#include <limits>

#include "crypto/shachain.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::protocol {

namespace {
[[nodiscard]] std::uint64_t count_of(const std::optional<std::uint32_t>& highest) noexcept {
  return highest ? std::uint64_t{*highest} + 1 : 0;
}
}  // namespace

reestablish channel::reestablish_message() const {
  reestablish r;
  r.received_upto = s_.logs[index_of(peer())].last_id();
  r.held_sequence = s_.held.sequence;
  r.holds_signature = s_.got_initial;
  r.initiated_sequence = s_.pending ? s_.pending->sequence : 0;
  r.revoked_count = static_cast<std::uint32_t>(count_of(s_.peer_revoked));  // <= held, fits
  r.holds_close_signature = s_.close_sigs[index_of(peer())].has_value();
  return r;
}

// Every refusal of on_reestablish, without changing anything. n is our held sequence, m the peer's.
status<channel_error> channel::check_reestablish(const reestablish& r) const {
  const std::size_t me = index_of(self());
  const std::uint64_t m = r.held_sequence;
  const std::uint64_t n = s_.held.sequence;
  const std::uint64_t revoked = r.revoked_count;

  // 1. Claims no honest state makes. Without our #0 signature the peer is still opening: it holds
  // nothing else of ours. Holding #m, it holds our revokes up to m-2 at least (it entered round m
  // idle) and up to m-1 at most (our revoke of m follows a commit that gives it #m+1). An initiated
  // round is #m+1 and starts only when idle, i.e. holding our revoke of m-1.
  if (!r.holds_signature &&
      (m != 0 || r.initiated_sequence != 0 || revoked != 0 || r.received_upto != 0 || r.holds_close_signature)) {
    return channel_error::impossible_reestablish;
  }
  if (r.initiated_sequence != 0 && std::uint64_t{r.initiated_sequence} != m + 1) {
    return channel_error::impossible_reestablish;
  }
  if (revoked > m || revoked + 1 < m) return channel_error::impossible_reestablish;
  if (r.initiated_sequence != 0 && revoked != m) return channel_error::impossible_reestablish;

  // 2. Claims of things we never sent: a lying peer (or one restored from another channel).
  if (r.holds_signature && !s_.sent_initial) return channel_error::peer_claims_unsent;
  if (r.received_upto > s_.logs[me].last_id()) return channel_error::peer_claims_unsent;
  const std::uint64_t signed_upto = n + (s_.pending ? 1 : 0);  // we signed the peer's copies up to this
  if (m > signed_upto) return channel_error::peer_claims_unsent;
  const std::uint64_t own_revoked = count_of(s_.own_revoked);
  if (revoked > own_revoked) return channel_error::peer_claims_unsent;
  if (r.holds_close_signature && !s_.close_sigs[me]) return channel_error::peer_claims_unsent;

  // 3. Claims that it lacks what it provably had: it lost data (or lies to replay old state).
  // It revoked its copies up to our peer_revoked: it holds a later one.
  if (s_.peer_revoked && m <= *s_.peer_revoked) return channel_error::peer_lost_state;
  // We hold its signature on our #n: it signed as initiator of #n or as responder holding #n.
  if (s_.got_initial && m < n && std::uint64_t{r.initiated_sequence} != n) return channel_error::peer_lost_state;
  // Only our latest revoke can be missing: it needed the one before to take part in that round.
  if (revoked + 1 < own_revoked) return channel_error::peer_lost_state;
  // Our proposals: we dropped the irrevocable ones, and a commitment it holds or initiated covers ours.
  const proposal_log& ours = s_.logs[me];
  if (r.received_upto < ours.dropped_through()) return channel_error::peer_lost_state;
  if ((m >= n || std::uint64_t{r.initiated_sequence} == n) && r.received_upto < s_.held.covered[me]) {
    return channel_error::peer_lost_state;
  }
  if (s_.pending) {
    const proposal_id bound = s_.pending->covered[me];
    if (m == s_.pending->sequence && r.received_upto < bound) return channel_error::peer_lost_state;
    // Our proposals after our initiate only reach a peer that got the initiate: party 1 then holds
    // #n+1; party 0 ignores it only while its own crossing initiate is pending.
    const bool ignoring_ours = self() == party::one && std::uint64_t{r.initiated_sequence} == n + 1;
    if (m == n && r.received_upto > bound && !ignoring_ours) return channel_error::peer_lost_state;
  }
  return {};
}

commit channel::resign_commit(const commitment_content& content, commit_kind kind) const {
  const crypto::address* lock = s_.peer_locks.find(content.sequence);
  assert(lock != nullptr);  // the peer's copy is unrevoked, so its lock is in the ring
  const party initiator = kind == commit_kind::initiate ? self() : peer();
  commit msg;
  msg.sequence = content.sequence;
  msg.kind = kind;
  msg.initiator_upto = content.covered[index_of(initiator)];
  msg.responder_upto = content.covered[index_of(other(initiator))];
  msg.sig = crypto::sign_eip191(keys_.secret, mirror_hash(s_.config.bank, s_.config.freeze_time_s, content, *lock));
  return msg;
}

// make_own_revoke() without advancing our lock ring: the same secret and next lock.
revoke channel::rederive_revoke(std::uint32_t sequence) const {
  revoke msg;
  msg.sequence = sequence;
  msg.secret = *crypto::shachain_derive(s_.seed, crypto::shachain_index_of_sequence(sequence));
  msg.next_lock = derive_lock_address(s_.seed, std::uint64_t{sequence} + s_.config.lock_batch);
  return msg;
}

void channel::resend_proposals(proposal_id first_exclusive, proposal_id last_inclusive,
                               std::vector<message>& out) const {
  const proposal_log& log = s_.logs[index_of(self())];
  for (proposal_id id = first_exclusive + 1; id <= last_inclusive; ++id) {
    const proposal* p = log.find(id);
    assert(p != nullptr);  // check_reestablish: the peer lacks none of the dropped ones
    std::visit([&out](const auto& body) { out.emplace_back(body); }, *p);
  }
}

result<std::vector<message>, channel_error> channel::on_reestablish(const reestablish& r) {
  if (!awaiting_reestablish_) return channel_error::unexpected_reestablish;
  CW_CHECK(check_reestablish(r));
  const std::size_t me = index_of(self());
  const std::uint64_t m = r.held_sequence;
  const std::uint64_t n = s_.held.sequence;
  std::vector<message> out;

  // Our signature on its #0 came before anything else we sent.
  if (!r.holds_signature && s_.sent_initial) {
    assert(n == 0);  // check_reestablish: a peer without #0 signed nothing later
    out.emplace_back(resign_commit(s_.held, commit_kind::countersign));
  }
  const bool lacks_revoke = r.revoked_count < count_of(s_.own_revoked);
  proposal_id has_upto = r.received_upto;
  if (m + 1 == n) {
    // It initiated #n and we countersigned: our countersign and then our revoke of n-1 were lost.
    out.emplace_back(resign_commit(s_.held, commit_kind::countersign));
    if (lacks_revoke) out.emplace_back(rederive_revoke(*s_.own_revoked));
  } else {
    // Our revoke of n-1 went out before any initiate of #n+1 (we start rounds only when idle).
    if (lacks_revoke) out.emplace_back(rederive_revoke(*s_.own_revoked));
    if (s_.pending && m == n) {
      // Our initiate must arrive exactly after the proposals it covers (PROTOCOL.md §6.2).
      const proposal_id bound = s_.pending->covered[me];
      if (has_upto < bound) {
        resend_proposals(has_upto, bound, out);
        has_upto = bound;
      }
      out.emplace_back(resign_commit(*s_.pending, commit_kind::initiate));
    }
  }
  // Later proposals last: the peer's checks only get looser as its commitments advance.
  resend_proposals(has_upto, s_.logs[me].last_id(), out);
  if (s_.close_sigs[me] && !r.holds_close_signature) {
    out.emplace_back(close_request{s_.held.base, *s_.close_sigs[me]});
  }
  awaiting_reestablish_ = false;
  return out;
}

}  // namespace clearway::protocol
