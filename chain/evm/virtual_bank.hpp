// The calls of contracts/VirtualBank.sol as calldata, and its return values and logs decoded.
// Pure functions: no I/O (sender and json_rpc do that).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "chain/evm/json_rpc.hpp"
#include "chain/evm/uint.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "protocol/amount.hpp"
#include "protocol/commitment.hpp"
#include "protocol/party.hpp"

namespace clearway::chain::evm::virtual_bank {

// Creation code with the constructor arguments. The funding deadline is the deploying block's
// time + funding_timeout_s.
[[nodiscard]] byte_vector creation_code(const std::array<crypto::address, 2>& clients,
                                        const std::array<protocol::amount, 2>& deposits,
                                        std::uint64_t min_freeze_time_s, std::uint64_t funding_timeout_s);

[[nodiscard]] byte_vector deposit_call();
[[nodiscard]] byte_vector cancel_call();
// The commitment travels whole (its bank address too: the contract rejects another bank's).
[[nodiscard]] byte_vector cash_call(const protocol::commitment& c, const crypto::signature& defender_sig);
[[nodiscard]] byte_vector claim_htlc_call(std::uint32_t index, const bytes32& preimage);
[[nodiscard]] byte_vector punish_call(const crypto::signature& revocation_sig);
[[nodiscard]] byte_vector withdraw_call();
[[nodiscard]] byte_vector close_call(protocol::amount balance0, protocol::amount balance1,
                                     const crypto::signature& sig0, const crypto::signature& sig1);
// EVM only: sends the caller's credited, uncollected ether to `to`.
[[nodiscard]] byte_vector collect_call(const crypto::address& to);

// ---------------------------------------------------------------- views

enum class bank_state : std::uint8_t { funding = 0, running = 1, auditing = 2, closed = 3 };
enum class htlc_outcome : std::uint8_t { pending = 0, claimed = 1, refunded = 2, seized = 3 };

// VirtualBank.Info.
struct bank_info {
  bank_state state = bank_state::funding;
  std::array<crypto::address, 2> clients;
  std::array<protocol::amount, 2> deposits;
  std::array<bool, 2> deposited{};
  std::uint64_t min_freeze_time_s = 0;
  std::uint64_t funding_deadline_s = 0;
  std::array<protocol::amount, 2> paid_out;  // credited (the ledger's payouts)
  bool cashed = false;
  protocol::party submitter = protocol::party::zero;
  std::uint32_t sequence = 0;
  std::array<protocol::amount, 2> base;
  crypto::address revocation_lock;
  bytes32 commitment_hash;
  std::uint64_t freeze_end_s = 0;
  protocol::amount bond;
  bool bond_paid = false;
  std::uint64_t htlc_count = 0;
  std::array<protocol::amount, 2> collected;  // ether that left through collect()
};

struct htlc_view {
  protocol::htlc_terms terms;
  htlc_outcome outcome = htlc_outcome::pending;
  bool paid = false;
};

[[nodiscard]] byte_vector info_call();
[[nodiscard]] std::optional<bank_info> decode_info(byte_span ret);
// HTLCs [from, from + count) of the cashed commitment.
[[nodiscard]] byte_vector htlcs_call(std::uint64_t from, std::uint64_t count);
[[nodiscard]] std::optional<std::vector<htlc_view>> decode_htlcs(byte_span ret);

// ---------------------------------------------------------------- events

enum class event_kind {
  virtual_bank_created = 1,
  deposit,
  virtual_bank_running,
  funding_cancelled,
  commitment_rsmc,
  commitment_htlc,
  freeze_fidelity_bond,
  revocation_lock_open,
  hash_lock_opened,
  time_lock_expire,
  withdraw,
  cooperative_close,
  payout,
  virtual_bank_closed,
  collected,  // EVM only
};

struct event_info {
  event_kind kind;
  std::string_view name;       // "FreezeFidelityBond"
  std::string_view signature;  // "FreezeFidelityBond(uint8,uint256,uint256)"
  bytes32 topic0;              // keccak256(signature)
};
[[nodiscard]] std::span<const event_info> events() noexcept;
[[nodiscard]] std::string_view to_string(event_kind k) noexcept;

// A bank log with its arguments as words in declaration order (no argument is indexed).
struct bank_event {
  event_kind kind{};
  std::vector<word> args;
  crypto::address bank;
  std::uint64_t block_number = 0;
  std::uint64_t log_index = 0;
  [[nodiscard]] std::optional<std::uint64_t> uint_arg(std::size_t i) const noexcept;
  [[nodiscard]] std::optional<crypto::address> address_arg(std::size_t i) const noexcept;
  [[nodiscard]] std::optional<protocol::party> party_arg(std::size_t i) const noexcept;
};
// nullopt for a log that is not one of the bank's events or has the wrong shape.
[[nodiscard]] std::optional<bank_event> decode_event(const log_entry& log);

}  // namespace clearway::chain::evm::virtual_bank
