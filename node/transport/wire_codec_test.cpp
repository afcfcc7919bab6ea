// The BOLT 1 codec: round trips, BigSize vectors (BOLT 1 Appendix A), TLV stream rules, odd/even
// message and TLV types, and named errors for every malformed input.
#include "node/transport/wire_codec.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

byte_vector hex(std::string_view s) { return from_hex(s).value(); }

wire_error decode_error_of(const byte_vector& b) {
  auto r = decode_wire(b);
  EXPECT_FALSE(r.has_value()) << to_hex(b);
  return r ? wire_error{} : r.error();
}

TEST(WireCodec, BigSizeVectorsFromBolt1) {
  const std::pair<std::uint64_t, std::string_view> good[] = {
      {0, "00"}, {252, "fc"}, {253, "fd00fd"}, {65535, "fdffff"}, {65536, "fe00010000"},
      {4294967295ULL, "feffffffff"}, {4294967296ULL, "ff0000000100000000"},
      {18446744073709551615ULL, "ffffffffffffffffff"}};
  for (const auto& [v, h] : good) {
    byte_vector out;
    put_bigsize(out, v);
    EXPECT_EQ(to_hex(out), h);
    std::size_t pos = 0;
    auto back = read_bigsize(out, pos);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, v);
    EXPECT_EQ(pos, out.size());
  }
  const std::pair<std::string_view, wire_error> bad[] = {
      {"fd00fc", wire_error::non_minimal_bigsize}, {"fe0000ffff", wire_error::non_minimal_bigsize},
      {"ff00000000ffffffff", wire_error::non_minimal_bigsize}, {"fd00", wire_error::truncated},
      {"feffff", wire_error::truncated}, {"ffffffffff", wire_error::truncated}, {"", wire_error::truncated},
      {"fd", wire_error::truncated}};
  for (const auto& [h, e] : bad) {
    const byte_vector in = hex(h);
    std::size_t pos = 0;
    auto r = read_bigsize(in, pos);
    ASSERT_FALSE(r.has_value()) << h;
    EXPECT_EQ(r.error(), e) << h;
    EXPECT_EQ(pos, 0u);
  }
}

TEST(WireCodec, RoundTripsEveryMessage) {
  init_message init;
  set_feature_bit(init.features, 9);
  init.global_features = {0x02};
  chain_hash chain;
  chain.bytes.fill(0x6f);
  init.networks = std::vector<chain_hash>{chain};
  init.remote_addr = byte_vector{1, 127, 0, 0, 1, 0x26, 0x07};
  init.unknown_tlvs = {{5, {0xaa}}, {301, {}}};
  channel_id cid;
  cid.bytes.fill(0x42);
  const wire_message samples[] = {
      init,
      init_message{},
      error_wire{cid, {'b', 'a', 'd'}, {}},
      warning_wire{channel_id{}, {'h', 'm'}, {{7, {1, 2}}}},
      ping_wire{10, byte_vector(4), {}},
      pong_wire{byte_vector(10), {}},
      channel_wire{cid, protocol::pay{1, protocol::amount::from_base_units(5)}},
      channel_wire{cid, protocol::error_message{3, "closing"}},
      route_wire{cid, 7, {{cid, protocol::amount::from_base_units(1000), 1'700'003'600}, {channel_id{}, protocol::amount::from_base_units(990), 1'700'000'000}}},
      policy_wire{cid, protocol::amount::from_base_units(1000), 250, 3600},
  };
  for (const auto& m : samples) {
    auto bytes = encode_wire(m);
    ASSERT_TRUE(bytes.has_value()) << wire_message_name(m);
    auto back = decode_wire(*bytes);
    ASSERT_TRUE(back.has_value()) << wire_message_name(m) << ": " << to_string(back.error());
    EXPECT_EQ(*back, m) << wire_message_name(m);
  }
}

TEST(WireCodec, KnownLayouts) {
  // ping: type 18, num_pong_bytes 4, byteslen 2, two ignored bytes.
  auto ping = decode_wire(hex("00120004000200ff"));
  ASSERT_TRUE(ping.has_value());
  EXPECT_EQ(std::get<ping_wire>(*ping).num_pong_bytes, 4);
  EXPECT_EQ(std::get<ping_wire>(*ping).ignored, (byte_vector{0x00, 0xff}));
  // init: no features, networks TLV with one chain hash.
  const byte_vector init = hex("001000000000" "0120" + std::string(64, 'a'));
  auto m = decode_wire(init);
  ASSERT_TRUE(m.has_value()) << to_string(m.error());
  ASSERT_TRUE(std::get<init_message>(*m).networks.has_value());
  EXPECT_EQ(std::get<init_message>(*m).networks->size(), 1u);
  EXPECT_EQ(to_hex(*encode_wire(*m)), to_hex(init));
}

TEST(WireCodec, RouteLayoutAndRefusals) {
  channel_id cid;
  cid.bytes.fill(0x11);
  const route_wire one{cid, 3, {{channel_id{}, protocol::amount::from_base_units(5), 9}}};
  const byte_vector bytes = *encode_wire(one);
  // type 8002, channel, htlc 3, one hop of 32 + 8 + 8 bytes.
  EXPECT_EQ(bytes.size(), 2u + 32 + 8 + 1 + 48);
  EXPECT_EQ(to_hex(byte_vector(bytes.begin(), bytes.begin() + 2)), "8002");
  byte_vector trailing = bytes;
  trailing.push_back(0);
  EXPECT_EQ(decode_wire(trailing).error(), wire_error::invalid_route);
  byte_vector no_hop(bytes.begin(), bytes.begin() + 2 + 32 + 8);
  no_hop.push_back(0);
  EXPECT_EQ(decode_wire(no_hop).error(), wire_error::invalid_route);
  byte_vector too_many(bytes.begin(), bytes.begin() + 2 + 32 + 8);
  too_many.push_back(static_cast<std::uint8_t>(max_route_hops + 1));
  EXPECT_EQ(decode_wire(too_many).error(), wire_error::invalid_route);
  EXPECT_EQ(decode_wire(byte_vector(bytes.begin(), bytes.end() - 1)).error(), wire_error::truncated);
  EXPECT_EQ(encode_wire(route_wire{cid, 3, {}}).error(), wire_error::invalid_route);
}

TEST(WireCodec, PolicyLayoutAndRefusals) {
  channel_id cid;
  cid.bytes.fill(0x22);
  const byte_vector bytes = *encode_wire(policy_wire{cid, protocol::amount::from_base_units(1), 2, 3});
  EXPECT_EQ(bytes.size(), 2u + 32 + 8 + 4 + 8);
  EXPECT_EQ(to_hex(byte_vector(bytes.end() - 20, bytes.end())), "0000000000000001" "00000002" "0000000000000003");
  byte_vector trailing = bytes;
  trailing.push_back(1);
  EXPECT_EQ(decode_wire(trailing).error(), wire_error::invalid_policy);
  EXPECT_EQ(decode_wire(byte_vector(bytes.begin(), bytes.end() - 1)).error(), wire_error::truncated);
}

TEST(WireCodec, OddTypesAreIgnoredEvenTypesAreErrors) {
  auto odd = decode_wire(hex("8001deadbeef"));
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(std::get<ignored_wire>(*odd).type, 0x8001);
  EXPECT_EQ(decode_error_of(hex("8006deadbeef")), wire_error::unknown_even_type);
  EXPECT_EQ(decode_error_of(hex("0000")), wire_error::unknown_even_type);
  EXPECT_EQ(decode_error_of(hex("00")), wire_error::missing_type);
  EXPECT_EQ(decode_error_of(hex("")), wire_error::missing_type);
  auto ignored = encode_wire(ignored_wire{0x8001});
  ASSERT_FALSE(ignored.has_value());
  EXPECT_EQ(ignored.error(), wire_error::cannot_encode_ignored);
}

TEST(WireCodec, TlvStreamRules) {
  // pong with extension TLVs.
  EXPECT_TRUE(decode_wire(hex("00130000" "0100" "0300")).has_value());           // odd 1, odd 3: ok
  EXPECT_EQ(decode_error_of(hex("00130000" "0300" "0100")), wire_error::tlv_not_increasing);
  EXPECT_EQ(decode_error_of(hex("00130000" "0100" "0100")), wire_error::tlv_not_increasing);
  EXPECT_EQ(decode_error_of(hex("00130000" "0200")), wire_error::unknown_even_tlv);
  EXPECT_EQ(decode_error_of(hex("00130000" "0105aa")), wire_error::truncated);
  EXPECT_EQ(decode_error_of(hex("00130000" "fd000100")), wire_error::non_minimal_bigsize);
  EXPECT_EQ(decode_error_of(hex("00130000" "01")), wire_error::truncated);
  // init networks TLV with a length that is not a multiple of 32.
  EXPECT_EQ(decode_error_of(hex("00100000000001" "03aabbcc")), wire_error::bad_tlv_length);
  // Truncated fixed fields.
  EXPECT_EQ(decode_error_of(hex("0011" + std::string(62, '0'))), wire_error::truncated);   // error, 31-byte id
  EXPECT_EQ(decode_error_of(hex("0011" + std::string(64, '0') + "0005aa")), wire_error::truncated);
  EXPECT_EQ(decode_error_of(hex("001200")), wire_error::truncated);
  EXPECT_EQ(decode_error_of(hex("00100001")), wire_error::truncated);
  // Encode refuses extra records that would break the stream.
  pong_wire bad_pong{{}, {{2, {}}}};
  EXPECT_EQ(encode_wire(bad_pong).error(), wire_error::invalid_tlv_record);
  init_message bad_init;
  bad_init.networks = std::vector<chain_hash>{};
  bad_init.unknown_tlvs = {{1, {}}};
  EXPECT_EQ(encode_wire(bad_init).error(), wire_error::invalid_tlv_record);
  EXPECT_EQ(encode_wire(ping_wire{0, byte_vector(70'000), {}}).error(), wire_error::field_too_long);
  EXPECT_EQ(encode_wire(ping_wire{0, byte_vector(65'530), {}}).error(), wire_error::message_too_large);
}

TEST(WireCodec, ChannelWrapperCarriesProtocolCodec) {
  channel_id cid;
  cid.bytes.fill(1);
  auto bytes = encode_wire(channel_wire{cid, protocol::pay{7, protocol::amount::from_base_units(1)}});
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ((*bytes)[0], 0x80);
  EXPECT_EQ((*bytes)[1], 0x00);
  // The inner bytes are exactly protocol::encode's.
  const byte_vector inner = protocol::encode(protocol::pay{7, protocol::amount::from_base_units(1)});
  EXPECT_TRUE(std::equal(inner.begin(), inner.end(), bytes->begin() + 34));
  // A bad inner version byte is reported with the inner codec's error.
  byte_vector bad = *bytes;
  bad[34] = 9;
  auto r = decode_wire_detailed(bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().error, wire_error::channel_message_invalid);
  EXPECT_EQ(r.error().channel_error, protocol::codec_error::unsupported_version);
  // pay with id 0 is invalid for the protocol codec, so it cannot be sent either.
  EXPECT_EQ(encode_wire(channel_wire{cid, protocol::pay{0, protocol::amount::from_base_units(1)}}).error(),
            wire_error::channel_message_invalid);
}

TEST(WireCodec, FeatureBits) {
  byte_vector f;
  set_feature_bit(f, 0);
  set_feature_bit(f, 13);
  EXPECT_EQ(to_hex(f), "2001");
  EXPECT_TRUE(has_feature_bit(f, 13));
  EXPECT_FALSE(has_feature_bit(f, 12));
  byte_vector known;
  set_feature_bit(known, 1);  // we know pair 0/1 (optional form), not pair 12/13
  EXPECT_EQ(unknown_required_feature(f, known), std::nullopt);  // 13 is odd: fine
  set_feature_bit(f, 40);
  EXPECT_EQ(unknown_required_feature(f, known), std::optional<std::size_t>(40));
}

TEST(WireCodec, RandomBytesNeverCrashAndAcceptedOnesAreCanonical) {
  std::mt19937_64 rng(test_seed("wire_codec_random"));
  const std::uint16_t types[] = {1, 16, 17, 18, 19, 32768};
  int accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    byte_vector b(2 + rng() % 80);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng());
    const std::uint16_t t = types[rng() % std::size(types)];
    b[0] = static_cast<std::uint8_t>(t >> 8);
    b[1] = static_cast<std::uint8_t>(t);
    auto m = decode_wire(b);
    if (!m) continue;
    ++accepted;
    auto again = encode_wire(*m);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, b);
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
