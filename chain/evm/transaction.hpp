// EIP-1559 (type 2) transactions, signed locally with the party's key: no node-unlocked accounts.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "chain/evm/uint.hpp"
#include "crypto/keys.hpp"

namespace clearway::chain::evm {

struct eip1559_transaction {
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  u128 max_priority_fee_per_gas_wei = 0;
  u128 max_fee_per_gas_wei = 0;
  std::uint64_t gas_limit = 0;
  std::optional<crypto::address> to;  // nullopt: contract creation
  u128 value_wei = 0;
  byte_vector data;
  // The access list is always empty: the bank's calls gain nothing from one.
};

// keccak256(0x02 || rlp([chain_id, nonce, tip, max_fee, gas, to, value, data, access_list])).
[[nodiscard]] bytes32 signing_hash(const eip1559_transaction& tx);

// 0x02 || rlp([... the nine fields ..., y_parity, r, s]): what eth_sendRawTransaction takes.
[[nodiscard]] byte_vector sign_transaction(const eip1559_transaction& tx, const crypto::secret_key& key);

// The transaction hash a node reports: keccak256 of the raw signed bytes.
[[nodiscard]] bytes32 transaction_hash(byte_span raw_signed);

// The address a contract created by `sender` with `nonce` gets: keccak256(rlp([sender, nonce]))[12:].
[[nodiscard]] crypto::address create_address(const crypto::address& sender, std::uint64_t nonce);

}  // namespace clearway::chain::evm
