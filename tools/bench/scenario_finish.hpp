// The common ending of the scenario subcommands (throughput, routing, cloth): a failed run's exit
// code, and for a finished run the summary, the JSON report, the plot and the exit code.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "tools/bench/report_json.hpp"
#include "tools/bench/scenario_run.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/xy_plot.hpp"

namespace clearway::tools::bench {

// A run that could not finish: usage errors get the usage text (64), bad data 65, the rest 70.
[[nodiscard]] inline int scenario_failure(const flag_set& flags, const scenario_error& e, tool_io& io) {
  if (e.what == scenario_error::kind::usage) return usage_failure(flags, e.message, io);
  io.err << flags.command() << ": " << e.message << "\n";
  return e.what == scenario_error::kind::data ? exit_data : exit_software;
}

// What a finished run hands to finish_scenario (each command keeps its printers to itself).
struct scenario_outputs {
  bool passed = false;
  std::function<void(std::ostream&)> print_summary;
  std::function<nlohmann::ordered_json()> json;
  std::function<xy_chart()> chart;
};

// Prints the summary, writes --json and --plot if asked. Exit 1 if a check failed, else 73 if a
// file could not be written, else 0.
[[nodiscard]] inline int finish_scenario(const flag_set& flags, const scenario_outputs& run, const std::string& json_path,
                                         const std::string& plot_path, tool_io& io) {
  run.print_summary(io.out);
  int code = run.passed ? exit_ok : exit_checks_failed;
  if (!json_path.empty()) {
    if (auto written = write_json_file(json_path, run.json()); !written) {
      io.err << flags.command() << ": --json: " << written.error() << "\n";
      if (code == exit_ok) code = exit_cant_create;
    }
  }
  if (!plot_path.empty()) {
    if (auto plotted = write_xy_plot(plot_path, run.chart()); !plotted) {
      io.err << flags.command() << ": --plot: " << to_string(plotted.error().code) << ": " << plotted.error().message
             << "\n";
      if (code == exit_ok) code = exit_cant_create;
    }
  }
  if (code == exit_checks_failed) io.err << flags.command() << ": a check failed (see 'checks' above)\n";
  return code;
}

}  // namespace clearway::tools::bench
