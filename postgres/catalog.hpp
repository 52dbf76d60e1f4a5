// A text snapshot of a database's schema, read from the system catalogs: one sorted line per
// type, relation, column, constraint, index and sequence. Two databases with equal snapshots
// have the same schema (column order aside: PostgreSQL cannot put a re-added column back).
#pragma once

#include <optional>
#include <string>

#include "postgres/connection.hpp"

namespace migc {

// migc's own tables (migc_*) and the history tables of the tools a migrator adopts are left
// out (history_tables.hpp): they record the schema, they are not part of it. With
// `only_schema`, just that schema, its names unqualified.
std::string catalog_snapshot(Connection& connection, const std::optional<std::string>& only_schema = std::nullopt);

}  // namespace migc
