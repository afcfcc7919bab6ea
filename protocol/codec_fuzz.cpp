// Fuzzes protocol::decode: any input is either rejected with a named error or accepted, and an
// accepted input re-encodes to exactly itself (the codec is canonical). Aborts otherwise.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "protocol/codec.hpp"

namespace {

using namespace clearway;
using namespace clearway::protocol;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "codec_fuzz: %s\n", what);
  std::abort();
}

template <class Fixed>
Fixed filled(std::uint8_t b) {
  Fixed f;
  f.bytes.fill(b);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_span input(data, size);
  auto decoded = decode(input);
  if (!decoded.has_value()) {
    if (to_string(decoded.error()) == "unknown_codec_error") fail("rejected without a named error");
    return 0;
  }
  if (!validate(*decoded).has_value()) fail("accepted a message validate() rejects");
  const byte_vector again = encode(*decoded);
  if (again.size() != encoded_size(*decoded)) fail("encoded_size disagrees with encode");
  if (again.size() != size || (size != 0 && std::memcmp(again.data(), data, size) != 0)) {
    fail("encode(decode(x)) != x");
  }
  return 0;
}

// One valid encoding per message type, so mutations start deep inside every layout (used by
// base/fuzz_driver.cpp; libFuzzer ignores it and takes a corpus directory instead).
extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  const amount ten = amount::from_base_units(10);
  const std::vector<address> locks = {filled<address>(0x44), filled<address>(0x55)};
  const message samples[] = {
      open_channel{filled<address>(0x11), {filled<address>(0x22), filled<address>(0x33)}, {ten, ten}, 86'400, locks},
      accept_channel{filled<address>(0x66), locks},
      add_htlc{1, ten, filled<bytes32>(0xab), 1'700'000'000},
      fulfill_htlc{2, 1, filled<bytes32>(0xcd)},
      fail_htlc{3, 1, fail_reason::expired},
      pay{4, ten},
      commit{5, commit_kind::initiate, 4, 3, filled<signature>(0x5a)},
      revoke{4, filled<bytes32>(0xee), filled<address>(0x99)},
      close_request{{ten, ten}, filled<signature>(0x12)},
      error_message{1, "channel closing"},
      reestablish{7, 3, true, 4, 3, false},
  };
  for (const auto& m : samples) out->push_back(encode(m));
}
