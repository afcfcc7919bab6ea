// One full commit + revoke round trip between two channel ends, all signing and verification
// included: initiate, countersign + revoke, revoke, both revokes checked. The commitment carries
// 0, 1, 100 or 483 pending HTLCs (added before the timed loop); each timed iteration adds one pay
// proposal and runs the round.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstdio>
#include <vector>

#include "crypto/hash.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::protocol {
namespace {

constexpr std::uint64_t now_s = 1'700'000'000;

bytes32 fill32(std::uint8_t b) {
  bytes32 out;
  out.bytes.fill(b);
  return out;
}

template <class T>
T must(result<T, channel_error> r) {
  if (!r) {
    std::fprintf(stderr, "channel_bench: %s\n", std::string(to_string(r.error())).c_str());
    std::abort();
  }
  return std::move(*r);
}
void must(status<channel_error> r) {
  if (!r) {
    std::fprintf(stderr, "channel_bench: %s\n", std::string(to_string(r.error())).c_str());
    std::abort();
  }
}

struct pair_of_ends {
  channel a;
  channel b;
};

pair_of_ends open_pair() {
  const auto k0 = crypto::key_pair::from_secret(crypto::secret_key::from_material(fill32(1)));
  const auto k1 = crypto::key_pair::from_secret(crypto::secret_key::from_material(fill32(2)));
  const bytes32 s0 = fill32(0xa1);
  const bytes32 s1 = fill32(0xb2);
  channel_config config;
  config.bank.bytes.fill(0xba);
  config.addresses = {k0.addr, k1.addr};
  config.public_keys = {k0.pub, k1.pub};
  config.deposits = {amount::from_base_units(1'000'000'000'000), amount::from_base_units(1'000'000'000'000)};
  const auto l0 = derive_lock_addresses(s0, 0, config.lock_batch);
  const auto l1 = derive_lock_addresses(s1, 0, config.lock_batch);
  channel a = must(channel::create(config, party::zero, k0, s0, l1, l0));
  channel b = must(channel::create(config, party::one, k1, s1, l0, l1));
  const commit ca = must(a.initial_commit());
  const commit cb = must(b.initial_commit());
  (void)must(a.receive_commit(cb));
  (void)must(b.receive_commit(ca));
  return {std::move(a), std::move(b)};
}

void round_trip(channel& initiator, channel& responder) {
  const commit c = must(initiator.initiate_commit());
  const auto r1 = must(responder.receive_commit(c));
  const auto r2 = must(initiator.receive_commit(*r1.countersign));
  must(initiator.receive_revoke(*r1.revocation));
  must(responder.receive_revoke(*r2.revocation));
}

void BM_ChannelCommitRevokeRound(benchmark::State& state) {
  const auto pending_htlcs = static_cast<std::uint64_t>(state.range(0));
  auto [a, b] = open_pair();
  for (std::uint64_t i = 0; i < pending_htlcs; ++i) {
    bytes32 preimage = fill32(0x77);
    preimage.bytes[0] = static_cast<std::uint8_t>(i);
    preimage.bytes[1] = static_cast<std::uint8_t>(i >> 8);
    const add_htlc m = must(a.propose_add_htlc(amount::from_base_units(1'000 + i), crypto::sha256(preimage.span()),
                                               now_s + 3'600 + i, now_s));
    must(b.receive_add_htlc(m, now_s));
  }
  if (pending_htlcs != 0) round_trip(a, b);
  (void)a.drain_events();
  (void)b.drain_events();
  for (auto _ : state) {
    must(b.receive_pay(must(a.propose_pay(amount::from_base_units(1)))));
    round_trip(a, b);
    benchmark::DoNotOptimize(a.drain_events());
    benchmark::DoNotOptimize(b.drain_events());
  }
  if (a.latest_signed_own_commitment().content.htlcs.size() != pending_htlcs) std::abort();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["htlcs"] = static_cast<double>(pending_htlcs);
  state.counters["bytes_per_end"] = static_cast<double>(a.memory_bytes());
}
BENCHMARK(BM_ChannelCommitRevokeRound)->Arg(0)->Arg(1)->Arg(100)->Arg(483)->Unit(benchmark::kMicrosecond);

bytes32 preimage_of(std::uint64_t i) {
  bytes32 p = fill32(0x77);
  for (std::size_t k = 0; k < 8; ++k) p.bytes[k] = static_cast<std::uint8_t>(i >> (8 * k));
  return p;
}

// The same round when the HTLC set changes (one HTLC fulfilled and one added per round, N pending):
// the commitment's htlcs_hash is recomputed over all N HTLCs on each side.
void BM_ChannelRoundReplacingHtlc(benchmark::State& state) {
  const auto pending_htlcs = static_cast<std::uint64_t>(state.range(0));
  auto [a, b] = open_pair();
  std::uint64_t next = 0;
  std::vector<htlc_id> ids;  // oldest first
  auto add_one = [&] {
    const bytes32 pre = preimage_of(next);
    const add_htlc m = must(a.propose_add_htlc(amount::from_base_units(1'000), crypto::sha256(pre.span()),
                                               now_s + 3'600, now_s));
    must(b.receive_add_htlc(m, now_s));
    ids.push_back(m.id);
    ++next;
  };
  for (std::uint64_t i = 0; i < pending_htlcs; ++i) add_one();
  round_trip(a, b);
  std::uint64_t oldest = 0;
  std::size_t front = 0;
  for (auto _ : state) {
    must(a.receive_fulfill(must(b.propose_fulfill(ids[front], preimage_of(oldest)))));
    ++front;
    ++oldest;
    add_one();
    round_trip(a, b);
    benchmark::DoNotOptimize(a.drain_events());
    benchmark::DoNotOptimize(b.drain_events());
  }
  if (a.latest_signed_own_commitment().content.htlcs.size() != pending_htlcs) std::abort();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["htlcs"] = static_cast<double>(pending_htlcs);
}
// 482: the add rides beside the uncovered fulfill, so 483 would exceed max_accepted_htlcs.
BENCHMARK(BM_ChannelRoundReplacingHtlc)->Arg(1)->Arg(100)->Arg(482)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace clearway::protocol
