#include "node/config/config_errors.hpp"

namespace clearway::node::config {

std::string_view to_string(config_error e) noexcept {
  switch (e) {
    case config_error::unknown_key: return "unknown_key";
    case config_error::duplicate_key: return "duplicate_key";
    case config_error::missing_equals: return "missing_equals";
    case config_error::empty_key: return "empty_key";
    case config_error::empty_value: return "empty_value";
    case config_error::bad_number: return "bad_number";
    case config_error::number_overflow: return "number_overflow";
    case config_error::out_of_range: return "out_of_range";
    case config_error::bad_enum_value: return "bad_enum_value";
    case config_error::bad_host_port: return "bad_host_port";
    case config_error::bad_url: return "bad_url";
    case config_error::bad_character: return "bad_character";
    case config_error::line_too_long: return "line_too_long";
    case config_error::file_too_large: return "file_too_large";
    case config_error::section_not_supported: return "section_not_supported";
    case config_error::missing_rpc_url: return "missing_rpc_url";
    case config_error::rpc_url_without_evm: return "rpc_url_without_evm";
    case config_error::rpc_not_loopback: return "rpc_not_loopback";
    case config_error::conflicting_rpc_endpoints: return "conflicting_rpc_endpoints";
    case config_error::min_htlc_above_max: return "min_htlc_above_max";
    case config_error::bad_flag: return "bad_flag";
    case config_error::missing_flag_value: return "missing_flag_value";
  }
  return "unknown_config_error";
}

std::string config_diagnostic::message() const {
  std::string out = source;
  out += ':';
  out += std::to_string(line);
  out += ": ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += to_string(code);
  if (!detail.empty()) {
    out += " (";
    out += detail;
    out += ')';
  }
  return out;
}

}  // namespace clearway::node::config
