#include "tools/bench/time_series_plot.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace clearway::tools::bench {

namespace fs = std::filesystem;

namespace {
// gnuplot strings in single quotes: a quote is doubled.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string shell_quoted(const std::string& s) {
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
}  // namespace

result<plot_format, std::string> plot_format_of(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".svg") return plot_format::svg;
  if (ext == ".png") return plot_format::png;
  return std::string("'" + path.string() + "': the plot must end in .svg or .png");
}

std::string gnuplot_script(const fs::path& data_file, const fs::path& out, plot_format format,
                           const plot_labels& labels) {
  std::string s;
  s += format == plot_format::svg ? "set terminal svg size 960,540 dynamic background '#ffffff'\n"
                                  : "set terminal pngcairo size 960,540\n";
  s += "set output " + quoted(out.string()) + "\n";
  s += "set title " + quoted(labels.title) + " noenhanced\n";
  s += "set xlabel 'wall time (s)'\n";
  s += "set ylabel " + quoted(labels.left_axis) + " noenhanced\n";
  s += "set y2label " + quoted(labels.right_axis) + " noenhanced\n";
  s += "set ytics nomirror\nset y2tics\nset yrange [0:*]\nset y2range [0:*]\n";
  s += "set key left top\nset grid\n";
  s += "plot " + quoted(data_file.string()) + " using 1:2 with lines lw 2 title " + quoted(labels.left_axis) +
       " axes x1y1, '' using 1:3 with lines lw 2 title " + quoted(labels.right_axis) + " axes x1y2\n";
  return s;
}

status<std::string> write_plot(const fs::path& out, const std::vector<time_sample>& samples,
                               const plot_labels& labels) {
  auto format = plot_format_of(out);
  if (!format) return format.error();
  fs::path data = out;
  data += ".dat";
  fs::path script = out;
  script += ".gp";
  {
    std::ofstream d(data, std::ios::trunc);
    if (!d) return "cannot write " + data.string();
    d << "# wall_s\t" << labels.left_axis << "\t" << labels.right_axis << "\tphase\n";
    for (const auto& s : samples) {
      char line[128];
      std::snprintf(line, sizeof line, "%.3f\t%.0f\t%.4f\t", s.wall_s, s.left, s.right);
      d << line << s.phase << "\n";
    }
    if (!d) return "cannot write " + data.string();
  }
  {
    std::ofstream g(script, std::ios::trunc);
    if (!g) return "cannot write " + script.string();
    g << gnuplot_script(data, out, *format, labels);
    if (!g) return "cannot write " + script.string();
  }
  const std::string cmd = "gnuplot " + shell_quoted(script.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());  // NOLINT(cert-env33-c): a fixed program on our own files
  if (rc != 0) return "gnuplot failed (exit status " + std::to_string(rc) + ") on " + script.string();
  return {};
}

}  // namespace clearway::tools::bench
