#include "tools/bench/xy_plot.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "tools/bench/time_series_plot.hpp"

namespace clearway::tools::bench {

namespace fs = std::filesystem;

namespace {

// gnuplot strings in single quotes: a quote is doubled.
std::string gp_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string sh_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool drawable(const xy_chart& chart, double x, double y) {
  if (chart.log_x && x <= 0) return false;
  if (chart.log_y && y <= 0) return false;
  return true;
}

}  // namespace

std::string_view to_string(plot_error e) noexcept {
  switch (e) {
    case plot_error::bad_extension: return "bad_extension";
    case plot_error::gnuplot_missing: return "gnuplot_missing";
    case plot_error::cannot_write: return "cannot_write";
    case plot_error::gnuplot_failed: return "gnuplot_failed";
    case plot_error::nothing_to_plot: return "nothing_to_plot";
  }
  return "unknown";
}

std::string xy_data_text(const xy_chart& chart) {
  std::string out;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    if (i > 0) out += "\n\n";
    out += "# " + chart.series[i].title + "\n";
    for (const auto& [x, y] : chart.series[i].points) {
      if (!drawable(chart, x, y)) continue;
      char line[96];
      std::snprintf(line, sizeof line, "%.9g\t%.9g\n", x, y);
      out += line;
    }
  }
  return out;
}

std::string xy_script(const xy_chart& chart, const fs::path& data_file, const fs::path& out, bool svg) {
  std::string s;
  s += svg ? "set terminal svg size 960,540 dynamic background '#ffffff'\n" : "set terminal pngcairo size 960,540\n";
  s += "set output " + gp_quoted(out.string()) + "\n";
  s += "set title " + gp_quoted(chart.title) + " noenhanced\n";
  s += "set xlabel " + gp_quoted(chart.x_label) + " noenhanced\n";
  s += "set ylabel " + gp_quoted(chart.y_label) + " noenhanced\n";
  if (chart.log_x) s += "set logscale x\n";
  if (chart.log_y) s += "set logscale y\n";
  s += "set key below\nset grid\n";
  std::string plot;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    bool any = false;
    for (const auto& [x, y] : chart.series[i].points) any = any || drawable(chart, x, y);
    if (!any) continue;  // gnuplot fails on an empty index
    plot += plot.empty() ? "plot " : ", ";
    plot += gp_quoted(data_file.string()) + " index " + std::to_string(i) + " using 1:2 with " +
            (chart.series[i].points_only ? "points pt 7 ps 1.5" : "linespoints lw 2 pt 7") + " title " +
            gp_quoted(chart.series[i].title) + " noenhanced";
  }
  s += plot + "\n";
  return s;
}

status<plot_failure> write_xy_plot(const fs::path& out, const xy_chart& chart) {
  auto format = plot_format_of(out);
  if (!format) return plot_failure{plot_error::bad_extension, format.error()};
  bool any = false;
  for (const auto& series : chart.series) {
    for (const auto& [x, y] : series.points) any = any || drawable(chart, x, y);
  }
  if (!any) return plot_failure{plot_error::nothing_to_plot, "no point to plot in " + out.string()};
  // NOLINTNEXTLINE(cert-env33-c): a fixed command, no user text
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    return plot_failure{plot_error::gnuplot_missing,
                        "gnuplot is not on PATH (Debian: apt-get install gnuplot-nox); the summary and any --json "
                        "report were still written"};
  }
  fs::path data = out;
  data += ".dat";
  fs::path script = out;
  script += ".gp";
  {
    std::ofstream d(data, std::ios::trunc);
    d << xy_data_text(chart);
    if (!d) return plot_failure{plot_error::cannot_write, "cannot write " + data.string()};
  }
  {
    std::ofstream g(script, std::ios::trunc);
    g << xy_script(chart, data, out, *format == plot_format::svg);
    if (!g) return plot_failure{plot_error::cannot_write, "cannot write " + script.string()};
  }
  const std::string cmd = "gnuplot " + sh_quoted(script.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());  // NOLINT(cert-env33-c): a fixed program on our own files
  if (rc != 0) {
    return plot_failure{plot_error::gnuplot_failed,
                        "gnuplot failed (exit status " + std::to_string(rc) + ") on " + script.string()};
  }
  return {};
}

}  // namespace clearway::tools::bench
