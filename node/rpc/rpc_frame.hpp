// The local RPC's framing: a 4-byte big-endian body length, then that many bytes of JSON. The
// length is capped so a client cannot make the daemon allocate without bound.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "node/rpc/rpc_errors.hpp"

namespace clearway::node::rpc {

inline constexpr std::size_t rpc_frame_header_bytes = 4;
inline constexpr std::size_t max_rpc_frame_bytes = 1 << 20;  // 1 MiB of JSON per request/response

struct rpc_frame {
  std::string_view body;   // points into the input buffer
  std::size_t consumed = 0;  // header + body bytes to drop from the buffer
};

// The first frame of `buffer`: nullopt while more bytes are needed, an error for a length of 0 or
// above the cap (decided from the header alone, before the body arrives).
[[nodiscard]] result<std::optional<rpc_frame>, rpc_error> split_frame(std::span<const std::uint8_t> buffer) noexcept;

// Header + body; frame_too_large / frame_empty for a body the peer would refuse.
[[nodiscard]] result<std::vector<std::uint8_t>, rpc_error> encode_frame(std::string_view body);

}  // namespace clearway::node::rpc
