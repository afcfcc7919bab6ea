// Fuzzes the config parser: any text is accepted or refused with a named diagnostic that points
// into the file; an accepted config renders to text that parses back to the same config.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "node/config/node_config.hpp"

namespace {

using namespace clearway::node::config;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "config_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  const char* seeds[] = {
      "network = evm\nrpc_url = http://127.0.0.1:8545\nlisten = [::]:9736\nrpc_listen = 127.0.0.1:9835\n",
      "fee_base_msat = 1000\nfee_ppm = 10\ntime_lock_delta_s = 600\nmin_htlc_msat = 1\nmax_htlc_msat = 5\n",
      "# c\nmax_accepted_htlcs = 30\nmax_value_in_flight_msat = 9\ncommit_batch_max = 8\nlog_level = warn\n",
      "metrics_listen = localhost:9100\ndata_dir = /x\nrpc_socket = /run/s\nrpc_token_file = t\n",
  };
  for (const char* s : seeds) {
    const std::string_view v(s);
    out->emplace_back(v.begin(), v.end());
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_config_file("fuzz.conf", text);
  if (!parsed) {
    const auto& d = parsed.error();
    if (to_string(d.code) == "unknown_config_error") fail("refused without a named error");
    if (d.source != "fuzz.conf" && d.source != "<default>") fail("diagnostic names the wrong source");
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (d.line > lines) fail("diagnostic line beyond the end of the file");
    return 0;
  }
  const std::string rendered = render_config(*parsed);
  auto again = parse_config_file("rendered", rendered);
  if (!again) fail("a rendered config does not parse");
  if (render_config(*again) != rendered) fail("render/parse is not a fixed point");
  return 0;
}
