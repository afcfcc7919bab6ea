// Durable channel-state updates through node/store (SQLite, WAL, synchronous=FULL): each timed
// iteration is one batch of N channel-state writes (encode + channel row + HTLC rows + shachain
// row) committed as one transaction, so N updates share one fsync of the write-ahead log.
// Reported per update: wall-clock rate (fsync waits are not CPU time, so real time is used),
// fsyncs and write-ahead-log fsyncs counted by the store's VFS shim. The states come from seeded
// driven channel pairs (a few HTLCs, revocations); the database lives in $CLEARWAY_BENCH_DIR or
// the system temp directory, which must be on a real disk for the figures to mean anything.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "node/store/store.hpp"
#include "protocol/channel_state_codec.hpp"
#include "protocol/channel_storm_driver.hpp"

namespace clearway::node {
namespace {

namespace fs = std::filesystem;

crypto::key_pair key(std::uint8_t n) {
  bytes32 m;
  m.bytes.fill(n);
  return crypto::key_pair::from_secret(crypto::secret_key::from_material(m));
}

void die(std::string_view what, std::string_view why) {
  std::fprintf(stderr, "store_bench: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(why.size()), why.data());
  std::abort();
}

void BM_DurableChannelUpdates(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const char* env = std::getenv("CLEARWAY_BENCH_DIR");
  const fs::path dir = fs::path(env != nullptr ? env : fs::temp_directory_path().string()) /
                       ("clearway_store_bench_" + std::to_string(::getpid()) + "_" + std::to_string(batch));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto opened = store::open((dir / "node.db").string());
    if (!opened) die("open", to_string(opened.error()));
    store db = std::move(*opened);

    // 16 distinct channel states, written round robin under 1,000 channel ids.
    std::vector<protocol::channel> states;
    for (std::uint64_t seed = 1; states.size() < 16; ++seed) {
      protocol::test::storm_driver d(seed, key(1), key(2));
      std::string trace;
      for (int i = 0; i < 80; ++i) d.step(trace);
      states.push_back(d.end(0));
      states.push_back(d.end(1));
    }
    double blob_bytes = 0;
    double htlcs = 0;
    for (const auto& c : states) {
      blob_bytes += static_cast<double>(protocol::encode_channel_state(c).size());
      htlcs += static_cast<double>(c.htlcs().size());
    }
    state.counters["state_bytes"] = blob_bytes / static_cast<double>(states.size());
    state.counters["htlcs_per_state"] = htlcs / static_cast<double>(states.size());
    std::size_t next = 0;
    auto id_of = [](std::size_t n) {
      channel_id id;
      for (std::size_t i = 0; i < 8; ++i) id.bytes[i] = static_cast<std::uint8_t>(n >> (8 * i));
      return id;
    };
    const store_metrics before = db.metrics();
    std::uint64_t updates = 0;
    for (auto _ : state) {
      if (auto r = db.begin_batch(); !r) die("begin", to_string(r.error()));
      for (std::size_t i = 0; i < batch; ++i, ++next) {
        if (auto r = db.queue_channel(id_of(next % 1000), states[next % states.size()]); !r) {
          die("queue", to_string(r.error()));
        }
      }
      if (auto r = db.commit_batch(); !r) die("commit", to_string(r.error()));
      updates += batch;
    }
    const store_metrics after = db.metrics();
    state.SetItemsProcessed(static_cast<std::int64_t>(updates));
    const double n = static_cast<double>(updates);
    state.counters["fsyncs_per_update"] = static_cast<double>(after.fsyncs - before.fsyncs) / n;
    state.counters["wal_fsyncs_per_update"] = static_cast<double>(after.wal_fsyncs - before.wal_fsyncs) / n;
    state.counters["commits_per_update"] = static_cast<double>(after.commits - before.commits) / n;
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_DurableChannelUpdates)->Arg(1)->Arg(10)->Arg(100)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace clearway::node
