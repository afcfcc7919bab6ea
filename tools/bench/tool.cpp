// The dispatcher: `clearway-bench <subcommand> [flags]`, top-level help, and the last line of
// defence that turns any escaping exception into an exit code.
#include <array>
#include <exception>
#include <ostream>
#include <string>
#include <vector>

#include "tools/bench/subcommand.hpp"

namespace clearway::tools::bench {

namespace {

std::string tool_usage() {
  std::string out =
      "usage: clearway-bench <subcommand> [flags]   (clearway-bench <subcommand> --help for its "
      "flags)\n\nsubcommands:\n";
  for (const auto& s : subcommands()) {
    out += "  " + std::string(s.name) + std::string(s.name.size() < 12 ? 12 - s.name.size() : 1, ' ') +
           std::string(s.summary) + "\n";
  }
  return out;
}

int dispatch(std::span<const std::string_view> args, tool_io& io) {
  if (args.empty()) {
    io.err << "clearway-bench: missing subcommand\n" << tool_usage();
    return exit_usage;
  }
  const std::string_view first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    if (first == "help" && args.size() > 1) {
      const std::array<std::string_view, 1> help_args = {"--help"};
      for (const auto& s : subcommands()) {
        if (s.name == args[1]) return s.run(help_args, io);
      }
      io.err << "clearway-bench: unknown subcommand '" << args[1] << "'\n" << tool_usage();
      return exit_usage;
    }
    io.out << "clearway-bench: Clearway's benchmark suite over whole simulated payment-channel networks\n\n"
           << tool_usage();
    return exit_ok;
  }
  for (const auto& s : subcommands()) {
    if (s.name == first) return s.run(args.subspan(1), io);
  }
  std::vector<std::string> names;
  for (const auto& s : subcommands()) names.emplace_back(s.name);
  auto near = closest_match(first, names);
  io.err << "clearway-bench: unknown subcommand '" << first << "'" << (near ? " (did you mean " + *near + "?)" : "")
         << "\n"
         << tool_usage();
  return exit_usage;
}

}  // namespace

std::optional<int> parse_or_exit(const flag_set& flags, std::span<const std::string_view> args, tool_io& io) {
  auto parsed = flags.parse(args);
  if (!parsed) return usage_failure(flags, parsed.error().message, io);
  if (*parsed == parse_outcome::help) {
    io.out << flags.help();
    return exit_ok;
  }
  return std::nullopt;
}

int usage_failure(const flag_set& flags, std::string_view message, tool_io& io) {
  io.err << flags.command() << ": " << message << "\n"
         << flags.usage() << "\n"
         << "(" << flags.command() << " --help describes every flag)\n";
  return exit_usage;
}

int run_tool(std::span<const std::string_view> args, tool_io& io) {
  try {
    return dispatch(args, io);
  } catch (const std::exception& e) {
    io.err << "clearway-bench: internal error: " << e.what() << "\n";
  } catch (...) {
    io.err << "clearway-bench: internal error\n";
  }
  return exit_software;
}

}  // namespace clearway::tools::bench
