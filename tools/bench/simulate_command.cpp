// `clearway-bench simulate`: flags -> simulate_options -> run -> summary, JSON and exit code.
#include <algorithm>
#include <ostream>
#include <system_error>
#include <thread>

#include "tools/bench/report_json.hpp"
#include "tools/bench/simulate.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/summary.hpp"

namespace clearway::tools::bench {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view about =
    "clearway-bench simulate: builds a payment-channel network on the embedded bank (every channel\n"
    "opened with its two deposits, every commitment signed and verified), runs a seeded payment\n"
    "workload on the virtual clock (Poisson arrivals, senders weighted by capacity, log-normal\n"
    "amounts), then checks the outcome from the final bank and channel states and prints a summary.\n"
    "Exit status: 0 when every check passed, 1 when one failed, 64 for a bad command line,\n"
    "65 for malformed topology files, 70 for an internal error, 73 when the JSON cannot be written.";

std::optional<std::string> existing_directory(std::string_view text, std::optional<fs::path>& target) {
  std::error_code ec;
  if (text.empty()) return std::string("the value is empty");
  if (!fs::is_directory(fs::path(std::string(text)), ec)) return "no such directory: '" + std::string(text) + "'";
  target = fs::path(std::string(text));
  return std::nullopt;
}

std::optional<std::string> writable_file(std::string_view text, std::string& target) {
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

int run_simulate(std::span<const std::string_view> args, tool_io& io) {
  simulate_options opt;
  opt.threads = std::clamp(std::thread::hardware_concurrency(), 1U, 256U);
  std::string receivers{to_string(opt.receivers)};
  std::string default_data = "search: <exe>/../share/clearway/data, <exe>/data, the source tree's data/";

  flag_set flags("clearway-bench simulate", std::string(about));
  flags
      .add_custom("--topology", "T",
                  "the network: ln-2020-12 (the real Lightning Network of 2020-12-17, 6,006 nodes and 30,457 "
                  "channels), scale-free:N (a seeded Barabasi-Albert network of N nodes, ~4 channels per node "
                  "(fewer below 5 nodes), seeded with --seed) or a directory holding nodes_ln.csv, channels_ln.csv, "
                  "edges_ln.csv (plain or .xz, CLoTH's format)",
                  opt.topology,
                  [&opt](std::string_view v) -> std::optional<std::string> {
                    auto spec = parse_topology_spec(v);
                    if (!spec) return spec.error();
                    opt.topology = std::string(v);
                    return std::nullopt;
                  })
      .add_custom("--data-dir", "DIR", "where named topologies live (DIR/topologies/<name>)", default_data,
                  [&opt](std::string_view v) { return existing_directory(v, opt.data_dir); })
      .add_u64("--payments", "N", "number of payments", opt.payments, 1, 100'000'000)
      .add_u64("--seed", "S", "seed of the workload, the keys and preimages, and a generated topology", opt.seed, 0,
               UINT64_MAX)
      .add_real("--rate", "R", "payments per virtual second (Poisson arrivals)", opt.rate_per_s, 0.001, 1e7)
      .add_real("--amount-median", "A", "median payment amount in base units (msat for the LN data)", opt.amount_median,
                1, 2.1e18)
      .add_real("--amount-sigma", "S", "sigma of the amount's natural logarithm (log-normal)", opt.amount_sigma, 0, 10)
      .add_choice("--receivers", "how payees are drawn: uniform over nodes with a channel, or weighted by capacity",
                  receivers, {"uniform", "capacity"})
      .add_custom("--json", "FILE", "also write the report as one JSON object to FILE", "",
                  [&opt](std::string_view v) { return writable_file(v, opt.json_path); })
      .add_u32("--threads", "N", "engine worker threads (and route and verifier workers)", opt.threads, 1, 256)
      .add_u64("--tick-ms", "MS", "virtual time per engine tick (one batched commitment round per channel end)",
               opt.tick_ms, 1, 3'600'000)
      .add_u32("--check-nodes", "N",
               "how many nodes' final wealth the tool compares with their payments (all nodes when there are at "
               "most N, else the N/2 most active and N/2 spread over the ids; all read in one pass over every channel)",
               opt.wealth_check_nodes, 0, UINT32_MAX)
      .add_switch("--progress", "show the progress line even when stderr is not a terminal", opt.progress);

  if (auto code = parse_or_exit(flags, args, io)) return *code;
  opt.receivers = receivers == "capacity" ? receiver_choice::capacity_weighted : receiver_choice::uniform;

  progress_line progress(io.err, opt.progress || io.err_is_terminal, io.err_is_terminal);
  stopwatch total;

  // The flag was checked when parsed (or is the default), so the spec parses.
  auto spec = parse_topology_spec(opt.topology);
  if (!spec) return usage_failure(flags, "--topology: " + spec.error(), io);
  progress.phase("loading topology " + opt.topology);
  auto topology = load_topology(*spec, data_dirs(opt.data_dir, io.executable), opt.seed);
  if (!topology) {
    const auto& f = topology.error();
    if (f.what == topology_failure::kind::bad_data) {
      io.err << flags.command() << ": --topology: " << f.message << "\n";
      return exit_data;
    }
    return usage_failure(flags, "--topology: " + f.message, io);
  }
  const double load_s = total.seconds();

  auto report = run_simulation(opt, *topology, progress);
  if (!report) {
    const auto& e = report.error();
    if (e.what == simulate_error::kind::usage) return usage_failure(flags, e.message, io);
    io.err << flags.command() << ": " << e.message << "\n";
    return e.what == simulate_error::kind::data ? exit_data : exit_software;
  }
  report->load_s = load_s;
  report->total_s = total.seconds();

  print_summary(io.out, *report);
  int code = report->checks.passed() ? exit_ok : exit_checks_failed;
  if (!opt.json_path.empty()) {
    if (auto written = write_json_file(opt.json_path, to_json(*report)); !written) {
      io.err << flags.command() << ": --json: " << written.error() << "\n";
      if (code == exit_ok) code = exit_cant_create;
    }
  }
  if (code == exit_checks_failed) io.err << flags.command() << ": a check failed (see 'checks' above)\n";
  return code;
}

}  // namespace clearway::tools::bench
