// A registry of counters, gauges and histograms (fixed buckets), rendered in the Prometheus text
// exposition format 0.0.4 (# HELP / # TYPE, escaped label values, histogram _bucket{le=...} / _sum /
// _count). Pure and single-threaded: the daemon owns one registry on one thread (or behind its own
// lock) and serves render() on its metrics endpoint.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace clearway::node::metrics {

enum class metrics_error {
  bad_metric_name = 1,   // not [a-zA-Z_:][a-zA-Z0-9_:]*
  bad_label_name,        // not [a-zA-Z_][a-zA-Z0-9_]*, or starting with "__"
  reserved_label_name,   // "le" on a histogram
  duplicate_label_name,  // the same label twice in one family
  duplicate_metric,      // a family with this name is already registered
  label_count_mismatch,  // with() got a different number of values than the family has labels
  bad_buckets,           // histogram bounds empty, not finite or not strictly increasing
};

[[nodiscard]] std::string_view to_string(metrics_error e) noexcept;

using label_values = std::vector<std::string>;

// Monotonic count; add saturates at 2^64 - 1 instead of wrapping.
class counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_ = __builtin_add_overflow(value_, n, &value_) ? UINT64_MAX : value_; }
  [[nodiscard]] std::uint64_t value() const noexcept { return value_; }

 private:
  std::uint64_t value_ = 0;
};

class gauge {
 public:
  void set(std::int64_t v) noexcept { value_ = v; }
  void add(std::int64_t delta) noexcept;  // saturates at the int64 limits
  [[nodiscard]] std::int64_t value() const noexcept { return value_; }

 private:
  std::int64_t value_ = 0;
};

class histogram {
 public:
  explicit histogram(const std::vector<double>* upper_bounds);
  // Counts v in the first bucket whose bound is >= v; NaN is ignored.
  void observe(double v) noexcept;
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] double sum() const noexcept { return sum_; }
  // Non-cumulative count per bound (the +Inf overflow is count() - their sum).
  [[nodiscard]] const std::vector<std::uint64_t>& bucket_counts() const noexcept { return counts_; }
  [[nodiscard]] const std::vector<double>& upper_bounds() const noexcept { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// A named metric with a fixed list of label names; one series per distinct label values.
template <class Series>
class family {
 public:
  family(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), bounds_(std::move(bounds)) {}

  // The series for these label values (created at zero on first use); pointers stay valid.
  [[nodiscard]] result<Series*, metrics_error> with(const label_values& values);
  // The only series of a family without labels.
  [[nodiscard]] Series& only() { return *with({}).value(); }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& help() const noexcept { return help_; }
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] const std::map<label_values, std::unique_ptr<Series>>& series() const noexcept { return series_; }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;  // histograms only
  std::map<label_values, std::unique_ptr<Series>> series_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

class registry {
 public:
  [[nodiscard]] result<counter_family*, metrics_error> add_counter(std::string_view name, std::string_view help,
                                                                   std::vector<std::string> labels = {});
  [[nodiscard]] result<gauge_family*, metrics_error> add_gauge(std::string_view name, std::string_view help,
                                                               std::vector<std::string> labels = {});
  [[nodiscard]] result<histogram_family*, metrics_error> add_histogram(std::string_view name, std::string_view help,
                                                                       std::vector<double> upper_bounds,
                                                                       std::vector<std::string> labels = {});

  // The exposition text: families sorted by name, series sorted by label values.
  [[nodiscard]] std::string render() const;

 private:
  [[nodiscard]] result<void, metrics_error> check_new(std::string_view name, const std::vector<std::string>& labels,
                                                      bool histogram) const;
  std::map<std::string, std::unique_ptr<counter_family>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<gauge_family>, std::less<>> gauges_;
  std::map<std::string, std::unique_ptr<histogram_family>, std::less<>> histograms_;
};

// Text helpers, exposed for tests.
[[nodiscard]] std::string escape_label_value(std::string_view v);
[[nodiscard]] std::string escape_help(std::string_view v);
[[nodiscard]] std::string format_sample_value(double v);  // shortest round-trip, +Inf / -Inf / NaN

}  // namespace clearway::node::metrics
