// What another migration tool recorded in its history table (Alembic, golang-migrate, dbmate,
// goose, sqlx, Flyway), read as that tool reads it: a migrator's first run adopts the database
// at the revision that tool left it at.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "postgres/connection.hpp"

namespace migc::runtime {

// One version the table counts as applied. Alembic and golang-migrate record only the latest
// (the ones before it are implied), Flyway's baseline stands for every version up to its own;
// the other tools record each applied version.
struct RecordedVersion {
  std::string id;
  bool with_ancestors = false;
};

struct ForeignHistory {
  std::string_view tool;   // "Alembic", "golang-migrate", "dbmate", "goose", "sqlx", "Flyway"
  std::string_view table;  // "alembic_version", "schema_migrations", ...
  std::string_view noun;   // what the tool calls a version: "revision" for Alembic
  std::vector<RecordedVersion> applied;
};

// The history table of another tool on the search path (the chain's schema with `--schema`, as
// for migc's own tables), if there is one. Throws StateError, naming the table, when the table
// records a failed or half-done migration, has a shape its tool does not write, or when two
// tools' tables are there at once.
std::optional<ForeignHistory> read_foreign_history(Connection& connection);

}  // namespace migc::runtime
