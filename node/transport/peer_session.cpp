#include "node/transport/peer_session.hpp"

#include <algorithm>

namespace clearway::node::transport {

namespace {
constexpr std::size_t max_outstanding_pings = 16;

}  // namespace

std::string_view to_string(disconnect_reason r) noexcept {
  switch (r) {
    case disconnect_reason::handshake_failed: return "handshake_failed";
    case disconnect_reason::handshake_timeout: return "handshake_timeout";
    case disconnect_reason::bad_frame: return "bad_frame";
    case disconnect_reason::frame_too_large: return "frame_too_large";
    case disconnect_reason::malformed_message: return "malformed_message";
    case disconnect_reason::unknown_even_message: return "unknown_even_message";
    case disconnect_reason::init_expected: return "init_expected";
    case disconnect_reason::duplicate_init: return "duplicate_init";
    case disconnect_reason::unknown_required_feature: return "unknown_required_feature";
    case disconnect_reason::unexpected_pong: return "unexpected_pong";
    case disconnect_reason::flood: return "flood";
    case disconnect_reason::buffer_limit: return "buffer_limit";
    case disconnect_reason::peer_closed: return "peer_closed";
    case disconnect_reason::truncated_stream: return "truncated_stream";
    case disconnect_reason::io_error: return "io_error";
    case disconnect_reason::local_close: return "local_close";
  }
  return "unknown_disconnect_reason";
}

peer_session::peer_session(noise_session s, init_message local_init, peer_limits limits, std::uint64_t now_ms)
    : session_(std::move(s)), local_init_(std::move(local_init)), limits_(limits), started_ms_(now_ms),
      tokens_milli_(std::uint64_t{limits.message_burst} * 1000), last_refill_ms_(now_ms) {
  // The cap must leave room for one whole legal frame, or a peer could never send one.
  limits_.max_message_bytes = std::min(limits_.max_message_bytes, max_frame_message_bytes);
  limits_.max_buffered_bytes =
      std::max(limits_.max_buffered_bytes, limits_.max_message_bytes + frame_overhead_bytes);
}

result<peer_session, noise_error> peer_session::initiator(const crypto::secret_key& local_static,
                                                          const node_id& remote_static,
                                                          const crypto::secret_key& ephemeral,
                                                          init_message local_init, peer_limits limits,
                                                          std::uint64_t now_ms) {
  CW_TRY(s, noise_session::initiator(local_static, remote_static, ephemeral, limits.max_message_bytes));
  return peer_session(std::move(s), std::move(local_init), limits, now_ms);
}

peer_session peer_session::responder(const crypto::secret_key& local_static, const crypto::secret_key& ephemeral,
                                     init_message local_init, peer_limits limits, std::uint64_t now_ms) {
  return peer_session(noise_session::responder(local_static, ephemeral, limits.max_message_bytes),
                      std::move(local_init), limits, now_ms);
}

void peer_session::start(byte_vector& out) { session_.start(out); }

disconnect_reason peer_session::fail(disconnect_reason r) noexcept {
  if (!failure_) failure_ = r;
  inbox_.clear();
  inbox_bytes_ = 0;
  return *failure_;
}

void peer_session::close(disconnect_reason why) noexcept { (void)fail(why); }

std::deque<wire_message> peer_session::take_inbox() {
  std::deque<wire_message> out;
  out.swap(inbox_);
  inbox_bytes_ = 0;
  return out;
}

bool peer_session::take_token(std::uint64_t now_ms) noexcept {
  const std::uint64_t capacity = std::uint64_t{limits_.message_burst} * 1000;
  if (now_ms > last_refill_ms_) {
    // max_messages_per_second tokens per 1000 ms = that many milli-tokens per ms.
    const std::uint64_t gained = (now_ms - last_refill_ms_) * limits_.max_messages_per_second;
    tokens_milli_ = std::min(capacity, tokens_milli_ + gained);
    last_refill_ms_ = now_ms;
  }
  if (tokens_milli_ < 1000) return false;
  tokens_milli_ -= 1000;
  return true;
}

status<disconnect_reason> peer_session::on_bytes(byte_span in, std::uint64_t now_ms, byte_vector& out) {
  if (failure_) return *failure_;
  if (in.size() > inbound_room()) return fail(disconnect_reason::buffer_limit);  // the caller ignored the room
  const bool was_established = session_.established();
  std::vector<byte_vector> messages;
  auto st = session_.feed(in, out, messages);
  if (!st) {
    if (st.error() == noise_error::frame_too_large) return fail(disconnect_reason::frame_too_large);
    return fail(was_established || session_.established() ? disconnect_reason::bad_frame
                                                          : disconnect_reason::handshake_failed);
  }
  if (session_.established() && !init_sent_) {
    init_sent_ = true;
    if (auto sent = send_raw(local_init_, out); !sent) return fail(sent.error());
  }
  for (const auto& raw : messages) CW_CHECK(handle(raw, now_ms, out));
  // Our automatic replies piled up: the peer asks for pongs it does not read.
  if (out.size() > limits_.max_buffered_bytes) return fail(disconnect_reason::buffer_limit);
  return {};
}

status<disconnect_reason> peer_session::handle(const byte_vector& raw, std::uint64_t now_ms, byte_vector& out) {
  if (!take_token(now_ms)) return fail(disconnect_reason::flood);
  auto decoded = decode_wire(raw);
  if (!decoded) {
    wire_failure_ = decoded.error();
    return fail(decoded.error() == wire_error::unknown_even_type ? disconnect_reason::unknown_even_message
                                                                   : disconnect_reason::malformed_message);
  }
  wire_message& m = *decoded;
  if (!remote_init_) {
    auto* init = std::get_if<init_message>(&m);
    if (init == nullptr) return fail(disconnect_reason::init_expected);
    byte_vector known = local_init_.features;
    byte_vector theirs = init->features;
    // BOLT 1: global features are ORed into features.
    const std::size_t n = std::max(theirs.size(), init->global_features.size());
    theirs.insert(theirs.begin(), n - theirs.size(), 0);
    for (std::size_t i = 0; i < init->global_features.size(); ++i) {
      theirs[n - 1 - i] |= init->global_features[init->global_features.size() - 1 - i];
    }
    if (unknown_required_feature(theirs, known)) return fail(disconnect_reason::unknown_required_feature);
    remote_init_ = std::move(*init);
    return {};
  }
  return std::visit(
      [&](auto& v) -> status<disconnect_reason> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, init_message>) {
          return fail(disconnect_reason::duplicate_init);
        } else if constexpr (std::is_same_v<T, ping_wire>) {
          if (v.num_pong_bytes >= pong_suppressed_from) return {};
          // Checked per pong: one read may hold thousands of pings asking for 65 kB each.
          if (out.size() > limits_.max_buffered_bytes) return fail(disconnect_reason::buffer_limit);
          return send_raw(pong_wire{byte_vector(v.num_pong_bytes), {}}, out);
        } else if constexpr (std::is_same_v<T, pong_wire>) {
          if (pings_outstanding_.empty() || pings_outstanding_.front() != v.ignored.size()) {
            return fail(disconnect_reason::unexpected_pong);
          }
          pings_outstanding_.pop_front();
          ++pongs_received_;
          return {};
        } else if constexpr (std::is_same_v<T, ignored_wire>) {
          return {};
        } else {
          inbox_bytes_ += raw.size();
          inbox_.push_back(std::move(v));
          return {};
        }
      },
      m);
}

disconnect_reason peer_session::on_end_of_stream() {
  if (failure_) return *failure_;
  if (!session_.end_of_stream()) return fail(disconnect_reason::truncated_stream);
  return fail(disconnect_reason::peer_closed);
}

status<disconnect_reason> peer_session::on_tick(std::uint64_t now_ms) {
  if (failure_) return *failure_;
  if (!remote_init_ && now_ms - started_ms_ >= limits_.handshake_timeout_ms) {
    return fail(disconnect_reason::handshake_timeout);
  }
  return {};
}

status<disconnect_reason> peer_session::send_raw(const wire_message& m, byte_vector& out) {
  auto bytes = encode_wire(m);
  if (!bytes) {
    wire_failure_ = bytes.error();
    return disconnect_reason::malformed_message;  // a local mistake: the session itself is fine
  }
  auto st = session_.send(*bytes, out);
  if (!st) return st.error() == noise_error::message_too_large ? disconnect_reason::frame_too_large
                                                               : disconnect_reason::local_close;
  return {};
}

status<disconnect_reason> peer_session::send(const wire_message& m, byte_vector& out) {
  if (failure_) return *failure_;
  if (!ready()) return disconnect_reason::init_expected;  // nothing but init before both inits
  if (std::holds_alternative<init_message>(m)) return disconnect_reason::duplicate_init;
  // Backpressure: refused, not fatal; the caller retries once writes have drained `out`.
  if (out.size() >= limits_.max_buffered_bytes) return disconnect_reason::buffer_limit;
  return send_raw(m, out);
}

status<disconnect_reason> peer_session::send_ping(std::uint16_t num_pong_bytes, byte_vector& out) {
  if (failure_) return *failure_;
  if (!ready()) return disconnect_reason::init_expected;
  if (num_pong_bytes < pong_suppressed_from) {
    if (pings_outstanding_.size() >= max_outstanding_pings) return disconnect_reason::buffer_limit;
  }
  if (out.size() >= limits_.max_buffered_bytes) return disconnect_reason::buffer_limit;
  CW_CHECK(send_raw(ping_wire{num_pong_bytes, {}, {}}, out));
  if (num_pong_bytes < pong_suppressed_from) pings_outstanding_.push_back(num_pong_bytes);
  return {};
}

}  // namespace clearway::node::transport
