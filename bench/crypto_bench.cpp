// Micro-benchmarks of the crypto layer. Fixed seeds, so every run measures the same inputs.
// Run: crypto_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <secp256k1.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "crypto/secp_context.hpp"
#include "crypto/shachain.hpp"
#include "crypto/signature.hpp"

namespace {

using namespace clearway;
using namespace clearway::crypto;

bytes32 random_bytes32(std::mt19937_64& rng) {
  bytes32 out;
  for (auto& b : out.bytes) b = static_cast<std::uint8_t>(rng());
  return out;
}

struct signed_message {
  key_pair signer;
  bytes32 msg;
  signature sig;
};

// 64 different (key, message, signature) triples, so no cache or branch sees one input only.
const std::vector<signed_message>& fixtures() {
  static const std::vector<signed_message> all = [] {
    std::mt19937_64 rng(20240601);
    std::vector<signed_message> v;
    for (int i = 0; i < 64; ++i) {
      const key_pair kp = key_pair::from_secret(secret_key::from_material(random_bytes32(rng)));
      const bytes32 msg = random_bytes32(rng);
      v.push_back({kp, msg, sign_eip191(kp.secret, msg)});
    }
    return v;
  }();
  return all;
}

void BM_sign_eip191(benchmark::State& state) {
  const auto& f = fixtures();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& x = f[i++ % f.size()];
    benchmark::DoNotOptimize(sign_eip191(x.signer.secret, x.msg));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sign_eip191);

// Recover + compare addresses: what a verifier does when it knows only the address.
void BM_verify_eip191_recover(benchmark::State& state) {
  const auto& f = fixtures();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& x = f[i++ % f.size()];
    benchmark::DoNotOptimize(verify_eip191(x.sig, x.msg, x.signer.addr).has_value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_verify_eip191_recover);

void BM_verify_eip191_with_key(benchmark::State& state) {
  const auto& f = fixtures();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& x = f[i++ % f.size()];
    benchmark::DoNotOptimize(verify_eip191_with_key(x.sig, x.msg, x.signer.pub).has_value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_verify_eip191_with_key);

// Reference only: libsecp256k1's plain ECDSA verify (pubkey parse + digest + verify), which does
// NOT check v. verify_eip191_with_key would cost this plus a recovery if it verified first.
void BM_reference_plain_ecdsa_verify_no_v_check(benchmark::State& state) {
  const auto& f = fixtures();
  const secp256k1_context* ctx = detail::secp_context();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& x = f[i++ % f.size()];
    std::array<unsigned char, 65> serial{0x04};
    std::memcpy(serial.data() + 1, x.signer.pub.data(), 64);
    secp256k1_pubkey pub;
    secp256k1_ecdsa_signature sig;
    const int ok = secp256k1_ec_pubkey_parse(ctx, &pub, serial.data(), serial.size()) &
                   secp256k1_ecdsa_signature_parse_compact(ctx, &sig, x.sig.data()) &
                   secp256k1_ecdsa_verify(ctx, &sig, eip191_digest(x.msg).data(), &pub);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_reference_plain_ecdsa_verify_no_v_check);

void BM_derive_public_key(benchmark::State& state) {
  const auto& f = fixtures();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(derive_public_key(f[i++ % f.size()].signer.secret));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_derive_public_key);

void BM_keccak256(benchmark::State& state) {
  std::vector<std::uint8_t> data(static_cast<std::size_t>(state.range(0)), 0xa5);
  for (auto _ : state) {
    benchmark::DoNotOptimize(keccak256(data));
    data[0]++;
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_keccak256)->Arg(32)->Arg(200);

void BM_sha256(benchmark::State& state) {
  std::vector<std::uint8_t> data(static_cast<std::size_t>(state.range(0)), 0xa5);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sha256(data));
    data[0]++;
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_sha256)->Arg(32);

// A random index: 24 set bits on average, so ~24 sha256 per derivation.
void BM_shachain_derive(benchmark::State& state) {
  std::mt19937_64 rng(7);
  const bytes32 seed = random_bytes32(rng);
  std::uint64_t index = 0;
  for (auto _ : state) {
    index = (index * 6364136223846793005ULL + 1442695040888963407ULL);
    benchmark::DoNotOptimize(shachain_derive(seed, index & shachain_max_index));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_shachain_derive);

// One insert of the next secret (with its checks against the stored ones), secrets precomputed.
void BM_shachain_store_insert(benchmark::State& state) {
  std::mt19937_64 rng(8);
  const bytes32 seed = random_bytes32(rng);
  constexpr std::uint64_t batch = 4096;
  std::vector<bytes32> secrets;
  for (std::uint64_t k = 0; k < batch; ++k) secrets.push_back(*shachain_derive(seed, shachain_max_index - k));
  shachain_store store;
  std::uint64_t k = 0;
  for (auto _ : state) {
    if (k == batch) {
      state.PauseTiming();
      store = shachain_store{};
      k = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(store.insert(shachain_max_index - k, secrets[k]).has_value());
    ++k;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_shachain_store_insert);

// One get of an earlier secret from a store holding 4,096 consecutive ones (derived on demand).
void BM_shachain_store_get(benchmark::State& state) {
  std::mt19937_64 rng(9);
  const bytes32 seed = random_bytes32(rng);
  constexpr std::uint64_t count = 4096;
  shachain_store store;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t index = shachain_max_index - k;
    if (!store.insert(index, *shachain_derive(seed, index))) state.SkipWithError("insert failed");
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.get(shachain_max_index - rng() % count).has_value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_shachain_store_get);

// 1,000 verify_eip191 checks per run; items/s is checks per second.
void BM_batch_verifier(benchmark::State& state) {
  const auto& f = fixtures();
  batch_verifier verifier(static_cast<unsigned>(state.range(0)));
  constexpr std::size_t checks = 1000;
  for (auto _ : state) {
    for (std::size_t i = 0; i < checks; ++i) {
      const auto& x = f[i % f.size()];
      verifier.enqueue({x.sig, x.msg, x.signer.addr});
    }
    benchmark::DoNotOptimize(verifier.run());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(checks));
}
BENCHMARK(BM_batch_verifier)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
