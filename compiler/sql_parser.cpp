// libpg_query, read through its JSON parse tree (and its protobuf tree, to deparse statements).
#include "compiler/sql_parser.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "compiler/decimal.hpp"
#include "compiler/deep_stack.hpp"
#include "compiler/postgres_catalog.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

using Json = nlohmann::json;

// The parse tree of `sql`, or where it fails.
struct Tree {
  Json json;
  std::optional<SqlError> error;
};

// pg_query_parse(), on a stack deep enough for any input migc reads. PostgreSQL's parser bounds
// its own recursion, but libpg_query's writer of the tree does not: an expression of 80,000
// terms (`1+1+...`) overflows the usual 8 MB. Long texts, the only ones that can nest so deep,
// are parsed on a thread of their own with room to spare (reserved, not committed, memory).
PgQueryParseResult parse_on_a_deep_stack(const std::string& sql) {
  constexpr std::size_t short_text = 16 * 1024;
  if (sql.size() <= short_text) return pg_query_parse(sql.c_str());
  auto parse = [&] { return pg_query_parse(sql.c_str()); };
  // A frame of the tree's writer per term or so: 256 bytes a byte of input is ample.
  return on_a_deep_stack(std::max<std::size_t>(64 << 20, sql.size() * 256), parse);
}

// How deep a parse tree's JSON nests, strings aside.
std::size_t json_depth(std::string_view json) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// How deep a parse tree's expressions nest, counted as PostgreSQL's analysis recurses: a level
// per node that holds expressions (`{"FuncCall":...}`), two for a subquery, whose analysis takes twice the stack (PostgreSQL 15 at its default
// max_stack_depth: 4,000 nested calls or `+` are taken, 4,200 are not; 2,000 nested scalar
// subqueries are, 2,200 not). Read from the JSON text, without building its tree.
std::size_t expression_nesting(std::string_view json) {
  // The query around an expression, and the leaves, which hold no expression.
  static const std::set<std::string_view, std::less<>> not_a_level{"SelectStmt", "ResTarget", "A_Const", "ColumnRef", "String",
                                                                  "Integer",    "Float",     "Boolean", "BitString", "A_Star",
                                                                  "ParamRef",   "TypeName"};
  std::vector<std::uint8_t> weights;
  std::size_t level = 0;
  std::size_t deepest = 0;
  std::uint8_t next_weight = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      const std::size_t begin = i + 1;
      for (++i; i < json.size() && json[i] != '"'; ++i) {
        if (json[i] == '\\') ++i;
      }
      // A node's type is a capitalized key whose value is an object; fields are camelCase.
      const std::string_view key = json.substr(begin, std::min(i, json.size()) - begin);
      if (i + 2 < json.size() && json[i + 1] == ':' && json[i + 2] == '{' && !key.empty() && key[0] >= 'A' && key[0] <= 'Z') {
        next_weight = key == "SubLink" ? 2 : not_a_level.contains(key) ? 0 : 1;
      }
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, level);
      weights.push_back(std::exchange(next_weight, 0));
      level += weights.back();
    } else if ((c == '}' || c == ']') && !weights.empty()) {
      level -= weights.back();
      weights.pop_back();
    }
  }
  return deepest;
}

// A tree that the recursive walks over views', policies' and triggers' SQL read (on the
// compiler's deep stack): past what PostgreSQL analyses (a view of `n+n+...` with 20,000 terms
// runs its stack out), one would overflow ours. An expression's level is two to six of the
// tree's; expressions themselves stop at 4,000 levels (NestingTooDeep). The other readers walk
// without recursing.
constexpr std::size_t deepest_walked_tree = 40000;

Tree parse(const std::string& sql, std::size_t deepest_tree = std::numeric_limits<std::size_t>::max()) {
  const PgQueryParseResult result = parse_on_a_deep_stack(sql);
  Tree tree;
  if (result.error == nullptr && deepest_tree != std::numeric_limits<std::size_t>::max() &&
      (json_depth(result.parse_tree) > deepest_tree || expression_nesting(result.parse_tree) > most_expression_nesting)) {
    pg_query_free_parse_result(result);
    tree.error = SqlError{0, "it nests deeper than PostgreSQL's stack takes at deploy", true};
    return tree;
  }
  if (result.error != nullptr) {
    // cursorpos counts characters from 1; 0 means at the end of the text.
    const int cursor = result.error->cursorpos;
    tree.error = SqlError{cursor > 0 ? static_cast<std::size_t>(cursor - 1) : sql.size(), result.error->message};
  } else {
    tree.json = Json::parse(result.parse_tree, nullptr, false);
    // libpg_query copies bytes that are not UTF-8 into its JSON, which then does not parse.
    if (tree.json.is_discarded()) tree.error = SqlError{0, "the text is not UTF-8"};
  }
  pg_query_free_parse_result(result);
  return tree;
}

// A statement's one node: {"CreateStmt": {...}} gives ("CreateStmt", {...}).
std::pair<std::string, const Json*> node_of(const Json& statement) {
  const Json& stmt = statement.at("stmt");
  const auto first = stmt.begin();
  return {first.key(), &first.value()};
}

// The statement that runs: EXPLAIN ANALYZE runs the one it explains, so its change is that
// statement's (plain EXPLAIN does not, but has no place in a revision: it is held to the same).
std::pair<std::string, const Json*> statement_run(const Json& statement) {
  auto [kind, node] = node_of(statement);
  if (kind == "ExplainStmt") {
    const auto query = node->find("query");
    if (query != node->end() && query->is_object() && !query->empty()) return {query->begin().key(), &query->begin().value()};
  }
  return {kind, node};
}

std::string text_field(const Json& node, const char* field) {
  const auto found = node.find(field);
  return found != node.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool flag(const Json& node, const char* field) {
  const auto found = node.find(field);
  return found != node.end() && found->is_boolean() && found->get<bool>();
}

// A member by reference into the tree (value() would copy it), a null node where it is missing.
const Json& member(const Json& object, const char* name) {
  static const Json none;
  if (!object.is_object()) return none;
  const auto found = object.find(name);
  return found == object.end() ? none : *found;
}

// object[name], or an empty object (array) where there is none: what value(name, Json::object())
// gives, without copying the subtree it finds.
const Json& object_member(const Json& object, const char* name) {
  static const Json empty = Json::object();
  if (!object.is_object()) return empty;
  const auto found = object.find(name);
  return found == object.end() ? empty : *found;
}
const Json& array_member(const Json& object, const char* name) {
  static const Json empty = Json::array();
  if (!object.is_object()) return empty;
  const auto found = object.find(name);
  return found == object.end() ? empty : *found;
}

const Json& first_element(const Json& array) {
  static const Json none;
  return array.is_array() && !array.empty() ? array.front() : none;
}

std::vector<std::string> string_list(const Json& list);

// Names as the language takes them back: each part quoted where it must be.
std::string written_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ".") + quote_identifier(name);
  return out;
}

// A RangeVar ({"schemaname", "relname"}): its names, and as written.
std::vector<std::string> relation_names(const Json& node, const char* field = "relation") {
  const Json& relation = node.value(field, Json::object());
  std::vector<std::string> names;
  if (relation.contains("schemaname")) names.push_back(text_field(relation, "schemaname"));
  names.push_back(text_field(relation, "relname"));
  return names;
}
std::string relation_name(const Json& node, const char* field = "relation") { return written_names(relation_names(node, field)); }

// One object of a DROP or COMMENT: a list of names, a type name or a bare name.
std::string object_name(const Json& object) {
  if (object.contains("List")) return written_names(string_list(array_member(object["List"], "items")));
  if (object.contains("TypeName")) return written_names(string_list(array_member(object["TypeName"], "names")));
  if (object.contains("String")) return quote_identifier(object["String"].value("sval", ""));
  return "...";
}

std::string object_names(const Json& node) {
  std::string out;
  for (const auto& object : array_member(node, "objects")) out += (out.empty() ? "" : ", ") + object_name(object);
  return out;
}

// A change to a modelled object, and how the language says it.
struct Change {
  std::string what;
  std::string statement;        // the language's, or empty
  std::string no_statement = {};  // why there is none
  // The relations it acts on by name (a table, an index), where the compiler may not model
  // them (a view's column, a materialized view's index): empty where the statement creates.
  std::vector<std::vector<std::string>> relations = {};
};

const char* const no_statement_kept_apart = "the language has no statement for it, and the compiler's schema would not know of it";

// One subcommand of ALTER TABLE on a table, or nothing where it changes what the compiler does
// not model (owner, row security, triggers, storage, statistics, options, tablespace, ...).
std::optional<Change> table_change(const std::string& table, const Json& command) {
  const std::string subtype = text_field(command, "subtype");
  const std::string column = quote_identifier(text_field(command, "name"));
  const std::string alter_column = "alter table " + table + " alter column " + column + " ";
  const Json& definition = object_member(command, "def");
  if (subtype == "AT_AddColumn") {
    const std::string added = quote_identifier(object_member(definition, "ColumnDef").value("colname", ""));
    return Change{"alter table ... add column", "alter table " + table + " add column " + added + " ..."};
  }
  if (subtype == "AT_DropColumn") return Change{"alter table ... drop column", "alter table " + table + " drop column " + column};
  if (subtype == "AT_AlterColumnType") return Change{"alter table ... alter column type", alter_column + "type ..."};
  if (subtype == "AT_ColumnDefault") {
    return definition.empty() ? Change{"alter table ... alter column drop default", alter_column + "drop default"}
                              : Change{"alter table ... alter column set default", alter_column + "set default ..."};
  }
  if (subtype == "AT_SetNotNull") return Change{"alter table ... alter column set not null", alter_column + "set not null"};
  if (subtype == "AT_DropNotNull") return Change{"alter table ... alter column drop not null", alter_column + "drop not null"};
  if (subtype == "AT_DropExpression") return Change{"alter table ... alter column drop expression", alter_column + "drop expression"};
  if (subtype == "AT_AddIdentity") return Change{"alter table ... alter column add generated", alter_column + "add generated ... as identity"};
  if (subtype == "AT_SetIdentity") return Change{"alter table ... alter column set (identity)", alter_column + "set ..."};
  if (subtype == "AT_DropIdentity") return Change{"alter table ... alter column drop identity", alter_column + "drop identity"};
  if (subtype == "AT_AddConstraint") {
    const std::string name = object_member(definition, "Constraint").value("conname", "");
    return Change{"alter table ... add constraint",
                  "alter table " + table + " add " + (name.empty() ? std::string() : "constraint " + quote_identifier(name) + " ") + "..."};
  }
  if (subtype == "AT_DropConstraint") {
    return Change{"alter table ... drop constraint", "alter table " + table + " drop constraint " + column};
  }
  if (subtype == "AT_ValidateConstraint") {
    return Change{"alter table ... validate constraint", "alter table " + table + " validate constraint " + column};
  }
  if (subtype == "AT_AlterConstraint") return Change{"alter table ... alter constraint", "", no_statement_kept_apart};
  if (subtype == "AT_SetLogged") return Change{"alter table ... set logged", "alter table " + table + " set logged"};
  if (subtype == "AT_SetUnLogged") return Change{"alter table ... set unlogged", "alter table " + table + " set unlogged"};
  if (subtype == "AT_EnableRowSecurity") return Change{"alter table ... enable row level security", "alter table " + table + " enable row level security"};
  if (subtype == "AT_DisableRowSecurity") return Change{"alter table ... disable row level security", "alter table " + table + " disable row level security"};
  if (subtype == "AT_ForceRowSecurity") return Change{"alter table ... force row level security", "alter table " + table + " force row level security"};
  if (subtype == "AT_NoForceRowSecurity") return Change{"alter table ... no force row level security", "alter table " + table + " no force row level security"};
  if (subtype == "AT_EnableTrig") return Change{"alter table ... enable trigger", "alter table " + table + " enable trigger " + column};
  if (subtype == "AT_DisableTrig") return Change{"alter table ... disable trigger", "alter table " + table + " disable trigger " + column};
  if (subtype == "AT_EnableTrigAll" || subtype == "AT_DisableTrigAll" || subtype == "AT_EnableTrigUser" || subtype == "AT_DisableTrigUser") {
    const bool enable = subtype.starts_with("AT_Enable");
    return Change{std::string("alter table ... ") + (enable ? "enable" : "disable") + " trigger " + (subtype.ends_with("All") ? "all" : "user"), "",
                  std::string("name each of the chain's triggers: `alter table ") + table + (enable ? " enable" : " disable") +
                      " trigger <name>`; for a bulk load that must not fire them, `set local session_replication_role = replica` "
                      "holds for the revision's transaction only"};
  }
  if (subtype == "AT_EnableAlwaysTrig" || subtype == "AT_EnableReplicaTrig") {
    return Change{"alter table ... enable always/replica trigger", "", no_statement_kept_apart};
  }
  if (subtype == "AT_AddIndexConstraint" || subtype == "AT_AttachPartition" || subtype == "AT_DetachPartition" ||
      subtype == "AT_DetachPartitionFinalize" || subtype == "AT_AddInherit" || subtype == "AT_DropInherit" ||
      subtype == "AT_AddOf" || subtype == "AT_DropOf" ||
      subtype == "AT_SetCompression" || subtype == "AT_SetAccessMethod") {
    return Change{"alter table ... (" + subtype.substr(3) + ")", "", no_statement_kept_apart};
  }
  return std::nullopt;
}

// The relation a statement creates in the session's temporary schema, or null.
const Json* temporary_relation(const std::string& kind, const Json& node) {
  const auto member = [](const Json& object, const char* name) -> const Json* {
    if (!object.is_object()) return nullptr;
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
  };
  const Json* relation = nullptr;
  if (kind == "CreateStmt") relation = member(node, "relation");
  if (kind == "CreateSeqStmt") relation = member(node, "sequence");
  if (kind == "ViewStmt") relation = member(node, "view");
  if (kind == "CreateTableAsStmt" || kind == "SelectStmt") {
    if (const Json* into = member(node, kind == "SelectStmt" ? "intoClause" : "into")) relation = member(*into, "rel");
  }
  if (relation == nullptr || !relation->is_object()) return nullptr;
  return text_field(*relation, "relpersistence") == "t" ? relation : nullptr;
}

// The change to a modelled object (tables, indexes, types, domains, sequences, schemas,
// extensions, comments on tables and columns, privileges on them): the kinds the compiler
// simulates, which raw SQL would change behind its back. Nothing for the objects the compiler
// does not model.
std::optional<Change> change_of(const std::string& kind, const Json& node) {
  // A temporary table or sequence lives in its session's own schema, and ends with it; but that
  // schema comes first in the search path, so one named as a modelled relation hides it from
  // every statement after it (relations_of names it for that check).
  if (temporary_relation(kind, node)) {
    return Change{kind == "CreateSeqStmt" ? "create temporary sequence" : kind == "ViewStmt" ? "create temporary view" : "create temporary table", "",
                  "a temporary relation comes first in the search path, and one of this name would stand for the "
                  "chain's in every statement after it: give it a name of its own"};
  }
  if (kind == "DropOwnedStmt") {
    return Change{"drop owned", "", "it drops whatever the roles own, the chain's objects among them: drop each with the "
                                    "language's statement, which the compiler follows and inverts"};
  }
  if (kind == "AlterExtensionContentsStmt") {
    return Change{node.value("action", 0) == 1 ? "alter extension ... add" : "alter extension ... drop", "",
                  "an object an extension holds cannot be dropped on its own, and goes with the extension: the compiler's "
                  "drops and downs would fail at deploy"};
  }
  if (kind == "CreateEventTrigStmt" || kind == "AlterEventTrigStmt") {
    return Change{kind == "CreateEventTrigStmt" ? "create event trigger" : "alter event trigger", "",
                  "an event trigger runs its function on the chain's own statements, from this revision on, where the "
                  "compiler would not follow it: keep event triggers out of the chain, or make them outside it"};
  }
  if (kind == "RuleStmt") {
    // `_RETURN` on select makes the table a view; any other rewrites what a statement on the
    // table does, the compiler's own data steps and downs among them.
    return Change{std::string("create ") + (flag(node, "replace") ? "or replace " : "") + "rule", "",
                  "a rule rewrites the statements on its table, the chain's data steps and downs among them, and the "
                  "compiler does not model rules: write a trigger (`create trigger ... execute function ...`)"};
  }
  if (kind == "CreateStmt") return Change{"create table", "create table " + relation_name(node) + " (...)"};
  if ((kind == "CreateTableAsStmt" && text_field(node, "objtype") == "OBJECT_TABLE") ||
      (kind == "SelectStmt" && node.contains("intoClause"))) {
    const Json& into = node.value(kind == "SelectStmt" ? "intoClause" : "into", Json::object());
    const std::string table = relation_name(into, "rel");
    return Change{kind == "SelectStmt" ? "select ... into" : "create table ... as", "",
                  "the language has no `create table ... as`: write `create table " + table +
                      " (...);`, then fill it with `execute $$ insert into " + table + " select ... $$`"};
  }
  if (kind == "ViewStmt") {
    return Change{flag(node, "replace") ? "create or replace view" : "create view",
                  std::string("create ") + (flag(node, "replace") ? "or replace " : "") + "view " + relation_name(node, "view") + " as ..."};
  }
  if (kind == "CreateTableAsStmt" && text_field(node, "objtype") == "OBJECT_MATVIEW") {
    return Change{"create materialized view",
                  "create materialized view " + relation_name(object_member(node, "into"), "rel") + " as ..."};
  }
  if (kind == "IndexStmt") {
    const bool unique = flag(node, "unique");
    const std::string name = text_field(node, "idxname");
    return Change{unique ? "create unique index" : "create index",
                  std::string("create ") + (unique ? "unique " : "") + "index " + (flag(node, "concurrent") ? "concurrently " : "") +
                      (name.empty() ? "<name>" : quote_identifier(name)) + " on " + relation_name(node) + " (...)"};
  }
  if (kind == "CreateEnumStmt") {
    return Change{"create type ... as enum", "create type " + written_names(string_list(array_member(node, "typeName"))) + " as enum (...)"};
  }
  if (kind == "CompositeTypeStmt") return Change{"create type ... as", "create type " + relation_name(node, "typevar") + " as (...)"};
  if (kind == "CreateDomainStmt") {
    return Change{"create domain", "create domain " + written_names(string_list(array_member(node, "domainname"))) + " as ..."};
  }
  if (kind == "AlterEnumStmt") {
    const std::string type = written_names(string_list(array_member(node, "typeName")));
    if (node.contains("oldVal")) {
      return Change{"alter type ... rename value", "alter type " + type + " rename value " + quote_literal(text_field(node, "oldVal")) +
                                                       " to " + quote_literal(text_field(node, "newVal"))};
    }
    return Change{"alter type ... add value", "alter type " + type + " add value " + quote_literal(text_field(node, "newVal"))};
  }
  if (kind == "AlterDomainStmt") {
    const std::string domain = "alter domain " + written_names(string_list(array_member(node, "typeName"))) + " ";
    const std::string subtype = text_field(node, "subtype");
    if (subtype == "T") return Change{"alter domain ... default", domain + (node.contains("def") ? "set default ..." : "drop default")};
    if (subtype == "N") return Change{"alter domain ... drop not null", domain + "drop not null"};
    if (subtype == "O") return Change{"alter domain ... set not null", domain + "set not null"};
    if (subtype == "C") return Change{"alter domain ... add constraint", domain + "add ..."};
    if (subtype == "X") {
      return Change{"alter domain ... drop constraint",
                    domain + "drop constraint " + (flag(node, "missing_ok") ? "if exists " : "") + quote_identifier(text_field(node, "name"))};
    }
    if (subtype == "V") return Change{"alter domain ... validate constraint", domain + "validate constraint " + quote_identifier(text_field(node, "name"))};
    return Change{"alter domain", "", no_statement_kept_apart};
  }
  if (kind == "CreateFunctionStmt") {
    const bool procedure = flag(node, "is_procedure");
    return Change{std::string("create ") + (flag(node, "replace") ? "or replace " : "") + (procedure ? "procedure" : "function"),
                  std::string("create ") + (flag(node, "replace") ? "or replace " : "") + (procedure ? "procedure " : "function ") +
                      written_names(string_list(array_member(node, "funcname"))) + "(...) ..."};
  }
  if (kind == "AlterFunctionStmt") {
    return Change{"alter function", "", "the language has no `alter function`: write `create or replace function` with the whole definition"};
  }
  if (kind == "CreatePolicyStmt") {
    return Change{"create policy", "create policy " + quote_identifier(text_field(node, "policy_name")) + " on " + relation_name(node, "table") + " ..."};
  }
  if (kind == "AlterPolicyStmt") {
    return Change{"alter policy", "", "the language has no `alter policy`: drop the policy and create it again"};
  }
  if (kind == "GrantStmt") {
    const std::string objtype = text_field(node, "objtype");
    const char* object_kind = objtype == "OBJECT_TABLE" ? "table" : objtype == "OBJECT_SEQUENCE" ? "sequence"
                              : objtype == "OBJECT_FUNCTION" ? "function" : objtype == "OBJECT_PROCEDURE" ? "procedure"
                              : objtype == "OBJECT_ROUTINE" ? "routine" : objtype == "OBJECT_SCHEMA" ? "schema"
                              : objtype == "OBJECT_TYPE" ? "type" : objtype == "OBJECT_DOMAIN" ? "domain" : nullptr;
    if (object_kind == nullptr) return std::nullopt;  // databases, languages...: not modelled
    const Json& privileges = array_member(node, "privileges");
    // Column privileges live apart from the table's own.
    const bool columns_only = !privileges.empty() && std::all_of(privileges.begin(), privileges.end(), [](const Json& privilege) {
      return object_member(privilege, "AccessPriv").contains("cols");
    });
    const bool grant = flag(node, "is_grant");
    const std::string what = grant ? "grant" : "revoke";
    if (columns_only) return Change{what + " ... (columns)", what + " ... (<columns>) on table ..."};
    if (text_field(node, "targtype") != "ACL_TARGET_OBJECT") {
      return Change{what + " ... on all " + object_kind + "s in schema", "",
                    "name the objects, which the compiler knows at the revision: `" + what + " ... on " + object_kind + " <name>, ...`"};
    }
    return Change{what, what + " ... on " + (objtype == "OBJECT_ROUTINE" ? std::string("function") : std::string(object_kind)) + " ..."};
  }
  if (kind == "AlterDefaultPrivilegesStmt") {
    // Only those of the kinds the compiler models, for the role that runs the migrator.
    const Json& action = object_member(node, "action");
    const std::string objtype = text_field(action, "objtype");
    // `for role current_user` (or current_role, session_user) is the migrator's own.
    bool other_role = false;
    for (const auto& option : array_member(node, "options")) {
      if (!option.contains("DefElem") || option["DefElem"].value("defname", "") != "roles") continue;
      const Json& roles = array_member(object_member(object_member(option["DefElem"], "arg"), "List"), "items");
      other_role = std::none_of(roles.begin(), roles.end(), [](const Json& role) {
        const std::string type = object_member(role, "RoleSpec").value("roletype", "");
        return type == "ROLESPEC_CURRENT_USER" || type == "ROLESPEC_CURRENT_ROLE" || type == "ROLESPEC_SESSION_USER";
      });
    }
    if (other_role || (objtype != "OBJECT_TABLE" && objtype != "OBJECT_SEQUENCE" && objtype != "OBJECT_FUNCTION" &&
                       objtype != "OBJECT_PROCEDURE" && objtype != "OBJECT_ROUTINE" && objtype != "OBJECT_SCHEMA" &&
                       objtype != "OBJECT_TYPE")) {
      return std::nullopt;
    }
    return Change{"alter default privileges", "",
                  "the chain's later objects would be made with privileges the compiler does not see: grant on each object"};
  }
  if (kind == "CreateTrigStmt") {
    if (flag(node, "isconstraint")) return Change{"create constraint trigger", "", no_statement_kept_apart};
    return Change{std::string("create ") + (flag(node, "replace") ? "or replace " : "") + "trigger",
                  std::string("create ") + (flag(node, "replace") ? "or replace " : "") + "trigger " +
                      quote_identifier(text_field(node, "trigname")) + " ... on " + relation_name(node) + " ..."};
  }
  if (kind == "CreateSeqStmt") return Change{"create sequence", "create sequence " + relation_name(node, "sequence") + " ..."};
  if (kind == "AlterSeqStmt") return Change{"alter sequence", "alter sequence " + relation_name(node, "sequence") + " ..."};
  if (kind == "CreateSchemaStmt") return Change{"create schema", "create schema " + quote_identifier(text_field(node, "schemaname"))};
  if (kind == "CreateExtensionStmt") return Change{"create extension", "create extension " + quote_identifier(text_field(node, "extname"))};
  if (kind == "AlterTableStmt") {
    const std::string objtype = text_field(node, "objtype");
    const std::string name = relation_name(node);
    for (const auto& command : array_member(node, "cmds")) {
      const Json& cmd = object_member(command, "AlterTableCmd");
      const std::string subtype = text_field(cmd, "subtype");
      if (objtype == "OBJECT_TABLE") {
        if (auto change = table_change(name, cmd)) return change;
      } else if (objtype == "OBJECT_VIEW" || objtype == "OBJECT_MATVIEW") {
        // Of a view the compiler models its query, columns, comment and privileges: a column's
        // default (which an insert through the view takes) and its options (`check_option`,
        // `security_barrier`) it does not, and would not know of.
        if (subtype == "AT_ColumnDefault" || subtype == "AT_SetRelOptions" || subtype == "AT_ResetRelOptions" ||
            subtype == "AT_ReplaceRelOptions") {
          const std::string what = std::string(objtype == "OBJECT_VIEW" ? "alter view" : "alter materialized view") +
                                   (subtype == "AT_ColumnDefault" ? " ... alter column ... default" : subtype == "AT_ResetRelOptions" ? " ... reset (...)" : " ... set (...)");
          return Change{what, "", no_statement_kept_apart};
        }
      } else if (objtype == "OBJECT_TYPE") {
        const std::string attribute = quote_identifier(text_field(cmd, "name"));
        if (subtype == "AT_AddColumn") {
          const std::string added = quote_identifier(object_member(object_member(cmd, "def"), "ColumnDef").value("colname", ""));
          return Change{"alter type ... add attribute", "alter type " + name + " add attribute " + added + " ..."};
        }
        if (subtype == "AT_DropColumn") return Change{"alter type ... drop attribute", "alter type " + name + " drop attribute " + attribute};
        if (subtype == "AT_AlterColumnType") return Change{"alter type ... alter attribute", "", no_statement_kept_apart};
      }
    }
    return std::nullopt;
  }
  if (kind == "DropStmt") {
    static const std::pair<std::string_view, std::string_view> drops[] = {
        {"OBJECT_TABLE", "table"},         {"OBJECT_INDEX", "index"},   {"OBJECT_TYPE", "type"},
        {"OBJECT_DOMAIN", "domain"},       {"OBJECT_SEQUENCE", "sequence"}, {"OBJECT_SCHEMA", "schema"},
        {"OBJECT_EXTENSION", "extension"}, {"OBJECT_VIEW", "view"}, {"OBJECT_MATVIEW", "materialized view"},
        {"OBJECT_FUNCTION", "function"},   {"OBJECT_PROCEDURE", "procedure"}, {"OBJECT_TRIGGER", "trigger"},
    };
    const std::string type = text_field(node, "removeType");
    if (type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" ||
        type == "OBJECT_ROUTINE") {
      const Json& object = array_member(node, "objects").empty() ? Json::object() : node["objects"][0];
      std::string statement;
      if (type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY") {
        auto names = string_list(array_member(object_member(object, "List"), "items"));
        const std::string trigger = names.empty() ? "..." : quote_identifier(names.back());
        if (!names.empty()) names.pop_back();
        statement = std::string(type == "OBJECT_TRIGGER" ? "drop trigger " : "drop policy ") + trigger + " on " + written_names(names);
      } else {
        statement = std::string("drop ") + (type == "OBJECT_PROCEDURE" ? "procedure " : "function ") +
                    written_names(string_list(array_member(object_member(object, "ObjectWithArgs"), "objname"))) + "(...)";
      }
      return Change{type == "OBJECT_TRIGGER"    ? "drop trigger"
                    : type == "OBJECT_POLICY"   ? "drop policy"
                    : type == "OBJECT_FUNCTION" ? "drop function"
                    : type == "OBJECT_ROUTINE"  ? "drop routine"
                                                : "drop procedure",
                    statement};
    }
    for (const auto& [objtype, word] : drops) {
      if (type != objtype) continue;
      std::string statement = "drop " + std::string(word) + (flag(node, "concurrent") ? " concurrently " : " ") +
                              (flag(node, "missing_ok") ? "if exists " : "") + object_names(node);
      if (text_field(node, "behavior") == "DROP_CASCADE") statement += " cascade";
      return Change{"drop " + std::string(word), statement};
    }
    return std::nullopt;
  }
  if (kind == "RenameStmt") {
    const std::string type = text_field(node, "renameType");
    const std::string to = quote_identifier(text_field(node, "newname"));
    const std::string from = quote_identifier(text_field(node, "subname"));
    if (type == "OBJECT_TABLE") return Change{"alter table ... rename to", "alter table " + relation_name(node) + " rename to " + to};
    if (type == "OBJECT_COLUMN" && text_field(node, "relationType") == "OBJECT_TABLE") {
      return Change{"alter table ... rename column", "alter table " + relation_name(node) + " rename column " + from + " to " + to};
    }
    if (type == "OBJECT_COLUMN" && text_field(node, "relationType") == "OBJECT_VIEW") {
      return Change{"alter view ... rename column", "alter view " + relation_name(node) + " rename column " + from + " to " + to};
    }
    if (type == "OBJECT_COLUMN" && text_field(node, "relationType") == "OBJECT_MATVIEW") {
      return Change{"alter materialized view ... rename column",
                    "alter materialized view " + relation_name(node) + " rename column " + from + " to " + to};
    }
    if (type == "OBJECT_TABCONSTRAINT") {
      return Change{"alter table ... rename constraint", "alter table " + relation_name(node) + " rename constraint " + from + " to " + to};
    }
    if (type == "OBJECT_INDEX") return Change{"alter index ... rename to", "alter index " + relation_name(node) + " rename to " + to};
    if (type == "OBJECT_VIEW") return Change{"alter view ... rename to", "alter view " + relation_name(node) + " rename to " + to};
    if (type == "OBJECT_MATVIEW") {
      return Change{"alter materialized view ... rename to", "alter materialized view " + relation_name(node) + " rename to " + to};
    }
    if (type == "OBJECT_DOMAIN") {
      return Change{"alter domain ... rename to", "alter domain " + object_name(object_member(node, "object")) + " rename to " + to};
    }
    if (type == "OBJECT_DOMCONSTRAINT") {
      return Change{"alter domain ... rename constraint",
                    "alter domain " + object_name(object_member(node, "object")) + " rename constraint " + from + " to " + to};
    }
    if (type == "OBJECT_ATTRIBUTE") {
      return Change{"alter type ... rename attribute", "alter type " + relation_name(node) + " rename attribute " + from + " to " + to};
    }
    if (type == "OBJECT_TYPE" || type == "OBJECT_SEQUENCE" || type == "OBJECT_SCHEMA" ||
        type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" || type == "OBJECT_ROUTINE" || type == "OBJECT_TRIGGER" ||
        type == "OBJECT_POLICY") {
      return Change{"rename (" + type.substr(7) + ")", "", no_statement_kept_apart};
    }
    return std::nullopt;
  }
  if (kind == "AlterObjectSchemaStmt") {
    const std::string type = text_field(node, "objectType");
    if (type == "OBJECT_TABLE" || type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN" || type == "OBJECT_SEQUENCE" ||
        type == "OBJECT_INDEX" || type == "OBJECT_EXTENSION" || type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" ||
        type == "OBJECT_ROUTINE" || type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
      return Change{type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" ? "set schema (view)" : "set schema", "", no_statement_kept_apart};
    }
    return std::nullopt;
  }
  if (kind == "CommentStmt") {
    const std::string type = text_field(node, "objtype");
    const std::string text = node.contains("comment") ? quote_literal(text_field(node, "comment")) : "null";
    const std::string object = object_name(object_member(node, "object"));
    if (type == "OBJECT_TABLE") return Change{"comment on table", "comment on table " + object + " is " + text};
    if (type == "OBJECT_COLUMN") return Change{"comment on column", "comment on column " + object + " is " + text};
    static const std::map<std::string, std::string, std::less<>> plain = {
        {"OBJECT_VIEW", "view"},         {"OBJECT_MATVIEW", "materialized view"}, {"OBJECT_INDEX", "index"},
        {"OBJECT_SEQUENCE", "sequence"}, {"OBJECT_TYPE", "type"},                 {"OBJECT_DOMAIN", "domain"}};
    if (const auto kind_word = plain.find(type); kind_word != plain.end()) {
      return Change{"comment on " + kind_word->second, "comment on " + kind_word->second + " " + object + " is " + text};
    }
    if (type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE") {
      const std::string word = type == "OBJECT_FUNCTION" ? "function" : "procedure";
      const Json routine = object_member(object_member(node, "object"), "ObjectWithArgs");
      const std::string name = written_names(string_list(array_member(routine, "objname")));
      return Change{"comment on " + word, "comment on " + word + " " + name + (routine.contains("objargs") ? "(...)" : "") + " is " + text};
    }
    if (type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_TABCONSTRAINT") {
      const std::string word = type == "OBJECT_TRIGGER" ? "trigger" : type == "OBJECT_POLICY" ? "policy" : "constraint";
      auto names = string_list(array_member(object_member(object_member(node, "object"), "List"), "items"));
      if (names.size() < 2) return std::nullopt;
      const std::string member = quote_identifier(names.back());
      names.pop_back();
      return Change{"comment on " + word, "comment on " + word + " " + member + " on " + written_names(names) + " is " + text};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// The relations a change acts on by name.
std::vector<std::vector<std::string>> relations_of(const std::string& kind, const Json& node) {
  if (const Json* temporary = temporary_relation(kind, node)) {
    // Whatever schema it is written in (pg_temp or none), it hides a relation of that name.
    const std::string name = temporary->value("relname", "");
    return {{name}};
  }
  if (kind == "IndexStmt" || kind == "AlterTableStmt" || kind == "RenameStmt" || kind == "CreateTrigStmt" || kind == "RuleStmt") {
    if (node.contains("relation")) return {relation_names(node)};
  }
  if (kind == "CreatePolicyStmt" || kind == "AlterPolicyStmt") return {relation_names(node, "table")};
  if (kind == "GrantStmt" && text_field(node, "targtype") == "ACL_TARGET_OBJECT") {
    std::vector<std::vector<std::string>> relations;
    for (const auto& object : array_member(node, "objects")) {
      if (object.contains("RangeVar")) relations.push_back(relation_names(object, "RangeVar"));
    }
    return relations;
  }
  if (kind == "CommentStmt" || kind == "DropStmt") {
    std::vector<std::vector<std::string>> relations;
    const std::string type = text_field(node, kind == "CommentStmt" ? "objtype" : "removeType");
    if (type != "OBJECT_TABLE" && type != "OBJECT_COLUMN" && type != "OBJECT_INDEX" && type != "OBJECT_VIEW" && type != "OBJECT_MATVIEW" &&
        type != "OBJECT_TRIGGER" && type != "OBJECT_POLICY" && type != "OBJECT_TABCONSTRAINT" && type != "OBJECT_SEQUENCE") {
      return {};
    }
    const auto objects = kind == "CommentStmt" ? Json::array({object_member(node, "object")}) : array_member(node, "objects");
    for (const auto& object : objects) {
      auto names = string_list(array_member(object_member(object, "List"), "items"));
      if ((type == "OBJECT_COLUMN" || type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_TABCONSTRAINT") && !names.empty()) {
        names.pop_back();
      }
      if (!names.empty()) relations.push_back(std::move(names));
    }
    return relations;
  }
  return {};
}

// The functions and procedures a GRANT or REVOKE names: each a list of names.
std::vector<std::vector<std::string>> routines_of(const std::string& kind, const Json& node) {
  std::vector<std::vector<std::string>> routines;
  const std::string objtype = text_field(node, "objtype");
  if (kind != "GrantStmt" || text_field(node, "targtype") != "ACL_TARGET_OBJECT" ||
      (objtype != "OBJECT_FUNCTION" && objtype != "OBJECT_PROCEDURE" && objtype != "OBJECT_ROUTINE")) {
    return routines;
  }
  for (const auto& object : array_member(node, "objects")) {
    routines.push_back(string_list(array_member(object_member(object, "ObjectWithArgs"), "objname")));
  }
  return routines;
}

// The schemas a GRANT or REVOKE names.
std::vector<std::string> schemas_of(const std::string& kind, const Json& node) {
  std::vector<std::string> schemas;
  if (kind != "GrantStmt" || text_field(node, "objtype") != "OBJECT_SCHEMA") return schemas;
  for (const auto& object : array_member(node, "objects")) schemas.push_back(object_member(object, "String").value("sval", ""));
  return schemas;
}

// The types a GRANT or REVOKE names (ON TYPE, ON DOMAIN), or a DROP TYPE or DROP DOMAIN drops.
std::vector<std::vector<std::string>> types_of(const std::string& kind, const Json& node) {
  std::vector<std::vector<std::string>> types;
  const std::string objtype = text_field(node, kind == "DropStmt" ? "removeType" : "objtype");
  if ((kind != "GrantStmt" && kind != "DropStmt") || (objtype != "OBJECT_TYPE" && objtype != "OBJECT_DOMAIN")) return types;
  for (const auto& object : array_member(node, "objects")) {
    types.push_back(object.contains("TypeName") ? string_list(member(object["TypeName"], "names"))
                                                : string_list(array_member(object_member(object, "List"), "items")));
  }
  return types;
}

// The functions a statement makes run later: a trigger's, an operator's, an aggregate's (its
// state and final functions ...), a cast's.
std::vector<std::vector<std::string>> routines_made_callable(const std::string& kind, const Json& node) {
  std::vector<std::vector<std::string>> routines;
  if (kind == "CreateTrigStmt") routines.push_back(string_list(array_member(node, "funcname")));
  if (kind == "CreateCastStmt") {
    routines.push_back(string_list(array_member(object_member(node, "func"), "objname")));
  }
  if (kind == "DefineStmt") {
    for (const auto& definition : array_member(node, "definition")) {
      const Json& element = object_member(definition, "DefElem");
      const Json& argument = object_member(element, "arg");
      std::vector<std::string> names;
      if (argument.contains("TypeName")) names = string_list(array_member(argument["TypeName"], "names"));
      if (argument.contains("List")) names = string_list(array_member(argument["List"], "items"));
      if (argument.contains("String")) names = {argument["String"].value("sval", "")};
      if (!names.empty()) routines.push_back(std::move(names));
    }
  }
  std::erase_if(routines, [](const std::vector<std::string>& names) { return names.empty(); });
  return routines;
}

// The tables a statement writes rows of, and the events that fire their triggers: its own, and
// those of the statements in its WITH (`with moved as (delete from t returning *) insert ...`).
void add_writes(const std::string& kind, const Json& node, std::vector<SqlStatement::Write>& writes) {
  const auto write = [&](const char* field, std::vector<std::string> events) {
    if (node.contains(field) && node[field].is_object()) writes.push_back({relation_names(node, field), std::move(events)});
  };
  if (kind == "InsertStmt") {
    write("relation", node.contains("onConflictClause") ? std::vector<std::string>{"insert", "update"} : std::vector<std::string>{"insert"});
  }
  if (kind == "UpdateStmt") write("relation", {"update"});
  if (kind == "DeleteStmt") write("relation", {"delete"});
  if (kind == "MergeStmt") write("relation", {"insert", "update", "delete"});
  if (kind == "CopyStmt" && flag(node, "is_from")) write("relation", {"insert"});
  if (kind == "TruncateStmt") {
    for (const auto& relation : array_member(node, "relations")) {
      if (relation.contains("RangeVar")) writes.push_back({relation_names(relation, "RangeVar"), {"truncate"}});
    }
  }
}
std::vector<SqlStatement::Write> writes_of(const std::string& kind, const Json& node) {
  std::vector<SqlStatement::Write> writes;
  add_writes(kind, node, writes);
  if ((kind == "InsertStmt" || kind == "UpdateStmt") && writes.size() == 1) {
    auto& own = writes.front();
    own.own = true;
    const Json& location = member(member(node, "relation"), "location");
    own.relation_offset = location.is_number() ? location.get<std::size_t>() : 0;
    for (const auto& target : member(node, kind == "InsertStmt" ? "cols" : "targetList")) {
      const Json& result = member(target, "ResTarget");
      const Json& at = member(result, "location");
      own.columns.emplace_back(text_field(result, "name"), at.is_number() ? at.get<std::size_t>() : own.relation_offset);
    }
  }
  std::vector<const Json*> pending{&node};
  while (!pending.empty()) {
    const Json& next = *pending.back();
    pending.pop_back();
    if (next.is_array()) {
      for (const auto& child : next) pending.push_back(&child);
    } else if (next.is_object()) {
      for (const auto& [key, child] : next.items()) {
        if (key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt") add_writes(key, child, writes);
        pending.push_back(&child);
      }
    }
  }
  return writes;
}

std::optional<Change> modelled_change(const std::string& kind, const Json& node) {
  auto change = change_of(kind, node);
  if (change) change->relations = relations_of(kind, node);
  return change;
}

// Statements PostgreSQL refuses inside a transaction block.
std::string outside_transaction(const std::string& kind, const Json& node) {
  // ANALYZE alone runs in a transaction; VACUUM, with or without it, does not.
  if (kind == "VacuumStmt") return flag(node, "is_vacuumcmd") ? "vacuum" : "";
  if (kind == "IndexStmt" && flag(node, "concurrent")) return "create index concurrently";
  if (kind == "DropStmt" && flag(node, "concurrent")) return "drop index concurrently";
  if (kind == "ReindexStmt") {
    for (const auto& option : array_member(node, "params")) {
      if (option.contains("DefElem") && option["DefElem"].value("defname", "") == "concurrently") return "reindex concurrently";
    }
  }
  if (kind == "ReindexStmt") {
    const std::string object = text_field(node, "kind");
    if (object == "REINDEX_OBJECT_SCHEMA") return "reindex schema";
    if (object == "REINDEX_OBJECT_SYSTEM") return "reindex system";
    if (object == "REINDEX_OBJECT_DATABASE") return "reindex database";
  }
  if (kind == "ClusterStmt" && !node.contains("relation")) return "cluster (of every table)";
  if (kind == "DiscardStmt" && text_field(node, "target") == "DISCARD_ALL") return "discard all";
  if (kind == "CreateSubscriptionStmt") {
    // Only creating its replication slot, which it does unless told not to connect or not to.
    for (const auto& option : array_member(node, "options")) {
      const Json& element = object_member(option, "DefElem");
      const std::string name = element.value("defname", "");
      const Json& value = object_member(element, "arg");
      // `false` is a string to the grammar, `off` a type name, `0` an integer.
      std::string given;
      if (value.contains("String")) given = value["String"].value("sval", "");
      if (value.contains("TypeName")) {
        const auto names = string_list(array_member(value["TypeName"], "names"));
        if (!names.empty()) given = names.back();
      }
      if (value.contains("Integer")) given = std::to_string(value["Integer"].value("ival", 0));
      if ((name == "create_slot" || name == "connect") && (given == "false" || given == "off" || given == "0")) return "";
    }
    return "create subscription";
  }
  if (kind == "DropSubscriptionStmt") return "drop subscription";
  if (kind == "AlterDatabaseStmt") {
    for (const auto& option : array_member(node, "options")) {
      if (option.contains("DefElem") && option["DefElem"].value("defname", "") == "tablespace") return "alter database ... set tablespace";
    }
  }
  if (kind == "CreatedbStmt") return "create database";
  if (kind == "DropdbStmt") return "drop database";
  if (kind == "AlterSystemStmt") return "alter system";
  if (kind == "CreateTableSpaceStmt") return "create tablespace";
  if (kind == "DropTableSpaceStmt") return "drop tablespace";
  return "";
}

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Which session setting a statement changes for what runs after it in the same connection: the
// schema names resolve in (`search_path`, even SET LOCAL: the rest of the revision), the role
// objects are made by (past the transaction), one the plan's SQL is written for (with
// standard_conforming_strings off a backslash in a literal is an escape, and the text the compiler
// read as one constraint is two statements to the server), or all of them; `set_config()` as well.
// Settings that, kept by the session past the revision's transaction, make the revisions after
// it fail or run unchecked: read-only transactions, replication mode (no triggers, no foreign
// keys), a session killed while idle, a time zone that moves every later timestamptz constant
// from what the compiler's schema and `check` hold. `set local` confines one to its revision.
std::optional<std::string> constant_text(const Json& value);

bool outlives_the_revision(std::string_view name) {
  static constexpr std::string_view settings[] = {"default_transaction_read_only", "transaction_read_only",
                                                  "session_replication_role",      "idle_in_transaction_session_timeout",
                                                  "idle_session_timeout",          "session characteristics",
                                                  "exit_on_error",                 "timezone"};
  return std::find(std::begin(settings), std::end(settings), name) != std::end(settings);
}

std::string session_change(const std::string& kind, const Json& node, std::string_view statement) {
  if (kind == "DiscardStmt") return text_field(node, "target") == "DISCARD_ALL" ? "settings" : "";
  if (kind == "AlterDatabaseSetStmt" || kind == "AlterRoleSetStmt") {
    // The database's or a role's default, which the migrator's next connection starts with.
    // The settings the migrator sets on every connection it sets again; the search path it
    // takes, and those that break the revisions after, it would suffer.
    const auto set = node.find("setstmt");
    if (set == node.end() || !set->is_object()) return "";
    const std::string name = lowered(text_field(*set, "name"));
    return name == "search_path" || outlives_the_revision(name) ? name : "";
  }
  if (kind == "UpdateStmt" && node.contains("relation") && text_field(node.at("relation"), "relname") == "pg_settings") {
    return "settings";  // an update of pg_settings is a SET
  }
  if (kind == "VariableSetStmt") {
    const std::string variable_kind = text_field(node, "kind");
    if (variable_kind == "VAR_RESET_ALL") return "settings";
    const std::string name = lowered(text_field(node, "name"));  // "Search_Path" is the setting too
    // The time zone, even SET LOCAL: the timestamptz constants after it in the revision too.
    if (name == "search_path" || name == "timezone" || is_session_parameter(name)) return name;
    if ((name == "role" || name == "session_authorization" || outlives_the_revision(name)) && !flag(node, "is_local")) return name;
    return "";
  }
  if (lowered(std::string(statement)).find("set_config") == std::string::npos) return "";
  std::string found;
  const std::function<void(const Json&)> visit = [&](const Json& value) {
    if (!found.empty()) return;
    if (value.is_array()) {
      for (const auto& element : value) visit(element);
      return;
    }
    if (!value.is_object()) return;
    if (const auto call = value.find("FuncCall"); call != value.end()) {
      const auto names = string_list(array_member(*call, "funcname"));
      const Json& arguments = array_member(*call, "args");
      if (!names.empty() && names.back() == "set_config" && !arguments.empty()) {
        // Setting names are read without regard to case. Whether it is local is the third
        // argument's business: the search path matters either way.
        const auto constant = arguments[0].find("A_Const");
        const bool named_as_written = constant != arguments[0].end() && constant->contains("sval");
        const std::string setting =
            named_as_written ? lowered(object_member(*constant, "sval").value("sval", "")) : std::string();
        if (!named_as_written) {
          found = "settings, one named only when it runs";
        } else if (setting == "search_path" || setting == "timezone" || setting == "role" || setting == "session_authorization" ||
                   is_session_parameter(setting) || setting.starts_with("transaction_")) {
          found = setting;
        } else if (outlives_the_revision(setting)) {
          const auto local = arguments.size() > 2 ? constant_text(arguments[2]) : std::nullopt;
          if (!local || (*local != "true" && *local != "t" && *local != "on")) found = setting;
        }
      }
    }
    for (const auto& [key, child] : value.items()) visit(child);
  };
  visit(node);
  return found;
}

// An A_Const's text, as PostgreSQL's JSON gives it (a zero or false field is left out).
std::optional<std::string> constant_text(const Json& value) {
  const auto constant = value.find("A_Const");
  if (constant == value.end() || !constant->is_object() || constant->contains("isnull")) return std::nullopt;
  if (const auto text = constant->find("sval"); text != constant->end()) return text->value("sval", "");
  if (const auto number = constant->find("ival"); number != constant->end()) return std::to_string(number->value("ival", 0));
  if (const auto number = constant->find("fval"); number != constant->end()) return number->value("fval", "");
  if (const auto truth = constant->find("boolval"); truth != constant->end()) return truth->value("boolval", false) ? "true" : "false";
  return std::nullopt;
}

// What a PL/pgSQL DO block runs, read by libpg_query's PL/pgSQL parser: whether it commits or
// rolls back (PostgreSQL refuses that inside a transaction block, "invalid transaction
// termination", only once the block runs), and the SQL it runs, as written or as a constant
// EXECUTE string. What an EXECUTE builds at run time is not known here.
struct BlockFacts {
  bool ends_transaction = false;
  std::vector<std::string> statements;
  // Every expression and statement of the block, as PL/pgSQL keeps it: `SELECT f()` (PERFORM),
  // `v := f()` (an assignment), `f()` (a condition), `select ... into v`.
  std::vector<std::string> expressions;
};

// Where a block's statement is a constant string (`EXECUTE 'alter table ...'`), that string.
// A cast to a string type (`'drop table t'::text`) keeps it one.
std::optional<std::string> constant_string(const std::string& expression) {
  const auto constant = constant_of(expression);
  if (!constant || constant->kind != SqlConstant::Kind::string) return std::nullopt;
  for (const auto& cast : constant->casts) {
    static const std::set<std::string_view> strings = {"text", "varchar", "character varying", "bpchar", "character", "char", "name"};
    if (cast.empty() || cast.size() > 2 || (cast.size() == 2 && cast[0] != "pg_catalog") || !strings.contains(cast.back())) {
      return std::nullopt;
    }
  }
  return constant->value;
}

void collect_block_statements(const Json& node, BlockFacts& facts) {
  if (node.is_array()) {
    for (const auto& element : node) collect_block_statements(element, facts);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key == "PLpgSQL_stmt_commit" || key == "PLpgSQL_stmt_rollback") facts.ends_transaction = true;
    if (key == "PLpgSQL_expr" && value.is_object()) {
      if (std::string query = value.value("query", ""); !query.empty()) facts.expressions.push_back(std::move(query));
    }
    if (key == "PLpgSQL_stmt_execsql") {
      const std::string query = object_member(object_member(value, "sqlstmt"), "PLpgSQL_expr").value("query", "");
      if (!query.empty()) facts.statements.push_back(query);
    }
    if (key == "PLpgSQL_stmt_perform") {
      const std::string query = object_member(object_member(value, "expr"), "PLpgSQL_expr").value("query", "");
      if (!query.empty()) facts.statements.push_back(query);
    }
    // EXECUTE, FOR ... IN EXECUTE, OPEN ... FOR EXECUTE, RETURN QUERY EXECUTE.
    if (key == "PLpgSQL_stmt_dynexecute" || key == "PLpgSQL_stmt_dynfors" || key == "PLpgSQL_stmt_open" ||
        key == "PLpgSQL_stmt_return_query") {
      for (const char* field : {"query", "dynquery"}) {
        const std::string query = object_member(value.value(field, Json::object()), "PLpgSQL_expr").value("query", "");
        if (auto text = constant_string(query)) facts.statements.push_back(std::move(*text));
      }
    }
    collect_block_statements(value, facts);
  }
}

// `statement`: a DO block, or a CREATE FUNCTION or PROCEDURE whose signature declares the
// names its body uses (its arguments; NEW and OLD in a trigger function). Empty where it does
// not parse.
std::optional<BlockFacts> read_plpgsql(const std::string& statement, std::string* error = nullptr) {
  std::optional<BlockFacts> facts;
  const PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(statement.c_str());
  if (result.error == nullptr && result.plpgsql_funcs != nullptr) {
    facts.emplace();
    collect_block_statements(Json::parse(result.plpgsql_funcs, nullptr, false), *facts);
  } else if (error != nullptr) {
    *error = result.error != nullptr ? result.error->message : "PL/pgSQL's parser gave nothing";
  }
  pg_query_free_plpgsql_parse_result(result);
  return facts;
}

// A plpgsql block's facts; nothing, with PL/pgSQL's error, where it does not parse.
std::optional<BlockFacts> read_block(const Json& node, std::string_view statement, std::string& error) {
  for (const auto& argument : array_member(node, "args")) {
    const Json& option = object_member(argument, "DefElem");
    if (option.value("defname", "") == "language" &&
        object_member(object_member(option, "arg"), "String").value("sval", "") != "plpgsql") {
      return BlockFacts{};
    }
  }
  return read_plpgsql(std::string(statement), &error);
}

// The usual answer, read from the JSON text without building its tree, which would cost several
// times the parse: the tree of `SELECT (<one expression>)` is one statement whose node holds
// exactly one target, and nothing after it but the two fields every SELECT has.
bool is_one_target_select(std::string_view json) {
  static constexpr std::string_view head = R"({"version":150001,"stmts":[{"stmt":{"SelectStmt":{"targetList":[)";
  static constexpr std::string_view tail = R"(],"limitOption":"LIMIT_OPTION_DEFAULT","op":"SETOP_NONE"}}}]})";
  if (!json.starts_with(head) || !json.ends_with(tail)) return false;
  // The targets, between the two: one value, so no comma outside strings at its top level.
  const std::string_view targets = json.substr(head.size(), json.size() - head.size() - tail.size());
  int depth = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const char c = targets[i];
    if (c == '"') {
      for (++i; i < targets.size() && targets[i] != '"'; ++i) {
        if (targets[i] == '\\') ++i;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return false;
    } else if (c == ',' && depth == 0) {
      return false;
    }
  }
  return depth == 0 && !targets.empty();
}

std::vector<std::string> string_list(const Json& list) {
  std::vector<std::string> names;
  for (const auto& item : list) {
    if (item.contains("String")) names.push_back(item["String"].value("sval", ""));
  }
  return names;
}

// The string constant `node` is, cast or not, if it is one.
std::optional<std::string> string_constant(const Json* node) {
  while (node->is_object() && node->contains("TypeCast")) node = &(*node)["TypeCast"]["arg"];
  if (!node->is_object() || !node->contains("A_Const")) return std::nullopt;
  const Json& constant = (*node)["A_Const"];
  if (!constant.contains("sval")) return std::nullopt;
  return constant["sval"].value("sval", "");
}

// PostgreSQL's (and dblink's) functions that parse and run a query given as text.
bool runs_query_text(const std::vector<std::string>& names) {
  if (names.empty() || (names.size() == 2 && names[0] != "pg_catalog" && !names.back().starts_with("dblink"))) return false;
  static const std::set<std::string, std::less<>> runners{"query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
                                                          "ts_stat",      "ts_rewrite",         "dblink",
                                                          "dblink_exec",  "dblink_send_query",  "dblink_open"};
  return runners.contains(names.back());
}
// How deep query texts inside query texts are followed (each in its own dollar quote, they may
// nest as deep as the text is long).
constexpr int max_query_text_depth = 8;

// The functions, types, sequences and value functions of an expression's tree (that of
// `SELECT (<expression>)`, `prefix` bytes before the expression). Without recursion: an
// expression may nest as deep as its text is long.
void collect_constants(const std::string& key, const Json& body, std::vector<QueryConstant>& constants);

void collect_names(const Json& root, std::size_t prefix, ExpressionFacts& facts, int query_text_depth = 0) {
  const auto offset = [&](const Json& node) {
    const std::size_t location = node.value("location", prefix);
    return location < prefix ? 0 : location - prefix;
  };
  const auto first = [](std::optional<std::size_t>& kept, std::size_t at) { kept = std::min(kept.value_or(at), at); };
  std::vector<std::pair<const Json*, bool>> pending{{&root, false}};  // a node, and whether it is in a subquery
  while (!pending.empty()) {
    const auto [node_pointer, in_subquery] = pending.back();
    const Json& node = *node_pointer;
    pending.pop_back();
    bool below_in_subquery = in_subquery;
    if (node.is_object()) {
      if (const auto call = node.find("FuncCall"); call != node.end()) {
        SqlNameReference function{string_list(array_member(*call, "funcname")), offset(*call), in_subquery};
        if (!in_subquery && call->contains("over")) first(facts.window_call, offset(*call));
        if (!in_subquery && (call->contains("agg_filter") || call->contains("agg_within_group") || flag(*call, "agg_star") ||
                             flag(*call, "agg_distinct") || call->contains("agg_order"))) {
          first(facts.aggregate_call, offset(*call));
        }
        const std::string& name = function.names.empty() ? std::string() : function.names.back();
        if ((name == "nextval" || name == "currval" || name == "setval") && call->contains("args") && !(*call)["args"].empty()) {
          if (const auto text = string_constant(&(*call)["args"][0])) {
            facts.sequences.push_back({regclass_names(*text), offset((*call)["args"][0].begin().value())});
          }
        }
        // PostgreSQL's functions that run a query given as text run what it calls, as a subquery would.
        if (runs_query_text(function.names) && call->contains("args") && query_text_depth < max_query_text_depth) {
          for (const auto& argument : (*call)["args"]) {
            const auto text = string_constant(&argument);
            if (!text) continue;
            const Tree query = parse(*text, deepest_walked_tree);
            if (query.error) continue;
            ExpressionFacts inner;
            collect_names(query.json, 0, inner, query_text_depth + 1);
            for (auto& called : inner.functions) facts.functions.push_back({std::move(called.names), function.offset, true});
          }
        }
        facts.functions.push_back(std::move(function));
      } else if (const auto cast = node.find("TypeCast"); cast != node.end()) {
        const Json& type = (*cast)["typeName"];
        auto names = string_list(array_member(type, "names"));
        if (!names.empty() && names[0] != "pg_catalog") facts.types.push_back({std::move(names), offset(type)});
        if (!in_subquery) {
          const std::size_t known = facts.constants.size();
          collect_constants("TypeCast", *cast, facts.constants);
          for (std::size_t i = known; i < facts.constants.size(); ++i) {
            facts.constants[i].offset = facts.constants[i].offset < prefix ? 0 : facts.constants[i].offset - prefix;
          }
        }
      } else if (const auto value = node.find("SQLValueFunction"); value != node.end()) {
        if (!facts.value_function) facts.value_function = offset(*value);
      } else if (const auto query = node.find("SubLink"); query != node.end()) {
        facts.subquery = std::min(facts.subquery.value_or(std::numeric_limits<std::size_t>::max()), offset(*query));
        below_in_subquery = true;
      } else if (const auto grouping = node.find("GroupingFunc"); grouping != node.end() && !in_subquery) {
        first(facts.grouping, offset(*grouping));
      } else if (const auto parameter = node.find("ParamRef"); parameter != node.end() && !in_subquery) {
        first(facts.parameter, offset(*parameter));
      } else if (const auto selection = node.find("A_Indirection"); selection != node.end()) {
        for (const auto& step : array_member(*selection, "indirection")) {
          if (step.contains("String")) facts.fields.push_back(step["String"].value("sval", ""));
        }
      }
      for (const auto& [_, child] : node.items()) pending.push_back({&child, below_in_subquery});
    } else if (node.is_array()) {
      for (const auto& child : node) pending.push_back({&child, in_subquery});
    }
  }
  const auto by_offset = [](const auto& a, const auto& b) { return a.offset < b.offset; };
  std::sort(facts.functions.begin(), facts.functions.end(), by_offset);
  std::sort(facts.types.begin(), facts.types.end(), by_offset);
  std::sort(facts.sequences.begin(), facts.sequences.end(), by_offset);
}

}  // namespace

std::vector<std::string> regclass_names(std::string_view text) {
  std::vector<std::string> names(1);
  bool quoted = false;
  bool ended = false;  // a part ended by white space, which only a dot may follow (SplitIdentifierString)
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      ended = ended || !names.back().empty() || (i > 0 && text[i - 1] == '"');
      continue;
    }
    if (ended && c != '.') return {};
    ended = false;
    if (c == '"') {
      if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
        names.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == '.' && !quoted) {
      names.emplace_back();
    } else {
      names.back() += quoted ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (quoted || names.size() > 3 || std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); })) return {};
  return names;
}

namespace {

// Chains repeat their short fragments (`now()`, `true`, `0`) in revision after revision: what is
// learnt of each is kept, so that each is parsed once per build. The compiler is single-threaded.
template <typename Fact>
class ShortFragmentMemo {
 public:
  const Fact* find(std::string_view text) const {
    if (text.size() > short_fragment) return nullptr;
    const auto found = facts_.find(std::string(text));
    return found == facts_.end() ? nullptr : &found->second;
  }
  void keep(std::string_view text, const Fact& fact) {
    if (text.size() <= short_fragment && facts_.size() < most) facts_.emplace(text, fact);
  }

 private:
  static constexpr std::size_t short_fragment = 128;
  static constexpr std::size_t most = 100000;
  std::unordered_map<std::string, Fact> facts_;
};

ExpressionFacts failed(SqlError error) {
  ExpressionFacts facts;
  facts.error = std::move(error);
  return facts;
}
}  // namespace

std::vector<SqlNameReference> sequences_named(std::string_view sql) {
  const Tree tree = parse(std::string(sql));
  if (tree.error) return {};
  ExpressionFacts names;
  collect_names(tree.json, 0, names);
  return std::move(names.sequences);
}

ExpressionFacts names_in_statements(std::string_view sql, std::size_t prefix) {
  const Tree tree = parse(std::string(sql));
  ExpressionFacts names;
  if (!tree.error) collect_names(tree.json, prefix, names);
  return names;
}

std::vector<std::vector<std::string>> routines_called(std::string_view sql) {
  const Tree tree = parse(std::string(sql));
  if (tree.error) return {};
  ExpressionFacts names;
  collect_names(tree.json, 0, names);
  std::vector<std::vector<std::string>> called;
  for (auto& function : names.functions) called.push_back(std::move(function.names));
  // CALL's call is a FuncCall without its node's name.
  for (const auto& statement : array_member(tree.json, "stmts")) {
    const auto [kind, node] = node_of(statement);
    if (kind == "CallStmt") called.push_back(string_list(array_member(object_member(*node, "funccall"), "funcname")));
  }
  return called;
}

// The routines a PL/pgSQL expression calls. PL/pgSQL keeps a condition without its SELECT and an
// assignment with its target (`v := f()`, `r.a[1] = f()`): read as the SELECT it runs.
std::vector<std::vector<std::string>> routines_called_in_block_expression(const std::string& expression) {
  if (!parse(expression).error) return routines_called(expression);
  if (const std::string selected = "SELECT " + expression; !parse(selected).error) return routines_called(selected);
  std::size_t assigned = std::string::npos;
  const PgQueryScanResult result = pg_query_scan(expression.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      for (std::size_t i = 0; i < scanned->n_tokens && assigned == std::string::npos; ++i) {
        const PgQuery__ScanToken& token = *scanned->tokens[i];
        if (token.token == PG_QUERY__TOKEN__COLON_EQUALS || token.token == PG_QUERY__TOKEN__ASCII_61) {
          assigned = static_cast<std::size_t>(token.end);
        }
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  if (assigned == std::string::npos) return {};
  return routines_called("SELECT " + expression.substr(assigned));
}

ExpressionFacts read_expression(std::string_view text) {
  static ShortFragmentMemo<ExpressionFacts> known_good;
  if (const ExpressionFacts* known = known_good.find(text)) return *known;
  // One target of a SELECT, in parentheses of its own: a fragment that closes them early, or
  // runs past them, or is a statement, does not parse as exactly that. The newline ends a
  // trailing `--` comment before the closing parenthesis.
  static constexpr std::string_view prefix = "SELECT (";
  const std::string sql = std::string(prefix) + std::string(text) + "\n)";
  const auto in_text = [&](std::size_t offset) { return std::min(offset < prefix.size() ? 0 : offset - prefix.size(), text.size()); };
  {
    const PgQueryParseResult result = parse_on_a_deep_stack(sql);
    ExpressionFacts facts;
    const bool one = result.error == nullptr && is_one_target_select(result.parse_tree);
    // As a key, never inside a string (whose quotes JSON escapes).
    if (one) {
      const std::string_view tree(result.parse_tree);
      facts.nesting = expression_nesting(tree);
      facts.has_default = tree.find("{\"SetToDefault\":") != std::string_view::npos;
      facts.is_default = tree.find("{\"SetToDefault\":") == tree.rfind("{\"SetToDefault\":") &&
                         tree.find("\"targetList\":[{\"ResTarget\":{\"val\":{\"SetToDefault\":") != std::string_view::npos;
      facts.references_columns = tree.find("{\"ColumnRef\":") != std::string_view::npos;
      // Most fragments are a constant or a column: the tree is read only when it names more.
      if (tree.find("{\"FuncCall\":") != std::string_view::npos || tree.find("{\"TypeCast\":") != std::string_view::npos ||
          tree.find("{\"SQLValueFunction\":") != std::string_view::npos || tree.find("{\"SubLink\":") != std::string_view::npos ||
          tree.find("{\"ParamRef\":") != std::string_view::npos || tree.find("{\"GroupingFunc\":") != std::string_view::npos ||
          tree.find("{\"A_Indirection\":") != std::string_view::npos) {
        collect_names(Json::parse(tree, nullptr, false), prefix.size(), facts);
      }
    }
    pg_query_free_parse_result(result);
    if (one) {
      known_good.keep(text, facts);
      return facts;
    }
  }
  const Tree tree = parse(sql);
  if (tree.error) return failed(SqlError{in_text(tree.error->offset), tree.error->message});
  const Json& statements = tree.json.at("stmts");
  if (statements.size() != 1) {
    return failed(SqlError{in_text(statements[1].value("stmt_location", std::size_t{0})),
                           "a second statement begins here: this takes one expression"});
  }
  const auto [kind, node] = node_of(statements[0]);
  const Json& targets = array_member(*node, "targetList");
  if (kind != "SelectStmt" || targets.size() != 1) {
    const std::size_t where = targets.size() > 1 ? targets[1]["ResTarget"].value("location", std::size_t{0}) : 0;
    return failed(SqlError{in_text(where), "a second expression begins here: this takes one expression"});
  }
  for (const auto& [key, _] : node->items()) {
    if (key != "targetList" && key != "limitOption" && key != "op") return failed(SqlError{0, "a query, where this takes one expression"});
  }
  ExpressionFacts facts;
  facts.references_columns = !column_references(text).empty();
  collect_names(tree.json, prefix.size(), facts);
  return facts;
}

namespace {
bool parses_as_column_default(std::string_view text) {
  const PgQueryParseResult result = parse_on_a_deep_stack("CREATE TABLE t (c text DEFAULT " + std::string(text) + "\n)");
  // All of it the default: `'a' collate "C"` would be read as the column's own collation.
  const std::string_view tree = result.error == nullptr ? std::string_view(result.parse_tree) : std::string_view();
  const bool fits = result.error == nullptr && tree.find("\"collClause\"") == std::string_view::npos &&
                    tree.find("\"contype\":\"CONSTR_") == tree.rfind("\"contype\":\"CONSTR_");
  pg_query_free_parse_result(result);
  return fits;
}
}  // namespace

bool fits_column_default(std::string_view text) {
  static ShortFragmentMemo<bool> known;
  if (const bool* fits = known.find(text)) return *fits;
  const bool fits = parses_as_column_default(text);
  known.keep(text, fits);
  return fits;
}


bool is_null_constant(std::string_view text) {
  const Tree tree = parse("SELECT (" + std::string(text) + "\n)");
  if (tree.error) return false;
  const Json* node = &tree.json;
  for (const char* step : {"stmts", "", "stmt", "SelectStmt", "targetList", "", "ResTarget", "val"}) {
    if (*step == '\0') {
      if (!node->is_array() || node->empty()) return false;
      node = &(*node)[0];
    } else {
      if (!node->is_object() || !node->contains(step)) return false;
      node = &(*node)[step];
    }
  }
  while (node->contains("TypeCast")) node = &(*node)["TypeCast"]["arg"];
  return node->contains("A_Const") && (*node)["A_Const"].value("isnull", false);
}

namespace {
std::optional<SqlConstant> read_constant(std::string_view text);
}  // namespace

std::optional<SqlConstant> constant_of(std::string_view text) {
  static ShortFragmentMemo<std::optional<SqlConstant>> known;
  if (const auto* constant = known.find(text)) return *constant;
  auto constant = read_constant(text);
  known.keep(text, constant);
  return constant;
}

namespace {
std::optional<SqlConstant> read_constant(std::string_view text) {
  const Tree tree = parse("SELECT (" + std::string(text) + "\n)");
  if (tree.error) return std::nullopt;
  const Json* node = &tree.json;
  for (const char* step : {"stmts", "", "stmt", "SelectStmt", "targetList", "", "ResTarget", "val"}) {
    if (*step == '\0') {
      if (!node->is_array() || node->empty()) return std::nullopt;
      node = &(*node)[0];
    } else {
      if (!node->is_object() || !node->contains(step)) return std::nullopt;
      node = &(*node)[step];
    }
  }
  SqlConstant constant;
  while (node->contains("TypeCast")) {
    auto names = string_list(array_member((*node)["TypeCast"]["typeName"], "names"));
    // `::integer[]`, `::int array`: the last name says so.
    if (!names.empty() && (*node)["TypeCast"]["typeName"].contains("arrayBounds")) names.back() += "[]";
    constant.casts.insert(constant.casts.begin(), std::move(names));
    node = &(*node)["TypeCast"]["arg"];
  }
  if (!node->contains("A_Const")) return std::nullopt;
  const Json& value = (*node)["A_Const"];
  using Kind = SqlConstant::Kind;
  if (value.value("isnull", false)) {
    constant.kind = Kind::null;
  } else if (value.contains("sval")) {
    constant.value = value["sval"].value("sval", "");
  } else if (value.contains("ival")) {
    constant.kind = Kind::integer;
    if (value["ival"].contains("ival")) constant.value = std::to_string(value["ival"]["ival"].get<std::int64_t>());
  } else if (value.contains("fval")) {
    constant.kind = Kind::number;
    constant.value = value["fval"].value("fval", "");
  } else if (value.contains("boolval")) {
    constant.kind = Kind::boolean;
    constant.value = value["boolval"].value("boolval", false) ? "true" : "false";
  } else if (value.contains("bsval")) {
    constant.kind = Kind::bits;
    constant.value = value["bsval"].value("bsval", "");
  } else {
    return std::nullopt;
  }
  return constant;
}
}  // namespace

namespace {
// FigureColnameInternal() of PostgreSQL's parse_target.c: a name and how sure it is (2 for a
// name the expression carries, 1 for a type's or `case`, 0 for none).
int figure_column_name(const Json& node, std::string& name) {
  if (!node.is_object() || node.empty()) return 0;
  const auto first = node.begin();
  const std::string& kind = first.key();
  const Json& fields = first.value();
  const auto last_string = [](const Json& list, std::string& found) {
    bool any = false;
    for (const auto& item : list) {
      if (item.contains("String")) {
        found = item["String"].value("sval", "");
        any = true;
      }
    }
    return any;
  };
  if (kind == "ColumnRef") return last_string(array_member(fields, "fields"), name) ? 2 : 0;
  if (kind == "A_Indirection") {
    if (last_string(array_member(fields, "indirection"), name)) return 2;
    return figure_column_name(object_member(fields, "arg"), name);
  }
  if (kind == "FuncCall") return last_string(array_member(fields, "funcname"), name) ? 2 : 0;
  if (kind == "A_Expr") {
    if (fields.value("kind", "") == "AEXPR_NULLIF") {
      name = "nullif";
      return 2;
    }
    return 0;
  }
  if (kind == "TypeCast") {
    const int strength = figure_column_name(object_member(fields, "arg"), name);
    if (strength <= 1 && last_string(array_member(object_member(fields, "typeName"), "names"), name)) return 1;
    return strength;
  }
  if (kind == "CollateClause") return figure_column_name(object_member(fields, "arg"), name);
  if (kind == "SubLink") {
    const std::string type = fields.value("subLinkType", "");
    if (type == "EXISTS_SUBLINK") name = "exists";
    if (type == "ARRAY_SUBLINK") name = "array";
    if (type == "EXPR_SUBLINK") {
      // `(select t.label ...)`: its one column's name (a set operation's, its first branch's).
      const Json* select = &member(member(fields, "subselect"), "SelectStmt");
      while (select->is_object() && member(*select, "larg").is_object()) select = &member(*select, "larg");
      if (member(*select, "valuesLists").is_array()) {
        name = "column1";
        return 2;
      }
      const Json& targets = member(*select, "targetList");
      if (!targets.is_array() || targets.empty()) return 0;
      const Json& target = member(targets[0], "ResTarget");
      if (member(target, "name").is_string()) {
        name = member(target, "name").get<std::string>();
        return 2;
      }
      std::string inner;
      if (figure_column_name(member(target, "val"), inner) == 0) return 0;
      name = inner;
      return 2;
    }
    return type == "EXISTS_SUBLINK" || type == "ARRAY_SUBLINK" ? 2 : 0;
  }
  if (kind == "CaseExpr") {
    const int strength = figure_column_name(object_member(fields, "defresult"), name);
    if (strength > 1) return strength;
    name = "case";
    return 1;
  }
  if (kind == "A_ArrayExpr") name = "array";
  if (kind == "RowExpr") name = "row";
  if (kind == "CoalesceExpr") name = "coalesce";
  if (kind == "MinMaxExpr") name = fields.value("op", "") == "IS_GREATEST" ? "greatest" : "least";
  if (kind == "GroupingFunc") name = "grouping";
  if (kind == "SQLValueFunction") {
    static const std::unordered_map<std::string, std::string> names = {
        {"SVFOP_CURRENT_DATE", "current_date"},     {"SVFOP_CURRENT_TIME", "current_time"},
        {"SVFOP_CURRENT_TIME_N", "current_time"},   {"SVFOP_CURRENT_TIMESTAMP", "current_timestamp"},
        {"SVFOP_CURRENT_TIMESTAMP_N", "current_timestamp"}, {"SVFOP_LOCALTIME", "localtime"},
        {"SVFOP_LOCALTIME_N", "localtime"},         {"SVFOP_LOCALTIMESTAMP", "localtimestamp"},
        {"SVFOP_LOCALTIMESTAMP_N", "localtimestamp"}, {"SVFOP_CURRENT_ROLE", "current_role"},
        {"SVFOP_CURRENT_USER", "current_user"},     {"SVFOP_USER", "user"},
        {"SVFOP_SESSION_USER", "session_user"},     {"SVFOP_CURRENT_CATALOG", "current_catalog"},
        {"SVFOP_CURRENT_SCHEMA", "current_schema"}};
    const auto found = names.find(fields.value("op", ""));
    if (found == names.end()) return 0;
    name = found->second;
    return 2;
  }
  // SQL/XML functions are named like functions; `x is document` is not.
  if (kind == "XmlSerialize") {
    name = "xmlserialize";
    return 2;
  }
  if (kind == "XmlExpr") {
    static const std::unordered_map<std::string, std::string> names = {
        {"IS_XMLCONCAT", "xmlconcat"}, {"IS_XMLELEMENT", "xmlelement"}, {"IS_XMLFOREST", "xmlforest"}, {"IS_XMLPARSE", "xmlparse"},
        {"IS_XMLPI", "xmlpi"},         {"IS_XMLROOT", "xmlroot"},       {"IS_XMLSERIALIZE", "xmlserialize"}};
    const auto found = names.find(fields.value("op", ""));
    if (found == names.end()) return 0;
    name = found->second;
    return 2;
  }
  const bool named = kind == "A_ArrayExpr" || kind == "RowExpr" || kind == "CoalesceExpr" || kind == "MinMaxExpr" || kind == "GroupingFunc";
  return named ? 2 : 0;
}
}  // namespace

namespace {
// The WITH queries of a statement, by name, anywhere in it: what a FROM item of that name reads
// (null where two define the name: which one a reference means is left to PostgreSQL).
struct WithQueries {
  // Each name written as a table's (a RangeVar without schema, by where it is written) that
  // means a WITH query: the nearest list around it that defines the name and that it may see
  // (all of a RECURSIVE list; of another, those before the WITH query it is in; all of either
  // from the list's own query). Any other name is a table's.
  std::unordered_map<std::size_t, const Json*> named;
  // Taken for tables, though a later WITH query of a list around them (not RECURSIVE) defines
  // the name: PostgreSQL's hint.
  std::vector<QueryRelation> defined_later;
  // Every name a WITH query anywhere in the statement defines.
  std::set<std::string> names;
  const Json* query_at(const Json& range_var) const {
    if (range_var.contains("schemaname")) return nullptr;
    const auto found = named.find(range_var.value("location", std::size_t{0}));
    return found == named.end() ? nullptr : found->second;
  }
  // Whether a WITH query (a CommonTableExpr) names itself inside: a recursive one.
  bool reads_itself(const Json& query) const {
    if (const auto known = recursive.find(&query); known != recursive.end()) return known->second;
    bool found = false;
    std::vector<const Json*> pending{&member(query, "ctequery")};
    while (!pending.empty() && !found) {
      const Json& node = *pending.back();
      pending.pop_back();
      if (node.is_object()) {
        if (const auto range_var = node.find("RangeVar"); range_var != node.end() && query_at(*range_var) == &query) found = true;
      }
      if (node.is_structured()) {
        for (const auto& child : node) pending.push_back(&child);
      }
    }
    recursive.emplace(&query, found);
    return found;
  }
  mutable std::unordered_map<const Json*, bool> recursive;
  // Those being read (a recursive one's name inside it stays opaque), and a bound on reads of
  // one inside another: each reading the last twice would double the work at every level.
  mutable std::vector<std::string> expanding;
  mutable std::size_t nested_reads = 0;
  // FROM items already read outside any WITH query's reading, by their node: each SELECT of a
  // nested query reads the items of those under it, which would otherwise be read again at
  // every level.
  mutable std::unordered_map<const Json*, QueryFromItem> items_read;
  static constexpr std::size_t nested_read_limit = 256;
};

// Scalar subqueries being read for a record (row_leaves): each level of nested subqueries would
// read all those under it again, so a record is looked for a few levels down, no further, and
// what is read then is not what a FROM item reads on its own.
thread_local int scalar_subqueries_read = 0;

// A string constant, untyped: its text and where it is written.
std::optional<std::pair<std::string, std::size_t>> located_string_constant(const Json& value) {
  const Json& constant = member(value, "A_Const");
  if (!constant.is_object() || !constant.contains("sval")) return std::nullopt;
  const Json& location = member(constant, "location");
  return std::pair{text_field(member(constant, "sval"), "sval"), location.is_number() ? location.get<std::size_t>() : 0};
}

void collect_constants(const std::string& key, const Json& body, std::vector<QueryConstant>& constants) {
  if (key == "TypeCast") {
    const Json& type = member(body, "typeName");
    if (flag(type, "setof")) return;
    const std::size_t dimensions = member(type, "arrayBounds").is_array() ? member(type, "arrayBounds").size() : 0;
    if (const auto constant = located_string_constant(member(body, "arg"))) {
      constants.push_back({.value = constant->first, .offset = constant->second, .cast = string_list(member(type, "names")),
                           .cast_dimensions = dimensions});
      return;
    }
    // `array['a', array['b']]::t[]`: PostgreSQL makes each element a value of t (an inner ARRAY
    // a sub-array of them).
    if (dimensions == 0) return;
    std::vector<const Json*> pending{&member(member(body, "arg"), "A_ArrayExpr")};
    while (!pending.empty()) {
      const Json& array = *pending.back();
      pending.pop_back();
      for (const auto& element : array_member(array, "elements")) {
        if (const Json& inner = member(element, "A_ArrayExpr"); inner.is_object()) pending.push_back(&inner);
        // `'a' collate "C"`: still the literal, made a value of t.
        const Json& collated = member(member(element, "CollateClause"), "arg");
        if (const auto constant = located_string_constant(collated.is_object() ? collated : element)) {
          constants.push_back({.value = constant->first, .offset = constant->second, .cast = string_list(member(type, "names"))});
        }
      }
    }
    return;
  }
  static constexpr std::string_view comparisons[] = {"=", "<>", "!=", "<", ">", "<=", ">="};
  const std::string kind = text_field(body, "kind");
  const auto names = string_list(member(body, "name"));
  const bool compares = names.size() == 1 && std::find(std::begin(comparisons), std::end(comparisons), names[0]) != std::end(comparisons);
  const bool listed = kind == "AEXPR_IN" || kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" || kind == "AEXPR_BETWEEN_SYM" ||
                      kind == "AEXPR_NOT_BETWEEN_SYM";
  // `is [not] distinct from` and `nullif` compare with `=`; so does a simple CASE, its subject
  // with each WHEN.
  const bool equal = kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT" || kind == "AEXPR_NULLIF" || key == "CaseExpr";
  if (!(kind == "AEXPR_OP" && compares) && !listed && !equal) return;
  const auto column_of = [](const Json& value) -> std::optional<SqlColumnReference> {
    const Json& reference = member(value, "ColumnRef");
    if (!reference.is_object()) return std::nullopt;
    SqlColumnReference column;
    for (const auto& field : member(reference, "fields")) {
      if (!field.contains("String")) return std::nullopt;
      column.names.push_back(text_field(member(field, "String"), "sval"));
    }
    const Json& location = member(reference, "location");
    column.offset = location.is_number() ? location.get<std::size_t>() : 0;
    return column;
  };
  if (key == "CaseExpr") {
    const auto column = column_of(member(body, "arg"));
    if (!column) return;
    for (const auto& when : member(body, "args")) {
      if (const auto constant = located_string_constant(member(member(when, "CaseWhen"), "expr"))) {
        constants.push_back({.value = constant->first, .offset = constant->second, .column = *column, .comparison = "="});
      }
    }
    return;
  }
  const Json& left = member(body, "lexpr");
  const Json& right = member(body, "rexpr");
  if (listed) {
    const auto column = column_of(left);
    if (!column) return;
    for (const auto& item : member(member(right, "List"), "items")) {
      const std::string comparison = kind == "AEXPR_IN" ? (names.empty() ? "=" : names[0]) : kind.find("NOT") != std::string::npos ? "<" : ">=";
      if (const auto constant = located_string_constant(item)) constants.push_back({.value = constant->first, .offset = constant->second, .column = *column, .comparison = comparison});
    }
    return;
  }
  for (const auto& [side, other] : {std::pair{&left, &right}, std::pair{&right, &left}}) {
    const auto column = column_of(*side);
    const auto constant = located_string_constant(*other);
    if (column && constant) {
      constants.push_back({.value = constant->first, .offset = constant->second, .column = *column, .comparison = equal ? "=" : names[0]});
    }
  }
}

std::size_t location_in(const Json& value);
SqlTypeName type_name_of(const Json& type, std::size_t prefix);

void collect_query(const Json& value, QueryFacts& facts, const WithQueries& ctes) {
  if (value.is_array()) {
    for (const auto& item : value) collect_query(item, facts, ctes);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    const Json& body = it.value();
    if (key == "CommonTableExpr") {
      facts.opaque_sources = true;
    } else if (key == "LockingClause") {
      continue;  // it names FROM items (QueryScope::locked), not tables
    } else if (key == "RangeVar") {
      QueryRelation relation;
      if (body.contains("schemaname")) relation.names.push_back(body.value("schemaname", ""));
      relation.names.push_back(body.value("relname", ""));
      relation.alias = object_member(body, "alias").value("aliasname", "");
      relation.offset = static_cast<std::size_t>(body.value("location", 0));
      // `t AS a (x, y)` renames t's columns, which name resolution does not follow.
      if (!array_member(object_member(body, "alias"), "colnames").empty()) facts.opaque_sources = true;
      if (ctes.query_at(body) != nullptr) continue;
      facts.relations.push_back(std::move(relation));
      continue;
    } else if (key == "RangeSubselect" || key == "RangeFunction" || key == "RangeTableFunc" || key == "JoinExpr") {
      if (key != "JoinExpr" || body.contains("usingClause") || flag(body, "isNatural")) facts.opaque_sources = true;
    } else if (key == "ColumnRef") {
      std::vector<std::string> names;
      bool star = false;
      for (const auto& field : array_member(body, "fields")) {
        if (field.contains("String")) names.push_back(field["String"].value("sval", ""));
        if (field.contains("A_Star")) star = true;
      }
      (star ? facts.starred : facts.columns).push_back({std::move(names), static_cast<std::size_t>(body.value("location", 0))});
      continue;
    } else if (key == "RangeTableSample") {
      // PostgreSQL samples a table or a materialized view only (42809): not a WITH query, nor a
      // view (which the checker tells).
      const Json& range_var = member(member(body, "relation"), "RangeVar");
      if (range_var.is_object()) {
        const std::size_t at = range_var.value("location", std::size_t{0});
        if (ctes.query_at(range_var) != nullptr) {
          if (!facts.error) facts.error = SqlError{at, "TABLESAMPLE clause can only be applied to tables and materialized views (42809)"};
        } else {
          QueryRelation sampled;
          if (range_var.contains("schemaname")) sampled.names.push_back(range_var.value("schemaname", ""));
          sampled.names.push_back(range_var.value("relname", ""));
          sampled.offset = at;
          facts.sampled.push_back(std::move(sampled));
        }
      }
    } else if (key == "ResTarget" && body.contains("val")) {
      const Json& fields = array_member(object_member(member(body, "val"), "ColumnRef"), "fields");
      if (fields.size() == 1 && fields[0].contains("String") && !body.contains("name")) facts.bare_targets.push_back(location_in(member(body, "val")));
      // `t::text`, `cast(t as text)`: PostgreSQL names the column after what is cast.
      const Json* cast = &object_member(member(body, "val"), "TypeCast");
      while (!cast->empty() && !object_member(member(*cast, "arg"), "TypeCast").empty()) cast = &object_member(member(*cast, "arg"), "TypeCast");
      const Json& cast_fields = array_member(object_member(member(*cast, "arg"), "ColumnRef"), "fields");
      if (!cast->empty() && cast_fields.size() == 1 && cast_fields[0].contains("String")) {
        facts.cast_targets.push_back({location_in(member(*cast, "arg")), static_cast<std::size_t>(body.value("location", 0)), body.contains("name")});
      }
    } else if (key == "typeName" && body.is_object()) {
      facts.types.push_back(type_name_of(body, 0));
    } else if (key == "TypeCast" || key == "A_Expr" || key == "CaseExpr") {
      collect_constants(key, body, facts.constants);
    } else if (key == "FuncCall" && body.is_object()) {
      // `regclass('t')` is the cast written as a call: PostgreSQL reads it as `'t'::regclass`.
      const auto names = string_list(member(body, "funcname"));
      const Json& arguments = array_member(body, "args");
      const bool regclass = (names.size() == 1 || (names.size() == 2 && names[0] == "pg_catalog")) && !names.empty() && names.back() == "regclass";
      if (const auto constant = regclass && arguments.size() == 1 ? located_string_constant(arguments[0]) : std::nullopt) {
        facts.constants.push_back({.value = constant->first, .offset = constant->second, .cast = {"regclass"}});
      }
    } else if (key == "A_Indirection") {
      const Json& reference = member(member(body, "arg"), "ColumnRef");
      const Json& fields = member(reference, "fields");
      const Json& steps = member(body, "indirection");
      const bool named = fields.is_array() && (fields.size() == 1 || fields.size() == 2) &&
                         std::all_of(fields.begin(), fields.end(), [](const Json& field) { return field.contains("String"); });
      if (named && steps.is_array() && !steps.empty() && steps[0].contains("String")) {
        SqlColumnReference field;
        for (const auto& name : fields) field.names.push_back(text_field(member(name, "String"), "sval"));
        field.names.push_back(text_field(member(steps[0], "String"), "sval"));
        field.offset = member(reference, "location").is_number() ? member(reference, "location").get<std::size_t>() : 0;
        facts.row_fields.push_back(std::move(field));
      }
      // `(t.*).c` is column c of t, as PostgreSQL reads it (ParseComplexProjection).
      const bool whole_row = fields.is_array() && fields.size() == 2 && fields[0].contains("String") && fields[1].contains("A_Star");
      if (!(named && fields.size() == 1) && !whole_row && steps.is_array() && !steps.empty() && steps[0].contains("String")) {
        const Json& arg = member(body, "arg");
        const Json& type = object_member(member(arg, "TypeCast"), "typeName");
        QueryFacts::RecordField field{text_field(member(steps[0], "String"), "sval"), {}, {}, location_in(arg)};
        if (!type.contains("arrayBounds")) field.cast = string_list(array_member(type, "names"));
        field.function = string_list(array_member(object_member(arg, "FuncCall"), "funcname"));
        facts.record_fields.push_back(std::move(field));
      }
      if (whole_row && steps.is_array() && !steps.empty() && steps[0].contains("String")) {
        const std::size_t at = member(reference, "location").is_number() ? member(reference, "location").get<std::size_t>() : 0;
        facts.columns.push_back({{text_field(member(fields[0], "String"), "sval"), text_field(member(steps[0], "String"), "sval")}, at});
      }
    }
    collect_query(body, facts, ctes);
  }
}
}  // namespace

namespace {

// Whether an expression can be of type record: a row constructor, a cast to `record`, an array
// of such rows or array_agg() of one, or a COALESCE, NULLIF or CASE whose every result is one.
// A column reference in such a place (`refs`) makes it a record when that column is one.
void read_subquery(QueryFromItem& item, const Json& subquery, const WithQueries& ctes);

// A scalar or ARRAY subquery of one column of type record (`ctes`: the WITH queries it may read,
// where the caller can tell).
bool row_leaves(const Json& value, std::vector<std::vector<std::string>>& refs, const WithQueries* ctes, int depth = 0) {
  if (!value.is_object() || value.empty() || depth > 64) return false;
  const std::string& kind = value.begin().key();
  const Json& node = value.begin().value();
  const auto all_rows = [&](const Json& list) {
    return list.is_array() && !list.empty() &&
           std::all_of(list.begin(), list.end(), [&](const Json& item) { return row_leaves(item, refs, ctes, depth + 1); });
  };
  if (kind == "RowExpr") return true;
  if (kind == "ColumnRef") {
    std::vector<std::string> reference;
    for (const auto& field : member(node, "fields")) {
      if (!field.contains("String")) return false;  // `t.*`
      reference.push_back(field["String"].value("sval", ""));
    }
    if (reference.empty() || reference.size() > 2) return false;
    refs.push_back(std::move(reference));
    return true;
  }
  if (kind == "A_ArrayExpr") return all_rows(member(node, "elements"));
  if (kind == "SubLink" && ctes != nullptr) {
    const std::string type = text_field(node, "subLinkType");
    if (type != "EXPR_SUBLINK" && type != "ARRAY_SUBLINK") return false;
    if (scalar_subqueries_read >= 3) return false;
    struct Reading {
      Reading() { ++scalar_subqueries_read; }
      ~Reading() { --scalar_subqueries_read; }
    } reading;
    QueryFromItem subquery;
    read_subquery(subquery, member(node, "subselect"), *ctes);
    return !subquery.opaque && subquery.records.size() == 1 && subquery.records[0];
  }
  if (kind == "FuncCall") {
    const auto names = string_list(member(node, "funcname"));
    const Json& args = member(node, "args");
    return !names.empty() && names.back() == "array_agg" && (names.size() == 1 || names[0] == "pg_catalog") && args.is_array() &&
           args.size() == 1 && !flag(node, "agg_star") && row_leaves(args[0], refs, ctes, depth + 1);
  }
  if (kind == "CoalesceExpr") return all_rows(member(node, "args"));
  if (kind == "TypeCast") {
    // `::record` keeps a named row type (`t::record` is still t's) and makes nothing else one
    // but an untyped constant.
    const auto names = string_list(member(member(node, "typeName"), "names"));
    const bool to_record = !names.empty() && names.back() == "record" && (names.size() == 1 || names[0] == "pg_catalog") &&
                           !member(member(node, "typeName"), "arrayBounds").is_array();
    if (!to_record) return false;
    const Json& argument = member(node, "arg");
    return argument.contains("A_Const") || row_leaves(argument, refs, ctes, depth + 1);
  }
  if (kind == "A_Expr" && text_field(node, "kind") == "AEXPR_NULLIF") return row_leaves(member(node, "lexpr"), refs, ctes, depth + 1);
  if (kind == "CaseExpr") {
    Json results = Json::array();
    for (const auto& when : member(node, "args")) results.push_back(member(member(when, "CaseWhen"), "result"));
    if (node.contains("defresult")) results.push_back(node.at("defresult"));
    return all_rows(results);
  }
  return false;
}

// A select list's entry: its name, the column it is, `*`, the type it is cast to.
QueryColumn query_column(const Json& target, const WithQueries* ctes = nullptr) {
  const Json& res = object_member(target, "ResTarget");
  const Json& value = object_member(res, "val");
  QueryColumn column;
  column.offset = static_cast<std::size_t>(res.value("location", 0));
  if (value.contains("ColumnRef")) {
    for (const auto& field : array_member(value["ColumnRef"], "fields")) {
      if (field.contains("String")) column.column.push_back(field["String"].value("sval", ""));
      if (field.contains("A_Star")) column.star = true;
    }
  }
  const Json& steps = member(member(value, "A_Indirection"), "indirection");
  if (steps.is_array() && !steps.empty() && steps.back().contains("A_Star")) {
    column.row_star = true;
    const Json& row = member(member(value["A_Indirection"], "arg"), "ColumnRef");
    if (steps.size() == 1) column.column = string_list(member(row, "fields"));
    column.row_function = string_list(member(member(member(value["A_Indirection"], "arg"), "FuncCall"), "funcname"));
  }
  if (value.contains("TypeCast")) {
    const Json& type = object_member(value["TypeCast"], "typeName");
    if (!type.contains("typmods") && !type.contains("arrayBounds")) column.cast_type = string_list(array_member(type, "names"));
  }
  if (std::vector<std::vector<std::string>> refs; row_leaves(value, refs, ctes)) {
    column.anonymous_record = refs.empty();
    column.record_if = std::move(refs);
  }
  if (res.contains("name")) {
    column.name = res.value("name", "");
  } else if (figure_column_name(value, column.name) == 0) {
    column.name = "?column?";
  }
  return column;
}

QueryFromItem from_item(const Json& value, const WithQueries& ctes);


// A subquery's columns (or a WITH query's), from its select list (its first branch's).
void read_subquery(QueryFromItem& item, const Json& subquery, const WithQueries& ctes) {
  const Json* inner = subquery.contains("SelectStmt") ? &subquery.at("SelectStmt") : nullptr;
  // A set operation's columns are its first branch's.
  while (inner != nullptr && inner->contains("larg") && inner->at("larg").is_object()) {
    const Json& left = inner->at("larg");
    inner = left.contains("SelectStmt") ? &left.at("SelectStmt") : &left;
  }
  // `(values (1, 'a')) v`: columns column1, column2, ...
  const Json* rows = inner == nullptr ? nullptr : &member(*inner, "valuesLists");
  if (rows != nullptr && rows->is_array() && !rows->empty()) {
    const std::size_t width = member(member((*rows)[0], "List"), "items").size();
    for (std::size_t i = 0; i < width; ++i) item.columns.push_back("column" + std::to_string(i + 1));
    item.records.resize(width, false);
  }
  // `(select) s` has no columns.
  item.opaque = inner == nullptr || (!inner->contains("targetList") && item.columns.empty() && inner->contains("valuesLists"));
  if (item.opaque) return;
  std::vector<QueryFromItem> inner_from;
  for (const auto& from : array_member(*inner, "fromClause")) inner_from.push_back(from_item(from, ctes));
  bool star = false;
  for (const auto& target : member(*inner, "targetList")) {
    QueryColumn column = query_column(target, &ctes);
    star = star || column.star || column.row_star;
    // A column that is a record of its own FROM list's (a WITH query's `row(...)`, a
    // subquery's whole row) is one here too; a table's columns are not, whichever they are.
    column.anonymous_record = column.anonymous_record ||
                              (!column.record_if.empty() &&
                               std::all_of(column.record_if.begin(), column.record_if.end(), [&](const std::vector<std::string>& reference) {
                                 return names_record(reference, inner_from, [](const QueryFromItem&) { return std::nullopt; });
                               }));
    item.columns.push_back(column.name);
    item.records.push_back(column.anonymous_record);
    item.select_list.push_back(std::move(column));
  }
  if (star) {
    item.columns.clear();
    item.records.clear();
    item.subquery_from = std::move(inner_from);
  } else {
    item.select_list.clear();
  }
  const Json& location = member(member(first_element(member(*inner, "targetList")), "ResTarget"), "location");
  if (!location.is_number()) return;
  if (inner == &subquery.at("SelectStmt")) {
    item.first_output = location.get<std::size_t>();
    return;
  }
  // A set operation of SELECTs without `*`: each branch's outputs, for their common types.
  if (star) return;
  std::vector<std::size_t> branches;
  std::vector<const Json*> pending{&subquery.at("SelectStmt")};
  while (!pending.empty()) {
    const Json& select = *pending.back();
    pending.pop_back();
    if (text_field(select, "op") != "SETOP_NONE" && !text_field(select, "op").empty()) {
      for (const char* side : {"rarg", "larg"}) {
        const Json& branch = member(select, side);
        if (!branch.is_object()) return;
        pending.push_back(branch.contains("SelectStmt") ? &branch.at("SelectStmt") : &branch);
      }
      continue;
    }
    const Json& targets = member(select, "targetList");
    if (!targets.is_array() || targets.size() != item.columns.size()) return;
    for (const auto& target : targets) {
      const Json& reference = member(member(member(target, "ResTarget"), "val"), "ColumnRef");
      for (const auto& field : array_member(reference, "fields")) {
        if (field.contains("A_Star")) return;
      }
    }
    const Json& first = member(member(targets[0], "ResTarget"), "location");
    if (!first.is_number()) return;
    branches.push_back(first.get<std::size_t>());
  }
  item.first_output = branches.front();
  item.other_branches.assign(branches.begin() + 1, branches.end());
}

// A WITH query read by name: a subquery, its first columns renamed by its own alias list,
// SEARCH and CYCLE adding theirs. Opaque where the compiler cannot tell which WITH query the
// name means, or is reading it already (a recursive one's name inside it).
void read_with_query(QueryFromItem& item, const Json& query, const WithQueries& ctes) {
  const std::string& name = item.names[0];
  // Read inside itself, a recursive query's columns are its non-recursive term's (the first
  // branch, which read_subquery reads), once: not again through another query it reads.
  if (std::count(ctes.expanding.begin(), ctes.expanding.end(), name) > 1) return;
  if (!ctes.expanding.empty() && ++ctes.nested_reads > WithQueries::nested_read_limit) return;
  ctes.expanding.push_back(name);
  QueryFromItem read;
  const Json& body = member(member(query, "ctequery"), "SelectStmt");
  if (ctes.reads_itself(query) && text_field(body, "op") == "SETOP_UNION" && member(body, "larg").is_object()) {
    // Its rows' types are the non-recursive term's, which the recursive one must keep.
    read_subquery(read, Json{{"SelectStmt", body.at("larg")}}, ctes);
  } else {
    read_subquery(read, member(query, "ctequery"), ctes);
  }
  ctes.expanding.pop_back();
  const Json& search = member(query, "search_clause");
  const Json& cycle = member(query, "cycle_clause");
  if (read.opaque || (!read.select_list.empty() && (search.is_object() || cycle.is_object()))) return;
  read.renamed = string_list(member(query, "aliascolnames"));
  for (std::size_t i = 0; i < read.renamed.size() && i < read.columns.size(); ++i) read.columns[i] = read.renamed[i];
  // SEARCH's sequence column is a record (breadth first) or record[]; CYCLE's path, record[].
  if (search.is_object()) {
    read.columns.push_back(search.value("search_seq_column", ""));
    read.records.push_back(true);
  }
  if (cycle.is_object()) {
    read.columns.push_back(cycle.value("cycle_mark_column", ""));
    read.records.push_back(false);
    read.columns.push_back(cycle.value("cycle_path_column", ""));
    read.records.push_back(true);
  }
  item.columns = std::move(read.columns);
  item.records = std::move(read.records);
  item.select_list = std::move(read.select_list);
  item.subquery_from = std::move(read.subquery_from);
  item.first_output = read.first_output;
  item.other_branches = std::move(read.other_branches);
  item.renamed = std::move(read.renamed);
  item.names.clear();  // a subquery now, not a table
  item.opaque = false;
}

QueryFromItem read_from_item(const Json& value, const WithQueries& ctes);

QueryFromItem from_item(const Json& value, const WithQueries& ctes) {
  if (!ctes.expanding.empty() || scalar_subqueries_read != 0) return read_from_item(value, ctes);
  if (const auto read = ctes.items_read.find(&value); read != ctes.items_read.end()) return read->second;
  QueryFromItem item = read_from_item(value, ctes);
  ctes.items_read.emplace(&value, item);
  return item;
}

QueryFromItem read_from_item(const Json& value, const WithQueries& ctes) {
  QueryFromItem item;
  if (!value.is_object() || value.empty()) {
    item.opaque = true;
    return item;
  }
  const std::string& kind = value.begin().key();
  const Json* body = &value.begin().value();
  // `t TABLESAMPLE ...` reads t's columns.
  if (kind == "RangeTableSample" && body->contains("relation")) return from_item(body->at("relation"), ctes);
  item.alias = object_member(*body, "alias").value("aliasname", "");
  item.aliased = !item.alias.empty();
  if (kind == "RangeVar") {
    if (body->contains("schemaname")) item.names.push_back(body->value("schemaname", ""));
    item.names.push_back(body->value("relname", ""));
    if (item.alias.empty()) item.alias = item.names.back();
    const Json* query = ctes.query_at(*body);
    item.with_query = query != nullptr;
    item.opaque = item.with_query;
    if (item.with_query) item.with_query_name = item.names[0];
    if (item.with_query) read_with_query(item, *query, ctes);
  } else if (kind == "JoinExpr") {
    item.parts = std::vector{from_item(object_member(*body, "larg"), ctes), from_item(object_member(*body, "rarg"), ctes)};
    item.natural = flag(*body, "isNatural");
    item.using_columns = string_list(array_member(*body, "usingClause"));
    item.using_alias = object_member(*body, "join_using_alias").value("aliasname", "");
  } else if (kind == "RangeSubselect") {
    read_subquery(item, object_member(*body, "subquery"), ctes);
  } else {
    item.opaque = true;
    // A function without an alias is named by the function (one function, not ROWS FROM (...)).
    const Json& functions = array_member(*body, "functions");
    // The function a ROWS FROM item (or a plain one) calls: its name, how many arguments it
    // takes, whether the first is an array written as one.
    const auto called = [](const Json& function) {
      QueryFromItem call;
      const Json& items = array_member(object_member(function, "List"), "items");
      const Json& body = object_member(first_element(items), "FuncCall");
      call.function = string_list(array_member(body, "funcname"));
      const Json& arguments = array_member(body, "args");
      call.function_arguments = arguments.size();
      const Json& first = first_element(arguments);
      call.array_argument = member(first, "A_ArrayExpr").is_object() || !array_member(member(member(first, "TypeCast"), "typeName"), "arrayBounds").empty();
      if (items.size() > 1) {
        for (const auto& definition : array_member(object_member(items[1], "List"), "items")) {
          call.columns.push_back(text_field(member(definition, "ColumnDef"), "colname"));
        }
      }
      call.opaque = true;
      return call;
    };
    if (kind == "RangeFunction" && functions.size() == 1 && !flag(*body, "is_rowsfrom")) {
      QueryFromItem call = called(functions[0]);
      if (!call.function.empty() && item.alias.empty()) item.alias = call.function.back();
      item.function = std::move(call.function);
      item.function_arguments = call.function_arguments;
      item.array_argument = call.array_argument;
      item.ordinality = flag(*body, "ordinality");
      for (const auto& definition : member(*body, "coldeflist")) item.columns.push_back(text_field(member(definition, "ColumnDef"), "colname"));
      if (!item.columns.empty()) item.renamed.clear();
    } else if (kind == "RangeFunction" && flag(*body, "is_rowsfrom")) {
      std::vector<QueryFromItem> calls;
      for (const auto& function : functions) calls.push_back(called(function));
      item.rows_from = std::move(calls);
      item.ordinality = flag(*body, "ordinality");
    }
  }
  // `(...) AS s (a, b)`: the alias's column names replace the first columns'.
  const Json& renamed = array_member(object_member(*body, "alias"), "colnames");
  const bool subquery = kind == "RangeSubselect" || (item.with_query && !item.opaque);
  const std::vector<std::string> names = string_list(renamed);
  if (!renamed.empty() && ((kind == "RangeVar" && !item.opaque) || kind == "JoinExpr" || subquery || !item.function.empty())) {
    // Over a WITH query's own list, where that is longer.
    item.renamed.resize(std::max(item.renamed.size(), names.size()));
    std::copy(names.begin(), names.end(), item.renamed.begin());
  }
  if (!renamed.empty() && !subquery) item.opaque = true;
  for (std::size_t i = 0; i < names.size() && i < item.columns.size(); ++i) item.columns[i] = names[i];
  return item;
}
}  // namespace

namespace {
// A WITH list around a node, and how many of its queries the node sees.
struct WithScope {
  const Json* list = nullptr;
  std::size_t visible = 0;
  const WithScope* outer = nullptr;
};

const std::string& cte_name(const Json& entry) { return member(member(entry, "CommonTableExpr"), "ctename").get_ref<const std::string&>(); }

void resolve_with_names(const Json& value, const WithScope* scope, WithQueries& found) {
  if (value.is_array()) {
    for (const auto& item : value) resolve_with_names(item, scope, found);
    return;
  }
  if (!value.is_object()) return;
  const Json& with = member(value, "withClause");
  const WithScope* inside = scope;
  WithScope own;
  if (with.is_object()) {
    const Json& list = array_member(with, "ctes");
    const bool recursive = flag(with, "recursive");
    for (std::size_t k = 0; k < list.size(); ++k) {
      if (!member(member(list[k], "CommonTableExpr"), "ctename").is_string()) continue;
      found.names.insert(cte_name(list[k]));
      own = {&list, recursive ? list.size() : k, scope};
      resolve_with_names(member(list[k], "CommonTableExpr"), &own, found);
    }
    own = {&list, list.size(), scope};
    inside = &own;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "withClause") continue;
    const Json& relation = it.value();
    if (it.key() == "RangeVar" && relation.is_object() && !relation.contains("schemaname") && relation.value("relname", "") != "") {
      const std::string name = relation.value("relname", "");
      const std::size_t at = relation.value("location", std::size_t{0});
      const Json* query = nullptr;
      bool later = false;
      for (const WithScope* level = inside; level != nullptr && query == nullptr; level = level->outer) {
        for (std::size_t k = 0; k < level->list->size(); ++k) {
          if (member(member((*level->list)[k], "CommonTableExpr"), "ctename") != name) continue;
          if (k < level->visible) {
            query = &member((*level->list)[k], "CommonTableExpr");
            break;
          }
          later = true;
        }
      }
      if (query != nullptr) {
        found.named.emplace(at, query);
      } else if (later) {
        found.defined_later.push_back({{name}, "", at});
      }
    }
    resolve_with_names(relation, inside, found);
  }
}
}  // namespace

static WithQueries with_queries(const Json& statement) {
  WithQueries found;
  resolve_with_names(statement, nullptr, found);
  return found;
}

// The names of the WITH queries anywhere in a statement, a subquery's too: a name one of them
// defines is not a table wherever it is read (a name shadowed only in part is not judged).
std::set<std::string> with_query_names(const Json& statement) {
  return with_queries(statement).names;
}

namespace {
// Where the `*` that a ColumnRef written at `at` ends: past its qualifier's identifiers and dots.
// Nothing where no `*` is written there (`TABLE t` stands for `SELECT * FROM t`).
std::optional<std::size_t> star_end(std::string_view text, std::size_t at, bool parenthesized = false) {
  while (at < text.size()) {
    const char c = text[at];
    if (c == '*') return at + 1;
    if (parenthesized && c == ')') {
      ++at;
      continue;
    }
    if (c == '"') {
      for (++at; at < text.size(); ++at) {
        if (text[at] != '"') continue;
        if (at + 1 < text.size() && text[at + 1] == '"') {
          ++at;
        } else {
          break;
        }
      }
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.' ||
                 std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)) {
      return std::nullopt;
    }
    ++at;
  }
  return std::nullopt;
}

struct Token {
  PgQuery__Token kind;
  std::size_t start;
  std::size_t end;
};

// PostgreSQL's lexer's tokens of `text`, in order; none where it cannot read it.
std::vector<Token> tokens_of(const std::string& text) {
  std::vector<Token> tokens;
  const PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      tokens.reserve(scanned->n_tokens);
      for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
        const PgQuery__ScanToken& token = *scanned->tokens[i];
        tokens.push_back({token.token, static_cast<std::size_t>(token.start), static_cast<std::size_t>(token.end)});
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  return tokens;
}

// Where the keyword `TABLE` of `TABLE [ONLY] [(] t` begins, `t` being named at `named_at`
// (comments between them are PostgreSQL's lexer's to skip).
std::optional<std::size_t> table_keyword_before(std::string_view text, std::size_t named_at) {
  std::vector<Token> tokens = tokens_of(std::string(text));
  std::erase_if(tokens, [&](const Token& token) {
    return token.start >= named_at || token.kind == PG_QUERY__TOKEN__SQL_COMMENT || token.kind == PG_QUERY__TOKEN__C_COMMENT;
  });
  if (!tokens.empty() && tokens.back().kind == PG_QUERY__TOKEN__ASCII_40) tokens.pop_back();
  if (!tokens.empty() && tokens.back().kind == PG_QUERY__TOKEN__ONLY) tokens.pop_back();
  if (tokens.empty() || tokens.back().kind != PG_QUERY__TOKEN__TABLE) return std::nullopt;
  return tokens.back().start;
}

// The `t.*` of the row constructors in a clause, outside its subqueries (their SELECTs have
// their own FROM lists).
using VisibleItems = std::function<const std::vector<QueryFromItem>&()>;

void row_stars(const Json& value, std::string_view text, const VisibleItems& from, std::vector<SelectStar>& stars) {
  if (value.is_array()) {
    for (const auto& item : value) row_stars(item, text, from, stars);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SubLink") continue;
    if (it.key() == "RowExpr") {
      for (const auto& argument : member(it.value(), "args")) {
        const Json& reference = member(argument, "ColumnRef");
        const Json& fields = member(reference, "fields");
        if (!fields.is_array() || fields.size() != 2 || !fields[1].contains("A_Star") || !member(reference, "location").is_number()) continue;
        const auto begin = member(reference, "location").get<std::size_t>();
        if (const auto end = star_end(text, begin)) {
          SelectStar star{begin, *end, {text_field(member(fields[0], "String"), "sval")}, from()};
          star.whole_row = true;
          stars.push_back(std::move(star));
        }
      }
    }
    row_stars(it.value(), text, from, stars);
  }
}

// The FROM items of a SELECT and of those around it, linked rather than copied level by level
// (a query n levels deep would copy n^2 items), and listed, nearest first, only for a `t.*`.
struct SelectsAround {
  const std::vector<QueryFromItem>* from = nullptr;
  const SelectsAround* outer = nullptr;
  std::vector<QueryFromItem> items() const {
    std::vector<QueryFromItem> all;
    for (const SelectsAround* level = this; level != nullptr; level = level->outer) all.insert(all.end(), level->from->begin(), level->from->end());
    return all;
  }
  // Those of the nearest level that has one named `alias` (itself or in a join), which is the
  // one `alias.*` takes.
  std::vector<QueryFromItem> named(const std::string& alias) const {
    const std::function<bool(const QueryFromItem&)> names = [&](const QueryFromItem& item) {
      return item.alias == alias || std::any_of(item.parts.begin(), item.parts.end(), names);
    };
    for (const SelectsAround* level = this; level != nullptr; level = level->outer) {
      std::vector<QueryFromItem> found;
      std::copy_if(level->from->begin(), level->from->end(), std::back_inserter(found), names);
      if (!found.empty()) return found;
    }
    return {};
  }
};

// `outer`: the SELECTs around `value`, whose FROM items a `t.*` in it may name (a LATERAL
// subquery's, or a correlated one's).
void collect_stars(const Json& value, std::string_view text, const WithQueries& ctes, std::vector<SelectStar>& stars,
                   const SelectsAround* outer = nullptr) {
  if (value.is_array()) {
    for (const auto& item : value) collect_stars(item, text, ctes, stars, outer);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    // A set operation's branches are SELECTs held unwrapped.
    const bool branch = (it.key() == "larg" || it.key() == "rarg") && it.value().is_object() && it.value().contains("targetList");
    const bool is_select = (it.key() == "SelectStmt" || branch) && it.value().is_object();
    std::vector<QueryFromItem> from;
    SelectsAround here{&from, outer};
    if (is_select) {
      const Json& select = it.value();
      for (const auto& item : member(select, "fromClause")) from.push_back(from_item(item, ctes));
      std::optional<std::vector<QueryFromItem>> listed;
      const VisibleItems visible = [&]() -> const std::vector<QueryFromItem>& {
        if (!listed) listed = here.items();
        return *listed;
      };
      for (const auto& target : member(select, "targetList")) {
        const QueryColumn column = query_column(target);
        if (!column.star) continue;
        const Json& reference = member(member(member(target, "ResTarget"), "val"), "ColumnRef");
        const Json& location = member(reference, "location");
        if (!location.is_number() || location.get<long long>() < 0) {
          // `TABLE t` stands for `SELECT * FROM t` with no `*` written (and no location): its
          // keyword is what the columns' SELECT ... FROM replaces.
          const Json& clause = member(select, "fromClause");
          const Json& named_at = clause.empty() ? member(clause, "") : member(member(clause[0], "RangeVar"), "location");
          const auto keyword = !named_at.is_number() || named_at.get<long long>() < 0 ? std::nullopt
                                                                                    : table_keyword_before(text, named_at.get<std::size_t>());
          if (keyword) {
            SelectStar star{*keyword, *keyword + 5, {}, from};
            star.table_command = true;
            stars.push_back(std::move(star));
          }
          continue;
        }
        const auto begin = location.get<std::size_t>();
        if (const auto end = star_end(text, begin)) stars.push_back({begin, *end, column.column, column.column.empty() ? from : here.named(column.column.back())});
      }
      // `(t).*`: the row of a FROM item, which PostgreSQL writes out as its columns too.
      for (const auto& target : member(select, "targetList")) {
        const Json& result = member(target, "ResTarget");
        const Json& indirection = member(member(result, "val"), "A_Indirection");
        const Json& steps = member(indirection, "indirection");
        if (!steps.is_array() || steps.size() != 1 || !steps[0].contains("A_Star")) continue;
        const Json& row = member(member(indirection, "arg"), "ColumnRef");
        const auto names = string_list(member(row, "fields"));
        const long long begin = member(result, "location").is_number() ? member(result, "location").get<long long>() : -1;
        const long long named_at = member(row, "location").is_number() ? member(row, "location").get<long long>() : -1;
        if (names.empty() || names.size() > 2 || begin < 0 || named_at < begin) continue;
        if (const auto end = star_end(text, static_cast<std::size_t>(named_at), true)) {
          SelectStar star{static_cast<std::size_t>(begin), *end, names, visible()};
          star.whole_row = true;
          stars.push_back(std::move(star));
        }
      }
      // `VALUES (t.*)`: a row of t's columns, written out as in a select list.
      for (const auto& row : member(select, "valuesLists")) {
        for (const auto& item : member(member(row, "List"), "items")) {
          const Json& reference = member(item, "ColumnRef");
          const Json& fields = member(reference, "fields");
          if (!fields.is_array() || fields.size() != 2 || !fields[1].contains("A_Star") || !member(reference, "location").is_number()) continue;
          const auto begin = member(reference, "location").get<std::size_t>();
          if (const auto end = star_end(text, begin)) stars.push_back({begin, *end, {text_field(member(fields[0], "String"), "sval")}, visible()});
        }
      }
      // `ROW(t.*)` and `(t.*, x)` anywhere in a SELECT's own clauses: PostgreSQL writes the row
      // out as its columns there too (not `f(t.*)`, `ARRAY[t.*]` or `(t.*)::text`).
      for (const char* clause : {"targetList", "whereClause", "havingClause", "groupClause", "sortClause", "distinctClause", "windowClause"}) {
        row_stars(member(select, clause), text, visible, stars);
      }
    }
    if (it.key() == "JoinExpr" && it.value().is_object() && flag(it.value(), "isNatural")) {
      // Its right side's first name: where the join is written.
      std::size_t at = std::string::npos;
      std::vector<const Json*> pending{&it.value().at("rarg")};
      while (!pending.empty() && at == std::string::npos) {
        const Json* next = pending.back();
        pending.pop_back();
        if (next->is_array()) {
          for (auto child = next->rbegin(); child != next->rend(); ++child) pending.push_back(&*child);
        }
        if (!next->is_object()) continue;
        if (next->contains("location") && next->at("location").is_number()) at = next->at("location").get<std::size_t>();
        for (auto child = next->begin(); child != next->end(); ++child) pending.push_back(&child.value());
      }
      stars.push_back({at == std::string::npos ? 0 : at, 0, {}, {from_item(value, ctes)}, true});
    }
    collect_stars(it.value(), text, ctes, stars, is_select ? &here : outer);
  }
}
}  // namespace

std::vector<SelectStar> select_stars(std::string_view text) {
  std::vector<SelectStar> stars;
  const Tree tree = parse(std::string(text), deepest_walked_tree);
  if (tree.error) return stars;
  const Json& statements = array_member(tree.json, "stmts");
  collect_stars(statements, text, with_queries(statements), stars);
  return stars;
}

namespace {
enum class Walk { descend, skip, stop };
// Calls visit(key, value) for every member of every object under `root`, without recursion (a
// tree nests as deep as its text is long): `skip` leaves what is under the member, `stop` all.
template <typename Visit>
void walk_members(const Json& root, const Visit& visit) {
  std::vector<const Json*> pending{&root};
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_array()) {
      for (const auto& item : node) pending.push_back(&item);
      continue;
    }
    if (!node.is_object()) continue;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const Walk next = visit(it.key(), it.value());
      if (next == Walk::stop) return;
      if (next == Walk::descend) pending.push_back(&it.value());
    }
  }
}

bool is_aggregate_call(const Json& call) {
  if (call.contains("over")) return false;
  if (flag(call, "agg_star") || call.contains("agg_within_group") || call.contains("agg_filter") || call.contains("agg_order") ||
      flag(call, "agg_distinct")) {
    return true;
  }
  const auto names = string_list(array_member(call, "funcname"));
  if (names.size() > 2 || (names.size() == 2 && names[0] != "pg_catalog")) return false;
  const auto functions = catalog_functions(names.back());
  return !functions.empty() && functions.front().kind == 'a';
}

// Column references outside aggregates' arguments and subqueries; whether an aggregate is called.
void ungrouped_candidates(const Json& value, QueryGrouping& grouping) {
  if (value.is_array()) {
    for (const auto& item : value) ungrouped_candidates(item, grouping);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SubLink") continue;
    if (it.key() == "FuncCall" && it.value().is_object() && is_aggregate_call(it.value())) {
      grouping.grouped = true;
      continue;
    }
    if (it.key() == "ColumnRef" && it.value().is_object()) {
      std::vector<std::string> names;
      bool star = false;
      for (const auto& field : array_member(it.value(), "fields")) {
        if (field.contains("String")) names.push_back(field["String"].value("sval", ""));
        if (field.contains("A_Star")) star = true;
      }
      if (star) names.push_back("*");
      grouping.outside_aggregates.push_back({std::move(names), static_cast<std::size_t>(it.value().value("location", 0))});
      continue;
    }
    ungrouped_candidates(it.value(), grouping);
  }
}

// The columns a subquery names that are not its own: `t.c` where no FROM item inside it is
// called `t`, and a bare name where it reads no table at all (`(select c)`).
void outer_references(const Json& subquery, QueryGrouping& grouping) {
  std::set<std::string> inner;
  bool reads_any = false;
  std::vector<const Json*> pending{&subquery};
  std::vector<SqlColumnReference> references;
  while (!pending.empty()) {
    const Json& value = *pending.back();
    pending.pop_back();
    if (value.is_array()) {
      for (const auto& item : value) pending.push_back(&item);
      continue;
    }
    if (!value.is_object()) continue;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!it.value().is_object() && !it.value().is_array()) continue;
      if (it.key() == "RangeVar" || it.key() == "RangeSubselect" || it.key() == "RangeFunction" || it.key() == "RangeTableFunc" ||
          it.key() == "JoinExpr") {
        reads_any = true;
        const Json& alias = object_member(it.value(), "alias");
        if (alias.contains("aliasname")) inner.insert(alias.value("aliasname", ""));
        if (it.key() == "RangeVar") inner.insert(it.value().value("relname", ""));
        if (it.key() == "RangeFunction") return;  // a function's columns: not known here
      }
      if (it.key() == "CommonTableExpr") return;
      // An aggregate over outer columns only is the outer query's, and groups them.
      if (it.key() == "FuncCall" && is_aggregate_call(it.value())) continue;
      if (it.key() == "ColumnRef") {
        std::vector<std::string> names;
        bool star = false;
        for (const auto& field : array_member(it.value(), "fields")) {
          if (field.contains("String")) names.push_back(field["String"].value("sval", ""));
          if (field.contains("A_Star")) star = true;
        }
        if (!star && !names.empty()) references.push_back({std::move(names), static_cast<std::size_t>(it.value().value("location", 0))});
        continue;
      }
      pending.push_back(&it.value());
    }
  }
  for (auto& reference : references) {
    const bool outer = reference.names.size() == 2 ? !inner.contains(reference.names[0]) : reference.names.size() == 1 && !reads_any;
    if (outer) grouping.outside_aggregates.push_back(std::move(reference));
  }
}

// Column references outside aggregates' arguments (and the outer ones of subqueries there).
void grouped_clause_candidates(const Json& value, QueryGrouping& grouping) {
  ungrouped_candidates(value, grouping);
  std::vector<const Json*> pending{&value};
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_array()) {
      for (const auto& item : node) pending.push_back(&item);
      continue;
    }
    if (!node.is_object()) continue;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "FuncCall" && it.value().is_object() && is_aggregate_call(it.value())) continue;
      if (it.key() == "SubLink" && it.value().is_object()) {
        outer_references(object_member(it.value(), "subselect"), grouping);
        continue;
      }
      pending.push_back(&it.value());
    }
  }
}

QueryGrouping grouping_of(const Json& select) {
  QueryGrouping grouping;
  grouped_clause_candidates(array_member(select, "targetList"), grouping);
  if (select.contains("havingClause")) {
    grouping.grouped = true;
    grouped_clause_candidates(select.at("havingClause"), grouping);
  }
  // ORDER BY of a grouped query too, but for a bare name of an output column (which it sorts by).
  std::set<std::string> outputs;
  for (const auto& target : array_member(select, "targetList")) outputs.insert(query_column(target).name);
  for (const auto& item : array_member(select, "sortClause")) {
    const Json& sorted = object_member(object_member(item, "SortBy"), "node");
    const auto names = string_list(array_member(object_member(sorted, "ColumnRef"), "fields"));
    if (names.size() == 1 && outputs.contains(names[0])) continue;
    grouped_clause_candidates(sorted, grouping);
  }
  for (const auto& item : array_member(select, "groupClause")) {
    grouping.grouped = true;
    const Json& fields = array_member(object_member(item, "ColumnRef"), "fields");
    std::vector<std::string> names;
    for (const auto& field : fields) {
      if (!field.contains("String")) grouping.plain = false;
      names.push_back(object_member(field, "String").value("sval", ""));
    }
    if (names.empty()) grouping.plain = false;
    grouping.group_by.push_back(std::move(names));
  }
  if (!grouping.grouped) grouping.outside_aggregates.clear();
  return grouping;
}
}  // namespace

// The qualified column references (`t.c`, `t.*`, `s.t.c`) of a clause outside its subqueries,
// and those subqueries' SELECTs.
void qualified_references(const Json& value, QueryScope& scope, std::vector<const Json*>& subqueries) {
  if (value.is_array()) {
    for (const auto& item : value) qualified_references(item, scope, subqueries);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SubLink" && it.value().is_object()) {
      if (const Json& subselect = member(member(it.value(), "subselect"), "SelectStmt"); subselect.is_object()) subqueries.push_back(&subselect);
      qualified_references(member(it.value(), "testexpr"), scope, subqueries);
      continue;
    }
    if (it.key() == "ColumnRef" && it.value().is_object()) {
      std::vector<std::string> names;
      for (const auto& field : array_member(it.value(), "fields")) {
        names.push_back(field.contains("A_Star") ? "*" : object_member(field, "String").value("sval", ""));
      }
      const auto location = static_cast<std::size_t>(it.value().value("location", 0));
      if (names.size() == 2 || names.size() == 3) scope.qualified.push_back({std::move(names), location});
      if (names.size() == 1 && names[0] != "*") scope.bare.push_back({std::move(names), location});
      continue;
    }
    qualified_references(it.value(), scope, subqueries);
  }
}

const Json& select_of(const Json& value) { return value.contains("SelectStmt") ? value.at("SelectStmt") : value; }

// `subqueries_apart`: a subquery's expressions are left to its own scope, not read again as the
// enclosing expression's (which would make nested subqueries cost the square of their depth).
std::vector<SqlExpressionNode> flatten_expression(const Json& root, std::size_t prefix, bool subqueries_apart = false);

std::size_t add_scope(std::vector<QueryScope>& scopes, QueryScope scope) {
  scopes.push_back(std::move(scope));
  return scopes.size() - 1;
}

void collect_scopes(const Json& select, const WithQueries& ctes, std::optional<std::size_t> outer,
                    std::optional<std::size_t> unreachable, std::vector<QueryScope>& scopes);

// The scopes inside a FROM item of the SELECT whose scope is `own` (seen from `outer`): a join's
// ON sees its two sides and the levels around the SELECT, not the SELECT's other items; a
// subquery sees the levels around, and its neighbours only when LATERAL; a function's arguments
// may read the items before it.
// What a LATERAL subquery or a FROM function may read of its own level: the items before it
// (`left`), as a level of their own between it and the level around; the rest of its level is
// there, but may not be read (42P01, "invalid reference to FROM-clause entry").
// The last scope lateral_scope() made for a level's FROM list, and the items it reaches: a
// later LATERAL item's scope holds only the items since, around that one. Each holding every
// item to its left would make a list of n LATERAL items cost n^2.
struct LateralChain {
  std::optional<std::size_t> last;
  std::vector<const Json*> reached;
};

std::size_t lateral_scope(const std::vector<const Json*>& left, const WithQueries& ctes, std::size_t own,
                          std::optional<std::size_t> outer, std::vector<QueryScope>& scopes, LateralChain& chain) {
  QueryScope before;
  std::size_t first = 0;
  if (chain.last && chain.reached.size() <= left.size() && std::equal(chain.reached.begin(), chain.reached.end(), left.begin())) {
    first = chain.reached.size();
    outer = chain.last;
  }
  for (std::size_t i = first; i < left.size(); ++i) before.from.push_back(from_item(*left[i], ctes));
  before.outer = outer;
  before.unreachable = own;
  chain.last = add_scope(scopes, std::move(before));
  chain.reached = left;
  return *chain.last;
}

// `left`: the FROM items of level `own` before this one, which a LATERAL item may read.
void collect_from_scopes(const Json& value, const WithQueries& ctes, std::size_t own, std::optional<std::size_t> outer,
                         const std::vector<const Json*>& left, std::vector<QueryScope>& scopes, LateralChain& chain) {
  if (!value.is_object() || value.empty()) return;
  const std::string& kind = value.begin().key();
  const Json& body = value.begin().value();
  if (!body.is_object()) return;
  if (kind == "JoinExpr") {
    collect_from_scopes(member(body, "larg"), ctes, own, outer, left, scopes, chain);
    // The right side of an inner or left join may read the left side; of a right or full join
    // it may not, since its rows come first.
    std::vector<const Json*> before_right = left;
    const std::string join_type = body.value("jointype", "JOIN_INNER");
    if (join_type == "JOIN_INNER" || join_type == "JOIN_LEFT") before_right.push_back(&member(body, "larg"));
    collect_from_scopes(member(body, "rarg"), ctes, own, outer, before_right, scopes, chain);
    if (!body.contains("quals")) return;
    QueryScope on;
    on.from = {from_item(object_member(body, "larg"), ctes), from_item(object_member(body, "rarg"), ctes)};
    on.outer = outer;
    on.unreachable = own;
    std::vector<const Json*> subqueries;
    qualified_references(body.at("quals"), on, subqueries);
    on.expressions.push_back({flatten_expression(body.at("quals"), 0, true), "JOIN/ON"});
    const std::size_t index = add_scope(scopes, std::move(on));
    for (const Json* subquery : subqueries) collect_scopes(*subquery, ctes, index, std::nullopt, scopes);
  } else if (kind == "RangeSubselect") {
    if (flag(body, "lateral")) {
      collect_scopes(select_of(member(body, "subquery")), ctes, lateral_scope(left, ctes, own, outer, scopes, chain), std::nullopt, scopes);
    } else {
      collect_scopes(select_of(member(body, "subquery")), ctes, outer, own, scopes);
    }
  } else if (kind == "RangeFunction") {
    QueryScope arguments;
    arguments.outer = lateral_scope(left, ctes, own, outer, scopes, chain);
    std::vector<const Json*> subqueries;
    qualified_references(member(body, "functions"), arguments, subqueries);
    const std::size_t index = add_scope(scopes, std::move(arguments));
    for (const Json* subquery : subqueries) collect_scopes(*subquery, ctes, index, std::nullopt, scopes);
  } else if (kind == "RangeTableSample") {
    collect_from_scopes(member(body, "relation"), ctes, own, outer, left, scopes, chain);
    // Its arguments see the levels around the query, none of its own FROM items.
    QueryScope arguments;
    arguments.outer = outer;
    arguments.unreachable = own;
    std::vector<const Json*> subqueries;
    for (const char* part : {"args", "repeatable"}) qualified_references(member(body, part), arguments, subqueries);
    const std::size_t index = add_scope(scopes, std::move(arguments));
    for (const Json* subquery : subqueries) collect_scopes(*subquery, ctes, index, std::nullopt, scopes);
  }
}

// Every SELECT of a statement, subqueries' too, with the levels whose names each may read.
void collect_scopes(const Json& select, const WithQueries& ctes, std::optional<std::size_t> outer,
                    std::optional<std::size_t> unreachable, std::vector<QueryScope>& scopes) {
  if (!select.is_object()) return;
  // A WITH query sees the levels around its statement, not the statement's FROM list.
  for (const auto& cte : member(member(select, "withClause"), "ctes")) {
    collect_scopes(select_of(member(member(cte, "CommonTableExpr"), "ctequery")), ctes, outer, std::nullopt, scopes);
  }
  if (select.contains("larg") && select.at("larg").is_object()) {
    for (const char* side : {"larg", "rarg"}) collect_scopes(select_of(member(select, side)), ctes, outer, unreachable, scopes);
    // A set operation's ORDER BY sees its columns' names and the levels around, no branch's FROM.
    QueryScope sorted;
    sorted.outer = outer;
    std::vector<const Json*> subqueries;
    qualified_references(member(select, "sortClause"), sorted, subqueries);
    // Its bare names are the result's columns (the first branch's names).
    for (const auto& reference : sorted.bare) sorted.by_output_name.push_back(reference.offset);
    sorted.bare.clear();
    const std::size_t index = add_scope(scopes, std::move(sorted));
    for (const Json* subquery : subqueries) collect_scopes(*subquery, ctes, index, std::nullopt, scopes);
    return;
  }
  QueryScope scope;
  for (const auto& item : array_member(select, "fromClause")) scope.from.push_back(from_item(item, ctes));
  for (const auto& clause : member(select, "lockingClause")) {
    for (const auto& locked : member(member(clause, "LockingClause"), "lockedRels")) {
      const Json& relation = member(locked, "RangeVar");
      SqlColumnReference name;
      if (relation.contains("schemaname")) name.names.push_back(relation.value("schemaname", ""));
      name.names.push_back(relation.value("relname", ""));
      name.offset = relation.value("location", std::size_t{0});
      scope.locked.push_back(std::move(name));
    }
  }
  scope.outer = outer;
  scope.unreachable = unreachable;
  std::vector<const Json*> subqueries;
  for (const char* clause : {"targetList", "whereClause", "groupClause", "havingClause", "sortClause", "distinctClause", "windowClause", "valuesLists"}) {
    if (select.contains(clause)) qualified_references(select.at(clause), scope, subqueries);
  }
  // A whole ORDER BY, GROUP BY or DISTINCT ON item may be an output column's bare name.
  std::set<std::string> outputs;
  for (const auto& target : member(select, "targetList")) outputs.insert(query_column(target).name);
  const auto by_output_name = [&](const Json& item) {
    const Json& reference = member(item, "ColumnRef");
    const auto names = string_list(member(reference, "fields"));
    if (names.size() == 1 && outputs.contains(names[0]) && member(reference, "location").is_number()) {
      scope.by_output_name.push_back(member(reference, "location").get<std::size_t>());
    }
  };
  for (const auto& item : member(select, "sortClause")) by_output_name(member(member(item, "SortBy"), "node"));
  // ROLLUP, CUBE and GROUPING SETS items too, at any depth.
  std::vector<const Json*> grouped;
  for (const auto& item : member(select, "groupClause")) grouped.push_back(&item);
  while (!grouped.empty()) {
    const Json& item = *grouped.back();
    grouped.pop_back();
    by_output_name(item);
    for (const auto& part : member(member(item, "GroupingSet"), "content")) grouped.push_back(&part);
    for (const auto& part : member(member(item, "RowExpr"), "args")) grouped.push_back(&part);
  }
  for (const auto& item : member(select, "distinctClause")) by_output_name(item);
  if (const Json& first = member(first_element(member(select, "targetList")), "ResTarget"); member(first, "location").is_number()) {
    scope.first_output = member(first, "location").get<std::size_t>();
  }
  for (const auto& target : member(select, "targetList")) {
    if (const Json& value = member(member(target, "ResTarget"), "val"); value.is_object()) {
      scope.expressions.push_back({flatten_expression(value, 0, true), "", query_column(target).name});
    }
  }
  for (const char* clause : {"whereClause", "havingClause"}) {
    if (const Json& value = member(select, clause); value.is_object()) {
      scope.expressions.push_back({flatten_expression(value, 0, true), clause[0] == 'w' ? "WHERE" : "HAVING"});
    }
  }
  // What it sorts and groups by, whose types need an ordering or an equality.
  for (const auto& item : member(select, "sortClause")) {
    const Json& sorted = member(item, "SortBy");
    if (const Json& value = member(sorted, "node"); value.is_object() && !sorted.contains("useOp")) {
      scope.expressions.push_back({flatten_expression(value, 0, true), "ORDER BY"});
    }
  }
  for (const auto& item : member(select, "groupClause")) {
    if (!item.contains("GroupingSet") && !item.contains("RowExpr")) scope.expressions.push_back({flatten_expression(item, 0, true), "GROUP BY"});
  }
  // Plain DISTINCT's list holds one empty item.
  for (const auto& item : member(select, "distinctClause")) {
    if (item.is_object() && !item.empty()) scope.expressions.push_back({flatten_expression(item, 0, true), "DISTINCT ON"});
  }
  const std::size_t index = add_scope(scopes, std::move(scope));
  for (const Json* subquery : subqueries) collect_scopes(*subquery, ctes, index, std::nullopt, scopes);
  std::vector<const Json*> left;
  LateralChain chain;
  for (const auto& item : array_member(select, "fromClause")) {
    collect_from_scopes(item, ctes, index, outer, left, scopes, chain);
    left.push_back(&item);
  }
}

namespace {
std::optional<std::size_t> branch_width(const Json& select);

// The set operations anywhere in `value` (those without a `*` are counted by misplaced_in_select
// too).
// `row(a, b) op (select ...)`: PostgreSQL compares the row with the subquery's one row, column
// by column (a ROWCOMPARE sublink): the row's width, where `node` (an A_Expr's) is one.
std::optional<std::size_t> row_compared_width(const Json& node) {
  if (text_field(node, "kind") != "AEXPR_OP" || !member(node, "lexpr").contains("RowExpr")) return std::nullopt;
  if (text_field(member(member(node, "rexpr"), "SubLink"), "subLinkType") != "EXPR_SUBLINK") return std::nullopt;
  return array_member(member(member(node, "lexpr"), "RowExpr"), "args").size();
}

// A set operation's side, or a subquery: its first SELECT's select list and FROM list.
QueryFacts::SetOperationBranch first_select_of(const Json& side, const WithQueries& ctes) {
  const Json* first = &side;
  while (first->contains("larg") && first->at("larg").is_object()) first = &first->at("larg");
  QueryFacts::SetOperationBranch out;
  for (const auto& target : member(*first, "targetList")) out.select_list.push_back(query_column(target));
  for (const auto& item : member(*first, "fromClause")) out.from.push_back(from_item(item, ctes));
  return out;
}

void set_operations(const Json& value, const WithQueries& ctes, QueryFacts& facts) {
  if (value.is_array()) {
    for (const auto& item : value) set_operations(item, ctes, facts);
    return;
  }
  if (!value.is_object()) return;
  const std::string operation = value.value("op", "");
  if (!operation.empty() && operation != "SETOP_NONE" && value.contains("larg") && value.contains("rarg") && value.at("larg").is_object() &&
      value.at("rarg").is_object()) {
    QueryFacts::SetOperation set_operation;
    set_operation.word = operation == "SETOP_INTERSECT" ? "INTERSECT" : operation == "SETOP_EXCEPT" ? "EXCEPT" : "UNION";
    set_operation.left = first_select_of(value.at("larg"), ctes);
    set_operation.right = first_select_of(value.at("rarg"), ctes);
    const Json& targets = member(value.at("rarg"), "targetList");
    const Json& location = targets.is_array() && !targets.empty() ? member(member(targets[0], "ResTarget"), "location") : targets;
    set_operation.offset = location.is_number() ? location.get<std::size_t>() : 0;
    // A VALUES side is not a select list: leave such a pair to PostgreSQL.
    if (!member(value.at("larg"), "valuesLists").is_array() && !member(value.at("rarg"), "valuesLists").is_array()) {
      facts.set_operations.push_back(std::move(set_operation));
    }
  }
  // A row compared with a subquery: as wide as the row, not one column.
  const Json& comparison = member(value, "A_Expr");
  const auto row = comparison.is_object() ? row_compared_width(comparison) : std::nullopt;
  if (const Json& link = row ? comparison.at("rexpr").at("SubLink") : member(value, "SubLink"); link.is_object()) {
    // A subquery used as a value or compared with one, whose width only its `*` tells (the
    // widths written out are misplaced_in's).
    const std::string type = link.value("subLinkType", "");
    const Json& query = member(member(link, "subselect"), "SelectStmt");
    const bool compared = type == "ANY_SUBLINK" || type == "ALL_SUBLINK" || row;
    if (query.is_object() && !branch_width(query) && (compared || type == "EXPR_SUBLINK" || type == "ARRAY_SUBLINK") &&
        !member(query, "valuesLists").is_array()) {
      const Json& test = member(link, "testexpr");
      QueryFacts::SubqueryWidth width;
      width.subquery = first_select_of(query, ctes);
      width.compared = compared;
      width.wanted = row                                   ? *row
                     : compared && test.contains("RowExpr") ? member(test.at("RowExpr"), "args").size()
                                                            : 1;
      width.offset = member(link, "location").is_number() ? member(link, "location").get<std::size_t>() : 0;
      facts.subquery_widths.push_back(std::move(width));
    }
  }
  if (row) {  // the subquery is the comparison's, not a value of its own
    set_operations(member(comparison, "lexpr"), ctes, facts);
    set_operations(member(comparison.at("rexpr").at("SubLink"), "subselect"), ctes, facts);
    return;
  }
  for (auto it = value.begin(); it != value.end(); ++it) set_operations(it.value(), ctes, facts);
}

// Where the first aggregate (or window function, `window`) is called in `value`, its subqueries
// aside, which are levels of their own.
std::optional<std::size_t> first_call(const Json& value, bool window) {
  if (value.is_array()) {
    for (const auto& item : value) {
      if (const auto found = first_call(item, window)) return found;
    }
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SubLink") continue;
    if (it.key() == "FuncCall" && it.value().is_object() && (window ? it.value().contains("over") : is_aggregate_call(it.value()))) {
      return it.value().value("location", std::size_t{0});
    }
    if (const auto found = first_call(it.value(), window)) return found;
  }
  return std::nullopt;
}

// What read_query() was told of set-returning functions, while it reads: the placement checks
// ask deep in their walks, which would otherwise each carry it.
thread_local const FunctionKind* function_kind_while_reading = nullptr;

std::span<const CatalogFunction> built_in_functions(const std::vector<std::string>& names) {
  if (names.empty() || names.size() > 2 || (names.size() == 2 && names[0] != "pg_catalog")) return {};
  return catalog_functions(names.back());
}

bool returns_set(const std::vector<std::string>& names) {
  if (names.empty()) return false;
  if (function_kind_while_reading != nullptr && *function_kind_while_reading) return (*function_kind_while_reading)(names) == 's';
  const auto functions = built_in_functions(names);
  return !functions.empty() && functions.front().kind == 's';
}

// What a call names where it is known to be no aggregate: a window function ('w') or another
// ('f'). Any overload that aggregates makes it one PostgreSQL may pick.
std::optional<char> not_aggregate(const std::vector<std::string>& names) {
  if (names.empty()) return std::nullopt;
  if (const auto functions = built_in_functions(names); !functions.empty()) {
    if (std::any_of(functions.begin(), functions.end(), [](const CatalogFunction& f) { return f.kind == 'a' || f.kind == 'h'; })) return std::nullopt;
    return std::all_of(functions.begin(), functions.end(), [](const CatalogFunction& f) { return f.kind == 'w'; }) ? 'w' : 'f';
  }
  if (function_kind_while_reading == nullptr || !*function_kind_while_reading) return std::nullopt;
  const auto kind = (*function_kind_while_reading)(names);
  if (!kind || *kind == 'a' || *kind == 'h') return std::nullopt;
  return *kind == 'w' ? 'w' : 'f';
}

// The names FROM items take anywhere in `value` (aliases, tables' own names).
void from_item_names(const Json& value, std::set<std::string>& names) {
  if (value.is_array()) {
    for (const auto& item : value) from_item_names(item, names);
    return;
  }
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if ((it.key() == "RangeVar" || it.key() == "RangeSubselect" || it.key() == "RangeFunction") && it.value().is_object()) {
      if (const std::string alias = object_member(it.value(), "alias").value("aliasname", ""); !alias.empty()) names.insert(alias);
      if (it.key() == "RangeVar") names.insert(it.value().value("relname", ""));
    }
    from_item_names(it.value(), names);
  }
}

// Whether `value` may read a column of its own query level (contain_vars_of_level): a column
// named in it, or in a subquery in it unless qualified by a FROM item of that subquery.
bool reads_a_column(const Json& value, const std::set<std::string>* inner = nullptr) {
  if (value.is_array()) return std::ranges::any_of(value, [&](const Json& item) { return reads_a_column(item, inner); });
  if (!value.is_object()) return false;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "ColumnRef") {
      if (inner == nullptr) return true;
      // Its qualifier is the name before the last (a column's, or `*`); a bare `*` is the
      // subquery's own, a bare name may be either level's.
      const Json& fields = array_member(it.value(), "fields");
      const auto names = string_list(fields);
      if (fields.size() == 1 && fields[0].contains("A_Star")) continue;
      if (fields.size() < 2 || names.size() < fields.size() - 1 || !inner->contains(names[fields.size() - 2])) return true;
      continue;
    }
    if (it.key() == "SubLink" && it.value().is_object()) {
      std::set<std::string> names = inner == nullptr ? std::set<std::string>() : *inner;
      from_item_names(member(it.value(), "subselect"), names);
      if (reads_a_column(member(it.value(), "testexpr"), inner) || reads_a_column(member(it.value(), "subselect"), &names)) return true;
      continue;
    }
    if (reads_a_column(it.value(), inner)) return true;
  }
  return false;
}

// Where the first call of a set-returning function is in `value`, its subqueries aside.
std::optional<std::size_t> first_set_returning_call(const Json& value) {
  if (value.is_array()) {
    for (const auto& item : value) {
      if (const auto found = first_set_returning_call(item)) return found;
    }
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SubLink") continue;
    if (it.key() == "FuncCall" && it.value().is_object() && !it.value().contains("over")) {
      if (returns_set(string_list(array_member(it.value(), "funcname")))) return it.value().value("location", std::size_t{0});
    }
    if (const auto found = first_set_returning_call(it.value())) return found;
  }
  return std::nullopt;
}

// Where PostgreSQL takes no set-returning function in an expression node of a query
// (check_srf_call_placement, transformCaseExpr, transformCoalesceExpr, coerce_to_boolean).
std::optional<SqlError> set_returning_misplaced(std::string_view key, const Json& node) {
  const auto within = [&](const Json& part, std::string message) -> std::optional<SqlError> {
    if (const auto at = first_set_returning_call(part)) return SqlError{*at, std::move(message)};
    return std::nullopt;
  };
  if (key == "CaseExpr") {
    for (const char* part : {"arg", "args", "defresult"}) {
      if (auto error = within(member(node, part), "set-returning functions are not allowed in CASE (0A000)")) return error;
    }
  } else if (key == "CoalesceExpr") {
    return within(member(node, "args"), "set-returning functions are not allowed in COALESCE (0A000)");
  } else if (key == "BooleanTest") {
    // transformBooleanTest: coerce_to_boolean, which takes no set (`1 in (f(), 2) is true`).
    static constexpr std::pair<std::string_view, std::string_view> tests[] = {
        {"IS_TRUE", "IS TRUE"}, {"IS_NOT_TRUE", "IS NOT TRUE"}, {"IS_FALSE", "IS FALSE"}, {"IS_NOT_FALSE", "IS NOT FALSE"},
        {"IS_UNKNOWN", "IS UNKNOWN"}, {"IS_NOT_UNKNOWN", "IS NOT UNKNOWN"}};
    const std::string type = node.value("booltesttype", "");
    std::string_view test = "IS TRUE";
    for (const auto& [name, written] : tests) {
      if (name == type) test = written;
    }
    return within(member(node, "arg"), fmt::format("argument of {} must not return a set (42804)", test));
  } else if (key == "BoolExpr") {
    const std::string type = node.value("boolop", "");
    const char* word = type == "AND_EXPR" ? "AND" : type == "OR_EXPR" ? "OR" : "NOT";
    return within(member(node, "args"), fmt::format("argument of {} must not return a set (42804)", word));
  } else if (key == "A_Expr" && node.value("kind", "") == "AEXPR_IN") {
    // transformAExprIn: two or more elements that read no column become one `= ANY (ARRAY[...])`,
    // which takes a set; every other element is compared with the left side on its own, and
    // each comparison must be one value (row IN: row by row).
    const Json& left = member(node, "lexpr");
    const Json& items = array_member(object_member(member(node, "rexpr"), "List"), "items");
    bool rows = left.contains("RowExpr");
    std::vector<const Json*> reading, constant;
    for (const auto& item : items) {
      rows = rows || item.contains("RowExpr");
      (reads_a_column(item) ? reading : constant).push_back(&item);
    }
    if (rows || constant.size() < 2) reading.insert(reading.end(), constant.begin(), constant.end());
    if (reading.empty()) return std::nullopt;
    const char* message = rows ? "row comparison operator must not return a set (42804)" : "argument of IN must not return a set (42804)";
    if (auto error = within(left, message)) return error;
    for (const Json* item : reading) {
      if (auto error = within(*item, message)) return error;
    }
  } else if (key == "SubLink" && (node.value("subLinkType", "") == "ANY_SUBLINK" || node.value("subLinkType", "") == "ALL_SUBLINK" ||
                                  node.value("subLinkType", "") == "ROWCOMPARE_SUBLINK")) {
    // Compared with a subquery's rows through make_row_comparison_op, even for one column.
    return within(member(node, "testexpr"), "row comparison operator must not return a set (42804)");
  } else if (key == "A_Expr" && node.value("kind", "").find("BETWEEN") != std::string::npos) {
    // PostgreSQL reads `a between x and y` as `a >= x and a <= y`, NOT BETWEEN with OR.
    const bool negated = node.value("kind", "").find("NOT_BETWEEN") != std::string::npos;
    for (const char* part : {"lexpr", "rexpr"}) {
      if (auto error = within(member(node, part), fmt::format("argument of {} must not return a set (42804)", negated ? "OR" : "AND"))) return error;
    }
  } else if (key == "A_Expr" && node.value("kind", "") == "AEXPR_OP" && member(node, "lexpr").contains("RowExpr") &&
             member(node, "rexpr").contains("RowExpr")) {
    // Two rows compared (make_row_comparison_op): column by column, each comparison one value.
    for (const char* part : {"lexpr", "rexpr"}) {
      if (auto error = within(member(node, part), "row comparison operator must not return a set (42804)")) return error;
    }
  } else if (key == "RangeTableSample") {
    if (auto error = within(member(node, "args"), "argument of TABLESAMPLE must not return a set (42804)")) return error;
    return within(member(node, "repeatable"), "argument of REPEATABLE must not return a set (42804)");
  } else if (key == "FuncCall") {
    if (auto error = within(member(node, "agg_filter"), "set-returning functions are not allowed in FILTER (0A000)")) return error;
    // What only an aggregate takes, in ParseFuncOrColumn's order, on a function that is none.
    const auto names = string_list(array_member(node, "funcname"));
    if (const auto kind = not_aggregate(names)) {
      const std::size_t at = node.value("location", std::size_t{0});
      const std::string& name = names.back();
      if (*kind == 'w') {
        if (node.contains("agg_filter")) return SqlError{at, "FILTER is not implemented for non-aggregate window functions (0A000)"};
      } else {
        const std::string_view clause = flag(node, "agg_star")               ? "*"
                                        : flag(node, "agg_distinct")         ? "DISTINCT"
                                        : flag(node, "agg_within_group")     ? "WITHIN GROUP"
                                        : node.contains("agg_order")         ? "ORDER BY"
                                        : node.contains("agg_filter")        ? "FILTER"
                                                                             : "";
        if (clause == "*") return SqlError{at, fmt::format("{0}(*) specified, but {0} is not an aggregate function (42809)", name)};
        if (!clause.empty()) return SqlError{at, fmt::format("{} specified, but {} is not an aggregate function (42809)", clause, name)};
        if (node.contains("over")) return SqlError{at, fmt::format("OVER specified, but {} is not a window function nor an aggregate function (42809)", name)};
      }
    }
    const Json& over = member(node, "over");
    const Json& window = over.contains("WindowDef") ? over.at("WindowDef") : over;
    for (const char* bound : {"startOffset", "endOffset"}) {
      if (auto error = within(member(window, bound), "set-returning functions are not allowed in window definitions (0A000)")) return error;
    }
    if (over.is_object() && !over.empty()) {
      return within(member(node, "args"), "window function calls cannot contain set-returning function calls (0A000)");
    }
    if (is_aggregate_call(node)) {
      for (const char* part : {"args", "agg_order"}) {
        if (auto error = within(member(node, part), "aggregate function calls cannot contain set-returning function calls (0A000)")) return error;
      }
    }
  } else if (key == "RangeFunction") {
    // `from f(g(...))`: only the FROM item's own function may return a set.
    for (const auto& item : member(node, "functions")) {
      const Json& list = member(member(item, "List"), "items");
      const Json& call = list.is_array() && !list.empty() ? member(list[0], "FuncCall") : Json();
      if (auto error = within(member(call, "args"), "set-returning functions must appear at top level of FROM (0A000)")) return error;
    }
  }
  return std::nullopt;
}

// How many columns a set operation's branch gives, unless a `*` leaves it to the tables.
std::optional<std::size_t> branch_width(const Json& select) {
  if (select.contains("larg") && select.at("larg").is_object()) return branch_width(select.at("larg"));
  if (const Json& rows = member(select, "valuesLists"); rows.is_array() && !rows.empty()) return member(member(rows[0], "List"), "items").size();
  std::size_t width = 0;
  for (const auto& target : member(select, "targetList")) {
    for (const auto& field : member(member(member(member(target, "ResTarget"), "val"), "ColumnRef"), "fields")) {
      if (field.contains("A_Star")) return std::nullopt;
    }
    const Json& steps = member(member(member(member(target, "ResTarget"), "val"), "A_Indirection"), "indirection");
    if (steps.is_array() && !steps.empty() && steps.back().contains("A_Star")) return std::nullopt;
    ++width;
  }
  return width;
}

std::optional<SqlError> misplaced_in(const Json& value);

// What PostgreSQL refuses of one SELECT's clauses once it knows which calls aggregate
// (parseCheckAggregates, transformSetOperationTree).
// Where a node is written: its own location, or its first child's that has one.
std::size_t location_in(const Json& value) {
  std::vector<const Json*> pending{&value};
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_object()) {
      if (const Json& location = member(node, "location"); location.is_number() && location.get<long long>() >= 0) return location.get<std::size_t>();
      for (auto it = node.end(); it != node.begin();) pending.push_back(&*--it);
    } else if (node.is_array()) {
      for (auto it = node.end(); it != node.begin();) pending.push_back(&*--it);
    }
  }
  return 0;
}

// The last name of a plain column reference (`c`, `t.c`); empty for anything else.
std::string column_named(const Json& node) {
  const Json& fields = member(member(node, "ColumnRef"), "fields");
  if (!fields.is_array() || fields.empty() || !fields.back().contains("String")) return "";
  return text_field(member(fields.back(), "String"), "sval");
}

// SELECT DISTINCT sorts by its outputs only (42P10): an ORDER BY item that names a column no
// output is or names. Judged where every item of the select list is known (no `*`) and the
// item is a plain column (an expression is left to PostgreSQL); columns compare by name.
std::optional<SqlError> distinct_order_unselected(const Json& select) {
  const Json& distinct = member(select, "distinctClause");
  if (!distinct.is_array() || distinct.size() != 1 || !distinct[0].is_object() || !distinct[0].empty()) return std::nullopt;
  std::set<std::string> selected;
  for (const auto& target : member(select, "targetList")) {
    const QueryColumn column = query_column(target);
    if (column.star || column.row_star) return std::nullopt;
    selected.insert(column.name);
    if (!column.column.empty()) selected.insert(column.column.back());
  }
  for (const auto& item : member(select, "sortClause")) {
    const Json& node = member(member(item, "SortBy"), "node");
    const std::string name = column_named(node);
    if (name.empty() || selected.contains(name)) continue;
    return SqlError{location_in(node), "for SELECT DISTINCT, ORDER BY expressions must appear in select list (42P10)"};
  }
  return std::nullopt;
}

// GROUPING() belongs to a grouped query: one without GROUP BY refuses it (42803).
std::optional<SqlError> grouping_ungrouped(const Json& select) {
  if (member(select, "groupClause").is_array() && !member(select, "groupClause").empty()) return std::nullopt;
  std::vector<const Json*> pending;
  for (const char* clause : {"targetList", "havingClause", "sortClause"}) pending.push_back(&member(select, clause));
  while (!pending.empty()) {
    const Json& value = *pending.back();
    pending.pop_back();
    if (value.is_array()) {
      for (const auto& item : value) pending.push_back(&item);
    } else if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (it.key() == "SubLink" || it.key() == "SelectStmt") continue;  // their own level
        if (it.key() == "GroupingFunc") {
          return SqlError{location_in(value), "arguments to GROUPING must be grouping expressions of the associated query level (42803)"};
        }
        pending.push_back(&it.value());
      }
    }
  }
  return std::nullopt;
}

// PostgreSQL's transformDistinctOnClause(): the ORDER BY items that are DISTINCT ON items come
// first, and every DISTINCT ON item is one of them once an ORDER BY item is not. Judged only
// where every item is a plain column named as no output is (the compiler then tells them apart
// as PostgreSQL does, by the column).
std::optional<SqlError> distinct_on_unordered(const Json& select) {
  const Json& distinct = member(select, "distinctClause");
  const Json& order = member(select, "sortClause");
  if (!distinct.is_array() || distinct.empty() || (distinct.size() == 1 && distinct[0].empty()) || !order.is_array() || order.empty()) {
    return std::nullopt;
  }
  std::set<std::string> outputs;
  for (const auto& target : member(select, "targetList")) {
    if (member(target, "ResTarget").contains("name")) outputs.insert(text_field(member(target, "ResTarget"), "name"));
  }
  const auto plain = [&](const Json& node) {
    const std::string name = column_named(node);
    const bool bare = member(member(node, "ColumnRef"), "fields").size() == 1;
    return name.empty() || (bare && outputs.contains(name)) ? std::string() : name;
  };
  std::vector<std::string> on;
  for (const auto& item : distinct) {
    on.push_back(plain(item));
    if (on.back().empty()) return std::nullopt;
  }
  std::vector<std::string> sorted;
  for (const auto& item : order) {
    sorted.push_back(plain(member(member(item, "SortBy"), "node")));
    if (sorted.back().empty()) return std::nullopt;
  }
  bool skipped = false;
  const auto error = [&](const Json& at) {
    return SqlError{location_in(at), "SELECT DISTINCT ON expressions must match initial ORDER BY expressions (42P10)"};
  };
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (std::find(on.begin(), on.end(), sorted[i]) == on.end()) {
      skipped = true;
    } else if (skipped) {
      return error(distinct[0]);
    }
  }
  for (std::size_t i = 0; i < on.size(); ++i) {
    if (std::find(sorted.begin(), sorted.end(), on[i]) == sorted.end() && skipped) return error(distinct[i]);
  }
  return std::nullopt;
}

// A set operation's ORDER BY names a result column, or a position (transformSetOperationStmt).
std::optional<SqlError> set_operation_order_unknown(const Json& select) {
  const std::string operation = select.value("op", "SETOP_NONE");
  if (operation == "SETOP_NONE" || !select.contains("larg")) return std::nullopt;
  const Json* first = &select;
  while (first->contains("larg") && first->at("larg").is_object()) first = &first->at("larg");
  std::set<std::string> names;
  for (const auto& target : member(*first, "targetList")) {
    const QueryColumn column = query_column(target);
    if (column.star || column.row_star) return std::nullopt;
    names.insert(column.name);
  }
  if (member(*first, "valuesLists").is_array()) return std::nullopt;
  for (const auto& item : member(select, "sortClause")) {
    const Json& node = member(member(item, "SortBy"), "node");
    if (node.contains("A_Const")) continue;
    const Json& fields = member(member(node, "ColumnRef"), "fields");
    if (fields.is_array() && fields.size() > 1) continue;  // PostgreSQL names the missing FROM entry; judged elsewhere
    const std::string name = column_named(node);
    if (name.empty()) {
      return SqlError{location_in(node), "invalid UNION/INTERSECT/EXCEPT ORDER BY clause: only result column names can be used (0A000)"};
    }
    if (!names.contains(name)) return SqlError{location_in(node), fmt::format("column \"{}\" does not exist (42703)", name)};
  }
  return std::nullopt;
}

// `over w` and `window x as (w ...)` name a window of the SELECT's own WINDOW clause, one
// before it there (42704).
std::optional<SqlError> unknown_window(const Json& select) {
  std::set<std::string> defined;
  const auto named = [&](const Json& definition, std::size_t at) -> std::optional<SqlError> {
    const Json& window = definition.contains("WindowDef") ? definition.at("WindowDef") : definition;
    for (const char* field : {"refname"}) {
      const std::string name = window.value(field, "");
      if (!name.empty() && !defined.contains(name)) return SqlError{at, fmt::format("window \"{}\" does not exist (42704)", name)};
    }
    return std::nullopt;
  };
  for (const auto& definition : member(select, "windowClause")) {
    const Json& window = definition.contains("WindowDef") ? definition.at("WindowDef") : definition;
    if (auto error = named(definition, location_in(definition))) return error;
    defined.insert(window.value("name", ""));
  }
  std::vector<const Json*> pending;
  for (const char* clause : {"targetList", "sortClause"}) pending.push_back(&member(select, clause));
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_array()) {
      for (const auto& item : node) pending.push_back(&item);
      continue;
    }
    if (!node.is_object()) continue;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "SubLink" || it.key() == "SelectStmt") continue;  // their own WINDOW clauses
      if (it.key() == "FuncCall" && it.value().contains("over")) {
        const Json& over = it.value().at("over");
        const Json& window = over.contains("WindowDef") ? over.at("WindowDef") : over;
        const std::string name = window.value("name", "");
        const std::size_t at = member(it.value(), "location").is_number() ? member(it.value(), "location").get<std::size_t>() : 0;
        if (!name.empty() && !defined.contains(name)) return SqlError{at, fmt::format("window \"{}\" does not exist (42704)", name)};
        if (auto error = named(over, at)) return error;
      }
      pending.push_back(&it.value());
    }
  }
  return std::nullopt;
}

// LIMIT and OFFSET given as strings are read as bigint when the statement is parsed (22P02).
std::optional<SqlError> limit_unreadable(const Json& select) {
  for (const char* clause : {"limitCount", "limitOffset"}) {
    const Json& constant = member(member(select, clause), "A_Const");
    if (!constant.contains("sval")) continue;
    const std::string value = text_field(member(constant, "sval"), "sval");
    std::size_t i = 0;
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
    const std::size_t digits = i;
    while (i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]))) ++i;
    const bool number = i > digits && i - digits <= 18;
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (number && i == value.size()) continue;
    const Json& location = member(constant, "location");
    return SqlError{location.is_number() ? location.get<std::size_t>() : 0,
                    fmt::format("invalid input syntax for type bigint: \"{}\" (22P02)", value)};
  }
  return std::nullopt;
}

// Where a recursive WITH query reads itself, and what encloses that read (PostgreSQL's
// checkWellFormedRecursionWalker() contexts).
struct RecursiveRead {
  std::size_t at = 0;
  std::string_view within;  // "" where it may be; else what it must not appear within
};

// The reads of `name` in `value`. False where a nested WITH list defines the name again: which
// reads are the query's own is then the server's to tell.
bool recursive_reads(const Json& value, const std::string& name, std::string_view within, std::vector<RecursiveRead>& reads, int depth = 0) {
  if (depth > 256) return false;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!recursive_reads(item, name, within, reads, depth + 1)) return false;
    }
    return true;
  }
  if (!value.is_object()) return true;
  // INTERSECT ALL and EXCEPT ALL may not read it on either side, EXCEPT not on its right.
  const std::string operation = text_field(value, "op");
  if (within.empty() && flag(value, "all")) {
    if (operation == "SETOP_INTERSECT") within = "INTERSECT";
    if (operation == "SETOP_EXCEPT") within = "EXCEPT";
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const Json& node = it.value();
    if (it.key() == "rarg" && within.empty() && operation == "SETOP_EXCEPT") {
      if (!recursive_reads(node, name, "EXCEPT", reads, depth + 1)) return false;
      continue;
    }
    if (it.key() == "withClause") {
      for (const auto& item : member(node, "ctes")) {
        if (text_field(member(item, "CommonTableExpr"), "ctename") == name) return false;
      }
    }
    if (it.key() == "RangeVar" && !node.contains("schemaname") && text_field(node, "relname") == name) {
      const Json& location = member(node, "location");
      reads.push_back({location.is_number() ? location.get<std::size_t>() : 0, within});
      continue;
    }
    std::string_view inner = within;
    if (it.key() == "SubLink") inner = "a subquery";
    if (it.key() == "JoinExpr" && inner.empty()) {
      const std::string type = text_field(node, "jointype");
      for (const char* side : {"larg", "rarg"}) {
        const bool nullable = type == "JOIN_FULL" || (type == "JOIN_LEFT" && std::string_view(side) == "rarg") ||
                              (type == "JOIN_RIGHT" && std::string_view(side) == "larg");
        if (!recursive_reads(member(node, side), name, nullable ? "an outer join" : "", reads, depth + 1)) return false;
      }
      if (!recursive_reads(member(node, "quals"), name, inner, reads, depth + 1)) return false;
      continue;
    }
    if (!recursive_reads(node, name, inner, reads, depth + 1)) return false;
  }
  return true;
}

// A WITH RECURSIVE query that reads itself must be `<non-recursive term> UNION [ALL] <recursive
// term>`, the second reading it once, outside subqueries, outer joins' nullable sides, INTERSECT
// and EXCEPT; SEARCH and CYCLE need such a query and columns of its list (parse_cte.c).
std::optional<SqlError> recursion_malformed(const Json& query, bool recursive_list) {
  const std::string name = query.value("ctename", "");
  const Json& location = member(query, "location");
  const std::size_t at = location.is_number() ? location.get<std::size_t>() : 0;
  const Json& body = member(member(query, "ctequery"), "SelectStmt");
  if (!body.is_object()) return std::nullopt;
  std::vector<RecursiveRead> reads;
  if (recursive_list && !recursive_reads(body, name, "", reads)) return std::nullopt;
  const Json& search = member(query, "search_clause");
  const Json& cycle = member(query, "cycle_clause");
  const Json& search_clause = member(search, "CTESearchClause").is_object() ? member(search, "CTESearchClause") : search;
  const Json& cycle_clause = member(cycle, "CTECycleClause").is_object() ? member(cycle, "CTECycleClause") : cycle;
  if (reads.empty()) {
    if (search_clause.is_object() || cycle_clause.is_object()) {
      const Json& where = member(search_clause.is_object() ? search_clause : cycle_clause, "location");
      return SqlError{where.is_number() ? where.get<std::size_t>() : at, "WITH query is not recursive (42601)"};
    }
    return std::nullopt;
  }
  if (text_field(body, "op") != "SETOP_UNION") {
    return SqlError{at, fmt::format("recursive query \"{}\" does not have the form non-recursive-term UNION [ALL] recursive-term (42P19)", name)};
  }
  std::vector<RecursiveRead> first_reads;
  recursive_reads(member(body, "larg"), name, "", first_reads);
  if (!first_reads.empty()) {
    return SqlError{first_reads.front().at, fmt::format("recursive reference to query \"{}\" must not appear within its non-recursive term (42P19)", name)};
  }
  for (const auto& [clause, word] : {std::pair{"sortClause", "ORDER BY"}, std::pair{"limitOffset", "OFFSET"}, std::pair{"limitCount", "LIMIT"},
                                     std::pair{"lockingClause", "FOR UPDATE/SHARE"}}) {
    const Json& given = member(body, clause);
    if (given.is_null() || (given.is_array() && given.empty())) continue;
    return SqlError{at, fmt::format("{} in a recursive query is not implemented (0A000)", word)};
  }
  for (const auto& read : reads) {
    if (!read.within.empty()) {
      return SqlError{read.at, fmt::format("recursive reference to query \"{}\" must not appear within {} (42P19)", name, read.within)};
    }
  }
  if (reads.size() > 1) return SqlError{reads[1].at, fmt::format("recursive reference to query \"{}\" must not appear more than once (42P19)", name)};
  // The SELECT that reads it in its FROM list computes no aggregate.
  const Json& recursive_term = select_of(member(body, "rarg"));
  std::vector<RecursiveRead> direct;
  for (const auto& item : member(recursive_term, "fromClause")) {
    if (!item.contains("RangeSubselect")) recursive_reads(item, name, "", direct);
  }
  if (!direct.empty()) {
    for (const char* clause : {"targetList", "havingClause"}) {
      if (const auto call = first_call(member(recursive_term, clause), false)) {
        return SqlError{*call, "aggregate functions are not allowed in a recursive query's recursive term (42P19)"};
      }
    }
  }
  if (!search_clause.is_object() && !cycle_clause.is_object()) return std::nullopt;
  // SEARCH and CYCLE read a plain SELECT on each side, and the query's columns by name.
  for (const char* side : {"larg", "rarg"}) {
    if (text_field(select_of(member(body, side)), "op").empty() || text_field(select_of(member(body, side)), "op") == "SETOP_NONE") continue;
    return SqlError{at, fmt::format("with a SEARCH or CYCLE clause, the {} side of the UNION must be a SELECT (0A000)",
                                    std::string_view(side) == "larg" ? "left" : "right")};
  }
  std::vector<std::string> columns = string_list(member(query, "aliascolnames"));
  if (columns.empty()) {
    for (const auto& target : member(select_of(member(body, "larg")), "targetList")) {
      const QueryColumn column = query_column(target);
      if (column.star || column.row_star) return std::nullopt;
      columns.push_back(column.name);
    }
  }
  const auto listed = [&](const std::string& column) { return std::find(columns.begin(), columns.end(), column) != columns.end(); };
  // SEARCH's and CYCLE's columns: the query's, each once.
  const auto columns_listed_once = [&](const Json& clause, const char* list, std::string_view word) -> std::optional<SqlError> {
    const Json& where = member(clause, "location");
    const std::size_t clause_at = where.is_number() ? where.get<std::size_t>() : at;
    std::set<std::string> seen;
    for (const auto& column : string_list(member(clause, list))) {
      if (!listed(column)) return SqlError{clause_at, fmt::format("{} column \"{}\" not in WITH query column list (42703)", word, column)};
      if (!seen.insert(column).second) return SqlError{clause_at, fmt::format("{} column \"{}\" specified more than once (42701)", word, column)};
    }
    return std::nullopt;
  };
  std::string sequence;
  if (search_clause.is_object()) {
    if (auto error = columns_listed_once(search_clause, "search_col_list", "search")) return error;
    sequence = text_field(search_clause, "search_seq_column");
    if (listed(sequence)) {
      const Json& where = member(search_clause, "location");
      return SqlError{where.is_number() ? where.get<std::size_t>() : at,
                      fmt::format("search sequence column name \"{}\" already used in WITH query column list (42701)", sequence)};
    }
  }
  if (cycle_clause.is_object()) {
    if (auto error = columns_listed_once(cycle_clause, "cycle_col_list", "cycle")) return error;
    const Json& where = member(cycle_clause, "location");
    const std::size_t cycle_at = where.is_number() ? where.get<std::size_t>() : at;
    const std::string mark = text_field(cycle_clause, "cycle_mark_column");
    const std::string path = text_field(cycle_clause, "cycle_path_column");
    if (listed(mark)) return SqlError{cycle_at, fmt::format("cycle mark column name \"{}\" already used in WITH query column list (42701)", mark)};
    if (listed(path)) return SqlError{cycle_at, fmt::format("cycle path column name \"{}\" already used in WITH query column list (42701)", path)};
    if (mark == path) return SqlError{cycle_at, "cycle mark column name and cycle path column name are the same (42701)"};
    if (!sequence.empty() && sequence == mark) return SqlError{cycle_at, "search sequence column name and cycle mark column name are the same (42701)"};
    if (!sequence.empty() && sequence == path) return SqlError{cycle_at, "search sequence column name and cycle path column name are the same (42701)"};
  }
  return std::nullopt;
}

std::optional<SqlError> misplaced_in_select(const Json& select) {
  for (const auto check : {distinct_on_unordered, distinct_order_unselected, grouping_ungrouped, set_operation_order_unknown, unknown_window,
                           limit_unreadable}) {
    if (auto error = check(select)) return error;
  }
  std::set<std::string> with_queries;
  for (const auto& item : member(member(select, "withClause"), "ctes")) {
    const Json& query = member(item, "CommonTableExpr");
    const std::string name = query.value("ctename", "");
    const Json& location = member(query, "location");
    const std::size_t at = location.is_number() ? location.get<std::size_t>() : 0;
    if (!with_queries.insert(name).second) return SqlError{at, fmt::format("WITH query name \"{}\" specified more than once (42712)", name)};
    if (auto error = recursion_malformed(query, flag(member(select, "withClause"), "recursive"))) return error;
    const Json& body = member(query, "ctequery");
    if (!body.is_object() || !body.contains("SelectStmt")) {
      if (!body.is_object() || body.empty()) continue;
      return SqlError{at, fmt::format("WITH query \"{}\" changes data: a view's WITH queries only read (0A000)", name)};
    }
    // Its alias list names no more columns than its select list gives (its first branch's).
    const Json* first = &body.at("SelectStmt");
    while (first->contains("larg") && first->at("larg").is_object()) first = &select_of(first->at("larg"));
    const Json& targets = member(*first, "targetList");
    const Json& rows = member(*first, "valuesLists");
    const bool starred = targets.is_array() && std::any_of(targets.begin(), targets.end(), [](const Json& target) {
      const QueryColumn column = query_column(target);
      return column.star || column.row_star;
    });
    const std::size_t width = targets.is_array() ? targets.size()
                              : rows.is_array() && !rows.empty() ? member(member(rows[0], "List"), "items").size()
                                                                 : 0;
    const std::size_t named = member(query, "aliascolnames").size();
    if (!starred && width > 0 && named > width) {
      return SqlError{at, fmt::format("WITH query \"{}\" has {} columns available but {} columns specified (42P10)", name, width, named)};
    }
  }
  for (const auto& [clause, name] : {std::pair{"whereClause", "WHERE"}, std::pair{"havingClause", "HAVING"}, std::pair{"limitCount", "LIMIT"},
                                     std::pair{"limitOffset", "OFFSET"}, std::pair{"valuesLists", "VALUES"}}) {
    if (const auto at = first_set_returning_call(member(select, clause))) {
      return SqlError{*at, fmt::format("set-returning functions are not allowed in {} (0A000)", name)};
    }
  }
  for (const auto& [clause, name] : {std::pair{"whereClause", "WHERE"}, std::pair{"groupClause", "GROUP BY"}}) {
    if (const auto at = first_call(member(select, clause), false)) {
      return SqlError{*at, fmt::format("aggregate functions are not allowed in {} (42803)", name)};
    }
  }
  for (const auto& [clause, name] : {std::pair{"whereClause", "WHERE"}, std::pair{"groupClause", "GROUP BY"}, std::pair{"havingClause", "HAVING"}}) {
    if (const auto at = first_call(member(select, clause), true)) {
      return SqlError{*at, fmt::format("window functions are not allowed in {} (42P20)", name)};
    }
  }
  if (const Json& rows = member(select, "valuesLists"); rows.is_array()) {
    for (const auto& row : rows) {
      const Json& items = member(member(row, "List"), "items");
      if (items.size() == member(member(rows[0], "List"), "items").size()) continue;
      // Where the shorter or longer list's first value is written.
      const Json& first = items.is_array() && !items.empty() && items[0].is_object() && !items[0].empty() ? items[0].begin().value() : rows[0];
      const Json& location = member(first, "location");
      return SqlError{location.is_number() ? location.get<std::size_t>() : 0, "VALUES lists must all be the same length (42601)"};
    }
  }
  // `GROUP BY 2`, `ORDER BY 3`: a position in the select list.
  if (const auto width = branch_width(select)) {
    for (const auto& [clause, name] : {std::pair{"groupClause", "GROUP BY"}, std::pair{"sortClause", "ORDER BY"}}) {
      for (const auto& item : member(select, clause)) {
        const Json& constant = member(member(item, "SortBy").is_object() ? member(member(item, "SortBy"), "node") : item, "A_Const");
        if (!constant.contains("ival")) continue;
        const Json& value = member(member(constant, "ival"), "ival");
        const long long position = value.is_number_integer() ? value.get<long long>() : 0;
        if (position >= 1 && static_cast<unsigned long long>(position) <= *width) continue;
        const Json& location = member(constant, "location");
        return SqlError{location.is_number() ? location.get<std::size_t>() : 0,
                        fmt::format("{} position {} is not in select list (42P10)", name, position)};
      }
    }
  }
  const std::string operation = select.value("op", "SETOP_NONE");
  if (operation != "SETOP_NONE" && select.contains("larg") && select.contains("rarg")) {
    const auto left = branch_width(select.at("larg"));
    const auto right = branch_width(select.at("rarg"));
    if (left && right && *left != *right) {
      const std::string word = operation == "SETOP_INTERSECT" ? "INTERSECT" : operation == "SETOP_EXCEPT" ? "EXCEPT" : "UNION";
      const Json& targets = member(select.at("rarg"), "targetList");
      const Json& location = targets.is_array() && !targets.empty() ? member(member(targets[0], "ResTarget"), "location") : Json();
      const std::size_t at = location.is_number() ? location.get<std::size_t>() : 0;
      return SqlError{at, fmt::format("each {} query must have the same number of columns (42601)", word)};
    }
  }
  for (auto it = select.begin(); it != select.end(); ++it) {
    const bool branch = (it.key() == "larg" || it.key() == "rarg") && it.value().is_object();
    if (const auto found = branch ? misplaced_in_select(it.value()) : misplaced_in(it.value())) return found;
  }
  return std::nullopt;
}

std::optional<SqlError> misplaced_in(const Json& value) {
  if (value.is_array()) {
    for (const auto& item : value) {
      if (const auto found = misplaced_in(item)) return found;
    }
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "SelectStmt" && it.value().is_object()) {
      if (const auto found = misplaced_in_select(it.value())) return found;
      continue;
    }
    if (it.key() == "SubLink" && it.value().is_object()) {
      // A subquery as a value, or compared with one: as many columns as it is compared with (42601).
      const Json& link = it.value();
      const std::string type = link.value("subLinkType", "");
      const Json& query = member(member(link, "subselect"), "SelectStmt");
      const auto width = query.is_object() ? branch_width(query) : std::nullopt;
      const Json& test = member(link, "testexpr");
      const std::size_t wanted = test.contains("RowExpr") ? member(test.at("RowExpr"), "args").size() : 1;
      const std::size_t at = member(link, "location").is_number() ? member(link, "location").get<std::size_t>() : 0;
      if (width && (type == "EXPR_SUBLINK" || type == "ARRAY_SUBLINK") && *width != 1) {
        return SqlError{at, "subquery must return only one column (42601)"};
      }
      if (width && (type == "ANY_SUBLINK" || type == "ALL_SUBLINK") && *width != wanted) {
        return SqlError{at, *width > wanted ? "subquery has too many columns (42601)" : "subquery has too few columns (42601)"};
      }
    }
    if (it.key() == "A_Expr" && it.value().is_object()) {
      if (const auto row = row_compared_width(it.value())) {
        const Json& link = it.value().at("rexpr").at("SubLink");
        const Json& query = member(member(link, "subselect"), "SelectStmt");
        const auto width = query.is_object() ? branch_width(query) : std::nullopt;
        if (width && *width != *row) {
          const std::size_t at = member(link, "location").is_number() ? member(link, "location").get<std::size_t>() : 0;
          return SqlError{at, *width > *row ? "subquery has too many columns (42601)" : "subquery has too few columns (42601)"};
        }
        if (const auto found = misplaced_in(member(it.value(), "lexpr"))) return found;
        if (const auto found = misplaced_in(member(link, "subselect"))) return found;
        continue;
      }
    }
    if (it.key() == "ParamRef" && it.value().is_object()) {
      // A view's query is no prepared statement: nothing gives it parameters.
      return SqlError{it.value().value("location", std::size_t{0}), fmt::format("there is no parameter ${} (42P02)", it.value().value("number", 0))};
    }
    if (it.key() == "RangeTableSample" && it.value().is_object()) {
      // PostgreSQL's two methods and its contrib modules' two each take one argument.
      const auto method = string_list(array_member(it.value(), "method"));
      const std::string& name = method.empty() ? std::string() : method.back();
      const std::size_t at = it.value().value("location", std::size_t{0});
      static constexpr std::string_view methods[] = {"bernoulli", "system", "system_rows", "system_time"};
      if (method.size() > 2 || (method.size() == 2 && method[0] != "pg_catalog" && method[0] != "public") ||
          std::ranges::find(methods, name) == std::end(methods)) {
        return SqlError{at, fmt::format("tablesample method {} does not exist (42704)", fmt::join(method, "."))};
      }
      if (const std::size_t given = array_member(it.value(), "args").size(); given != 1) {
        return SqlError{at, fmt::format("tablesample method {} requires 1 argument, not {} (22023)", name, given)};
      }
      for (const char* part : {"args", "repeatable"}) {
        const Json& argument = member(it.value(), part);
        if (const auto at = first_call(argument, false)) return SqlError{*at, "aggregate functions are not allowed in functions in FROM (42803)"};
        if (const auto at = first_call(argument, true)) return SqlError{*at, "window functions are not allowed in functions in FROM (42P20)"};
      }
    }
    if (it.key() == "JoinExpr" && it.value().is_object()) {
      const Json& on = member(it.value(), "quals");
      if (const auto at = first_call(on, false)) return SqlError{*at, "aggregate functions are not allowed in JOIN conditions (42803)"};
      if (const auto at = first_call(on, true)) return SqlError{*at, "window functions are not allowed in JOIN conditions (42P20)"};
      if (const auto at = first_set_returning_call(on)) return SqlError{*at, "set-returning functions are not allowed in JOIN conditions (0A000)"};
    }
    if (it.value().is_object()) {
      if (auto error = set_returning_misplaced(it.key(), it.value())) return error;
    }
    if (const auto found = misplaced_in(it.value())) return found;
  }
  return std::nullopt;
}
}  // namespace

namespace {
// The recursive WITH queries anywhere in a statement whose two terms are plain SELECTs without `*`.
void recursive_queries(const Json& statement, std::vector<QueryFacts::RecursiveQuery>& found) {
  const auto first_output = [](const Json& select) -> std::optional<std::size_t> {
    if (!text_field(select, "op").empty() && text_field(select, "op") != "SETOP_NONE") return std::nullopt;
    for (const auto& target : member(select, "targetList")) {
      for (const auto& field : member(member(member(member(target, "ResTarget"), "val"), "ColumnRef"), "fields")) {
        if (field.contains("A_Star")) return std::nullopt;
      }
    }
    const Json& location = member(member(first_element(member(select, "targetList")), "ResTarget"), "location");
    return location.is_number() ? std::optional(location.get<std::size_t>()) : std::nullopt;
  };
  // Without recursion: the tree may nest as deep as the text is long.
  for (std::vector<const Json*> pending{&statement}; !pending.empty();) {
    const Json& value = *pending.back();
    pending.pop_back();
    if (value.is_array()) {
      for (const auto& part : value) pending.push_back(&part);
      continue;
    }
    if (!value.is_object()) continue;
    for (const auto& [key, part] : value.items()) {
      if (key == "withClause" && flag(part, "recursive")) {
        for (const auto& item : member(part, "ctes")) {
          const Json& query = member(item, "CommonTableExpr");
          const Json& body = member(member(query, "ctequery"), "SelectStmt");
          std::vector<RecursiveRead> reads;
          if (text_field(body, "op") != "SETOP_UNION" || !recursive_reads(body, query.value("ctename", ""), "", reads) || reads.empty()) continue;
          const auto first = first_output(select_of(member(body, "larg")));
          const auto recursive = first_output(select_of(member(body, "rarg")));
          if (!first || !recursive) continue;
          std::vector<std::string> columns = string_list(member(query, "aliascolnames"));
          for (const auto& target : member(select_of(member(body, "larg")), "targetList")) {
            if (columns.size() < member(select_of(member(body, "larg")), "targetList").size()) columns.push_back(query_column(target).name);
          }
          found.push_back({query.value("ctename", ""), std::move(columns), *first, *recursive});
        }
      }
      pending.push_back(&part);
    }
  }
}
}  // namespace

std::optional<std::string> not_automatically_updatable(std::string_view query) {
  const Tree tree = parse(std::string(query), deepest_walked_tree);
  if (tree.error) return std::nullopt;
  const Json& statements = array_member(tree.json, "stmts");
  if (statements.size() != 1) return std::nullopt;
  const Json& select = member(member(statements[0], "stmt"), "SelectStmt");
  if (!select.is_object()) return std::nullopt;
  if (text_field(select, "op") != "" && text_field(select, "op") != "SETOP_NONE") return "is a set operation";
  if (select.contains("valuesLists")) return "is a VALUES list";
  static constexpr std::pair<const char*, const char*> clauses[] = {
      {"withClause", "has WITH"},        {"distinctClause", "has DISTINCT"}, {"groupClause", "has GROUP BY"},
      {"havingClause", "has HAVING"},   {"limitCount", "has LIMIT"},        {"limitOffset", "has OFFSET"},
      {"windowClause", "has a WINDOW clause"}};
  for (const auto& [clause, why] : clauses) {
    if (select.contains(clause)) return why;
  }
  const Json& from = member(select, "fromClause");
  if (!from.is_array() || from.size() != 1 || !from[0].contains("RangeVar")) return "does not read exactly one table or view";
  // An aggregate or window function anywhere in the select list (a subquery's are its own).
  std::optional<std::string> why;
  const auto look = [&](const std::string& key, const Json& value) {
    if (key == "SubLink") return Walk::skip;
    if (key == "FuncCall" && value.is_object() && value.contains("over")) why = "has a window function in its select list";
    if (key == "FuncCall" && value.is_object() && !why && is_aggregate_call(value)) why = "has an aggregate in its select list";
    if (key == "FuncCall" && value.is_object() && !why) {
      const auto names = string_list(array_member(value, "funcname"));
      std::span<const CatalogFunction> functions;
      if (!names.empty() && (names.size() == 1 || (names.size() == 2 && names[0] == "pg_catalog"))) functions = catalog_functions(names.back());
      if (!functions.empty() && functions.front().kind == 's') why = "has a set-returning function in its select list";
    }
    return why ? Walk::stop : Walk::descend;
  };
  walk_members(member(select, "targetList"), look);
  return why;
}

QueryFacts read_query(std::string_view text, const FunctionKind& function_kind) {
  struct Told {
    explicit Told(const FunctionKind* told) : before(function_kind_while_reading) { function_kind_while_reading = told; }
    ~Told() { function_kind_while_reading = before; }
    const FunctionKind* before;
  } told(&function_kind);
  QueryFacts facts;
  const Tree tree = parse(std::string(text), deepest_walked_tree);
  if (tree.error) {
    facts.error = tree.error;
    return facts;
  }
  const Json& statements = array_member(tree.json, "stmts");
  if (statements.size() != 1) {
    facts.error = SqlError{0, statements.empty() ? "it is empty" : "it holds more than one statement"};
    return facts;
  }
  const auto [kind, node] = node_of(statements[0]);
  if (kind != "SelectStmt" || node->contains("intoClause")) {
    facts.error = SqlError{0, "a view's query must be one SELECT"};
    return facts;
  }
  if (auto misplaced = misplaced_in(statements[0])) {
    facts.error = std::move(misplaced);
    return facts;
  }
  // Which names mean WITH queries first, so that they are not taken for tables.
  const WithQueries ctes = with_queries(*node);
  collect_query(*node, facts, ctes);
  facts.later_with_queries = ctes.defined_later;
  facts.with_query_names = ctes.names;
  set_operations(statements[0], ctes, facts);
  collect_stars(statements[0], text, ctes, facts.stars);
  ExpressionFacts names;
  collect_names(*node, 0, names);
  facts.sequences = std::move(names.sequences);
  const Json* first = node;
  // A set operation's columns are its first branch's (the tree holds the branch unwrapped).
  while (first->contains("larg") && first->at("larg").is_object()) {
    const Json& left = first->at("larg");
    first = left.contains("SelectStmt") ? &left.at("SelectStmt") : &left;
  }
  for (const auto& item : array_member(*first, "fromClause")) facts.from.push_back(from_item(item, ctes));
  const Json& distinct = member(*first, "distinctClause");
  facts.deduplicated = (distinct.is_array() && distinct.size() == 1 && distinct[0].is_object() && distinct[0].empty()) ||
                       (node->value("op", "SETOP_NONE") != "SETOP_NONE" && !flag(*node, "all"));
  if (first->contains("valuesLists")) {
    const auto& rows = first->at("valuesLists");
    const std::size_t width = rows.empty() ? 0 : array_member(object_member(rows[0], "List"), "items").size();
    for (std::size_t i = 0; i < width; ++i) {
      QueryColumn column;
      column.name = "column" + std::to_string(i + 1);
      facts.outputs.push_back(std::move(column));
    }
  }
  for (const auto& target : array_member(*first, "targetList")) facts.outputs.push_back(query_column(target, &ctes));
  facts.grouping = grouping_of(*first);
  collect_scopes(*node, ctes, std::nullopt, std::nullopt, facts.scopes);
  recursive_queries(*node, facts.recursive_queries);
  return facts;
}

std::vector<QueryRelation> relations_in_routine_body(std::string_view body, std::set<std::string>* with_queries) {
  const Tree tree = parse(std::string(body), deepest_walked_tree);
  if (tree.error) return {};
  std::vector<QueryRelation> relations;
  for (const auto& statement : array_member(tree.json, "stmts")) {
    const auto [kind, node] = node_of(statement);
    if (kind != "SelectStmt" && kind != "InsertStmt" && kind != "UpdateStmt" && kind != "DeleteStmt" && kind != "MergeStmt") continue;
    QueryFacts facts;
    const WithQueries ctes = migc::with_queries(*node);
    collect_query(*node, facts, ctes);
    if (with_queries != nullptr) with_queries->insert(ctes.names.begin(), ctes.names.end());
    for (auto& relation : facts.relations) relations.push_back(std::move(relation));
    // The table a data-changing statement writes is its bare `relation`, here or in a WITH query.
    std::vector<std::pair<std::string, const Json*>> pending{{kind, node}};
    while (!pending.empty()) {
      const auto [key, value] = pending.back();
      pending.pop_back();
      if ((key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt") && value->is_object() &&
          value->contains("relation") && value->at("relation").is_object()) {
        const Json& target = value->at("relation");
        QueryRelation relation;
        relation.names = relation_names(*value);
        relation.offset = static_cast<std::size_t>(target.value("location", 0));
        if (!(relation.names.size() == 1 && ctes.names.contains(relation.names[0]))) relations.push_back(std::move(relation));
      }
      if (value->is_object()) {
        for (auto it = value->begin(); it != value->end(); ++it) pending.emplace_back(it.key(), &it.value());
      } else if (value->is_array()) {
        for (const auto& item : *value) pending.emplace_back(std::string(), &item);
      }
    }
  }
  return relations;
}

namespace {
// LIKE as PostgreSQL matches it (`%` any run, `_` one character, `\` escaping the next), on
// characters; ILIKE folds ASCII letters only, so a text or pattern past ASCII is not judged.
std::optional<bool> like(std::string_view text, std::string_view pattern, bool insensitive) {
  const auto past_ascii = [](std::string_view s) { return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }); };
  if (insensitive && (past_ascii(text) || past_ascii(pattern))) return std::nullopt;
  const auto fold = [&](char c) { return insensitive ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c; };
  // One character of UTF-8 text: its lead byte and continuation bytes.
  const auto length_at = [](std::string_view s, std::size_t at) {
    std::size_t end = at + 1;
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    return end - at;
  };
  // Matched positions of the pattern against the text, as a set of text offsets (no backtracking blow-up).
  std::vector<char> reachable(text.size() + 1, 0);
  reachable[0] = 1;
  for (std::size_t p = 0; p < pattern.size();) {
    std::vector<char> next(text.size() + 1, 0);
    if (pattern[p] == '%') {
      bool any = false;
      for (std::size_t t = 0; t <= text.size(); t += t < text.size() ? length_at(text, t) : 1) {
        any = any || reachable[t];
        if (any) next[t] = 1;
        if (t == text.size()) break;
      }
      ++p;
    } else if (pattern[p] == '_') {
      for (std::size_t t = 0; t < text.size(); t += length_at(text, t)) {
        if (reachable[t]) next[t + length_at(text, t)] = 1;
      }
      ++p;
    } else {
      if (pattern[p] == '\\') {
        if (p + 1 == pattern.size()) return std::nullopt;  // PostgreSQL: "LIKE pattern must not end with escape character"
        ++p;
      }
      const std::size_t size = length_at(pattern, p);
      const std::string_view wanted = pattern.substr(p, size);
      for (std::size_t t = 0; t + size <= text.size(); t += length_at(text, t)) {
        if (!reachable[t]) continue;
        bool same = true;
        for (std::size_t k = 0; k < size && same; ++k) same = fold(text[t + k]) == fold(wanted[k]);
        if (same && (t + size == text.size() || (static_cast<unsigned char>(text[t + size]) & 0xC0) != 0x80)) next[t + size] = 1;
      }
      p += size;
    }
    reachable = std::move(next);
  }
  return reachable[text.size()] != 0;
}

// An operand of a domain's check, as the evaluation reads it: a number, a string, or VALUE's length.
struct CheckOperand {
  std::optional<Decimal> number;
  std::optional<std::string> text;
};

class CheckEvaluation {
 public:
  CheckEvaluation(std::string_view sql, const std::optional<std::string>& value, bool numeric) : sql_(sql), value_(value), numeric_(numeric) {}

  std::optional<bool> truth(const Json& node) const {
    if (!node.is_object() || node.size() != 1) return std::nullopt;
    const std::string& kind = node.begin().key();
    const Json& body = node.begin().value();
    if (kind == "BoolExpr") {
      const std::string op = body.value("boolop", "");
      const Json& args = array_member(body, "args");
      if (op == "NOT_EXPR") {
        if (args.size() != 1) return std::nullopt;
        const auto inner = truth(args[0]);
        return inner ? std::optional<bool>(!*inner) : std::nullopt;
      }
      // Three-valued: one false decides AND, one true decides OR.
      const bool conjunction = op == "AND_EXPR";
      bool unknown = false;
      for (const auto& arg : args) {
        const auto part = truth(arg);
        if (!part) {
          unknown = true;
        } else if (*part != conjunction) {
          return !conjunction;
        }
      }
      if (unknown) return std::nullopt;
      return conjunction;
    }
    if (kind == "NullTest") {
      if (!is_value(object_member(body, "arg"))) return std::nullopt;
      return body.value("nulltesttype", "") == (value_ ? "IS_NOT_NULL" : "IS_NULL");
    }
    if (kind != "A_Expr") return std::nullopt;
    const std::string expression_kind = body.value("kind", "");
    const auto names = array_member(body, "name");
    const std::string op = names.size() == 1 ? object_member(names[0], "String").value("sval", "") : "";
    if (expression_kind == "AEXPR_DISTINCT" || expression_kind == "AEXPR_NOT_DISTINCT") {
      // NULL is not distinct from NULL, and distinct from any value.
      const Json& one = member(body, "lexpr");
      const Json& other = member(body, "rexpr");
      const bool one_null = is_null(one);
      const bool other_null = is_null(other);
      std::optional<bool> distinct;
      if (one_null || other_null) {
        distinct = one_null != other_null;
      } else {
        const auto a = operand(one);
        const auto b = operand(other);
        const auto equal = a && b ? compare(*a, "=", *b) : std::nullopt;
        if (equal) distinct = !*equal;
      }
      if (!distinct) return std::nullopt;
      return *distinct == (expression_kind == "AEXPR_DISTINCT");
    }
    const auto left = operand(object_member(body, "lexpr"));
    if (!left) return std::nullopt;
    const Json& right = object_member(body, "rexpr");
    if (expression_kind == "AEXPR_OP") {
      const auto other = operand(right);
      return other ? compare(*left, op, *other) : std::nullopt;
    }
    if (expression_kind == "AEXPR_LIKE" || expression_kind == "AEXPR_ILIKE") {
      const auto pattern = operand(right);
      if (!pattern || !left->text || !pattern->text || left->number) return std::nullopt;
      const bool negated = op.starts_with("!");
      const auto matched = like(*left->text, *pattern->text, expression_kind == "AEXPR_ILIKE");
      return matched ? std::optional<bool>(*matched != negated) : std::nullopt;
    }
    const Json& items = array_member(object_member(right, "List"), "items");
    if (expression_kind == "AEXPR_IN") {
      bool unknown = false;
      for (const auto& item : items) {
        const auto other = operand(item);
        const auto equal = other ? compare(*left, "=", *other) : std::nullopt;
        if (!equal) {
          unknown = true;
        } else if (*equal) {
          return op == "=";
        }
      }
      if (unknown) return std::nullopt;
      return op != "=";
    }
    if (expression_kind == "AEXPR_BETWEEN" || expression_kind == "AEXPR_NOT_BETWEEN") {
      if (items.size() != 2) return std::nullopt;
      const auto low = operand(items[0]);
      const auto high = operand(items[1]);
      if (!low || !high) return std::nullopt;
      const auto above = compare(*left, ">=", *low);
      const auto below = compare(*left, "<=", *high);
      if (!above || !below) return std::nullopt;
      return (*above && *below) == (expression_kind == "AEXPR_BETWEEN");
    }
    return std::nullopt;
  }

 private:
  static bool is_value(const Json& node) {
    const Json& fields = array_member(object_member(node, "ColumnRef"), "fields");
    return fields.size() == 1 && object_member(fields[0], "String").value("sval", "") == "value";
  }

  // VALUE when it is NULL, or a NULL constant; nothing else is known to be.
  bool is_null(const Json& node) const { return (is_value(node) && !value_) || flag(member(node, "A_Const"), "isnull"); }

  std::optional<CheckOperand> operand(const Json& node) const {
    if (const Json& coalesce = member(node, "CoalesceExpr"); coalesce.is_object()) {
      // Its first argument that is not NULL, where the evaluation knows which that is.
      for (const auto& argument : member(coalesce, "args")) {
        if (is_null(argument)) continue;
        if (is_value(argument) || argument.contains("A_Const")) return operand(argument);
        return std::nullopt;
      }
      return std::nullopt;
    }
    if (is_value(node)) {
      if (!value_) return std::nullopt;
      if (numeric_) {
        const auto number = Decimal::parse(*value_);
        if (!number) return std::nullopt;
        return CheckOperand{number, std::nullopt};
      }
      return CheckOperand{std::nullopt, *value_};
    }
    if (node.contains("FuncCall") && !numeric_) {
      const Json& call = node["FuncCall"];
      const auto names = string_list(array_member(call, "funcname"));
      const Json& args = array_member(call, "args");
      const std::string name = names.empty() ? "" : names.back();
      if ((names.size() == 1 || (names.size() == 2 && names[0] == "pg_catalog")) && args.size() == 1 && is_value(args[0]) &&
          (name == "length" || name == "char_length" || name == "character_length") && call.size() <= 4) {
        if (!value_) return std::nullopt;
        return CheckOperand{Decimal::of(static_cast<long long>(characters_in(*value_))), std::nullopt};
      }
      return std::nullopt;
    }
    if (!node.contains("A_Const")) return std::nullopt;
    const Json& constant = node["A_Const"];
    if (constant.contains("sval")) {
      const std::string text = constant["sval"].value("sval", "");
      if (numeric_) {
        const auto number = Decimal::parse(text);
        if (!number) return std::nullopt;
        return CheckOperand{number, std::nullopt};
      }
      return CheckOperand{std::nullopt, text};
    }
    std::string written;
    if (constant.contains("fval")) {
      written = constant["fval"].value("fval", "");
    } else if (constant.contains("ival")) {
      // The tree leaves out a negative (or zero) integer's value: its text says it.
      if (constant["ival"].contains("ival")) {
        written = std::to_string(constant["ival"]["ival"].get<std::int64_t>());
      } else {
        std::size_t at = constant.value("location", std::size_t{0});
        std::size_t end = at;
        if (end < sql_.size() && (sql_[end] == '-' || sql_[end] == '+')) ++end;
        while (end < sql_.size() && std::isdigit(static_cast<unsigned char>(sql_[end]))) ++end;
        written = std::string(sql_.substr(at, end - at));
      }
    } else {
      return std::nullopt;
    }
    const auto number = Decimal::parse(written);
    if (!number) return std::nullopt;
    return CheckOperand{number, std::nullopt};
  }

  static std::optional<bool> compare(const CheckOperand& left, const std::string& op, const CheckOperand& right) {
    if (left.number && right.number) {
      const Decimal& a = *left.number;
      const Decimal& b = *right.number;
      if (op == "=") return a == b;
      if (op == "<>" || op == "!=") return a != b;
      if (op == "<") return a < b;
      if (op == "<=") return a <= b;
      if (op == ">") return a > b;
      if (op == ">=") return a >= b;
      return std::nullopt;
    }
    if (left.text && right.text) {
      if (op == "=") return *left.text == *right.text;
      if (op == "<>" || op == "!=") return *left.text != *right.text;
    }
    return std::nullopt;
  }

  std::string_view sql_;
  const std::optional<std::string>& value_;  // nothing: NULL, which any comparison leaves unknown
  bool numeric_;
};
}  // namespace

std::size_t characters_in(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view first_characters(std::string_view text, std::size_t count) {
  std::size_t at = 0;
  for (std::size_t seen = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && seen++ == count) break;
  }
  return text.substr(0, at);
}

std::optional<bool> domain_check_holds(std::string_view check, const std::optional<std::string>& value, bool numeric) {
  const std::string sql = "SELECT (" + std::string(check) + "\n)";
  const Tree tree = parse(sql);
  if (tree.error) return std::nullopt;
  const Json& statements = array_member(tree.json, "stmts");
  if (statements.size() != 1) return std::nullopt;
  const auto [kind, node] = node_of(statements[0]);
  const Json& targets = array_member(*node, "targetList");
  if (kind != "SelectStmt" || targets.size() != 1) return std::nullopt;
  return CheckEvaluation(sql, value, numeric).truth(object_member(object_member(targets[0], "ResTarget"), "val"));
}

std::string index_column_name(std::string_view expression) {
  const Tree tree = parse("SELECT (" + std::string(expression) + "\n)");
  if (tree.error) return "expr";
  const Json& statements = array_member(tree.json, "stmts");
  if (statements.size() != 1) return "expr";
  const auto [kind, node] = node_of(statements[0]);
  const Json& targets = array_member(*node, "targetList");
  if (kind != "SelectStmt" || targets.size() != 1) return "expr";
  std::string name;
  return figure_column_name(object_member(targets[0]["ResTarget"], "val"), name) > 0 ? name : "expr";
}

bool anonymous_record(std::string_view expression) {
  const Tree tree = parse("SELECT (" + std::string(expression) + "\n)");
  const Json& statements = array_member(tree.json, "stmts");
  if (tree.error || statements.size() != 1) return false;
  const auto [kind, node] = node_of(statements[0]);
  const Json& targets = array_member(*node, "targetList");
  return kind == "SelectStmt" && targets.size() == 1 && query_column(targets[0]).anonymous_record;
}

namespace {
const QueryFromItem* item_named(const QueryFromItem& item, const std::string& alias) {
  if (item.alias == alias) return &item;
  for (const auto& part : item.parts) {
    if (const QueryFromItem* found = item_named(part, alias)) return found;
  }
  return nullptr;
}

// Whether `item` has a column `name` of type record: yes, no, or nullopt where it has no such
// column or the compiler cannot tell (`unknown`).
std::optional<bool> record_column_of(const QueryFromItem& item, const std::string& name, const ColumnsOf& columns_of, bool& unknown) {
  if (item.parts.size() == 2) {
    if (std::find(item.using_columns.begin(), item.using_columns.end(), name) != item.using_columns.end()) return false;
    for (const auto& part : item.parts) {
      if (const auto found = record_column_of(part, name, columns_of, unknown)) return found;
    }
    return std::nullopt;
  }
  const bool subquery = item.names.empty() && item.function.empty() && !item.opaque;
  if (subquery && item.select_list.empty()) {
    const auto at = std::find(item.columns.begin(), item.columns.end(), name);
    if (at == item.columns.end()) return std::nullopt;
    const auto position = static_cast<std::size_t>(at - item.columns.begin());
    return position < item.records.size() && item.records[position];
  }
  if (subquery && item.renamed.empty()) {
    for (const auto& output : item.select_list) {
      if (output.row_star) {
        unknown = true;
      } else if (output.star) {
        for (const auto& inner : item.subquery_from) {
          const QueryFromItem* starred = output.column.empty() ? &inner : item_named(inner, output.column.back());
          if (starred == nullptr) continue;
          if (const auto found = record_column_of(*starred, name, columns_of, unknown)) return found;
        }
      } else if (output.name == name) {
        return output.anonymous_record;
      }
    }
    return std::nullopt;
  }
  if (!item.names.empty() && !item.opaque) {
    if (const auto columns = columns_of(item)) {
      if (std::find(columns->begin(), columns->end(), name) == columns->end()) return std::nullopt;
      return false;
    }
  }
  unknown = true;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> record_column(const QueryFromItem& item, int depth) {
  if (depth > 64) return std::nullopt;
  for (const auto& part : item.parts) {
    if (auto found = record_column(part, depth + 1)) return found;
  }
  if (!item.names.empty() || !item.function.empty() || item.opaque) return std::nullopt;
  for (std::size_t i = 0; i < item.records.size() && i < item.columns.size(); ++i) {
    if (item.records[i]) return item.columns[i];
  }
  for (const auto& output : item.select_list) {
    if (output.anonymous_record && !output.star && !output.row_star) return output.name;
    if (!output.star) continue;
    for (const auto& inner : item.subquery_from) {
      const QueryFromItem* starred = output.column.empty() ? &inner : item_named(inner, output.column.back());
      if (starred == nullptr) continue;
      if (auto found = record_column(*starred, depth + 1)) return found;
    }
  }
  return std::nullopt;
}

bool names_record(const std::vector<std::string>& reference, const std::vector<QueryFromItem>& from, const ColumnsOf& columns_of) {
  bool unknown = false;
  if (reference.size() == 2) {
    for (const auto& item : from) {
      if (const QueryFromItem* named = item_named(item, reference[0])) return record_column_of(*named, reference[1], columns_of, unknown).value_or(false);
    }
    return false;
  }
  if (reference.size() != 1) return false;
  for (const auto& item : from) {
    if (const auto found = record_column_of(item, reference[0], columns_of, unknown)) return *found;
  }
  if (unknown) return false;
  // No column has the name: it is an item's whole row, a record where the item is a subquery's.
  for (const auto& item : from) {
    const QueryFromItem* named = item_named(item, reference[0]);
    if (named != nullptr) return named->names.empty() && named->parts.empty() && named->function.empty();
  }
  return false;
}

std::vector<SqlColumnReference> column_references(std::string_view text, bool within_subqueries) {
  static constexpr std::string_view prefix = "SELECT (";
  const Tree tree = parse(std::string(prefix) + std::string(text) + "\n)");
  std::vector<SqlColumnReference> found;
  if (tree.error) return found;
  // Without recursion: an expression may nest as deep as its text is long.
  std::vector<const Json*> pending{&tree.json};
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_object()) {
      if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
        SqlColumnReference reference;
        for (const auto& field : array_member(*ref, "fields")) {
          if (field.contains("String")) reference.names.push_back(field["String"].value("sval", ""));
        }
        const std::size_t location = ref->value("location", prefix.size());
        reference.offset = location < prefix.size() ? 0 : location - prefix.size();
        if (!reference.names.empty()) found.push_back(std::move(reference));
        continue;
      }
      if (const auto sublink = node.find("SubLink"); !within_subqueries && sublink != node.end() && sublink->is_object()) {
        // `x in (select ...)`: x is the expression's, the rest the subquery's.
        if (const auto test = sublink->find("testexpr"); test != sublink->end()) pending.push_back(&*test);
        continue;
      }
      for (const auto& [_, value] : node.items()) pending.push_back(&value);
    } else if (node.is_array()) {
      for (const auto& value : node) pending.push_back(&value);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return found;
}

std::optional<std::string> with_column_renamed(std::string_view expression, const std::string& from, const std::string& to) {
  const std::string written = quote_identifier(from);
  std::string renamed;
  std::size_t done = 0;
  for (const auto& reference : column_references(expression)) {
    if (std::find(reference.names.begin(), reference.names.end(), from) == reference.names.end()) continue;
    const std::size_t at = reference.offset;
    const std::size_t end = at + written.size();
    const bool exact = reference.names.size() == 1 && expression.substr(at, written.size()) == written &&
                       (end == expression.size() || !(std::isalnum(static_cast<unsigned char>(expression[end])) || expression[end] == '_' ||
                                                      expression[end] == '$' || static_cast<unsigned char>(expression[end]) >= 0x80));
    if (!exact) return std::nullopt;
    renamed.append(expression, done, at - done);
    renamed += quote_identifier(to);
    done = end;
  }
  renamed.append(expression, done);
  return renamed;
}

namespace {

// A parse tree node is an object of one key, the node's type: {"A_Const": {...}}. Other objects
// (a TypeName, a list's fields) are parts of the node that holds them.
const Json* node_body(const Json& value, std::string* type) {
  if (!value.is_object() || value.size() != 1) return nullptr;
  const auto only = value.begin();
  if (!only.value().is_object() || only.key().empty() || !std::isupper(static_cast<unsigned char>(only.key()[0]))) return nullptr;
  *type = only.key();
  return &only.value();
}

using NodeKind = SqlExpressionNode::Kind;

// Reads one node of the tree into `node`, and says which parts of it are its children, in order.
// The expression nodes inside `within` (not it), outermost first met: none inside another.
void outermost_expressions(const Json& within, std::vector<const Json*>& found) {
  for (std::vector<const Json*> pending{&within}; !pending.empty();) {
    const Json& value = *pending.back();
    pending.pop_back();
    std::string inner;
    if (&value != &within && node_body(value, &inner) != nullptr) {
      found.push_back(&value);
    } else if (value.is_object()) {
      for (const auto& [_, part] : value.items()) pending.push_back(&part);
    } else if (value.is_array()) {
      for (const auto& part : value) pending.push_back(&part);
    }
  }
}

// A call's children past its arguments have their `parts` said (`parts` may be shorter).
std::vector<const Json*> read_node(const std::string& type, const Json& body, std::size_t prefix, bool subqueries_apart, SqlExpressionNode& node,
                                   std::vector<const char*>* parts) {
  const auto offset = [&](const Json& where) {
    const std::size_t location = where.value("location", prefix);
    return location < prefix ? 0 : location - prefix;
  };
  std::vector<const Json*> children;
  if (type == "ColumnRef") {
    node.kind = NodeKind::column;
    for (const auto& field : array_member(body, "fields")) {
      if (!field.contains("String")) {
        node.kind = NodeKind::other;  // `t.*`
        return children;
      }
      node.names.push_back(field["String"].value("sval", ""));
    }
    node.offset = offset(body);
    return children;
  }
  if (type == "A_Const") {
    node.kind = NodeKind::constant;
    node.offset = offset(body);
    using Constant = SqlConstant::Kind;
    if (body.value("isnull", false)) {
      node.constant = Constant::null;
    } else if (body.contains("sval")) {
      node.constant = Constant::string;
      node.value = body["sval"].value("sval", "");
    } else if (body.contains("ival")) {
      node.constant = Constant::integer;
      const Json& number = member(body.at("ival"), "ival");
      node.value = number.is_number() ? std::to_string(number.get<long long>()) : "0";
    } else if (body.contains("fval")) {
      node.constant = Constant::number;
      node.value = body["fval"].value("fval", "");
    } else if (body.contains("boolval")) {
      node.constant = Constant::boolean;
    } else if (body.contains("bsval")) {
      node.constant = Constant::bits;
    } else {
      node.kind = NodeKind::other;
    }
    return children;
  }
  if (type == "SQLValueFunction") {
    // current_date and the like: a value of the type each one gives.
    static const std::map<std::string, std::string, std::less<>> types{
        {"SVFOP_CURRENT_DATE", "date"},
        {"SVFOP_CURRENT_TIME", "time with time zone"},
        {"SVFOP_CURRENT_TIME_N", "time with time zone"},
        {"SVFOP_CURRENT_TIMESTAMP", "timestamp with time zone"},
        {"SVFOP_CURRENT_TIMESTAMP_N", "timestamp with time zone"},
        {"SVFOP_LOCALTIME", "time without time zone"},
        {"SVFOP_LOCALTIME_N", "time without time zone"},
        {"SVFOP_LOCALTIMESTAMP", "timestamp without time zone"},
        {"SVFOP_LOCALTIMESTAMP_N", "timestamp without time zone"}};
    const auto found = types.find(text_field(body, "op"));
    node.kind = found != types.end() ? NodeKind::value : NodeKind::other;
    if (found != types.end()) node.names = {found->second};
    node.offset = offset(body);
    return children;
  }
  if (type == "CaseExpr") {
    node.kind = NodeKind::choice;
    node.offset = offset(body);
    std::vector<const Json*> rest;
    // A simple CASE compares its subject with each WHEN's value by `=`.
    if (const auto tested = body.find("arg"); tested != body.end()) {
      rest.push_back(&*tested);
      node.comparison = SqlExpressionNode::Comparison::each_operand;
    }
    if (const auto branches = body.find("args"); branches != body.end() && branches->is_array()) {
      for (const auto& branch : *branches) {
        const auto when = branch.find("CaseWhen");
        if (when == branch.end()) continue;
        if (const auto result = when->find("result"); result != when->end()) children.push_back(&*result);
        if (const auto condition = when->find("expr"); condition != when->end()) rest.push_back(&*condition);
      }
    }
    // transformCaseExpr() weighs the ELSE's type first.
    if (const auto otherwise = body.find("defresult"); otherwise != body.end()) children.insert(children.begin(), &*otherwise);
    node.results = children.size();
    children.insert(children.end(), rest.begin(), rest.end());
    return children;
  }
  if (type == "CoalesceExpr" || type == "MinMaxExpr") {
    node.kind = NodeKind::choice;
    node.names = {type == "CoalesceExpr" ? "COALESCE" : text_field(body, "op") == "IS_GREATEST" ? "GREATEST" : "LEAST"};
    node.offset = offset(body);
    if (const auto arguments = body.find("args"); arguments != body.end() && arguments->is_array()) {
      for (const auto& argument : *arguments) children.push_back(&argument);
    }
    node.results = children.size();
    return children;
  }
  if (type == "A_ArrayExpr") {
    node.kind = NodeKind::array;
    node.offset = offset(body);
    if (const auto elements = body.find("elements"); elements != body.end() && elements->is_array()) {
      for (const auto& element : *elements) children.push_back(&element);
    }
    return children;
  }
  if (type == "TypeCast") {
    node.kind = NodeKind::cast;
    const Json& type_name = object_member(body, "typeName");
    node.names = string_list(array_member(type_name, "names"));
    node.array = type_name.contains("arrayBounds");
    if (type_name.value("setof", false) || type_name.contains("pct_type")) node.kind = NodeKind::other;
    node.offset = offset(type_name);
    for (const auto& modifier : array_member(type_name, "typmods")) {
      const Json& number = member(member(member(modifier, "A_Const"), "ival"), "ival");
      if (!node.modifiers.empty()) node.modifiers += ',';
      // An integer constant's value is left out of the tree when it is 0.
      node.modifiers += !member(modifier, "A_Const").is_object() || member(member(modifier, "A_Const"), "fval").is_object() ? "?"
                        : number.is_number()                                                                             ? std::to_string(number.get<long long>())
                                                                                                                         : "0";
    }
    if (body.contains("arg")) children.push_back(&body["arg"]);
    return children;
  }
  if (type == "SubLink") {
    // `(select ...)`, `array(select ...)`, `exists (...)`, `x in (select ...)`, `x > any (select ...)`.
    const std::string kind = text_field(body, "subLinkType");
    node.sublink = kind.substr(0, kind.find('_'));
    node.offset = offset(body);
    const Json& select = member(member(body, "subselect"), "SelectStmt");
    const Json& location = member(member(first_element(member(select, "targetList")), "ResTarget"), "location");
    if ((text_field(select, "op").empty() || text_field(select, "op") == "SETOP_NONE") && member(select, "targetList").size() == 1 &&
        location.is_number() && location.get<std::size_t>() >= prefix) {
      node.subquery_output = location.get<std::size_t>() - prefix;
    }
    node.names = string_list(member(body, "operName"));
    if (node.sublink == "ANY" && node.names.empty()) node.names = {"="};  // IN
    if (const auto test = body.find("testexpr"); test != body.end() && test->is_object()) {
      children.push_back(&*test);
      parts->resize(children.size(), "");
      parts->back() = "test";
    }
    // The subquery's own expressions, its level's.
    if (!subqueries_apart) outermost_expressions(member(body, "subselect"), children);
    return children;
  }
  if (type == "A_Expr") {
    const std::string kind = text_field(body, "kind");
    if (kind == "AEXPR_OP" || kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
      node.kind = NodeKind::operation;
      node.names = string_list(array_member(body, "name"));
      node.prefix = !body.contains("lexpr");
      node.offset = offset(body);
      if (body.contains("lexpr")) children.push_back(&body["lexpr"]);
      if (body.contains("rexpr")) children.push_back(&body["rexpr"]);
      if (!body.contains("rexpr")) node.kind = NodeKind::other;
      return children;
    }
    if (kind == "AEXPR_NULLIF") {
      // Its `=` resolved as any operator's; it gives its first argument, as that operator takes it.
      node.kind = NodeKind::operation;
      node.names = string_list(array_member(body, "name"));
      node.nullif = true;
      node.offset = offset(body);
      children.push_back(&member(body, "lexpr"));
      children.push_back(&member(body, "rexpr"));
      return children;
    }
    node.kind = NodeKind::boolean;
    // `x in (...)` compares with `=` (`not in`, `<>`), `between` as its name says, `is [not] distinct from` with `=`.
    const bool quantified = kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL";
    if (kind == "AEXPR_IN" || kind.starts_with("AEXPR_BETWEEN") || kind.starts_with("AEXPR_NOT_BETWEEN") || kind == "AEXPR_DISTINCT" ||
        kind == "AEXPR_NOT_DISTINCT" || quantified) {
      node.names = string_list(array_member(body, "name"));
      node.comparison = quantified ? SqlExpressionNode::Comparison::each_element : SqlExpressionNode::Comparison::each_operand;
      if (quantified) node.offset = offset(body);
      // The left operand first, then each of the list's (or the array, or the other side).
      if (body.contains("lexpr")) children.push_back(&body["lexpr"]);
      if (const auto right = body.find("rexpr"); right != body.end()) {
        if (const auto list = right->find("List"); list != right->end()) {
          if (const auto items = list->find("items"); items != list->end() && items->is_array()) {
            for (const auto& item : *items) children.push_back(&item);
          }
        } else {
          children.push_back(&*right);
        }
      }
      return children;
    }
  } else if (type == "FuncCall") {
    node.kind = NodeKind::function;
    node.names = string_list(array_member(body, "funcname"));
    node.offset = offset(body);
    // A window named in the query's WINDOW clause is that clause's to type.
    const bool named_window = body.contains("over") && (body["over"].contains("name") || body["over"].contains("refname"));
    if (body.contains("agg_within_group") || body.contains("func_variadic") || named_window) node.kind = NodeKind::other;
    node.distinct = body.value("agg_distinct", false);
    if (const auto arguments = body.find("args"); arguments != body.end() && arguments->is_array()) {
      for (const auto& argument : *arguments) {
        if (argument.contains("NamedArgExpr")) node.kind = NodeKind::other;
        children.push_back(&argument);
      }
    }
    if (node.kind == NodeKind::function) {
      // Pointers into the tree itself: no copy of a part of it may be read here.
      const auto sorted = [&](const Json& list, const char* part) {
        if (!list.is_array()) return;
        for (const auto& item : list) {
          const Json& sort = member(item, "SortBy");
          if (sort.contains("node")) {
            children.push_back(&sort["node"]);
            parts->resize(children.size(), "");
            parts->back() = part;
          }
        }
      };
      if (const auto filter = body.find("agg_filter"); filter != body.end()) {
        children.push_back(&*filter);
        parts->resize(children.size(), "");
        parts->back() = "FILTER";
      }
      if (const auto order = body.find("agg_order"); order != body.end()) sorted(*order, "ORDER BY");
      if (const auto over = body.find("over"); over != body.end()) {
        const Json& window = *over;  // a WindowDef, whose field is not a node of any type
        if (const auto partition = window.find("partitionClause"); partition != window.end() && partition->is_array()) {
          for (const auto& item : *partition) {
            children.push_back(&item);
            parts->resize(children.size(), "");
            parts->back() = "PARTITION BY";
          }
        }
        if (window.contains("orderClause")) sorted(window["orderClause"], "ORDER BY");
        for (const char* bound : {"startOffset", "endOffset"}) {
          if (!window.contains(bound)) continue;
          children.push_back(&window[bound]);
          parts->resize(children.size(), "");
          parts->back() = "frame";
        }
      }
      return children;
    }
    children.clear();
  } else if (type == "BoolExpr" || type == "NullTest" || type == "BooleanTest") {
    node.kind = NodeKind::boolean;
    if (type == "BoolExpr") {
      node.logic = true;
      const std::string operation = body.value("boolop", "");
      node.names = {operation.substr(0, operation.find('_'))};
      node.offset = offset(body);
    }
  }
  // Any other node: the expressions anywhere inside it are its children.
  outermost_expressions(body, children);
  return children;
}

}  // namespace

namespace {
std::vector<SqlExpressionNode> read_expression_nodes(std::string_view text);
}  // namespace

std::vector<SqlExpressionNode> expression_nodes(std::string_view text) {
  // Defaults and values repeat (`now()`, `0`): each short one is read once.
  static ShortFragmentMemo<std::vector<SqlExpressionNode>> known;
  if (const auto* nodes = known.find(text)) return *nodes;
  auto nodes = read_expression_nodes(text);
  known.keep(text, nodes);
  return nodes;
}

namespace {
std::vector<SqlExpressionNode> read_expression_nodes(std::string_view text) {
  static constexpr std::string_view prefix = "SELECT (";
  const Tree tree = parse(std::string(prefix) + std::string(text) + "\n)");
  std::vector<SqlExpressionNode> nodes;
  if (tree.error) return nodes;
  const Json* root = &tree.json;
  for (const char* step : {"stmts", "", "stmt", "SelectStmt", "targetList", "", "ResTarget", "val"}) {
    if (*step == '\0') {
      if (!root->is_array() || root->size() != 1) return nodes;
      root = &(*root)[0];
    } else {
      if (!root->is_object() || !root->contains(step)) return nodes;
      root = &(*root)[step];
    }
  }
  return flatten_expression(*root, prefix.size());
}
}  // namespace

std::vector<SqlExpressionNode> flatten_expression(const Json& root, std::size_t prefix, bool subqueries_apart) {
  std::vector<SqlExpressionNode> nodes;
  // Without recursion: an expression may nest as deep as its text is long.
  struct Pending {
    const Json* value;
    std::size_t parent;
    const char* part;
  };
  std::vector<Pending> pending{{&root, SIZE_MAX, ""}};
  std::vector<bool> subquery;  // by node
  while (!pending.empty()) {
    const auto [value, parent, part] = pending.back();
    pending.pop_back();
    std::string type;
    const Json* body = node_body(*value, &type);
    if (body == nullptr) continue;
    const std::size_t index = nodes.size();
    nodes.emplace_back();
    nodes[index].part = part;
    subquery.push_back(type == "SubLink");
    if (parent != SIZE_MAX) {
      nodes[parent].children.push_back(index);
      // A subquery's test (`x in (select ...)`) is its parent's level's.
      nodes[index].in_query = nodes[parent].in_query || (subquery[parent] && std::string_view(part) != "test");
    }
    std::vector<const char*> parts;
    const auto children = read_node(type, *body, prefix, subqueries_apart, nodes[index], &parts);
    parts.resize(children.size(), "");
    // Pushed last first, so that children are numbered in order.
    for (std::size_t child = children.size(); child-- > 0;) pending.push_back({children[child], index, parts[child]});
  }
  return nodes;
}
namespace {
}  // namespace

namespace {

// What a PL/pgSQL block runs, as the statement `out` that runs it: a block that changes a
// modelled object changes it as the statement would on its own.
void take_block(const BlockFacts& block, int depth, SqlStatement& out) {
  out.block_ends_transaction = block.ends_transaction;
  for (const auto& expression : block.expressions) {
    for (auto& called : routines_called_in_block_expression(expression)) out.block_calls.push_back(std::move(called));
  }
  for (const auto& inner_text : block.statements) {
    for (auto& called : routines_called(inner_text)) out.block_calls.push_back(std::move(called));
  }
  for (const auto& inner_text : block.statements) {
    for (auto& inner : parse_statements(inner_text, depth + 1).statements) {
      if (out.session_change.empty()) out.session_change = inner.session_change;
      for (auto& write : inner.writes) {
        write.own = false;  // named in the block's text, not the statement's
        out.writes.push_back(std::move(write));
      }
      for (auto& called : inner.block_calls) out.block_calls.push_back(std::move(called));
      if (!out.modelled_change.empty() || inner.modelled_change.empty()) continue;
      out.modelled_change = inner.modelled_change;
      out.change_in_block = true;
      out.language_statement = inner.language_statement;
      out.no_language_statement = inner.no_language_statement;
      out.relations = inner.relations;
      out.routines = inner.routines;
      out.schemas = inner.schemas;
    }
  }
}

}  // namespace

ParsedSql parse_statements(std::string_view sql, int depth) {
  ParsedSql parsed;
  const Tree tree = parse(std::string(sql), deepest_walked_tree);
  if (tree.error) {
    parsed.error = tree.error;
    return parsed;
  }
  for (const auto& statement : tree.json.at("stmts")) {
    const auto [kind, node] = statement_run(statement);
    SqlStatement out;
    out.offset = statement.value("stmt_location", std::size_t{0});
    out.length = statement.value("stmt_len", sql.size() - out.offset);
    if (auto change = modelled_change(kind, *node)) {
      out.modelled_change = std::move(change->what);
      out.language_statement = std::move(change->statement);
      out.no_language_statement = std::move(change->no_statement);
      out.relations = std::move(change->relations);
      out.routines = routines_of(kind, *node);
      out.schemas = schemas_of(kind, *node);
      out.types = types_of(kind, *node);
    }
    out.writes = writes_of(kind, *node);
    out.maintenance = kind == "VacuumStmt" || kind == "ReindexStmt" || kind == "CheckPointStmt" || kind == "DiscardStmt";
    out.client_copy = kind == "CopyStmt" && !node->contains("filename");
    out.session_change = session_change(kind, *node, sql.substr(std::min(out.offset, sql.size()), out.length));
    out.outside_transaction = outside_transaction(kind, *node);
    // SET TRANSACTION too: PostgreSQL takes it only before the transaction's first query.
    // `transaction_isolation`, `transaction_read_only` and `transaction_deferrable` are SET
    // TRANSACTION's settings by name (and a read-only transaction would refuse the rest).
    out.transaction_control =
        kind == "TransactionStmt" || (kind == "VariableSetStmt" && lowered(text_field(*node, "name")).starts_with("transaction"));
    if (kind == "DoStmt" && depth < max_block_depth) {
      // A block PL/pgSQL's parser (which has no catalog: a refcursor OPENed trips it) cannot
      // read may run anything: not taken unread.
      std::string error;
      if (const auto block = read_block(*node, sql.substr(std::min(out.offset, sql.size()), out.length), error)) {
        take_block(*block, depth, out);
      } else if (!parsed.error) {
        parsed.error = SqlError{out.offset, fmt::format("the compiler's PL/pgSQL parser, which has no catalog, cannot read this DO block "
                                                        "({}), so nothing checks what it runs: loop over a query (`for r in select ... "
                                                        "loop`) rather than a cursor, or write its statements as the language's or plain SQL",
                                                        error)};
      }
    }
    // A trigger, operator, aggregate or cast made by raw SQL runs its function where the SQL after
    // it (the compiler's data steps too) fires, uses or casts: as good as a call.
    for (auto& routine : routines_made_callable(kind, *node)) out.block_calls.push_back(std::move(routine));
    out.changes_call_resolution = kind == "CreateCastStmt" || (kind == "DefineStmt" && text_field(*node, "kind") == "OBJECT_OPERATOR");
    if (kind == "CreateStmt" || kind == "CreateForeignTableStmt") {
      out.created_relation = relation_names(kind == "CreateForeignTableStmt" ? member(*node, "base") : *node);
    } else if (kind == "CreateTableAsStmt") {
      out.created_relation = relation_names(member(*node, "into"), "rel");
    } else if (kind == "ViewStmt") {
      out.created_relation = relation_names(*node, "view");
    } else if (kind == "RefreshMatViewStmt") {
      out.refreshed = relation_names(*node);
      const Json& location = member(member(*node, "relation"), "location");
      out.refreshed_offset = location.is_number() ? location.get<std::size_t>() : 0;
    }
    if (kind == "CreateFunctionStmt") {
      out.created_function = string_list(array_member(*node, "funcname"));
    } else if (kind == "DefineStmt" && text_field(*node, "kind") == "OBJECT_AGGREGATE") {
      // The language has no aggregates: one raw SQL makes is called like a function.
      out.created_function = string_list(array_member(*node, "defnames"));
    } else if (kind == "CreateExtensionStmt") {
      out.created_extension = {text_field(*node, "extname")};
    } else if (kind == "CreateEnumStmt" || kind == "CreateDomainStmt" || kind == "CreateRangeStmt") {
      out.created_type = string_list(node->value(kind == "CreateDomainStmt" ? "domainname" : "typeName", Json::array()));
    } else if (kind == "CompositeTypeStmt") {
      const Json& relation = object_member(*node, "typevar");
      if (relation.contains("schemaname")) out.created_type.push_back(text_field(relation, "schemaname"));
      out.created_type.push_back(text_field(relation, "relname"));
    }
    parsed.statements.push_back(std::move(out));
  }
  return parsed;
}

ParsedSql parse_routine_body(std::string_view language, std::string_view body, bool procedure, std::string_view definition) {
  if (language == "sql") return parse_statements(body);
  if (language != "plpgsql") return {};
  // Read with its signature, which declares the names its body assigns (`new.total := ...` in a
  // trigger function, an argument): as a DO block, that body does not parse.
  const std::string statement = std::string(procedure ? "CREATE PROCEDURE migc_routine" : "CREATE FUNCTION migc_routine") + std::string(definition);
  if (auto block = read_plpgsql(statement)) {
    ParsedSql parsed;
    SqlStatement& whole = parsed.statements.emplace_back();
    whole.length = body.size();
    take_block(*block, 1, whole);
    return parsed;
  }
  // A body read alone (PostgreSQL refuses the routine's definition): as the DO block it would be,
  // in a dollar quote its text does not hold.
  std::string tag = "$migc_body$";
  for (int n = 0; body.find(tag) != std::string_view::npos; ++n) tag = "$migc_body" + std::to_string(n) + "$";
  // What it runs when called is judged where it is called; one PL/pgSQL cannot read is left so.
  return ParsedSql{parse_statements("DO " + tag + std::string(body) + tag).statements, std::nullopt};
}

namespace {

// `value` as a string constant written in the style of `original` (a whole constant's text:
// `'...'`, `E'...'`, `$tag$...$tag$`).
std::string constant_in_style_of(std::string_view original, const std::string& value) {
  if (!original.empty() && (original.front() == 'E' || original.front() == 'e')) {
    std::string written = "E'";
    for (const char c : value) {
      if (c == '\\' || c == '\'') written += c;
      written += c;
    }
    return written + "'";
  }
  if (!original.empty() && original.front() == '$') {
    const std::size_t tag_end = original.find('$', 1);
    if (tag_end != std::string_view::npos) {
      const std::string tag(original.substr(0, tag_end + 1));
      if (value.find(tag) == std::string::npos && !value.ends_with("$")) return tag + value + tag;
    }
  }
  return quote_literal(value);
}

// An array literal's text with each element `from` written `to`, each element in its own
// style (bare or double-quoted), or nothing where it is not a plain one-dimensional literal.
std::optional<std::string> array_literal_renamed(const std::string& literal, const std::string& from, const std::string& to) {
  std::size_t open = literal.find_first_not_of(" \t\n\r");
  if (open == std::string::npos || literal[open] != '{') return std::nullopt;
  std::string out = literal.substr(0, open + 1);
  bool changed = false;
  std::size_t at = open + 1;
  const auto needs_quotes = [](const std::string& value) {
    if (value.empty()) return true;
    std::string lowered = value;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered == "null" || value.find_first_of("{},\"\\ \t\n\r") != std::string::npos;
  };
  while (at < literal.size()) {
    const std::size_t start = at;
    while (at < literal.size() && std::isspace(static_cast<unsigned char>(literal[at]))) ++at;
    if (at >= literal.size() || literal[at] == '{') return std::nullopt;
    std::string value;
    bool quoted = false;
    std::size_t element_begin = at;
    if (literal[at] == '"') {
      quoted = true;
      for (++at; at < literal.size() && literal[at] != '"'; ++at) {
        if (literal[at] == '\\' && ++at >= literal.size()) return std::nullopt;
        value += literal[at];
      }
      if (at >= literal.size()) return std::nullopt;
      ++at;
    } else {
      for (; at < literal.size() && literal[at] != ',' && literal[at] != '}'; ++at) {
        if (literal[at] == '"' || literal[at] == '\\' || literal[at] == '{') return std::nullopt;
        value += literal[at];
      }
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    }
    const std::size_t element_end = quoted ? at : element_begin + value.size();
    out.append(literal, start, element_begin - start);
    if (value == from && !(quoted == false && from == "")) {
      changed = true;
      if (quoted || needs_quotes(to)) {
        out += '"';
        for (const char c : to) {
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        out += '"';
      } else {
        out += to;
      }
    } else {
      out.append(literal, element_begin, element_end - element_begin);
    }
    at = element_end;
    const std::size_t separator = literal.find_first_of(",}", at);
    if (separator == std::string::npos || literal.find_first_not_of(" \t\n\r", at) != separator) return std::nullopt;
    out.append(literal, at, separator + 1 - at);
    at = separator + 1;
    if (literal[separator] == '}') {
      if (literal.find_first_not_of(" \t\n\r", at) != std::string::npos) return std::nullopt;
      out.append(literal, at);
      return changed ? std::optional(out) : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string with_enum_label_renamed(std::string_view sql, const std::string& from, const std::string& to, const EnumTyped& typed,
                                    bool query, std::string* unsure) {
  static constexpr std::string_view expression_prefix = "SELECT (";
  const std::string_view prefix = query ? std::string_view() : expression_prefix;
  const std::string text = std::string(prefix) + std::string(sql) + (query ? "" : "\n)");
  const Tree tree = parse(text);
  if (tree.error) {
    if (unsure != nullptr && unsure->empty() && holds_string_constant(sql, from)) *unsure = std::string(sql);
    return std::string(sql);
  }
  // What a string constant at a place is: not known, of another type, a value of the type, or an
  // array of them; `set_operand` marks a SELECT of a UNION (whose constants take the other
  // side's type).
  enum Typing { untyped, other, scalar, array, set_operand };
  const auto cast_typing = [&](const Json& cast) {
    const auto names = string_list(array_member(member(cast, "typeName"), "names"));
    if (names.empty() || !typed.types.contains(names.back())) return other;
    return member(member(cast, "typeName"), "arrayBounds").is_null() ? scalar : array;
  };
  // What `node` is by itself: a column of the type (or of arrays of it), a cast to it, COALESCE
  // of one.
  const auto node_typing = [&](const Json& node) {
    const auto column_typing = [&](const Json& item) {
      if (const Json& ref = member(item, "ColumnRef"); !ref.is_null()) {
        const auto fields = string_list(array_member(ref, "fields"));
        if (fields.empty()) return untyped;
        if (typed.columns.contains(fields.back())) return scalar;
        if (typed.array_columns.contains(fields.back())) return array;
        return other;  // a column of another type: the compiler knows those of the type
      }
      if (const Json& cast = member(item, "TypeCast"); !cast.is_null()) return cast_typing(cast);
      return untyped;
    };
    if (const Typing direct = column_typing(node); direct != untyped) return direct;  // a column or a cast
    const Json& list = member(node, "CoalesceExpr").is_null() ? member(node, "MinMaxExpr") : member(node, "CoalesceExpr");
    const Json& args = member(list, "args");
    if (args.is_array()) {
      for (const auto& arg : args) {
        if (const Typing found = column_typing(arg); found == scalar || found == array) return found;
      }
    }
    return untyped;
  };
  // The typing of a list's elements (`in (...)`, an array's), from the first that has one.
  const auto list_typing = [&](const Json& list) {
    const Json& items = list.is_array() ? list : member(member(list, "List"), "items");
    Typing found = untyped;
    if (items.is_array()) {
      for (const auto& item : items) {
        const Typing each = node_typing(item);
        if (each == scalar || each == array) return each;
        if (each == other) found = other;
      }
    }
    return found;
  };
  std::map<std::size_t, std::string> scalars, arrays;  // where each constant to rewrite starts in `text`, and its value
  // A node, and what a string constant there is. An expression is the one target of its SELECT.
  std::vector<std::pair<const Json*, Typing>> pending{{&tree.json, untyped}};
  if (!query) {
    const Json* target = &tree.json;
    for (const char* step : {"stmts", "0", "stmt", "SelectStmt", "targetList", "0", "ResTarget", "val"}) {
      if (target->is_array() && !target->empty() && step[0] == '0') {
        target = &(*target)[0];
      } else if (const Json& next = member(*target, step); !next.is_null()) {
        target = &next;
      } else {
        return std::string(sql);
      }
    }
    pending = {{target, typed.whole_array ? array : typed.whole ? scalar : typed.whole_unknown ? untyped : other}};
  }
  while (!pending.empty()) {
    const auto [node, here] = pending.back();
    pending.pop_back();
    if (node->is_array()) {
      for (const auto& child : *node) pending.emplace_back(&child, here);
      continue;
    }
    if (!node->is_object()) continue;
    if (const Json& constant = member(*node, "A_Const"); !constant.is_null()) {
      if (!constant.contains("sval")) continue;
      if (here == scalar || here == array) {
        (here == scalar ? scalars : arrays)[constant.value("location", std::size_t{0})] = object_member(constant, "sval").value("sval", "");
      } else if (here != other && unsure != nullptr) {
        // Of a type the compiler cannot tell: the label, or an array's or a row's literal holding
        // it (`'{sad,ok}'`, `'(sad,1)'`), may be one.
        const std::string value = object_member(constant, "sval").value("sval", "");
        if (value.find(from) != std::string::npos && unsure->empty()) *unsure = std::string(sql);
      }
      continue;
    }
    if (const Json& select = member(*node, "SelectStmt"); !select.is_null()) {
      // A SELECT's own constant target is text, unless it is one side of a UNION.
      for (const auto& [key, child] : select.items()) {
        if (key == "larg" || key == "rarg") {
          pending.emplace_back(&child, set_operand);
        } else if (key == "targetList" && child.is_array()) {
          for (const auto& target : child) {
            const Json& value = member(member(target, "ResTarget"), "val");
            pending.emplace_back(&target, !member(value, "A_Const").is_null() && here != set_operand ? other : untyped);
          }
        } else {
          pending.emplace_back(&child, untyped);
        }
      }
      continue;
    }
    if (const Json& target = member(*node, "ResTarget"); !target.is_null()) {
      pending.emplace_back(&member(target, "val"), here == other ? other : untyped);
      continue;
    }
    if (const Json& logic = member(*node, "BoolExpr"); !logic.is_null()) {
      pending.emplace_back(&member(logic, "args"), other);  // booleans
      continue;
    }
    if (const Json& cast = member(*node, "TypeCast"); !cast.is_null()) {
      pending.emplace_back(&member(cast, "arg"), cast_typing(cast));
      continue;
    }
    if (const Json& items = member(member(*node, "List"), "items"); !items.is_null()) {
      pending.emplace_back(&items, here);
      continue;
    }
    if (const Json& expr = member(*node, "A_Expr"); !expr.is_null()) {
      const Json& left = member(expr, "lexpr");
      const Json& right = member(expr, "rexpr");
      const std::string kind = text_field(expr, "kind");
      const bool compares = kind == "AEXPR_OP" || kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT" ||
                            kind == "AEXPR_NULLIF" || kind == "AEXPR_IN" || kind.starts_with("AEXPR_BETWEEN") ||
                            kind.starts_with("AEXPR_NOT_BETWEEN");
      const bool quantified = kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL";
      const Json& left_row = member(member(left, "RowExpr"), "args");
      const Json& right_row = member(member(right, "RowExpr"), "args");
      if (compares && left_row.is_array() && right_row.is_array() && left_row.size() == right_row.size()) {
        // `(a, b) = ('x', 'y')`: pair by pair.
        for (std::size_t i = 0; i < left_row.size(); ++i) {
          pending.emplace_back(&left_row[i], node_typing(right_row[i]));
          pending.emplace_back(&right_row[i], node_typing(left_row[i]));
        }
      } else if (compares || quantified) {
        Typing right_typing = node_typing(right);
        if (right_typing == untyped) right_typing = list_typing(right);
        Typing left_typing = node_typing(left);
        if ((left_typing == untyped || left_typing == other) && kind == "AEXPR_NULLIF") left_typing = here;
        // `x = any (<array>)`: the array holds values of x's type.
        if (quantified) {
          pending.emplace_back(&left, right_typing == array ? scalar : right_typing == other ? other : untyped);
          pending.emplace_back(&right, left_typing == scalar ? array : left_typing == other ? other : untyped);
        } else {
          pending.emplace_back(&left, right_typing);
          pending.emplace_back(&right, left_typing);
        }
      } else {
        pending.emplace_back(&left, untyped);
        pending.emplace_back(&right, untyped);
      }
      continue;
    }
    if (const Json& array_expression = member(*node, "A_ArrayExpr"); !array_expression.is_null()) {
      const Json& elements = member(array_expression, "elements");
      // ARRAY['sad'] of an array of the type holds values of it.
      const Typing listed = list_typing(elements);
      const Typing elements_typing = here == array || listed == scalar ? scalar : here == other || listed == other ? other : untyped;
      pending.emplace_back(&elements, elements_typing);
      continue;
    }
    const Json& list = member(*node, "CoalesceExpr").is_null() ? member(*node, "MinMaxExpr") : member(*node, "CoalesceExpr");
    if (!list.is_null()) {
      const Json& args = member(list, "args");
      pending.emplace_back(&args, here == scalar || here == array ? here : list_typing(args) != untyped ? list_typing(args) : here);
      continue;
    }
    if (const Json& when = member(*node, "CaseExpr"); !when.is_null()) {
      const Json& arms = member(when, "args");
      Typing results = here == scalar || here == array ? here : node_typing(member(when, "defresult"));
      if (arms.is_array()) {
        for (const auto& arm : arms) {
          const Typing each = node_typing(member(member(arm, "CaseWhen"), "result"));
          if (results != scalar && results != array && each != untyped) results = each;
        }
      }
      // Of constants only, PostgreSQL makes it text.
      const auto constant_or_none = [&](const Json& result) { return result.is_null() || !member(result, "A_Const").is_null(); };
      bool constants_only = constant_or_none(member(when, "defresult"));
      if (arms.is_array()) {
        for (const auto& arm : arms) constants_only = constants_only && constant_or_none(member(member(arm, "CaseWhen"), "result"));
      }
      if (results == untyped && (here == other || constants_only)) results = other;
      const Json& subject = member(when, "arg");
      const Typing subject_typing = node_typing(subject);
      pending.emplace_back(&subject, untyped);
      pending.emplace_back(&member(when, "defresult"), results);
      if (arms.is_array()) {
        for (const auto& arm : arms) {
          const Json& branch = member(arm, "CaseWhen");
          // `case mood when 'sad' then ...`: the condition is compared with the subject.
          pending.emplace_back(&member(branch, "expr"), subject_typing);
          pending.emplace_back(&member(branch, "result"), results);
        }
      }
      continue;
    }
    for (const auto& [_, child] : node->items()) pending.emplace_back(&child, untyped);
  }
  if (scalars.empty() && arrays.empty()) return std::string(sql);
  // Each constant's text, by PostgreSQL's lexer: one string token, or several that continue one
  // another across line ends (`'sa'` then `'d'` on the next line), and what replaces it.
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> replacements;
  const PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      const auto is_string = [&](std::size_t i) {
        return scanned->tokens[i]->token == PG_QUERY__TOKEN__SCONST || scanned->tokens[i]->token == PG_QUERY__TOKEN__USCONST;
      };
      for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
        if (!is_string(i)) continue;
        const auto start = static_cast<std::size_t>(scanned->tokens[i]->start);
        const bool as_scalar = scalars.contains(start);
        const bool as_array = arrays.contains(start);
        if (!as_scalar && !as_array) continue;
        std::size_t last = i;
        while (last + 1 < scanned->n_tokens && is_string(last + 1)) ++last;
        const std::size_t end = static_cast<std::size_t>(scanned->tokens[last]->end);
        const std::string_view original(text.data() + start, end - start);
        // The constant's value, as the tree holds it (`U&'s\0061d'` is `sad`).
        const std::string& value = as_scalar ? scalars[start] : arrays[start];
        if (as_scalar && value == from) {
          replacements.emplace_back(start, end, last == i ? constant_in_style_of(original, to) : quote_literal(to));
        } else if (as_array) {
          if (auto renamed = array_literal_renamed(value, from, to)) {
            replacements.emplace_back(start, end, last == i ? constant_in_style_of(original, *renamed) : quote_literal(*renamed));
          }
        }
        i = last;
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  std::string renamed;
  std::size_t done = prefix.size();
  for (const auto& [start, end, replacement] : replacements) {
    renamed.append(text, done, start - done);
    renamed += replacement;
    done = end;
  }
  renamed.append(text, done, text.size() - done - (query ? 0 : 2));
  return renamed;
}

namespace {

}  // namespace

std::size_t select_item_end(std::string_view query, std::size_t start) {
  const std::string text(query);
  std::size_t end = start;
  int depth = 0;
  for (const Token& token : tokens_of(text)) {
    if (token.start < start) continue;
    switch (token.kind) {
      case PG_QUERY__TOKEN__ASCII_40:
      case PG_QUERY__TOKEN__ASCII_91:
        ++depth;
        break;
      case PG_QUERY__TOKEN__ASCII_41:
      case PG_QUERY__TOKEN__ASCII_93:
        if (depth-- == 0) return end;
        break;
      case PG_QUERY__TOKEN__ASCII_44: case PG_QUERY__TOKEN__ASCII_59: case PG_QUERY__TOKEN__AS: case PG_QUERY__TOKEN__FROM:
      case PG_QUERY__TOKEN__INTO: case PG_QUERY__TOKEN__WHERE: case PG_QUERY__TOKEN__GROUP_P: case PG_QUERY__TOKEN__HAVING:
      case PG_QUERY__TOKEN__WINDOW: case PG_QUERY__TOKEN__ORDER: case PG_QUERY__TOKEN__LIMIT: case PG_QUERY__TOKEN__OFFSET:
      case PG_QUERY__TOKEN__FETCH: case PG_QUERY__TOKEN__FOR: case PG_QUERY__TOKEN__UNION: case PG_QUERY__TOKEN__INTERSECT:
      case PG_QUERY__TOKEN__EXCEPT:
        if (depth == 0) return end;
        break;
      default:
        break;
    }
    end = token.end;
  }
  return end;
}

bool same_but_quoting(std::string_view one, std::string_view other) {
  const std::string one_text(one);
  const std::string other_text(other);
  const std::vector<Token> one_tokens = tokens_of(one_text);
  const std::vector<Token> other_tokens = tokens_of(other_text);
  if (one_tokens.empty() || one_tokens.size() != other_tokens.size()) return false;
  const auto name = [](std::string_view written) {
    if (!written.starts_with('"')) return lowered(std::string(written));
    std::string unquoted;
    for (std::size_t at = 1; at + 1 < written.size(); ++at) {
      unquoted += written[at];
      if (written[at] == '"') ++at;
    }
    return unquoted;
  };
  for (std::size_t i = 0; i < one_tokens.size(); ++i) {
    const Token& a = one_tokens[i];
    const Token& b = other_tokens[i];
    if (a.kind != b.kind) return false;
    const std::string_view a_text = std::string_view(one_text).substr(a.start, a.end - a.start);
    const std::string_view b_text = std::string_view(other_text).substr(b.start, b.end - b.start);
    if (a.kind == PG_QUERY__TOKEN__IDENT ? name(a_text) == name(b_text) : a_text == b_text) continue;
    // `'T'::regclass` and `'t'::regclass` name one relation.
    const bool regclass = a.kind == PG_QUERY__TOKEN__SCONST && i + 2 < one_tokens.size() && one_tokens[i + 1].kind == PG_QUERY__TOKEN__TYPECAST &&
                          lowered(one_text.substr(one_tokens[i + 2].start, one_tokens[i + 2].end - one_tokens[i + 2].start)) == "regclass";
    const auto one_value = regclass ? constant_of(a_text) : std::nullopt;
    const auto other_value = regclass ? constant_of(b_text) : std::nullopt;
    if (!one_value || !other_value || regclass_names(one_value->value) != regclass_names(other_value->value)) return false;
  }
  return true;
}

bool holds_string_constant(std::string_view sql, const std::string& value) {
  const std::string text(sql);
  return std::ranges::any_of(tokens_of(text), [&](const Token& token) {
    if (token.kind != PG_QUERY__TOKEN__SCONST && token.kind != PG_QUERY__TOKEN__USCONST) return false;
    const auto constant = constant_of(std::string_view(text).substr(token.start, token.end - token.start));
    return constant && constant->kind == SqlConstant::Kind::string && constant->value == value;
  });
}

std::string without_public_qualifier(std::string_view sql) {
  static constexpr std::string_view public_schema = "public";
  const auto spelled_public = [](std::string_view word) {
    if (word.size() == public_schema.size() + 2 && word.front() == '"') return word.substr(1, public_schema.size()) == public_schema;
    return std::ranges::equal(word, public_schema, [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  // Most SQL names no schema: the lexer runs only on SQL that may. (`| 0x20` folds an ASCII
  // letter to lower case; no other byte becomes one of these letters.)
  bool may_name = false;
  for (const char first : {'p', 'P'}) {
    for (std::size_t at = sql.find(first); at != std::string_view::npos && !may_name; at = sql.find(first, at + 1)) {
      if (at + public_schema.size() > sql.size()) break;
      may_name = true;
      for (std::size_t i = 1; i < public_schema.size() && may_name; ++i) may_name = (sql[at + i] | 0x20) == public_schema[i];
    }
  }
  if (!may_name) return std::string(sql);
  const std::string text(sql);
  const std::vector<Token> tokens = tokens_of(text);
  std::string out;
  std::size_t done = 0;
  const auto word = [&](std::size_t i) { return lowered(text.substr(tokens[i].start, tokens[i].end - tokens[i].start)); };
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const Token& name = tokens[i];
    // A relation named in a string, `nextval('public.s')`, `'public.t'::regclass`: the name after
    // `public.`, where nothing but the quote comes before it.
    if (name.kind == PG_QUERY__TOKEN__SCONST && text[name.start] == '\'') {
      const bool sequence_argument = i >= 2 && tokens[i - 1].kind == PG_QUERY__TOKEN__ASCII_40 &&
                                     (word(i - 2) == "nextval" || word(i - 2) == "currval" || word(i - 2) == "setval");
      const bool as_regclass = i + 2 < tokens.size() && tokens[i + 1].kind == PG_QUERY__TOKEN__TYPECAST && word(i + 2) == "regclass";
      const std::string_view inside = std::string_view(text).substr(name.start + 1);
      for (const std::string_view schema : {std::string_view("public."), std::string_view("\"public\".")}) {
        if (!(sequence_argument || as_regclass)) break;
        const bool spelled = schema.front() == '"' ? inside.starts_with(schema) : spelled_public(inside.substr(0, public_schema.size())) &&
                                                                                  inside.substr(public_schema.size()).starts_with('.');
        if (!spelled) continue;
        out.append(text, done, name.start + 1 - done);
        done = name.start + 1 + schema.size();
        break;
      }
      continue;
    }
    // `public.` that begins a name: not a field or column of something before it.
    if (name.kind != PG_QUERY__TOKEN__IDENT || tokens[i + 1].kind != PG_QUERY__TOKEN__ASCII_46) continue;
    if (i > 0 && tokens[i - 1].kind == PG_QUERY__TOKEN__ASCII_46) continue;
    if (!spelled_public(std::string_view(text).substr(name.start, name.end - name.start))) continue;
    // Unqualified, a built-in object of the name would come first (pg_catalog leads the search
    // path): `public.text` must keep its schema where it names a type or a function. Where it
    // names a relation only a catalog relation would: `from public.text` reads the table.
    if (i + 2 < tokens.size()) {
      const std::string written = text.substr(tokens[i + 2].start, tokens[i + 2].end - tokens[i + 2].start);
      const std::string after = written.starts_with('"') ? written.substr(1, written.size() - 2) : lowered(written);
      const bool called = i + 3 < tokens.size() && tokens[i + 3].kind == PG_QUERY__TOKEN__ASCII_40;
      const bool of_relation = i + 3 < tokens.size() && tokens[i + 3].kind == PG_QUERY__TOKEN__ASCII_46;
      static const std::set<std::string, std::less<>> before_relation = {"from", "join", "only", "lateral", "into", "update", "table", "references"};
      const bool relation = !called && (of_relation || (i > 0 && (tokens[i - 1].kind == PG_QUERY__TOKEN__ASCII_44 || before_relation.contains(word(i - 1)))));
      if (catalog_relation("pg_catalog", after) != nullptr) continue;
      if (!relation && (!catalog_types(after).empty() || !catalog_functions(after).empty())) continue;
    }
    out.append(text, done, name.start - done);
    done = tokens[i + 1].end;
  }
  out.append(text, done);
  return out;
}

std::string sql_for_psql(std::string_view sql) {
  // psql's `variable_char`, and the quotes that begin its quoted forms.
  const auto starts_variable = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) != 0 || c == '_' || byte >= 0x80 || c == '\'' || c == '"' || c == '{';
  };
  // Most SQL has no colon but in `::` casts: the scanner runs only on SQL that may need it.
  bool may_need = false;
  for (std::size_t at = sql.find(':'); at != std::string_view::npos && !may_need; at = sql.find(':', at + 1)) {
    if (at + 1 < sql.size() && sql[at + 1] == ':') {
      ++at;  // a `::` cast, which psql reads as one
      continue;
    }
    may_need = at + 1 < sql.size() && starts_variable(sql[at + 1]);
  }
  if (!may_need) return {};
  std::vector<std::size_t> spaces;  // where one goes: after a colon token that a name, quote or number follows at once
  const std::string text(sql);
  const PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
        const PgQuery__ScanToken& token = *scanned->tokens[i];
        const auto end = static_cast<std::size_t>(token.end);
        if (token.token == PG_QUERY__TOKEN__ASCII_58 && end < text.size() && starts_variable(text[end])) spaces.push_back(end);
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  if (spaces.empty()) return {};
  std::string spaced;
  spaced.reserve(text.size() + spaces.size());
  std::size_t from = 0;
  for (const std::size_t at : spaces) {
    spaced.append(text, from, at - from);
    spaced += ' ';
    from = at;
  }
  spaced.append(text, from);
  return spaced;
}

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> texts;
  for (const auto& statement : parse_statements(sql).statements) {
    std::string_view text = sql.substr(statement.offset, statement.length);
    const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    if (!text.empty()) texts.emplace_back(text);
  }
  return texts;
}

}  // namespace migc

namespace migc {

RowExpressionNames row_expression_names(std::string_view text) {
  static constexpr std::string_view prefix = "SELECT (";
  const Tree tree = parse(std::string(prefix) + std::string(text) + "\n)");
  RowExpressionNames found;
  if (tree.error) return found;
  const auto offset = [&](const Json& node) {
    const std::size_t location = node.value("location", prefix.size());
    return location < prefix.size() ? 0 : location - prefix.size();
  };
  std::vector<std::string> with_queries;
  // Without recursion: an expression may nest as deep as its text is long.
  std::vector<std::pair<const Json*, bool>> pending{{&tree.json, false}};  // a node, and whether it is inside a subquery
  while (!pending.empty()) {
    const auto [node, inside] = pending.back();
    pending.pop_back();
    if (node->is_array()) {
      for (const auto& child : *node) pending.emplace_back(&child, inside);
      continue;
    }
    if (!node->is_object()) continue;
    if (const auto ref = node->find("ColumnRef"); ref != node->end() && !inside) {
      SqlColumnReference reference{string_list(array_member(*ref, "fields")), offset(*ref)};
      if (!reference.names.empty() && reference.names.size() == array_member(*ref, "fields").size()) {
        found.columns.push_back(std::move(reference));
      }
      continue;
    }
    if (const auto range = node->find("RangeVar"); range != node->end()) {
      SqlNameReference table{{}, offset(*range)};
      if (range->contains("schemaname")) table.names.push_back(text_field(*range, "schemaname"));
      table.names.push_back(text_field(*range, "relname"));
      found.tables.push_back(std::move(table));
    }
    if (const auto with = node->find("CommonTableExpr"); with != node->end()) with_queries.push_back(text_field(*with, "ctename"));
    // `x IN (SELECT ...)`: x is of the row, the query is not.
    if (const auto sublink = node->find("SubLink"); sublink != node->end()) {
      if (const auto test = sublink->find("testexpr"); test != sublink->end()) pending.emplace_back(&*test, inside);
      if (const auto query = sublink->find("subselect"); query != sublink->end()) pending.emplace_back(&*query, true);
      continue;
    }
    for (const auto& [_, child] : node->items()) pending.emplace_back(&child, inside);
  }
  std::erase_if(found.tables, [&](const SqlNameReference& table) {
    return table.names.size() == 1 && std::find(with_queries.begin(), with_queries.end(), table.names[0]) != with_queries.end();
  });
  const auto by_offset = [](const auto& a, const auto& b) { return a.offset < b.offset; };
  std::sort(found.columns.begin(), found.columns.end(), by_offset);
  std::sort(found.tables.begin(), found.tables.end(), by_offset);
  return found;
}

}  // namespace migc

// Spelling a file of SQL as the language: libpg_query's protobuf tree, edited where the language
// is stricter than SQL, then deparsed by libpg_query.
namespace migc {
namespace {

// Owns libpg_query's protobuf tree of a text, unpacked.
struct ProtobufTree {
  PgQuery__ParseResult* result = nullptr;
  explicit ProtobufTree(const std::string& sql) {
    PgQueryProtobufParseResult parsed = pg_query_parse_protobuf(sql.c_str());
    if (parsed.error == nullptr) {
      result = pg_query__parse_result__unpack(nullptr, parsed.parse_tree.len, reinterpret_cast<const std::uint8_t*>(parsed.parse_tree.data));
    }
    pg_query_free_protobuf_parse_result(parsed);
  }
  ~ProtobufTree() {
    if (result != nullptr) pg_query__parse_result__free_unpacked(result, nullptr);
  }
  ProtobufTree(const ProtobufTree&) = delete;
  ProtobufTree& operator=(const ProtobufTree&) = delete;
};

// One statement as PostgreSQL's deparser writes it; empty where it cannot.
std::string deparse(PgQuery__RawStmt* statement) {
  PgQuery__ParseResult one = PG_QUERY__PARSE_RESULT__INIT;
  one.version = PG_VERSION_NUM;
  one.n_stmts = 1;
  one.stmts = &statement;
  std::string buffer(pg_query__parse_result__get_packed_size(&one), '\0');
  pg_query__parse_result__pack(&one, reinterpret_cast<std::uint8_t*>(buffer.data()));
  PgQueryProtobuf protobuf{buffer.size(), buffer.data()};
  const PgQueryDeparseResult result = pg_query_deparse_protobuf(protobuf);
  std::string text = result.error == nullptr && result.query != nullptr ? result.query : "";
  pg_query_free_deparse_result(result);
  return text;
}

// An expression as the deparser writes it, through `SELECT <expression>`.
std::string deparse_expression(PgQuery__Node* expression) {
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = expression;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node select_node = PG_QUERY__NODE__INIT;
  select_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  select_node.select_stmt = &select;
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = &select_node;
  const std::string text = deparse(&raw);
  constexpr std::string_view prefix = "SELECT ";
  return text.starts_with(prefix) ? text.substr(prefix.size()) : "";
}

}  // namespace

std::string deparsed_expression(std::string_view expression) {
  ProtobufTree tree("SELECT (" + std::string(expression) + "\n)");
  if (tree.result == nullptr || tree.result->n_stmts != 1) return std::string(expression);
  PgQuery__Node* statement = tree.result->stmts[0]->stmt;
  if (statement == nullptr || statement->node_case != PG_QUERY__NODE__NODE_SELECT_STMT || statement->select_stmt->n_target_list != 1) {
    return std::string(expression);
  }
  PgQuery__Node* target = statement->select_stmt->target_list[0];
  if (target->node_case != PG_QUERY__NODE__NODE_RES_TARGET || target->res_target->val == nullptr) return std::string(expression);
  const std::string text = deparse_expression(target->res_target->val);
  return text.empty() ? std::string(expression) : text;
}

namespace {
// CREATE INDEX as deparsed, each expression key in parentheses, as the language writes every
// expression key (the deparser leaves a function call bare, as SQL allows): each such key is
// deparsed as a column of a placeholder name, which is then replaced.
std::string index_for_language(PgQuery__RawStmt* statement) {
  PgQuery__IndexStmt* index = statement->stmt->index_stmt;
  std::vector<std::pair<std::string, std::string>> keys;  // placeholder, expression
  struct Edited {
    PgQuery__IndexElem* element;
    PgQuery__Node* expression;
    char* name;
  };
  std::vector<Edited> edited;
  std::vector<std::string> placeholders(index->n_index_params);
  for (std::size_t i = 0; i < index->n_index_params; ++i) {
    PgQuery__IndexElem* element = index->index_params[i]->index_elem;
    if (element == nullptr || element->expr == nullptr) continue;
    const std::string expression = deparse_expression(element->expr);
    if (expression.empty()) return "";
    placeholders[i] = "migc_import_key_" + std::to_string(i);
    keys.emplace_back(placeholders[i], "(" + expression + ")");
    edited.push_back({element, element->expr, element->name});
    element->name = placeholders[i].data();
    element->expr = nullptr;
  }
  std::string text = deparse(statement);
  for (const auto& restore : edited) {
    restore.element->expr = restore.expression;
    restore.element->name = restore.name;
  }
  for (const auto& [placeholder, expression] : keys) {
    const auto at = text.find(placeholder);
    if (at == std::string::npos) return "";
    text.replace(at, placeholder.size(), expression);
  }
  return text;
}

// The deparsed statements that say `statement` in the language's terms: without `if not exists`
// (the compiler knows what exists at each revision, and says so where it does), one per action
// of an ALTER TABLE and per object of a DROP, which the language takes one at a time.
std::vector<std::string> deparsed_for_language(PgQuery__RawStmt* statement) {
  PgQuery__Node* node = statement->stmt;
  if (node == nullptr) return {};
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: node->create_stmt->if_not_exists = 0; break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: node->index_stmt->if_not_exists = 0; return {index_for_language(statement)};
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: node->create_seq_stmt->if_not_exists = 0; break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: {
      // `with schema public` says where an extension goes by default; the language says no more.
      PgQuery__CreateExtensionStmt* extension = node->create_extension_stmt;
      extension->if_not_exists = 0;
      const std::size_t count = extension->n_options;
      const auto in_public = [](const PgQuery__Node* option) {
        const PgQuery__DefElem* element = option->def_elem;
        return element != nullptr && std::string_view(element->defname) == "schema" && element->arg != nullptr &&
               element->arg->string != nullptr && std::string_view(element->arg->string->sval) == "public";
      };
      if (count == 1 && extension->options[0]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && in_public(extension->options[0])) {
        extension->n_options = 0;
      }
      std::string text = deparse(statement);
      extension->n_options = count;
      return {text};
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: node->alter_enum_stmt->skip_if_new_val_exists = 0; break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: node->create_schema_stmt->if_not_exists = 0; break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      PgQuery__AlterTableStmt* alter = node->alter_table_stmt;
      // `only`: the language's tables have no children for it to leave out.
      if (alter->relation != nullptr) alter->relation->inh = 1;
      const std::size_t count = alter->n_cmds;
      PgQuery__Node** commands = alter->cmds;
      std::vector<std::string> out;
      for (std::size_t i = 0; i < count; ++i) {
        PgQuery__AlterTableCmd* command = commands[i]->alter_table_cmd;
        if (command != nullptr && command->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) {
          // The deparser writes `DROP c`; the language wants the word COLUMN.
          std::string table = alter->relation->schemaname != nullptr && *alter->relation->schemaname != '\0'
                                  ? quote_identifier(alter->relation->schemaname) + "."
                                  : "";
          table += quote_identifier(alter->relation->relname);
          out.push_back("alter table " + table + " drop column " + (command->missing_ok ? "if exists " : "") +
                        quote_identifier(command->name) + (command->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ? " cascade" : ""));
          continue;
        }
        if (command != nullptr && command->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn) command->missing_ok = 0;
        alter->n_cmds = 1;
        alter->cmds = &commands[i];
        out.push_back(deparse(statement));
        alter->n_cmds = count;
        alter->cmds = commands;
      }
      return out;
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      PgQuery__DropStmt* drop = node->drop_stmt;
      const std::size_t count = drop->n_objects;
      PgQuery__Node** objects = drop->objects;
      std::vector<std::string> out;
      for (std::size_t i = 0; i < count; ++i) {
        drop->n_objects = 1;
        drop->objects = &objects[i];
        out.push_back(deparse(statement));
      }
      drop->n_objects = count;
      drop->objects = objects;
      return out;
    }
    default: break;
  }
  return {deparse(statement)};
}

// Where the first token of valid SQL starts, past the whitespace and comments before it, and
// whether a `--` comment ends it (which would swallow anything written after it on its line).
struct Ends {
  std::size_t first = 0;
  bool line_comment_last = false;
};
Ends token_ends(const std::string& text) {
  Ends ends;
  const PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      bool found = false;
      for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
        const PgQuery__ScanToken& token = *scanned->tokens[i];
        if (token.token == PG_QUERY__TOKEN__SQL_COMMENT || token.token == PG_QUERY__TOKEN__C_COMMENT) continue;
        if (!found) ends.first = static_cast<std::size_t>(token.start);
        found = true;
      }
      ends.line_comment_last = scanned->n_tokens > 0 && scanned->tokens[scanned->n_tokens - 1]->token == PG_QUERY__TOKEN__SQL_COMMENT;
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  return ends;
}

std::string_view without_space(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && (space(text.back()) || text.back() == ';')) text.remove_suffix(1);
  return text;
}

}  // namespace

SpelledSql spell_statements(std::string_view sql) {
  SpelledSql spelled;
  const std::string text(sql);
  const Tree tree = parse(text);
  if (tree.error) {
    spelled.error = tree.error;
    return spelled;
  }
  const ProtobufTree protobuf(text);
  const auto& statements = tree.json.at("stmts");
  if (protobuf.result == nullptr || protobuf.result->n_stmts != statements.size()) {
    spelled.error = SqlError{0, "libpg_query's two trees of the text disagree"};
    return spelled;
  }
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto [kind, node] = node_of(statements[i]);
    SqlSpelling out;
    out.offset = statements[i].value("stmt_location", std::size_t{0});
    const std::size_t length = statements[i].value("stmt_len", sql.size() - out.offset);
    const std::string_view written = sql.substr(out.offset, length);
    out.text = std::string(without_space(written));
    out.offset += token_ends(std::string(written)).first;
    // What is written after the statement (`;`, `irreversible`) must not land in its comment.
    if (token_ends(out.text).line_comment_last) out.text += '\n';
    out.outside_transaction = outside_transaction(kind, *node);
    out.maintenance = kind == "VacuumStmt" || kind == "ReindexStmt" || kind == "CheckPointStmt";
    if (kind == "TransactionStmt") {
      out.kind = SqlSpelling::Kind::transaction_control;
    } else if (kind == "InsertStmt" || kind == "UpdateStmt" || kind == "DeleteStmt") {
      // As written, where the language reads it (its data steps take what SQL's do, but for
      // `update ... from`, `returning`, aliases, ...: those stay raw steps).
      out.kind = SqlSpelling::Kind::data;
      out.spellings.push_back({out.text});
    } else if (auto change = temporary_relation(kind, *node) != nullptr ? std::nullopt : modelled_change(kind, *node)) {
      // A temporary relation is the step's own business, kept raw (the compiler refuses one that hides the chain's).
      out.kind = SqlSpelling::Kind::modelled;
      out.relations = std::move(change->relations);
      if (change->statement.empty()) {
        out.no_language_statement = change->no_statement;
      } else {
        out.spellings.push_back({out.text});
        auto deparsed = deparsed_for_language(protobuf.result->stmts[i]);
        if (!deparsed.empty() && std::none_of(deparsed.begin(), deparsed.end(), [](const std::string& s) { return s.empty(); })) {
          out.spellings.push_back(std::move(deparsed));
        }
      }
    }
    const std::string object_type = text_field(*node, kind == "DropStmt" ? "removeType" : "renameType");
    out.view_statement = kind == "ViewStmt" || (kind == "CreateTableAsStmt" && text_field(*node, "objtype") == "OBJECT_MATVIEW") ||
                         ((kind == "DropStmt" || kind == "RenameStmt") && (object_type == "OBJECT_VIEW" || object_type == "OBJECT_MATVIEW"));
    if (kind == "ViewStmt") {
      out.created_relation = relation_names(*node, "view");
    } else if (kind == "CreateTableAsStmt" && text_field(*node, "objtype") == "OBJECT_MATVIEW") {
      out.created_relation = relation_names(object_member(*node, "into"), "rel");
    } else if (kind == "IndexStmt" && !text_field(*node, "idxname").empty()) {
      out.created_relation = relation_names(*node);
      out.created_relation.back() = text_field(*node, "idxname");
    }
    spelled.statements.push_back(std::move(out));
  }
  return spelled;
}

std::optional<SettingAssignment> setting_assignment(std::string_view statement) {
  const Tree tree = parse(std::string(statement));
  if (tree.error || tree.json.at("stmts").size() != 1) return std::nullopt;
  const auto [kind, node] = node_of(tree.json.at("stmts")[0]);
  SettingAssignment assignment;
  if (kind == "VariableSetStmt") {
    if (text_field(*node, "kind") != "VAR_SET_VALUE") return std::nullopt;
    assignment.name = lowered(text_field(*node, "name"));
    assignment.local = flag(*node, "is_local");
    for (const auto& argument : array_member(*node, "args")) {
      const auto text = constant_text(argument);
      if (!text) return std::nullopt;
      assignment.value += (assignment.value.empty() ? "" : ", ") + *text;
    }
    return assignment;
  }
  if (kind != "SelectStmt") return std::nullopt;
  for (const auto& [key, _] : node->items()) {
    if (key != "targetList" && key != "limitOption" && key != "op") return std::nullopt;
  }
  const Json& targets = array_member(*node, "targetList");
  if (targets.size() != 1) return std::nullopt;
  const Json& value = object_member(object_member(targets[0], "ResTarget"), "val");
  const auto call = value.find("FuncCall");
  if (call == value.end()) return std::nullopt;
  const auto names = string_list(array_member(*call, "funcname"));
  if (names.empty() || names.back() != "set_config" || (names.size() == 2 && names[0] != "pg_catalog") || names.size() > 2) return std::nullopt;
  const Json& arguments = array_member(*call, "args");
  if (arguments.size() != 3) return std::nullopt;
  const auto name = constant_text(arguments[0]);
  const auto setting = constant_text(arguments[1]);
  const auto local = constant_text(arguments[2]);
  if (!name || !setting || !local) return std::nullopt;
  assignment.name = lowered(*name);
  assignment.value = *setting;
  assignment.local = *local == "true" || *local == "t" || *local == "on";
  return assignment;
}


namespace {

SqlTypeName type_name_of(const Json& type, std::size_t prefix) {
  SqlTypeName out;
  out.names = string_list(array_member(type, "names"));
  out.array_dimensions = array_member(type, "arrayBounds").size();
  out.setof = flag(type, "setof");
  out.percent_type = flag(type, "pct_type");
  const auto location = type.value("location", 0);
  out.offset = location >= static_cast<int>(prefix) ? static_cast<std::size_t>(location) - prefix : 0;
  return out;
}

char parameter_mode(const std::string& mode) {
  if (mode == "FUNC_PARAM_OUT") return 'o';
  if (mode == "FUNC_PARAM_INOUT") return 'b';
  if (mode == "FUNC_PARAM_VARIADIC") return 'v';
  if (mode == "FUNC_PARAM_TABLE") return 't';
  return 'i';
}

std::optional<SqlError> error_within(const std::optional<SqlError>& error, std::size_t prefix, std::size_t length) {
  if (!error) return std::nullopt;
  return SqlError{error->offset >= prefix ? std::min(error->offset - prefix, length) : 0, error->message, error->too_deep};
}

// The one statement of `text`, of kind `expected`, or why not.
const Json* only_statement(const Tree& tree, std::string_view expected, std::optional<SqlError>& error) {
  static const Json none = Json::array();
  const auto found = tree.json.find("stmts");
  const Json& statements = found != tree.json.end() && found->is_array() ? *found : none;
  if (statements.size() != 1) {
    error = SqlError{0, statements.empty() ? "it is empty" : "it holds more than one statement"};
    return nullptr;
  }
  const auto [kind, node] = node_of(statements[0]);
  if (kind != expected) {
    error = SqlError{0, "it is not one definition"};
    return nullptr;
  }
  return node;
}

// Where the PL/pgSQL parser's complaint points in the text: it names the token it stopped at
// (`syntax error at or near "retrun"`) but gives no position.
std::size_t plpgsql_error_offset(const std::string& text, const std::string& message, std::size_t from) {
  const auto open = message.find("near \"");
  if (open == std::string::npos) return from;
  const auto close = message.find('"', open + 6);
  if (close == std::string::npos) return from;
  const auto found = text.find(message.substr(open + 6, close - open - 6), from);
  return found == std::string::npos ? from : found;
}

// The columns `new.x` and `old.x` a trigger's WHEN condition names.
void collect_row_columns(const Json& node, std::vector<SqlColumnReference>& out, std::size_t prefix) {
  if (node.is_object()) {
    if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
      const auto fields = string_list(array_member(*ref, "fields"));
      const auto location = ref->value("location", 0);
      out.push_back({fields, location >= static_cast<int>(prefix) ? static_cast<std::size_t>(location) - prefix : 0});
      return;
    }
    for (const auto& [_, value] : node.items()) collect_row_columns(value, out, prefix);
  } else if (node.is_array()) {
    for (const auto& value : node) collect_row_columns(value, out, prefix);
  }
}

// Where the relation name that starts at `start` ends: its parts and the dots between them, by
// PostgreSQL's lexer.
std::size_t name_end(const std::string& text, std::size_t start) {
  std::size_t end = start;
  const PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error == nullptr) {
    if (PgQuery__ScanResult* scanned =
            pg_query__scan_result__unpack(nullptr, result.pbuf.len, reinterpret_cast<const std::uint8_t*>(result.pbuf.data))) {
      bool in_name = false;
      bool after_dot = false;
      for (std::size_t i = 0; i < scanned->n_tokens; ++i) {
        const PgQuery__ScanToken& token = *scanned->tokens[i];
        if (token.token == PG_QUERY__TOKEN__SQL_COMMENT || token.token == PG_QUERY__TOKEN__C_COMMENT) continue;
        if (!in_name) {
          if (static_cast<std::size_t>(token.start) != start) continue;
          in_name = true;
          end = static_cast<std::size_t>(token.end);
        } else if (token.token == PG_QUERY__TOKEN__ASCII_46 && !after_dot) {
          after_dot = true;
        } else if (after_dot) {
          end = static_cast<std::size_t>(token.end);
          after_dot = false;
        } else {
          break;
        }
      }
      pg_query__scan_result__free_unpacked(scanned, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  return end;
}

}  // namespace

namespace {

// The statements of an SQL-standard body, `begin atomic ... end` (or `return <expression>`, as
// the SELECT it runs), for what they call and write to be read as a quoted body's are.
std::string standard_body(const std::string& statement) {
  const std::vector<Token> tokens = tokens_of(statement);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == PG_QUERY__TOKEN__BEGIN_P && i + 1 < tokens.size() && tokens[i + 1].kind == PG_QUERY__TOKEN__ATOMIC) {
      const std::size_t from = tokens[i + 1].end;
      std::size_t to = statement.size();
      for (std::size_t last = tokens.size(); last-- > i + 1;) {
        if (tokens[last].kind == PG_QUERY__TOKEN__END_P) {
          to = tokens[last].start;
          break;
        }
      }
      return statement.substr(from, to - from);
    }
    if (tokens[i].kind == PG_QUERY__TOKEN__RETURN) return "SELECT " + statement.substr(tokens[i].end);
  }
  return {};
}

}  // namespace

RoutineFacts read_routine(std::string_view definition, bool procedure) {
  RoutineFacts facts;
  const std::string prefix = procedure ? "CREATE PROCEDURE routine " : "CREATE FUNCTION routine ";
  const std::string text = prefix + std::string(definition);
  const Tree tree = parse(text, deepest_walked_tree);
  if (tree.error) {
    facts.error = error_within(tree.error, prefix.size(), definition.size());
    return facts;
  }
  const Json* node = only_statement(tree, "CreateFunctionStmt", facts.error);
  if (node == nullptr) return facts;
  for (const auto& parameter : array_member(*node, "parameters")) {
    const Json& p = object_member(parameter, "FunctionParameter");
    RoutineArgument argument;
    argument.name = text_field(p, "name");
    argument.mode = parameter_mode(text_field(p, "mode"));
    argument.type = type_name_of(object_member(p, "argType"), prefix.size());
    argument.has_default = p.contains("defexpr");
    if (argument.has_default) ++facts.defaults;
    facts.arguments.push_back(std::move(argument));
  }
  if (node->contains("returnType")) facts.returns = type_name_of(node->at("returnType"), prefix.size());
  std::optional<std::size_t> body_at;
  std::set<std::string> given;
  for (const auto& option : array_member(*node, "options")) {
    const Json& element = object_member(option, "DefElem");
    const std::string name = text_field(element, "defname");
    const auto location = static_cast<std::size_t>(std::max(0, element.value("location", 0)));
    // PostgreSQL refuses the statement when it runs, not when it parses it.
    if (name != "set" && !given.insert(name).second) {
      facts.error = SqlError{location >= prefix.size() ? location - prefix.size() : 0, "conflicting or redundant options"};
      return facts;
    }
    const Json& argument = object_member(element, "arg");
    if (name == "language") {
      facts.language = lowered(object_member(argument, "String").value("sval", ""));
      facts.language_offset = location >= prefix.size() ? location - prefix.size() : 0;
    } else if (name == "volatility") {
      facts.volatility = object_member(argument, "String").value("sval", "volatile");
    } else if (name == "as") {
      body_at = location;
      const auto items = array_member(object_member(argument, "List"), "items");
      if (!items.empty()) facts.body = object_member(items[0], "String").value("sval", "");
    }
  }
  if (node->contains("sql_body")) {
    facts.language = "sql";
    facts.body = standard_body(text);
    facts.standard_body = true;
  }
  if (facts.language.empty()) {
    facts.error = SqlError{definition.size(), "it names no language (`language sql`, `language plpgsql`, ...)"};
    return facts;
  }
  // PostgreSQL parses an SQL body when it makes the function (check_function_bodies is on in
  // the migrator's sessions): a body that is not SQL fails the deploy.
  if (facts.language == "sql" && body_at && !facts.body.empty()) {
    const std::size_t body_offset = text.find(facts.body, *body_at);
    const Tree body = parse(facts.body, deepest_walked_tree);
    if (body.error) {
      // Where the body is written as it is (dollar-quoted); else at its AS.
      const std::size_t at = body_offset != std::string::npos ? body_offset + body.error->offset : *body_at;
      facts.error = SqlError{at >= prefix.size() ? at - prefix.size() : 0, "its body: " + body.error->message, body.error->too_deep};
      return facts;
    }
  }
  if (facts.language == "plpgsql") {
    const PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(text.c_str());
    // libpg_query's PL/pgSQL parser has no catalog: what it says of types (a refcursor, a
    // variable of a table's row type, OUT arguments) may be wrong. Its syntax errors are not,
    // but for a FOR loop over a bound cursor, which it does not take.
    static const std::regex bound_cursor(R"(\bcursor\b)", std::regex::icase);
    if (result.error != nullptr && std::string_view(result.error->message).starts_with("syntax error") &&
        !std::regex_search(facts.body, bound_cursor)) {
      const std::string message = result.error->message;
      const std::size_t at = plpgsql_error_offset(text, message, body_at.value_or(prefix.size()));
      facts.error = SqlError{at >= prefix.size() ? at - prefix.size() : 0, "PL/pgSQL: " + message};
    }
    pg_query_free_plpgsql_parse_result(result);
  }
  return facts;
}

ArgumentTypes read_argument_types(std::string_view arguments, bool procedure) {
  ArgumentTypes out;
  const std::string prefix = procedure ? "DROP PROCEDURE routine" : "DROP FUNCTION routine";
  const std::string text = prefix + std::string(arguments);
  const Tree tree = parse(text);
  if (tree.error) {
    out.error = error_within(tree.error, prefix.size(), arguments.size());
    return out;
  }
  const Json* node = only_statement(tree, "DropStmt", out.error);
  if (node == nullptr) return out;
  for (const auto& object : array_member(*node, "objects")) {
    for (const auto& argument : array_member(object_member(object, "ObjectWithArgs"), "objargs")) {
      out.types.push_back(type_name_of(object_member(argument, "TypeName"), prefix.size()));
    }
  }
  return out;
}

namespace {

// The columns an expression's tree names, outside its subqueries.
void collect_outer_columns(const Json& node, std::vector<SqlColumnReference>& out, std::size_t prefix) {
  if (node.is_object()) {
    if (node.contains("SubLink")) return;
    if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
      const auto fields = string_list(array_member(*ref, "fields"));
      const auto location = ref->value("location", 0);
      out.push_back({fields, location >= static_cast<int>(prefix) ? static_cast<std::size_t>(location) - prefix : 0});
      return;
    }
    for (const auto& [_, value] : node.items()) collect_outer_columns(value, out, prefix);
  } else if (node.is_array()) {
    for (const auto& value : node) collect_outer_columns(value, out, prefix);
  }
}

}  // namespace

PolicyFacts read_policy(std::string_view definition) {
  PolicyFacts facts;
  const std::string prefix = "CREATE POLICY policy ON policy_table ";
  const std::string text = prefix + std::string(definition);
  const Tree tree = parse(text, deepest_walked_tree);
  if (tree.error) {
    facts.error = error_within(tree.error, prefix.size(), definition.size());
    return facts;
  }
  const Json* node = only_statement(tree, "CreatePolicyStmt", facts.error);
  if (node == nullptr) return facts;
  facts.command = text_field(*node, "cmd_name");
  facts.using_expression = node->contains("qual");
  facts.check_expression = node->contains("with_check");
  if (facts.using_expression) collect_outer_columns(node->at("qual"), facts.columns, prefix.size());
  if (facts.check_expression) collect_outer_columns(node->at("with_check"), facts.columns, prefix.size());
  return facts;
}

TriggerFacts read_trigger(std::string_view definition) {
  TriggerFacts facts;
  const std::string prefix = "CREATE TRIGGER routine ";
  const std::string text = prefix + std::string(definition);
  const Tree tree = parse(text, deepest_walked_tree);
  if (tree.error) {
    facts.error = error_within(tree.error, prefix.size(), definition.size());
    return facts;
  }
  const Json* node = only_statement(tree, "CreateTrigStmt", facts.error);
  if (node == nullptr) return facts;
  if (flag(*node, "isconstraint")) {
    facts.error = SqlError{0, "a constraint trigger is not a trigger the language makes"};
    return facts;
  }
  facts.table = relation_names(*node);
  const auto location = static_cast<std::size_t>(std::max(0, object_member(*node, "relation").value("location", 0)));
  facts.table_offset = location - std::min(location, prefix.size());
  facts.table_end = name_end(text, location) - std::min(name_end(text, location), prefix.size());
  facts.function = string_list(array_member(*node, "funcname"));
  facts.columns = string_list(array_member(*node, "columns"));
  if (node->contains("whenClause")) collect_row_columns(node->at("whenClause"), facts.when, prefix.size());
  facts.row = flag(*node, "row");
  const int timing = node->value("timing", 0);
  facts.before = (timing & 2) != 0;
  facts.instead_of = (timing & 64) != 0;
  const int events = node->value("events", 0);
  facts.on_insert = (events & 4) != 0;
  facts.on_delete = (events & 8) != 0;
  facts.on_update = (events & 16) != 0;
  facts.on_truncate = (events & 32) != 0;
  facts.transition_tables = node->contains("transitionRels");
  for (const auto& relation : array_member(*node, "transitionRels")) {
    const Json& transition = object_member(relation, "TriggerTransition");
    (flag(transition, "isNew") ? facts.new_table : facts.old_table) = true;
  }
  if (node->contains("whenClause")) {
    const std::string when = node->at("whenClause").dump();
    if (const auto sublink = when.find("\"SubLink\""); sublink != std::string::npos) {
      facts.when_subquery = 0;
      // Its location, the first after the marker.
      const auto location = when.find("\"location\":", sublink);
      if (location != std::string::npos) {
        const auto at = static_cast<std::size_t>(std::strtol(when.c_str() + location + 11, nullptr, 10));
        facts.when_subquery = at >= prefix.size() ? at - prefix.size() : 0;
      }
    }
  }
  // The function's name, where written: after the last EXECUTE.
  if (facts.function.empty()) {
    facts.error = SqlError{0, "it names no function to execute"};
    return facts;
  }
  const auto function_at = text.rfind(facts.function.back());
  facts.function_offset = function_at == std::string::npos || function_at < prefix.size() ? 0 : function_at - prefix.size();
  return facts;
}

}  // namespace migc
