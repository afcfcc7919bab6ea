#include "chain/evm/sender.hpp"

#include <thread>

#include "chain/evm/transaction.hpp"

namespace clearway::chain::evm {

sender::sender(json_rpc_client& rpc, const crypto::secret_key& key, std::uint64_t chain_id, options opts)
    : rpc_(&rpc), keys_(crypto::key_pair::from_secret(key)), chain_id_(chain_id), opts_(opts) {}

result<receipt, failure> sender::send(const std::optional<crypto::address>& to, const byte_vector& data,
                                      u128 value_wei, std::optional<std::uint64_t> gas_limit) {
  const call_request req{keys_.addr, to, value_wei, data};
  std::uint64_t limit = 0;
  if (gas_limit) {
    limit = *gas_limit;
  } else {
    CW_TRY(gas, rpc_->estimate_gas(req));
    limit = gas + gas * opts_.gas_margin_percent / 100;
  }
  CW_TRY(nonce, rpc_->transaction_count(keys_.addr, block_ref::pending()));
  CW_TRY(head, rpc_->block(block_ref::latest()));
  CW_TRY(tip, rpc_->max_priority_fee_per_gas());

  eip1559_transaction tx;
  tx.chain_id = chain_id_;
  tx.nonce = nonce;
  tx.max_priority_fee_per_gas_wei = tip;
  // Twice the base fee survives six full blocks of +12.5 % each.
  tx.max_fee_per_gas_wei = 2 * head.base_fee_per_gas_wei + tip;
  tx.gas_limit = limit;
  tx.to = to;
  tx.value_wei = value_wei;
  tx.data = data;
  const byte_vector raw = sign_transaction(tx, keys_.secret);
  CW_TRY(hash, rpc_->send_raw_transaction(raw));
  if (hash != transaction_hash(raw)) {
    return failure{error::malformed_response, 0, "eth_sendRawTransaction: node reports another hash", {}};
  }

  for (int poll = 0; poll < opts_.receipt_polls; ++poll) {
    CW_TRY(maybe, rpc_->transaction_receipt(hash));
    if (!maybe) {
      std::this_thread::sleep_for(opts_.poll_interval);
      continue;
    }
    receipt rec = std::move(*maybe);
    if (rec.success) return rec;
    // Mined but reverted (the state moved between estimate and inclusion): replay it on the
    // parent block to recover the revert data, so the caller still learns the named reason.
    failure f{error::transaction_failed, 0, "mined with status 0 in block " + std::to_string(rec.block_number), {}};
    if (rec.block_number > 0) {
      auto replay = rpc_->call(req, block_ref::number(rec.block_number - 1));
      if (!replay && replay.error().what == error::reverted) f.revert_data = replay.error().revert_data;
    }
    return f;
  }
  return failure{error::receipt_timeout, 0, "no receipt for 0x" + to_hex(hash), {}};
}

result<byte_vector, failure> sender::call(const crypto::address& to, const byte_vector& data, const block_ref& at) {
  return rpc_->call(call_request{keys_.addr, to, 0, data}, at);
}

}  // namespace clearway::chain::evm
