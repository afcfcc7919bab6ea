// The C++ tables (errors, events, call selectors) against the ABI solc produced.
#include "chain/evm/bank_revert.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "chain/evm/artifact.hpp"
#include "chain/evm/virtual_bank.hpp"

namespace clearway::chain::evm {
namespace {

nlohmann::json load_artifact(const std::string& name) {
  std::ifstream in(std::string(CLEARWAY_EVM_ARTIFACTS) + "/" + name + ".json");
  EXPECT_TRUE(in.good()) << "missing artifact " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

std::string canonical_type(const nlohmann::json& param) {
  const std::string type = param.at("type").get<std::string>();
  if (type.rfind("tuple", 0) != 0) return type;
  std::string inner = "(";
  bool first = true;
  for (const auto& c : param.at("components")) {
    if (!first) inner += ",";
    inner += canonical_type(c);
    first = false;
  }
  return inner + ")" + type.substr(5);  // keeps "[]" suffixes
}

TEST(BankRevert, EveryContractErrorHasItsCppNameAndBack) {
  const auto abi = load_artifact("VirtualBank").at("abi");
  std::set<std::string> in_abi;
  for (const auto& entry : abi) {
    if (entry.at("type") == "error") {
      EXPECT_TRUE(entry.at("inputs").empty());
      in_abi.insert(entry.at("name").get<std::string>());
    }
  }
  std::set<std::string> in_cpp;
  for (const auto& info : bank_reverts()) {
    in_cpp.insert(std::string(info.solidity_name));
    // snake_case <-> CamelCase, letter for letter.
    std::string camel;
    bool upper = true;
    for (char c : info.cpp_name) {
      if (c == '_') {
        upper = true;
        continue;
      }
      camel.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
    EXPECT_EQ(camel, info.solidity_name);
    EXPECT_EQ(to_string(info.code), info.cpp_name);
    EXPECT_EQ(info.selector, abi::selector_of(std::string(info.solidity_name) + "()"));
  }
  EXPECT_EQ(in_abi, in_cpp);
}

TEST(BankRevert, DecodesBankErrorsPanicsAndStrings) {
  for (const auto& info : bank_reverts()) {
    const byte_vector data(info.selector.begin(), info.selector.end());
    const auto r = decode_revert(data);
    ASSERT_EQ(r.what, revert_reason::kind::bank_error);
    EXPECT_EQ(r.bank, info.code);
  }
  EXPECT_EQ(decode_revert({}).what, revert_reason::kind::empty);
  EXPECT_EQ(decode_revert(byte_vector{1, 2}).what, revert_reason::kind::unknown);
  // Panic(0x01), as assert() raises it.
  auto panic = *from_hex("4e487b710000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(decode_revert(panic).what, revert_reason::kind::panic);
  EXPECT_EQ(decode_revert(panic).panic_code, 1u);
  // Error("refused").
  auto text = *from_hex(
      "08c379a0"
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000007"
      "7265667573656400000000000000000000000000000000000000000000000000");
  EXPECT_EQ(decode_revert(text).what, revert_reason::kind::error_string);
  EXPECT_EQ(decode_revert(text).text, "refused");
}

TEST(BankRevert, EventTableMatchesAbi) {
  const auto abi = load_artifact("VirtualBank").at("abi");
  std::map<std::string, std::string> signatures;
  std::map<std::string, std::vector<bool>> indexed;
  for (const auto& entry : abi) {
    if (entry.at("type") != "event") continue;
    std::string sig = entry.at("name").get<std::string>() + "(";
    std::vector<bool> flags;
    bool first = true;
    for (const auto& in : entry.at("inputs")) {
      if (!first) sig += ",";
      sig += canonical_type(in);
      flags.push_back(in.at("indexed").get<bool>());
      first = false;
    }
    signatures[entry.at("name").get<std::string>()] = sig + ")";
    indexed[entry.at("name").get<std::string>()] = flags;
  }
  ASSERT_EQ(signatures.size(), virtual_bank::events().size());
  for (const auto& e : virtual_bank::events()) {
    const std::string name(e.name);
    ASSERT_TRUE(signatures.count(name)) << name;
    EXPECT_EQ(signatures[name], e.signature);
    // No argument is indexed: decode_event reads them all from the data.
    log_entry log;
    log.topics.push_back(e.topic0);
    std::size_t k = 0;
    for (bool is_indexed : indexed[name]) {
      EXPECT_FALSE(is_indexed) << name;
      const word w = word_from_u64(100 + k++);
      log.data.insert(log.data.end(), w.bytes.begin(), w.bytes.end());
    }
    const auto decoded = virtual_bank::decode_event(log);
    ASSERT_TRUE(decoded) << name;
    EXPECT_EQ(decoded->kind, e.kind);
    for (std::size_t i = 0; i < indexed[name].size(); ++i) EXPECT_EQ(decoded->uint_arg(i), 100 + i) << name;
  }
}

TEST(BankRevert, CallBuildersUseTheContractsSelectors) {
  const auto ids = load_artifact("VirtualBank").at("methodIdentifiers");
  crypto::signature sig{};
  protocol::commitment c;
  const std::vector<std::pair<std::string, byte_vector>> calls = {
      {"deposit()", virtual_bank::deposit_call()},
      {"cancel()", virtual_bank::cancel_call()},
      {"cash((address,uint32,uint256,uint256,address,uint256,(uint8,uint256,bytes32,uint256)[]),bytes)",
       virtual_bank::cash_call(c, sig)},
      {"claimHtlc(uint32,bytes32)", virtual_bank::claim_htlc_call(0, {})},
      {"punish(bytes)", virtual_bank::punish_call(sig)},
      {"withdraw()", virtual_bank::withdraw_call()},
      {"close(uint256,uint256,bytes,bytes)", virtual_bank::close_call({}, {}, sig, sig)},
      {"collect(address)", virtual_bank::collect_call({})},
      {"info()", virtual_bank::info_call()},
      {"htlcs(uint256,uint256)", virtual_bank::htlcs_call(0, 1)},
  };

  for (const auto& [signature, data] : calls) {
    ASSERT_TRUE(ids.contains(signature)) << signature;
    ASSERT_GE(data.size(), 4u);
    EXPECT_EQ(to_hex(byte_span(data.data(), 4)), ids.at(signature).get<std::string>()) << signature;
  }
}

TEST(BankRevert, EmbeddedArtifactIsTheCompiledOne) {
  const auto artifact = load_artifact("VirtualBank");
  EXPECT_EQ(std::string(virtual_bank_creation_code_hex()), artifact.at("bytecode").get<std::string>());
  EXPECT_EQ(nlohmann::json::parse(virtual_bank_abi_json()), artifact.at("abi"));
  EXPECT_EQ(std::string(solc_version()), artifact.at("compiler").get<std::string>());
}

}  // namespace
}  // namespace clearway::chain::evm
