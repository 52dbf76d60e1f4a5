// Reads a live database's catalog into the compiler's schema model: what `migc introspect`
// writes a root revision from, and what `revision --autogenerate --from-db` diffs against.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/schema.hpp"
#include "postgres/connection.hpp"

namespace migc {

struct Introspected {
  Schema schema;
  // What the database holds that the language cannot say (views, functions, triggers, other
  // kinds of types...): left out, each named, so that nobody adopts a partial schema unawares.
  std::vector<std::string> left_out;
};

// Every user schema, or with `only_schema` just that one, its objects named as if it were
// `public` (unqualified). migc's own tables and other tools' history tables
// (postgres/history_tables.hpp) are not read, nor objects that belong to an extension.
Introspected introspect(Connection& connection, const std::optional<std::string>& only_schema = std::nullopt);

// The head schema as PostgreSQL itself spells it: built in a scratch schema inside a transaction
// that is rolled back, then introspected. Defaults, checks and index expressions then read back
// exactly as the live database's do, so a diff between the two shows real changes only.
// Only what lies in the current schema (and the extensions) is compared.
Schema normalised_by_server(Connection& connection, const Schema& head);

}  // namespace migc
