#include "chain/evm/errors.hpp"

namespace clearway::chain::evm {

std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::connection_failed:
      return "connection_failed";
    case error::http_status:
      return "http_status";
    case error::rpc_error:
      return "rpc_error";
    case error::malformed_response:
      return "malformed_response";
    case error::reverted:
      return "reverted";
    case error::transaction_failed:
      return "transaction_failed";
    case error::receipt_timeout:
      return "receipt_timeout";
  }
  return "unknown";
}

std::optional<bank_revert> failure::bank_error() const {
  if (what != error::reverted && what != error::transaction_failed) return std::nullopt;
  const revert_reason r = reason();
  if (r.what != revert_reason::kind::bank_error) return std::nullopt;
  return r.bank;
}

std::string failure::describe() const {
  std::string out(to_string(what));
  if (what == error::reverted || what == error::transaction_failed) out += " (" + evm::describe(reason()) + ")";
  if (what == error::rpc_error || what == error::http_status) out += " " + std::to_string(code);
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace clearway::chain::evm
