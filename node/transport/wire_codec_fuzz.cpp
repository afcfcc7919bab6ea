// Fuzzes decode_wire: any input is refused with a named error or accepted, and an accepted input
// (other than an ignored odd type) re-encodes to exactly itself. Aborts otherwise.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "node/transport/wire_codec.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "wire_codec_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_wire(byte_span(data, size));
  if (!decoded) {
    if (to_string(decoded.error()) == "unknown_wire_error") fail("rejected without a named error");
    return 0;
  }
  if (std::holds_alternative<ignored_wire>(*decoded)) {
    if (size < 2 || (((data[0] << 8) | data[1]) % 2) == 0) fail("ignored an even type");
    return 0;
  }
  auto again = encode_wire(*decoded);
  if (!again) fail("accepted a message that cannot be encoded");
  if (again->size() != size || (size != 0 && std::memcmp(again->data(), data, size) != 0)) {
    fail("encode(decode(x)) != x");
  }
  return 0;
}

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  init_message init;
  set_feature_bit(init.features, 13);
  chain_hash chain;
  chain.bytes.fill(0x6f);
  init.networks = std::vector<chain_hash>{chain};
  init.remote_addr = byte_vector{1, 127, 0, 0, 1, 0x26, 0x07};
  init.unknown_tlvs = {{5, {0xaa}}, {0x10001, {1, 2}}};
  channel_id cid;
  cid.bytes.fill(0x42);
  const wire_message samples[] = {
      init,
      error_wire{cid, {'b', 'a', 'd'}, {}},
      warning_wire{channel_id{}, {'h', 'm'}, {{7, {1, 2}}}},
      ping_wire{10, byte_vector(4), {}},
      pong_wire{byte_vector(10), {{301, {}}}},
      channel_wire{cid, protocol::pay{1, protocol::amount::from_base_units(5)}},
      channel_wire{cid, protocol::add_htlc{2, protocol::amount::from_base_units(5), bytes32{}, 1'700'000'000}},
      route_wire{cid, 2, {{cid, protocol::amount::from_base_units(7), 1'700'003'600}, {channel_id{}, protocol::amount::from_base_units(5), 1'700'000'000}}},
      policy_wire{cid, protocol::amount::from_base_units(1000), 1, 3600},
  };
  for (const auto& m : samples) out->push_back(*encode_wire(m));
}
