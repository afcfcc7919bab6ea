// JSON-RPC 2.0 over HTTP (libcurl) to an Ethereum node, with typed wrappers for the methods the
// evm backend uses. One client holds one connection; use it from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/evm/errors.hpp"
#include "chain/evm/uint.hpp"
#include "crypto/keys.hpp"

namespace clearway::chain::evm {

// A block parameter: "latest", "pending", "earliest" or a number.
struct block_ref {
  std::string tag;
  [[nodiscard]] static block_ref latest() { return {"latest"}; }
  [[nodiscard]] static block_ref pending() { return {"pending"}; }
  [[nodiscard]] static block_ref number(std::uint64_t n) { return {to_quantity(n)}; }
};

struct call_request {
  std::optional<crypto::address> from;
  std::optional<crypto::address> to;  // nullopt: contract creation (estimate only)
  u128 value_wei = 0;
  byte_vector data;
};

struct log_entry {
  crypto::address address;
  std::vector<bytes32> topics;
  byte_vector data;
  std::uint64_t block_number = 0;
  std::uint64_t log_index = 0;
  bytes32 transaction_hash;
};

struct receipt {
  bytes32 transaction_hash;
  bool success = false;
  std::uint64_t gas_used = 0;
  std::uint64_t block_number = 0;
  u128 effective_gas_price_wei = 0;
  std::optional<crypto::address> contract_address;
  std::vector<log_entry> logs;
};

struct block_header {
  std::uint64_t number = 0;
  std::uint64_t timestamp_s = 0;
  u128 base_fee_per_gas_wei = 0;
  bytes32 hash;
};

struct log_filter {
  std::vector<crypto::address> addresses;  // empty: any contract
  std::uint64_t from_block = 0;
  std::optional<std::uint64_t> to_block;  // nullopt: latest
  std::optional<bytes32> topic0;
};

class json_rpc_client {
 public:
  struct options {
    long connect_timeout_ms = 2000;
    long request_timeout_ms = 30000;
  };
  explicit json_rpc_client(std::string url, options opts);
  explicit json_rpc_client(std::string url) : json_rpc_client(std::move(url), options{}) {}
  ~json_rpc_client();
  json_rpc_client(json_rpc_client&&) noexcept;
  json_rpc_client& operator=(json_rpc_client&&) noexcept;
  json_rpc_client(const json_rpc_client&) = delete;
  json_rpc_client& operator=(const json_rpc_client&) = delete;

  [[nodiscard]] const std::string& url() const noexcept;

  // One request; the "result" member on success. A JSON-RPC error that carries revert data (or
  // says "execution reverted") is error::reverted, any other is error::rpc_error.
  [[nodiscard]] result<nlohmann::json, failure> request(std::string_view method, const nlohmann::json& params);

  [[nodiscard]] result<std::uint64_t, failure> chain_id();
  [[nodiscard]] result<std::vector<crypto::address>, failure> accounts();
  [[nodiscard]] result<std::uint64_t, failure> transaction_count(const crypto::address& a, const block_ref& at);
  [[nodiscard]] result<u128, failure> balance(const crypto::address& a, const block_ref& at);
  [[nodiscard]] result<byte_vector, failure> code(const crypto::address& a, const block_ref& at);
  [[nodiscard]] result<bytes32, failure> send_raw_transaction(byte_span raw);
  // nullopt while the transaction is not mined.
  [[nodiscard]] result<std::optional<receipt>, failure> transaction_receipt(const bytes32& tx_hash);
  [[nodiscard]] result<byte_vector, failure> call(const call_request& req, const block_ref& at);
  [[nodiscard]] result<std::uint64_t, failure> estimate_gas(const call_request& req);
  [[nodiscard]] result<u128, failure> max_priority_fee_per_gas();
  [[nodiscard]] result<block_header, failure> block(const block_ref& at);
  [[nodiscard]] result<std::vector<log_entry>, failure> logs(const log_filter& filter);

  // Development-node controls (anvil, hardhat): move chain time, mine a block.
  [[nodiscard]] status<failure> increase_time(std::uint64_t seconds);
  [[nodiscard]] status<failure> set_next_block_timestamp(std::uint64_t timestamp_s);
  [[nodiscard]] status<failure> mine();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace clearway::chain::evm
