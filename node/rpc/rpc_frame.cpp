#include "node/rpc/rpc_frame.hpp"

namespace clearway::node::rpc {

result<std::optional<rpc_frame>, rpc_error> split_frame(std::span<const std::uint8_t> buffer) noexcept {
  if (buffer.size() < rpc_frame_header_bytes) return std::optional<rpc_frame>{};
  const std::uint32_t length = (std::uint32_t{buffer[0]} << 24) | (std::uint32_t{buffer[1]} << 16) |
                               (std::uint32_t{buffer[2]} << 8) | std::uint32_t{buffer[3]};
  if (length == 0) return rpc_error::frame_empty;
  if (length > max_rpc_frame_bytes) return rpc_error::frame_too_large;
  if (buffer.size() - rpc_frame_header_bytes < length) return std::optional<rpc_frame>{};
  const auto* body = reinterpret_cast<const char*>(buffer.data() + rpc_frame_header_bytes);
  return std::optional<rpc_frame>{rpc_frame{std::string_view(body, length), rpc_frame_header_bytes + length}};
}

result<std::vector<std::uint8_t>, rpc_error> encode_frame(std::string_view body) {
  if (body.empty()) return rpc_error::frame_empty;
  if (body.size() > max_rpc_frame_bytes) return rpc_error::frame_too_large;
  const auto length = static_cast<std::uint32_t>(body.size());
  std::vector<std::uint8_t> out;
  out.reserve(rpc_frame_header_bytes + body.size());
  out.push_back(static_cast<std::uint8_t>(length >> 24));
  out.push_back(static_cast<std::uint8_t>(length >> 16));
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace clearway::node::rpc
