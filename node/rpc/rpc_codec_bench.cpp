// parse_request / encode_request cost: what the daemon spends per RPC before a method runs.
#include <benchmark/benchmark.h>

#include <string>

#include "node/rpc/rpc_codec.hpp"
#include "node/rpc/rpc_frame.hpp"

namespace {

using namespace clearway::node::rpc;

const std::string token(64, 'f');

std::string pay_body() {
  return R"({"id":42,"token":")" + token +
         R"(","method":"pay","params":{"invoice":"cw1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq","amount_msat":250000,"max_fee_msat":100}})";
}

void BM_ParsePayRequest(benchmark::State& state) {
  const std::string body = pay_body();
  for (auto _ : state) {
    auto r = parse_request(body, token);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParsePayRequest);

void BM_ParseSetpolicyRequest(benchmark::State& state) {
  const std::string body = R"({"id":1,"token":")" + token +
                           R"(","method":"setpolicy","params":{"channel_id":")" + std::string(64, 'a') +
                           R"(","fee_base_msat":1000,"fee_ppm":10,"min_htlc_msat":1,"max_htlc_msat":1000000}})";
  for (auto _ : state) {
    auto r = parse_request(body, token);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseSetpolicyRequest);

void BM_RefuseWrongToken(benchmark::State& state) {
  const std::string body = pay_body();
  const std::string other(64, 'e');
  for (auto _ : state) {
    auto r = parse_request(body, other);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RefuseWrongToken);

void BM_EncodeFramedPayRequest(benchmark::State& state) {
  const rpc_request request = parse_request(pay_body(), token).value();
  for (auto _ : state) {
    auto framed = encode_frame(encode_request(request, token));
    benchmark::DoNotOptimize(framed);
  }
}
BENCHMARK(BM_EncodeFramedPayRequest);

}  // namespace
