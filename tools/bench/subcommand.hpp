// clearway-bench is a table of subcommands. Adding one (issue 4: concurrency, throughput, routing,
// cloth) is one file that defines `int run_<name>(std::span<const std::string_view>, tool_io&)`
// and one entry in subcommands.cpp; flags, --help, usage errors and exit codes come from
// cli.hpp and the helpers below.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>
#include <string_view>

#include "tools/bench/cli.hpp"

namespace clearway::tools::bench {

// Exit codes (BSD sysexits where one fits).
enum exit_code : int {
  exit_ok = 0,
  exit_checks_failed = 1,  // the run finished but an invariant (conservation, atomicity, ...) failed
  exit_usage = 64,         // EX_USAGE: bad command line (unknown flag, bad value, unknown topology)
  exit_data = 65,          // EX_DATAERR: an input file exists but is malformed
  exit_software = 70,      // EX_SOFTWARE: an internal error (the engine refused what it should take)
  exit_cant_create = 73,   // EX_CANTCREAT: the report file could not be written
};

// What a subcommand may touch of the outside world.
struct tool_io {
  std::ostream& out;  // the summary (stdout)
  std::ostream& err;  // errors and progress (stderr)
  bool err_is_terminal = false;
  std::filesystem::path executable;  // for finding installed data
};

using subcommand_main = int (*)(std::span<const std::string_view> args, tool_io& io);

struct subcommand {
  std::string_view name;
  std::string_view summary;  // one line for `clearway-bench --help`
  subcommand_main run;
};

// The table, in the order `--help` lists it.
[[nodiscard]] std::span<const subcommand> subcommands() noexcept;

// The whole tool: `args` without the program name. Never throws.
[[nodiscard]] int run_tool(std::span<const std::string_view> args, tool_io& io);

// Shared by subcommands: parse `args` with `flags`; on --help print the help to io.out; on a
// usage error print "clearway-bench <cmd>: <message>", the usage and a --help hint to io.err.
// Returns the exit code to return at once, or nullopt to go on and run.
[[nodiscard]] std::optional<int> parse_or_exit(const flag_set& flags, std::span<const std::string_view> args,
                                               tool_io& io);
// A usage error found after parsing (e.g. an unknown topology): same format, exit_usage.
[[nodiscard]] int usage_failure(const flag_set& flags, std::string_view message, tool_io& io);

}  // namespace clearway::tools::bench
