// Operations written in the language.
#include "compiler/render_language.hpp"

#include <fmt/format.h>

#include "compiler/render_sql.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

std::string_view action_dsl(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::no_action: return "no action";
    case ReferentialAction::restrict: return "restrict";
    case ReferentialAction::cascade: return "cascade";
    case ReferentialAction::set_null: return "set null";
    case ReferentialAction::set_default: return "set default";
  }
  return "no action";
}

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& name : list) out += (out.empty() ? "" : ", ") + quote_identifier(name);
  return out;
}

std::string type_dsl(const ColumnType& type) {
  if (!type.user_defined) return type.sql();
  std::string out = quote_qualified(type.name);
  for (std::uint32_t i = 0; i < type.array_dimensions; ++i) out += "[]";
  return out;
}

std::string clauses_dsl(const std::vector<SequenceClause>& clauses) {
  std::string out;
  for (const auto& clause : clauses) out += (out.empty() ? "" : " ") + clause.keyword + (clause.value.empty() ? "" : " " + clause.value);
  return out;
}

std::string_view generated_dsl(Identity identity) { return identity == Identity::always ? "always" : "by default"; }

// `generated ... as identity`, with its sequence's options where they are not the defaults, and
// its sequence's name where it is not the one PostgreSQL would choose (the table renamed since,
// or the name taken when it was made).
std::string identity_dsl(const QualifiedName& table, const std::string& column, Identity identity, const SequenceOptions& options,
                         const std::optional<QualifiedName>& sequence) {
  std::string clauses = clauses_dsl(new_sequence_clauses(options, true));
  if (sequence && *sequence != beside(table, make_object_name(table.name, column, "seq"))) {
    clauses = "sequence name " + quote_qualified(*sequence) + (clauses.empty() ? "" : " " + clauses);
  }
  return fmt::format("generated {} as identity{}", generated_dsl(identity), clauses.empty() ? "" : " (" + clauses + ")");
}

std::string column_dsl(const QualifiedName& table, const Column& column) {
  std::string out = quote_identifier(column.name) + " ";
  if (column.identity != Identity::none) {
    out += type_dsl(column.type) + " " + identity_dsl(table, column.name, column.identity, column.owned_sequence_options, column.owned_sequence);
  } else if (column.owned_sequence) {
    out += column.type.is("bigint") ? "bigserial" : column.type.is("smallint") ? "smallserial" : "serial";
  } else {
    out += type_dsl(column.type);
    if (column.collation) out += " collate " + quote_qualified(*column.collation);
    if (column.generated_sql) out += " generated always as " + *column.generated_sql + " stored";
    if (column.not_null) out += " not null";
    if (column.default_sql) out += " default " + *column.default_sql;
  }
  return out;
}

// A constraint after `constraint <name>`: on its table, or (`on_column`) on the column it
// belongs to, where it names no columns of its own.
std::string constraint_body_dsl(const Constraint& constraint, bool on_column) {
  const std::string columns = on_column ? "" : " (" + names(constraint.columns) + ")";
  std::string out;
  switch (constraint.kind) {
    case ConstraintKind::primary_key: out = "primary key" + columns; break;
    case ConstraintKind::unique: out = (constraint.nulls_not_distinct ? "unique nulls not distinct" : "unique") + columns; break;
    case ConstraintKind::check: out = "check " + constraint.check_sql; break;
    case ConstraintKind::foreign_key:
      out = fmt::format("{}references {} ({})", on_column ? "" : "foreign key" + columns + " ",
                        quote_qualified(constraint.referenced_table), names(constraint.referenced_columns));
      if (constraint.on_delete != ReferentialAction::no_action) out += fmt::format(" on delete {}", action_dsl(constraint.on_delete));
      if (!constraint.on_delete_columns.empty()) out += " (" + names(constraint.on_delete_columns) + ")";
      if (constraint.on_update != ReferentialAction::no_action) out += fmt::format(" on update {}", action_dsl(constraint.on_update));
      break;
  }
  if (constraint.deferrable) out += constraint.initially_deferred ? " deferrable initially deferred" : " deferrable";
  return "constraint " + quote_identifier(constraint.name) + " " + out;
}

std::string constraint_dsl(const Constraint& constraint) {
  return constraint_body_dsl(constraint, false) + (constraint.not_valid ? " not valid" : "");
}

// An index's keys, or an `on conflict` target's (which has no order).
std::string index_keys_dsl(const std::vector<IndexKey>& keys) {
  std::string out;
  for (const auto& key : keys) {
    out += (out.empty() ? "" : ", ") + (key.column.empty() ? key.expression : quote_identifier(key.column));
    if (key.collation) out += " collate " + quote_qualified(*key.collation);
    if (!key.operator_class.empty()) out += " " + quote_identifier(key.operator_class);
    if (key.descending) out += " desc";
    if (key.nulls_reversed) out += key.descending ? " nulls last" : " nulls first";
  }
  return out;
}

std::string index_dsl(const Index& index, bool concurrently) {
  const std::string keys = index_keys_dsl(index.keys);
  std::string out = fmt::format("create {}index {}{} on {} using {} ({})", index.unique ? "unique " : "",
                                concurrently ? "concurrently " : "", quote_identifier(index.name.name), quote_qualified(index.table), index.method, keys);
  if (!index.include.empty()) out += " include (" + names(index.include) + ")";
  if (index.nulls_not_distinct) out += " nulls not distinct";
  if (!index.where_sql.empty()) out += " where " + index.where_sql;
  return out + ";";
}

std::string domain_check_dsl(const DomainConstraint& constraint) {
  return "constraint " + quote_identifier(constraint.name) + " check " + constraint.check_sql + (constraint.not_valid ? " not valid" : "");
}


std::string data_down(const op::DataDown& down) {
  if (down.sql) return " down " + dollar_quote(*down.sql);
  return down.irreversible ? " irreversible" : "";
}

class LanguageRenderer {
 public:
  explicit LanguageRenderer(std::vector<std::string>& statements) : statements_(statements) {}

  // The table with its constraints, then its comments, which the language says apart.
  void operator()(const op::CreateTable& o) {
    std::string body;
    for (const auto& column : o.table.columns) body += (body.empty() ? "\n  " : ",\n  ") + column_dsl(o.table.name, column);
    for (const auto& constraint : o.table.constraints) body += (body.empty() ? "\n  " : ",\n  ") + constraint_dsl(constraint);
    add(fmt::format("create {}table {} ({}\n);", o.table.unlogged ? "unlogged " : "", quote_qualified(o.table.name), body));
    comment(ast::CommentKind::table, o.table.name, {}, o.table.comment);
    for (const auto& column : o.table.columns) comment(ast::CommentKind::column, o.table.name, column.name, column.comment);
    for (const auto& constraint : o.table.constraints) comment(ast::CommentKind::constraint, o.table.name, constraint.name, constraint.comment);
    privileges({ast::GrantTargetKind::table, o.table.name, {}}, o.table.privileges);
    for (const auto& column : o.table.columns) column_privileges(o.table.name, column);
  }
  void operator()(const op::DropTable& o) { add("drop table " + quote_qualified(o.name) + (o.cascade ? " cascade;" : ";")); }
  void operator()(const op::RenameTable& o) {
    add(fmt::format("alter table {} rename to {};", quote_qualified(o.from), quote_identifier(o.to)));
  }

  // Its constraints on the column, as ADD COLUMN adds them; one added `not valid` comes after it
  // in SQL too.
  void operator()(const op::AddColumn& o) {
    Column column = o.column;
    column.comment.reset();
    std::string definition = column_dsl(o.table, column);
    for (const auto& constraint : o.constraints) {
      if (!constraint.not_valid) definition += " " + constraint_body_dsl(constraint, true);
    }
    add(fmt::format("alter table {} add column {};", quote_qualified(o.table), definition));
    for (const auto& constraint : o.constraints) {
      if (constraint.not_valid) {
        (*this)(op::AddConstraint{o.table, constraint});
      } else {
        comment(ast::CommentKind::constraint, o.table, constraint.name, constraint.comment);
      }
    }
    comment(ast::CommentKind::column, o.table, o.column.name, o.column.comment);
    column_privileges(o.table, o.column);
  }
  void operator()(const op::DropColumn& o) {
    add(fmt::format("alter table {} drop column {};", quote_qualified(o.table), quote_identifier(o.column)));
  }
  void operator()(const op::RenameColumn& o) {
    add(fmt::format("alter table {} rename column {} to {};", quote_qualified(o.table), quote_identifier(o.from), quote_identifier(o.to)));
  }
  void operator()(const op::AlterColumnType& o) {
    add(alter_column(o.table, o.column) + "type " + type_dsl(o.type) + (o.collation ? " collate " + quote_qualified(*o.collation) : "") +
        (o.using_sql ? " using " + *o.using_sql : "") + ";");
  }
  void operator()(const op::SetNotNull& o) { add(alter_column(o.table, o.column) + (o.not_null ? "set not null;" : "drop not null;")); }
  void operator()(const op::SetDefault& o) {
    add(alter_column(o.table, o.column) + (o.value ? "set default " + *o.value + ";" : "drop default;"));
  }
  void operator()(const op::AlterIdentity& o) { add(alter_column(o.table, o.column) + clauses_dsl(alter_identity_clauses(o)) + ";"); }
  void operator()(const op::AddIdentity& o) {
    add(alter_column(o.table, o.column) + "add " + identity_dsl(o.table, o.column, o.identity, o.options, o.sequence) + ";");
  }
  void operator()(const op::DropIdentity& o) {
    add(alter_column(o.table, o.column) + (o.if_exists ? "drop identity if exists;" : "drop identity;"));
  }
  void operator()(const op::DropExpression& o) { add(alter_column(o.table, o.column) + "drop expression;"); }
  void operator()(const op::Comment& o) { add(comment_statement(o.kind, o.object, o.member, o.text, false) + ";"); }
  void operator()(const op::SetPrivileges& o) {
    for (const auto& statement : privileges_statements(o.target, o.role, o.before, o.after, false)) add(statement + ";");
  }

  void operator()(const op::AddConstraint& o) {
    add(fmt::format("alter table {} add {};", quote_qualified(o.table), constraint_dsl(o.constraint)));
    comment(ast::CommentKind::constraint, o.table, o.constraint.name, o.constraint.comment);
  }
  void operator()(const op::DropConstraint& o) {
    add(fmt::format("alter table {} drop constraint {};", quote_qualified(o.table), quote_identifier(o.name)));
  }
  void operator()(const op::ValidateConstraint& o) {
    add(fmt::format("alter table {} validate constraint {};", quote_qualified(o.table), quote_identifier(o.name)));
  }
  void operator()(const op::RenameConstraint& o) {
    add(fmt::format("alter table {} rename constraint {} to {};", quote_qualified(o.table), quote_identifier(o.from),
                    quote_identifier(o.to)));
  }
  void operator()(const op::RenameIndex& o) {
    add(fmt::format("alter index {} rename to {};", quote_qualified(o.from), quote_identifier(o.to)));
  }

  void operator()(const op::CreateIndex& o) {
    add(index_dsl(o.index, o.concurrently));
    comment(ast::CommentKind::index, o.index.name, {}, o.index.comment);
  }
  void operator()(const op::DropIndex& o) { add(std::string(o.concurrently ? "drop index concurrently " : "drop index ") + quote_qualified(o.name) + ";"); }

  void operator()(const op::CreateEnum& o) {
    std::string values;
    for (const auto& value : o.type.values) values += (values.empty() ? "" : ", ") + quote_literal(value);
    add(fmt::format("create type {} as enum ({});", quote_qualified(o.type.name), values));
    comment(ast::CommentKind::type, o.type.name, {}, o.type.comment);
    privileges({ast::GrantTargetKind::type, o.type.name, {}}, o.type.privileges);
  }
  void operator()(const op::DropType& o) { add("drop type " + quote_qualified(o.name) + ";"); }
  void operator()(const op::AddEnumValue& o) {
    std::string placement;
    if (o.before) placement = " before " + quote_literal(*o.before);
    if (o.after) placement = " after " + quote_literal(*o.after);
    add(fmt::format("alter type {} add value {}{};", quote_qualified(o.type), quote_literal(o.value), placement));
  }
  void operator()(const op::RenameEnumValue& o) {
    add(fmt::format("alter type {} rename value {} to {};", quote_qualified(o.type), quote_literal(o.from), quote_literal(o.to)));
  }
  // The language has no statement for it: its SQL, as a raw step.
  void operator()(const op::RebuildEnum& o) {
    std::vector<LoweredStep> steps;
    render_sql({o, 0}, steps);
    std::string sql;
    for (const auto& step : steps) sql += step.sql + ";\n";
    add("execute " + dollar_quote(sql) + " irreversible;");
  }

  void operator()(const op::CreateDomain& o) {
    std::string out = fmt::format("create domain {} as {}", quote_qualified(o.domain.name), type_dsl(o.domain.type));
    if (o.domain.collation) out += " collate " + quote_qualified(*o.domain.collation);
    if (o.domain.default_sql) out += " default " + *o.domain.default_sql;
    if (o.domain.not_null) out += " not null";
    for (const auto& constraint : o.domain.constraints) {
      if (!constraint.not_valid) out += " " + domain_check_dsl(constraint);
    }
    add(out + ";");
    // `create domain` takes no `not valid`.
    for (const auto& constraint : o.domain.constraints) {
      if (constraint.not_valid) add(alter_domain(o.domain.name) + "add " + domain_check_dsl(constraint) + ";");
    }
    comment(ast::CommentKind::domain, o.domain.name, {}, o.domain.comment);
    privileges({ast::GrantTargetKind::type, o.domain.name, {}}, o.domain.privileges);
  }
  void operator()(const op::DropDomain& o) { add("drop domain " + quote_qualified(o.name) + ";"); }
  void operator()(const op::SetDomainDefault& o) {
    add(alter_domain(o.domain) + (o.value ? "set default " + *o.value + ";" : "drop default;"));
  }
  void operator()(const op::SetDomainNotNull& o) { add(alter_domain(o.domain) + (o.not_null ? "set not null;" : "drop not null;")); }
  void operator()(const op::AddDomainConstraint& o) { add(alter_domain(o.domain) + "add " + domain_check_dsl(o.constraint) + ";"); }
  void operator()(const op::DropDomainConstraint& o) { add(alter_domain(o.domain) + "drop constraint " + quote_identifier(o.name) + ";"); }
  void operator()(const op::RenameDomainConstraint& o) {
    add(alter_domain(o.domain) + "rename constraint " + quote_identifier(o.from) + " to " + quote_identifier(o.to) + ";");
  }
  void operator()(const op::ValidateDomainConstraint& o) { add(alter_domain(o.domain) + "validate constraint " + quote_identifier(o.name) + ";"); }
  void operator()(const op::RenameDomain& o) { add(alter_domain(o.from) + "rename to " + quote_identifier(o.to) + ";"); }

  void operator()(const op::CreateComposite& o) {
    std::string attributes;
    for (const auto& attribute : o.type.attributes) {
      attributes += (attributes.empty() ? "" : ", ") + quote_identifier(attribute.name) + " " + type_dsl(attribute.type);
    }
    add(fmt::format("create type {} as ({});", quote_qualified(o.type.name), attributes));
    comment(ast::CommentKind::type, o.type.name, {}, o.type.comment);
    privileges({ast::GrantTargetKind::type, o.type.name, {}}, o.type.privileges);
  }
  void operator()(const op::AddAttribute& o) {
    add(fmt::format("alter type {} add attribute {} {};", quote_qualified(o.type), quote_identifier(o.attribute.name),
                    type_dsl(o.attribute.type)));
  }
  void operator()(const op::DropAttribute& o) {
    add(fmt::format("alter type {} drop attribute {};", quote_qualified(o.type), quote_identifier(o.name)));
  }
  void operator()(const op::RenameAttribute& o) {
    add(fmt::format("alter type {} rename attribute {} to {};", quote_qualified(o.type), quote_identifier(o.from),
                    quote_identifier(o.to)));
  }

  void operator()(const op::CreateSequence& o) {
    const std::string owner = o.sequence.owner ? fmt::format(" owned by {}.{}", quote_qualified(o.sequence.owner->table),
                                                             quote_identifier(o.sequence.owner->column))
                                               : "";
    add("create sequence " + quote_qualified(o.sequence.name) + " " + clauses_dsl(new_sequence_clauses(o.sequence, false)) + owner + ";");
    comment(ast::CommentKind::sequence, o.sequence.name, {}, o.sequence.comment);
    privileges({ast::GrantTargetKind::sequence, o.sequence.name, {}}, o.sequence.privileges);
  }
  void operator()(const op::AlterSequence& o) {
    add("alter sequence " + quote_qualified(o.name) + " " + clauses_dsl(alter_sequence_clauses(o)) + ";");
  }
  void operator()(const op::DropSequence& o) { add("drop sequence " + quote_qualified(o.name) + ";"); }
  void operator()(const op::SetSequenceOwner& o) { add(sequence_owner_statement(o.name, o.to, false) + ";"); }
  void operator()(const op::CreateSchema& o) {
    add("create schema " + quote_identifier(o.name) + ";");
    privileges({ast::GrantTargetKind::schema, {{}, o.name}, {}}, o.privileges);
  }
  void operator()(const op::DropSchema& o) { add("drop schema " + quote_identifier(o.name) + ";"); }
  void operator()(const op::CreateExtension& o) { add("create extension " + quote_identifier(o.extension.name) + ";"); }
  void operator()(const op::DropExtension& o) { add("drop extension " + quote_identifier(o.name) + ";"); }

  void operator()(const op::InsertRows& o) {
    std::string conflict;
    if (o.on_conflict) {
      conflict = " on conflict";
      if (!o.on_conflict->keys.empty()) conflict += " (" + index_keys_dsl(o.on_conflict->keys) + ")";
      if (!o.on_conflict->index_where_sql.empty()) conflict += " where " + o.on_conflict->index_where_sql;
      if (o.on_conflict->constraint) conflict += " on constraint " + quote_identifier(*o.on_conflict->constraint);
      conflict += o.on_conflict->assignments.empty() ? " do nothing" : " do update set " + assignments_sql(o.on_conflict->assignments);
      conflict += where(o.on_conflict->where_sql);
    }
    add(fmt::format("insert into {} ({}){} values {}{}{};", quote_qualified(o.table), names(o.columns),
                    o.overriding_system_value ? " overriding system value" : "", rows_sql(o.rows), conflict, data_down(o.down)));
  }
  void operator()(const op::UpdateRows& o) {
    add(fmt::format("update {} set {}{}{};", quote_qualified(o.table), assignments_sql(o.assignments), where(o.where_sql), data_down(o.down)));
  }
  void operator()(const op::CreateView& o) {
    std::string columns;
    for (const auto& column : o.view.column_names) columns += (columns.empty() ? "" : ", ") + quote_identifier(column);
    std::string options;
    for (const auto& [name, value] : o.view.options) options += (options.empty() ? "" : ", ") + name + " = " + value;
    add(fmt::format("create {}{}view {}{}{} as {}{};", o.replace ? "or replace " : "", o.view.materialized ? "materialized " : "",
                    quote_qualified(o.view.name), columns.empty() ? "" : " (" + columns + ")",
                    options.empty() ? "" : " with (" + options + ")", o.view.query,
                    o.view.materialized && !o.view.with_data ? " with no data" : ""));
    comment(o.view.materialized ? ast::CommentKind::materialized_view : ast::CommentKind::view, o.view.name, {}, o.view.comment);
    for (const auto& column : o.view.columns) {
      comment(ast::CommentKind::column, o.view.name, column.name, column.comment);
      if (column.default_sql) (*this)(op::SetViewDefault{o.view.name, column.name, column.default_sql});
    }
    if (!o.replace) privileges({ast::GrantTargetKind::table, o.view.name, {}}, o.view.privileges);
  }
  void operator()(const op::DropView& o) {
    add(fmt::format("drop {}view {}{};", o.materialized ? "materialized " : "", quote_qualified(o.name), o.cascade ? " cascade" : ""));
  }
  void operator()(const op::RenameView& o) {
    add(fmt::format("alter {}view {} rename to {};", o.materialized ? "materialized " : "", quote_qualified(o.from), quote_identifier(o.to)));
  }
  void operator()(const op::RenameViewColumn& o) {
    add(fmt::format("alter {}view {} rename column {} to {};", o.materialized ? "materialized " : "", quote_qualified(o.view),
                    quote_identifier(o.from), quote_identifier(o.to)));
  }
  void operator()(const op::SetViewDefault& o) {
    add(fmt::format("alter view {} alter column {} {};", quote_qualified(o.view), quote_identifier(o.column),
                    o.value ? "set default " + *o.value : "drop default"));
  }
  void operator()(const op::RefreshView& o) {
    add(fmt::format("refresh materialized view {}{}{};", o.concurrently ? "concurrently " : "", quote_qualified(o.name),
                    o.with_data ? "" : " with no data"));
  }
  void operator()(const op::CreateRoutine& o) {
    add(line_ended(fmt::format("create {}{} {}{}", o.replace ? "or replace " : "", o.routine.procedure ? "procedure" : "function",
                          quote_qualified(o.routine.key.name), o.routine.definition)) + ";");
    comment(o.routine.procedure ? ast::CommentKind::procedure : ast::CommentKind::function, o.routine.key.name, o.routine.key.arguments,
            o.routine.comment);
    if (!o.replace) {
      privileges({o.routine.procedure ? ast::GrantTargetKind::procedure : ast::GrantTargetKind::function, o.routine.key.name,
                  o.routine.key.arguments},
                 o.routine.privileges);
    }
  }
  void operator()(const op::DropRoutine& o) {
    add(fmt::format("drop {} {}({}){};", o.procedure ? "procedure" : "function", quote_qualified(o.key.name), o.key.arguments,
                    o.cascade ? " cascade" : ""));
  }
  void operator()(const op::CreateTrigger& o) {
    add(line_ended(fmt::format("create {}trigger {} {} {} {}", o.replace ? "or replace " : "", quote_identifier(o.trigger.key.name),
                          o.trigger.before_table, quote_qualified(o.trigger.key.table), o.trigger.after_table)) + ";");
    comment(ast::CommentKind::trigger, o.trigger.key.table, o.trigger.key.name, o.trigger.comment);
  }
  void operator()(const op::CreatePolicy& o) {
    add(line_ended(fmt::format("create policy {} on {}{}{}", quote_identifier(o.policy.key.name), quote_qualified(o.policy.key.table),
                               o.policy.definition.empty() ? "" : " ", o.policy.definition)) + ";");
    comment(ast::CommentKind::policy, o.policy.key.table, o.policy.key.name, o.policy.comment);
  }
  void operator()(const op::DropPolicy& o) {
    add(fmt::format("drop policy {} on {};", quote_identifier(o.key.name), quote_qualified(o.key.table)));
  }
  void operator()(const op::SetLogged& o) {
    add(fmt::format("alter table {} set {};", quote_qualified(o.table), o.logged ? "logged" : "unlogged"));
  }
  void operator()(const op::SetRowSecurity& o) {
    add(fmt::format("alter table {} {} row level security;", quote_qualified(o.table),
                    o.forced ? (o.on ? "force" : "no force") : (o.on ? "enable" : "disable")));
  }
  void operator()(const op::DropTrigger& o) {
    add(fmt::format("drop trigger {} on {};", quote_identifier(o.key.name), quote_qualified(o.key.table)));
  }
  void operator()(const op::EnableTrigger& o) {
    add(fmt::format("alter table {} {} trigger {};", quote_qualified(o.key.table), o.enabled ? "enable" : "disable",
                    quote_identifier(o.key.name)));
  }
  void operator()(const op::DeleteRows& o) {
    add(fmt::format("delete from {}{}{};", quote_qualified(o.table), where(o.where_sql), data_down(o.down)));
  }
  void operator()(const op::RawSql& o) {
    add(std::string(o.outside_transaction ? "execute outside transaction " : "execute ") + dollar_quote(o.sql) + data_down(o.down) + ";");
  }

 private:
  static std::string alter_column(const QualifiedName& table, const std::string& column) {
    return fmt::format("alter table {} alter column {} ", quote_qualified(table), quote_identifier(column));
  }
  static std::string alter_domain(const QualifiedName& domain) { return "alter domain " + quote_qualified(domain) + " "; }
  static std::string where(const std::optional<std::string>& condition) { return condition ? " where " + *condition : ""; }
  void add(std::string statement) { statements_.push_back(std::move(statement)); }
  void comment(ast::CommentKind kind, const QualifiedName& object, const std::string& member, const std::optional<std::string>& text) {
    if (text) (*this)(op::Comment{kind, object, member, text});
  }
  void privileges(const GrantTarget& target, const Privileges& privileges) {
    for (const auto& statement : granting_statements(target, privileges, false)) add(statement + ";");
  }
  void column_privileges(const QualifiedName& table, const Column& column) {
    privileges({ast::GrantTargetKind::table, table, {}, column.name}, column.privileges);
    if (column.owned_sequence) privileges({ast::GrantTargetKind::sequence, *column.owned_sequence, {}}, column.owned_sequence_privileges);
  }


  std::vector<std::string>& statements_;
};

}  // namespace

void render_language(const Operation& operation, std::vector<std::string>& statements) {
  std::visit(LanguageRenderer(statements), operation);
}

std::string dollar_quote(std::string_view text) {
  std::string tag = "$$";
  // `$$` after text ending in `$` would close one character early.
  for (int n = 0; text.find(tag) != std::string_view::npos || (tag == "$$" && text.ends_with('$')); ++n) {
    tag = n == 0 ? "$migc$" : fmt::format("$migc{}$", n);
  }
  return tag + std::string(text) + tag;
}

}  // namespace migc
