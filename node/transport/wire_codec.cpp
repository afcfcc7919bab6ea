#include "node/transport/wire_codec.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace clearway::node::transport {

namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

// A cursor over the input that never reads past its end.
struct reader {
  byte_span in;
  std::size_t pos = 0;
  [[nodiscard]] std::size_t remaining() const { return in.size() - pos; }
  [[nodiscard]] bool u16(std::uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<std::uint16_t>((in[pos] << 8) | in[pos + 1]);
    pos += 2;
    return true;
  }
  [[nodiscard]] bool bytes(std::uint8_t* out, std::size_t n) {
    if (remaining() < n) return false;
    if (n != 0) std::memcpy(out, in.data() + pos, n);
    pos += n;
    return true;
  }
  // A u16 length then that many bytes; the length is checked against the input before allocating.
  [[nodiscard]] bool u16_bytes(byte_vector& out) {
    std::uint16_t n = 0;
    if (!u16(n) || remaining() < n) return false;
    out.assign(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    return true;
  }
};

void put_u16(byte_vector& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

[[nodiscard]] bool put_u16_bytes(byte_vector& out, const byte_vector& v) {
  if (v.size() > 0xffff) return false;
  put_u16(out, static_cast<std::uint16_t>(v.size()));
  out.insert(out.end(), v.begin(), v.end());
  return true;
}

// One TLV record as read off the wire.
struct raw_tlv {
  std::uint64_t type;
  byte_span value;
};

// Reads a whole TLV stream (the rest of the input), checking BOLT 1's stream rules; `known`
// decides which even types the caller understands. Records are handed to `on_record`.
template <class Known, class OnRecord>
status<wire_error> read_tlv_stream(reader& r, Known known, OnRecord on_record) {
  std::optional<std::uint64_t> last;
  while (r.remaining() > 0) {
    CW_TRY(type, read_bigsize(r.in, r.pos));
    CW_TRY(length, read_bigsize(r.in, r.pos));
    if (length > r.remaining()) return wire_error::truncated;
    if (last && type <= *last) return wire_error::tlv_not_increasing;
    last = type;
    const raw_tlv rec{type, byte_span(r.in.data() + r.pos, static_cast<std::size_t>(length))};
    r.pos += static_cast<std::size_t>(length);
    if (!known(type) && type % 2 == 0) return wire_error::unknown_even_tlv;
    CW_CHECK(on_record(rec));
  }
  return {};
}

status<wire_error> keep_unknown(std::vector<tlv_record>& out, const raw_tlv& rec) {
  out.push_back(tlv_record{rec.type, byte_vector(rec.value.begin(), rec.value.end())});
  return {};
}

// Extension stream of a message that defines no TLVs: only unknown odd records.
status<wire_error> read_extensions(reader& r, std::vector<tlv_record>& out) {
  return read_tlv_stream(r, [](std::uint64_t) { return false; },
                         [&](const raw_tlv& rec) { return keep_unknown(out, rec); });
}

void put_tlv(byte_vector& out, std::uint64_t type, byte_span value) {
  put_bigsize(out, type);
  put_bigsize(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

// Writes known records (already sorted, types in `known`) merged with unknown odd ones in type
// order; refuses unknown records that are even, collide with known types, or are out of order.
status<wire_error> put_tlv_stream(byte_vector& out, std::vector<raw_tlv> known,
                                  const std::vector<tlv_record>& unknown) {
  std::optional<std::uint64_t> last;
  for (const auto& u : unknown) {
    if (u.type % 2 == 0 || (last && u.type <= *last)) return wire_error::invalid_tlv_record;
    for (const auto& k : known) {
      if (k.type == u.type) return wire_error::invalid_tlv_record;
    }
    last = u.type;
    known.push_back(raw_tlv{u.type, byte_span(u.value.data(), u.value.size())});
  }
  std::sort(known.begin(), known.end(), [](const raw_tlv& a, const raw_tlv& b) { return a.type < b.type; });
  for (const auto& rec : known) put_tlv(out, rec.type, rec.value);
  return {};
}

constexpr std::uint64_t tlv_networks = 1;
constexpr std::uint64_t tlv_remote_addr = 3;

result<wire_message, wire_error> decode_init(reader& r) {
  init_message m;
  if (!r.u16_bytes(m.global_features) || !r.u16_bytes(m.features)) return wire_error::truncated;
  auto known = [](std::uint64_t t) { return t == tlv_networks || t == tlv_remote_addr; };
  auto on_record = [&](const raw_tlv& rec) -> status<wire_error> {
    if (rec.type == tlv_networks) {
      if (rec.value.size() % 32 != 0) return wire_error::bad_tlv_length;
      std::vector<chain_hash> chains(rec.value.size() / 32);
      for (std::size_t i = 0; i < chains.size(); ++i) std::memcpy(chains[i].data(), rec.value.data() + 32 * i, 32);
      m.networks = std::move(chains);
      return {};
    }
    if (rec.type == tlv_remote_addr) {
      m.remote_addr = byte_vector(rec.value.begin(), rec.value.end());
      return {};
    }
    return keep_unknown(m.unknown_tlvs, rec);
  };
  CW_CHECK(read_tlv_stream(r, known, on_record));
  return wire_message{std::move(m)};
}

template <class T>
result<wire_message, wire_error> decode_error_like(reader& r) {
  T m;
  if (!r.bytes(m.channel.data(), 32) || !r.u16_bytes(m.data)) return wire_error::truncated;
  CW_CHECK(read_extensions(r, m.unknown_tlvs));
  return wire_message{std::move(m)};
}

result<wire_message, wire_error> decode_ping(reader& r) {
  ping_wire m;
  if (!r.u16(m.num_pong_bytes) || !r.u16_bytes(m.ignored)) return wire_error::truncated;
  CW_CHECK(read_extensions(r, m.unknown_tlvs));
  return wire_message{std::move(m)};
}

result<wire_message, wire_error> decode_pong(reader& r) {
  pong_wire m;
  if (!r.u16_bytes(m.ignored)) return wire_error::truncated;
  CW_CHECK(read_extensions(r, m.unknown_tlvs));
  return wire_message{std::move(m)};
}

}  // namespace

std::string_view to_string(wire_error e) noexcept {
  switch (e) {
    case wire_error::missing_type: return "missing_type: message shorter than its 2-byte type";
    case wire_error::unknown_even_type: return "unknown_even_type: an even message type this node does not know";
    case wire_error::truncated: return "truncated: the message ends inside a field or TLV record";
    case wire_error::non_minimal_bigsize: return "non_minimal_bigsize: a BigSize not minimally encoded";
    case wire_error::tlv_not_increasing: return "tlv_not_increasing: TLV types repeated or out of order";
    case wire_error::unknown_even_tlv: return "unknown_even_tlv: an even TLV type this node does not know";
    case wire_error::bad_tlv_length: return "bad_tlv_length: a known TLV record has a length its type forbids";
    case wire_error::channel_message_invalid: return "channel_message_invalid: the wrapped channel message fails its codec";
    case wire_error::field_too_long: return "field_too_long: a field longer than its u16 length prefix allows";
    case wire_error::message_too_large: return "message_too_large: encoded message over 65535 bytes";
    case wire_error::cannot_encode_ignored: return "cannot_encode_ignored: an ignored message has no encoding";
    case wire_error::invalid_policy: return "invalid_policy: bytes after a policy's last field";
    case wire_error::invalid_route: return "invalid_route: a route with no hop, too many hops or trailing bytes";
    case wire_error::invalid_tlv_record: return "invalid_tlv_record: an extra TLV record is even, duplicated or out of order";
  }
  return "unknown_wire_error";
}

void put_bigsize(byte_vector& out, std::uint64_t v) {
  auto be = [&](std::uint64_t x, int width) {
    for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(x >> shift));
  };
  if (v < 0xfd) {
    out.push_back(static_cast<std::uint8_t>(v));
  } else if (v <= 0xffff) {
    out.push_back(0xfd);
    be(v, 2);
  } else if (v <= 0xffffffffULL) {
    out.push_back(0xfe);
    be(v, 4);
  } else {
    out.push_back(0xff);
    be(v, 8);
  }
}

result<std::uint64_t, wire_error> read_bigsize(byte_span in, std::size_t& pos) {
  if (pos >= in.size()) return wire_error::truncated;
  const std::uint8_t first = in[pos];
  std::size_t width = 0;
  std::uint64_t minimum = 0;
  if (first < 0xfd) {
    ++pos;
    return std::uint64_t{first};
  }
  if (first == 0xfd) {
    width = 2;
    minimum = 0xfd;
  } else if (first == 0xfe) {
    width = 4;
    minimum = 0x10000;
  } else {
    width = 8;
    minimum = 0x100000000ULL;
  }
  if (in.size() - pos - 1 < width) return wire_error::truncated;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | in[pos + 1 + i];
  if (v < minimum) return wire_error::non_minimal_bigsize;
  pos += 1 + width;
  return v;
}

namespace {

bool read_u64(reader& r, std::uint64_t& out) {
  std::array<std::uint8_t, 8> b{};
  if (!r.bytes(b.data(), 8)) return false;
  out = 0;
  for (const std::uint8_t x : b) out = (out << 8) | x;
  return true;
}

void put_u64(byte_vector& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

result<wire_message, wire_error> decode_route(reader& r) {
  route_wire m;
  std::uint8_t count = 0;
  if (!r.bytes(m.channel.data(), 32) || !read_u64(r, m.htlc) || !r.bytes(&count, 1)) return wire_error::truncated;
  if (count == 0 || count > max_route_hops) return wire_error::invalid_route;
  m.hops.resize(count);
  for (route_hop& h : m.hops) {
    std::uint64_t value = 0;
    if (!r.bytes(h.next_channel.data(), 32) || !read_u64(r, value) || !read_u64(r, h.time_lock_s)) {
      return wire_error::truncated;
    }
    h.amount = protocol::amount::from_base_units(value);
  }
  if (r.remaining() != 0) return wire_error::invalid_route;
  return wire_message{std::move(m)};
}

result<wire_message, wire_error> decode_policy(reader& r) {
  policy_wire m;
  std::uint64_t base = 0;
  std::uint64_t ppm = 0;
  std::array<std::uint8_t, 4> ppm_bytes{};
  if (!r.bytes(m.channel.data(), 32) || !read_u64(r, base) || !r.bytes(ppm_bytes.data(), 4) ||
      !read_u64(r, m.time_lock_delta_s)) {
    return wire_error::truncated;
  }
  for (const std::uint8_t x : ppm_bytes) ppm = (ppm << 8) | x;
  if (r.remaining() != 0) return wire_error::invalid_policy;
  m.fee_base = protocol::amount::from_base_units(base);
  m.fee_ppm = static_cast<std::uint32_t>(ppm);
  return wire_message{m};
}

}  // namespace

result<wire_message, wire_decode_failure> decode_wire_detailed(byte_span bytes) {
  reader r{bytes};
  std::uint16_t type = 0;
  if (!r.u16(type)) return wire_decode_failure{wire_error::missing_type, std::nullopt};
  auto plain = [](result<wire_message, wire_error> res) -> result<wire_message, wire_decode_failure> {
    if (!res) return wire_decode_failure{res.error(), std::nullopt};
    return std::move(res).value();
  };
  switch (static_cast<wire_type>(type)) {
    case wire_type::warning: return plain(decode_error_like<warning_wire>(r));
    case wire_type::init: return plain(decode_init(r));
    case wire_type::error: return plain(decode_error_like<error_wire>(r));
    case wire_type::ping: return plain(decode_ping(r));
    case wire_type::pong: return plain(decode_pong(r));
    case wire_type::channel: {
      channel_wire m;
      if (!r.bytes(m.channel.data(), 32)) return wire_decode_failure{wire_error::truncated, std::nullopt};
      auto inner = protocol::decode(byte_span(bytes.data() + r.pos, r.remaining()));
      if (!inner) return wire_decode_failure{wire_error::channel_message_invalid, inner.error()};
      m.message = std::move(inner).value();
      return wire_message{std::move(m)};
    }
    case wire_type::route: return plain(decode_route(r));
    case wire_type::policy: return plain(decode_policy(r));
  }
  if (type % 2 == 0) return wire_decode_failure{wire_error::unknown_even_type, std::nullopt};
  return wire_message{ignored_wire{type}};
}

result<wire_message, wire_error> decode_wire(byte_span bytes) {
  auto res = decode_wire_detailed(bytes);
  if (!res) return res.error().error;
  return std::move(res).value();
}

result<byte_vector, wire_error> encode_wire(const wire_message& m) {
  byte_vector out;
  auto st = std::visit(
      overloaded{
          [&](const init_message& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::init));
            if (!put_u16_bytes(out, v.global_features) || !put_u16_bytes(out, v.features)) {
              return wire_error::field_too_long;
            }
            byte_vector networks;
            std::vector<raw_tlv> known;
            if (v.networks) {
              for (const auto& c : *v.networks) networks.insert(networks.end(), c.bytes.begin(), c.bytes.end());
              known.push_back(raw_tlv{tlv_networks, byte_span(networks.data(), networks.size())});
            }
            if (v.remote_addr) known.push_back(raw_tlv{tlv_remote_addr, byte_span(v.remote_addr->data(), v.remote_addr->size())});
            return put_tlv_stream(out, std::move(known), v.unknown_tlvs);
          },
          [&](const error_wire& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::error));
            out.insert(out.end(), v.channel.bytes.begin(), v.channel.bytes.end());
            if (!put_u16_bytes(out, v.data)) return wire_error::field_too_long;
            return put_tlv_stream(out, {}, v.unknown_tlvs);
          },
          [&](const warning_wire& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::warning));
            out.insert(out.end(), v.channel.bytes.begin(), v.channel.bytes.end());
            if (!put_u16_bytes(out, v.data)) return wire_error::field_too_long;
            return put_tlv_stream(out, {}, v.unknown_tlvs);
          },
          [&](const ping_wire& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::ping));
            put_u16(out, v.num_pong_bytes);
            if (!put_u16_bytes(out, v.ignored)) return wire_error::field_too_long;
            return put_tlv_stream(out, {}, v.unknown_tlvs);
          },
          [&](const pong_wire& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::pong));
            if (!put_u16_bytes(out, v.ignored)) return wire_error::field_too_long;
            return put_tlv_stream(out, {}, v.unknown_tlvs);
          },
          [&](const channel_wire& v) -> status<wire_error> {
            if (!protocol::validate(v.message)) return wire_error::channel_message_invalid;
            put_u16(out, static_cast<std::uint16_t>(wire_type::channel));
            out.insert(out.end(), v.channel.bytes.begin(), v.channel.bytes.end());
            const byte_vector inner = protocol::encode(v.message);
            out.insert(out.end(), inner.begin(), inner.end());
            return {};
          },
          [&](const route_wire& v) -> status<wire_error> {
            if (v.hops.empty() || v.hops.size() > max_route_hops) return wire_error::invalid_route;
            put_u16(out, static_cast<std::uint16_t>(wire_type::route));
            out.insert(out.end(), v.channel.bytes.begin(), v.channel.bytes.end());
            put_u64(out, v.htlc);
            out.push_back(static_cast<std::uint8_t>(v.hops.size()));
            for (const route_hop& h : v.hops) {
              out.insert(out.end(), h.next_channel.bytes.begin(), h.next_channel.bytes.end());
              put_u64(out, h.amount.base_units());
              put_u64(out, h.time_lock_s);
            }
            return {};
          },
          [&](const policy_wire& v) -> status<wire_error> {
            put_u16(out, static_cast<std::uint16_t>(wire_type::policy));
            out.insert(out.end(), v.channel.bytes.begin(), v.channel.bytes.end());
            put_u64(out, v.fee_base.base_units());
            for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v.fee_ppm >> shift));
            put_u64(out, v.time_lock_delta_s);
            return {};
          },
          [&](const ignored_wire&) -> status<wire_error> { return wire_error::cannot_encode_ignored; },
      },
      m);
  if (!st) return st.error();
  if (out.size() > 65'535) return wire_error::message_too_large;
  return out;
}

std::string_view wire_message_name(const wire_message& m) noexcept {
  static constexpr std::string_view names[] = {"init", "error", "warning", "ping", "pong", "channel", "route", "policy", "ignored"};
  return names[m.index()];
}

bool has_feature_bit(byte_span features, std::size_t bit) noexcept {
  const std::size_t byte_from_end = bit / 8;
  if (byte_from_end >= features.size()) return false;
  return (features[features.size() - 1 - byte_from_end] >> (bit % 8) & 1) != 0;
}

void set_feature_bit(byte_vector& features, std::size_t bit) {
  const std::size_t need = bit / 8 + 1;
  if (features.size() < need) features.insert(features.begin(), need - features.size(), 0);
  features[features.size() - 1 - bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
}

std::optional<std::size_t> unknown_required_feature(byte_span features, byte_span known) noexcept {
  for (std::size_t bit = 0; bit < features.size() * 8; bit += 2) {
    // A pair (even = required, odd = optional) is understood if we know either of its bits.
    if (has_feature_bit(features, bit) && !has_feature_bit(known, bit) && !has_feature_bit(known, bit + 1)) {
      return bit;
    }
  }
  return std::nullopt;
}

}  // namespace clearway::node::transport
