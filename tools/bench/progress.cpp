#include "tools/bench/progress.hpp"

#include <cstdio>
#include <ostream>

namespace clearway::tools::bench {

namespace {
constexpr auto terminal_interval = std::chrono::milliseconds(200);
constexpr auto plain_interval = std::chrono::seconds(2);
}  // namespace

std::string with_commas(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

progress_line::progress_line(std::ostream& err, bool enabled, bool terminal)
    : err_(err), enabled_(enabled), terminal_(terminal) {}

progress_line::~progress_line() { finish(); }

void progress_line::phase(std::string_view what) {
  if (!enabled_) return;
  finish();
  err_ << "[clearway-bench] " << what << "\n" << std::flush;
}

void progress_line::update(std::uint64_t done, std::uint64_t total, std::string_view detail) {
  if (!enabled_) return;
  const auto now = clock::now();
  const bool last = done >= total;
  if (!last && now - last_draw_ < (terminal_ ? terminal_interval : plain_interval)) return;
  last_draw_ = now;
  char pct[16];
  std::snprintf(pct, sizeof pct, "%5.1f%%",
                total == 0 ? 100.0 : 100.0 * static_cast<double>(done) / static_cast<double>(total));
  std::string line = "[clearway-bench] " + with_commas(done) + "/" + with_commas(total) + " " + pct;
  if (!detail.empty()) line += "  " + std::string(detail);
  if (terminal_) {
    const std::size_t width = line.size();
    if (width < last_width_) line += std::string(last_width_ - width, ' ');  // erase a longer old line
    last_width_ = width;
    err_ << '\r' << line << std::flush;
    line_open_ = true;
  } else {
    err_ << line << "\n" << std::flush;
  }
}

void progress_line::finish() {
  if (line_open_) {
    err_ << "\n" << std::flush;
    line_open_ = false;
    last_width_ = 0;
  }
}

}  // namespace clearway::tools::bench
