// SQL rendering of the model and of operations.
#include "compiler/render_sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "compiler/sql_parser.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

std::string_view action_sql(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::no_action: return "NO ACTION";
    case ReferentialAction::restrict: return "RESTRICT";
    case ReferentialAction::cascade: return "CASCADE";
    case ReferentialAction::set_null: return "SET NULL";
    case ReferentialAction::set_default: return "SET DEFAULT";
  }
  return "NO ACTION";
}

}  // namespace

namespace {

// `serial` makes PostgreSQL name the sequence after the table, and give it the column's type: a
// sequence that kept its name through a table rename, or its type through a widening of its
// column, has to be spelled out. An identity's sequence follows its column's type.
bool serial_shorthand_fits(const QualifiedName& table, const Column& column) {
  return column.owned_sequence == beside(table, make_object_name(table.name, column.name, "seq")) &&
         (column.identity != Identity::none || column.owned_sequence_options.type == column.type.name.name);
}

std::string_view generated_sql(Identity identity) { return identity == Identity::always ? "ALWAYS" : "BY DEFAULT"; }

std::string nextval_sql(const QualifiedName& sequence) {
  return "nextval(" + quote_literal(quote_qualified(sequence)) + "::regclass)";
}

}  // namespace

std::string column_sql(const Column& column) {
  if (column.identity != Identity::none) {
    const std::string options = clauses_sql(new_sequence_clauses(column.owned_sequence_options, true));
    return fmt::format("{} {} GENERATED {} AS IDENTITY{} NOT NULL", quote_identifier(column.name), column.type.sql(),
                       generated_sql(column.identity), options.empty() ? "" : " (" + options + ")");
  }
  if (column.owned_sequence) {
    const std::string_view serial = column.type.is("bigint") ? "bigserial" : column.type.is("smallint") ? "smallserial" : "serial";
    return fmt::format("{} {} NOT NULL", quote_identifier(column.name), serial);
  }
  std::string out = quote_identifier(column.name) + " " + column.type.sql();
  if (column.collation) out += " COLLATE " + quote_qualified(*column.collation);
  if (column.generated_sql) out += " GENERATED ALWAYS AS " + *column.generated_sql + " STORED";
  if (column.default_sql) out += " DEFAULT " + *column.default_sql;
  if (column.not_null) out += " NOT NULL";
  return out;
}

ColumnSql column_parts(const QualifiedName& table, const Column& column) {
  if (!column.owned_sequence || serial_shorthand_fits(table, column)) return {"", column_sql(column), ""};
  const std::string sequence = quote_qualified(*column.owned_sequence);
  if (column.identity != Identity::none) {
    const std::string options = clauses_sql(new_sequence_clauses(column.owned_sequence_options, true));
    return {"",
            fmt::format("{} {} GENERATED {} AS IDENTITY (SEQUENCE NAME {}{}) NOT NULL", quote_identifier(column.name),
                        column.type.sql(), generated_sql(column.identity), sequence, options.empty() ? "" : " " + options),
            ""};
  }
  return {fmt::format("CREATE SEQUENCE {} AS {};\n", sequence, column.owned_sequence_options.type),
          fmt::format("{} {} DEFAULT {} NOT NULL", quote_identifier(column.name), column.type.sql(), nextval_sql(*column.owned_sequence)),
          fmt::format(";\nALTER SEQUENCE {} OWNED BY {}.{}", sequence, quote_qualified(table), quote_identifier(column.name))};
}

std::string constraint_sql(const Constraint& constraint) {
  std::string out = "CONSTRAINT " + quote_identifier(constraint.name) + " ";
  switch (constraint.kind) {
    case ConstraintKind::primary_key: out += "PRIMARY KEY (" + quote_identifiers(constraint.columns) + ")"; break;
    case ConstraintKind::unique:
      out += std::string(constraint.nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT (" : "UNIQUE (") +
             quote_identifiers(constraint.columns) + ")";
      break;
    case ConstraintKind::foreign_key:
      out += fmt::format("FOREIGN KEY ({}) REFERENCES {} ({})", quote_identifiers(constraint.columns),
                         quote_qualified(constraint.referenced_table),
                         quote_identifiers(constraint.referenced_columns));
      if (constraint.on_update != ReferentialAction::no_action) out += fmt::format(" ON UPDATE {}", action_sql(constraint.on_update));
      if (constraint.on_delete != ReferentialAction::no_action) out += fmt::format(" ON DELETE {}", action_sql(constraint.on_delete));
      if (!constraint.on_delete_columns.empty()) out += " (" + quote_identifiers(constraint.on_delete_columns) + ")";
      break;
    case ConstraintKind::check: return out + "CHECK " + constraint.check_sql;
  }
  if (constraint.deferrable) out += constraint.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

std::string create_table_sql(const Table& table, bool with_foreign_keys) {
  std::string before;  // statements the table needs first
  std::string after;   // and those that complete it
  std::string out = (table.unlogged ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ") + quote_qualified(table.name) + " (";
  bool first = true;
  const auto element = [&](const std::string& text) {
    out += first ? "\n    " : ",\n    ";
    out += text;
    first = false;
  };
  for (const auto& column : table.columns) {
    if (column.comment) after += ";\n" + comment_sql(ast::CommentKind::column, table.name, column.name, column.comment);
    const ColumnSql parts = column_parts(table.name, column);
    before += parts.before;
    element(parts.definition);
    after += parts.after;
  }
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == ConstraintKind::foreign_key && !with_foreign_keys) continue;
    // CREATE TABLE ignores NOT VALID (an empty table satisfies anything), so such a constraint
    // is added afterwards to come back as it was.
    if (constraint.not_valid) {
      after += ";\n" + add_constraint_sql(table.name, constraint);
      continue;
    }
    element(constraint_sql(constraint));
    if (constraint.comment) after += ";\n" + comment_sql(ast::CommentKind::constraint, table.name, constraint.name, constraint.comment);
  }
  if (table.comment) after = ";\n" + comment_sql(ast::CommentKind::table, table.name, {}, table.comment) + after;
  std::string sql = with_privileges(before + out + "\n)" + after, GrantTarget{ast::GrantTargetKind::table, table.name, {}}, table.privileges);
  for (const auto& column : table.columns) sql = with_column_privileges(std::move(sql), table.name, column);
  return sql;
}

std::string add_constraint_sql(const QualifiedName& table, const Constraint& constraint) {
  return with_comment("ALTER TABLE " + quote_qualified(table) + " ADD " + constraint_sql(constraint) + (constraint.not_valid ? " NOT VALID" : ""),
                      ast::CommentKind::constraint, table, constraint.name, constraint.comment);
}

namespace {
// An index's keys, or an `ON CONFLICT` target's (which has no order).
std::string index_keys_sql(const std::vector<IndexKey>& keys) {
  std::string sql;
  for (const auto& key : keys) {
    if (!sql.empty()) sql += ", ";
    sql += key.column.empty() ? key.expression : quote_identifier(key.column);
    if (key.collation) sql += " COLLATE " + quote_qualified(*key.collation);
    if (!key.operator_class.empty()) sql += " " + quote_identifier(key.operator_class);
    if (key.descending) sql += " DESC";
    if (key.nulls_reversed) sql += key.descending ? " NULLS LAST" : " NULLS FIRST";
  }
  return sql;
}
}  // namespace

std::string create_index_sql(const Index& index, bool concurrently) {
  const std::string keys = index_keys_sql(index.keys);
  std::string sql = fmt::format("CREATE {}INDEX {}{} ON {} USING {} ({})", index.unique ? "UNIQUE " : "",
                                concurrently ? "CONCURRENTLY " : "", quote_identifier(index.name.name),
                                quote_qualified(index.table), index.method, keys);
  if (!index.include.empty()) sql += " INCLUDE (" + quote_identifiers(index.include) + ")";
  if (index.nulls_not_distinct) sql += " NULLS NOT DISTINCT";
  if (!index.where_sql.empty()) sql += " WHERE " + index.where_sql;
  // Not after a concurrent build, which must be a statement of its own.
  return concurrently ? sql : with_comment(std::move(sql), ast::CommentKind::index, index.name, {}, index.comment);
}

std::string create_enum_sql(const EnumType& type) {
  std::string values;
  for (const auto& value : type.values) values += (values.empty() ? "" : ", ") + quote_literal(value);
  return with_privileges(with_comment(fmt::format("CREATE TYPE {} AS ENUM ({})", quote_qualified(type.name), values), ast::CommentKind::type,
                                      type.name, {}, type.comment),
                         GrantTarget{ast::GrantTargetKind::type, type.name, {}}, type.privileges);
}

std::vector<SequenceClause> new_sequence_clauses(const SequenceOptions& options, bool identity) {
  std::vector<SequenceClause> clauses;
  if (!identity) clauses.push_back({"as", options.type});
  if (!identity || options.increment != 1) clauses.push_back({"increment by", std::to_string(options.increment)});
  const std::int64_t min = default_sequence_min(options.type, options.increment);
  const std::int64_t max = default_sequence_max(options.type, options.increment);
  if (options.min != min) clauses.push_back({"minvalue", std::to_string(options.min)});
  if (options.max != max) clauses.push_back({"maxvalue", std::to_string(options.max)});
  if (!identity || options.start != (options.increment > 0 ? options.min : options.max)) {
    clauses.push_back({"start with", std::to_string(options.start)});
  }
  if (options.cache != 1) clauses.push_back({"cache", std::to_string(options.cache)});
  if (options.cycle) clauses.push_back({"cycle", ""});
  return clauses;
}

std::vector<SequenceClause> changed_sequence_clauses(const SequenceOptions& from, const SequenceOptions& to, bool restart,
                                                     std::optional<std::int64_t> restart_with) {
  std::vector<SequenceClause> clauses;
  if (from.type != to.type) clauses.push_back({"as", to.type});
  if (from.increment != to.increment) clauses.push_back({"increment by", std::to_string(to.increment)});
  if (from.min != to.min) clauses.push_back({"minvalue", std::to_string(to.min)});
  if (from.max != to.max) clauses.push_back({"maxvalue", std::to_string(to.max)});
  if (from.start != to.start) clauses.push_back({"start with", std::to_string(to.start)});
  if (from.cache != to.cache) clauses.push_back({"cache", std::to_string(to.cache)});
  if (from.cycle != to.cycle) clauses.push_back({to.cycle ? "cycle" : "no cycle", ""});
  if (restart) {
    clauses.push_back(restart_with ? SequenceClause{"restart with", std::to_string(*restart_with)} : SequenceClause{"restart", ""});
  }
  return clauses;
}

std::vector<SequenceClause> alter_sequence_clauses(const op::AlterSequence& alter) {
  auto clauses = changed_sequence_clauses(alter.from, alter.to, alter.restart, alter.restart_with);
  if (clauses.empty()) clauses.push_back({"increment by", std::to_string(alter.to.increment)});
  return clauses;
}

std::vector<SequenceClause> alter_identity_clauses(const op::AlterIdentity& alter) {
  std::vector<SequenceClause> clauses;
  if (alter.from_identity != alter.to_identity) {
    clauses.push_back({"set generated", alter.to_identity == Identity::always ? "always" : "by default"});
  }
  for (auto& clause : changed_sequence_clauses(alter.from, alter.to, alter.restart, alter.restart_with)) {
    if (!clause.keyword.starts_with("restart")) clause.keyword = "set " + clause.keyword;
    clauses.push_back(std::move(clause));
  }
  if (clauses.empty()) clauses.push_back({"set increment by", std::to_string(alter.to.increment)});
  return clauses;
}

std::string clauses_sql(const std::vector<SequenceClause>& clauses) {
  std::string out;
  for (const auto& clause : clauses) {
    std::string keyword = clause.keyword;
    for (char& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // A value is a number, a type's name or a generated kind: upper case only for the last.
    std::string value = clause.value;
    if (clause.keyword == "set generated") {
      for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    out += (out.empty() ? "" : " ") + keyword + (value.empty() ? "" : " " + value);
  }
  return out;
}

// As ALTER DOMAIN ADD writes it: CREATE DOMAIN takes no NOT VALID.
std::string domain_constraint_sql(const DomainConstraint& constraint) {
  return "CONSTRAINT " + quote_identifier(constraint.name) + " CHECK " + constraint.check_sql + (constraint.not_valid ? " NOT VALID" : "");
}

std::string create_domain_sql(const Domain& domain) {
  std::string sql = fmt::format("CREATE DOMAIN {} AS {}", quote_qualified(domain.name), domain.type.sql());
  if (domain.collation) sql += " COLLATE " + quote_qualified(*domain.collation);
  if (domain.default_sql) sql += " DEFAULT " + *domain.default_sql;
  if (domain.not_null) sql += " NOT NULL";
  std::vector<const DomainConstraint*> checks;
  for (const auto& constraint : domain.constraints) checks.push_back(&constraint);
  std::sort(checks.begin(), checks.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  for (const auto* constraint : checks) {
    if (!constraint->not_valid) sql += " " + domain_constraint_sql(*constraint);
  }
  for (const auto* constraint : checks) {
    if (constraint->not_valid) sql = line_ended(std::move(sql)) + ";\nALTER DOMAIN " + quote_qualified(domain.name) + " ADD " + domain_constraint_sql(*constraint);
  }
  return with_privileges(with_comment(std::move(sql), ast::CommentKind::domain, domain.name, {}, domain.comment),
                         GrantTarget{ast::GrantTargetKind::type, domain.name, {}}, domain.privileges);
}

std::string create_composite_sql(const CompositeType& type) {
  std::string attributes;
  for (const auto& attribute : type.attributes) {
    attributes += (attributes.empty() ? "" : ", ") + quote_identifier(attribute.name) + " " + attribute.type.sql();
  }
  return with_privileges(with_comment(fmt::format("CREATE TYPE {} AS ({})", quote_qualified(type.name), attributes), ast::CommentKind::type,
                                      type.name, {}, type.comment),
                         GrantTarget{ast::GrantTargetKind::type, type.name, {}}, type.privileges);
}

std::string create_sequence_sql(const Sequence& sequence) {
  return with_privileges(with_comment("CREATE SEQUENCE " + quote_qualified(sequence.name) + " " + clauses_sql(new_sequence_clauses(sequence, false)),
                                      ast::CommentKind::sequence, sequence.name, {}, sequence.comment),
                         GrantTarget{ast::GrantTargetKind::sequence, sequence.name, {}}, sequence.privileges);
}

std::string sequence_owner_statement(const QualifiedName& sequence, const std::optional<SequenceOwner>& owner, bool upper_case) {
  const std::string target = owner ? quote_qualified(owner->table) + "." + quote_identifier(owner->column) : (upper_case ? "NONE" : "none");
  return fmt::format("{} {} {} {}", upper_case ? "ALTER SEQUENCE" : "alter sequence", quote_qualified(sequence),
                     upper_case ? "OWNED BY" : "owned by", target);
}

std::string view_default_sql(const QualifiedName& view, const std::string& column, const std::optional<std::string>& value) {
  return fmt::format("ALTER VIEW {} ALTER COLUMN {} {}", quote_qualified(view), quote_identifier(column),
                     value ? "SET DEFAULT " + *value : "DROP DEFAULT");
}

std::string create_view_sql(const View& view, bool replace) {
  std::string column_comments;
  for (const auto& column : view.columns) {
    if (column.comment) column_comments += ";\n" + comment_sql(ast::CommentKind::column, view.name, column.name, column.comment);
    if (column.default_sql) column_comments += ";\n" + view_default_sql(view.name, column.name, column.default_sql);
  }
  std::string columns;
  for (const auto& column : view.column_names) columns += (columns.empty() ? "" : ", ") + quote_identifier(column);
  // Names and values the compiler knows (`security_barrier`, `true`, `local`): no quoting needed.
  std::string options;
  for (const auto& [name, value] : view.options) options += (options.empty() ? "" : ", ") + name + "=" + value;
  return with_privileges(
      with_comment(fmt::format("CREATE {}{}VIEW {}{}{} AS {}{}", replace ? "OR REPLACE " : "", view.materialized ? "MATERIALIZED " : "",
                               quote_qualified(view.name), columns.empty() ? "" : " (" + columns + ")",
                               options.empty() ? "" : " WITH (" + options + ")", view.query,
                               view.materialized && !view.with_data ? " WITH NO DATA" : "") + column_comments,
                   view.materialized ? ast::CommentKind::materialized_view : ast::CommentKind::view, view.name, {}, view.comment),
      GrantTarget{ast::GrantTargetKind::table, view.name, {}}, view.privileges);
}

std::string line_ended(std::string sql) {
  const std::size_t last_line = sql.rfind('\n');
  if (sql.find("--", last_line == std::string::npos ? 0 : last_line) != std::string::npos) sql += '\n';
  return sql;
}

std::string create_policy_sql(const Policy& policy) {
  return with_comment(line_ended(fmt::format("CREATE POLICY {} ON {}{}{}", quote_identifier(policy.key.name), quote_qualified(policy.key.table),
                                             policy.definition.empty() ? "" : " ", policy.definition)),
                      ast::CommentKind::policy, policy.key.table, policy.key.name, policy.comment);
}

std::string row_security_sql(const op::SetRowSecurity& change) {
  return fmt::format("ALTER TABLE {} {} ROW LEVEL SECURITY", quote_qualified(change.table),
                     change.forced ? (change.on ? "FORCE" : "NO FORCE") : (change.on ? "ENABLE" : "DISABLE"));
}

std::string create_routine_sql(const Routine& routine, bool replace) {
  return with_privileges(
      with_comment(line_ended(fmt::format("CREATE {}{} {}{}", replace ? "OR REPLACE " : "", routine.procedure ? "PROCEDURE" : "FUNCTION",
                                          quote_qualified(routine.key.name), routine.definition)),
                   routine.procedure ? ast::CommentKind::procedure : ast::CommentKind::function, routine.key.name, routine.key.arguments,
                   routine.comment),
      GrantTarget{routine.procedure ? ast::GrantTargetKind::procedure : ast::GrantTargetKind::function, routine.key.name, routine.key.arguments},
      routine.privileges);
}

std::string drop_routine_sql(const RoutineKey& key, bool procedure, bool cascade) {
  return fmt::format("DROP {} {}({}){}", procedure ? "PROCEDURE" : "FUNCTION", quote_qualified(key.name), key.arguments,
                     cascade ? " CASCADE" : "");
}

std::string create_trigger_sql(const Trigger& trigger, bool replace) {
  return with_comment(line_ended(fmt::format("CREATE {}TRIGGER {} {} {} {}", replace ? "OR REPLACE " : "", quote_identifier(trigger.key.name),
                                             trigger.before_table, quote_qualified(trigger.key.table), trigger.after_table)),
                      ast::CommentKind::trigger, trigger.key.table, trigger.key.name, trigger.comment);
}

std::vector<std::string> privileges_statements(const GrantTarget& target, const std::string& role, const RolePrivileges& before,
                                               const RolePrivileges& after, bool upper_case) {
  using Kind = ast::GrantTargetKind;
  const auto keywords = [upper_case](std::string words) {
    if (!upper_case) std::transform(words.begin(), words.end(), words.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return words;
  };
  std::string object;
  switch (target.kind) {
    case Kind::table: object = keywords("TABLE ") + quote_qualified(target.name); break;
    case Kind::sequence: object = keywords("SEQUENCE ") + quote_qualified(target.name); break;
    case Kind::schema: object = keywords("SCHEMA ") + quote_identifier(target.name.name); break;
    // TYPE names a domain too.
    case Kind::type:
    case Kind::domain: object = keywords("TYPE ") + quote_qualified(target.name); break;
    // The identity arguments are types as format_type() prints them: SQL already.
    case Kind::function: object = keywords("FUNCTION ") + quote_qualified(target.name) + "(" + target.arguments + ")"; break;
    case Kind::procedure: object = keywords("PROCEDURE ") + quote_qualified(target.name) + "(" + target.arguments + ")"; break;
  }
  const std::string grantee = role == "public" ? keywords("PUBLIC") : quote_identifier(role);
  // On a column: `SELECT (c)`.
  const std::string on_column = target.column.empty() ? "" : " (" + quote_identifier(target.column) + ")";
  std::vector<std::string> revoked, option_revoked, granted, granted_with_option;
  for (const auto& [privilege, option] : before) {
    const auto kept = after.find(privilege);
    if (kept == after.end()) {
      revoked.push_back(keywords(privilege) + on_column);
    } else if (option && !kept->second) {
      option_revoked.push_back(keywords(privilege) + on_column);
    }
  }
  for (const auto& [privilege, option] : after) {
    const auto had = before.find(privilege);
    if (option && (had == before.end() || !had->second)) {
      granted_with_option.push_back(keywords(privilege) + on_column);
    } else if (!option && had == before.end()) {
      granted.push_back(keywords(privilege) + on_column);
    }
  }
  std::vector<std::string> statements;
  const auto list = [](const std::vector<std::string>& privileges) { return fmt::format("{}", fmt::join(privileges, ", ")); };
  if (!revoked.empty()) statements.push_back(keywords("REVOKE ") + list(revoked) + keywords(" ON ") + object + keywords(" FROM ") + grantee);
  if (!option_revoked.empty()) {
    statements.push_back(keywords("REVOKE GRANT OPTION FOR ") + list(option_revoked) + keywords(" ON ") + object + keywords(" FROM ") + grantee);
  }
  if (!granted.empty()) statements.push_back(keywords("GRANT ") + list(granted) + keywords(" ON ") + object + keywords(" TO ") + grantee);
  if (!granted_with_option.empty()) {
    statements.push_back(keywords("GRANT ") + list(granted_with_option) + keywords(" ON ") + object + keywords(" TO ") + grantee +
                         keywords(" WITH GRANT OPTION"));
  }
  return statements;
}

std::vector<std::string> granting_statements(const GrantTarget& target, const Privileges& privileges, bool upper_case) {
  std::vector<std::string> statements;
  for (const auto& change : privilege_changes(target, default_privileges(target.kind), privileges)) {
    for (auto& statement : privileges_statements(target, change.role, change.before, change.after, upper_case)) {
      statements.push_back(std::move(statement));
    }
  }
  return statements;
}

std::string with_privileges(std::string sql, const GrantTarget& target, const Privileges& privileges) {
  for (const auto& statement : granting_statements(target, privileges, true)) sql = line_ended(std::move(sql)) + ";\n" + statement;
  return sql;
}

std::string with_column_privileges(std::string sql, const QualifiedName& table, const Column& column) {
  sql = with_privileges(std::move(sql), GrantTarget{ast::GrantTargetKind::table, table, {}, column.name}, column.privileges);
  if (!column.owned_sequence) return sql;
  return with_privileges(std::move(sql), GrantTarget{ast::GrantTargetKind::sequence, *column.owned_sequence, {}}, column.owned_sequence_privileges);
}

std::string comment_statement(ast::CommentKind kind, const QualifiedName& object, const std::string& member,
                              const std::optional<std::string>& text, bool upper_case) {
  using Kind = ast::CommentKind;
  const auto keywords = [upper_case](std::string words) {
    if (upper_case) std::transform(words.begin(), words.end(), words.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return words;
  };
  const std::string name = quote_qualified(object);
  std::string target;
  switch (kind) {
    case Kind::table: target = keywords("table ") + name; break;
    case Kind::column: target = keywords("column ") + name + "." + quote_identifier(member); break;
    case Kind::constraint: target = keywords("constraint ") + quote_identifier(member) + keywords(" on ") + name; break;
    case Kind::trigger: target = keywords("trigger ") + quote_identifier(member) + keywords(" on ") + name; break;
    case Kind::policy: target = keywords("policy ") + quote_identifier(member) + keywords(" on ") + name; break;
    case Kind::view: target = keywords("view ") + name; break;
    case Kind::materialized_view: target = keywords("materialized view ") + name; break;
    case Kind::index: target = keywords("index ") + name; break;
    case Kind::sequence: target = keywords("sequence ") + name; break;
    case Kind::type: target = keywords("type ") + name; break;
    case Kind::domain: target = keywords("domain ") + name; break;
    // The identity arguments are types as format_type() prints them: SQL already.
    case Kind::function: target = keywords("function ") + name + "(" + member + ")"; break;
    case Kind::procedure: target = keywords("procedure ") + name + "(" + member + ")"; break;
  }
  return keywords("comment on ") + target + keywords(" is ") + (text ? quote_literal(*text) : keywords("null"));
}

std::string comment_sql(ast::CommentKind kind, const QualifiedName& object, const std::string& member, const std::optional<std::string>& text) {
  return comment_statement(kind, object, member, text, true);
}

std::string with_comment(std::string sql, ast::CommentKind kind, const QualifiedName& object, const std::string& member,
                         const std::optional<std::string>& comment) {
  // A definition may end in a `--` comment, which would swallow what follows on its line.
  if (comment) sql = line_ended(std::move(sql)) + ";\n" + comment_sql(kind, object, member, comment);
  return sql;
}

namespace {

int creation_rank(ObjectKind kind, std::uint32_t depth) {
  switch (kind) {
    // A routine's depth: its place (0 before the tables, 1 after, 2 after the views), plus 3 for
    // each level of the chain's routines its SQL body calls.
    case ObjectKind::routine: return depth % 3 == 0 ? 4 : depth % 3 == 1 ? 8 : 9;
    case ObjectKind::trigger:
    case ObjectKind::policy:
    case ObjectKind::late_check:
    case ObjectKind::late_default: return 9;
    case ObjectKind::extension:
    case ObjectKind::schema: return 0;
    case ObjectKind::type: return 1;
    case ObjectKind::domain: return 2;
    case ObjectKind::composite: return 3;
    case ObjectKind::sequence: return 4;
    case ObjectKind::table: return 5;
    case ObjectKind::index: return depth == 0 ? 6 : 9;
    case ObjectKind::foreign_key:
    case ObjectKind::sequence_owner: return 7;
    case ObjectKind::view: return 8;
  }
  return 7;
}

std::string_view kind_word(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::extension: return "extension";
    case ObjectKind::schema: return "schema";
    case ObjectKind::type: return "type";
    case ObjectKind::domain: return "domain";
    case ObjectKind::composite: return "composite type";
    case ObjectKind::sequence: return "sequence";
    case ObjectKind::table: return "table";
    case ObjectKind::index: return "index";
    case ObjectKind::foreign_key: return "foreign key";
    case ObjectKind::sequence_owner: return "sequence owner";
    case ObjectKind::view: return "view";
    case ObjectKind::routine: return "function";
    case ObjectKind::trigger: return "trigger";
    case ObjectKind::policy: return "policy";
    case ObjectKind::late_check: return "late check";
    case ObjectKind::late_default: return "late default";
  }
  return "object";
}

ObjectKey key_of(ObjectKind kind, QualifiedName name) { return {kind, std::move(name), {}, 0}; }
ObjectKey key_of(ObjectKind kind, const std::string& name) { return {kind, {{}, name}, {}, 0}; }
ObjectKey foreign_key_of(const QualifiedName& table, const Constraint& constraint) {
  return {ObjectKind::foreign_key, table, constraint.name, 0};
}
// An index whose expressions call a routine made after the tables (one naming a table's row
// type, or with an SQL-standard body) is made after the routines.
void add_table_objects_as_written(const Schema& schema, const Table& table, SchemaObjects& objects);

bool calls_late_routine(const Schema& schema, const std::string& sql) {
  if (sql.empty()) return false;
  for (const auto& function : read_expression(sql).functions) {
    for (const auto& [key, routine] : schema.routines()) {
      if (!function.names.empty() && key.name.name == function.names.back() && (routine.reads_row_types || routine.standard_body)) return true;
    }
  }
  return false;
}

// A domain is made before every routine: its default or check calling one of the chain's is
// set after them all, or the name would resolve to the live schema's routine in check's scratch
// schema.
void add_domain_objects(const Schema& schema, const Domain& written, SchemaObjects& objects) {
  const auto calls_chain_routine = [&](const std::string& sql) {
    if (sql.empty() || schema.routines().empty()) return false;
    for (const auto& function : read_expression(sql).functions) {
      for (const auto& [key, _] : schema.routines()) {
        if (!function.names.empty() && key.name.name == function.names.back()) return true;
      }
    }
    return false;
  };
  Domain domain = written;
  if (domain.default_sql && calls_chain_routine(*domain.default_sql)) {
    objects[{ObjectKind::late_default, domain.name, {}, 0}] = fmt::format("ALTER DOMAIN {} SET DEFAULT {}", quote_qualified(domain.name), *domain.default_sql);
    domain.default_sql.reset();
  }
  std::erase_if(domain.constraints, [&](const DomainConstraint& constraint) {
    if (!calls_chain_routine(constraint.check_sql)) return false;
    objects[{ObjectKind::late_check, domain.name, constraint.name, 0}] =
        fmt::format("ALTER DOMAIN {} ADD {}", quote_qualified(domain.name), domain_constraint_sql(constraint));
    return true;
  });
  // One over another of the chain's domains comes after it.
  std::uint32_t depth = 0;
  for (const ColumnType* base = &domain.type; base->user_defined && depth < 64; ++depth) {
    const auto found = schema.domains().find(base->name);
    if (found == schema.domains().end()) break;
    base = &found->second.type;
  }
  objects[{ObjectKind::domain, domain.name, {}, depth}] = create_domain_sql(domain);
}

ObjectKey index_key(const Schema& schema, const Index& index) {
  // A materialized view's comes after the views.
  bool late = schema.views().contains(index.table) || calls_late_routine(schema, index.where_sql);
  for (const auto& key : index.keys) late = late || calls_late_routine(schema, key.expression);
  return {ObjectKind::index, index.name, {}, late ? 1u : 0u};
}

// Every view: few, and what one reads may have changed under it (a rename, a cascade).
void add_view(const View& view, SchemaObjects& objects) { objects[{ObjectKind::view, view.name, {}, view.depth}] = create_view_sql(view); }
void add_views(const Schema& schema, SchemaObjects& objects) {
  for (const auto& [_, view] : schema.views()) add_view(view, objects);
}
// The indexes of materialized views, few: always among a revision's objects, as the views are.
void add_view_indexes(const Schema& schema, SchemaObjects& objects) {
  for (const auto& [name, view] : schema.views()) {
    if (!view.materialized) continue;
    for (const auto& index : schema.indexes_of(name)) objects[index_key(schema, schema.indexes().at(index))] = create_index_sql(schema.indexes().at(index));
  }
}
// Every routine and trigger, as every view.
void add_routines_and_triggers(const Schema& schema, SchemaObjects& objects) {
  // An SQL-standard body (`return sq(3)`) is bound to the routines it calls when it is made: in
  // check's scratch schema they must come first, or it binds to the live schema's. Each such
  // routine comes after those whose names its body mentions, in its place or a later one.
  std::map<RoutineKey, std::pair<std::uint32_t, std::uint32_t>> placed;  // place, level
  const std::function<std::pair<std::uint32_t, std::uint32_t>(const Routine&, int)> place = [&](const Routine& routine, int guard) {
    if (const auto found = placed.find(routine.key); found != placed.end()) return found->second;
    std::uint32_t after = routine.reads_view_row_types || routine.standard_body ? 2u : routine.reads_row_types ? 1u : 0u;
    std::uint32_t level = 0;
    if (routine.written_standard && guard < 16) {
      for (const auto& [key, called] : schema.routines()) {
        if (key.name == routine.key.name || !mentions_identifier(routine.body, key.name.name)) continue;
        const auto [called_after, called_level] = place(called, guard + 1);
        after = std::max(after, called_after);
        level = std::max(level, called_level + 1);
      }
    }
    placed[routine.key] = {after, level};
    return std::pair(after, level);
  };
  for (const auto& [key, routine] : schema.routines()) {
    const auto [after, level] = place(routine, 0);
    objects[{ObjectKind::routine, key.name, key.arguments, after + 3 * level}] = create_routine_sql(routine);
  }
  for (const auto& [key, trigger] : schema.triggers()) {
    std::string sql = create_trigger_sql(trigger);
    if (!trigger.enabled) sql += ";\nALTER TABLE " + quote_qualified(key.table) + " DISABLE TRIGGER " + quote_identifier(key.name);
    objects[{ObjectKind::trigger, key.table, key.name, 0}] = std::move(sql);
  }
  for (const auto& [key, policy] : schema.policies()) objects[{ObjectKind::policy, key.table, key.name, 0}] = create_policy_sql(policy);
}

std::string create_schema_sql(const std::string& name, const Privileges& privileges) {
  return with_privileges("CREATE SCHEMA " + quote_identifier(name), GrantTarget{ast::GrantTargetKind::schema, {{}, name}, {}}, privileges);
}
// IF NOT EXISTS: extensions belong to the database, and a schema may be rebuilt beside a live one.
std::string create_extension_sql(const std::string& name) { return "CREATE EXTENSION IF NOT EXISTS " + quote_identifier(name); }

void add_sequence_objects(const Sequence& sequence, SchemaObjects& objects) {
  objects[key_of(ObjectKind::sequence, sequence.name)] = create_sequence_sql(sequence);
  if (sequence.owner) objects[key_of(ObjectKind::sequence_owner, sequence.name)] = sequence_owner_statement(sequence.name, sequence.owner, true);
}

void add_table_objects(const Schema& schema, const Table& written, SchemaObjects& objects) {
  const bool late_routines = std::ranges::any_of(schema.routines(), [](const auto& entry) {
    return entry.second.reads_row_types || entry.second.standard_body;
  });
  if (!late_routines) return add_table_objects_as_written(schema, written, objects);  // most schemas: no copy
  Table table = written;
  for (auto& column : table.columns) {
    if (column.owned_sequence || !column.default_sql || !calls_late_routine(schema, *column.default_sql)) continue;
    objects[{ObjectKind::late_default, table.name, column.name, 0}] =
        fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", quote_qualified(table.name), quote_identifier(column.name), *column.default_sql);
    column.default_sql.reset();
  }
  std::erase_if(table.constraints, [&](const Constraint& constraint) {
    if (constraint.kind != ConstraintKind::check || !calls_late_routine(schema, constraint.check_sql)) return false;
    objects[{ObjectKind::late_check, table.name, constraint.name, 0}] = add_constraint_sql(table.name, constraint);
    return true;
  });
  add_table_objects_as_written(schema, table, objects);
}

void add_table_objects_as_written(const Schema& schema, const Table& table, SchemaObjects& objects) {
  std::string sql = create_table_sql(table, false);
  if (table.row_security) sql += ";\n" + row_security_sql({table.name, false, true});
  if (table.force_row_security) sql += ";\n" + row_security_sql({table.name, true, true});
  objects[key_of(ObjectKind::table, table.name)] = std::move(sql);
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == ConstraintKind::foreign_key) {
      objects[foreign_key_of(table.name, constraint)] = add_constraint_sql(table.name, constraint);
    }
  }
  for (const auto& name : schema.indexes_of(table.name)) {
    objects[index_key(schema, schema.indexes().at(name))] = create_index_sql(schema.indexes().at(name));
  }
}

}  // namespace

bool ObjectKey::outside_default_schema() const { return kind == ObjectKind::schema || !name.schema.empty(); }

int ObjectKey::rank() const { return creation_rank(kind, depth); }

std::string ObjectKey::description() const {
  if (kind == ObjectKind::foreign_key) return fmt::format("foreign key {} of table {}", constraint, name);
  if (kind == ObjectKind::trigger) return fmt::format("trigger {} on table {}", constraint, name);
  if (kind == ObjectKind::policy) return fmt::format("policy {} on table {}", constraint, name);
  if (kind == ObjectKind::late_check) return fmt::format("check {} of {}", constraint, name);
  if (kind == ObjectKind::late_default) return constraint.empty() ? fmt::format("default of domain {}", name)
                                                                  : fmt::format("default of column {} of table {}", constraint, name);
  if (kind == ObjectKind::routine) return fmt::format("function {}({})", name, constraint);
  return fmt::format("{} {}", kind_word(kind), name);
}

std::string ObjectKey::serialised() const {
  std::string out = fmt::format("{}{}{} {}", rank(), outside_default_schema() ? '*' : ' ', kind_word(kind),
                                quote_qualified(name));
  // Views sort after those they read: by depth, then name. So do domains over domains, after
  // every other (`_` sorts after the space).
  if (kind == ObjectKind::view) {
    out = fmt::format("{}{}view {:04} {}", rank(), outside_default_schema() ? '*' : ' ', depth, quote_qualified(name));
  } else if (kind == ObjectKind::domain && depth > 0) {
    out = fmt::format("{}{}domain_{:04} {}", rank(), outside_default_schema() ? '*' : ' ', depth, quote_qualified(name));
  } else if (kind == ObjectKind::routine && depth >= 3) {
    out = fmt::format("{}{}function_{:04} {}", rank(), outside_default_schema() ? '*' : ' ', depth / 3, quote_qualified(name));
  }
  if (kind == ObjectKind::foreign_key || kind == ObjectKind::trigger || kind == ObjectKind::policy || kind == ObjectKind::late_check ||
      (kind == ObjectKind::late_default && !constraint.empty())) {
    out += " " + quote_identifier(constraint);
  }
  if (kind == ObjectKind::routine) out += "(" + constraint + ")";
  return out;
}

namespace {

// Each object as `check` builds it in its scratch schema, where a name the user qualified with
// the connection's schema (`'ok'::public.mood`, `from public.t`) would name the live object.
SchemaObjects as_checked(SchemaObjects objects) {
  for (auto& [_, sql] : objects) sql = without_public_qualifier(sql);
  return objects;
}

}  // namespace

SchemaObjects schema_objects(const Schema& schema) {
  SchemaObjects objects;
  for (const auto& [name, created] : schema.schemas()) objects[key_of(ObjectKind::schema, name)] = create_schema_sql(name, created.privileges);
  for (const auto& [name, _] : schema.extensions()) objects[key_of(ObjectKind::extension, name)] = create_extension_sql(name);
  for (const auto& [name, type] : schema.enums()) objects[key_of(ObjectKind::type, name)] = create_enum_sql(type);
  for (const auto& [_, domain] : schema.domains()) add_domain_objects(schema, domain, objects);
  for (const auto& [name, type] : schema.composites()) objects[key_of(ObjectKind::composite, name)] = create_composite_sql(type);
  for (const auto& [_, sequence] : schema.sequences()) add_sequence_objects(sequence, objects);
  for (const auto& [_, table] : schema.tables()) add_table_objects(schema, table, objects);
  add_views(schema, objects);
  add_view_indexes(schema, objects);
  add_routines_and_triggers(schema, objects);
  return as_checked(std::move(objects));
}

SchemaObjects schema_objects(const Schema& schema, const Touched& touched) {
  SchemaObjects objects;
  for (const auto& name : touched.schemas) {
    if (const auto created = schema.schemas().find(name); created != schema.schemas().end()) {
      objects[key_of(ObjectKind::schema, name)] = create_schema_sql(name, created->second.privileges);
    }
  }
  for (const auto& name : touched.extensions) {
    if (schema.extensions().contains(name)) objects[key_of(ObjectKind::extension, name)] = create_extension_sql(name);
  }
  std::set<QualifiedName> tables = touched.tables;
  for (const auto& name : touched.types) {
    if (const auto type = schema.enums().find(name); type != schema.enums().end()) objects[key_of(ObjectKind::type, name)] = create_enum_sql(type->second);
    if (const auto domain = schema.domains().find(name); domain != schema.domains().end()) {
      add_domain_objects(schema, domain->second, objects);
    }
    if (const auto type = schema.composites().find(name); type != schema.composites().end()) {
      objects[key_of(ObjectKind::composite, name)] = create_composite_sql(type->second);
    }
    for (const auto& [table, _] : schema.columns_of_type(name)) tables.insert(table);
  }
  // A sequence goes with the table that owns it.
  std::set<QualifiedName> sequences = touched.sequences;
  for (const auto& [name, sequence] : schema.sequences()) {
    if (sequence.owner && touched.tables.contains(sequence.owner->table)) sequences.insert(name);
  }
  for (const auto& name : sequences) {
    if (const auto sequence = schema.sequences().find(name); sequence != schema.sequences().end()) add_sequence_objects(sequence->second, objects);
  }
  for (const auto& name : touched.indexes) {
    if (const auto index = schema.indexes().find(name); index != schema.indexes().end()) {
      objects[index_key(schema, index->second)] = create_index_sql(index->second);
      tables.insert(index->second.table);
    }
  }
  // A touched table's foreign keys, and those of other tables that point at it.
  std::set<QualifiedName> referencing;
  for (const auto& name : tables) {
    const auto& others = schema.referencing(name);
    referencing.insert(others.begin(), others.end());
  }
  for (const auto& name : tables) {
    if (const auto table = schema.tables().find(name); table != schema.tables().end()) add_table_objects(schema, table->second, objects);
  }
  for (const auto& name : referencing) {
    for (const auto& constraint : schema.tables().at(name).constraints) {
      if (constraint.kind == ConstraintKind::foreign_key) objects[foreign_key_of(name, constraint)] = add_constraint_sql(name, constraint);
    }
  }
  if (touched.views) {
    for (const auto& name : *touched.views) {
      if (const auto view = schema.views().find(name); view != schema.views().end()) add_view(view->second, objects);
    }
  } else {
    add_views(schema, objects);
  }
  add_view_indexes(schema, objects);
  add_routines_and_triggers(schema, objects);
  return as_checked(std::move(objects));
}

SchemaObjects view_objects(const std::vector<const View*>& views) {
  SchemaObjects objects;
  for (const View* view : views) add_view(*view, objects);
  return as_checked(std::move(objects));
}

std::string schema_sql(const Schema& schema) {
  const SchemaObjects objects = schema_objects(schema);
  std::vector<std::string_view> statements;
  statements.reserve(objects.size());
  for (const auto& [_, sql] : objects) statements.push_back(sql);
  return schema_script(statements, !schema.routines().empty());
}

std::string schema_script(const std::vector<std::string_view>& statements, bool has_routines) {
  // As the migrator's check rebuilds it: a function's body is checked when it runs.
  std::string out = has_routines ? "SET check_function_bodies = off;\n\n" : "";
  std::size_t size = out.size();
  for (const std::string_view sql : statements) size += sql.size() + 3;
  out.reserve(size);
  for (const std::string_view sql : statements) {
    out += sql;
    out += ";\n\n";
  }
  if (out.ends_with("\n\n")) out.pop_back();
  return out;
}

namespace {

class SqlRenderer {
 public:
  SqlRenderer(std::uint32_t line, std::vector<LoweredStep>& steps) : line_(line), steps_(steps) {}

  void operator()(const op::CreateTable& o) { emit(create_table_sql(o.table, true)); }
  void operator()(const op::DropTable& o) { emit("DROP TABLE " + quote_qualified(o.name) + (o.cascade ? " CASCADE" : "")); }
  void operator()(const op::RenameTable& o) {
    emit(fmt::format("ALTER TABLE {} RENAME TO {}", quote_qualified(o.from), quote_identifier(o.to)));
  }

  // A serial column whose sequence does not fit the shorthand comes with that sequence; a
  // constraint ADD COLUMN would make valid is added NOT VALID after it.
  void operator()(const op::AddColumn& o) {
    const ColumnSql parts = column_parts(o.table, o.column);
    std::string sql = parts.before + fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_qualified(o.table), parts.definition);
    std::string after = parts.after;
    for (const auto& constraint : o.constraints) {
      if (constraint.not_valid) {
        after += ";\n" + add_constraint_sql(o.table, constraint);
      } else {
        sql += ", ADD " + constraint_sql(constraint);
        if (constraint.comment) after += ";\n" + comment_sql(ast::CommentKind::constraint, o.table, constraint.name, constraint.comment);
      }
    }
    if (o.column.comment) after += ";\n" + comment_sql(ast::CommentKind::column, o.table, o.column.name, o.column.comment);
    emit(with_column_privileges(sql + after, o.table, o.column));
  }
  void operator()(const op::DropColumn& o) {
    emit(fmt::format("ALTER TABLE {} DROP COLUMN {}", quote_qualified(o.table), quote_identifier(o.column)));
  }
  void operator()(const op::RenameColumn& o) {
    emit(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", quote_qualified(o.table), quote_identifier(o.from), quote_identifier(o.to)));
  }
  void operator()(const op::AlterColumnType& o) {
    std::string sql = "ALTER TABLE " + quote_qualified(o.table) + " ";
    std::string after;
    for (const auto& check : o.checks) sql += "DROP CONSTRAINT " + quote_identifier(check.name) + ", ";
    sql += "ALTER COLUMN " + quote_identifier(o.column) + " TYPE " + o.type.sql();
    if (o.collation) sql += " COLLATE " + quote_qualified(*o.collation);
    if (o.using_sql) sql += " USING " + *o.using_sql;
    for (const auto& check : o.checks) {
      sql += ", ADD " + constraint_sql(check) + (check.not_valid ? " NOT VALID" : "");
      if (check.comment) after += ";\n" + comment_sql(ast::CommentKind::constraint, o.table, check.name, check.comment);
    }
    emit(sql + after);
  }
  void operator()(const op::SetNotNull& o) { emit(alter_column(o.table, o.column) + (o.not_null ? "SET NOT NULL" : "DROP NOT NULL")); }
  void operator()(const op::SetDefault& o) {
    emit(alter_column(o.table, o.column) + (o.value ? "SET DEFAULT " + *o.value : "DROP DEFAULT"));
  }
  void operator()(const op::AlterIdentity& o) { emit(alter_column(o.table, o.column) + clauses_sql(alter_identity_clauses(o))); }
  void operator()(const op::AddIdentity& o) {
    std::string options = "SEQUENCE NAME " + quote_qualified(o.sequence);
    const std::string clauses = clauses_sql(new_sequence_clauses(o.options, true));
    if (!clauses.empty()) options += " " + clauses;
    std::string sql = alter_column(o.table, o.column) + fmt::format("ADD GENERATED {} AS IDENTITY ({})", generated_sql(o.identity), options);
    if (o.past_rows) {
      // The last value given out is the column's largest (smallest, counting down); none: as new.
      const std::string column = quote_identifier(o.column);
      sql += fmt::format(";\nSELECT setval({}, {}({})) FROM {} HAVING count({}) > 0", quote_literal(quote_qualified(o.sequence)),
                         o.options.increment > 0 ? "max" : "min", column, quote_qualified(o.table), column);
    }
    emit(std::move(sql));
  }
  void operator()(const op::DropIdentity& o) { emit(alter_column(o.table, o.column) + (o.if_exists ? "DROP IDENTITY IF EXISTS" : "DROP IDENTITY")); }
  void operator()(const op::Comment& o) { emit(comment_sql(o.kind, o.object, o.member, o.text)); }
  void operator()(const op::SetPrivileges& o) {
    for (auto& statement : privileges_statements(o.target, o.role, o.before, o.after, true)) emit(std::move(statement));
  }
  void operator()(const op::DropExpression& o) { emit(alter_column(o.table, o.column) + "DROP EXPRESSION"); }

  void operator()(const op::AddConstraint& o) { emit(add_constraint_sql(o.table, o.constraint)); }
  void operator()(const op::DropConstraint& o) {
    emit(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", quote_qualified(o.table), quote_identifier(o.name)));
  }
  void operator()(const op::ValidateConstraint& o) {
    emit(fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", quote_qualified(o.table), quote_identifier(o.name)));
  }
  void operator()(const op::RenameConstraint& o) {
    emit(fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", quote_qualified(o.table), quote_identifier(o.from),
                     quote_identifier(o.to)));
  }
  void operator()(const op::RenameIndex& o) {
    emit(fmt::format("ALTER INDEX {} RENAME TO {}", quote_qualified(o.from), quote_identifier(o.to)));
  }

  void operator()(const op::CreateIndex& o) {
    if (o.concurrently) {
      steps_.push_back({create_index_sql(o.index, true), line_, false, quote_qualified(o.index.name), true});
      // A concurrent build is a statement of its own, run before the revision's transaction; the
      // comment an index comes back with (a down) is set in that transaction.
      if (o.index.comment) emit(comment_sql(ast::CommentKind::index, o.index.name, {}, o.index.comment));
    } else {
      emit(create_index_sql(o.index, false));
    }
  }
  void operator()(const op::DropIndex& o) {
    if (o.concurrently) {
      steps_.push_back({"DROP INDEX CONCURRENTLY " + quote_qualified(o.name), line_, false, quote_qualified(o.name), false});
    } else {
      emit("DROP INDEX " + quote_qualified(o.name));
    }
  }

  void operator()(const op::CreateEnum& o) { emit(create_enum_sql(o.type)); }
  void operator()(const op::DropType& o) { emit("DROP TYPE " + quote_qualified(o.name)); }
  void operator()(const op::AddEnumValue& o) {
    std::string sql = fmt::format("ALTER TYPE {} ADD VALUE {}", quote_qualified(o.type), quote_literal(o.value));
    if (o.before) sql += " BEFORE " + quote_literal(*o.before);
    if (o.after) sql += " AFTER " + quote_literal(*o.after);
    emit(sql);
  }
  void operator()(const op::RenameEnumValue& o) {
    emit(fmt::format("ALTER TYPE {} RENAME VALUE {} TO {}", quote_qualified(o.type), quote_literal(o.from), quote_literal(o.to)));
  }
  // The type renamed aside, created again as it is to be, every column moved onto it through
  // text (its default dropped around the move, as a default cannot be cast), the old one dropped.
  void operator()(const op::RebuildEnum& o) {
    const std::string old_bare = o.type.name.name + "__migc_old";
    for (const auto& index : o.indexes) (*this)(op::DropIndex{index.name, false});
    for (const auto& [table, constraint] : o.constraints) (*this)(op::DropConstraint{table, constraint.name});
    emit(fmt::format("ALTER TYPE {} RENAME TO {}", quote_qualified(o.type.name), quote_identifier(old_bare)));
    emit(create_enum_sql(o.type));
    for (const auto& [table, column] : o.columns) {
      const std::string prefix = alter_column(table, column.name);
      if (column.default_sql) emit(prefix + "DROP DEFAULT");
      emit(prefix + fmt::format("TYPE {} USING {}::text::{}", column.type.sql(), quote_identifier(column.name), column.type.sql()));
      if (column.default_sql) emit(prefix + "SET DEFAULT " + *column.default_sql);
    }
    emit("DROP TYPE " + quote_qualified(beside(o.type.name, old_bare)));
    for (const auto& [table, constraint] : o.constraints) (*this)(op::AddConstraint{table, constraint});
    for (const auto& index : o.indexes) (*this)(op::CreateIndex{index, false});
  }

  void operator()(const op::CreateDomain& o) { emit(create_domain_sql(o.domain)); }
  void operator()(const op::DropDomain& o) { emit("DROP DOMAIN " + quote_qualified(o.name)); }
  void operator()(const op::SetDomainDefault& o) {
    emit(alter_domain(o.domain) + (o.value ? "SET DEFAULT " + *o.value : "DROP DEFAULT"));
  }
  void operator()(const op::SetDomainNotNull& o) { emit(alter_domain(o.domain) + (o.not_null ? "SET NOT NULL" : "DROP NOT NULL")); }
  void operator()(const op::AddDomainConstraint& o) { emit(alter_domain(o.domain) + "ADD " + domain_constraint_sql(o.constraint)); }
  void operator()(const op::DropDomainConstraint& o) { emit(alter_domain(o.domain) + "DROP CONSTRAINT " + quote_identifier(o.name)); }
  void operator()(const op::RenameDomainConstraint& o) {
    emit(alter_domain(o.domain) + "RENAME CONSTRAINT " + quote_identifier(o.from) + " TO " + quote_identifier(o.to));
  }
  void operator()(const op::ValidateDomainConstraint& o) { emit(alter_domain(o.domain) + "VALIDATE CONSTRAINT " + quote_identifier(o.name)); }
  void operator()(const op::RenameDomain& o) { emit(alter_domain(o.from) + "RENAME TO " + quote_identifier(o.to)); }

  void operator()(const op::CreateComposite& o) { emit(create_composite_sql(o.type)); }
  void operator()(const op::AddAttribute& o) {
    emit(fmt::format("ALTER TYPE {} ADD ATTRIBUTE {} {}", quote_qualified(o.type), quote_identifier(o.attribute.name),
                     o.attribute.type.sql()));
  }
  void operator()(const op::DropAttribute& o) {
    emit(fmt::format("ALTER TYPE {} DROP ATTRIBUTE {}", quote_qualified(o.type), quote_identifier(o.name)));
  }
  void operator()(const op::RenameAttribute& o) {
    emit(fmt::format("ALTER TYPE {} RENAME ATTRIBUTE {} TO {}", quote_qualified(o.type), quote_identifier(o.from),
                     quote_identifier(o.to)));
  }

  void operator()(const op::CreateSequence& o) {
    emit(create_sequence_sql(o.sequence));
    if (o.sequence.owner) emit(sequence_owner_statement(o.sequence.name, o.sequence.owner, true));
  }
  void operator()(const op::SetSequenceOwner& o) { emit(sequence_owner_statement(o.name, o.to, true)); }
  void operator()(const op::AlterSequence& o) {
    emit("ALTER SEQUENCE " + quote_qualified(o.name) + " " + clauses_sql(alter_sequence_clauses(o)));
  }
  void operator()(const op::DropSequence& o) { emit("DROP SEQUENCE " + quote_qualified(o.name)); }
  void operator()(const op::CreateSchema& o) { emit(create_schema_sql(o.name, o.privileges)); }
  void operator()(const op::DropSchema& o) { emit("DROP SCHEMA " + quote_identifier(o.name)); }
  void operator()(const op::CreateExtension& o) { emit("CREATE EXTENSION " + quote_identifier(o.extension.name)); }
  void operator()(const op::DropExtension& o) { emit("DROP EXTENSION " + quote_identifier(o.name)); }

  void operator()(const op::InsertRows& o) {
    std::string sql = fmt::format("INSERT INTO {} ({}){} VALUES {}", quote_qualified(o.table), quote_identifiers(o.columns),
                                  o.overriding_system_value ? " OVERRIDING SYSTEM VALUE" : "", rows_sql(o.rows));
    if (o.on_conflict) {
      sql += " ON CONFLICT";
      if (!o.on_conflict->keys.empty()) sql += " (" + index_keys_sql(o.on_conflict->keys) + ")";
      if (!o.on_conflict->index_where_sql.empty()) sql += " WHERE " + o.on_conflict->index_where_sql;
      if (o.on_conflict->constraint) sql += " ON CONSTRAINT " + quote_identifier(*o.on_conflict->constraint);
      sql += o.on_conflict->assignments.empty() ? " DO NOTHING" : " DO UPDATE SET " + assignments_sql(o.on_conflict->assignments);
      sql += where(o.on_conflict->where_sql);
    }
    emit(std::move(sql));
  }
  void operator()(const op::UpdateRows& o) {
    emit(fmt::format("UPDATE {} SET {}{}", quote_qualified(o.table), assignments_sql(o.assignments), where(o.where_sql)));
  }
  void operator()(const op::CreateView& o) { emit(create_view_sql(o.view, o.replace)); }
  void operator()(const op::DropView& o) {
    emit(fmt::format("DROP {}VIEW {}{}", o.materialized ? "MATERIALIZED " : "", quote_qualified(o.name), o.cascade ? " CASCADE" : ""));
  }
  void operator()(const op::RenameView& o) {
    emit(fmt::format("ALTER {}VIEW {} RENAME TO {}", o.materialized ? "MATERIALIZED " : "", quote_qualified(o.from),
                     quote_identifier(o.to)));
  }
  void operator()(const op::RenameViewColumn& o) {
    emit(fmt::format("ALTER {}VIEW {} RENAME COLUMN {} TO {}", o.materialized ? "MATERIALIZED " : "", quote_qualified(o.view),
                     quote_identifier(o.from), quote_identifier(o.to)));
  }
  void operator()(const op::SetViewDefault& o) { emit(view_default_sql(o.view, o.column, o.value)); }
  void operator()(const op::RefreshView& o) {
    emit(fmt::format("REFRESH MATERIALIZED VIEW {}{}{}", o.concurrently ? "CONCURRENTLY " : "", quote_qualified(o.name),
                     o.with_data ? "" : " WITH NO DATA"));
  }
  void operator()(const op::DeleteRows& o) { emit(fmt::format("DELETE FROM {}{}", quote_qualified(o.table), where(o.where_sql))); }
  void operator()(const op::CreateRoutine& o) {
    if (!o.unchecked) return emit(create_routine_sql(o.routine, o.replace));
    emit("SET LOCAL check_function_bodies = off;\n" + create_routine_sql(o.routine, o.replace) + ";\nSET LOCAL check_function_bodies = on");
  }
  void operator()(const op::DropRoutine& o) { emit(drop_routine_sql(o.key, o.procedure, o.cascade)); }
  void operator()(const op::CreateTrigger& o) { emit(create_trigger_sql(o.trigger, o.replace)); }
  void operator()(const op::SetRowSecurity& o) { emit(row_security_sql(o)); }
  void operator()(const op::SetLogged& o) { emit(fmt::format("ALTER TABLE {} SET {}", quote_qualified(o.table), o.logged ? "LOGGED" : "UNLOGGED")); }
  void operator()(const op::CreatePolicy& o) { emit(create_policy_sql(o.policy)); }
  void operator()(const op::DropPolicy& o) {
    emit(fmt::format("DROP POLICY {} ON {}", quote_identifier(o.key.name), quote_qualified(o.key.table)));
  }
  void operator()(const op::DropTrigger& o) {
    emit(fmt::format("DROP TRIGGER {} ON {}", quote_identifier(o.key.name), quote_qualified(o.key.table)));
  }
  void operator()(const op::EnableTrigger& o) {
    emit(fmt::format("ALTER TABLE {} {} TRIGGER {}", quote_qualified(o.key.table), o.enabled ? "ENABLE" : "DISABLE",
                     quote_identifier(o.key.name)));
  }
  void operator()(const op::RawSql& o) {
    if (!o.outside_transaction) return emit(line_ended(o.sql));
    // PostgreSQL runs a message of several statements as one transaction, which `vacuum` and
    // its kin refuse: each statement is a step of its own, run on its own.
    for (auto& sql : split_statements(o.sql)) steps_.push_back({line_ended(std::move(sql)), line_, false, {}, false});
  }

 private:
  static std::string alter_column(const QualifiedName& table, const std::string& column) {
    return fmt::format("ALTER TABLE {} ALTER COLUMN {} ", quote_qualified(table), quote_identifier(column));
  }

  static std::string alter_domain(const QualifiedName& domain) { return "ALTER DOMAIN " + quote_qualified(domain) + " "; }
  static std::string where(const std::optional<std::string>& condition) { return condition ? " WHERE " + *condition : ""; }

  void emit(std::string sql) { steps_.push_back({std::move(sql), line_, true, {}, false}); }

  std::uint32_t line_;
  std::vector<LoweredStep>& steps_;
};

}  // namespace

std::string rows_sql(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    std::string values;
    for (const auto& value : row) values += (values.empty() ? "" : ", ") + value;
    out += (out.empty() ? "(" : ", (") + values + ")";
  }
  return out;
}

std::string assignments_sql(const std::vector<op::Assignment>& assignments) {
  std::string out;
  for (const auto& assignment : assignments) out += (out.empty() ? "" : ", ") + quote_identifier(assignment.column) + " = " + assignment.value;
  return out;
}

std::string key_match_sql(const std::vector<std::string>& columns, const std::vector<ColumnType>& types,
                          const std::vector<std::vector<std::string>>& keys) {
  const auto key_sql = [&](const std::vector<std::string>& key) {
    std::string values;
    for (std::size_t i = 0; i < key.size(); ++i) values += fmt::format("{}CAST({} AS {})", i == 0 ? "" : ", ", key[i], types[i].sql());
    return columns.size() == 1 ? values : "(" + values + ")";
  };
  std::string listed;
  for (const auto& key : keys) listed += (listed.empty() ? "" : ", ") + key_sql(key);
  const std::string matched = columns.size() == 1 ? quote_identifier(columns[0]) : "(" + quote_identifiers(columns) + ")";
  return matched + " IN (" + listed + ")";
}

void render_sql(const PlannedOperation& operation, std::vector<LoweredStep>& steps) {
  std::visit(SqlRenderer(operation.line, steps), operation.operation);
}

}  // namespace migc
