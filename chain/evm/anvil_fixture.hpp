// Test support for the tests that run against anvil: one node per test binary, started on first
// use on a free loopback port; the compiled test contracts; and a gas table printed at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "chain/evm/anvil_process.hpp"
#include "chain/evm/json_rpc.hpp"

namespace clearway::chain::evm::testing {

struct anvil_env {
  std::optional<anvil_process> anvil;
  std::string start_error;  // why anvil did not start (the tests fail with it)
  std::unique_ptr<json_rpc_client> rpc;
  std::uint64_t chain_id = 0;
  [[nodiscard]] bool ok() const { return anvil.has_value() && rpc != nullptr; }
};

// Starts anvil on the first call. Tests do ASSERT_TRUE(env.ok()) << env.start_error: an anvil
// that cannot start fails every test loudly; none is skipped.
[[nodiscard]] anvil_env& shared_anvil();

// Artifacts written by compile.js: {abi, bytecode, ...}.
[[nodiscard]] nlohmann::json load_artifact(const std::string& contract_name);
[[nodiscard]] byte_vector creation_code_of(const std::string& contract_name);

// Gas used by one successful call, reported in a table when the binary ends.
void record_gas(const std::string& what, std::uint64_t gas_used);

}  // namespace clearway::chain::evm::testing
