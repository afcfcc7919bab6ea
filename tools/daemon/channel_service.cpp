#include "tools/daemon/channel_service.hpp"

#include <algorithm>
#include <string>

#include "crypto/hash.hpp"
#include "node/channels/invoice.hpp"

namespace clearway::daemon {

using nlohmann::json;
using node::channels::node_error;
using node::channels::node_failure;

namespace {

// Failures of the channel layer: 300 + node_error; bad invoices 400 + invoice_error.
method_failure failure_of(const node_failure& f) {
  return method_failure{300 + static_cast<int>(f.error), std::string(node::channels::to_string(f.error)),
                        node::channels::describe(f)};
}

method_failure invoice_failure(node::channels::invoice_error e) {
  const std::string_view text = node::channels::to_string(e);
  return method_failure{400 + static_cast<int>(e), std::string(text.substr(0, text.find(':'))), std::string(text)};
}

method_failure not_supported(std::string message) { return method_failure{399, "not_supported", std::move(message)}; }

template <class Bytes>
std::string hex_of(const Bytes& b) {
  return to_hex(byte_span(b.data(), b.size()));
}

node::transport::channel_id channel_id_of(const node::rpc::hash_bytes& raw) {
  node::transport::channel_id id;
  std::copy(raw.begin(), raw.end(), id.bytes.begin());
  return id;
}

bytes32 bytes32_of(const node::rpc::hash_bytes& raw) {
  bytes32 out;
  std::copy(raw.begin(), raw.end(), out.bytes.begin());
  return out;
}

std::string_view state_name(protocol::htlc_state s) {
  switch (s) {
    case protocol::htlc_state::proposed: return "proposed";
    case protocol::htlc_state::committed: return "committed";
    case protocol::htlc_state::irrevocable: return "irrevocable";
    case protocol::htlc_state::resolving: return "resolving";
    case protocol::htlc_state::removed: return "removed";
  }
  return "unknown";
}

std::string_view circuit_name(node::circuit_state s) {
  switch (s) {
    case node::circuit_state::incoming_locked: return "incoming_locked";
    case node::circuit_state::forwarded: return "forwarded";
    case node::circuit_state::settled: return "settled";
    case node::circuit_state::failed: return "failed";
  }
  return "unknown";
}

json channel_json(const node::channels::channel_summary& c) {
  return {{"channel_id", hex_of(c.id.bytes)},
          {"peer", hex_of(c.peer.bytes)},
          {"bank", hex_of(c.bank_address.bytes)},
          {"side", c.side == protocol::party::zero ? "opener" : "acceptor"},
          {"open", c.open},
          {"own_balance_msat", c.own_balance.base_units()},
          {"peer_balance_msat", c.peer_balance.base_units()},
          {"own_available_msat", c.own_available.base_units()},
          {"sequence", c.sequence},
          {"htlcs", c.htlcs}};
}

}  // namespace

channel_service::channel_service(node::channels::node_channels& node, node::store& db, peer_link& peers,
                                 node::metrics::node_metrics& metrics, channel_service_clock clock,
                                 std::function<void(const std::string&)> fatal)
    : node_(node), db_(db), peers_(peers), metrics_(metrics), clock_(std::move(clock)), fatal_(std::move(fatal)) {}

void channel_service::reply_durable(const method_reply& reply, json result) {
  flush();
  reply(std::move(result));
}

void channel_service::openchannel(const node::rpc::openchannel_params& params, method_reply reply) {
  node::transport::node_id peer;
  std::copy(params.node_id.begin(), params.node_id.end(), peer.bytes.begin());
  auto id = node_.open_channel(peer, params.funding_msat, params.peer_deposit_msat);
  if (!id) return reply(failure_of(id.error()));
  reply_durable(reply, json{{"channel_id", hex_of(id->bytes)}});
}

void channel_service::closechannel(const node::rpc::closechannel_params& params, method_reply reply) {
  auto st = node_.close_channel(channel_id_of(params.channel_id), params.force);
  if (!st) return reply(failure_of(st.error()));
  if (params.force) (void)node_.watch(clock_.now_s());
  reply_durable(reply, json{{"channel_id", hex_of(params.channel_id)}, {"force", params.force}});
}

void channel_service::listchannels(const node::rpc::listchannels_params&, method_reply reply) {
  json out = json::array();
  for (const auto& c : node_.channels()) {
    json row = channel_json(c);
    // What the bank says: its state and what it has paid each side so far (after a close).
    if (auto bank = node_.bank_view_of(c.id)) {
      const std::size_t own = protocol::index_of(c.side);
      row["bank_state"] = chain::to_string(bank->state);
      row["paid_out_msat"] = {{"own", bank->paid_out[own].base_units()}, {"peer", bank->paid_out[1 - own].base_units()}};
    }
    out.push_back(std::move(row));
  }
  reply(json{{"channels", std::move(out)}});
}

void channel_service::listhtlcs(const node::rpc::listhtlcs_params& params, method_reply reply) {
  json out = json::array();
  for (const auto& c : node_.channels()) {
    if (params.channel_id && channel_id_of(*params.channel_id) != c.id) continue;
    const protocol::channel* chan = node_.protocol_channel(c.id);
    if (chan == nullptr) continue;
    for (const protocol::htlc_view& h : chan->htlcs()) {
      out.push_back({{"channel_id", hex_of(c.id.bytes)},
                     {"direction", h.terms.offerer == chan->self() ? "out" : "in"},
                     {"id", h.id},
                     {"amount_msat", h.terms.value.base_units()},
                     {"hash_lock", hex_of(h.terms.hash_lock.bytes)},
                     {"time_lock_s", h.terms.time_lock_s},
                     {"state", state_name(h.state)}});
    }
  }
  reply(json{{"htlcs", std::move(out)}});
}

void channel_service::invoice(const node::rpc::invoice_params& params, method_reply reply) {
  std::optional<bytes32> hold;
  if (params.hold && params.payment_hash) hold = bytes32_of(*params.payment_hash);
  auto text = node_.create_invoice(params.amount_msat, clock_.random32(), hold, clock_.now_s(), params.expiry_s);
  if (!text) return reply(failure_of(text.error()));
  auto inv = node::channels::decode_invoice(*text);
  reply_durable(reply, json{{"invoice", *text},
             {"payment_hash", inv ? hex_of(inv->payment_hash.bytes) : std::string()},
             {"amount_msat", params.amount_msat.base_units()},
             {"hold", params.hold},
             {"description", params.description}});
}

void channel_service::releasehold(const node::rpc::releasehold_params& params, method_reply reply) {
  auto st = node_.release_hold(bytes32_of(params.preimage), clock_.now_s());
  if (!st) return reply(failure_of(st.error()));
  reply_durable(reply, json{{"payment_hash", hex_of(crypto::sha256(bytes32_of(params.preimage).span()).bytes)}});
}

void channel_service::cancelhold(const node::rpc::cancelhold_params& params, method_reply reply) {
  auto st = node_.cancel_hold(bytes32_of(params.payment_hash), clock_.now_s());
  if (!st) return reply(failure_of(st.error()));
  reply_durable(reply, json{{"payment_hash", hex_of(params.payment_hash)}});
}

void channel_service::pay(const node::rpc::pay_params& params, method_reply reply) {
  auto inv = node::channels::decode_invoice(params.invoice);
  if (!inv) return reply(invoice_failure(inv.error()));
  if (params.amount_msat && *params.amount_msat != inv->value) {
    return reply(not_supported("amount_msat differs from the invoice's amount (invoices here always carry one)"));
  }
  auto hash = node_.pay(*inv, clock_.now_s(), params.max_fee_msat);
  if (!hash) return reply(failure_of(hash.error()));
  // Answered when the payment settles or fails (finish_payments, after each flush).
  waiting_[*hash].push_back(waiting_payment{std::move(reply), clock_.monotonic_s()});
}

void channel_service::listforwards(const node::rpc::listforwards_params& params, method_reply reply) {
  const std::size_t offset = params.cursor.value_or(0);
  auto rows = db_.list_forwards(params.limit, offset);
  if (!rows) return reply(method_failure{398, "store_failed", std::string(node::to_string(rows.error()))});
  json out = json::array();
  for (const node::circuit& c : *rows) {
    json row{{"in_channel", hex_of(c.incoming_channel.bytes)},
             {"in_htlc", c.incoming_htlc},
             {"hash_lock", hex_of(c.hash_lock.bytes)},
             {"amount_in_msat", c.amount_in.base_units()},
             {"amount_out_msat", c.amount_out.base_units()},
             {"fee_msat", c.amount_in.base_units() - std::min(c.amount_in, c.amount_out).base_units()},
             {"state", circuit_name(c.state)},
             {"updated_s", c.updated_s}};
    if (c.outgoing_channel) row["out_channel"] = hex_of(c.outgoing_channel->bytes);
    if (c.failure) row["failure"] = node::channels::to_string(*c.failure);
    out.push_back(std::move(row));
  }
  json result{{"forwards", out}};
  if (rows->size() == params.limit) result["next_cursor"] = offset + rows->size();
  reply(std::move(result));
}

void channel_service::setpolicy(const node::rpc::setpolicy_params& params, method_reply reply) {
  if (params.channel_id) return reply(not_supported("a policy per channel: the policy is node-wide"));
  node::channels::node_settings s = node_.settings();
  if (params.fee_base_msat) s.fee_base = protocol::amount::from_base_units(*params.fee_base_msat);
  if (params.fee_ppm) s.fee_ppm = *params.fee_ppm;
  if (params.time_lock_delta_s) s.time_lock_delta_s = *params.time_lock_delta_s;
  if (params.min_htlc_msat) s.min_htlc = protocol::amount::from_base_units(*params.min_htlc_msat);
  if (params.max_htlc_msat) s.max_htlc = protocol::amount::from_base_units(*params.max_htlc_msat);
  if (params.max_accepted_htlcs) s.max_accepted_htlcs = *params.max_accepted_htlcs;
  if (params.max_value_in_flight_msat) {
    s.max_value_in_flight = protocol::amount::from_base_units(*params.max_value_in_flight_msat);
  }
  if (s.min_htlc > s.max_htlc) return reply(method_failure{397, "bad_policy", "min_htlc_msat above max_htlc_msat"});
  node_.set_policy(s, clock_.now_s());
  reply_durable(reply, json{{"fee_base_msat", s.fee_base.base_units()},
             {"fee_ppm", s.fee_ppm},
             {"time_lock_delta_s", s.time_lock_delta_s},
             {"min_htlc_msat", s.min_htlc.base_units()},
             {"max_htlc_msat", s.max_htlc.base_units()},
             {"max_accepted_htlcs", s.max_accepted_htlcs},
             {"max_value_in_flight_msat", s.max_value_in_flight.base_units()}});
}

void channel_service::on_peer_ready(const node::transport::node_id& peer) { node_.on_peer_connected(peer, clock_.now_s()); }

void channel_service::on_peer_message(const node::transport::node_id& from, const node::transport::wire_message& m) {
  // A refused message changed nothing; the peer stays connected (an honest peer may race us, e.g.
  // a crossing close). Counted for the operator.
  if (!node_.on_message(from, m, clock_.now_s())) ++refused_messages_;
}

void channel_service::on_tick() { (void)node_.watch(clock_.now_s()); }

void channel_service::flush() {
  const node::channels::node_changes changes = node_.take_changes();
  if (!changes.empty()) {
    const double started = clock_.monotonic_s();
    const std::uint64_t fsyncs_before = db_.metrics().fsyncs;
    auto st = node::channels::persist(db_, node_, changes);
    if (!st) return fatal_(std::string(node::to_string(st.error())));
    metrics_.commit(changes.channels.size() + changes.invoices.size() + changes.payments.size() + changes.forwards.size(),
                    clock_.monotonic_s() - started, db_.metrics().fsyncs - fsyncs_before);
  }
  for (node::channels::outbound& o : node_.take_outbox()) unsent_[o.peer].push_back(std::move(o.message));
  send_queued();
  note_forwards(changes.forwards);
  finish_payments();
  std::int64_t open = 0;
  std::int64_t htlcs = 0;
  for (const auto& c : node_.channels()) {
    open += c.open ? 1 : 0;
    htlcs += static_cast<std::int64_t>(c.htlcs);
  }
  metrics_.set_channels_open(open);
  metrics_.set_htlcs_in_flight(htlcs);
}

void channel_service::send_queued() {
  for (auto it = unsent_.begin(); it != unsent_.end();) {
    auto& queue = it->second;
    while (!queue.empty()) {
      const auto outcome = peers_.send_to(it->first, queue.front());
      if (outcome == peer_link::send_outcome::busy) break;  // the rest waits for the socket
      if (outcome == peer_link::send_outcome::not_connected) {
        queue.clear();  // reestablish resends what the peer lacks
        break;
      }
      queue.pop_front();
    }
    it = queue.empty() ? unsent_.erase(it) : std::next(it);
  }
}

void channel_service::note_forwards(const std::vector<node::channels::forward_summary>& forwards) {
  for (const auto& f : forwards) {
    const auto key = std::make_pair(f.in_channel, f.in_htlc);
    if (f.state == node::channels::forward_state::offered) {
      forward_started_s_.try_emplace(key, clock_.monotonic_s());
      continue;
    }
    double since = clock_.monotonic_s();  // offered and resolved within one flush
    if (auto it = forward_started_s_.find(key); it != forward_started_s_.end()) {
      since = it->second;
      forward_started_s_.erase(it);
    }
    if (f.state == node::channels::forward_state::settled) {
      metrics_.forward_settled(clock_.monotonic_s() - since, f.in_value.base_units() - f.out_value.base_units());
    } else {
      metrics_.forward_failed(node::metrics::failure_of(f.reason.value_or(protocol::fail_reason::temporary_failure)));
    }
  }
}

void channel_service::finish_payments() {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    auto p = node_.payment(it->first);
    if (!p || p->state == node::channels::payment_state::pending) {
      ++it;
      continue;
    }
    const bool ok = p->state == node::channels::payment_state::succeeded;
    for (waiting_payment& w : it->second) {
      metrics_.payment_finished(ok, clock_.monotonic_s() - w.started_s);
      if (ok) {
        w.reply(json{{"payment_hash", hex_of(p->payment_hash.bytes)},
                     {"preimage", hex_of(p->preimage->bytes)},
                     {"amount_msat", p->value.base_units()},
                     {"fee_msat", p->fee.base_units()}});
      } else {
        const std::string reason(node::channels::to_string(p->reason.value_or(protocol::fail_reason::temporary_failure)));
        w.reply(method_failure{350, "payment_failed", "the payment failed: " + reason});
      }
    }
    it = waiting_.erase(it);
  }
}

}  // namespace clearway::daemon
