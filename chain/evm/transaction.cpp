#include "chain/evm/transaction.hpp"

#include <algorithm>
#include <vector>

#include "chain/evm/rlp.hpp"
#include "crypto/ecdsa_digest.hpp"
#include "crypto/hash.hpp"

namespace clearway::chain::evm {

namespace {

constexpr std::uint8_t eip1559_type = 0x02;

std::vector<byte_vector> unsigned_fields(const eip1559_transaction& tx) {
  std::vector<byte_vector> f;
  f.reserve(12);
  f.push_back(rlp::encode_uint(tx.chain_id));
  f.push_back(rlp::encode_uint(tx.nonce));
  f.push_back(rlp::encode_uint(tx.max_priority_fee_per_gas_wei));
  f.push_back(rlp::encode_uint(tx.max_fee_per_gas_wei));
  f.push_back(rlp::encode_uint(tx.gas_limit));
  f.push_back(tx.to ? rlp::encode_bytes(tx.to->span()) : rlp::encode_bytes({}));
  f.push_back(rlp::encode_uint(tx.value_wei));
  f.push_back(rlp::encode_bytes(tx.data));
  f.push_back(rlp::encode_list(std::span<const byte_vector>{}));  // empty access list
  return f;
}

byte_vector typed(const std::vector<byte_vector>& fields) {
  byte_vector out{eip1559_type};
  const byte_vector list = rlp::encode_list(fields);
  out.insert(out.end(), list.begin(), list.end());
  return out;
}

// r and s are integers in RLP: leading zero bytes are dropped.
byte_vector scalar_item(const std::uint8_t* p) {
  std::size_t skip = 0;
  while (skip < 32 && p[skip] == 0) ++skip;
  return rlp::encode_bytes(byte_span(p + skip, 32 - skip));
}

}  // namespace

bytes32 signing_hash(const eip1559_transaction& tx) { return crypto::keccak256(typed(unsigned_fields(tx))); }

byte_vector sign_transaction(const eip1559_transaction& tx, const crypto::secret_key& key) {
  std::vector<byte_vector> fields = unsigned_fields(tx);
  // crypto::sign_digest is raw recoverable ECDSA (RFC 6979, low s) over the digest itself, with
  // v = 27 + recovery id; a typed transaction carries the recovery id alone (y parity).
  const crypto::signature sig = crypto::sign_digest(key, crypto::keccak256(typed(fields)));
  fields.push_back(rlp::encode_uint(static_cast<u128>(sig.bytes[64] - 27)));
  fields.push_back(scalar_item(sig.data()));
  fields.push_back(scalar_item(sig.data() + 32));
  return typed(fields);
}

bytes32 transaction_hash(byte_span raw_signed) { return crypto::keccak256(raw_signed); }

crypto::address create_address(const crypto::address& sender, std::uint64_t nonce) {
  const bytes32 h = crypto::keccak256(rlp::encode_list({rlp::encode_bytes(sender.span()), rlp::encode_uint(nonce)}));
  crypto::address a;
  std::copy(h.bytes.begin() + 12, h.bytes.end(), a.bytes.begin());
  return a;
}

}  // namespace clearway::chain::evm
