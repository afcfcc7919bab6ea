// Sends transactions from one key: nonce, fees and gas limit from the node, signed locally
// (EIP-1559), then waits for the receipt. Calls the contract would reject are caught by the gas
// estimate and come back as error::reverted with the revert data, before anything is sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "chain/evm/json_rpc.hpp"
#include "crypto/keys.hpp"

namespace clearway::chain::evm {

class sender {
 public:
  struct options {
    std::uint32_t gas_margin_percent = 25;  // gas limit = estimate * (100 + margin) / 100
    int receipt_polls = 600;                // a dev node mines at once; a real one needs ~12 s
    std::chrono::milliseconds poll_interval{50};
  };

  // `rpc` must outlive the sender.
  sender(json_rpc_client& rpc, const crypto::secret_key& key, std::uint64_t chain_id, options opts);
  sender(json_rpc_client& rpc, const crypto::secret_key& key, std::uint64_t chain_id)
      : sender(rpc, key, chain_id, options{}) {}

  [[nodiscard]] const crypto::address& address() const noexcept { return keys_.addr; }

  // to = nullopt deploys `data` as creation code (the receipt holds the new address). With
  // gas_limit set, nothing is estimated: a call the contract rejects is then mined and comes back
  // as error::transaction_failed with the revert data (tests use it to see the on-chain check).
  [[nodiscard]] result<receipt, failure> send(const std::optional<crypto::address>& to, const byte_vector& data,
                                              u128 value_wei = 0, std::optional<std::uint64_t> gas_limit = std::nullopt);
  // eth_call from this address against `at`.
  [[nodiscard]] result<byte_vector, failure> call(const crypto::address& to, const byte_vector& data,
                                                  const block_ref& at = block_ref::latest());

 private:
  json_rpc_client* rpc_;
  crypto::key_pair keys_;
  std::uint64_t chain_id_;
  options opts_;
};

}  // namespace clearway::chain::evm
