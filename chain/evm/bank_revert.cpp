#include "chain/evm/bank_revert.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace clearway::chain::evm {

namespace {

struct name_pair {
  bank_revert code;
  std::string_view cpp_name;
  std::string_view solidity_signature;
};

constexpr std::array<name_pair, 27> names = {{
    {bank_revert::not_a_client, "not_a_client", "NotAClient()"},
    {bank_revert::wrong_state, "wrong_state", "WrongState()"},
    {bank_revert::invalid_address, "invalid_address", "InvalidAddress()"},
    {bank_revert::duplicate_address, "duplicate_address", "DuplicateAddress()"},
    {bank_revert::zero_amount, "zero_amount", "ZeroAmount()"},
    {bank_revert::zero_min_freeze_time, "zero_min_freeze_time", "ZeroMinFreezeTime()"},
    {bank_revert::amount_overflow, "amount_overflow", "AmountOverflow()"},
    {bank_revert::time_overflow, "time_overflow", "TimeOverflow()"},
    {bank_revert::already_deposited, "already_deposited", "AlreadyDeposited()"},
    {bank_revert::wrong_deposit_amount, "wrong_deposit_amount", "WrongDepositAmount()"},
    {bank_revert::funding_timeout_not_reached, "funding_timeout_not_reached", "FundingTimeoutNotReached()"},
    {bank_revert::bank_mismatch, "bank_mismatch", "BankMismatch()"},
    {bank_revert::too_many_htlcs, "too_many_htlcs", "TooManyHtlcs()"},
    {bank_revert::balances_do_not_add_up, "balances_do_not_add_up", "BalancesDoNotAddUp()"},
    {bank_revert::freeze_time_too_short, "freeze_time_too_short", "FreezeTimeTooShort()"},
    {bank_revert::invalid_signature, "invalid_signature", "InvalidSignature()"},
    {bank_revert::wrong_signer, "wrong_signer", "WrongSigner()"},
    {bank_revert::htlc_index_out_of_range, "htlc_index_out_of_range", "HtlcIndexOutOfRange()"},
    {bank_revert::htlc_already_resolved, "htlc_already_resolved", "HtlcAlreadyResolved()"},
    {bank_revert::time_lock_expired, "time_lock_expired", "TimeLockExpired()"},
    {bank_revert::wrong_preimage, "wrong_preimage", "WrongPreimage()"},
    {bank_revert::freeze_over, "freeze_over", "FreezeOver()"},
    {bank_revert::freeze_not_over, "freeze_not_over", "FreezeNotOver()"},
    {bank_revert::nothing_to_withdraw, "nothing_to_withdraw", "NothingToWithdraw()"},
    {bank_revert::invalid_htlc_offerer, "invalid_htlc_offerer", "InvalidHtlcOfferer()"},
    {bank_revert::nothing_to_collect, "nothing_to_collect", "NothingToCollect()"},
    {bank_revert::collect_failed, "collect_failed", "CollectFailed()"},
}};

std::array<bank_revert_info, names.size()> make_table() {
  std::array<bank_revert_info, names.size()> table{};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& n = names[i];
    table[i] = {n.code, n.cpp_name, n.solidity_signature.substr(0, n.solidity_signature.size() - 2),
                abi::selector_of(n.solidity_signature)};
  }
  return table;
}

}  // namespace

std::span<const bank_revert_info> bank_reverts() noexcept {
  static const auto table = make_table();  // thread-safe static initialisation, then read-only
  return table;
}

std::string_view to_string(bank_revert e) noexcept {
  for (const auto& n : names) {
    if (n.code == e) return n.cpp_name;
  }
  return "unknown_bank_revert";
}

revert_reason decode_revert(byte_span data) {
  revert_reason r;
  if (data.empty()) {
    r.what = revert_reason::kind::empty;
    return r;
  }
  if (data.size() < 4) return r;
  const abi::selector sel = {data[0], data[1], data[2], data[3]};
  const abi::reader body(data.subspan(4));
  for (const auto& info : bank_reverts()) {
    if (info.selector == sel) {
      r.what = revert_reason::kind::bank_error;
      r.bank = info.code;
      return r;
    }
  }
  if (sel == abi::selector_of("Panic(uint256)")) {
    if (auto code = body.uint64_at(0)) {
      r.what = revert_reason::kind::panic;
      r.panic_code = *code;
    }
  } else if (sel == abi::selector_of("Error(string)")) {
    if (auto text = body.bytes_at(0)) {
      r.what = revert_reason::kind::error_string;
      r.text.assign(text->begin(), text->end());
    }
  }
  return r;
}

std::string describe(const revert_reason& r) {
  switch (r.what) {
    case revert_reason::kind::bank_error:
      return std::string(to_string(r.bank));
    case revert_reason::kind::panic:
      return "panic " + std::to_string(r.panic_code);
    case revert_reason::kind::error_string:
      return "error \"" + r.text + "\"";
    case revert_reason::kind::empty:
      return "reverted without data";
    case revert_reason::kind::unknown:
      break;
  }
  return "reverted with unknown data";
}

}  // namespace clearway::chain::evm
