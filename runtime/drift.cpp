// Drift detection.
#include "runtime/drift.hpp"

#include <map>
#include <set>
#include <sstream>

#include "postgres/catalog.hpp"
#include "postgres/scratch_schema.hpp"

namespace migc::runtime {
namespace {

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

}  // namespace

std::string predicted_schema_sql(const Plan& plan, const std::vector<bool>& applied, bool current_schema_only) {
  std::map<std::string_view, std::string_view> objects;
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (!applied[i]) continue;
    for (const SchemaChange& change : plan.changes(i)) {
      if (change.sql.empty()) {
        objects.erase(change.key);
      } else {
        objects[change.key] = change.sql;
      }
    }
  }
  // A function comes before the tables its body may read (its key's rank puts it before those
  // whose defaults may call it): its body is checked when it runs, not when it is made.
  std::string sql = "SET check_function_bodies = off;\n";
  for (const auto& [key, statement] : objects) {
    // The compiler flags a schema, and an object in one, by the second character of its key
    // (`"5*table archive.grid"`; `"5 table grid"` is in the default schema): names are not read.
    if (current_schema_only && key.size() > 1 && key[1] == '*') continue;
    sql += std::string(statement) + ";\n";
  }
  return sql + "SET check_function_bodies = on;\n";
}

Drift compare_snapshots(const std::string& predicted, const std::string& live) {
  const auto expected = lines_of(predicted);
  const auto actual = lines_of(live);
  Drift drift;
  for (const auto& line : expected) {
    if (!actual.contains(line)) drift.missing.push_back(line);
  }
  for (const auto& line : actual) {
    if (!expected.contains(line)) drift.unexpected.push_back(line);
  }
  return drift;
}

std::optional<IndexState> find_index(Connection& connection, std::string_view index) {
  const Result row = connection.execute(
      "SELECT i.indisvalid, replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(n.nspname) || '.', ' ON '), "
      "n.nspname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE i.indexrelid = to_regclass($1)",
      {std::string(index)});
  if (row.rows() == 0) return std::nullopt;
  return IndexState{row.value(0, 0) == "t", std::string(row.value(0, 1)), std::string(row.value(0, 2))};
}

std::optional<std::string> planned_index_definition(Connection& connection, const Plan& plan,
                                                    const std::vector<bool>& applied, std::string_view index) {
  const ScratchSchema scratch(connection, "migc_check");
  connection.execute_script(predicted_schema_sql(plan, applied, true));
  const auto planned = find_index(connection, index);
  if (!planned || planned->schema != "migc_check") return std::nullopt;
  return planned->definition;
}

Drift find_drift(Connection& connection, const Plan& plan, const std::vector<bool>& applied) {
  // The live snapshot comes first, on the search path the connection has: what the scratch
  // schema's script creates may add extensions to the database.
  const std::string live = catalog_snapshot(connection, std::string(connection.execute("SELECT current_schema()").value(0, 0)));
  const ScratchSchema scratch(connection, "migc_check");
  connection.execute_script(predicted_schema_sql(plan, applied, true));
  return compare_snapshots(catalog_snapshot(connection, std::string("migc_check")), live);
}

}  // namespace migc::runtime
