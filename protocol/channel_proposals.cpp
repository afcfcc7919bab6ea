// Proposals (PROTOCOL.md §6.1): the same validation for our own and the peer's.
//
// Why the checks are safe to run at different moments on both sides: each party checks a sender's
// proposals against its own latest signed commitment, and the receiver's latest signed commitment
// is never behind the one the sender had when it sent the proposal (messages arrive in order, and
// whoever hands out a signature on #n+1 already has the peer's on its own #n+1 or receives it
// before any later proposal). All the quantities below only get looser as that commitment advances,
// so whatever an honest sender accepted, the receiver accepts too.
#include <cassert>

#include "crypto/hash.hpp"
#include "protocol/channel.hpp"

namespace clearway::protocol {

status<channel_error> channel::updates_allowed() const noexcept {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  switch (s_.phase) {
    case channel_phase::opening:
      return channel_error::channel_not_open;
    case channel_phase::open:
      return {};
    case channel_phase::closing:
      return channel_error::channel_closing;
    case channel_phase::closed:
      return channel_error::channel_closed;
  }
  return channel_error::channel_closed;
}

status<channel_error> channel::validate_add(party sender, const add_htlc& m, std::uint64_t now_s) const {
  const std::size_t i = index_of(sender);
  const channel_limits& limits = s_.config.limits;
  if (m.value.is_zero()) return channel_error::zero_amount;
  if (m.value < limits.min_htlc_value) return channel_error::below_min_htlc;
  if (s_.offered_count[i] >= limits.max_accepted_htlcs) return channel_error::too_many_htlcs;
  auto in_flight = s_.offered_value[i].checked_add(m.value);
  if (!in_flight) return channel_error::amount_overflow;
  if (*in_flight > limits.max_htlc_value_in_flight) return channel_error::max_in_flight_exceeded;
  if (m.value > s_.available[i]) return channel_error::insufficient_balance;
  std::uint64_t earliest = 0;
  if (__builtin_add_overflow(now_s, limits.min_time_lock_margin_s, &earliest) || m.time_lock_s <= earliest) {
    return channel_error::time_lock_too_close;
  }
  std::uint64_t latest = 0;
  if (!__builtin_add_overflow(now_s, limits.max_time_lock_delta_s, &latest) && m.time_lock_s > latest) {
    return channel_error::time_lock_too_far;
  }
  return {};
}

// A fulfill or fail by `sender` of an HTLC the other party offered: it must exist, be irrevocably
// committed (BOLT 2's rule: both older commitments without it are revoked) and not be resolving.
status<channel_error> channel::validate_removal(party sender, htlc_id htlc) const {
  const party offerer = other(sender);
  const htlc_record* r = s_.book.find(offerer, htlc);
  if (r == nullptr) return channel_error::unknown_htlc;
  if (r->id > s_.irrevocable[index_of(offerer)]) return channel_error::htlc_not_committed;
  if (r->removal != removal_kind::none) return channel_error::htlc_already_resolving;
  return {};
}

status<channel_error> channel::validate(party sender, const proposal& p, std::uint64_t now_s) const {
  const proposal_log& log = s_.logs[index_of(sender)];
  if (log.last_id() == std::numeric_limits<proposal_id>::max()) return channel_error::proposal_id_exhausted;
  if (id_of(p) != log.last_id() + 1) return channel_error::unexpected_proposal_id;
  if (const auto* a = std::get_if<add_htlc>(&p)) return validate_add(sender, *a, now_s);
  if (const auto* f = std::get_if<fulfill_htlc>(&p)) {
    CW_CHECK(validate_removal(sender, f->htlc));
    const htlc_record* r = s_.book.find(other(sender), f->htlc);
    if (crypto::sha256(f->preimage.span()) != r->hash_lock) return channel_error::wrong_preimage;
    return {};
  }
  if (const auto* x = std::get_if<fail_htlc>(&p)) return validate_removal(sender, x->htlc);
  const pay& y = std::get<pay>(p);
  if (y.value.is_zero()) return channel_error::zero_amount;
  if (y.value > s_.available[index_of(sender)]) return channel_error::insufficient_balance;
  return {};
}

void channel::accept(party sender, const proposal& p) {
  const std::size_t i = index_of(sender);
  s_.logs[i].append(p);
  if (const auto* a = std::get_if<add_htlc>(&p)) {
    s_.book.add(sender, htlc_record{a->id, a->value, a->hash_lock, a->time_lock_s, 0, removal_kind::none});
    ++s_.offered_count[i];
    s_.offered_value[i] = *s_.offered_value[i].checked_add(a->value);
    s_.available[i] = *s_.available[i].checked_sub(a->value);
  } else if (const auto* f = std::get_if<fulfill_htlc>(&p)) {
    htlc_record* r = s_.book.find(other(sender), f->htlc);
    r->removal = removal_kind::fulfill;
    r->removal_id = f->id;
  } else if (const auto* x = std::get_if<fail_htlc>(&p)) {
    htlc_record* r = s_.book.find(other(sender), x->htlc);
    r->removal = removal_kind::fail;
    r->removal_id = x->id;
  } else {
    // Money that comes in is counted only once committed, so the receiver's available is unchanged.
    s_.available[i] = *s_.available[i].checked_sub(std::get<pay>(p).value);
  }
}

result<add_htlc, channel_error> channel::propose_add_htlc(amount value, const bytes32& hash_lock,
                                                          std::uint64_t time_lock_s, std::uint64_t now_s) {
  CW_CHECK(updates_allowed());
  const add_htlc msg{last_proposal_id(self()) + 1, value, hash_lock, time_lock_s};
  CW_CHECK(validate(self(), msg, now_s));
  accept(self(), msg);
  return msg;
}

result<fulfill_htlc, channel_error> channel::propose_fulfill(htlc_id htlc, const bytes32& preimage) {
  CW_CHECK(updates_allowed());
  const fulfill_htlc msg{last_proposal_id(self()) + 1, htlc, preimage};
  CW_CHECK(validate(self(), msg, 0));
  accept(self(), msg);
  return msg;
}

result<fail_htlc, channel_error> channel::propose_fail(htlc_id htlc, fail_reason reason) {
  CW_CHECK(updates_allowed());
  const fail_htlc msg{last_proposal_id(self()) + 1, htlc, reason};
  CW_CHECK(validate(self(), msg, 0));
  accept(self(), msg);
  return msg;
}

result<pay, channel_error> channel::propose_pay(amount value) {
  CW_CHECK(updates_allowed());
  const pay msg{last_proposal_id(self()) + 1, value};
  CW_CHECK(validate(self(), msg, 0));
  accept(self(), msg);
  return msg;
}

status<channel_error> channel::receive_proposal(const proposal& msg, std::uint64_t now_s) {
  CW_CHECK(updates_allowed());
  CW_CHECK(validate(peer(), msg, now_s));
  accept(peer(), msg);
  return {};
}

status<channel_error> channel::receive_add_htlc(const add_htlc& msg, std::uint64_t now_s) {
  return receive_proposal(msg, now_s);
}
status<channel_error> channel::receive_fulfill(const fulfill_htlc& msg) { return receive_proposal(msg, 0); }
status<channel_error> channel::receive_fail(const fail_htlc& msg) { return receive_proposal(msg, 0); }
status<channel_error> channel::receive_pay(const pay& msg) { return receive_proposal(msg, 0); }

}  // namespace clearway::protocol
