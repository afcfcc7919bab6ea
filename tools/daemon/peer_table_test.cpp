// peer_table over real loopback sockets, two tables in one poll loop: a connect is answered once
// both inits are exchanged and both sides list the peer; messages sent with send_to reach the
// other side's message handler with the sender's node id; a wrong node id is answered
// handshake_failed (code 200 + 1) and counted on the responder; connecting to oneself is refused;
// a second connect to a connected node answers already_connected; close_all answers a pending
// connect shutting_down.
#include "tools/daemon/peer_table.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <vector>

namespace {

using namespace clearway;
using namespace clearway::daemon;
namespace transport = clearway::node::transport;

constexpr std::uint64_t bound_ms = 20'000;

crypto::secret_key key(std::uint8_t n) {
  bytes32 material;
  material.bytes.fill(n);
  return crypto::secret_key::from_material(material);
}

struct loop {
  peer_table& a;
  peer_table& b;
  transport::tcp_listener& b_listener;
  void step() {
    std::vector<pollfd> fds{pollfd{b_listener.fd(), POLLIN, 0}};
    a.add_pollfds(fds);
    const std::size_t b_at = fds.size();
    b.add_pollfds(fds);
    (void)::poll(fds.data(), fds.size(), 10);
    const std::span<const pollfd> all(fds);
    a.on_poll(all.subspan(1, b_at - 1));
    b.on_poll(all.subspan(b_at));
    if ((fds[0].revents & POLLIN) != 0) {
      for (int fd : b_listener.accept_pending()) b.add_inbound(fd);
    }
    a.sweep(1'000);
    b.sweep(2'000);
  }
  void until(const std::function<bool()>& done, const char* what) {
    const std::uint64_t start = transport::monotonic_ms();
    while (!done()) {
      ASSERT_LT(transport::monotonic_ms() - start, bound_ms) << "gave up waiting for: " << what;
      step();
    }
  }
};

TEST(PeerTable, ConnectMessagesAndNamedFailures) {
  node::metrics::node_metrics metrics_a, metrics_b;
  const auto ka = key(1), kb = key(2);
  peer_table a(ka, transport::peer_limits{}, metrics_a);
  peer_table b(kb, transport::peer_limits{}, metrics_b);
  auto listener = transport::tcp_listener::listen("127.0.0.1", 0);
  ASSERT_TRUE(listener.has_value());
  loop l{a, b, *listener};
  std::vector<std::pair<transport::node_id, transport::wire_message>> at_b;
  b.set_message_handler([&](const transport::node_id& from, transport::wire_message m) { at_b.emplace_back(from, std::move(m)); });

  std::vector<transport::node_id> ready_at_b;
  b.set_ready_handler([&](const transport::node_id& peer) { ready_at_b.push_back(peer); });
  std::optional<method_outcome> reply;
  a.connect(transport::node_id_of(kb), "127.0.0.1", listener->port(), [&](method_outcome o) { reply = std::move(o); });
  l.until([&] { return reply.has_value() && b.ready_count() == 1; }, "the connect");
  ASSERT_TRUE(reply->has_value()) << reply->error().name;
  EXPECT_EQ((**reply)["node_id"], to_hex(transport::node_id_of(kb)));
  EXPECT_EQ((**reply)["direction"], "out");
  EXPECT_EQ((**reply)["connected_since_unix_s"], 1'000);
  EXPECT_TRUE(a.is_connected(transport::node_id_of(kb)));
  ASSERT_EQ(ready_at_b.size(), 1u);
  EXPECT_EQ(ready_at_b[0], transport::node_id_of(ka));
  ASSERT_EQ(b.list()["peers"].size(), 1u);
  EXPECT_EQ(b.list()["peers"][0]["node_id"], to_hex(transport::node_id_of(ka)));
  EXPECT_EQ(b.list()["peers"][0]["direction"], "in");
  EXPECT_GT(b.list()["peers"][0]["bytes_in"].get<std::uint64_t>(), 0u);

  const transport::warning_wire hello{transport::channel_id{}, byte_vector{'h', 'i'}, {}};
  ASSERT_TRUE(a.send_to(transport::node_id_of(kb), hello).has_value());
  l.until([&] { return !at_b.empty(); }, "the message at B");
  EXPECT_EQ(at_b[0].first, transport::node_id_of(ka));
  EXPECT_EQ(std::get<transport::warning_wire>(at_b[0].second), hello);
  auto nobody = a.send_to(transport::node_id_of(key(9)), hello);
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error(), transport::disconnect_reason::local_close);

  std::optional<method_outcome> again;
  a.connect(transport::node_id_of(kb), "127.0.0.1", listener->port(), [&](method_outcome o) { again = std::move(o); });
  ASSERT_TRUE(again.has_value() && again->has_value());
  EXPECT_EQ((**again)["already_connected"], true);

  std::optional<method_outcome> self;
  a.connect(transport::node_id_of(ka), "127.0.0.1", listener->port(), [&](method_outcome o) { self = std::move(o); });
  ASSERT_TRUE(self.has_value() && !self->has_value());
  EXPECT_EQ(self->error().name, "connect_to_self");

  std::optional<method_outcome> wrong;
  a.connect(transport::node_id_of(key(3)), "127.0.0.1", listener->port(), [&](method_outcome o) { wrong = std::move(o); });
  l.until([&] { return wrong.has_value(); }, "the wrong-id connect to end");
  ASSERT_FALSE(wrong->has_value());
  EXPECT_EQ(wrong->error().name, "handshake_failed");
  EXPECT_EQ(wrong->error().code, 200 + static_cast<int>(transport::disconnect_reason::handshake_failed));
  l.until([&] { return metrics_b.render().find("clearway_peer_disconnects_total{reason=\"handshake_failed\"} 1\n") !=
                       std::string::npos; }, "B to count the failed handshake");
  EXPECT_EQ(b.ready_count(), 1u);
  EXPECT_NE(metrics_b.render().find("\nclearway_peers_connected 1\n"), std::string::npos);

  // A connect still in flight when the daemon stops is answered, not dropped.
  std::optional<method_outcome> pending;
  a.connect(transport::node_id_of(key(4)), "127.0.0.1", listener->port(), [&](method_outcome o) { pending = std::move(o); });
  a.close_all();
  ASSERT_TRUE(pending.has_value() && !pending->has_value());
  EXPECT_EQ(pending->error().name, "shutting_down");
  l.until([&] { return b.ready_count() == 0; }, "B to see A leave");
}

}  // namespace
