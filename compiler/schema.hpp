// The schema as the compiler sees it at one point of the chain, and the SQL that creates each
// object. Lowering, the derived downs and generated/schema.sql all render objects through here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/source.hpp"

namespace migc {

// Where an object was defined: the revision, and the place in its file.
struct Origin {
  std::string revision;
  Location where;
};

struct ColumnType {
  // A built-in type's canonical name ("character varying", "timestamp without time zone"), in
  // no schema; or an enum's name.
  QualifiedName name;
  std::vector<std::int32_t> modifiers;
  std::uint32_t array_dimensions = 0;
  bool user_defined = false;

  std::string sql() const;  // as PostgreSQL's format_type() prints it
  // Whether this is the built-in type of that canonical name.
  bool is(std::string_view builtin) const { return !user_defined && name.name == builtin; }
  bool operator==(const ColumnType&) const = default;
};

using Identity = ast::Identity;

struct Column {
  std::string name;
  ColumnType type;
  bool not_null = false;
  std::optional<std::string> default_sql;
  std::optional<QualifiedName> owned_sequence;  // serial and identity columns: the sequence PostgreSQL creates for them
  // Its type. An identity's sequence changes type with its column; a serial's keeps the type it
  // was created with (serial: integer) when the column is widened, as in PostgreSQL.
  std::string owned_sequence_type;
  Identity identity = Identity::none;
  std::optional<std::string> comment;
};

using ConstraintKind = ast::ConstraintKind;
using ReferentialAction = ast::ReferentialAction;

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::primary_key;
  std::vector<std::string> columns;
  QualifiedName referenced_table;
  std::vector<std::string> referenced_columns;
  ReferentialAction on_delete = ReferentialAction::no_action;
  ReferentialAction on_update = ReferentialAction::no_action;
  std::string check_sql;  // for check constraints: the expression, in its parentheses
  bool not_valid = false;
};

struct Table {
  QualifiedName name;
  std::vector<Column> columns;
  std::vector<Constraint> constraints;
  Origin origin;
  bool has_rows = false;  // some revision inserted rows (raw SQL is not looked into)
  std::optional<std::string> comment;

  const Column* find_column(const std::string& column) const;
  const Constraint* primary_key() const;
};

struct IndexKey {
  std::string column;      // a column, or
  std::string expression;  // an expression, in its parentheses
  bool descending = false;
};

struct Index {
  QualifiedName name;  // in its table's schema
  QualifiedName table;
  bool unique = false;
  std::string method = "btree";
  std::vector<IndexKey> keys;
  std::string where_sql;  // a partial index's predicate, in its parentheses
  Origin origin;

  bool uses_column(const std::string& column) const;
};

struct EnumType {
  QualifiedName name;
  std::vector<std::string> values;
  Origin origin;
};

struct Sequence {
  QualifiedName name;
  std::string type = "bigint";
  std::int64_t increment = 1;
  std::int64_t start = 1;
  Origin origin;
};

struct Extension {
  std::string name;
  Origin origin;
};

struct Schema {
  // Read freely; write through put_/erase_table() and put_/erase_index(), which keep the indexes below
  // current (they make name lookups O(1) where a chain of 10,000 tables would otherwise be
  // scanned for every statement).
  std::map<QualifiedName, Table> tables;
  std::map<QualifiedName, Index> indexes;
  std::map<QualifiedName, EnumType> enums;
  std::map<QualifiedName, Sequence> sequences;
  std::map<std::string, Extension> extensions;
  std::map<std::string, Origin> schemas;  // beside `public`, which always exists

  void put_table(Table table);
  void erase_table(const QualifiedName& name);
  void put_index(Index index);
  void erase_index(const QualifiedName& name);
  // The names of the indexes on `table` (not those behind its constraints).
  const std::set<QualifiedName>& indexes_of(const QualifiedName& table) const;
  // The tables whose foreign keys reference `table` (itself excluded).
  const std::set<QualifiedName>& referencing(const QualifiedName& table) const;

  // Relations share one namespace per schema in PostgreSQL: tables, indexes, sequences, and the
  // indexes behind primary key and unique constraints. Returns what holds `name`, or null.
  const char* relation_kind(const QualifiedName& name) const;
  // Constraint names are chosen per schema, as PostgreSQL chooses them: `name` is the
  // constraint's name in its table's schema.
  bool constraint_name_taken(const QualifiedName& name) const;

 private:
  void index(const Table& table, int delta);

  using NameSet = std::unordered_set<QualifiedName, QualifiedNameHash>;
  template <typename Value>
  using NameMap = std::unordered_map<QualifiedName, Value, QualifiedNameHash>;

  NameMap<int> constraint_names_;  // constraint name -> tables using it
  NameSet constraint_indexes_;     // names of primary key and unique indexes
  NameSet owned_sequences_;        // of serial and identity columns
  NameMap<std::set<QualifiedName>> referencing_;
  NameMap<std::set<QualifiedName>> indexes_by_table_;
};

// Whether an SQL expression's text names `identifier` (outside string literals).
bool mentions_identifier(std::string_view sql, const std::string& identifier);

// PostgreSQL's makeObjectName(): "name1_name2_label", shortened to fit 63 bytes the way the server does.
std::string make_object_name(const std::string& name1, const std::string& name2, const std::string& label);
// PostgreSQL's ChooseRelationName()/ChooseConstraintName(): the first of name, name1, name2... not taken.
std::string choose_constraint_name(const Schema& schema, const Table& table, const Constraint& constraint);
// The name of an index or sequence beside `table`: in its schema.
inline QualifiedName beside(const QualifiedName& table, std::string name) { return {table.schema, std::move(name)}; }

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
std::string create_sequence_sql(const Sequence& sequence);
// COMMENT ON TABLE/COLUMN; `text` none removes the comment.
std::string comment_sql(const QualifiedName& table, const std::string* column, const std::optional<std::string>& text);

// The kinds of schema objects, in an order in which they can be created: extensions and
// schemas, types, sequences, tables, indexes, then foreign keys (which may point anywhere).
enum class ObjectKind { extension, schema, type, sequence, table, index, foreign_key };

// One schema object. Keys order as the objects can be created, and name them without any
// string to split: an extension or schema by `name.name`, a foreign key by its table and name.
struct ObjectKey {
  ObjectKind kind = ObjectKind::table;
  QualifiedName name;
  std::string constraint;  // a foreign key's own name

  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;

  // Whether the object is outside the default schema: a schema itself, or an object in one.
  bool outside_default_schema() const;
  // What messages call it: "table grid", "foreign key grid_fkey of table square".
  std::string description() const;
  // The key as the plan carries it: the creation rank, a flag, the kind, the quoted name.
  // `"3 table grid"`, `"3*table archive.grid"`: the flag (the second character) is `*` for an
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
};

SchemaObjects schema_objects(const Schema& schema);
SchemaObjects schema_objects(const Schema& schema, const Touched& touched);
// The whole schema as one SQL script, in that order.
std::string schema_sql(const Schema& schema);

}  // namespace migc
