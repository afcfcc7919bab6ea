#include "chain/evm/anvil_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace clearway::chain::evm::testing {

namespace {

std::map<std::string, std::uint64_t>& gas_table() {
  static std::map<std::string, std::uint64_t> table;
  return table;
}

std::unique_ptr<anvil_env>& env_slot() {
  static std::unique_ptr<anvil_env> env;
  return env;
}

// Prints the gas table and stops anvil before the process exits.
class anvil_environment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!gas_table().empty()) {
      std::printf("\nGas used per VirtualBank call (anvil, %s):\n", "prague");
      for (const auto& [what, gas] : gas_table()) std::printf("  %-58s %9llu\n", what.c_str(), static_cast<unsigned long long>(gas));
    }
    env_slot().reset();
  }
};

[[maybe_unused]] auto* const registered = ::testing::AddGlobalTestEnvironment(new anvil_environment);

}  // namespace

anvil_env& shared_anvil() {
  auto& env = env_slot();
  if (env) return *env;
  env = std::make_unique<anvil_env>();
  anvil_process::options opts;
  opts.anvil_path = anvil_process::default_anvil_path(CLEARWAY_EVM_ANVIL);
  auto started = anvil_process::start(opts);
  if (!started) {
    env->start_error = started.error();
    return *env;
  }
  env->anvil.emplace(std::move(*started));
  env->rpc = std::make_unique<json_rpc_client>(env->anvil->url());
  auto id = env->rpc->chain_id();
  if (!id) {
    env->start_error = "anvil started but eth_chainId failed: " + id.error().describe();
    env->rpc.reset();
    return *env;
  }
  env->chain_id = *id;
  return *env;
}

nlohmann::json load_artifact(const std::string& contract_name) {
  std::ifstream in(std::string(CLEARWAY_EVM_ARTIFACTS) + "/" + contract_name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

byte_vector creation_code_of(const std::string& contract_name) {
  const auto artifact = load_artifact(contract_name);
  if (artifact.is_discarded() || !artifact.contains("bytecode")) return {};
  return from_hex(artifact.at("bytecode").get<std::string>()).value_or(byte_vector{});
}

void record_gas(const std::string& what, std::uint64_t gas_used) { gas_table()[what] = gas_used; }

}  // namespace clearway::chain::evm::testing
