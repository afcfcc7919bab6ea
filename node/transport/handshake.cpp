#include "node/transport/handshake.hpp"

#include <cassert>
#include <cstring>
#include <string_view>

#include "crypto/hash.hpp"

namespace clearway::node::transport {

namespace {

constexpr std::string_view protocol_name = "Noise_XK_secp256k1_ChaChaPoly_SHA256";
constexpr std::string_view prologue = "lightning";

byte_span as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bytes32 sha256_concat(const bytes32& a, byte_span b) {
  std::uint8_t buf[32 + 64];
  // Handshake inputs are at most 49 bytes (act three's encrypted key and tag).
  assert(b.size() <= 64);
  std::memcpy(buf, a.data(), 32);
  std::memcpy(buf + 32, b.data(), b.size());
  return crypto::sha256(byte_span(buf, 32 + b.size()));
}

// The state both sides reach after initialisation, before the responder's key is mixed in:
// h = sha256(sha256(protocol_name) || prologue), ck = sha256(protocol_name).
struct initial_state {
  bytes32 h;
  bytes32 ck;
};
const initial_state& initial() {
  static const initial_state s = [] {
    initial_state out;
    out.ck = crypto::sha256(as_bytes(protocol_name));
    out.h = sha256_concat(out.ck, as_bytes(prologue));
    return out;
  }();
  return s;
}

}  // namespace

handshake::handshake(const crypto::secret_key& local_static, const crypto::secret_key& ephemeral) noexcept
    : local_static_(local_static), ephemeral_(ephemeral), local_ephemeral_pub_(node_id_of(ephemeral)),
      h_(initial().h), ck_(initial().ck) {}

void handshake::mix_hash(byte_span data) noexcept { h_ = sha256_concat(h_, data); }

void handshake::mix_key(const bytes32& shared_secret, bytes32& temp_key) noexcept {
  const key_pair32 out = hkdf2(ck_, shared_secret.span());
  ck_ = out.first;
  temp_key = out.second;
}

result<handshake, noise_error> handshake::initiator(const crypto::secret_key& local_static,
                                                    const node_id& remote_static,
                                                    const crypto::secret_key& ephemeral) noexcept {
  if (!is_valid_node_id(remote_static)) return noise_error::invalid_remote_node_id;
  handshake hs(local_static, ephemeral);
  hs.keys_.remote_static = remote_static;
  hs.mix_hash(remote_static.span());
  return hs;
}

handshake handshake::responder(const crypto::secret_key& local_static, const crypto::secret_key& ephemeral) noexcept {
  handshake hs(local_static, ephemeral);
  hs.mix_hash(node_id_of(local_static).span());
  return hs;
}

act_one handshake::write_act_one() noexcept {
  mix_hash(local_ephemeral_pub_.span());
  bytes32 ss;
  const bool ok = ecdh(ss, keys_.remote_static, ephemeral_);  // remote_static was validated
  (void)ok;
  bytes32 temp_k1;
  mix_key(ss, temp_k1);
  act_one out{};
  out[0] = handshake_version;
  std::memcpy(out.data() + 1, local_ephemeral_pub_.data(), 33);
  aead_encrypt_to(out.data() + 34, temp_k1, 0, h_.span(), {});
  mix_hash(byte_span(out.data() + 34, mac_bytes));
  return out;
}

result<act_two, noise_error> handshake::read_act_one(const act_one& in) noexcept {
  if (in[0] != handshake_version) return noise_error::act1_bad_version;
  node_id re;
  std::memcpy(re.data(), in.data() + 1, 33);
  if (!is_valid_node_id(re)) return noise_error::act1_bad_pubkey;
  handshake next = *this;  // commit only on success: every failure leaves *this unchanged
  next.mix_hash(re.span());
  bytes32 ss;
  if (!ecdh(ss, re, next.local_static_)) return noise_error::act1_bad_pubkey;
  bytes32 temp_k1;
  next.mix_key(ss, temp_k1);
  const byte_span tag(in.data() + 34, mac_bytes);
  if (!aead_decrypt_to(nullptr, temp_k1, 0, next.h_.span(), tag)) return noise_error::act1_bad_tag;
  next.mix_hash(tag);
  next.remote_ephemeral_ = re;

  // Act two: <- e, ee
  next.mix_hash(next.local_ephemeral_pub_.span());
  if (!ecdh(ss, re, next.ephemeral_)) return noise_error::act1_bad_pubkey;
  next.mix_key(ss, next.temp_k2_);
  act_two out{};
  out[0] = handshake_version;
  std::memcpy(out.data() + 1, next.local_ephemeral_pub_.data(), 33);
  aead_encrypt_to(out.data() + 34, next.temp_k2_, 0, next.h_.span(), {});
  next.mix_hash(byte_span(out.data() + 34, mac_bytes));
  *this = next;
  return out;
}

result<act_three, noise_error> handshake::read_act_two(const act_two& in) noexcept {
  if (in[0] != handshake_version) return noise_error::act2_bad_version;
  node_id re;
  std::memcpy(re.data(), in.data() + 1, 33);
  if (!is_valid_node_id(re)) return noise_error::act2_bad_pubkey;
  handshake next = *this;
  next.mix_hash(re.span());
  bytes32 ss;
  if (!ecdh(ss, re, next.ephemeral_)) return noise_error::act2_bad_pubkey;
  next.mix_key(ss, next.temp_k2_);
  const byte_span tag(in.data() + 34, mac_bytes);
  if (!aead_decrypt_to(nullptr, next.temp_k2_, 0, next.h_.span(), tag)) return noise_error::act2_bad_tag;
  next.mix_hash(tag);
  next.remote_ephemeral_ = re;

  // Act three: -> s, se
  act_three out{};
  out[0] = handshake_version;
  const node_id local_static_pub = node_id_of(next.local_static_);
  aead_encrypt_to(out.data() + 1, next.temp_k2_, 1, next.h_.span(), local_static_pub.span());
  next.mix_hash(byte_span(out.data() + 1, 33 + mac_bytes));
  if (!ecdh(ss, re, next.local_static_)) return noise_error::act2_bad_pubkey;
  bytes32 temp_k3;
  next.mix_key(ss, temp_k3);
  aead_encrypt_to(out.data() + 50, temp_k3, 0, next.h_.span(), {});
  const key_pair32 split = hkdf2(next.ck_, {});
  next.keys_.sending_key = split.first;
  next.keys_.receiving_key = split.second;
  next.keys_.chaining_key = next.ck_;
  *this = next;
  return out;
}

status<noise_error> handshake::read_act_three(const act_three& in) noexcept {
  if (in[0] != handshake_version) return noise_error::act3_bad_version;
  handshake next = *this;
  const byte_span c(in.data() + 1, 33 + mac_bytes);
  node_id rs;
  if (!aead_decrypt_to(rs.data(), next.temp_k2_, 1, next.h_.span(), c)) return noise_error::act3_bad_ciphertext;
  if (!is_valid_node_id(rs)) return noise_error::act3_bad_pubkey;
  next.mix_hash(c);
  bytes32 ss;
  if (!ecdh(ss, rs, next.ephemeral_)) return noise_error::act3_bad_pubkey;
  bytes32 temp_k3;
  next.mix_key(ss, temp_k3);
  const byte_span tag(in.data() + 50, mac_bytes);
  if (!aead_decrypt_to(nullptr, temp_k3, 0, next.h_.span(), tag)) return noise_error::act3_bad_tag;
  const key_pair32 split = hkdf2(next.ck_, {});
  next.keys_.receiving_key = split.first;
  next.keys_.sending_key = split.second;
  next.keys_.chaining_key = next.ck_;
  next.keys_.remote_static = rs;
  *this = next;
  return {};
}

}  // namespace clearway::node::transport
