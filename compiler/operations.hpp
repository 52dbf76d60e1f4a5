// Resolved operations: what a checked statement does to the schema, as data. Checking a
// statement against the schema at its revision produces them (compiler/checker.hpp); applying
// one to a schema happens in one place, apply_operation(); the way back is data too, inverse(); SQL is
// one rendering of them (compiler/render_sql.hpp).
//
// Adding a statement kind: an AST node and a grammar rule (dsl/), a check that emits an
// operation (compiler/checker.cpp), and here the operation with its apply, inverse and
// renderings.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/schema.hpp"

namespace migc {
namespace op {

// `cascade` drops the foreign keys of other tables that reference it, as PostgreSQL does; the
// table's own indexes and constraints go with it either way.
struct DropTable { QualifiedName name; bool cascade = false; };
struct CreateTable { Table table; };
struct RenameTable { QualifiedName from; std::string to; };  // RENAME TO keeps the schema

// A column with the constraints written on it. PostgreSQL drops a column's constraints and
// indexes with it; so does DropColumn.
struct AddColumn { QualifiedName table; Column column; std::vector<Constraint> constraints; };
struct DropColumn { QualifiedName table; std::string column; };
struct RenameColumn { QualifiedName table; std::string from; std::string to; };
struct AlterColumnType {
  QualifiedName table;
  std::string column;
  ColumnType type;
  std::optional<std::string> using_sql;
  std::optional<QualifiedName> collation;  // none: the new type's default, as in PostgreSQL
  // The table's checks on the column, dropped and added again from their text in the same
  // statement: PostgreSQL would read again the expression it stored for the old type, whose
  // constants keep that type (`p = ANY (ARRAY[1, 2])` under a bigint `p in (1, 2)`), and the
  // table would then differ from one made at this revision. One statement checks them in the
  // one pass PostgreSQL's own re-adding takes.
  std::vector<Constraint> checks;
};
struct SetNotNull { QualifiedName table; std::string column; bool not_null = true; };
struct SetDefault { QualifiedName table; std::string column; std::optional<std::string> value; };
// An identity column's kind and its sequence's options, from and to; `restart` as AlterSequence's.
struct AlterIdentity {
  QualifiedName table;
  std::string column;
  Identity from_identity = Identity::always;
  Identity to_identity = Identity::always;
  SequenceOptions from;
  SequenceOptions to;
  bool restart = false;
  std::optional<std::int64_t> restart_with;
};
// A not null integer column made an identity column, numbered by a new sequence `sequence`.
// `past_rows`: the sequence then moves past the values the column holds, as the way back from
// `drop identity` needs, so that the rows it kept do not collide with the next ones.
struct AddIdentity {
  QualifiedName table;
  std::string column;
  Identity identity = Identity::always;
  QualifiedName sequence;
  SequenceOptions options;
  bool past_rows = false;
};
// The column keeps its values and its not null; its sequence goes.
struct DropIdentity { QualifiedName table; std::string column; bool if_exists = false; };
// A stored generated column becomes a plain one, keeping its values.
struct DropExpression { QualifiedName table; std::string column; };
// The comment of a table, or of one of its columns; none removes it.
// `object` is the table of a column, trigger, policy or constraint, whose name is `member`;
// for a function or procedure, `member` is its identity arguments (RoutineKey).
struct Comment {
  ast::CommentKind kind = ast::CommentKind::table;
  QualifiedName object;
  std::string member;
  std::optional<std::string> text;
};

// One role's privileges on one object, as a `grant` or `revoke` leaves them; the way back swaps
// `before` and `after`.
struct SetPrivileges {
  GrantTarget target;
  std::string role;
  RolePrivileges before;
  RolePrivileges after;
};

struct AddConstraint { QualifiedName table; Constraint constraint; };
struct DropConstraint { QualifiedName table; std::string name; };
struct ValidateConstraint { QualifiedName table; std::string name; };
// A primary key's or unique constraint's index is renamed with it, as in PostgreSQL.
struct RenameConstraint { QualifiedName table; std::string from; std::string to; };

struct CreateIndex { Index index; bool concurrently = false; };
struct DropIndex { QualifiedName name; bool concurrently = false; };
struct RenameIndex { QualifiedName from; std::string to; };  // RENAME TO keeps the schema

struct CreateEnum { EnumType type; };
struct DropType { QualifiedName name; };
struct AddEnumValue { QualifiedName type; std::string value; std::optional<std::string> before; std::optional<std::string> after; };
struct RenameEnumValue { QualifiedName type; std::string from; std::string to; };
// PostgreSQL cannot remove an enum value: the type is rebuilt with `type.values`, and each
// column of the type (the `columns` of `tables`, as they are when it runs) moved onto it.
// PostgreSQL cannot carry some dependents of those columns across the change of type: a
// foreign key between two of them (for a moment their types differ), a check, index expression
// or predicate that compares one with a value (stored as a value of the old type). They are
// dropped before and made again after, unchanged.
struct RebuildEnum {
  EnumType type;
  std::vector<std::pair<QualifiedName, Column>> columns;
  std::vector<std::pair<QualifiedName, Constraint>> constraints;
  std::vector<Index> indexes;
};

struct CreateDomain { Domain domain; };
struct DropDomain { QualifiedName name; };
struct SetDomainDefault { QualifiedName domain; std::optional<std::string> value; };
struct SetDomainNotNull { QualifiedName domain; bool not_null = true; };
struct AddDomainConstraint { QualifiedName domain; DomainConstraint constraint; };
struct DropDomainConstraint { QualifiedName domain; std::string name; };
struct RenameDomainConstraint { QualifiedName domain; std::string from; std::string to; };
struct ValidateDomainConstraint { QualifiedName domain; std::string name; };
// RENAME TO keeps the schema; the columns, domains and composite types of the type follow.
struct RenameDomain { QualifiedName from; std::string to; };

// Dropped by DropType, as an enum is.
struct CreateComposite { CompositeType type; };
struct AddAttribute { QualifiedName type; Attribute attribute; };
struct DropAttribute { QualifiedName type; std::string name; };
struct RenameAttribute { QualifiedName type; std::string from; std::string to; };

struct CreateSequence { Sequence sequence; };
// The options a sequence goes from and to. `restart` moves its position, which is data: the
// way back restores the options and leaves the position where it is.
struct AlterSequence {
  QualifiedName name;
  SequenceOptions from;
  SequenceOptions to;
  bool restart = false;
  std::optional<std::int64_t> restart_with;  // none: its start
};
struct DropSequence { QualifiedName name; };
// `alter sequence ... owned by`: from one owner (or none) to another.
struct SetSequenceOwner {
  QualifiedName name;
  std::optional<SequenceOwner> from;
  std::optional<SequenceOwner> to;
};
struct CreateSchema {
  std::string name;
  Origin origin;
  Privileges privileges = {};
};
struct DropSchema { std::string name; };
struct CreateExtension { Extension extension; };
struct DropExtension { std::string name; };

// A view made, or (`replace`) one of that name given a new query keeping its columns first.
struct CreateView { View view; bool replace = false; };
// `cascade` drops the views that read it too, as PostgreSQL does.
struct DropView { QualifiedName name; bool materialized = false; bool cascade = false; };
// RENAME TO keeps the schema; the views that read it follow.
struct RenameView { QualifiedName from; std::string to; bool materialized = false; };
// RENAME COLUMN: the names the view is then written with after its name (`create view v (a, b)`),
// before and after, so that the way back restores the list exactly.
struct RenameViewColumn {
  QualifiedName view;
  std::string from;
  std::string to;
  bool materialized = false;
  std::vector<std::string> names_before;
  std::vector<std::string> names_after;
};
// ALTER VIEW ... ALTER COLUMN ... SET DEFAULT (none: DROP DEFAULT).
struct SetViewDefault { QualifiedName view; std::string column; std::optional<std::string> value; };
// Runs a materialized view's query again (`with_data`), or empties it.
struct RefreshView { QualifiedName name; bool concurrently = false; bool with_data = true; };

// A function or procedure made, or (`replace`) one of the same name and argument types given a
// new definition.
// `unchecked`: made again on a way back, where what its body reads may not be there yet, as
// pg_dump makes functions: PostgreSQL does not check the body when it is made.
struct CreateRoutine { Routine routine; bool replace = false; bool unchecked = false; };
// `cascade` drops the triggers that call it too, as PostgreSQL does.
struct DropRoutine { RoutineKey key; bool procedure = false; bool cascade = false; };
struct CreateTrigger { Trigger trigger; bool replace = false; };
struct DropTrigger { TriggerKey key; };
struct EnableTrigger { TriggerKey key; bool enabled = true; };
// Row level security switched on or off (`forced`: whether it holds for the table's owner too).
struct SetRowSecurity { QualifiedName table; bool forced = false; bool on = true; };
struct CreatePolicy { Policy policy; };
struct SetLogged { QualifiedName table; bool logged = true; };
struct DropPolicy { PolicyKey key; };

// What a data step's way back is: its own SQL, nothing it can be undone by, or nothing
// derived (a `down { }` block says the revision's whole down, or this step is part of one).
struct DataDown {
  std::optional<std::string> sql;
  bool irreversible = false;
};
// `column = <expression>`: the expression's SQL as written.
struct Assignment { std::string column; std::string value; };
// An insert's `on conflict`: its target (columns, a constraint, or none) and, unless it does
// nothing, what it sets; `excluded` names the row that was not inserted.
struct OnConflict {
  std::vector<IndexKey> keys;    // an arbiter index's, as its own are written
  std::string index_where_sql;   // a partial arbiter index's predicate

  std::optional<std::string> constraint;
  std::vector<Assignment> assignments;  // empty: do nothing
  std::optional<std::string> where_sql;  // which conflicting rows `do update` changes
};
// `key`: the table's primary key, when the insert gives each of its columns as a constant and
// has no `on conflict`: each row it inserted is then new, and the way back deletes those keys.
struct InsertRows {
  QualifiedName table;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::optional<OnConflict> on_conflict;
  DataDown down;
  std::vector<std::string> key;
  bool overriding_system_value = false;
};
// The compiler cannot know the rows an update or delete changes: their way back is their own.
struct UpdateRows { QualifiedName table; std::vector<Assignment> assignments; std::optional<std::string> where_sql; DataDown down; };
struct DeleteRows { QualifiedName table; std::optional<std::string> where_sql; DataDown down; };
// Raw SQL, run as written. Its effect on the schema is not modelled. Outside a transaction, each
// of its statements runs on its own, and so does each of its down's.
struct RawSql { std::string sql; DataDown down; bool outside_transaction = false; };

}  // namespace op

using Operation = std::variant<op::CreateTable, op::DropTable, op::RenameTable, op::AddColumn, op::DropColumn, op::RenameColumn,
                               op::AlterColumnType, op::SetNotNull, op::SetDefault, op::AlterIdentity, op::AddIdentity, op::DropIdentity, op::Comment,
                               op::AddConstraint, op::DropConstraint, op::ValidateConstraint, op::RenameConstraint, op::CreateIndex, op::DropIndex,
                               op::RenameIndex, op::CreateEnum, op::DropType, op::AddEnumValue, op::RenameEnumValue, op::RebuildEnum, op::CreateSequence,
                               op::AlterSequence, op::SetSequenceOwner,
                               op::DropSequence, op::CreateSchema, op::DropSchema, op::CreateExtension, op::DropExtension,
                               op::InsertRows, op::RawSql, op::DropExpression, op::CreateDomain, op::DropDomain,
                               op::SetDomainDefault, op::SetDomainNotNull, op::AddDomainConstraint, op::DropDomainConstraint, op::RenameDomainConstraint, op::ValidateDomainConstraint,
                               op::RenameDomain, op::CreateComposite, op::AddAttribute, op::DropAttribute, op::RenameAttribute,
                               op::UpdateRows, op::DeleteRows, op::CreateView, op::DropView, op::RenameView, op::RenameViewColumn, op::SetViewDefault, op::RefreshView,
                               op::CreateRoutine, op::DropRoutine, op::CreateTrigger, op::DropTrigger, op::EnableTrigger,
                               op::SetRowSecurity, op::CreatePolicy, op::DropPolicy, op::SetLogged, op::SetPrivileges>;

// An operation and the line of the statement it came from, which runtime errors name.
struct PlannedOperation {
  Operation operation;
  std::uint32_t line = 0;
};

// Applies `operation` to `schema`: the one place a schema changes. An operation the schema
// cannot take (an inverse with a bug, say) changes what it can and never fails: the down proof
// reports the difference.
void apply_operation(const Operation& operation, Schema& schema);
// The rename's apply_operation(); `unsure` is set to the expression where it meets a constant
// holding the label whose type it cannot tell, and leaves as written.
void rename_enum_value(const op::RenameEnumValue& rename, Schema& schema, std::string& unsure);

// The changes that take each role's privileges on `target` from `before` to `after`.
std::vector<op::SetPrivileges> privilege_changes(const GrantTarget& target, const Privileges& before, const Privileges& after);

// The way back from `operation`, applied to the schema it was applied to (`before`).
struct Inverse {
  std::vector<Operation> operations;  // to apply in order
  bool irreversible = false;          // nothing can undo it: a downgrade past it must refuse
};
Inverse inverse(const Operation& operation, const Schema& before);

// The views that read `relation`, through other views too, in an order they can be created in.
std::vector<View> dependent_views(const Schema& schema, const QualifiedName& relation);
// Whether a table or view has a column of that name.
bool has_column(const Schema& schema, const QualifiedName& relation, const std::string& name);
using ColumnLookup = std::function<bool(const QualifiedName& relation, const std::string& column)>;
// A view's query with each mention of relation `from` renamed to `to`, as PostgreSQL, which
// binds a view to what it reads, prints it after the rename.
std::string query_renaming(const std::string& query, const QualifiedName& from, const QualifiedName& to, const ColumnLookup& has_column);
// Why the query cannot follow that rename, where it cannot: it already gives the new name to
// something else (PostgreSQL would print that one under a made-up alias).
std::optional<std::string> renaming_conflict(const std::string& query, const QualifiedName& from, const QualifiedName& to,
                                             const ColumnLookup& has_column);

}  // namespace migc
