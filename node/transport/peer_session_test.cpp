// peer_session on a virtual clock (no sockets, no wall time): init exchange, ping/pong rules,
// the token bucket, the handshake deadline and the inbox cap.
#include "node/transport/peer_session.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

crypto::secret_key seeded_key(std::mt19937_64& rng) {
  for (;;) {
    bytes32 raw;
    for (auto& b : raw.bytes) b = static_cast<std::uint8_t>(rng());
    if (auto k = crypto::secret_key::from_bytes(raw)) return *k;
  }
}

// Two peer_sessions wired back to back; `deliver` moves bytes until both are quiet.
struct link {
  peer_session a;
  peer_session b;
  byte_vector a_out, b_out;
  std::uint64_t now = 0;

  status<disconnect_reason> deliver() {
    for (int i = 0; i < 16 && (!a_out.empty() || !b_out.empty()); ++i) {
      byte_vector to_b;
      to_b.swap(a_out);
      if (!to_b.empty()) CW_CHECK(b.on_bytes(to_b, now, b_out));
      byte_vector to_a;
      to_a.swap(b_out);
      if (!to_a.empty()) CW_CHECK(a.on_bytes(to_a, now, a_out));
    }
    return {};
  }
};

link connected(std::mt19937_64& rng, peer_limits limits = {}) {
  const auto b_key = seeded_key(rng);
  link l{*peer_session::initiator(seeded_key(rng), node_id_of(b_key), seeded_key(rng), init_message{}, limits, 0),
         peer_session::responder(b_key, seeded_key(rng), init_message{}, limits, 0), {}, {}, 0};
  l.a.start(l.a_out);
  EXPECT_TRUE(l.deliver().has_value());
  EXPECT_TRUE(l.a.ready());
  EXPECT_TRUE(l.b.ready());
  return l;
}

TEST(PeerSession, PingPongAndSendRules) {
  std::mt19937_64 rng(test_seed("peer_session_ping"));
  link l = connected(rng);
  ASSERT_TRUE(l.a.send_ping(100, l.a_out).has_value());
  ASSERT_TRUE(l.deliver().has_value());
  EXPECT_EQ(l.a.pongs_received(), 1u);
  // A pong nobody asked for ends the connection.
  ASSERT_TRUE(l.b.send(pong_wire{byte_vector(3), {}}, l.b_out).has_value());
  auto st = l.deliver();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), disconnect_reason::unexpected_pong);
  EXPECT_EQ(l.a.failure(), disconnect_reason::unexpected_pong);
  // init cannot be sent by hand.
  link l2 = connected(rng);
  EXPECT_EQ(l2.a.send(init_message{}, l2.a_out).error(), disconnect_reason::duplicate_init);
}

TEST(PeerSession, PongWithWrongLengthIsRejected) {
  std::mt19937_64 rng(test_seed("peer_session_pong_len"));
  link l = connected(rng);
  ASSERT_TRUE(l.a.send_ping(10, l.a_out).has_value());
  l.a_out.clear();  // the ping never arrives; b answers with the wrong length anyway
  ASSERT_TRUE(l.b.send(pong_wire{byte_vector(11), {}}, l.b_out).has_value());
  auto st = l.deliver();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), disconnect_reason::unexpected_pong);
}

TEST(PeerSession, TokenBucketOnVirtualTime) {
  std::mt19937_64 rng(test_seed("peer_session_flood"));
  peer_limits limits;
  limits.max_messages_per_second = 10;
  limits.message_burst = 5;
  link l = connected(rng, limits);  // the init used one token of b's five
  // Four more within the same millisecond are fine, the fifth is a flood.
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(l.a.send(ping_wire{65'535, {}, {}}, l.a_out).has_value());
    ASSERT_TRUE(l.deliver().has_value()) << i;
  }
  // 100 ms later one token has come back (10 per second).
  l.now += 100;
  ASSERT_TRUE(l.a.send(ping_wire{65'535, {}, {}}, l.a_out).has_value());
  ASSERT_TRUE(l.deliver().has_value());
  ASSERT_TRUE(l.a.send(ping_wire{65'535, {}, {}}, l.a_out).has_value());
  auto st = l.deliver();
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), disconnect_reason::flood);
}

TEST(PeerSession, HandshakeDeadlineOnVirtualTime) {
  std::mt19937_64 rng(test_seed("peer_session_deadline"));
  peer_limits limits;
  limits.handshake_timeout_ms = 500;
  auto p = peer_session::responder(seeded_key(rng), seeded_key(rng), init_message{}, limits, 1'000);
  EXPECT_TRUE(p.on_tick(1'499).has_value());
  auto st = p.on_tick(1'500);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), disconnect_reason::handshake_timeout);
  // A finished handshake is never timed out.
  link l = connected(rng, limits);
  EXPECT_TRUE(l.b.on_tick(1'000'000).has_value());
}

TEST(PeerSession, InboundRoomShrinksUntilTheInboxIsTakenAndOverfeedingIsRefused) {
  std::mt19937_64 rng(test_seed("peer_session_inbox"));
  peer_limits limits;
  limits.max_buffered_bytes = 8 * 1024;
  limits.max_message_bytes = 2048;  // else the cap is raised to one 65,535-byte frame
  link l = connected(rng, limits);
  const error_wire e{channel_id{}, byte_vector(1000), {}};
  status<disconnect_reason> st;
  int sent = 0;
  while (st.has_value() && sent < 100) {
    ASSERT_TRUE(l.a.send(e, l.a_out).has_value());
    ++sent;
    st = l.deliver();
  }
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), disconnect_reason::buffer_limit);  // deliver() ignores inbound_room()
  EXPECT_LT(sent, 10);
  EXPECT_EQ(l.b.buffered_bytes(), 0u);  // a failed session drops what it held
}

TEST(PeerSession, TakingTheInboxRestoresTheRoom) {
  std::mt19937_64 rng(test_seed("peer_session_room"));
  peer_limits limits;
  limits.max_buffered_bytes = 8 * 1024;
  limits.max_message_bytes = 2048;
  link l = connected(rng, limits);
  EXPECT_EQ(l.b.inbound_room(), 8u * 1024);
  ASSERT_TRUE(l.a.send(error_wire{channel_id{}, byte_vector(1000), {}}, l.a_out).has_value());
  ASSERT_TRUE(l.deliver().has_value());
  EXPECT_EQ(l.b.buffered_bytes(), 2u + 32 + 2 + 1000);  // the message's plaintext
  EXPECT_EQ(l.b.inbound_room(), 8u * 1024 - 1036);
  EXPECT_EQ(l.b.take_inbox().size(), 1u);
  EXPECT_EQ(l.b.inbound_room(), 8u * 1024);
  // Application sends past the outbound cap are refused without ending the session.
  byte_vector backlog;
  status<disconnect_reason> st;
  while ((st = l.a.send(error_wire{channel_id{}, byte_vector(1000), {}}, backlog))) {
  }
  EXPECT_EQ(st.error(), disconnect_reason::buffer_limit);
  EXPECT_FALSE(l.a.failure().has_value());
  EXPECT_LT(backlog.size(), 8u * 1024 + 2048);
}

}  // namespace
