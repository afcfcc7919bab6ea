// Fuzzes the frame decoder, the handshake readers and the BOLT 1 peer logic behind them. The
// first input byte picks a mode:
//  0: raw bytes to a fresh responder (act one reader) and, after a real act one, to an
//     initiator (act two reader), in chunks: any input is refused with a named error or waits;
//  1: the rest is split into plaintext messages that a real initiator encrypts; one mutation
//     (flip, drop, insert, truncate) is applied to the ciphertext stream, which is fed to the
//     responder in fuzzer-chosen chunks. Without a mutation every message arrives intact; with
//     one, what arrives is a prefix of what was sent, and the session never buffers more than one
//     frame;
//  2: the messages are fed, encrypted and intact, to a responder peer_session (BOLT 1: init
//     first, ping/pong, odd/even types, rate limit) on a virtual clock; the session never holds
//     more than its cap.
// Aborts on any broken invariant.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "node/transport/noise_session.hpp"
#include "node/transport/peer_session.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "transport_fuzz: %s\n", what);
  std::abort();
}

crypto::secret_key fixed_key(std::uint8_t fill) {
  bytes32 raw;
  raw.bytes.fill(fill);
  return *crypto::secret_key::from_bytes(raw);
}

struct established_pair {
  noise_session initiator;
  noise_session responder;
};

// One real handshake, done once; every input starts from a copy.
const established_pair& pair() {
  static const established_pair p = [] {
    auto init = *noise_session::initiator(fixed_key(0x11), node_id_of(fixed_key(0x21)), fixed_key(0x12));
    auto resp = noise_session::responder(fixed_key(0x21), fixed_key(0x22));
    byte_vector a, b;
    std::vector<byte_vector> none;
    init.start(a);
    if (!resp.feed(a, b, none)) fail("handshake act one");
    a.clear();
    if (!init.feed(b, a, none)) fail("handshake act two");
    if (!resp.feed(a, b, none)) fail("handshake act three");
    return established_pair{init, resp};
  }();
  return p;
}

struct cursor {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  std::uint8_t byte() { return pos < size ? data[pos++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((byte() << 8) | byte()); }
  bool done() const { return pos >= size; }
};

// Splits the input into messages: u8 length then that many bytes (lengths scaled up sometimes).
std::vector<byte_vector> split_messages(cursor& c) {
  std::vector<byte_vector> out;
  while (!c.done() && out.size() < 64) {
    std::size_t len = c.byte();
    if (len == 0xff) len = c.u16() % 4096;
    byte_vector m;
    for (std::size_t i = 0; i < len && !c.done(); ++i) m.push_back(c.byte());
    out.push_back(std::move(m));
  }
  return out;
}

void feed_in_chunks(noise_session& s, const byte_vector& wire, std::uint8_t chunk_seed,
                    std::vector<byte_vector>& got, bool& failed) {
  byte_vector out;
  const std::size_t chunk = 1 + chunk_seed * 7u;
  for (std::size_t at = 0; at < wire.size(); at += chunk) {
    const std::size_t n = std::min(chunk, wire.size() - at);
    auto st = s.feed(byte_span(wire.data() + at, n), out, got);
    if (s.buffered_bytes() > frame_header_bytes + max_frame_message_bytes + mac_bytes) fail("buffered too much");
    if (!st) {
      if (to_string(st.error()) == "unknown_noise_error") fail("unnamed error");
      failed = true;
      return;
    }
  }
}

// Fresh sessions built once (key derivation and ECDH dominate a run otherwise); each input
// works on copies.
const noise_session& fresh_responder() {
  static const noise_session s = noise_session::responder(fixed_key(0x21), fixed_key(0x22));
  return s;
}
const noise_session& initiator_after_act_one() {
  static const noise_session s = [] {
    auto init = *noise_session::initiator(fixed_key(0x11), node_id_of(fixed_key(0x21)), fixed_key(0x12));
    byte_vector a1;
    init.start(a1);
    return init;
  }();
  return s;
}

void mode_raw_handshake(cursor& c) {
  const std::uint8_t chunk_seed = c.byte();
  const byte_vector rest(c.data + c.pos, c.data + c.size);
  std::vector<byte_vector> got;
  bool failed = false;
  noise_session resp = fresh_responder();
  feed_in_chunks(resp, rest, chunk_seed, got, failed);
  noise_session init = initiator_after_act_one();
  feed_in_chunks(init, rest, chunk_seed, got, failed);
  if (!got.empty()) fail("a message got through a forged handshake");
}

void mode_frames(cursor& c) {
  const std::uint8_t mutation = c.byte();
  const std::uint16_t where = c.u16();
  const std::uint8_t chunk_seed = c.byte();
  const auto messages = split_messages(c);
  established_pair p = pair();
  byte_vector wire;
  for (const auto& m : messages) {
    if (!p.initiator.send(m, wire)) fail("send refused a small message");
  }
  const bool mutate = !wire.empty() && mutation % 5 != 0;
  if (mutate) {
    const std::size_t at = where % wire.size();
    switch (mutation % 5) {
      case 1: wire[at] ^= static_cast<std::uint8_t>(1u << (mutation % 8)); break;
      case 2: wire.erase(wire.begin() + static_cast<std::ptrdiff_t>(at)); break;
      case 3: wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), mutation); break;
      default: wire.resize(at); break;
    }
  }
  std::vector<byte_vector> got;
  bool failed = false;
  feed_in_chunks(p.responder, wire, chunk_seed, got, failed);
  if (!mutate && (failed || got != messages)) fail("intact stream not delivered exactly");
  if (got.size() > messages.size()) fail("more messages out than in");
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] != messages[i]) fail("a tampered stream delivered a message that was never sent");
  }
}

constexpr peer_limits fuzz_limits() {
  peer_limits limits;
  limits.max_buffered_bytes = 64 * 1024;
  limits.max_messages_per_second = 50;
  limits.message_burst = 20;
  return limits;
}

struct established_peer {
  peer_session peer;
  noise_session initiator;
};

// A responder peer_session after a real handshake with fixed keys, at virtual time 0.
const established_peer& peer_after_handshake() {
  static const established_peer p = [] {
    auto peer = peer_session::responder(fixed_key(0x21), fixed_key(0x22), init_message{}, fuzz_limits(), 0);
    auto init = *noise_session::initiator(fixed_key(0x11), node_id_of(fixed_key(0x21)), fixed_key(0x12));
    byte_vector to_peer, to_init;
    std::vector<byte_vector> from_peer;
    init.start(to_peer);
    if (!peer.on_bytes(to_peer, 0, to_init)) fail("peer act one");
    to_peer.clear();
    if (!init.feed(to_init, to_peer, from_peer)) fail("peer act two");
    to_init.clear();
    if (!peer.on_bytes(to_peer, 0, to_init)) fail("peer act three");
    return established_peer{peer, init};
  }();
  return p;
}

void mode_peer(cursor& c) {
  const std::uint8_t time_step = c.byte();
  const auto messages = split_messages(c);
  established_peer p = peer_after_handshake();
  const peer_limits limits = fuzz_limits();
  byte_vector to_peer, to_init;
  std::uint64_t now = 0;
  for (const auto& m : messages) {
    to_peer.clear();
    if (!p.initiator.send(m, to_peer)) fail("send refused a small message");
    now += time_step;
    if (to_peer.size() > p.peer.inbound_room()) (void)p.peer.take_inbox();  // the application drains
    auto st = p.peer.on_bytes(to_peer, now, to_init);
    if (p.peer.buffered_bytes() > limits.max_buffered_bytes) fail("inbound bytes over the cap");
    if (to_init.size() > limits.max_buffered_bytes + frame_overhead_bytes + 65'535) fail("outbound bytes over the cap");
    if (!st) {
      if (to_string(st.error()) == "unknown_disconnect_reason") fail("unnamed disconnect reason");
      if (!p.peer.failure()) fail("error without a recorded failure");
      return;
    }
    to_init.clear();  // the application's writer drained the output
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cursor c{data, size};
  switch (c.byte() % 3) {
    case 0: mode_raw_handshake(c); break;
    case 1: mode_frames(c); break;
    default: mode_peer(c); break;
  }
  return 0;
}

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  // Mode 0: a real act one.
  {
    auto init = *noise_session::initiator(fixed_key(0x11), node_id_of(fixed_key(0x21)), fixed_key(0x12));
    byte_vector a1;
    init.start(a1);
    std::vector<std::uint8_t> s = {0, 3};
    s.insert(s.end(), a1.begin(), a1.end());
    out->push_back(s);
  }
  // Mode 1: three messages, no mutation / a flip.
  out->push_back({1, 0, 0, 0, 2, 3, 0x00, 0x12, 0x00, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0, 5, 1, 2, 3, 4, 5});
  out->push_back({1, 1, 0, 9, 5, 4, 0x00, 0x13, 0x00, 0x00, 2, 0x80, 0x01});
  // Mode 2: init, ping, pong-less ping, an odd message, an error.
  out->push_back({2, 10, 6, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 6, 0x00, 0x12, 0x00, 0x04, 0x00, 0x00, 6, 0x00,
                  0x12, 0xff, 0xff, 0x00, 0x00, 3, 0x80, 0x01, 0x00, 38, 0x00, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x02, 'h', 'i'});
}
