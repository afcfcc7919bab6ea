#include "protocol/commitment.hpp"

#include "crypto/abi_packed.hpp"
#include "crypto/hash.hpp"

namespace clearway::protocol {

bytes32 htlcs_hash(const std::vector<htlc_terms>& htlcs) {
  crypto::abi_packed packed;
  for (const auto& h : htlcs) {
    packed.add_uint8(static_cast<std::uint8_t>(h.offerer))
        .add_uint256(h.value.base_units())
        .add_bytes32(h.hash_lock)
        .add_uint256(h.time_lock_s);
  }
  return crypto::keccak256(packed.bytes());
}

bytes32 commitment_hash(const commitment& c) {
  crypto::abi_packed packed;
  packed.add_address(c.bank)
      .add_uint32(c.sequence)
      .add_uint256(c.base[0].base_units())
      .add_uint256(c.base[1].base_units())
      .add_address(c.revocation_lock)
      .add_uint256(c.freeze_time_s);
  if (!c.htlcs.empty()) packed.add_bytes32(htlcs_hash(c.htlcs));
  return crypto::keccak256(packed.bytes());
}

bytes32 revocation_message_hash(const address& bank, std::uint32_t sequence) {
  crypto::abi_packed packed;
  packed.add_address(bank).add_uint32(sequence);
  return crypto::keccak256(packed.bytes());
}

bytes32 close_message_hash(const address& bank, amount a0, amount a1) {
  crypto::abi_packed packed;
  packed.add_address(bank).add_string("close").add_uint256(a0.base_units()).add_uint256(a1.base_units());
  return crypto::keccak256(packed.bytes());
}

result<amount, amount_error> commitment_total(const commitment& c) noexcept {
  CW_TRY(total, c.base[0].checked_add(c.base[1]));
  for (const auto& h : c.htlcs) {
    CW_TRY(next, total.checked_add(h.value));
    total = next;
  }
  return total;
}

}  // namespace clearway::protocol
