// clearwayd's command line: --help, --config FILE (or --config=FILE), and every config key as a
// flag (node/config). Splits the --config option from the config flags and keeps each flag's
// original argument index, so a diagnostic names the argument the operator typed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "node/config/config_errors.hpp"

namespace clearway::daemon {

struct daemon_args {
  bool help = false;
  std::optional<std::string> config_file;
  std::vector<std::string_view> config_flags;  // for load_config
  std::vector<std::uint32_t> flag_index;       // argv index of each config_flags entry
};

// argv[1..]; a --config without a value is missing_flag_value, named like the config's errors.
[[nodiscard]] result<daemon_args, node::config::config_diagnostic> parse_daemon_args(int argc, const char* const* argv);

// A command-line diagnostic from load_config points at config_flags; this points it at argv.
void point_at_argv(node::config::config_diagnostic& diagnostic, const daemon_args& args);

[[nodiscard]] std::string daemon_usage();

}  // namespace clearway::daemon
