// The concurrency scenario's pure parts: /proc/self/status parsing, byte deltas, plot formats and
// script, default sizes.
#include <gtest/gtest.h>

#include "tools/bench/concurrency.hpp"
#include "tools/bench/process_memory.hpp"
#include "tools/bench/time_series_plot.hpp"

namespace clearway::tools::bench {
namespace {

TEST(process_memory, parses_rss_and_peak_in_kb) {
  const auto r = parse_proc_status("Name:\tx\nVmPeak:\t  999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads: 3\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rss_bytes, 1024u * 1024u);
  EXPECT_EQ(r->rss_peak_bytes, 2048u * 1024u);
}

TEST(process_memory, refuses_text_without_the_fields) {
  EXPECT_FALSE(parse_proc_status(""));
  EXPECT_FALSE(parse_proc_status("VmRSS:\t 12 kB\n"));           // no VmHWM
  EXPECT_FALSE(parse_proc_status("VmRSS:\t kB\nVmHWM:\t 3 kB\n"));  // no number
  EXPECT_FALSE(parse_proc_status("XVmRSS:\t 12 kB\nVmHWM:\t 3 kB\n"));  // not at a line start
  EXPECT_FALSE(parse_proc_status("VmRSS:\t 99999999999999999999 kB\nVmHWM:\t 3 kB\n"));
}

TEST(process_memory, reads_this_process) {
  const auto m = read_process_memory();
  EXPECT_GT(m.rss_bytes, 0u);
  EXPECT_GE(m.rss_peak_bytes, m.rss_bytes);
}

TEST(process_memory, bytes_per_is_a_nonnegative_delta) {
  EXPECT_DOUBLE_EQ(bytes_per(1000, 5000, 4), 1000.0);
  EXPECT_DOUBLE_EQ(bytes_per(5000, 1000, 4), 0.0);  // shrank: no negative cost
  EXPECT_DOUBLE_EQ(bytes_per(1000, 5000, 0), 0.0);
}

TEST(time_series_plot, format_from_extension) {
  EXPECT_EQ(plot_format_of("a/b.svg").value(), plot_format::svg);
  EXPECT_EQ(plot_format_of("B.PNG").value(), plot_format::png);
  EXPECT_FALSE(plot_format_of("plot.pdf"));
  EXPECT_FALSE(plot_format_of("plot"));
}

TEST(time_series_plot, script_names_files_and_quotes) {
  const std::string s =
      gnuplot_script("/tmp/it's.dat", "/tmp/out.svg", plot_format::svg, plot_labels{"t", "left", "right"});
  EXPECT_NE(s.find("set terminal svg"), std::string::npos);
  EXPECT_NE(s.find("set output '/tmp/out.svg'"), std::string::npos);
  EXPECT_NE(s.find("'/tmp/it''s.dat'"), std::string::npos);
  EXPECT_NE(s.find("axes x1y2"), std::string::npos);
  const std::string p = gnuplot_script("d", "o.png", plot_format::png, plot_labels{});
  EXPECT_NE(p.find("pngcairo"), std::string::npos);
}

TEST(concurrency, default_sizes) {
  EXPECT_EQ(default_nodes_for(3'952'800), 1'000'000u);  // the article's network
  EXPECT_EQ(default_nodes_for(4), 3u);
  EXPECT_EQ(default_ramp_step(658'800), 6'588u);
  EXPECT_EQ(default_ramp_step(500), 200u);
  EXPECT_EQ(default_ramp_step(100'000'000), 20'000u);
}

}  // namespace
}  // namespace clearway::tools::bench
