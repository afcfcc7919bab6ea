#include "node/channels/channel_store_sync.hpp"

#include <algorithm>

#include "protocol/channel_state_codec.hpp"

namespace clearway::node::channels {
namespace {

bytes32 to_store_id(const channel_id& id) {
  bytes32 out;
  std::copy(id.bytes.begin(), id.bytes.end(), out.bytes.begin());
  return out;
}

channel_id from_store_id(const bytes32& id) {
  channel_id out;
  std::copy(id.bytes.begin(), id.bytes.end(), out.bytes.begin());
  return out;
}

node::invoice to_row(const invoice_summary& i) {
  node::invoice row;
  row.payment_hash = i.payment_hash;
  row.preimage = i.preimage;
  row.value = i.value;
  row.created_s = i.created_s;
  row.expiry_s = i.expiry_s;
  row.hold = i.hold;
  row.state = static_cast<node::invoice_state>(i.state);  // the same four states in the same order
  return row;
}

invoice_summary from_row(const node::invoice& row) {
  invoice_summary i;
  i.payment_hash = row.payment_hash;
  i.preimage = row.preimage;
  i.value = row.value;
  i.created_s = row.created_s;
  i.expiry_s = static_cast<std::uint32_t>(row.expiry_s);
  i.hold = row.hold;
  i.state = static_cast<invoice_state>(row.state);
  return i;
}

node::payment to_row(const payment_summary& p) {
  node::payment row;
  row.payment_hash = p.payment_hash;
  row.value = p.value;
  row.fee = p.fee;
  row.state = static_cast<node::payment_state>(p.state);  // pending/in_flight, succeeded, failed
  row.preimage = p.preimage;
  row.failure = p.reason;
  row.attempts = 1;
  row.created_s = p.created_s;
  row.updated_s = p.updated_s;
  return row;
}

payment_summary from_row(const node::payment& row) {
  payment_summary p;
  p.payment_hash = row.payment_hash;
  p.value = row.value;
  p.fee = row.fee;
  p.state = static_cast<payment_state>(row.state);
  p.preimage = row.preimage;
  p.reason = row.failure;
  p.created_s = row.created_s;
  p.updated_s = row.updated_s;
  return p;
}

circuit to_row(const forward_summary& f) {
  circuit row;
  row.incoming_channel = to_store_id(f.in_channel);
  row.incoming_htlc = f.in_htlc;
  if (f.out_htlc) {
    row.outgoing_channel = to_store_id(f.out_channel);
    row.outgoing_htlc = f.out_htlc;
  }
  row.hash_lock = f.hash_lock;
  row.amount_in = f.in_value;
  row.amount_out = f.out_value;
  switch (f.state) {
    case forward_state::offered: row.state = circuit_state::forwarded; break;
    case forward_state::settled: row.state = circuit_state::settled; break;
    case forward_state::failed: row.state = circuit_state::failed; break;
  }
  row.preimage = f.preimage;
  row.failure = f.reason;
  row.updated_s = f.updated_s;
  return row;
}

forward_summary from_row(const circuit& row) {
  forward_summary f;
  f.in_channel = from_store_id(row.incoming_channel);
  f.in_htlc = row.incoming_htlc;
  if (row.outgoing_channel) f.out_channel = from_store_id(*row.outgoing_channel);
  f.out_htlc = row.outgoing_htlc;
  f.hash_lock = row.hash_lock;
  f.in_value = row.amount_in;
  f.out_value = row.amount_out;
  f.state = row.state == circuit_state::settled  ? forward_state::settled
            : row.state == circuit_state::failed ? forward_state::failed
                                                 : forward_state::offered;
  f.preimage = row.preimage;
  f.reason = row.failure;
  f.updated_s = row.updated_s;
  return f;
}

}  // namespace

std::string_view to_string(restore_error e) noexcept {
  switch (e) {
    case restore_error::store_failed: return "store_failed";
    case restore_error::bad_channel_state: return "bad_channel_state";
    case restore_error::channel_refused: return "channel_refused";
  }
  return "unknown_restore_error";
}

status<store_error> persist(store& db, const node_channels& node, const node_changes& changes) {
  if (changes.empty()) return {};
  CW_CHECK(db.begin_batch());
  auto queued = [&]() -> status<store_error> {
    for (const channel_id& id : changes.channels) {
      const protocol::channel* c = node.protocol_channel(id);
      if (c == nullptr) continue;
      CW_CHECK(db.queue_channel(to_store_id(id), *c));
    }
    for (const bytes32& hash : changes.invoices) {
      if (auto i = node.invoice_status(hash)) {
        CW_CHECK(db.queue_invoice(to_row(*i)));
      }
    }
    for (const bytes32& hash : changes.payments) {
      if (auto p = node.payment(hash)) {
        CW_CHECK(db.queue_payment(to_row(*p)));
      }
    }
    for (const forward_summary& f : changes.forwards) CW_CHECK(db.queue_circuit(to_row(f)));
    return {};
  }();
  if (!queued) {
    db.abort_batch();
    return queued.error();
  }
  return db.commit_batch();
}

status<restore_error> restore(const store& db, const crypto::key_pair& identity, node_channels& node,
                              std::uint64_t now_s) {
  auto channels = db.list_channels();
  auto invoices = db.list_live_invoices();
  auto payments = db.list_in_flight_payments();
  auto circuits = db.list_open_circuits();
  if (!channels || !invoices || !payments || !circuits) return restore_error::store_failed;
  for (const stored_channel& row : *channels) {
    auto chan = protocol::decode_channel_state(row.state, identity);
    if (!chan) return restore_error::bad_channel_state;
    if (!node.restore_channel(std::move(*chan))) return restore_error::channel_refused;
  }
  // Incoming HTLCs whose fate was decided and stored (a settled or failed forward, a settled or
  // cancelled invoice) but whose fulfil or fail had not reached the peer when we stopped.
  for (const stored_channel& row : *channels) {
    const channel_id id = from_store_id(row.id);
    const protocol::channel* chan = node.protocol_channel(id);
    if (chan == nullptr) continue;
    for (const protocol::htlc_view& h : chan->htlcs()) {
      if (h.terms.offerer == chan->self() || h.state != protocol::htlc_state::irrevocable) continue;
      if (auto c = db.get_circuit(row.id, h.id)) {
        if (c->state == circuit_state::settled && c->preimage) node.restore_resolution(id, h.id, *c->preimage);
        if (c->state == circuit_state::failed) {
          node.restore_resolution(id, h.id, c->failure.value_or(protocol::fail_reason::temporary_failure));
        }
        continue;
      } else if (c.error() != store_error::not_found) {
        return restore_error::store_failed;
      }
      auto inv = db.get_invoice(h.terms.hash_lock);
      if (!inv) {
        if (inv.error() != store_error::not_found) return restore_error::store_failed;
        continue;
      }
      if (inv->state == node::invoice_state::settled && inv->preimage) node.restore_resolution(id, h.id, *inv->preimage);
      if (inv->state == node::invoice_state::canceled) {
        node.restore_resolution(id, h.id, protocol::fail_reason::unknown_payment_hash);
      }
    }
  }
  for (const node::invoice& row : *invoices) node.restore_invoice(from_row(row));
  for (const node::payment& row : *payments) node.restore_payment(from_row(row));
  for (const circuit& row : *circuits) node.restore_forward(from_row(row));
  node.finish_restore(now_s);
  return {};
}

}  // namespace clearway::node::channels
