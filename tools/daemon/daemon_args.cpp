#include "tools/daemon/daemon_args.hpp"

#include "node/config/node_config.hpp"

namespace clearway::daemon {

namespace config = node::config;

result<daemon_args, config::config_diagnostic> parse_daemon_args(int argc, const char* const* argv) {
  daemon_args out;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else if (arg == "--config") {
      if (i + 1 >= argc) {
        return config::config_diagnostic{config::config_error::missing_flag_value, std::string(config::command_line_source),
                                         static_cast<std::uint32_t>(i), "config", "--config needs a file name"};
      }
      out.config_file = argv[++i];
    } else if (arg.starts_with("--config=")) {
      out.config_file = std::string(arg.substr(9));
    } else {
      out.config_flags.push_back(arg);
      out.flag_index.push_back(static_cast<std::uint32_t>(i));
    }
  }
  return out;
}

void point_at_argv(config::config_diagnostic& diagnostic, const daemon_args& args) {
  if (diagnostic.source != config::command_line_source) return;
  if (diagnostic.line >= 1 && diagnostic.line <= args.flag_index.size()) {
    diagnostic.line = args.flag_index[diagnostic.line - 1];
  }
}

std::string daemon_usage() {
  return "usage: clearwayd [--config FILE] [--key=value | --key value ...]\n"
         "\n"
         "Runs a Clearway node: BOLT 8 peer transport on `listen`, the local RPC on `rpc_socket`\n"
         "(a unix socket in data_dir, mode 0600) or `rpc_listen` (loopback TCP), and Prometheus\n"
         "metrics on `metrics_listen`. Every config key can be given as a flag and overrides the\n"
         "file (see docs/operating.md): network, rpc_url, data_dir, identity_key_file, listen,\n"
         "rpc_socket, rpc_listen, rpc_token_file, fee_base_msat, fee_ppm, time_lock_delta_s,\n"
         "min_htlc_msat, max_htlc_msat, max_accepted_htlcs, max_value_in_flight_msat,\n"
         "commit_batch_max, log_level, metrics_listen.\n"
         "\n"
         "SIGTERM or SIGINT stops it cleanly. Exit codes: 0 stopped, 64 bad config or flag,\n"
         "66 config file unreadable, 71 cannot listen, 73 cannot create files, 74 store or key\n"
         "file unreadable, 75 data_dir in use, 78 malformed identity key or RPC token file.\n";
}

}  // namespace clearway::daemon
