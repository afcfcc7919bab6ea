// What can go wrong talking to an Ethereum node, with the details a person needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "chain/evm/bank_revert.hpp"

namespace clearway::chain::evm {

enum class error {
  connection_failed = 1,  // no HTTP exchange (refused, timed out, DNS): curl's text in message
  http_status,            // an HTTP status other than 200; the status in `code`
  rpc_error,              // a JSON-RPC error object that is not a revert; its code in `code`
  malformed_response,     // not JSON-RPC 2.0, or a result of the wrong shape
  reverted,               // the EVM reverted the call; revert data in `revert_data`
  transaction_failed,     // mined with status 0 (the revert data is recovered when possible)
  receipt_timeout,        // sent, but no receipt after the configured polls
};

[[nodiscard]] std::string_view to_string(error e) noexcept;

struct failure {
  error what = error::malformed_response;
  std::int64_t code = 0;    // rpc_error: JSON-RPC code; http_status: HTTP status
  std::string message;      // for people (never holds key material)
  byte_vector revert_data;  // reverted / transaction_failed
  [[nodiscard]] revert_reason reason() const { return decode_revert(revert_data); }
  // The bank's named error, if the contract reverted with one of its custom errors.
  [[nodiscard]] std::optional<bank_revert> bank_error() const;
  [[nodiscard]] std::string describe() const;
};

}  // namespace clearway::chain::evm
