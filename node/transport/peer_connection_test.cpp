// Real TCP on loopback: two endpoints handshake, exchange init, ping/pong and channel messages;
// a wrong static key, a tampered frame, garbage, an oversized frame, a flood, a peer that never
// reads, and a silent peer are each disconnected with their named reason, and never make the
// server hold more than its byte cap in either direction. No timing assertions: every wait is "until X happens",
// with a generous liveness bound that only fails a hung test.
#include "node/transport/peer_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <random>
#include <utility>

#include "base/test_seed.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

constexpr std::uint64_t liveness_bound_ms = 30'000;

crypto::secret_key seeded_key(std::mt19937_64& rng) {
  for (;;) {
    bytes32 raw;
    for (auto& b : raw.bytes) b = static_cast<std::uint8_t>(rng());
    if (auto k = crypto::secret_key::from_bytes(raw)) return *k;
  }
}

// A listening node that accepts every connection as a responder.
struct server {
  crypto::secret_key key;
  peer_limits limits;
  tcp_listener listener;
  std::vector<std::unique_ptr<peer_connection>> peers;

  server(crypto::secret_key k, peer_limits l)
      : key(k), limits(l), listener(*tcp_listener::listen("127.0.0.1", 0)) {}

  void step(std::vector<peer_connection*> extra = {}, int timeout_ms = 5) {
    std::vector<peer_connection*> all = std::move(extra);
    for (auto& p : peers) all.push_back(p.get());
    std::vector<int> accepted;
    poll_once(all, timeout_ms, &listener, &accepted);
    for (int fd : accepted) peers.push_back(peer_connection::accept(fd, key, init_message{}, limits));
  }
};

// Steps `s` (and the extra connections) until `done` holds; fails the test if it never does.
void run_until(server& s, const std::function<bool()>& done, std::vector<peer_connection*> extra = {},
               const std::function<void()>& also = {}) {
  const std::uint64_t start = monotonic_ms();
  while (!done()) {
    ASSERT_LT(monotonic_ms() - start, liveness_bound_ms) << "liveness bound hit";
    s.step(extra);
    if (also) also();
  }
}

// A hand-driven client on a raw socket: it speaks BOLT 8 through a bare noise_session, so a test
// can send exactly the bytes an attacker would.
struct raw_client {
  int fd = -1;
  std::optional<noise_session> session;
  byte_vector to_send;
  std::size_t sent = 0;
  std::vector<byte_vector> received;
  bool peer_closed = false;

  explicit raw_client(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  }
  ~raw_client() { ::close(fd); }

  void start_handshake(const crypto::secret_key& local, const node_id& remote, std::mt19937_64& rng) {
    session = *noise_session::initiator(local, remote, seeded_key(rng));
    session->start(to_send);
  }
  void send_message(const wire_message& m) { ASSERT_TRUE(session->send(*encode_wire(m), to_send).has_value()); }

  // Writes what the socket takes, reads what is there.
  void pump() {
    while (sent < to_send.size()) {
      const ssize_t n = ::send(fd, to_send.data() + sent, to_send.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    std::uint8_t buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        peer_closed = true;
        return;
      }
      if (n < 0) return;
      if (session && session->phase() != session_phase::failed) {
        byte_vector reply;
        (void)session->feed(byte_span(buf, static_cast<std::size_t>(n)), reply, received);
        to_send.insert(to_send.end(), reply.begin(), reply.end());
      }
    }
  }
};

peer_limits test_limits() {
  peer_limits l;
  l.handshake_timeout_ms = 20'000;
  l.max_buffered_bytes = 256 * 1024;
  return l;
}

TEST(PeerConnection, HandshakeInitPingPongAndChannelMessages) {
  std::mt19937_64 rng(test_seed("peer_connection_happy"));
  server s(seeded_key(rng), test_limits());
  const auto client_key = seeded_key(rng);
  init_message client_init;
  set_feature_bit(client_init.features, 13);  // optional feature: the server need not know it
  auto client = *peer_connection::connect("127.0.0.1", s.listener.port(), client_key, node_id_of(s.key),
                                          client_init, test_limits());
  run_until(s, [&] { return client->ready() && s.peers.size() == 1 && s.peers[0]->ready(); }, {client.get()});
  auto& server_side = *s.peers[0];
  EXPECT_EQ(*server_side.session().remote_node(), node_id_of(client_key));
  EXPECT_EQ(*client->session().remote_node(), node_id_of(s.key));
  EXPECT_TRUE(has_feature_bit(server_side.session().remote_init()->features, 13));

  // ping/pong both ways, including a large pong.
  ASSERT_TRUE(client->send_ping(16).has_value());
  ASSERT_TRUE(server_side.send_ping(60'000).has_value());
  ASSERT_TRUE(client->send_ping(65'533).has_value());  // no pong expected
  run_until(s, [&] { return client->session().pongs_received() == 1 && server_side.session().pongs_received() == 1; },
            {client.get()});

  // A channel message each way, through protocol/'s codec.
  channel_id cid;
  cid.bytes.fill(0x5c);
  const channel_wire to_server{cid, protocol::add_htlc{1, protocol::amount::from_base_units(1000), bytes32{}, 1'700'000'000}};
  const channel_wire to_client{cid, protocol::pay{1, protocol::amount::from_base_units(7)}};
  ASSERT_TRUE(client->send(to_server).has_value());
  ASSERT_TRUE(server_side.send(to_client).has_value());
  std::deque<wire_message> at_server, at_client;
  run_until(s, [&] {
    for (auto& m : server_side.take_inbox()) at_server.push_back(std::move(m));
    for (auto& m : client->take_inbox()) at_client.push_back(std::move(m));
    return !at_server.empty() && !at_client.empty();
  }, {client.get()});
  ASSERT_EQ(at_server.size(), 1u);
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(std::get<channel_wire>(at_server[0]), to_server);
  EXPECT_EQ(std::get<channel_wire>(at_client[0]), to_client);

  // A clean close is seen as peer_closed.
  client->close(disconnect_reason::local_close);
  run_until(s, [&] { return server_side.closed(); });
  EXPECT_EQ(server_side.reason(), disconnect_reason::peer_closed);
}

TEST(PeerConnection, WrongStaticKeyIsRejected) {
  std::mt19937_64 rng(test_seed("peer_connection_wrong_key"));
  server s(seeded_key(rng), test_limits());
  const auto someone_else = seeded_key(rng);
  auto client = *peer_connection::connect("127.0.0.1", s.listener.port(), seeded_key(rng), node_id_of(someone_else),
                                          init_message{}, test_limits());
  run_until(s, [&] { return client->closed() && s.peers.size() == 1 && s.peers[0]->closed(); }, {client.get()});
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::handshake_failed);
  EXPECT_EQ(s.peers[0]->session().noise_failure(), noise_error::act1_bad_tag);
  // The server sent nothing back: the client saw the stream end inside act two.
  EXPECT_EQ(client->reason(), disconnect_reason::truncated_stream);
  EXPECT_FALSE(client->session().remote_init().has_value());
}

// Connects a raw client, runs the handshake and init exchange with the server.
void handshake_raw(server& s, raw_client& c, std::mt19937_64& rng) {
  c.start_handshake(seeded_key(rng), node_id_of(s.key), rng);
  run_until(s, [&] { return c.session->established() && !c.received.empty(); }, {}, [&] { c.pump(); });
  c.send_message(init_message{});
  run_until(s, [&] { return s.peers.size() == 1 && s.peers[0]->ready(); }, {}, [&] { c.pump(); });
}

TEST(PeerConnection, TamperedFrameClosesTheConnection) {
  std::mt19937_64 rng(test_seed("peer_connection_tamper"));
  server s(seeded_key(rng), test_limits());
  raw_client c(s.listener.port());
  handshake_raw(s, c, rng);
  byte_vector frame;
  ASSERT_TRUE(c.session->send(*encode_wire(ping_wire{4, {}, {}}), frame).has_value());
  frame[frame_header_bytes + rng() % (frame.size() - frame_header_bytes)] ^= 0x01;  // flip one body bit
  c.to_send.insert(c.to_send.end(), frame.begin(), frame.end());
  run_until(s, [&] { return s.peers[0]->closed() && c.peer_closed; }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::bad_frame);
  EXPECT_EQ(s.peers[0]->session().noise_failure(), noise_error::bad_message_mac);
  EXPECT_EQ(s.peers[0]->session().pongs_received(), 0u);
}

TEST(PeerConnection, GarbageIsRejectedWithoutBuffering) {
  std::mt19937_64 rng(test_seed("peer_connection_garbage"));
  server s(seeded_key(rng), test_limits());
  raw_client c(s.listener.port());
  c.to_send.resize(100'000);
  for (auto& b : c.to_send) b = static_cast<std::uint8_t>(rng());
  c.to_send[0] = 0;  // version 0, so the failure is the key or the MAC, not only the version byte
  run_until(s, [&] { return s.peers.size() == 1 && s.peers[0]->closed() && c.peer_closed; }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::handshake_failed);
  const auto why = s.peers[0]->session().noise_failure();
  EXPECT_TRUE(why == noise_error::act1_bad_pubkey || why == noise_error::act1_bad_tag) << to_string(*why);
  EXPECT_LE(s.peers[0]->peak_inbound_bytes(), act_one_bytes);
}

TEST(PeerConnection, OversizedLengthIsRejectedAfterTheHeader) {
  std::mt19937_64 rng(test_seed("peer_connection_oversized"));
  peer_limits limits = test_limits();
  limits.max_message_bytes = 1024;
  server s(seeded_key(rng), limits);
  raw_client c(s.listener.port());
  handshake_raw(s, c, rng);
  // A 60,000-byte ping; the server refuses after decrypting the 18-byte length.
  c.send_message(ping_wire{0, byte_vector(60'000), {}});
  run_until(s, [&] { return s.peers[0]->closed() && c.peer_closed; }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::frame_too_large);
  EXPECT_LE(s.peers[0]->peak_inbound_bytes(), 2048u);
}

TEST(PeerConnection, MaximumFrameIsHeldOnlyUntilComplete) {
  // With BOLT 8's own limit a 65535-byte frame is legal: the server holds at most one frame.
  std::mt19937_64 rng(test_seed("peer_connection_max_frame"));
  server s(seeded_key(rng), test_limits());
  raw_client c(s.listener.port());
  handshake_raw(s, c, rng);
  error_wire big{channel_id{}, byte_vector(65'535 - 2 - 32 - 2), {}};
  c.send_message(big);
  std::deque<wire_message> got;
  run_until(s, [&] {
    for (auto& m : s.peers[0]->take_inbox()) got.push_back(std::move(m));
    return !got.empty();
  }, {}, [&] { c.pump(); });
  EXPECT_EQ(std::get<error_wire>(got[0]), big);
  EXPECT_LE(s.peers[0]->peak_inbound_bytes(), test_limits().max_buffered_bytes);
}

TEST(PeerConnection, FloodIsDisconnected) {
  std::mt19937_64 rng(test_seed("peer_connection_flood"));
  peer_limits limits = test_limits();
  limits.max_messages_per_second = 100;
  limits.message_burst = 200;
  server s(seeded_key(rng), limits);
  raw_client c(s.listener.port());
  handshake_raw(s, c, rng);
  // 5,000 pings that ask for no pong: only the rate limit can stop them. Passing the limit would
  // need the server to take more than 48 s to read 5,000 tiny frames.
  for (int i = 0; i < 5'000; ++i) c.send_message(ping_wire{65'535, {}, {}});
  run_until(s, [&] { return s.peers[0]->closed() && c.peer_closed; }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::flood);
  EXPECT_LE(s.peers[0]->peak_inbound_bytes(), limits.max_buffered_bytes);
}

TEST(PeerConnection, PeerThatNeverReadsHitsTheByteCap) {
  std::mt19937_64 rng(test_seed("peer_connection_no_read"));
  server s(seeded_key(rng), test_limits());
  raw_client c(s.listener.port());
  handshake_raw(s, c, rng);
  // Stop reading: each ping asks for a 60,000-byte pong that piles up in the kernel buffers,
  // then in the server's output, until the cap closes the connection.
  ::shutdown(c.fd, SHUT_RD);
  for (int i = 0; i < 1'000; ++i) c.send_message(ping_wire{60'000, {}, {}});
  run_until(s, [&] { return s.peers[0]->closed(); }, {}, [&] {
    while (c.sent < c.to_send.size()) {
      const ssize_t n = ::send(c.fd, c.to_send.data() + c.sent, c.to_send.size() - c.sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      c.sent += static_cast<std::size_t>(n);
    }
  });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::buffer_limit);
  EXPECT_LE(s.peers[0]->peak_unsent_bytes(), test_limits().max_buffered_bytes + frame_overhead_bytes + 65'535);
  EXPECT_LE(s.peers[0]->peak_inbound_bytes(), test_limits().max_buffered_bytes);
}

TEST(PeerConnection, SilentPeerHitsTheHandshakeDeadline) {
  std::mt19937_64 rng(test_seed("peer_connection_silent"));
  peer_limits limits = test_limits();
  limits.handshake_timeout_ms = 100;
  server s(seeded_key(rng), limits);
  raw_client c(s.listener.port());
  run_until(s, [&] { return s.peers.size() == 1 && s.peers[0]->closed(); }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::handshake_timeout);
}

TEST(PeerConnection, FirstMessageMustBeInit) {
  std::mt19937_64 rng(test_seed("peer_connection_no_init"));
  server s(seeded_key(rng), test_limits());
  raw_client c(s.listener.port());
  c.start_handshake(seeded_key(rng), node_id_of(s.key), rng);
  run_until(s, [&] { return c.session->established(); }, {}, [&] { c.pump(); });
  c.send_message(ping_wire{1, {}, {}});
  run_until(s, [&] { return s.peers.size() == 1 && s.peers[0]->closed(); }, {}, [&] { c.pump(); });
  EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::init_expected);
}

TEST(PeerConnection, UnknownEvenMessageAndRequiredFeature) {
  std::mt19937_64 rng(test_seed("peer_connection_even"));
  {
    server s(seeded_key(rng), test_limits());
    raw_client c(s.listener.port());
    handshake_raw(s, c, rng);
    // Unknown odd type: ignored, connection stays.
    ASSERT_TRUE(c.session->send(byte_vector{0x80, 0x05, 1, 2, 3}, c.to_send).has_value());
    ASSERT_TRUE(c.session->send(*encode_wire(error_wire{channel_id{}, {'x'}, {}}), c.to_send).has_value());
    std::deque<wire_message> got;
    run_until(s, [&] {
      for (auto& m : s.peers[0]->take_inbox()) got.push_back(std::move(m));
      return !got.empty();
    }, {}, [&] { c.pump(); });
    EXPECT_TRUE(std::holds_alternative<error_wire>(got[0]));
    EXPECT_FALSE(s.peers[0]->closed());
    // Unknown even type: disconnect.
    ASSERT_TRUE(c.session->send(byte_vector{0x80, 0x06, 1, 2, 3}, c.to_send).has_value());
    run_until(s, [&] { return s.peers[0]->closed(); }, {}, [&] { c.pump(); });
    EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::unknown_even_message);
  }
  {
    server s(seeded_key(rng), test_limits());
    raw_client c(s.listener.port());
    c.start_handshake(seeded_key(rng), node_id_of(s.key), rng);
    run_until(s, [&] { return c.session->established(); }, {}, [&] { c.pump(); });
    init_message demanding;
    set_feature_bit(demanding.features, 100);  // even: required, and unknown to the server
    c.send_message(demanding);
    run_until(s, [&] { return s.peers.size() == 1 && s.peers[0]->closed(); }, {}, [&] { c.pump(); });
    EXPECT_EQ(s.peers[0]->reason(), disconnect_reason::unknown_required_feature);
  }
}

TEST(PeerConnection, RefusedConnectIsAnIoError) {
  std::mt19937_64 rng(test_seed("peer_connection_refused"));
  std::uint16_t port = 0;
  {
    auto l = tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l.has_value());
    port = l->port();
  }  // closed: nothing listens on `port` now
  server s(seeded_key(rng), test_limits());
  auto client = *peer_connection::connect("127.0.0.1", port, seeded_key(rng), node_id_of(s.key), init_message{},
                                          test_limits());
  run_until(s, [&] { return client->closed(); }, {client.get()});
  EXPECT_EQ(client->reason(), disconnect_reason::io_error);
  auto bad = peer_connection::connect("not-an-ip", 1, seeded_key(rng), node_id_of(s.key), init_message{}, test_limits());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), socket_error::bad_address);
}

TEST(PeerConnection, BidirectionalStreamArrivesInOrderWithBackpressure) {
  // 400 messages each way with random sizes up to 20 kB (about 4 MB each way): partial writes,
  // output compaction and frames split across reads all happen. The senders respect the cap by
  // waiting while unsent_bytes() is above half of it (the backpressure contract).
  std::mt19937_64 rng(test_seed("peer_connection_stream"));
  server s(seeded_key(rng), test_limits());
  auto client = *peer_connection::connect("127.0.0.1", s.listener.port(), seeded_key(rng), node_id_of(s.key),
                                          init_message{}, test_limits());
  run_until(s, [&] { return client->ready() && s.peers.size() == 1 && s.peers[0]->ready(); }, {client.get()});
  auto& server_side = *s.peers[0];
  auto make = [&](int i) {
    byte_vector data(rng() % 20'000);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    channel_id cid;
    cid.bytes[0] = static_cast<std::uint8_t>(i);
    return warning_wire{cid, std::move(data), {}};
  };
  constexpr int count = 400;
  std::vector<warning_wire> up, down;
  for (int i = 0; i < count; ++i) up.push_back(make(i));
  for (int i = 0; i < count; ++i) down.push_back(make(i));
  std::size_t up_sent = 0, down_sent = 0;
  std::vector<warning_wire> up_got, down_got;
  const std::size_t half_cap = test_limits().max_buffered_bytes / 2;
  run_until(s, [&] {
    while (up_sent < up.size() && client->unsent_bytes() < half_cap) {
      EXPECT_TRUE(client->send(up[up_sent++]).has_value());
    }
    while (down_sent < down.size() && server_side.unsent_bytes() < half_cap) {
      EXPECT_TRUE(server_side.send(down[down_sent++]).has_value());
    }
    for (auto& m : server_side.take_inbox()) up_got.push_back(std::get<warning_wire>(m));
    for (auto& m : client->take_inbox()) down_got.push_back(std::get<warning_wire>(m));
    EXPECT_FALSE(client->closed());
    EXPECT_FALSE(server_side.closed());
    return (up_got.size() == up.size() && down_got.size() == down.size()) || client->closed() || server_side.closed();
  }, {client.get()});
  EXPECT_FALSE(client->reason().has_value()) << to_string(*client->reason());
  EXPECT_FALSE(server_side.reason().has_value()) << to_string(*server_side.reason());
  EXPECT_EQ(up_got, up);
  EXPECT_EQ(down_got, down);
  for (const peer_connection* c : {static_cast<const peer_connection*>(client.get()), &std::as_const(server_side)}) {
    EXPECT_LE(c->peak_inbound_bytes(), test_limits().max_buffered_bytes);
    EXPECT_LE(c->peak_unsent_bytes(), test_limits().max_buffered_bytes);
  }
}

}  // namespace
