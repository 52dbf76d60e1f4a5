// The syntax tree of one revision file. Every node a user can get wrong carries the byte span
// it was parsed from; names are already folded the way PostgreSQL folds them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "diagnostics/source.hpp"
#include "postgres/qualified_name.hpp"

namespace migc::ast {

struct Located {
  Span span;
};

// An SQL identifier: unquoted ones are folded to lower case, quoted ones kept as written.
struct Name : Located {
  std::string text;
};

// The name of a table, index, type or sequence, schema-qualified or not: `public.` is dropped,
// so that a name in the default schema has an empty schema however it was written.
struct ObjectName : Located, QualifiedName {};

struct StringLiteral : Located {
  std::string value;
};

// A type as written: a built-in type's name holds its words lower-cased and joined by one space
// ("double precision", "character varying"); a user type's name may be schema-qualified.
struct TypeRef : Located {
  QualifiedName name;
  std::vector<std::int32_t> modifiers;
  std::uint32_t array_dimensions = 0;
  // Written `public.<name>`: the name holds no schema, as any name in public, but PostgreSQL's
  // own types are not there (they are in pg_catalog).
  bool in_public = false;
};

// An SQL expression (a default, a check, an index predicate). The grammar checks its shape
// (simple literals, calls and casts, or anything inside balanced parentheses); its text is the
// source span, handed to PostgreSQL as written.
struct Expression : Located {};

enum class ReferentialAction { no_action, restrict, cascade, set_null, set_default };

struct References : Located {
  ObjectName table;
  std::vector<Name> columns;
  ReferentialAction on_delete = ReferentialAction::no_action;
  std::vector<Name> on_delete_columns;  // `on delete set null (c, ...)`: those only
  ReferentialAction on_update = ReferentialAction::no_action;
};

// `owned by t.c`: the sequence goes when the column or its table does; `owned by none` (no
// table) ends that.
struct SequenceOwnedBy : Located {
  std::optional<ObjectName> table;
  Name column;
};

// PostgreSQL's sequence options, as written: what is not written keeps its default (create) or
// its value (alter). `no minvalue`/`no maxvalue` ask for the default bound again.
struct SequenceOptions : Located {
  std::optional<TypeRef> type;
  std::optional<std::int64_t> increment;
  std::optional<std::int64_t> min;
  bool no_min = false;
  std::optional<std::int64_t> max;
  bool no_max = false;
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> cache;
  std::optional<bool> cycle;
  // alter only: `restart [with n]` moves the sequence's position (to its start, or n).
  bool restart = false;
  std::optional<std::int64_t> restart_with;
  // `create sequence` and `alter sequence` only.
  std::optional<SequenceOwnedBy> owned_by;
  // An identity's only (`sequence name s`): what its sequence is called, instead of the name
  // PostgreSQL chooses.
  std::optional<ObjectName> sequence_name;
};

enum class Identity { none, always, by_default };

// `deferrable`, `not deferrable`, `initially deferred`, `initially immediate`, as written after a
// constraint; PostgreSQL takes them on unique, primary key and foreign key constraints.
struct Deferral : Located {
  std::optional<bool> deferrable;
  std::optional<bool> initially_deferred;
};

// `nulls distinct` (the default) or `nulls not distinct`, of a unique constraint or index.
struct NullsDistinct : Located {
  bool not_distinct = false;
};

enum class ConstraintKind { primary_key, unique, foreign_key, check };

// A table's constraint, or a column's (then `columns` is empty: it is the column's own).
struct TableConstraint : Located {
  std::optional<Name> name;
  ConstraintKind kind = ConstraintKind::primary_key;
  std::vector<Name> columns;
  std::optional<References> references;
  std::optional<Expression> check;
  std::optional<NullsDistinct> nulls;
  std::optional<Deferral> deferral;
  bool not_valid = false;
};

struct ColumnDefinition : Located {
  Name name;
  TypeRef type;
  Identity identity = Identity::none;
  std::optional<SequenceOptions> identity_options;  // `as identity (...)`
  bool not_null = false;
  bool nullability_given = false;  // `null` or `not null` written
  std::optional<Expression> default_value;
  std::vector<TableConstraint> constraints;  // primary key, unique, references, check
  // `generated always as (<expression>) stored`: the expression, in its parentheses.
  std::optional<Expression> generated;
  std::optional<ObjectName> collation;  // `collate "C"`
};

struct CreateTable : Located {
  bool unlogged = false;  // `create unlogged table`: not written to the WAL, emptied by a crash
  ObjectName name;
  std::vector<ColumnDefinition> columns;
  std::vector<TableConstraint> constraints;
};

// `if_exists`: PostgreSQL's `if exists`. The compiler knows whether the object exists at the
// revision, so the statement lowers to the drop, or to nothing.
struct DropTable : Located {
  ObjectName name;
  bool if_exists = false;
  bool cascade = false;
};

// An index key: a column, or an expression in parentheses; then the operator class its method
// compares it with, when not the default for its type (`tags jsonb_path_ops`).
struct IndexElement : Located {
  std::optional<Name> column;
  std::optional<Expression> expression;
  std::optional<ObjectName> collation;  // `collate "C"`
  std::optional<Name> operator_class;
  bool descending = false;
  bool ascending_written = false;   // `asc`, which an index takes and an `on conflict` target refuses
  std::optional<bool> nulls_first;  // written: `nulls first` or `nulls last`
};

struct CreateIndex : Located {
  bool unique = false;
  bool concurrently = false;
  Name name;  // beside its table, in the table's schema; empty: the one PostgreSQL chooses
  ObjectName table;
  std::optional<Name> method;
  std::vector<IndexElement> elements;
  std::vector<Name> include;
  std::optional<NullsDistinct> nulls;
  std::optional<Expression> where;
};

struct DropIndex : Located {
  bool concurrently = false;
  bool if_exists = false;
  ObjectName name;
};

// alter index i rename to j: j stays in i's schema.
struct RenameIndex : Located {
  ObjectName index;
  Name new_name;
};

struct CreateEnum : Located {
  ObjectName name;
  std::vector<StringLiteral> values;
};

struct DropType : Located {
  ObjectName name;
  bool if_exists = false;
  bool cascade = false;
};

// A check of a domain: `[constraint n] check (...)`, about `value`.
struct DomainCheck : Located {
  std::optional<Name> name;
  Expression check;
};

struct CreateDomain : Located {
  ObjectName name;
  TypeRef type;
  std::optional<Expression> default_value;
  std::optional<ObjectName> collation;
  bool not_null = false;
  bool nullability_given = false;  // `null` or `not null` written: PostgreSQL refuses the other after it
  std::vector<DomainCheck> checks;
};

struct DropDomain : Located {
  ObjectName name;
  bool if_exists = false;
  bool cascade = false;
};

// alter domain d ...: one change per statement, each naming its domain `domain`.
struct SetDomainDefault : Located {
  ObjectName domain;
  std::optional<Expression> value;  // none: drop default
};

struct SetDomainNotNull : Located {
  ObjectName domain;
  bool not_null = true;  // false: drop not null
};

struct AddDomainConstraint : Located {
  ObjectName domain;
  DomainCheck constraint;
  bool not_valid = false;  // existing values are not checked until `validate constraint`
};

struct DropDomainConstraint : Located {
  ObjectName domain;
  Name name;
  bool if_exists = false;
};

struct RenameDomainConstraint : Located {
  ObjectName domain;
  Name name;
  Name new_name;
};

struct ValidateDomainConstraint : Located {
  ObjectName domain;
  Name name;
};

struct RenameDomain : Located {
  ObjectName domain;
  Name new_name;
};

struct CompositeAttribute : Located {
  Name name;
  TypeRef type;
};

// create type t as (a int, b text)
struct CreateComposite : Located {
  ObjectName name;
  std::vector<CompositeAttribute> attributes;
};

// alter type t add/drop/rename attribute: `type` names the composite type.
struct AddAttribute : Located {
  ObjectName type;
  CompositeAttribute attribute;
};

struct DropAttribute : Located {
  ObjectName type;
  Name attribute;
};

struct RenameAttribute : Located {
  ObjectName type;
  Name attribute;
  Name new_name;
};

struct AddColumn : Located {
  ObjectName table;
  ColumnDefinition column;
};

struct DropColumn : Located {
  ObjectName table;
  Name column;
  bool if_exists = false;
  bool cascade = false;  // the views that use the column go with it
};

struct RenameTable : Located {
  ObjectName table;
  Name new_name;
};

struct RenameColumn : Located {
  ObjectName table;
  Name column;
  Name new_name;
};

// alter table t alter column c ...: one change per statement.
struct AlterColumnType : Located {
  ObjectName table;
  Name column;
  TypeRef type;
  // Without one, PostgreSQL gives the column the new type's default collation.
  std::optional<ObjectName> collation;
  std::optional<Expression> using_expression;
};

struct SetNotNull : Located {
  ObjectName table;
  Name column;
  bool not_null = true;  // false: drop not null
};

struct SetDefault : Located {
  ObjectName table;
  Name column;
  std::optional<Expression> value;  // none: drop default
};

// alter column c [set generated always|by default] [set <sequence option>]... [restart [with n]]:
// an identity column's kind and its sequence's options.
struct AlterIdentity : Located {
  ObjectName table;
  Name column;
  std::optional<Identity> generated;
  SequenceOptions options;
};

// alter column c add generated always|by default as identity [(...)]
struct AddIdentity : Located {
  ObjectName table;
  Name column;
  Identity identity = Identity::always;
  std::optional<SequenceOptions> options;
};

// alter column c drop identity [if exists]
struct DropIdentity : Located {
  ObjectName table;
  Name column;
  bool if_exists = false;
};

// alter table t alter column c drop expression: a generated column becomes a plain one.
struct DropExpression : Located {
  ObjectName table;
  Name column;
};

struct AddConstraint : Located {
  ObjectName table;
  TableConstraint constraint;
};

struct DropConstraint : Located {
  ObjectName table;
  Name name;
  bool if_exists = false;
};

struct RenameConstraint : Located {
  ObjectName table;
  Name name;
  Name new_name;
};

// Checks the rows of a `not valid` constraint, without blocking writes while it does.
struct ValidateConstraint : Located {
  ObjectName table;
  Name name;
};

struct AddEnumValue : Located {
  ObjectName type;
  StringLiteral value;
  std::optional<StringLiteral> before;
  std::optional<StringLiteral> after;
};

struct RenameEnumValue : Located {
  ObjectName type;
  StringLiteral value;
  StringLiteral new_value;
};

// Accepted so that the compiler can explain why PostgreSQL has no such thing.
struct DropEnumValue : Located {
  ObjectName type;
  StringLiteral value;
};

// `column = expression`, of `update ... set` and `on conflict ... do update set`.
struct Assignment : Located {
  Name column;
  Expression value;
};

// `on conflict [(keys) [where predicate] | on constraint name] do nothing | do update set ...
// [where ...]`: keys are an index's (columns or expressions), the predicate a partial index's.
struct OnConflict : Located {
  std::vector<IndexElement> keys;
  std::optional<Expression> index_where;
  std::optional<Name> constraint;
  std::vector<Assignment> assignments;  // empty: do nothing
  std::optional<Expression> where;      // which conflicting rows `do update` changes
};

struct InsertRows : Located {
  ObjectName table;
  std::vector<Name> columns;  // none written: the table's, in order, as many as each row has
  bool overriding_system_value = false;  // values for `generated always` identity columns
  std::vector<std::vector<Expression>> rows;
  std::optional<OnConflict> on_conflict;
  std::optional<StringLiteral> down;
  bool irreversible = false;
};

// `update t set c = e, ... [where p]`: a data step, so it says its down.
struct UpdateRows : Located {
  ObjectName table;
  std::vector<Assignment> assignments;
  std::optional<Expression> where;
  std::optional<StringLiteral> down;
  bool irreversible = false;
};

// `delete from t [where p]`: a data step, so it says its down.
struct DeleteRows : Located {
  ObjectName table;
  std::optional<Expression> where;
  std::optional<StringLiteral> down;
  bool irreversible = false;
};

struct CreateSchema : Located {
  Name name;
};

struct DropSchema : Located {
  Name name;
  bool if_exists = false;
};

struct CreateExtension : Located {
  Name name;
};

struct DropExtension : Located {
  Name name;
  bool if_exists = false;
};

struct CreateSequence : Located {
  ObjectName name;
  SequenceOptions options;
};

struct AlterSequence : Located {
  ObjectName name;
  SequenceOptions options;
};

struct DropSequence : Located {
  ObjectName name;
  bool if_exists = false;
};

// What `comment on` names.
enum class CommentKind { table, column, view, materialized_view, index, sequence, type, domain, function, procedure, trigger, policy, constraint };

// `comment on <kind> <object> is '...'` (or `is null` to remove it): `table t`, `column t.c`,
// `view v`, `index i`, `function f[(types)]`, `trigger x on t`, `policy p on t`, `constraint c on t`...
struct Comment : Located {
  CommentKind kind = CommentKind::table;
  ObjectName object;                    // the object, or the table its column, trigger, policy or constraint is of
  std::optional<Name> member;           // that column's, trigger's, policy's or constraint's name
  std::optional<Expression> arguments;  // a function's or procedure's argument types, with their parentheses
  std::optional<StringLiteral> text;
  // `comment on constraint c on domain d`, which the language does not model: said so, located.
  std::optional<Name> on_domain;
};

// `create [or replace] view v [(columns)] as <query>`, `create materialized view v as <query>
// [with [no] data]`: the query is SQL captured by PostgreSQL's lexer up to the statement's end.
// `with (security_barrier)`, `with (check_option = local)`: a view's option, its value as written.
struct ViewOption : Located {
  std::string name;
  std::optional<std::string> value;
};

struct CreateView : Located {
  bool or_replace = false;
  // `create recursive view v (c, ...) as q`: PostgreSQL's short form of
  // `create view v (c, ...) as with recursive v (c, ...) as (q) select c, ... from v`.
  bool recursive = false;
  bool materialized = false;
  ObjectName name;
  std::vector<Name> columns;
  std::vector<ViewOption> options;
  Expression query;
  bool with_data = true;
  std::string check_option;  // `with [local | cascaded] check option`: "local" or "cascaded"
};

struct DropView : Located {
  bool materialized = false;
  bool if_exists = false;
  ObjectName name;
  bool cascade = false;
};

// alter [materialized] view v rename to w: w stays in v's schema.
// `alter view v set (...)` or `reset (...)`.
struct SetViewOptions : Located {
  ObjectName view;
  std::vector<ViewOption> options;
  std::vector<Name> reset;
};

// `alter [materialized] view v rename to w`, or (`column` given) `rename [column] c to d`.
struct RenameView : Located {
  bool materialized = false;
  ObjectName view;
  std::optional<Name> column;
  Name new_name;
};

// `alter view v alter [column] c set default <expression>` (none: `drop default`): what an
// insert through the view gives the column when it names none. (`materialized` only to say that
// a materialized view has no defaults.)
struct SetViewDefault : Located {
  bool materialized = false;
  ObjectName view;
  Name column;
  std::optional<Expression> value;
};

// refresh materialized view [concurrently] v: a data step, whose way back is nothing.
struct RefreshView : Located {
  bool concurrently = false;
  ObjectName name;
  bool with_data = true;  // `with no data` empties it
};

// `create [or replace] function|procedure f <definition>`: the definition (arguments, `returns`,
// `language`, the body and the rest) is PostgreSQL's SQL, captured by its lexer up to the
// statement's end and read by its parser.
struct CreateRoutine : Located {
  bool or_replace = false;
  bool procedure = false;
  ObjectName name;
  Expression definition;
};

// `drop function|procedure [if exists] f [(argument types)] [cascade]`.
struct DropRoutine : Located {
  bool procedure = false;
  bool if_exists = false;
  ObjectName name;
  std::optional<Expression> arguments;  // with its parentheses
  bool cascade = false;
};

// `create [or replace] trigger t <definition>`: `before update on tasks for each row execute
// function f()`, PostgreSQL's SQL from the trigger's name to the statement's end.
struct CreateTrigger : Located {
  bool or_replace = false;
  Name name;
  Expression definition;
};

struct DropTrigger : Located {
  bool if_exists = false;
  Name name;
  ObjectName table;
  bool cascade = false;
};

// `create policy p on t <definition>`: the definition (`for select to app using (...)`) is
// PostgreSQL's SQL after the table's name, and may be empty.
struct CreatePolicy : Located {
  Name name;
  ObjectName table;
  std::optional<Expression> definition;
};

struct DropPolicy : Located {
  bool if_exists = false;
  Name name;
  ObjectName table;
};

// alter table t set logged|unlogged.
struct SetLogged : Located {
  ObjectName table;
  bool logged = true;
};

// alter table t enable|disable|force|no force row level security.
struct SetRowSecurity : Located {
  enum class Change { enable, disable, force, no_force };
  ObjectName table;
  Change change = Change::enable;
};

// alter table t enable|disable trigger x.
struct EnableTrigger : Located {
  ObjectName table;
  Name trigger;
  bool enabled = true;
};

// What `grant` and `revoke` name their objects as: `on [table] t`, `on sequence s`,
// `on schema s`, `on function f(types)`, `on procedure p(types)`, `on type t` (an enum, a
// domain or a composite type), `on domain d` (a domain only).
enum class GrantTargetKind { table, sequence, schema, function, procedure, type, domain };

struct GrantObject : Located {
  ObjectName name;
  std::optional<Expression> arguments;  // a function's or procedure's argument types, with their parentheses
};

// `grant <privileges> on <objects> to <roles> [with grant option]`, and
// `revoke [grant option for] <privileges> on <objects> from <roles>`. A privilege is a word as
// written (`select`, `all`), on the table's columns listed after it (`select (a, b)`) if any; a
// role `public` is every role.
struct Grant : Located {
  bool revoke = false;
  bool grant_option = false;  // `with grant option`; revoking: `grant option for`
  std::vector<Name> privileges;
  std::vector<std::vector<Name>> privilege_columns;  // one list for each privilege, empty when on the object itself
  GrantTargetKind kind = GrantTargetKind::table;
  std::vector<GrantObject> objects;
  std::vector<Name> roles;
};

// Raw SQL: it cannot be inverted by the compiler, so it carries its down or says it has none.
// `execute outside transaction $$...$$` runs each of its statements on its own, outside any
// transaction (for `vacuum` and its kin), and so stands alone in its revision.
struct ExecuteSql : Located {
  bool outside_transaction = false;
  StringLiteral up;
  std::optional<StringLiteral> down;
  bool irreversible = false;
};

using Statement = std::variant<CreateTable, DropTable, CreateIndex, DropIndex, RenameIndex, CreateEnum, DropType, AddColumn,
                               DropColumn, RenameTable, RenameColumn, AlterColumnType, SetNotNull, SetDefault, AlterIdentity, AddIdentity, DropIdentity,
                               AddConstraint, DropConstraint, RenameConstraint, ValidateConstraint, AddEnumValue, RenameEnumValue, DropEnumValue,
                               InsertRows, CreateSchema, DropSchema, CreateExtension, DropExtension, CreateSequence, AlterSequence, DropSequence, Comment,
                               ExecuteSql, DropExpression, CreateDomain, DropDomain, SetDomainDefault, SetDomainNotNull,
                               AddDomainConstraint, DropDomainConstraint, RenameDomainConstraint, ValidateDomainConstraint, RenameDomain, CreateComposite, AddAttribute,
                               DropAttribute, RenameAttribute, UpdateRows, DeleteRows, CreateView, DropView, RenameView, SetViewOptions,
                               SetViewDefault, RefreshView, CreateRoutine, DropRoutine, CreateTrigger, DropTrigger, EnableTrigger,
                               SetRowSecurity, CreatePolicy, DropPolicy, SetLogged, Grant>;

struct Header : Located {
  StringLiteral id;
  std::vector<StringLiteral> parents;  // empty: the root (`revises base`)
  bool merge = false;                  // `merges`: the parents must be two or more distinct revisions
  // `depends on 'x'`: x must be applied first, though this revision does not build on it
  // (Alembic's depends_on, typically a revision on another branch).
  std::vector<StringLiteral> dependencies;
  std::optional<StringLiteral> message;
  std::optional<StringLiteral> lock_timeout;       // `lock timeout '30s'`: overrides the migrator's
  std::optional<StringLiteral> statement_timeout;  // `statement timeout '1h'`
};

// `down { ... }` after a revision's statements: its down written by hand, in the DSL rather than
// as raw SQL, so that the compiler can simulate it after the up and check that it gives back the
// schema the up started from. It replaces every derived down; its statements run as written.
// The span is the `down` keyword's.
struct DownBlock : Located {
  std::vector<Statement> statements;
  std::vector<std::vector<Name>> allowed;
};

struct File {
  Header header;
  std::vector<Statement> statements;
  // allowed[i]: the lints `@allow(...)` silences for statements[i].
  std::vector<std::vector<Name>> allowed;
  std::optional<DownBlock> down;
};

}  // namespace migc::ast

template <>
struct fmt::formatter<migc::ast::ObjectName> : fmt::formatter<migc::QualifiedName> {};
