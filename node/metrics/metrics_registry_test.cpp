#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "node/metrics/metrics_registry.hpp"

namespace {

using namespace clearway::node::metrics;

TEST(MetricsRegistry, RendersGoldenText) {
  registry r;
  auto* requests = r.add_counter("rpc_requests_total", "RPC requests.\nBy method.", {"method", "path"}).value();
  requests->with({"pay", "C:\\x"}).value()->add(3);
  requests->with({"getinfo", "say \"hi\"\nbye"}).value()->add();
  auto* temp = r.add_gauge("a_gauge", "Back\\slash help.").value();
  temp->only().set(-7);
  auto* lat = r.add_histogram("latency_seconds", "Latency.", {0.25, 0.5, 1}, {"op"}).value();
  auto* h = lat->with({"commit"}).value();
  h->observe(0.125);
  h->observe(0.25);  // on the bound: counted in le="0.25"
  h->observe(0.75);
  h->observe(3);
  h->observe(std::nan(""));  // ignored
  const std::string expected =
      "# HELP a_gauge Back\\\\slash help.\n"
      "# TYPE a_gauge gauge\n"
      "a_gauge -7\n"
      "# HELP latency_seconds Latency.\n"
      "# TYPE latency_seconds histogram\n"
      "latency_seconds_bucket{op=\"commit\",le=\"0.25\"} 2\n"
      "latency_seconds_bucket{op=\"commit\",le=\"0.5\"} 2\n"
      "latency_seconds_bucket{op=\"commit\",le=\"1\"} 3\n"
      "latency_seconds_bucket{op=\"commit\",le=\"+Inf\"} 4\n"
      "latency_seconds_sum{op=\"commit\"} 4.125\n"
      "latency_seconds_count{op=\"commit\"} 4\n"
      "# HELP rpc_requests_total RPC requests.\\nBy method.\n"
      "# TYPE rpc_requests_total counter\n"
      "rpc_requests_total{method=\"getinfo\",path=\"say \\\"hi\\\"\\nbye\"} 1\n"
      "rpc_requests_total{method=\"pay\",path=\"C:\\\\x\"} 3\n";
  EXPECT_EQ(r.render(), expected);
}

TEST(MetricsRegistry, EmptyFamilyRendersOnlyItsHeader) {
  registry r;
  (void)r.add_counter("x_total", "X.", {"k"}).value();
  EXPECT_EQ(r.render(), "# HELP x_total X.\n# TYPE x_total counter\n");
  registry none;
  EXPECT_EQ(none.render(), "");
}

TEST(MetricsRegistry, UnlabelledHistogramHasOnlyLe) {
  registry r;
  auto& h = r.add_histogram("batch", "B.", {1, 2}).value()->only();
  h.observe(2);
  EXPECT_EQ(r.render(),
            "# HELP batch B.\n# TYPE batch histogram\n"
            "batch_bucket{le=\"1\"} 0\nbatch_bucket{le=\"2\"} 1\nbatch_bucket{le=\"+Inf\"} 1\n"
            "batch_sum 2\nbatch_count 1\n");
}

TEST(MetricsRegistry, RefusesBadRegistrations) {
  registry r;
  EXPECT_EQ(r.add_counter("", "h").error(), metrics_error::bad_metric_name);
  EXPECT_EQ(r.add_counter("9lives", "h").error(), metrics_error::bad_metric_name);
  EXPECT_EQ(r.add_counter("has-dash", "h").error(), metrics_error::bad_metric_name);
  EXPECT_EQ(r.add_counter("ok", "h", {"__reserved"}).error(), metrics_error::bad_label_name);
  EXPECT_EQ(r.add_counter("ok", "h", {"a:b"}).error(), metrics_error::bad_label_name);
  EXPECT_EQ(r.add_counter("ok", "h", {"a", "a"}).error(), metrics_error::duplicate_label_name);
  EXPECT_EQ(r.add_histogram("h", "h", {1}, {"le"}).error(), metrics_error::reserved_label_name);
  EXPECT_EQ(r.add_histogram("h", "h", {}).error(), metrics_error::bad_buckets);
  EXPECT_EQ(r.add_histogram("h", "h", {1, 1}).error(), metrics_error::bad_buckets);
  EXPECT_EQ(r.add_histogram("h", "h", {2, 1}).error(), metrics_error::bad_buckets);
  EXPECT_EQ(r.add_histogram("h", "h", {1, std::numeric_limits<double>::infinity()}).error(), metrics_error::bad_buckets);
  ASSERT_TRUE(r.add_counter("ns:ok_total", "h", {"le"}).has_value());  // le is fine outside histograms
  EXPECT_EQ(r.add_gauge("ns:ok_total", "h").error(), metrics_error::duplicate_metric);
  auto* f = r.add_counter("two", "h", {"a", "b"}).value();
  EXPECT_EQ(f->with({"x"}).error(), metrics_error::label_count_mismatch);
  EXPECT_EQ(r.render().find("two{"), std::string::npos);  // a refused with() creates nothing
  for (int e = 1; e <= static_cast<int>(metrics_error::bad_buckets); ++e) {
    EXPECT_NE(to_string(static_cast<metrics_error>(e)), "unknown_metrics_error");
  }
}

TEST(MetricsRegistry, CountersAndGaugesSaturate) {
  counter c;
  c.add(UINT64_MAX - 1);
  c.add(5);
  EXPECT_EQ(c.value(), UINT64_MAX);
  gauge g;
  g.set(std::numeric_limits<std::int64_t>::max() - 1);
  g.add(10);
  EXPECT_EQ(g.value(), std::numeric_limits<std::int64_t>::max());
  g.set(std::numeric_limits<std::int64_t>::min() + 1);
  g.add(-10);
  EXPECT_EQ(g.value(), std::numeric_limits<std::int64_t>::min());
}

TEST(MetricsRegistry, SampleValueFormatting) {
  EXPECT_EQ(format_sample_value(0), "0");
  EXPECT_EQ(format_sample_value(2.5), "2.5");
  EXPECT_EQ(format_sample_value(0.001), "0.001");
  EXPECT_EQ(format_sample_value(1e21), "1e+21");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

}  // namespace
