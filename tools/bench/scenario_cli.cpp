#include "tools/bench/scenario_cli.hpp"

#include <algorithm>
#include <ostream>
#include <system_error>
#include <thread>

#include "tools/bench/time_series_plot.hpp"

namespace clearway::tools::bench {

namespace fs = std::filesystem;

std::optional<std::string> check_output_file(std::string_view text, std::string& target) {
  if (text.empty()) return std::string("the value is empty");
  const fs::path p{std::string(text)};
  std::error_code ec;
  if (fs::is_directory(p, ec)) return "'" + std::string(text) + "' is a directory";
  const fs::path parent = p.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) return "no such directory: '" + parent.string() + "'";
  target = std::string(text);
  return std::nullopt;
}

std::optional<std::string> check_plot_file(std::string_view text, std::string& target) {
  std::string checked;
  if (auto bad = check_output_file(text, checked)) return bad;
  if (auto format = plot_format_of(fs::path(checked)); !format) return format.error();
  target = std::move(checked);
  return std::nullopt;
}

std::optional<std::string> check_existing_directory(std::string_view text, std::optional<fs::path>& target) {
  std::error_code ec;
  if (text.empty()) return std::string("the value is empty");
  if (!fs::is_directory(fs::path(std::string(text)), ec)) return "no such directory: '" + std::string(text) + "'";
  target = fs::path(std::string(text));
  return std::nullopt;
}

void add_output_flags(flag_set& flags, std::string& json_path, std::string& plot_path, std::string_view plot_what,
                      bool& progress) {
  flags
      .add_custom("--json", "FILE", "also write the report as one JSON object to FILE", "",
                  [&json_path](std::string_view v) { return check_output_file(v, json_path); })
      .add_custom("--plot", "FILE.svg|FILE.png",
                  "also plot " + std::string(plot_what) +
                      " with gnuplot (gnuplot-nox; FILE.dat and FILE.gp are kept next to it)",
                  "", [&plot_path](std::string_view v) { return check_plot_file(v, plot_path); })
      .add_switch("--progress", "show the progress line even when stderr is not a terminal", progress);
}

void add_engine_flags(flag_set& flags, engine_knobs& knobs) {
  knobs.threads = std::clamp(std::thread::hardware_concurrency(), 1U, 256U);
  flags.add_u32("--threads", "N", "engine worker threads (and route and verifier workers)", knobs.threads, 1, 256)
      .add_u64("--tick-ms", "MS", "virtual time per engine tick (one batched commitment round per channel end)",
               knobs.tick_ms, 1, 3'600'000)
      .add_u32("--commit-batch", "N",
               "a channel end starts a commitment round at once when N of its own proposals wait (else at the "
               "tick)",
               knobs.commit_batch_size, 1, 483)
      .add_switch("--verify-on-pool", "check commitment signatures on verifier worker actors instead of inline",
                  knobs.verify_on_pool);
}

void add_topology_flags(flag_set& flags, std::string& topology, std::optional<fs::path>& data_dir) {
  flags
      .add_custom("--topology", "T",
                  "the network: ln-2020-12 (the real Lightning Network of 2020-12-17, 6,006 nodes, 30,457 channels), "
                  "scale-free:N (a seeded Barabasi-Albert network of N nodes, ~4 channels per node) or a directory "
                  "with nodes_ln.csv, channels_ln.csv, edges_ln.csv (CLoTH's format)",
                  topology,
                  [&topology](std::string_view v) -> std::optional<std::string> {
                    auto spec = parse_topology_spec(v);
                    if (!spec) return spec.error();
                    topology = std::string(v);
                    return std::nullopt;
                  })
      .add_custom("--data-dir", "DIR", "where named topologies live (DIR/topologies/<name>)",
                  "search: <exe>/../share/clearway/data, <exe>/data, the source tree's data/",
                  [&data_dir](std::string_view v) { return check_existing_directory(v, data_dir); });
}

std::optional<loaded_topology> load_or_report(const flag_set& flags, const std::string& topology,
                                              const std::optional<fs::path>& data_dir, std::uint64_t seed,
                                              tool_io& io, int& exit) {
  auto spec = parse_topology_spec(topology);
  if (!spec) {
    exit = usage_failure(flags, "--topology: " + spec.error(), io);
    return std::nullopt;
  }
  auto loaded = load_topology(*spec, data_dirs(data_dir, io.executable), seed);
  if (!loaded) {
    const auto& f = loaded.error();
    if (f.what == topology_failure::kind::bad_data) {
      io.err << flags.command() << ": --topology: " << f.message << "\n";
      exit = exit_data;
    } else {
      exit = usage_failure(flags, "--topology: " + f.message, io);
    }
    return std::nullopt;
  }
  return std::move(*loaded);
}

}  // namespace clearway::tools::bench
