// Line plots of a scenario's figures (throughput per load step, route latency per graph size, ...)
// with gnuplot (Debian: gnuplot-nox), run as a subprocess on a generated script: the points go to
// FILE.dat (one block per series), the script to FILE.gp, and gnuplot renders FILE (.svg or .png,
// by the extension). Several series share one pair of axes, optionally logarithmic.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace clearway::tools::bench {

struct xy_series {
  std::string title;
  std::vector<std::pair<double, double>> points;  // (x, y); points with y <= 0 are left out on a log y axis
  bool points_only = false;                       // markers without a line (e.g. one real-world graph)
};

struct xy_chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool log_y = false;
  std::vector<xy_series> series;
};

enum class plot_error {
  bad_extension = 1,  // the file does not end in .svg or .png
  gnuplot_missing,    // no `gnuplot` on PATH (Debian: apt-get install gnuplot-nox)
  cannot_write,       // FILE.dat or FILE.gp could not be written
  gnuplot_failed,     // gnuplot ran and failed
  nothing_to_plot,    // no series has a point to draw
};
[[nodiscard]] std::string_view to_string(plot_error e) noexcept;

struct plot_failure {
  plot_error code = plot_error::gnuplot_failed;
  std::string message;  // for people: names the file or the exit status
};

// Pure: the data file's text (blocks separated by two blank lines, gnuplot's `index`).
[[nodiscard]] std::string xy_data_text(const xy_chart& chart);
// Pure: the gnuplot script that draws `data_file` into `out`. `svg` false means PNG.
[[nodiscard]] std::string xy_script(const xy_chart& chart, const std::filesystem::path& data_file,
                                    const std::filesystem::path& out, bool svg);

// Writes FILE.dat and FILE.gp next to `out` and runs gnuplot. Checks that gnuplot exists first.
[[nodiscard]] status<plot_failure> write_xy_plot(const std::filesystem::path& out, const xy_chart& chart);

}  // namespace clearway::tools::bench
