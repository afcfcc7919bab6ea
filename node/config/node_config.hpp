// clearwayd's configuration: a flat `key = value` file (`#` starts a comment line) and the same
// keys as --key=value / --key value flags, which override the file. load_config validates all of
// it and either returns a complete node_config or the first problem, naming source, line and key.
// Pure: the caller reads the file and passes its text (docs/operating.md lists every key).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "node/config/config_errors.hpp"
#include "node/config/forwarding_policy.hpp"
#include "node/config/host_port.hpp"

namespace clearway::node::config {

enum class chain_network { embedded, evm };
enum class log_level { trace, debug, info, warn, error };

[[nodiscard]] std::string_view to_string(chain_network n) noexcept;
[[nodiscard]] std::string_view to_string(log_level l) noexcept;

inline constexpr std::size_t max_config_line_bytes = 4096;
inline constexpr std::size_t max_config_file_bytes = 1 << 20;
inline constexpr std::string_view command_line_source = "<command line>";

struct node_config {
  chain_network network = chain_network::embedded;
  std::string rpc_url;                        // required for evm, e.g. http://127.0.0.1:8545
  std::string data_dir = "clearway-data";
  std::string identity_key_file = "identity.key";  // relative paths are under data_dir
  host_port listen{"0.0.0.0", 9735};
  // Exactly one local RPC endpoint: a unix socket (the default) or a loopback TCP address.
  std::string rpc_socket = "clearwayd.sock";  // empty when rpc_listen is set
  std::optional<host_port> rpc_listen;
  std::string rpc_token_file = "rpc.token";
  forwarding_policy policy;
  std::uint32_t commit_batch_max = 64;        // state changes covered by one fsync at most
  log_level level = log_level::info;
  std::optional<host_port> metrics_listen;    // no metrics endpoint when unset
};

// One source of settings: the config file's text, or the command line's arguments (argv[1..]).
// Settings from `flags` override those from the file; a key twice within one source is refused.
[[nodiscard]] result<node_config, config_diagnostic> load_config(std::string_view file_name,
                                                                 std::string_view file_text,
                                                                 std::span<const std::string_view> flags);

// The file alone (no flags).
[[nodiscard]] result<node_config, config_diagnostic> parse_config_file(std::string_view file_name,
                                                                       std::string_view file_text);

// Renders a config as file text that parse_config_file accepts and that loads back to it.
[[nodiscard]] std::string render_config(const node_config& config);

}  // namespace clearway::node::config
