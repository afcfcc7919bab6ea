// A progress line on stderr for long runs: redrawn in place on a terminal, or printed as plain
// lines (at most one per `plain_interval`) when forced on with --progress and stderr is not a
// terminal. Off, it prints nothing. Updates are rate-limited, so callers may call it often.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace clearway::tools::bench {

class progress_line {
 public:
  progress_line(std::ostream& err, bool enabled, bool terminal);
  ~progress_line();
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  [[nodiscard]] bool enabled() const noexcept { return enabled_; }
  // A step of the run ("opening 30,457 channels"), on its own line.
  void phase(std::string_view what);
  // `done` of `total`, with a short detail; drawn only if enough wall time passed since the last.
  void update(std::uint64_t done, std::uint64_t total, std::string_view detail);
  // Ends an in-place line.
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool enabled_;
  bool terminal_;
  bool line_open_ = false;
  std::size_t last_width_ = 0;
  clock::time_point last_draw_{};
};

// Wall-clock seconds since construction (or the last restart).
class stopwatch {
 public:
  stopwatch() : start_(std::chrono::steady_clock::now()) {}
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void restart() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

// 1234567 -> "1,234,567"
[[nodiscard]] std::string with_commas(std::uint64_t v);

}  // namespace clearway::tools::bench
