// The peer transport (node/transport): BOLT 8 handshakes per second, encrypt+decrypt throughput,
// and messages per second for a ~200-byte message, through the pure session objects (no
// sockets, so the figures are CPU cost, not loopback latency). Fixed seeds.
// Run: transport_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "node/transport/noise_session.hpp"
#include "node/transport/peer_connection.hpp"
#include "node/transport/peer_session.hpp"

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

// Both sides of one complete handshake (acts one, two, three) with fresh ephemeral keys.
void BM_handshake_both_sides(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const auto initiator_key = seeded_key(rng);
  const auto responder_key = seeded_key(rng);
  const node_id responder_id = node_id_of(responder_key);
  std::vector<crypto::secret_key> ephemerals;
  for (int i = 0; i < 256; ++i) ephemerals.push_back(seeded_key(rng));
  std::size_t n = 0;
  for (auto _ : state) {
    auto init = *noise_session::initiator(initiator_key, responder_id, ephemerals[n % 256]);
    auto resp = noise_session::responder(responder_key, ephemerals[(n + 1) % 256]);
    byte_vector a, b;
    std::vector<byte_vector> none;
    init.start(a);
    (void)resp.feed(a, b, none);
    a.clear();
    (void)init.feed(b, a, none);
    (void)resp.feed(a, b, none);
    if (!resp.established()) state.SkipWithError("handshake failed");
    ++n;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_handshake_both_sides);

struct established {
  noise_session sender;
  noise_session receiver;
};

established make_established() {
  std::mt19937_64 rng(2);
  const auto responder_key = seeded_key(rng);
  auto init = *noise_session::initiator(seeded_key(rng), node_id_of(responder_key), seeded_key(rng));
  auto resp = noise_session::responder(responder_key, seeded_key(rng));
  byte_vector a, b;
  std::vector<byte_vector> none;
  init.start(a);
  (void)resp.feed(a, b, none);
  a.clear();
  (void)init.feed(b, a, none);
  (void)resp.feed(a, b, none);
  return {init, resp};
}

// Encrypt one message into a frame and decrypt it on the other side; Arg = message bytes.
void BM_encrypt_decrypt(benchmark::State& state) {
  established e = make_established();
  const byte_vector message(static_cast<std::size_t>(state.range(0)), 0x5a);
  byte_vector wire, none;
  std::vector<byte_vector> got;
  wire.reserve(message.size() + frame_overhead_bytes);
  for (auto _ : state) {
    wire.clear();
    got.clear();
    (void)e.sender.send(message, wire);
    (void)e.receiver.feed(wire, none, got);
    benchmark::DoNotOptimize(got.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_encrypt_decrypt)->Arg(200)->Arg(1024)->Arg(65'535);

// Encrypt only (the sender's cost), 200 bytes.
void BM_encrypt_only(benchmark::State& state) {
  established e = make_established();
  const byte_vector message(static_cast<std::size_t>(state.range(0)), 0x5a);
  byte_vector wire;
  wire.reserve(message.size() + frame_overhead_bytes);
  for (auto _ : state) {
    wire.clear();
    (void)e.sender.send(message, wire);
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_encrypt_only)->Arg(200);

// The whole path for one channel message (a commit, 112 bytes inside a ~150-byte BOLT 1 wrapper):
// encode_wire + encrypt on one peer_session, decrypt + decode + rate limit + inbox on the other.
void BM_peer_channel_message(benchmark::State& state) {
  std::mt19937_64 rng(3);
  const auto b_key = seeded_key(rng);
  peer_limits limits;
  limits.max_messages_per_second = 1'000'000'000;
  limits.message_burst = 1'000'000'000;
  auto a = *peer_session::initiator(seeded_key(rng), node_id_of(b_key), seeded_key(rng), init_message{}, limits, 0);
  auto b = peer_session::responder(b_key, seeded_key(rng), init_message{}, limits, 0);
  byte_vector ab, ba;
  a.start(ab);
  for (int i = 0; i < 4; ++i) {
    byte_vector x;
    x.swap(ab);
    if (!x.empty()) (void)b.on_bytes(x, 0, ba);
    byte_vector y;
    y.swap(ba);
    if (!y.empty()) (void)a.on_bytes(y, 0, ab);
  }
  if (!a.ready() || !b.ready()) {
    state.SkipWithError("peers not ready");
    return;
  }
  channel_id cid;
  cid.bytes.fill(7);
  protocol::signature sig;
  sig.bytes.fill(0x33);
  const wire_message m = channel_wire{cid, protocol::commit{5, protocol::commit_kind::initiate, 4, 3, sig}};
  std::size_t wire_bytes = 0;
  for (auto _ : state) {
    ab.clear();
    (void)a.send(m, ab);
    wire_bytes = ab.size();
    (void)b.on_bytes(ab, 0, ba);
    auto inbox = b.take_inbox();
    benchmark::DoNotOptimize(inbox.size());
  }
  state.counters["wire_bytes"] = static_cast<double>(wire_bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_peer_channel_message);

// Real TCP on 127.0.0.1, both ends in this thread with one poll loop: batches of 1,000 channel
// messages (commit, 157 bytes on the wire) from client to server; the time includes the kernel's
// loopback path and the poll loop. items = messages delivered to the server's inbox.
void BM_tcp_loopback_channel_messages(benchmark::State& state) {
  std::mt19937_64 rng(4);
  const auto server_key = seeded_key(rng);
  peer_limits limits;
  limits.max_messages_per_second = 1'000'000'000;
  limits.message_burst = 1'000'000'000;
  limits.max_buffered_bytes = 16u << 20;
  auto listener = tcp_listener::listen("127.0.0.1", 0);
  if (!listener) {
    state.SkipWithError("cannot listen on 127.0.0.1");
    return;
  }
  auto client = peer_connection::connect("127.0.0.1", listener->port(), seeded_key(rng), node_id_of(server_key),
                                         init_message{}, limits);
  if (!client) {
    state.SkipWithError("cannot connect");
    return;
  }
  std::unique_ptr<peer_connection> server;
  for (int i = 0; i < 10'000 && !(server && server->ready() && (*client)->ready()); ++i) {
    std::vector<peer_connection*> conns{client->get()};
    if (server) conns.push_back(server.get());
    std::vector<int> accepted;
    poll_once(conns, 10, &*listener, &accepted);
    for (int fd : accepted) server = peer_connection::accept(fd, server_key, init_message{}, limits);
  }
  if (!server || !server->ready()) {
    state.SkipWithError("handshake did not finish");
    return;
  }
  channel_id cid;
  cid.bytes.fill(7);
  protocol::signature sig;
  sig.bytes.fill(0x33);
  const wire_message m = channel_wire{cid, protocol::commit{5, protocol::commit_kind::initiate, 4, 3, sig}};
  constexpr int batch = 1'000;
  std::vector<peer_connection*> conns{client->get(), server.get()};
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) (void)(*client)->send(m);
    std::size_t got = 0;
    while (got < batch && !server->closed() && !(*client)->closed()) {
      poll_once(conns, 100);
      got += server->take_inbox().size();
    }
    if (got < batch) {
      state.SkipWithError("connection closed during the run");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * batch);
}
BENCHMARK(BM_tcp_loopback_channel_messages)->UseRealTime();

}  // namespace
