// Drift detection.
#include "runtime/drift.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "postgres/catalog.hpp"
#include "postgres/sql_text.hpp"
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

std::string_view quoted_schema_of_key(std::string_view key) {
  if (key.size() < 2 || key[1] != '*') return {};
  // ObjectKey::serialised: kind words and a view's depth (lower-case letters, digits, spaces),
  // then the name, schema first; an unquoted name is a plain word, never with a space.
  std::size_t start = 2;
  std::size_t at = 2;
  for (; at < key.size(); ++at) {
    const char c = key[at];
    if (c == ' ') {
      start = at + 1;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      break;
    }
  }
  if (at < key.size() && key[at] == '"') {
    for (++at; at < key.size(); ++at) {
      if (key[at] != '"') continue;
      if (at + 1 < key.size() && key[at + 1] == '"') {
        ++at;
      } else {
        ++at;
        break;
      }
    }
  }
  return key.substr(start, at - start);
}

std::string predicted_schema_sql(const Plan& plan, const std::vector<bool>& applied,
                                 const std::optional<std::set<std::string>>& other_schemas) {
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
    if (const std::string_view schema = quoted_schema_of_key(key);
        other_schemas && !schema.empty() && !other_schemas->contains(std::string(schema))) {
      continue;
    }
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
  connection.execute_script(predicted_schema_sql(plan, applied, std::set<std::string>()));
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

namespace {

// Default privileges of the role that makes the objects, in one schema (`alter default
// privileges in schema`), gave the live objects there privileges the chain does not write; the
// predicted objects, made in another schema, get them here, as if made under them. Those of
// the role everywhere reach both sides by themselves: the predicted objects are made as it.
void grant_default_privileges(Connection& connection, const std::string& live_schema, const std::string& predicted_schema) {
  const Result grants = connection.execute(R"sql(
WITH given AS (
  SELECT d.defaclobjtype AS kind, x.privilege_type,
         CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END AS grantee,
         CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS option
    FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) x
   WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclobjtype IN ('r', 'S', 'f', 'T')
     AND x.grantee <> d.defaclrole AND d.defaclnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1::text)
)
SELECT format('GRANT %s ON ALL %s IN SCHEMA %I TO %s%s', g.privilege_type,
              CASE g.kind WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' ELSE 'ROUTINES' END, $2::text, g.grantee, g.option)
  FROM given g WHERE g.kind <> 'T'
UNION ALL
-- GRANT has no ON ALL TYPES: each enum, domain and composite type (not a table's row type).
SELECT format('GRANT %s ON TYPE %I.%I TO %s%s', g.privilege_type, $2::text, t.typname, g.grantee, g.option)
  FROM given g JOIN pg_type t ON g.kind = 'T' AND t.typnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $2::text)
 WHERE t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
)sql",
                                           {live_schema, predicted_schema});
  for (int row = 0; row < grants.rows(); ++row) connection.execute(std::string(grants.value(row, 0)));
}

// The schemas other than the connection's that the chain has created once `applied` have run,
// as SQL quotes them.
std::set<std::string> chain_schemas(const Plan& plan, const std::vector<bool>& applied) {
  std::set<std::string> schemas;
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (!applied[i]) continue;
    for (const SchemaChange& change : plan.changes(i)) {
      if (change.key.substr(1).starts_with("*schema ")) {
        if (change.sql.empty()) {
          schemas.erase(std::string(quoted_schema_of_key(change.key)));
        } else {
          schemas.insert(std::string(quoted_schema_of_key(change.key)));
        }
      }
    }
  }
  return schemas;
}

// The lines of another schema than the connection's: each says where it is, and names its
// objects as a pattern does there (`archive.events`). Database-wide lines (extensions) are the
// connection's schema's.
std::vector<CatalogLine> other_schema_lines(std::vector<CatalogLine> lines, const std::string& schema) {
  std::erase_if(lines, [](const CatalogLine& line) { return line.object.kind == "extension"; });
  for (auto& line : lines) {
    line.text = fmt::format("in schema {}: {}", quote_identifier(schema), line.text);
    if (!line.object.name.empty()) line.object.name = schema + "." + line.object.name;
    if (!line.owner.name.empty()) line.owner.name = schema + "." + line.owner.name;
  }
  lines.push_back({fmt::format("schema {}", quote_identifier(schema)), {"schema", schema}, {}});
  return lines;
}

}  // namespace

Drift find_drift(Connection& connection, const Plan& plan, const std::vector<bool>& applied,
                 std::span<const ObjectPattern> excluded, const std::string& owner) {
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
  // The live snapshot comes first: what the scratch schema's script creates may add extensions
  // to the database. It is read on a search path of the current schema alone, as the predicted
  // one is read on the scratch schema's: a name of another schema prints qualified on both sides,
  // whatever else the connection's path holds.
  const std::string schema(connection.execute("SELECT current_schema()").value(0, 0));
  const std::string search_path(connection.execute("SELECT current_setting('search_path')").value(0, 0));
  connection.execute("SELECT set_config('search_path', $1, false)", {quote_identifier(schema)});
  std::vector<CatalogLine> live_lines;
  std::vector<CatalogLine> unmodelled_found;
  try {
    live_lines = catalog_lines(connection, schema);
    unmodelled_found = unmodelled_lines(connection, schema);
  } catch (...) {
    connection.execute("SELECT set_config('search_path', $1, false)", {search_path});
    throw;
  }
  // The chain's other schemas, by their names (PostgreSQL reads the quoted form); a pattern
  // `schema:<name>` leaves one out whole.
  struct OtherSchema {
    std::string name;
    std::string quoted;
    bool live;
    std::vector<CatalogLine> live_lines;
  };
  std::vector<OtherSchema> others;
  Drift drift;
  for (const auto& quoted : chain_schemas(plan, applied)) {
    const Result row = connection.execute(
        "SELECT (parse_ident($1))[1], EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = (parse_ident($1))[1])", {quoted});
    OtherSchema other{std::string(row.value(0, 0)), quoted, row.value(0, 1) == "t", {}};
    if (other.name == schema) continue;
    if (const ObjectPattern* pattern = covering(excluded, "schema", other.name)) {
      used.insert(pattern);
      own_left_out.insert("schema " + other.name);
      ++left_out;
      continue;
    }
    if (other.live) {
      other.live_lines = other_schema_lines(catalog_lines(connection, other.name), other.name);
      std::set<std::string> database_wide;
      for (const auto& line : unmodelled_found) database_wide.insert(line.text);
      for (auto& line : unmodelled_lines(connection, other.name)) {
        if (database_wide.contains(line.text)) continue;
        line.text = fmt::format("in schema {}: {}", quote_identifier(other.name), line.text);
        line.object.name = other.name + "." + line.object.name;
        unmodelled_found.push_back(std::move(line));
      }
    }
    others.push_back(std::move(other));
  }
  connection.execute("SELECT set_config('search_path', $1, false)", {search_path});
  std::vector<std::string> unmodelled;
  for (const auto& line : unmodelled_found) {
    if (const ObjectPattern* pattern = covering(excluded, line.object.kind, line.object.name)) {
      ++left_out;
      used.insert(pattern);
    } else {
      unmodelled.push_back(line.text);
    }
  }
  const ScratchSchema scratch(connection, "migc_check");
  // Each live schema of the chain's is set aside under another name for the transaction, which
  // is never committed, so that the predicted one is built under its own name: what refers to
  // it (a column's type, a foreign key) then prints as it does in the database.
  std::set<std::string> rebuilt;
  std::vector<std::pair<std::string, std::string>> live_and_predicted{{schema, "migc_check"}};
  for (std::size_t i = 0; i < others.size(); ++i) {
    const OtherSchema& other = others[i];
    if (other.live) {
      // Under a name no schema has; waiting at most a few seconds for the lock the rename takes
      // (a transaction making objects in that schema holds it), not for ever.
      const std::string aside(connection.execute(
          "SELECT format('migc_check_aside_%s', n) FROM generate_series($1::int, $1::int + 1000) n "
          "WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = format('migc_check_aside_%s', n)) LIMIT 1",
          {std::to_string(i)}).value(0, 0));
      connection.execute("SAVEPOINT migc_set_aside");
      try {
        connection.execute("SET LOCAL lock_timeout = '5s'");
        connection.execute(fmt::format("ALTER SCHEMA {} RENAME TO {}", other.quoted, quote_identifier(aside)));
        connection.execute("RELEASE SAVEPOINT migc_set_aside");
        live_and_predicted.emplace_back(aside, other.name);
      } catch (const DatabaseError& error) {
        connection.execute("ROLLBACK TO SAVEPOINT migc_set_aside");
        drift.uncompared_schemas.push_back(fmt::format("{} ({})", other.name, error.what()));
        continue;
      }
    }
    rebuilt.insert(other.quoted);
  }
  // Made as the migrator makes them (`--role`): owned by that role, under its default
  // privileges; the scratch schema is the connection's user's, and lets it in.
  if (!owner.empty()) {
    connection.execute("GRANT CREATE, USAGE ON SCHEMA migc_check TO " + quote_identifier(owner));
    connection.execute("SET LOCAL ROLE " + quote_identifier(owner));
  }
  connection.execute_script(predicted_schema_sql(plan, applied, rebuilt));
  for (const auto& [live_name, predicted_name] : live_and_predicted) grant_default_privileges(connection, live_name, predicted_name);
  std::vector<CatalogLine> predicted_lines = catalog_lines(connection, std::string("migc_check"));
  for (auto& other : others) {
    if (!rebuilt.contains(other.quoted)) continue;
    std::ranges::move(other.live_lines, std::back_inserter(live_lines));
    std::ranges::move(other_schema_lines(catalog_lines(connection, other.name), other.name), std::back_inserter(predicted_lines));
  }
  std::vector<std::string> uncompared = std::move(drift.uncompared_schemas);
  const std::string live = compared(live_lines, false);
  drift = compare_snapshots(compared(predicted_lines, true), live);
  drift.uncompared_schemas = std::move(uncompared);
  drift.unmodelled = std::move(unmodelled);
  drift.excluded = left_out;
  drift.excluded_own.assign(own_left_out.begin(), own_left_out.end());
  for (const auto& pattern : excluded) {
    if (!used.contains(&pattern)) drift.unmatched_patterns.push_back(pattern.kind.empty() ? pattern.name : pattern.kind + ":" + pattern.name);
  }
  return drift;
}

}  // namespace migc::runtime
