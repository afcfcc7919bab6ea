// `clearway-bench concurrency`: flags -> concurrency_options -> run -> summary, JSON, plot, exit code.
#include <algorithm>
#include <filesystem>
#include <ostream>
#include <thread>

#include "tools/bench/concurrency.hpp"
#include "tools/bench/concurrency_report.hpp"
#include "tools/bench/report_json.hpp"
#include "tools/bench/subcommand.hpp"

namespace clearway::tools::bench {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view about =
    "clearway-bench concurrency: builds a seeded scale-free network of C channels on the embedded bank\n"
    "(every channel opened with its two deposits, every commitment signed and verified), then pays\n"
    "hold invoices between random nodes until N payments are in flight at once, releases them all and\n"
    "measures how fast they settle. Reports bytes per channel and per in-flight HTLC hop (RSS deltas),\n"
    "the RSS peak, and checks from the final channel and bank states that every payment settled\n"
    "atomically and money was conserved.\n"
    "Exit status: 0 when every check passed and N was reached, 1 otherwise, 64 for a bad command line,\n"
    "70 for an internal error, 73 when the JSON or the plot cannot be written.";

std::optional<std::string> output_file(std::string_view text, std::string& target) {
  if (text.empty()) return std::string("the value is empty");
  const fs::path p{std::string(text)};
  std::error_code ec;
  if (fs::is_directory(p, ec)) return "'" + std::string(text) + "' is a directory";
  const fs::path parent = p.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) return "no such directory: '" + parent.string() + "'";
  target = std::string(text);
  return std::nullopt;
}

}  // namespace

int run_concurrency(std::span<const std::string_view> args, tool_io& io) {
  concurrency_options opt;
  opt.threads = std::clamp(std::thread::hardware_concurrency(), 1U, 256U);
  std::string close = "auto";
  std::string rest = "yes";

  flag_set flags("clearway-bench concurrency", std::string(about));
  flags.add_u64("--channels", "C", "channels of the generated network", opt.channels, 2, 100'000'000)
      .add_u64("--in-flight", "N", "payments to hold in flight at once", opt.in_flight, 1, 100'000'000)
      .add_custom("--topology", "scale-free:N",
                  "the generated network's node count (a seeded Barabasi-Albert network with exactly C channels); "
                  "default: the article's ratio of 3.9528 channels per node (3,952,800 channels over 10^6 nodes)",
                  "scale-free:<C/3.9528>",
                  [&opt](std::string_view v) -> std::optional<std::string> {
                    constexpr std::string_view prefix = "scale-free:";
                    if (!v.starts_with(prefix)) return "'" + std::string(v) + "': expected scale-free:N";
                    auto n = parse_u64(v.substr(prefix.size()));
                    if (!n || *n < 2 || *n > 50'000'000) {
                      return "'" + std::string(v) + "': expected scale-free:N with 2 <= N <= 50,000,000";
                    }
                    opt.nodes = static_cast<std::uint32_t>(*n);
                    return std::nullopt;
                  })
      .add_u64("--seed", "S", "seed of the network, the keys, the preimages and the payment pairs", opt.seed, 0,
               UINT64_MAX)
      .add_u64("--amount", "A", "amount of every payment in base units (msat)", opt.amount, 1, 1'000'000'000'000)
      .add_u64("--ramp-step", "K", "payments added per ramp step (0: N/100, between 200 and 20,000)", opt.ramp_step, 0,
               100'000'000)
      .add_u32("--threads", "N", "engine worker threads (and route and verifier workers)", opt.threads, 1, 256)
      .add_u64("--tick-ms", "MS", "virtual time per engine tick (one batched commitment round per channel end)",
               opt.tick_ms, 1, 3'600'000)
      .add_choice("--close",
                  "also close every channel cooperatively on the bank and compare every account: auto (when at "
                  "most 100,000 channels), yes or no",
                  close, {"auto", "yes", "no"})
      .add_u64("--settle-wave", "W",
               "hold invoices released at a time in the settle, each wave settled before the next (0: all at once)",
               opt.settle_wave, 0, 100'000'000)
      .add_choice("--rest-idle-ends",
                  "yes: a channel end quits its actor whenever it is between rounds (HTLCs pending or not) and is "
                  "spawned again on use; no: only right after opening",
                  rest, {"yes", "no"})
      .add_custom("--json", "FILE", "also write the report as one JSON object to FILE", "",
                  [&opt](std::string_view v) { return output_file(v, opt.json_path); })
      .add_custom("--plot", "FILE.svg|FILE.png",
                  "also plot payments in flight and RSS over wall time with gnuplot (FILE.dat and FILE.gp are kept "
                  "next to it)",
                  "",
                  [&opt](std::string_view v) -> std::optional<std::string> {
                    if (auto bad = output_file(v, opt.plot_path)) return bad;
                    if (auto format = plot_format_of(fs::path(std::string(v))); !format) return format.error();
                    return std::nullopt;
                  })
      .add_switch("--progress", "show the progress line even when stderr is not a terminal", opt.progress);

  if (auto code = parse_or_exit(flags, args, io)) return *code;
  opt.rest_idle_ends = rest == "yes";
  opt.close = close == "yes" ? close_check::always : close == "no" ? close_check::never : close_check::automatic;
  if (opt.nodes != 0 && opt.nodes > opt.channels + 1) {
    return usage_failure(flags, "--topology: " + std::to_string(opt.nodes) + " nodes cannot be connected by " +
                                    std::to_string(opt.channels) + " channels",
                         io);
  }

  progress_line progress(io.err, opt.progress || io.err_is_terminal, io.err_is_terminal);
  auto report = run_concurrency(opt, progress);
  if (!report) {
    const auto& e = report.error();
    if (e.what == concurrency_error::kind::usage) return usage_failure(flags, e.message, io);
    io.err << flags.command() << ": " << e.message << "\n";
    return exit_software;
  }
  print_summary(io.out, *report);
  int code = report->passed() ? exit_ok : exit_checks_failed;
  if (!opt.json_path.empty()) {
    if (auto written = write_json_file(opt.json_path, to_json(*report)); !written) {
      io.err << flags.command() << ": --json: " << written.error() << "\n";
      if (code == exit_ok) code = exit_cant_create;
    }
  }
  if (!opt.plot_path.empty()) {
    const plot_labels labels{"clearway-bench concurrency: " + report->topology, "payments in flight", "RSS (GiB)"};
    if (auto plotted = write_plot(opt.plot_path, report->samples, labels); !plotted) {
      io.err << flags.command() << ": --plot: " << plotted.error() << "\n";
      if (code == exit_ok) code = exit_cant_create;
    }
  }
  if (code == exit_checks_failed) io.err << flags.command() << ": a check failed (see 'checks' above)\n";
  return code;
}

}  // namespace clearway::tools::bench
