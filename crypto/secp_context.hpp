// Internal to crypto/: the one libsecp256k1 context shared by the whole process.
#pragma once

#include <secp256k1.h>

namespace clearway::crypto::detail {

// Created and randomised on first use (thread-safe static initialisation), then only read:
// libsecp256k1 functions take the context as const, so any number of threads may share it.
[[nodiscard]] const secp256k1_context* secp_context() noexcept;

}  // namespace clearway::crypto::detail
