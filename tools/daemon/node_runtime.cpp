#include "tools/daemon/node_runtime.hpp"

#include <sys/random.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <iostream>

#include "crypto/hash.hpp"
#include "node/channels/channel_store_sync.hpp"

namespace clearway::daemon {
namespace {

constexpr std::uint64_t watch_interval_ms = 1'000;

std::uint64_t wall_now_s() { return static_cast<std::uint64_t>(std::time(nullptr)); }

double monotonic_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A preimage: 32 bytes from the kernel's CSPRNG (a failure is fatal: a guessable preimage would
// let anyone on the route take the payment).
bytes32 random32() {
  bytes32 out;
  std::size_t got = 0;
  while (got < out.bytes.size()) {
    const ssize_t n = ::getrandom(out.data() + got, out.bytes.size() - got, 0);
    if (n < 0) {
      std::cerr << "clearwayd: getrandom failed; stopping\n";
      std::_Exit(71);
    }
    got += static_cast<std::size_t>(n);
  }
  return out;
}

// Each channel's revocation seed comes from this one (the seed itself is stored with the channel).
bytes32 channel_seed_of(const crypto::secret_key& identity) {
  byte_vector material{'c', 'l', 'e', 'a', 'r', 'w', 'a', 'y', '.', 's', 'e', 'e', 'd'};
  material.insert(material.end(), identity.bytes().bytes.begin(), identity.bytes().bytes.end());
  return crypto::sha256(material);
}

}  // namespace

node::channels::node_settings settings_of(const node::config::forwarding_policy& p) {
  node::channels::node_settings s;
  s.fee_base = protocol::amount::from_base_units(p.fee_base_msat);
  s.fee_ppm = p.fee_ppm;
  s.time_lock_delta_s = p.time_lock_delta_s;
  s.min_htlc = protocol::amount::from_base_units(p.min_htlc_msat);
  s.max_htlc = protocol::amount::from_base_units(p.max_htlc_msat);
  s.max_accepted_htlcs = p.max_accepted_htlcs;
  s.max_value_in_flight = protocol::amount::from_base_units(p.max_value_in_flight_msat);
  return s;
}

node_runtime::node_runtime(node_daemon& daemon, std::unique_ptr<chain_link> chain, crypto::key_pair identity)
    : daemon_(daemon), chain_(std::move(chain)), identity_(identity) {}

result<std::unique_ptr<node_runtime>, daemon_failure> node_runtime::attach(node_daemon& daemon) {
  const crypto::key_pair identity = crypto::key_pair::from_secret(daemon.identity());
  auto chain = chain_link::open(daemon.config(), identity, wall_now_s());
  if (!chain) return daemon_failure{daemon_error::chain_unavailable, chain.error()};
  std::unique_ptr<node_runtime> rt(new node_runtime(daemon, std::move(*chain), identity));
  rt->node_ = std::make_unique<node::channels::node_channels>(identity, channel_seed_of(daemon.identity()),
                                                              settings_of(daemon.config().policy), rt->chain_->bank(),
                                                              rt->chain_->finder());
  if (auto st = node::channels::restore(daemon.store(), identity, *rt->node_, wall_now_s()); !st) {
    return daemon_failure{daemon_error::restore_failed, std::string(node::channels::to_string(st.error()))};
  }
  rt->service_ = std::make_unique<channel_service>(
      *rt->node_, daemon.store(), *rt, daemon.metrics(),
      channel_service_clock{wall_now_s, monotonic_s, random32}, [](const std::string& why) {
        // Memory is ahead of disk: nothing that depends on it may leave. Stop as a crash would;
        // the restart resumes from the last commit.
        std::cerr << "clearwayd: " << to_string(daemon_error::store_commit_failed) << ": " << why
                  << "; stopping without sending\n";
        std::_Exit(exit_code_of(daemon_error::store_commit_failed));
      });
  node_runtime* raw = rt.get();
  auto known = daemon.store().list_peer_addresses();
  if (!known) return daemon_failure{daemon_error::restore_failed, "peer addresses: " + std::string(node::to_string(known.error()))};
  for (const node::peer_endpoint& a : *known) {
    reconnector::target t;
    std::copy(a.node_id.begin(), a.node_id.end(), t.node.bytes.begin());
    t.host = a.host;
    t.port = a.port;
    raw->reconnect_.remember(t, node::transport::monotonic_ms());
  }
  daemon.set_connect_hook([raw](const node::transport::node_id& node, const std::string& host, std::uint16_t port) {
    raw->remember_peer(node, host, port);
  });
  daemon.dispatch().install_channel_layer(raw->service_.get());
  daemon.peers().set_message_handler(
      [raw](const node::transport::node_id& from, node::transport::wire_message m) { raw->service_->on_peer_message(from, m); });
  daemon.peers().set_ready_handler([raw](const node::transport::node_id& peer) {
    raw->reconnect_.on_connected(peer);
    raw->service_->on_peer_ready(peer);
  });
  daemon.peers().set_disconnect_handler([raw](const node::transport::node_id& peer) {
    raw->node_->on_peer_disconnected(peer);
    raw->reconnect_.on_disconnected(peer, node::transport::monotonic_ms());
  });
  daemon.set_turn_hook([raw](std::uint64_t now_ms) { raw->on_turn(now_ms); });
  return rt;
}

peer_link::send_outcome node_runtime::send_to(const node::transport::node_id& peer,
                                              const node::transport::wire_message& m) {
  auto st = daemon_.peers().send_to(peer, m);
  if (st) return send_outcome::sent;
  return st.error() == node::transport::disconnect_reason::buffer_limit ? send_outcome::busy : send_outcome::not_connected;
}

void node_runtime::remember_peer(const node::transport::node_id& node, const std::string& host, std::uint16_t port) {
  reconnect_.remember(reconnector::target{node, host, port}, node::transport::monotonic_ms());
  reconnect_.on_connected(node);
  node::peer_endpoint a;
  std::copy(node.bytes.begin(), node.bytes.end(), a.node_id.begin());
  a.host = host;
  a.port = port;
  a.updated_s = wall_now_s();
  // Not money: if it cannot be written the peer is still dialled again until the daemon stops.
  auto& db = daemon_.store();
  if (!db.begin_batch() || !db.queue_peer_address(a) || !db.commit_batch()) {
    db.abort_batch();
    std::cerr << "clearwayd: warn: could not store the address of peer " << to_hex(node) << "\n";
  }
}

void node_runtime::on_turn(std::uint64_t now_ms) {
  chain_->advance_to(wall_now_s());
  for (const reconnector::target& t : reconnect_.take_due(now_ms)) {
    if (daemon_.peers().is_connected(t.node)) {
      reconnect_.on_connected(t.node);
      continue;
    }
    daemon_.peers().connect(t.node, t.host, t.port, [this, node = t.node](method_outcome outcome) {
      if (!outcome) reconnect_.on_attempt_failed(node, node::transport::monotonic_ms());
    });
  }
  if (now_ms - last_watch_ms_ >= watch_interval_ms) {
    last_watch_ms_ = now_ms;
    service_->on_tick();
  }
  service_->flush();
}

}  // namespace clearway::daemon
