#include "tools/bench/process_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "tools/bench/cli.hpp"

namespace clearway::tools::bench {

namespace {
// "VmRSS:	  123456 kB" -> bytes.
std::optional<std::uint64_t> kb_field(std::string_view text, std::string_view name) {
  std::size_t at = 0;
  while ((at = text.find(name, at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == '\n') break;
    at += name.size();
  }
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + name.size());
  rest = rest.substr(0, rest.find('\n'));  // the value is on the field's own line
  const std::size_t first = rest.find_first_of("0123456789");
  if (first == std::string_view::npos) return std::nullopt;
  rest = rest.substr(first);
  const std::size_t end = rest.find_first_not_of("0123456789");
  auto kb = parse_u64(rest.substr(0, end));
  if (!kb || *kb > UINT64_MAX / 1024) return std::nullopt;
  return *kb * 1024;
}
}  // namespace

std::optional<memory_reading> parse_proc_status(std::string_view status_text) {
  auto rss = kb_field(status_text, "VmRSS:");
  auto hwm = kb_field(status_text, "VmHWM:");
  if (!rss || !hwm) return std::nullopt;
  return memory_reading{*rss, *hwm};
}

memory_reading read_process_memory() {
  std::ifstream in("/proc/self/status");
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_proc_status(text.str()).value_or(memory_reading{});
}

double bytes_per(std::uint64_t before, std::uint64_t after, std::uint64_t count) noexcept {
  if (count == 0 || after <= before) return 0;
  return static_cast<double>(after - before) / static_cast<double>(count);
}

}  // namespace clearway::tools::bench
