// `check`: the live schema against the schema the plan predicts at the database's revision.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"
#include "postgres/connection.hpp"
#include "postgres/object_pattern.hpp"

namespace migc::runtime {

// The schema the compiler predicts once `applied` revisions have run, as one SQL script,
// rebuilt from each revision's schema changes. With `other_schemas`, of what lies outside the
// current schema only what lies in those (named as SQL quotes them).
std::string predicted_schema_sql(const Plan& plan, const std::vector<bool>& applied,
                                 const std::optional<std::set<std::string>>& other_schemas = std::nullopt);

// The schema of an object the plan puts outside the connection's own, as its key quotes it
// (`archive` for `5*table archive.events`, the schema itself for `0*schema archive`); empty for
// one in the connection's schema.
std::string_view quoted_schema_of_key(std::string_view key);

struct Drift {
  std::vector<std::string> missing;     // predicted, not in the database
  std::vector<std::string> unexpected;  // in the database, not predicted
  std::vector<std::string> unmodelled;  // in the database, of a kind migc does not model: not compared
  std::size_t excluded = 0;             // lines an exclusion pattern left out, on either side
  std::vector<std::string> excluded_own;      // objects of the chain's own schema a pattern left out
  std::vector<std::string> unmatched_patterns;  // patterns that left out nothing, as written
  std::vector<std::string> uncompared_schemas;  // the chain's other schemas not compared: `name (why)`
  bool empty() const { return missing.empty() && unexpected.empty(); }
};

// The plan's exclusion patterns (add_migrations' CHECK_EXCLUDE) and `extra` ones.
std::vector<ObjectPattern> check_exclusions(const Plan& plan, const std::vector<std::string>& extra);

// Builds the predicted schema in a scratch schema inside a transaction that is always rolled
// back, and compares catalogs. Changes nothing; needs the right to create a schema. The
// connection's schema is compared, and every other schema the chain creates (set aside under
// another name inside that transaction, which needs its ownership); not what `excluded` covers.
// `owner`: the role the migrator makes objects as (`--role`), when not the connection's user:
// the predicted objects are made as it (it needs what `upgrade` needs), under its default
// privileges.
Drift find_drift(Connection& connection, const Plan& plan, const std::vector<bool>& applied,
                 std::span<const ObjectPattern> excluded = {}, const std::string& owner = {});

// An index as the catalog has it, looked up by its name as SQL text (resolved on the search
// path, as the statement that made it was). The definition leaves its own schema out.
struct IndexState {
  bool valid;
  std::string definition;
  std::string schema;
};
std::optional<IndexState> find_index(Connection& connection, std::string_view index);

// The index's definition in the schema the plan predicts once `applied` revisions have run,
// built in a scratch schema inside a transaction that is rolled back (outside one already);
// nullopt when the plan has no such index in the chain's schema.
std::optional<std::string> planned_index_definition(Connection& connection, const Plan& plan,
                                                    const std::vector<bool>& applied, std::string_view index);

// Catalog lines present in one snapshot and not the other.
Drift compare_snapshots(const std::string& predicted, const std::string& live);

}  // namespace migc::runtime
