// Plots of a run over wall time with gnuplot (Debian: gnuplot-nox): the samples go to FILE.dat, the
// script to FILE.gp, and gnuplot renders FILE (.svg or .png, chosen by the extension). Two series
// on two y axes (left: a count, right: memory in GiB).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace clearway::tools::bench {

struct time_sample {
  double wall_s = 0;
  double left = 0;   // e.g. payments in flight
  double right = 0;  // e.g. RSS in GiB
  std::string phase;  // e.g. "ramp", "settle"
};

struct plot_labels {
  std::string title;
  std::string left_axis;
  std::string right_axis;
};

enum class plot_format { svg, png };

// Pure: the format for a path's extension (.svg, .png; case-insensitive), or an error for people.
[[nodiscard]] result<plot_format, std::string> plot_format_of(const std::filesystem::path& path);

// Pure: the gnuplot script that draws `data_file` into `out` in `format`.
[[nodiscard]] std::string gnuplot_script(const std::filesystem::path& data_file, const std::filesystem::path& out,
                                         plot_format format, const plot_labels& labels);

// Writes FILE.dat and FILE.gp next to `out` and runs gnuplot on the script. The error is a message
// for people (gnuplot missing, cannot write, gnuplot failed).
[[nodiscard]] status<std::string> write_plot(const std::filesystem::path& out, const std::vector<time_sample>& samples,
                                             const plot_labels& labels);

}  // namespace clearway::tools::bench
