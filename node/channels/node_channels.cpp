#include "node/channels/node_channels.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "chain/channel_watch.hpp"
#include "chain/watcher.hpp"
#include "crypto/hash.hpp"
#include "node/transport/noise_primitives.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::node::channels {

using protocol::amount;
using protocol::party;

struct node_channels::channel_record {
  channel_id id;
  node_id peer;
  chain::bank_id bank;
  party side = party::zero;
  protocol::channel_config config;
  bytes32 seed;
  std::vector<crypto::address> own_first_locks;
  std::optional<protocol::channel> chan;
  bool policy_sent = false;
  bool force_close = false;  // the operator asked for a unilateral close
  std::optional<transport::policy_wire> peer_policy;  // how the peer forwards out over this channel
  // Forwarding instructions for the peer's HTLCs, by the peer's proposal id (route_wire comes first).
  std::map<protocol::htlc_id, std::vector<transport::route_hop>> routes;
};

namespace {

channel_id channel_id_of(const crypto::address& bank_address) {
  const bytes32 h = crypto::sha256(bank_address.span());
  channel_id out;
  std::copy(h.bytes.begin(), h.bytes.end(), out.bytes.begin());
  return out;
}

bytes32 channel_seed(const bytes32& node_seed, const crypto::address& bank_address) {
  byte_vector material(node_seed.bytes.begin(), node_seed.bytes.end());
  material.insert(material.end(), bank_address.bytes.begin(), bank_address.bytes.end());
  return crypto::sha256(material);
}

bool is_final(const transport::route_hop& h) noexcept { return h.next_channel == channel_id{}; }

// The fee a forwarder with (base, ppm) takes for forwarding `value`.
result<amount, node_failure> fee_for(amount base, std::uint32_t ppm, amount value) {
  auto proportional = value.checked_proportional_ppm(ppm);
  if (!proportional) return node_failure{node_error::amount_overflow};
  auto fee = base.checked_add(*proportional);
  if (!fee) return node_failure{node_error::amount_overflow};
  return *fee;
}

// Whether our own proposals wait for a round (the peer starts rounds for its own).
bool own_proposals_uncovered(const protocol::channel& ch) {
  return ch.last_proposal_id(ch.self()) > ch.latest_content().covered[protocol::index_of(ch.self())];
}

}  // namespace

node_channels::node_channels(const crypto::key_pair& identity, const bytes32& seed, const node_settings& settings,
                             chain::bank_backend& bank, bank_finder& finder)
    : identity_(identity), id_(transport::compress(identity.pub)), seed_(seed), settings_(settings), bank_(bank),
      finder_(finder) {}

node_channels::~node_channels() = default;

node_channels::channel_record* node_channels::find(const channel_id& id) {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}
const node_channels::channel_record* node_channels::find(const channel_id& id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

void node_channels::send(const channel_record& c, protocol::message m) {
  changed_channels_.insert(c.id);  // every message we send follows a state change of ours
  outbox_.push_back(outbound{c.peer, transport::channel_wire{c.id, std::move(m)}});
}

std::vector<outbound> node_channels::take_outbox() {
  std::vector<outbound> out;
  out.swap(outbox_);
  return out;
}

node_changes node_channels::take_changes() {
  node_changes out;
  for (const channel_id& id : changed_channels_) {
    if (const channel_record* c = find(id); c != nullptr && c->chan) out.channels.push_back(id);
  }
  out.invoices.assign(changed_invoices_.begin(), changed_invoices_.end());
  out.payments.assign(changed_payments_.begin(), changed_payments_.end());
  for (const std::uint64_t key : changed_forwards_) {
    auto it = forwards_.find(key);
    if (it == forwards_.end()) continue;
    out.forwards.push_back(it->second);
    if (it->second.state != forward_state::offered) forwards_.erase(it);
  }
  changed_channels_.clear();
  changed_invoices_.clear();
  changed_payments_.clear();
  changed_forwards_.clear();
  return out;
}

void node_channels::on_peer_connected(const node_id& peer, std::uint64_t now_s) {
  for (auto& [id, c] : channels_) {
    if (c->peer != peer) continue;
    c->policy_sent = false;
    if (c->chan && c->chan->awaiting_reestablish()) send(*c, c->chan->reestablish_message());
  }
  for (auto& [id, c] : channels_) {
    if (c->peer == peer && c->chan) pump(*c, now_s);
  }
}

void node_channels::on_peer_disconnected(const node_id& peer) {
  for (auto& [id, c] : channels_) {
    if (c->peer == peer && c->chan) c->chan->connection_lost();
  }
}

void node_channels::set_policy(const node_settings& settings, std::uint64_t now_s) {
  settings_ = settings;
  for (auto& [id, c] : channels_) c->policy_sent = false;
  for (auto& [id, c] : channels_) {
    if (c->chan) pump(*c, now_s);
  }
}

// ---- opening ----

result<channel_id, node_failure> node_channels::open_channel(const node_id& peer, amount own_deposit,
                                                            amount peer_deposit) {
  const auto peer_key = transport::decompress(peer);
  if (!peer_key || peer == id_) return node_failure{node_error::invalid_peer};
  protocol::channel_config config;
  config.addresses = {identity_.addr, crypto::address_of(*peer_key)};
  config.public_keys = {identity_.pub, *peer_key};
  config.deposits = {own_deposit, peer_deposit};
  config.freeze_time_s = settings_.freeze_time_s;
  config.bank.bytes.fill(0xff);  // checked with a stand-in bank first, so nothing goes on chain for a bad config
  if (auto ok = protocol::validate_config(config); !ok) return node_failure{node_error::protocol_refused, ok.error()};

  chain::create_args args;
  args.clients = config.addresses;
  args.deposits = config.deposits;
  args.min_freeze_time_s = settings_.freeze_time_s;
  args.funding_timeout_s = settings_.funding_timeout_s;
  auto bank = bank_.create(identity_.addr, args);
  if (!bank) return node_failure{node_error::chain_refused, bank.error()};
  if (auto ok = bank_.deposit(identity_.addr, *bank, own_deposit); !ok) {
    return node_failure{node_error::chain_refused, ok.error()};
  }
  auto view = bank_.state(*bank);
  if (!view) return node_failure{node_error::chain_refused, view.error()};
  config.bank = view->bank_address;

  auto rec = std::make_unique<channel_record>();
  rec->id = channel_id_of(config.bank);
  rec->peer = peer;
  rec->bank = *bank;
  rec->side = party::zero;
  rec->config = config;
  rec->seed = channel_seed(seed_, config.bank);
  rec->own_first_locks = protocol::derive_lock_addresses(rec->seed, 0, config.lock_batch);
  outbox_.push_back(outbound{peer, transport::channel_wire{rec->id, protocol::make_open_channel(config, rec->own_first_locks)}});
  const channel_id id = rec->id;
  channels_.emplace(id, std::move(rec));
  return id;
}

status<node_failure> node_channels::on_open(const node_id& from, const channel_id& id, const protocol::open_channel& m) {
  if (find(id) != nullptr) return node_failure{node_error::unexpected_message};
  const auto peer_key = transport::decompress(from);
  if (!peer_key) return node_failure{node_error::invalid_peer};
  if (id != channel_id_of(m.bank) || m.parties[0] != crypto::address_of(*peer_key) || m.parties[1] != identity_.addr) {
    return node_failure{node_error::open_mismatch};
  }
  auto bank = finder_.find(m.bank);
  if (!bank) return node_failure{node_error::chain_refused, bank.error()};
  auto view = bank_.state(*bank);
  if (!view) return node_failure{node_error::chain_refused, view.error()};
  if (view->bank_address != m.bank || view->state != chain::bank_state::funding || view->clients != m.parties ||
      view->deposits != m.deposits || !view->deposited[0] || view->deposited[1] ||
      view->min_freeze_time_s > m.freeze_time_s) {
    return node_failure{node_error::open_mismatch};
  }
  if (m.deposits[1] > settings_.max_accept_deposit) return node_failure{node_error::deposit_refused};

  protocol::channel_config config;
  config.bank = m.bank;
  config.addresses = m.parties;
  config.public_keys = {*peer_key, identity_.pub};
  config.deposits = m.deposits;
  config.freeze_time_s = m.freeze_time_s;
  if (auto ok = protocol::validate_config(config); !ok) return node_failure{node_error::protocol_refused, ok.error()};
  if (auto ok = protocol::check_open_channel(config, m); !ok) return node_failure{node_error::protocol_refused, ok.error()};

  auto rec = std::make_unique<channel_record>();
  rec->id = id;
  rec->peer = from;
  rec->bank = *bank;
  rec->side = party::one;
  rec->config = config;
  rec->seed = channel_seed(seed_, config.bank);
  rec->own_first_locks = protocol::derive_lock_addresses(rec->seed, 0, config.lock_batch);
  auto chan = protocol::channel::create(config, party::one, identity_, rec->seed, m.first_locks, rec->own_first_locks);
  if (!chan) return node_failure{node_error::protocol_refused, chan.error()};
  // Everything is checked: now the deposit, then the answer.
  if (auto ok = bank_.deposit(identity_.addr, *bank, m.deposits[1]); !ok) {
    return node_failure{node_error::chain_refused, ok.error()};
  }
  rec->chan.emplace(std::move(*chan));
  send(*rec, protocol::make_accept_channel(config, rec->own_first_locks));
  auto first = rec->chan->initial_commit();
  if (first) send(*rec, *first);
  channels_.emplace(id, std::move(rec));
  return {};
}

status<node_failure> node_channels::create_protocol_channel(channel_record& c,
                                                            std::span<const crypto::address> peer_locks) {
  auto chan = protocol::channel::create(c.config, c.side, identity_, c.seed, peer_locks, c.own_first_locks);
  if (!chan) return node_failure{node_error::protocol_refused, chan.error()};
  auto first = chan->initial_commit();
  if (!first) return node_failure{node_error::protocol_refused, first.error()};
  c.chan.emplace(std::move(*chan));
  send(c, *first);
  return {};
}

// ---- messages ----

status<node_failure> node_channels::on_message(const node_id& from, const transport::wire_message& msg,
                                               std::uint64_t now_s) {
  if (const auto* w = std::get_if<transport::channel_wire>(&msg)) {
    if (const auto* open = std::get_if<protocol::open_channel>(&w->message)) return on_open(from, w->channel, *open);
    channel_record* c = find(w->channel);
    if (c == nullptr || c->peer != from) return node_failure{node_error::unknown_channel};
    auto st = on_channel_message(*c, w->message, now_s);
    if (!st) return st;
    changed_channels_.insert(c->id);
    pump(*c, now_s);
    return {};
  }
  if (const auto* r = std::get_if<transport::route_wire>(&msg)) {
    channel_record* c = find(r->channel);
    if (c == nullptr || c->peer != from) return node_failure{node_error::unknown_channel};
    if (!c->chan) return node_failure{node_error::channel_not_open};
    // A route names a proposal the peer has not sent yet, once, and no more of them wait than HTLCs fit.
    if (auto known = c->routes.find(r->htlc); known != c->routes.end()) {
      // Sent again after a reconnect (its add_htlc was lost): the same route is no news.
      if (known->second == r->hops) return {};
      return node_failure{node_error::bad_route};
    }
    if (r->htlc <= c->chan->last_proposal_id(c->chan->peer()) ||
        c->routes.size() >= 2 * static_cast<std::size_t>(c->config.limits.max_accepted_htlcs)) {
      return node_failure{node_error::bad_route};
    }
    c->routes.emplace(r->htlc, r->hops);
    return {};
  }
  if (const auto* p = std::get_if<transport::policy_wire>(&msg)) {
    channel_record* c = find(p->channel);
    if (c == nullptr || c->peer != from) return node_failure{node_error::unknown_channel};
    c->peer_policy = *p;
    return {};
  }
  return node_failure{node_error::unexpected_message};  // init, ping, pong and errors are the transport's
}

status<node_failure> node_channels::on_channel_message(channel_record& c, const protocol::message& m,
                                                       std::uint64_t now_s) {
  auto refused = [](protocol::channel_error e) { return node_failure{node_error::protocol_refused, e}; };
  return std::visit(
      [&](const auto& v) -> status<node_failure> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, protocol::accept_channel>) {
          if (c.chan || c.side != party::zero) return node_failure{node_error::unexpected_message};
          if (auto ok = protocol::check_accept_channel(c.config, v); !ok) return refused(ok.error());
          return create_protocol_channel(c, v.first_locks);
        } else if constexpr (std::is_same_v<T, protocol::error_message> || std::is_same_v<T, protocol::open_channel>) {
          return node_failure{node_error::unexpected_message};
        } else if constexpr (std::is_same_v<T, protocol::close_request>) {
          if (!c.chan) return node_failure{node_error::channel_not_open};
          auto outcome = c.chan->receive_close_request(v);
          if (!outcome) return refused(outcome.error());
          if (outcome->reply) send(c, *outcome->reply);
          return {};  // watch() takes the signed close to the bank
        } else {
          if (!c.chan) return node_failure{node_error::channel_not_open};
          if constexpr (std::is_same_v<T, protocol::commit>) {
            auto reply = c.chan->receive_commit(v);
            if (!reply) return refused(reply.error());
            if (reply->countersign) send(c, *reply->countersign);
            if (reply->revocation) send(c, *reply->revocation);
          } else if constexpr (std::is_same_v<T, protocol::revoke>) {
            if (auto ok = c.chan->receive_revoke(v); !ok) return refused(ok.error());
          } else if constexpr (std::is_same_v<T, protocol::add_htlc>) {
            if (auto ok = c.chan->receive_add_htlc(v, now_s); !ok) return refused(ok.error());
          } else if constexpr (std::is_same_v<T, protocol::fulfill_htlc>) {
            if (auto ok = c.chan->receive_fulfill(v); !ok) return refused(ok.error());
          } else if constexpr (std::is_same_v<T, protocol::fail_htlc>) {
            if (auto ok = c.chan->receive_fail(v); !ok) return refused(ok.error());
          } else if constexpr (std::is_same_v<T, protocol::pay>) {
            if (auto ok = c.chan->receive_pay(v); !ok) return refused(ok.error());
          } else if constexpr (std::is_same_v<T, protocol::reestablish>) {
            // The peer sees a new connection: so do we, whether or not we saw the old one drop.
            if (!c.chan->awaiting_reestablish()) {
              c.chan->connection_lost();
              send(c, c.chan->reestablish_message());
            }
            auto resend = c.chan->on_reestablish(v);
            if (!resend) {
              // The peer claims what we never sent or lacks what it provably had: it lies or lost
              // its state. Nothing more off-chain: settle on the bank (PROTOCOL.md §8).
              if (resend.error() == protocol::channel_error::peer_claims_unsent ||
                  resend.error() == protocol::channel_error::peer_lost_state) {
                c.force_close = true;
              }
              return refused(resend.error());
            }
            for (protocol::message& lost : *resend) {
              // An add_htlc goes again with its route (ours, kept until the HTLC locks in).
              if (const auto* add = std::get_if<protocol::add_htlc>(&lost)) {
                if (auto r = sent_routes_.find(htlc_key{c.id, add->id}); r != sent_routes_.end()) {
                  outbox_.push_back(outbound{c.peer, transport::route_wire{c.id, add->id, r->second}});
                }
              }
              send(c, std::move(lost));
            }
          }
          return {};
        }
      },
      m);
}

// ---- events and rounds ----

void node_channels::pump(channel_record& first, std::uint64_t now_s) {
  // Acting on one channel's events proposes on others (forward, settle upstream): run until calm.
  std::set<channel_id> dirty{first.id};
  while (!dirty.empty()) {
    channel_record* c = find(*dirty.begin());
    dirty.erase(dirty.begin());
    if (c == nullptr || !c->chan) continue;
    const std::size_t outbox_before = outbox_.size();
    if (!c->chan->awaiting_reestablish()) retry_resolutions(*c);
    for (const protocol::channel_event& e : c->chan->drain_events()) {
      const party own = c->chan->self();
      if (const auto* in = std::get_if<protocol::htlc_locked_in>(&e)) {
        if (in->terms.offerer != own) on_locked_in(*c, *in, now_s);
        if (in->terms.offerer == own) sent_routes_.erase(htlc_key{c->id, in->id});
      } else if (const auto* ok = std::get_if<protocol::htlc_fulfilled>(&e)) {
        if (ok->terms.offerer == own) on_offered_resolved({c->id, ok->id}, ok->preimage, {}, now_s);
      } else if (const auto* bad = std::get_if<protocol::htlc_failed>(&e)) {
        if (bad->terms.offerer == own) on_offered_resolved({c->id, bad->id}, std::nullopt, bad->reason, now_s);
      }
    }
    if (c->chan->is_open() && !c->policy_sent) {
      c->policy_sent = true;
      outbox_.push_back(outbound{c->peer, transport::policy_wire{c->id, settings_.fee_base, settings_.fee_ppm,
                                                                 settings_.time_lock_delta_s}});
    }
    if (c->chan->is_open() && c->chan->round() == protocol::round_state::idle && own_proposals_uncovered(*c->chan)) {
      if (auto commit = c->chan->initiate_commit()) send(*c, *commit);
    }
    // Channels we proposed on while handling these events need their own round.
    for (std::size_t i = outbox_before; i < outbox_.size(); ++i) {
      if (const auto* w = std::get_if<transport::channel_wire>(&outbox_[i].message); w && w->channel != c->id) {
        dirty.insert(w->channel);
      }
    }
  }
}

void node_channels::on_locked_in(channel_record& c, const protocol::htlc_locked_in& e, std::uint64_t now_s) {
  const htlc_key key{c.id, e.id};
  auto route = c.routes.extract(e.id);
  if (route.empty()) return resolve_incoming(key, protocol::fail_reason::incorrect_details);
  const std::vector<transport::route_hop>& hops = route.mapped();
  const transport::route_hop& ours = hops.front();
  if (is_final(ours)) {
    auto inv = invoices_.find(e.terms.hash_lock);
    if (hops.size() != 1 || inv == invoices_.end() || inv->second.summary.state == invoice_state::settled ||
        inv->second.summary.state == invoice_state::cancelled) {
      return resolve_incoming(key, protocol::fail_reason::unknown_payment_hash);
    }
    invoice_summary& s = inv->second.summary;
    if (ours.amount != e.terms.value || ours.time_lock_s != e.terms.time_lock_s || e.terms.value < s.value) {
      return resolve_incoming(key, protocol::fail_reason::incorrect_details);
    }
    changed_invoices_.insert(s.payment_hash);
    if (s.hold) {
      s.state = invoice_state::accepted;
      inv->second.held.push_back(key);
      return;
    }
    s.state = invoice_state::settled;
    return resolve_incoming(key, *s.preimage);
  }
  channel_record* out = find(ours.next_channel);
  if (out == nullptr || !out->chan || !out->chan->is_open()) {
    return resolve_incoming(key, protocol::fail_reason::peer_unreachable);
  }
  if (hops.size() < 2) return resolve_incoming(key, protocol::fail_reason::incorrect_details);
  if (ours.amount < settings_.min_htlc || ours.amount > settings_.max_htlc) {
    return resolve_incoming(key, protocol::fail_reason::temporary_failure);
  }
  std::uint32_t offered_count = 0;
  amount offered_value;
  for (const protocol::htlc_view& h : out->chan->htlcs()) {
    if (h.terms.offerer != out->chan->self()) continue;
    ++offered_count;
    offered_value = offered_value.checked_add(h.terms.value).value_or(amount::max());
  }
  auto in_flight = offered_value.checked_add(ours.amount);
  if (offered_count >= settings_.max_accepted_htlcs) {
    return resolve_incoming(key, protocol::fail_reason::too_many_htlcs);
  }
  if (!in_flight || *in_flight > settings_.max_value_in_flight) {
    return resolve_incoming(key, protocol::fail_reason::insufficient_balance);
  }
  bool fee_paid = false;
  if (auto fee = fee_for(settings_.fee_base, settings_.fee_ppm, ours.amount)) {
    auto needed = ours.amount.checked_add(*fee);
    fee_paid = needed && e.terms.value >= *needed;
  }
  if (!fee_paid) return resolve_incoming(key, protocol::fail_reason::fee_insufficient);
  if (e.terms.time_lock_s < ours.time_lock_s || e.terms.time_lock_s - ours.time_lock_s < settings_.time_lock_delta_s) {
    return resolve_incoming(key, protocol::fail_reason::time_lock_too_close);
  }
  forward_summary f;
  f.in_channel = c.id;
  f.in_htlc = e.id;
  f.out_channel = out->id;
  f.hash_lock = e.terms.hash_lock;
  f.in_value = e.terms.value;
  f.out_value = ours.amount;
  f.updated_s = now_s;
  const std::uint64_t index = next_forward_++;
  forwards_.emplace(index, f);
  changed_forwards_.insert(index);
  auto added = offer(*out, ours.amount, e.terms.hash_lock, ours.time_lock_s,
                     std::vector<transport::route_hop>(hops.begin() + 1, hops.end()), forward_link{index, key}, now_s);
  if (added) {
    forwards_[index].out_htlc = *added;
  } else {
    forwards_[index].state = forward_state::failed;
    forwards_[index].reason = protocol::fail_reason_of(added.error());
    resolve_incoming(key, protocol::fail_reason_of(added.error()));
  }
}

result<protocol::htlc_id, protocol::channel_error> node_channels::offer(
    channel_record& c, amount value, const bytes32& hash_lock, std::uint64_t time_lock_s,
    std::vector<transport::route_hop> hops, upstream up, std::uint64_t now_s) {
  auto add = c.chan->propose_add_htlc(value, hash_lock, time_lock_s, now_s);
  if (!add) return add.error();
  sent_routes_.insert_or_assign(htlc_key{c.id, add->id}, hops);
  outbox_.push_back(outbound{c.peer, transport::route_wire{c.id, add->id, std::move(hops)}});
  send(c, *add);
  offered_.emplace(htlc_key{c.id, add->id}, std::move(up));
  return add->id;
}

void node_channels::on_offered_resolved(const htlc_key& key, std::optional<bytes32> preimage,
                                        protocol::fail_reason reason, std::uint64_t now_s) {
  auto it = offered_.find(key);
  if (it == offered_.end()) return;
  const upstream up = it->second;
  offered_.erase(it);
  if (const auto* hash = std::get_if<bytes32>(&up)) {
    payment_summary& p = payments_[*hash];
    p.state = preimage ? payment_state::succeeded : payment_state::failed;
    p.preimage = preimage;
    if (!preimage) p.reason = reason;
    p.updated_s = now_s;
    changed_payments_.insert(*hash);
    return;
  }
  const auto& link = std::get<forward_link>(up);
  forward_summary& f = forwards_.at(link.forward);
  f.updated_s = now_s;
  changed_forwards_.insert(link.forward);
  if (preimage) {
    f.state = forward_state::settled;
    f.preimage = preimage;
    resolve_incoming(link.incoming, *preimage);
  } else {
    f.state = forward_state::failed;
    f.reason = reason;
    resolve_incoming(link.incoming, reason);
  }
}

void node_channels::retry_resolutions(channel_record& c) {
  auto it = pending_resolutions_.lower_bound(htlc_key{c.id, 0});
  while (it != pending_resolutions_.end() && it->first.channel == c.id) {
    const htlc_key key = it->first;
    const resolution r = it->second;
    it = pending_resolutions_.erase(it);
    resolve_incoming(key, r);
  }
}

void node_channels::restore_resolution(const channel_id& channel, protocol::htlc_id htlc, resolution r) {
  pending_resolutions_.insert_or_assign(htlc_key{channel, htlc}, r);
}

void node_channels::resolve_incoming(const htlc_key& key, const resolution& r) {
  channel_record* c = find(key.channel);
  if (c == nullptr || !c->chan) return;
  std::optional<protocol::channel_error> refused;
  if (const auto* preimage = std::get_if<bytes32>(&r)) {
    if (auto m = c->chan->propose_fulfill(key.htlc, *preimage)) {
      send(*c, *m);
    } else {
      refused = m.error();
    }
  } else if (auto m = c->chan->propose_fail(key.htlc, std::get<protocol::fail_reason>(r))) {
    send(*c, *m);
  } else {
    refused = m.error();
  }
  if (refused == protocol::channel_error::awaiting_reestablish) {
    pending_resolutions_.insert_or_assign(key, r);  // once the peer is back
  }
  // Any other refusal means the channel is closing: the HTLC is settled on chain (watcher).
}

// ---- closing and watching ----

status<node_failure> node_channels::close_channel(const channel_id& id, bool force) {
  channel_record* c = find(id);
  if (c == nullptr) return node_failure{node_error::unknown_channel};
  if (!c->chan) return node_failure{node_error::channel_not_open};
  if (force) {
    c->force_close = true;
    return {};
  }
  auto req = c->chan->propose_close();
  if (!req) return node_failure{node_error::protocol_refused, req.error()};
  send(*c, *req);
  return {};
}

namespace {

std::string_view call_name(const chain::bank_call& call) {
  static constexpr std::string_view names[] = {"cancel", "cash", "claim_htlc", "punish", "withdraw", "close"};
  return names[call.index()];
}

}  // namespace

std::vector<node_channels::watch_action> node_channels::watch(std::uint64_t now_s) {
  std::map<bytes32, bytes32> preimages;
  for (const auto& [hash, inv] : invoices_) {
    if (inv.summary.preimage) preimages.emplace(hash, *inv.summary.preimage);
  }
  for (const auto& [key, f] : forwards_) {
    if (f.preimage) preimages.emplace(f.hash_lock, *f.preimage);
  }
  std::vector<watch_action> actions;
  for (auto& [id, c] : channels_) {
    if (!c->chan) continue;
    auto view = bank_.state(c->bank);
    if (!view || view->state == chain::bank_state::closed) continue;
    if (auto closing = c->chan->closing_result(); closing && view->state == chain::bank_state::running) {
      const chain::bank_call call = chain::close_args{closing->balances, closing->sigs[0], closing->sigs[1]};
      auto st = chain::execute(bank_, identity_.addr, c->bank, call);
      actions.push_back(watch_action{id, call_name(call), st ? std::nullopt : std::optional(st.error())});
      continue;
    }
    const chain::watch_record record = chain::make_watch_record(*c->chan, preimages);
    auto calls = chain::decide(record, *view, chain::watch_input{now_s, c->force_close});
    if (!calls) continue;
    for (const chain::bank_call& call : *calls) {
      auto st = chain::execute(bank_, identity_.addr, c->bank, call);
      actions.push_back(watch_action{id, call_name(call), st ? std::nullopt : std::optional(st.error())});
      if (!st) break;  // the next decision starts from the bank's new state
    }
  }
  return actions;
}

// ---- invoices and payments ----

result<std::string, node_failure> node_channels::create_invoice(amount value, const bytes32& preimage_material,
                                                                std::optional<bytes32> hold_hash, std::uint64_t now_s,
                                                                std::uint32_t expiry_s) {
  if (value == amount::zero()) return node_failure{node_error::invalid_amount};
  invoice_record rec;
  invoice_summary& s = rec.summary;
  s.value = value;
  s.hold = hold_hash.has_value();
  s.created_s = now_s;
  s.expiry_s = expiry_s != 0 ? expiry_s : settings_.invoice_expiry_s;
  if (hold_hash) {
    s.payment_hash = *hold_hash;
  } else {
    s.preimage = preimage_material;
    s.payment_hash = crypto::sha256(preimage_material.span());
  }
  const bytes32 hash = s.payment_hash;
  if (invoices_.contains(hash)) return node_failure{node_error::duplicate_invoice};
  invoice inv;
  inv.payee = id_;
  inv.payment_hash = hash;
  inv.value = value;
  inv.created_s = now_s;
  inv.expiry_s = s.expiry_s;
  inv.final_delta_s = settings_.final_delta_s;
  for (const auto& [id, c] : channels_) {
    if (!c->chan || !c->chan->is_open() || !c->peer_policy || inv.hints.size() == max_route_hints) continue;
    inv.hints.push_back(route_hint{c->peer, id, c->peer_policy->fee_base, c->peer_policy->fee_ppm,
                                   c->peer_policy->time_lock_delta_s});
  }
  invoices_.emplace(hash, std::move(rec));
  changed_invoices_.insert(hash);
  return encode_invoice(inv, identity_.secret);
}

status<node_failure> node_channels::release_hold(const bytes32& preimage, std::uint64_t now_s) {
  const bytes32 hash = crypto::sha256(preimage.span());
  auto it = invoices_.find(hash);
  if (it == invoices_.end()) return node_failure{node_error::unknown_invoice};
  invoice_record& inv = it->second;
  if (!inv.summary.hold || inv.summary.state != invoice_state::accepted) {
    return node_failure{node_error::invoice_not_held};
  }
  inv.summary.preimage = preimage;
  inv.summary.state = invoice_state::settled;
  changed_invoices_.insert(hash);
  const std::vector<htlc_key> held = std::move(inv.held);
  inv.held.clear();
  for (const htlc_key& k : held) resolve_incoming(k, preimage);
  for (const htlc_key& k : held) {
    if (channel_record* c = find(k.channel)) pump(*c, now_s);
  }
  return {};
}

status<node_failure> node_channels::cancel_hold(const bytes32& payment_hash, std::uint64_t now_s) {
  auto it = invoices_.find(payment_hash);
  if (it == invoices_.end()) return node_failure{node_error::unknown_invoice};
  invoice_record& inv = it->second;
  if (!inv.summary.hold || inv.summary.state == invoice_state::settled ||
      inv.summary.state == invoice_state::cancelled) {
    return node_failure{node_error::invoice_not_held};
  }
  inv.summary.state = invoice_state::cancelled;
  changed_invoices_.insert(payment_hash);
  const std::vector<htlc_key> held = std::move(inv.held);
  inv.held.clear();
  for (const htlc_key& k : held) resolve_incoming(k, protocol::fail_reason::unknown_payment_hash);
  for (const htlc_key& k : held) {
    if (channel_record* c = find(k.channel)) pump(*c, now_s);
  }
  return {};
}

result<bytes32, node_failure> node_channels::pay(const invoice& inv, std::uint64_t now_s, std::optional<amount> max_fee) {
  if (inv.payee == id_) return node_failure{node_error::invalid_peer};
  if (inv.value == amount::zero()) return node_failure{node_error::invalid_amount};
  if (now_s > inv.created_s + inv.expiry_s) return node_failure{node_error::invoice_expired};
  if (auto p = payments_.find(inv.payment_hash); p != payments_.end() && p->second.state != payment_state::failed) {
    return node_failure{node_error::duplicate_payment};
  }
  const std::uint64_t final_lock_s = now_s + inv.final_delta_s;
  std::optional<protocol::channel_error> last_refusal;
  auto try_over = [&](channel_record& c, amount first_value, std::uint64_t first_lock_s,
                      std::vector<transport::route_hop> hops) -> bool {
    auto added = offer(c, first_value, inv.payment_hash, first_lock_s, std::move(hops), inv.payment_hash, now_s);
    if (!added) last_refusal = added.error();
    return added.has_value();
  };
  auto record = [&](amount fee, channel_record& c) -> result<bytes32, node_failure> {
    payments_[inv.payment_hash] =
        payment_summary{inv.payment_hash, inv.value, fee, payment_state::pending, {}, {}, now_s, now_s};
    changed_payments_.insert(inv.payment_hash);
    pump(c, now_s);
    return inv.payment_hash;
  };
  // A channel straight to the payee.
  for (auto& [id, c] : channels_) {
    if (c->peer != inv.payee || !c->chan || !c->chan->is_open()) continue;
    if (try_over(*c, inv.value, final_lock_s, {transport::route_hop{channel_id{}, inv.value, final_lock_s}})) {
      return record(amount::zero(), *c);
    }
  }
  // Through one of the payee's peers (its route hints).
  bool too_expensive = false;
  for (const route_hint& h : inv.hints) {
    auto fee = fee_for(h.fee_base, h.fee_ppm, inv.value);
    if (!fee) return fee.error();
    if (max_fee && *fee > *max_fee) {
      too_expensive = true;
      continue;
    }
    auto first_value = inv.value.checked_add(*fee);
    if (!first_value) return node_failure{node_error::amount_overflow};
    const std::uint64_t first_lock_s = final_lock_s + h.time_lock_delta_s;
    for (auto& [id, c] : channels_) {
      if (c->peer != h.node || !c->chan || !c->chan->is_open()) continue;
      std::vector<transport::route_hop> hops{transport::route_hop{h.channel, inv.value, final_lock_s},
                                             transport::route_hop{channel_id{}, inv.value, final_lock_s}};
      if (try_over(*c, *first_value, first_lock_s, std::move(hops))) return record(*fee, *c);
    }
  }
  if (last_refusal == protocol::channel_error::awaiting_reestablish) {
    return node_failure{node_error::peer_unavailable, *last_refusal};
  }
  if (last_refusal) return node_failure{node_error::protocol_refused, *last_refusal};
  return node_failure{too_expensive ? node_error::fee_too_high : node_error::no_route};
}

// ---- views ----

std::vector<channel_summary> node_channels::channels() const {
  std::vector<channel_summary> out;
  out.reserve(channels_.size());
  for (const auto& [id, c] : channels_) {
    if (auto s = channel(id)) out.push_back(*s);
  }
  return out;
}

std::optional<channel_summary> node_channels::channel(const channel_id& id) const {
  const channel_record* c = find(id);
  if (c == nullptr) return std::nullopt;
  channel_summary s;
  s.id = c->id;
  s.peer = c->peer;
  s.bank = c->bank;
  s.bank_address = c->config.bank;
  s.side = c->side;
  if (c->chan) {
    const std::size_t own = protocol::index_of(c->side);
    s.open = c->chan->is_open();
    s.own_balance = c->chan->balances()[own];
    s.peer_balance = c->chan->balances()[1 - own];
    s.own_available = c->chan->own_available();
    s.sequence = c->chan->sequence();
    s.htlcs = c->chan->htlcs().size();
  }
  return s;
}

std::optional<payment_summary> node_channels::payment(const bytes32& payment_hash) const {
  auto it = payments_.find(payment_hash);
  if (it == payments_.end()) return std::nullopt;
  return it->second;
}

std::optional<invoice_summary> node_channels::invoice_status(const bytes32& payment_hash) const {
  auto it = invoices_.find(payment_hash);
  if (it == invoices_.end()) return std::nullopt;
  return it->second.summary;
}

std::vector<invoice_summary> node_channels::invoices() const {
  std::vector<invoice_summary> out;
  for (const auto& [hash, rec] : invoices_) out.push_back(rec.summary);
  return out;
}

std::vector<payment_summary> node_channels::payments() const {
  std::vector<payment_summary> out;
  for (const auto& [hash, p] : payments_) out.push_back(p);
  return out;
}

// ---- restart ----

status<node_failure> node_channels::restore_channel(protocol::channel chan) {
  const party self = chan.self();
  const protocol::channel_config& config = chan.config();
  if (config.public_keys[protocol::index_of(self)] != identity_.pub) return node_failure{node_error::open_mismatch};
  auto bank = finder_.find(config.bank);
  if (!bank) return node_failure{node_error::chain_refused, bank.error()};
  auto rec = std::make_unique<channel_record>();
  rec->id = channel_id_of(config.bank);
  rec->peer = transport::compress(config.public_keys[protocol::index_of(other(self))]);
  rec->bank = *bank;
  rec->side = self;
  rec->config = config;
  rec->chan.emplace(std::move(chan));
  rec->chan->connection_lost();  // whatever was in flight when we stopped may be lost
  const channel_id id = rec->id;
  channels_.insert_or_assign(id, std::move(rec));
  return {};
}

void node_channels::restore_invoice(const invoice_summary& inv) { invoices_[inv.payment_hash].summary = inv; }

void node_channels::restore_payment(const payment_summary& p) { payments_[p.payment_hash] = p; }

void node_channels::restore_forward(const forward_summary& f) { forwards_.emplace(next_forward_++, f); }

std::vector<forward_summary> node_channels::forwards() const {
  std::vector<forward_summary> out;
  out.reserve(forwards_.size());
  for (const auto& [key, f] : forwards_) out.push_back(f);
  return out;
}

void node_channels::finish_restore(std::uint64_t now_s) {
  offered_.clear();
  for (const auto& [i, f] : forwards_) {
    if (f.state == forward_state::offered && f.out_htlc) {
      offered_.emplace(htlc_key{f.out_channel, *f.out_htlc}, forward_link{i, htlc_key{f.in_channel, f.in_htlc}});
    }
  }
  for (auto& [id, c] : channels_) {
    if (!c->chan) continue;
    const party own = c->chan->self();
    for (const protocol::htlc_view& h : c->chan->htlcs()) {
      const htlc_key key{id, h.id};
      if (h.terms.offerer == own) {
        // Ours and not a forward: the payment with its hash lock.
        auto p = payments_.find(h.terms.hash_lock);
        if (!offered_.contains(key) && p != payments_.end() && p->second.state == payment_state::pending) {
          offered_.emplace(key, h.terms.hash_lock);
        }
      } else if (h.state == protocol::htlc_state::irrevocable) {
        auto inv = invoices_.find(h.terms.hash_lock);
        if (inv != invoices_.end() && inv->second.summary.state == invoice_state::accepted) inv->second.held.push_back(key);
      }
    }
  }
  for (auto& [id, c] : channels_) {
    if (c->chan) pump(*c, now_s);
  }
}

result<chain::bank_view, chain::error> node_channels::bank_view_of(const channel_id& id) const {
  const channel_record* c = find(id);
  if (c == nullptr) return chain::error::unknown_bank;
  return bank_.state(c->bank);
}

const protocol::channel* node_channels::protocol_channel(const channel_id& id) const {
  const channel_record* c = find(id);
  return c == nullptr || !c->chan ? nullptr : &*c->chan;
}

}  // namespace clearway::node::channels
