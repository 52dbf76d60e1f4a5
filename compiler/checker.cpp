// Checks of each statement kind against the schema at its revision, resolving it into operations.
#include "compiler/checker.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <span>
#include <set>
#include <unordered_map>

#include "compiler/constant_values.hpp"
#include "compiler/decimal.hpp"
#include "compiler/expression_types.hpp"
#include "compiler/postgres_catalog.hpp"
#include "compiler/render_sql.hpp"
#include "compiler/sql_parser.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

constexpr std::size_t max_identifier_bytes = 63;

// Where UnknownColumn looked: a table's (or a view's) columns, said so.
std::string in_table(const QualifiedName& name) { return fmt::format("table `{}`", name); }

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
    // An interval restricted to fields; a precision only where they end in seconds.
    BuiltinType{"interval year", "interval year", 0}, BuiltinType{"interval month", "interval month", 0},
    BuiltinType{"interval day", "interval day", 0}, BuiltinType{"interval hour", "interval hour", 0},
    BuiltinType{"interval minute", "interval minute", 0}, BuiltinType{"interval second", "interval second", 1},
    BuiltinType{"interval year to month", "interval year to month", 0},
    BuiltinType{"interval day to hour", "interval day to hour", 0},
    BuiltinType{"interval day to minute", "interval day to minute", 0},
    BuiltinType{"interval day to second", "interval day to second", 1},
    BuiltinType{"interval hour to minute", "interval hour to minute", 0},
    BuiltinType{"interval hour to second", "interval hour to second", 1},
    BuiltinType{"interval minute to second", "interval minute to second", 1},
    BuiltinType{"jsonb", "jsonb", 0},              BuiltinType{"uuid", "uuid", 0},
    BuiltinType{"bytea", "bytea", 0},              BuiltinType{"\"char\"", "\"char\"", 0},
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

// A built-in type by the name the parser gives it in pg_catalog (`int8` for bigint, `bpchar`
// for character, `timestamptz`, ...).
const BuiltinType* find_builtin_by_internal_name(const std::string& name) {
  static const std::pair<std::string_view, std::string_view> internal[] = {
      {"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"}, {"float8", "double precision"},
      {"bool", "boolean"}, {"varchar", "character varying"}, {"bpchar", "character"}, {"numeric", "numeric"},
      {"timestamp", "timestamp without time zone"}, {"timestamptz", "timestamp with time zone"},
      {"time", "time without time zone"}, {"timetz", "time with time zone"}, {"interval", "interval"}, {"bit", "bit"},
      {"varbit", "bit varying"}};
  for (const auto& [written, canonical] : internal) {
    if (written == name) return find_builtin({"", std::string(canonical)});
  }
  return nullptr;
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

// One revision's statements being checked: the visitor over them.
class StatementChecker {
 public:
  StatementChecker(const RevisionSource& revision, CheckRole role, const Schema& schema, const CreationSites& sites,
                   Diagnostics& diagnostics, const EmitOperation& emit)
      : revision_(revision), schema_(schema), sites_(sites), diagnostics_(diagnostics), role_(role), emit_(emit) {}

  void run() {
    check_concurrently_alone();
    const auto& statements = revision_.syntax->statements;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      line_ = std::visit([&](const auto& node) { return line_of(node.span); }, statements[i]);
      allowed_ = i < revision_.syntax->allowed.size() ? &revision_.syntax->allowed[i] : nullptr;
      check_allowances();
      forget_added_columns(statements[i]);
      statement_sequences_.clear();
      std::visit(*this, statements[i]);
    }
  }

  void operator()(const ast::CreateTable& node) {
    statement_sequences_.clear();
    if (!check_name(node.name) || !check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateTable)) return;
    // Every table also defines a row type of its name, so a table cannot share a type's name.
    if (!check_not_a_type(node.name.span, node.name)) return;
    Table table;
    table.name = node.name;
    table.unlogged = node.unlogged;
    table.origin = {revision_.id, at(node.name.span)};
    std::vector<PendingConstraint> pending;
    table.columns.reserve(node.columns.size());
    for (const auto& column : node.columns) {
      if (!add_column(table, column, pending)) return;
    }
    // A generation expression may name a column written after it.
    for (const auto& column : node.columns) {
      if (column.generated && !check_generated(table, column)) return;
    }
    for (const auto& constraint : node.constraints) pending.push_back({&constraint, constraint.kind, {}});
    if (!add_constraints(table, pending)) return;
    for (auto& constraint : table.constraints) constraint.not_valid = false;  // as PostgreSQL: a new table is valid
    created_here_.insert(table.name);
    for (const auto& column : table.columns) added_here_.insert({table.name, column.name});
    emit(op::CreateTable{std::move(table)});
  }

  void operator()(const ast::DropTable& node) {
    if (node.if_exists && schema_.find_table(node.name) == nullptr) {
      const std::string shown = to_string(node.name);
      return nothing_to_drop(node.name.span, fmt::format("table `{}` does not exist", shown), shown, names_of(schema_.tables()));
    }
    const Table* table = find_table(node.name);
    if (table == nullptr) return;
    if (const Routine* routine = routine_of_row_type(table->name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "table", table->name,
                                             fmt::format("function `{}`, which uses its row type,", to_string(routine->key)));
      diagnostic.notes.push_back({{}, "drop the function first"});
      return;
    }
    if (!no_bound_routine(node.name.span, table->name, {}, "PostgreSQL would not drop the table under it, or with `cascade` would drop the routine too")) return;
    if (node.cascade) {
      // The views `cascade` drops, and the derived down makes again: not what is bound to them.
      for (const View& reader : dependent_views(schema_, table->name)) {
        if (!no_bound_routine(node.name.span, reader.name, {}, "`cascade` would drop it with the view")) return;
        if (const Routine* routine = routine_of_row_type(reader.name)) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "view", reader.name,
                                                 fmt::format("function `{}`, which uses its row type,", to_string(routine->key)));
          diagnostic.notes.push_back({{}, "drop the function first"});
          return;
        }
      }
    }
    if (!node.cascade) {
      for (const auto& name : schema_.referencing(table->name)) {
        for (const auto& constraint : schema_.tables().at(name).constraints) {
          if (constraint.kind != ConstraintKind::foreign_key || constraint.referenced_table != table->name) continue;
          auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "table", table->name,
                                                 fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
          diagnostic.notes.push_back({{}, "drop that foreign key first, or write `drop table ... cascade`"});
          return;
        }
      }
      if (const auto readers = schema_.views_reading(table->name); !readers.empty()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "table", table->name,
                                               fmt::format("view `{}`", readers.front()->name));
        diagnostic.notes.push_back({{}, "drop that view first, or write `drop table ... cascade`"});
        return;
      }
    }
    if (!owned_sequence_unread(*table, {}, node.name.span)) return;
    if (existed_before(table->name)) lint(DiagnosticKind::DataLoss, node.name.span, "table", table->name, "rows", "table");
    const QualifiedName dropped = table->name;
    with_owned_sequences(dropped, {}, node.name.span, [&] { emit(op::DropTable{dropped, node.cascade}); });
  }

  // PostgreSQL drops a sequence with the column (or, `column` empty, the table) that owns it.
  // Written out as ending the ownership, the drop, then dropping the sequence: the way down then
  // makes the sequence before the table whose defaults may call it, and owns it again after.
  template <typename Drop>
  void with_owned_sequences(const QualifiedName& table, const std::string& column, Span span, Drop drop) {
    std::vector<Sequence> owned;
    for (const auto& [_, sequence] : schema_.sequences()) {
      if (sequence.owner && sequence.owner->table == table && (column.empty() || sequence.owner->column == column)) owned.push_back(sequence);
    }
    for (const auto& sequence : owned) emit(op::SetSequenceOwner{sequence.name, sequence.owner, std::nullopt});
    drop();
    for (const auto& sequence : owned) {
      if (const auto users = sequence_users(sequence.name); !users.empty()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), "sequence", sequence.name, users[0]);
        diagnostic.notes.push_back({{}, fmt::format("it is owned by column `{}.{}`, and goes with it; {} uses it",
                                                    sequence.owner->table, sequence.owner->column, users[0])});
        continue;
      }
      emit(op::DropSequence{sequence.name});
    }
  }

  // What calls nextval() (or currval, setval) of `sequence`, as PostgreSQL records it: a
  // column's default or another stored expression, a view, a domain's default or check.
  std::vector<std::string> sequence_users(const QualifiedName& sequence) const {
    const auto names_it = [&](const std::vector<SqlNameReference>& sequences) {
      return std::any_of(sequences.begin(), sequences.end(), [&](const SqlNameReference& used) { return qualified(used.names) == sequence; });
    };
    std::vector<std::string> users;
    for (const auto& expression : expressions_using([&](const ExpressionFacts& facts) { return names_it(facts.sequences); })) {
      users.push_back(expression.owner);
    }
    // A view's `'s'::regclass` names it too: it is among what the view reads.
    for (const auto& [name, view] : schema_.views()) {
      if (view.reads.contains(sequence) || names_it(read_query(view.query).sequences)) {
        users.push_back(fmt::format("{} `{}`", view.materialized ? "materialized view" : "view", name));
      }
    }
    for (const auto& [name, domain] : schema_.domains()) {
      bool uses = domain.default_sql && names_it(read_expression(*domain.default_sql).sequences);
      for (const auto& constraint : domain.constraints) uses = uses || names_it(read_expression(constraint.check_sql).sequences);
      if (uses) users.push_back(fmt::format("domain `{}`", name));
    }
    for (const auto& [key, policy] : schema_.policies()) {
      if (names_it(sequences_named(create_policy_sql(policy)))) users.push_back(fmt::format("policy `{}` on table `{}`", key.name, key.table));
    }
    for (const auto& [key, trigger] : schema_.triggers()) {
      if (names_it(sequences_named(create_trigger_sql(trigger)))) users.push_back(fmt::format("trigger `{}` on table `{}`", key.name, key.table));
    }
    for (const auto& [key, routine] : schema_.routines()) {
      if (names_it(sequences_named(create_routine_sql(routine)))) users.push_back(fmt::format("function `{}`", to_string(key)));
    }
    return users;
  }

  // `owned by`: a column of a table in the sequence's schema, as PostgreSQL requires; none for
  // `owned by none`, nothing when reported.
  std::optional<std::optional<SequenceOwner>> resolve_owner(const QualifiedName& sequence, const ast::SequenceOwnedBy& owned_by) {
    if (!owned_by.table) return std::optional<SequenceOwner>();
    const Table* table = find_table(*owned_by.table);
    if (table == nullptr || !find_column(*table, owned_by.column)) return std::nullopt;
    if (table->name.schema != sequence.schema) {
      diagnostics_.report(DiagnosticKind::InvalidSequenceOptions, at(owned_by.span), sequence,
                          fmt::format("it is not in the schema of table `{}`, which would own it", table->name));
      return std::nullopt;
    }
    return std::optional<SequenceOwner>(SequenceOwner{table->name, owned_by.column.text});
  }

  void operator()(const ast::CreateIndex& node) {
    const bool named = !node.name.text.empty();
    if (named && !check_name(node.name)) return;
    // A materialized view is indexed as a table of its columns.
    Table view_table;
    const Table* table = nullptr;
    const View* indexed_view = nullptr;
    if (const auto view = schema_.views().find(node.table); view != schema_.views().end() && view->second.materialized) {
      indexed_view = &view->second;
      view_table.name = view->second.name;
      for (const auto& column : view->second.columns) {
        if (column.type) view_table.columns.push_back(Column{.name = column.name, .type = *column.type});
      }
      table = &view_table;
    } else {
      table = find_table(node.table);
    }
    if (table == nullptr) return;
    const Span name_span = named ? node.name.span : node.table.span;
    QualifiedName name = beside(table->name, node.name.text);  // an index lives beside its table
    if (named && !check_new_relation(node.name.span, name, DiagnosticKind::DuplicateIndex)) return;
    Index index;
    index.table = table->name;
    index.unique = node.unique;
    index.origin = {revision_.id, at(name_span)};
    if (node.method) index.method = node.method->text;
    constexpr std::array methods = {"btree", "hash", "gist", "gin", "brin", "spgist"};
    if (std::find(methods.begin(), methods.end(), index.method) == methods.end()) {
      diagnostics_.report(DiagnosticKind::SyntaxError, at(node.method->span),
                          "index method (`btree`, `hash`, `gist`, `gin`, `brin` or `spgist`)",
                          "`" + index.method + "`");
      return;
    }
    if (!method_supports(node, index.method)) return;
    for (const auto& element : node.elements) {
      IndexKey key;
      std::optional<SqlType> type;
      if (element.column) {
        if (indexed_view != nullptr && !typed_view_column(*indexed_view, *element.column)) return;
        const Column* column = find_column(*table, *element.column);
        if (column == nullptr) return;
        key.column = element.column->text;
        type = sql_type(column->type);
      } else {
        const auto expression = expression_sql(*element.expression, "an index expression", table, true);
        if (!expression) return;
        key.expression = *expression;
        type = typing(key.expression, table).type;
        // An anonymous row (`row(a, b)`) has no type an index could keep.
        if (anonymous_record(key.expression)) {
          diagnostics_.report(DiagnosticKind::InvalidSql, at(element.span), "an index expression",
                              fmt::format("column \"{}\" has pseudo-type record (42P16): cast the row to a composite type",
                                          index_column_name(key.expression)));
          return;
        }
        // `((c))`: PostgreSQL keeps a bare column written as an expression as the column.
        std::string_view bare = key.expression;
        while (bare.size() >= 2 && bare.front() == '(' && bare.back() == ')') {
          bare = bare.substr(1, bare.size() - 2);
          while (!bare.empty() && bare.front() == ' ') bare.remove_prefix(1);
          while (!bare.empty() && bare.back() == ' ') bare.remove_suffix(1);
        }
        const bool plain_name = !bare.empty() && std::ranges::all_of(bare, [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; }) &&
                                std::isdigit(static_cast<unsigned char>(bare.front())) == 0;
        if (const Column* named = plain_name ? table->find_column(std::string(bare)) : nullptr) {
          key.expression.clear();
          key.column = named->name;
          type = sql_type(named->type);
        }
      }
      if (element.collation) {
        const auto collation = key_collation(*element.collation, type);
        if (!collation) return;
        key.collation = *collation;
      }
      if (element.operator_class) key.operator_class = element.operator_class->text;
      if (!operator_class_fits(element, index.method, type)) return;
      key.descending = element.descending;
      key.nulls_reversed = element.nulls_first && *element.nulls_first != element.descending;
      index.keys.push_back(std::move(key));
    }
    if (!named) {
      std::vector<std::string> column_names;
      for (const auto& key : index.keys) column_names.push_back(key.column.empty() ? index_column_name(key.expression) : key.column);
      for (const auto& column : node.include) column_names.push_back(column.text);
      name = beside(table->name, choose_index_name(schema_, table->name, column_names));
    }
    index.name = name;
    if (!node.include.empty()) {
      constexpr std::array covering = {"btree", "gist", "spgist"};
      if (std::find(covering.begin(), covering.end(), index.method) == covering.end()) {
        diagnostics_.report(DiagnosticKind::InvalidOption, at(node.include.front().span), "include",
                            fmt::format("cannot be used with index method `{}`: only btree, gist and spgist indexes store "
                                        "columns beside their keys",
                                        index.method));
        return;
      }
      for (const auto& column : node.include) {
        if (indexed_view != nullptr && !typed_view_column(*indexed_view, column)) return;
        if (!find_column(*table, column)) return;
        index.include.push_back(column.text);
      }
    }
    if (node.nulls && node.nulls->not_distinct) {
      if (!node.unique) {
        diagnostics_.report(DiagnosticKind::InvalidOption, at(node.nulls->span), "nulls not distinct",
                            "applies to a unique index only: other indexes compare no values");
        return;
      }
      index.nulls_not_distinct = true;
    }
    if (node.where) {
      const auto predicate = expression_sql(*node.where, "an index predicate", table, true);
      if (!predicate) return;
      index.where_sql = *predicate;
    }
    if (!node.concurrently && table != &view_table && existed_before(table->name)) {
      lint(DiagnosticKind::LockingIndexBuild, name_span, index.name, table->name);
    }
    emit(op::CreateIndex{std::move(index), node.concurrently});
  }

  // What the index method itself refuses: unique indexes but btree's, several columns in a hash
  // or spgist index, `desc` but in btree.
  bool method_supports(const ast::CreateIndex& node, const std::string& method_name) {
    const CatalogIndexMethod* method = catalog_index_method(method_name);
    if (method == nullptr) return true;
    const Span where = node.method ? node.method->span : node.name.span;
    if (node.unique && !method->can_unique) {
      diagnostics_.report(DiagnosticKind::IndexMethodUnsupported, at(where), method_name, "unique indexes");
      return false;
    }
    if (node.elements.size() > 1 && !method->can_multiple_columns) {
      diagnostics_.report(DiagnosticKind::IndexMethodUnsupported, at(node.elements[1].span), method_name, "more than one key");
      return false;
    }
    for (const auto& element : node.elements) {
      if ((element.descending || element.nulls_first) && !method->can_order) {
        diagnostics_.report(DiagnosticKind::IndexMethodUnsupported, at(element.span), method_name,
                            element.descending ? "`desc`: it keeps no order" : "`nulls first` or `nulls last`: it keeps no order");
        return false;
      }
    }
    return true;
  }

  bool extension_available(std::string_view extension) const {
    return extension.empty() || schema_.extensions().contains(std::string(extension)) ||
           sites_.raw_extensions.contains(std::string(extension));
  }

  // Whether an operator class indexes `type` (GetDefaultOpClass() and ResolveOpClass(): the
  // type itself, a polymorphic type it is one of, or a type it casts to without a function).
  static bool accepts(const CatalogOperatorClass& operator_class, const SqlType& type) {
    const std::string_view indexed = operator_class.type;
    if (indexed == type.name && !type.enumeration) return true;
    const bool array = type.name.ends_with("[]");
    if (indexed == "anyenum") return type.enumeration;
    if (indexed == "anyarray" || indexed == "anycompatiblearray") return array;
    if (indexed == "anyelement" || indexed == "anycompatible") return true;
    if (indexed == "anynonarray" || indexed == "anycompatiblenonarray") return !array;
    if (indexed.starts_with("any") || indexed == "record") {
      const CatalogType* entry = type.enumeration || array ? nullptr : catalog_type_formatted(type.name);
      // anyrange, anymultirange: any range or multirange type; record: a composite.
      return entry != nullptr && entry->category == (indexed == "record" ? 'C' : 'R');
    }
    if (type.enumeration) return false;
    // IsBinaryCoercible(): without a function, and implicit (xml's cast to text is neither).
    for (const auto& cast : catalog_casts(type.name)) {
      if (cast.target == indexed && cast.method == 'b' && cast.context == 'i') return true;
    }
    return false;
  }

  // A key's operator class: the one named must exist for the index's method, from PostgreSQL or
  // an extension the chain has created, and accept the key's type; without one, the method
  // must have a default for the type. Where the key's type is not known, its type is not judged.
  bool operator_class_fits(const ast::IndexElement& element, const std::string& method, const std::optional<SqlType>& type) {
    const auto classes = catalog_operator_classes(method);
    if (element.operator_class) {
      const std::string& name = element.operator_class->text;
      const CatalogOperatorClass* found = nullptr;
      std::string_view in_extension;
      for (const auto& operator_class : classes) {
        if (operator_class.name != name) continue;
        if (extension_available(operator_class.extension)) {
          if (found == nullptr || (type && accepts(operator_class, *type))) found = &operator_class;
        } else if (in_extension.empty()) {
          in_extension = operator_class.extension;
        }
      }
      if (found == nullptr) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownOperatorClass, at(element.operator_class->span), name, method, revision_.id);
        if (!in_extension.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("it belongs to extension `{}`: `create extension {};` in this revision or an earlier one",
                                                      in_extension, quote_identifier(in_extension))});
        } else {
          std::vector<std::string> candidates;
          for (const auto& operator_class : classes) {
            if (extension_available(operator_class.extension)) candidates.emplace_back(operator_class.name);
          }
          if (const std::string guess = closest_match(name, candidates); !guess.empty()) {
            diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
          }
        }
        return false;
      }
      if (type && !accepts(*found, *type)) {
        diagnostics_.report(DiagnosticKind::OperatorClassMismatch, at(element.operator_class->span), name, method, found->type, type->name);
        return false;
      }
      return true;
    }
    if (!type) return true;
    // Most keys are of a type with a default class of its own: found without judging casts.
    for (const auto& operator_class : classes) {
      if (operator_class.is_default && operator_class.type == type->name && !type->enumeration &&
          extension_available(operator_class.extension)) {
        return true;
      }
    }
    std::string_view in_extension;
    for (const auto& operator_class : classes) {
      if (!operator_class.is_default || !accepts(operator_class, *type)) continue;
      if (extension_available(operator_class.extension)) return true;
      if (in_extension.empty()) in_extension = operator_class.extension;
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::NoDefaultOperatorClass, at(element.span), type->name, method);
    if (!in_extension.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("extension `{}` provides one: `create extension {};` in this revision or an earlier one",
                                                  in_extension, quote_identifier(in_extension))});
    } else {
      diagnostic.notes.push_back({{}, "name an operator class of that method for the type after the key, or use another method"});
    }
    return false;
  }

  void operator()(const ast::DropIndex& node) {
    const auto index = schema_.indexes().find(node.name);
    // The index behind a primary key or unique constraint exists, but is the constraint's
    // (PostgreSQL: "cannot drop index ... because constraint ... requires it", 2BP01).
    if (const Table* owner = index == schema_.indexes().end() ? table_of_constraint_index(node.name) : nullptr) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.name.span),
                                             fmt::format("index `{}` belongs to the constraint of that name on table `{}`: PostgreSQL "
                                                         "drops it only with the constraint",
                                                         to_string(node.name), owner->name));
      diagnostic.notes.push_back({{}, fmt::format("write `alter table {} drop constraint {};`", owner->name, quote_identifier(node.name.name))});
      return;
    }
    if (index == schema_.indexes().end() && node.if_exists) {
      const std::string shown = to_string(node.name);
      return nothing_to_drop(node.name.span, fmt::format("index `{}` does not exist", shown), shown, names_of(schema_.indexes()));
    }
    if (index == schema_.indexes().end()) {
      report_unknown(DiagnosticKind::UnknownIndex, node.name, names_of(schema_.indexes()), sites_.relations);
      return;
    }
    if (const std::string key = foreign_key_needing(index->second); !key.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "index", index->first, key);
      diagnostic.notes.push_back({{}, "PostgreSQL checks that foreign key with this unique index: drop the foreign key first, "
                                      "or make the columns a primary key or unique constraint"});
      return;
    }
    emit(op::DropIndex{index->second.name, node.concurrently});
  }

  // An index behind a primary key or unique constraint is renamed with its constraint, as
  // PostgreSQL renames both whichever is named.
  void operator()(const ast::RenameIndex& node) {
    const auto index = schema_.indexes().find(node.index);
    const Table* owner = nullptr;
    if (index == schema_.indexes().end()) owner = table_of_constraint_index(node.index);
    if (index == schema_.indexes().end() && owner == nullptr) {
      std::vector<std::string> candidates = names_of(schema_.indexes());
      for (const auto& [name, table] : schema_.tables()) {
        for (const auto& constraint : table.constraints) {
          if (has_index(constraint)) candidates.push_back(to_string(beside(name, constraint.name)));
        }
      }
      report_unknown(DiagnosticKind::UnknownIndex, node.index, candidates, sites_.relations);
      return;
    }
    const QualifiedName from = owner != nullptr ? beside(owner->name, node.index.name) : index->first;
    const QualifiedName to = beside(from, node.new_name.text);
    if (!check_name(node.new_name) || !check_new_relation(node.new_name.span, to, DiagnosticKind::DuplicateIndex)) return;
    if (owner != nullptr) {
      if (!check_new_constraint_name(*owner, node.new_name)) return;
      emit(op::RenameConstraint{owner->name, from.name, to.name});
      return;
    }
    emit(op::RenameIndex{from, to.name});
  }

  void operator()(const ast::CreateEnum& node) {
    if (!check_name(node.name)) return;
    const QualifiedName& name = node.name;
    if (!check_new_type(node.name.span, name)) return;
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
    emit(op::CreateEnum{std::move(type)});
  }

  void operator()(const ast::DropType& node) {
    QualifiedName dropped;
    if (const auto type = schema_.enums().find(node.name); type != schema_.enums().end()) {
      dropped = type->first;
    } else if (const auto composite = schema_.composites().find(node.name); composite != schema_.composites().end()) {
      dropped = composite->first;
    } else if (schema_.domains().contains(node.name)) {
      // PostgreSQL drops a domain by DROP TYPE too.
      ast::DropDomain domain;
      static_cast<ast::Located&>(domain) = node;
      domain.name = node.name;
      domain.if_exists = node.if_exists;
      domain.cascade = node.cascade;
      return (*this)(domain);
    } else {
      std::vector<std::string> candidates = names_of(schema_.enums());
      for (auto& name : names_of(schema_.composites())) candidates.push_back(std::move(name));
      if (node.if_exists) {
        const std::string shown = to_string(node.name);
        return nothing_to_drop(node.name.span, fmt::format("type `{}` does not exist", shown), shown, candidates);
      }
      report_unknown(DiagnosticKind::UnknownType, node.name, candidates, sites_.types);
      return;
    }
    if (!check_no_type_dependents(node.name.span, "type", dropped)) return;
    drop_columns_of_type(node.name.span, dropped, node.cascade, "type");
  }

  // The columns of a type being dropped: refused, or with cascade dropped one by one, each with
  // the checks of dropping a column and its own way back, as PostgreSQL drops them.
  void drop_columns_of_type(Span span, const QualifiedName& dropped, bool cascade, std::string_view kind) {
    const auto users = schema_.columns_of_type(dropped);
    const auto names_it = [&](const ExpressionFacts& facts) {
      return std::any_of(facts.types.begin(), facts.types.end(), [&](const SqlNameReference& used) { return qualified(used.names) == dropped; });
    };
    const auto casts = expressions_using(names_it);
    std::string caster = casts.empty() ? std::string() : casts[0].owner;
    // A view's query, a policy's or trigger's condition and an SQL-standard body are bound to it too.
    for (const auto& [owner, facts] : caster.empty() && !cascade ? kept_statement_names() : decltype(kept_statement_names()){}) {
      if (caster.empty() && names_it(facts)) caster = owner;
    }
    for (const auto& [key, routine] : caster.empty() && !cascade ? schema_.routines() : decltype(schema_.routines()){}) {
      if (caster.empty() && routine.written_standard && names_it(names_in_statements(routine.body))) caster = fmt::format("function `{}`", to_string(key));
    }
    if (!caster.empty() && !cascade) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), kind, dropped, caster);
      diagnostic.notes.push_back(
          {{}, fmt::format("it casts a value to the type: change or drop that first, or write `drop {} ... cascade`", kind)});
      return;
    }
    if (!users.empty() && !cascade) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), kind, dropped,
                                             fmt::format("column `{}.{}`", users[0].first, users[0].second));
      diagnostic.notes.push_back({{}, fmt::format("drop or change that column first, or write `drop {} ... cascade`", kind)});
      return;
    }
    // cascade: PostgreSQL drops the defaults, checks and indexes that cast to the type, and the
    // columns of the type; so does this, one by one, each with its own way back.
    std::set<std::string> removed;
    for (const auto& cast : casts) {
      if (removed.insert(cast.owner).second) emit(cast.removal);
    }
    for (const auto& [table, column] : users) {
      if (!check_drop_column(*schema_.find_table(table), column, span)) return;
      // PostgreSQL's cascade would take the view too: the revision says so itself.
      if (const View* view = view_using(table, column)) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UsedByView, at(span), column, table, view->name,
                                               fmt::format("`drop {} ... cascade` would drop the view with it", kind));
        diagnostic.notes.push_back({{}, "drop the view first, and create it again after if it should stay"});
        return;
      }
      if (existed_before(table)) lint(DiagnosticKind::DataLoss, span, "column", fmt::format("{}.{}", table, column), "values", "column");
      emit(op::DropColumn{table, column});
    }
    if (kind == "domain") {
      emit(op::DropDomain{dropped});
    } else {
      emit(op::DropType{dropped});
    }
  }

  void operator()(const ast::CreateDomain& node) {
    if (!check_name(node.name) || !check_new_type(node.name.span, node.name)) return;
    Domain domain;
    domain.name = node.name;
    domain.origin = {revision_.id, at(node.name.span)};
    if (is_serial(node.type)) {
      diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(node.type.span), node.type.name,
                          "cannot be a domain's type: it is a column's shorthand for an integer and its sequence");
      return;
    }
    auto type = resolve_type(node.type);
    if (!type) return;
    domain.type = std::move(*type);
    const auto collation = column_collation(node.collation, domain.type, node.type);
    if (!collation) return;
    domain.collation = *collation;
    domain.not_null = node.not_null;
    if (node.default_value) {
      domain.default_sql = expression_sql(*node.default_value, "a default", nullptr);
      if (!domain.default_sql || !default_fits(*node.default_value, *domain.default_sql, domain.type)) return;
      // CREATE DOMAIN's DEFAULT takes what a column's does.
      if (!fits_column_default(*domain.default_sql)) domain.default_sql = "(" + *domain.default_sql + ")";
    }
    for (const auto& check : node.checks) {
      auto constraint = domain_constraint(domain, check);
      if (!constraint) return;
      domain.constraints.push_back(std::move(*constraint));
    }
    emit(op::CreateDomain{std::move(domain)});
  }

  void operator()(const ast::DropDomain& node) {
    if (node.if_exists && !schema_.domains().contains(node.name)) {
      const std::string shown = to_string(node.name);
      return nothing_to_drop(node.name.span, fmt::format("domain `{}` does not exist", shown), shown, names_of(schema_.domains()));
    }
    const Domain* domain = find_domain(node.name);
    if (domain == nullptr) return;
    const QualifiedName dropped = domain->name;
    if (!check_no_type_dependents(node.name.span, "domain", dropped)) return;
    drop_columns_of_type(node.name.span, dropped, node.cascade, "domain");
  }

  void operator()(const ast::SetDomainDefault& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    std::optional<std::string> value;
    if (node.value) {
      value = expression_sql(*node.value, "a default", nullptr);
      if (!value || !default_fits(*node.value, *value, domain->type)) return;
      // Written again after DEFAULT in CREATE DOMAIN (the schema, a derived down).
      if (!fits_column_default(*value)) value = "(" + *value + ")";
    }
    emit(op::SetDomainDefault{domain->name, std::move(value)});
  }

  void operator()(const ast::SetDomainNotNull& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    if (domain->not_null != node.not_null && !check_domain_unheld(node.span, *domain, node.not_null)) return;
    emit(op::SetDomainNotNull{domain->name, node.not_null});
  }

  void operator()(const ast::AddDomainConstraint& node) {
    const Domain* domain = find_domain(node.domain);
    // `not valid` checks no stored value, so no column holding the domain's values is in the way.
    if (domain == nullptr || (!node.not_valid && !check_domain_unheld(node.span, *domain, true))) return;
    auto constraint = domain_constraint(*domain, node.constraint);
    if (!constraint) return;
    constraint->not_valid = node.not_valid;
    emit(op::AddDomainConstraint{domain->name, std::move(*constraint)});
  }

  // The constraint of `domain` that `name` names, or null after reporting that it has none.
  const DomainConstraint* find_domain_constraint(const Domain& domain, const ast::Name& name) {
    for (const auto& constraint : domain.constraints) {
      if (constraint.name == name.text) return &constraint;
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownDomainConstraint, at(name.span), name.text, domain.name, revision_.id);
    std::vector<std::string> names;
    for (const auto& constraint : domain.constraints) names.push_back(constraint.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  void operator()(const ast::RenameDomainConstraint& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    const DomainConstraint* constraint = find_domain_constraint(*domain, node.name);
    if (constraint == nullptr || !check_name(node.new_name)) return;
    for (const auto& other : domain->constraints) {
      if (other.name == node.new_name.text) {
        diagnostics_.report(DiagnosticKind::DuplicateDomainConstraint, at(node.new_name.span), other.name, domain->name);
        return;
      }
    }
    emit(op::RenameDomainConstraint{domain->name, constraint->name, node.new_name.text});
  }

  void operator()(const ast::ValidateDomainConstraint& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    const DomainConstraint* constraint = find_domain_constraint(*domain, node.name);
    if (constraint == nullptr || (constraint->not_valid && !check_domain_unheld(node.span, *domain, true))) return;
    emit(op::ValidateDomainConstraint{domain->name, constraint->name});
  }

  void operator()(const ast::DropDomainConstraint& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    const bool exists = std::any_of(domain->constraints.begin(), domain->constraints.end(),
                                    [&](const DomainConstraint& c) { return c.name == node.name.text; });
    if (!exists && node.if_exists) {
      std::vector<std::string> names;
      for (const auto& constraint : domain->constraints) names.push_back(constraint.name);
      return nothing_to_drop(node.name.span, fmt::format("domain `{}` has no constraint `{}`", domain->name, node.name.text),
                             node.name.text, names);
    }
    if (find_domain_constraint(*domain, node.name) == nullptr || !check_domain_unheld(node.span, *domain, false)) return;
    emit(op::DropDomainConstraint{domain->name, node.name.text});
  }

  void operator()(const ast::RenameDomain& node) {
    const Domain* domain = find_domain(node.domain);
    if (domain == nullptr) return;
    const QualifiedName new_name = beside(domain->name, node.new_name.text);  // RENAME TO keeps the schema
    if (!check_name(node.new_name) || !check_new_type(node.new_name.span, new_name)) return;
    // A routine names its types as written: PostgreSQL follows the rename, the kept text would not.
    for (const auto& [key, routine] : schema_.routines()) {
      if (!routine.types.contains(domain->name)) continue;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.domain.span),
                                             fmt::format("renaming domain `{}`, which {} `{}` names: the compiler keeps routines as written",
                                                         to_string(domain->name), routine.procedure ? "procedure" : "function", to_string(key)));
      diagnostic.notes.push_back({routine.origin.where, "drop it first and create it again naming the new name"});
      return;
    }
    const QualifiedName renamed = domain->name;
    const auto casts_to_it = [&](const ExpressionFacts& facts) {
      return std::any_of(facts.types.begin(), facts.types.end(), [&](const SqlNameReference& type) { return qualified(type.names) == renamed; });
    };
    const bool unheld = rename_unheld(node.domain.span, fmt::format("domain `{}`", to_string(renamed)), kept_expressions(),
                                      [&](const std::string& sql) { return casts_to_it(read_expression(sql)); }, casts_to_it);
    if (!unheld) return;
    emit(op::RenameDomain{domain->name, node.new_name.text});
  }

  void operator()(const ast::CreateComposite& node) {
    // A composite type is a relation too (pg_class), beside tables, indexes and sequences.
    if (!check_name(node.name) || !check_new_type(node.name.span, node.name) ||
        !check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateTable)) {
      return;
    }
    CompositeType type;
    type.name = node.name;
    type.origin = {revision_.id, at(node.name.span)};
    for (const auto& syntax : node.attributes) {
      auto attribute = composite_attribute(type, syntax);
      if (!attribute) return;
      type.attributes.push_back(std::move(*attribute));
    }
    emit(op::CreateComposite{std::move(type)});
  }

  // PostgreSQL adds and drops a composite type's attributes while columns use it: their values
  // gain a null, or lose the attribute's values.
  void operator()(const ast::AddAttribute& node) {
    const CompositeType* type = find_composite(node.type);
    if (type == nullptr) return;
    auto attribute = composite_attribute(*type, node.attribute);
    if (!attribute) return;
    emit(op::AddAttribute{type->name, std::move(*attribute)});
  }

  void operator()(const ast::DropAttribute& node) {
    const CompositeType* type = find_composite(node.type);
    if (type == nullptr || find_attribute(*type, node.attribute) == nullptr) return;
    // Not one an expression selects (`(c).a` in a check, an index, a view): PostgreSQL binds it
    // to the attribute (2BP01).
    const std::string& attribute = node.attribute.text;
    const auto selects_it = [&](const ExpressionFacts& facts) {
      return std::find(facts.fields.begin(), facts.fields.end(), attribute) != facts.fields.end();
    };
    std::optional<std::string> holder;
    for (const auto& [owner, sql] : kept_expressions()) {
      if (selects_it(read_expression(sql))) {
        holder = "the expression of " + owner;
        break;
      }
    }
    for (const auto& [owner, facts] : holder ? decltype(kept_statement_names()){} : kept_statement_names()) {
      if (selects_it(facts)) {
        holder = owner;
        break;
      }
    }
    if (holder) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.attribute.span),
                                             fmt::format("dropping attribute `{}` of type `{}`, which {} selects: PostgreSQL refuses it (2BP01)",
                                                         attribute, to_string(type->name), *holder));
      diagnostic.notes.push_back({{}, "drop what selects it first"});
      return;
    }
    for (const auto& [table, column] : schema_.columns_of_type(type->name)) {
      if (!existed_before(table)) continue;
      lint(DiagnosticKind::DataLoss, node.attribute.span, "attribute", fmt::format("{}.{}", to_string(type->name), attribute),
           fmt::format("values in column `{}.{}`", table, column), "attribute");
      break;
    }
    emit(op::DropAttribute{type->name, node.attribute.text});
  }

  void operator()(const ast::RenameAttribute& node) {
    const CompositeType* type = find_composite(node.type);
    if (type == nullptr || find_attribute(*type, node.attribute) == nullptr || !check_name(node.new_name)) return;
    for (const auto& attribute : type->attributes) {
      if (attribute.name == node.new_name.text) {
        diagnostics_.report(DiagnosticKind::DuplicateAttribute, at(node.new_name.span), node.new_name.text, type->name);
        return;
      }
    }
    const std::string& attribute = node.attribute.text;
    const auto selects_it = [&](const ExpressionFacts& facts) {
      return std::find(facts.fields.begin(), facts.fields.end(), attribute) != facts.fields.end();
    };
    const bool unheld = rename_unheld(node.attribute.span, fmt::format("attribute `{}` of type `{}`", attribute, to_string(type->name)),
                                      kept_expressions(), [&](const std::string& sql) { return selects_it(read_expression(sql)); }, selects_it);
    if (!unheld) return;
    emit(op::RenameAttribute{type->name, node.attribute.text, node.new_name.text});
  }

  // A view whose query names `table`'s row type as a type (`null::t`): PostgreSQL will not
  // compute the table's rows again under it ("rule _RETURN on view v uses its row type").
  const View* view_of_row_type(const QualifiedName& table) const {
    for (const View* view : schema_.views_reading(table)) {
      const QueryFacts facts = read_query(view->query);
      for (const auto& type : facts.types) {
        if (type.percent_type || type.names.empty() || type.names.size() > 2) continue;
        if (type.names.size() == 1 && !catalog_types(type.names[0]).empty()) continue;
        if (qualified(type.names) == table) return view;
      }
    }
    return nullptr;
  }
  bool rows_unbound(Span span, const QualifiedName& table, std::string_view change) {
    const View* view = view_of_row_type(table);
    if (view == nullptr) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                           fmt::format("{} of table `{}`: PostgreSQL computes the table's rows again, which it refuses while {} names "
                                                       "their row type as a type",
                                                       change, table, in_view(*view)));
    diagnostic.notes.push_back({view->origin.where, "drop the view first, and create it again after"});
    return false;
  }

  void operator()(const ast::AddColumn& node) {
    statement_sequences_.clear();
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    Table table = *found;
    std::vector<PendingConstraint> pending;
    if (!add_column(table, node.column, pending) || !add_constraints(table, pending)) return;
    if (node.column.generated && !check_generated(table, node.column)) return;
    const Column& added = table.columns.back();
    // A default of NULL gives the rows no value.
    const bool fills_itself = (added.default_sql && !is_null_constant(*added.default_sql)) || added.owned_sequence ||
                              added.generated_sql || (!added.default_sql && domain_default(added.type));
    if ((added.not_null || domain_not_null(added.type)) && !fills_itself && may_have_rows(table) &&
        !allowed_or_report(DiagnosticKind::NotNullWithoutDefault, node.column.name.span, added.name, table)) {
      return;
    }
    if ((fills_itself || added.identity != Identity::none || domain_constrained(added.type)) &&
        !rows_unbound(node.column.name.span, table.name, fmt::format("adding column `{}` with a value", added.name))) {
      return;
    }
    // Added nullable without a default: every row the table has holds NULL until something fills it.
    if (!added.not_null && !fills_itself && may_have_rows(table)) unfilled_.insert({table.name, added.name});
    added_here_.insert({table.name, added.name});
    std::vector<Constraint> constraints(table.constraints.begin() + static_cast<std::ptrdiff_t>(found->constraints.size()),
                                        table.constraints.end());
    emit(op::AddColumn{table.name, added, std::move(constraints)});
  }

  void operator()(const ast::DropColumn& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    if (node.if_exists && table->find_column(node.column.text) == nullptr) {
      std::vector<std::string> names;
      for (const auto& column : table->columns) names.push_back(column.name);
      return nothing_to_drop(node.column.span,
                             fmt::format("table `{}` has no column `{}`", table->name, node.column.text), node.column.text, names);
    }
    if (!find_column(*table, node.column)) return;
    if (!check_drop_column(*table, node.column.text, node.column.span)) return;
    if (!no_bound_routine(node.column.span, table->name, node.column.text,
                          "PostgreSQL would not drop the column under it, or with `cascade` would drop the routine too")) {
      return;
    }
    std::vector<View> cascaded;  // the views using the column, and those reading them, in an order they can be made in
    if (const View* view = view_using(table->name, node.column.text); view != nullptr && !node.cascade) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UsedByView, at(node.column.span), node.column.text, table->name, view->name,
                                             "PostgreSQL cannot drop it while the view exists");
      diagnostic.notes.push_back({{}, "drop the view first, and create it again after if it should stay; or write `drop column ... "
                                      "cascade`, which drops the views with it (and makes them again on the way down)"});
      return;
    } else if (view != nullptr) {
      std::set<QualifiedName> taken;
      for (const View* user : schema_.views_reading(table->name)) {
        if (!user->uses.contains({table->name, node.column.text})) continue;
        if (taken.insert(user->name).second) cascaded.push_back(*user);
        for (const View& reader : dependent_views(schema_, user->name)) {
          if (taken.insert(reader.name).second) cascaded.push_back(reader);
        }
      }
      std::stable_sort(cascaded.begin(), cascaded.end(), [](const View& a, const View& b) { return a.depth < b.depth; });
    }
    if (used_by_trigger(*table, node.column, "PostgreSQL cannot drop it while the {} exists")) return;
    if (existed_before(table->name)) {
      lint(DiagnosticKind::DataLoss, node.column.span, "column", fmt::format("{}.{}", table->name, node.column.text), "values", "column");
    }
    const QualifiedName name = table->name;
    // Readers first; the way down makes them again after the column.
    for (auto view = cascaded.rbegin(); view != cascaded.rend(); ++view) emit(op::DropView{view->name, view->materialized, false});
    with_owned_sequences(name, node.column.text, node.column.span, [&] { emit(op::DropColumn{name, node.column.text}); });
  }

  // Whether each view reading `from` can follow its rename to `to`: a name its query gives
  // something else already would come to mean two things (PostgreSQL re-aliases one of them,
  // `t2_1`, which the compiler does not).
  bool views_follow_rename(Span at_name, const QualifiedName& from, const QualifiedName& to) {
    for (const View* view : schema_.views_reading(from)) {
      const auto conflict = renaming_conflict(view->query, from, to, [&](const QualifiedName& relation, const std::string& name) {
        return has_column(schema_, relation, name);
      });
      if (!conflict) continue;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(at_name),
                                             fmt::format("renaming `{}` to `{}` under {}: {}", from, to.name, in_view(*view), *conflict));
      diagnostic.notes.push_back({view->origin.where, fmt::format("drop the view first, and create it again after the rename; or make it give `{}` to nothing else", to.name)});
      return false;
    }
    return true;
  }

  void operator()(const ast::RenameTable& node) {
    // ALTER TABLE renames a view too, as PostgreSQL lets it.
    if (schema_.find_table(node.table) == nullptr && schema_.views().contains(node.table)) {
      const View& view = schema_.views().at(node.table);
      ast::RenameView as_view;
      static_cast<ast::Located&>(as_view) = node;
      as_view.materialized = view.materialized;
      as_view.view = node.table;
      as_view.new_name = node.new_name;
      return (*this)(as_view);
    }
    // And an index (one behind a constraint too).
    if (schema_.find_table(node.table) == nullptr && (schema_.indexes().contains(node.table) || table_of_constraint_index(node.table) != nullptr)) {
      ast::RenameIndex as_index;
      static_cast<ast::Located&>(as_index) = node;
      as_index.index = node.table;
      as_index.new_name = node.new_name;
      return (*this)(as_index);
    }
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    // RENAME TO takes a bare name: the table stays in its schema.
    const QualifiedName new_name = beside(found->name, node.new_name.text);
    if (!check_name(node.new_name) || !check_new_relation(node.new_name.span, new_name, DiagnosticKind::DuplicateTable)) return;
    if (!no_bound_routine(node.table.span, found->name, {}, "migc keeps the body as written, and does not follow the rename into it")) return;
    if (const Routine* routine = routine_of_row_type(found->name)) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.table.span),
                          fmt::format("function `{}` uses the row type of table `{}`, and migc keeps its definition as written: "
                                      "drop the function first, and create it again after the rename",
                                      to_string(routine->key), found->name));
      return;
    }
    if (existed_before(found->name)) lint(DiagnosticKind::RenameInUse, node.table.span, "table", found->name);
    if (!check_not_a_type(node.new_name.span, new_name)) return;
    // `t.c` in the table's own checks, defaults, generated columns and indexes.
    const std::string& old_name = found->name.name;
    const bool unheld = rename_unheld(node.table.span, fmt::format("table `{}`", found->name), kept_expressions(&found->name), [&](const std::string& sql) {
      for (const auto& reference : column_references(sql, false)) {
        if (reference.names.size() >= 2 && reference.names[reference.names.size() - 2] == old_name) return true;
      }
      return false;
    });
    if (!unheld || !views_follow_rename(node.new_name.span, found->name, new_name)) return;
    emit(op::RenameTable{found->name, node.new_name.text});
  }

  void operator()(const ast::RenameColumn& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr || !find_column(*table, node.column) || !check_name(node.new_name)) return;
    const std::string& from = node.column.text;
    const std::string& to = node.new_name.text;
    if (table->find_column(to) != nullptr) {
      diagnostics_.report(DiagnosticKind::DuplicateColumn, at(node.new_name.span), to, in_table(table->name));
      return;
    }
    if (!check_renamable_in_expressions(*table, from, to, node.column.span)) return;
    if (!no_bound_routine(node.column.span, table->name, from, "migc keeps the body as written, and does not follow the rename into it")) return;
    // PostgreSQL would follow the rename in the view's stored tree; the compiler keeps a view's
    // query as text, and does not rewrite a column's name in it.
    if (const View* view = view_using(table->name, from)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UsedByView, at(node.column.span), from, table->name, view->name,
                                             "migc keeps a view's query as written, and does not follow a column's rename into it");
      diagnostic.notes.push_back({{}, "drop the view first, and create it again after with the new name"});
      return;
    }
    if (used_by_trigger(*table, node.column, "migc keeps a {}'s definition as written, and does not follow a column's rename into it")) {
      return;
    }
    if (existed_before(table->name)) lint(DiagnosticKind::RenameInUse, node.column.span, "column", fmt::format("{}.{}", table->name, from));
    emit(op::RenameColumn{table->name, from, to});
  }

  void operator()(const ast::AlterColumnType& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Column* column = find_column(*table, node.column);
    if (column == nullptr) return;
    auto type = resolve_type(node.type);
    if (!type) return;
    if (!no_bound_routine(node.column.span, table->name, column->name, "PostgreSQL would not change the column's type under it")) return;
    // PostgreSQL: "cannot alter type of a column used by a view or rule" (0A000).
    if (const View* view = view_using(table->name, column->name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UsedByView, at(node.column.span), column->name, table->name, view->name,
                                             "PostgreSQL cannot change its type while the view exists");
      diagnostic.notes.push_back({{}, "drop the view first, and create it again after"});
      return;
    }
    if (used_by_trigger(*table, node.column, "PostgreSQL cannot change the type of a column used in a {} definition")) return;
    if (!rows_unbound(node.column.span, table->name, fmt::format("changing the type of column `{}`", column->name))) return;
    if (column->generated_sql && node.using_expression) {
      diagnostics_.report(DiagnosticKind::GeneratedColumn, at(node.using_expression->span), column->name, table->name,
                          "takes no `using`: PostgreSQL computes it again from its expression");
      return;
    }
    // PostgreSQL refuses to change a column under a generation expression.
    if (const Column* generated = generated_user(*table, column->name)) {
      diagnostics_.report(DiagnosticKind::ExpressionUsesColumn, at(node.column.span), column->name,
                          fmt::format("generated column `{}`", generated->name), "drop or recreate");
      return;
    }
    if (column->owned_sequence && (type->array_dimensions > 0 || (!type->is("smallint") && !type->is("integer") && !type->is("bigint")))) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.type.span),
                          fmt::format("column `{}` takes its values from a sequence: its type can be smallint, integer or bigint, not {}",
                                      column->name, type->sql()));
      return;
    }
    if (column->identity != Identity::none && column->owned_sequence) {
      // Its sequence takes the new type as ALTER SEQUENCE ... AS would.
      if (const auto why = bounds_refused(retyped(column->owned_sequence_options, type->name.name))) {
        diagnostics_.report(DiagnosticKind::InvalidSequenceOptions, at(node.type.span), *column->owned_sequence, *why);
        return;
      }
    }
    if (!node.using_expression && !converts_on_assignment(column->type, *type)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NoAutomaticCast, at(node.type.span), column->name, type->sql(), column->type.sql());
      diagnostic.notes.push_back({{}, fmt::format("say how its values become {0}, e.g. `using ({1}::{0})`", type->sql(), quote_identifier(column->name))});
      return;
    }
    if (column->default_sql && !column->owned_sequence && !default_converts(base_type(column->type), base_type(*type))) {
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::UnsupportedAlteration, at(node.type.span),
          fmt::format("the default of column `{}` ({}) cannot be cast to {} automatically", column->name, *column->default_sql, type->sql()));
      diagnostic.notes.push_back({{}, "drop the default first (`alter column ... drop default`), then set one of the new type after"});
      return;
    }
    if (existed_before(table->name) && rewrites_table(base_type(column->type), base_type(*type))) {
      lint(DiagnosticKind::TableRewrite, node.type.span, table->name, column->name, column->type.sql(), type->sql());
    }
    const auto collation = column_collation(node.collation, *type, node.type);
    if (!collation) return;
    std::optional<std::string> using_sql;
    if (node.using_expression) {
      using_sql = expression_sql(*node.using_expression, "a `using` expression", table);
      if (!using_sql) return;
      // Its value is assigned to the new type (42804: "result of USING clause ... cannot be cast automatically").
      if (!assigns_to(*node.using_expression, typing(*using_sql, table).type, *type)) return;
    }
    if (!dependents_take_type(*table, column->name, *type, node.type.span)) return;
    // The derived down casts the column back (`using c::old`), which must parse.
    if (role_ == CheckRole::revision && !revision_.syntax->down && !column->generated_sql && !casts_explicitly(*type, column->type)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NoCastBack, at(node.type.span), column->name, type->sql(), column->type.sql());
      diagnostic.notes.push_back({{}, fmt::format("write the revision's down in a `down {{ }}` block, with a `using` that makes {} of {}",
                                                  column->type.sql(), type->sql())});
      return;
    }
    // An index whose expression or predicate names the column is made again from its text, for
    // the reason its checks are (op::AlterColumnType::checks): PostgreSQL would make it from its
    // printed definition, where the old type's implicit casts are written out (`sqrt((v)::double
    // precision)` under a numeric v). It rebuilds such an index anyway but where no row is
    // rewritten.
    std::vector<Index> indexes_again;
    for (const QualifiedName& name : schema_.indexes_of(table->name)) {
      const Index& index = schema_.indexes().at(name);
      const auto typed_again = [&](const std::string& sql) { return mentions_identifier(sql, column->name); };
      if (typed_again(index.where_sql) ||
          std::ranges::any_of(index.keys, [&](const IndexKey& key) { return typed_again(key.expression); })) {
        indexes_again.push_back(index);
      }
    }
    op::AlterColumnType change{table->name, column->name, std::move(*type), std::move(using_sql), *collation, checks_using_column(*table, column->name)};
    for (const Index& index : indexes_again) emit(op::DropIndex{index.name});
    emit(std::move(change));
    // Its comment apart, as `comment on index` would have set it: the same steps either way.
    for (Index& index : indexes_again) {
      std::optional<std::string> comment = std::move(index.comment);
      index.comment.reset();
      const QualifiedName name = index.name;
      emit(op::CreateIndex{std::move(index)});
      if (comment) emit(op::Comment{ast::CommentKind::index, name, {}, std::move(comment)});
    }
  }

  // What PostgreSQL reads again when a column's type changes: its table's checks and indexes,
  // whose operators and functions must take the new type, and the foreign keys on either side
  // of it, whose columns must still be comparable.
  bool dependents_take_type(const Table& table, const std::string& column, const ColumnType& type, Span span) {
    Table retyped = table;
    for (auto& each : retyped.columns) {
      if (each.name == column) each.type = type;
    }
    for (const auto& constraint : table.constraints) {
      if (constraint.kind != ConstraintKind::check) continue;
      const std::string where = fmt::format("in check constraint `{}`: {}", constraint.name, constraint.check_sql);
      if (!calls_match(span, constraint.check_sql, &retyped, where) || !compared_constants_fit(span, constraint.check_sql, retyped, where)) {
        return false;
      }
    }
    for (const auto& [name, index] : schema_.indexes()) {
      if (index.table != table.name) continue;
      std::vector<std::string> expressions;
      for (const auto& key : index.keys) {
        if (!key.expression.empty()) expressions.push_back(key.expression);
      }
      if (!index.where_sql.empty()) expressions.push_back(index.where_sql);
      for (const auto& expression : expressions) {
        const std::string where = fmt::format("in index `{}`: {}", name, expression);
        if (!calls_match(span, expression, &retyped, where) || !compared_constants_fit(span, expression, retyped, where)) return false;
      }
    }
    if (!keys_take_type(table, column, type, span)) return false;
    const auto refuse = [&](const std::string& local, const ColumnType& local_type, const QualifiedName& target, const std::string& remote,
                            const ColumnType& remote_type) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ForeignKeyTypeMismatch, at(span), local, local_type.sql(), target, remote, remote_type.sql());
      diagnostic.notes.push_back({{}, "PostgreSQL has no equality of the two types to check the key with (42804 at deploy): change both columns' types"});
      return false;
    };
    for (const auto& constraint : table.constraints) {
      if (constraint.kind != ConstraintKind::foreign_key) continue;
      for (std::size_t i = 0; i < constraint.columns.size(); ++i) {
        if (constraint.columns[i] != column) continue;
        const Table* target = constraint.referenced_table == table.name ? &retyped : schema_.find_table(constraint.referenced_table);
        const Column* remote = target == nullptr ? nullptr : target->find_column(constraint.referenced_columns[i]);
        if (remote != nullptr && !keys_comparable(type, remote->type)) return refuse(column, type, target->name, remote->name, remote->type);
      }
    }
    std::set<QualifiedName> tables = schema_.referencing(table.name);
    tables.erase(table.name);
    for (const auto& name : tables) {
      const Table& referencing = schema_.tables().at(name);
      for (const auto& constraint : referencing.constraints) {
        if (constraint.kind != ConstraintKind::foreign_key || constraint.referenced_table != table.name) continue;
        for (std::size_t i = 0; i < constraint.columns.size(); ++i) {
          if (constraint.referenced_columns[i] != column) continue;
          const Column* local = referencing.find_column(constraint.columns[i]);
          if (local != nullptr && !keys_comparable(local->type, type)) return refuse(local->name, local->type, table.name, column, type);
        }
      }
    }
    return true;
  }

  // Why a key of `type` cannot be indexed by `method` with the operator class `named` (none:
  // the method's default for the type); nothing where it can, or the class is not known.
  std::optional<std::string> class_refuses(const std::string& method, const std::string& named, const SqlType& type) const {
    const auto classes = catalog_operator_classes(method);
    if (named.empty()) {
      // Asked for every primary key's column: PostgreSQL's own classes' answer, per type, once.
      thread_local std::map<std::pair<std::string, std::string>, bool> built_in_default;
      const auto [known, fresh] = built_in_default.try_emplace({method, type.name + (type.enumeration ? " enum" : "")}, false);
      if (fresh) {
        known->second = std::ranges::any_of(classes, [&](const CatalogOperatorClass& c) { return c.is_default && c.extension.empty() && accepts(c, type); });
      }
      if (known->second) return std::nullopt;
      const bool found = std::ranges::any_of(classes, [&](const CatalogOperatorClass& c) {
        return c.is_default && accepts(c, type) && extension_available(c.extension);
      });
      if (found) return std::nullopt;
      return fmt::format("type `{}` has no default operator class for index method `{}`", type.name, method);
    }
    bool known = false;
    for (const auto& operator_class : classes) {
      if (operator_class.name != named || !extension_available(operator_class.extension)) continue;
      if (accepts(operator_class, type)) return std::nullopt;
      known = true;
    }
    if (!known) return std::nullopt;
    return fmt::format("operator class `{}` of index method `{}` does not index `{}`", named, method, type.name);
  }

  // The indexes whose keys are the column, its table's unique and primary keys' among them,
  // index the new type with their operator class, named or their method's default (42704 and
  // 42804 as the indexes are made again at deploy).
  bool keys_take_type(const Table& table, const std::string& column, const ColumnType& written, Span span) {
    const std::optional<SqlType> type = sql_type(written);
    if (!type) return true;
    const auto refused = [&](const std::string& method, const std::string& named) { return class_refuses(method, named, *type); };
    const auto refuse = [&](const std::string& what, const std::string& why) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                             fmt::format("column `{}` is a key of {}, and {}", column, what, why));
      diagnostic.notes.push_back({{}, "drop the index (or constraint) first, and make one that indexes the new type after"});
      return false;
    };
    for (const auto& constraint : table.constraints) {
      const bool keyed = constraint.kind == ConstraintKind::unique || constraint.kind == ConstraintKind::primary_key;
      if (!keyed || std::ranges::find(constraint.columns, column) == constraint.columns.end()) continue;
      if (const auto why = refused("btree", "")) return refuse(fmt::format("constraint `{}`", constraint.name), *why);
    }
    for (const QualifiedName& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes().at(name);
      for (const auto& key : index.keys) {
        if (key.column != column) continue;
        if (const auto why = refused(index.method, key.operator_class)) return refuse(fmt::format("index `{}`", name), *why);
      }
    }
    return true;
  }

  // Whether PostgreSQL finds an equality for a foreign key from a column of type `referencing`
  // to one of type `referenced` (ATAddForeignKeyConstraint()): the same type; types of one
  // btree family with cross-type operators (smallint, integer and bigint; real and double
  // precision; date and the timestamps; text, varchar and name); or an implicit cast from the
  // referencing type to the one the referenced key's operator class takes. Types of the
  // chain's own are not judged.
  bool keys_comparable(const ColumnType& referencing_written, const ColumnType& referenced_written) const {
    const ColumnType referencing = base_type(referencing_written);
    const ColumnType referenced = base_type(referenced_written);
    if (referencing.name == referenced.name && referencing.array_dimensions == referenced.array_dimensions) return true;
    // An enum's only equality is with itself: no cast to or from it is implicit.
    if (schema_.enums().contains(referencing.name) || schema_.enums().contains(referenced.name)) return false;
    if (referencing.user_defined || referenced.user_defined || referencing.array_dimensions > 0 || referenced.array_dimensions > 0) return true;
    const CatalogType* from = builtin_catalog_type(referencing);
    const CatalogType* to = builtin_catalog_type(referenced);
    if (from == nullptr || to == nullptr) return true;
    static const std::vector<std::set<std::string_view>> families = {
        {"smallint", "integer", "bigint"},
        {"real", "double precision"},
        {"date", "timestamp without time zone", "timestamp with time zone"},
        {"text", "character varying", "name"}};
    for (const auto& family : families) {
      if (family.contains(from->formatted) && family.contains(to->formatted)) return true;
    }
    const std::string_view key_class_type = to->formatted == "character varying" ? "text" : to->formatted;
    const auto casts = catalog_casts(from->formatted);
    return std::any_of(casts.begin(), casts.end(), [&](const CatalogCast& cast) { return cast.target == key_class_type && cast.context == 'i'; });
  }

  void operator()(const ast::SetNotNull& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Column* column = find_column(*table, node.column);
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
    emit(op::SetNotNull{table->name, column->name, node.not_null});
  }

  void operator()(const ast::AlterIdentity& node) {
    const Table* table = nullptr;
    const Column* column = identity_column(node.table, node.column, true, table);
    if (column == nullptr || !column->owned_sequence) return;
    auto options = resolve_sequence_options(*column->owned_sequence, column->owned_sequence_options, false, true, node.options,
                                            node.column.span);
    if (!options) return;
    emit(op::AlterIdentity{table->name, column->name, column->identity, node.generated.value_or(column->identity),
                           column->owned_sequence_options, std::move(*options), node.options.restart, node.options.restart_with});
  }

  // As PostgreSQL requires: a not null integer column without a default.
  void operator()(const ast::AddIdentity& node) {
    const Table* table = nullptr;
    const Column* column = identity_column(node.table, node.column, false, table);
    if (column == nullptr) return;
    std::string refused;
    if (column->type.array_dimensions > 0 || (!column->type.is("smallint") && !column->type.is("integer") && !column->type.is("bigint"))) {
      refused = fmt::format("column `{}` is {}: an identity column is smallint, integer or bigint", column->name, column->type.sql());
    } else if (column->default_sql || column->owned_sequence) {
      refused = fmt::format("column `{}` has a default already: drop it first", column->name);
    } else if (!column->not_null) {
      refused = fmt::format("column `{}` must be not null before it can be an identity column", column->name);
    }
    if (!refused.empty()) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.column.span), refused);
      return;
    }
    const auto chosen = identity_sequence_name(table->name, column->name, node.options);
    if (!chosen) return;
    const QualifiedName& sequence = *chosen;
    SequenceOptions options = default_sequence_options(column->type.name.name);
    if (node.options) {
      auto resolved = resolve_sequence_options(sequence, options, true, true, *node.options, node.column.span);
      if (!resolved) return;
      options = std::move(*resolved);
    }
    emit(op::AddIdentity{table->name, column->name, node.identity, sequence, std::move(options)});
  }

  void operator()(const ast::DropIdentity& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Column* column = find_column(*table, node.column);
    if (column == nullptr) return;
    if (column->identity != Identity::none && !owned_sequence_unread(*table, column->name, node.column.span)) return;
    if (column->identity == Identity::none && !node.if_exists) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.column.span),
                          fmt::format("column `{}` is not an identity column (`drop identity if exists` allows that)", column->name));
      return;
    }
    emit(op::DropIdentity{table->name, column->name, node.if_exists});
  }

  void operator()(const ast::SetDefault& node) {
    // ALTER TABLE sets a view's column default as ALTER VIEW does.
    if (schema_.find_table(node.table) == nullptr && schema_.views().contains(node.table)) {
      return set_view_default(node.table, node.column, node.value, false);
    }
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Column* column = find_column(*table, node.column);
    if (column == nullptr) return;
    if (column->owned_sequence) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.column.span),
                          fmt::format("column `{}` is a serial column: its default is its sequence", column->name));
      return;
    }
    if (column->generated_sql) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::GeneratedColumn, at(node.column.span), column->name, table->name,
                                             "has no default to set or drop");
      diagnostic.notes.push_back({{}, "`alter column ... drop expression` makes it a plain column, which can have one"});
      return;
    }
    std::optional<std::string> value;
    if (node.value) {
      value = expression_sql(*node.value, "a default", nullptr);
      if (!value || !default_fits(*node.value, *value, column->type)) return;
      // It is written again after DEFAULT in CREATE TABLE and ADD COLUMN (the schema, a derived down).
      if (!fits_column_default(*value)) value = "(" + *value + ")";
    }
    emit(op::SetDefault{table->name, column->name, std::move(value)});
  }

  void operator()(const ast::DropExpression& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Column* column = find_column(*table, node.column);
    if (column == nullptr) return;
    if (!column->generated_sql) {
      diagnostics_.report(DiagnosticKind::NotGeneratedColumn, at(node.column.span), column->name, table->name);
      return;
    }
    // The derived down drops the column and adds it back generated, which what uses the column
    // keeps PostgreSQL from doing (2BP01), or would drop with it.
    std::string dependent;
    if (const View* view = view_using(table->name, column->name)) dependent = fmt::format("view `{}`", view->name);
    for (const auto& [key, policy] : schema_.policies()) {
      if (dependent.empty() && key.table == table->name && policy.columns.contains(column->name)) dependent = fmt::format("policy `{}`", key.name);
    }
    for (const auto& [key, trigger] : schema_.triggers()) {
      if (dependent.empty() && key.table == table->name && trigger.columns.contains(column->name)) dependent = fmt::format("trigger `{}`", key.name);
    }
    for (const auto& name : schema_.referencing(table->name)) {
      for (const auto& constraint : schema_.tables().at(name).constraints) {
        const auto& columns = constraint.referenced_columns;
        if (dependent.empty() && constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name &&
            std::find(columns.begin(), columns.end(), column->name) != columns.end()) {
          dependent = fmt::format("foreign key `{}` on table `{}`", constraint.name, name);
        }
      }
    }
    if (!dependent.empty() && role_ == CheckRole::revision && !revision_.syntax->down) {
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::UnsupportedAlteration, at(node.column.span),
          fmt::format("the way down from `drop expression` drops column `{}.{}` and adds it back generated, which {} keeps PostgreSQL from doing",
                      table->name, column->name, dependent));
      diagnostic.notes.push_back({{}, "write the revision's down in a `down { }` block"});
      return;
    }
    emit(op::DropExpression{table->name, column->name});
  }

  void operator()(const ast::AddConstraint& node) {
    const Table* found = find_table(node.table);
    if (found == nullptr) return;
    Table table = *found;
    if (!add_constraints(table, {{&node.constraint, node.constraint.kind, nullptr}})) return;
    const Constraint& added = table.constraints.back();
    // A primary key sets its columns NOT NULL: one this revision added empty has NULL in every row.
    if (added.kind == ConstraintKind::primary_key) {
      for (const auto& column : added.columns) {
        if (unfilled_.contains({table.name, column}) &&
            !allowed_or_report(DiagnosticKind::NotNullWithoutDefault, node.constraint.span, column, table)) {
          return;
        }
      }
    }
    if ((added.kind == ConstraintKind::foreign_key || added.kind == ConstraintKind::check) && !added.not_valid &&
        existed_before(table.name)) {
      lint(DiagnosticKind::ConstraintWithoutNotValid, node.constraint.span,
           added.kind == ConstraintKind::check ? "check constraint" : "foreign key", added.name, table.name);
    }
    emit(op::AddConstraint{table.name, added});
  }

  void operator()(const ast::DropConstraint& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const auto it = std::find_if(table->constraints.begin(), table->constraints.end(),
                                 [&](const Constraint& c) { return c.name == node.name.text; });
    if (it == table->constraints.end() && node.if_exists) {
      std::vector<std::string> names;
      for (const auto& constraint : table->constraints) names.push_back(constraint.name);
      return nothing_to_drop(node.name.span,
                             fmt::format("table `{}` has no constraint `{}`", table->name, node.name.text), node.name.text, names);
    }
    if (it == table->constraints.end()) {
      report_unknown_constraint(*table, node.name);
      return;
    }
    if (it->kind == ConstraintKind::primary_key || it->kind == ConstraintKind::unique) {
      for (const auto& name : schema_.referencing(table->name)) {
        for (const auto& constraint : schema_.tables().at(name).constraints) {
          if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name &&
              same_columns(constraint.referenced_columns, it->columns)) {
            diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "constraint", it->name,
                                fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
            return;
          }
        }
      }
    }
    if (it->kind == ConstraintKind::primary_key) {
      for (const View* view : schema_.views_reading(table->name)) {
        if (!groups_by_key(*view, *table, *it)) continue;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "constraint", it->name,
                                               fmt::format("{}, which groups by the key and reads other columns of `{}` by it,", in_view(*view), table->name));
        diagnostic.notes.push_back({view->origin.where, "drop the view first, or group it by those columns too"});
        return;
      }
    }
    emit(op::DropConstraint{table->name, it->name});
  }

  // Whether a grouped view reads columns (or the whole row) of `table` that only its grouped
  // primary key determines: PostgreSQL then records the view as depending on the key.
  static bool groups_by_key(const View& view, const Table& table, const Constraint& key) {
    const QueryFacts facts = read_query(view.query);
    const QueryGrouping& grouping = facts.grouping;
    if (facts.error || !grouping.grouped) return false;
    std::set<std::string> grouped;
    for (const auto& names : grouping.group_by) {
      if (!names.empty()) grouped.insert(names.back());
    }
    if (!std::ranges::all_of(key.columns, [&](const std::string& column) { return grouped.contains(column); })) return false;
    return std::ranges::any_of(grouping.outside_aggregates, [&](const SqlColumnReference& reference) {
      const std::string& last = reference.names.back();
      if (last == "*" || (reference.names.size() == 1 && last == table.name.name && table.find_column(last) == nullptr)) {
        return reference.names.size() == 1 || reference.names[reference.names.size() - 2] == table.name.name;
      }
      return table.find_column(last) != nullptr && !grouped.contains(last);
    });
  }

  // A constraint behind an index (primary key, unique) renames its index too, as in PostgreSQL.
  void operator()(const ast::RenameConstraint& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const auto it = std::find_if(table->constraints.begin(), table->constraints.end(),
                                 [&](const Constraint& c) { return c.name == node.name.text; });
    if (it == table->constraints.end()) {
      report_unknown_constraint(*table, node.name);
      return;
    }
    if (!check_name(node.new_name) || !check_new_constraint_name(*table, node.new_name)) return;
    if (has_index(*it) && !check_new_relation(node.new_name.span, beside(table->name, node.new_name.text), DiagnosticKind::DuplicateIndex)) {
      return;
    }
    emit(op::RenameConstraint{table->name, it->name, node.new_name.text});
  }

  void operator()(const ast::ValidateConstraint& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const auto it = std::find_if(table->constraints.begin(), table->constraints.end(),
                                 [&](const Constraint& c) { return c.name == node.name.text; });
    if (it == table->constraints.end()) {
      diagnostics_.report(DiagnosticKind::UnknownConstraint, at(node.name.span), node.name.text, table->name, revision_.id);
      return;
    }
    emit(op::ValidateConstraint{table->name, it->name});
  }

  void operator()(const ast::AddEnumValue& node) {
    const EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    const auto& values = type->values;
    if (std::find(values.begin(), values.end(), node.value.value) != values.end()) {
      diagnostics_.report(DiagnosticKind::DuplicateEnumValue, at(node.value.span), node.value.value, type->name);
      return;
    }
    // The derived way down rebuilds the type under a new name and drops the old one, which a
    // domain or composite type over it, or a view using a column of it, would keep PostgreSQL from doing.
    std::string dependent = type_dependent(type->name);
    if (dependent.empty()) dependent = view_over_column_of(type->name);
    if (!dependent.empty() && role_ == CheckRole::revision && !revision_.syntax->down) {
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::UnsupportedAlteration, at(node.value.span),
          fmt::format("the way down from adding '{}' to `{}` rebuilds the type, which {} keeps PostgreSQL from dropping",
                      node.value.value, type->name, dependent));
      diagnostic.notes.push_back({{}, "write the revision's down in a `down { }` block"});
      return;
    }
    const ast::StringLiteral* anchor = node.before ? &*node.before : node.after ? &*node.after : nullptr;
    if (anchor != nullptr && std::find(values.begin(), values.end(), anchor->value) == values.end()) {
      diagnostics_.report(DiagnosticKind::UnknownEnumValue, at(anchor->span), type->name, anchor->value, revision_.id);
      return;
    }
    values_added_here_.insert({type->name, node.value.value});
    op::AddEnumValue added{type->name, node.value.value, {}, {}};
    if (node.before) added.before = node.before->value;
    if (node.after) added.after = node.after->value;
    emit(std::move(added));
  }

  void operator()(const ast::RenameEnumValue& node) {
    const EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    const auto& values = type->values;
    if (std::find(values.begin(), values.end(), node.value.value) == values.end()) {
      diagnostics_.report(DiagnosticKind::UnknownEnumValue, at(node.value.span), type->name, node.value.value, revision_.id);
      return;
    }
    if (std::find(values.begin(), values.end(), node.new_value.value) != values.end()) {
      diagnostics_.report(DiagnosticKind::DuplicateEnumValue, at(node.new_value.span), node.new_value.value, type->name);
      return;
    }
    // PostgreSQL follows the rename into triggers' conditions, policies and the SQL-standard
    // bodies and argument defaults of functions too, which the compiler keeps as written.
    {
      std::set<QualifiedName> types{type->name};
      for (bool grew = true; grew;) {
        grew = false;
        for (const auto& [name, domain] : schema_.domains()) {
          if (domain.type.user_defined && types.contains(domain.type.name) && types.insert(name).second) grew = true;
        }
      }
      std::set<QualifiedName> tables;
      for (const auto& held : types) {
        for (const auto& [table, _] : schema_.columns_of_type(held)) tables.insert(table);
      }
      std::string holder;
      for (const auto& [key, trigger] : schema_.triggers()) {
        if (holder.empty() && tables.contains(key.table) &&
            holds_string_constant(trigger.before_table + " t " + trigger.after_table, node.value.value)) {
          holder = fmt::format("trigger `{}` on `{}`", key.name, key.table);
        }
      }
      for (const auto& [key, policy] : schema_.policies()) {
        if (holder.empty() && tables.contains(key.table) && holds_string_constant(policy.definition, node.value.value)) {
          holder = fmt::format("policy `{}` on `{}`", key.name, key.table);
        }
      }
      for (const auto& [key, routine] : schema_.routines()) {
        const bool typed = std::any_of(routine.types.begin(), routine.types.end(), [&](const QualifiedName& name) { return types.contains(name); });
        if (holder.empty() && typed && holds_string_constant(routine.definition, node.value.value)) {
          holder = fmt::format("function `{}`", to_string(key));
        }
      }
      if (!holder.empty()) {
        auto& diagnostic = diagnostics_.report(
            DiagnosticKind::UnsupportedAlteration, at(node.value.span),
            fmt::format("{} holds '{}', which PostgreSQL would rename there too and the compiler keeps as written", holder,
                        node.value.value));
        diagnostic.notes.push_back({{}, "drop it before the rename and create it again after, with the new value"});
        return;
      }
    }
    // The rename is followed into every constant of the type (apply.cpp), each in its own
    // spelling; the derived down renames back, and must give back each text as written. Some
    // spellings cannot come back (a constant in pieces across lines, an escape, an array element
    // that the new label makes quoted): tried here, on a copy.
    Schema trial = schema_;
    std::string unsure;
    rename_enum_value(op::RenameEnumValue{type->name, node.value.value, node.new_value.value}, trial, unsure);
    if (!unsure.empty()) {
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::UnsupportedAlteration, at(node.value.span),
          fmt::format("`{}` holds '{}' where the compiler cannot tell whether it is a value of `{}` (an argument of a function, "
                      "an element of an array, a field of a row): PostgreSQL would rename it if it is",
                      trimmed(unsure), node.value.value, type->name));
      diagnostic.notes.push_back({{}, "cast it where it stands (`'...'::type`), or drop what holds it before the rename and create it again after"});
      return;
    }
    rename_enum_value(op::RenameEnumValue{type->name, node.new_value.value, node.value.value}, trial, unsure);
    const SchemaObjects before = schema_objects(schema_);
    const SchemaObjects back = schema_objects(trial);
    for (const auto& [key, sql] : before) {
      const auto again = back.find(key);
      if (again != back.end() && again->second == sql) continue;
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::UnsupportedAlteration, at(node.value.span),
          fmt::format("`{}` holds '{}' written so that renaming the value back would not give back its text (a string in pieces "
                      "across lines, an escape, a quote, an array element the new value must quote)",
                      to_string(key.name), node.value.value));
      diagnostic.notes.push_back({{}, "write the value there as a plain string constant first"});
      return;
    }
    emit(op::RenameEnumValue{type->name, node.value.value, node.new_value.value});
  }

  void operator()(const ast::DropEnumValue& node) {
    const EnumType* type = find_enum(node.type);
    if (type == nullptr) return;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::EnumValueRemoval, at(node.value.span), node.value.value, type->name);
    diagnostic.notes.push_back({{}, fmt::format("rewrite the type instead: create a new enum type without '{}', move each column "
                                                "to it with `alter table ... alter column ... type <new> using (<column>::text::<new>)`, "
                                                "then drop `{}` and rename the new type",
                                                node.value.value, type->name)});
  }

  void operator()(const ast::InsertRows& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    if (node.columns.empty()) return insert_into_leading_columns(*table, node);
    // The derived down deletes what was inserted.
    if (!triggers_keep_schema(node.table.span, *table, {"insert", "update", "delete"})) return;
    std::set<std::string> given;
    for (std::size_t i = 0; i < node.columns.size(); ++i) {
      const Column* found = find_column(*table, node.columns[i]);
      const bool all_default = std::ranges::all_of(node.rows, [&](const auto& row) { return i < row.size() && is_default_keyword(row[i]); });
      if (found == nullptr || !assignable(*table, *found, node.columns[i], given, node.overriding_system_value, all_default)) return;
    }
    for (const Column& column : table->columns) {
      if (default_fills(column) || given.contains(column.name)) continue;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NotNullNotGiven, at(node.table.span), table->name, column.name);
      diagnostic.notes.push_back({{}, "PostgreSQL would refuse each row: null value violates the not-null constraint"});
      return;
    }
    op::InsertRows insert{table->name, {}, {}, {}, {}, {}};
    for (const auto& row : node.rows) {
      if (row.size() != node.columns.size()) {
        diagnostics_.report(DiagnosticKind::InsertArity, at(row.empty() ? node.span : row.front().span), row.size(), node.columns.size());
        return;
      }
      std::vector<std::string> values;
      for (std::size_t i = 0; i < row.size(); ++i) {
        auto sql = expression_sql(row[i], "an inserted value", nullptr, false, true);
        const Column& column = *table->find_column(node.columns[i].text);
        if (refused_default(*table, column, row[i])) return;
        if (!sql || !value_fits(row[i], *sql, column.type, column.not_null || domain_not_null(column.type))) return;
        values.push_back(std::move(*sql));
      }
      insert.rows.push_back(std::move(values));
    }
    for (const auto& column : node.columns) insert.columns.push_back(column.text);
    insert.overriding_system_value = node.overriding_system_value;
    if (node.on_conflict) {
      insert.on_conflict = check_on_conflict(*table, *node.on_conflict);
      if (!insert.on_conflict || !rows_update_once(*table, node, *insert.on_conflict)) return;
    }
    if (node.down && !check_raw_sql(*node.down, false, false)) return;
    std::string why_not_derived;
    if (!node.down && !node.irreversible && role_ == CheckRole::revision && !revision_.syntax->down) {
      insert.key = inserted_key(*table, node, why_not_derived);
    }
    if (insert.key.empty()) insert.down = own_down(node, false, why_not_derived);
    emit(std::move(insert));
  }

  // `insert into t values (...)`: as PostgreSQL reads it, the values go into the table's first
  // columns in order, as many as a row has; the statement is then checked and written with them.
  void insert_into_leading_columns(const Table& table, const ast::InsertRows& node) {
    std::size_t width = 0;
    for (const auto& row : node.rows) width = std::max(width, row.size());
    if (width > table.columns.size()) {
      const auto& row = *std::ranges::find_if(node.rows, [&](const auto& r) { return r.size() == width; });
      auto& diagnostic = diagnostics_.report(DiagnosticKind::InsertArity, at(row[table.columns.size()].span), width, table.columns.size());
      diagnostic.notes.push_back({{}, fmt::format("without a column list the values go into the columns of `{}` in order, and it has {}",
                                                  table.name, table.columns.size())});
      return;
    }
    ast::InsertRows named = node;
    for (std::size_t i = 0; i < width; ++i) named.columns.push_back(ast::Name{{node.table.span}, table.columns[i].name});
    (*this)(named);
  }

  void operator()(const ast::UpdateRows& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    if (!triggers_keep_schema(node.table.span, *table, {"update"})) return;
    auto assignments = check_assignments(*table, node.assignments, "an updated value", {});
    if (!assignments) return;
    std::optional<std::string> where;
    if (node.where) {
      where = row_expression_sql(*node.where, "an update's condition", *table, {});
      if (!where) return;
    }
    if (node.down && !check_raw_sql(*node.down, false, false)) return;
    // Values only in columns this revision added: its down drops them, values and all.
    const bool only_added = std::all_of(assignments->begin(), assignments->end(), [&](const op::Assignment& assignment) {
      return added_here_.contains({table->name, assignment.column});
    });
    // Unless a trigger fires on the update: what it does elsewhere stays.
    std::string fired;
    for (const Trigger* trigger : schema_.triggers_on(table->name)) {
      std::string events = trigger->before_table;
      for (char& c : events) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (trigger->enabled && mentions_identifier(events, "update")) fired = trigger->key.name;
    }
    op::DataDown down;
    if (!only_added || !fired.empty() || node.down || node.irreversible) {
      down = own_down(node, false,
                      fired.empty() ? "the compiler derives the down of an update that sets only columns this revision added, which its down drops"
                                    : fmt::format("trigger `{}` fires on the update, and what it does is not undone by dropping the columns "
                                                  "this revision added",
                                                  fired));
    }
    for (const auto& assignment : *assignments) unfilled_.erase({table->name, assignment.column});
    emit(op::UpdateRows{table->name, std::move(*assignments), std::move(where), std::move(down)});
  }

  void operator()(const ast::DeleteRows& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    // The derived down inserts what was deleted.
    if (!triggers_keep_schema(node.table.span, *table, {"delete", "insert"})) return;
    std::optional<std::string> where;
    if (node.where) {
      where = row_expression_sql(*node.where, "a delete's condition", *table, {});
      if (!where) return;
    }
    if (node.down && !check_raw_sql(*node.down, false, false)) return;
    emit(op::DeleteRows{table->name, std::move(where), own_down(node)});
  }

  void operator()(const ast::CreateSchema& node) {
    if (!check_name(node.name)) return;
    const std::string& name = node.name.text;
    if (name == "public" || schema_.schemas().contains(name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateSchema, at(node.name.span), name, revision_.id);
      if (const auto existing = schema_.schemas().find(name); existing != schema_.schemas().end()) {
        diagnostic.notes.push_back({existing->second.origin.where, fmt::format("created here, by revision {}", existing->second.origin.revision)});
      }
      return;
    }
    emit(op::CreateSchema{name, Origin{revision_.id, at(node.name.span)}});
  }

  void operator()(const ast::DropSchema& node) {
    const std::string& name = node.name.text;
    if (!schema_.schemas().contains(name) && node.if_exists) {
      return nothing_to_drop(node.name.span,
                             fmt::format("schema `{}` does not exist", name), name, names_of(schema_.schemas()));
    }
    if (!schema_.schemas().contains(name)) {
      report_unknown(DiagnosticKind::UnknownSchema, node.name, names_of(schema_.schemas()));
      return;
    }
    const auto routine_in = [&](const std::string& in) -> std::string {
      const auto it = schema_.routines().lower_bound(RoutineKey{QualifiedName{in, ""}, ""});
      return it != schema_.routines().end() && it->first.name.schema == in ? fmt::format("function `{}`", to_string(it->first)) : "";
    };
    // Names order by schema first: the first at or after (name, "") is in the schema, if any is.
    const auto first_in = [&](const auto& map, std::string_view kind) -> std::string {
      const auto it = map.lower_bound(QualifiedName{name, ""});
      return it != map.end() && it->first.schema == name ? fmt::format("{} `{}`", kind, it->first) : "";
    };
    for (const std::string& object : {first_in(schema_.tables(), "table"), first_in(schema_.enums(), "type"),
                                      first_in(schema_.domains(), "domain"), first_in(schema_.composites(), "type"),
                                      first_in(schema_.sequences(), "sequence"), first_in(schema_.indexes(), "index"),
                                      first_in(schema_.views(), "view"), routine_in(name)}) {
      if (object.empty()) continue;
      diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "schema", name, object);
      return;
    }
    emit(op::DropSchema{name});
  }

  void operator()(const ast::CreateExtension& node) {
    if (!check_name(node.name)) return;
    if (const auto existing = schema_.extensions().find(node.name.text); existing != schema_.extensions().end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateExtension, at(node.name.span), node.name.text, revision_.id);
      diagnostic.notes.push_back({existing->second.origin.where, fmt::format("installed here, by revision {}", existing->second.origin.revision)});
      return;
    }
    emit(op::CreateExtension{Extension{node.name.text, {revision_.id, at(node.name.span)}}});
  }

  void operator()(const ast::DropExtension& node) {
    if (!schema_.extensions().contains(node.name.text) && node.if_exists) {
      return nothing_to_drop(node.name.span,
                             fmt::format("extension `{}` does not exist", node.name.text), node.name.text, names_of(schema_.extensions()));
    }
    if (!schema_.extensions().contains(node.name.text)) {
      report_unknown(DiagnosticKind::UnknownExtension, node.name, names_of(schema_.extensions()));
      return;
    }
    // What calls a function only the extension provides; a type of it cast to; a column of one.
    const std::string& dropped = node.name.text;
    const auto only_from_dropped = [&](std::span<const CatalogFunction> entries) {
      bool from_dropped = false;
      for (const auto& entry : entries) {
        if (entry.extension.empty() || (entry.extension != dropped && schema_.extensions().contains(std::string(entry.extension)))) return false;
        from_dropped = from_dropped || entry.extension == dropped;
      }
      return from_dropped;
    };
    const auto users = expressions_using([&](const ExpressionFacts& facts) {
      return std::any_of(facts.functions.begin(), facts.functions.end(),
                         [&](const SqlNameReference& used) { return !sites_.raw_functions.contains(used.names.back()) && only_from_dropped(catalog_functions(used.names.back())); }) ||
             std::any_of(facts.types.begin(), facts.types.end(), [&](const SqlNameReference& used) {
               return !schema_.enums().contains(qualified(used.names)) && extension_of_type(used.names.back()) == dropped;
             });
    });
    const auto of_dropped = [&](const ColumnType& type) {
      return !type.user_defined && column_type_source(type.name.name).value_or("") == dropped;
    };
    std::string typed;
    for (const auto& [name, table] : schema_.tables()) {
      for (const auto& column : table.columns) {
        if (typed.empty() && of_dropped(column.type)) typed = fmt::format("column `{}.{}`", name, column.name);
      }
    }
    for (const auto& [name, domain] : schema_.domains()) {
      if (typed.empty() && of_dropped(domain.type)) typed = fmt::format("domain `{}`", name);
    }
    for (const auto& [name, composite] : schema_.composites()) {
      for (const auto& attribute : composite.attributes) {
        if (typed.empty() && of_dropped(attribute.type)) typed = fmt::format("composite type `{}`", name);
      }
    }
    if (!typed.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "extension", dropped, typed);
      diagnostic.notes.push_back({{}, "it has a type of the extension: change or drop that first"});
      return;
    }
    if (!users.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "extension", dropped, users[0].owner);
      diagnostic.notes.push_back({{}, "it uses a function or type of the extension: change or drop that first"});
      return;
    }
    emit(op::DropExtension{dropped});
  }

  void operator()(const ast::CreateSequence& node) {
    if (!check_name(node.name) || !check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateSequence)) return;
    auto options = resolve_sequence_options(node.name, SequenceOptions{}, true, false, node.options, node.name.span);
    if (!options) return;
    Sequence sequence;
    static_cast<SequenceOptions&>(sequence) = std::move(*options);
    sequence.name = node.name;
    sequence.origin = {revision_.id, at(node.name.span)};
    if (node.options.owned_by) {
      auto owner = resolve_owner(sequence.name, *node.options.owned_by);
      if (!owner) return;
      sequence.owner = std::move(*owner);
    }
    emit(op::CreateSequence{std::move(sequence)});
  }

  void operator()(const ast::AlterSequence& node) {
    const auto sequence = schema_.sequences().find(node.name);
    if (sequence == schema_.sequences().end()) {
      if (!report_column_sequence(node.name, "alter sequence")) {
        report_unknown(DiagnosticKind::UnknownSequence, node.name, names_of(schema_.sequences()), sites_.relations);
      }
      return;
    }
    const SequenceOptions& before = sequence->second;
    auto options = resolve_sequence_options(sequence->first, before, false, false, node.options, node.name.span);
    if (!options) return;
    std::optional<std::optional<SequenceOwner>> owner;
    if (node.options.owned_by && !(owner = resolve_owner(sequence->first, *node.options.owned_by))) return;
    const QualifiedName name = sequence->first;
    const std::optional<SequenceOwner> owner_before = sequence->second.owner;
    if (*options != before || node.options.restart) {
      emit(op::AlterSequence{name, before, std::move(*options), node.options.restart, node.options.restart_with});
    }
    if (owner && *owner != owner_before) emit(op::SetSequenceOwner{name, owner_before, std::move(*owner)});
  }

  void operator()(const ast::DropSequence& node) {
    const auto sequence = schema_.sequences().find(node.name);
    if (sequence == schema_.sequences().end() && node.if_exists) {
      const std::string shown = to_string(node.name);
      return nothing_to_drop(node.name.span, fmt::format("sequence `{}` does not exist", shown), shown, names_of(schema_.sequences()));
    }
    if (sequence == schema_.sequences().end()) {
      if (!report_column_sequence(node.name, "drop sequence")) {
        report_unknown(DiagnosticKind::UnknownSequence, node.name, names_of(schema_.sequences()), sites_.relations);
      }
      return;
    }
    const QualifiedName dropped = sequence->first;
    if (const auto users = sequence_users(dropped); !users.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), "sequence", dropped, users[0]);
      diagnostic.notes.push_back({{}, "it calls nextval() of it, or names it: change or drop that first"});
      return;
    }
    emit(op::DropSequence{dropped});
  }

  // A serial or identity column's sequence, named where the language takes a sequence of its own:
  // reported, with what to write instead; false for none.
  bool report_column_sequence(const ast::ObjectName& name, std::string_view statement) {
    const auto [table, column] = schema_.column_of_sequence(name);
    if (column == nullptr) return false;
    const bool identity = column->identity != Identity::none;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(name.span),
                                           fmt::format("sequence `{}` is {} column `{}.{}`'s: `{}` does not take it", to_string(name),
                                                       identity ? "identity" : "serial", to_string(table->name), column->name, statement));
    diagnostic.notes.push_back({{}, identity ? fmt::format("change it through its column: `alter table {} alter column {} set ...`",
                                                           to_string(table->name), column->name)
                                             : std::string("it goes with its column; for a sequence of other options, or one to move, "
                                                           "create a sequence of its own (`create sequence ... owned by`) and a default calling it")});
    return true;
  }

  void operator()(const ast::Comment& node) {
    using Kind = ast::CommentKind;
    std::optional<std::string> text;
    if (node.text) text = node.text->value;
    switch (node.kind) {
      case Kind::table:
      case Kind::column:
      case Kind::constraint: {
        if (node.on_domain) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.on_domain->span),
                                                 "a comment on a domain's constraint is not in the language");
          diagnostic.notes.push_back({{}, "write it as raw SQL (`execute $$ comment on constraint ... on domain ... $$`); `check` "
                                          "lists such comments as unmodelled"});
          return;
        }
        // A view's or materialized view's column takes a comment as a table's does.
        if (const auto view = schema_.views().find(node.object); node.kind == Kind::column && view != schema_.views().end()) {
          if (find_view_column(view->second, *node.member) == nullptr) return;
          emit(op::Comment{node.kind, view->second.name, node.member->text, std::move(text)});
          return;
        }
        const Table* table = find_table(node.object);
        if (table == nullptr) return;
        if (node.kind == Kind::column && find_column(*table, *node.member) == nullptr) return;
        if (node.kind == Kind::constraint) {
          const bool exists = std::any_of(table->constraints.begin(), table->constraints.end(),
                                          [&](const Constraint& c) { return c.name == node.member->text; });
          if (!exists) return report_unknown_constraint(*table, *node.member);
        }
        emit(op::Comment{node.kind, table->name, node.member ? node.member->text : std::string(), std::move(text)});
        return;
      }
      case Kind::trigger: {
        const Table* table = find_table(node.object);
        if (table == nullptr) return;
        const Trigger* trigger = find_trigger(*table, *node.member, false);
        if (trigger == nullptr) return;
        emit(op::Comment{node.kind, table->name, trigger->key.name, std::move(text)});
        return;
      }
      case Kind::policy: {
        const Table* table = find_table(node.object);
        if (table == nullptr) return;
        const auto found = schema_.policies().find(PolicyKey{table->name, node.member->text});
        if (found == schema_.policies().end()) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownPolicy, at(node.member->span), node.member->text, table->name, revision_.id);
          std::vector<std::string> names;
          for (const Policy* policy : schema_.policies_on(table->name)) names.push_back(policy->key.name);
          if (const std::string guess = closest_match(node.member->text, names); !guess.empty()) {
            diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
          }
          return;
        }
        emit(op::Comment{node.kind, table->name, found->first.name, std::move(text)});
        return;
      }
      case Kind::view:
      case Kind::materialized_view: {
        const View* view = find_view(node.object, node.kind == Kind::materialized_view);
        if (view == nullptr) return;
        emit(op::Comment{node.kind, view->name, {}, std::move(text)});
        return;
      }
      case Kind::index: {
        const auto index = schema_.indexes().find(node.object);
        if (index == schema_.indexes().end()) {
          if (const Table* owner = table_of_constraint_index(node.object)) {
            auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownIndex, at(node.object.span), to_string(node.object), revision_.id);
            diagnostic.notes.push_back({{}, fmt::format("it is the index behind a constraint of `{}`: comment on the constraint, "
                                                        "`comment on constraint {} on {}`", owner->name, node.object.name, owner->name)});
            return;
          }
          report_unknown(DiagnosticKind::UnknownIndex, node.object, names_of(schema_.indexes()), sites_.relations);
          return;
        }
        emit(op::Comment{node.kind, index->first, {}, std::move(text)});
        return;
      }
      case Kind::sequence: {
        const auto sequence = schema_.sequences().find(node.object);
        if (sequence == schema_.sequences().end()) {
          report_unknown(DiagnosticKind::UnknownSequence, node.object, names_of(schema_.sequences()), sites_.relations);
          return;
        }
        emit(op::Comment{node.kind, sequence->first, {}, std::move(text)});
        return;
      }
      case Kind::type:
      case Kind::domain: {
        // COMMENT ON TYPE takes a domain too; COMMENT ON DOMAIN only a domain.
        if (const auto domain = schema_.domains().find(node.object); domain != schema_.domains().end()) {
          emit(op::Comment{Kind::domain, domain->first, {}, std::move(text)});
          return;
        }
        if (node.kind == Kind::domain) {
          find_domain(node.object);
          return;
        }
        if (const auto type = schema_.enums().find(node.object); type != schema_.enums().end()) {
          emit(op::Comment{Kind::type, type->first, {}, std::move(text)});
          return;
        }
        if (const auto type = schema_.composites().find(node.object); type != schema_.composites().end()) {
          emit(op::Comment{Kind::type, type->first, {}, std::move(text)});
          return;
        }
        std::vector<std::string> candidates = names_of(schema_.enums());
        for (auto& name : names_of(schema_.composites())) candidates.push_back(std::move(name));
        for (auto& name : names_of(schema_.domains())) candidates.push_back(std::move(name));
        report_unknown(DiagnosticKind::UnknownType, node.object, candidates, sites_.types);
        return;
      }
      case Kind::function:
      case Kind::procedure: {
        const Routine* routine = find_routine(node.object, node.arguments, node.kind == Kind::procedure, false, "comment on");
        if (routine == nullptr) return;
        emit(op::Comment{node.kind, routine->key.name, routine->key.arguments, std::move(text)});
        return;
      }
    }
  }

  // Each object's privileges, for each role, as PostgreSQL leaves them after the statement: a
  // grant adds (keeping a grant option given before), a revoke takes away, `grant option for`
  // only the option. What changes nothing emits nothing. Privileges written with columns are on
  // those columns alone; revoking one on the table revokes it on each of its columns too, as in
  // PostgreSQL.
  void operator()(const ast::Grant& node) {
    using Kind = ast::GrantTargetKind;
    std::vector<std::string> on_object;
    std::vector<std::pair<const ast::Name*, std::vector<std::string>>> on_columns;
    for (std::size_t i = 0; i < node.privileges.size(); ++i) {
      static const std::vector<ast::Name> none;
      const std::vector<ast::Name>& columns = i < node.privilege_columns.size() ? node.privilege_columns[i] : none;
      if (!columns.empty() && node.kind != Kind::table) {
        diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(columns.front().span),
                            "only a table's columns take privileges of their own: PostgreSQL refuses a column list here");
        return;
      }
      const auto privileges = granted_privileges(node.privileges[i], columns.empty() ? node.kind : std::optional<Kind>{});
      if (!privileges) return;
      if (columns.empty()) {
        on_object.insert(on_object.end(), privileges->begin(), privileges->end());
      } else {
        for (const auto& column : columns) on_columns.push_back({&column, *privileges});
      }
    }
    std::vector<std::string> roles;
    for (const auto& role : node.roles) {
      if (role.text == "current_user" || role.text == "current_role" || role.text == "session_user") {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(role.span),
                                               fmt::format("`{}` is whoever runs the migrator, which the compiler cannot know", role.text));
        diagnostic.notes.push_back({{}, "name the role"});
        return;
      }
      if (role.text == "none") {
        diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(role.span), "role name `none` is reserved: PostgreSQL has no such role");
        return;
      }
      if (role.text == "public" && node.grant_option && !node.revoke) {
        diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(role.span),
                            "a grant option goes to roles, not to `public`: PostgreSQL refuses it");
        return;
      }
      if (!check_name(role)) return;
      roles.push_back(role.text);
    }
    const auto change = [&](const GrantTarget& target, const std::vector<std::string>& privileges) {
      for (const auto& role : roles) {
        const Privileges* held = schema_.privileges_on(target);
        if (held == nullptr) return;
        const auto found = held->find(role);
        const RolePrivileges before = found == held->end() ? RolePrivileges{} : found->second;
        RolePrivileges after = before;
        for (const auto& privilege : privileges) {
          if (!node.revoke) {
            after[privilege] = after[privilege] || node.grant_option;
          } else if (node.grant_option) {
            if (const auto kept = after.find(privilege); kept != after.end()) kept->second = false;
          } else {
            after.erase(privilege);
          }
        }
        if (after != before) emit(op::SetPrivileges{target, role, before, std::move(after)});
      }
    };
    for (const auto& object : node.objects) {
      const auto target = grant_target(node.kind, object, node.revoke ? "revoke ... on" : "grant ... on");
      if (!target) continue;
      if (!on_object.empty()) {
        change(*target, on_object);
        if (const Table* table = node.kind == Kind::table ? schema_.find_table(target->name) : nullptr; node.revoke && table != nullptr) {
          // Copied: each change replaces the table in the schema.
          std::vector<std::string> columns;
          for (const auto& column : table->columns) columns.push_back(column.name);
          for (const auto& column : columns) change(GrantTarget{Kind::table, target->name, {}, column}, on_object);
        }
      }
      const Table* table = node.kind == Kind::table ? schema_.find_table(target->name) : nullptr;
      for (const auto& [column, privileges] : on_columns) {
        if (table == nullptr) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(column->span),
                                                 fmt::format("privileges on the columns of view `{}` are not in the language yet", to_string(target->name)));
          diagnostic.notes.push_back({{}, "grant on the view itself, or write them as raw SQL; `check` lists them as unmodelled"});
          return;
        }
        if (find_column(*table, *column) == nullptr) return;
        change(GrantTarget{Kind::table, target->name, {}, column->text}, privileges);
        table = schema_.find_table(target->name);
      }
    }
  }

  // The privileges a grant or revoke names by `written`, upper case as GRANT spells them (`all`
  // is every one of the kind's); `kind` none for a column's. nullopt after reporting one the kind
  // of object does not have.
  std::optional<std::vector<std::string>> granted_privileges(const ast::Name& written, std::optional<ast::GrantTargetKind> kind) {
    using Kind = ast::GrantTargetKind;
    static const std::vector<std::string> table = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"};
    static const std::vector<std::string> column = {"SELECT", "INSERT", "UPDATE", "REFERENCES"};
    static const std::vector<std::string> sequence = {"USAGE", "SELECT", "UPDATE"};
    static const std::vector<std::string> routine = {"EXECUTE"};
    static const std::vector<std::string> schema = {"USAGE", "CREATE"};
    static const std::vector<std::string> type = {"USAGE"};
    const std::vector<std::string>& valid = !kind                                         ? column
                                            : *kind == Kind::table                        ? table
                                            : *kind == Kind::sequence                     ? sequence
                                            : *kind == Kind::schema                       ? schema
                                            : *kind == Kind::type || *kind == Kind::domain ? type
                                                                                          : routine;
    const char* shown = !kind ? "column" : *kind == Kind::table ? "table or view" : *kind == Kind::sequence ? "sequence"
                        : *kind == Kind::schema ? "schema" : *kind == Kind::type ? "type" : *kind == Kind::domain ? "domain"
                        : *kind == Kind::procedure ? "procedure" : "function";
    if (written.text == "all") return valid;
    std::string privilege = written.text;
    std::transform(privilege.begin(), privilege.end(), privilege.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (std::find(valid.begin(), valid.end(), privilege) == valid.end()) {
      std::string lower;
      for (std::string name : valid) {
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        lower += (lower.empty() ? "" : ", ") + fmt::format("`{}`", name);
      }
      diagnostics_.report(DiagnosticKind::InvalidPrivilege, at(written.span), written.text, shown, "it has " + lower + " and `all`");
      return std::nullopt;
    }
    return std::vector<std::string>{std::move(privilege)};
  }

  // What a grant or revoke names, or nullopt after reporting that it does not exist.
  std::optional<GrantTarget> grant_target(ast::GrantTargetKind kind, const ast::GrantObject& object, std::string_view node_verb) {
    using Kind = ast::GrantTargetKind;
    if (object.arguments && kind != Kind::function && kind != Kind::procedure) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(object.arguments->span),
                                             "only a function or procedure is named with a list after its name");
      diagnostic.notes.push_back({{}, "privileges on columns are written after the privilege: `grant select (a, b) on t`"});
      return std::nullopt;
    }
    switch (kind) {
      case Kind::table: {
        if (schema_.find_table(object.name) != nullptr || schema_.views().contains(object.name)) {
          return GrantTarget{kind, object.name, {}};
        }
        if (schema_.sequences().contains(object.name)) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(object.name.span), to_string(object.name), revision_.id);
          diagnostic.notes.push_back({{}, fmt::format("`{}` is a sequence: write `on sequence {}`", to_string(object.name), to_string(object.name))});
          return std::nullopt;
        }
        std::vector<std::string> candidates = names_of(schema_.tables());
        for (auto& name : names_of(schema_.views())) candidates.push_back(std::move(name));
        report_unknown(DiagnosticKind::UnknownTable, object.name, candidates, sites_.relations);
        return std::nullopt;
      }
      case Kind::sequence:
        if (schema_.sequences().contains(object.name)) return GrantTarget{kind, object.name, {}};
        if (const auto [table, column] = schema_.column_of_sequence(object.name); column != nullptr) {
          if (column->identity == Identity::none) return GrantTarget{kind, object.name, {}};  // a serial's
          // PostgreSQL's catalog tells an identity's sequence apart, and inserting needs no privilege on it.
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(object.name.span),
                                                 fmt::format("privileges on the sequence of identity column `{}.{}` are not in the language",
                                                             to_string(table->name), column->name));
          diagnostic.notes.push_back({{}, "inserting into the column needs none; write them as raw SQL if something else calls the "
                                          "sequence (`check` lists them as unmodelled)"});
          return std::nullopt;
        }
        report_unknown(DiagnosticKind::UnknownSequence, object.name, names_of(schema_.sequences()), sites_.relations);
        return std::nullopt;
      case Kind::function:
      case Kind::procedure: {
        const Routine* routine = find_routine(object.name, object.arguments, kind == Kind::procedure, false, node_verb);
        if (routine == nullptr) return std::nullopt;
        return GrantTarget{kind, routine->key.name, routine->key.arguments};
      }
      case Kind::schema: {
        const std::string shown = to_string(object.name);
        if (object.name.schema.empty() && schema_.schemas().contains(object.name.name)) return GrantTarget{kind, {{}, object.name.name}, {}};
        if (shown == "public") {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(object.name.span),
                                                 "schema `public` is the database's, not the chain's: its privileges are not in the language");
          diagnostic.notes.push_back({{}, "write them as raw SQL (`execute $$ grant usage on schema public ... $$ down $$ revoke ... $$`); "
                                          "`check` lists them as unmodelled"});
          return std::nullopt;
        }
        report_unknown(DiagnosticKind::UnknownSchema, object.name.span, shown, names_of(schema_.schemas()), nullptr);
        return std::nullopt;
      }
      case Kind::type:
      case Kind::domain: {
        // TYPE names a domain too; DOMAIN nothing else.
        if (schema_.domains().contains(object.name)) return GrantTarget{Kind::type, object.name, {}};
        if (kind == Kind::domain) {
          find_domain(object.name);
          return std::nullopt;
        }
        if (schema_.enums().contains(object.name) || schema_.composites().contains(object.name)) return GrantTarget{Kind::type, object.name, {}};
        if (schema_.find_table(object.name) != nullptr || schema_.views().contains(object.name)) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(object.name.span),
                                                 fmt::format("privileges on the row type of `{}` are not in the language", to_string(object.name)));
          diagnostic.notes.push_back({{}, fmt::format("grant on the relation itself (`grant ... on {}`), or write them as raw SQL; `check` "
                                                      "lists them as unmodelled", to_string(object.name))});
          return std::nullopt;
        }
        std::vector<std::string> candidates = names_of(schema_.enums());
        for (auto& name : names_of(schema_.composites())) candidates.push_back(std::move(name));
        for (auto& name : names_of(schema_.domains())) candidates.push_back(std::move(name));
        report_unknown(DiagnosticKind::UnknownType, object.name, candidates, sites_.types);
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  void operator()(const ast::ExecuteSql& node) {
    const auto up = check_raw_sql(node.up, true, node.outside_transaction);
    if (!up) return;
    if (node.down && !check_raw_sql(*node.down, false, node.outside_transaction)) return;
    // SQL that names a column just added empty is taken to fill it.
    std::erase_if(unfilled_, [&](const auto& added) { return mentions_identifier(node.up.value, added.second); });
    emit(op::RawSql{trimmed(node.up.value), own_down(node, up->maintenance_only), node.outside_transaction});
  }

  void operator()(const ast::CreateView& node) {
    if (!check_name(node.name)) return;
    const auto old = schema_.views().find(node.name);
    if (node.or_replace && node.materialized) {
      diagnostics_.report(DiagnosticKind::WrongViewKind, at(node.name.span), to_string(node.name), "materialized view",
                          "PostgreSQL has no `create or replace materialized view`: drop it and create it again");
      return;
    }
    if (!node.or_replace || old == schema_.views().end()) {
      if (!check_new_relation(node.name.span, node.name, DiagnosticKind::DuplicateTable)) return;
      if (!check_not_a_type(node.name.span, node.name)) return;
    } else if (old->second.materialized) {
      diagnostics_.report(DiagnosticKind::WrongViewKind, at(node.name.span), to_string(node.name), "materialized view",
                          "`create or replace view` replaces only a view: drop it and create it again");
      return;
    }
    View view;
    view.name = node.name;
    view.materialized = node.materialized;
    view.with_data = node.with_data;
    view.origin = {revision_.id, at(node.name.span)};
    for (const auto& column : node.columns) {
      if (!check_name(column)) return;
      view.column_names.push_back(column.text);
    }
    // A recursive view is checked, and kept, as the view PostgreSQL makes of it: its query in a
    // WITH RECURSIVE query of its name. Its span is moved back by what is written before the
    // query, so that a place in the query is still its place in the file.
    ast::CreateView expanded;
    const ast::CreateView* checked = &node;
    if (node.recursive) {
      if (node.columns.empty()) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(node.name.span), "a recursive view",
                            "its columns must be listed after its name, `create recursive view v (c, ...) as ...`: they name the rows "
                            "of the WITH RECURSIVE query it stands for (42601)");
        return;
      }
      std::string columns;
      for (const auto& column : node.columns) columns += (columns.empty() ? "" : ", ") + quote_identifier(column.text);
      const std::string prefix = fmt::format("WITH RECURSIVE {}({}) AS (", quote_identifier(node.name.name), columns);
      recursive_view_text_ = prefix + std::string(revision_.file->slice(node.query.span)) +
                             fmt::format(") SELECT {} FROM {}", columns, quote_identifier(node.name.name));
      expanded = node;
      expanded.query.span.begin -= static_cast<std::uint32_t>(std::min<std::size_t>(prefix.size(), node.query.span.begin));
      checked = &expanded;
    }
    const bool resolved = view_options(*checked, view) && resolve_view_query(*checked, view);
    recursive_view_text_.reset();
    if (!resolved) return;
    if (node.or_replace && old != schema_.views().end() && !check_replaced_columns(node, old->second, view)) return;
    if (view.materialized && view.with_data && !reads_populated(view, node.name.span)) return;
    emit(op::CreateView{std::move(view), node.or_replace && old != schema_.views().end()});
  }

  // Whether running `view`'s query reads no materialized view left `with no data` (directly or
  // through plain views): PostgreSQL refuses to scan one (55000).
  bool reads_populated(const View& view, Span span) {
    std::set<QualifiedName> seen;
    std::vector<const View*> pending{&view};
    while (!pending.empty()) {
      const View* reader = pending.back();
      pending.pop_back();
      for (const auto& read : reader->reads) {
        const auto found = schema_.views().find(read);
        if (found == schema_.views().end() || found->second.name == view.name || !seen.insert(read).second) continue;
        if (!found->second.materialized) {
          pending.push_back(&found->second);
          continue;
        }
        if (found->second.with_data) continue;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                               fmt::format("materialized view `{}` has not been populated (`with no data`), and `{}` reads it: "
                                                           "PostgreSQL cannot run the query (55000)",
                                                           found->second.name, view.name));
        diagnostic.notes.push_back({{}, fmt::format("refresh `{}` first, or make this one `with no data` too", found->second.name)});
        return false;
      }
    }
    return true;
  }

  // A view's query as the checks read it: as written, or a recursive view's as PostgreSQL reads it.
  std::optional<std::string> recursive_view_text_;
  std::string view_query_text(const ast::CreateView& node) const {
    return recursive_view_text_ ? *recursive_view_text_ : std::string(revision_.file->slice(node.query.span));
  }

  // `with (...)` and `with check option`, kept as PostgreSQL stores them (boolean values as
  // `true` or `false`), by name; or nullopt after reporting what PostgreSQL would refuse.
  bool view_options(const ast::CreateView& node, View& view) {
    std::map<std::string, std::string> options;
    if (!read_view_options(node.options, node.materialized, options)) return false;
    if (!node.check_option.empty()) {
      if (node.materialized) {
        diagnostics_.report(DiagnosticKind::InvalidOption, at(node.name.span), "with check option", "is a view's: a materialized view takes no writes");
        return false;
      }
      options["check_option"] = node.check_option;
    }
    if (options.contains("check_option") && !updatable_for_check_option(node.name.span, view_query_text(node))) {
      return false;
    }
    view.options.assign(options.begin(), options.end());
    return true;
  }

  // PostgreSQL checks a view's check option only where it updates the view itself.
  bool updatable_for_check_option(Span span, const std::string& query) {
    auto why = not_automatically_updatable(query);
    if (!why) {
      const QueryFacts facts = read_query(query);
      const auto read = facts.scopes.empty() || facts.scopes[0].from.size() != 1 ? schema_.views().end()
                                                                               : schema_.views().find(qualified(facts.scopes[0].from[0].names));
      if (read != schema_.views().end() && read->second.materialized) why = "reads a materialized view";
    }
    if (!why) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidOption, at(span), "check option", "is for automatically updatable views only (0A000)");
    diagnostic.notes.push_back({{}, "this view's query " + *why});
    return false;
  }

  // `(name [= value], ...)` into `options`, values as PostgreSQL stores them; false after
  // reporting one it would refuse.
  bool read_view_options(const std::vector<ast::ViewOption>& written, bool materialized, std::map<std::string, std::string>& options) {
    std::set<std::string> given;
    for (const auto& option : written) {
      const bool boolean = option.name == "security_barrier" || option.name == "security_invoker";
      if (materialized || (!boolean && option.name != "check_option")) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidOption, at(option.span), option.name,
                                               materialized ? "is not an option the language gives a materialized view (its storage "
                                                              "parameters are the server's business)"
                                                            : "is not an option of a view (22023)");
        if (!materialized) diagnostic.notes.push_back({{}, "a view takes `security_barrier`, `security_invoker` and `check_option`"});
        return false;
      }
      std::string value = option.value.value_or("true");
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (boolean) {
        static const std::map<std::string_view, std::string_view> booleans = {
            {"true", "true"}, {"on", "true"}, {"yes", "true"}, {"1", "true"}, {"false", "false"}, {"off", "false"}, {"no", "false"}, {"0", "false"}};
        const auto found = booleans.find(value);
        if (found == booleans.end()) {
          diagnostics_.report(DiagnosticKind::InvalidOption, at(option.span), option.name,
                              fmt::format("takes a boolean, not `{}` (22023)", *option.value));
          return false;
        }
        value = found->second;
      } else if (!option.value || (value != "local" && value != "cascaded")) {
        diagnostics_.report(DiagnosticKind::InvalidOption, at(option.span), option.name, "is `local` or `cascaded` (22023)");
        return false;
      }
      if (!given.insert(option.name).second) {
        diagnostics_.report(DiagnosticKind::InvalidOption, at(option.span), option.name, "is given twice (42601)");
        return false;
      }
      options[option.name] = value;
    }
    return true;
  }

  // `alter view v set (...)` / `reset (...)`: written as the view made again with them.
  void operator()(const ast::SetViewOptions& node) {
    const View* found = find_view(node.view, false);
    if (found == nullptr) return;
    View view = *found;
    std::map<std::string, std::string> options(view.options.begin(), view.options.end());
    if (!read_view_options(node.options, false, options)) return;
    // PostgreSQL resets a name it does not know as one that is not set: nothing.
    for (const auto& name : node.reset) options.erase(name.text);
    if (options.contains("check_option") && !updatable_for_check_option(node.view.span, view.query)) return;
    view.options.assign(options.begin(), options.end());
    emit(op::CreateView{std::move(view), true});
  }

  void operator()(const ast::DropView& node) {
    const char* kind = node.materialized ? "materialized view" : "view";
    const auto found = schema_.views().find(node.name);
    if (node.if_exists && found == schema_.views().end()) {
      const std::string shown = to_string(node.name);
      return nothing_to_drop(node.name.span, fmt::format("{} `{}` does not exist", kind, shown), shown, names_of(schema_.views()));
    }
    const View* view = find_view(node.name, node.materialized);
    if (view == nullptr) return;
    if (const Routine* routine = routine_of_row_type(view->name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), kind, view->name,
                                             fmt::format("function `{}`, which uses its row type,", to_string(routine->key)));
      diagnostic.notes.push_back({{}, "drop the function first"});
      return;
    }
    std::vector<QualifiedName> dropped{view->name};
    if (node.cascade) {
      for (const View& reader : dependent_views(schema_, view->name)) dropped.push_back(reader.name);
    }
    for (const QualifiedName& name : dropped) {
      if (!no_bound_routine(node.name.span, name, {}, "PostgreSQL would not drop the view under it, or with `cascade` would drop it too")) return;
      if (const Routine* routine = name == view->name ? nullptr : routine_of_row_type(name)) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), kind, name,
                                               fmt::format("function `{}`, which uses its row type,", to_string(routine->key)));
        diagnostic.notes.push_back({{}, "drop the function first"});
        return;
      }
    }
    if (!node.cascade) {
      if (const auto readers = schema_.views_reading(view->name); !readers.empty()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), kind, view->name,
                                               fmt::format("view `{}`", readers.front()->name));
        diagnostic.notes.push_back({{}, fmt::format("drop that view first, or write `drop {} ... cascade`", kind)});
        return;
      }
    }
    emit(op::DropView{view->name, view->materialized, node.cascade});
  }

  // A type of a routine's signature as format_type() prints it (the default schema's types
  // bare), pseudo-types too; none, reported, where it does not exist. `row_type`: it is a
  // table's row type.
  std::optional<std::string> routine_type(const SqlTypeName& type, Span definition, std::set<QualifiedName>& row_types,
                                          std::set<QualifiedName>& types) {
    const Span where = within(definition, type.offset);
    std::string out;
    if (type.names.empty()) return std::nullopt;
    if (type.percent_type) {
      // PostgreSQL resolves `t.c%type` once, when it makes the function; migc keeps the
      // definition as written, which a later rename or retype of the column would change.
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(where),
                          "`%type` names a column's type as it is when the function is made, and migc keeps the definition "
                          "as written, which would mean another type after the column changes: write the type itself");
      return std::nullopt;
    }
    static constexpr std::string_view pseudo_types[] = {
        "trigger", "event_trigger", "void", "record", "anyelement", "anyarray", "anynonarray", "anyenum", "anyrange",
        "anymultirange", "anycompatible", "anycompatiblearray", "anycompatiblenonarray", "anycompatiblerange",
        "anycompatiblemultirange", "cstring", "internal"};
    const QualifiedName name = qualified(type.names);
    const bool catalog = name.schema.empty() || name.schema == "pg_catalog";
    // `char` unquoted is pg_catalog.bpchar; quoted, the one-byte type of its own.
    if (type.names.size() == 1 && name.name == "char") {
      out = "\"char\"";
    } else if (const BuiltinType* builtin = catalog ? find_builtin_by_internal_name(name.name) : nullptr;
        builtin != nullptr && name.schema == "pg_catalog") {
      out = builtin->canonical;
    } else if (const BuiltinType* spelled = catalog ? find_builtin({"", name.name}) : nullptr; spelled != nullptr && !spelled->serial) {
      out = spelled->canonical;
    } else if (catalog && std::find(std::begin(pseudo_types), std::end(pseudo_types), name.name) != std::end(pseudo_types)) {
      out = name.name;
    } else if (const QualifiedName user{name.schema == "pg_catalog" ? "" : name.schema, name.name}; type_kind(user) != nullptr) {
      types.insert(user);
      out = quote_qualified(user);
    } else if (schema_.find_table(user) != nullptr || (schema_.views().contains(user))) {
      row_types.insert(user);
      out = quote_qualified(user);
    } else if (const auto extension = catalog ? column_type_source(name.name) : std::nullopt;
               extension && (extension->empty() || schema_.extensions().contains(*extension))) {
      out = name.name;
    } else {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownType, at(where), to_string(name), revision_.id);
      if (extension && !extension->empty()) diagnostic.notes.push_back({{}, extension_note(*extension)});
      return std::nullopt;
    }
    for (std::size_t i = 0; i < type.array_dimensions; ++i) out += "[]";
    return out;
  }

  const Routine* routine_of_row_type(const QualifiedName& table) const {
    for (const auto& [_, routine] : schema_.routines()) {
      if (routine.row_types.contains(table)) return &routine;
    }
    return nullptr;
  }

  static std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
    return out;
  }

  // The routines of a name, every overload.
  std::vector<const Routine*> routines_named(const QualifiedName& name) const {
    std::vector<const Routine*> found;
    for (auto it = schema_.routines().lower_bound(RoutineKey{name, ""}); it != schema_.routines().end() && it->first.name == name; ++it) {
      found.push_back(&it->second);
    }
    return found;
  }

  void operator()(const ast::CreateRoutine& node) {
    if (!check_name(node.name)) return;
    const char* kind = node.procedure ? "procedure" : "function";
    const Span span = node.definition.span;
    const std::string definition(revision_.file->slice(span));
    const RoutineFacts facts = read_routine(definition, node.procedure);
    if (facts.error) {
      report_sql_error(span, fmt::format("{} `{}`", kind, to_string(node.name)), *facts.error);
      return;
    }
    if (facts.language != "sql" && facts.language != "plpgsql" && !schema_.extensions().contains(facts.language)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownLanguage, at(within(span, facts.language_offset)), facts.language,
                                             revision_.id);
      diagnostic.notes.push_back(
          {{}, facts.language == "c" || facts.language == "internal"
                   ? std::string("its code lives in the server's own files, which a revision cannot ship: an extension can")
                   : fmt::format("a procedural language comes with its extension: `create extension {};` first",
                                 quote_identifier(facts.language))});
      return;
    }
    Routine routine;
    routine.procedure = node.procedure;
    routine.definition = definition;
    routine.language = facts.language;
    routine.volatility = facts.volatility;
    routine.body = facts.body;
    routine.origin = {revision_.id, at(node.name.span)};
    std::vector<std::string> identity;
    std::vector<std::string> outputs;
    routine.defaults = facts.defaults;
    routine.variadic = std::any_of(facts.arguments.begin(), facts.arguments.end(), [](const RoutineArgument& argument) { return argument.mode == 'v'; });
    const auto refuse_definition = [&](const std::string& why) {
      diagnostics_.report(DiagnosticKind::InvalidSql, at(span), fmt::format("{} `{}`", kind, to_string(node.name)), why);
    };
    // PostgreSQL's rules for a signature, which it applies when it makes the routine.
    std::set<std::string> argument_names;
    bool defaulted = false;
    for (std::size_t i = 0; i < facts.arguments.size(); ++i) {
      const auto& argument = facts.arguments[i];
      const bool input = argument.mode == 'i' || argument.mode == 'b' || argument.mode == 'v';
      if (!argument.name.empty() && !argument_names.insert(argument.name.substr(0, max_identifier_bytes)).second) {
        return refuse_definition(fmt::format("argument name `{}` is used more than once", argument.name));
      }
      if (input && defaulted && !argument.has_default) {
        return refuse_definition("an input argument after one with a default must have a default too");
      }
      defaulted = defaulted || argument.has_default;
      if (argument.mode == 'v') {
        const bool last_input = std::none_of(facts.arguments.begin() + static_cast<std::ptrdiff_t>(i) + 1, facts.arguments.end(),
                                             [](const RoutineArgument& a) { return a.mode == 'i' || a.mode == 'b' || a.mode == 'v'; });
        if (!last_input) return refuse_definition("a VARIADIC argument must be the last input argument");
        // The polymorphic arrays and "any" take a list too (interpret_function_parameter_list()).
        const std::string_view base = argument.type.names.empty() ? std::string_view() : std::string_view(argument.type.names.back());
        const bool polymorphic = base == "anyarray" || base == "anycompatiblearray" || base == "any";
        if (argument.type.array_dimensions == 0 && !polymorphic) return refuse_definition("a VARIADIC argument must be an array");
      }
    }
    for (const auto& argument : facts.arguments) {
      const auto type = routine_type(argument.type, span, routine.row_types, routine.types);
      if (!type) return;
      const bool input = argument.mode == 'i' || argument.mode == 'b' || argument.mode == 'v' || (node.procedure && argument.mode == 'o');
      if (input) {
        identity.push_back(*type);
        routine.argument_names.push_back(argument.name);
      }
      if (argument.mode == 'o' || argument.mode == 'b' || argument.mode == 't') {
        outputs.push_back(*type);
        routine.outputs += (routine.outputs.empty() ? "" : ", ") + argument.name + " " + *type;
      }
    }
    if (!node.procedure) {
      if (facts.returns) {
        const auto type = routine_type(*facts.returns, span, routine.row_types, routine.types);
        if (!type) return;
        routine.returns = (facts.returns->setof ? "SETOF " : "") + *type;
        const bool table_function = std::any_of(facts.arguments.begin(), facts.arguments.end(), [](const RoutineArgument& a) { return a.mode == 't'; });
        const std::string declared = outputs.empty() || table_function ? routine.returns
                                     : outputs.size() == 1              ? outputs[0]
                                                                        : std::string("record");
        const std::string result = routine.returns.starts_with("SETOF ") ? routine.returns.substr(6) : routine.returns;
        if (!outputs.empty() && !table_function && declared != result) {
          return refuse_definition(fmt::format("its OUT arguments make its result `{}`, not `{}`", declared, routine.returns));
        }
      } else {
        routine.returns = outputs.size() == 1 ? outputs[0] : "record";
      }
      if (routine.returns == "trigger" && facts.language == "sql") return refuse_definition("an SQL function cannot return `trigger`");
      if (routine.returns == "trigger" && !identity.empty()) {
        diagnostics_.report(DiagnosticKind::NotATriggerFunction, at(node.name.span), to_string(node.name),
                            "a trigger function cannot have declared arguments (a trigger passes its own in TG_ARGV)");
        return;
      }
    }
    routine.reads_row_types = !routine.row_types.empty();
    routine.standard_body = facts.standard_body && names_a_relation(schema_, routine.body);
    routine.written_standard = facts.standard_body;
    routine.reads_view_row_types = std::any_of(routine.row_types.begin(), routine.row_types.end(),
                                               [&](const QualifiedName& name) { return schema_.views().contains(name); });
    routine.key = RoutineKey{node.name, joined(identity)};
    const auto old = schema_.routines().find(routine.key);
    if (old != schema_.routines().end()) {
      const Routine& before = old->second;
      const char* old_kind = before.procedure ? "procedure" : "function";
      if (!node.or_replace) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateRoutine, at(node.name.span), old_kind, to_string(routine.key), revision_.id);
        diagnostic.notes.push_back({before.origin.where, fmt::format("created here, by revision {}", before.origin.revision)});
        diagnostic.notes.push_back({{}, "write `create or replace` to give it a new definition"});
        return;
      }
      const auto refuse = [&](const std::string& what) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::RoutineChange, at(node.name.span), old_kind, to_string(routine.key), what);
        diagnostic.notes.push_back({{}, fmt::format("drop it and create it again: `drop {} {}({});` first", old_kind,
                                                    quote_qualified(routine.key.name), routine.key.arguments)});
      };
      if (before.procedure != node.procedure) return refuse(fmt::format("make it a {}", kind));
      if (before.returns != routine.returns || before.outputs != routine.outputs) {
        return refuse(before.returns != routine.returns
                          ? fmt::format("change the result type (from `{}` to `{}`)", before.returns, routine.returns)
                          : std::string("change its OUT or TABLE arguments"));
      }
      if (routine.defaults < before.defaults) return refuse("take away an argument's default");
      for (std::size_t i = 0; i < before.argument_names.size() && i < routine.argument_names.size(); ++i) {
        if (!before.argument_names[i].empty() && before.argument_names[i] != routine.argument_names[i]) {
          return refuse(fmt::format("rename argument `{}`", before.argument_names[i]));
        }
      }
    }
    const bool polymorphic = std::any_of(identity.begin(), identity.end(), [](const std::string& type) { return type.starts_with("any"); });
    if (routine.language == "sql" && (facts.standard_body || !polymorphic) && !body_relations_exist(routine, span, definition)) return;
    if (facts.standard_body) {
      // PostgreSQL keeps a standard body as it analysed it: its stars written out.
      // A `RETURN expr` body is held as the `SELECT expr` it runs: its expression is what is written.
      const std::size_t read_as = routine.body.starts_with("SELECT ") && routine.definition.find(routine.body) == std::string::npos ? 7 : 0;
      const std::size_t body_at = routine.definition.rfind(std::string_view(routine.body).substr(read_as));
      if (body_at != std::string::npos && body_at >= read_as) {
        auto body = with_stars_expanded(routine.body, select_stars(routine.body), span, "an SQL-standard body", 0, body_at - read_as);
        if (!body) return;
        routine.definition.replace(body_at, routine.body.size() - read_as, std::string_view(*body).substr(read_as));
        routine.body = std::move(*body);
      }
    }
    emit(op::CreateRoutine{std::move(routine), old != schema_.routines().end()});
  }

  // PostgreSQL analyses an SQL routine's statements as it makes it (check_function_bodies, on
  // by default; a standard body always; a quoted one not when an argument is polymorphic):
  // every table or view they name must exist by then. pg_dump's order, functions before
  // tables, fails here as it would at deploy.
  bool body_relations_exist(const Routine& routine, Span span, std::string_view definition) {
    // `set search_path = ...` of its own: its unqualified names are looked for there, not in the chain's schema.
    if (mentions_identifier(definition, "search_path")) return true;
    const std::size_t body_at = definition.find(routine.body);
    for (const auto& relation : relations_in_routine_body(routine.body)) {
      const auto& names = relation.names;
      if (names.size() > 2 || (names.size() == 1 && names[0].starts_with("pg_"))) continue;  // the catalog's, or another database's
      if (names.size() == 2 && (names[0] == "pg_catalog" || names[0] == "information_schema" || names[0].starts_with("pg_"))) continue;
      const QualifiedName name = qualified(names);
      if (schema_.find_table(name) != nullptr || schema_.views().contains(name) || schema_.sequences().contains(name)) continue;
      // A standard body is kept as PostgreSQL's parser reads it, not as written: its name's first place in the definition.
      const std::size_t written_at = body_at != std::string_view::npos ? body_at + relation.offset : definition.rfind(names.back());
      const Span where = written_at == std::string_view::npos ? span : name_at(span, definition, written_at);
      const auto site = sites_.relations.find(name);
      auto& diagnostic = report_unknown(DiagnosticKind::UnknownTable, where, to_string(name), names_of(schema_.tables()),
                                        site == sites_.relations.end() ? nullptr : &site->second);
      diagnostic.notes.push_back({{}, "PostgreSQL reads an SQL function's statements when it makes the function: create what they "
                                      "name first (a PL/pgSQL body is read only when it runs)"});
      return false;
    }
    return true;
  }

  // The function or procedure `name` names (by its argument types when written), of the kind
  // written; null, reported (a lint only when `if_exists`), when there is none. `statement`
  // ("drop", "comment on") is what a note tells to write instead.
  const Routine* find_routine(const ast::ObjectName& name, const std::optional<ast::Expression>& arguments, bool procedure, bool if_exists,
                              std::string_view statement) {
    const char* kind = procedure ? "procedure" : "function";
    const std::vector<const Routine*> named = routines_named(name);
    const auto candidates = [&] {
      std::vector<std::string> names;
      for (const auto& [key, _] : schema_.routines()) names.push_back(to_string(key.name));
      return names;
    };
    const Routine* routine = nullptr;
    std::string shown = to_string(name);
    if (arguments) {
      const Span span = arguments->span;
      const ArgumentTypes types = read_argument_types(revision_.file->slice(span), procedure);
      if (types.error) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(within(span, types.error->offset)), fmt::format("{} `{}`'s arguments", kind, shown),
                            types.error->message);
        return nullptr;
      }
      std::vector<std::string> identity;
      std::set<QualifiedName> row_types, user_types;
      for (const auto& type : types.types) {
        const auto resolved = routine_type(type, span, row_types, user_types);
        if (!resolved) return nullptr;
        identity.push_back(*resolved);
      }
      const RoutineKey key{name, joined(identity)};
      shown = to_string(key);
      if (const auto found = schema_.routines().find(key); found != schema_.routines().end()) routine = &found->second;
    } else if (named.size() > 1) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousRoutine, at(name.span), kind, shown, revision_.id);
      for (const Routine* overload : named) diagnostic.notes.push_back({overload->origin.where, fmt::format("`{}` is one", to_string(overload->key))});
      return nullptr;
    } else if (named.size() == 1) {
      routine = named[0];
    }
    if (routine == nullptr) {
      if (if_exists) {
        nothing_to_drop(name.span, fmt::format("{} `{}` does not exist", kind, shown), name.name, candidates());
        return nullptr;
      }
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownRoutine, at(name.span), kind, shown, revision_.id);
      for (const Routine* overload : named) diagnostic.notes.push_back({overload->origin.where, fmt::format("`{}` exists", to_string(overload->key))});
      if (named.empty()) {
        if (const std::string guess = closest_match(to_string(name), candidates()); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
      }
      return nullptr;
    }
    if (routine->procedure != procedure) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownRoutine, at(name.span), kind, shown, revision_.id);
      diagnostic.notes.push_back({routine->origin.where, fmt::format("`{}` is a {}: write `{} {}`", to_string(routine->key),
                                                                     routine->procedure ? "procedure" : "function", statement,
                                                                     routine->procedure ? "procedure" : "function")});
      return nullptr;
    }
    return routine;
  }

  void operator()(const ast::DropRoutine& node) {
    const char* kind = node.procedure ? "procedure" : "function";
    const Routine* routine = find_routine(node.name, node.arguments, node.procedure, node.if_exists, "drop");
    if (routine == nullptr) return;
    const auto triggers = schema_.triggers_calling(routine->key);
    if (!triggers.empty() && !node.cascade) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), kind, to_string(routine->key),
                                             fmt::format("trigger `{}` on `{}`", triggers.front()->key.name, triggers.front()->key.table));
      diagnostic.notes.push_back({{}, fmt::format("drop the trigger first, or write `drop {} ... cascade`, whose way back makes it again", kind)});
      return;
    }
    // PostgreSQL records what a default, a check, an index or a view calls. Which overload a
    // call binds to is its to say: while another of the name remains, the call may be to that.
    const QualifiedName& name = routine->key.name;
    if (routines_named(node.name).size() > 1) {
      emit(op::DropRoutine{routine->key, routine->procedure, node.cascade});
      return;
    }
    const auto calls = [&](const std::vector<SqlNameReference>& functions) {
      return std::any_of(functions.begin(), functions.end(), [&](const SqlNameReference& used) { return qualified(used.names) == name; });
    };
    const auto users = expressions_using([&](const ExpressionFacts& facts) { return calls(facts.functions); });
    std::string user = users.empty() ? std::string() : users[0].owner;
    for (const auto& [view_name, view] : schema_.views()) {
      if (user.empty() && mentions_identifier(view.query, name.name)) user = fmt::format("view `{}`", view_name);
    }
    // A policy's or a trigger's condition, and an SQL-standard body, which PostgreSQL binds too.
    // (With `cascade` they go as the triggers calling it do.)
    for (const auto& [owner, facts] : user.empty() && !node.cascade ? kept_statement_names() : decltype(kept_statement_names()){}) {
      if (user.empty() && calls(facts.functions)) user = owner;
    }
    for (const auto& [key, other] : schema_.routines()) {
      if (user.empty() && !node.cascade && other.written_standard && key.name != name && mentions_identifier(other.body, name.name)) {
        user = fmt::format("function `{}`", to_string(key));
      }
    }
    if (!user.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(node.name.span), kind, to_string(routine->key), user);
      diagnostic.notes.push_back({{}, "change or drop that first"});
      return;
    }
    emit(op::DropRoutine{routine->key, routine->procedure, node.cascade});
  }

  void operator()(const ast::CreateTrigger& node) {
    if (!check_name(node.name)) return;
    const Span span = node.definition.span;
    const std::string definition(revision_.file->slice(span));
    const TriggerFacts facts = read_trigger(definition);
    if (facts.error) {
      report_sql_error(span, fmt::format("trigger `{}`", node.name.text), *facts.error);
      return;
    }
    // The functions and types of its condition exist; what PostgreSQL refuses in one is refused.
    const std::string prefix = "CREATE TRIGGER t ";
    if (!names_exist(span, definition, names_in_statements(prefix + definition, prefix.size()), "a trigger's condition", false)) return;
    const QualifiedName table_name = qualified(facts.table);
    const Span table_span{within(span, facts.table_offset).begin, std::max(within(span, facts.table_offset).end,
                                                                           within(span, facts.table_end > 0 ? facts.table_end - 1 : 0).end)};
    const Table* table = schema_.find_table(table_name);
    if (table == nullptr) {
      if (schema_.views().contains(table_name)) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(table_span), to_string(table_name), revision_.id);
        diagnostic.notes.push_back({{}, "it is a view: the language makes triggers on tables; one on a view stays a raw step"});
        return;
      }
      report_unknown(DiagnosticKind::UnknownTable, table_span, to_string(table_name), names_of(schema_.tables()),
                     sites_.relations.contains(table_name) ? &sites_.relations.at(table_name) : nullptr);
      return;
    }
    const std::string what = fmt::format("trigger `{}`", node.name.text);
    // PostgreSQL's rules for a table's trigger, which it applies when it makes it.
    const auto refuse = [&](Span where, const std::string& why) { diagnostics_.report(DiagnosticKind::InvalidSql, at(where), what, why); };
    if (facts.instead_of) return refuse(node.name.span, "an INSTEAD OF trigger is a view's; a table's fires BEFORE or AFTER");
    if (facts.when_subquery) return refuse(within(span, *facts.when_subquery), "a trigger's WHEN condition cannot hold a subquery");
    if (facts.on_truncate && facts.row) return refuse(span, "a TRUNCATE trigger fires FOR EACH STATEMENT only");
    if (facts.transition_tables) {
      const int events = int{facts.on_insert} + int{facts.on_update} + int{facts.on_delete};
      if (facts.before) return refuse(span, "only an AFTER trigger can have transition tables (REFERENCING)");
      if (!facts.columns.empty()) return refuse(span, "a trigger with transition tables cannot name columns (`update of`)");
      if (events > 1) return refuse(span, "a trigger with transition tables fires on one event only");
      if (facts.old_table && !facts.on_update && !facts.on_delete) return refuse(span, "OLD TABLE is for an UPDATE or DELETE trigger");
      if (facts.new_table && !facts.on_insert && !facts.on_update) return refuse(span, "NEW TABLE is for an INSERT or UPDATE trigger");
    }
    Trigger trigger;
    trigger.key = TriggerKey{table->name, node.name.text};
    for (const auto& column : facts.columns) {
      if (table->find_column(column) == nullptr) {
        diagnostics_.report(DiagnosticKind::UnknownColumn, at(node.name.span), column, in_table(table->name), revision_.id);
        return;
      }
      if (!trigger.columns.insert(column).second) return refuse(span, fmt::format("`update of` names column `{}` twice", column));
    }
    for (const auto& reference : facts.when) {
      const bool row = !reference.names.empty() && reference.names.size() <= 2 && (reference.names[0] == "new" || reference.names[0] == "old");
      if (row && facts.row && reference.names[0] == "old" && facts.on_insert) {
        return refuse(within(span, reference.offset), "an INSERT trigger's WHEN condition cannot read OLD");
      }
      if (row && facts.row && reference.names[0] == "new" && facts.on_delete) {
        return refuse(within(span, reference.offset), "a DELETE trigger's WHEN condition cannot read NEW");
      }
      // `new.*`: the whole row.
      if (row && facts.row && reference.names.size() == 1) continue;
      if (row && facts.row && is_system_column(reference.names[1])) continue;
      if (!row || !facts.row) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(within(span, reference.offset)), fmt::format("trigger `{}`", node.name.text),
                            facts.row ? "a trigger's WHEN condition reads its row's columns as NEW.column or OLD.column"
                                      : "a statement trigger's WHEN condition cannot read column values");
        return;
      }
      const Column* column = table->find_column(reference.names[1]);
      if (column == nullptr) {
        diagnostics_.report(DiagnosticKind::UnknownColumn, at(within(span, reference.offset)), reference.names[1], in_table(table->name), revision_.id);
        return;
      }
      if (facts.before && reference.names[0] == "new" && column->generated_sql) {
        return refuse(within(span, reference.offset), "a BEFORE trigger's WHEN condition cannot read a generated column of NEW");
      }
      trigger.columns.insert(reference.names[1]);
    }
    const QualifiedName function_name = qualified(facts.function);
    const Span function_span = within(span, facts.function_offset);
    const auto function = schema_.routines().find(RoutineKey{function_name, ""});
    if (function == schema_.routines().end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownFunction, at(function_span), to_string(function_name) + "()", revision_.id);
      diagnostic.notes.push_back({{}, "a trigger's function is the chain's own: `create function ... returns trigger` first"});
      return;
    }
    if (function->second.procedure || function->second.returns != "trigger") {
      diagnostics_.report(DiagnosticKind::NotATriggerFunction, at(function_span), to_string(function->first),
                          function->second.procedure ? std::string("it is a procedure")
                                                     : fmt::format("it returns `{}`, not `trigger`", function->second.returns));
      return;
    }
    trigger.function = function->first;
    const auto trim = [](std::string_view text) {
      const auto begin = text.find_first_not_of(" \t\r\n");
      if (begin == std::string_view::npos) return std::string();
      return std::string(text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1));
    };
    trigger.before_table = trim(std::string_view(definition).substr(0, facts.table_offset));
    trigger.after_table = trim(std::string_view(definition).substr(std::min(facts.table_end, definition.size())));
    trigger.origin = {revision_.id, at(node.name.span)};
    const auto old = schema_.triggers().find(trigger.key);
    if (old != schema_.triggers().end() && !node.or_replace) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateTrigger, at(node.name.span), node.name.text, table->name, revision_.id);
      diagnostic.notes.push_back({old->second.origin.where, fmt::format("created here, by revision {}", old->second.origin.revision)});
      return;
    }
    emit(op::CreateTrigger{std::move(trigger), old != schema_.triggers().end()});
  }

  const Trigger* find_trigger(const Table& table, const ast::Name& name, bool if_exists) {
    const auto found = schema_.triggers().find(TriggerKey{table.name, name.text});
    if (found != schema_.triggers().end()) return &found->second;
    std::vector<std::string> names;
    for (const Trigger* trigger : schema_.triggers_on(table.name)) names.push_back(trigger->key.name);
    if (if_exists) {
      nothing_to_drop(name.span, fmt::format("table `{}` has no trigger `{}`", table.name, name.text), name.text, names);
      return nullptr;
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTrigger, at(name.span), name.text, table.name, revision_.id);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  void operator()(const ast::DropTrigger& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const Trigger* trigger = find_trigger(*table, node.name, node.if_exists);
    if (trigger == nullptr) return;
    emit(op::DropTrigger{trigger->key});
  }

  void operator()(const ast::CreatePolicy& node) {
    if (!check_name(node.name)) return;
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    Policy policy;
    policy.key = PolicyKey{table->name, node.name.text};
    policy.origin = {revision_.id, at(node.name.span)};
    if (node.definition) {
      const Span span = node.definition->span;
      policy.definition = std::string(revision_.file->slice(span));
      const PolicyFacts facts = read_policy(policy.definition);
      const std::string what = fmt::format("policy `{}`", node.name.text);
      if (facts.error) {
        report_sql_error(span, what, *facts.error);
        return;
      }
      // PostgreSQL's rules for which expressions a command's policy takes.
      if (facts.check_expression && (facts.command == "select" || facts.command == "delete")) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(span), what, "a SELECT or DELETE policy takes only a USING expression");
        return;
      }
      if (facts.using_expression && facts.command == "insert") {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(span), what, "an INSERT policy takes only a WITH CHECK expression");
        return;
      }
      for (const auto& reference : facts.columns) {
        const auto& names = reference.names;
        const bool own = names.size() == 1 || (names.size() == 2 && names[0] == table->name.name);
        if (!own) continue;
        if (table->find_column(names.back()) == nullptr) {
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(within(span, reference.offset)), names.back(),
                                                 in_table(table->name), revision_.id);
          std::vector<std::string> columns;
          for (const auto& column : table->columns) columns.push_back(column.name);
          if (const std::string guess = closest_match(names.back(), columns); !guess.empty()) {
            diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
          }
          return;
        }
        policy.columns.insert(names.back());
      }
      // Its functions and types exist; what PostgreSQL refuses in a policy's expressions is refused.
      const std::string prefix = "CREATE POLICY p ON t ";
      if (!names_exist(span, policy.definition, names_in_statements(prefix + policy.definition, prefix.size()), what, false)) return;
      auto expanded = with_stars_expanded(policy.definition, select_stars(prefix + policy.definition), span, "a policy", prefix.size());
      if (!expanded) return;
      policy.definition = std::move(*expanded);
    }
    if (const auto old = schema_.policies().find(policy.key); old != schema_.policies().end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicatePolicy, at(node.name.span), node.name.text, table->name, revision_.id);
      diagnostic.notes.push_back({old->second.origin.where, fmt::format("created here, by revision {}", old->second.origin.revision)});
      return;
    }
    emit(op::CreatePolicy{std::move(policy)});
  }

  void operator()(const ast::DropPolicy& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const auto found = schema_.policies().find(PolicyKey{table->name, node.name.text});
    if (found == schema_.policies().end()) {
      std::vector<std::string> names;
      for (const Policy* policy : schema_.policies_on(table->name)) names.push_back(policy->key.name);
      if (node.if_exists) {
        return nothing_to_drop(node.name.span, fmt::format("table `{}` has no policy `{}`", table->name, node.name.text), node.name.text, names);
      }
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownPolicy, at(node.name.span), node.name.text, table->name, revision_.id);
      if (const std::string guess = closest_match(node.name.text, names); !guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      return;
    }
    emit(op::DropPolicy{found->first});
  }

  // PostgreSQL keeps foreign keys between a logged table and an unlogged one from being made
  // either way (ATPrepChangePersistence): a key to itself does not count.
  void operator()(const ast::SetLogged& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const bool changes = table->unlogged == node.logged;
    if (changes && node.logged) {
      for (const auto& constraint : table->constraints) {
        if (constraint.kind != ConstraintKind::foreign_key || constraint.referenced_table == table->name) continue;
        const Table* target = schema_.find_table(constraint.referenced_table);
        if (target != nullptr && target->unlogged) {
          diagnostics_.report(DiagnosticKind::UnloggedReference, at(node.span),
                              fmt::format("`{}` cannot be made logged: its foreign key `{}` references unlogged table `{}`", table->name,
                                          constraint.name, target->name));
          return;
        }
      }
    } else if (changes) {
      for (const auto& name : schema_.referencing(table->name)) {
        const Table* other = schema_.find_table(name);
        if (other == nullptr || other->unlogged) continue;
        for (const auto& constraint : other->constraints) {
          if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table->name) {
            diagnostics_.report(DiagnosticKind::UnloggedReference, at(node.span),
                                fmt::format("`{}` cannot be made unlogged: logged table `{}` references it (foreign key `{}`)", table->name,
                                            name, constraint.name));
            return;
          }
        }
      }
    }
    emit(op::SetLogged{table->name, node.logged});
  }

  void operator()(const ast::SetRowSecurity& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    using Change = ast::SetRowSecurity::Change;
    const bool forced = node.change == Change::force || node.change == Change::no_force;
    emit(op::SetRowSecurity{table->name, forced, node.change == Change::enable || node.change == Change::force});
  }

  void operator()(const ast::EnableTrigger& node) {
    const Table* table = find_table(node.table);
    if (table == nullptr) return;
    const bool named_so = schema_.triggers().contains(TriggerKey{table->name, node.trigger.text});
    if (!named_so && node.trigger.text == "user") {
      for (const Trigger* trigger : schema_.triggers_on(table->name)) emit(op::EnableTrigger{trigger->key, node.enabled});
      return;
    }
    if (!named_so && node.trigger.text == "all") {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.trigger.span),
                          fmt::format("`{} trigger all` switches the triggers behind the foreign keys too, which migc does not "
                                      "model: name the triggers, or write `{} trigger user`",
                                      node.enabled ? "enable" : "disable", node.enabled ? "enable" : "disable"));
      return;
    }
    const Trigger* trigger = find_trigger(*table, node.trigger, false);
    if (trigger == nullptr) return;
    emit(op::EnableTrigger{trigger->key, node.enabled});
  }

  void operator()(const ast::RenameView& node) {
    // ALTER VIEW and ALTER MATERIALIZED VIEW rename either's column alike.
    const auto either = schema_.views().find(node.view);
    if (node.column && either != schema_.views().end()) return rename_view_column(either->second, *node.column, node.new_name);
    const View* view = find_view(node.view, node.materialized);
    if (view == nullptr) return;
    const QualifiedName new_name = beside(view->name, node.new_name.text);
    if (!check_name(node.new_name) || !check_new_relation(node.new_name.span, new_name, DiagnosticKind::DuplicateTable)) return;
    if (!check_not_a_type(node.new_name.span, new_name) || !views_follow_rename(node.new_name.span, view->name, new_name)) return;
    emit(op::RenameView{view->name, node.new_name.text, view->materialized});
  }

  static std::string in_view(const View& view) {
    return fmt::format("{} `{}`", view.materialized ? "materialized view" : "view", view.name);
  }

  // A column of a materialized view an index can name: one whose type the compiler knows.
  bool typed_view_column(const View& view, const ast::Name& name) {
    const ViewColumn* column = find_view_column(view, name);
    if (column == nullptr) return false;
    if (column->type) return true;
    diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(name.span),
                        fmt::format("migc cannot tell the type of column `{}` of {}, and so what indexes it: cast it in the view's "
                                    "query (`(...)::integer as {}`) to index it",
                                    column->name, in_view(view), column->name));
    return false;
  }

  const ViewColumn* find_view_column(const View& view, const ast::Name& name) {
    if (const auto found = std::ranges::find(view.columns, name.text, &ViewColumn::name); found != view.columns.end()) return &*found;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name.span), name.text, in_view(view), revision_.id);
    std::vector<std::string> names;
    for (const auto& candidate : view.columns) names.push_back(candidate.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  void rename_view_column(const View& view, const ast::Name& column, const ast::Name& new_name) {
    const ViewColumn* found = find_view_column(view, column);
    if (found == nullptr || !check_name(new_name)) return;
    if (std::ranges::find(view.columns, new_name.text, &ViewColumn::name) != view.columns.end()) {
      diagnostics_.report(DiagnosticKind::DuplicateColumn, at(new_name.span), new_name.text, in_view(view));
      return;
    }
    // PostgreSQL would follow the rename in a reading view's stored tree; the compiler keeps its
    // query as written, as for a table's column.
    if (const View* reader = view_using(view.name, column.text)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UsedByView, at(column.span), column.text, view.name, reader->name,
                                             "migc keeps a view's query as written, and does not follow a column's rename into it");
      diagnostic.notes.push_back({{}, "drop the view first, and create it again after with the new name"});
      return;
    }
    if (!no_bound_routine(column.span, view.name, column.text, "migc keeps the body as written, and does not follow the rename into it")) return;
    for (const QualifiedName& index_name : schema_.indexes_of(view.name)) {
      const Index& index = schema_.indexes().at(index_name);
      const bool in_expression = mentions_identifier(index.where_sql, column.text) ||
                                 std::ranges::any_of(index.keys, [&](const IndexKey& key) { return mentions_identifier(key.expression, column.text); });
      if (!in_expression) continue;
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(column.span),
                          fmt::format("column `{}` is named by an expression of index `{}`: drop the index first, and create it again after "
                                      "with the new name",
                                      column.text, index_name));
      return;
    }
    // The view is then written with its column names after its own, up to the renamed one.
    const auto position = static_cast<std::size_t>(found - view.columns.data());
    std::vector<std::string> names = view.column_names;
    for (std::size_t i = names.size(); i <= position; ++i) names.push_back(view.columns[i].name);
    names[position] = new_name.text;
    emit(op::RenameViewColumn{view.name, column.text, new_name.text, view.materialized, view.column_names, std::move(names)});
  }

  void operator()(const ast::SetViewDefault& node) { set_view_default(node.view, node.column, node.value, node.materialized); }

  void set_view_default(const ast::ObjectName& name, const ast::Name& column_name, const std::optional<ast::Expression>& expression,
                        bool materialized) {
    const auto found = schema_.views().find(name);
    if (found != schema_.views().end() && found->second.materialized) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(column_name.span),
                          fmt::format("materialized view `{}` cannot have column defaults: nothing inserts through it", found->second.name));
      return;
    }
    const View* view = find_view(name, materialized);
    if (view == nullptr) return;
    const ViewColumn* column = find_view_column(*view, column_name);
    if (column == nullptr) return;
    std::optional<std::string> value;
    if (expression) {
      value = expression_sql(*expression, "a default", nullptr);
      if (!value || (column->type && !default_fits(*expression, *value, *column->type))) return;
      if (!fits_column_default(*value)) value = "(" + *value + ")";
    }
    emit(op::SetViewDefault{view->name, column->name, std::move(value)});
  }

  void operator()(const ast::RefreshView& node) {
    const View* view = find_view(node.name, true);
    if (view == nullptr) return;
    if (node.concurrently) {
      // PostgreSQL refreshes concurrently only a populated materialized view with a unique index
      // on plain columns and all its rows (the rows are compared through it).
      const auto& names = schema_.indexes_of(view->name);
      const bool keyed = std::ranges::any_of(names, [&](const QualifiedName& name) {
        const Index& index = schema_.indexes().at(name);
        return index.unique && index.where_sql.empty() && std::ranges::all_of(index.keys, [](const IndexKey& key) { return key.expression.empty(); });
      });
      std::string refused;
      if (!node.with_data) refused = "`concurrently` and `with no data` cannot be used together";
      else if (!view->with_data) refused = fmt::format("`{}` is not populated (`with no data`): refresh it without `concurrently` first", view->name);
      else if (!keyed) refused = fmt::format("`concurrently` needs a unique index on `{}` of plain columns, without `where`: create one first, or refresh it without `concurrently`", view->name);
      if (!refused.empty()) {
        diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.span), fmt::format("cannot refresh materialized view concurrently: {}", refused));
        return;
      }
    }
    if (node.with_data && !reads_populated(*view, node.span)) return;
    emit(op::RefreshView{view->name, node.concurrently, node.with_data});
  }

 private:
  void emit(Operation operation) { emit_({std::move(operation), line_}); }

  // `drop ... if exists` of what does not exist at this revision: it lowers to nothing, and says
  // so, with the name it may have meant: `written` is the name as `candidates` spell theirs.
  void nothing_to_drop(Span span, const std::string& what, const std::string& written, const std::vector<std::string>& candidates) {
    Diagnostic* diagnostic = lint(DiagnosticKind::NothingToDrop, span, what, revision_.id);
    if (diagnostic == nullptr) return;
    if (const std::string guess = closest_match(written, candidates); !guess.empty()) {
      diagnostic->notes.insert(diagnostic->notes.begin(), {{}, fmt::format("did you mean `{}`?", guess)});
    }
  }

  void report_unknown_constraint(const Table& table, const ast::Name& name) {
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownConstraint, at(name.span), name.text, table.name, revision_.id);
    std::vector<std::string> names;
    for (const auto& constraint : table.constraints) names.push_back(constraint.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
  }

  // PostgreSQL refuses a second constraint of one name on a table.
  bool check_new_constraint_name(const Table& table, const ast::Name& name) {
    const bool taken = std::any_of(table.constraints.begin(), table.constraints.end(),
                                   [&](const Constraint& c) { return c.name == name.text; });
    if (taken) diagnostics_.report(DiagnosticKind::DuplicateConstraint, at(name.span), name.text, table.name);
    return !taken;
  }

  static bool has_index(const Constraint& constraint) {
    return constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique;
  }

  // The table whose primary key or unique constraint has the index `name`, if one has. The
  // tables are searched only when such an index exists.
  const Table* table_of_constraint_index(const QualifiedName& name) const {
    if (schema_.relation_kind(name) == nullptr) return nullptr;
    for (const auto& [table_name, table] : schema_.tables()) {
      if (table_name.schema != name.schema) continue;
      for (const auto& constraint : table.constraints) {
        if (has_index(constraint) && constraint.name == name.name) return &table;
      }
    }
    return nullptr;
  }

  // What dropping `column` of `table` would break: a foreign key elsewhere that references it.
  // The serial or identity column whose own sequence `sequence` is, if any.
  const Column* column_owning(const QualifiedName& sequence) const {
    for (const auto& [_, table] : schema_.tables()) {
      for (const auto& column : table.columns) {
        if (column.owned_sequence == sequence) return &column;
      }
    }
    return nullptr;
  }

  // Whether the sequence of a serial or identity column of `table` (`column` empty: of any) can
  // go with it: not while a view names it (`'t_id_seq'::regclass`).
  bool owned_sequence_unread(const Table& table, const std::string& column, Span span) {
    for (const auto& owner : table.columns) {
      if (!owner.owned_sequence || (!column.empty() && owner.name != column)) continue;
      if (const auto readers = schema_.views_reading(*owner.owned_sequence); !readers.empty()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), "sequence", *owner.owned_sequence,
                                               fmt::format("view `{}`", readers.front()->name));
        diagnostic.notes.push_back({{}, fmt::format("it is column `{}.{}`'s own sequence, and goes with it: drop or change that view first",
                                                    table.name, owner.name)});
        return false;
      }
      // A default (or other kept expression) calling nextval() of it, but those that go too.
      const auto calls_it = [&](const ExpressionFacts& facts) {
        return std::ranges::any_of(facts.sequences, [&](const SqlNameReference& used) { return qualified(used.names) == *owner.owned_sequence; });
      };
      for (const auto& expression : expressions_using(calls_it)) {
        const bool goes_too = std::visit(
            [&](const auto& removal) {
              using Removal = std::decay_t<decltype(removal)>;
              if constexpr (std::is_same_v<Removal, op::SetDefault> || std::is_same_v<Removal, op::DropColumn>) {
                return removal.table == table.name && (column.empty() || removal.column == column);
              } else if constexpr (std::is_same_v<Removal, op::DropConstraint>) {
                return removal.table == table.name && column.empty();
              } else if constexpr (std::is_same_v<Removal, op::DropIndex>) {
                const auto index = schema_.indexes().find(removal.name);
                return column.empty() && index != schema_.indexes().end() && index->second.table == table.name;
              } else {
                return false;
              }
            },
            expression.removal);
        if (goes_too) continue;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), "sequence", *owner.owned_sequence, expression.owner);
        diagnostic.notes.push_back({{}, fmt::format("it is column `{}.{}`'s own sequence, and goes with it; {} calls nextval() of it: change "
                                                    "or drop that first",
                                                    table.name, owner.name, expression.owner)});
        return false;
      }
    }
    return true;
  }

  bool check_drop_column(const Table& table, const std::string& column, Span span) {
    if (!owned_sequence_unread(table, column, span)) return false;
    if (const Column* generated = generated_user(table, column)) {
      diagnostics_.report(DiagnosticKind::ExpressionUsesColumn, at(span), column, fmt::format("generated column `{}`", generated->name),
                          "drop");
      return false;
    }
    for (const auto& name : schema_.referencing(table.name)) {
      for (const auto& constraint : schema_.tables().at(name).constraints) {
        const auto& referenced = constraint.referenced_columns;
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table.name &&
            std::find(referenced.begin(), referenced.end(), column) != referenced.end()) {
          diagnostics_.report(DiagnosticKind::StillReferenced, at(span), "column", column,
                              fmt::format("foreign key `{}` on table `{}`", constraint.name, name));
          return false;
        }
      }
    }
    return true;
  }

  struct PendingConstraint {
    const ast::TableConstraint* syntax = nullptr;  // null for a column's own constraint
    ConstraintKind kind;
    const ast::ColumnDefinition* column = nullptr;
  };

  // Columns a statement drops or renames, or of a table it drops or renames, are no longer
  // known to be this revision's own: another may take their name.
  void forget_added_columns(const ast::Statement& statement) {
    std::visit([&](const auto& node) {
      using Node = std::decay_t<decltype(node)>;
      const ast::ObjectName* table = nullptr;
      if constexpr (std::is_same_v<Node, ast::DropColumn> || std::is_same_v<Node, ast::RenameColumn> ||
                    std::is_same_v<Node, ast::RenameTable>) {
        table = &node.table;
      } else if constexpr (std::is_same_v<Node, ast::DropTable>) {
        table = &node.name;
      }
      if (table == nullptr) return;
      const QualifiedName name = *table;
      std::erase_if(added_here_, [&](const auto& added) { return added.first == name; });
    }, statement);
  }

  // Whether a row given no value for `column` (or `default`) can be stored: it has a value to
  // take, or may be null.
  bool default_fills(const Column& column) const {
    return !(column.not_null || domain_not_null(column.type)) || column.default_sql || column.generated_sql ||
           column.identity != Identity::none || column.owned_sequence || domain_default(column.type);
  }

  bool refused_default(const Table& table, const Column& column, const ast::Expression& value) {
    if (!is_default_keyword(value) || default_fills(column)) return false;
    diagnostics_.report(DiagnosticKind::InvalidValue, at(value.span), revision_.file->slice(value.span), base_type(column.type).sql(),
                        fmt::format("column `{}` of `{}` is not null and has no default: `default` is null there", column.name, table.name));
    return true;
  }

  // `default`, or `(default)`, which PostgreSQL reads alike.
  bool is_default_keyword(const ast::Expression& expression) const {
    std::string word;
    for (const char c : std::string_view(revision_.file->slice(expression.span))) {
      if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')') word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return word == "default";
  }

  // A column a data step gives a value: once only, and not one PostgreSQL computes itself.
  // `default` as the value: what PostgreSQL computes takes it.
  bool assignable(const Table& table, const Column& column, const ast::Name& name, std::set<std::string>& given,
                  bool overriding_system_value = false, bool given_default = false) {
    if (!given.insert(column.name).second) {
      diagnostics_.report(DiagnosticKind::DuplicateAssignment, at(name.span), column.name);
      return false;
    }
    if (given_default) return true;
    const char* computed = column.generated_sql ? "a generated column"
                           : column.identity == Identity::always && !overriding_system_value ? "an identity column `generated always`"
                                                                 : nullptr;
    if (computed != nullptr) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ColumnNotAssignable, at(name.span), column.name, table.name, computed);
      diagnostic.notes.push_back({{}, column.generated_sql ? "`default` is the one value it takes"
                                                           : "give it `default`, or (in an insert) a value with `overriding system value` before `values`"});
      return false;
    }
    return true;
  }

  // `column = <expression>`, ...: each column of `table`, each value one expression of its row
  // (naming its columns, or those of `aliases`' rows) and of its column's type.
  std::optional<std::vector<op::Assignment>> check_assignments(const Table& table, const std::vector<ast::Assignment>& assignments,
                                                               std::string_view what, std::span<const std::string_view> aliases) {
    std::vector<op::Assignment> checked;
    std::set<std::string> given;
    for (const auto& assignment : assignments) {
      const Column* column = find_column(table, assignment.column);
      if (column == nullptr || !assignable(table, *column, assignment.column, given, false, is_default_keyword(assignment.value))) return std::nullopt;
      if (refused_default(table, *column, assignment.value)) return std::nullopt;
      auto sql = row_expression_sql(assignment.value, what, table, aliases);
      if (!sql || !value_fits(assignment.value, *sql, column->type, column->not_null || domain_not_null(column->type))) return std::nullopt;
      // Of the row's columns too (`set n = excluded.email`).
      const auto row_column_type = [&](const std::vector<std::string>& names) -> std::optional<SqlType> {
        const bool of_row = names.size() == 1 || (names.size() == 2 && (names[0] == table.name.name || std::ranges::count(aliases, names[0]) > 0));
        const Column* found = of_row ? table.find_column(names.back()) : nullptr;
        return found == nullptr ? std::nullopt : sql_type(found->type);
      };
      const ExpressionTyping typed = type_expression(*sql, typing_context(row_column_type));
      if (!typing_holds(assignment.value.span, *sql, typed) || !assigns_to(assignment.value, typed.type, column->type)) return std::nullopt;
      checked.push_back({column->name, std::move(*sql)});
    }
    return checked;
  }

  // An expression about one row of `table` (an updated value, a condition): one expression
  // whose columns, outside subqueries, are the table's, written bare or after its name (or
  // after one of `aliases`, as `excluded`); the tables its subqueries read must exist. What a
  // subquery does with them is PostgreSQL's to judge.
  std::optional<std::string> row_expression_sql(const ast::Expression& expression, std::string_view what, const Table& table,
                                                std::span<const std::string_view> aliases) {
    std::string text(revision_.file->slice(expression.span));
    const auto facts = read_fragment(expression, text, what);
    if (!facts || !names_exist(expression.span, text, *facts, what, false)) return std::nullopt;
    const RowExpressionNames names = row_expression_names(text);
    bool known = true;
    for (const auto& reference : names.columns) {
      const std::vector<std::string>& parts = reference.names;
      const std::string_view qualifier = parts.size() == 2 ? std::string_view(parts[0]) : std::string_view();
      const bool this_row = parts.size() == 1 || (parts.size() == 2 && (qualifier == table.name.name ||
                                                                      std::find(aliases.begin(), aliases.end(), qualifier) != aliases.end())) ||
                            (parts.size() == 3 && parts[0] == (table.name.schema.empty() ? "public" : table.name.schema) &&
                             parts[1] == table.name.name);
      // The row itself (`row_to_json(t)`, `excluded`), where no column has its name.
      if (parts.size() == 1 && (parts[0] == table.name.name || std::ranges::count(aliases, parts[0]) > 0) && table.find_column(parts[0]) == nullptr) {
        continue;
      }
      // `on conflict do update` reads two rows with the table's columns: the table's and `excluded`.
      if (parts.size() == 1 && !aliases.empty()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousColumn, at(name_at(expression.span, text, reference.offset)),
                                               parts[0], what);
        diagnostic.notes.push_back({{}, fmt::format("the row in the table and `{}` both have it: write `{}.{}` or `{}.{}`", aliases.front(),
                                                    quote_identifier(table.name.name), quote_identifier(parts[0]), aliases.front(),
                                                    quote_identifier(parts[0]))});
        known = false;
        continue;
      }
      if (!this_row) {
        const std::string shown = fmt::format("{}", fmt::join(parts.begin(), parts.end() - 1, "."));
        auto& diagnostic = diagnostics_.report(
            DiagnosticKind::ForeignReference, at(name_at(expression.span, text, reference.offset)), what, table.name,
            aliases.empty() ? std::string() : fmt::format(" and of `{}`", fmt::join(aliases, "`, `")), shown);
        diagnostic.notes.push_back({{}, "read another table in a subquery: `(select ... from <table> where ...)`"});
        known = false;
        continue;
      }
      const std::size_t last = text.find(parts.back(), reference.offset);
      ast::Name column;
      column.text = parts.back();
      column.span = reference_span(expression, {{parts.back()}, last == std::string::npos ? reference.offset : last});
      if (find_column(table, column) == nullptr) known = false;
    }
    for (const auto& read : names.tables) {
      const QualifiedName name = qualified(read.names);
      if (schema_.find_table(name) != nullptr || schema_.sequences().contains(name) || schema_.views().contains(name)) continue;
      const Span where = name_at(expression.span, text, read.offset);
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(where), name, revision_.id);
      if (const std::string guess = closest_match(to_string(name), names_of(schema_.tables())); !guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      diagnostic.notes.push_back({{}, "a view or table made by raw SQL is not known to the compiler: write such a step as `execute $$ ... $$`"});
      known = false;
    }
    if (!known || !calls_match(expression.span, text, &table) || !compared_constants_fit(expression.span, text, table)) return std::nullopt;
    if (!is_boolean_where_required(expression.span, text, what, &table)) return std::nullopt;
    return text;
  }

  // An insert's `on conflict`: its target names a primary key or unique constraint of the
  // table, or the columns of one or of a unique index (as PostgreSQL infers it: not partial, no
  // expressions); PostgreSQL checks none that is deferrable.
  std::optional<op::OnConflict> check_on_conflict(const Table& table, const ast::OnConflict& node) {
    op::OnConflict conflict;
    if (node.constraint) {
      const auto it = std::find_if(table.constraints.begin(), table.constraints.end(),
                                   [&](const Constraint& c) { return c.name == node.constraint->text; });
      if (it == table.constraints.end()) {
        report_unknown_constraint(table, *node.constraint);
        return std::nullopt;
      }
      const std::string what = fmt::format("constraint `{}` of table `{}`", it->name, table.name);
      if (!has_index(*it)) {
        diagnostics_.report(DiagnosticKind::UnusableConflictTarget, at(node.constraint->span), what,
                            "it is neither a primary key nor a unique constraint");
        return std::nullopt;
      }
      if (!immediate_arbiter(table, *it, node.constraint->span)) return std::nullopt;
      conflict.constraint = it->name;
    } else if (!node.keys.empty()) {
      for (const auto& element : node.keys) {
        if (element.descending || element.ascending_written || element.nulls_first) {
          diagnostics_.report(DiagnosticKind::InvalidSql, at(element.span), "an `on conflict` target",
                              element.descending || element.ascending_written ? "ASC/DESC is not allowed in ON CONFLICT clause (42601)"
                                                 : "NULLS FIRST/LAST is not allowed in ON CONFLICT clause (42601)");
          return std::nullopt;
        }
        IndexKey key;
        std::optional<SqlType> type;
        if (element.column) {
          const Column* column = find_column(table, *element.column);
          if (column == nullptr) return std::nullopt;
          key.column = element.column->text;
          type = sql_type(column->type);
        } else {
          const auto expression = expression_sql(*element.expression, "an `on conflict` target", &table, true);
          if (!expression) return std::nullopt;
          key.expression = *expression;
          type = typing(key.expression, &table).type;
        }
        if (element.collation) {
          const auto collation = key_collation(*element.collation, type);
          if (!collation) return std::nullopt;
          key.collation = *collation;
        }
        if (element.operator_class) key.operator_class = element.operator_class->text;
        conflict.keys.push_back(std::move(key));
      }
      if (node.index_where) {
        const auto predicate = expression_sql(*node.index_where, "an `on conflict` index predicate", &table, true);
        if (!predicate) return std::nullopt;
        conflict.index_where_sql = *predicate;
      }
      if (!inferred_arbiter(table, node, conflict)) return std::nullopt;
    } else if (!node.assignments.empty()) {
      diagnostics_.report(DiagnosticKind::ConflictTargetRequired, at(node.span));
      return std::nullopt;
    } else {
      // Without a target, every unique constraint of the table is an arbiter.
      for (const auto& constraint : table.constraints) {
        if (has_index(constraint) && !immediate_arbiter(table, constraint, node.span)) return std::nullopt;
      }
    }
    constexpr std::array<std::string_view, 1> excluded = {"excluded"};
    auto assignments = check_assignments(table, node.assignments, "an `on conflict` value", excluded);
    if (!assignments) return std::nullopt;
    conflict.assignments = std::move(*assignments);
    if (node.where) {
      conflict.where_sql = row_expression_sql(*node.where, "an `on conflict` condition", table, excluded);
      if (!conflict.where_sql) return std::nullopt;
    }
    return conflict;
  }

  // `do update` changes a row once per statement (21000): no two rows of constants may give the
  // same value to the arbiter's columns.
  bool rows_update_once(const Table& table, const ast::InsertRows& node, const op::OnConflict& conflict) {
    // A partial arbiter holds only the rows its predicate takes, which only the server can tell.
    if (conflict.assignments.empty() || !conflict.index_where_sql.empty()) return true;
    std::vector<std::string> key;
    if (conflict.constraint) {
      for (const auto& constraint : table.constraints) {
        if (constraint.name == *conflict.constraint) key = constraint.columns;
      }
    }
    for (const auto& target : conflict.keys) {
      if (target.column.empty()) return true;  // an expression's value is the server's to compute
      key.push_back(target.column);
    }
    std::vector<std::size_t> positions;
    for (const auto& column : key) {
      const auto given = std::find_if(node.columns.begin(), node.columns.end(), [&](const ast::Name& name) { return name.text == column; });
      if (given == node.columns.end()) return true;
      positions.push_back(static_cast<std::size_t>(given - node.columns.begin()));
    }
    std::map<std::vector<std::string>, std::size_t> seen;
    for (std::size_t r = 0; r < node.rows.size(); ++r) {
      std::vector<std::string> values;
      for (const std::size_t position : positions) {
        const std::string_view written = revision_.file->slice(node.rows[r][position].span);
        const auto constant = constant_of(written);
        // Casts may make two texts one value, or two values of one text: only bare constants count.
        if (!constant || constant->kind == SqlConstant::Kind::null || !constant->casts.empty()) return true;
        values.push_back(fmt::format("{}:{}", static_cast<int>(constant->kind), constant->value.empty() ? written : constant->value));
      }
      const auto [earlier, added] = seen.emplace(std::move(values), r);
      if (added) continue;
      diagnostics_.report(DiagnosticKind::ConflictRowTwice, at(Span{node.rows[r].front().span.begin, node.rows[r].back().span.end}), table.name.name, earlier->second + 1, r + 1, names_list(key));
      return false;
    }
    return true;
  }

  // PostgreSQL refuses a deferrable constraint as an arbiter when the insert runs.
  bool immediate_arbiter(const Table& table, const Constraint& constraint, Span span) {
    if (!constraint.deferrable) return true;
    auto& diagnostic = diagnostics_.report(
        DiagnosticKind::UnusableConflictTarget, at(span), fmt::format("constraint `{}` of table `{}`", constraint.name, table.name),
        "it is deferrable, and PostgreSQL checks no deferrable constraint for `on conflict`");
    diagnostic.notes.push_back({{}, "make it `not deferrable`, or write the step as `execute $$ ... $$` with a check of its own"});
    return false;
  }

  // The primary key, unique constraint or unique index `on conflict (keys) [where predicate]`
  // finds (PostgreSQL's infer_arbiter_indexes()): one whose keys are those keys, as a set, each
  // with the collation and operator class written; a partial one only with its own predicate
  // (PostgreSQL takes any predicate that implies it; the compiler, the same one). Where none
  // does, the one meant is likely one that shares a key with those written.
  bool inferred_arbiter(const Table& table, const ast::OnConflict& node, const op::OnConflict& conflict) {
    // An expression as parsed (PostgreSQL compares trees), a column's name quoted where it must
    // be; a bare function call's key is that call's.
    const auto identity = [](const IndexKey& key) {
      return key.column.empty() ? "(" + deparsed_expression(key.expression) + ")" : quote_identifier(key.column);
    };
    std::vector<std::string> written;
    for (const auto& key : conflict.keys) written.push_back(identity(key));
    const auto fits = [&](const IndexKey& key) {
      return std::none_of(conflict.keys.begin(), conflict.keys.end(), [&](const IndexKey& target) {
        return identity(target) == identity(key) && ((target.collation && target.collation != key.collation) ||
                                                     (!target.operator_class.empty() && target.operator_class != key.operator_class));
      });
    };
    const Span span{node.keys.front().span.begin, node.keys.back().span.end};
    std::vector<std::vector<std::string>> candidates;
    std::string partial;  // a unique index on those keys whose predicate is not the one written
    for (const auto& constraint : table.constraints) {
      if (!has_index(constraint)) continue;
      const bool plain = std::all_of(conflict.keys.begin(), conflict.keys.end(),
                                     [](const IndexKey& key) { return !key.collation && key.operator_class.empty(); });
      std::vector<std::string> keys;
      for (const auto& column : constraint.columns) keys.push_back(quote_identifier(column));
      if (plain && same_columns(keys, written)) return immediate_arbiter(table, constraint, span);
      candidates.push_back(std::move(keys));
    }
    for (const auto& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes().at(name);
      if (!index.unique) continue;
      std::vector<std::string> keys;
      for (const auto& key : index.keys) keys.push_back(identity(key));
      const bool same = same_columns(keys, written) && std::all_of(index.keys.begin(), index.keys.end(), fits);
      if (same && !index.where_sql.empty() &&
          (conflict.index_where_sql.empty() || deparsed_expression(index.where_sql) != deparsed_expression(conflict.index_where_sql))) {
        partial = fmt::format("unique index `{}` is on those keys, but partial: PostgreSQL takes it only where a predicate after the keys "
                              "implies its own: `where {}`",
                              name.name, index.where_sql);
        continue;
      }
      if (same) return true;
      candidates.push_back(std::move(keys));
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::NoConflictArbiter, at(span), table.name, names_list(written));
    if (!partial.empty()) diagnostic.notes.push_back({{}, partial});
    const auto shares = std::find_if(candidates.begin(), candidates.end(), [&](const std::vector<std::string>& candidate) {
      return std::any_of(candidate.begin(), candidate.end(),
                         [&](const std::string& key) { return std::find(written.begin(), written.end(), key) != written.end(); });
    });
    if (shares != candidates.end()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `({})`?", names_list(*shares))});
    } else if (candidates.empty() && partial.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("table `{}` has none: add one, or write `on conflict do nothing` without a target", table.name)});
    }
    return false;
  }

  static std::string names_list(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

  // The primary key an insert gives, each of its columns as a constant in every row: then each
  // row is new (or the insert fails), and its way back deletes those keys. Empty, with why,
  // where it is not so.
  std::vector<std::string> inserted_key(const Table& table, const ast::InsertRows& node, std::string& why_not) {
    const Constraint* key = table.primary_key();
    const std::string derives = "the compiler derives the down of an insert that gives its table's primary key as constants, without `on conflict`";
    if (node.on_conflict) {
      why_not = "with `on conflict`, some rows may have been there before the insert: the compiler cannot tell which it added";
      return {};
    }
    if (key == nullptr) {
      why_not = fmt::format("{}: table `{}` has no primary key", derives, table.name);
      return {};
    }
    for (const auto& column : key->columns) {
      const auto given = std::find_if(node.columns.begin(), node.columns.end(), [&](const ast::Name& name) { return name.text == column; });
      if (given == node.columns.end()) {
        why_not = fmt::format("{}: this one does not give `{}`", derives, column);
        return {};
      }
      const auto position = static_cast<std::size_t>(given - node.columns.begin());
      const Column* written = table.find_column(column);
      const bool of_time = written != nullptr && !written->type.user_defined && (written->type.name.name == "date" || written->type.name.name.starts_with("time"));
      for (const auto& row : node.rows) {
        const std::string_view value = revision_.file->slice(row[position].span);
        const auto constant = constant_of(value);
        if (!constant) {
          why_not = fmt::format("{}: `{}` is not a constant", derives, value);
          return {};
        }
        // `'today'`, `'now'`: read when the statement runs, and again, to another value, when
        // the down would.
        std::string word;
        for (const char c : constant->value) {
          if (!std::isspace(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const bool cast_to_time = std::any_of(constant->casts.begin(), constant->casts.end(), [](const std::vector<std::string>& cast) {
          return !cast.empty() && (cast.back() == "date" || cast.back().starts_with("time"));
        });
        if (constant->kind == SqlConstant::Kind::string && (of_time || cast_to_time) &&
            (word == "now" || word == "today" || word == "tomorrow" || word == "yesterday")) {
          why_not = fmt::format("{}: `{}` is read as a different moment when the down runs", derives, value);
          return {};
        }
        // A moment written without its zone is read in the session's: the down's may be another.
        const bool zoned_column = written != nullptr && !written->type.user_defined && written->type.name.name.ends_with("with time zone");
        const bool zoned_cast = std::any_of(constant->casts.begin(), constant->casts.end(), [](const std::vector<std::string>& cast) {
          return !cast.empty() && (cast.back() == "timestamptz" || cast.back() == "timetz" || cast.back().ends_with("with time zone"));
        });
        if (constant->kind == SqlConstant::Kind::string && (zoned_column || zoned_cast) && !names_its_zone(constant->value)) {
          why_not = fmt::format("{}: `{}` names no time zone, so it is read in the session's, which the down's may not share (write "
                                "`+00` or a zone's name after it)",
                                derives, value);
          return {};
        }
      }
    }
    return key->columns;
  }

  // A data step's own `down $$...$$` or `irreversible`: what the revision's down runs for it,
  // unless a `down { }` block says the whole down, or the step is part of one. Maintenance
  // (`vacuum`, `analyze`, ...) has nothing to undo: without either, its down is empty.
  // `why_not_derived`: why the compiler could not derive this step's down, where it could some.
  template <typename DataStep>
  op::DataDown own_down(const DataStep& node, bool nothing_to_undo = false, std::string_view why_not_derived = {}) {
    const bool has_own = node.down || node.irreversible;
    if (role_ == CheckRole::hand_written_down && has_own) {
      diagnostics_.report(DiagnosticKind::ConflictingDown, at(node.down ? node.down->span : node.span),
                          "a statement of a `down { }` block is itself a down: it takes no `down` or `irreversible`");
    } else if (revision_.syntax->down && has_own) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ConflictingDown, at(node.down ? node.down->span : node.span),
                                             "this step's own down would never run: the revision's `down { }` block replaces it");
      diagnostic.notes.push_back({at(revision_.syntax->down->span), "the revision's down is written here"});
    } else if (node.down) {
      return {trimmed(node.down->value), false};
    } else if (node.irreversible) {
      return {std::nullopt, true};
    } else if (role_ == CheckRole::revision && !revision_.syntax->down && !nothing_to_undo) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::MissingDown, at(node.span));
      if (!why_not_derived.empty()) diagnostic.notes.push_back({{}, std::string(why_not_derived)});
      diagnostic.notes.push_back({{}, "give it `down $$ ... $$`, mark it `irreversible`, or write the revision's down in a `down { }` block"});
    }
    return {};
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
        span = create->name.text.empty() ? create->table.span : create->name.span;
      } else if (const auto* drop = std::get_if<ast::DropIndex>(&statement)) {
        concurrently = drop->concurrently;
        span = drop->name.span;
      }
      if (concurrently) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::ConcurrentlyNotAlone, at(span));
        diagnostic.notes.push_back({{}, "move it into a revision of its own"});
        return;
      }
      if (const auto* raw = std::get_if<ast::ExecuteSql>(&statement); raw != nullptr && raw->outside_transaction) {
        const std::string_view written = revision_.file->slice(raw->span);
        const std::size_t declaration = written.find("transaction");  // `execute outside transaction`
        auto& diagnostic = diagnostics_.report(DiagnosticKind::OutsideTransactionNotAlone,
                                               at({raw->span.begin, raw->span.begin + static_cast<std::uint32_t>(declaration + 11)}));
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
      case DiagnosticKind::NothingToDrop:
        return "the compiler knows what exists at each revision: drop what does, without `if exists`, or remove the statement";
      default: return "";
    }
  }

  // The lint reported, or null where it is not.
  template <typename... Args>
  Diagnostic* lint(DiagnosticKind kind, Span span, const Args&... args) {
    // Like derived downs, a hand-written one undoes a change that was itself checked.
    if (role_ == CheckRole::hand_written_down || role_ == CheckRole::model || is_allowed(kind)) return nullptr;
    auto& diagnostic = diagnostics_.report(kind, at(span), args...);
    diagnostic.notes.push_back({{}, std::string(safer_way(kind))});
    diagnostic.notes.push_back({{}, fmt::format("or, where that is acceptable, put `@allow({})` before the statement", kind_name(kind))});
    return &diagnostic;
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
    if (role_ == CheckRole::model || is_allowed(kind)) return true;
    const std::string why = table.has_rows ? std::string("already has rows")
                                           : fmt::format("may have rows: revision {} created it", table.origin.revision);
    auto& diagnostic = diagnostics_.report(kind, at(span), column, table.name, why);
    if (unfilled_.contains({table.name, column})) {
      diagnostic.notes.push_back({{}, fmt::format("this revision added it without a default, so each of those rows holds NULL: "
                                                  "fill it first, with `update {} set {} = ...;` in between",
                                                  quote_qualified(table.name), quote_identifier(column))});
    } else {
      diagnostic.notes.push_back({{}, "PostgreSQL refuses that on a table with rows: add it with a default; or nullable, "
                                      "then fill it, then `alter column ... set not null`"});
    }
    diagnostic.notes.push_back({{}, fmt::format("or, if `{}` is empty wherever this runs, put `@allow({})` before the statement",
                                                table.name, kind_name(kind))});
    return false;
  }

  // A domain's NOT NULL and default hold for its columns, through the domains it is over.
  bool domain_not_null(const ColumnType& type) const {
    const ColumnType* at = &type;
    for (int depth = 0; at->user_defined && at->array_dimensions == 0 && depth < 16; ++depth) {
      const auto domain = schema_.domains().find(at->name);
      if (domain == schema_.domains().end()) return false;
      if (domain->second.not_null) return true;
      // `check (value is not null)` refuses a NULL as NOT NULL does.
      for (const auto& check : domain->second.constraints) {
        if (domain_check_holds(check.check_sql, std::nullopt, false) == false) return true;
      }
      at = &domain->second.type;
    }
    return false;
  }
  // Whether a domain (or one it is over) has constraints, which PostgreSQL checks each row's
  // value against when a column of it is added.
  bool domain_constrained(const ColumnType& type) const {
    const ColumnType* at = &type;
    for (int depth = 0; at->user_defined && at->array_dimensions == 0 && depth < 16; ++depth) {
      const auto domain = schema_.domains().find(at->name);
      if (domain == schema_.domains().end()) return false;
      if (domain->second.not_null || !domain->second.constraints.empty()) return true;
      at = &domain->second.type;
    }
    return false;
  }
  bool domain_default(const ColumnType& type) const {
    const ColumnType* at = &type;
    for (int depth = 0; at->user_defined && at->array_dimensions == 0 && depth < 16; ++depth) {
      const auto domain = schema_.domains().find(at->name);
      if (domain == schema_.domains().end()) return false;
      if (domain->second.default_sql) return !is_null_constant(*domain->second.default_sql);
      at = &domain->second.type;
    }
    return false;
  }

  // Whether a table may hold rows when this statement runs: the chain inserted some, or an
  // earlier revision created it and it has lived in production since.
  bool may_have_rows(const Table& table) const { return table.has_rows || existed_before(table.name); }

  // Lints are about tables that may already hold data and traffic: those of earlier revisions.
  bool existed_before(const QualifiedName& table) const { return !created_here_.contains(table); }

  Location at(Span span) const { return {revision_.file, span}; }
  std::uint32_t line_of(Span span) const { return revision_.file->line_column(span.begin).line; }
  // A fragment or statement PostgreSQL's parser refused, or one nesting past its stack at deploy.
  void report_sql_error(Span span, std::string_view what, const SqlError& error) {
    if (error.too_deep) return report_too_deep(span);
    diagnostics_.report(DiagnosticKind::InvalidSql, at(within(span, error.offset)), what, error.message);
  }

  void report_too_deep(Span span) {
    auto& diagnostic = diagnostics_.report(DiagnosticKind::NestingTooDeep, at(span), most_expression_nesting);
    diagnostic.notes.push_back({{}, "PostgreSQL analyses an expression recursively: at its default max_stack_depth (2 MB) "
                                    "it fails with `stack depth limit exceeded` a few thousand levels deep"});
  }

  // What PostgreSQL's parser makes of a fragment (its `text`), if it is one expression the
  // server can analyse.
  std::optional<ExpressionFacts> read_fragment(const ast::Expression& expression, std::string_view text, std::string_view what) {
    ExpressionFacts facts = read_expression(text);
    if (facts.error) {
      report_sql_error(expression.span, what, *facts.error);
      return std::nullopt;
    }
    // A value given to a column may be its `default`; nothing else holds one (42601).
    const bool value = what == "an inserted value" || what == "an updated value" || what == "an `on conflict` value";
    if (facts.has_default && !(facts.is_default && value)) {
      diagnostics_.report(DiagnosticKind::InvalidSql, at(expression.span), what, "DEFAULT is not allowed in this context (42601)");
      return std::nullopt;
    }
    for (const auto& function : facts.functions) {
      if (!function.names.empty() && function.names.back() == "set_config") {
        diagnostics_.report(DiagnosticKind::SettingInExpression, at(within(expression.span, function.offset)), what);
        return std::nullopt;
      }
    }
    if (facts.nesting > most_expression_nesting) {
      report_too_deep(expression.span);
      return std::nullopt;
    }
    return facts;
  }

  static bool table_has_column(const Table& table, const std::string& name) {
    return std::any_of(table.columns.begin(), table.columns.end(), [&](const Column& column) { return column.name == name; });
  }

  static bool is_system_column(std::string_view name) {
    static constexpr std::string_view system_columns[] = {"tableoid", "ctid", "xmin", "xmax", "cmin", "cmax"};
    return std::find(std::begin(system_columns), std::end(system_columns), name) != std::end(system_columns);
  }

  // What a name of this table's that is none of its columns may still be: a system column, or
  // (unqualified) the table's whole row, as PostgreSQL resolves them.
  static std::optional<std::string_view> row_reference_kind(const Table& table, const std::vector<std::string>& parts) {
    if (is_system_column(parts.back())) return "system column";
    if (parts.size() == 1 && parts[0] == table.name.name) return "whole-row reference";
    return std::nullopt;
  }

  // PostgreSQL 15's rules: an index may use no system column; a check or a generation
  // expression `tableoid` alone; a generation expression no whole row (it would depend on
  // itself); a `using` expression reads the row as a query does.
  static bool row_reference_allowed(std::string_view kind, std::string_view name, std::string_view what) {
    if (what == "a `using` expression") return true;
    if (kind == "whole-row reference") return what != "a generation expression";
    return name == "tableoid" && (what == "a check constraint" || what == "a generation expression");
  }

  // An SQL expression's text, once PostgreSQL's parser has read it as exactly one expression:
  // what is written in it, quotes and comments included, cannot reach past it. The columns it
  // names must be those of `table`; with none (a default, an inserted value), it may name none.
  // In an index (`immutable_only`), every function must be immutable, as PostgreSQL demands.
  std::optional<std::string> expression_sql(const ast::Expression& expression, std::string_view what, const Table* table,
                                            bool immutable_only = false, bool subquery_allowed = false) {
    std::string text(revision_.file->slice(expression.span));
    const auto read = read_fragment(expression, text, what);
    if (!read) return std::nullopt;
    const ExpressionFacts& facts = *read;
    // Stored expressions are evaluated row by row, in PostgreSQL's executor or in its planner,
    // where a query cannot run (0A000).
    if (facts.subquery && !subquery_allowed) {
      diagnostics_.report(DiagnosticKind::SubqueryNotAllowed, at(within(expression.span, *facts.subquery)), what);
      return std::nullopt;
    }
    if (!names_exist(expression.span, text, facts, what, immutable_only)) return std::nullopt;
    if (!calls_match(expression.span, text, table)) return std::nullopt;
    if (immutable_only && !casts_and_operators_immutable(expression.span, text, what, table)) return std::nullopt;
    if (!facts.references_columns) return is_boolean_where_required(expression.span, text, what, table) ? std::optional(text) : std::nullopt;
    // A subquery's columns are of the tables it reads, not of the expression's.
    for (const auto& reference : column_references(text, !subquery_allowed)) {
      const Span where = reference_span(expression, reference);
      if (table == nullptr) {
        diagnostics_.report(DiagnosticKind::ColumnNotAllowed, at(where), what, reference.names.back());
        return std::nullopt;
      }
      // A qualified name must name this table (`grid.n`, `public.grid.n`): PostgreSQL finds no
      // other in a stored expression ("missing FROM-clause entry").
      const std::vector<std::string>& parts = reference.names;
      const bool this_table = parts.size() == 1 || (parts.size() == 2 && parts[0] == table->name.name) ||
                              (parts.size() == 3 && parts[0] == (table->name.schema.empty() ? "public" : table->name.schema) &&
                               parts[1] == table->name.name);
      if (!this_table) {
        // `db.schema.table.column` runs only where `db` is the database it is deployed to, which
        // the build cannot know ("cross-database references are not implemented" elsewhere).
        if (parts.size() <= 3 && parts.back() == "*") continue;  // PostgreSQL's parser says what is wrong with it
        diagnostics_.report(DiagnosticKind::ForeignReference, at(where), what, table->name, std::string(),
                            fmt::format("{}", fmt::join(parts.begin(), parts.end() - 1, ".")));
        return std::nullopt;
      }
      if (!table_has_column(*table, parts.back())) {
        if (const auto row_reference = row_reference_kind(*table, parts)) {
          if (!row_reference_allowed(*row_reference, parts.back(), what)) {
            diagnostics_.report(DiagnosticKind::RowReferenceNotAllowed, at(where), what, *row_reference, parts.back());
            return std::nullopt;
          }
          continue;
        }
      }
      ast::Name name;
      name.text = parts.back();
      name.span = where;
      if (find_column(*table, name) == nullptr) return std::nullopt;
    }
    if (table != nullptr && !compared_constants_fit(expression.span, text, *table)) return std::nullopt;
    if (!is_boolean_where_required(expression.span, text, what, table)) return std::nullopt;
    return text;
  }

  // A check, an index's predicate or a data step's condition is a boolean (42804 at deploy:
  // "argument of CHECK must be type boolean"), where the expression's type is certain.
  bool is_boolean_where_required(Span span, std::string_view text, std::string_view what, const Table* table) {
    static constexpr std::string_view conditions[] = {"a check constraint", "an index predicate", "an update's condition",
                                                      "a delete's condition", "an `on conflict` condition"};
    if (std::find(std::begin(conditions), std::end(conditions), what) == std::end(conditions)) return true;
    // A string constant is read as a boolean: `check ('maybe')` is not one.
    if (const auto constant = constant_of(text); constant && constant->kind == SqlConstant::Kind::string && constant->casts.empty()) {
      ColumnType boolean;
      boolean.name = QualifiedName{"", "boolean"};
      if (const auto refused = constant_refused(*constant, boolean, nullptr)) {
        diagnostics_.report(DiagnosticKind::InvalidValue, at(span), trimmed(std::string(text)), "boolean", *refused);
        return false;
      }
      return true;
    }
    const auto type = typing(text, table).type;
    if (!type || type->name == "boolean") return true;
    diagnostics_.report(DiagnosticKind::NotBoolean, at(span), what, trimmed(std::string(text)), type->name);
    return false;
  }

  // A string constant compared with a column (`=`, `<>`, `<`, ..., `in`, `between`) is read by
  // the column type's input function, as PostgreSQL resolves the operator: `status = 'bogus'`
  // of an enum, `n = 'abc'` of an integer fail at deploy. Only the expression's own logic is
  // looked at, not a subquery's, whose columns may be another table's.
  // `where`: the expression is not at `span` but stored (a check a type change reads again),
  // and is said in a note.
  bool compared_constants_fit(Span span, std::string_view text, const Table& table, const std::string& where = "") {
    const bool constants = text.find('\'') != std::string_view::npos || text.find('$') != std::string_view::npos;
    if (!constants && std::ranges::none_of(table.columns, [&](const Column& column) { return over_enum_domain(column.type).has_value(); })) return true;
    const auto nodes = expression_nodes(text);
    static constexpr std::string_view comparisons[] = {"=", "<>", "!=", "<", ">", "<=", ">=", "BETWEEN", "NOT BETWEEN",
                                                       "BETWEEN SYMMETRIC", "NOT BETWEEN SYMMETRIC"};
    bool fits = true;
    std::vector<std::size_t> pending;
    if (!nodes.empty()) pending.push_back(0);
    while (!pending.empty()) {
      const SqlExpressionNode& node = nodes[pending.back()];
      pending.pop_back();
      if (node.in_query) continue;  // its columns may be another table's
      pending.insert(pending.end(), node.children.begin(), node.children.end());
      const bool simple_case = node.kind == SqlExpressionNode::Kind::choice && node.comparison == SqlExpressionNode::Comparison::each_operand;
      if (node.kind != SqlExpressionNode::Kind::operation && node.kind != SqlExpressionNode::Kind::boolean && !simple_case) continue;
      if (!simple_case &&
          (node.names.size() != 1 || std::find(std::begin(comparisons), std::end(comparisons), node.names[0]) == std::end(comparisons))) {
        continue;
      }
      if (node.comparison == SqlExpressionNode::Comparison::each_element) continue;  // its constant is an array of them
      // The list of an `in` or `between` is a node of its own; a simple CASE compares past its results.
      std::vector<std::size_t> operands;
      for (std::size_t i = simple_case ? node.results : 0; i < node.children.size(); ++i) {
        const std::size_t child = node.children[i];
        if (nodes[child].kind == SqlExpressionNode::Kind::other && node.kind == SqlExpressionNode::Kind::boolean &&
            node.comparison == SqlExpressionNode::Comparison::none) {
          operands.insert(operands.end(), nodes[child].children.begin(), nodes[child].children.end());
        } else {
          operands.push_back(child);
        }
      }
      const Column* column = nullptr;
      std::size_t columns = 0;
      bool compares_domain_over_enum = false;
      for (const std::size_t child : operands) {
        const SqlExpressionNode& part = nodes[child];
        if (part.kind != SqlExpressionNode::Kind::column) continue;
        ++columns;
        const Column* named = part.names.size() == 1 || (part.names.size() == 2 && part.names[0] == table.name.name)
                                  ? table.find_column(part.names.back())
                                  : nullptr;
        if (named != nullptr && !compares_domain_over_enum) compares_domain_over_enum = !domain_over_enum_fits(span, text, node, part, *named);
        column = named;
      }
      if (compares_domain_over_enum) {
        fits = false;
        continue;
      }
      if (columns != 1 || column == nullptr) continue;
      ColumnType type = column->type;
      for (int depth = 0; type.user_defined && depth < 16; ++depth) {
        const auto domain = schema_.domains().find(type.name);
        if (domain == schema_.domains().end()) break;
        type = domain->second.type;
      }
      type = without_length(std::move(type));
      const auto found = type.user_defined ? schema_.enums().find(type.name) : schema_.enums().end();
      const std::vector<std::string>* values = found != schema_.enums().end() ? &found->second.values : nullptr;
      for (const std::size_t child : operands) {
        const SqlExpressionNode& part = nodes[child];
        if (part.kind != SqlExpressionNode::Kind::constant || part.constant != SqlConstant::Kind::string) continue;
        const auto refused = constant_refused(SqlConstant{SqlConstant::Kind::string, part.value, {}}, type, values);
        if (!refused) continue;
        fits = false;
        if (!where.empty()) {
          const std::string written(text.substr(part.offset, string_constant_length(text, part.offset)));
          diagnostics_.report(DiagnosticKind::InvalidValue, at(span), written, type.sql(), *refused).notes.push_back({{}, where});
          continue;
        }
        const Span at_constant = within(span, part.offset);
        const Span literal{at_constant.begin,
                           std::min(span.end, at_constant.begin + static_cast<std::uint32_t>(string_constant_length(text, part.offset)))};
        diagnostics_.report(DiagnosticKind::InvalidValue, at(literal), revision_.file->slice(literal), type.sql(), *refused);
      }
    }
    return fits;
  }

  // PostgreSQL's comparisons of enums take `anyenum`, which a domain over an enum is not: `d <>
  // 'sad'` of such a column has no operator (42883), though the enum's own values are its.
  // The enum a domain (over domains) over one is of; nothing for any other type.
  std::optional<QualifiedName> over_enum_domain(const ColumnType& type) const {
    if (!type.user_defined || type.array_dimensions > 0) return std::nullopt;
    const auto domain = schema_.domains().find(type.name);
    if (domain == schema_.domains().end()) return std::nullopt;
    ColumnType base = domain->second.type;
    for (int depth = 0; base.user_defined && base.array_dimensions == 0 && depth < 16; ++depth) {
      const auto inner = schema_.domains().find(base.name);
      if (inner == schema_.domains().end()) break;
      base = inner->second.type;
    }
    if (!base.user_defined || base.array_dimensions > 0 || !schema_.enums().contains(base.name)) return std::nullopt;
    return base.name;
  }

  bool domain_over_enum_fits(Span span, std::string_view text, const SqlExpressionNode& comparison, const SqlExpressionNode& operand,
                             const Column& column) {
    const std::optional<QualifiedName> base = over_enum_domain(column.type);
    if (!base) return true;
    const Span where = name_at(span, text, comparison.offset);
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownOperator, at(where), comparison.names.empty() ? "=" : comparison.names.front(),
                                           to_string(column.type.name));
    diagnostic.notes.push_back({{}, fmt::format("the enum's comparisons take any enum type, and a domain over one is not: compare `{}::{}`",
                                                fmt::join(operand.names, "."), to_string(*base))});
    return false;
  }

  // The length of the string constant written at `offset` of `text`: '...' (with '' inside),
  // E'...' (with \' too), U&'...', $tag$...$tag$.
  static std::size_t string_constant_length(std::string_view text, std::size_t offset) {
    if (offset >= text.size()) return 1;
    const std::string_view rest = text.substr(offset);
    if (rest.front() == '$') {
      const std::size_t tag_end = rest.find('$', 1);
      if (tag_end == std::string_view::npos) return 1;
      const std::size_t close = rest.find(rest.substr(0, tag_end + 1), tag_end + 1);
      return close == std::string_view::npos ? rest.size() : close + tag_end + 1;
    }
    const std::size_t open = rest.find('\'');
    if (open == std::string_view::npos || open > 2) return 1;
    const bool backslashes = open > 0 && (rest.front() == 'E' || rest.front() == 'e');
    for (std::size_t i = open + 1; i < rest.size(); ++i) {
      if (backslashes && rest[i] == '\\') {
        ++i;
      } else if (rest[i] == '\'') {
        if (i + 1 < rest.size() && rest[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return rest.size();
  }

  // What PostgreSQL knows of an expression's types, where this knows it too: see expression_types.hpp.
  ExpressionTyping typing(std::string_view text, const Table* table) const {
    return type_expression(text, typing_context([&](const std::vector<std::string>& names) -> std::optional<SqlType> {
      if (table == nullptr || names.size() > 2 || (names.size() == 2 && names[0] != table->name.name)) return std::nullopt;
      const Column* column = table->find_column(names.back());
      return column == nullptr ? std::nullopt : sql_type(column->type);
    }));
  }

  // The chain's types, functions and extensions at this revision, and the columns' types as
  // `column_type` tells them.
  TypingContext typing_context(std::function<std::optional<SqlType>(const std::vector<std::string>&)> column_type) const {
    TypingContext context;
    context.column_type = std::move(column_type);
    context.chain_type = [&](const std::vector<std::string>& names) -> std::optional<SqlType> {
      const QualifiedName name = qualified(names);
      if (schema_.enums().contains(name)) return SqlType{to_string(name), true};
      if (const auto domain = schema_.domains().find(name); domain != schema_.domains().end()) return sql_type(domain->second.type);
      return std::nullopt;
    };
    context.extension_available = [&](std::string_view extension) {
      return schema_.extensions().contains(std::string(extension)) || sites_.raw_extensions.contains(std::string(extension));
    };
    context.chain_function = [&](const std::string& name) { return sites_.raw_functions.contains(name); };
    context.chain_signatures = [&](const std::string& name) -> std::optional<std::vector<std::string>> {
      std::vector<std::string> signatures;
      for (const Routine* routine : routines_named(QualifiedName{"", name})) {
        if (routine->procedure) continue;
        // Arguments left out: not judged.
        if (routine->defaults > 0) return std::nullopt;
        std::string joined = routine->key.arguments;
        for (std::size_t at = joined.find(", "); at != std::string::npos; at = joined.find(", ", at)) joined.erase(at + 1, 1);
        if (routine->variadic) joined.insert(joined.rfind(',') == std::string::npos ? 0 : joined.rfind(',') + 1, "variadic ");
        signatures.push_back(std::move(joined));
      }
      return signatures;
    };
    context.chain_operators_or_casts = sites_.raw_operators_or_casts;
    return context;
  }

  // A built-in type's catalog entry, by the name format_type() prints or pg_type's own (a column
  // of `bpchar` is `character`).
  static const CatalogType* builtin_catalog_type(const ColumnType& type) {
    if (const CatalogType* entry = catalog_type_formatted(type.name.name)) return entry;
    const auto entries = catalog_types(type.name.name);
    return entries.empty() ? nullptr : &entries.front();
  }

  // A column's type as the type inference knows it: a domain's is its base type's, as
  // PostgreSQL takes it when resolving casts and operators.
  // The column type an inferred type is (without modifiers), where the compiler has it: a
  // built-in type or an array of one, or an enum of the chain.
  std::optional<ColumnType> column_type(const SqlType& type) const {
    if (type.enumeration) {
      const auto found = std::ranges::find_if(schema_.enums(), [&](const auto& entry) { return to_string(entry.first) == type.name; });
      if (found == schema_.enums().end()) return std::nullopt;
      return ColumnType{found->first, {}, 0, true};
    }
    const bool array = type.name.ends_with("[]");
    const BuiltinType* builtin = find_builtin({"", array ? type.name.substr(0, type.name.size() - 2) : type.name});
    if (builtin == nullptr || builtin->serial) return std::nullopt;
    return ColumnType{{"", std::string(builtin->canonical)}, {}, array ? 1u : 0u, false};
  }

  std::optional<SqlType> sql_type(const ColumnType& type, int depth = 0) const {
    if (!type.user_defined) {
      const CatalogType* entry = builtin_catalog_type(type);
      if (entry == nullptr) return std::nullopt;
      return SqlType{std::string(entry->formatted) + (type.array_dimensions > 0 ? "[]" : "")};
    }
    if (type.array_dimensions > 0 || depth > 16) return std::nullopt;
    if (schema_.enums().contains(type.name)) return SqlType{to_string(type.name), true};
    if (const auto domain = schema_.domains().find(type.name); domain != schema_.domains().end()) return sql_type(domain->second.type, depth + 1);
    return std::nullopt;
  }

  // Every operator and function call has an overload that takes its arguments' types, as
  // PostgreSQL demands when it reads the expression (42883 at deploy): `name > 0` of a text
  // column, `length(id)` of an integer one, `upper(x, 1)`.
  bool calls_match(Span span, std::string_view text, const Table* table, const std::string& where = "") {
    return typing_holds(span, text, typing(text, table), where);
  }

  // `typed`'s first impossible cast, operand of AND/OR/NOT that is no boolean or call without an
  // overload, reported at its place in `text` (written at `span`); none: true.
  bool typing_holds(Span span, std::string_view text, const ExpressionTyping& typed, const std::string& where = "") {
    if (!typed.impossible_casts.empty()) {
      const ImpossibleCast& cast = typed.impossible_casts.front();
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NoCast, at(where.empty() ? name_at(span, text, cast.offset) : span), cast.from, cast.to);
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
      diagnostic.notes.push_back({{}, "convert through a function or an expression that PostgreSQL has (`(x::text)::jsonb`, a `case`)"});
      return false;
    }
    if (!typed.not_boolean.empty()) {
      const NotBooleanOperand& operand = typed.not_boolean.front();
      // From its first name to its last, and the parentheses that closes.
      const std::size_t begin = std::min(operand.first, text.size());
      const Span last = name_at(span, text, operand.last);
      std::size_t end = std::min(text.size(), std::max(begin, operand.last + (last.end - last.begin)));
      for (;;) {
        while (end < text.size()) {
          const std::string_view written = text.substr(begin, end - begin);
          if (std::count(written.begin(), written.end(), '(') <= std::count(written.begin(), written.end(), ')')) break;
          const std::size_t close = text.find(')', end);
          end = close == std::string_view::npos ? text.size() : close + 1;
        }
        // A call whose arguments name nothing (`count(*)`, `now()`) ends at its parentheses.
        const std::size_t next = text.find_first_not_of(" \t\r\n", end);
        if (next == std::string_view::npos || text[next] != '(') break;
        end = next + 1;
      }
      const std::uint32_t operand_begin = within(span, begin).begin;
      const Span operand_span{operand_begin, std::min(span.end, operand_begin + static_cast<std::uint32_t>(end - begin))};
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NotBoolean, at(where.empty() ? operand_span : span),
                                             fmt::format("an argument of {}", operand.logic),
                                             trimmed(std::string(text.substr(begin, end - begin))), operand.type);
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
      return false;
    }
    if (!typed.not_arrays.empty()) {
      const NotAnArray& operation = typed.not_arrays.front();
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NotAnArray, at(where.empty() ? name_at(span, text, operation.offset) : span),
                                             operation.type);
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
      diagnostic.notes.push_back({{}, "compare with each row of a subquery (`x = any (select ...)`, `x in (select ...)`), or with a list (`x in (a, b)`)"});
      return false;
    }
    if (!typed.mismatched.empty()) {
      const MismatchedTypes& mismatch = typed.mismatched.front();
      auto& diagnostic = diagnostics_.report(
          DiagnosticKind::MismatchedTypes, at(where.empty() ? name_at(span, text, mismatch.offset) : span),
          mismatch.conversion ? fmt::format("{} could not convert type {} to {}", mismatch.construct, mismatch.second, mismatch.first)
                              : fmt::format("{} types {} and {} cannot be matched", mismatch.construct, mismatch.first, mismatch.second),
          mismatch.conversion ? "42846" : "42804");
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
      diagnostic.notes.push_back({{}, "cast the values to one type (`x::text`)"});
      return false;
    }
    if (typed.unmatched.empty() && !typed.ambiguous.empty()) {
      const UnmatchedCall& call = typed.ambiguous.front();
      const Span at_call = call.length == 0 ? name_at(span, text, call.offset)
                                         : Span{within(span, call.offset).begin,
                                                std::min(span.end, within(span, call.offset).begin + static_cast<std::uint32_t>(call.length))};
      auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousCall, at(where.empty() ? at_call : span), call.function ? "function" : "operator", call.what);
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
      diagnostic.notes.push_back({{}, "cast an argument to the type meant (`'1 day'::interval`)"});
      return false;
    }
    if (typed.unmatched.empty()) return literals_fit(span, text, typed.literals, where);
    const UnmatchedCall& call = typed.unmatched.front();
    const Span at_call = call.length == 0 ? name_at(span, text, call.offset)
                                       : Span{within(span, call.offset).begin,
                                              std::min(span.end, within(span, call.offset).begin + static_cast<std::uint32_t>(call.length))};
    auto& diagnostic = diagnostics_.report(DiagnosticKind::NoMatchingOverload, at(where.empty() ? at_call : span),
                                           call.function ? "function" : "operator", call.what);
    if (!where.empty()) diagnostic.notes.push_back({{}, where});
    constexpr std::size_t most_listed = 8;
    if (call.overloads.empty()) {
      diagnostic.notes.push_back({{}, "none has that name: PostgreSQL reads a run of operator characters as one operator, so "
                                      "write a space between two (`c != -1`)"});
      return false;
    }
    if (call.overloads.size() <= most_listed) {
      diagnostic.notes.push_back({{}, fmt::format("there is {}", fmt::join(call.overloads, ", "))});
    } else {
      diagnostic.notes.push_back({{}, fmt::format("none of its {} overloads takes these types, even through an implicit cast", call.overloads.size())});
    }
    diagnostic.notes.push_back({{}, "cast an argument to the type meant (`x::integer`, `n::text`)"});
    return false;
  }

  // A constant compared with a column (or cast, or brought to a common type) is read as the type
  // without the column's length or precision: `char(3) <> 'abcdef'`, a bit(8) = '00000000'.
  static ColumnType without_length(ColumnType type) {
    type.modifiers.clear();
    if (!type.user_defined && (type.is("bit") || type.is("bit varying"))) type.modifiers = {-1};  // not bit(1)
    return type;
  }

  // String constants PostgreSQL reads as the type their call or CASE resolves to are values of it.
  bool literals_fit(Span span, std::string_view text, const std::vector<CoercedLiteral>& literals, const std::string& where) {
    bool fit = true;
    for (const auto& literal : literals) {
      auto known = column_type(literal.type);
      if (!known) continue;
      const ColumnType type = known->user_defined ? *known : without_length(std::move(*known));
      const auto enumeration = type.user_defined ? schema_.enums().find(type.name) : schema_.enums().end();
      const std::vector<std::string>* values = enumeration == schema_.enums().end() ? nullptr : &enumeration->second.values;
      const auto refused = constant_refused(SqlConstant{SqlConstant::Kind::string, literal.value, {}}, type, values);
      if (!refused) continue;
      fit = false;
      const Span at_constant = within(span, literal.offset);
      const Span written{at_constant.begin, std::min(span.end, at_constant.begin + static_cast<std::uint32_t>(string_constant_length(text, literal.offset)))};
      auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidValue, at(where.empty() ? written : span), revision_.file->slice(written), type.sql(), *refused);
      if (!where.empty()) diagnostic.notes.push_back({{}, where});
    }
    return fit;
  }

  // The casts, operators and functions PostgreSQL would pick for an index's or a generated
  // column's expression must be immutable, as for the functions called by name: `ts::date` of
  // a timestamptz is not, `d + interval '1 day'` of one neither.
  bool casts_and_operators_immutable(Span span, std::string_view text, std::string_view what, const Table* table) {
    const ExpressionTyping typed = typing(text, table);
    for (const auto& part : typed.mutable_parts) {
      const Span where = part.length == 0 ? name_at(span, text, part.offset)
                                          : Span{within(span, part.offset).begin,
                                                 std::min(span.end, within(span, part.offset).begin + static_cast<std::uint32_t>(part.length))};
      auto& diagnostic = diagnostics_.report(DiagnosticKind::NotImmutable, at(where), part.what, what);
      if (!part.why.empty()) diagnostic.notes.push_back({{}, part.why});
    }
    return typed.mutable_parts.empty();
  }

  // The foreign key (described) that can only be checked with `index`: it references exactly
  // the index's columns, and no primary key or unique constraint of the table has them.
  std::string foreign_key_needing(const Index& index) const {
    if (!index.unique || !index.where_sql.empty()) return "";
    std::vector<std::string> columns;
    for (const auto& key : index.keys) {
      if (key.column.empty()) return "";
      columns.push_back(key.column);
    }
    const auto same_set = [](std::vector<std::string> a, std::vector<std::string> b) {
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    };
    const Table* table = schema_.find_table(index.table);
    if (table == nullptr) return "";  // a materialized view's: no foreign key checks through it
    for (const auto& constraint : table->constraints) {
      if ((constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique) && same_set(constraint.columns, columns)) return "";
    }
    std::set<QualifiedName> tables = schema_.referencing(index.table);
    tables.insert(index.table);
    for (const auto& name : tables) {
      for (const auto& constraint : schema_.tables().at(name).constraints) {
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == index.table &&
            same_set(constraint.referenced_columns, columns)) {
          return fmt::format("foreign key `{}` on table `{}`", constraint.name, name);
        }
      }
    }
    return "";
  }

  // An SQL expression the schema holds (a default, a check, an index expression or predicate):
  // whose it is, and the operation that removes it, as PostgreSQL's `cascade` would.
  struct StoredExpression {
    std::string owner;
    std::string sql;
    Operation removal;
  };
  std::vector<StoredExpression> stored_expressions() const {
    std::vector<StoredExpression> found;
    for (const auto& [name, table] : schema_.tables()) {
      for (const auto& column : table.columns) {
        if (column.default_sql && !column.owned_sequence) {
          found.push_back({fmt::format("the default of column `{}.{}`", name, column.name), *column.default_sql,
                           op::SetDefault{name, column.name, std::nullopt}});
        }
        // PostgreSQL's `cascade` takes a generated column with what its expression uses.
        if (column.generated_sql) {
          found.push_back({fmt::format("generated column `{}.{}`", name, column.name), *column.generated_sql, op::DropColumn{name, column.name}});
        }
      }
      for (const auto& constraint : table.constraints) {
        if (constraint.kind == ConstraintKind::check) {
          found.push_back({fmt::format("check `{}` on table `{}`", constraint.name, name), constraint.check_sql,
                           op::DropConstraint{name, constraint.name}});
        }
      }
    }
    for (const auto& [name, index] : schema_.indexes()) {
      for (const auto& key : index.keys) {
        if (!key.expression.empty()) found.push_back({fmt::format("index `{}`", name), key.expression, op::DropIndex{name, false}});
      }
      if (!index.where_sql.empty()) found.push_back({fmt::format("index `{}`", name), index.where_sql, op::DropIndex{name, false}});
    }
    for (const auto& [name, view] : schema_.views()) {
      for (const auto& column : view.columns) {
        if (column.default_sql) {
          found.push_back({fmt::format("the default of column `{}.{}`", name, column.name), *column.default_sql,
                           op::SetViewDefault{name, column.name, std::nullopt}});
        }
      }
    }
    for (const auto& [name, domain] : schema_.domains()) {
      if (domain.default_sql) {
        found.push_back({fmt::format("the default of domain `{}`", name), *domain.default_sql, op::SetDomainDefault{name, std::nullopt}});
      }
      for (const auto& constraint : domain.constraints) {
        found.push_back({fmt::format("check `{}` on domain `{}`", constraint.name, name), constraint.check_sql,
                         op::DropDomainConstraint{name, constraint.name}});
      }
    }
    return found;
  }

  // Every expression the schema keeps as written, whose it is: PostgreSQL keeps them by the
  // objects' identities, so a rename it follows would leave the kept text naming the old name.
  std::vector<std::pair<std::string, std::string>> kept_expressions(const QualifiedName* only_table = nullptr) const {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& [name, table] : schema_.tables()) {
      if (only_table != nullptr && name != *only_table) continue;
      for (const auto& column : table.columns) {
        if (column.default_sql && !column.owned_sequence) found.emplace_back(fmt::format("the default of column `{}.{}`", name, column.name), *column.default_sql);
        if (column.generated_sql) found.emplace_back(fmt::format("generated column `{}.{}`", name, column.name), *column.generated_sql);
      }
      for (const auto& constraint : table.constraints) {
        if (constraint.kind == ConstraintKind::check) found.emplace_back(fmt::format("check `{}` on table `{}`", constraint.name, name), constraint.check_sql);
      }
      for (const QualifiedName& index_name : schema_.indexes_of(name)) {
        const Index& index = schema_.indexes().at(index_name);
        for (const auto& key : index.keys) {
          if (!key.expression.empty()) found.emplace_back(fmt::format("index `{}`", index_name), key.expression);
        }
        if (!index.where_sql.empty()) found.emplace_back(fmt::format("index `{}`", index_name), index.where_sql);
      }
    }
    if (only_table != nullptr) return found;
    for (const auto& [name, view] : schema_.views()) {
      for (const auto& column : view.columns) {
        if (column.default_sql) found.emplace_back(fmt::format("the default of column `{}.{}`", name, column.name), *column.default_sql);
      }
      for (const QualifiedName& index_name : schema_.indexes_of(name)) {
        const Index& index = schema_.indexes().at(index_name);
        for (const auto& key : index.keys) {
          if (!key.expression.empty()) found.emplace_back(fmt::format("index `{}`", index_name), key.expression);
        }
        if (!index.where_sql.empty()) found.emplace_back(fmt::format("index `{}`", index_name), index.where_sql);
      }
    }
    for (const auto& [name, domain] : schema_.domains()) {
      if (domain.default_sql) found.emplace_back(fmt::format("the default of domain `{}`", name), *domain.default_sql);
      for (const auto& constraint : domain.constraints) found.emplace_back(fmt::format("check `{}` on domain `{}`", constraint.name, name), constraint.check_sql);
    }
    return found;
  }

  // The views, policies and triggers, whose SQL the compiler keeps as written too: whose each
  // is, and what its statement names.
  std::vector<std::pair<std::string, ExpressionFacts>> kept_statement_names() const {
    std::vector<std::pair<std::string, ExpressionFacts>> found;
    for (const auto& [name, view] : schema_.views()) found.emplace_back(fmt::format("view `{}`", name), names_in_statements(view.query));
    for (const auto& [key, policy] : schema_.policies()) {
      found.emplace_back(fmt::format("policy `{}` on table `{}`", key.name, key.table),
                         names_in_statements("CREATE POLICY p ON t " + policy.definition));
    }
    for (const auto& [key, trigger] : schema_.triggers()) {
      found.emplace_back(fmt::format("trigger `{}` on table `{}`", key.name, key.table),
                         names_in_statements("CREATE TRIGGER t " + trigger.before_table + " t " + trigger.after_table));
    }
    return found;
  }

  // Refuses a rename PostgreSQL would follow into an expression the compiler keeps as written.
  // `expression_names_it` judges an expression's text; `statement_names_it`, where given, what a
  // view's, policy's or trigger's statement names.
  bool rename_unheld(Span at_name, std::string_view renaming, const std::vector<std::pair<std::string, std::string>>& expressions,
                     const std::function<bool(const std::string&)>& expression_names_it,
                     const std::function<bool(const ExpressionFacts&)>& statement_names_it = {}) {
    std::optional<std::string> holder;
    for (const auto& [owner, sql] : expressions) {
      if (expression_names_it(sql)) {
        holder = "the expression of " + owner;
        break;
      }
    }
    for (const auto& [owner, facts] : statement_names_it && !holder ? kept_statement_names() : decltype(kept_statement_names()){}) {
      if (statement_names_it(facts)) {
        holder = owner;
        break;
      }
    }
    if (!holder) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(at_name),
                                           fmt::format("renaming {}, which {} names: PostgreSQL would follow the rename, but the "
                                                       "compiler keeps its SQL as written",
                                                       renaming, *holder));
    diagnostic.notes.push_back({{}, "drop it first and write it again with the new name after the rename"});
    return false;
  }

  // The stored expressions that use what `uses` says of an expression's facts.
  std::vector<StoredExpression> expressions_using(const std::function<bool(const ExpressionFacts&)>& uses) const {
    std::vector<StoredExpression> found;
    for (auto& expression : stored_expressions()) {
      if (uses(read_expression(expression.sql))) found.push_back(std::move(expression));
    }
    return found;
  }

  // A value of a type the inference is certain of goes into a column as on assignment: `integer
  // default now()` fails at deploy (42804), `date default now()` casts.
  bool assigns_to(const ast::Expression& expression, const std::optional<SqlType>& value_type, const ColumnType& column_type) {
    if (!value_type || value_type->enumeration) return true;
    std::string name = value_type->name;
    std::uint32_t dimensions = 0;
    for (; name.ends_with("[]"); name.resize(name.size() - 2)) ++dimensions;
    const BuiltinType* builtin = find_builtin(QualifiedName{"", name});
    if (builtin == nullptr) return true;
    const ColumnType from{{"", std::string(builtin->canonical)}, {}, dimensions, false};
    if (converts_on_assignment(from, column_type)) return true;
    diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), column_type.sql(),
                        fmt::format("it is of type {}, which PostgreSQL does not convert to {} on assignment (42804)", from.sql(), column_type.sql()));
    return false;
  }

  // A constant given to a column (a default, an inserted value) must be a value of its type, as
  // PostgreSQL's input function reads it at deploy; so must a constant cast to a type. Anything
  // more than a constant is PostgreSQL's to judge.
  // A default: a value of the column's type, and not `'now'`, `'today'`... of a date or time,
  // which PostgreSQL reads when it stores the default, not when a row takes it (and which
  // `check` would then see as another moment than the compiler's rebuilt schema).
  bool default_fits(const ast::Expression& expression, const std::string& sql, const ColumnType& type) {
    if (const auto constant = constant_of(sql); constant && constant->kind == SqlConstant::Kind::string && constant->casts.size() <= 1) {
      ColumnType stored = base_type(type);
      if (constant->casts.size() == 1 && !constant->casts[0].empty()) {
        const BuiltinType* builtin = find_builtin(QualifiedName{"", constant->casts[0].back()});
        stored = builtin == nullptr ? ColumnType{} : ColumnType{{"", std::string(builtin->canonical)}, {}, 0, false};
      }
      std::string word = trimmed(constant->value);
      for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      static const std::map<std::string_view, std::string_view> instead = {
          {"now", "now()"}, {"today", "current_date"}, {"tomorrow", "current_date + 1"}, {"yesterday", "current_date - 1"}};
      // `today Europe/London`, `tomorrow allballs`: the day is still the deploy's.
      word = word.substr(0, word.find_first_of(" \t\n"));
      const std::string& name = stored.name.name;
      const bool moment = !stored.user_defined && stored.array_dimensions == 0 &&
                          (name == "date" || name.starts_with("timestamp") || name.starts_with("time "));
      if (const auto found = instead.find(word); moment && found != instead.end()) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::FrozenTimeLiteral, at(expression.span), revision_.file->slice(expression.span),
                                               stored.sql());
        diagnostic.notes.push_back({{}, fmt::format("write `{}`, which PostgreSQL evaluates for each row", found->second)});
        return false;
      }
    }
    return value_fits(expression, sql, type);
  }

  bool value_fits(const ast::Expression& expression, const std::string& sql, const ColumnType& written_type, bool not_null = false) {
    const auto constant = constant_of(sql);
    if (!constant) {
      if (const std::size_t dimensions = constructed_dimensions(sql); dimensions > 6) {
        diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), written_type.sql(),
                            fmt::format("number of array dimensions ({}) exceeds the maximum allowed (6)", dimensions));
        return false;
      }
      return assigns_to(expression, typing(sql, nullptr).type, written_type);
    }
    if (constant->casts.size() > 1) return true;
    // A number or boolean is typed already (integer, bigint, numeric, boolean), and goes into the
    // column as on assignment: `interval default 5`, `boolean default 1` fail at deploy (42804).
    const bool typed_constant = constant->kind == SqlConstant::Kind::integer || constant->kind == SqlConstant::Kind::number ||
                                constant->kind == SqlConstant::Kind::boolean;
    if (typed_constant && constant->casts.empty() && !assigns_to(expression, typing(sql, nullptr).type, written_type)) return false;
    // A domain's value is first one of its base type (its checks are PostgreSQL's to run).
    const ColumnType column_type = base_type(written_type);
    if (not_null && constant->kind == SqlConstant::Kind::null) {
      diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), column_type.sql(),
                          "the column is not null");
      return false;
    }
    ColumnType type = column_type;
    if (constant->casts.size() == 1) {
      auto names = constant->casts[0];
      const bool to_array = !names.empty() && names.back().ends_with("[]");
      if (to_array) names.back().resize(names.back().size() - 2);
      const BuiltinType* builtin = names.empty() ? nullptr : find_builtin(QualifiedName{"", names.back()});
      if (builtin != nullptr && (names.size() == 1 || names[0] == "pg_catalog")) {
        type = ColumnType{{"", std::string(builtin->canonical)}, {}, 0, false};
        // A cast's length is not among its names: a bit string's is then not known.
        if (type.is("bit") || type.is("bit varying")) type.modifiers = {-1};
      } else if (schema_.enums().contains(qualified(names))) {
        type = ColumnType{qualified(names), {}, 0, true};
      } else if (schema_.domains().contains(qualified(names))) {
        type = base_type(ColumnType{qualified(names), {}, 0, true});
      } else {
        return true;
      }
      if (to_array) {
        if (type.array_dimensions > 0) return true;  // a domain over an array, as an array's element
        type.array_dimensions = 1;
      }
      // A number or boolean cast runs a cast function, not the type's input: `0::boolean`,
      // `true::integer`, `1.5::integer` (rounded) are values.
      const bool boolean_side = constant->kind == SqlConstant::Kind::boolean || type.is("boolean");
      const bool rounded = constant->kind == SqlConstant::Kind::number && (type.is("integer") || type.is("smallint") || type.is("bigint"));
      if (constant->kind != SqlConstant::Kind::string && constant->kind != SqlConstant::Kind::null && (boolean_side || rounded)) return true;
    }
    SqlConstant stored = *constant;
    if (stored.kind == SqlConstant::Kind::integer && stored.value.empty()) {
      // The tree leaves out a zero's or negative integer's value: the first number of its text.
      const std::size_t first = sql.find_first_of("-0123456789");
      std::size_t end = first == std::string::npos ? first : sql.find_first_not_of("0123456789", first + 1);
      if (first != std::string::npos) {
        std::string text = sql.substr(first, end == std::string::npos ? std::string::npos : end - first);
        if (text != "-") stored.value = std::move(text);
      }
    }
    const auto found = type.user_defined ? schema_.enums().find(type.name) : schema_.enums().end();
    const std::vector<std::string>* values = found != schema_.enums().end() ? &found->second.values : nullptr;
    if (auto refused = constant_refused(stored, type, values)) {
      diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), type.sql(), *refused);
      return false;
    }
    if (constant->casts.size() == 1 && !assigns_to(expression, SqlType{type.sql(), type.user_defined}, written_type)) return false;
    if (values != nullptr && constant->kind == SqlConstant::Kind::string && values_added_here_.contains({type.name, constant->value})) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), type.sql(),
                                             "the value is added by this revision, and PostgreSQL cannot use an enum value in the transaction that added it");
      diagnostic.notes.push_back({{}, "use it in a later revision"});
      return false;
    }
    // The checks of the domains it is stored as, where they read a constant plainly.
    ColumnType domain = written_type;
    if (constant->casts.size() == 1) {
      domain = schema_.domains().contains(qualified(constant->casts[0])) ? ColumnType{qualified(constant->casts[0]), {}, 0, true} : ColumnType{};
    }
    if (const auto violated = domain_check_violated(domain, stored)) {
      diagnostics_.report(DiagnosticKind::InvalidValue, at(expression.span), revision_.file->slice(expression.span), domain.sql(), *violated);
      return false;
    }
    return true;
  }

  // How many dimensions an expression's outer ARRAY[...] builds: one per level of brackets
  // directly inside brackets (PostgreSQL builds no more than 6, and says so when it evaluates it).
  static std::size_t constructed_dimensions(std::string_view sql) {
    if (sql.find('[') == std::string_view::npos) return 0;
    const auto nodes = expression_nodes(sql);
    std::size_t deepest = 0;
    for (std::vector<std::pair<std::size_t, std::size_t>> pending{{0, 1}}; !pending.empty();) {
      const auto [at, depth] = pending.back();
      pending.pop_back();
      if (at >= nodes.size() || nodes[at].kind != SqlExpressionNode::Kind::array) continue;
      deepest = std::max(deepest, depth);
      for (const std::size_t child : nodes[at].children) pending.emplace_back(child, depth + 1);
    }
    return deepest;
  }

  // Why PostgreSQL would refuse a constant as a value of a domain (or a domain over it) for one of
  // its checks, where the compiler can tell.
  std::optional<std::string> domain_check_violated(const ColumnType& type, const SqlConstant& constant) const {
    using Kind = SqlConstant::Kind;
    if (constant.kind != Kind::string && constant.kind != Kind::integer && constant.kind != Kind::number) return std::nullopt;
    if (constant.value.empty()) return std::nullopt;
    const ColumnType base = base_type(type);
    if (base.array_dimensions > 0 || base.user_defined) return std::nullopt;
    const std::string& name = base.name.name;
    const bool integral = name == "smallint" || name == "integer" || name == "bigint";
    // real and double precision compare in binary floating point, which decimals do not model.
    const bool numeric = integral || name == "numeric";
    const bool textual = name == "text" || name == "character varying";
    if (!numeric && !textual) return std::nullopt;
    if (textual && constant.kind != Kind::string) return std::nullopt;
    // Judged as stored: rounded to the type's scale (`0.4` into an integer is 0), cut to its
    // length where only spaces go (`'ab  '` into varchar(3) is `'ab '`).
    std::string stored = constant.value;
    if (numeric) {
      const auto number = Decimal::parse(stored);
      if (!number) return std::nullopt;
      const bool unconstrained = !integral && base.modifiers.empty();
      const long scale = integral || base.modifiers.size() < 2 ? 0 : base.modifiers[1];
      stored = unconstrained ? number->text() : number->rounded(scale).text();
    } else if (!base.modifiers.empty() && base.modifiers[0] >= 0) {
      stored = std::string(first_characters(stored, static_cast<std::size_t>(base.modifiers[0])));
    }
    const ColumnType* at = &type;
    for (int depth = 0; at->user_defined && at->array_dimensions == 0 && depth < 16; ++depth) {
      const auto domain = schema_.domains().find(at->name);
      if (domain == schema_.domains().end()) return std::nullopt;
      for (const auto& check : domain->second.constraints) {
        if (domain_check_holds(check.check_sql, stored, numeric) == false) {
          return fmt::format("value for domain {} violates check constraint \"{}\"", domain->second.name, check.name);
        }
      }
      at = &domain->second.type;
    }
    return std::nullopt;
  }

  // The span of the name at `offset` in an expression's text (its first word, or quoted name).
  Span name_at(Span expression, std::string_view text, std::size_t offset) const {
    std::size_t end = offset;
    if (end < text.size() && text[end] == '"') {
      end = text.find('"', end + 1);
      end = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' || text[end] == '.' || text[end] == '$' ||
                                   text[end] == '\'' || static_cast<unsigned char>(text[end]) >= 0x80)) {
        ++end;
      }
    }
    const Span start = within(expression, offset);
    return {start.begin, std::min(expression.end, std::max(start.end, start.begin + static_cast<std::uint32_t>(end - offset)))};
  }

  // The functions, types and sequences an expression names exist at this revision: built in, from
  // an extension created by now, or the chain's own (what raw SQL creates is taken at its word).
  bool names_exist(Span span, std::string_view text, const ExpressionFacts& facts, std::string_view what, bool immutable_only,
                   bool one_row_at_a_time = true) {
    bool exist = true;
    // Checks, defaults, index and generation expressions, inserted and updated values and their
    // conditions are evaluated one row at a time: PostgreSQL refuses what needs a group of rows
    // or makes several (42803, 0A000, 42P02), outside a subquery.
    const auto refuse = [&](std::optional<std::size_t> offset, std::string_view kinds) {
      if (!offset || !one_row_at_a_time) return;
      const Span where = name_at(span, text, *offset);
      diagnostics_.report(DiagnosticKind::CallNotAllowed, at(where), what, revision_.file->slice(where), kinds);
      exist = false;
    };
    refuse(facts.window_call, "window functions");
    refuse(facts.aggregate_call, "aggregate functions");
    refuse(facts.grouping, "grouping()");
    refuse(facts.parameter, "parameters");
    if (!exist) return false;
    if (immutable_only && facts.value_function) {
      const Span where = name_at(span, text, *facts.value_function);
      diagnostics_.report(DiagnosticKind::NotImmutable, at(where), revision_.file->slice(where), what);
      exist = false;
    }
    for (const auto& function : facts.functions) {
      const FunctionFound found = find_function(function.names);
      const Span where = name_at(span, text, function.offset);
      if (!found.exists) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownFunction, at(where), fmt::format("{}", fmt::join(function.names, ".")), revision_.id);
        if (!found.in_extension.empty()) {
          diagnostic.notes.push_back({{}, extension_note(found.in_extension)});
        } else if (const std::string guess = closest_match(function.names.back(), catalog_function_names()); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        exist = false;
      } else if (const auto change = schema_change_of_call(function.names)) {
        exist = report_routine_change(where, *change);
      } else if (!function.in_subquery && found.kind != 'f') {
        refuse(function.offset, found.kind == 'a' ? "aggregate functions" : found.kind == 'w' || found.kind == 'h' ? "window functions" : "set-returning functions");
      } else if (immutable_only && !found.immutable) {
        diagnostics_.report(DiagnosticKind::NotImmutable, at(where), function.names.back(), what);
        exist = false;
      }
    }
    for (const auto& type : facts.types) {
      if (type_exists(type.names)) continue;
      const QualifiedName name = qualified(type.names);
      const Span where = name_at(span, text, type.offset);
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownType, at(where), name, revision_.id);
      std::vector<std::string> candidates = names_of(schema_.enums());
      for (auto& other : names_of(schema_.domains())) candidates.push_back(std::move(other));
      for (auto& other : names_of(schema_.composites())) candidates.push_back(std::move(other));
      const std::string guess = closest_match(to_string(name), candidates);
      if (const auto site = sites_.types.find(name); site != sites_.types.end()) {
        diagnostic.notes.push_back({site->second.where, created_elsewhere(to_string(name), site->second.revision)});
      } else if (const auto extension = extension_of_type(type.names.back()); !extension.empty()) {
        diagnostic.notes.push_back({{}, extension_note(extension)});
      } else if (!guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      exist = false;
    }
    // A constant cast to a type inside an expression (`now() + interval '5 minuts'`); one that
    // is the whole expression is the value's own check's.
    if (!facts.constants.empty() && !constant_of(text)) {
      for (const auto& constant : facts.constants) exist = constant_reads_as(span, text, constant, cast_type(constant)) && exist;
    }
    for (const auto& sequence : facts.sequences) {
      const Span where = name_at(span, text, sequence.offset);
      if (sequence.names.empty()) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(where), what, "this names no sequence");
        exist = false;
        continue;
      }
      const QualifiedName name = qualified(sequence.names);
      if (const char* kind = schema_.relation_kind(name); kind != nullptr && std::string_view(kind) == "sequence") continue;
      if (statement_sequences_.contains(name)) continue;
      report_unknown(DiagnosticKind::UnknownSequence, where, to_string(name), names_of(schema_.sequences()),
                     sites_.relations.contains(name) ? &sites_.relations.at(name) : nullptr);
      exist = false;
    }
    return exist;
  }

  // `names` as a name in the default schema, which `public.` means too.
  static QualifiedName qualified(const std::vector<std::string>& names) {
    if (names.size() < 2) return {"", names.empty() ? std::string() : names.back()};
    const std::string& schema = names[names.size() - 2];
    return {schema == "public" ? std::string() : schema, names.back()};
  }

  struct FunctionFound {
    bool exists = false;
    bool immutable = false;        // some overload is: which one PostgreSQL picks is its to say
    std::string_view in_extension;  // where an unknown one would come from
    // 'a', 'w', 's' when every overload it may be is an aggregate, a window function, or returns
    // a set (CatalogFunction::kind); else 'f'.
    char kind = 'f';
  };
  FunctionFound find_function(const std::vector<std::string>& names) const {
    FunctionFound found;
    const std::string& name = names.back();
    const std::string schema = names.size() > 1 ? names[names.size() - 2] : std::string();
    for (const auto& entry : catalog_functions(name)) {
      const bool available = entry.extension.empty() ? (schema.empty() || schema == "pg_catalog")
                                                     : (schema.empty() || schema == "public") &&
                                                           (schema_.extensions().contains(std::string(entry.extension)) ||
                                                            sites_.raw_extensions.contains(std::string(entry.extension)));
      if (available) {
        found.kind = !found.exists || found.kind == entry.kind ? entry.kind : 'f';
        found.exists = true;
        found.immutable = found.immutable || entry.some_overload_immutable;
      } else if (!entry.extension.empty() && found.in_extension.empty()) {
        found.in_extension = entry.extension;
      }
    }
    if (schema != "pg_catalog") {
      for (const Routine* routine : routines_named(qualified(names))) {
        if (routine->procedure) continue;
        // `returns setof ...` and `returns table (...)`: set-returning, as PostgreSQL's own.
        const char kind = routine->returns.starts_with("setof ") || routine->returns.starts_with("SETOF ") ? 's' : 'f';
        found.kind = !found.exists || found.kind == kind ? kind : 'f';
        found.exists = true;
        found.immutable = found.immutable || routine->volatility == "immutable";
      }
    }
    if (schema != "pg_catalog" && sites_.raw_functions.contains(name)) found.kind = 'f';
    if (!found.exists && schema != "pg_catalog" && sites_.raw_functions.contains(name)) {
      found.exists = true;
      found.immutable = true;  // its declaration is PostgreSQL's to check
    }
    return found;
  }

  bool type_exists(const std::vector<std::string>& names) const {
    const QualifiedName name = qualified(names);
    if (type_kind(name) != nullptr || sites_.raw_types.contains(name.name)) return true;
    // Every table, view and sequence is also the type of its rows (`(c.*)::crate`).
    if (schema_.find_table(name) != nullptr || schema_.views().contains(name) || schema_.sequences().contains(name)) return true;
    if (!name.schema.empty() && name.schema != "pg_catalog") return false;
    for (const auto& entry : catalog_types(name.name)) {
      if (entry.extension.empty() || schema_.extensions().contains(std::string(entry.extension)) ||
          sites_.raw_extensions.contains(std::string(entry.extension))) {
        return true;
      }
    }
    return false;
  }

  static std::string extension_note(std::string_view extension) {
    return fmt::format("it belongs to extension `{}`: `create extension {};` in this revision or an earlier one", extension,
                       quote_identifier(extension));
  }

  static std::string extension_of_type(const std::string& name) {
    for (const auto& entry : catalog_types(name)) {
      if (!entry.extension.empty()) return std::string(entry.extension);
    }
    return "";
  }

  // A raw step, or its down, read by PostgreSQL's parser: no statement may control a
  // transaction, or change an object the compiler models behind its back; one PostgreSQL refuses
  // inside a transaction needs the step declared `outside transaction`. Whether the text is
  // maintenance only (nothing to undo), or nothing when it is refused.
  struct RawFacts {
    bool maintenance_only = true;
  };
  std::optional<RawFacts> check_raw_sql(const ast::StringLiteral& body, bool up, bool outside_transaction) {
    // The text begins after its opening dollar quote.
    const std::string_view written = revision_.file->slice(body.span);
    const Span text{body.span.begin + static_cast<std::uint32_t>(written.find('$', 1) + 1), body.span.end};
    const ParsedSql parsed = parse_statements(body.value);
    if (parsed.error) {
      report_sql_error(text, up ? "a raw step" : "a raw step's down", *parsed.error);
      return std::nullopt;
    }
    RawFacts facts;
    std::set<std::string> made_here;  // relations the step's statements before make
    for (const auto& statement : parsed.statements) {
      const std::string_view whole = std::string_view(body.value).substr(statement.offset, statement.length);
      const std::string shown = trimmed(std::string(whole));
      const std::size_t lead = shown.empty() ? 0 : whole.find(shown.front());
      const Span span{within(text, statement.offset + lead).begin,
                      std::min(text.end, static_cast<std::uint32_t>(within(text, statement.offset + lead).begin + shown.size()))};
      facts.maintenance_only = facts.maintenance_only && statement.maintenance;
      if (statement.block_ends_transaction && !outside_transaction) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::TransactionControl, at(span), shown);
        diagnostic.notes.push_back({{}, "PostgreSQL lets a block commit only outside a transaction block: declare the step "
                                        "`execute outside transaction $$ ... $$`, where each statement runs on its own"});
        return std::nullopt;
      }
      if (statement.client_copy) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                               "`copy ... from stdin` and `to stdout` send rows through the client, and a migrator "
                                               "has none to send or take");
        diagnostic.notes.push_back({{}, "write the rows as an `insert` step, or copy from a file the server reads (`copy t from "
                                        "'/path'`, which needs pg_read_server_files)"});
        return std::nullopt;
      }
      if (statement.transaction_control) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::TransactionControl, at(span), shown);
        diagnostic.notes.push_back({{}, outside_transaction
                                            ? "each statement of a step outside a transaction runs on its own, and the migrator "
                                              "records the revision once the last has run"
                                            : "the migrator runs each revision in one transaction, and records the revision in it: "
                                              "a failure rolls the whole revision back"});
        return std::nullopt;
      }
      if (!statement.session_change.empty()) {
        const std::string setting = statement.session_change == "settings"                           ? "settings, all of them"
                                    : statement.session_change.starts_with("settings") ? statement.session_change
                                                                                               : fmt::format("`{}`", statement.session_change);
        auto& diagnostic = diagnostics_.report(DiagnosticKind::SessionChange, at(span), setting);
        const std::string& changed = statement.session_change;
        diagnostic.notes.push_back(
            {{}, changed == "search_path"
                     ? "the compiler's statements name objects as the migrator's search path finds them: "
                       "qualify names in raw SQL instead, or give a function its own `set search_path`"
                 : changed == "timezone"
                     ? "the compiler's schema and `check` read timestamptz constants in the migrator's time zone, which later "
                       "statements would not: convert in the expression instead (`'2024-01-01 00:00' at time zone 'Europe/Paris'`)"
                 : changed.starts_with("settings")
                     ? "name the setting as a constant, `set_config('name', ...)`, so that the compiler can tell which it is"
                 : changed.starts_with("transaction_")
                     ? "a transaction's isolation, read-only and deferrable settings are taken only before its first query, and "
                       "a read-only one would refuse the rest of the revision: the migrator runs each revision in its own transaction"
                 : is_session_parameter(changed)
                     ? fmt::format("the migrator sets `{}` on every connection and the plan's SQL is written for that "
                                   "value; a function that needs another can say `set {} = ...` in its definition",
                                   changed, changed)
                 : changed == "role" || changed == "session_authorization"
                     ? "the migrator keeps one session for the whole run, with the role and schema it was "
                       "given: use `set local role` inside a step, or the migrator's `--role`"
                     : "the revisions after this one would run with it, in the same session: write `set local ...` "
                       "(or `set_config(..., true)`), which ends with this revision's transaction"});
        return std::nullopt;
      }
      if (statement.created_function.empty()) {
        if (auto change = schema_change_by_calls(statement, whole)) {
          report_routine_change(span, *change);
          return std::nullopt;
        }
      }
      if (!written_names_exist(statement, text, made_here) || !refreshes_a_materialized_view(statement, text, made_here)) return std::nullopt;
      if (!statement.created_relation.empty()) made_here.insert(statement.created_relation.back());
      if (auto written = catalog_write(statement)) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::RawSchemaChange, at(span), *written);
        diagnostic.notes.push_back({{}, std::string(catalog_write_note)});
        return std::nullopt;
      }
      if (!statement.modelled_change.empty() && changes_a_modelled_relation(statement)) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::RawSchemaChange, at(span), statement.modelled_change);
        if (statement.change_in_block) diagnostic.notes.push_back({{}, "the DO block runs it"});
        diagnostic.notes.push_back({{}, statement.language_statement.empty()
                                            ? statement.no_language_statement
                                            : fmt::format("write `{};` instead: the language's statement, which the compiler "
                                                          "checks, follows and inverts",
                                                          for_relation_kind(statement))});
        return std::nullopt;
      }
      if (!statement.outside_transaction.empty() && !outside_transaction) {
        auto& diagnostic = diagnostics_.report(DiagnosticKind::NotInTransaction, at(span), statement.outside_transaction);
        diagnostic.notes.push_back({{}, "declare the step `execute outside transaction $$ ... $$`: each of its statements then runs "
                                        "on its own, and the step stands alone in its revision"});
        return std::nullopt;
      }
    }
    return facts;
  }

  // Whether a raw statement's change is the compiler's business: it creates, or acts on a
  // relation the compiler models at this revision (not a materialized view's index, a view's
  // comment, or a table made outside the chain).
  // What a chain routine named `names` changes of what the compiler models when it runs, itself
  // or through the SQL-language routines it calls: the first such statement, or none. Called by
  // a data step, a default or raw SQL during a migration, it would change the schema behind the
  // compiler's back as raw SQL would.
  struct RoutineChange {
    std::string routine;
    SqlStatement statement;
    std::string fired_by;  // the trigger that runs the routine, if one does
  };
  std::optional<RoutineChange> schema_change_of_call(const std::vector<std::string>& names, int depth = 0) const {
    if (names.empty() || names.size() > 3 || depth > 4) return std::nullopt;
    const std::string& schema = names.size() >= 2 ? names[names.size() - 2] : std::string();
    if (schema == "pg_catalog") return std::nullopt;
    for (const Routine* routine : routines_named({schema != "public" ? schema : std::string(), names.back()})) {
      const ParsedSql body = parse_routine_body(routine->language, routine->body, routine->procedure, routine->definition);
      for (const auto& statement : body.statements) {
        const bool ends_transaction = statement.block_ends_transaction || statement.transaction_control;
        if (ends_transaction || (!statement.modelled_change.empty() && changes_a_modelled_relation(statement))) {
          return RoutineChange{to_string(routine->key), statement, {}};
        }
        if (auto written = catalog_write(statement)) {
          SqlStatement change = statement;
          change.modelled_change = std::move(*written);
          return RoutineChange{to_string(routine->key), std::move(change), {}};
        }
        // A PL/pgSQL body is read as a DO block: what it calls and writes is the block's.
        const std::string_view text = std::string_view(routine->body).substr(std::min(statement.offset, routine->body.size()));
        if (auto change = schema_change_by_calls(statement, routine->language == "sql" ? text.substr(0, statement.length) : std::string_view(), depth + 1)) {
          return change;
        }
      }
    }
    return std::nullopt;
  }

  // What the routines a statement calls change, and the trigger functions its writes fire.
  std::optional<RoutineChange> schema_change_by_calls(const SqlStatement& statement, std::string_view text, int depth = 0) const {
    if (depth > 4) return std::nullopt;
    if (!text.empty()) {
      for (const auto& called : routines_called(text)) {
        if (auto change = schema_change_of_call(called, depth)) return change;
      }
    }
    for (const auto& called : statement.block_calls) {
      if (auto change = schema_change_of_call(called, depth)) return change;
    }
    for (const auto& write : statement.writes) {
      if (auto change = schema_change_of_triggers(write.relation, write.events, depth)) return change;
    }
    return std::nullopt;
  }

  // What the chain's triggers on table `names` run when rows are written by `events`
  // ("insert", "update", "delete", "truncate"): a trigger function that changes the schema
  // would change it behind the compiler's back as a called one would.
  std::optional<RoutineChange> schema_change_of_triggers(const std::vector<std::string>& names, const std::vector<std::string>& events,
                                                         int depth = 0) const {
    if (names.empty() || names.size() > 3 || depth > 4) return std::nullopt;
    const std::string& schema = names.size() >= 2 ? names[names.size() - 2] : std::string();
    const QualifiedName table{schema != "public" ? schema : std::string(), names.back()};
    for (const auto& [key, trigger] : schema_.triggers()) {
      if (key.table != table || !trigger.enabled) continue;
      // The events are words of what comes before the table's name: `before insert or update of a on`.
      std::string words = " ";
      for (const char c : trigger.before_table) {
        words += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : ' ';
      }
      words += ' ';
      const bool fired = std::any_of(events.begin(), events.end(),
                                     [&](const std::string& event) { return words.find(" " + event + " ") != std::string::npos; });
      if (!fired) continue;
      std::vector<std::string> function;
      if (!trigger.function.name.schema.empty()) function.push_back(trigger.function.name.schema);
      function.push_back(trigger.function.name.name);
      if (auto change = schema_change_of_call(function, depth + 1)) {
        change->fired_by = to_string(key.table) + "." + key.name;
        return change;
      }
    }
    // Rows deleted or updated here are deleted or updated in the tables whose foreign keys
    // cascade from this one (or set null, or their default), and fire those tables' triggers.
    const bool deletes = std::find(events.begin(), events.end(), "delete") != events.end();
    const bool updates = std::find(events.begin(), events.end(), "update") != events.end();
    if (!deletes && !updates) return std::nullopt;
    for (const auto& [name, other] : schema_.tables()) {
      for (const auto& constraint : other.constraints) {
        if (constraint.kind != ConstraintKind::foreign_key || constraint.referenced_table != table) continue;
        std::vector<std::string> reached;
        const auto reach = [&](ReferentialAction action, const char* event) {
          if (action == ReferentialAction::cascade) reached.emplace_back(event);
          if (action == ReferentialAction::set_null || action == ReferentialAction::set_default) reached.emplace_back("update");
        };
        if (deletes) reach(constraint.on_delete, "delete");
        if (updates) reach(constraint.on_update, "update");
        if (reached.empty()) continue;
        std::vector<std::string> child;
        if (!name.schema.empty()) child.push_back(name.schema);
        child.push_back(name.name);
        if (auto change = schema_change_of_triggers(child, reached, depth + 1)) return change;
      }
    }
    return std::nullopt;
  }

  // A raw INSERT's or UPDATE's table and columns: a table's columns are the compiler's to know.
  // A name that is no table of the chain is taken for one the compiler does not see (a
  // temporary one, an extension's, one outside the chain) unless it is a likely misspelling
  // of one of the chain's.
  // `text`: the raw SQL's, which the statement's offsets are into.
  bool written_names_exist(const SqlStatement& statement, Span text, const std::set<std::string>& made_here) {
    const auto where = [&](std::size_t offset, std::size_t length) {
      const Span start = within(text, offset);
      return Span{start.begin, std::min(text.end, start.begin + static_cast<std::uint32_t>(length))};
    };
    for (const auto& write : statement.writes) {
      if (!write.own || write.relation.empty() || write.relation.size() > 2) continue;
      const std::string schema = write.relation.size() == 2 ? write.relation[0] : std::string();
      if (schema == "pg_catalog" || schema == "information_schema" || write.relation.back().starts_with("pg_")) continue;
      const QualifiedName name{schema != "public" ? schema : std::string(), write.relation.back()};
      const Table* table = schema_.find_table(name);
      if (table == nullptr) {
        if (schema_.views().contains(name) || sites_.raw_relations.contains(name.name) || made_here.contains(name.name)) continue;
        const std::string guess = closest_match(to_string(name), names_of(schema_.tables()));
        if (guess.empty()) continue;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(where(write.relation_offset, write.relation.back().size())),
                                               name, revision_.id);
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        return false;
      }
      for (const auto& [column, offset] : write.columns) {
        if (column.empty() || table->find_column(column) != nullptr) continue;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(where(offset, column.size())), column, in_table(table->name),
                                               revision_.id);
        std::vector<std::string> candidates;
        for (const auto& other : table->columns) candidates.push_back(other.name);
        if (const std::string guess = closest_match(column, candidates); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        return false;
      }
    }
    return true;
  }

  // REFRESH MATERIALIZED VIEW names a materialized view: not a view or a table (42809), nor a
  // misspelt name (one the compiler cannot place may be made where it cannot see).
  bool refreshes_a_materialized_view(const SqlStatement& statement, Span text, const std::set<std::string>& made_here) {
    const auto& names = statement.refreshed;
    if (names.empty() || names.size() > 2) return true;
    const QualifiedName name{names.size() == 2 && names[0] != "public" ? names[0] : "", names.back()};
    const Span start = within(text, statement.refreshed_offset);
    const Span where{start.begin, std::min(text.end, start.begin + static_cast<std::uint32_t>(names.back().size()))};
    const auto view = schema_.views().find(name);
    if (view != schema_.views().end() && view->second.materialized) return true;
    const char* kind = schema_.relation_kind(name);
    if (kind != nullptr) {
      diagnostics_.report(DiagnosticKind::WrongViewKind, at(where), to_string(name), kind,
                          "only a materialized view is refreshed (42809)");
      return false;
    }
    if (sites_.raw_relations.contains(name.name) || made_here.contains(name.name)) return true;
    std::vector<std::string> candidates;
    for (const auto& [view_name, other] : schema_.views()) {
      if (other.materialized) candidates.push_back(to_string(view_name));
    }
    const std::string guess = closest_match(to_string(name), candidates);
    if (guess.empty()) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownView, at(where), "materialized view", to_string(name), revision_.id);
    diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    return false;
  }

  // A write to PostgreSQL's catalog (`update pg_attribute set ...`): it changes objects behind
  // the checks of PostgreSQL's own statements, and the compiler's. The statement that makes it.
  static std::optional<std::string> catalog_write(const SqlStatement& statement) {
    for (const auto& write : statement.writes) {
      if (write.relation.empty() || write.relation.size() > 3) continue;
      const bool catalog = write.relation.size() >= 2 ? write.relation[write.relation.size() - 2] == "pg_catalog"
                                                      : write.relation.back().starts_with("pg_");
      if (!catalog) continue;
      const std::string& event = write.events.front();
      return fmt::format("{} pg_catalog.{}", event == "insert" ? "insert into" : event == "delete" ? "delete from" : event, write.relation.back());
    }
    return std::nullopt;
  }
  static constexpr std::string_view catalog_write_note =
      "PostgreSQL's catalog is its own to write, through the statements that check what they change: write the "
      "language's statement for the change";

  // Whether the chain's triggers a data step fires on `table` leave the schema alone.
  bool triggers_keep_schema(Span where, const Table& table, const std::vector<std::string>& events) {
    std::vector<std::string> names;
    if (!table.name.schema.empty()) names.push_back(table.name.schema);
    names.push_back(table.name.name);
    const auto change = schema_change_of_triggers(names, events);
    return !change || report_routine_change(where, *change);
  }

  bool report_routine_change(Span where, const RoutineChange& change) {
    if (change.statement.modelled_change.empty()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::TransactionControl, at(where), revision_.file->slice(where));
      diagnostic.notes.push_back({{}, fmt::format("`{}` commits or rolls back when called; the migrator runs each revision in one "
                                                  "transaction, and records the revision in it",
                                                  change.routine)});
      return false;
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::RawSchemaChange, at(where), change.statement.modelled_change);
    diagnostic.notes.push_back({{}, change.fired_by.empty() ? fmt::format("`{}` runs it when called", change.routine)
                                                            : fmt::format("trigger `{}` runs `{}`, which runs it", change.fired_by, change.routine)});
    diagnostic.notes.push_back({{}, "change the schema with the language's statements, in the revision itself"});
    return false;
  }

  // The language's statement for a raw one, named for the kind of relation it acts on:
  // PostgreSQL renames an index, a view or a sequence by `alter table` too; the language does not.
  std::string for_relation_kind(const SqlStatement& statement) const {
    static constexpr std::string_view table = "alter table ";
    const std::string& written = statement.language_statement;
    if (statement.modelled_change != "alter table ... rename to" || !written.starts_with(table) || statement.relations.empty() ||
        statement.relations.front().empty()) {
      return written;
    }
    const auto& names = statement.relations.front();
    const QualifiedName relation{names.size() >= 2 && names[names.size() - 2] != "public" ? names[names.size() - 2] : "", names.back()};
    const char* kind = schema_.relation_kind(relation);
    const bool renamed_by_language = kind != nullptr && (std::string_view(kind) == "index" || std::string_view(kind).ends_with("view"));
    return renamed_by_language ? fmt::format("alter {} {}", kind, written.substr(table.size())) : written;
  }

  bool changes_a_modelled_relation(const SqlStatement& statement) const {
    // A grant on routines: those the chain makes, not an extension's or PostgreSQL's own.
    if (!statement.routines.empty()) {
      return std::any_of(statement.routines.begin(), statement.routines.end(), [&](const std::vector<std::string>& names) {
        if (names.empty() || names.size() > 3) return false;
        const std::string& schema = names.size() >= 2 ? names[names.size() - 2] : std::string();
        return !routines_named({schema != "public" ? schema : std::string(), names.back()}).empty();
      });
    }
    // A grant on types, or a drop: those the chain makes, not PostgreSQL's own or an
    // extension's; a type raw SQL made may go while no modelled column is of it.
    if (!statement.types.empty()) {
      return std::any_of(statement.types.begin(), statement.types.end(), [&](const std::vector<std::string>& names) {
        if (names.empty() || names.size() > 3) return false;
        const std::string& schema = names.size() >= 2 ? names[names.size() - 2] : std::string();
        const QualifiedName name{schema != "public" ? schema : std::string(), names.back()};
        if (statement.modelled_change.starts_with("drop ") && !schema_.columns_of_type(name).empty()) return true;
        return schema_.enums().contains(name) || schema_.domains().contains(name) || schema_.composites().contains(name);
      });
    }
    // A grant on schemas: those the chain makes, not `public`.
    if (!statement.schemas.empty()) {
      return std::any_of(statement.schemas.begin(), statement.schemas.end(),
                         [&](const std::string& name) { return schema_.schemas().contains(name); });
    }
    if (statement.relations.empty()) return true;
    return std::any_of(statement.relations.begin(), statement.relations.end(), [&](const std::vector<std::string>& names) {
      // `db.schema.name`: PostgreSQL takes a database's name only as the current one's.
      if (names.empty() || names.size() > 3) return false;
      const std::string& schema = names.size() >= 2 ? names[names.size() - 2] : std::string();
      const QualifiedName name{schema != "public" ? schema : std::string(), names.back()};
      const char* kind = schema_.relation_kind(name);
      if (kind == nullptr) return false;
      // Comments the language cannot give: on a column of a view or composite type, on an
      // identity's or serial's sequence, on a constraint's index.
      const std::string& change = statement.modelled_change;
      if (change == "comment on column" && std::string_view(kind) != "table") return false;
      if (change == "comment on sequence" && !schema_.sequences().contains(name)) return false;
      if (change == "comment on index" && !schema_.indexes().contains(name)) return false;
      // Privileges on a table's columns (a view's are not modelled).
      if (change == "grant ... (columns)" || change == "revoke ... (columns)") return std::string_view(kind) == "table";
      // Privileges on tables, views and sequences, but not on an identity column's sequence.
      if (change == "grant" || change == "revoke") {
        if (std::string_view(kind) != "sequence" || schema_.sequences().contains(name)) return true;
        const Column* column = schema_.column_of_sequence(name).second;
        return column != nullptr && column->identity == Identity::none;
      }
      // Of a view, the compiler models the view itself, its columns and its comment, not the
      // indexes of a materialized one.
      return !std::string_view(kind).ends_with("view") || change.find("index") == std::string::npos;
    });
  }

  // The place `offset` bytes into `span`, one byte wide, inside it.
  static Span within(Span span, std::size_t offset) {
    const auto begin = static_cast<std::uint32_t>(std::min<std::size_t>(span.begin + offset, span.end > span.begin ? span.end - 1 : span.begin));
    return {begin, std::min(begin + 1, std::max(span.end, begin + 1))};
  }
  // Whether PostgreSQL casts a column's default to its new type by itself: only where an
  // assignment cast exists (among numbers, among dates and times, to a string type, a type to
  // itself with other modifiers); ALTER ... TYPE refuses the rest, whatever `using` says.
  static bool default_converts(const ColumnType& from, const ColumnType& to) {
    if (from.array_dimensions != to.array_dimensions) return false;
    if (from.name == to.name) return true;
    const auto family = [](const ColumnType& type) -> std::string_view {
      if (type.user_defined) return "";
      for (const std::string_view number : {"smallint", "integer", "bigint", "numeric", "real", "double precision"}) {
        if (type.is(number)) return "number";
      }
      for (const std::string_view text : {"text", "character varying", "character"}) {
        if (type.is(text)) return "string";
      }
      for (const std::string_view time : {"date", "timestamp without time zone", "timestamp with time zone"}) {
        if (type.is(time)) return "datetime";
      }
      if (type.name.name.starts_with("interval")) return "interval";  // of any fields
      if (type.is("json") || type.is("jsonb")) return "json";
      return "";
    };
    const std::string_view to_family = family(to);
    return to_family == "string" || (!to_family.empty() && to_family == family(from));
  }

  // A domain's base type, through domains over domains; any other type as it is.
  ColumnType base_type(ColumnType type) const {
    for (int depth = 0; depth < 32 && type.user_defined && type.array_dimensions == 0; ++depth) {
      const auto domain = schema_.domains().find(type.name);
      if (domain == schema_.domains().end()) break;
      type = domain->second.type;
    }
    return type;
  }

  // Whether ALTER COLUMN ... TYPE converts the column's values without `using`: PostgreSQL
  // coerces them as on assignment (can_coerce_type() with COERCION_ASSIGNMENT): the same type
  // with other modifiers, a cast PostgreSQL applies on assignment, any value to a string type
  // through its text form, an array's elements so. A type the compiler cannot place is not judged.
  bool converts_on_assignment(const ColumnType& from_written, const ColumnType& to_written, int depth = 0) const {
    const ColumnType from = base_type(from_written);
    const ColumnType to = base_type(to_written);
    if (from.name == to.name && from.user_defined == to.user_defined && from.array_dimensions == to.array_dimensions) return true;
    const CatalogType* target = to.user_defined ? nullptr : builtin_catalog_type(to);
    if (to.array_dimensions == 0 && target != nullptr && target->category == 'S') return true;
    if ((from.array_dimensions > 0) != (to.array_dimensions > 0)) return false;
    if (from.array_dimensions > 0) {
      ColumnType from_element = from;
      ColumnType to_element = to;
      from_element.array_dimensions = 0;
      to_element.array_dimensions = 0;
      return depth < 4 && converts_on_assignment(from_element, to_element, depth + 1);
    }
    if (from.user_defined || to.user_defined) return false;
    const CatalogType* source = builtin_catalog_type(from);
    if (source == nullptr || target == nullptr) return true;
    if (source->formatted == target->formatted) return true;  // `pg_catalog.int4` is `integer`
    for (const auto& cast : catalog_casts(source->formatted)) {
      if (cast.target == target->formatted && cast.context != 'e') return true;
    }
    return false;
  }

  // Whether `(x)::to` of a value of type `from` parses: a cast in any context, an array's
  // element by element, or the I/O conversion every type has to and from the string types. The
  // chain's enums and composite types have no other; extensions' types are not judged.
  bool casts_explicitly(const ColumnType& from_written, const ColumnType& to_written, int depth = 0) const {
    const ColumnType from = base_type(from_written);
    const ColumnType to = base_type(to_written);
    if (converts_on_assignment(from, to)) return true;
    const auto string = [](const ColumnType& type) {
      const CatalogType* entry = type.user_defined || type.array_dimensions > 0 ? nullptr : builtin_catalog_type(type);
      return entry != nullptr && entry->category == 'S';
    };
    if (string(from) || string(to)) return true;
    if ((from.array_dimensions > 0) != (to.array_dimensions > 0)) return false;
    if (from.array_dimensions > 0) {
      ColumnType from_element = from;
      ColumnType to_element = to;
      from_element.array_dimensions = 0;
      to_element.array_dimensions = 0;
      return depth < 4 && casts_explicitly(from_element, to_element, depth + 1);
    }
    const auto chains_own = [&](const ColumnType& type) {
      return type.user_defined && (schema_.enums().contains(type.name) || schema_.composites().contains(type.name));
    };
    if (chains_own(from) || chains_own(to)) return false;
    if (from.user_defined || to.user_defined) return true;
    const CatalogType* source = builtin_catalog_type(from);
    const CatalogType* target = builtin_catalog_type(to);
    if (source == nullptr || target == nullptr) return true;
    const auto casts = catalog_casts(source->formatted);
    return std::ranges::any_of(casts, [&](const CatalogCast& cast) { return cast.target == target->formatted; });
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

  const EnumType* find_enum(const ast::ObjectName& name) {
    const auto type = schema_.enums().find(name);
    if (type != schema_.enums().end()) return &type->second;
    if (!report_wrong_kind(name, "an enum type")) report_unknown(DiagnosticKind::UnknownType, name, names_of(schema_.enums()), sites_.types);
    return nullptr;
  }

  const Domain* find_domain(const ast::ObjectName& name) {
    const auto domain = schema_.domains().find(name);
    if (domain != schema_.domains().end()) return &domain->second;
    if (!report_wrong_kind(name, "a domain")) report_unknown(DiagnosticKind::UnknownType, name, names_of(schema_.domains()), sites_.types);
    return nullptr;
  }

  const CompositeType* find_composite(const ast::ObjectName& name) {
    const auto type = schema_.composites().find(name);
    if (type != schema_.composites().end()) return &type->second;
    if (!report_wrong_kind(name, "a composite type")) {
      report_unknown(DiagnosticKind::UnknownType, name, names_of(schema_.composites()), sites_.types);
    }
    return nullptr;
  }

  const Attribute* find_attribute(const CompositeType& type, const ast::Name& name) {
    for (const auto& attribute : type.attributes) {
      if (attribute.name == name.text) return &attribute;
    }
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownAttribute, at(name.span), name.text, type.name, revision_.id);
    std::vector<std::string> names;
    for (const auto& attribute : type.attributes) names.push_back(attribute.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  // What kind of type holds `name` ("an enum type", "a domain", "a composite type"), or null.
  const char* type_kind(const QualifiedName& name) const {
    if (schema_.enums().contains(name)) return "an enum type";
    if (schema_.domains().contains(name)) return "a domain";
    if (schema_.composites().contains(name)) return "a composite type";
    return nullptr;
  }

  // Reports WrongTypeKind when `name` is a type, but not `wanted`.
  bool report_wrong_kind(const ast::ObjectName& name, std::string_view wanted) {
    const char* kind = type_kind(name);
    if (kind == nullptr) return false;
    diagnostics_.report(DiagnosticKind::WrongTypeKind, at(name.span), name, kind, wanted);
    return true;
  }

  const Origin* type_origin(const QualifiedName& name) const {
    if (const auto type = schema_.enums().find(name); type != schema_.enums().end()) return &type->second.origin;
    if (const auto domain = schema_.domains().find(name); domain != schema_.domains().end()) return &domain->second.origin;
    if (const auto type = schema_.composites().find(name); type != schema_.composites().end()) return &type->second.origin;
    return nullptr;
  }

  // Types and tables share one namespace per schema: a table defines a row type of its name.
  bool check_new_type(Span span, const QualifiedName& name) {
    const Origin* existing = type_origin(name);
    if (const Table* table = schema_.find_table(name)) existing = &table->origin;
    if (existing == nullptr) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(span), name, revision_.id);
    diagnostic.notes.push_back({existing->where, fmt::format("first created here, by revision {}", existing->revision)});
    return false;
  }

  // A table's name must not be a type's.
  bool check_not_a_type(Span span, const QualifiedName& name) {
    const char* kind = type_kind(name);
    if (kind == nullptr) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::DuplicateType, at(span), name, revision_.id);
    const std::string_view noun = std::string_view(kind).substr(std::string_view(kind).find(' ') + 1);
    diagnostic.notes.push_back({type_origin(name)->where, fmt::format("the {} is created here", noun)});
    return false;
  }

  // Domains over `type` and composite types with an attribute of it: PostgreSQL drops them only
  // with the type, and the language drops no such thing by cascade.
  bool check_no_type_dependents(Span span, std::string_view kind, const QualifiedName& type) {
    std::string dependent = type_dependent(type);
    for (const auto& [key, routine] : schema_.routines()) {
      if (dependent.empty() && routine.types.contains(type)) dependent = fmt::format("function `{}`", to_string(key));
    }
    if (dependent.empty()) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::StillReferenced, at(span), kind, type, dependent);
    diagnostic.notes.push_back({{}, "drop or change it first"});
    return false;
  }

  // A domain over `type`, or an attribute of a composite type of it, as messages name it; or empty.
  std::string type_dependent(const QualifiedName& type) const {
    std::string dependent;
    for (const auto& [name, domain] : schema_.domains()) {
      if (dependent.empty() && domain.type.user_defined && domain.type.name == type) dependent = fmt::format("domain `{}`", name);
    }
    for (const auto& [name, composite] : schema_.composites()) {
      for (const auto& attribute : composite.attributes) {
        if (dependent.empty() && attribute.type.user_defined && attribute.type.name == type) {
          dependent = fmt::format("attribute `{}` of composite type `{}`", attribute.name, name);
        }
      }
    }
    return dependent;
  }

  // A view that uses a column of `type`: PostgreSQL changes no column's type under a view.
  // What keeps PostgreSQL from changing the type of a column of `type` (the derived down of
  // `add value` does): a view, a generated column, a policy or a trigger's condition using it.
  std::string view_over_column_of(const QualifiedName& type) const {
    for (const auto& [table, column] : schema_.columns_of_type(type)) {
      for (const auto& [name, view] : schema_.views()) {
        if (view.reads.contains(table) && mentions_identifier(view.query, column)) {
          return fmt::format("view `{}` (through column `{}.{}`)", name, table, column);
        }
      }
      const Table* owner = schema_.find_table(table);
      for (const Column& other : owner == nullptr ? std::vector<Column>{} : owner->columns) {
        if (other.generated_sql && mentions_identifier(*other.generated_sql, column)) {
          return fmt::format("generated column `{}.{}` (through column `{}.{}`)", table, other.name, table, column);
        }
      }
      for (const auto& [key, policy] : schema_.policies()) {
        if (key.table == table && policy.columns.contains(column)) {
          return fmt::format("policy `{}` on `{}` (through column `{}.{}`)", key.name, key.table, table, column);
        }
      }
      for (const auto& [key, trigger] : schema_.triggers()) {
        if (key.table == table && trigger.columns.contains(column)) {
          return fmt::format("trigger `{}` on `{}` (through column `{}.{}`)", key.name, key.table, table, column);
        }
      }
    }
    return {};
  }

  // PostgreSQL adds a constraint (or not null) to a domain only while no column holds its values
  // in an array or a composite type; dropping one is refused then too, as its way down could not
  // add it back.
  bool check_domain_unheld(Span span, const Domain& domain, bool adds) {
    const auto held = schema_.column_holding_domain_in_container(domain.name);
    if (!held) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::TypeInUse, at(span), domain.name, fmt::format("{}.{}", held->first, held->second));
    diagnostic.notes.push_back({{}, adds ? "PostgreSQL cannot check the values of the domain that the column holds in an array or a "
                                           "composite type: change that column first"
                                         : "the way down would add it back, which PostgreSQL refuses while the column holds values "
                                           "of the domain in an array or a composite type: change that column first"});
    return false;
  }

  std::optional<Attribute> composite_attribute(const CompositeType& type, const ast::CompositeAttribute& syntax) {
    if (!check_name(syntax.name)) return std::nullopt;
    for (const auto& attribute : type.attributes) {
      if (attribute.name == syntax.name.text) {
        diagnostics_.report(DiagnosticKind::DuplicateAttribute, at(syntax.name.span), syntax.name.text, type.name);
        return std::nullopt;
      }
    }
    if (is_serial(syntax.type)) {
      diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.type.span), syntax.type.name,
                          "cannot be an attribute's type: it is a column's shorthand for an integer and its sequence");
      return std::nullopt;
    }
    auto attribute_type = resolve_type(syntax.type);
    if (!attribute_type) return std::nullopt;
    return Attribute{syntax.name.text, std::move(*attribute_type)};
  }

  // A domain's check, named as PostgreSQL names it: `<domain>_check`, then `_check1`... past the
  // constraint names the domain's schema already holds.
  std::optional<DomainConstraint> domain_constraint(const Domain& domain, const ast::DomainCheck& syntax) {
    std::string text(revision_.file->slice(syntax.check.span));
    const ExpressionFacts facts = read_expression(text);
    if (facts.error) {
      report_sql_error(syntax.check.span, "a domain's check", *facts.error);
      return std::nullopt;
    }
    if (facts.nesting > most_expression_nesting) {
      report_too_deep(syntax.check.span);
      return std::nullopt;
    }
    // PostgreSQL checks a domain's values where no query can run (0A000).
    if (facts.subquery) {
      diagnostics_.report(DiagnosticKind::SubqueryNotAllowed, at(within(syntax.check.span, *facts.subquery)), "a domain's check");
      return std::nullopt;
    }
    if (!names_exist(syntax.check.span, text, facts, "a domain's check", false)) return std::nullopt;
    for (const auto& reference : column_references(text)) {
      if (reference.names.size() == 1 && reference.names[0] == "value") continue;
      std::string shown;
      for (const auto& part : reference.names) shown += (shown.empty() ? "" : ".") + part;
      const std::uint32_t begin = within(syntax.check.span, reference.offset).begin;
      const Span where{begin, std::min(syntax.check.span.end, begin + static_cast<std::uint32_t>(shown.size()))};
      diagnostics_.report(DiagnosticKind::DomainCheckReference, at(where), shown);
      return std::nullopt;
    }
    const auto taken = [&](const std::string& candidate) {
      for (const auto& constraint : domain.constraints) {
        if (constraint.name == candidate) return true;
      }
      for (const auto& [name, other] : schema_.domains()) {
        if (name.schema != domain.name.schema || name == domain.name) continue;
        for (const auto& constraint : other.constraints) {
          if (constraint.name == candidate) return true;
        }
      }
      return schema_.constraint_name_taken(beside(domain.name, candidate));
    };
    DomainConstraint constraint{{}, text};
    if (syntax.name) {
      if (!check_name(*syntax.name)) return std::nullopt;
      constraint.name = syntax.name->text;
      const bool duplicate = std::any_of(domain.constraints.begin(), domain.constraints.end(),
                                         [&](const DomainConstraint& c) { return c.name == constraint.name; });
      if (duplicate) {
        diagnostics_.report(DiagnosticKind::DuplicateDomainConstraint, at(syntax.name->span), constraint.name, domain.name);
        return std::nullopt;
      }
      return constraint;
    }
    constraint.name = make_object_name(domain.name.name, "", "check");
    for (int pass = 1; taken(constraint.name); ++pass) {
      constraint.name = make_object_name(domain.name.name, "", "check" + std::to_string(pass));
    }
    return constraint;
  }

  // Another column of `table` whose generation expression names `column`, or null.
  static const Column* generated_user(const Table& table, const std::string& column) {
    for (const auto& other : table.columns) {
      if (other.generated_sql && other.name != column && mentions_identifier(*other.generated_sql, column)) return &other;
    }
    return nullptr;
  }

  // A generated column's expression, once every column of its table is known: one expression
  // naming only the table's stored columns.
  bool check_generated(const Table& table, const ast::ColumnDefinition& syntax) {
    // PostgreSQL requires it immutable, as an index expression.
    const auto text = expression_sql(*syntax.generated, "a generation expression", &table, true);
    if (!text) return false;
    for (const auto& reference : column_references(*text)) {
      if (reference.names.size() != 1) continue;
      const Column* used = table.find_column(reference.names[0]);
      if (used != nullptr && used->generated_sql) {
        diagnostics_.report(DiagnosticKind::GeneratedFromGenerated, at(reference_span(*syntax.generated, reference)),
                            syntax.name.text, used->name);
        return false;
      }
    }
    const Column* generated = table.find_column(syntax.name.text);
    return generated == nullptr || assigns_to(*syntax.generated, typing(*text, &table).type, generated->type);
  }

  // Where a column reference is written in an expression: its last name.
  Span reference_span(const ast::Expression& expression, const SqlColumnReference& reference) const {
    const std::uint32_t begin = within(expression.span, reference.offset).begin;
    return {begin, std::min(expression.span.end, begin + static_cast<std::uint32_t>(reference.names.back().size()))};
  }

  // PostgreSQL follows a column's rename into the table's checks, index keys and predicates and
  // generated columns, and so does the compiler, where it can give the text back exactly when
  // renaming back; where an expression names the column otherwise (qualified, quoted without
  // need, in capitals), reports ExpressionUsesColumn.
  bool check_renamable_in_expressions(const Table& table, const std::string& column, const std::string& to, Span span) {
    const auto held = [&](const std::string& sql) { return !sql.empty() && mentions_identifier(sql, column) && !with_column_renamed(sql, column, to); };
    std::string user;
    for (const auto& other : table.columns) {
      if (user.empty() && other.generated_sql && held(*other.generated_sql)) user = fmt::format("generated column `{}`", other.name);
    }
    for (const auto& constraint : table.constraints) {
      if (user.empty() && held(constraint.check_sql)) user = fmt::format("check constraint `{}`", constraint.name);
    }
    for (const auto& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes().at(name);
      const bool in_expression = std::any_of(index.keys.begin(), index.keys.end(), [&](const IndexKey& key) { return held(key.expression); });
      if (user.empty() && (in_expression || held(index.where_sql))) user = fmt::format("index `{}`", name);
    }
    if (user.empty()) return true;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::ExpressionUsesColumn, at(span), column, user, "drop or recreate");
    diagnostic.notes.push_back({{}, fmt::format("PostgreSQL follows the rename; the compiler does too where the expression writes the column "
                                                "as `{}`, unqualified", quote_identifier(column))});
    return false;
  }

  bool check_name(const ast::Name& name) { return check_length(name.text, name.span); }

  bool check_name(const ast::ObjectName& name) {
    if (!check_length(name.schema, name.span) || !check_length(name.name, name.span)) return false;
    if (!name.schema.empty() && !schema_.schemas().contains(name.schema)) {
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
    if (statement_sequences_.contains(name)) {
      auto& diagnostic = diagnostics_.report(kind, at(span), "sequence", name, revision_.id);
      diagnostic.notes.push_back({{}, "this statement makes it first, for an identity or serial column"});
      return false;
    }
    const char* existing = schema_.relation_kind(name);
    if (existing == nullptr) return true;
    auto& diagnostic = diagnostics_.report(kind, at(span), existing, name, revision_.id);
    const Origin* origin = nullptr;
    if (const auto t = schema_.tables().find(name); t != schema_.tables().end()) origin = &t->second.origin;
    if (const auto i = schema_.indexes().find(name); i != schema_.indexes().end()) origin = &i->second.origin;
    if (origin != nullptr) {
      diagnostic.notes.push_back({origin->where, fmt::format("first created here, by revision {}", origin->revision)});
    }
    for (const auto& [table_name, table] : schema_.tables()) {
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

  // Why an object that revision `creator` creates is not there: that revision comes later or on
  // another branch, or it came before and the object has gone since.
  std::string created_elsewhere(const std::string& shown, const std::string& creator) const {
    if (revision_.applied_before && revision_.applied_before(creator)) {
      return fmt::format("`{}` is created by revision {}, applied before revision {}: it was dropped or renamed since, or its "
                         "statement failed",
                         shown, creator, revision_.id);
    }
    return fmt::format("`{}` is created by revision {}, which is not applied before revision {}", shown, creator, revision_.id);
  }

  // `site`: where the object is created elsewhere in the chain, if it is.
  Diagnostic& report_unknown(DiagnosticKind kind, Span span, const std::string& shown, const std::vector<std::string>& candidates,
                             const Origin* site) {
    auto& diagnostic = diagnostics_.report(kind, at(span), shown, revision_.id);
    if (site != nullptr && site->revision == revision_.id && site->where.file == revision_.file && site->where.span.begin > span.begin) {
      diagnostic.notes.push_back({site->where, fmt::format("`{}` is created later in this revision, here: create it first", shown)});
    } else if (site != nullptr && site->revision == revision_.id) {
      diagnostic.notes.push_back(
          {site->where, fmt::format("`{}` is created earlier in this revision, here, but that statement failed, or it was dropped "
                                    "or renamed since",
                                    shown)});
    } else if (site != nullptr) {
      diagnostic.notes.push_back({site->where, created_elsewhere(shown, site->revision)});
    } else if (const std::string guess = closest_match(shown, candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return diagnostic;
  }

  void report_unknown(DiagnosticKind kind, const ast::ObjectName& name, const std::vector<std::string>& candidates,
                      const std::map<QualifiedName, Origin>& sites) {
    const auto site = sites.find(name);
    report_unknown(kind, name.span, to_string(name), candidates, site == sites.end() ? nullptr : &site->second);
  }

  void report_unknown(DiagnosticKind kind, const ast::Name& name, const std::vector<std::string>& candidates) {
    report_unknown(kind, name.span, name.text, candidates, nullptr);
  }

  // The view `name`, of the kind the statement says (`materialized`), or an error naming what it is.
  const View* find_view(const ast::ObjectName& name, bool materialized) {
    const char* kind = materialized ? "materialized view" : "view";
    const auto found = schema_.views().find(name);
    if (found == schema_.views().end()) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownView, at(name.span), kind, to_string(name), revision_.id);
      std::vector<std::string> candidates;
      for (const auto& [view_name, view] : schema_.views()) {
        if (view.materialized == materialized) candidates.push_back(to_string(view_name));
      }
      if (const std::string guess = closest_match(to_string(name), candidates); !guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      if (const char* other = schema_.relation_kind(name)) diagnostic.notes.push_back({{}, fmt::format("`{}` is a {}", to_string(name), other)});
      return nullptr;
    }
    if (found->second.materialized != materialized) {
      diagnostics_.report(DiagnosticKind::WrongViewKind, at(name.span), to_string(name), found->second.materialized ? "materialized view" : "view",
                          fmt::format("write `{}view`", found->second.materialized ? "materialized " : ""));
      return nullptr;
    }
    return &found->second;
  }

  // A relation a view's query reads: its name as the query names it, and its columns.
  struct QuerySource {
    QualifiedName name;
    std::string alias;  // or its bare name, where it has none
    std::vector<ViewColumn> columns;
    bool complete = true;  // false: a view some of whose columns come from where the compiler cannot see
  };

  static const QueryFromItem* from_item_named(const QueryFromItem& item, const std::string& alias) {
    if (item.alias == alias) return &item;
    for (const auto& part : item.parts) {
      if (const QueryFromItem* found = from_item_named(part, alias)) return found;
    }
    return nullptr;
  }

  // The columns `*` takes from a FROM item, in PostgreSQL's order: a join's merged columns
  // (USING's, or a natural join's common ones) once, first, then each side's others. Each comes
  // with the source it is a column of, where it is one. A function's or WITH query's columns the
  // compiler cannot see: none.
  std::vector<std::pair<ViewColumn, const QuerySource*>> from_item_columns(const QueryFromItem& item, const std::vector<QuerySource>& sources) const {
    std::vector<std::pair<ViewColumn, const QuerySource*>> columns;
    if (item.opaque && !item.renamed.empty() && (!item.names.empty() || item.parts.size() == 2) && !item.with_query) {
      // `t AS x (a, b)`: its first columns renamed, no longer the source's by those names.
      columns = from_item_columns(without_alias_list(item), sources);
      for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i] = {ViewColumn{item.renamed[i], columns[i].first.type}, nullptr};
      return columns;
    }
    if (const auto called = function_columns(item)) {
      for (const auto& name : *called) columns.emplace_back(ViewColumn{name, std::nullopt}, nullptr);
      return columns;
    }
    if (item.opaque) return columns;
    if (!item.names.empty()) {
      for (const auto& source : sources) {
        if (source.alias != item.alias || source.name.name != item.names.back()) continue;
        for (const auto& column : source.columns) columns.emplace_back(column, &source);
        break;
      }
      return columns;
    }
    if (item.parts.size() != 2) {
      for (const auto& name : item.columns) columns.emplace_back(ViewColumn{name, std::nullopt}, nullptr);
      // A subquery whose select list has `*`: each entry in turn, `*` over its own FROM list.
      for (const auto& entry : item.select_list) {
        const RowFields fields = entry.row_star ? row_fields(entry.column, item.subquery_from) : RowFields{};
        if (fields.composite != nullptr) {
          for (const auto& attribute : fields.composite->attributes) columns.emplace_back(ViewColumn{attribute.name, attribute.type}, nullptr);
          continue;
        }
        if (!entry.star && !(entry.row_star && !fields.column && entry.column.size() == 1)) {
          columns.emplace_back(ViewColumn{entry.name, std::nullopt}, nullptr);
          continue;
        }
        for (const auto& from : item.subquery_from) {
          const QueryFromItem* chosen = entry.column.empty() ? &from : from_item_named(from, entry.column.back());
          if (chosen == nullptr) continue;
          for (auto& column : from_item_columns(*chosen, sources)) columns.push_back(std::move(column));
        }
      }
      // `(...) AS s (a, b)` renames its first columns, those of its `*` too.
      for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i].first.name = item.renamed[i];
      return columns;
    }
    auto left = from_item_columns(item.parts[0], sources);
    auto right = from_item_columns(item.parts[1], sources);
    std::vector<std::string> merged = item.using_columns;
    if (item.natural) {
      for (const auto& entry : left) {
        const std::string& name = entry.first.name;
        const bool common = std::any_of(right.begin(), right.end(), [&](const auto& other) { return other.first.name == name; });
        if (common) merged.push_back(name);
      }
    }
    const auto is_merged = [&](const std::string& name) { return std::find(merged.begin(), merged.end(), name) != merged.end(); };
    for (const auto& name : merged) {
      const auto found = std::find_if(left.begin(), left.end(), [&](const auto& entry) { return entry.first.name == name; });
      if (found != left.end()) columns.push_back(*found);
    }
    for (auto& entry : left) {
      if (!is_merged(entry.first.name)) columns.push_back(std::move(entry));
    }
    for (auto& entry : right) {
      if (!is_merged(entry.first.name)) columns.push_back(std::move(entry));
    }
    return columns;
  }

  // Whether from_item_columns() gives every column of a FROM item.
  bool item_columns_known(const QueryFromItem& item) const {
    if (item.opaque && !item.renamed.empty() && (!item.names.empty() || item.parts.size() == 2) && !item.with_query) {
      return item_columns_known(without_alias_list(item));
    }
    if (function_columns(item)) return true;
    if (item.opaque) return false;
    if (!item.names.empty()) {
      const auto view = schema_.views().find(qualified(item.names));
      return view == schema_.views().end() || view->second.columns_known;
    }
    if (item.parts.size() == 2) return item_columns_known(item.parts[0]) && item_columns_known(item.parts[1]);
    for (const auto& entry : item.select_list) {
      if (!entry.row_star) continue;
      const RowFields fields = row_fields(entry.column, item.subquery_from);
      if (fields.composite == nullptr && (fields.column || entry.column.size() != 1)) return false;
    }
    for (const auto& from : item.subquery_from) {
      if (!item_columns_known(from)) return false;
    }
    return true;
  }

  // The columns of a call of one of PostgreSQL's functions as a FROM item, where every overload
  // of its name gives the same (CatalogFunction::columns), or those its column definition list names.
  std::optional<std::vector<std::string>> function_columns(const QueryFromItem& item) const {
    if (!item.rows_from.empty()) {
      // ROWS FROM (f(), g()): each function's columns in turn.
      std::vector<std::string> columns;
      for (const auto& call : item.rows_from) {
        const auto called = function_columns(call);
        if (!called) return std::nullopt;
        columns.insert(columns.end(), called->begin(), called->end());
      }
      for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i] = item.renamed[i];
      if (item.ordinality) columns.push_back(item.renamed.size() > columns.size() ? item.renamed[columns.size()] : "ordinality");
      return columns;
    }
    if (item.function.empty()) return std::nullopt;
    std::vector<std::string> columns = item.columns;
    // `unnest(a, b)` in FROM is ROWS FROM (unnest(a), unnest(b)); `unnest(array[...])` is the
    // array's (not a tsvector's or a multirange's).
    const bool builtin = item.function.size() == 1 || (item.function.size() == 2 && item.function[0] == "pg_catalog");
    if (columns.empty() && builtin && item.function.back() == "unnest" && (item.function_arguments > 1 || item.array_argument) &&
        !sites_.raw_functions.contains("unnest") && std::ranges::none_of(schema_.routines(), [](const auto& routine) { return routine.first.name.name == "unnest"; })) {
      columns.assign(item.function_arguments, "unnest");
      if (item.function_arguments == 1) columns[0] = item.alias;
      for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i] = item.renamed[i];
    }
    if (columns.empty()) {
      if (auto row = chain_function_row_columns(item.function)) {
        columns = std::move(*row);
        for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i] = item.renamed[i];
      }
    }
    if (columns.empty()) {
      const std::string& name = item.function.back();
      if (item.function.size() > 2 || (item.function.size() == 2 && item.function[0] != "pg_catalog")) return std::nullopt;
      // A function of the chain's of that name may be the one called.
      if (sites_.raw_functions.contains(name)) return std::nullopt;
      for (const auto& [key, routine] : schema_.routines()) {
        if (key.name.name == name) return std::nullopt;
      }
      const auto entries = catalog_functions(name);
      if (entries.empty()) return std::nullopt;
      const std::string_view listed = entries.front().columns;
      if (listed.empty() || std::any_of(entries.begin(), entries.end(), [&](const CatalogFunction& entry) { return entry.columns != listed; })) {
        return std::nullopt;
      }
      if (listed == "=") {
        columns.push_back(item.alias);
      } else {
        for (std::string_view rest = listed; !rest.empty();) {
          const std::size_t comma = rest.find(',');
          columns.emplace_back(rest.substr(0, comma));
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
      }
      for (std::size_t i = 0; i < item.renamed.size() && i < columns.size(); ++i) columns[i] = item.renamed[i];
    }
    if (item.ordinality) columns.push_back(item.renamed.size() > columns.size() ? item.renamed[columns.size()] : "ordinality");
    return columns;
  }

  // The columns of the row type a function of the chain returns (`returns setof t` of a table, a
  // view or a composite type), where every overload of its name returns the same one: the
  // columns it has now, which a `*` over the function takes, and a later column does not join.
  std::optional<std::vector<std::string>> chain_function_row_columns(const std::vector<std::string>& function) const {
    if (function.empty() || function.size() > 2) return std::nullopt;
    const auto overloads = routines_named({function.size() == 2 && function[0] != "public" ? function[0] : "", function.back()});
    if (overloads.empty() || std::any_of(overloads.begin(), overloads.end(), [&](const Routine* routine) {
          return routine->returns != overloads.front()->returns;
        })) {
      return std::nullopt;
    }
    std::string_view returns = overloads.front()->returns;
    if (returns.size() > 6 && (returns.starts_with("setof ") || returns.starts_with("SETOF "))) returns.remove_prefix(6);
    const std::vector<std::string> names = regclass_names(returns);
    if (names.empty() || names.size() > 2) return std::nullopt;
    const QualifiedName type{names.size() == 2 && names[0] != "public" ? names[0] : "", names.back()};
    std::vector<std::string> columns;
    if (const Table* table = schema_.find_table(type)) {
      for (const auto& column : table->columns) columns.push_back(column.name);
    } else if (const auto view = schema_.views().find(type); view != schema_.views().end() && view->second.columns_known) {
      for (const auto& column : view->second.columns) columns.push_back(column.name);
    } else if (const auto composite = schema_.composites().find(type); composite != schema_.composites().end()) {
      for (const auto& attribute : composite->second.attributes) columns.push_back(attribute.name);
    } else {
      return std::nullopt;
    }
    return columns;
  }

  // What `(c).*` (or `(t.c).*`) is a row of. PostgreSQL takes `c` for a column of a FROM item
  // before it takes it for an item's own row.
  struct RowFields {
    bool column = false;                       // a column of a table or view of the FROM list
    const CompositeType* composite = nullptr;  // the column's type, where it is a composite type the chain made
  };
  RowFields row_fields(const std::vector<std::string>& names, const std::vector<QueryFromItem>& from) const {
    RowFields fields;
    if (names.empty() || names.size() > 2) return fields;
    std::vector<const QueryFromItem*> pending;
    for (const auto& item : from) pending.push_back(&item);
    std::optional<ColumnType> type;
    while (!pending.empty()) {
      const QueryFromItem* item = pending.back();
      pending.pop_back();
      for (const auto& part : item->parts) pending.push_back(&part);
      if (item->names.empty() || item->opaque || !item->renamed.empty()) continue;
      if (names.size() == 2 && item->alias != names[0]) continue;
      const QualifiedName name = qualified(item->names);
      if (const Table* table = schema_.find_table(name)) {
        if (const Column* column = table->find_column(names.back())) {
          fields.column = true;
          type = column->type;
        }
      } else if (const auto view = schema_.views().find(name); view != schema_.views().end()) {
        for (const auto& column : view->second.columns) {
          if (column.name != names.back()) continue;
          fields.column = true;
          type = column.type;
        }
      }
    }
    if (type && type->user_defined && type->array_dimensions == 0) {
      if (const auto composite = schema_.composites().find(type->name); composite != schema_.composites().end()) {
        fields.composite = &composite->second;
      }
    }
    return fields;
  }

  // The columns a FROM item gives a `*` that PostgreSQL would freeze, each with the text that
  // names it: `alias.column` for a table's or view's, `alias.*` for a subquery's, function's or WITH
  // query's, whose columns are fixed by their own text. Nothing where the compiler cannot name
  // them all (a USING or natural join over columns it cannot see); `frozen` says whether a
  // table or view is under the item.
  struct StarColumn {
    std::string name;  // empty for `alias.*`
    std::string text;
  };
  std::optional<std::vector<StarColumn>> star_columns(const QueryFromItem& item, bool& frozen, std::string& why) const {
    if (!item.names.empty() && (!item.opaque || !item.renamed.empty())) {
      const QualifiedName name = qualified(item.names);
      std::vector<std::string> names;
      if (const Table* table = schema_.find_table(name)) {
        for (const auto& column : table->columns) names.push_back(column.name);
      } else if (const auto view = schema_.views().find(name); view != schema_.views().end()) {
        // A view whose columns the compiler cannot all name: left as PostgreSQL will expand it.
        if (!view->second.columns_known) {
          if (!item.renamed.empty()) {
            why = fmt::format("view `{}`, whose columns come from where the compiler cannot see, renamed by a column alias list", name);
            frozen = true;
            return std::nullopt;
          }
          return std::vector<StarColumn>{{"", quote_identifier(item.alias) + ".*"}};
        }
        for (const auto& column : view->second.columns) names.push_back(column.name);
      } else {
        why = fmt::format("`{}`, which is not a table or view the compiler knows", to_string(name));
        return std::nullopt;
      }
      frozen = true;
      for (std::size_t i = 0; i < item.renamed.size() && i < names.size(); ++i) names[i] = item.renamed[i];
      std::vector<StarColumn> columns;
      for (auto& column : names) columns.push_back({column, quote_identifier(item.alias) + "." + quote_identifier(column)});
      return columns;
    }
    if (item.parts.size() != 2) {
      if (item.alias.empty()) {
        why = "a FROM item without an alias";
        return std::nullopt;
      }
      // A function whose columns are known; one of the chain's returning a table's or a type's
      // rows has their columns now, which PostgreSQL keeps.
      if (const auto called = function_columns(item)) {
        if (item.columns.empty() && chain_function_row_columns(item.function)) frozen = true;
        std::vector<StarColumn> columns;
        for (const auto& column : *called) columns.push_back({column, quote_identifier(item.alias) + "." + quote_identifier(column)});
        return columns;
      }
      // Named one by one only where a join must merge them; otherwise fixed by its own text.
      if (item.columns.empty() || item.opaque) return std::vector<StarColumn>{{"", quote_identifier(item.alias) + ".*"}};
      std::vector<StarColumn> columns;
      for (const auto& column : item.columns) columns.push_back({column, quote_identifier(item.alias) + "." + quote_identifier(column)});
      return columns;
    }
    auto left = star_columns(item.parts[0], frozen, why);
    auto right = star_columns(item.parts[1], frozen, why);
    if (!left || !right) return std::nullopt;
    // A join's alias hides the names of its sides: every column is the alias's.
    const auto through_alias = [&](std::vector<StarColumn> columns) -> std::optional<std::vector<StarColumn>> {
      if (item.alias.empty()) return columns;
      if (item.opaque && item.renamed.empty()) {
        why = "a join with a column alias list";
        return std::nullopt;
      }
      for (std::size_t i = 0; i < columns.size(); ++i) {
        auto& column = columns[i];
        if (column.name.empty()) {
          why = "an aliased join over a subquery, function or WITH query";
          return std::nullopt;
        }
        if (i < item.renamed.size()) column.name = item.renamed[i];
        column.text = quote_identifier(item.alias) + "." + quote_identifier(column.name);
      }
      return columns;
    };
    if (!item.natural && item.using_columns.empty()) {
      for (auto& column : *right) left->push_back(std::move(column));
      return through_alias(std::move(*left));
    }
    const auto unnamed = [](const StarColumn& column) { return column.name.empty(); };
    if (std::any_of(left->begin(), left->end(), unnamed) || std::any_of(right->begin(), right->end(), unnamed)) {
      why = "a USING or natural join over a subquery, function or WITH query";
      return std::nullopt;
    }
    std::vector<std::string> merged = item.using_columns;
    if (item.natural) {
      for (const auto& column : *left) {
        if (std::any_of(right->begin(), right->end(), [&](const auto& other) { return other.name == column.name; })) merged.push_back(column.name);
      }
    }
    const auto is_merged = [&](const std::string& name) { return std::find(merged.begin(), merged.end(), name) != merged.end(); };
    // A merged column is the join's: named through the join's alias, or by its bare name.
    std::vector<StarColumn> columns;
    for (const auto& name : merged) {
      columns.push_back({name, item.alias.empty() ? quote_identifier(name) : quote_identifier(item.alias) + "." + quote_identifier(name)});
    }
    for (auto& column : *left) {
      if (!is_merged(column.name)) columns.push_back(std::move(column));
    }
    for (auto& column : *right) {
      if (!is_merged(column.name)) columns.push_back(std::move(column));
    }
    return through_alias(std::move(columns));
  }

  // `text` with each select list's `*` over a table or view written out as PostgreSQL expands it
  // when it makes `what` (a view, a policy, a function): it keeps that list, so a column the
  // table gains later is not the object's. Nothing, reported, where the compiler cannot list them.
  // `shift`: where `text` starts in the text the stars were found in; `located_at`: where it
  // starts in `span`.
  // `qualifiers`: text to write before the names at those offsets (a view's bare column names).
  std::optional<std::string> with_stars_expanded(const std::string& text, std::vector<SelectStar> stars, const Span& span,
                                                 const std::string& what, std::size_t shift = 0, std::size_t located_at = 0,
                                                 const std::map<std::size_t, std::string>& qualifiers = {}) {
    for (auto& star : stars) {
      star.begin = std::min(text.size(), star.begin - std::min(star.begin, shift));
      star.end = std::min(text.size(), star.end - std::min(star.end, shift));
    }
    std::vector<std::pair<const SelectStar*, std::string>> replacements;
    for (const auto& star : stars) {
      if (star.natural_join) {
        const QueryFromItem& join = star.from.front();
        bool frozen = false;
        std::string why;
        const auto left = join.parts.size() == 2 ? star_columns(join.parts[0], frozen, why) : std::nullopt;
        const auto right = join.parts.size() == 2 ? star_columns(join.parts[1], frozen, why) : std::nullopt;
        if (!frozen) continue;
        std::string common;
        for (const auto& column : left ? *left : std::vector<StarColumn>{}) {
          if (column.name.empty() || !right) continue;
          if (std::any_of(right->begin(), right->end(), [&](const StarColumn& other) { return other.name == column.name; })) {
            common += (common.empty() ? "" : ", ") + quote_identifier(column.name);
          }
        }
        diagnostics_.report(DiagnosticKind::NaturalJoinFrozen, at(within(span, located_at + star.begin)), what,
                            common.empty() ? "<the columns>" : common);
        return std::nullopt;
      }
      if (star.whole_row) {
        // `(c).*` of a column `c` of a composite type: its fields, which PostgreSQL writes out.
        const RowFields fields = row_fields(star.qualifier, star.from);
        if (fields.composite != nullptr) {
          std::string row;
          for (const auto& name : star.qualifier) row += (row.empty() ? "" : ".") + quote_identifier(name);
          std::string list;
          for (const auto& attribute : fields.composite->attributes) {
            list += fmt::format("{}({}).{}", list.empty() ? "" : ", ", row, quote_identifier(attribute.name));
          }
          if (!list.empty()) replacements.emplace_back(&star, std::move(list));
          continue;
        }
        if (fields.column || star.qualifier.size() != 1) continue;
      }
      std::vector<const QueryFromItem*> items;
      for (const auto& item : star.from) {
        if (star.qualifier.empty()) {
          items.push_back(&item);
        } else if (const QueryFromItem* named = from_item_named(item, star.qualifier.back())) {
          items.push_back(named);
        }
      }
      if (star.whole_row && items.empty()) continue;
      bool frozen = false;
      std::string why;
      std::vector<std::string> columns;
      bool listed = true;
      for (const QueryFromItem* item : items) {
        const auto found = star_columns(*item, frozen, why);
        if (!found) {
          listed = false;
          continue;
        }
        for (const auto& column : *found) columns.push_back(column.text);
      }
      if (!frozen) continue;
      if (!listed || columns.empty()) {
        if (why.empty()) why = "a FROM list whose tables have no columns";
        std::vector<std::string> relations;
        std::vector<const QueryFromItem*> pending(items.rbegin(), items.rend());
        while (!pending.empty()) {
          const QueryFromItem* item = pending.back();
          pending.pop_back();
          if (!item->names.empty() && !item->opaque) relations.push_back("`" + to_string(qualified(item->names)) + "`");
          for (auto part = item->parts.rbegin(); part != item->parts.rend(); ++part) pending.push_back(&*part);
        }
        std::string listed_relations;
        for (std::size_t i = 0; i < relations.size(); ++i) {
          listed_relations += (i == 0 ? "" : i + 1 == relations.size() ? " and " : ", ") + relations[i];
        }
        diagnostics_.report(DiagnosticKind::UnexpandableStar, at(within(span, located_at + star.begin)), listed_relations, what, why);
        return std::nullopt;
      }
      std::string list;
      for (const auto& column : columns) list += (list.empty() ? "" : ", ") + column;
      replacements.emplace_back(&star, star.table_command ? "SELECT " + list + " FROM" : std::move(list));
    }
    struct Edit {
      std::size_t begin;
      std::size_t end;
      std::string text;
    };
    std::vector<Edit> edits;
    for (auto& [star, list] : replacements) edits.push_back({star->begin, star->end, std::move(list)});
    for (const auto& qualifier : qualifiers) {
      const std::size_t offset = qualifier.first;
      const bool in_star = std::any_of(replacements.begin(), replacements.end(), [&](const auto& replaced) {
        return offset >= replaced.first->begin && offset < replaced.first->end;
      });
      if (!in_star && offset <= text.size()) edits.push_back({offset, offset, qualifier.second});
    }
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    std::string expanded;
    std::size_t done = 0;
    for (const auto& edit : edits) {
      expanded.append(text, done, edit.begin - done);
      expanded += edit.text;
      done = edit.end;
    }
    expanded.append(text, done);
    return expanded;
  }

  // The bare column names of a view's query that name a column of one FROM item among several
  // (or of a level around): PostgreSQL binds each to that item when it makes the view and keeps
  // it so, while the text alone would bind it again, after another item gains a column of that
  // name, to that one or to none (ambiguous). Each, by offset, with the qualifier to write before
  // it; none where the compiler cannot see every column at a level it passes.
  std::optional<std::map<std::size_t, std::string>> bare_name_qualifiers(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    std::vector<ScopeNames> names;
    for (const auto& scope : facts.scopes) names.push_back(scope_names(scope));
    // A USING join's merged columns, which are the join's, not either side's.
    const auto merged_at = [&](std::size_t level, const std::string& column) {
      std::vector<const QueryFromItem*> pending;
      for (const auto& item : facts.scopes[level].from) pending.push_back(&item);
      while (!pending.empty()) {
        const QueryFromItem* item = pending.back();
        pending.pop_back();
        if (item->natural || std::find(item->using_columns.begin(), item->using_columns.end(), column) != item->using_columns.end()) return true;
        for (const auto& part : item->parts) pending.push_back(&part);
      }
      return false;
    };
    std::map<std::size_t, std::string> qualifiers;
    for (std::size_t index = 0; index < facts.scopes.size(); ++index) {
      const QueryScope& scope = facts.scopes[index];
      for (const auto& reference : scope.bare) {
        if (std::find(scope.by_output_name.begin(), scope.by_output_name.end(), reference.offset) != scope.by_output_name.end()) continue;
        const std::string& column = reference.names[0];
        // A system column is any table's: ambiguous over two of them, else left to PostgreSQL.
        if (is_system_column(column)) {
          std::vector<std::string> tables;
          for (const auto& [name, item] : names[index].visible) {
            if (!item->names.empty() && !item->opaque && !schema_.views().contains(qualified(item->names))) tables.push_back(name);
          }
          if (tables.size() > 1) {
            auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousColumn, at(name_at(node.query.span, text, reference.offset)), column,
                                                   view_kind(node));
            diagnostic.notes.push_back({{}, fmt::format("write which: `{}.{}`", tables[0], column)});
            return std::nullopt;
          }
          continue;
        }
        // Where no level has the column, nor a FROM item of that name (its whole row), and the
        // compiler sees every column of each: PostgreSQL's 42703. (Without WITH queries, USING
        // joins or alias lists, resolve_view_query() already said so.)
        bool resolved = false;
        bool whole_row = false;
        for (std::optional<std::size_t> level = index; level; level = facts.scopes[*level].outer) {
          const ScopeNames& here = names[*level];
          resolved = here.unnamed || merged_at(*level, column);
          if (resolved) break;
          whole_row = whole_row || here.visible.contains(column);
          std::vector<std::string> having;
          bool unknown = false;
          for (const auto& [name, item] : here.visible) {
            // A USING join's alias names its merged columns only (merged_at above).
            if (item->parts.size() == 2 && item->alias.empty() && name == item->using_alias) continue;
            const auto columns = known_columns(*item);
            const auto count = columns ? std::count(columns->begin(), columns->end(), column) : 0;
            if (!columns) {
              unknown = true;
            } else if (count > 1) {
              auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousColumn, at(name_at(node.query.span, text, reference.offset)),
                                                     column, view_kind(node));
              diagnostic.notes.push_back({{}, fmt::format("{} has two columns of that name: give one another", from_item_kind(*item))});
              return std::nullopt;
            } else if (count == 1) {
              having.push_back(name);
            }
          }
          resolved = unknown || !having.empty();
          if (unknown) break;
          if (having.size() > 1) {
            auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousColumn, at(name_at(node.query.span, text, reference.offset)), column,
                                                   view_kind(node));
            std::string listed;
            for (const auto& name : having) listed += (listed.empty() ? "`" : ", `") + name + "." + column + "`";
            diagnostic.notes.push_back({{}, "write which: " + listed});
            return std::nullopt;
          }
          if (having.size() == 1) {
            // One item alone at its own level cannot be taken from: nothing to write. Nor can a
            // name a level in between takes for its own item be written (`t.` would mean it).
            bool shadowed = false;
            for (std::optional<std::size_t> between = index; between && *between != *level; between = facts.scopes[*between].outer) {
              shadowed = shadowed || names[*between].visible.contains(having[0]) || names[*between].hidden.contains(having[0]);
            }
            if (!shadowed && (*level != index || here.visible.size() > 1)) qualifiers[reference.offset] = quote_identifier(having[0]) + ".";
            break;
          }
        }
        if (!resolved && !whole_row) {
          // A column of a FROM item this part of the query may not read (a subquery's
          // neighbours without LATERAL, the sampled table in TABLESAMPLE's arguments).
          for (std::optional<std::size_t> level = index; level; level = facts.scopes[*level].outer) {
            const auto unreachable = facts.scopes[*level].unreachable;
            if (!unreachable) continue;
            for (const auto& [name, item] : names[*unreachable].visible) {
              const auto columns = known_columns(*item);
              if (!columns || std::ranges::count(*columns, column) == 0) continue;
              auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name_at(node.query.span, text, reference.offset)), column,
                                                     "this part of the query", revision_.id);
              diagnostic.notes.push_back({{}, fmt::format("{} has a column `{}`, but it cannot be referenced from this part of the query (PostgreSQL's 42703)",
                                                          from_item_kind(*item), column)});
              return std::nullopt;
            }
          }
        }
        if (resolved || whole_row || !facts.opaque_sources) continue;
        const auto& visible = names[index].visible;
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name_at(node.query.span, text, reference.offset)), column,
                                               visible.empty() ? std::string("the query") : from_item_kind(*visible.begin()->second),
                                               revision_.id);
        std::vector<std::string> candidates;
        for (std::optional<std::size_t> level = index; level; level = facts.scopes[*level].outer) {
          for (const auto& [name, item] : names[*level].visible) {
            for (auto& candidate : known_columns(*item).value_or(std::vector<std::string>{})) candidates.push_back(std::move(candidate));
          }
        }
        if (const std::string guess = closest_match(column, candidates); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        return std::nullopt;
      }
    }
    return qualifiers;
  }

  static std::string view_kind(const ast::CreateView& node) { return node.materialized ? "a materialized view" : "a view"; }

  // What the FROM items of one scope let a qualified reference name.
  struct ScopeNames {
    std::map<std::string, const QueryFromItem*> visible;  // by alias, or by table name without one
    std::set<std::string> hidden;                         // tables' names their aliases hide
    std::set<QualifiedName> relations;                    // tables and views without an alias: `s.t.c`
    std::set<QualifiedName> hidden_relations;
    bool unnamed = false;  // an item the compiler cannot name (ROWS FROM without an alias)
    std::string twice;     // a name two items of the level have (42712)
  };

  static ScopeNames scope_names(const QueryScope& scope) {
    ScopeNames names;
    std::vector<std::pair<const QueryFromItem*, bool>> pending;  // and whether a join's alias hides it
    for (const auto& item : scope.from) pending.emplace_back(&item, false);
    while (!pending.empty()) {
      const auto [item, behind_alias] = pending.back();
      pending.pop_back();
      names.unnamed = names.unnamed || (item->parts.empty() && item->alias.empty());
      const bool aliased = !item->names.empty() && item->alias != item->names.back();
      if (behind_alias) {
        if (!item->alias.empty()) names.hidden.insert(item->alias);
        if (!item->names.empty()) names.hidden_relations.insert(qualified(item->names));
      } else {
        if (!item->alias.empty()) {
          const auto [present, added] = names.visible.emplace(item->alias, item);
          // Two tables of one name in different schemas, neither aliased, do not conflict.
          const auto unaliased = [](const QueryFromItem& one) { return !one.names.empty() && one.alias == one.names.back(); };
          const bool distinct_tables = !added && unaliased(*item) && unaliased(*present->second) &&
                                       qualified(item->names) != qualified(present->second->names);
          if (!added && !distinct_tables && names.twice.empty()) names.twice = item->alias;
        }
        // A join's alias hides its USING alias too.
        if (!item->using_alias.empty() && item->alias.empty()) names.visible.emplace(item->using_alias, item);
        if (aliased) names.hidden.insert(item->names.back());
        if (!item->names.empty()) (aliased ? names.hidden_relations : names.relations).insert(qualified(item->names));
      }
      for (const auto& part : item->parts) pending.emplace_back(&part, behind_alias || !item->alias.empty());
    }
    return names;
  }

  // Each `t.c` names an item of its own SELECT's FROM list or of a level around it (the nearest
  // that has one: PostgreSQL does not look further when that item lacks the column), by its
  // alias where it has one: PostgreSQL hides the table's name then, and takes `t` for no
  // column's row either (`spot.shelf` of a composite column is written `(spot).shelf`). A join's
  // ON sees only its two sides; a subquery in FROM does not see its neighbours unless LATERAL.
  bool from_entries_named(const ast::CreateView& node, const std::string& text, const QueryFacts& facts, std::string_view what) {
    std::vector<ScopeNames> names;
    for (const auto& scope : facts.scopes) names.push_back(scope_names(scope));
    for (const auto& level : names) {
      if (level.twice.empty()) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(node.query.span), what,
                          fmt::format("table name \"{}\" specified more than once (42712): give one of them another alias", level.twice));
      return false;
    }
    for (std::size_t index = 0; index < facts.scopes.size(); ++index) {
      for (const auto& locked : facts.scopes[index].locked) {
        const bool found = locked.names.size() == 1 ? names[index].visible.contains(locked.names[0])
                                                    : names[index].relations.contains(qualified(locked.names));
        if (found) continue;
        diagnostics_.report(DiagnosticKind::InvalidSql, at(name_at(node.query.span, text, locked.offset)), what,
                            fmt::format("relation \"{}\" in a FOR UPDATE or FOR SHARE clause is not in its FROM clause (42P01)",
                                        fmt::join(locked.names, ".")));
        return false;
      }
      for (const auto& reference : facts.scopes[index].qualified) {
        const bool schema_qualified = reference.names.size() == 3;
        const std::string& qualifier = reference.names[reference.names.size() - 2];
        const QualifiedName relation = qualified({reference.names.begin(), reference.names.end() - 1});
        bool placed = false;
        bool hidden = false;
        const QueryFromItem* item = nullptr;
        for (std::optional<std::size_t> level = index; level && !placed; level = facts.scopes[*level].outer) {
          const ScopeNames& here = names[*level];
          if (schema_qualified) {
            placed = here.unnamed || here.relations.contains(relation);
            hidden = hidden || here.hidden_relations.contains(relation);
          } else if (const auto found = here.visible.find(qualifier); found != here.visible.end()) {
            placed = true;
            item = found->second;
          } else {
            placed = here.unnamed;
            hidden = hidden || here.hidden.contains(qualifier);
          }
          if (const auto unreachable = facts.scopes[*level].unreachable; !placed && unreachable) {
            const ScopeNames& there = names[*unreachable];
            hidden = hidden || (schema_qualified ? there.relations.contains(relation) : there.visible.contains(qualifier));
          }
        }
        if (!placed) {
          diagnostics_.report(DiagnosticKind::MissingFromEntry, at(name_at(node.query.span, text, reference.offset)),
                              fmt::format("{}.{}", qualifier, reference.names.back()), what,
                              hidden ? "invalid reference to" : "missing", qualifier);
          return false;
        }
        if (item != nullptr && !column_of_from_item(node, text, *item, reference)) return false;
      }
    }
    return true;
  }

  // The columns of a FROM item where the compiler knows them all: a table's, a view's, a join's
  // sides', or a subquery's select list's (its `*` expanded).
  std::optional<std::vector<std::string>> known_columns(const QueryFromItem& item) const {
    if (!item.renamed.empty() && (!item.names.empty() || item.parts.size() == 2) && !item.with_query) {
      // `t AS x (a, b)`: its first columns renamed.
      auto columns = known_columns(without_alias_list(item));
      if (!columns) return std::nullopt;
      for (std::size_t i = 0; i < item.renamed.size() && i < columns->size(); ++i) (*columns)[i] = item.renamed[i];
      return columns;
    }
    if (auto called = function_columns(item)) return called;
    if (item.opaque) return std::nullopt;
    std::vector<std::string> columns;
    if (item.names.empty() && item.parts.empty()) {
      if (item.select_list.empty()) return item.columns;  // its alias list already applied
      auto listed = select_list_columns(item.select_list, item.subquery_from);
      if (!listed) return std::nullopt;
      for (std::size_t i = 0; i < item.renamed.size() && i < listed->size(); ++i) (*listed)[i] = item.renamed[i];
      return listed;
    }
    if (!item.renamed.empty()) return std::nullopt;
    if (item.parts.size() == 2) {
      if (item.natural) return std::nullopt;
      // A USING join's merged columns come once, first.
      columns = item.using_columns;
      for (const auto& part : item.parts) {
        auto side = known_columns(part);
        if (!side) return std::nullopt;
        for (auto& column : *side) {
          if (std::find(item.using_columns.begin(), item.using_columns.end(), column) == item.using_columns.end()) columns.push_back(std::move(column));
        }
      }
      return columns;
    }
    if (item.names.empty()) return std::nullopt;
    const QualifiedName name = qualified(item.names);
    if (const Table* table = schema_.find_table(name)) {
      for (const auto& c : table->columns) columns.push_back(c.name);
    } else if (const auto view = schema_.views().find(name); view != schema_.views().end()) {
      if (!view->second.columns_known) return std::nullopt;
      for (const auto& c : view->second.columns) columns.push_back(c.name);
    } else {
      return std::nullopt;
    }
    return columns;
  }

  // A select list's columns by name, each `*` written out from its FROM list, where the
  // compiler knows every column it takes.
  std::optional<std::vector<std::string>> select_list_columns(const std::vector<QueryColumn>& select_list,
                                                              const std::vector<QueryFromItem>& from) const {
    std::vector<std::string> columns;
    for (const auto& output : select_list) {
      if (output.row_star) {
        const RowFields fields = row_fields(output.column, from);
        if (fields.composite != nullptr) {
          for (const auto& attribute : fields.composite->attributes) columns.push_back(attribute.name);
          continue;
        }
        if (fields.column || output.column.size() != 1) return std::nullopt;
      } else if (!output.star) {
        columns.push_back(output.name);
        continue;
      }
      bool expanded = false;
      for (const auto& item : from) {
        if (!output.column.empty() && item.alias != output.column.back()) continue;
        auto item_columns = known_columns(item);
        if (!item_columns) return std::nullopt;
        columns.insert(columns.end(), item_columns->begin(), item_columns->end());
        expanded = true;
      }
      if (!expanded) return std::nullopt;
    }
    return columns;
  }

  // The type of a column a view's query names, where the compiler can tell: the scope that
  // writes it reads it from exactly one table of its FROM list (not from a level around it).
  std::optional<ColumnType> scoped_column_type(const QueryFacts& facts, const SqlColumnReference& reference) const {
    const auto written_here = [&](const std::vector<SqlColumnReference>& references) {
      return std::ranges::any_of(references, [&](const SqlColumnReference& other) { return other.offset == reference.offset; });
    };
    const auto scope = std::ranges::find_if(facts.scopes, [&](const QueryScope& s) { return written_here(s.bare) || written_here(s.qualified); });
    if (scope == facts.scopes.end()) return std::nullopt;
    return column_type_in_scope(facts, static_cast<std::size_t>(scope - facts.scopes.begin()), reference.names);
  }

  // The type of a column named at a level of a view's query, where the compiler can tell: the
  // nearest level that has the name reads it from exactly one table or view of its FROM list.
  std::optional<ColumnType> column_type_in_scope(const QueryFacts& facts, std::size_t scope, const std::vector<std::string>& names) const {
    const QueryFromItem* source = source_in_scope(facts, scope, names);
    return source == nullptr ? std::nullopt : column_type_of(*source, names.back());
  }

  // How the expressions at a level of a view's query are typed: its columns by the nearest level
  // that has them, its subqueries by their one output. `depth` bounds how many levels one
  // expression's typing reads through (each is typed as many times as it is read).
  TypingContext scoped_typing(const QueryFacts& facts, std::size_t level, int depth = 0) const {
    TypingContext context = typing_context([this, &facts, level, depth](const std::vector<std::string>& names) {
      return column_sql_type_in_scope(facts, level, names, depth);
    });
    context.subquery_type = [this, &facts, depth](std::size_t first_output) -> std::optional<SqlType> {
      const auto inner = std::ranges::find(facts.scopes, std::optional(first_output), &QueryScope::first_output);
      if (inner == facts.scopes.end() || depth > deepest_typing) return std::nullopt;
      const auto output = std::ranges::find_if(inner->expressions, [](const QueryScope::Expression& e) { return e.clause.empty(); });
      if (output == inner->expressions.end() || output->nodes.empty()) return std::nullopt;
      const SqlExpressionNode& root = output->nodes.front();
      if (root.kind == SqlExpressionNode::Kind::constant && (root.constant == SqlConstant::Kind::string || root.constant == SqlConstant::Kind::null)) {
        return SqlType{"text"};
      }
      return type_expression(output->nodes, scoped_typing(facts, static_cast<std::size_t>(inner - facts.scopes.begin()), depth + 1)).type;
    };
    return context;
  }
  static constexpr int deepest_typing = 8;

  // The type of a column named at a level of a view's query, where the compiler can tell: a
  // table's or view's column's, or that of an output of a subquery or WITH query in FROM, typed
  // in turn as PostgreSQL types it (an untyped literal there is text).
  std::optional<SqlType> column_sql_type_in_scope(const QueryFacts& facts, std::size_t scope, const std::vector<std::string>& names,
                                                  int depth = 0) const {
    const QueryFromItem* source = source_in_scope(facts, scope, names);
    if (source == nullptr) return std::nullopt;
    if (!source->first_output) {
      const auto type = column_type_of(*source, names.back());
      return type ? sql_type(*type) : std::nullopt;
    }
    const auto columns = known_columns(*source);
    if (depth > deepest_typing || !columns || std::ranges::count(*columns, names.back()) != 1) return std::nullopt;
    auto position = static_cast<std::size_t>(std::ranges::find(*columns, names.back()) - columns->begin());
    const auto inner = std::ranges::find(facts.scopes, source->first_output, &QueryScope::first_output);
    if (inner == facts.scopes.end()) return std::nullopt;
    if (!source->select_list.empty()) {
      // A `*` in its select list: a column it takes is typed as the inner level reads it; any
      // other output is the expression written at its place in the list.
      std::size_t reached = 0;
      std::optional<std::size_t> written;
      for (std::size_t entry = 0; entry < source->select_list.size() && !written; ++entry) {
        const QueryColumn& output = source->select_list[entry];
        if (output.row_star) return std::nullopt;
        if (!output.star) {
          if (reached++ == position) written = entry;
          continue;
        }
        for (const auto& item : source->subquery_from) {
          if (!output.column.empty() && item.alias != output.column.back()) continue;
          const auto taken = known_columns(item);
          if (!taken) return std::nullopt;
          if (position < reached + taken->size()) {
            std::vector<std::string> inner_names = output.column;
            inner_names.push_back(names.back());
            return column_sql_type_in_scope(facts, static_cast<std::size_t>(inner - facts.scopes.begin()), inner_names, depth + 1);
          }
          reached += taken->size();
        }
      }
      if (!written) return std::nullopt;
      position = *written;
    }
    // The output at `position` of a branch: its type, or none for an untyped literal.
    struct BranchOutput {
      bool typed = false;
      std::optional<SqlType> type;
    };
    const auto branch_output = [&](std::vector<QueryScope>::const_iterator branch) -> std::optional<BranchOutput> {
      std::size_t output = 0;
      for (const auto& expression : branch->expressions) {
        if (!expression.clause.empty() || output++ != position) continue;
        if (expression.nodes.empty()) return std::nullopt;
        const SqlExpressionNode& root = expression.nodes.front();
        if (root.kind == SqlExpressionNode::Kind::constant && (root.constant == SqlConstant::Kind::string || root.constant == SqlConstant::Kind::null)) {
          return BranchOutput{};
        }
        auto type = type_expression(expression.nodes, scoped_typing(facts, static_cast<std::size_t>(branch - facts.scopes.begin()), depth + 1)).type;
        if (!type) return std::nullopt;
        return BranchOutput{true, std::move(type)};
      }
      return std::nullopt;
    };
    auto found = branch_output(inner);
    if (!found) return std::nullopt;
    // A set operation's column: the common type of its branches' (select_common_type), untyped
    // literals aside; text where all are.
    for (const std::size_t other : source->other_branches) {
      const auto branch = std::ranges::find(facts.scopes, std::optional(other), &QueryScope::first_output);
      if (branch == facts.scopes.end()) return std::nullopt;
      const auto next = branch_output(branch);
      if (!next) return std::nullopt;
      if (!next->typed) continue;
      if (!found->typed) {
        found = next;
        continue;
      }
      if (*found->type == *next->type) continue;
      found->type = common_type(*found->type, *next->type, typing_context([](const std::vector<std::string>&) { return std::optional<SqlType>(); }));
      if (!found->type) return std::nullopt;
    }
    return found->typed ? found->type : SqlType{"text"};
  }

  // The type of a view's output that an operator, a function or a condition computes, as
  // PostgreSQL infers it (never with modifiers: a function's result has none), where the
  // compiler can tell; not for a set operation's, whose columns take their branches' common type.
  std::optional<ColumnType> computed_output_type(const QueryFacts& facts, std::size_t position) const {
    if (!facts.set_operations.empty() || facts.outputs.empty()) return std::nullopt;
    const auto scope = std::ranges::find(facts.scopes, std::optional(facts.outputs.front().offset), &QueryScope::first_output);
    if (scope == facts.scopes.end()) return std::nullopt;
    std::size_t output = 0;
    for (const auto& expression : scope->expressions) {
      if (!expression.clause.empty() || output++ != position) continue;
      using Kind = SqlExpressionNode::Kind;
      if (expression.nodes.empty()) return std::nullopt;
      const SqlExpressionNode& root = expression.nodes.front();
      // A number or boolean constant is typed already (`1` integer, `1.5` numeric); a string's
      // type is the context's.
      const bool typed_constant = root.kind == Kind::constant && root.constant != SqlConstant::Kind::string && root.constant != SqlConstant::Kind::null;
      if (root.kind != Kind::operation && root.kind != Kind::function && root.kind != Kind::boolean && !typed_constant) return std::nullopt;
      const auto typed = type_expression(expression.nodes, scoped_typing(facts, static_cast<std::size_t>(scope - facts.scopes.begin()))).type;
      return typed ? column_type(*typed) : std::nullopt;
    }
    return std::nullopt;
  }

  // The type of a table's or view's column read through a FROM item, where the compiler knows it.
  std::optional<ColumnType> column_type_of(const QueryFromItem& source, const std::string& name) const {
    if (source.names.empty() || source.with_query || !source.renamed.empty()) return std::nullopt;
    if (const Table* table = schema_.find_table(qualified(source.names))) {
      const Column* column = table->find_column(name);
      return column == nullptr ? std::nullopt : std::optional(column->type);
    }
    const auto view = schema_.views().find(qualified(source.names));
    if (view == schema_.views().end()) return std::nullopt;
    for (const auto& column : view->second.columns) {
      if (column.name == name) return column.type;
    }
    return std::nullopt;
  }

  // The FROM item a column named at a level of a view's query is read from, where the compiler
  // can tell: the nearest level that has the name has exactly one item with it.
  // `recursive`: the columns of the recursive WITH queries read from within themselves.
  const QueryFromItem* source_in_scope(const QueryFacts& facts, std::size_t scope, const std::vector<std::string>& names,
                                       const std::map<std::string, std::vector<std::string>>* recursive = nullptr) const {
    if (names.empty() || names.size() > 2) return nullptr;
    const std::string& name = names.back();
    // Each level out, as PostgreSQL looks: the nearest that has the name decides.
    for (std::optional<std::size_t> level = scope; level; level = facts.scopes[*level].outer) {
      const QueryScope& here = facts.scopes[*level];
      const QueryFromItem* source = nullptr;
      if (names.size() == 2) {
        for (const auto& item : here.from) {
          if (source == nullptr) source = from_item_named(item, names[0]);
        }
        if (source == nullptr) continue;
        return source;
      }
      std::vector<const QueryFromItem*> pending;
      for (const auto& item : here.from) pending.push_back(&item);
      int having = 0;
      while (!pending.empty()) {
        const QueryFromItem* item = pending.back();
        pending.pop_back();
        if (item->parts.size() == 2 && item->alias.empty() && item->renamed.empty() && !item->natural) {
          if (std::ranges::count(item->using_columns, name) > 0) return nullptr;
          for (const auto& part : item->parts) pending.push_back(&part);
          continue;
        }
        auto columns = known_columns(*item);
        if (!columns && recursive != nullptr && item->with_query) {
          if (const auto found = recursive->find(item->with_query_name); found != recursive->end()) columns = found->second;
        }
        if (!columns) return nullptr;
        if (std::ranges::count(*columns, name) == 0) continue;
        ++having;
        source = item;
      }
      if (having == 1) return source;
      if (having > 1) return nullptr;
    }
    return nullptr;
  }

  // What PostgreSQL makes of an output of a SELECT of a view's query: its type and type modifiers
  // (a column's, a cast's; none for what an operator or function computes), or that it is an
  // untyped literal; nothing where the compiler cannot tell.
  struct OutputType {
    std::optional<SqlType> type;
    std::string modifiers;  // "50", "10,2"
    bool literal = false;
  };
  // A recursive WITH query as its recursive term reads it: its columns and their types.
  struct RecursiveColumns {
    std::vector<std::string> names;
    std::vector<OutputType> types;
  };
  OutputType output_type(const QueryFacts& facts, std::size_t scope, const std::vector<SqlExpressionNode>& nodes,
                         const std::map<std::string, RecursiveColumns>& recursive) const {
    if (nodes.empty()) return {};
    std::map<std::string, std::vector<std::string>> recursive_names;
    for (const auto& [name, columns] : recursive) recursive_names[name] = columns.names;
    const auto column = [&](const std::vector<std::string>& names) -> std::optional<OutputType> {
      const QueryFromItem* source = source_in_scope(facts, scope, names, &recursive_names);
      if (source != nullptr && source->with_query) {
        const auto found = recursive.find(source->with_query_name);
        if (found == recursive.end()) return std::nullopt;
        const std::vector<std::string> columns = known_columns(*source).value_or(found->second.names);
        const auto at = static_cast<std::size_t>(std::ranges::find(columns, names.back()) - columns.begin());
        return at < found->second.types.size() ? std::optional(found->second.types[at]) : std::nullopt;
      }
      const auto type = source == nullptr ? std::nullopt : column_type_of(*source, names.back());
      if (!type) return std::nullopt;
      return OutputType{sql_type(*type), fmt::format("{}", fmt::join(type->modifiers, ",")), false};
    };
    const SqlExpressionNode& root = nodes.front();
    using Kind = SqlExpressionNode::Kind;
    if (root.kind == Kind::constant && (root.constant == SqlConstant::Kind::string || root.constant == SqlConstant::Kind::null)) {
      return {std::nullopt, "", true};
    }
    if (root.kind == Kind::column && !root.in_query) return column(root.names).value_or(OutputType{});
    // CASE, COALESCE and ARRAY keep their values' modifiers when they share them.
    if (root.kind == Kind::choice || root.kind == Kind::array || root.kind == Kind::other) return {};
    if (root.kind == Kind::cast && root.modifiers.find('?') != std::string::npos) return {};
    const ExpressionTyping typed = type_expression(nodes, typing_context([&](const std::vector<std::string>& names) -> std::optional<SqlType> {
      const auto found = column(names);
      return found ? found->type : std::nullopt;
    }));
    return {typed.type, root.kind == Kind::cast ? root.modifiers : "", false};
  }

  // PostgreSQL types a recursive WITH query's columns by its non-recursive term; the union of both
  // terms must then give each column that same type and modifiers (42804).
  bool recursive_terms_agree(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    const auto scope_of = [&](std::size_t first_output) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < facts.scopes.size(); ++i) {
        if (facts.scopes[i].first_output == first_output) return i;
      }
      return std::nullopt;
    };
    const auto outputs = [&](std::size_t scope) {
      std::vector<const std::vector<SqlExpressionNode>*> found;
      for (const auto& expression : facts.scopes[scope].expressions) {
        if (expression.clause.empty()) found.push_back(&expression.nodes);
      }
      return found;
    };
    const auto shown = [](const SqlType& type, const std::string& modifiers) {
      if (modifiers.empty()) return type.name;
      const std::size_t space = type.name.starts_with("time") ? type.name.find(' ') : std::string::npos;
      if (space != std::string::npos) return fmt::format("{}({}){}", type.name.substr(0, space), modifiers, type.name.substr(space));
      return fmt::format("{}({})", type.name, modifiers);
    };
    const TypingContext context = typing_context([](const std::vector<std::string>&) { return std::optional<SqlType>(); });
    for (const auto& query : facts.recursive_queries) {
      const auto first = scope_of(query.first);
      const auto recursive = scope_of(query.recursive);
      if (!first || !recursive) continue;
      const auto first_outputs = outputs(*first);
      const auto recursive_outputs = outputs(*recursive);
      if (first_outputs.size() != recursive_outputs.size() || query.columns.size() != first_outputs.size()) continue;
      std::vector<OutputType> types;
      for (const auto* nodes : first_outputs) types.push_back(output_type(facts, *first, *nodes, {}));
      // The recursive term reads an untyped literal of the non-recursive term as text.
      std::vector<OutputType> read = types;
      for (auto& type : read) {
        if (type.literal) type = {SqlType{"text"}, "", false};
      }
      const std::map<std::string, RecursiveColumns> reads_itself{{query.name, {query.columns, read}}};
      for (std::size_t i = 0; i < types.size(); ++i) {
        const OutputType& before = read[i];
        const OutputType after = output_type(facts, *recursive, *recursive_outputs[i], reads_itself);
        if (!before.type || (!after.type && !after.literal)) continue;
        // select_common_type() and select_common_typmod(): a literal takes the other's type (the
        // union sees the non-recursive term's as untyped), and modifiers are kept where both
        // sides have the same type and the same modifiers.
        const std::optional<SqlType> overall = types[i].literal ? (after.literal ? before.type : after.type)
                                               : after.literal || *after.type == *before.type ? before.type
                                                                                              : common_type(*before.type, *after.type, context);
        if (!overall) continue;
        const bool modifiers_kept = !after.literal && *after.type == *overall && *before.type == *overall && after.modifiers == before.modifiers;
        if (*overall == *before.type && (before.modifiers.empty() || modifiers_kept)) continue;
        std::size_t written = std::string::npos;
        for (const auto& part : *first_outputs[i]) {
          if (part.offset != 0) written = std::min(written, part.offset);
        }
        auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidSql, at(name_at(node.query.span, text, written == std::string::npos ? 0 : written)),
                                               view_kind(node),
                                               fmt::format("recursive query \"{}\" column {} has type {} in non-recursive term but type {} overall (42804)",
                                                           query.name, i + 1, shown(*before.type, before.modifiers), overall->name));
        diagnostic.notes.push_back({{}, "cast the output of the non-recursive term to the type the recursive term gives it"});
        return false;
      }
    }
    return true;
  }

  // What a SELECT sorts by needs an ordering of its type, what it groups by an equality (42883):
  // `order by location` of a point. An output's name or position is not looked into.
  bool sortable(const ast::CreateView& node, const std::string& text, const QueryScope& scope, const QueryScope::Expression& expression,
                const ExpressionTyping& typed, const TypingContext& context) {
    if (expression.nodes.empty()) return true;
    const SqlExpressionNode& root = expression.nodes.front();
    std::optional<SqlType> type = typed.type;
    // An output, by its position or (a whole bare name) its name.
    const QueryScope::Expression* output = nullptr;
    std::size_t position = 0;
    for (const auto& candidate : scope.expressions) {
      if (!candidate.clause.empty()) continue;
      ++position;
      const bool by_position = root.kind == SqlExpressionNode::Kind::constant && root.constant == SqlConstant::Kind::integer &&
                               root.value == std::to_string(position);
      // GROUP BY reads a bare name as an input column first: only ORDER BY's (and DISTINCT ON's,
      // which it reads the same way) is surely the output.
      const bool by_name = (expression.clause == "ORDER BY" || expression.clause == "DISTINCT ON") && root.kind == SqlExpressionNode::Kind::column &&
                           root.names.size() == 1 &&
                           root.names[0] == candidate.name && std::ranges::count(scope.by_output_name, root.offset) > 0;
      if (!by_position && !by_name) continue;
      if (output != nullptr) return true;  // two outputs of that name: PostgreSQL says which
      output = &candidate;
    }
    if (output != nullptr) type = type_expression(output->nodes, context).type;
    // A bare name GROUP BY reads as an input column where one has it (typed so), else an output's.
    const bool bare_output_name = std::ranges::count(scope.by_output_name, root.offset) > 0 && !(expression.clause == "GROUP BY" && type);
    if (output == nullptr && (root.kind == SqlExpressionNode::Kind::constant || bare_output_name)) return true;
    if (!type) return true;
    std::size_t written = std::string::npos;
    for (const auto& part : expression.nodes) {
      if (part.offset != 0) written = std::min(written, part.offset);
    }
    return comparable(node, text, *type, expression.clause == "ORDER BY", expression.clause, written == std::string::npos ? 0 : written);
  }

  // PostgreSQL finds an ordering of a type in its default btree class, an equality there or in
  // its default hash class (42883 if not). An array's are its elements'.
  bool comparable(const ast::CreateView& node, const std::string& text, const SqlType& type, bool ordering, std::string_view clause,
                  std::size_t written) {
    if (type.name.ends_with("[]")) return true;
    if (!class_refuses("btree", "", type) || (!ordering && !class_refuses("hash", "", type))) return true;
    diagnostics_.report(DiagnosticKind::InvalidSql, at(name_at(node.query.span, text, written)), view_kind(node),
                        fmt::format("could not identify an {} operator for type {} (42883): {} needs one", ordering ? "ordering" : "equality",
                                    type.name, clause));
    return false;
  }

  // A view's expressions, as PostgreSQL reads them when it makes the view: each operator and
  // function takes its arguments' types, each cast exists, each condition is a boolean.
  bool view_expressions_typed(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    for (std::size_t index = 0; index < facts.scopes.size(); ++index) {
      const TypingContext context = scoped_typing(facts, index);
      for (const auto& expression : facts.scopes[index].expressions) {
        ExpressionTyping typed = type_expression(expression.nodes, context);
        const bool condition = expression.clause == "WHERE" || expression.clause == "HAVING" || expression.clause == "JOIN/ON";
        for (const auto& part : typed.compared) {
          if (!comparable(node, text, part.type, part.ordering, part.clause, part.offset)) return false;
        }
        if (!condition && !expression.clause.empty()) {
          if (!typing_holds(node.query.span, text, typed) || !sortable(node, text, facts.scopes[index], expression, typed, context)) return false;
          continue;
        }
        if (condition && typed.type && typed.type->name != "boolean") {
          // Where it is written: from its first named part to its last (the query's text
          // starts with a keyword, so no part of it is at 0).
          std::size_t first = std::string::npos;
          std::size_t last = 0;
          for (const auto& part : expression.nodes) {
            if (part.offset == 0) continue;
            first = std::min(first, part.offset);
            last = std::max(last, part.offset);
          }
          if (first != std::string::npos) typed.not_boolean.insert(typed.not_boolean.begin(), {first, last, expression.clause, typed.type->name});
        }
        if (!typing_holds(node.query.span, text, typed)) return false;
      }
    }
    return true;
  }

  // String constants of a view's query that PostgreSQL reads as a type when it makes the view
  // (cast to it, or compared with a column of it) must be values of that type.
  bool view_constants_fit(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    bool fit = true;
    for (const auto& constant : facts.constants) {
      std::optional<ColumnType> type;
      if (!constant.cast.empty()) {
        type = cast_type(constant);
      } else {
        type = scoped_column_type(facts, constant.column);
        if (type) type = without_length(std::move(*type));
        if (const auto base = type ? over_enum_domain(*type) : std::nullopt) {
          const Span where = name_at(node.query.span, text, constant.column.offset);
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownOperator, at(where), constant.comparison, to_string(type->name));
          diagnostic.notes.push_back({{}, fmt::format("the enum's comparisons take any enum type, and a domain over one is not: compare `{}::{}`",
                                                      fmt::join(constant.column.names, "."), to_string(*base))});
          fit = false;
          continue;
        }
      }
      fit = constant_reads_as(node.query.span, text, constant, type) && fit;
    }
    return fit;
  }

  // The type a constant is cast to, where the compiler reads that type's values: a built-in type
  // (its modifiers aside), an enum, a domain over either, or an array of one.
  std::optional<ColumnType> cast_type(const QueryConstant& constant) const {
    const auto& names = constant.cast;
    std::optional<ColumnType> type;
    const bool row_type = names.size() <= 2 && (names.size() == 1 || names[0] != "pg_catalog") && schema_.find_table(qualified(names)) != nullptr &&
                          (names.size() == 2 || catalog_types(names[0]).empty());
    if (names.size() <= 2 && names.back() != "record" && (names.size() == 1 || names[0] != "pg_catalog") &&
        (type_kind(qualified(names)) != nullptr || row_type)) {
      type = ColumnType{qualified(names), {}, 0, true};
    } else {
      const bool catalog = names.size() == 2 && names[0] == "pg_catalog";
      const BuiltinType* builtin = catalog ? find_builtin_by_internal_name(names[1]) : nullptr;
      if (builtin == nullptr && (names.size() == 1 || catalog)) builtin = find_builtin({"", names.back()});
      // The cast's length is not among its names: a bit string's is then not known.
      if (builtin != nullptr && !builtin->serial) type = without_length(ColumnType{{"", std::string(builtin->canonical)}, {}, 0, false});
    }
    if (type) type->array_dimensions = static_cast<std::uint32_t>(constant.cast_dimensions);
    return type;
  }

  // Whether PostgreSQL reads a string constant of an expression at `span` as a value of `type`
  // (a domain's values as its base type's, its checks aside); a located InvalidValue if not.
  // Why PostgreSQL's input function for `type` would refuse `value`: a built-in type's, an
  // enum's, a domain's base type's (its checks aside), a composite type's or a table's row's
  // (record_in(), each field by its own type).
  std::optional<std::string> value_refused(const std::string& value, ColumnType type, int depth = 0) const {
    for (int level = 0; type.user_defined && type.array_dimensions == 0 && level < 16; ++level) {
      const auto domain = schema_.domains().find(type.name);
      if (domain == schema_.domains().end()) break;
      type = domain->second.type;
      type.modifiers.clear();
    }
    const auto found = type.user_defined ? schema_.enums().find(type.name) : schema_.enums().end();
    if (type.user_defined && found == schema_.enums().end()) {
      if (type.array_dimensions != 0 || depth > 16) return std::nullopt;
      std::vector<ColumnType> fields;
      if (const auto composite = schema_.composites().find(type.name); composite != schema_.composites().end()) {
        for (const auto& attribute : composite->second.attributes) fields.push_back(attribute.type);
      } else if (const Table* table = schema_.find_table(type.name)) {
        for (const auto& column : table->columns) fields.push_back(column.type);
      } else {
        return std::nullopt;
      }
      RecordFields record = record_fields(value, fields.size());
      if (record.refused) return record.refused;
      for (std::size_t i = 0; i < fields.size() && i < record.fields.size(); ++i) {
        if (!record.fields[i]) continue;
        if (auto refused = value_refused(*record.fields[i], fields[i], depth + 1)) return refused;
      }
      return std::nullopt;
    }
    return constant_refused(SqlConstant{SqlConstant::Kind::string, value, {}}, type, found != schema_.enums().end() ? &found->second.values : nullptr);
  }

  bool constant_reads_as(Span span, std::string_view text, const QueryConstant& constant, std::optional<ColumnType> type) {
    if (!type) return true;
    // Named in the message as the type whose input function reads it: a domain's base type.
    for (int depth = 0; type->user_defined && type->array_dimensions == 0 && depth < 16; ++depth) {
      const auto domain = schema_.domains().find(type->name);
      if (domain == schema_.domains().end()) break;
      type = domain->second.type;
      type->modifiers.clear();
    }
    const auto refused = value_refused(constant.value, *type);
    if (!refused) return true;
    const Span start = within(span, constant.offset);
    const Span literal{start.begin, std::min(span.end, start.begin + static_cast<std::uint32_t>(string_constant_length(text, constant.offset)))};
    diagnostics_.report(DiagnosticKind::InvalidValue, at(literal), revision_.file->slice(literal), type->sql(), *refused);
    return false;
  }


  // The type of a select list's entry where it is a column of a table of `from` (`c`, `t.c`), or
  // a cast to a built-in type: PostgreSQL's own types only.
  std::optional<ColumnType> entry_type(const QueryColumn& entry, const std::vector<QueryFromItem>& from) const {
    if (entry.star || entry.row_star) return std::nullopt;
    if (!entry.cast_type.empty()) {
      const auto& names = entry.cast_type;
      const BuiltinType* builtin = names.size() == 2 && names[0] == "pg_catalog" ? find_builtin_by_internal_name(names[1]) : nullptr;
      if (builtin == nullptr && names.size() == 1) builtin = find_builtin({"", names.back()});
      if (builtin == nullptr || builtin->serial) return std::nullopt;
      return ColumnType{{"", std::string(builtin->canonical)}, {}, 0, false};
    }
    if (entry.column.empty() || entry.column.size() > 2) return std::nullopt;
    std::optional<ColumnType> found;
    std::vector<const QueryFromItem*> pending;
    for (const auto& item : from) pending.push_back(&item);
    bool unseen = false;  // an item whose columns are not looked at here: the name may be its
    int having = 0;
    while (!pending.empty()) {
      const QueryFromItem* item = pending.back();
      pending.pop_back();
      if (!item->parts.empty()) {
        for (const auto& part : item->parts) pending.push_back(&part);
        continue;
      }
      if (entry.column.size() == 2 && item->alias != entry.column[0]) continue;
      const bool named = !item->names.empty() && !item->opaque && item->renamed.empty();
      const Table* table = named ? schema_.find_table(qualified(item->names)) : nullptr;
      const auto view = named ? schema_.views().find(qualified(item->names)) : schema_.views().end();
      if (table != nullptr) {
        if (const Column* column = table->find_column(entry.column.back())) {
          found = column->type;
          ++having;
        }
      } else if (view != schema_.views().end() && view->second.columns_known) {
        for (const auto& column : view->second.columns) {
          if (column.name != entry.column.back()) continue;
          found = column.type;
          ++having;
        }
      } else {
        unseen = true;
      }
    }
    if (unseen || having != 1 || !found || found->user_defined || found->array_dimensions != 0) return std::nullopt;
    return found;
  }

  // The expression of a set operation's branch's output at `position`, read in its own scope.
  std::optional<std::pair<std::size_t, const std::vector<SqlExpressionNode>*>> branch_output(const QueryFacts& facts,
                                                                                             const std::vector<QueryColumn>& select_list,
                                                                                             std::size_t position) const {
    if (select_list.empty()) return std::nullopt;
    const auto scope = std::ranges::find(facts.scopes, std::optional(select_list.front().offset), &QueryScope::first_output);
    if (scope == facts.scopes.end()) return std::nullopt;
    std::size_t output = 0;
    for (const auto& expression : scope->expressions) {
      if (!expression.clause.empty() || output++ != position) continue;
      if (expression.nodes.empty()) return std::nullopt;
      return std::pair{static_cast<std::size_t>(scope - facts.scopes.begin()), &expression.nodes};
    }
    return std::nullopt;
  }

  // An untyped string or NULL that a branch gives at `position`.
  const SqlExpressionNode* branch_literal(const QueryFacts& facts, const std::vector<QueryColumn>& select_list, std::size_t position) const {
    const auto output = branch_output(facts, select_list, position);
    if (!output) return nullptr;
    const SqlExpressionNode& root = output->second->front();
    const bool literal = root.kind == SqlExpressionNode::Kind::constant &&
                         (root.constant == SqlConstant::Kind::string || root.constant == SqlConstant::Kind::null);
    return literal ? &root : nullptr;
  }

  // The type of what a branch gives at `position`, as its scope types it.
  std::optional<SqlType> branch_type(const QueryFacts& facts, const std::vector<QueryColumn>& select_list, std::size_t position) const {
    const auto output = branch_output(facts, select_list, position);
    if (!output) return std::nullopt;
    return type_expression(*output->second, scoped_typing(facts, output->first)).type;
  }

  // A set operation's columns pair types of one category (select_common_type(), 42804):
  // `integer` against `text` cannot be matched; an untyped string is read as the other's type.
  bool set_operation_types_match(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    for (const auto& operation : facts.set_operations) {
      const auto& left = operation.left.select_list;
      const auto& right = operation.right.select_list;
      const bool starred = std::any_of(left.begin(), left.end(), [](const QueryColumn& c) { return c.star || c.row_star; }) ||
                           std::any_of(right.begin(), right.end(), [](const QueryColumn& c) { return c.star || c.row_star; });
      for (std::size_t i = 0; !starred && i < left.size() && i < right.size(); ++i) {
        // An untyped string beside a typed column takes its type, where no other branch joins them.
        const SqlExpressionNode* left_literal = branch_literal(facts, left, i);
        const SqlExpressionNode* right_literal = branch_literal(facts, right, i);
        if (facts.set_operations.size() == 1 && (left_literal == nullptr) != (right_literal == nullptr)) {
          const SqlExpressionNode& literal = left_literal != nullptr ? *left_literal : *right_literal;
          const auto typed = left_literal != nullptr ? branch_type(facts, right, i) : branch_type(facts, left, i);
          if (typed && literal.constant == SqlConstant::Kind::string &&
              !literals_fit(node.query.span, text, {CoercedLiteral{literal.offset, literal.value, *typed}}, "")) {
            return false;
          }
        }
        const auto one = entry_type(left[i], operation.left.from);
        const auto other = entry_type(right[i], operation.right.from);
        if (!one || !other) {
          const auto one_type = branch_type(facts, left, i);
          const auto other_type = branch_type(facts, right, i);
          if (!one_type || !other_type) continue;
          const auto category = [](const SqlType& type) { return type.enumeration ? 'E' : catalog_type_formatted(type.name) ? catalog_type_formatted(type.name)->category : '\0'; };
          const char one_category = one_type->name.ends_with("[]") ? 'A' : category(*one_type);
          const char other_category = other_type->name.ends_with("[]") ? 'A' : category(*other_type);
          if (one_category == '\0' || other_category == '\0' || one_category == other_category) continue;
          diagnostics_.report(DiagnosticKind::InvalidSql, at(within(node.query.span, operation.offset)), "a view's query",
                              fmt::format("{} types {} and {} cannot be matched (42804)", operation.word, one_type->name, other_type->name));
          return false;
        }
        const CatalogType* one_type = catalog_type_formatted(one->name.name);
        const CatalogType* other_type = catalog_type_formatted(other->name.name);
        if (one_type == nullptr || other_type == nullptr || one_type->category == other_type->category) continue;
        diagnostics_.report(DiagnosticKind::InvalidSql, at(within(node.query.span, operation.offset)), "a view's query",
                            fmt::format("{} types {} and {} cannot be matched (42804)", operation.word, one->sql(), other->sql()));
        return false;
      }
    }
    return true;
  }

  // A set operation's branches give as many columns each, a subquery as many as it is used for
  // (42601), counted through their `*`.
  bool column_counts_fit(const ast::CreateView& node, const QueryFacts& facts) {
    for (const auto& operation : facts.set_operations) {
      const auto left = select_list_columns(operation.left.select_list, operation.left.from);
      const auto right = select_list_columns(operation.right.select_list, operation.right.from);
      if (!left || !right || left->size() == right->size()) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(within(node.query.span, operation.offset)), "a view's query",
                          fmt::format("each {} query must have the same number of columns (42601): {} against {}", operation.word,
                                      left->size(), right->size()));
      return false;
    }
    for (const auto& subquery : facts.subquery_widths) {
      const auto columns = select_list_columns(subquery.subquery.select_list, subquery.subquery.from);
      if (!columns || columns->size() == subquery.wanted) continue;
      const std::string message = !subquery.compared          ? "subquery must return only one column (42601)"
                                  : columns->size() > subquery.wanted ? "subquery has too many columns (42601)"
                                                                      : "subquery has too few columns (42601)";
      diagnostics_.report(DiagnosticKind::InvalidSql, at(within(node.query.span, subquery.offset)), "a view's query",
                          fmt::format("{}: its `*` gives {}", message, columns->size()));
      return false;
    }
    return true;
  }

  // The item as it is before `AS x (a, b)` renames its columns.
  static QueryFromItem without_alias_list(const QueryFromItem& item) {
    QueryFromItem plain = item;
    plain.renamed.clear();
    // A table or join is opaque for its alias list alone; a subquery's names already took it.
    if (!item.names.empty() || item.parts.size() == 2) plain.opaque = false;
    return plain;
  }

  // The FROM items of every level of a query, and the sides of its joins.
  static std::vector<const QueryFromItem*> every_from_item(const QueryFacts& facts) {
    std::vector<const QueryFromItem*> pending;
    for (const auto& scope : facts.scopes) {
      for (const auto& item : scope.from) pending.push_back(&item);
    }
    std::vector<const QueryFromItem*> items;
    while (!pending.empty()) {
      const QueryFromItem* item = pending.back();
      pending.pop_back();
      items.push_back(item);
      for (const auto& part : item->parts) pending.push_back(&part);
    }
    return items;
  }

  // A column alias list names no more columns than its table or view has (42P10).
  bool alias_lists_fit(const ast::CreateView& node, const QueryFacts& facts) {
    for (const QueryFromItem* item : every_from_item(facts)) {
      if (item->renamed.empty() || item->with_query) continue;
      const auto columns = known_columns(without_alias_list(*item));
      if (!columns || columns->size() >= item->renamed.size()) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(node.query.span), "a view's query",
                          fmt::format("table \"{}\" has {} columns available but {} columns specified (42P10)", item->alias, columns->size(),
                                      item->renamed.size()));
      return false;
    }
    return true;
  }

  // Each column of a join's USING is a column of both its sides (42703).
  bool using_columns_exist(const ast::CreateView& node, const std::string& text, const QueryFacts& facts) {
    for (const QueryFromItem* item : every_from_item(facts)) {
      if (item->parts.size() != 2 || item->using_columns.empty()) continue;
      for (std::size_t side = 0; side < 2; ++side) {
        const auto columns = known_columns(item->parts[side]);
        if (!columns) continue;
        for (const auto& column : item->using_columns) {
          const auto count = std::count(columns->begin(), columns->end(), column);
          if (count == 1) continue;
          // Where the name is written: in the list after a USING.
          std::string lowered = text;
          for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::size_t written = 0;
          for (std::size_t found = lowered.find("using"); found != std::string::npos; found = lowered.find("using", found + 5)) {
            const std::size_t listed = text.find(column, found);
            if (listed != std::string::npos) {
              written = listed;
              break;
            }
          }
          if (count > 1) {
            diagnostics_.report(DiagnosticKind::InvalidSql, at(name_at(node.query.span, text, written)), "a view's query",
                                fmt::format("common column name \"{}\" appears more than once in {} table", column, side == 0 ? "left" : "right"));
            return false;
          }
          // The side's first table names it.
          const QueryFromItem* first = &item->parts[side];
          while (first->parts.size() == 2) first = &first->parts[0];
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name_at(node.query.span, text, written)), column,
                                                 in_table(qualified(first->names)), revision_.id);
          diagnostic.notes.push_back({{}, fmt::format("a join's USING names a column of both its sides; its {} side has none of that name",
                                                      side == 0 ? "left" : "right")});
          if (const std::string guess = closest_match(column, *columns); !guess.empty()) {
            diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
          }
          return false;
        }
      }
    }
    return true;
  }

  // `(c).f` or `(t.c).f` of a column `c` of a composite type: one of its attributes (42703).
  bool composite_has_field(const ast::CreateView& node, const std::string& text, const std::optional<ColumnType>& type,
                           const SqlColumnReference& reference) {
    if (!type) return true;
    const std::string& field = reference.names.back();
    // A built-in scalar, an array or an enum has no fields (42809); `(x).f` may call f(x) then.
    const bool function = !catalog_functions(field).empty() ||
                          std::ranges::any_of(schema_.routines(), [&](const auto& routine) { return routine.first.name.name == field; });
    if (!function && (!type->user_defined || type->array_dimensions != 0 || schema_.enums().contains(type->name))) {
      const std::size_t written = text.find(field, reference.offset + reference.names[reference.names.size() - 2].size());
      diagnostics_.report(DiagnosticKind::InvalidSql, at(name_at(node.query.span, text, written == std::string::npos ? reference.offset : written)),
                          "a view's query", fmt::format("column notation .{} applied to type {}, which is not a composite type (42809)", field, type->sql()));
      return false;
    }
    const auto composite = schema_.composites().find(type->name);
    if (composite == schema_.composites().end()) return true;
    std::vector<std::string> candidates;
    for (const auto& attribute : composite->second.attributes) candidates.push_back(attribute.name);
    if (std::find(candidates.begin(), candidates.end(), field) != candidates.end()) return true;
    const std::size_t written = text.find(field, reference.offset + reference.names[reference.names.size() - 2].size());
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn,
                                           at(name_at(node.query.span, text, written == std::string::npos ? reference.offset : written)), field,
                                           fmt::format("composite type `{}`", type->name), revision_.id);
    if (const std::string guess = closest_match(field, candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return false;
  }

  // Records which table's or view's column `column` of a FROM item is, where the compiler can
  // tell: through an alias list (`t AS s (x, y)`: by position) and through a join (`j.a`: the
  // side that has it; a USING column, both).
  bool used_through(const QueryFromItem& item, const std::string& column, std::set<std::pair<QualifiedName, std::string>>& uses) const {
    if (!item.names.empty() && !item.with_query) {
      const QualifiedName relation = qualified(item.names);
      std::vector<std::string> columns;
      if (const Table* table = schema_.find_table(relation)) {
        for (const auto& each : table->columns) columns.push_back(each.name);
      } else if (const auto view = schema_.views().find(relation); view != schema_.views().end()) {
        for (const auto& each : view->second.columns) columns.push_back(each.name);
      }
      // The list renames the first columns by position; a column it renamed has no old name.
      std::size_t position = static_cast<std::size_t>(std::ranges::find(item.renamed, column) - item.renamed.begin());
      if (position == item.renamed.size()) {
        position = static_cast<std::size_t>(std::ranges::find(columns, column) - columns.begin());
        if (position < item.renamed.size()) return false;
      }
      if (position >= columns.size()) return false;
      uses.insert({relation, columns[position]});
      return true;
    }
    if (item.parts.size() != 2 || !item.renamed.empty() || item.natural) return false;
    if (std::ranges::find(item.using_columns, column) != item.using_columns.end()) {
      bool any = false;
      for (const auto& part : item.parts) any = used_through(part, column, uses) || any;
      return any;
    }
    for (const auto& part : item.parts) {
      const auto columns = known_columns(part);
      if (columns && std::ranges::find(*columns, column) != columns->end()) return used_through(part, column, uses);
    }
    return false;
  }

  // What a FROM item is, for a message: "table `t`", "subquery `s`", "WITH query `w`", "join `j`".
  static std::string from_item_kind(const QueryFromItem& item) {
    if (!item.names.empty()) return in_table(qualified(item.names));
    const std::string_view kind = item.with_query ? "WITH query" : item.parts.empty() ? "subquery" : "join";
    return fmt::format("{} `{}`", kind, item.alias);
  }

  // `t.c`, where `t` is a table, view, subquery or join of the FROM list: one of its columns. (A
  // column of the same name in an item of the same alias a level out does not count: PostgreSQL
  // stops at the nearest `t`.)
  bool column_of_from_item(const ast::CreateView& node, const std::string& text, const QueryFromItem& item, const SqlColumnReference& reference) {
    const std::string& column = reference.names.back();
    if (column == "*") return true;
    // A table's system columns; a subquery's or a join's has none, but PostgreSQL says so itself.
    if (is_system_column(column)) return true;
    const auto candidates = known_columns(item);
    if (!candidates) return true;
    if (const auto count = std::count(candidates->begin(), candidates->end(), column); count == 1) {
      return true;
    } else if (count > 1) {
      // A join's two sides, or a subquery's two outputs, of that name.
      auto& diagnostic = diagnostics_.report(DiagnosticKind::AmbiguousColumn, at(name_at(node.query.span, text, reference.offset)),
                                             fmt::format("{}.{}", reference.names[reference.names.size() - 2], column), view_kind(node));
      diagnostic.notes.push_back({{}, item.parts.empty() ? "its subquery has two columns of that name: give one another"
                                                         : "both sides of the join have it: name the side's own alias instead"});
      return false;
    }
    const std::size_t last = text.find(column, reference.offset);
    const Span where = name_at(node.query.span, text, last == std::string::npos ? reference.offset : last);
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(where), column, from_item_kind(item), revision_.id);
    if (const std::string guess = closest_match(column, *candidates); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return false;
  }

  // The tables and views a view's query reads exist, and the columns it names are theirs (as
  // far as the compiler can place them); fills the view's columns and what it depends on.
  bool resolve_view_query(const ast::CreateView& node, View& view) {
    const std::string text = view_query_text(node);
    view.query = text;
    const QueryFacts facts = read_query(text, [&](const std::vector<std::string>& names) -> std::optional<char> {
      // A function made by raw SQL may be an aggregate, whatever find_function() says of it.
      const FunctionFound found = find_function(names);
      if (!found.exists || sites_.raw_functions.contains(names.back())) return std::nullopt;
      return found.kind;
    });
    if (facts.error) {
      report_sql_error(node.query.span, "a view's query", *facts.error);
      return false;
    }
    // The functions and types it names exist (PostgreSQL resolves them when it makes the view);
    // whatever reads the view (raw SQL, a data step, a refresh; a materialized view's creation)
    // runs the functions its query calls.
    if (!names_exist(node.query.span, text, names_in_statements(text), "a view's query", false, false)) return false;
    std::vector<QuerySource> sources;
    bool known = true;
    for (const auto& relation : facts.relations) {
      const QualifiedName name = qualified(relation.names);
      QuerySource source{name, relation.alias.empty() ? name.name : relation.alias, {}};
      if (const Table* table = schema_.find_table(name)) {
        for (const auto& column : table->columns) source.columns.push_back({column.name, column.type});
      } else if (const auto other = schema_.views().find(name); other != schema_.views().end()) {
        source.columns = other->second.columns;
        source.complete = other->second.columns_known;
        view.depth = std::max(view.depth, other->second.depth + 1);
      } else if (const CatalogRelation* catalog = catalog_relation(relation.names.size() == 2 ? relation.names[0] : "", relation.names.back());
                 catalog != nullptr && relation.names.size() <= 2) {
        // PostgreSQL's own (`pg_stat_activity`, `information_schema.tables`): its columns are
        // known, not their types, and nothing the chain does changes it.
        for (std::string_view rest = catalog->columns; !rest.empty();) {
          const std::size_t comma = rest.find(',');
          source.columns.push_back({std::string(rest.substr(0, comma)), std::nullopt});
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        sources.push_back(std::move(source));
        continue;
      } else {
        const Span where = name_at(node.query.span, text, relation.offset);
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(where), name, revision_.id);
        std::vector<std::string> candidates = names_of(schema_.tables());
        for (auto& other : names_of(schema_.views())) candidates.push_back(std::move(other));
        if (std::any_of(facts.later_with_queries.begin(), facts.later_with_queries.end(),
                        [&](const QueryRelation& later) { return later.offset == relation.offset; })) {
          diagnostic.notes.push_back({{}, fmt::format("the WITH query `{}` comes later in its list, or is this one: a WITH query sees only "
                                                      "those before it, unless the list is `with recursive`", relation.names.back())});
        } else if (const std::string guess = closest_match(to_string(name), candidates); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        known = false;
        continue;
      }
      view.reads.insert(name);
      sources.push_back(std::move(source));
    }

    for (const auto& sampled : facts.sampled) {
      const QualifiedName name = qualified(sampled.names);
      const auto view_sampled = schema_.views().find(name);
      if (view_sampled == schema_.views().end() || view_sampled->second.materialized) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(within(node.query.span, sampled.offset)), "a view's query",
                          fmt::format("TABLESAMPLE clause can only be applied to tables and materialized views (42809): `{}` is a view", name));
      known = false;
    }
    if (!known) return false;
    std::set<std::size_t> output_name_references;
    for (const auto& scope : facts.scopes) output_name_references.insert(scope.by_output_name.begin(), scope.by_output_name.end());
    // Where a column reference leads: the source and its column, or none (reported, unless the
    // compiler cannot see every column the query has).
    const auto place = [&](const std::vector<std::string>& names, std::size_t offset, bool report) -> std::optional<std::pair<const QuerySource*, const ViewColumn*>> {
      const std::string& column = names.back();
      const std::vector<std::string> qualifier(names.begin(), names.end() - 1);
      const auto named = [&](const QuerySource& source) {
        const bool by_alias = qualifier.size() == 1 && qualifier[0] == source.alias;
        const bool by_name = source.alias == source.name.name && qualified(qualifier) == source.name;
        return by_alias || by_name;
      };
      // A subquery may reuse an alias of the query around it: which one a name means is then
      // left to PostgreSQL's scoping, unless only one of them has the column.
      const bool one_named = qualifier.empty() || std::count_if(sources.begin(), sources.end(), named) == 1;
      for (const auto& source : sources) {
        if (!qualifier.empty() && !named(source)) continue;
        for (const auto& candidate : source.columns) {
          if (candidate.name == column) return std::pair(&source, &candidate);
        }
        // A table's system columns (`c.ctid`, `tableoid`); a view has none.
        if (is_system_column(column) && !schema_.views().contains(source.name)) return std::nullopt;
        if (!qualifier.empty() && report && !facts.opaque_sources && one_named && source.complete) {
          ast::Name written;
          written.text = column;
          const std::size_t last = text.find(column, offset);
          written.span = name_at(node.query.span, text, last == std::string::npos ? offset : last);
          auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(written.span), column, in_table(source.name), revision_.id);
          std::vector<std::string> candidates;
          for (const auto& c : source.columns) candidates.push_back(c.name);
          if (const std::string guess = closest_match(column, candidates); !guess.empty()) {
            diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
          }
          known = false;
          return std::nullopt;
        }
      }
      // A bare name no source has: a column of a source the compiler cannot see, an output's
      // name (ORDER BY), a FROM item's whole row (`(c).id`), or a mistake.
      const bool whole_row = std::any_of(sources.begin(), sources.end(), [&](const QuerySource& source) { return source.alias == column; });
      const bool all_complete = std::all_of(sources.begin(), sources.end(), [](const QuerySource& source) { return source.complete; });
      if (report && qualifier.empty() && !facts.opaque_sources && !output_name_references.contains(offset) && !sources.empty() && !whole_row &&
          all_complete) {
        const Span where = name_at(node.query.span, text, offset);
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(where), column, in_table(sources.front().name), revision_.id);
        std::vector<std::string> candidates;
        for (const auto& source : sources) {
          for (const auto& c : source.columns) candidates.push_back(c.name);
        }
        if (const std::string guess = closest_match(column, candidates); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        known = false;
      }
      return std::nullopt;
    };
    // The level each name is written at: one that a subquery or WITH query of its own or an
    // outer level answers is no table's column, whichever tables have one of that name.
    std::unordered_map<std::size_t, std::size_t> level_of;
    for (std::size_t level = 0; level < facts.scopes.size(); ++level) {
      for (const auto& reference : facts.scopes[level].bare) level_of.emplace(reference.offset, level);
      for (const auto& reference : facts.scopes[level].qualified) level_of.emplace(reference.offset, level);
    }
    for (const auto& reference : facts.columns) {
      if (reference.names.empty() || reference.names.size() > 3) continue;
      if (const auto level = level_of.find(reference.offset); level != level_of.end() && reference.names.size() <= 2) {
        const QueryFromItem* source = source_in_scope(facts, level->second, reference.names);
        if (source != nullptr && source->names.empty() && source->parts.empty()) continue;
        // The table or view the nearest level that has the name reads, not the first of the
        // whole query having such a column (`where a in (select a from t)` is t's `a`).
        if (source != nullptr && used_through(*source, reference.names.back(), view.uses)) continue;
      }
      if (const auto found = place(reference.names, reference.offset, true)) view.uses.insert({found->first->name, found->second->name});
    }
    std::set<std::size_t> fields_of_columns;
    for (const auto& reference : facts.row_fields) {
      // PostgreSQL takes `c` for a column first, and for a FROM item's whole row only then.
      const ViewColumn* row_column = nullptr;
      const bool qualified_column = reference.names.size() == 3;
      for (const auto& source : sources) {
        if (qualified_column && source.alias != reference.names[0]) continue;
        for (const auto& column : source.columns) {
          if (row_column == nullptr && column.name == reference.names[qualified_column ? 1 : 0]) row_column = &column;
        }
      }
      if (row_column != nullptr) fields_of_columns.insert(reference.offset);
      if (qualified_column) {
        if (row_column != nullptr && !composite_has_field(node, text, row_column->type, reference)) known = false;
        continue;
      }
      if (row_column != nullptr) {
        if (!composite_has_field(node, text, row_column->type, reference)) known = false;
        continue;
      }
      if (const auto found = place(reference.names, reference.offset, true)) view.uses.insert({found->first->name, found->second->name});
    }
    // A field of a row the compiler does not follow to its type (a subquery's column, a call's
    // result) may be a field of any table the query reads, or of the table a cast names.
    // PostgreSQL keeps the field by its number where migc keeps its name: each is a use.
    for (const auto& field : facts.record_fields) {
      if (fields_of_columns.contains(field.offset)) continue;
      std::vector<QualifiedName> rows;
      if (!field.cast.empty()) {
        rows.push_back(qualified(field.cast));
      } else {
        rows.assign(view.reads.begin(), view.reads.end());
        // A function of the chain's that returns a table's row (or a set of them).
        for (const auto& [key, routine] : schema_.routines()) {
          if (field.function.empty() || key.name.name != field.function.back()) continue;
          std::string_view returned = routine.returns;
          if (returned.starts_with("SETOF ")) returned.remove_prefix(6);
          if (const auto names = regclass_names(returned); !names.empty()) rows.push_back(qualified(names));
        }
      }
      for (const auto& name : rows) {
        bool has = false;
        if (const Table* table = schema_.find_table(name)) {
          has = table->find_column(field.field) != nullptr;
        } else if (const auto other = schema_.views().find(name); other != schema_.views().end()) {
          has = std::ranges::any_of(other->second.columns, [&](const ViewColumn& column) { return column.name == field.field; });
        }
        // Its row type is then one the view depends on, as PostgreSQL records it.
        if (has) {
          view.uses.insert({name, field.field});
          view.reads.insert(name);
        }
      }
    }
    // A table's or view's row type named as a type (`null::t`, `cast(x as t[])`): PostgreSQL
    // records the view as depending on it, as on what it reads (no drop under it; a rename
    // followed). Unqualified, a built-in type of the name comes first.
    for (const auto& type : facts.types) {
      if (type.percent_type || type.names.empty() || type.names.size() > 2) continue;
      if (type.names.size() == 1 && !catalog_types(type.names[0]).empty()) continue;
      const QualifiedName name = qualified(type.names);
      if (name != view.name && (schema_.find_table(name) != nullptr || schema_.views().contains(name))) view.reads.insert(name);
    }
    // `'t'::regclass`: PostgreSQL looks the relation up as it makes the view (42P01 where there
    // is none), and depends on a table or view as on what the view reads.
    for (const auto& constant : facts.constants) {
      if (constant.cast_dimensions != 0 || constant.cast.empty() || constant.cast.back() != "regclass") continue;
      if (constant.cast.size() == 2 && constant.cast[0] != "pg_catalog") continue;
      const auto names = regclass_names(constant.value);
      if (names.empty() || names.size() > 2) continue;
      const QualifiedName name = qualified(names);
      if (schema_.relation_kind(name) != nullptr) {
        // A sequence's too (`pg_sequence_last_value('s'::regclass)`), a serial's or an identity's
        // included: it cannot be dropped under the view.
        if (name != view.name && (schema_.find_table(name) != nullptr || schema_.views().contains(name) || schema_.sequences().contains(name) ||
                                  column_owning(name) != nullptr)) {
          view.reads.insert(name);
        }
        continue;
      }
      if (catalog_relation(names.size() == 2 ? names[0] : "", names.back()) != nullptr) continue;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(within(node.query.span, constant.offset)), name, revision_.id);
      diagnostic.notes.push_back({{}, "a regclass constant names a relation, which PostgreSQL looks up as it makes the view (42P01)"});
      std::vector<std::string> candidates = names_of(schema_.tables());
      for (auto& other : names_of(schema_.views())) candidates.push_back(std::move(other));
      if (const std::string guess = closest_match(to_string(name), candidates); !guess.empty()) {
        diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
      }
      return false;
    }
    // A USING join names its columns on both sides, wherever a side is a table or view.
    for (const auto& scope : facts.scopes) {
      std::vector<const QueryFromItem*> pending;
      for (const auto& item : scope.from) pending.push_back(&item);
      while (!pending.empty()) {
        const QueryFromItem* item = pending.back();
        pending.pop_back();
        for (const auto& part : item->parts) {
          pending.push_back(&part);
          for (const auto& column : item->using_columns) {
            const QueryFromItem* side = &part;
            // The side's own table, under the joins it is made of: the leftmost or rightmost
            // one that has the column is PostgreSQL's to find; each that has it is a use.
            std::vector<const QueryFromItem*> under{side};
            while (!under.empty()) {
              const QueryFromItem* candidate = under.back();
              under.pop_back();
              for (const auto& inner : candidate->parts) under.push_back(&inner);
              if (candidate->names.empty() || candidate->with_query || !candidate->renamed.empty()) continue;
              const QualifiedName name = qualified(candidate->names);
              if (const Table* table = schema_.find_table(name); table != nullptr && table->find_column(column) != nullptr) {
                view.uses.insert({name, column});
              } else if (const auto other = schema_.views().find(name); other != schema_.views().end() &&
                                                                         std::ranges::any_of(other->second.columns, [&](const ViewColumn& c) { return c.name == column; })) {
                view.uses.insert({name, column});
              }
            }
          }
        }
      }
    }
    // A `*` anywhere in it (a WITH query's, a subquery's, a set operation's branch's) is written
    // out as its columns where PostgreSQL keeps the view, which then names each of them.
    for (const auto& star : facts.stars) {
      if (star.natural_join) continue;
      for (const auto& item : star.from) {
        const QueryFromItem* chosen = star.qualifier.empty() ? &item : from_item_named(item, star.qualifier.back());
        if (chosen == nullptr) continue;
        for (const auto& [column, source] : from_item_columns(*chosen, sources)) {
          if (source != nullptr) view.uses.insert({source->name, column.name});
        }
      }
    }
    if (!known) return false;
    if (!from_entries_named(node, text, facts, view.materialized ? "a materialized view" : "a view")) return false;
    if (!using_columns_exist(node, text, facts) || !alias_lists_fit(node, facts) || !column_counts_fit(node, facts) ||
        !set_operation_types_match(node, text, facts)) {
      return false;
    }
    if (!view_constants_fit(node, text, facts) || !view_expressions_typed(node, text, facts) || !recursive_terms_agree(node, text, facts)) return false;
    // A record reaches a view's column from a row constructor, or from a subquery's or WITH
    // query's record column or whole row, by name (`select r from w`, `array_agg(w)`).
    const ColumnsOf columns_of = [this](const QueryFromItem& item) { return known_columns(item); };
    for (const auto& output : facts.outputs) {
      const bool record = output.anonymous_record ||
                          (!output.record_if.empty() && std::all_of(output.record_if.begin(), output.record_if.end(), [&](const std::vector<std::string>& reference) {
                             return names_record(reference, facts.from, columns_of);
                           }));
      if (output.star && !output.row_star) {
        for (const auto& item : facts.from) {
          const QueryFromItem* starred = output.column.empty() ? &item : from_item_named(item, output.column.back());
          const auto column = starred == nullptr ? std::nullopt : record_column(*starred);
          if (!column) continue;
          auto& diagnostic = diagnostics_.report(DiagnosticKind::RecordViewColumn, at(name_at(node.query.span, text, output.offset)), *column,
                                                 view_kind(node));
          diagnostic.notes.push_back({{}, fmt::format("`*` takes it from {}: cast it to a composite type there", from_item_kind(*starred))});
          return false;
        }
      }
      if (!record) continue;
      auto& diagnostic = diagnostics_.report(DiagnosticKind::RecordViewColumn, at(name_at(node.query.span, text, output.offset)), output.name,
                                             view_kind(node));
      if (!output.anonymous_record) {
        const std::vector<std::string>& reference = output.record_if.front();
        const QueryFromItem* row = nullptr;
        for (const auto& item : facts.from) {
          if (row == nullptr && reference.size() == 1) row = from_item_named(item, reference[0]);
        }
        const auto row_columns = row == nullptr ? std::nullopt : known_columns(*row);
        if (row != nullptr && !(row_columns && std::ranges::count(*row_columns, reference[0]) > 0)) {
          diagnostic.notes.push_back({{}, fmt::format("`{}` is the whole row of {}: select its columns instead (`{}.*`)", reference[0],
                                                      from_item_kind(*row), quote_identifier(reference[0]))});
        } else {
          diagnostic.notes.push_back({{}, fmt::format("`{}` is a record there (a row constructor, or SEARCH's or CYCLE's column): cast it to a composite type",
                                                      fmt::join(reference, "."))});
        }
      }
      return false;
    }
    // A grouped query's columns outside aggregates are grouped, or functionally dependent on a
    // table's grouped primary key (PostgreSQL's check_ungrouped_columns()), where the compiler
    // can place every GROUP BY column.
    const QueryGrouping& grouping = facts.grouping;
    if (grouping.grouped && grouping.plain && !facts.opaque_sources) {
      std::set<std::pair<const QuerySource*, std::string>> grouped;
      bool placed = true;
      for (const auto& names : grouping.group_by) {
        const auto found = names.size() <= 3 ? place(names, 0, false) : std::nullopt;
        if (!found) {
          placed = false;
          break;
        }
        grouped.insert({found->first, found->second->name});
      }
      const auto key_grouped = [&](const QuerySource* source) {
        const Table* table = schema_.find_table(source->name);
        const Constraint* key = table == nullptr ? nullptr : table->primary_key();
        return key != nullptr && std::all_of(key->columns.begin(), key->columns.end(),
                                             [&](const std::string& column) { return grouped.contains({source, column}); });
      };
      // A whole row (`t`, `t.*`, `row_to_json(t)`) is grouped by itself, or by its table's key.
      const auto whole_row_grouped = [&](const SqlColumnReference& reference) {
        const bool starred = reference.names.back() == "*";
        const std::vector<std::string> row(reference.names.begin(), reference.names.end() - (starred ? 1 : 0));
        if (row.size() != 1 || std::ranges::find(grouping.group_by, row) != grouping.group_by.end()) return true;
        const QueryFromItem* item = nullptr;
        for (const auto& top : facts.from) {
          if (item == nullptr) item = from_item_named(top, row[0]);
        }
        if (item == nullptr || item->with_query || !item->renamed.empty()) return true;
        if (item->names.empty()) return true;
        const auto source = std::ranges::find_if(sources, [&](const QuerySource& candidate) {
          return candidate.alias == row[0] && candidate.name == qualified(item->names);
        });
        if (source == sources.end() || key_grouped(&*source)) return true;
        // `t.*` in a select list stands for its columns, each of which GROUP BY may hold.
        if (starred && std::ranges::all_of(source->columns, [&](const ViewColumn& column) { return grouped.contains({&*source, column.name}); })) {
          return true;
        }
        diagnostics_.report(DiagnosticKind::UngroupedColumn, at(name_at(node.query.span, text, reference.offset)), fmt::format("{}.*", row[0]),
                            view.materialized ? "a materialized view" : "a view");
        return false;
      };
      for (const auto& reference : placed ? grouping.outside_aggregates : std::vector<SqlColumnReference>{}) {
        const auto found = reference.names.size() <= 3 ? place(reference.names, reference.offset, false) : std::nullopt;
        if (!found && !whole_row_grouped(reference)) return false;
        if (!found || grouped.contains({found->first, found->second->name}) || key_grouped(found->first)) continue;
        diagnostics_.report(DiagnosticKind::UngroupedColumn, at(name_at(node.query.span, text, reference.offset)),
                            fmt::format("{}.{}", found->first->alias, found->second->name), view.materialized ? "a materialized view" : "a view");
        return false;
      }
    }
    for (const auto& output : facts.outputs) {
      if (output.row_star && !output.row_function.empty() && chain_function_row_columns(output.row_function)) {
        // PostgreSQL writes `(f()).*` out as `(f()).a, (f()).b, ...`, the type's fields now.
        diagnostics_.report(DiagnosticKind::UnexpandableStar, at(name_at(node.query.span, text, output.offset)),
                            fmt::format("the row type function `{}` returns", to_string(qualified(output.row_function))), view_kind(node),
                            "a function call's row (it can through `select f.* from f() f`)");
        return false;
      }
      if (output.row_star) {
        const RowFields fields = row_fields(output.column, facts.from);
        if (fields.composite != nullptr) {
          for (const auto& attribute : fields.composite->attributes) view.columns.push_back({attribute.name, attribute.type});
          continue;
        }
        // Not a column: a FROM item's row, as `t.*`; or a row the compiler cannot see into.
        if (fields.column || output.column.size() != 1 || !std::any_of(facts.from.begin(), facts.from.end(), [&](const QueryFromItem& item) {
              return from_item_named(item, output.column[0]) != nullptr;
            })) {
          view.columns_known = false;
          continue;
        }
      }
      if (output.star || output.row_star) {
        std::vector<const QueryFromItem*> items;
        for (const auto& item : facts.from) {
          if (output.column.empty()) {
            items.push_back(&item);
          } else if (const QueryFromItem* named = from_item_named(item, output.column.back())) {
            items.push_back(named);
          }
        }
        for (const QueryFromItem* item : items) {
          auto columns = from_item_columns(*item, sources);
          if (columns.empty() || !item_columns_known(*item)) view.columns_known = false;
          for (auto& [column, source] : columns) {
            if (source != nullptr) view.uses.insert({source->name, column.name});
            view.columns.push_back(std::move(column));
          }
        }
        continue;
      }
      ViewColumn column{output.name, std::nullopt};
      if (!output.column.empty()) {
        if (const auto found = place(output.column, output.offset, false)) column.type = found->second->type;
      } else if (!output.cast_type.empty()) {
        // A cast to a built-in type without modifiers: PostgreSQL's parser names it in pg_catalog.
        const auto& names = output.cast_type;
        const QualifiedName type{"", names.back()};
        const BuiltinType* builtin = names.size() == 2 && names[0] == "pg_catalog" ? find_builtin_by_internal_name(names[1]) : nullptr;
        if (builtin == nullptr && names.size() == 1) builtin = find_builtin(type);
        if (builtin != nullptr && !builtin->serial) column.type = ColumnType{{"", std::string(builtin->canonical)}, {}, 0, false};
      } else {
        column.type = computed_output_type(facts, static_cast<std::size_t>(&output - facts.outputs.data()));
      }
      view.columns.push_back(std::move(column));
    }
    if (view.column_names.size() > view.columns.size() && view.columns_known) {
      diagnostics_.report(DiagnosticKind::InvalidSql, at(node.name.span), "a view",
                          fmt::format("it names {} columns, but its query has {}", view.column_names.size(), view.columns.size()));
      return false;
    }
    for (std::size_t i = 0; i < view.column_names.size() && i < view.columns.size(); ++i) view.columns[i].name = view.column_names[i];
    std::set<std::string> seen;
    for (const auto& column : view.columns) {
      if (!seen.insert(column.name).second) {
        diagnostics_.report(DiagnosticKind::DuplicateColumn, at(node.query.span), column.name, fmt::format("{} `{}`", view.materialized ? "materialized view" : "view", view.name));
        return false;
      }
    }
    // DISTINCT and set operations compare rows: a type with no equality (`point`, `json`) fails.
    for (const auto& column : facts.deduplicated ? view.columns : std::vector<ViewColumn>{}) {
      const auto type = column.type && column.type->array_dimensions == 0 ? sql_type(*column.type) : std::nullopt;
      if (!type || !class_refuses("btree", "", *type) || !class_refuses("hash", "", *type)) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(node.query.span), view_kind(node),
                          fmt::format("could not identify an equality operator for type {} (42883): column `{}` is compared to "
                                      "remove duplicates",
                                      type->name, column.name));
      return false;
    }
    const auto qualifiers = bare_name_qualifiers(node, text, facts);
    if (!qualifiers) return false;
    // A materialized view is a table, with system columns of its own.
    for (const auto& column : view.materialized ? view.columns : std::vector<ViewColumn>{}) {
      if (!is_system_column(column.name)) continue;
      diagnostics_.report(DiagnosticKind::InvalidSql, at(node.query.span), "a materialized view's query",
                          fmt::format("column name \"{}\" conflicts with a system column name (42701)", column.name));
      return false;
    }
    auto expanded = with_stars_expanded(text, facts.stars, node.query.span, view_kind(node), 0, 0, *qualifiers);
    if (!expanded) return false;
    view.query = std::move(*expanded);
    return true;
  }

  // PostgreSQL's checkViewColumns(): a replaced view keeps its columns, in order, by name and
  // type; it may add columns after them.
  bool check_replaced_columns(const ast::CreateView& node, const View& old, const View& view) {
    const auto refuse = [&](const std::string& what) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ViewColumnsChanged, at(node.query.span), what);
      diagnostic.notes.push_back({{}, "add columns only at the end; to change others, drop the view and create it again"});
      return false;
    };
    // Its way back drops and makes the view again, with the views that read it, which would take
    // the function with it; a routine or policy bound to one of them too, unless the down is written.
    if (view.columns.size() > old.columns.size()) {
      if (const Routine* routine = routine_of_row_type(old.name)) {
        diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.query.span),
                            fmt::format("function `{}` uses the row type of view `{}`, whose columns this would change: drop the "
                                        "function first, and create it again after", to_string(routine->key), old.name));
        return false;
      }
      if (role_ == CheckRole::revision && !revision_.syntax->down) {
        std::vector<QualifiedName> remade{old.name};
        for (const View& reader : dependent_views(schema_, old.name)) remade.push_back(reader.name);
        for (const QualifiedName& name : remade) {
          const std::string why =
              name == old.name ? fmt::format("the derived down drops view `{}` with `cascade` to take back the columns this adds", name)
                               : fmt::format("the derived down drops view `{}` with `cascade` to take back the columns this adds, "
                                             "and view `{}` with it",
                                             old.name, name);
          if (!no_bound_routine(node.query.span, name, {}, why, "write the revision's down in a `down { }` block")) return false;
          if (name == old.name) continue;
          if (const Routine* routine = routine_of_row_type(name)) {
            auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(node.query.span),
                                                   fmt::format("function `{}` uses the row type of view `{}`, which the derived down "
                                                               "drops with `cascade` and makes again",
                                                               to_string(routine->key), name));
            diagnostic.notes.push_back({{}, "write the revision's down in a `down { }` block"});
            return false;
          }
        }
      }
    }
    // Where the compiler cannot see every column, the server judges.
    if (!old.columns_known || !view.columns_known) return true;
    if (view.columns.size() < old.columns.size()) {
      return refuse(fmt::format("drop column `{}` of view `{}`", old.columns[view.columns.size()].name, old.name));
    }
    for (std::size_t i = 0; i < old.columns.size(); ++i) {
      const ViewColumn& before = old.columns[i];
      const ViewColumn& after = view.columns[i];
      if (before.name != after.name) {
        return refuse(fmt::format("change the name of column `{}` of view `{}` to `{}`", before.name, old.name, after.name));
      }
      if (before.type && after.type && *before.type != *after.type) {
        return refuse(fmt::format("change the type of column `{}` of view `{}` from {} to {}", before.name, old.name,
                                  before.type->sql(), after.type->sql()));
      }
    }
    return true;
  }

  // A view that uses column `column` of `relation`, or none.
  // A trigger or policy that names the column: PostgreSQL binds both to it.
  bool used_by_trigger(const Table& table, const ast::Name& column, std::string_view why) {
    const auto report = [&](std::string_view kind, const std::string& name) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::ColumnInUse, at(column.span), column.text, table.name,
                                             fmt::format("{} `{}`", kind, name), fmt::format(fmt::runtime(std::string(why)), kind));
      diagnostic.notes.push_back({{}, fmt::format("drop the {} first, and create it again after", kind)});
      return true;
    };
    for (const Trigger* trigger : schema_.triggers_on(table.name)) {
      if (trigger->columns.contains(column.text)) return report("trigger", trigger->key.name);
    }
    for (const Policy* policy : schema_.policies_on(table.name)) {
      if (policy->columns.contains(column.text)) return report("policy", policy->key.name);
    }
    return false;
  }

  // Whether no routine's SQL-standard body (`begin atomic`) names `table` (its `column`, where
  // one is given): PostgreSQL binds such a body to what it names, as a view's query.
  // `note`: what to do instead, where dropping the routine or policy first is not it.
  bool no_bound_routine(Span span, const QualifiedName& table, const std::string& column, std::string_view why,
                        const char* note = nullptr) {
    // A body's WITH query of the same name is not the table (unless the body reads it too).
    const auto reads_only_a_namesake = [&](const std::string& body) {
      std::set<std::string> with_queries;
      const auto relations = relations_in_routine_body(body, &with_queries);
      return with_queries.contains(table.name) &&
             std::none_of(relations.begin(), relations.end(), [&](const QueryRelation& relation) { return qualified(relation.names) == table; });
    };
    for (const auto& [key, routine] : schema_.routines()) {
      if (!routine.standard_body || !mentions_identifier(routine.body, table.name)) continue;
      if (!column.empty() && !mentions_identifier(routine.body, column)) continue;
      if (column.empty() && reads_only_a_namesake(routine.body)) continue;
      const std::string named = column.empty() ? fmt::format("{} `{}`", schema_.views().contains(table) ? "view" : "table", table)
                                               : fmt::format("column `{}.{}`", table, column);
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                             fmt::format("{} `{}` names {} in its SQL-standard body, which PostgreSQL binds to it: {}",
                                                         routine.procedure ? "procedure" : "function", to_string(key), named, why));
      diagnostic.notes.push_back({{}, note != nullptr ? note : "drop the routine first, and create it again after"});
      return false;
    }
    // A policy on another table reading this one in a subquery is bound to it the same way (and
    // `cascade` would drop the policy).
    for (const auto& [key, policy] : schema_.policies()) {
      if (key.table == table || !mentions_identifier(policy.definition, table.name)) continue;
      if (!column.empty() && !mentions_identifier(policy.definition, column)) continue;
      const std::string named = column.empty() ? fmt::format("{} `{}`", schema_.views().contains(table) ? "view" : "table", table)
                                               : fmt::format("column `{}.{}`", table, column);
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(span),
                                             fmt::format("policy `{}` on table `{}` reads {} in a subquery, which PostgreSQL binds to "
                                                         "it: migc keeps the policy as written, and PostgreSQL would not drop or change "
                                                         "what it reads under it",
                                                         key.name, key.table, named));
      diagnostic.notes.push_back({{}, note != nullptr ? note : "drop the policy first, and create it again after"});
      return false;
    }
    return true;
  }

  const View* view_using(const QualifiedName& relation, const std::string& column) const {
    for (const View* view : schema_.views_reading(relation)) {
      if (view->uses.contains({relation, column})) return view;
    }
    return nullptr;
  }

  const Table* find_table(const ast::ObjectName& name) {
    if (const Table* table = schema_.find_table(name)) return table;
    // A view or a sequence of that name: what it is says more than a guess at another table.
    if (const char* other = schema_.relation_kind(name)) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownTable, at(name.span), to_string(name), revision_.id);
      diagnostic.notes.push_back({{}, fmt::format("`{}` is a {}, not a table", to_string(name), other)});
      return nullptr;
    }
    report_unknown(DiagnosticKind::UnknownTable, name, names_of(schema_.tables()), sites_.relations);
    return nullptr;
  }

  const Column* find_column(const Table& table, const ast::Name& name) {
    if (const Column* column = table.find_column(name.text)) return column;
    auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownColumn, at(name.span), name.text, in_table(table.name), revision_.id);
    std::vector<std::string> names;
    for (const auto& column : table.columns) names.push_back(column.name);
    if (const std::string guess = closest_match(name.text, names); !guess.empty()) {
      diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
    }
    return nullptr;
  }

  // Where a type a column may have comes from: "" built in, or its extension; nothing for a
  // pseudo-type (`any`, `record`, `trigger`, ...) or no type of PostgreSQL's.
  static std::optional<std::string> column_type_source(const std::string& name) {
    static constexpr std::array pseudo = {"any", "anyarray", "anycompatible", "anycompatiblearray", "anycompatiblemultirange",
                                          "anycompatiblenonarray", "anycompatiblerange", "anyelement", "anyenum", "anymultirange",
                                          "anynonarray", "anyrange", "cstring", "event_trigger", "fdw_handler", "index_am_handler",
                                          "internal", "language_handler", "pg_ddl_command", "record", "table_am_handler", "trigger",
                                          "tsm_handler", "unknown", "void"};
    if (std::find(pseudo.begin(), pseudo.end(), name) != pseudo.end()) return std::nullopt;
    const auto entries = catalog_types(name);
    if (entries.empty()) return std::nullopt;
    return std::string(entries.front().extension);
  }

  std::optional<ColumnType> resolve_type(const ast::TypeRef& syntax) {
    ColumnType type;
    type.modifiers = syntax.modifiers;
    type.array_dimensions = syntax.array_dimensions;
    // `pg_catalog.int4` is `integer`; `pg_catalog.serial` is nothing (serial is a shorthand, no type).
    const BuiltinType* builtin = find_builtin(syntax.name);
    if (syntax.name.schema == "pg_catalog") {
      builtin = find_builtin({"", syntax.name.name});
      if (builtin != nullptr && builtin->serial) builtin = nullptr;
    }
    const bool catalog_type = builtin != nullptr || (type_kind(syntax.name) == nullptr &&
                                                     column_type_source(syntax.name.name).value_or("x").empty());
    if (syntax.in_public && catalog_type) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownType, at(syntax.span), "public." + to_string(syntax.name), revision_.id);
      diagnostic.notes.push_back({{}, fmt::format("PostgreSQL's own types are in pg_catalog: write `{}`", to_string(syntax.name))});
      return std::nullopt;
    }
    if (builtin != nullptr) {
      type.name.name = builtin->canonical;
      if (syntax.modifiers.size() > builtin->max_modifiers) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.span), syntax.name,
                            builtin->max_modifiers == 0 ? std::string("takes no modifiers")
                                                        : fmt::format("takes at most {} modifier(s)", builtin->max_modifiers));
        return std::nullopt;
      }
      return type;
    }
    if (type_kind(syntax.name) != nullptr) {
      if (!syntax.modifiers.empty()) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.span), syntax.name, "takes no modifiers");
        return std::nullopt;
      }
      type.name = syntax.name;
      type.user_defined = true;
      return type;
    }
    // The rest of PostgreSQL's own types (`name`, `regclass`, `pg_lsn`, ...) and those of the
    // extensions the chain creates (`citext`, `hstore`), as format_type() prints them.
    if (syntax.name.schema.empty() || syntax.name.schema == "pg_catalog") {
      if (const auto extension = column_type_source(syntax.name.name)) {
        if (extension->empty() || schema_.extensions().contains(*extension)) {
          if (!syntax.modifiers.empty()) {
            diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.span), syntax.name, "takes no modifiers");
            return std::nullopt;
          }
          type.name.name = syntax.name.name;
          return type;
        }
        auto& diagnostic = diagnostics_.report(DiagnosticKind::UnknownType, at(syntax.span), to_string(syntax.name), revision_.id);
        diagnostic.notes.push_back({{}, extension_note(*extension)});
        return std::nullopt;
      }
    }
    std::vector<std::string> candidates = names_of(schema_.enums());
    for (auto& name : names_of(schema_.domains())) candidates.push_back(std::move(name));
    for (auto& name : names_of(schema_.composites())) candidates.push_back(std::move(name));
    for (const auto& builtin_type : builtin_types) candidates.emplace_back(builtin_type.spelling);
    const auto site = sites_.types.find(syntax.name);
    report_unknown(DiagnosticKind::UnknownType, syntax.span, to_string(syntax.name), candidates,
                   site == sites_.types.end() ? nullptr : &site->second);
    return std::nullopt;
  }

  // A sequence's options once `syntax` is applied to `options` (a new sequence's defaults where
  // `created`), by PostgreSQL's rules (init_params() in its sequence.c); none, reported, where it
  // would refuse them. An identity's sequence has its column's type, and takes no `as`.
  std::optional<SequenceOptions> resolve_sequence_options(const QualifiedName& name, SequenceOptions options, bool created,
                                                          bool identity, const ast::SequenceOptions& syntax, Span fallback) {
    const Span span = syntax.span.end > syntax.span.begin ? syntax.span : fallback;
    const auto refuse = [&](const std::string& why) {
      diagnostics_.report(DiagnosticKind::InvalidSequenceOptions, at(span), name, why);
      return std::nullopt;
    };
    // A new type takes its own bound where the sequence had the old type's own.
    bool reset_min = false;
    bool reset_max = false;
    if (syntax.type) {
      if (identity) return refuse("`as`: an identity's sequence has its column's type");
      const auto type = resolve_type(*syntax.type);
      if (!type) return std::nullopt;
      if (type->array_dimensions > 0 || (!type->is("integer") && !type->is("bigint") && !type->is("smallint"))) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(syntax.type->span), syntax.type->name,
                            "cannot back a sequence: use smallint, integer or bigint");
        return std::nullopt;
      }
      if (!created) {
        reset_max = options.max == sequence_type_max(options.type);
        reset_min = options.min == sequence_type_min(options.type);
        options = retyped(options, type->name.name);
      }
      options.type = type->name.name;
    }
    if (syntax.increment) {
      if (*syntax.increment == 0) return refuse("increment must not be zero");
      options.increment = *syntax.increment;
    }
    if (syntax.cycle) options.cycle = *syntax.cycle;
    if (syntax.max) {
      options.max = *syntax.max;
    } else if (created || syntax.no_max) {
      options.max = reset_max ? sequence_type_max(options.type) : default_sequence_max(options.type, options.increment);
    }
    if (syntax.min) {
      options.min = *syntax.min;
    } else if (created || syntax.no_min) {
      options.min = reset_min ? sequence_type_min(options.type) : default_sequence_min(options.type, options.increment);
    }
    if (const auto why = bounds_refused(options)) return refuse(*why);
    if (syntax.start) {
      options.start = *syntax.start;
    } else if (created) {
      options.start = options.increment > 0 ? options.min : options.max;
    }
    const auto outside = [&](std::string_view what, std::int64_t value) -> std::optional<std::string> {
      if (value < options.min) return fmt::format("{} ({}) cannot be less than minvalue ({})", what, value, options.min);
      if (value > options.max) return fmt::format("{} ({}) cannot be greater than maxvalue ({})", what, value, options.max);
      return std::nullopt;
    };
    if (const auto why = outside("start", options.start)) return refuse(*why);
    if (syntax.restart_with) {
      if (const auto why = outside("restart", *syntax.restart_with)) return refuse(*why);
    }
    if (syntax.cache) {
      if (*syntax.cache <= 0) return refuse(fmt::format("cache ({}) must be greater than zero", *syntax.cache));
      options.cache = *syntax.cache;
    }
    return options;
  }

  // Why PostgreSQL would refuse a sequence's bounds, if it would.
  static std::optional<std::string> bounds_refused(const SequenceOptions& options) {
    for (const auto& [bound, value] : {std::pair{"maxvalue", options.max}, std::pair{"minvalue", options.min}}) {
      if (value < sequence_type_min(options.type) || value > sequence_type_max(options.type)) {
        return fmt::format("{} ({}) is out of range for type {}", bound, value, options.type);
      }
    }
    if (options.min >= options.max) return fmt::format("minvalue ({}) must be less than maxvalue ({})", options.min, options.max);
    return std::nullopt;
  }

  // As PostgreSQL names an identity's or serial's sequence: ChooseRelationName(table, column, "seq").
  QualifiedName choose_sequence_name(const QualifiedName& table, const std::string& column) const {
    QualifiedName sequence = beside(table, make_object_name(table.name, column, "seq"));
    for (int pass = 1; schema_.relation_kind(sequence) != nullptr; ++pass) {
      sequence = beside(table, make_object_name(table.name, column, "seq" + std::to_string(pass)));
    }
    return sequence;
  }

  // An identity's sequence: the one its options name (`sequence name s`, which must be a new
  // relation's name), or the one PostgreSQL chooses. None where the name is refused.
  std::optional<QualifiedName> identity_sequence_name(const QualifiedName& table, const std::string& column,
                                                      const std::optional<ast::SequenceOptions>& options) {
    if (!options || !options->sequence_name) return choose_sequence_name(table, column);
    const ast::ObjectName& written = *options->sequence_name;
    // Unqualified, it is made in its table's schema; qualified, it must be that schema, where
    // PostgreSQL looks for the table that owns it.
    ast::ObjectName named = written;
    if (written.schema.empty()) named.schema = table.schema;
    if (named.schema != table.schema) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::InvalidSequenceOptions, at(written.span), named,
                                             fmt::format("an identity's sequence is in its table's schema (`{}`): PostgreSQL looks for "
                                                         "the table in the sequence's (42P01)",
                                                         table.schema.empty() ? "public" : table.schema));
      diagnostic.notes.push_back({{}, fmt::format("write `sequence name {}`", quote_identifier(written.name))});
      return std::nullopt;
    }
    if (!check_name(named) || !check_new_relation(named.span, named, DiagnosticKind::DuplicateSequence)) return std::nullopt;
    if (statement_sequences_.contains(named) || QualifiedName(named) == table) {
      diagnostics_.report(DiagnosticKind::DuplicateSequence, at(named.span), QualifiedName(named) == table ? "table" : "sequence", named,
                          revision_.id);
      return std::nullopt;
    }
    return QualifiedName(named);
  }

  // The table and column an identity statement is about, if they exist and the column is an
  // identity column as `identity` asks (or is not, for adding one).
  const Column* identity_column(const ast::ObjectName& table_name, const ast::Name& column_name, bool identity, const Table*& table) {
    table = find_table(table_name);
    if (table == nullptr) return nullptr;
    const Column* column = find_column(*table, column_name);
    if (column == nullptr) return nullptr;
    if ((column->identity != Identity::none) != identity) {
      diagnostics_.report(DiagnosticKind::UnsupportedAlteration, at(column_name.span),
                          identity ? fmt::format("column `{}` is not an identity column", column->name)
                                   : fmt::format("column `{}` is an identity column already", column->name));
      return nullptr;
    }
    return column;
  }

  // Whether PostgreSQL gives a column of this type a collation: string types, domains over them
  // and arrays of either.
  bool collatable(const ColumnType& type) const {
    if (!type.user_defined) {
      const CatalogType* entry = builtin_catalog_type(type);
      return entry != nullptr && entry->category == 'S';
    }
    const auto domain = schema_.domains().find(type.name);
    return domain != schema_.domains().end() && collatable(domain->second.type);
  }

  // `collate <name>` on an index key of `type` (where the compiler knows it): the collation
  // (none for the type's own), or nullopt after reporting why not.
  std::optional<std::optional<QualifiedName>> key_collation(const ast::ObjectName& collation, const std::optional<SqlType>& type) {
    if (type) {
      std::string element = type->name;
      while (element.ends_with("[]")) element.resize(element.size() - 2);
      // A built-in type of another category, or an enum; a domain's is its base type's.
      const CatalogType* entry = type->enumeration ? nullptr : catalog_type_formatted(element);
      if (type->enumeration || (entry != nullptr && entry->category != 'S')) {
        diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(collation.span), type->name,
                            "cannot have a collation: only string types (text, varchar, char) and domains over them have one");
        return std::nullopt;
      }
    }
    QualifiedName name = collation;
    if (name.schema == "pg_catalog") name.schema.clear();  // where every built-in collation is, on every search path
    if (name.schema.empty() && name.name == "default") return std::optional<QualifiedName>();
    return std::optional<QualifiedName>(std::move(name));
  }

  // `collate <name>` on a column of `type`: the collation, or nullopt after reporting why not.
  // Which collations a server has is its own (libc locales, ICU): the name is taken as written.
  std::optional<std::optional<QualifiedName>> column_collation(const std::optional<ast::ObjectName>& collation,
                                                               const ColumnType& type, const ast::TypeRef& type_syntax) {
    if (!collation) return std::optional<QualifiedName>();
    if (!collatable(type)) {
      diagnostics_.report(DiagnosticKind::InvalidTypeModifier, at(collation->span), type_syntax.name,
                          "cannot have a collation: only string types (text, varchar, char) and domains over them have one");
      return std::nullopt;
    }
    QualifiedName name = *collation;
    if (name.schema == "pg_catalog") name.schema.clear();  // where every built-in collation is, on every search path
    // The type's own, stored as none.
    if (name.schema.empty() && name.name == "default") return std::optional<QualifiedName>();
    return std::optional<QualifiedName>(std::move(name));
  }

  bool add_column(Table& table, const ast::ColumnDefinition& syntax, std::vector<PendingConstraint>& pending) {
    if (!check_name(syntax.name)) return false;
    if (table.find_column(syntax.name.text) != nullptr) {
      diagnostics_.report(DiagnosticKind::DuplicateColumn, at(syntax.name.span), syntax.name.text, in_table(table.name));
      return false;
    }
    auto type = resolve_type(syntax.type);
    if (!type) return false;
    Column column;
    column.name = syntax.name.text;
    column.type = std::move(*type);
    column.not_null = syntax.not_null;
    const auto collation = column_collation(syntax.collation, column.type, syntax.type);
    if (!collation) return false;
    column.collation = *collation;
    if (syntax.default_value) {
      column.default_sql = expression_sql(*syntax.default_value, "a default", nullptr);
      if (!column.default_sql || !default_fits(*syntax.default_value, *column.default_sql, column.type)) return false;
      // PostgreSQL's grammar takes less after DEFAULT than the language does (`now() at time zone 'utc'`).
      if (!fits_column_default(*column.default_sql)) column.default_sql = "(" + *column.default_sql + ")";
    }
    column.identity = syntax.identity;
    if (syntax.generated) {
      const char* conflict = syntax.default_value                 ? "have a default"
                             : syntax.identity != Identity::none ? "an identity column"
                             : is_serial(syntax.type)            ? "serial, whose default is its sequence"
                                                                  : nullptr;
      if (conflict != nullptr) {
        diagnostics_.report(DiagnosticKind::GeneratedColumnConflict, at(syntax.generated->span), syntax.name.text, conflict);
        return false;
      }
      // Checked by check_generated() once the table's columns are all known.
      column.generated_sql = std::string(revision_.file->slice(syntax.generated->span));
    }
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
      const auto chosen = syntax.identity != Identity::none ? identity_sequence_name(table.name, column.name, syntax.identity_options)
                                                            : choose_sequence_name(table.name, column.name);
      if (!chosen) return false;
      const QualifiedName sequence = *chosen;
      // PostgreSQL chooses a serial's name before it makes the sequences the statement names.
      if (!statement_sequences_.insert(sequence).second) {
        diagnostics_.report(DiagnosticKind::DuplicateSequence, at(syntax.name.span), "sequence", sequence, revision_.id);
        return false;
      }
      column.not_null = true;
      column.owned_sequence = sequence;
      column.owned_sequence_options = default_sequence_options(column.type.name.name);
      if (syntax.identity_options) {
        auto options = resolve_sequence_options(sequence, column.owned_sequence_options, true, true, *syntax.identity_options,
                                                syntax.name.span);
        if (!options) return false;
        column.owned_sequence_options = std::move(*options);
      }
    }
    table.columns.push_back(std::move(column));
    for (const auto& constraint : syntax.constraints) pending.push_back({&constraint, constraint.kind, &syntax});
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
        const ast::References* references = item.syntax->references ? &*item.syntax->references : nullptr;
        const Span span = item.column != nullptr ? item.column->name.span : item.syntax->span;
        if (item.column != nullptr && item.kind != ConstraintKind::check) constraint.columns = {item.column->name.text};
        for (const auto& column : item.syntax->columns) {
          if (!find_column(table, column)) return false;
          constraint.columns.push_back(column.text);
        }
        if (item.syntax->check) {
          const auto check = expression_sql(*item.syntax->check, "a check constraint", &table);
          if (!check) return false;
          constraint.check_sql = *check;
          // The columns a check names decide its default name, as in PostgreSQL, whether it is
          // written on a column or on the table.
          for (const auto& column : table.columns) {
            if (mentions_identifier(constraint.check_sql, column.name)) constraint.columns.push_back(column.name);
          }
        }
        constraint.not_valid = item.syntax->not_valid;
        constraint.nulls_not_distinct = item.syntax->nulls && item.syntax->nulls->not_distinct;
        if (item.syntax->deferral && !resolve_deferral(*item.syntax->deferral, constraint)) return false;
        if (item.kind == ConstraintKind::primary_key || item.kind == ConstraintKind::unique) {
          // Its index is a btree's: each column's type needs the method's default operator class.
          for (const auto& name : constraint.columns) {
            const Column* column = table.find_column(name);
            const std::optional<SqlType> type = column == nullptr ? std::nullopt : sql_type(column->type);
            if (type && class_refuses("btree", "", *type)) {
              auto& diagnostic = diagnostics_.report(DiagnosticKind::NoDefaultOperatorClass, at(span), type->name, "btree");
              diagnostic.notes.push_back({{}, fmt::format("column `{}` is a key of this constraint, which PostgreSQL indexes with a btree", name)});
              return false;
            }
          }
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
        if (item.syntax->name) {
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
          constraint.name = choose_constraint_name(schema_, table, constraint, statement_sequences_);
        }
        table.constraints.push_back(std::move(constraint));
      }
    }
    return true;
  }

  // `deferrable` and `initially` as PostgreSQL reads them: `initially deferred` alone makes a
  // constraint deferrable; a check is checked at once, always.
  bool resolve_deferral(const ast::Deferral& deferral, Constraint& constraint) {
    if (constraint.kind == ConstraintKind::check) {
      diagnostics_.report(DiagnosticKind::InvalidOption, at(deferral.span), revision_.file->slice(deferral.span),
                          "does not apply to a check constraint: PostgreSQL checks it on each row as the row changes");
      return false;
    }
    if (deferral.deferrable == false && deferral.initially_deferred == true) {
      diagnostics_.report(DiagnosticKind::InvalidOption, at(deferral.span), revision_.file->slice(deferral.span),
                          "contradicts itself: a constraint checked at commit must be `deferrable`");
      return false;
    }
    constraint.initially_deferred = deferral.initially_deferred.value_or(false);
    constraint.deferrable = deferral.deferrable.value_or(constraint.initially_deferred);
    return true;
  }

  // A key a foreign key may reference: PostgreSQL refuses a deferrable one.
  bool is_unique_key(const Table& table, const std::vector<std::string>& columns) const {
    for (const auto& constraint : table.constraints) {
      if ((constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique) && !constraint.deferrable &&
          same_columns(constraint.columns, columns)) {
        return true;
      }
    }
    for (const auto& name : schema_.indexes_of(table.name)) {
      const Index& index = schema_.indexes().at(name);
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
    if (!table.unlogged && target->unlogged) {
      auto& diagnostic = diagnostics_.report(DiagnosticKind::UnloggedReference, at(references.span),
                                             fmt::format("logged table `{}` cannot reference unlogged table `{}`", table.name, target->name));
      diagnostic.notes.push_back({{}, fmt::format("make `{}` unlogged too, or `{}` logged first: `alter table {} set logged`", table.name,
                                                  target->name, target->name)});
      return false;
    }
    constraint.referenced_table = target->name;
    if (references.columns.empty()) {
      const Constraint* key = target->primary_key();
      if (key == nullptr) {
        diagnostics_.report(DiagnosticKind::UnknownColumn, at(references.table.span), "(primary key)", in_table(target->name), revision_.id);
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
      if (!keys_comparable(local->type, remote->type)) {
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
      for (const auto& key : target->constraints) {
        if (key.deferrable && same_columns(key.columns, constraint.referenced_columns)) {
          diagnostic.notes.push_back({{}, fmt::format("its key `{}` is deferrable, and PostgreSQL refuses a foreign key to a "
                                                      "key it may check only at commit",
                                                      key.name)});
        }
      }
      diagnostic.notes.push_back({{}, fmt::format("add `unique ({})` to `{}`, or reference its primary key", columns, target->name)});
      return false;
    }
    constraint.on_delete = references.on_delete;
    constraint.on_update = references.on_update;
    for (const auto& column : references.on_delete_columns) {
      if (references.on_delete != ReferentialAction::set_null && references.on_delete != ReferentialAction::set_default) {
        diagnostics_.report(DiagnosticKind::InvalidSql, at(column.span), "a foreign key",
                            "a column list is only supported for ON DELETE SET NULL and SET DEFAULT (42601)");
        return false;
      }
      if (std::find(constraint.columns.begin(), constraint.columns.end(), column.text) == constraint.columns.end()) {
        auto& diagnostic = diagnostics_.report(
            DiagnosticKind::InvalidSql, at(column.span), "a foreign key",
            table.find_column(column.text) == nullptr
                ? fmt::format("column \"{}\" referenced in foreign key constraint does not exist (42703)", column.text)
                : fmt::format("column \"{}\" referenced in ON DELETE SET action must be part of foreign key (42P10)", column.text));
        if (const std::string guess = closest_match(column.text, constraint.columns); !guess.empty()) {
          diagnostic.notes.push_back({{}, fmt::format("did you mean `{}`?", guess)});
        }
        return false;
      }
      constraint.on_delete_columns.push_back(column.text);
    }
    return true;
  }

  const RevisionSource& revision_;
  const Schema& schema_;
  const CreationSites& sites_;
  Diagnostics& diagnostics_;
  CheckRole role_;
  const EmitOperation& emit_;
  std::uint32_t line_ = 0;
  const std::vector<ast::Name>* allowed_ = nullptr;
  std::set<QualifiedName> created_here_;  // tables created by this revision
  // (table, column) added by this revision without a value for the rows the table may have, and
  // not filled since.
  std::set<std::pair<QualifiedName, std::string>> unfilled_;
  // (table, column) this revision created: its down drops them again. Forgotten once the
  // revision drops or renames the column or its table.
  std::set<std::pair<QualifiedName, std::string>> added_here_;
  // The sequences of the serial and identity columns of the statement being checked: PostgreSQL
  // makes them before its table, so its columns' defaults may name them.
  std::set<QualifiedName> statement_sequences_;
  // Enum values this revision added: PostgreSQL refuses to use them in the same transaction.
  std::set<std::pair<QualifiedName, std::string>> values_added_here_;
};


}  // namespace

void check_statements(const RevisionSource& revision, CheckRole role, const Schema& schema, const CreationSites& sites,
                      Diagnostics& diagnostics, const EmitOperation& emit) {
  StatementChecker(revision, role, schema, sites, diagnostics, emit).run();
}

CreationSites find_creation_sites(const std::vector<RevisionSource>& revisions) {
  CreationSites sites;
  for (const auto& revision : revisions) {
    for (const auto& statement : revision.syntax->statements) {
      if (const auto* table = std::get_if<ast::CreateTable>(&statement)) {
        sites.relations.emplace(table->name, Origin{revision.id, {revision.file, table->name.span}});
      } else if (const auto* index = std::get_if<ast::CreateIndex>(&statement); index != nullptr && !index->name.text.empty()) {
        sites.relations.emplace(beside(index->table, index->name.text), Origin{revision.id, {revision.file, index->name.span}});
      } else if (const auto* type = std::get_if<ast::CreateEnum>(&statement)) {
        sites.types.emplace(type->name, Origin{revision.id, {revision.file, type->name.span}});
      } else if (const auto* raw = std::get_if<ast::ExecuteSql>(&statement)) {
        for (const auto& created : parse_statements(raw->up.value).statements) {
          if (!created.created_function.empty()) sites.raw_functions.insert(created.created_function.back());
          if (!created.created_type.empty()) sites.raw_types.insert(created.created_type.back());
          if (!created.created_extension.empty()) sites.raw_extensions.insert(created.created_extension.back());
          if (!created.created_relation.empty()) sites.raw_relations.insert(created.created_relation.back());
          sites.raw_operators_or_casts = sites.raw_operators_or_casts || created.changes_call_resolution;
        }
      } else if (const auto* domain = std::get_if<ast::CreateDomain>(&statement)) {
        sites.types.emplace(domain->name, Origin{revision.id, {revision.file, domain->name.span}});
      } else if (const auto* composite = std::get_if<ast::CreateComposite>(&statement)) {
        sites.types.emplace(composite->name, Origin{revision.id, {revision.file, composite->name.span}});
      }
    }
  }
  return sites;
}

}  // namespace migc
