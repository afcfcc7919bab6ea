#include "protocol/channel_content.hpp"

#include "crypto/abi_packed.hpp"
#include "crypto/hash.hpp"

namespace clearway::protocol {

htlc_digest digest_htlcs(const htlc_book& book, const coverage& c) {
  crypto::abi_packed packed;
  htlc_digest out;
  out.total = amount::zero();
  book.for_each_in(c, [&](party offerer, const htlc_record& r) {
    packed.add_uint8(static_cast<std::uint8_t>(offerer))
        .add_uint256(r.value.base_units())
        .add_bytes32(r.hash_lock)
        .add_uint256(r.time_lock_s);
    ++out.count;
    if (out.total) {
      auto sum = out.total->checked_add(r.value);
      out.total = sum ? std::optional<amount>(*sum) : std::nullopt;
    }
  });
  if (out.count != 0) out.hash = crypto::keccak256(packed.bytes());
  return out;
}

bytes32 mirror_hash(const crypto::address& bank, std::uint64_t freeze_time_s, const commitment_content& content,
                    const crypto::address& lock) {
  crypto::abi_packed packed;
  packed.add_address(bank)
      .add_uint32(content.sequence)
      .add_uint256(content.base[0].base_units())
      .add_uint256(content.base[1].base_units())
      .add_address(lock)
      .add_uint256(freeze_time_s);
  if (content.htlc_count != 0) packed.add_bytes32(content.htlcs_hash);
  return crypto::keccak256(packed.bytes());
}

commitment materialize(const crypto::address& bank, std::uint64_t freeze_time_s, const commitment_content& content,
                       const htlc_book& book, const crypto::address& lock) {
  commitment c;
  c.bank = bank;
  c.sequence = content.sequence;
  c.base = content.base;
  c.revocation_lock = lock;
  c.freeze_time_s = freeze_time_s;
  c.htlcs.reserve(content.htlc_count);
  book.for_each_in(content.covered, [&](party offerer, const htlc_record& r) { c.htlcs.push_back(terms_of(offerer, r)); });
  return c;
}

}  // namespace clearway::protocol
