// VirtualBank's compiled form, embedded at build time by compile.js (generated artifact.cpp).
#pragma once

#include <string_view>

namespace clearway::chain::evm {

// Creation code, "0x"-prefixed hex (constructor arguments are appended to it).
[[nodiscard]] std::string_view virtual_bank_creation_code_hex() noexcept;
// The code a deployed VirtualBank holds, "0x"-prefixed hex: track() compares a bank's code with it.
[[nodiscard]] std::string_view virtual_bank_runtime_code_hex() noexcept;
// The contract's ABI as JSON text.
[[nodiscard]] std::string_view virtual_bank_abi_json() noexcept;
// The solc version that compiled it.
[[nodiscard]] std::string_view solc_version() noexcept;

}  // namespace clearway::chain::evm
