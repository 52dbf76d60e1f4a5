// The functions and types PostgreSQL itself provides: built in, or through an extension its
// server package ships. A snapshot of a real server (compiler/postgres_catalog.inc, written by
// scripts/snapshot-postgres-catalog.sh), so that the names in a revision's SQL are resolved at
// build time without one.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

struct CatalogFunction {
  std::string_view name;
  std::string_view extension;  // empty: built in
  bool some_overload_immutable = false;
};

struct CatalogType {
  std::string_view name;
  std::string_view extension;  // empty: built in
};

// The entries of that name: one built in, one per extension that provides it, or none.
std::span<const CatalogFunction> catalog_functions(std::string_view name);
std::span<const CatalogType> catalog_types(std::string_view name);

// Every function name, for "did you mean".
const std::vector<std::string>& catalog_function_names();

}  // namespace migc
