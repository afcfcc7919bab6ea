// Test support: a few node_channels on one embedded ledger, with every peer message encoded by the
// transport codec and decoded again on the way (what the wire would do), delivered in order.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/embedded/ledger.hpp"
#include "node/channels/channel_store_sync.hpp"
#include "crypto/hash.hpp"
#include "node/channels/node_channels.hpp"
#include "node/transport/wire_codec.hpp"

namespace clearway::node::channels::test {

inline protocol::amount msat(std::uint64_t v) { return protocol::amount::from_base_units(v); }

inline bytes32 fill32(std::uint8_t b) {
  bytes32 out;
  out.bytes.fill(b);
  return out;
}

class ledger_finder final : public bank_finder {
 public:
  explicit ledger_finder(const chain::embedded::ledger& l) : ledger_(l) {}
  [[nodiscard]] result<chain::bank_id, chain::error> find(const crypto::address& bank_address) override {
    for (std::uint64_t i = 0; i < ledger_.bank_count(); ++i) {
      const chain::bank_view* v = ledger_.find(chain::bank_id{i});
      if (v != nullptr && v->bank_address == bank_address) return v->id;
    }
    return chain::error::unknown_bank;
  }

 private:
  const chain::embedded::ledger& ledger_;
};

class test_network {
 public:
  static constexpr std::uint64_t start_s = 1'700'000'000;
  static constexpr std::uint64_t funds_msat = 100'000'000'000;

  test_network() : ledger_(chain::embedded::ledger_options{start_s}), finder_(ledger_) {}

  // A node with keys from `n` and `funds_msat` on the ledger; with `db`, everything it changes is
  // written there before its messages leave.
  node_channels& add_node(std::uint8_t n, const node_settings& settings = {}, store* db = nullptr) {
    member m;
    m.keys = crypto::key_pair::from_secret(crypto::secret_key::from_material(fill32(n)));
    m.seed = fill32(static_cast<std::uint8_t>(n + 100));
    m.settings = settings;
    m.db = db;
    EXPECT_TRUE(ledger_.mint(m.keys.addr, msat(funds_msat)).has_value());
    m.node = std::make_unique<node_channels>(m.keys, m.seed, settings, ledger_, finder_);
    members_.push_back(std::move(m));
    return *members_.back().node;
  }

  // The process of node `n` dies: its memory and the messages it had not sent yet are gone; it
  // starts again from its store.
  node_channels& restart(std::size_t n) {
    member& m = members_.at(n);
    m.node = std::make_unique<node_channels>(m.keys, m.seed, m.settings, ledger_, finder_);
    auto st = restore(*m.db, m.keys, *m.node, now_s);
    EXPECT_TRUE(st.has_value()) << (st ? "" : to_string(st.error()));
    // Its peers saw the connection drop, with whatever they still had to send it; then everyone
    // reconnects.
    for (std::size_t other = 0; other < members_.size(); ++other) {
      if (other == n) continue;
      for (outbound& o : flush(other)) {
        if (o.peer != m.node->id()) wire_.push_back(in_flight{other, std::move(o)});
      }
      members_[other].node->on_peer_disconnected(m.node->id());
    }
    reconnect(n);
    return *m.node;
  }

  // Node `n` and every other node see a new connection (each channel sends its reestablish).
  void reconnect(std::size_t n) {
    for (std::size_t other = 0; other < members_.size(); ++other) {
      if (other == n) continue;
      members_[other].node->on_peer_connected(members_[n].node->id(), now_s);
      members_[n].node->on_peer_connected(members_[other].node->id(), now_s);
    }
  }

  // Persists (when a store is attached), then hands out the node's messages. Messages still queued
  // for a node that restarts are dropped there (they were on the connection that died).
  std::vector<outbound> flush(std::size_t n) {
    member& m = members_.at(n);
    if (m.db != nullptr) {
      auto st = persist(*m.db, *m.node, m.node->take_changes());
      EXPECT_TRUE(st.has_value()) << (st ? "" : std::string(to_string(st.error())));
      if (!st) return {};
    }
    return m.node->take_outbox();
  }

  // Delivers one message; a refusal is recorded.
  void deliver_one(const node_id& from, const outbound& o) {
    node_channels* to = by_id(o.peer);
    ASSERT_NE(to, nullptr);
    auto bytes = transport::encode_wire(o.message);
    ASSERT_TRUE(bytes.has_value()) << transport::to_string(bytes.error());
    auto back = transport::decode_wire(*bytes);
    ASSERT_TRUE(back.has_value()) << transport::to_string(back.error());
    auto st = to->on_message(from, *back, now_s);
    if (!st) refusals.push_back(describe(st.error()));
  }

  // Every node persists and sends what it has: onto the wire, in order.
  void send_all() {
    for (std::size_t n = 0; n < members_.size(); ++n) {
      for (outbound& o : flush(n)) wire_.push_back(in_flight{n, std::move(o)});
    }
  }

  // Delivers messages one by one (each receiver persists before it answers) until nothing moves.
  // With kills: {victim, after} kills node `victim` (kill -9) once `after` (>= 1) messages were
  // delivered -- before the receiver persisted the last one, and after the victim persisted
  // messages still on the wire: what it had not persisted is lost and so is every message in
  // flight to or from it; it restarts from its store and reconnects. Returns the kills made.
  std::size_t deliver(std::vector<std::pair<std::size_t, std::size_t>> kills = {}) {
    std::sort(kills.begin(), kills.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    std::size_t delivered = 0;
    std::size_t next_kill = 0;
    for (send_all(); !wire_.empty(); send_all()) {
      const in_flight m = std::move(wire_.front());
      wire_.pop_front();
      deliver_one(members_[m.from].node->id(), m.message);
      ++delivered;
      while (next_kill < kills.size() && kills[next_kill].second == delivered) crash(kills[next_kill++].first);
    }
    return next_kill;
  }

  // kill -9 of node `n`, then a restart from its store and new connections.
  void crash(std::size_t n) {
    const node_id id = members_.at(n).node->id();
    std::erase_if(wire_, [&](const in_flight& m) { return m.from == n || m.message.peer == id; });
    (void)restart(n);
  }

  // Opens a channel from `a` to `b` and returns its id once both ends hold commitment #0.
  channel_id open(node_channels& a, node_channels& b, std::uint64_t deposit_a, std::uint64_t deposit_b) {
    auto id = a.open_channel(b.id(), msat(deposit_a), msat(deposit_b));
    EXPECT_TRUE(id.has_value()) << (id ? "" : describe(id.error()));
    deliver();
    return id.value_or(channel_id{});
  }

  [[nodiscard]] node_channels* by_id(const node_id& id) {
    for (auto& m : members_) {
      if (m.node->id() == id) return m.node.get();
    }
    return nullptr;
  }
  [[nodiscard]] node_channels& node(std::size_t n) { return *members_.at(n).node; }

  chain::embedded::ledger& ledger() { return ledger_; }

  std::uint64_t now_s = start_s;
  std::vector<std::string> refusals;

 private:
  chain::embedded::ledger ledger_;
  ledger_finder finder_;
  struct in_flight {
    std::size_t from = 0;
    outbound message;
  };
  std::deque<in_flight> wire_;
  struct member {
    crypto::key_pair keys = crypto::key_pair::from_secret(crypto::secret_key::from_material(fill32(1)));
    bytes32 seed;
    node_settings settings;
    store* db = nullptr;
    std::unique_ptr<node_channels> node;
  };
  std::vector<member> members_;
};

// What a node holds off-chain: its own balance in each of its channels.
inline std::int64_t wealth(const node_channels& n) {
  std::int64_t total = 0;
  for (const channel_summary& c : n.channels()) total += static_cast<std::int64_t>(c.own_balance.base_units());
  return total;
}

// Both ends of a channel agree and hold exactly the deposits (PROTOCOL.md §10 conservation).
inline void expect_conserved(const node_channels& a, const node_channels& b, const channel_id& id,
                             std::uint64_t deposits_msat) {
  auto sa = a.channel(id);
  auto sb = b.channel(id);
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->own_balance, sb->peer_balance);
  EXPECT_EQ(sa->peer_balance, sb->own_balance);
  EXPECT_EQ(sa->sequence, sb->sequence);
  EXPECT_EQ(sa->htlcs, 0u);
  EXPECT_EQ(sb->htlcs, 0u);
  EXPECT_EQ(sa->own_balance.base_units() + sa->peer_balance.base_units(), deposits_msat);
}

}  // namespace clearway::node::channels::test
