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

std::vector<ObjectPattern> check_exclusions(const Plan& plan, const std::vector<std::string>& extra) {
  std::vector<ObjectPattern> patterns;
  for (std::string_view rest = plan.check_excluded; !rest.empty();) {
    const auto end = rest.find('\n');
    if (end != 0) patterns.push_back(parse_object_pattern(rest.substr(0, end)));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  for (const auto& text : extra) patterns.push_back(parse_object_pattern(text));
  return patterns;
}

Drift find_drift(Connection& connection, const Plan& plan, const std::vector<bool>& applied,
                 std::span<const ObjectPattern> excluded) {
  std::size_t left_out = 0;
  std::set<const ObjectPattern*> used;
  std::set<std::string> own_left_out;
  // `own`: the lines of the schema the chain predicts.
  const auto compared = [&](const std::vector<CatalogLine>& lines, bool own) {
    std::string text;
    for (const auto& line : lines) {
      const ObjectPattern* pattern = covering(excluded, line.object.kind, line.object.name);
      const bool by_owner = pattern == nullptr;
      if (by_owner) pattern = covering(excluded, line.owner.kind, line.owner.name);
      if (pattern == nullptr) {
        text += line.text + "\n";
        continue;
      }
      ++left_out;
      used.insert(pattern);
      if (own) {
        const CatalogObject& object = by_owner ? line.owner : line.object;
        own_left_out.insert(object.kind + " " + object.name);
      }
    }
    return text;
  };
  // The live snapshot comes first, on the search path the connection has: what the scratch
  // schema's script creates may add extensions to the database.
  const std::string schema(connection.execute("SELECT current_schema()").value(0, 0));
  const std::string live = compared(catalog_lines(connection, schema), false);
  std::vector<std::string> unmodelled;
  for (const auto& line : unmodelled_lines(connection, schema)) {
    if (const ObjectPattern* pattern = covering(excluded, line.object.kind, line.object.name)) {
      ++left_out;
      used.insert(pattern);
    } else {
      unmodelled.push_back(line.text);
    }
  }
  const ScratchSchema scratch(connection, "migc_check");
  connection.execute_script(predicted_schema_sql(plan, applied, true));
  Drift drift = compare_snapshots(compared(catalog_lines(connection, std::string("migc_check")), true), live);
  drift.unmodelled = std::move(unmodelled);
  drift.excluded = left_out;
  drift.excluded_own.assign(own_left_out.begin(), own_left_out.end());
  for (const auto& pattern : excluded) {
    if (!used.contains(&pattern)) drift.unmatched_patterns.push_back(pattern.kind.empty() ? pattern.name : pattern.kind + ":" + pattern.name);
  }
  return drift;
}

}  // namespace migc::runtime
