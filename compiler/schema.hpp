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
  std::string name;  // canonical: "character varying", "timestamp without time zone", an enum's name
  std::vector<std::int32_t> modifiers;
  std::uint32_t array_dimensions = 0;
  bool user_defined = false;

  std::string sql() const;  // as PostgreSQL's format_type() prints it
  bool operator==(const ColumnType&) const = default;
};

using Identity = ast::Identity;

struct Column {
  std::string name;
  ColumnType type;
  bool not_null = false;
  std::optional<std::string> default_sql;
  std::string owned_sequence;  // serial and identity columns: the sequence PostgreSQL creates for them
  Identity identity = Identity::none;
  std::optional<std::string> comment;
};

using ConstraintKind = ast::ConstraintKind;
using ReferentialAction = ast::ReferentialAction;

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::primary_key;
  std::vector<std::string> columns;
  std::string referenced_table;
  std::vector<std::string> referenced_columns;
  ReferentialAction on_delete = ReferentialAction::no_action;
  ReferentialAction on_update = ReferentialAction::no_action;
  std::string check_sql;  // for check constraints: the expression, in its parentheses
  bool not_valid = false;
};

struct Table {
  std::string name;
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
  std::string name;
  std::string table;
  bool unique = false;
  std::string method = "btree";
  std::vector<IndexKey> keys;
  std::string where_sql;  // a partial index's predicate, in its parentheses
  Origin origin;

  bool uses_column(const std::string& column) const;
};

struct EnumType {
  std::string name;
  std::vector<std::string> values;
  Origin origin;
};

struct Sequence {
  std::string name;
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
  std::map<std::string, Table> tables;
  std::map<std::string, Index> indexes;
  std::map<std::string, EnumType> enums;
  std::map<std::string, Sequence> sequences;
  std::map<std::string, Extension> extensions;
  std::map<std::string, Origin> schemas;  // beside `public`, which always exists

  void put_table(Table table);
  void erase_table(const std::string& name);
  void put_index(Index index);
  void erase_index(const std::string& name);
  // The names of the indexes on `table` (not those behind its constraints).
  const std::set<std::string>& indexes_of(const std::string& table) const;
  // The tables whose foreign keys reference `table` (itself excluded).
  const std::set<std::string>& referencing(const std::string& table) const;

  // Relations share one namespace in PostgreSQL: tables, indexes, sequences, and the indexes
  // behind primary key and unique constraints. Returns what holds `name`, or null.
  const char* relation_kind(const std::string& name) const;
  bool constraint_name_taken(const std::string& name) const;

 private:
  void index(const Table& table, int delta);

  std::unordered_map<std::string, int> constraint_names_;  // constraint name -> tables using it
  std::unordered_set<std::string> constraint_indexes_;     // names of primary key and unique indexes
  std::unordered_set<std::string> owned_sequences_;        // of serial and identity columns
  std::unordered_map<std::string, std::set<std::string>> referencing_;
  std::unordered_map<std::string, std::set<std::string>> indexes_by_table_;
};

// Whether an SQL expression's text names `identifier` (outside string literals).
bool mentions_identifier(std::string_view sql, const std::string& identifier);

// PostgreSQL's makeObjectName(): "name1_name2_label", shortened to fit 63 bytes the way the server does.
std::string make_object_name(const std::string& name1, const std::string& name2, const std::string& label);
// PostgreSQL's ChooseRelationName()/ChooseConstraintName(): the first of name, name1, name2... not taken.
std::string choose_constraint_name(const Schema& schema, const Table& table, const Constraint& constraint);

std::string column_sql(const Column& column);
std::string constraint_sql(const Constraint& constraint);
std::string create_table_sql(const Table& table, bool with_foreign_keys);
std::string add_constraint_sql(const std::string& table, const Constraint& constraint);
std::string create_index_sql(const Index& index, bool concurrently = false);
std::string create_enum_sql(const EnumType& type);
std::string create_sequence_sql(const Sequence& sequence);
// COMMENT ON TABLE/COLUMN; `text` none removes the comment.
std::string comment_sql(const std::string& table, const std::string* column, const std::optional<std::string>& text);
// The schema as named SQL statements, keyed so that key order is a valid creation order:
// extensions, types, sequences, tables, indexes, then foreign keys (which may point anywhere).
using SchemaObjects = std::map<std::string, std::string>;

// Names a revision's statements touch; schema_objects() widens them to every object whose SQL
// could have changed with them (a table's indexes and foreign keys, the tables using a type).
struct Touched {
  std::set<std::string> tables, indexes, types, sequences, extensions, schemas;
};

SchemaObjects schema_objects(const Schema& schema);
SchemaObjects schema_objects(const Schema& schema, const Touched& touched);
// The whole schema as one SQL script, in that order.
std::string schema_sql(const Schema& schema);

}  // namespace migc
