#include "protocol/codec.hpp"

#include <array>
#include <type_traits>
#include <utility>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace clearway::protocol {
namespace {

constexpr std::size_t frame_header_bytes = 1 + 2;  // version, type
// The highest fail_reason value; raise it when the enum grows (the round-trip test walks them all).
constexpr auto last_fail_reason = fail_reason::temporary_failure;

struct type_entry {
  message_type type;
  std::string_view name;
};
// In the order of the message variant's alternatives.
constexpr std::array<type_entry, std::variant_size_v<message>> type_table{{
    {message_type::open_channel, "open_channel"},
    {message_type::accept_channel, "accept_channel"},
    {message_type::add_htlc, "add_htlc"},
    {message_type::fulfill_htlc, "fulfill_htlc"},
    {message_type::fail_htlc, "fail_htlc"},
    {message_type::pay, "pay"},
    {message_type::commit, "commit"},
    {message_type::revoke, "revoke"},
    {message_type::close_request, "close_request"},
    {message_type::error_message, "error_message"},
    {message_type::reestablish, "reestablish"},
}};

// Each message's wire layout, written once: the visitor sees every field in wire order. Three
// visitors give it its meanings (size, write, read); the read side also enforces the rules.
// Every visitor method returns false only on an error, so `&&` stops at the first one.
template <class V, class M>
bool fields(V& v, M& m) {
  using T = std::remove_const_t<M>;
  if constexpr (std::is_same_v<T, open_channel>) {
    return v.raw(m.bank) && v.raw(m.parties[0]) && v.raw(m.parties[1]) && v.amt(m.deposits[0]) &&
           v.amt(m.deposits[1]) && v.u64(m.freeze_time_s) && v.locks(m.first_locks);
  } else if constexpr (std::is_same_v<T, accept_channel>) {
    return v.raw(m.bank) && v.locks(m.first_locks);
  } else if constexpr (std::is_same_v<T, add_htlc>) {
    return v.id(m.id) && v.amt(m.value) && v.raw(m.hash_lock) && v.u64(m.time_lock_s);
  } else if constexpr (std::is_same_v<T, fulfill_htlc>) {
    return v.id(m.id) && v.id(m.htlc) && v.raw(m.preimage);
  } else if constexpr (std::is_same_v<T, fail_htlc>) {
    return v.id(m.id) && v.id(m.htlc) && v.reason(m.reason);
  } else if constexpr (std::is_same_v<T, pay>) {
    return v.id(m.id) && v.amt(m.value);
  } else if constexpr (std::is_same_v<T, commit>) {
    return v.u32(m.sequence) && v.kind(m.kind) && v.u64(m.initiator_upto) && v.u64(m.responder_upto) &&
           v.raw(m.sig);
  } else if constexpr (std::is_same_v<T, revoke>) {
    return v.u32(m.sequence) && v.raw(m.secret) && v.raw(m.next_lock);
  } else if constexpr (std::is_same_v<T, close_request>) {
    return v.amt(m.balances[0]) && v.amt(m.balances[1]) && v.raw(m.sig);
  } else if constexpr (std::is_same_v<T, reestablish>) {
    return v.u64(m.received_upto) && v.u32(m.held_sequence) && v.flag(m.holds_signature) &&
           v.u32(m.initiated_sequence) && v.u32(m.revoked_count) && v.flag(m.holds_close_signature);
  } else {
    static_assert(std::is_same_v<T, error_message>);
    return v.u16(m.code) && v.text(m.text);
  }
}

[[nodiscard]] constexpr bool valid_kind(std::uint8_t k) noexcept {
  return k == static_cast<std::uint8_t>(commit_kind::initiate) ||
         k == static_cast<std::uint8_t>(commit_kind::countersign);
}
[[nodiscard]] constexpr bool valid_reason(std::uint16_t r) noexcept {
  return r >= static_cast<std::uint16_t>(fail_reason::unknown_payment_hash) &&
         r <= static_cast<std::uint16_t>(last_fail_reason);
}

// Counts bytes; never fails.
struct field_sizer {
  std::size_t size = 0;
  template <std::size_t N, class Tag>
  bool raw(const fixed_bytes<N, Tag>&) { return add(N); }
  bool u16(std::uint16_t) { return add(2); }
  bool u32(std::uint32_t) { return add(4); }
  bool u64(std::uint64_t) { return add(8); }
  bool id(std::uint64_t) { return add(8); }
  bool amt(amount) { return add(8); }
  bool flag(bool) { return add(1); }
  bool kind(commit_kind) { return add(1); }
  bool reason(fail_reason) { return add(2); }
  bool locks(const std::vector<address>& l) { return add(2 + l.size() * address::size()); }
  bool text(const std::string& t) { return add(2 + t.size()); }
  bool add(std::size_t n) {
    size += n;
    return true;
  }
};

// Checks the rules decode enforces, without encoding.
struct field_validator {
  codec_error err{};
  bool fail(codec_error e) {
    err = e;
    return false;
  }
  template <std::size_t N, class Tag>
  bool raw(const fixed_bytes<N, Tag>&) { return true; }
  bool u16(std::uint16_t) { return true; }
  bool u32(std::uint32_t) { return true; }
  bool u64(std::uint64_t) { return true; }
  bool amt(amount) { return true; }
  bool flag(bool) { return true; }
  bool id(std::uint64_t i) { return i != 0 || fail(codec_error::zero_proposal_id); }
  bool kind(commit_kind k) { return valid_kind(static_cast<std::uint8_t>(k)) || fail(codec_error::invalid_commit_kind); }
  bool reason(fail_reason r) {
    return valid_reason(static_cast<std::uint16_t>(r)) || fail(codec_error::invalid_fail_reason);
  }
  bool locks(const std::vector<address>& l) {
    if (l.size() < min_first_locks) return fail(codec_error::too_few_locks);
    return l.size() <= max_first_locks || fail(codec_error::too_many_locks);
  }
  bool text(const std::string& t) { return t.size() <= max_error_text_bytes || fail(codec_error::text_too_long); }
};

// Writes; never fails. Counts and lengths are written as u16 as they are: a message that fails
// validate() then encodes to bytes decode() rejects (a bad count, or too large overall).
struct field_writer {
  byte_writer out;
  template <std::size_t N, class Tag>
  bool raw(const fixed_bytes<N, Tag>& b) {
    out.put_bytes(b.data(), N);
    return true;
  }
  bool u16(std::uint16_t v) {
    out.put_u16(v);
    return true;
  }
  bool u32(std::uint32_t v) {
    out.put_u32(v);
    return true;
  }
  bool u64(std::uint64_t v) {
    out.put_u64(v);
    return true;
  }
  bool id(std::uint64_t v) { return u64(v); }
  bool amt(amount a) { return u64(a.base_units()); }
  bool flag(bool b) {
    out.put_u8(b ? 1 : 0);
    return true;
  }
  bool kind(commit_kind k) {
    out.put_u8(static_cast<std::uint8_t>(k));
    return true;
  }
  bool reason(fail_reason r) { return u16(static_cast<std::uint16_t>(r)); }
  bool locks(const std::vector<address>& l) {
    out.put_u16(static_cast<std::uint16_t>(l.size()));
    for (const auto& a : l) out.put_bytes(a.data(), address::size());
    return true;
  }
  bool text(const std::string& t) {
    out.put_u16(static_cast<std::uint16_t>(t.size()));
    out.put_bytes(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
    return true;
  }
};

// Reads and enforces the rules. A count is checked against its cap and against the bytes left
// before anything is allocated for it.
struct field_reader {
  byte_reader& in;
  codec_error err = codec_error::truncated;
  bool fail(codec_error e) {
    err = e;
    return false;
  }
  template <std::size_t N, class Tag>
  bool raw(fixed_bytes<N, Tag>& b) { return in.read_bytes(b.data(), N) || fail(codec_error::truncated); }
  bool u16(std::uint16_t& v) { return in.read_u16(v) || fail(codec_error::truncated); }
  bool u32(std::uint32_t& v) { return in.read_u32(v) || fail(codec_error::truncated); }
  bool u64(std::uint64_t& v) { return in.read_u64(v) || fail(codec_error::truncated); }
  bool id(std::uint64_t& v) { return u64(v) && (v != 0 || fail(codec_error::zero_proposal_id)); }
  bool amt(amount& a) {
    std::uint64_t units = 0;
    if (!u64(units)) return false;
    a = amount::from_base_units(units);
    return true;
  }
  bool flag(bool& b) {
    std::uint8_t raw_flag = 0;
    if (!in.read_u8(raw_flag)) return fail(codec_error::truncated);
    if (raw_flag > 1) return fail(codec_error::invalid_flag);
    b = raw_flag == 1;
    return true;
  }
  bool kind(commit_kind& k) {
    std::uint8_t raw_kind = 0;
    if (!in.read_u8(raw_kind)) return fail(codec_error::truncated);
    if (!valid_kind(raw_kind)) return fail(codec_error::invalid_commit_kind);
    k = static_cast<commit_kind>(raw_kind);
    return true;
  }
  bool reason(fail_reason& r) {
    std::uint16_t raw_reason = 0;
    if (!u16(raw_reason)) return false;
    if (!valid_reason(raw_reason)) return fail(codec_error::invalid_fail_reason);
    r = static_cast<fail_reason>(raw_reason);
    return true;
  }
  bool locks(std::vector<address>& l) {
    std::uint16_t count = 0;
    if (!u16(count)) return false;
    if (count < min_first_locks) return fail(codec_error::too_few_locks);
    if (count > max_first_locks) return fail(codec_error::too_many_locks);
    if (std::size_t{count} * address::size() > in.remaining()) return fail(codec_error::truncated);
    l.resize(count);
    for (auto& a : l) {
      if (!raw(a)) return false;  // unreachable after the check above; kept for safety
    }
    return true;
  }
  bool text(std::string& t) {
    std::uint16_t length = 0;
    if (!u16(length)) return false;
    if (length > max_error_text_bytes) return fail(codec_error::text_too_long);
    if (length > in.remaining()) return fail(codec_error::truncated);
    t.resize(length);
    return in.read_bytes(reinterpret_cast<std::uint8_t*>(t.data()), length) || fail(codec_error::truncated);
  }
};

template <class T>
[[nodiscard]] result<message, codec_error> decode_as(byte_reader& in) {
  T m{};
  field_reader reader{in};
  if (!fields(reader, m)) return reader.err;
  if (reader.in.remaining() != 0) return codec_error::trailing_bytes;
  return message{std::in_place_type<T>, std::move(m)};
}

template <std::size_t I = 0>
[[nodiscard]] result<message, codec_error> decode_body(std::uint16_t type, byte_reader& in) {
  if constexpr (I == std::variant_size_v<message>) {
    return codec_error::unknown_message_type;
  } else {
    if (static_cast<std::uint16_t>(type_table[I].type) == type) {
      return decode_as<std::variant_alternative_t<I, message>>(in);
    }
    return decode_body<I + 1>(type, in);
  }
}

}  // namespace

std::string_view to_string(codec_error e) noexcept {
  switch (e) {
    case codec_error::unsupported_version: return "unsupported_version";
    case codec_error::unknown_message_type: return "unknown_message_type";
    case codec_error::truncated: return "truncated";
    case codec_error::trailing_bytes: return "trailing_bytes";
    case codec_error::invalid_commit_kind: return "invalid_commit_kind";
    case codec_error::invalid_fail_reason: return "invalid_fail_reason";
    case codec_error::too_few_locks: return "too_few_locks";
    case codec_error::too_many_locks: return "too_many_locks";
    case codec_error::text_too_long: return "text_too_long";
    case codec_error::zero_proposal_id: return "zero_proposal_id";
    case codec_error::message_too_large: return "message_too_large";
    case codec_error::invalid_flag: return "invalid_flag";
  }
  return "unknown_codec_error";
}

message_type type_of(const message& m) noexcept { return type_table[m.index()].type; }

std::string_view message_name(const message& m) noexcept { return type_table[m.index()].name; }

std::string_view message_name(message_type t) noexcept {
  for (const auto& entry : type_table) {
    if (entry.type == t) return entry.name;
  }
  return "unknown";
}

status<codec_error> validate(const message& m) noexcept {
  return std::visit(
      [](const auto& body) -> status<codec_error> {
        field_validator v;
        if (!fields(v, body)) return v.err;
        return {};
      },
      m);
}

std::size_t encoded_size(const message& m) noexcept {
  return std::visit(
      [](const auto& body) {
        field_sizer s;
        (void)fields(s, body);
        return frame_header_bytes + s.size;
      },
      m);
}

byte_vector encode(const message& m) {
  byte_vector out;
  out.reserve(encoded_size(m));
  byte_writer w(out);
  w.put_u8(wire_version);
  w.put_u16(static_cast<std::uint16_t>(type_of(m)));
  std::visit(
      [&w](const auto& body) {
        field_writer writer{w};
        (void)fields(writer, body);
      },
      m);
  return out;
}

result<message, codec_error> decode(byte_span bytes) {
  if (bytes.size() > max_message_bytes) return codec_error::message_too_large;
  byte_reader in(bytes);
  std::uint8_t version = 0;
  if (!in.read_u8(version)) return codec_error::truncated;
  if (version != wire_version) return codec_error::unsupported_version;
  std::uint16_t type = 0;
  if (!in.read_u16(type)) return codec_error::truncated;
  return decode_body(type, in);
}

}  // namespace clearway::protocol
