// Each tool's history table, in the shape that tool writes (its own source: golang-migrate's
// postgres driver, dbmate's postgres driver, goose's postgres dialect, sqlx-postgres' migrate.rs,
// Flyway's createMetaDataTable.sql for PostgreSQL), and what its rows mean to that tool.
#include "runtime/foreign_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "postgres/history_tables.hpp"
#include "runtime/migrator.hpp"

namespace migc::runtime {
namespace {

std::vector<std::string> columns_of(Connection& connection, std::string_view table) {
  const Result rows = connection.execute(
      "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped "
      "ORDER BY attnum",
      {std::string(table)});
  std::vector<std::string> columns;
  for (int row = 0; row < rows.rows(); ++row) columns.emplace_back(rows.value(row, 0));
  return columns;
}

// A table by a tool's name that lacks what the tool writes is some other program's: not read
// as that tool's history, and not passed over as if the database were at base either.
void require_columns(Connection& connection, const ForeignHistory& history, std::initializer_list<std::string_view> wanted,
                     bool exactly = false) {
  const auto columns = columns_of(connection, history.table);
  const bool all = std::all_of(wanted.begin(), wanted.end(), [&](std::string_view column) {
    return std::find(columns.begin(), columns.end(), column) != columns.end();
  });
  if (all && (!exactly || columns.size() == wanted.size())) return;
  throw StateError(fmt::format("{} has the columns ({}), not those {} writes ({}): this database cannot be adopted; "
                               "`stamp --purge` the revision it is at",
                               history.table, fmt::join(columns, ", "), history.tool, fmt::join(wanted, ", ")));
}

// Alembic: the heads, one row each.
void read_alembic(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"version_num"});
  const Result rows = connection.execute("SELECT version_num::text FROM alembic_version ORDER BY 1");
  for (int row = 0; row < rows.rows(); ++row) history.applied.push_back({std::string(rows.value(row, 0)), true});
}

// golang-migrate: one row, the last version applied, `dirty` while a migration has not finished
// (or failed part-way); no row at all after migrating down to nothing.
void read_golang_migrate(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"version", "dirty"}, true);
  const Result rows = connection.execute("SELECT version::text, dirty FROM schema_migrations ORDER BY version");
  for (int row = 0; row < rows.rows(); ++row) {
    if (rows.value(row, 1) == "t") {
      throw StateError(fmt::format("schema_migrations (golang-migrate) is dirty at version `{}`: a migration failed "
                                   "part-way; repair the database, `migrate force` the version it is at, and run again",
                                   rows.value(row, 0)));
    }
    history.applied.push_back({std::string(rows.value(row, 0)), true});
  }
}

// dbmate: one row per applied version; rolling back deletes it.
void read_dbmate(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"version"}, true);
  const Result rows = connection.execute("SELECT version::text FROM schema_migrations ORDER BY version");
  for (int row = 0; row < rows.rows(); ++row) history.applied.push_back({std::string(rows.value(row, 0)), false});
}

// goose: a row per up or down, the latest (highest id) deciding for its version; version 0 is
// the row goose writes when it creates the table.
void read_goose(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"id", "version_id", "is_applied"});
  const Result rows = connection.execute(
      "SELECT version_id::text FROM (SELECT DISTINCT ON (version_id) version_id, is_applied FROM goose_db_version "
      "ORDER BY version_id, id DESC) latest WHERE is_applied AND version_id <> 0 ORDER BY version_id");
  for (int row = 0; row < rows.rows(); ++row) history.applied.push_back({std::string(rows.value(row, 0)), false});
}

// sqlx: one row per applied version; `success = false` is a migration sqlx itself calls dirty.
void read_sqlx(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"version", "success"});
  const Result rows = connection.execute("SELECT version::text, success FROM _sqlx_migrations ORDER BY version");
  for (int row = 0; row < rows.rows(); ++row) {
    if (rows.value(row, 1) != "t") {
      throw StateError(fmt::format("_sqlx_migrations (sqlx) records version `{}` as failed (success = false): repair "
                                   "the database, delete that row, and run again",
                                   rows.value(row, 0)));
    }
    history.applied.push_back({std::string(rows.value(row, 0)), false});
  }
}

// Flyway, in installed_rank order, as `flyway info` reads it: a versioned migration applies its
// version; an undo (UNDO_SQL, ...) takes it back, as does `repair`'s DELETE row (Flyway would run
// that migration again); a baseline (BASELINE, SQL_BASELINE, ...) stands for every version up to
// its own; rows without a version (repeatable migrations) and the SCHEMA row apply none. A
// failed row is refused, as `flyway migrate` refuses it.
void read_flyway(Connection& connection, ForeignHistory& history) {
  require_columns(connection, history, {"installed_rank", "version", "type", "script", "success"});
  const Result rows = connection.execute(
      "SELECT version::text, type::text, success, script::text FROM flyway_schema_history ORDER BY installed_rank");
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string_view type = rows.value(row, 1);
    if (rows.value(row, 2) != "t") {
      throw StateError(fmt::format("flyway_schema_history (Flyway) records {} as failed (success = false): repair the "
                                   "database, run `flyway repair`, and run again",
                                   rows.is_null(row, 0) ? fmt::format("script `{}`", rows.value(row, 3))
                                                        : fmt::format("version `{}`", rows.value(row, 0))));
    }
    if (rows.is_null(row, 0) || type == "SCHEMA") continue;
    const std::string version(rows.value(row, 0));
    const auto same = [&](const RecordedVersion& recorded) { return recorded.id == version; };
    if (type.starts_with("UNDO_") || type == "DELETE") {
      history.applied.erase(std::remove_if(history.applied.begin(), history.applied.end(), same), history.applied.end());
    } else if (std::none_of(history.applied.begin(), history.applied.end(), same)) {
      history.applied.push_back({version, type == "BASELINE" || type.ends_with("_BASELINE")});
    }
  }
}

struct Tool {
  std::string_view name;
  std::string_view table;
  void (*read)(Connection&, ForeignHistory&);
};

constexpr Tool tools[] = {
    {"Alembic", "alembic_version", read_alembic},        {"golang-migrate", "schema_migrations", read_golang_migrate},
    {"dbmate", "schema_migrations", read_dbmate},        {"goose", "goose_db_version", read_goose},
    {"sqlx", "_sqlx_migrations", read_sqlx},             {"Flyway", "flyway_schema_history", read_flyway},
};

const Tool& tool_of(Connection& connection, std::string_view table) {
  std::string_view name;
  if (table == "schema_migrations") {
    // Both write schema_migrations: golang-migrate's has a `dirty` column, dbmate's (and Rails')
    // only `version`.
    const auto columns = columns_of(connection, table);
    name = std::find(columns.begin(), columns.end(), "dirty") != columns.end() ? "golang-migrate" : "dbmate";
  }
  return *std::find_if(std::begin(tools), std::end(tools), [&](const Tool& tool) {
    return tool.table == table && (name.empty() || tool.name == name);
  });
}

}  // namespace

std::optional<ForeignHistory> read_foreign_history(Connection& connection) {
  const Result found = connection.execute("SELECT name FROM unnest(ARRAY[" MIGC_FOREIGN_HISTORY_TABLES
                                          "]) WITH ORDINALITY AS t(name, n) WHERE to_regclass(name) IS NOT NULL ORDER BY n");
  if (found.rows() == 0) return std::nullopt;
  const Tool& tool = tool_of(connection, found.value(0, 0));
  if (found.rows() > 1) {
    const Tool& other = tool_of(connection, found.value(1, 0));
    throw StateError(fmt::format("this database has both {} ({}) and {} ({}): which history to adopt is unclear; drop "
                                 "the stale table, or `stamp --purge` the revision the database is at",
                                 tool.table, tool.name, other.table, other.name));
  }
  ForeignHistory history{tool.name, tool.table, tool.name == "Alembic" ? "revision" : "version", {}};
  tool.read(connection, history);
  return history;
}

}  // namespace migc::runtime
