// The local RPC between clearway-cli and clearwayd: framed JSON (rpc_frame.hpp).
//   request:  {"id": <u64>, "token": "<hex>", "method": "<name>", "params": {...}}   (params optional)
//   response: {"id": <u64|null>, "result": {...}} or {"id": ..., "error": {"code", "name", "message"}}
// parse_request checks everything before a method runs: JSON shape, no duplicate keys, the token
// (constant-time), the method and every param's presence, type and range. Pure, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "node/rpc/rpc_errors.hpp"
#include "node/rpc/rpc_methods.hpp"

namespace clearway::node::rpc {

inline constexpr int max_rpc_json_depth = 16;
inline constexpr std::size_t max_token_bytes = 256;

struct rpc_request {
  std::uint64_t id = 0;
  rpc_params params;
  friend bool operator==(const rpc_request&, const rpc_request&) = default;
};

// Compares every byte of the longer input whatever the contents, so timing does not reveal the
// length of the matching prefix.
[[nodiscard]] bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

// Server side. expected_token must not be empty (an empty token refuses everything).
[[nodiscard]] result<rpc_request, rpc_refusal> parse_request(std::string_view body, std::string_view expected_token);

// Client side.
[[nodiscard]] std::string encode_request(const rpc_request& request, std::string_view token);

struct rpc_error_reply {
  int code = 0;
  std::string name;
  std::string message;
  friend bool operator==(const rpc_error_reply&, const rpc_error_reply&) = default;
};

struct rpc_response {
  std::optional<std::uint64_t> id;  // null when the request's id could not be read
  std::variant<nlohmann::json, rpc_error_reply> outcome;
};

[[nodiscard]] std::string encode_result(std::uint64_t id, const nlohmann::json& result);
[[nodiscard]] std::string encode_error(std::optional<std::uint64_t> id, int code, std::string_view name,
                                       std::string_view message);
[[nodiscard]] std::string encode_refusal(const rpc_refusal& refusal);
[[nodiscard]] result<rpc_response, rpc_error> parse_response(std::string_view body);

// Lower-case hex, as the RPC writes node ids and hashes.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace clearway::node::rpc
