// clearwayd's chain backend from its config: `evm` (a VirtualBank per channel on an Ethereum node
// over JSON-RPC; the identity key signs the transactions, so its address must hold ether) or
// `embedded` (an in-process ledger: a single-process demo, banks no other daemon can see; the
// node's account is credited at start so it can open channels).
#pragma once

#include <memory>
#include <string>

#include "base/result.hpp"
#include "chain/bank.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/evm/backend.hpp"
#include "crypto/keys.hpp"
#include "node/channels/node_channels.hpp"
#include "node/config/node_config.hpp"

namespace clearway::daemon {

inline constexpr std::uint64_t embedded_demo_funds_msat = 1'000'000'000'000'000;

class chain_link {
 public:
  // Connects to the chain the config names; the error says why not (for people).
  [[nodiscard]] static result<std::unique_ptr<chain_link>, std::string> open(const node::config::node_config& config,
                                                                            const crypto::key_pair& identity,
                                                                            std::uint64_t now_s);
  virtual ~chain_link() = default;
  [[nodiscard]] virtual chain::bank_backend& bank() noexcept = 0;
  [[nodiscard]] virtual node::channels::bank_finder& finder() noexcept = 0;
  // Chain time (s); the embedded ledger follows the wall clock the daemon passes in.
  virtual void advance_to(std::uint64_t now_s) = 0;
  // Why the last call failed, when the backend knows more than the chain::error (evm).
  [[nodiscard]] virtual std::string last_failure() const = 0;
};

}  // namespace clearway::daemon
