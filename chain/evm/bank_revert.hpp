// The VirtualBank contract's custom errors, named as the C++ bank errors (chain::error) are, and
// their decoding from revert data.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "base/bytes.hpp"
#include "chain/evm/abi.hpp"

namespace clearway::chain::evm {

// One value per Solidity `error X()` of contracts/VirtualBank.sol. All but the last three have a
// namesake in chain::error (snake_case here and there, CamelCase in Solidity).
enum class bank_revert {
  not_a_client = 1,
  wrong_state,
  invalid_address,
  duplicate_address,
  zero_amount,
  zero_min_freeze_time,
  amount_overflow,
  time_overflow,
  already_deposited,
  wrong_deposit_amount,
  funding_timeout_not_reached,
  bank_mismatch,
  too_many_htlcs,
  balances_do_not_add_up,
  freeze_time_too_short,
  invalid_signature,
  wrong_signer,
  htlc_index_out_of_range,
  htlc_already_resolved,
  time_lock_expired,
  wrong_preimage,
  freeze_over,
  freeze_not_over,
  nothing_to_withdraw,
  // EVM only, no chain::error counterpart: a C++ party has two values; collect() is EVM-only.
  invalid_htlc_offerer,
  nothing_to_collect,
  collect_failed,
};

struct bank_revert_info {
  bank_revert code;
  std::string_view cpp_name;       // "wrong_state"
  std::string_view solidity_name;  // "WrongState"
  abi::selector selector;          // selector_of("WrongState()")
};

// Every error, in enum order.
[[nodiscard]] std::span<const bank_revert_info> bank_reverts() noexcept;
[[nodiscard]] std::string_view to_string(bank_revert e) noexcept;

// What a reverted call's return data says.
struct revert_reason {
  enum class kind { bank_error, panic, error_string, empty, unknown } what = kind::unknown;
  bank_revert bank{};          // kind::bank_error
  std::uint64_t panic_code = 0;  // kind::panic: Solidity's Panic(uint256), e.g. 0x01 assert
  std::string text;            // kind::error_string: Error(string)
};
[[nodiscard]] revert_reason decode_revert(byte_span data);
[[nodiscard]] std::string describe(const revert_reason& r);

}  // namespace clearway::chain::evm
