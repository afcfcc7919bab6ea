// Cost of validating a full clearwayd config (done once at start-up; here to catch regressions).
#include <benchmark/benchmark.h>

#include "node/config/node_config.hpp"

namespace {

void BM_ParseFullConfig(benchmark::State& state) {
  const char* text =
      "network = evm\nrpc_url = http://127.0.0.1:8545\ndata_dir = /var/lib/clearway\n"
      "identity_key_file = node.key\nlisten = [::]:9735\nrpc_listen = 127.0.0.1:9835\n"
      "rpc_token_file = rpc.token\nfee_base_msat = 1000\nfee_ppm = 10\ntime_lock_delta_s = 3600\n"
      "min_htlc_msat = 1000\nmax_htlc_msat = 10000000000\nmax_accepted_htlcs = 483\n"
      "max_value_in_flight_msat = 100000000000\ncommit_batch_max = 64\nlog_level = info\n"
      "metrics_listen = 127.0.0.1:9100\n";
  for (auto _ : state) {
    auto c = clearway::node::config::parse_config_file("bench.conf", text);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_ParseFullConfig);

}  // namespace
