// Fuzzes protocol::decode_snapshot / decode_channel_state: every input is refused with a named
// error or accepted; an accepted one re-encodes to exactly itself and yields a channel whose
// accessors and next round run without tripping an assertion. Aborts otherwise.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "protocol/channel_state_codec.hpp"
#include "protocol/channel_storm_driver.hpp"

namespace {

using namespace clearway;
using namespace clearway::protocol;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "channel_state_fuzz: %s\n", what);
  std::abort();
}

const crypto::key_pair& key_of(party p) {
  static const crypto::key_pair keys[2] = {
      crypto::key_pair::from_secret(crypto::secret_key::from_material(bytes32{{0x01}})),
      crypto::key_pair::from_secret(crypto::secret_key::from_material(bytes32{{0x02}})),
  };
  return keys[index_of(p)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_span input(data, size);
  auto snap = decode_snapshot(input);
  if (!snap) {
    if (to_string(snap.error()) == "unknown_channel_state_error") fail("refused without a named error");
    return 0;
  }
  const byte_vector again = encode_snapshot(*snap);
  if (again.size() != size || (size != 0 && std::memcmp(again.data(), data, size) != 0)) {
    fail("encode(decode(x)) != x");
  }
  const party self = snap->self;
  auto ch = channel::from_snapshot(std::move(*snap), key_of(self));
  if (!ch) {
    if (to_string(ch.error()) == "unknown_channel_state_error") fail("refused without a named error");
    return 0;
  }
  if (encode_channel_state(*ch) != again) fail("channel re-encodes differently");
  (void)ch->htlcs();
  (void)ch->latest_signed_own_commitment();
  (void)ch->pending_own_commitment();
  if (ch->is_open() && ch->round() == round_state::idle && ch->own_available().base_units() > 0) {
    (void)ch->propose_pay(amount::from_base_units(1));
    (void)ch->initiate_commit();
  }
  return 0;
}

// States of a driven pair at many points, so mutations start from deep, valid blobs.
extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  test::storm_driver d(99, key_of(party::zero), key_of(party::one));
  std::string trace;
  for (int i = 0; i < 60; ++i) {
    d.step(trace);
    if (i % 6 == 0) {
      out->push_back(encode_channel_state(d.end(0)));
      out->push_back(encode_channel_state(d.end(1)));
    }
  }
}
