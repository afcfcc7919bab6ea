// The process's own memory as the kernel counts it (Linux /proc/self/status): resident set now
// (VmRSS) and its peak so far (VmHWM). For benchmarks that report bytes per channel or per HTLC hop
// as RSS deltas. Readings are 0 where /proc is not available.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clearway::tools::bench {

struct memory_reading {
  std::uint64_t rss_bytes = 0;       // VmRSS
  std::uint64_t rss_peak_bytes = 0;  // VmHWM
};

// Pure: the "VmRSS:" and "VmHWM:" lines of a /proc/<pid>/status text (kB values).
[[nodiscard]] std::optional<memory_reading> parse_proc_status(std::string_view status_text);

// This process, now.
[[nodiscard]] memory_reading read_process_memory();

// (after - before) / count, 0 when count is 0 or memory shrank (a delta, never negative).
[[nodiscard]] double bytes_per(std::uint64_t before, std::uint64_t after, std::uint64_t count) noexcept;

}  // namespace clearway::tools::bench
