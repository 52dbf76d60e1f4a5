// Rendering of schema objects as PostgreSQL DDL, and PostgreSQL's own default-name rules.
#include "compiler/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "compiler/sql_text.hpp"

namespace migc {
namespace {

constexpr std::size_t max_identifier_bytes = 63;

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

std::string joined_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += '_';
    out += name;
  }
  return out;
}

// Shortens to at most `bytes` without splitting a UTF-8 sequence, as pg_mbcliplen() does.
std::string clip_utf8(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes);
}

}  // namespace

std::string ColumnType::sql() const {
  std::string out;
  const auto with_modifiers = [&](std::string_view base) {
    std::string text(base);
    if (!modifiers.empty()) {
      text += '(';
      for (std::size_t i = 0; i < modifiers.size(); ++i) text += (i ? "," : "") + std::to_string(modifiers[i]);
      text += ')';
    }
    return text;
  };
  if (user_defined) {
    out = quote_qualified(name);
  } else if (name.name.starts_with("timestamp ") || name.name.starts_with("time ")) {
    // format_type() puts the precision between the word and its time zone suffix.
    const auto space = name.name.find(' ');
    out = with_modifiers(name.name.substr(0, space)) + name.name.substr(space);
  } else {
    out = with_modifiers(name.name);
  }
  for (std::uint32_t i = 0; i < array_dimensions; ++i) out += "[]";
  return out;
}

bool mentions_identifier(std::string_view sql, const std::string& identifier) {
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'') {
      i = sql.find('\'', i + 1);
      if (i == std::string_view::npos) return false;
      ++i;
    } else if (c == '"') {
      const std::size_t end = sql.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      if (sql.substr(i + 1, end - i - 1) == identifier) return true;
      i = end + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      std::string word;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_' || sql[end] == '$')) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[end])));
        ++end;
      }
      if (word == identifier) return true;
      i = end;
    } else {
      ++i;
    }
  }
  return false;
}

bool Index::uses_column(const std::string& column) const {
  for (const auto& key : keys) {
    if (key.column == column || (!key.expression.empty() && mentions_identifier(key.expression, column))) return true;
  }
  return !where_sql.empty() && mentions_identifier(where_sql, column);
}

const Column* Table::find_column(const std::string& column) const {
  const auto it = std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

const Constraint* Table::primary_key() const {
  const auto it = std::find_if(constraints.begin(), constraints.end(),
                               [](const Constraint& c) { return c.kind == ConstraintKind::primary_key; });
  return it == constraints.end() ? nullptr : &*it;
}

void Schema::index(const Table& table, int delta) {
  for (const auto& constraint : table.constraints) {
    // Constraint names are kept per schema, as PostgreSQL chooses them.
    const QualifiedName key = beside(table.name, constraint.name);
    if ((constraint_names_[key] += delta) == 0) constraint_names_.erase(key);
    if (constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique) {
      if (delta > 0) {
        constraint_indexes_.insert(key);
      } else {
        constraint_indexes_.erase(key);
      }
    }
    if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table != table.name) {
      auto& tables = referencing_[constraint.referenced_table];
      if (delta > 0) {
        tables.insert(table.name);
      } else {
        tables.erase(table.name);
      }
    }
  }
  for (const auto& column : table.columns) {
    if (!column.owned_sequence) continue;
    if (delta > 0) {
      owned_sequences_.insert(*column.owned_sequence);
    } else {
      owned_sequences_.erase(*column.owned_sequence);
    }
  }
}

void Schema::put_table(Table table) {
  erase_table(table.name);
  index(table, +1);
  const QualifiedName name = table.name;
  tables.emplace(name, std::move(table));
}

void Schema::erase_table(const QualifiedName& name) {
  const auto table = tables.find(name);
  if (table == tables.end()) return;
  index(table->second, -1);
  tables.erase(table);
}

const std::set<QualifiedName>& Schema::referencing(const QualifiedName& table) const {
  static const std::set<QualifiedName> none;
  const auto found = referencing_.find(table);
  return found == referencing_.end() ? none : found->second;
}

void Schema::put_index(Index index) {
  erase_index(index.name);
  indexes_by_table_[index.table].insert(index.name);
  const QualifiedName name = index.name;
  indexes.emplace(name, std::move(index));
}

void Schema::erase_index(const QualifiedName& name) {
  const auto index = indexes.find(name);
  if (index == indexes.end()) return;
  indexes_by_table_[index->second.table].erase(name);
  indexes.erase(index);
}

const std::set<QualifiedName>& Schema::indexes_of(const QualifiedName& table) const {
  static const std::set<QualifiedName> none;
  const auto found = indexes_by_table_.find(table);
  return found == indexes_by_table_.end() ? none : found->second;
}

const char* Schema::relation_kind(const QualifiedName& name) const {
  if (tables.contains(name)) return "table";
  if (indexes.contains(name)) return "index";
  if (sequences.contains(name) || owned_sequences_.contains(name)) return "sequence";
  if (constraint_indexes_.contains(name)) return "index";
  return nullptr;
}

bool Schema::constraint_name_taken(const QualifiedName& name) const { return constraint_names_.contains(name); }

std::string make_object_name(const std::string& name1, const std::string& name2, const std::string& label) {
  std::size_t overhead = 0;
  if (!name2.empty()) overhead += 1;
  if (!label.empty()) overhead += label.size() + 1;
  std::size_t name1_bytes = name1.size();
  std::size_t name2_bytes = name2.size();
  const std::size_t available = max_identifier_bytes - overhead;
  while (name1_bytes + name2_bytes > available) {
    if (name1_bytes > name2_bytes) {
      --name1_bytes;
    } else {
      --name2_bytes;
    }
  }
  std::string result = clip_utf8(name1, name1_bytes);
  if (!name2.empty()) result += "_" + clip_utf8(name2, name2_bytes);
  if (!label.empty()) result += "_" + label;
  return result;
}

std::string choose_constraint_name(const Schema& schema, const Table& table, const Constraint& constraint) {
  std::string addition;
  std::string label;
  bool needs_relation_name = true;  // pkey and unique constraints create an index of that name
  switch (constraint.kind) {
    case ConstraintKind::primary_key: label = "pkey"; break;
    case ConstraintKind::unique: addition = joined_names(constraint.columns); label = "key"; break;
    case ConstraintKind::foreign_key:
      addition = joined_names(constraint.columns);
      label = "fkey";
      needs_relation_name = false;
      break;
    case ConstraintKind::check:
      // PostgreSQL names a check after its column only when the expression uses exactly one.
      if (constraint.columns.size() == 1) addition = constraint.columns[0];
      label = "check";
      needs_relation_name = false;
      break;
  }
  const auto taken = [&](const std::string& candidate) {
    for (const auto& other : table.constraints) {
      if (other.name == candidate) return true;
    }
    const QualifiedName key = beside(table.name, candidate);
    return schema.constraint_name_taken(key) || (needs_relation_name && schema.relation_kind(key));
  };
  const std::string& table_name = table.name.name;
  std::string candidate = make_object_name(table_name, addition, label);
  for (int pass = 1; taken(candidate); ++pass) {
    candidate = make_object_name(table_name, addition, label + std::to_string(pass));
  }
  return candidate;
}

namespace {

// `serial` makes PostgreSQL name the sequence after the table, and give it the column's type: a
// sequence that kept its name through a table rename, or its type through a widening of its
// column, has to be spelled out. An identity's sequence follows its column's type.
bool serial_shorthand_fits(const QualifiedName& table, const Column& column) {
  return column.owned_sequence == beside(table, make_object_name(table.name, column.name, "seq")) &&
         (column.identity != Identity::none || column.owned_sequence_type == column.type.name.name);
}

std::string nextval_sql(const QualifiedName& sequence) {
  return "nextval(" + quote_literal(quote_qualified(sequence)) + "::regclass)";
}

}  // namespace

std::string column_sql(const Column& column) {
  if (column.identity != Identity::none) {
    return fmt::format("{} {} GENERATED {} AS IDENTITY NOT NULL", quote_identifier(column.name), column.type.sql(),
                       column.identity == Identity::always ? "ALWAYS" : "BY DEFAULT");
  }
  if (column.owned_sequence) {
    const std::string_view serial = column.type.is("bigint") ? "bigserial" : column.type.is("smallint") ? "smallserial" : "serial";
    return fmt::format("{} {} NOT NULL", quote_identifier(column.name), serial);
  }
  std::string out = quote_identifier(column.name) + " " + column.type.sql();
  if (column.default_sql) out += " DEFAULT " + *column.default_sql;
  if (column.not_null) out += " NOT NULL";
  return out;
}

ColumnSql column_parts(const QualifiedName& table, const Column& column) {
  if (!column.owned_sequence || serial_shorthand_fits(table, column)) return {"", column_sql(column), ""};
  const std::string sequence = quote_qualified(*column.owned_sequence);
  if (column.identity != Identity::none) {
    return {"",
            fmt::format("{} {} GENERATED {} AS IDENTITY (SEQUENCE NAME {}) NOT NULL", quote_identifier(column.name),
                        column.type.sql(), column.identity == Identity::always ? "ALWAYS" : "BY DEFAULT", sequence),
            ""};
  }
  return {fmt::format("CREATE SEQUENCE {} AS {};\n", sequence, column.owned_sequence_type),
          fmt::format("{} {} DEFAULT {} NOT NULL", quote_identifier(column.name), column.type.sql(), nextval_sql(*column.owned_sequence)),
          fmt::format(";\nALTER SEQUENCE {} OWNED BY {}.{}", sequence, quote_qualified(table), quote_identifier(column.name))};
}

std::string constraint_sql(const Constraint& constraint) {
  std::string out = "CONSTRAINT " + quote_identifier(constraint.name) + " ";
  switch (constraint.kind) {
    case ConstraintKind::primary_key: return out + "PRIMARY KEY (" + quote_identifiers(constraint.columns) + ")";
    case ConstraintKind::unique: return out + "UNIQUE (" + quote_identifiers(constraint.columns) + ")";
    case ConstraintKind::foreign_key:
      out += fmt::format("FOREIGN KEY ({}) REFERENCES {} ({})", quote_identifiers(constraint.columns),
                         quote_qualified(constraint.referenced_table),
                         quote_identifiers(constraint.referenced_columns));
      if (constraint.on_update != ReferentialAction::no_action) out += fmt::format(" ON UPDATE {}", action_sql(constraint.on_update));
      if (constraint.on_delete != ReferentialAction::no_action) out += fmt::format(" ON DELETE {}", action_sql(constraint.on_delete));
      return out;
    case ConstraintKind::check: return out + "CHECK " + constraint.check_sql;
  }
  return out;
}

std::string create_table_sql(const Table& table, bool with_foreign_keys) {
  std::string before;  // statements the table needs first
  std::string after;   // and those that complete it
  std::string out = "CREATE TABLE " + quote_qualified(table.name) + " (";
  bool first = true;
  const auto element = [&](const std::string& text) {
    out += first ? "\n    " : ",\n    ";
    out += text;
    first = false;
  };
  for (const auto& column : table.columns) {
    if (column.comment) after += ";\n" + comment_sql(table.name, &column.name, column.comment);
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
  }
  if (table.comment) after = ";\n" + comment_sql(table.name, nullptr, table.comment) + after;
  return before + out + "\n)" + after;
}

std::string add_constraint_sql(const QualifiedName& table, const Constraint& constraint) {
  return "ALTER TABLE " + quote_qualified(table) + " ADD " + constraint_sql(constraint) +
         (constraint.not_valid ? " NOT VALID" : "");
}

std::string create_index_sql(const Index& index, bool concurrently) {
  std::string keys;
  for (const auto& key : index.keys) {
    if (!keys.empty()) keys += ", ";
    keys += key.column.empty() ? key.expression : quote_identifier(key.column);
    if (key.descending) keys += " DESC";
  }
  std::string sql = fmt::format("CREATE {}INDEX {}{} ON {} USING {} ({})", index.unique ? "UNIQUE " : "",
                                concurrently ? "CONCURRENTLY " : "", quote_identifier(index.name.name),
                                quote_qualified(index.table), index.method, keys);
  if (!index.where_sql.empty()) sql += " WHERE " + index.where_sql;
  return sql;
}

std::string create_enum_sql(const EnumType& type) {
  std::string values;
  for (const auto& value : type.values) values += (values.empty() ? "" : ", ") + quote_literal(value);
  return fmt::format("CREATE TYPE {} AS ENUM ({})", quote_qualified(type.name), values);
}

std::string create_sequence_sql(const Sequence& sequence) {
  return fmt::format("CREATE SEQUENCE {} AS {} INCREMENT BY {} START WITH {}", quote_qualified(sequence.name), sequence.type,
                     sequence.increment, sequence.start);
}

std::string comment_sql(const QualifiedName& table, const std::string* column, const std::optional<std::string>& text) {
  const std::string target = column == nullptr ? "TABLE " + quote_qualified(table)
                                               : "COLUMN " + quote_qualified(table) + "." + quote_identifier(*column);
  return fmt::format("COMMENT ON {} IS {}", target, text ? quote_literal(*text) : "NULL");
}

namespace {

int creation_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::extension:
    case ObjectKind::schema: return 0;
    case ObjectKind::type: return 1;
    case ObjectKind::sequence: return 2;
    case ObjectKind::table: return 3;
    case ObjectKind::index: return 4;
    case ObjectKind::foreign_key: return 5;
  }
  return 5;
}

std::string_view kind_word(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::extension: return "extension";
    case ObjectKind::schema: return "schema";
    case ObjectKind::type: return "type";
    case ObjectKind::sequence: return "sequence";
    case ObjectKind::table: return "table";
    case ObjectKind::index: return "index";
    case ObjectKind::foreign_key: return "foreign key";
  }
  return "object";
}

ObjectKey key_of(ObjectKind kind, QualifiedName name) { return {kind, std::move(name), {}}; }
ObjectKey key_of(ObjectKind kind, const std::string& name) { return {kind, {{}, name}, {}}; }
ObjectKey foreign_key_of(const QualifiedName& table, const Constraint& constraint) {
  return {ObjectKind::foreign_key, table, constraint.name};
}

std::string create_schema_sql(const std::string& name) { return "CREATE SCHEMA " + quote_identifier(name); }
// IF NOT EXISTS: extensions belong to the database, and a schema may be rebuilt beside a live one.
std::string create_extension_sql(const std::string& name) { return "CREATE EXTENSION IF NOT EXISTS " + quote_identifier(name); }

void add_table_objects(const Schema& schema, const Table& table, SchemaObjects& objects) {
  objects[key_of(ObjectKind::table, table.name)] = create_table_sql(table, false);
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == ConstraintKind::foreign_key) {
      objects[foreign_key_of(table.name, constraint)] = add_constraint_sql(table.name, constraint);
    }
  }
  for (const auto& name : schema.indexes_of(table.name)) {
    objects[key_of(ObjectKind::index, name)] = create_index_sql(schema.indexes.at(name));
  }
}

}  // namespace

bool ObjectKey::outside_default_schema() const { return kind == ObjectKind::schema || !name.schema.empty(); }

std::string ObjectKey::description() const {
  if (kind == ObjectKind::foreign_key) return fmt::format("foreign key {} of table {}", constraint, name);
  return fmt::format("{} {}", kind_word(kind), name);
}

std::string ObjectKey::serialised() const {
  std::string out = fmt::format("{}{}{} {}", creation_rank(kind), outside_default_schema() ? '*' : ' ', kind_word(kind),
                                quote_qualified(name));
  if (kind == ObjectKind::foreign_key) out += " " + quote_identifier(constraint);
  return out;
}

SchemaObjects schema_objects(const Schema& schema) {
  SchemaObjects objects;
  for (const auto& [name, _] : schema.schemas) objects[key_of(ObjectKind::schema, name)] = create_schema_sql(name);
  for (const auto& [name, _] : schema.extensions) objects[key_of(ObjectKind::extension, name)] = create_extension_sql(name);
  for (const auto& [name, type] : schema.enums) objects[key_of(ObjectKind::type, name)] = create_enum_sql(type);
  for (const auto& [name, sequence] : schema.sequences) objects[key_of(ObjectKind::sequence, name)] = create_sequence_sql(sequence);
  for (const auto& [_, table] : schema.tables) add_table_objects(schema, table, objects);
  return objects;
}

SchemaObjects schema_objects(const Schema& schema, const Touched& touched) {
  SchemaObjects objects;
  for (const auto& name : touched.schemas) {
    if (schema.schemas.contains(name)) objects[key_of(ObjectKind::schema, name)] = create_schema_sql(name);
  }
  for (const auto& name : touched.extensions) {
    if (schema.extensions.contains(name)) objects[key_of(ObjectKind::extension, name)] = create_extension_sql(name);
  }
  std::set<QualifiedName> tables = touched.tables;
  for (const auto& name : touched.types) {
    if (const auto type = schema.enums.find(name); type != schema.enums.end()) objects[key_of(ObjectKind::type, name)] = create_enum_sql(type->second);
    for (const auto& [table_name, table] : schema.tables) {
      for (const auto& column : table.columns) {
        if (column.type.user_defined && column.type.name == name) tables.insert(table_name);
      }
    }
  }
  for (const auto& name : touched.sequences) {
    if (const auto sequence = schema.sequences.find(name); sequence != schema.sequences.end()) {
      objects[key_of(ObjectKind::sequence, name)] = create_sequence_sql(sequence->second);
    }
  }
  for (const auto& name : touched.indexes) {
    if (const auto index = schema.indexes.find(name); index != schema.indexes.end()) {
      objects[key_of(ObjectKind::index, name)] = create_index_sql(index->second);
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
    if (const auto table = schema.tables.find(name); table != schema.tables.end()) add_table_objects(schema, table->second, objects);
  }
  for (const auto& name : referencing) {
    for (const auto& constraint : schema.tables.at(name).constraints) {
      if (constraint.kind == ConstraintKind::foreign_key) objects[foreign_key_of(name, constraint)] = add_constraint_sql(name, constraint);
    }
  }
  return objects;
}

std::string schema_sql(const Schema& schema) {
  std::string out;
  for (const auto& [_, sql] : schema_objects(schema)) out += sql + ";\n\n";
  if (out.ends_with("\n\n")) out.pop_back();
  return out;
}

}  // namespace migc
