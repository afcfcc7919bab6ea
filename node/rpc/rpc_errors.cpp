#include "node/rpc/rpc_errors.hpp"

namespace clearway::node::rpc {

std::string_view to_string(rpc_error e) noexcept {
  switch (e) {
    case rpc_error::frame_too_large: return "frame_too_large";
    case rpc_error::frame_empty: return "frame_empty";
    case rpc_error::bad_json: return "bad_json";
    case rpc_error::json_too_deep: return "json_too_deep";
    case rpc_error::duplicate_field: return "duplicate_field";
    case rpc_error::not_an_object: return "not_an_object";
    case rpc_error::missing_field: return "missing_field";
    case rpc_error::extra_field: return "extra_field";
    case rpc_error::bad_id: return "bad_id";
    case rpc_error::wrong_token: return "wrong_token";
    case rpc_error::unknown_method: return "unknown_method";
    case rpc_error::params_not_object: return "params_not_object";
    case rpc_error::missing_param: return "missing_param";
    case rpc_error::unknown_param: return "unknown_param";
    case rpc_error::wrong_param_type: return "wrong_param_type";
    case rpc_error::amount_negative: return "amount_negative";
    case rpc_error::amount_overflow: return "amount_overflow";
    case rpc_error::param_out_of_range: return "param_out_of_range";
    case rpc_error::bad_hex: return "bad_hex";
    case rpc_error::bad_address: return "bad_address";
    case rpc_error::hold_needs_payment_hash: return "hold_needs_payment_hash";
    case rpc_error::payment_hash_without_hold: return "payment_hash_without_hold";
    case rpc_error::empty_policy_update: return "empty_policy_update";
    case rpc_error::min_htlc_above_max: return "min_htlc_above_max";
    case rpc_error::bad_response: return "bad_response";
  }
  return "unknown_rpc_error";
}

}  // namespace clearway::node::rpc
