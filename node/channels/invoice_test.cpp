#include "node/channels/invoice.hpp"

#include <gtest/gtest.h>

#include "node/channels/node_test_network.hpp"

namespace clearway::node::channels {
namespace {

struct signer {
  crypto::key_pair keys = crypto::key_pair::from_secret(crypto::secret_key::from_material(test::fill32(5)));
  invoice sample() const {
    invoice inv;
    inv.payee = transport::compress(keys.pub);
    inv.payment_hash = test::fill32(0x33);
    inv.value = test::msat(123'456);
    inv.created_s = 1'700'000'000;
    inv.expiry_s = 3600;
    inv.final_delta_s = 1800;
    const auto peer = crypto::key_pair::from_secret(crypto::secret_key::from_material(test::fill32(6)));
    channel_id ch;
    ch.bytes.fill(0x44);
    inv.hints.push_back(route_hint{transport::compress(peer.pub), ch, test::msat(1000), 10, 3600});
    return inv;
  }
};

TEST(Invoice, RoundTripsAndIsCanonical) {
  signer s;
  const invoice inv = s.sample();
  const std::string text = encode_invoice(inv, s.keys.secret);
  EXPECT_TRUE(text.starts_with("cwi1"));
  auto back = decode_invoice(text);
  ASSERT_TRUE(back.has_value()) << to_string(back.error());
  EXPECT_EQ(*back, inv);
  EXPECT_EQ(encode_invoice(*back, s.keys.secret), text);
}

TEST(Invoice, EveryDefectIsNamed) {
  signer s;
  const invoice inv = s.sample();
  const std::string text = encode_invoice(inv, s.keys.secret);
  EXPECT_EQ(decode_invoice("lnbc1" + text.substr(4)).error(), invoice_error::bad_prefix);
  std::string upper = text;
  upper.replace(4, 1, upper[4] >= 'a' ? std::string(1, static_cast<char>(upper[4] - 32)) : "A");
  EXPECT_EQ(decode_invoice(upper).error(), invoice_error::bad_hex);
  EXPECT_EQ(decode_invoice(text.substr(0, text.size() - 1)).error(), invoice_error::bad_hex);
  EXPECT_EQ(decode_invoice(text.substr(0, text.size() - 2)).error(), invoice_error::truncated);
  EXPECT_EQ(decode_invoice(text + "00").error(), invoice_error::trailing_bytes);
  // The amount changed after signing: byte 33 + 32 + 7 is the amount's last byte.
  std::string tampered = text;
  const std::size_t at = 4 + 2 * (33 + 32 + 7) + 1;
  tampered[at] = tampered[at] == '0' ? '1' : '0';
  EXPECT_EQ(decode_invoice(tampered).error(), invoice_error::bad_signature);
  // Signed by someone else than the payee.
  const auto other = crypto::key_pair::from_secret(crypto::secret_key::from_material(test::fill32(9)));
  EXPECT_EQ(decode_invoice(encode_invoice(inv, other.secret)).error(), invoice_error::bad_signature);
  invoice zero = inv;
  zero.value = protocol::amount::zero();
  EXPECT_EQ(decode_invoice(encode_invoice(zero, s.keys.secret)).error(), invoice_error::zero_amount);
  invoice bad_node = inv;
  bad_node.hints[0].node.bytes.fill(0x07);
  EXPECT_EQ(decode_invoice(encode_invoice(bad_node, s.keys.secret)).error(), invoice_error::invalid_node_id);
  invoice many = inv;
  many.hints.assign(max_route_hints + 1, inv.hints[0]);
  EXPECT_EQ(decode_invoice(encode_invoice(many, s.keys.secret)).error(), invoice_error::too_many_hints);
}

}  // namespace
}  // namespace clearway::node::channels
