// Fuzzes the RPC codec: split_frame then parse_request on any bytes. Every refusal is named; an
// accepted request re-encodes (encode_request) to a body that parses to the same typed request;
// a wrong token is always refused; parse_response never crashes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "node/rpc/rpc_codec.hpp"
#include "node/rpc/rpc_frame.hpp"

namespace {

using namespace clearway::node::rpc;

constexpr std::string_view token = "tok";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "rpc_fuzz: %s\n", what);
  std::abort();
}

void check_body(std::string_view body) {
  auto parsed = parse_request(body, token);
  if (!parsed) {
    if (to_string(parsed.error().code) == "unknown_rpc_error") fail("refused without a named error");
    auto reply = parse_response(encode_refusal(parsed.error()));
    if (!reply || !std::holds_alternative<rpc_error_reply>(reply->outcome)) fail("a refusal does not round-trip");
  } else {
    const std::string again = encode_request(*parsed, token);
    auto reparsed = parse_request(again, token);
    if (!reparsed || !(*reparsed == *parsed)) fail("encode_request(parse_request(x)) is not the same request");
    if (parse_request(again, "other").has_value()) fail("accepted a wrong token");
  }
  (void)parse_response(body);
}

}  // namespace

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  const std::string id = "02" + std::string(64, 'a');
  const std::string h = std::string(64, 'b');
  const std::string seeds[] = {
      R"({"id":1,"token":"tok","method":"getinfo"})",
      R"({"id":2,"token":"tok","method":"connect","params":{"node_id":")" + id + R"(","address":"[::1]:9735"}})",
      R"({"id":3,"token":"tok","method":"openchannel","params":{"node_id":")" + id + R"(","funding_msat":100,"peer_deposit_msat":1}})",
      R"({"id":4,"token":"tok","method":"invoice","params":{"amount_msat":1,"hold":true,"payment_hash":")" + h + R"("}})",
      R"({"id":5,"token":"tok","method":"setpolicy","params":{"fee_ppm":1,"channel_id":")" + h + R"("}})",
      R"({"id":6,"token":"tok","method":"listforwards","params":{"limit":10,"cursor":18446744073709551615}})",
      R"({"id":7,"token":"tok","method":"pay","params":{"invoice":"x","amount_msat":1e3}})",
      R"({"id":8,"result":{"a":[1,2]}})",
  };
  for (const auto& s : seeds) {
    out->emplace_back(s.begin(), s.end());
    auto framed = encode_frame(s);
    if (framed) out->push_back(*framed);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto frame = split_frame(std::span(data, size));
  if (frame && frame->has_value()) {
    if ((*frame)->consumed > size) fail("frame beyond the buffer");
    check_body((*frame)->body);
  } else if (!frame && to_string(frame.error()) == "unknown_rpc_error") {
    fail("frame refused without a named error");
  }
  check_body(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
