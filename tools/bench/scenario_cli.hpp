// Flags shared by the scenario subcommands (throughput, routing, cloth): output files, the plot
// file, the data directory, the engine's knobs; and loading the topology with the usual exit codes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tools/bench/cli.hpp"
#include "tools/bench/scenario_run.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/topology_source.hpp"

namespace clearway::tools::bench {

// A file that may be created: not a directory, its parent exists.
[[nodiscard]] std::optional<std::string> check_output_file(std::string_view text, std::string& target);
// As above, and ending in .svg or .png.
[[nodiscard]] std::optional<std::string> check_plot_file(std::string_view text, std::string& target);
[[nodiscard]] std::optional<std::string> check_existing_directory(std::string_view text,
                                                                  std::optional<std::filesystem::path>& target);

// --json FILE, --plot FILE.svg|png and --progress.
void add_output_flags(flag_set& flags, std::string& json_path, std::string& plot_path, std::string_view plot_what,
                      bool& progress);
// --threads, --tick-ms, --commit-batch, --verify-on-pool (and not --seed: each command has its own).
void add_engine_flags(flag_set& flags, engine_knobs& knobs);
// --topology T and --data-dir DIR.
void add_topology_flags(flag_set& flags, std::string& topology, std::optional<std::filesystem::path>& data_dir);

// Loads the topology; on failure prints the error and sets `exit` (64 usage, 65 bad data).
[[nodiscard]] std::optional<loaded_topology> load_or_report(const flag_set& flags, const std::string& topology,
                                                            const std::optional<std::filesystem::path>& data_dir,
                                                            std::uint64_t seed, tool_io& io, int& exit);

}  // namespace clearway::tools::bench
