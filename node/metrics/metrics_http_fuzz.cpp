// Fuzzes the scrape endpoint's request parser (route_of): any bytes give a route without
// crashing; `metrics` only for a head whose first line is exactly "GET /metrics[?...] HTTP/..."
// followed by a blank line; `incomplete` exactly when there is no blank line.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "node/metrics/metrics_http.hpp"

namespace {

using namespace clearway::node::metrics;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "metrics_http_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  for (std::string_view s : {"GET /metrics HTTP/1.0\r\n\r\n", "GET /metrics?a=b HTTP/1.1\r\nHost: x\r\n\r\n",
                             "POST / HTTP/1.0\n\n", "GET /metrics HTTP/1.0\r\n"}) {
    out->emplace_back(s.begin(), s.end());
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view head(reinterpret_cast<const char*>(data), size);
  const http_route route = route_of(head);
  const bool has_end = head.find("\r\n\r\n") != std::string_view::npos || head.find("\n\n") != std::string_view::npos;
  if ((route == http_route::incomplete) == has_end) fail("incomplete iff no blank line");
  if (route == http_route::metrics) {
    if (head.substr(0, 13) != "GET /metrics " && head.substr(0, 13) != "GET /metrics?") fail("metrics for another line");
    const std::string_view line = head.substr(0, head.find_first_of("\r\n"));
    if (line.find(" HTTP/") == std::string_view::npos) fail("metrics without an HTTP version");
  }
  return 0;
}
