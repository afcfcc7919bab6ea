// chain::evm::backend: chain::bank_backend on an Ethereum node over JSON-RPC. Each bank is one
// VirtualBank contract (contracts/VirtualBank.sol), whose rules, check order and events mirror
// chain/embedded's ledger, so the same calls give the same results and the same events.
//
// - Calls are transactions signed locally with the caller's key (add_key); no node-unlocked
//   accounts. A call the contract rejects is caught by the gas estimate and returns its named
//   chain::error without sending anything; a call that fails for any other reason (node down,
//   malformed answer) returns error::backend_failure and last_failure() says why.
// - Payouts are credits (bank_view::paid_out); the ether leaves when the client calls collect().
// - bank_id is the order in which this backend learnt of a bank (create or track).
// - Events come from eth_getLogs over the known banks, in chain order; time_s is the block's time.
// - now_s() is the latest block's time (a transaction is mined at that time or later).
//
// Not thread-safe: use one backend from one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/bank.hpp"
#include "chain/evm/errors.hpp"
#include "chain/evm/json_rpc.hpp"
#include "chain/evm/sender.hpp"

namespace clearway::chain::evm {

// The chain::error that a bank revert means (nullopt for the EVM-only ones).
[[nodiscard]] std::optional<chain::error> to_chain_error(bank_revert r) noexcept;

class backend final : public bank_backend {
 public:
  struct options {
    std::string url;                // the node's JSON-RPC endpoint, e.g. http://127.0.0.1:8545
    std::uint64_t chain_id = 0;     // 0: ask the node (eth_chainId)
    json_rpc_client::options rpc;
    sender::options send;
  };

  // Connects (one eth_chainId round trip) or says why not.
  [[nodiscard]] static result<std::unique_ptr<backend>, failure> connect(const options& opts);
  [[nodiscard]] static result<std::unique_ptr<backend>, failure> connect(const std::string& url) {
    options opts;
    opts.url = url;
    return connect(opts);
  }

  // The backend may send transactions as this key's address from now on.
  void add_key(const crypto::secret_key& key);
  // Follows a bank deployed elsewhere (e.g. by the counterparty). Its earlier events are appended
  // to the log when the log next syncs, after any events already delivered.
  [[nodiscard]] result<bank_id, chain::error> track(const address& bank_address);
  [[nodiscard]] std::optional<address> address_of(bank_id bank) const;
  // EVM only: sends the caller's credited, uncollected ether to `to`.
  [[nodiscard]] status<chain::error> collect(const address& caller, bank_id bank, const address& to);
  // Why the last call that returned error::backend_failure (or a revert) failed, for people.
  [[nodiscard]] const std::optional<failure>& last_failure() const noexcept { return last_failure_; }
  // Gas used by the last successful call (for reports).
  [[nodiscard]] std::uint64_t last_gas_used() const noexcept { return last_gas_used_; }
  [[nodiscard]] json_rpc_client& rpc() noexcept { return *rpc_; }

  // --- bank_backend ---
  [[nodiscard]] result<bank_id, chain::error> create(const address& caller, const create_args& args) override;
  [[nodiscard]] status<chain::error> deposit(const address& caller, bank_id bank, amount value) override;
  [[nodiscard]] status<chain::error> cancel(const address& caller, bank_id bank) override;
  [[nodiscard]] status<chain::error> cash(const address& caller, bank_id bank, const cash_args& args) override;
  [[nodiscard]] status<chain::error> claim_htlc(const address& caller, bank_id bank, const claim_htlc_args& args) override;
  [[nodiscard]] status<chain::error> punish(const address& caller, bank_id bank, const punish_args& args) override;
  [[nodiscard]] status<chain::error> withdraw(const address& caller, bank_id bank) override;
  [[nodiscard]] status<chain::error> close(const address& caller, bank_id bank, const close_args& args) override;
  [[nodiscard]] result<bank_view, chain::error> state(bank_id bank) const override;
  [[nodiscard]] result<event_batch, chain::error> events_since(event_cursor from) const override;
  [[nodiscard]] std::uint64_t now_s() const override;

 private:
  backend(std::unique_ptr<json_rpc_client> rpc, std::uint64_t chain_id, sender::options send);

  // Sends `data` (with `value`) to `bank` from `caller`, mapping failures to chain errors.
  [[nodiscard]] status<chain::error> transact(const address& caller, bank_id bank, const byte_vector& data, amount value = {});
  [[nodiscard]] chain::error map_failure(const failure& f) const;
  [[nodiscard]] status<chain::error> sync_events() const;

  std::unique_ptr<json_rpc_client> rpc_;
  std::uint64_t chain_id_;
  sender::options send_options_;
  std::map<address, sender> senders_;
  std::vector<address> banks_;
  std::map<address, bank_id> ids_;

  // The event log, filled lazily by sync_events (hence mutable: reading it is const).
  mutable std::vector<event> log_;
  mutable std::uint64_t synced_block_ = 0;  // logs of blocks <= this are in log_
  mutable bool synced_any_ = false;
  mutable std::vector<bank_id> backfill_;   // tracked banks whose past logs are not in log_ yet
  mutable std::optional<failure> last_failure_;
  std::uint64_t last_gas_used_ = 0;
};

}  // namespace clearway::chain::evm
