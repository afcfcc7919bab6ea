#include "node/channels/invoice.hpp"

#include <cstring>

#include "crypto/hash.hpp"
#include "crypto/signature.hpp"

namespace clearway::node::channels {
namespace {

constexpr std::size_t hint_bytes = 33 + 32 + 8 + 4 + 8;
constexpr std::size_t signature_bytes = 65;

void put_be(byte_vector& out, std::uint64_t v, int width) {
  for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

struct reader {
  byte_span in;
  std::size_t pos = 0;
  [[nodiscard]] bool take(std::uint8_t* out, std::size_t n) {
    if (in.size() - pos < n) return false;
    std::memcpy(out, in.data() + pos, n);
    pos += n;
    return true;
  }
  [[nodiscard]] bool be(std::uint64_t& out, int width) {
    if (in.size() - pos < static_cast<std::size_t>(width)) return false;
    out = 0;
    for (int i = 0; i < width; ++i) out = (out << 8) | in[pos++];
    return true;
  }
};

byte_vector body_of(const invoice& inv) {
  byte_vector out;
  out.reserve(33 + 32 + 8 + 8 + 4 + 8 + 1 + inv.hints.size() * hint_bytes);
  out.insert(out.end(), inv.payee.bytes.begin(), inv.payee.bytes.end());
  out.insert(out.end(), inv.payment_hash.bytes.begin(), inv.payment_hash.bytes.end());
  put_be(out, inv.value.base_units(), 8);
  put_be(out, inv.created_s, 8);
  put_be(out, inv.expiry_s, 4);
  put_be(out, inv.final_delta_s, 8);
  out.push_back(static_cast<std::uint8_t>(inv.hints.size()));
  for (const route_hint& h : inv.hints) {
    out.insert(out.end(), h.node.bytes.begin(), h.node.bytes.end());
    out.insert(out.end(), h.channel.bytes.begin(), h.channel.bytes.end());
    put_be(out, h.fee_base.base_units(), 8);
    put_be(out, h.fee_ppm, 4);
    put_be(out, h.time_lock_delta_s, 8);
  }
  return out;
}

}  // namespace

std::string_view to_string(invoice_error e) noexcept {
  switch (e) {
    case invoice_error::bad_prefix: return "bad_prefix: an invoice starts with cwi1";
    case invoice_error::bad_hex: return "bad_hex: not lowercase hex of whole bytes";
    case invoice_error::truncated: return "truncated: the invoice ends inside a field";
    case invoice_error::trailing_bytes: return "trailing_bytes: bytes after the signature";
    case invoice_error::too_many_hints: return "too_many_hints: more than 8 route hints";
    case invoice_error::invalid_node_id: return "invalid_node_id: a node id that is not a curve point";
    case invoice_error::zero_amount: return "zero_amount: an invoice for 0 msat";
    case invoice_error::bad_signature: return "bad_signature: not signed by the payee";
  }
  return "unknown_invoice_error";
}

std::string encode_invoice(const invoice& inv, const crypto::secret_key& payee_key) {
  byte_vector body = body_of(inv);
  const crypto::signature sig = crypto::sign_eip191(payee_key, crypto::keccak256(body));
  body.insert(body.end(), sig.bytes.begin(), sig.bytes.end());
  return std::string(invoice_prefix) + to_hex(body);
}

result<invoice, invoice_error> decode_invoice(std::string_view text) {
  if (!text.starts_with(invoice_prefix)) return invoice_error::bad_prefix;
  const std::string_view hex = text.substr(invoice_prefix.size());
  for (const char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return invoice_error::bad_hex;
  }
  auto raw = from_hex(hex);
  if (!raw) return invoice_error::bad_hex;
  reader r{byte_span(raw->data(), raw->size())};
  invoice inv;
  std::uint64_t value = 0;
  std::uint64_t expiry = 0;
  std::uint64_t count = 0;
  if (!r.take(inv.payee.data(), 33) || !r.take(inv.payment_hash.data(), 32) || !r.be(value, 8) ||
      !r.be(inv.created_s, 8) || !r.be(expiry, 4) || !r.be(inv.final_delta_s, 8) || !r.be(count, 1)) {
    return invoice_error::truncated;
  }
  if (count > max_route_hints) return invoice_error::too_many_hints;
  inv.value = protocol::amount::from_base_units(value);
  inv.expiry_s = static_cast<std::uint32_t>(expiry);
  inv.hints.resize(count);
  for (route_hint& h : inv.hints) {
    std::uint64_t base = 0;
    std::uint64_t ppm = 0;
    if (!r.take(h.node.data(), 33) || !r.take(h.channel.data(), 32) || !r.be(base, 8) || !r.be(ppm, 4) ||
        !r.be(h.time_lock_delta_s, 8)) {
      return invoice_error::truncated;
    }
    h.fee_base = protocol::amount::from_base_units(base);
    h.fee_ppm = static_cast<std::uint32_t>(ppm);
  }
  const std::size_t body_end = r.pos;
  crypto::signature sig;
  if (!r.take(sig.data(), signature_bytes)) return invoice_error::truncated;
  if (r.pos != raw->size()) return invoice_error::trailing_bytes;
  if (inv.value == protocol::amount::zero()) return invoice_error::zero_amount;
  const auto payee_key = transport::decompress(inv.payee);
  if (!payee_key) return invoice_error::invalid_node_id;
  for (const route_hint& h : inv.hints) {
    if (!transport::is_valid_node_id(h.node)) return invoice_error::invalid_node_id;
  }
  const bytes32 digest = crypto::keccak256(byte_span(raw->data(), body_end));
  if (!crypto::verify_eip191_with_key(sig, digest, *payee_key)) return invoice_error::bad_signature;
  return inv;
}

}  // namespace clearway::node::channels
