// The path of one revision: check, apply, render, invert, prove.
#include "compiler/lowering.hpp"
#include "compiler/sql_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <concepts>
#include <set>
#include <type_traits>

namespace migc {
namespace {

// A table's SQL as the proof compares it: column order aside, as PostgreSQL cannot put a column
// back where it was, and no catalog comparison of ours looks at it; constraint order too, which
// means nothing to PostgreSQL (one dropped and added back comes last).
std::string comparable_table_sql(Table table) {
  std::sort(table.columns.begin(), table.columns.end(), [](const Column& a, const Column& b) { return a.name < b.name; });
  std::sort(table.constraints.begin(), table.constraints.end(), [](const Constraint& a, const Constraint& b) { return a.name < b.name; });
  return create_table_sql(table, false);
}

// A composite type likewise: an attribute dropped and added back comes last.
std::string comparable_composite_sql(CompositeType type) {
  std::sort(type.attributes.begin(), type.attributes.end(), [](const Attribute& a, const Attribute& b) { return a.name < b.name; });
  return create_composite_sql(type);
}

// The objects the proof compares order aside, by name: a schema's, or those of `before` as they were.
struct Unordered {
  const std::map<QualifiedName, Table>& tables;
  const std::map<QualifiedName, CompositeType>& composites;
};

bool same_object(const ObjectKey& key, const std::string& sql, const std::string& other_sql, const Unordered& one,
                 const Unordered& other) {
  if (sql == other_sql) return true;
  // A rename there and back may leave `public.` where no built-in of the name needs it.
  if (key.kind == ObjectKind::view) return same_but_quoting(without_public_qualifier(sql), without_public_qualifier(other_sql));
  if (key.kind == ObjectKind::table) {
    return comparable_table_sql(one.tables.at(key.name)) == comparable_table_sql(other.tables.at(key.name));
  }
  if (key.kind == ObjectKind::composite) {
    return comparable_composite_sql(one.composites.at(key.name)) == comparable_composite_sql(other.composites.at(key.name));
  }
  return false;
}

// `before_objects`: the tables and composite types of `before` as they were; `schema` holds those of `after`.
std::vector<std::string> differences(const SchemaObjects& before, const Unordered& before_objects,
                                     const SchemaObjects& after, const Schema& schema) {
  const auto indented = [](const std::string& sql) {
    std::string out = "    ";
    for (const char c : sql) out += c == '\n' ? std::string("\n    ") : std::string(1, c);
    return out;
  };
  std::vector<std::string> found;
  for (const auto& [key, sql] : before) {
    const auto restored = after.find(key);
    if (restored == after.end()) {
      found.push_back(fmt::format("it does not bring back {}:\n{}", key.description(), indented(sql)));
    } else if (!same_object(key, sql, restored->second, before_objects, {schema.tables(), schema.composites()})) {
      found.push_back(fmt::format("it leaves {} as\n{}\nwhere the up started from\n{}", key.description(),
                                  indented(restored->second), indented(sql)));
    }
  }
  for (const auto& [key, sql] : after) {
    if (!before.contains(key)) found.push_back(fmt::format("it leaves {} behind:\n{}", key.description(), indented(sql)));
  }
  return found;
}

std::vector<std::pair<ObjectKey, std::string>> changes(const SchemaObjects& before, const SchemaObjects& after) {
  std::vector<std::pair<ObjectKey, std::string>> changed;
  for (const auto& [key, sql] : before) {
    if (!after.contains(key)) changed.emplace_back(key, "");
  }
  for (const auto& [key, sql] : after) {
    const auto old = before.find(key);
    if (old == before.end() || old->second != sql) changed.emplace_back(key, sql);
  }
  return changed;
}

}  // namespace

std::vector<std::string> differing_objects(const Schema& one, const Schema& other) {
  const SchemaObjects one_objects = schema_objects(one);
  const SchemaObjects other_objects = schema_objects(other);
  std::vector<std::string> found;
  for (const auto& [key, sql] : one_objects) {
    const auto found_other = other_objects.find(key);
    if (found_other == other_objects.end() || !same_object(key, sql, found_other->second, {one.tables(), one.composites()},
                                                                    {other.tables(), other.composites()})) {
      found.push_back(key.description());
    }
  }
  for (const auto& [key, sql] : other_objects) {
    if (!one_objects.contains(key)) found.push_back(key.description());
  }
  return found;
}

Touched touched_by(const ast::File& file, const Schema& before) {
  Touched touched;
  const auto touch = [&](const ast::Statement& statement) {
    std::visit(
        [&](const auto& node) {
          using Node = std::decay_t<decltype(node)>;
          if constexpr (requires { node.table; }) touched.tables.insert(node.table);
          if constexpr (std::is_same_v<Node, ast::Comment>) {
            // Views, routines, triggers and policies are always among a revision's objects.
            switch (node.kind) {
              case ast::CommentKind::table:
              case ast::CommentKind::column:
              case ast::CommentKind::constraint: touched.tables.insert(node.object); break;
              case ast::CommentKind::index: touched.indexes.insert(node.object); break;
              case ast::CommentKind::sequence: touched.sequences.insert(node.object); break;
              case ast::CommentKind::type:
              case ast::CommentKind::domain: touched.types.insert(node.object); break;
              default: break;
            }
          } else if constexpr (std::is_same_v<Node, ast::Grant>) {
            for (const auto& object : node.objects) {
              if (node.kind == ast::GrantTargetKind::table) touched.tables.insert(object.name);
              if (node.kind == ast::GrantTargetKind::sequence) touched.sequences.insert(object.name);
              if (node.kind == ast::GrantTargetKind::schema) touched.schemas.insert(object.name.name);
              if (node.kind == ast::GrantTargetKind::type || node.kind == ast::GrantTargetKind::domain) touched.types.insert(object.name);
            }
          } else if constexpr (std::is_same_v<Node, ast::CreateTable> || std::is_same_v<Node, ast::DropTable>) {
            touched.tables.insert(node.name);
          } else if constexpr (std::is_same_v<Node, ast::RenameTable>) {
            touched.tables.insert(beside(node.table, node.new_name.text));  // renamed within its schema
          } else if constexpr (std::is_same_v<Node, ast::CreateIndex>) {
            // Created by bare name beside its table; one PostgreSQL names is among its table's.
            if (!node.name.text.empty()) touched.indexes.insert(beside(node.table, node.name.text));
          } else if constexpr (std::is_same_v<Node, ast::DropIndex>) {
            touched.indexes.insert(node.name);
            if (const auto index = before.indexes().find(node.name); index != before.indexes().end()) {
              touched.tables.insert(index->second.table);
            }
          } else if constexpr (std::is_same_v<Node, ast::RenameIndex>) {
            // Its own index, or the one behind a constraint of its table: the table covers both.
            touched.indexes.insert(node.index);
            touched.indexes.insert(beside(node.index, node.new_name.text));
            if (const auto index = before.indexes().find(node.index); index != before.indexes().end()) {
              touched.tables.insert(index->second.table);
            } else if (before.relation_kind(node.index) != nullptr) {
              for (const auto& [name, table] : before.tables()) {
                for (const auto& constraint : table.constraints) {
                  if (name.schema == node.index.schema && constraint.name == node.index.name) touched.tables.insert(name);
                }
              }
            }
          } else if constexpr (std::is_same_v<Node, ast::CreateEnum> || std::is_same_v<Node, ast::CreateComposite> ||
                               std::is_same_v<Node, ast::CreateDomain>) {
            touched.types.insert(node.name);
          } else if constexpr (std::is_same_v<Node, ast::DropType> || std::is_same_v<Node, ast::DropDomain>) {
            touched.types.insert(node.name);
            // `cascade` takes the defaults, checks and indexes that cast to it.
            if (node.cascade) {
              for (const auto& [name, table] : before.tables()) {
                const bool casts = std::any_of(table.columns.begin(), table.columns.end(), [&](const Column& column) {
                  return column.default_sql && mentions_identifier(*column.default_sql, node.name.name);
                }) || std::any_of(table.constraints.begin(), table.constraints.end(), [&](const Constraint& constraint) {
                  return mentions_identifier(constraint.check_sql, node.name.name);
                });
                if (casts) touched.tables.insert(name);
              }
              for (const auto& [name, index] : before.indexes()) {
                const bool casts = mentions_identifier(index.where_sql, node.name.name) ||
                                   std::any_of(index.keys.begin(), index.keys.end(),
                                               [&](const IndexKey& key) { return mentions_identifier(key.expression, node.name.name); });
                if (casts) touched.indexes.insert(name);
              }
            }
          } else if constexpr (std::is_same_v<Node, ast::RenameDomain>) {
            touched.types.insert(node.domain);
            touched.types.insert(beside(node.domain, node.new_name.text));  // renamed within its schema
            // The composite types and domains over it name it anew.
            const auto over = [&](const ColumnType& type) { return type.user_defined && type.name == node.domain; };
            for (const auto& [name, type] : before.composites()) {
              if (std::any_of(type.attributes.begin(), type.attributes.end(), [&](const Attribute& a) { return over(a.type); })) {
                touched.types.insert(name);
              }
            }
            for (const auto& [name, domain] : before.domains()) {
              if (over(domain.type)) touched.types.insert(name);
            }
          } else if constexpr (std::is_same_v<Node, ast::RenameEnumValue>) {
            // The rename is followed into the defaults and checks of the domains over the type.
            touched.types.insert(node.type);
            for (bool grew = true; grew;) {
              grew = false;
              for (const auto& [name, domain] : before.domains()) {
                if (domain.type.user_defined && touched.types.contains(domain.type.name) && touched.types.insert(name).second) grew = true;
              }
            }
          } else if constexpr (requires { { node.domain } -> std::convertible_to<const QualifiedName&>; }) {
            touched.types.insert(node.domain);
          } else if constexpr (requires { { node.type } -> std::convertible_to<const QualifiedName&>; }) {
            touched.types.insert(node.type);
          } else if constexpr (std::is_same_v<Node, ast::CreateSequence> || std::is_same_v<Node, ast::AlterSequence> ||
                               std::is_same_v<Node, ast::DropSequence>) {
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
  // The tables of a type's columns as they are before: `drop ... cascade` leaves none after.
  for (const auto& type : touched.types) {
    for (const auto& [table, _] : before.columns_of_type(type)) touched.tables.insert(table);
  }
  return touched;
}

namespace {

// The table whose rows a data step writes; none for raw SQL, which may write any.
std::optional<QualifiedName> rows_written(const Operation& operation) {
  if (const auto* insert = std::get_if<op::InsertRows>(&operation)) return insert->table;
  if (const auto* update = std::get_if<op::UpdateRows>(&operation)) return update->table;
  if (const auto* remove = std::get_if<op::DeleteRows>(&operation)) return remove->table;
  return std::nullopt;
}

// The table a schema change alters, drops or indexes, which PostgreSQL first checks has no
// pending trigger events.
std::optional<QualifiedName> table_changed(const Operation& operation, const Schema& schema) {
  return std::visit(
      [&](const auto& o) -> std::optional<QualifiedName> {
        using Op = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<Op, op::InsertRows> || std::is_same_v<Op, op::UpdateRows> || std::is_same_v<Op, op::DeleteRows>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<Op, op::DropTable>) {
          return o.name;
        } else if constexpr (std::is_same_v<Op, op::RenameTable>) {
          return o.from;
        } else if constexpr (std::is_same_v<Op, op::CreateIndex>) {
          return o.index.table;
        } else if constexpr (std::is_same_v<Op, op::DropIndex>) {
          const auto index = schema.indexes().find(o.name);
          return index == schema.indexes().end() ? std::nullopt : std::optional<QualifiedName>(index->second.table);
        } else if constexpr (requires { { o.table } -> std::convertible_to<QualifiedName>; }) {
          return o.table;
        } else {
          return std::nullopt;
        }
      },
      operation);
}

// Whether writing `table`'s rows may leave checks waiting for commit: it has an `initially
// deferred` constraint, or an `initially deferred` foreign key references it.
// `deferrable`: any constraint that may be deferred counts, as after raw SQL, which may have run
// `set constraints ... deferred`.
bool has_deferred_checks(const Schema& schema, const QualifiedName& table, bool deferrable = false) {
  for (const auto& [name, other] : schema.tables()) {
    for (const auto& constraint : other.constraints) {
      if (!constraint.initially_deferred && !(deferrable && constraint.deferrable)) continue;
      if (name == table || (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == table)) return true;
    }
  }
  return false;
}

// Rows written under an `initially deferred` constraint leave its checks pending until commit,
// and PostgreSQL then refuses to alter, index or drop that table (55006, "pending trigger
// events"): a data step followed by such a change in one revision, or a derived down doing
// the same in reverse, would fail at deploy. The checks are run at once just before; the
// outcome at commit is the same, only earlier. Revisions without such a sequence are lowered
// exactly as before.
class DeferredChecks {
 public:
  void before(const Operation& operation, const Schema& schema, std::uint32_t line, std::vector<LoweredStep>& steps) {
    if (const auto written = rows_written(operation)) {
      if (has_deferred_checks(schema, *written, raw_)) written_.insert(*written);
      return;
    }
    if (std::holds_alternative<op::RawSql>(operation)) {
      raw_ = true;
      return;
    }
    const auto changed = table_changed(operation, schema);
    if (!changed || (!written_.contains(*changed) && !(raw_ && has_deferred_checks(schema, *changed, true)))) return;
    steps.push_back({"SET CONSTRAINTS ALL IMMEDIATE", line, true, {}, false});
    written_.clear();
    raw_ = false;
  }

 private:
  std::set<QualifiedName> written_;
  bool raw_ = false;  // raw SQL ran: it may have written any table
};

}  // namespace

LoweredRevision lower_revision(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                               Diagnostics& diagnostics, const InverseOf& inverse_of) {
  // Views are compared only where the revision changed them (as the journal of a savepoint
  // open across it shows): a chain of many views would otherwise render each one per revision.
  const Schema::Savepoint revision_start = schema.savepoint();
  Touched touched = touched_by(*revision.syntax, schema);
  touched.views.emplace();
  SchemaObjects before = schema_objects(schema, touched);
  const auto with_changed_views = [&](SchemaObjects objects) {
    std::vector<const View*> were;
    touched.views.emplace();
    for (const auto& [name, view] : schema.views_changed_since(revision_start)) {
      touched.views->insert(name);
      if (view != nullptr) were.push_back(view);
    }
    objects.merge(view_objects(were));
    return objects;
  };
  std::map<QualifiedName, Table> before_tables;
  std::map<QualifiedName, CompositeType> before_composites;
  for (const auto& [key, _] : before) {
    if (key.kind == ObjectKind::table) before_tables.emplace(key.name, *schema.find_table(key.name));
    if (key.kind == ObjectKind::composite) before_composites.emplace(key.name, schema.composites().at(key.name));
  }
  const std::size_t errors_before = diagnostics.error_count();

  LoweredRevision lowered;
  std::vector<std::vector<PlannedOperation>> inverses;  // of each operation, in the order applied
  DeferredChecks deferred_up;
  check_statements(revision, CheckRole::revision, schema, sites, diagnostics, [&](PlannedOperation planned) {
    deferred_up.before(planned.operation, schema, planned.line, lowered.up);
    Inverse way_back = inverse_of(planned.operation, schema);
    lowered.irreversible = lowered.irreversible || way_back.irreversible;
    auto& operations = inverses.emplace_back();
    for (auto& operation : way_back.operations) operations.push_back({std::move(operation), planned.line});
    apply_operation(planned.operation, schema);
    render_sql(planned, lowered.up);
    lowered.operations.push_back(std::move(planned.operation));
  });
  const SchemaObjects up_started_from = with_changed_views(before);  // names the views to render after
  lowered.schema_changes = changes(up_started_from, schema_objects(schema, touched));

  // The down runs on the schema the up left, and is then taken back.
  const Schema::Savepoint after_up = schema.savepoint();
  const ast::DownBlock* hand_written = revision.syntax->down ? &*revision.syntax->down : nullptr;
  if (hand_written != nullptr) {
    ast::File down_syntax;
    down_syntax.header = revision.syntax->header;
    down_syntax.statements = hand_written->statements;
    down_syntax.allowed = hand_written->allowed;
    const RevisionSource down_source{revision.id, revision.file, &down_syntax, revision.applied_before};
    lowered.irreversible = false;
    DeferredChecks deferred_down;
    check_statements(down_source, CheckRole::hand_written_down, schema, sites, diagnostics, [&](PlannedOperation planned) {
      deferred_down.before(planned.operation, schema, planned.line, lowered.down);
      apply_operation(planned.operation, schema);
      render_sql(planned, lowered.down);
    });
  } else {
    // The derived down: the inverses, last to first.
    DeferredChecks deferred_down;
    for (auto operations = inverses.rbegin(); operations != inverses.rend(); ++operations) {
      for (const auto& planned : *operations) {
        deferred_down.before(planned.operation, schema, planned.line, lowered.down);
        apply_operation(planned.operation, schema);
        render_sql(planned, lowered.down);
      }
    }
  }
  // A revision with no way back is never downgraded past: there is nothing to prove.
  if (diagnostics.error_count() == errors_before && !lowered.irreversible) {
    const SchemaObjects started_from = with_changed_views(before);
    auto found = differences(started_from, {before_tables, before_composites}, schema_objects(schema, touched), schema);
    if (!found.empty()) {
      auto& diagnostic = hand_written != nullptr
                             ? diagnostics.report(DiagnosticKind::DownDoesNotRestore, {revision.file, hand_written->span}, revision.id)
                             : diagnostics.report(DiagnosticKind::DerivedDownDoesNotRestore,
                                                  {revision.file, revision.syntax->header.id.span}, revision.id);
      for (auto& difference : found) diagnostic.notes.push_back({{}, std::move(difference)});
    }
  }
  schema.roll_back(after_up);
  schema.release(revision_start);
  return lowered;
}

void simulate_model(const RevisionSource& file, Schema& schema, Diagnostics& diagnostics) {
  const CreationSites sites;
  check_statements(file, CheckRole::model, schema, sites, diagnostics,
                   [&](PlannedOperation planned) { apply_operation(planned.operation, schema); });
}

}  // namespace migc
