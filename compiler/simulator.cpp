// Schema simulation and lowering, one statement kind at a time.
#include "compiler/simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "compiler/sql_text.hpp"

namespace migc {
namespace {

constexpr std::size_t max_identifier_bytes = 63;

struct BuiltinType {
  std::string_view spelling;
  std::string_view canonical;
  std::size_t max_modifiers;
  bool serial = false;  // PostgreSQL's shorthand for the type plus an owned sequence as default
};

constexpr std::array builtin_types = {
    BuiltinType{"integer", "integer", 0},          BuiltinType{"int", "integer", 0},
    BuiltinType{"int4", "integer", 0},             BuiltinType{"bigint", "bigint", 0},
    BuiltinType{"int8", "bigint", 0},              BuiltinType{"smallint", "smallint", 0},
    BuiltinType{"int2", "smallint", 0},            BuiltinType{"text", "text", 0},
    BuiltinType{"varchar", "character varying", 1}, BuiltinType{"character varying", "character varying", 1},
    BuiltinType{"char", "character", 1},           BuiltinType{"character", "character", 1},
    BuiltinType{"boolean", "boolean", 0},          BuiltinType{"bool", "boolean", 0},
    BuiltinType{"double precision", "double precision", 0}, BuiltinType{"float8", "double precision", 0},
    BuiltinType{"real", "real", 0},                BuiltinType{"float4", "real", 0},
    BuiltinType{"numeric", "numeric", 2},          BuiltinType{"decimal", "numeric", 2},
    BuiltinType{"date", "date", 0},                BuiltinType{"timestamp", "timestamp without time zone", 1},
    BuiltinType{"timestamp without time zone", "timestamp without time zone", 1},
    BuiltinType{"timestamp with time zone", "timestamp with time zone", 1},
    BuiltinType{"timestamptz", "timestamp with time zone", 1},
    BuiltinType{"time", "time without time zone", 1},
    BuiltinType{"time without time zone", "time without time zone", 1},
    BuiltinType{"time with time zone", "time with time zone", 1},
    BuiltinType{"timetz", "time with time zone", 1},
    BuiltinType{"interval", "interval", 1},        BuiltinType{"json", "json", 0},
    BuiltinType{"jsonb", "jsonb", 0},              BuiltinType{"uuid", "uuid", 0},
    BuiltinType{"bytea", "bytea", 0},
    // Network addresses, text search, bit strings, geometry, ranges and the rest of the core.
    BuiltinType{"inet", "inet", 0},                BuiltinType{"cidr", "cidr", 0},
    BuiltinType{"macaddr", "macaddr", 0},          BuiltinType{"macaddr8", "macaddr8", 0},
    BuiltinType{"tsvector", "tsvector", 0},        BuiltinType{"tsquery", "tsquery", 0},
    BuiltinType{"xml", "xml", 0},                  BuiltinType{"money", "money", 0},
    BuiltinType{"oid", "oid", 0},                  BuiltinType{"jsonpath", "jsonpath", 0},
    BuiltinType{"bit", "bit", 1},                  BuiltinType{"bit varying", "bit varying", 1},
    BuiltinType{"varbit", "bit varying", 1},
    BuiltinType{"point", "point", 0},              BuiltinType{"line", "line", 0},
    BuiltinType{"lseg", "lseg", 0},                BuiltinType{"box", "box", 0},
    BuiltinType{"path", "path", 0},                BuiltinType{"polygon", "polygon", 0},
    BuiltinType{"circle", "circle", 0},
    BuiltinType{"int4range", "int4range", 0},      BuiltinType{"int8range", "int8range", 0},
    BuiltinType{"numrange", "numrange", 0},        BuiltinType{"daterange", "daterange", 0},
    BuiltinType{"tsrange", "tsrange", 0},          BuiltinType{"tstzrange", "tstzrange", 0},
    BuiltinType{"serial", "integer", 0, true},     BuiltinType{"serial4", "integer", 0, true},
    BuiltinType{"bigserial", "bigint", 0, true},   BuiltinType{"serial8", "bigint", 0, true},
    BuiltinType{"smallserial", "smallint", 0, true}, BuiltinType{"serial2", "smallint", 0, true},
};

const BuiltinType* find_builtin(const QualifiedName& name) {
  if (!name.schema.empty()) return nullptr;
  const auto builtin = std::find_if(builtin_types.begin(), builtin_types.end(),
                                    [&](const BuiltinType& t) { return t.spelling == name.name; });
  return builtin == builtin_types.end() ? nullptr : &*builtin;
}

bool is_serial(const ast::TypeRef& type) {
  const BuiltinType* builtin = find_builtin(type.name);
  return builtin != nullptr && builtin->serial;
}

// Raw SQL as written, without the blank lines and indentation around it in the dollar quotes.
std::string trimmed(const std::string& sql) {
  const auto begin = sql.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return sql.substr(begin, sql.find_last_not_of(" \t\r\n") - begin + 1);
}

// The names of a map's objects as messages show them: the candidates of a "did you mean".
std::vector<std::string> names_of(const auto& map) {
  std::vector<std::string> names;
  for (const auto& [key, _] : map) {
    if constexpr (std::is_same_v<std::decay_t<decltype(key)>, QualifiedName>) {
      names.push_back(to_string(key));
    } else {
      names.push_back(key);
    }
  }
  return names;
}

// The first words of each SQL statement in `sql`, lower-cased, past strings, quoted names,
// comments and dollar quotes: "create unique index", "alter table", ...
std::vector<std::vector<std::string>> statement_openings(std::string_view sql, std::size_t words = 3) {
  std::vector<std::vector<std::string>> openings(1);
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == ';') {
      openings.emplace_back();
      ++i;
    } else if (c == '\'' || c == '"') {
      const auto close = sql.find(c, i + 1);
      i = close == std::string_view::npos ? sql.size() : close + 1;
    } else if (sql.substr(i, 2) == "--") {
      const auto end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      const auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '$' && i + 1 < sql.size() && (sql[i + 1] == '$' || std::isalpha(static_cast<unsigned char>(sql[i + 1])))) {
      const auto tag_end = sql.find('$', i + 1);
      if (tag_end == std::string_view::npos) break;
      const std::string_view tag = sql.substr(i, tag_end - i + 1);
      const auto close = sql.find(tag, tag_end + 1);
      i = close == std::string_view::npos ? sql.size() : close + tag.size();
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
      if (openings.back().size() < words) {
        std::string word(sql.substr(i, end - i));
        std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
        openings.back().push_back(std::move(word));
      }
      i = end;
    } else {
      if (!std::isspace(static_cast<unsigned char>(c)) && !openings.back().empty() && openings.back().size() < words) {
        openings.back().resize(words, "");  // a statement's opening words are over at the first symbol
      }
      ++i;
    }
  }
  return openings;
}

// Raw SQL that changes an object the compiler models, which its simulation cannot see. Views,
// functions, triggers and the like are not modelled: `execute` is their proper place.
std::string modelled_ddl(std::string_view sql) {
  static const std::set<std::string_view> objects = {"table", "index", "type", "sequence", "schema", "extension"};
  for (const auto& words : statement_openings(sql)) {
    if (words.size() < 2) continue;
    const std::string& verb = words[0];
    if (verb == "create" && words[1] == "unique" && words.size() > 2 && words[2] == "index") return "create unique index";
    if ((verb == "create" || verb == "alter" || verb == "drop") && objects.contains(words[1])) return verb + " " + words[1];
    if (verb == "comment" && words[1] == "on" && words.size() > 2 && (words[2] == "table" || words[2] == "column")) {
      return "comment on " + words[2];
    }
  }
  return "";
}

// One revision being simulated: the visitor over its statements.
class RevisionSimulation {
 public:
  // A hand-written down is simulated as a revision of its own: its statements' ups are the
  // revision's down, and take no downs themselves. A model file declares a schema that nothing
  // deploys: what would fail or hurt at deploy time is not its concern.
  enum class Role { revision, hand_written_down, model };

  RevisionSimulation(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                     Diagnostics& diagnostics, Role role = Role::revision)
      : revision_(revision), schema_(schema), sites_(sites), diagnostics_(diagnostics), role_(role) {}

  LoweredRevision run() {
    if (revision_.syntax->down) return run_with_hand_written_down();
    return run_statements();
  }

 private:
  LoweredRevision run_statements() {
    check_concurrently_alone();
    std::vector<std::vector<LoweredStep>> downs;
    const auto& statements = revision_.syntax->statements;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      line_ = std::visit([&](const auto& node) { return line_of(node.span); }, statements[i]);
      allowed_ = i < revision_.syntax->allowed.size() ? &revision_.syntax->allowed[i] : nullptr;
      check_allowances();
      down_.clear();
      std::visit(*this, statements[i]);
      downs.push_back(std::move(down_));
    }
    // The revision's down undoes its statements last to first.
    for (auto it = downs.rbegin(); it != downs.rend(); ++it) {
      for (auto& step : *it) lowered_.down.push_back(std::move(step));
    }
    return std::move(lowered_);
  }

  // Simulates the up, then the down on a copy of the schema the up left, and requires the
  // objects either touches to be back as they were (column order aside: PostgreSQL cannot put a
  // column back where it was, and no catalog comparison of ours looks at it).
  LoweredRevision run_with_hand_written_down() {
    const ast::DownBlock& block = *revision_.syntax->down;
    const Touched touched = touched_by(*revision_.syntax, schema_);
    const SchemaObjects before = comparable_objects(schema_, touched);
    const std::size_t errors_before = diagnostics_.error_count();
    LoweredRevision lowered = run_statements();
    lowered.down.clear();
    lowered.irreversible = false;

    ast::File down_syntax;
    down_syntax.header = revision_.syntax->header;
    down_syntax.statements = block.statements;
    down_syntax.allowed = block.allowed;
    const RevisionSource down_source{revision_.id, revision_.file, &down_syntax};
    Schema after_down = schema_;
    lowered.down = RevisionSimulation(down_source, after_down, sites_, diagnostics_, Role::hand_written_down).run().up;
    if (diagnostics_.error_count() != errors_before) return lowered;

    const SchemaObjects after = comparable_objects(after_down, touched);
    std::vector<std::string> differences;
    const auto indented = [](const std::string& sql) {
      std::string out = "    ";
      for (const char c : sql) out += c == '\n' ? std::string("\n    ") : std::string(1, c);
      return out;
    };
    for (const auto& [key, sql] : before) {
      const auto restored = after.find(key);
      if (restored == after.end()) {
        differences.push_back(fmt::format("it does not bring back {}:\n{}", key.description(), indented(sql)));
      } else if (restored->second != sql) {
        differences.push_back(fmt::format("it leaves {} as\n{}\nwhere the up started from\n{}", key.description(),
                                          indented(restored->second), indented(sql)));
      }
    }
    for (const auto& [key, sql] : after) {
      if (!before.contains(key)) differences.push_back(fmt::format("it leaves {} behind:\n{}", key.description(), indented(sql)));
    }
    if (differences.empty()) return lowered;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::DownDoesNotRestore, at(block.span), revision_.id);
    for (auto& difference : differences) diagnostic.notes.push_back({{}, std::move(difference)});
    return lowered;
  }

  static SchemaObjects comparable_objects(const Schema& schema, const Touched& touched) {
    SchemaObjects objects = schema_objects(schema, touched);
    for (const auto& name : touched.tables) {
      const auto table = schema.tables.find(name);
      if (table == schema.tables.end()) continue;
      Table sorted = table->second;
      std::sort(sorted.columns.begin(), sorted.columns.end(), [](const Column& a, const Column& b) { return a.name < b.name; });
      objects[ObjectKey{ObjectKind::table, name, {}}] = create_table_sql(sorted, false);
    }
    return objects;
  }

 public:
  void operator()(const ast::CreateTable& node) {
    if (!check_name(node.name) || !check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateTable)) return;
    if (const auto type = schema_.enums.find(node.name); type != schema_.enums.end()) {
      // Every table also defines a row type of its name, so a table cannot share an enum's name.
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(node.name.span), node.name, revision_.id);
      diagnostic.notes.push_back({type->second.origin.where, "the enum type is created here"});
      return;
    }
    Table table;
    table.name = node.name;
    table.origin = {revision_.id, at(node.name.span)};
    std::vector<PendingConstraint> pending;
    for (const auto& column : node.columns) {
      if (!add_column(table, column, pending)) return;
    }
    for (const auto& constraint : node.constraints) pending.push_back({&constraint, constraint.kind, {}});
    if (!add_constraints(table, pending)) return;
    for (auto& constraint : table.constraints) constraint.not_valid = false;  // as PostgreSQL: a new table is valid
    up(create_table_sql(table, true));
    down("DROP TABLE " + quote_qualified(table.name));
    created_here_.insert(table.name);
    schema_.put_table(std::move(table));
  }

  void operator()(const ast::DropTable& node) {
    const Table* table = find_table(node.name);
    if (table == nullptr) return;
    std::vector<std::pair<QualifiedName, Constraint>> referencing;
    for (const auto& name : schema_.referencing(table->name)) {
      for (const auto& constraint : schema_.tables.at(name).constraints) {
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name) {
          referencing.emplace_back(name, constraint);
        }
      }
    }
    if (!referencing.empty() && !node.cascade) {
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::StillReferenced, at(node.name.span), "table", table->name,
          fmt::format("foreign key `{}` on table `{}`", referencing[0].second.name, referencing[0].first));
      diagnostic.notes.push_back({{}, "drop that foreign key first, or write `drop table ... cascade`"});
      return;
    }
    if (existed_before(table->name)) lint(DiagnosticKind::DataLoss, node.name.span, "table", table->name, "rows", "table");
    up("DROP TABLE " + quote_qualified(table->name) + (node.cascade ? " CASCADE" : ""));
    down(create_table_sql(*table, true));
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(table->name))) {
      down(create_index_sql(schema_.indexes.at(name)));
      schema_.erase_index(name);
    }
    const QualifiedName dropped_table = table->name;
    for (const auto& [name, constraint] : referencing) {
      down(add_constraint_sql(name, constraint));
      Table other = schema_.tables.at(name);
      const std::string& dropped = constraint.name;  // a named copy: clang 14 lambdas cannot capture bindings
      std::erase_if(other.constraints, [&](const Constraint& c) { return c.name == dropped; });
      schema_.put_table(std::move(other));
    }
    schema_.erase_table(dropped_table);
  }

  void operator()(const ast::CreateIndex& node) {
    if (!check_name(node.name)) return;
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const QualifiedName key = beside(table->name, node.name.text);  // an index lives beside its table
    if (!check_new_relation(node.name.span, key, DiagnosticKind::DuplicateIndex)) return;
    Index index;
    index.name = key;
    index.table = table->name;
    index.unique = node.unique;
    index.origin = {revision_.id, at(node.name.span)};
    if (node.method) index.method = node.method->text;
    constexpr std::array methods = {"btree", "hash", "gist", "gin", "brin", "spgist"};
    if (std::find(methods.begin(), methods.end(), index.method) == methods.end()) {
      diagnostics_.report(DiagnosticKind::SyntaxError, at(node.method->span),
                          "index method (`btree`, `hash`, `gist`, `gin`, `brin` or `spgist`)",
                          "`" + index.method + "`");
      return;
    }
    for (const auto& element : node.elements) {
      IndexKey key;
      if (element.column) {
        if (!find_column(*table, *element.column)) return;
        key.column = element.column->text;
      } else {
        key.expression = text_of(*element.expression);
      }
      key.descending = element.descending;
      index.keys.push_back(std::move(key));
    }
    if (node.where) index.where_sql = text_of(*node.where);
    if (!node.concurrently && existed_before(table->name)) {
      lint(DiagnosticKind::LockingIndexBuild, node.name.span, index.name, table->name);
    }
    if (node.concurrently) {
      up_concurrently(create_index_sql(index, true), index.name, true);
      down_concurrently("DROP INDEX CONCURRENTLY " + quote_qualified(index.name), index.name, false);
    } else {
      up(create_index_sql(index, false));
      down("DROP INDEX " + quote_qualified(index.name));
    }
    schema_.put_index(std::move(index));
  }

  void operator()(const ast::DropIndex& node) {
    const auto index = schema_.indexes.find(node.name);
    if (index == schema_.indexes.end()) {
      report_unknown(DiagnosticKind::UnknownIndex, node.name, names_of(schema_.indexes), sites_.relations);
      return;
    }
    if (node.concurrently) {
      up_concurrently("DROP INDEX CONCURRENTLY " + quote_qualified(index->second.name), index->second.name, false);
      down_concurrently(create_index_sql(index->second, true), index->second.name, true);
    } else {
      up("DROP INDEX " + quote_qualified(index->second.name));
      down(create_index_sql(index->second, false));
    }
    schema_.erase_index(node.name);
  }

  void operator()(const ast::CreateEnum& node) {
    if (!check_name(node.name)) return;
    const QualifiedName& name = node.name;
    const Origin* existing = nullptr;
    if (const auto type = schema_.enums.find(name); type != schema_.enums.end()) existing = &type->second.origin;
    if (const auto table = schema_.tables.find(name); table != schema_.tables.end()) existing = &table->second.origin;
    if (existing != nullptr) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(node.name.span), name, revision_.id);
      diagnostic.notes.push_back({existing->where, fmt::format("first created here, by revision {}", existing->revision)});
      return;
    }
    EnumType type;
    type.name = name;
    type.origin = {revision_.id, at(node.name.span)};
    std::set<std::string> seen;
    for (const auto& value : node.values) {
      if (!seen.insert(value.value).second) {
        diagnostics_.report(DiagnosticKind::DuplicateEnumValue, at(value.span), value.value, name);
        return;
      }
      type.values.push_back(value.value);
    }
    up(create_enum_sql(type));
    down("DROP TYPE " + quote_qualified(name));
    schema_.enums.emplace(name, std::move(type));
  }

  void operator()(const ast::DropType& node) {
    const auto type = schema_.enums.find(node.name);
    if (type == schema_.enums.end()) {
      report_unknown(DiagnosticKind::UnknownType, node.name, names_of(schema_.enums), sites_.types);
      return;
    }
    std::vector<std::pair<QualifiedName, std::string>> users;  // (table, column) of the type
    for (const auto& [table_name, table] : schema_.tables) {
      for (const auto& column : table.columns) {
        if (column.type.user_defined && column.type.name == type->first) users.emplace_back(table_name, column.name);
      }
    }
    if (!users.empty() && !node.cascade) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "type", type->first,
                                             fmt::format("column `{}.{}`", users[0].first, users[0].second));
      diagnostic.notes.push_back({{}, "drop or change that column first, or write `drop type ... cascade`"});
      return;
    }
    // cascade: PostgreSQL drops the columns of the type; so does this, one by one, each with
    // its own way back (its constraints and indexes restored), which must follow the type's.
    const EnumType dropped = type->second;
    for (const auto& [table_name, column_name] : users) {
      ast::DropColumn drop;
      drop.span = node.span;
      static_cast<QualifiedName&>(drop.table) = table_name;
      drop.table.span = node.name.span;
      drop.column.text = column_name;
      drop.column.span = node.name.span;
      (*this)(drop);
    }
    up("DROP TYPE " + quote_qualified(dropped.name));
    down_.insert(down_.begin(), {create_enum_sql(dropped), line_, true, {}, false});
    schema_.enums.erase(dropped.name);
  }

  void operator()(const ast::AddColumn& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    Table table = *found;
    std::vector<PendingConstraint> pending;
    if (!add_column(table, node.column, pending) || !add_constraints(table, pending)) return;
    const Column& added = table.columns.back();
    const bool fills_itself = added.default_sql || added.owned_sequence;
    if (added.not_null && !fills_itself && may_have_rows(table) &&
        !allowed_or_report(DiagnosticKind::NotNullWithoutDefault, node.column.name.span, added.name, table)) {
      return;
    }
    // Added nullable without a default: every row the table has holds NULL until something fills it.
    if (!added.not_null && !fills_itself && may_have_rows(table)) unfilled_.insert({table.name, added.name});
    std::string sql = fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_qualified(table.name), column_sql(table.columns.back()));
    for (std::size_t i = found->constraints.size(); i < table.constraints.size(); ++i) {
      sql += ", ADD " + constraint_sql(table.constraints[i]);
    }
    up(sql);
    down(fmt::format("ALTER TABLE {} DROP COLUMN {}", quote_qualified(table.name), quote_identifier(node.column.name.text)));
    schema_.put_table(std::move(table));
  }

  void operator()(const ast::DropColumn& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr || !find_column(*found, node.column)) return;
    const std::string& column = node.column.text;
    for (const auto& name : schema_.referencing(found->name)) {
      for (const auto& constraint : schema_.tables.at(name).constraints) {
        const auto& referenced = constraint.referenced_columns;
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == found->name &&
            std::find(referenced.begin(), referenced.end(), column) != referenced.end()) {
          diagnostics_.report(DiagnosticKind::StillReferenced, at(node.column.span), "column", column,
                              fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
          return;
        }
      }
    }
    if (existed_before(found->name)) {
      lint(DiagnosticKind::DataLoss, node.column.span, "column", fmt::format("{}.{}", found->name, column), "values", "column");
    }
    // PostgreSQL drops the column's own constraints and indexes with it; the down restores them.
    Table table = *found;
    const auto uses_column = [&](const std::vector<std::string>& columns) {
      return std::find(columns.begin(), columns.end(), column) != columns.end();
    };
    const Column dropped = *table.find_column(column);
    std::erase_if(table.columns, [&](const Column& c) { return c.name == column; });
    const auto constraint_uses_column = [&](const Constraint& c) {
      return uses_column(c.columns) || (!c.check_sql.empty() && mentions_identifier(c.check_sql, column));
    };
    // A serial column whose sequence does not fit the shorthand comes back with that sequence.
    const ColumnSql parts = column_parts(table.name, dropped);
    std::string restore = parts.before + fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_qualified(table.name), parts.definition);
    for (const auto& constraint : found->constraints) {
      if (constraint_uses_column(constraint)) restore += ", ADD " + constraint_sql(constraint);
    }
    restore += parts.after;
    std::erase_if(table.constraints, constraint_uses_column);
    up(fmt::format("ALTER TABLE {} DROP COLUMN {}", quote_qualified(table.name), quote_identifier(column)));
    down(restore);
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(table.name))) {
      if (!schema_.indexes.at(name).uses_column(column)) continue;
      down(create_index_sql(schema_.indexes.at(name)));
      schema_.erase_index(name);
    }
    schema_.put_table(std::move(table));
  }

  void operator()(const ast::RenameTable& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    // RENAME TO takes a bare name: the table stays in its schema.
    const QualifiedName new_name = beside(found->name, node.new_name.text);
    if (!check_name(node.new_name) || !check_new_relation(node.new_name.span, new_name, DiagnosticKind::DuplicateTable)) return;
    const QualifiedName old_name = found->name;
    if (existed_before(old_name)) lint(DiagnosticKind::RenameInUse, node.table.span, "table", old_name);
    if (const auto type = schema_.enums.find(new_name); type != schema_.enums.end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(node.new_name.span), new_name, revision_.id);
      diagnostic.notes.push_back({type->second.origin.where, "the enum type is created here"});
      return;
    }
    Table table = *found;
    table.name = new_name;
    const std::set<QualifiedName> referencing = schema_.referencing(old_name);
    schema_.erase_table(old_name);
    // Constraint, index and sequence names stay what they were, as in PostgreSQL.
    for (const auto& name : referencing) {
      Table other = schema_.tables.at(name);
      for (auto& constraint : other.constraints) {
        if (constraint.referenced_table == old_name) constraint.referenced_table = new_name;
      }
      schema_.put_table(std::move(other));
    }
    for (auto& constraint : table.constraints) {
      if (constraint.referenced_table == old_name) constraint.referenced_table = new_name;
    }
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(old_name))) {
      Index index = schema_.indexes.at(name);
      index.table = new_name;
      schema_.put_index(std::move(index));
    }
    schema_.put_table(std::move(table));
    up(fmt::format("ALTER TABLE {} RENAME TO {}", quote_qualified(old_name), quote_identifier(new_name.name)));
    down(fmt::format("ALTER TABLE {} RENAME TO {}", quote_qualified(new_name), quote_identifier(old_name.name)));
  }

  void operator()(const ast::RenameColumn& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr || !find_column(*table, node.column) || !check_name(node.new_name)) return;
    const std::string& from = node.column.text;
    const std::string& to = node.new_name.text;
    if (table->find_column(to) != nullptr) {
      diagnostics_.report(DiagnosticKind::DuplicateColumn, at(node.new_name.span), to, table->name);
      return;
    }
    // Expressions are kept as text, so a column they name cannot be renamed under them.
    if (!check_not_in_expressions(*table, from, node.column.span, "drop or recreate")) return;
    if (existed_before(table->name)) lint(DiagnosticKind::RenameInUse, node.column.span, "column", fmt::format("{}.{}", table->name, from));
    const auto rename = [&](std::vector<std::string>& names) { std::replace(names.begin(), names.end(), from, to); };
    for (auto& column : table->columns) {
      if (column.name == from) column.name = to;
    }
    for (auto& constraint : table->constraints) rename(constraint.columns);
    for (auto& [_, other] : schema_.tables) {
      for (auto& constraint : other.constraints) {
        if (constraint.referenced_table == table->name) rename(constraint.referenced_columns);
      }
    }
    for (const QualifiedName& name : schema_.indexes_of(table->name)) {
      for (auto& key : schema_.indexes.at(name).keys) {
        if (key.column == from) key.column = to;
      }
    }
    up(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", quote_qualified(table->name), quote_identifier(from), quote_identifier(to)));
    down(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", quote_qualified(table->name), quote_identifier(to), quote_identifier(from)));
  }

  void operator()(const ast::AlterColumnType& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    Column* column = find_mutable_column(*table, node.column);
    if (column == nullptr) return;
    auto type = resolve_type(node.type);
    if (!type) return;
    if (column->owned_sequence && (type->array_dimensions > 0 || (!type->is("smallint") && !type->is("integer") && !type->is("bigint")))) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.type.span),
                          fmt::format("column `{}` takes its values from a sequence: its type can be smallint, integer or bigint, not {}",
                                      column->name, type->sql()));
      return;
    }
    if (existed_before(table->name) && rewrites_table(column->type, *type)) {
      lint(DiagnosticKind::TableRewrite, node.type.span, table->name, column->name, column->type.sql(), type->sql());
    }
    const std::string table_sql = quote_qualified(table->name);
    const std::string column_name = quote_identifier(column->name);
    std::string sql = fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {}", table_sql, column_name, type->sql());
    if (node.using_expression) sql += " USING " + text_of(*node.using_expression);
    up(sql);
    // Back through an explicit cast, which exists wherever the way up had one.
    down(fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}", table_sql, column_name, column->type.sql(),
                     column_name, column->type.sql()));
    column->type = std::move(*type);
    // As PostgreSQL does: an identity's sequence follows its column; a serial's keeps its type.
    if (column->identity != Identity::none) column->owned_sequence_type = column->type.name.name;
  }

  void operator()(const ast::SetNotNull& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    Column* column = find_mutable_column(*table, node.column);
    if (column == nullptr) return;
    const Constraint* key = table->primary_key();
    if (!node.not_null && key != nullptr &&
        std::find(key->columns.begin(), key->columns.end(), column->name) != key->columns.end()) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.column.span),
                          fmt::format("column `{}` is in the primary key of `{}`, which keeps it not null", column->name, table->name));
      return;
    }
    if (node.not_null && unfilled_.contains({table->name, column->name}) &&
        !allowed_or_report(DiagnosticKind::NotNullWithoutDefault, node.column.span, column->name, *table)) {
      return;
    }
    if (node.not_null && !column->not_null && existed_before(table->name) && !has_not_null_check(*table, column->name)) {
      lint(DiagnosticKind::NotNullWithoutCheck, node.column.span, table->name, column->name);
    }
    const std::string prefix = fmt::format("ALTER TABLE {} ALTER COLUMN {} ", quote_qualified(table->name), quote_identifier(column->name));
    up(prefix + (node.not_null ? "SET NOT NULL" : "DROP NOT NULL"));
    // Setting what already holds changes nothing, and its down must change nothing either.
    if (column->not_null != node.not_null) down(prefix + (node.not_null ? "DROP NOT NULL" : "SET NOT NULL"));
    column->not_null = node.not_null;
  }

  void operator()(const ast::SetDefault& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    Column* column = find_mutable_column(*table, node.column);
    if (column == nullptr) return;
    if (column->owned_sequence) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.column.span),
                          fmt::format("column `{}` is a serial column: its default is its sequence", column->name));
      return;
    }
    const std::string prefix = fmt::format("ALTER TABLE {} ALTER COLUMN {} ", quote_qualified(table->name), quote_identifier(column->name));
    std::optional<std::string> value;
    if (node.value) value = text_of(*node.value);
    up(prefix + (value ? "SET DEFAULT " + *value : "DROP DEFAULT"));
    down(prefix + (column->default_sql ? "SET DEFAULT " + *column->default_sql : "DROP DEFAULT"));
    column->default_sql = value;
  }

  void operator()(const ast::AddConstraint& node) {
    Table* found = find_mutable_table(node.table);
    if (found == nullptr) return;
    Table table = *found;
    if (!add_constraints(table, {{&node.constraint, node.constraint.kind, nullptr}})) return;
    const Constraint& added = table.constraints.back();
    if ((added.kind == ConstraintKind::foreign_key || added.kind == ConstraintKind::check) && !added.not_valid &&
        existed_before(table.name)) {
      lint(DiagnosticKind::ConstraintWithoutNotValid, node.constraint.span,
           added.kind == ConstraintKind::check ? "check constraint" : "foreign key", added.name, table.name);
    }
    up(add_constraint_sql(table.name, added));
    down(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", quote_qualified(table.name), quote_identifier(added.name)));
    schema_.put_table(std::move(table));
  }

  void operator()(const ast::DropConstraint& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    const auto it = std::find_if(table->constraints.begin(), table->constraints.end(),
                                 [&](const Constraint& c) { return c.name == node.name.text; });
    if (it == table->constraints.end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownConstraint, at(node.name.span), node.name.text, table->name, revision_.id);
      std::vector<std::string> names;
      for (const auto& constraint : table->constraints) names.push_back(constraint.name);
      if (const std::string guess = closest_match(node.name.text, names); !guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      return;
    }
    if (it->kind == ConstraintKind::primary_key || it->kind == ConstraintKind::unique) {
      for (const auto& name : schema_.referencing(table->name)) {
        for (const auto& constraint : schema_.tables.at(name).constraints) {
          if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name &&
              same_columns(constraint.referenced_columns, it->columns)) {
            diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "constraint", it->name,
                                fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
            return;
          }
        }
      }
    }
    up(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", quote_qualified(table->name), quote_identifier(it->name)));
    down(add_constraint_sql(table->name, *it));
    Table changed = *table;
    changed.constraints.erase(changed.constraints.begin() + (it - table->constraints.begin()));
    schema_.put_table(std::move(changed));
  }

  void operator()(const ast::ValidateConstraint& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    const auto it = std::find_if(table->constraints.begin(), table->constraints.end(),
                                 [&](const Constraint& c) { return c.name == node.name.text; });
    if (it == table->constraints.end()) {
      diagnostics_.report(DiagnosticKind::UnknownConstraint, at(node.name.span), node.name.text, table->name, revision_.id);
      return;
    }
    const std::string table_sql = quote_qualified(table->name);
    up(fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", table_sql, quote_identifier(it->name)));
    if (!it->not_valid) return;  // validating a valid constraint changes nothing
    // No statement un-validates a constraint; putting it back unvalidated does.
    down(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table_sql, quote_identifier(it->name)));
    down(add_constraint_sql(table->name, *it));
    it->not_valid = false;
  }

  void operator()(const ast::AddEnumValue& node) {
    EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    auto& values = type->values;
    if (std::find(values.begin(), values.end(), node.value.value) != values.end()) {
      diagnostics_.report(DiagnosticKind::DuplicateEnumValue, at(node.value.span), node.value.value, type->name);
      return;
    }
    const ast::StringLiteral* anchor = node.before ? &*node.before : node.after ? &*node.after : nullptr;
    auto position = values.end();
    if (anchor != nullptr) {
      position = std::find(values.begin(), values.end(), anchor->value);
      if (position == values.end()) {
        diagnostics_.report(DiagnosticKind::UnknownEnumValue, at(anchor->span), type->name, anchor->value, revision_.id);
        return;
      }
      if (node.after) ++position;
    }
    std::string sql = fmt::format("ALTER TYPE {} ADD VALUE {}", quote_qualified(type->name), quote_literal(node.value.value));
    if (node.before) sql += " BEFORE " + quote_literal(node.before->value);
    if (node.after) sql += " AFTER " + quote_literal(node.after->value);
    up(sql);
    // PostgreSQL cannot remove an enum value; the way back rebuilds the type without it. It fails,
    // and changes nothing, while some row still holds the value.
    const EnumType before = *type;
    values.insert(position, node.value.value);
    for (const auto& step : rebuild_enum_sql(before)) down(step);
  }

  void operator()(const ast::RenameEnumValue& node) {
    EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    auto& values = type->values;
    const auto it = std::find(values.begin(), values.end(), node.value.value);
    if (it == values.end()) {
      diagnostics_.report(DiagnosticKind::UnknownEnumValue, at(node.value.span), type->name, node.value.value, revision_.id);
      return;
    }
    if (std::find(values.begin(), values.end(), node.new_value.value) != values.end()) {
      diagnostics_.report(DiagnosticKind::DuplicateEnumValue, at(node.new_value.span), node.new_value.value, type->name);
      return;
    }
    const std::string type_sql = quote_qualified(type->name);
    up(fmt::format("ALTER TYPE {} RENAME VALUE {} TO {}", type_sql, quote_literal(node.value.value), quote_literal(node.new_value.value)));
    down(fmt::format("ALTER TYPE {} RENAME VALUE {} TO {}", type_sql, quote_literal(node.new_value.value), quote_literal(node.value.value)));
    *it = node.new_value.value;
    // Defaults hold the value itself, so they follow the rename.
    for (auto& [_, table] : schema_.tables) {
      for (auto& column : table.columns) {
        if (column.type.user_defined && column.type.name == type->name && column.default_sql &&
            *column.default_sql == quote_literal(node.value.value)) {
          column.default_sql = quote_literal(node.new_value.value);
        }
      }
    }
  }

  void operator()(const ast::DropEnumValue& node) {
    EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::EnumValueRemoval, at(node.value.span), node.value.value, type->name);
    diagnostic.notes.push_back({{}, fmt::format("rewrite the type instead: create a new enum type without '{}', move each column "
                                                "to it with `alter table ... alter column ... type <new> using (<column>::text::<new>)`, "
                                                "then drop `{}` and rename the new type",
                                                node.value.value, type->name)});
  }

  void operator()(const ast::InsertRows& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    for (const auto& column : node.columns) {
      if (!find_column(*table, column)) return;
    }
    std::string values;
    for (const auto& row : node.rows) {
      if (row.size() != node.columns.size()) {
        diagnostics_.report(DiagnosticKind::InsertArity, at(row.empty() ? node.span : row.front().span), row.size(), node.columns.size());
        return;
      }
      std::string row_sql;
      for (const auto& value : row) row_sql += (row_sql.empty() ? "" : ", ") + text_of(value);
      values += (values.empty() ? "(" : ", (") + row_sql + ")";
    }
    std::vector<std::string> columns;
    for (const auto& column : node.columns) columns.push_back(column.text);
    up(fmt::format("INSERT INTO {} ({}) VALUES {}", quote_qualified(table->name), quote_identifiers(columns), values));
    own_down(node);
    table->has_rows = true;
  }

  void operator()(const ast::CreateSchema& node) {
    if (!check_name(node.name)) return;
    const std::string& name = node.name.text;
    if (name == "public" || schema_.schemas.contains(name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateSchema, at(node.name.span), name, revision_.id);
      if (const auto existing = schema_.schemas.find(name); existing != schema_.schemas.end()) {
        diagnostic.notes.push_back({existing->second.where, fmt::format("created here, by revision {}", existing->second.revision)});
      }
      return;
    }
    up("CREATE SCHEMA " + quote_identifier(name));
    down("DROP SCHEMA " + quote_identifier(name));
    schema_.schemas.emplace(name, Origin{revision_.id, at(node.name.span)});
  }

  void operator()(const ast::DropSchema& node) {
    const std::string& name = node.name.text;
    if (!schema_.schemas.contains(name)) {
      report_unknown(DiagnosticKind::UnknownSchema, node.name, names_of(schema_.schemas));
      return;
    }
    // Names order by schema first: the first at or after (name, "") is in the schema, if any is.
    const auto first_in = [&](const auto& map, std::string_view kind) -> std::string {
      const auto it = map.lower_bound(QualifiedName{name, ""});
      return it != map.end() && it->first.schema == name ? fmt::format("{} `{}`", kind, it->first) : "";
    };
    for (const std::string& object : {first_in(schema_.tables, "table"), first_in(schema_.enums, "type"),
                                      first_in(schema_.sequences, "sequence"), first_in(schema_.indexes, "index")}) {
      if (object.empty()) continue;
      diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "schema", name, object);
      return;
    }
    up("DROP SCHEMA " + quote_identifier(name));
    down("CREATE SCHEMA " + quote_identifier(name));
    schema_.schemas.erase(name);
  }

  void operator()(const ast::CreateExtension& node) {
    if (!check_name(node.name)) return;
    if (const auto existing = schema_.extensions.find(node.name.text); existing != schema_.extensions.end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateExtension, at(node.name.span), node.name.text, revision_.id);
      diagnostic.notes.push_back({existing->second.origin.where, fmt::format("installed here, by revision {}", existing->second.origin.revision)});
      return;
    }
    up("CREATE EXTENSION " + quote_identifier(node.name.text));
    down("DROP EXTENSION " + quote_identifier(node.name.text));
    schema_.extensions.emplace(node.name.text, Extension{node.name.text, {revision_.id, at(node.name.span)}});
  }

  void operator()(const ast::DropExtension& node) {
    const auto existing = schema_.extensions.find(node.name.text);
    if (existing == schema_.extensions.end()) {
      report_unknown(DiagnosticKind::UnknownExtension, node.name, names_of(schema_.extensions));
      return;
    }
    up("DROP EXTENSION " + quote_identifier(node.name.text));
    down("CREATE EXTENSION " + quote_identifier(node.name.text));
    schema_.extensions.erase(existing);
  }

  void operator()(const ast::CreateSequence& node) {
    if (!check_name(node.name) || !check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateSequence)) return;
    Sequence sequence{node.name, "bigint", node.increment.value_or(1), node.start.value_or(1), {revision_.id, at(node.name.span)}};
    if (node.type) {
      const auto type = resolve_type(*node.type);
      if (!type) return;
      if (!type->is("integer") && !type->is("bigint") && !type->is("smallint")) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(node.type->span), node.type->name,
                            "cannot back a sequence: use smallint, integer or bigint");
        return;
      }
      sequence.type = type->name.name;
    }
    up(create_sequence_sql(sequence));
    down("DROP SEQUENCE " + quote_qualified(sequence.name));
    schema_.sequences.emplace(sequence.name, std::move(sequence));
  }

  void operator()(const ast::DropSequence& node) {
    const auto sequence = schema_.sequences.find(node.name);
    if (sequence == schema_.sequences.end()) {
      report_unknown(DiagnosticKind::UnknownSequence, node.name, names_of(schema_.sequences), sites_.relations);
      return;
    }
    up("DROP SEQUENCE " + quote_qualified(sequence->first));
    down(create_sequence_sql(sequence->second));
    schema_.sequences.erase(sequence);
  }

  void operator()(const ast::Comment& node) {
    Table* table = find_mutable_table(node.table);
    if (table == nullptr) return;
    std::optional<std::string>* slot = &table->comment;
    const std::string* column_name = nullptr;
    if (node.column) {
      Column* column = find_mutable_column(*table, *node.column);
      if (column == nullptr) return;
      slot = &column->comment;
      column_name = &column->name;
    }
    std::optional<std::string> text;
    if (node.text) text = node.text->value;
    up(comment_sql(table->name, column_name, text));
    down(comment_sql(table->name, column_name, *slot));
    *slot = text;
  }

  void operator()(const ast::ExecuteSql& node) {
    if (const std::string ddl = modelled_ddl(node.up.value); !ddl.empty()) lint(DiagnosticKind::OpaqueSchemaChange, node.up.span, ddl);
    // Raw SQL is not read, but SQL that names a column just added empty is taken to fill it.
    std::erase_if(unfilled_, [&](const auto& added) { return mentions_identifier(node.up.value, added.second); });
    up(trimmed(node.up.value));
    own_down(node);
  }

 private:
  struct PendingConstraint {
    const ast::TableConstraint* syntax = nullptr;  // null for a column's own constraint
    ConstraintKind kind;
    const ast::ColumnDefinition* column = nullptr;
  };

  // A data step's own `down $$...$$` or `irreversible`: what the revision's down runs for it,
  // unless a `down { }` block says the whole down, or the step is part of one.
  template <typename DataStep>
  void own_down(const DataStep& node) {
    const bool has_own = node.down || node.irreversible;
    if (role_ == Role::hand_written_down && has_own) {
      diagnostics_.report(DiagnosticKind::ConflictingDown, at(node.down ? node.down->span : node.span),
                          "a statement of a `down { }` block is itself a down: it takes no `down` or `irreversible`");
    } else if (revision_.syntax->down && has_own) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ConflictingDown, at(node.down ? node.down->span : node.span),
                                             "this step's own down would never run: the revision's `down { }` block replaces it");
      diagnostic.notes.push_back({at(revision_.syntax->down->span), "the revision's down is written here"});
    } else if (node.down) {
      down(trimmed(node.down->value));
    } else if (node.irreversible) {
      lowered_.irreversible = true;
    } else if (role_ == Role::revision && !revision_.syntax->down) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::MissingDown, at(node.span));
      diagnostic.notes.push_back({{}, "give it `down $$ ... $$`, mark it `irreversible`, or write the revision's down in a `down { }` block"});
    }
  }

  // A step outside any transaction cannot share its revision: a failure after it would leave
  // the revision half applied.
  void check_concurrently_alone() {
    const auto& statements = revision_.syntax->statements;
    if (statements.size() < 2) return;
    for (const auto& statement : statements) {
      Span span;
      bool concurrently = false;
      if (const auto* create = std::get_if<ast::CreateIndex>(&statement)) {
        concurrently = create->concurrently;
        span = create->name.span;
      } else if (const auto* drop = std::get_if<ast::DropIndex>(&statement)) {
        concurrently = drop->concurrently;
        span = drop->name.span;
      }
      if (concurrently) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::ConcurrentlyNotAlone, at(span));
        diagnostic.notes.push_back({{}, "move it into a revision of its own"});
        return;
      }
    }
  }

  void check_allowances() {
    if (allowed_ == nullptr) return;
    for (const auto& name : *allowed_) {
      const DiagnosticKind* kind = find_kind(name.text);
      if (kind == nullptr || !allowable(*kind)) {
        const std::string written(revision_.file->slice(name.span));
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownLint, at(name.span), written);
        std::vector<std::string> lints;
        for (const DiagnosticKind candidate : all_diagnostic_kinds()) {
          if (allowable(candidate)) lints.emplace_back(kind_name(candidate));
        }
        if (const std::string guess = closest_match(written, lints); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
      }
    }
  }

  // Reports a lint unless the statement carries `@allow(<kind>)`.
  static std::string_view safer_way(DiagnosticKind kind) {
    switch (kind) {
      case DiagnosticKind::LockingIndexBuild: return "build it with `create index concurrently`, alone in its revision";
      case DiagnosticKind::ConstraintWithoutNotValid:
        return "add it `not valid`, and `validate constraint` it in a later revision: that scan blocks no writes";
      case DiagnosticKind::TableRewrite: return "add a new column, fill it in batches, then switch to it";
      case DiagnosticKind::NotNullWithoutCheck:
        return "first add `check (<column> is not null) not valid` and validate it: then setting not null needs no scan";
      case DiagnosticKind::RenameInUse: return "add the new name beside the old one, move the code over, then drop the old name";
      case DiagnosticKind::DataLoss:
        return "stop using it in one release and drop it in a later one, copying the data aside first if it may be wanted back";
      case DiagnosticKind::OpaqueSchemaChange:
        return "write it as a statement of the language, which the compiler checks, tracks and inverts";
      default: return "";
    }
  }

  template <typename... Args>
  void lint(DiagnosticKind kind, Span span, const Args&... args) {
    // Like derived downs, a hand-written one undoes a change that was itself checked.
    if (role_ == Role::hand_written_down || role_ == Role::model || is_allowed(kind)) return;
    auto& diagnostic = diagnostics_.report(kind, at(span), args...);
    diagnostic.notes.push_back({{}, std::string(safer_way(kind))});
    diagnostic.notes.push_back({{}, fmt::format("or, where that is acceptable, put `@allow({})` before the statement", kind_name(kind))});
  }

  bool is_allowed(DiagnosticKind kind) const {
    if (allowed_ == nullptr) return false;
    return std::any_of(allowed_->begin(), allowed_->end(), [&](const ast::Name& name) {
      const DiagnosticKind* allowed = find_kind(name.text);
      return allowed != nullptr && *allowed == kind;
    });
  }

  // A not null column without a value in rows the table may have: PostgreSQL refuses it. Reports
  // NotNullWithoutDefault and returns false, unless `@allow` says the table is empty wherever
  // the revision runs.
  bool allowed_or_report(DiagnosticKind kind, Span span, const std::string& column, const Table& table) {
    if (role_ == Role::model || is_allowed(kind)) return true;
    const std::string why = table.has_rows ? std::string("already has rows")
                                           : fmt::format("may have rows: revision {} created it", table.origin.revision);
    auto& diagnostic = diagnostics_.report(kind, at(span), column, table.name, why);
    if (unfilled_.contains({table.name, column})) {
      diagnostic.notes.push_back({{}, fmt::format("this revision added it without a default, so each of those rows holds NULL: "
                                                  "fill it first, with `execute $$ update {} set {} = ... $$` in between",
                                                  quote_qualified(table.name), quote_identifier(column))});
    } else {
      diagnostic.notes.push_back({{}, "PostgreSQL refuses that on a table with rows: add it with a default; or nullable, "
                                      "then fill it, then `alter column ... set not null`"});
    }
    diagnostic.notes.push_back({{}, fmt::format("or, if `{}` is empty wherever this runs, put `@allow({})` before the statement",
                                                table.name, kind_name(kind))});
    return false;
  }

  // Whether a table may hold rows when this statement runs: the chain inserted some, or an
  // earlier revision created it and it has lived in production since.
  bool may_have_rows(const Table& table) const { return table.has_rows || existed_before(table.name); }

  // Lints are about tables that may already hold data and traffic: those of earlier revisions.
  bool existed_before(const QualifiedName& table) const { return !created_here_.contains(table); }

  Location at(Span span) const { return {revision_.file, span}; }
  std::uint32_t line_of(Span span) const { return revision_.file->line_column(span.begin).line; }
  std::string text_of(const ast::Expression& expression) const { return std::string(revision_.file->slice(expression.span)); }
  void up(std::string sql, bool transactional = true) { lowered_.up.push_back({std::move(sql), line_, transactional, {}, false}); }
  void down(std::string sql, bool transactional = true) { down_.push_back({std::move(sql), line_, transactional, {}, false}); }
  void up_concurrently(std::string sql, const QualifiedName& index, bool creates) {
    lowered_.up.push_back({std::move(sql), line_, false, quote_qualified(index), creates});
  }
  void down_concurrently(std::string sql, const QualifiedName& index, bool creates) {
    down_.push_back({std::move(sql), line_, false, quote_qualified(index), creates});
  }

  // Whether PostgreSQL must rewrite every row: anything but widening a length or precision, or
  // dropping a varchar's limit, rewrites.
  static bool rewrites_table(const ColumnType& from, const ColumnType& to) {
    if (from.array_dimensions != to.array_dimensions) return true;
    if (from.is("character varying") && to.is("text")) return false;
    if (from.name != to.name || from.user_defined != to.user_defined) return true;
    if (to.modifiers.empty()) return from.is("numeric") && !from.modifiers.empty();
    if (from.modifiers.empty()) return true;
    if (from.is("numeric")) {
      const auto scale = [](const ColumnType& t) { return t.modifiers.size() > 1 ? t.modifiers[1] : 0; };
      return scale(from) != scale(to) || to.modifiers[0] < from.modifiers[0];
    }
    return to.modifiers[0] < from.modifiers[0] || from.name.name.starts_with("time");
  }

  // A validated `check (c is not null)` lets PostgreSQL skip the scan when setting not null.
  static bool has_not_null_check(const Table& table, const std::string& column) {
    for (const auto& constraint : table.constraints) {
      if (constraint.kind != ConstraintKind::check || constraint.not_valid) continue;
      std::string text;
      for (char c : constraint.check_sql) {
        if (c == '(' || c == ')' || c == '"') continue;
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!text.empty() && text.back() != ' ') text += ' ';
          continue;
        }
        text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      if (text == column + " is not null") return true;
    }
    return false;
  }

  static bool same_columns(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  }

  Table* find_mutable_table(const ast::ObjectName& name) {
    const Table* table = find_table(name);
    return table == nullptr ? nullptr : &schema_.tables.at(table->name);
  }

  Column* find_mutable_column(Table& table, const ast::Name& name) {
    if (find_column(table, name) == nullptr) return nullptr;
    return &*std::find_if(table.columns.begin(), table.columns.end(), [&](const Column& c) { return c.name == name.text; });
  }

  EnumType* find_enum(const ast::ObjectName& name) {
    const auto type = schema_.enums.find(name);
    if (type != schema_.enums.end()) return &type->second;
    report_unknown(DiagnosticKind::UnknownType, name, names_of(schema_.enums), sites_.types);
    return nullptr;
  }

  // Reports ExpressionUsesColumn when a check constraint or index expression names the column.
  bool check_not_in_expressions(const Table& table, const std::string& column, Span span, std::string_view fix) {
    for (const auto& constraint : table.constraints) {
      if (!constraint.check_sql.empty() && mentions_identifier(constraint.check_sql, column)) {
        diagnostics_.report(DiagnosticKind::ExpressionUsesColumn, at(span), column,
                            fmt::format("check constraint `{}`", constraint.name), fix);
        return false;
      }
    }
    for (const auto& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes.at(name);
      const bool in_expression = std::any_of(index.keys.begin(), index.keys.end(), [&](const IndexKey& key) {
        return !key.expression.empty() && mentions_identifier(key.expression, column);
      });
      if (in_expression || (!index.where_sql.empty() && mentions_identifier(index.where_sql, column))) {
        diagnostics_.report(DiagnosticKind::ExpressionUsesColumn, at(span), column, fmt::format("index `{}`", name), fix);
        return false;
      }
    }
    return true;
  }

  // The way back from adding an enum value: the type rebuilt as it was, every column moved to it.
  std::vector<std::string> rebuild_enum_sql(const EnumType& type) {
    const std::string old_bare = type.name.name + "__migc_old";
    const std::string old_name = quote_qualified(beside(type.name, old_bare));
    std::vector<std::string> sql{fmt::format("ALTER TYPE {} RENAME TO {}", quote_qualified(type.name), quote_identifier(old_bare)),
                                 create_enum_sql(type)};
    for (const auto& [table_name, table] : schema_.tables) {
      for (const auto& column : table.columns) {
        if (!column.type.user_defined || column.type.name != type.name) continue;
        const std::string prefix = fmt::format("ALTER TABLE {} ALTER COLUMN {} ", quote_qualified(table_name), quote_identifier(column.name));
        if (column.default_sql) sql.push_back(prefix + "DROP DEFAULT");
        sql.push_back(prefix + fmt::format("TYPE {} USING {}::text::{}", column.type.sql(), quote_identifier(column.name), column.type.sql()));
        if (column.default_sql) sql.push_back(prefix + "SET DEFAULT " + *column.default_sql);
      }
    }
    sql.push_back("DROP TYPE " + old_name);
    return sql;
  }

  bool check_name(const ast::Name& name) { return check_length(name.text, name.span); }

  bool check_name(const ast::ObjectName& name) {
    if (!check_length(name.schema, name.span) || !check_length(name.name, name.span)) return false;
    if (!name.schema.empty() && !schema_.schemas.contains(name.schema)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownSchema, at(name.span), name.schema, revision_.id);
      diagnostic.notes.push_back({{}, fmt::format("create it first: `create schema {};`", quote_identifier(name.schema))});
      return false;
    }
    return true;
  }

  bool check_length(const std::string& identifier, Span span) {
    if (identifier.size() <= max_identifier_bytes) return true;
    diagnostics_.report(DiagnosticKind::IdentifierTooLong, at(span), identifier, identifier.size());
    return false;
  }

  // `name`: the relation as it will be stored, written at `span` (an index is named bare, and
  // lives in its table's schema).
  bool check_new_relation(Span span, const QualifiedName& name, DiagnosticKind kind) {
    const char* existing = schema_.relation_kind(name);
    if (existing == nullptr) return true;
    auto& diagnostic = diagnostics_.report(kind, at(span), existing, name, revision_.id);
    const Origin* origin = nullptr;
    if (const auto t = schema_.tables.find(name); t != schema_.tables.end()) origin = &t->second.origin;
    if (const auto i = schema_.indexes.find(name); i != schema_.indexes.end()) origin = &i->second.origin;
    if (origin != nullptr) {
      diagnostic.notes.push_back({origin->where, fmt::format("first created here, by revision {}", origin->revision)});
    }
    for (const auto& [table_name, table] : schema_.tables) {
      for (const auto& constraint : table.constraints) {
        const bool has_index = constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique;
        if (has_index && beside(table_name, constraint.name) == name) {
          diagnostic.notes.push_back({table.origin.where, fmt::format("it is the index of a {} constraint of table `{}`",
                                                                      constraint.kind == ConstraintKind::primary_key ? "primary key" : "unique",
                                                                      table_name)});
        }
      }
    }
    return false;
  }

  // `site`: where the object is created elsewhere in the chain, if it is.
  void report_unknown(DiagnosticKind kind, Span span, const std::string& shown, const std::vector<std::string>& candidates,
                      const Origin* site) {
    auto& diagnostic = diagnostics_.report(kind, at(span), shown, revision_.id);
    if (site != nullptr) {
      diagnostic.notes.push_back({site->where, fmt::format("`{}` is created by revision {}, which is not applied before revision {}",
                                                           shown, site->revision, revision_.id)});
    } else if (const std::string guess = closest_match(shown, candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
  }

  void report_unknown(DiagnosticKind kind, const ast::ObjectName& name, const std::vector<std::string>& candidates,
                      const std::map<QualifiedName, Origin>& sites) {
    const auto site = sites.find(name);
    report_unknown(kind, name.span, to_string(name), candidates, site == sites.end() ? nullptr : &site->second);
  }

  void report_unknown(DiagnosticKind kind, const ast::Name& name, const std::vector<std::string>& candidates) {
    report_unknown(kind, name.span, name.text, candidates, nullptr);
  }

  const Table* find_table(const ast::ObjectName& name) {
    const auto table = schema_.tables.find(name);
    if (table != schema_.tables.end()) return &table->second;
    report_unknown(DiagnosticKind::UnknownTable, name, names_of(schema_.tables), sites_.relations);
    return nullptr;
  }

  const Column* find_column(const Table& table, const ast::Name& name) {
    if (const Column* column = table.find_column(name.text)) return column;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name.span), name.text, table.name, revision_.id);
    std::vector<std::string> names;
    for (const auto& column : table.columns) names.push_back(column.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  std::optional<ColumnType> resolve_type(const ast::TypeRef& syntax) {
    ColumnType type;
    type.modifiers = syntax.modifiers;
    type.array_dimensions = syntax.array_dimensions;
    if (const BuiltinType* builtin = find_builtin(syntax.name)) {
      type.name.name = builtin->canonical;
      if (syntax.modifiers.size() > builtin->max_modifiers) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.span), syntax.name,
                            builtin->max_modifiers == 0 ? std::string("takes no modifiers")
                                                        : fmt::format("takes at most {} modifier(s)", builtin->max_modifiers));
        return std::nullopt;
      }
      return type;
    }
    if (schema_.enums.contains(syntax.name)) {
      if (!syntax.modifiers.empty()) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.span), syntax.name, "takes no modifiers");
        return std::nullopt;
      }
      type.name = syntax.name;
      type.user_defined = true;
      return type;
    }
    std::vector<std::string> candidates = names_of(schema_.enums);
    for (const auto& builtin_type : builtin_types) candidates.emplace_back(builtin_type.spelling);
    const auto site = sites_.types.find(syntax.name);
    report_unknown(DiagnosticKind::UnknownType, syntax.span, to_string(syntax.name), candidates,
                   site == sites_.types.end() ? nullptr : &site->second);
    return std::nullopt;
  }

  bool add_column(Table& table, const ast::ColumnDefinition& syntax, std::vector<PendingConstraint>& pending) {
    if (!check_name(syntax.name)) return false;
    if (table.find_column(syntax.name.text) != nullptr) {
      diagnostics_.report(DiagnosticKind::DuplicateColumn, at(syntax.name.span), syntax.name.text, table.name);
      return false;
    }
    auto type = resolve_type(syntax.type);
    if (!type) return false;
    Column column;
    column.name = syntax.name.text;
    column.type = std::move(*type);
    column.not_null = syntax.not_null;
    if (syntax.default_value) column.default_sql = std::string(revision_.file->slice(syntax.default_value->span));
    column.identity = syntax.identity;
    if (syntax.identity != Identity::none &&
        (syntax.default_value || is_serial(syntax.type) ||
         (!column.type.is("integer") && !column.type.is("bigint") && !column.type.is("smallint")))) {
      diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.type.span), syntax.type.name,
                          "cannot be an identity column: identity needs smallint, integer or bigint, and no default");
      return false;
    }
    if (is_serial(syntax.type) || syntax.identity != Identity::none) {
      if (syntax.default_value || syntax.type.array_dimensions > 0) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.type.span), syntax.type.name,
                            "cannot have a default or be an array: it is a sequence-backed integer");
        return false;
      }
      // As PostgreSQL does: a sequence named by ChooseRelationName(table, column, "seq").
      QualifiedName sequence = beside(table.name, make_object_name(table.name.name, column.name, "seq"));
      for (int pass = 1; schema_.relation_kind(sequence) != nullptr; ++pass) {
        sequence = beside(table.name, make_object_name(table.name.name, column.name, "seq" + std::to_string(pass)));
      }
      column.not_null = true;
      column.owned_sequence = sequence;
      column.owned_sequence_type = column.type.name.name;
    }
    table.columns.push_back(std::move(column));
    if (syntax.primary_key) pending.push_back({nullptr, ConstraintKind::primary_key, &syntax});
    if (syntax.unique) pending.push_back({nullptr, ConstraintKind::unique, &syntax});
    if (syntax.references) pending.push_back({nullptr, ConstraintKind::foreign_key, &syntax});
    return true;
  }

  // Turns the constraints of a table being created or altered into schema constraints, in the
  // order PostgreSQL names them: index-backed ones first, then foreign keys.
  bool add_constraints(Table& table, const std::vector<PendingConstraint>& pending) {
    for (const bool foreign_keys : {false, true}) {
      for (const auto& item : pending) {
        if ((item.kind == ConstraintKind::foreign_key) != foreign_keys) continue;
        Constraint constraint;
        constraint.kind = item.kind;
        const ast::References* references = nullptr;
        Span span;
        if (item.column != nullptr) {
          constraint.columns = {item.column->name.text};
          references = item.column->references ? &*item.column->references : nullptr;
          span = item.column->name.span;
        } else {
          for (const auto& column : item.syntax->columns) {
            if (!find_column(table, column)) return false;
            constraint.columns.push_back(column.text);
          }
          references = item.syntax->references ? &*item.syntax->references : nullptr;
          span = item.syntax->span;
          if (item.syntax->check) {
            constraint.check_sql = text_of(*item.syntax->check);
            // The columns a check names decide its default name, as in PostgreSQL.
            for (const auto& column : table.columns) {
              if (mentions_identifier(constraint.check_sql, column.name)) constraint.columns.push_back(column.name);
            }
          }
          constraint.not_valid = item.syntax->not_valid;
        }
        if (item.kind == ConstraintKind::primary_key) {
          if (table.primary_key() != nullptr) {
            diagnostics_.report(DiagnosticKind::MultiplePrimaryKeys, at(span), table.name);
            return false;
          }
          // A primary key makes its columns NOT NULL, in the catalog as here.
          for (auto& column : table.columns) {
            if (std::find(constraint.columns.begin(), constraint.columns.end(), column.name) != constraint.columns.end()) {
              column.not_null = true;
            }
          }
        }
        if (references != nullptr && !resolve_references(table, *references, constraint)) return false;
        if (item.syntax != nullptr && item.syntax->name) {
          if (!check_name(*item.syntax->name)) return false;
          constraint.name = item.syntax->name->text;
          const bool taken = std::any_of(table.constraints.begin(), table.constraints.end(),
                                         [&](const Constraint& c) { return c.name == constraint.name; });
          if (taken) {
            diagnostics_.report(DiagnosticKind::DuplicateConstraint, at(item.syntax->name->span), constraint.name, table.name);
            return false;
          }
          if (constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique) {
            if (!check_new_relation(item.syntax->name->span, beside(table.name, constraint.name), DiagnosticKind::DuplicateIndex)) return false;
          }
        } else {
          constraint.name = choose_constraint_name(schema_, table, constraint);
        }
        table.constraints.push_back(std::move(constraint));
      }
    }
    return true;
  }

  bool is_unique_key(const Table& table, const std::vector<std::string>& columns) const {
    for (const auto& constraint : table.constraints) {
      if ((constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique) &&
          same_columns(constraint.columns, columns)) {
        return true;
      }
    }
    for (const auto& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes.at(name);
      if (!index.unique || !index.where_sql.empty()) continue;
      std::vector<std::string> keys;
      for (const auto& key : index.keys) {
        if (key.column.empty()) break;
        keys.push_back(key.column);
      }
      if (keys.size() == index.keys.size() && same_columns(keys, columns)) return true;
    }
    return false;
  }

  bool resolve_references(const Table& table, const ast::References& references, Constraint& constraint) {
    const Table* target = references.table == table.name ? &table : find_table(references.table);
    if (target == nullptr) return false;
    constraint.referenced_table = target->name;
    if (references.columns.empty()) {
      const Constraint* key = target->primary_key();
      if (key == nullptr) {
        diagnostics_.report(DiagnosticKind::UnknownColumn, at(references.table.span), "(primary key)", target->name, revision_.id);
        return false;
      }
      constraint.referenced_columns = key->columns;
    } else {
      for (const auto& column : references.columns) {
        if (!find_column(*target, column)) return false;
        constraint.referenced_columns.push_back(column.text);
      }
    }
    if (constraint.referenced_columns.size() != constraint.columns.size()) {
      diagnostics_.report(DiagnosticKind::ForeignKeyArity, at(references.span), constraint.columns.size(),
                          constraint.referenced_columns.size());
      return false;
    }
    for (std::size_t i = 0; i < constraint.columns.size(); ++i) {
      const Column* local = table.find_column(constraint.columns[i]);
      const Column* remote = target->find_column(constraint.referenced_columns[i]);
      // Stricter than PostgreSQL, which accepts any pair with an equality operator: a key and
      // its reference should be the same type (lengths and precisions aside).
      if (local->type.name != remote->type.name || local->type.array_dimensions != remote->type.array_dimensions) {
        ColumnType local_type = local->type;
        ColumnType remote_type = remote->type;
        local_type.modifiers.clear();
        remote_type.modifiers.clear();
        diagnostics_.report(DiagnosticKind::ForeignKeyTypeMismatch, at(references.span), local->name, local_type.sql(),
                            target->name, remote->name, remote_type.sql());
        return false;
      }
    }
    if (!is_unique_key(*target, constraint.referenced_columns)) {
      std::string columns;
      for (const auto& column : constraint.referenced_columns) columns += (columns.empty() ? "" : ", ") + column;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ForeignKeyNotUnique, at(references.span), target->name, columns);
      diagnostic.notes.push_back({{}, fmt::format("add `unique ({})` to `{}`, or reference its primary key", columns, target->name)});
      return false;
    }
    constraint.on_delete = references.on_delete;
    constraint.on_update = references.on_update;
    return true;
  }

  const RevisionSource& revision_;
  Schema& schema_;
  const CreationSites& sites_;
  Diagnostics& diagnostics_;
  Role role_;
  LoweredRevision lowered_;
  std::vector<LoweredStep> down_;
  std::uint32_t line_ = 0;
  const std::vector<ast::Name>* allowed_ = nullptr;
  std::set<QualifiedName> created_here_;  // tables created by this revision
  // (table, column) added by this revision without a value for the rows the table may have, and
  // not filled since.
  std::set<std::pair<QualifiedName, std::string>> unfilled_;
};

}  // namespace

Touched touched_by(const ast::File& file, const Schema& before) {
  Touched touched;
  const auto touch = [&](const ast::Statement& statement) {
    std::visit(
        [&](const auto& node) {
          using Node = std::decay_t<decltype(node)>;
          if constexpr (requires { node.table; }) touched.tables.insert(node.table);
          if constexpr (std::is_same_v<Node, ast::CreateTable> || std::is_same_v<Node, ast::DropTable>) {
            touched.tables.insert(node.name);
          } else if constexpr (std::is_same_v<Node, ast::RenameTable>) {
            touched.tables.insert(beside(node.table, node.new_name.text));  // renamed within its schema
          } else if constexpr (std::is_same_v<Node, ast::CreateIndex>) {
            touched.indexes.insert(beside(node.table, node.name.text));  // created by bare name beside its table
          } else if constexpr (std::is_same_v<Node, ast::DropIndex>) {
            touched.indexes.insert(node.name);
            if (const auto index = before.indexes.find(node.name); index != before.indexes.end()) {
              touched.tables.insert(index->second.table);
            }
          } else if constexpr (std::is_same_v<Node, ast::CreateEnum> || std::is_same_v<Node, ast::DropType>) {
            touched.types.insert(node.name);
          } else if constexpr (requires { { node.type } -> std::convertible_to<const QualifiedName&>; }) {
            touched.types.insert(node.type);
          } else if constexpr (std::is_same_v<Node, ast::CreateSequence> || std::is_same_v<Node, ast::DropSequence>) {
            touched.sequences.insert(node.name);
          } else if constexpr (std::is_same_v<Node, ast::CreateExtension> || std::is_same_v<Node, ast::DropExtension>) {
            touched.extensions.insert(node.name.text);
          } else if constexpr (std::is_same_v<Node, ast::CreateSchema> || std::is_same_v<Node, ast::DropSchema>) {
            touched.schemas.insert(node.name.text);
          }
        },
        statement);
  };
  for (const auto& statement : file.statements) touch(statement);
  if (file.down) {
    for (const auto& statement : file.down->statements) touch(statement);
  }
  return touched;
}

CreationSites find_creation_sites(const std::vector<RevisionSource>& revisions) {
  CreationSites sites;
  for (const auto& revision : revisions) {
    for (const auto& statement : revision.syntax->statements) {
      if (const auto* table = std::get_if<ast::CreateTable>(&statement)) {
        sites.relations.emplace(table->name, Origin{revision.id, {revision.file, table->name.span}});
      } else if (const auto* index = std::get_if<ast::CreateIndex>(&statement)) {
        sites.relations.emplace(beside(index->table, index->name.text), Origin{revision.id, {revision.file, index->name.span}});
      } else if (const auto* type = std::get_if<ast::CreateEnum>(&statement)) {
        sites.types.emplace(type->name, Origin{revision.id, {revision.file, type->name.span}});
      }
    }
  }
  return sites;
}

LoweredRevision simulate_revision(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                                  Diagnostics& diagnostics) {
  return RevisionSimulation(revision, schema, sites, diagnostics).run();
}

void simulate_model(const RevisionSource& file, Schema& schema, Diagnostics& diagnostics) {
  const CreationSites sites;
  RevisionSimulation(file, schema, sites, diagnostics, RevisionSimulation::Role::model).run();
}

}  // namespace migc
