// Named reasons why clearwayd refuses a local RPC request (before any method runs). Each is sent
// back as error{code, name, message}; code is the enum's value, name is to_string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clearway::node::rpc {

enum class rpc_error {
  frame_too_large = 1,   // length prefix above max_rpc_frame_bytes
  frame_empty,           // length prefix 0
  bad_json,              // not UTF-8 JSON text
  json_too_deep,         // nesting deeper than max_rpc_json_depth
  duplicate_field,       // the same key twice in one JSON object
  not_an_object,         // the request (or response) is not a JSON object
  missing_field,         // no id, token or method
  extra_field,           // a top-level key other than id, token, method, params
  bad_id,                // id not an unsigned 64-bit integer
  wrong_token,           // the token does not match the node's RPC token
  unknown_method,        // method not in the method table
  params_not_object,     // params present but not a JSON object
  missing_param,         // a required parameter is absent
  unknown_param,         // a parameter the method does not take
  wrong_param_type,      // e.g. a string where an integer is expected, 1.5 or 1e3 for an amount
  amount_negative,       // a negative amount or count
  amount_overflow,       // an amount or count above 2^64 - 1
  param_out_of_range,    // a number outside the parameter's range, or a string too long / empty
  bad_hex,               // node_id / channel_id / payment_hash / preimage not hex of the right length
  bad_address,           // connect's address is not host:port
  hold_needs_payment_hash,    // invoice with hold = true and no payment_hash
  payment_hash_without_hold,  // invoice with a payment_hash but hold = false
  empty_policy_update,   // setpolicy without any policy key
  min_htlc_above_max,    // setpolicy with min_htlc_msat > max_htlc_msat
  bad_response,          // (client side) a response that is not {id, result} or {id, error}
};

[[nodiscard]] std::string_view to_string(rpc_error e) noexcept;

// A refused request: the error, the request id when it could be read, and which field or param.
struct rpc_refusal {
  rpc_error code = rpc_error::bad_json;
  std::optional<std::uint64_t> id;
  std::string detail;
};

}  // namespace clearway::node::rpc
