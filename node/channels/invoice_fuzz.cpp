// Fuzzes decode_invoice on any text. Every refusal is named; an accepted invoice has a signature
// by its payee (checked inside), a non-zero amount and at most max_route_hints hints, and decoding
// it again gives the same invoice (the text form is canonical: only lowercase hex is accepted).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "node/channels/invoice.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::channels;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invoice_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out) {
  bytes32 material;
  material.bytes.fill(5);
  const auto keys = crypto::key_pair::from_secret(crypto::secret_key::from_material(material));
  invoice inv;
  inv.payee = node::transport::compress(keys.pub);
  inv.payment_hash.bytes.fill(0x33);
  inv.value = protocol::amount::from_base_units(1'000);
  inv.expiry_s = 3600;
  inv.final_delta_s = 3600;
  for (int hints = 0; hints <= 2; ++hints) {
    const std::string text = encode_invoice(inv, keys.secret);
    out->emplace_back(text.begin(), text.end());
    channel_id ch;
    ch.bytes.fill(static_cast<std::uint8_t>(hints));
    inv.hints.push_back(route_hint{inv.payee, ch, protocol::amount::from_base_units(1), 1, 60});
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto inv = decode_invoice(text);
  if (!inv) {
    if (to_string(inv.error()) == "unknown_invoice_error") fail("refused without a named error");
    return 0;
  }
  if (inv->value == protocol::amount::zero() || inv->hints.size() > max_route_hints) fail("accepted a bad invoice");
  auto again = decode_invoice(text);
  if (!again || *again != *inv) fail("decoding is not deterministic");
  return 0;
}
