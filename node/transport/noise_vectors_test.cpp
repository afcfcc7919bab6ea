// BOLT 8 Appendix A, exactly: the initiator and responder handshakes, every published failure
// case, and the transport-message test (outputs 0, 1, 500, 501, 1000, 1001). The hex below is
// typed from lightning/bolts 08-transport.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node/transport/cipher_state.hpp"
#include "node/transport/handshake.hpp"
#include "node/transport/noise_session.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

byte_vector hex(std::string_view s) {
  auto v = from_hex(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(byte_vector{});
}

crypto::secret_key key(std::string_view s) {
  auto raw = fixed_from_hex<bytes32>(s);
  EXPECT_TRUE(raw.has_value());
  return *crypto::secret_key::from_bytes(*raw);
}

node_id nid(std::string_view s) { return *fixed_from_hex<node_id>(s); }

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view s) {
  const byte_vector v = hex(s);
  std::array<std::uint8_t, N> out{};
  EXPECT_EQ(v.size(), N);
  std::copy_n(v.begin(), std::min(N, v.size()), out.begin());
  return out;
}

// Initiator inputs.
constexpr std::string_view rs_pub = "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7";
constexpr std::string_view init_ls_priv = "1111111111111111111111111111111111111111111111111111111111111111";
constexpr std::string_view init_ls_pub = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
constexpr std::string_view init_e_priv = "1212121212121212121212121212121212121212121212121212121212121212";
// Responder inputs.
constexpr std::string_view resp_ls_priv = "2121212121212121212121212121212121212121212121212121212121212121";
constexpr std::string_view resp_e_priv = "2222222222222222222222222222222222222222222222222222222222222222";

constexpr std::string_view act1 =
    "00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a";
constexpr std::string_view act2 =
    "0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae";
constexpr std::string_view act3 =
    "00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c4"
    "66263b47fdf31e560e139ba";
constexpr std::string_view expected_sk = "969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9";
constexpr std::string_view expected_rk = "bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442";
constexpr std::string_view expected_ck = "919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01";

handshake vector_initiator() {
  return *handshake::initiator(key(init_ls_priv), nid(rs_pub), key(init_e_priv));
}
handshake vector_responder() { return handshake::responder(key(resp_ls_priv), key(resp_e_priv)); }

TEST(Bolt8Vectors, KeysMatchPublishedPublicKeys) {
  EXPECT_EQ(to_hex(node_id_of(key(init_ls_priv))), init_ls_pub);
  EXPECT_EQ(to_hex(node_id_of(key(resp_ls_priv))), rs_pub);
  EXPECT_EQ(to_hex(node_id_of(key(init_e_priv))), "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7");
  EXPECT_EQ(to_hex(node_id_of(key(resp_e_priv))), "02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27");
}

TEST(Bolt8Vectors, CompressMatchesLibsecp256k1) {
  for (auto k : {init_ls_priv, resp_ls_priv, init_e_priv, resp_e_priv}) {
    EXPECT_EQ(compress(crypto::derive_public_key(key(k))), node_id_of(key(k)));
  }
  node_id bad = nid(rs_pub);
  bad.bytes[0] = 0x04;
  EXPECT_FALSE(is_valid_node_id(bad));
  EXPECT_TRUE(is_valid_node_id(nid(rs_pub)));
}

TEST(Bolt8Vectors, EcdhAndHkdfIntermediates) {
  // Act one's ss and HKDF from the initiator's debugging comments.
  bytes32 ss;
  ASSERT_TRUE(ecdh(ss, nid(rs_pub), key(init_e_priv)));
  EXPECT_EQ(to_hex(ss), "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3");
  const auto out = hkdf2(*fixed_from_hex<bytes32>("2640f52eebcd9e882958951c794250eedb28002c05d7dc2ea0f195406042caf1"),
                         ss.span());
  EXPECT_EQ(to_hex(out.first), "b61ec1191326fa240decc9564369dbb3ae2b34341d1e11ad64ed89f89180582f");
  EXPECT_EQ(to_hex(out.second), "e68f69b7f096d7917245f5e5cf8ae1595febe4d4644333c99f9c4a1282031c9f");
}

TEST(Bolt8Vectors, InitiatorSuccessfulHandshake) {
  handshake hs = vector_initiator();
  const act_one a1 = hs.write_act_one();
  EXPECT_EQ(to_hex(byte_span(a1.data(), a1.size())), act1);
  auto a3 = hs.read_act_two(arr<50>(act2));
  ASSERT_TRUE(a3.has_value()) << to_string(a3.error());
  EXPECT_EQ(to_hex(byte_span(a3->data(), a3->size())), act3);
  EXPECT_EQ(to_hex(hs.keys().sending_key), expected_sk);
  EXPECT_EQ(to_hex(hs.keys().receiving_key), expected_rk);
  EXPECT_EQ(to_hex(hs.keys().chaining_key), expected_ck);
}

TEST(Bolt8Vectors, InitiatorAct2Failures) {
  struct case_t {
    std::string_view input;
    noise_error expected;
  };
  const case_t cases[] = {
      {"0102466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae",
       noise_error::act2_bad_version},
      {"0004466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae",
       noise_error::act2_bad_pubkey},
      {"0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730af",
       noise_error::act2_bad_tag},
  };
  for (const auto& c : cases) {
    handshake hs = vector_initiator();
    (void)hs.write_act_one();
    auto a3 = hs.read_act_two(arr<50>(c.input));
    ASSERT_FALSE(a3.has_value()) << c.input;
    EXPECT_EQ(a3.error(), c.expected) << to_string(a3.error());
  }
}

TEST(Bolt8Vectors, InitiatorAct2ShortRead) {
  // 49 of act two's 50 bytes, then the stream ends (ACT2_READ_FAILED).
  auto session = *noise_session::initiator(key(init_ls_priv), nid(rs_pub), key(init_e_priv));
  byte_vector out;
  session.start(out);
  EXPECT_EQ(to_hex(out), act1);
  out.clear();
  std::vector<byte_vector> messages;
  const byte_vector short_act2 = hex(
      "0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730");
  ASSERT_TRUE(session.feed(short_act2, out, messages).has_value());
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(session.established());
  auto eof = session.end_of_stream();
  ASSERT_FALSE(eof.has_value());
  EXPECT_EQ(eof.error(), noise_error::short_read);
}

TEST(Bolt8Vectors, ResponderSuccessfulHandshake) {
  handshake hs = vector_responder();
  auto a2 = hs.read_act_one(arr<50>(act1));
  ASSERT_TRUE(a2.has_value()) << to_string(a2.error());
  EXPECT_EQ(to_hex(byte_span(a2->data(), a2->size())), act2);
  auto st = hs.read_act_three(arr<66>(act3));
  ASSERT_TRUE(st.has_value()) << to_string(st.error());
  // The responder's rk is the initiator's sk and vice versa.
  EXPECT_EQ(to_hex(hs.keys().receiving_key), expected_sk);
  EXPECT_EQ(to_hex(hs.keys().sending_key), expected_rk);
  EXPECT_EQ(to_hex(hs.keys().remote_static), init_ls_pub);
}

TEST(Bolt8Vectors, ResponderAct1Failures) {
  struct case_t {
    std::string_view input;
    noise_error expected;
  };
  const case_t cases[] = {
      {"01036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a",
       noise_error::act1_bad_version},
      {"00046360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a",
       noise_error::act1_bad_pubkey},
      {"00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6b",
       noise_error::act1_bad_tag},
  };
  for (const auto& c : cases) {
    handshake hs = vector_responder();
    auto a2 = hs.read_act_one(arr<50>(c.input));
    ASSERT_FALSE(a2.has_value()) << c.input;
    EXPECT_EQ(a2.error(), c.expected) << to_string(a2.error());
  }
}

TEST(Bolt8Vectors, ResponderAct1ShortRead) {
  auto session = noise_session::responder(key(resp_ls_priv), key(resp_e_priv));
  byte_vector out;
  std::vector<byte_vector> messages;
  ASSERT_TRUE(session
                  .feed(hex("00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8"
                            "afe6c195782c"),
                        out, messages)
                  .has_value());
  EXPECT_TRUE(out.empty());
  auto eof = session.end_of_stream();
  ASSERT_FALSE(eof.has_value());
  EXPECT_EQ(eof.error(), noise_error::short_read);
}

TEST(Bolt8Vectors, ResponderAct3Failures) {
  struct case_t {
    std::string_view input;
    noise_error expected;
  };
  const case_t cases[] = {
      {"01b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc6"
       "8b1c466263b47fdf31e560e139ba",
       noise_error::act3_bad_version},
      {"00c9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc6"
       "8b1c466263b47fdf31e560e139ba",
       noise_error::act3_bad_ciphertext},
      {"00bfe3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa2235536ad09a8ee351870c2bb7f78b754a26c6cef7"
       "9a98d25139c856d7efd252c2ae73c",
       noise_error::act3_bad_pubkey},
      {"00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc6"
       "8b1c466263b47fdf31e560e139bb",
       noise_error::act3_bad_tag},
  };
  for (const auto& c : cases) {
    handshake hs = vector_responder();
    auto a2 = hs.read_act_one(arr<50>(act1));
    ASSERT_TRUE(a2.has_value());
    EXPECT_EQ(to_hex(byte_span(a2->data(), a2->size())), act2);
    auto st = hs.read_act_three(arr<66>(c.input));
    ASSERT_FALSE(st.has_value()) << c.input;
    EXPECT_EQ(st.error(), c.expected) << to_string(st.error());
  }
}

TEST(Bolt8Vectors, ResponderAct3ShortRead) {
  auto session = noise_session::responder(key(resp_ls_priv), key(resp_e_priv));
  byte_vector out;
  std::vector<byte_vector> messages;
  ASSERT_TRUE(session.feed(hex(act1), out, messages).has_value());
  EXPECT_EQ(to_hex(out), act2);
  out.clear();
  const byte_vector full = hex(act3);
  ASSERT_TRUE(session.feed(byte_span(full.data(), full.size() - 1), out, messages).has_value());
  EXPECT_FALSE(session.established());
  auto eof = session.end_of_stream();
  ASSERT_FALSE(eof.has_value());
  EXPECT_EQ(eof.error(), noise_error::short_read);
}

// "the initiator sends length 5 messages containing "hello" 1001 times"; outputs 0, 1, 500, 501,
// 1000 and 1001 are published (two key rotations).
const std::pair<int, std::string_view> published_outputs[] = {
    {0, "cf2b30ddf0cf3f80e7c35a6e6730b59fe802473180f396d88a8fb0db8cbcf25d2f214cf9ea1d95"},
    {1, "72887022101f0b6753e0c7de21657d35a4cb2a1f5cde2650528bbc8f837d0f0d7ad833b1a256a1"},
    {500, "178cb9d7387190fa34db9c2d50027d21793c9bc2d40b1e14dcf30ebeeeb220f48364f7a4c68bf8"},
    {501, "1b186c57d44eb6de4c057c49940d79bb838a145cb528d6e8fd26dbe50a60ca2c104b56b60e45bd"},
    {1000, "4a2f3cc3b5e78ddb83dcb426d9863d9d9a723b0337c89dd0b005d89f8d3c05c52b76b29b740f09"},
    {1001, "2ecd8c8a5629d0d02ab457a0fdd0f7b90a192cd46be5ecb6ca570bfc5e268338b1a16cf4ef2d36"},
};

TEST(Bolt8Vectors, TransportMessageTestWithCipherState) {
  cipher_state sender(*fixed_from_hex<bytes32>(expected_sk), *fixed_from_hex<bytes32>(expected_ck));
  const byte_vector hello = {'h', 'e', 'l', 'l', 'o'};
  std::size_t next = 0;
  for (int i = 0; i <= 1001; ++i) {
    byte_vector frame(frame_overhead_bytes + hello.size());
    const std::uint8_t len[2] = {0, 5};
    sender.encrypt_to(frame.data(), byte_span(len, 2));
    sender.encrypt_to(frame.data() + frame_header_bytes, hello);
    if (next < std::size(published_outputs) && published_outputs[next].first == i) {
      EXPECT_EQ(to_hex(frame), published_outputs[next].second) << "output " << i;
      ++next;
    }
  }
  EXPECT_EQ(next, std::size(published_outputs));
}

TEST(Bolt8Vectors, TransportMessageTestEndToEndSessions) {
  // The same vectors through two whole sessions running the published handshake: the initiator's
  // frames must be byte-identical, and the responder must decrypt all 1002 of them.
  auto initiator = *noise_session::initiator(key(init_ls_priv), nid(rs_pub), key(init_e_priv));
  auto responder = noise_session::responder(key(resp_ls_priv), key(resp_e_priv));
  byte_vector to_resp, to_init;
  std::vector<byte_vector> received;
  initiator.start(to_resp);
  ASSERT_TRUE(responder.feed(to_resp, to_init, received).has_value());
  to_resp.clear();
  ASSERT_TRUE(initiator.feed(to_init, to_resp, received).has_value());
  to_init.clear();
  EXPECT_EQ(to_hex(to_resp), act3);
  ASSERT_TRUE(responder.feed(to_resp, to_init, received).has_value());
  ASSERT_TRUE(initiator.established());
  ASSERT_TRUE(responder.established());
  EXPECT_EQ(to_hex(*responder.remote_node()), init_ls_pub);
  to_resp.clear();

  const byte_vector hello = {'h', 'e', 'l', 'l', 'o'};
  std::size_t next = 0;
  byte_vector all;
  for (int i = 0; i <= 1001; ++i) {
    byte_vector frame;
    ASSERT_TRUE(initiator.send(hello, frame).has_value());
    if (next < std::size(published_outputs) && published_outputs[next].first == i) {
      EXPECT_EQ(to_hex(frame), published_outputs[next].second) << "output " << i;
      ++next;
    }
    all.insert(all.end(), frame.begin(), frame.end());
  }
  EXPECT_EQ(next, std::size(published_outputs));
  // Fed in odd-sized pieces so headers and bodies straddle reads.
  for (std::size_t at = 0; at < all.size(); at += 37) {
    const std::size_t n = std::min<std::size_t>(37, all.size() - at);
    ASSERT_TRUE(responder.feed(byte_span(all.data() + at, n), to_init, received).has_value());
  }
  ASSERT_EQ(received.size(), 1002u);
  for (const auto& m : received) EXPECT_EQ(m, hello);
  EXPECT_TRUE(to_init.empty());
  EXPECT_EQ(responder.buffered_bytes(), 0u);
}

}  // namespace
