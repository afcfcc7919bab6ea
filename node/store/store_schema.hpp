// The store's schema as an ordered list of migrations. Migration N brings a database from schema
// version N-1 to N; each runs in its own transaction together with its schema_migrations row and
// PRAGMA user_version = N. Never edit a shipped migration: append a new one.
#pragma once

#include <cstdint>
#include <span>

namespace clearway::node {

struct migration {
  std::uint32_t version;
  const char* description;
  const char* sql;
};

[[nodiscard]] std::span<const migration> store_migrations() noexcept;

}  // namespace clearway::node
