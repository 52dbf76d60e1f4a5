// A text snapshot of a database's schema, read from the system catalogs: one sorted line per
// type, relation, column, constraint, index and sequence. Two databases with equal snapshots
// have the same schema (column order aside: PostgreSQL cannot put a re-added column back).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "postgres/connection.hpp"

namespace migc {

// One object, as an exclusion pattern names it (object_pattern.hpp); empty for none.
struct CatalogObject {
  std::string kind;
  std::string name;
};

// One line of a snapshot: the object it describes and, for a part of another object (a column,
// an index, an owned sequence, a trigger), that object.
struct CatalogLine {
  std::string text;
  CatalogObject object;
  CatalogObject owner;
};

// migc's own tables (migc_*) and the history tables of the tools a migrator adopts are left
// out (history_tables.hpp): they record the schema, they are not part of it. With
// `only_schema`, just that schema, its names unqualified.
std::string catalog_snapshot(Connection& connection, const std::optional<std::string>& only_schema = std::nullopt);
// The same, line by line, sorted.
std::vector<CatalogLine> catalog_lines(Connection& connection, const std::optional<std::string>& only_schema = std::nullopt);

// What the schema `schema` holds that no snapshot line describes, because migc does not model
// it (aggregates, rules, operators, grants on types, comments on aggregates...), and the database-wide
// objects of that sort (event triggers, publications): listed, never compared. Sorted.
std::vector<CatalogLine> unmodelled_lines(Connection& connection, const std::string& schema);

// Switches JIT compilation off for the session: the catalog queries' cost estimates pass
// jit_above_cost, and compiling one took ten times as long as running it (0.9 s against 0.09 s
// for a snapshot). Every reader of the catalogs calls it first.
void without_jit(Connection& connection);

}  // namespace migc
