#include "node/store/restart_reconciliation.hpp"

#include <map>
#include <variant>

#include "protocol/channel_state_codec.hpp"

namespace clearway::node {

std::string_view to_string(forward_action a) noexcept {
  switch (a) {
    case forward_action::forward_or_fail_back: return "forward_or_fail_back";
    case forward_action::fail_back: return "fail_back";
    case forward_action::settle_back: return "settle_back";
    case forward_action::wait_outgoing: return "wait_outgoing";
    case forward_action::already_resolved: return "already_resolved";
    case forward_action::outgoing_unknown: return "outgoing_unknown";
    case forward_action::channel_missing: return "channel_missing";
  }
  return "unknown_forward_action";
}

namespace {

// The outcome of our outgoing HTLC `id` among a channel's undrained events, if reported there.
std::optional<half_forward> outcome_in_events(const protocol::channel& ch, protocol::htlc_id id, half_forward h) {
  for (const protocol::channel_event& e : ch.pending_events()) {
    if (const auto* f = std::get_if<protocol::htlc_fulfilled>(&e); f && f->id == id && f->terms.offerer == ch.self()) {
      h.action = forward_action::settle_back;
      h.preimage = f->preimage;
      return h;
    }
    if (const auto* x = std::get_if<protocol::htlc_failed>(&e); x && x->id == id && x->terms.offerer == ch.self()) {
      h.action = forward_action::fail_back;
      return h;
    }
  }
  return std::nullopt;
}

half_forward classify(const circuit& c, const std::map<channel_id, const protocol::channel*>& by_id) {
  half_forward h{c, forward_action::forward_or_fail_back, std::nullopt};
  const auto in = by_id.find(c.incoming_channel);
  if (in == by_id.end()) {
    h.action = forward_action::channel_missing;
    return h;
  }
  // The incoming HTLC was offered to us by the peer.
  if (!in->second->find_htlc(in->second->peer(), c.incoming_htlc)) {
    h.action = forward_action::already_resolved;
    return h;
  }
  if (c.state == circuit_state::incoming_locked || !c.outgoing_channel || !c.outgoing_htlc) return h;
  const auto out = by_id.find(*c.outgoing_channel);
  if (out == by_id.end()) {
    h.action = forward_action::channel_missing;
    return h;
  }
  const protocol::channel& och = *out->second;
  const protocol::htlc_id oid = *c.outgoing_htlc;
  if (auto v = och.find_htlc(och.self(), oid)) {
    if (auto pre = och.known_preimage(v->terms.hash_lock)) {
      h.action = forward_action::settle_back;  // safe at once: the preimage claims the incoming HTLC
      h.preimage = *pre;
    } else {
      h.action = forward_action::wait_outgoing;  // pending, or failed but not yet irrevocably
    }
    return h;
  }
  if (auto found = outcome_in_events(och, oid, h)) return *found;
  // Not in the book: either it never went out (its id was never used) or it was irrevocably
  // removed and its outcome was drained before the circuit was updated.
  h.action = oid > och.last_proposal_id(och.self()) ? forward_action::fail_back : forward_action::outgoing_unknown;
  return h;
}

}  // namespace

result<reconciliation, store_error> reconcile_after_restart(const store& db, const key_resolver& keys) {
  reconciliation out;
  CW_TRY(rows, db.list_channels());
  for (stored_channel& row : rows) {
    // The blob names our address; find the key for it.
    auto snap = protocol::decode_snapshot(row.state);
    if (!snap) {
      out.unloadable.push_back({row.id, snap.error()});
      continue;
    }
    const crypto::address mine = snap->config.addresses[protocol::index_of(snap->self)];
    const auto key = keys(mine);
    if (!key) {
      out.unloadable.push_back({row.id, std::nullopt});
      continue;
    }
    auto ch = protocol::channel::from_snapshot(std::move(*snap), *key);
    if (!ch) {
      out.unloadable.push_back({row.id, ch.error()});
      continue;
    }
    out.channels.push_back({row.id, row.revision, std::move(*ch)});
  }
  std::map<channel_id, const protocol::channel*> by_id;
  for (const loaded_channel& c : out.channels) by_id[c.id] = &c.state;
  CW_TRY(open, db.list_open_circuits());
  for (const circuit& c : open) out.half_forwarded.push_back(classify(c, by_id));
  return out;
}

}  // namespace clearway::node
