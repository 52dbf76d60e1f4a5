// SQL, one rendering of the model: schema objects as the DDL that creates them (for the plan's
// catalog snapshots and generated/schema.sql), and operations as the statements that perform
// them (the revisions' ups and downs).
#pragma once

#include <tuple>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/operations.hpp"
#include "compiler/schema.hpp"

namespace migc {

// One statement of a revision's up or down, as the plan carries it.
struct LoweredStep {
  std::string sql;
  std::uint32_t line = 0;      // of the statement it came from, for runtime error messages
  bool transactional = true;  // false for `concurrently`, which PostgreSQL runs outside a transaction
  // Outside a transaction: the index the step builds (`creates_index`) or drops, as SQL. The
  // server may finish such a step after the migrator is gone; the migrator's next run looks
  // the index up by this name to see whether it did.
  std::string concurrent_index;
  bool creates_index = false;
};

// The rows of an INSERT as VALUES lists them: `(1, 'a'), (2, 'b')`; the language writes them so too.
std::string rows_sql(const std::vector<std::vector<std::string>>& rows);
// `"a" = 1, "b" = "b" + 1`, as UPDATE and ON CONFLICT ... DO UPDATE SET list them; the language too.
std::string assignments_sql(const std::vector<op::Assignment>& assignments);
// The condition that matches the rows whose key `columns` hold `keys`: `"id" IN (CAST(1 AS
// integer), ...)`, or `("a", "b") IN ((...), ...)`. Each value is cast to its column's type,
// as inserting it converted it, so that `1.5` matches the 2 an integer key holds.
std::string key_match_sql(const std::vector<std::string>& columns, const std::vector<ColumnType>& types,
                          const std::vector<std::vector<std::string>>& keys);

// Appends the statements that perform `operation`.
void render_sql(const PlannedOperation& operation, std::vector<LoweredStep>& steps);

std::string column_sql(const Column& column);
// A column as CREATE TABLE or ADD COLUMN writes it, and the statements it needs before (a
// sequence that `serial` would not name or type as it is) and after (OWNED BY its column).
struct ColumnSql {
  std::string before;      // each statement followed by ";\n"
  std::string definition;
  std::string after;       // each statement preceded by ";\n"
};
ColumnSql column_parts(const QualifiedName& table, const Column& column);
std::string constraint_sql(const Constraint& constraint);
std::string create_table_sql(const Table& table, bool with_foreign_keys);
std::string add_constraint_sql(const QualifiedName& table, const Constraint& constraint);
std::string create_index_sql(const Index& index, bool concurrently = false);
std::string create_enum_sql(const EnumType& type);
// A sequence's options as clauses, in lower case, as the language spells them (SQL upper-cases
// the keywords).
struct SequenceClause {
  std::string keyword;
  std::string value;  // may be empty: `cycle`
};
// A new sequence's: CREATE SEQUENCE states its type, increment and start, and the rest where they
// are not PostgreSQL's defaults; an identity's sequence, whose type is its column's, only those.
std::vector<SequenceClause> new_sequence_clauses(const SequenceOptions& options, bool identity);
// What changes from `from` to `to`, then the restart.
std::vector<SequenceClause> changed_sequence_clauses(const SequenceOptions& from, const SequenceOptions& to, bool restart,
                                                     std::optional<std::int64_t> restart_with);
// ALTER SEQUENCE wants a clause: where nothing changes, one that says what holds.
std::vector<SequenceClause> alter_sequence_clauses(const op::AlterSequence& alter);
// SET GENERATED (where it changes), then SET <option> for each option that changes, and the restart;
// where nothing changes, one option that says what holds.
std::vector<SequenceClause> alter_identity_clauses(const op::AlterIdentity& alter);
std::string clauses_sql(const std::vector<SequenceClause>& clauses);
// Its checks in name order: PostgreSQL keeps no order of them, and one dropped and added back comes last.
std::string create_domain_sql(const Domain& domain);
std::string domain_constraint_sql(const DomainConstraint& constraint);
std::string create_composite_sql(const CompositeType& type);
std::string create_sequence_sql(const Sequence& sequence);
// `alter sequence <name> owned by <table>.<column>` (or `none`), keywords upper case for SQL.
std::string sequence_owner_statement(const QualifiedName& sequence, const std::optional<SequenceOwner>& owner, bool upper_case);
// CREATE [OR REPLACE] [MATERIALIZED] VIEW ... AS <query> [WITH NO DATA].
std::string create_view_sql(const View& view, bool replace = false);
// ALTER VIEW ... ALTER COLUMN ... SET DEFAULT `value` (none: DROP DEFAULT).
std::string view_default_sql(const QualifiedName& view, const std::string& column, const std::optional<std::string>& value);

// SQL as written, whose last line may end in a `--` comment, with a line end after it: a `;`
// written after would be inside the comment.
std::string line_ended(std::string sql);

// CREATE POLICY name ON table <definition as written>.
std::string create_policy_sql(const Policy& policy);

// ALTER TABLE ... ENABLE|DISABLE|FORCE|NO FORCE ROW LEVEL SECURITY.
std::string row_security_sql(const op::SetRowSecurity& change);

// CREATE [OR REPLACE] FUNCTION|PROCEDURE name <definition as written>.
std::string create_routine_sql(const Routine& routine, bool replace = false);
std::string drop_routine_sql(const RoutineKey& key, bool procedure, bool cascade = false);
// CREATE [OR REPLACE] TRIGGER name <as written> ON table <as written>.
std::string create_trigger_sql(const Trigger& trigger, bool replace = false);

// COMMENT ON TABLE/COLUMN; `text` none removes the comment.
// COMMENT ON the object op::Comment names (`text` null: removes it), its keywords in upper case
// (SQL) or lower (the language's statement, which is the same).
// The `grant` and `revoke` statements that take `role`'s privileges on `target` from `before` to
// `after`, without their semicolons; keywords in upper case for SQL, lower for the language.
std::vector<std::string> privileges_statements(const GrantTarget& target, const std::string& role, const RolePrivileges& before,
                                               const RolePrivileges& after, bool upper_case);
// The statements that give a new `target` `privileges` from its kind's default.
std::vector<std::string> granting_statements(const GrantTarget& target, const Privileges& privileges, bool upper_case);
// `sql` creating `target`, then those statements.
std::string with_privileges(std::string sql, const GrantTarget& target, const Privileges& privileges);
// Then those on its column alone, and on a serial column's sequence.
std::string with_column_privileges(std::string sql, const QualifiedName& table, const Column& column);

std::string comment_statement(ast::CommentKind kind, const QualifiedName& object, const std::string& member,
                              const std::optional<std::string>& text, bool upper_case);
std::string comment_sql(ast::CommentKind kind, const QualifiedName& object, const std::string& member, const std::optional<std::string>& text);
// `sql`, then the comment on the object it makes, when there is one.
std::string with_comment(std::string sql, ast::CommentKind kind, const QualifiedName& object, const std::string& member,
                         const std::optional<std::string>& comment);

// The kinds of schema objects, in an order in which they can be created: extensions and
// schemas, enum types, domains (which may be over an enum), composite types (whose attributes
// may be of either), sequences, tables, indexes, foreign keys (which may point anywhere), then
// views, each after those it reads (by depth).
// Functions come before the tables whose defaults and checks may call them, unless their
// signature names a table's row type (depth 1: after the tables) or a view's (depth 2: after
// the views). Triggers and policies come last.
// A sequence's owner (`owned by`) comes after the tables, as foreign keys do.
// late_check, late_default: a table's check or column default that calls a routine made after
// the tables, set once the routine is there. Serialised keys sort as strings in the migrator:
// "9 late check" comes after "9 function".
enum class ObjectKind { extension, schema, type, domain, composite, sequence, routine, table, index, foreign_key, sequence_owner,
                        view, trigger, policy, late_check, late_default };

// One schema object. Keys order as the objects can be created, and name them without any
// string to split: an extension or schema by `name.name`, a foreign key by its table and name.
struct ObjectKey {
  ObjectKind kind = ObjectKind::table;
  QualifiedName name;
  std::string constraint;  // a foreign key's or check's own name, a trigger's, a routine's argument types, a default's column
  std::uint32_t depth = 0;  // a view's (View::depth): views come after those they read

  // The digit its serialised key starts with.
  int rank() const;
  friend auto operator<=>(const ObjectKey& a, const ObjectKey& b) {
    return std::tuple(a.rank(), a.kind, a.depth, std::tie(a.name, a.constraint)) <=>
           std::tuple(b.rank(), b.kind, b.depth, std::tie(b.name, b.constraint));
  }
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;

  // Whether the object is outside the default schema: a schema itself, or an object in one.
  bool outside_default_schema() const;
  // What messages call it: "table grid", "foreign key grid_fkey of table square".
  std::string description() const;
  // The key as the plan carries it: the creation rank, a flag, the kind, the quoted name.
  // `"5 table grid"`, `"5*table archive.grid"`: the flag (the second character) is `*` for an
  // object outside the default schema, so that the migrator's check, which rebuilds the default
  // schema alone, can skip one without reading names. Keys sort in a valid creation order.
  std::string serialised() const;
};

// The schema as named SQL statements, in key order: a valid creation order.
using SchemaObjects = std::map<ObjectKey, std::string>;

// Names a revision's statements touch; schema_objects() widens them to every object whose SQL
// could have changed with them (a table's indexes and foreign keys, the tables using a type).
struct Touched {
  std::set<QualifiedName> tables, indexes, types, sequences;
  std::set<std::string> extensions, schemas;
  // A view's SQL is its own alone: those named, where the caller knows which changed.
  std::optional<std::set<QualifiedName>> views;
};

SchemaObjects schema_objects(const Schema& schema);
SchemaObjects schema_objects(const Schema& schema, const Touched& touched);
// Views as schema_objects() has them.
SchemaObjects view_objects(const std::vector<const View*>& views);
// The whole schema as one SQL script, in that order.
std::string schema_sql(const Schema& schema);
// Objects' statements, in key order, as that script; `has_routines` as whether the schema has any.
std::string schema_script(const std::vector<std::string_view>& statements, bool has_routines);

}  // namespace migc
