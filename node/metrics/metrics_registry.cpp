#include "node/metrics/metrics_registry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace clearway::node::metrics {
namespace {

bool is_metric_name(std::string_view n) noexcept {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_label_name(std::string_view n) noexcept {
  if (n.empty() || n.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// {a="x",b="y"} (plus an extra pair such as le="0.5"); empty when there are no labels.
std::string label_text(const std::vector<std::string>& names, const label_values& values,
                       std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escape_help(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out += name;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string_view to_string(metrics_error e) noexcept {
  switch (e) {
    case metrics_error::bad_metric_name: return "bad_metric_name";
    case metrics_error::bad_label_name: return "bad_label_name";
    case metrics_error::reserved_label_name: return "reserved_label_name";
    case metrics_error::duplicate_label_name: return "duplicate_label_name";
    case metrics_error::duplicate_metric: return "duplicate_metric";
    case metrics_error::label_count_mismatch: return "label_count_mismatch";
    case metrics_error::bad_buckets: return "bad_buckets";
  }
  return "unknown_metrics_error";
}

void gauge::add(std::int64_t delta) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(value_, delta, &out)) {
    out = delta > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  value_ = out;
}

histogram::histogram(const std::vector<double>* upper_bounds) : bounds_(upper_bounds), counts_(upper_bounds->size(), 0) {}

void histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;
  const auto it = std::lower_bound(bounds_->begin(), bounds_->end(), v);
  if (it != bounds_->end()) ++counts_[static_cast<std::size_t>(it - bounds_->begin())];
  ++count_;
  sum_ += v;
}

template <class Series>
result<Series*, metrics_error> family<Series>::with(const label_values& values) {
  if (values.size() != labels_.size()) return metrics_error::label_count_mismatch;
  auto it = series_.find(values);
  if (it == series_.end()) {
    std::unique_ptr<Series> fresh;
    if constexpr (std::is_same_v<Series, histogram>) fresh = std::make_unique<histogram>(&bounds_);
    else fresh = std::make_unique<Series>();
    it = series_.emplace(values, std::move(fresh)).first;
  }
  return it->second.get();
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

result<void, metrics_error> registry::check_new(std::string_view name, const std::vector<std::string>& labels,
                                                bool is_histogram) const {
  if (!is_metric_name(name)) return metrics_error::bad_metric_name;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!is_label_name(labels[i])) return metrics_error::bad_label_name;
    if (is_histogram && labels[i] == "le") return metrics_error::reserved_label_name;
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j] == labels[i]) return metrics_error::duplicate_label_name;
    }
  }
  if (counters_.contains(name) || gauges_.contains(name) || histograms_.contains(name)) {
    return metrics_error::duplicate_metric;
  }
  return {};
}

result<counter_family*, metrics_error> registry::add_counter(std::string_view name, std::string_view help,
                                                             std::vector<std::string> labels) {
  if (auto ok = check_new(name, labels, false); !ok) return ok.error();
  auto f = std::make_unique<counter_family>(std::string(name), std::string(help), std::move(labels));
  return counters_.emplace(std::string(name), std::move(f)).first->second.get();
}

result<gauge_family*, metrics_error> registry::add_gauge(std::string_view name, std::string_view help,
                                                         std::vector<std::string> labels) {
  if (auto ok = check_new(name, labels, false); !ok) return ok.error();
  auto f = std::make_unique<gauge_family>(std::string(name), std::string(help), std::move(labels));
  return gauges_.emplace(std::string(name), std::move(f)).first->second.get();
}

result<histogram_family*, metrics_error> registry::add_histogram(std::string_view name, std::string_view help,
                                                                 std::vector<double> upper_bounds,
                                                                 std::vector<std::string> labels) {
  if (auto ok = check_new(name, labels, true); !ok) return ok.error();
  if (upper_bounds.empty()) return metrics_error::bad_buckets;
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i])) return metrics_error::bad_buckets;
    if (i > 0 && !(upper_bounds[i] > upper_bounds[i - 1])) return metrics_error::bad_buckets;
  }
  auto f = std::make_unique<histogram_family>(std::string(name), std::string(help), std::move(labels),
                                              std::move(upper_bounds));
  return histograms_.emplace(std::string(name), std::move(f)).first->second.get();
}

std::string registry::render() const {
  // One text block per family, emitted in name order across the three kinds.
  std::map<std::string_view, std::string> blocks;
  for (const auto& [name, f] : counters_) {
    std::string& out = blocks[name];
    header(out, name, f->help(), "counter");
    for (const auto& [values, c] : f->series()) sample(out, name, label_text(f->labels(), values), std::to_string(c->value()));
  }
  for (const auto& [name, f] : gauges_) {
    std::string& out = blocks[name];
    header(out, name, f->help(), "gauge");
    for (const auto& [values, g] : f->series()) sample(out, name, label_text(f->labels(), values), std::to_string(g->value()));
  }
  for (const auto& [name, f] : histograms_) {
    std::string& out = blocks[name];
    header(out, name, f->help(), "histogram");
    const std::string bucket = name + "_bucket";
    for (const auto& [values, h] : f->series()) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h->upper_bounds().size(); ++i) {
        cumulative += h->bucket_counts()[i];
        sample(out, bucket, label_text(f->labels(), values, "le", format_sample_value(h->upper_bounds()[i])),
               std::to_string(cumulative));
      }
      sample(out, bucket, label_text(f->labels(), values, "le", "+Inf"), std::to_string(h->count()));
      sample(out, name + "_sum", label_text(f->labels(), values), format_sample_value(h->sum()));
      sample(out, name + "_count", label_text(f->labels(), values), std::to_string(h->count()));
    }
  }
  std::string text;
  for (const auto& [name, block] : blocks) text += block;
  return text;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_sample_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), ec == std::errc{} ? end : buf.data());
}

}  // namespace clearway::node::metrics
