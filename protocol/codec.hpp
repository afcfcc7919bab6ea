// The wire codec of the channel messages (PROTOCOL.md §5-§6): versioned, big-endian, canonical.
//
// Frame:  u8 wire_version (= 1) || u16 message type || the message's fields in declaration order.
// Fields: integers and amounts big-endian (amount = u64 base units, proposal/htlc ids u64, sequence
//         u32); flags (bool) u8 0 or 1; commit_kind u8; fail_reason u16; address/bytes32/signature raw (20/32/65 bytes);
//         vectors u16 count + items; strings u16 byte length + bytes (UTF-8 is not checked).
//
// Message types (stable numbers, BOLT-style: odd/even carries no meaning here, unknown types are
// rejected):
//    17 error_message   32 open_channel   33 accept_channel   38 close_request
//   128 add_htlc       129 pay           130 fulfill_htlc     131 fail_htlc
//   132 commit         133 revoke            136 reestablish
//
// reestablish (25 bytes with the header): u64 received_upto (may be 0), u32 held_sequence,
// u8 holds_signature, u32 initiated_sequence, u32 revoked_count, u8 holds_close_signature.
//
// Canonical: every message has exactly one encoding. decode(encode(m)) == m whenever validate(m)
// succeeds, encode(decode(b)) == b for every accepted b, and decode rejects everything else with a
// named error. Decoding never allocates more than the input's length justifies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "protocol/messages.hpp"

namespace clearway::protocol {

inline constexpr std::uint8_t wire_version = 1;
// A whole encoded message is at most this long (a BOLT 8 frame's payload limit).
inline constexpr std::size_t max_message_bytes = 65'535;
// open_channel/accept_channel carry K lock addresses, min_first_locks <= K <= max_first_locks.
inline constexpr std::size_t min_first_locks = 2;
inline constexpr std::size_t max_first_locks = 64;
inline constexpr std::size_t max_error_text_bytes = 1'024;

enum class message_type : std::uint16_t {
  error_message = 17,
  open_channel = 32,
  accept_channel = 33,
  close_request = 38,
  add_htlc = 128,
  pay = 129,
  fulfill_htlc = 130,
  fail_htlc = 131,
  commit = 132,
  revoke = 133,
  reestablish = 136,  // BOLT 2's channel_reestablish number
};

enum class codec_error {
  unsupported_version = 1,  // the first byte is not wire_version
  unknown_message_type,     // the type number names no message
  truncated,                // the input ends inside the frame or a field
  trailing_bytes,           // bytes left over after the message's last field
  invalid_commit_kind,      // commit.kind not 0 (initiate) or 1 (countersign)
  invalid_fail_reason,      // fail_htlc.reason outside the fail_reason enum
  too_few_locks,            // first_locks count < min_first_locks
  too_many_locks,           // first_locks count > max_first_locks
  text_too_long,            // error text longer than max_error_text_bytes
  zero_proposal_id,         // a proposal or htlc id of 0 (ids start at 1)
  message_too_large,        // input longer than max_message_bytes
  invalid_flag,             // a flag byte other than 0 or 1
};

[[nodiscard]] std::string_view to_string(codec_error e) noexcept;

[[nodiscard]] message_type type_of(const message& m) noexcept;
// "open_channel", "add_htlc", ... (the struct's name); "unknown" for a number naming no message.
[[nodiscard]] std::string_view message_name(const message& m) noexcept;
[[nodiscard]] std::string_view message_name(message_type t) noexcept;

// Whether m can travel: the same rules decode enforces (lock counts, text length, nonzero ids,
// enum values in range). encode() of a message that fails here yields bytes decode() rejects.
[[nodiscard]] status<codec_error> validate(const message& m) noexcept;

// The exact length of encode(m).
[[nodiscard]] std::size_t encoded_size(const message& m) noexcept;

// One allocation: the output, reserved at its exact size.
[[nodiscard]] byte_vector encode(const message& m);

[[nodiscard]] result<message, codec_error> decode(byte_span bytes);

}  // namespace clearway::protocol
