// Named reasons why a clearwayd config file or command line was refused. Every refusal carries the
// source (file name or "<command line>"), the line (or argument index) and the key, so an operator
// can fix it without guessing; a refused config produces no node_config at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clearway::node::config {

enum class config_error {
  unknown_key = 1,        // a key clearwayd does not know
  duplicate_key,          // the same key twice in one source (file or command line)
  missing_equals,         // a non-comment line without '='
  empty_key,              // "= value"
  empty_value,            // "key =" for a key that needs a value
  bad_number,             // not a plain decimal number (sign, letters, spaces, empty)
  number_overflow,        // a decimal number above 2^64 - 1
  out_of_range,           // a number outside the key's allowed range
  bad_enum_value,         // network / log_level not one of the listed words
  bad_host_port,          // not host:port, [ipv6]:port, or port outside 1..65535
  bad_url,                // rpc_url not http:// or https:// followed by a host
  bad_character,          // a control character (NUL, ESC, ...) in the line
  line_too_long,          // a line above max_config_line_bytes
  file_too_large,         // the file text above max_config_file_bytes
  section_not_supported,  // a "[section]" header: the file is flat
  missing_rpc_url,        // network = evm without rpc_url
  rpc_url_without_evm,    // rpc_url set while network = embedded
  rpc_not_loopback,       // rpc_listen on an address other than 127.0.0.0/8, ::1 or localhost
  conflicting_rpc_endpoints,  // both rpc_socket and rpc_listen
  min_htlc_above_max,     // min_htlc_msat > max_htlc_msat
  bad_flag,               // a command-line argument that is not --key=value or --key value
  missing_flag_value,     // "--key" as the last argument
};

[[nodiscard]] std::string_view to_string(config_error e) noexcept;

// Where and why: "clearwayd.conf:12: fee_ppm: out_of_range (must be 0..1000000)".
struct config_diagnostic {
  config_error code = config_error::unknown_key;
  std::string source;       // file name, or "<command line>"
  std::uint32_t line = 0;   // 1-based line in the file or argument index; 0 = a default value
  std::string key;          // the key concerned (empty when the line has none)
  std::string detail;       // human words: the allowed range, the offending text
  [[nodiscard]] std::string message() const;
};

}  // namespace clearway::node::config
