// Schema simulation and lowering, one statement kind at a time.
#include "compiler/simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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
    BuiltinType{"serial", "integer", 0, true},     BuiltinType{"serial4", "integer", 0, true},
    BuiltinType{"bigserial", "bigint", 0, true},   BuiltinType{"serial8", "bigint", 0, true},
    BuiltinType{"smallserial", "smallint", 0, true}, BuiltinType{"serial2", "smallint", 0, true},
};

bool is_serial(const ast::TypeRef& type) {
  return std::any_of(builtin_types.begin(), builtin_types.end(),
                     [&](const BuiltinType& t) { return t.serial && t.spelling == type.name; });
}

// Raw SQL as written, without the blank lines and indentation around it in the dollar quotes.
std::string trimmed(const std::string& sql) {
  const auto begin = sql.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return sql.substr(begin, sql.find_last_not_of(" \t\r\n") - begin + 1);
}

std::vector<std::string> keys_of(const auto& map) {
  std::vector<std::string> keys;
  for (const auto& [key, _] : map) keys.push_back(key);
  return keys;
}

// One revision being simulated: the visitor over its statements.
class RevisionSimulation {
 public:
  RevisionSimulation(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                     Diagnostics& diagnostics)
      : revision_(revision), schema_(schema), sites_(sites), diagnostics_(diagnostics) {}

  LoweredRevision run() {
    std::vector<std::vector<LoweredStep>> downs;
    for (const auto& statement : revision_.syntax->statements) {
      line_ = std::visit([&](const auto& node) { return line_of(node.span); }, statement);
      down_.clear();
      std::visit(*this, statement);
      downs.push_back(std::move(down_));
    }
    // The revision's down undoes its statements last to first.
    for (auto it = downs.rbegin(); it != downs.rend(); ++it) {
      for (auto& step : *it) lowered_.down.push_back(std::move(step));
    }
    return std::move(lowered_);
  }

  void operator()(const ast::CreateTable& node) {
    if (!check_name(node.name) || !check_new_relation(node.name, DiagnosticKind::DuplicateTable)) return;
    if (const auto type = schema_.enums.find(node.name.text); type != schema_.enums.end()) {
      // Every table also defines a row type of its name, so a table cannot share an enum's name.
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(node.name.span), node.name.text, revision_.id);
      diagnostic.notes.push_back({type->second.origin.where, "the enum type is created here"});
      return;
    }
    Table table;
    table.name = node.name.text;
    table.origin = {revision_.id, at(node.name.span)};
    std::vector<PendingConstraint> pending;
    for (const auto& column : node.columns) {
      if (!add_column(table, column, pending)) return;
    }
    for (const auto& constraint : node.constraints) pending.push_back({&constraint, constraint.kind, {}});
    if (!add_constraints(table, pending)) return;
    up(create_table_sql(table, true));
    down("DROP TABLE " + quote_identifier(table.name));
    schema_.tables.emplace(table.name, std::move(table));
  }

  void operator()(const ast::DropTable& node) {
    const Table* table = find_table(node.name);
    if (table == nullptr) return;
    std::vector<std::pair<std::string, Constraint>> referencing;
    for (const auto& [name, other] : schema_.tables) {
      for (const auto& constraint : other.constraints) {
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name && name != table->name) {
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
    up("DROP TABLE " + quote_identifier(table->name) + (node.cascade ? " CASCADE" : ""));
    down(create_table_sql(*table, true));
    for (auto it = schema_.indexes.begin(); it != schema_.indexes.end();) {
      if (it->second.table == table->name) {
        down(create_index_sql(it->second));
        it = schema_.indexes.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [name, constraint] : referencing) {
      down(add_constraint_sql(name, constraint));
      auto& constraints = schema_.tables.at(name).constraints;
      std::erase_if(constraints, [&](const Constraint& c) { return c.name == constraint.name; });
    }
    schema_.tables.erase(table->name);
  }

  void operator()(const ast::CreateIndex& node) {
    if (!check_name(node.name)) return;
    const Table* table = find_table(node.table);
    if (table == nullptr || !check_new_relation(node.name, DiagnosticKind::DuplicateIndex)) return;
    Index index;
    index.name = node.name.text;
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
    for (const auto& column : node.columns) {
      if (!find_column(*table, column)) return;
      index.columns.push_back(column.text);
    }
    up(create_index_sql(index));
    down("DROP INDEX " + quote_identifier(index.name));
    schema_.indexes.emplace(index.name, std::move(index));
  }

  void operator()(const ast::DropIndex& node) {
    const auto index = schema_.indexes.find(node.name.text);
    if (index == schema_.indexes.end()) {
      report_unknown(DiagnosticKind::UnknownIndex, node.name, keys_of(schema_.indexes), sites_.relations);
      return;
    }
    up("DROP INDEX " + quote_identifier(index->second.name));
    down(create_index_sql(index->second));
    schema_.indexes.erase(index);
  }

  void operator()(const ast::CreateEnum& node) {
    if (!check_name(node.name)) return;
    const std::string& name = node.name.text;
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
    down("DROP TYPE " + quote_identifier(name));
    schema_.enums.emplace(name, std::move(type));
  }

  void operator()(const ast::DropType& node) {
    const auto type = schema_.enums.find(node.name.text);
    if (type == schema_.enums.end()) {
      report_unknown(DiagnosticKind::UnknownType, node.name, keys_of(schema_.enums), sites_.types);
      return;
    }
    for (const auto& [table_name, table] : schema_.tables) {
      for (const auto& column : table.columns) {
        if (column.type.user_defined && column.type.name == type->first) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "type", type->first,
                                                 fmt::format("column `{}.{}`", table_name, column.name));
          diagnostic.notes.push_back({{}, "drop or change that column first"});
          return;
        }
      }
    }
    up("DROP TYPE " + quote_identifier(type->first));
    down(create_enum_sql(type->second));
    schema_.enums.erase(type);
  }

  void operator()(const ast::AddColumn& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    Table table = *found;
    std::vector<PendingConstraint> pending;
    if (!add_column(table, node.column, pending) || !add_constraints(table, pending)) return;
    std::string sql = fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_identifier(table.name), column_sql(table.columns.back()));
    for (std::size_t i = found->constraints.size(); i < table.constraints.size(); ++i) {
      sql += ", ADD " + constraint_sql(table.constraints[i]);
    }
    up(sql);
    down(fmt::format("ALTER TABLE {} DROP COLUMN {}", quote_identifier(table.name), quote_identifier(node.column.name.text)));
    schema_.tables[table.name] = std::move(table);
  }

  void operator()(const ast::DropColumn& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr || !find_column(*found, node.column)) return;
    const std::string& column = node.column.text;
    for (const auto& [name, other] : schema_.tables) {
      for (const auto& constraint : other.constraints) {
        const auto& referenced = constraint.referenced_columns;
        if (name != found->name && constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == found->name &&
            std::find(referenced.begin(), referenced.end(), column) != referenced.end()) {
          diagnostics_.report(DiagnosticKind::StillReferenced, at(node.column.span), "column", column,
                              fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
          return;
        }
      }
    }
    // PostgreSQL drops the column's own constraints and indexes with it; the down restores them.
    Table table = *found;
    const auto uses_column = [&](const std::vector<std::string>& columns) {
      return std::find(columns.begin(), columns.end(), column) != columns.end();
    };
    const Column dropped = *table.find_column(column);
    std::erase_if(table.columns, [&](const Column& c) { return c.name == column; });
    std::string restore = fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_identifier(table.name), column_sql(dropped));
    for (const auto& constraint : found->constraints) {
      if (uses_column(constraint.columns)) restore += ", ADD " + constraint_sql(constraint);
    }
    std::erase_if(table.constraints, [&](const Constraint& c) { return uses_column(c.columns); });
    up(fmt::format("ALTER TABLE {} DROP COLUMN {}", quote_identifier(table.name), quote_identifier(column)));
    down(restore);
    for (auto it = schema_.indexes.begin(); it != schema_.indexes.end();) {
      if (it->second.table == table.name && uses_column(it->second.columns)) {
        down(create_index_sql(it->second));
        it = schema_.indexes.erase(it);
      } else {
        ++it;
      }
    }
    schema_.tables[table.name] = std::move(table);
  }

  void operator()(const ast::ExecuteSql& node) {
    up(trimmed(node.up.value));
    if (node.down) {
      down(trimmed(node.down->value));
    } else {
      lowered_.irreversible = true;
    }
  }

 private:
  struct PendingConstraint {
    const ast::TableConstraint* syntax = nullptr;  // null for a column's own constraint
    ConstraintKind kind;
    const ast::ColumnDefinition* column = nullptr;
  };

  Location at(Span span) const { return {revision_.file, span}; }
  std::uint32_t line_of(Span span) const { return revision_.file->line_column(span.begin).line; }
  void up(std::string sql) { lowered_.up.push_back({std::move(sql), line_}); }
  void down(std::string sql) { down_.push_back({std::move(sql), line_}); }

  bool check_name(const ast::Name& name) {
    if (name.text.size() <= max_identifier_bytes) return true;
    diagnostics_.report(DiagnosticKind::IdentifierTooLong, at(name.span), name.text, name.text.size());
    return false;
  }

  bool check_new_relation(const ast::Name& name, DiagnosticKind kind) {
    const char* existing = schema_.relation_kind(name.text);
    if (existing == nullptr) return true;
    auto& diagnostic = diagnostics_.report(kind, at(name.span), existing, name.text, revision_.id);
    const Origin* origin = nullptr;
    if (const auto t = schema_.tables.find(name.text); t != schema_.tables.end()) origin = &t->second.origin;
    if (const auto i = schema_.indexes.find(name.text); i != schema_.indexes.end()) origin = &i->second.origin;
    if (origin != nullptr) {
      diagnostic.notes.push_back({origin->where, fmt::format("first created here, by revision {}", origin->revision)});
    }
    for (const auto& [table_name, table] : schema_.tables) {
      for (const auto& constraint : table.constraints) {
        if (constraint.name == name.text && constraint.kind != ConstraintKind::foreign_key) {
          diagnostic.notes.push_back({table.origin.where, fmt::format("it is the index of a {} constraint of table `{}`",
                                                                      constraint.kind == ConstraintKind::primary_key ? "primary key" : "unique",
                                                                      table_name)});
        }
      }
    }
    return false;
  }

  void report_unknown(DiagnosticKind kind, const ast::Name& name, const std::vector<std::string>& candidates,
                      const std::map<std::string, Origin>& sites) {
    auto& diagnostic = diagnostics_.report(kind, at(name.span), name.text, revision_.id);
    if (const auto site = sites.find(name.text); site != sites.end()) {
      diagnostic.notes.push_back(
          {site->second.where, fmt::format("`{}` is created by revision {}, which is not applied before revision {}",
                                           name.text, site->second.revision, revision_.id)});
    } else if (const std::string guess = closest_match(name.text, candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
  }

  const Table* find_table(const ast::Name& name) {
    const auto table = schema_.tables.find(name.text);
    if (table != schema_.tables.end()) return &table->second;
    report_unknown(DiagnosticKind::UnknownTable, name, keys_of(schema_.tables), sites_.relations);
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
    const auto builtin = std::find_if(builtin_types.begin(), builtin_types.end(),
                                      [&](const BuiltinType& t) { return t.spelling == syntax.name; });
    if (builtin != builtin_types.end()) {
      type.name = builtin->canonical;
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
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownType, at(syntax.span), syntax.name, revision_.id);
    std::vector<std::string> candidates = keys_of(schema_.enums);
    for (const auto& builtin_type : builtin_types) candidates.emplace_back(builtin_type.spelling);
    if (const auto site = sites_.types.find(syntax.name); site != sites_.types.end()) {
      diagnostic.notes.push_back(
          {site->second.where, fmt::format("`{}` is created by revision {}, which is not applied before revision {}",
                                           syntax.name, site->second.revision, revision_.id)});
    } else if (const std::string guess = closest_match(syntax.name, candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
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
    Column column{syntax.name.text, std::move(*type), syntax.not_null, std::nullopt, {}};
    if (syntax.default_value) column.default_sql = std::string(revision_.file->slice(syntax.default_value->span));
    if (is_serial(syntax.type)) {
      if (syntax.default_value || syntax.type.array_dimensions > 0) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.type.span), syntax.type.name,
                            "cannot have a default or be an array: it is a sequence-backed integer");
        return false;
      }
      // As PostgreSQL does: a sequence named by ChooseRelationName(table, column, "seq").
      std::string sequence = make_object_name(table.name, column.name, "seq");
      for (int pass = 1; schema_.relation_kind(sequence) != nullptr; ++pass) {
        sequence = make_object_name(table.name, column.name, "seq" + std::to_string(pass));
      }
      column.not_null = true;
      column.owned_sequence = sequence;
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
        } else {
          constraint.name = choose_constraint_name(schema_, table, constraint);
        }
        table.constraints.push_back(std::move(constraint));
      }
    }
    return true;
  }

  bool resolve_references(const Table& table, const ast::References& references, Constraint& constraint) {
    const Table* target = references.table.text == table.name ? &table : find_table(references.table);
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
    constraint.on_delete = references.on_delete;
    constraint.on_update = references.on_update;
    return true;
  }

  const RevisionSource& revision_;
  Schema& schema_;
  const CreationSites& sites_;
  Diagnostics& diagnostics_;
  LoweredRevision lowered_;
  std::vector<LoweredStep> down_;
  std::uint32_t line_ = 0;
};

}  // namespace

CreationSites find_creation_sites(const std::vector<RevisionSource>& revisions) {
  CreationSites sites;
  for (const auto& revision : revisions) {
    for (const auto& statement : revision.syntax->statements) {
      if (const auto* table = std::get_if<ast::CreateTable>(&statement)) {
        sites.relations.emplace(table->name.text, Origin{revision.id, {revision.file, table->name.span}});
      } else if (const auto* index = std::get_if<ast::CreateIndex>(&statement)) {
        sites.relations.emplace(index->name.text, Origin{revision.id, {revision.file, index->name.span}});
      } else if (const auto* type = std::get_if<ast::CreateEnum>(&statement)) {
        sites.types.emplace(type->name.text, Origin{revision.id, {revision.file, type->name.span}});
      }
    }
  }
  return sites;
}

LoweredRevision simulate_revision(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                                  Diagnostics& diagnostics) {
  return RevisionSimulation(revision, schema, sites, diagnostics).run();
}

}  // namespace migc
