// The way back from each operation, as operations: a revision's derived down is the inverses of
// its operations, last to first, and the down proof applies them to check they restore.
#include "compiler/operations.hpp"

#include <algorithm>
#include <set>

#include "compiler/render_sql.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

class Inverter {
 public:
  explicit Inverter(const Schema& before) : before_(before) {}

  Inverse operator()(const op::CreateTable& o) const { return {{op::DropTable{o.table.name, false}}}; }

  // A trigger as it was, disabled again if it was.
  // (CREATE TRIGGER, `or replace` too, makes it enabled.)
  static void make_again(const Trigger& trigger, Inverse& way_back, bool replace = false) {
    Trigger enabled = trigger;
    enabled.enabled = true;
    way_back.operations.push_back(op::CreateTrigger{std::move(enabled), replace});
    if (!trigger.enabled) way_back.operations.push_back(op::EnableTrigger{trigger.key, false});
  }

  // The table, then its indexes, then the foreign keys of other tables that pointed at it.
  Inverse operator()(const op::DropTable& o) const {
    const Table* table = before_.find_table(o.name);
    if (table == nullptr) return {};
    Table created = *table;
    created.row_security = created.force_row_security = false;  // CREATE TABLE makes neither
    Inverse way_back{{op::CreateTable{std::move(created)}}};
    if (table->row_security) way_back.operations.push_back(op::SetRowSecurity{o.name, false, true});
    if (table->force_row_security) way_back.operations.push_back(op::SetRowSecurity{o.name, true, true});
    for (const QualifiedName& name : before_.indexes_of(o.name)) way_back.operations.push_back(op::CreateIndex{before_.indexes().at(name), false});
    for (const QualifiedName& name : before_.referencing(o.name)) {
      for (const auto& constraint : before_.tables().at(name).constraints) {
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == o.name) {
          way_back.operations.push_back(op::AddConstraint{name, constraint});
        }
      }
    }
    if (o.cascade) {
      for (View& view : dependent_views(before_, o.name)) make_again(std::move(view), way_back);
    }
    for (const Trigger* trigger : before_.triggers_on(o.name)) make_again(*trigger, way_back);
    for (const Policy* policy : before_.policies_on(o.name)) way_back.operations.push_back(op::CreatePolicy{*policy});
    return way_back;
  }

  // The definition it replaced, or none.
  Inverse operator()(const op::CreateRoutine& o) const {
    if (const auto old = before_.routines().find(o.routine.key); old != before_.routines().end()) {
      // PostgreSQL's `create or replace` cannot take back a default or an argument's name.
      if (old->second.defaults < o.routine.defaults || old->second.argument_names != o.routine.argument_names) {
        return {{op::DropRoutine{o.routine.key, o.routine.procedure, false}, op::CreateRoutine{old->second, false, true}}};
      }
      return {{op::CreateRoutine{old->second, true, true}}};
    }
    return {{op::DropRoutine{o.routine.key, o.routine.procedure, false}}};
  }

  // The routine, then the triggers its `cascade` dropped.
  Inverse operator()(const op::DropRoutine& o) const {
    const auto routine = before_.routines().find(o.key);
    if (routine == before_.routines().end()) return {};
    Inverse way_back{{op::CreateRoutine{routine->second, false, true}}};
    if (o.cascade) {
      for (const Trigger* trigger : before_.triggers_calling(o.key)) make_again(*trigger, way_back);
    }
    return way_back;
  }

  Inverse operator()(const op::CreateTrigger& o) const {
    if (const auto old = before_.triggers().find(o.trigger.key); old != before_.triggers().end()) {
      Inverse way_back;
      make_again(old->second, way_back, true);
      return way_back;
    }
    return {{op::DropTrigger{o.trigger.key}}};
  }

  Inverse operator()(const op::DropTrigger& o) const {
    const auto trigger = before_.triggers().find(o.key);
    if (trigger == before_.triggers().end()) return {};
    Inverse way_back;
    make_again(trigger->second, way_back);
    return way_back;
  }

  Inverse operator()(const op::CreatePolicy& o) const { return {{op::DropPolicy{o.policy.key}}}; }
  Inverse operator()(const op::DropPolicy& o) const {
    const auto policy = before_.policies().find(o.key);
    if (policy == before_.policies().end()) return {};
    return {{op::CreatePolicy{policy->second}}};
  }

  Inverse operator()(const op::SetLogged& o) const {
    const Table* table = before_.find_table(o.table);
    if (table == nullptr || table->unlogged != o.logged) return {};
    return {{op::SetLogged{o.table, !o.logged}}};
  }

  Inverse operator()(const op::SetRowSecurity& o) const {
    const Table* table = before_.find_table(o.table);
    if (table == nullptr || (o.forced ? table->force_row_security : table->row_security) == o.on) return {};
    return {{op::SetRowSecurity{o.table, o.forced, !o.on}}};
  }

  Inverse operator()(const op::EnableTrigger& o) const {
    const auto trigger = before_.triggers().find(o.key);
    if (trigger == before_.triggers().end() || trigger->second.enabled == o.enabled) return {};
    return {{op::EnableTrigger{o.key, trigger->second.enabled}}};
  }

  // The view it replaced, or none. PostgreSQL's `create or replace` cannot take back the columns
  // a replacement added: the view is then made again, with the views that read it.
  Inverse operator()(const op::CreateView& o) const {
    if (const auto old = before_.views().find(o.view.name); old != before_.views().end()) {
      if (old->second.columns.size() == o.view.columns.size()) return {{op::CreateView{old->second, true}}};
      Inverse way_back{{op::DropView{o.view.name, false, true}}};
      make_again(old->second, way_back);
      for (View& reader : dependent_views(before_, o.view.name)) make_again(std::move(reader), way_back);
      return way_back;
    }
    return {{op::DropView{o.view.name, o.view.materialized, false}}};
  }

  // The view, then those its `cascade` dropped, readers after what they read.
  Inverse operator()(const op::DropView& o) const {
    const auto view = before_.views().find(o.name);
    if (view == before_.views().end()) return {};
    Inverse way_back;
    make_again(view->second, way_back);
    if (o.cascade) {
      for (View& other : dependent_views(before_, o.name)) make_again(std::move(other), way_back);
    }
    return way_back;
  }

  // A view dropped, made again with the indexes it had (a materialized view's).
  void make_again(View view, Inverse& way_back) const {
    const QualifiedName name = view.name;
    way_back.operations.push_back(op::CreateView{std::move(view), false});
    for (const QualifiedName& index : before_.indexes_of(name)) way_back.operations.push_back(op::CreateIndex{before_.indexes().at(index), false});
  }

  Inverse operator()(const op::RenameView& o) const { return {{op::RenameView{beside(o.from, o.to), o.from.name, o.materialized}}}; }
  Inverse operator()(const op::RenameViewColumn& o) const {
    return {{op::RenameViewColumn{o.view, o.to, o.from, o.materialized, o.names_after, o.names_before}}};
  }

  Inverse operator()(const op::SetViewDefault& o) const {
    const auto view = before_.views().find(o.view);
    if (view == before_.views().end()) return {};
    for (const auto& column : view->second.columns) {
      if (column.name == o.column) return {{op::SetViewDefault{o.view, o.column, column.default_sql}}};
    }
    return {};
  }

  // A refresh changes rows, not the schema: its way back only empties a view it filled.
  Inverse operator()(const op::RefreshView& o) const {
    const auto view = before_.views().find(o.name);
    if (view == before_.views().end() || view->second.with_data == o.with_data) return {};
    return {{op::RefreshView{o.name, false, view->second.with_data}}};
  }

  Inverse operator()(const op::RenameTable& o) const { return {{op::RenameTable{beside(o.from, o.to), o.from.name}}}; }

  Inverse operator()(const op::AddColumn& o) const { return {{op::DropColumn{o.table, o.column.name}}}; }

  // The column with its constraints and comment, then the indexes that used it.
  Inverse operator()(const op::DropColumn& o) const {
    const Table* table = before_.find_table(o.table);
    const Column* column = table == nullptr ? nullptr : table->find_column(o.column);
    if (column == nullptr) return {};
    op::AddColumn restore{o.table, *column, {}};
    for (const auto& constraint : table->constraints) {
      if (constraint_uses_column(constraint, o.column)) restore.constraints.push_back(constraint);
    }
    Inverse way_back{{std::move(restore)}};
    for (const QualifiedName& name : before_.indexes_of(o.table)) {
      if (before_.indexes().at(name).uses_column(o.column)) way_back.operations.push_back(op::CreateIndex{before_.indexes().at(name), false});
    }
    return way_back;
  }

  Inverse operator()(const op::RenameColumn& o) const { return {{op::RenameColumn{o.table, o.to, o.from}}}; }

  // Back through an explicit cast, which exists wherever the way up had one; a generated column
  // takes no cast, as PostgreSQL computes it again. Back to the same type with other modifiers
  // (a varchar narrowed again), PostgreSQL's own assignment cast refuses a value that no longer
  // fits, where an explicit one would cut it short.
  Inverse operator()(const op::AlterColumnType& o) const {
    const Column* column = find_column(o.table, o.column);
    if (column == nullptr) return {};
    const bool same_type = !column->type.user_defined && !o.type.user_defined && column->type.name == o.type.name &&
                           column->type.array_dimensions == o.type.array_dimensions;
    std::optional<std::string> cast;
    if (!column->generated_sql && !same_type) cast = quote_identifier(o.column) + "::" + column->type.sql();
    return {{op::AlterColumnType{o.table, o.column, column->type, std::move(cast), column->collation,
                                 checks_using_column(*before_.find_table(o.table), o.column)}}};
  }

  // Setting what already holds changes nothing, and its way back must change nothing either.
  Inverse operator()(const op::SetNotNull& o) const {
    const Column* column = find_column(o.table, o.column);
    if (column == nullptr || column->not_null == o.not_null) return {};
    return {{op::SetNotNull{o.table, o.column, column->not_null}}};
  }

  Inverse operator()(const op::SetDefault& o) const {
    const Column* column = find_column(o.table, o.column);
    if (column == nullptr) return {};
    return {{op::SetDefault{o.table, o.column, column->default_sql}}};
  }

  // The kind and options it had; a restart's position is not restored (see AlterSequence).
  Inverse operator()(const op::AlterIdentity& o) const {
    const Column* column = find_column(o.table, o.column);
    if (column == nullptr || column->identity == Identity::none) return {};
    if (column->identity == o.to_identity && column->owned_sequence_options == o.to) return {};
    return {{op::AlterIdentity{o.table, o.column, o.to_identity, column->identity, o.to, column->owned_sequence_options, false, std::nullopt}}};
  }

  Inverse operator()(const op::AddIdentity& o) const { return {{op::DropIdentity{o.table, o.column, false}}}; }

  // The identity comes back with its sequence's name and options, its position past the rows.
  Inverse operator()(const op::DropIdentity& o) const {
    const Column* column = find_column(o.table, o.column);
    if (column == nullptr || column->identity == Identity::none || !column->owned_sequence) return {};
    return {{op::AddIdentity{o.table, o.column, column->identity, *column->owned_sequence, column->owned_sequence_options, true}}};
  }

  // PostgreSQL cannot make a plain column generated again: the column is dropped and added back
  // as it was, with what went with it; its values are computed again from its expression.
  // PostgreSQL 15 cannot give a column its expression back: the way back drops the column and
  // adds it again, generated. A foreign key of another table on it would stop that drop, so
  // then there is no way back.
  Inverse operator()(const op::DropExpression& o) const {
    std::set<QualifiedName> tables = before_.referencing(o.table);
    tables.insert(o.table);
    for (const auto& name : tables) {
      const Table* table = before_.find_table(name);
      if (table == nullptr) continue;
      for (const auto& constraint : table->constraints) {
        if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table == o.table &&
            std::find(constraint.referenced_columns.begin(), constraint.referenced_columns.end(), o.column) !=
                constraint.referenced_columns.end()) {
          return {{}, true};
        }
      }
    }
    Inverse way_back = (*this)(op::DropColumn{o.table, o.column});
    if (way_back.operations.empty()) return way_back;
    way_back.operations.insert(way_back.operations.begin(), op::DropColumn{o.table, o.column});
    return way_back;
  }

  // Revoking on a table revokes on its columns too (PostgreSQL): what the role held on them
  // before is given back after.
  Inverse operator()(const op::SetPrivileges& o) const {
    Inverse way_back{{op::SetPrivileges{o.target, o.role, o.after, o.before}}};
    const Table* table = o.target.kind == ast::GrantTargetKind::table && o.target.column.empty() ? before_.find_table(o.target.name) : nullptr;
    if (table == nullptr) return way_back;
    for (const auto& column : table->columns) {
      const auto held = column.privileges.find(o.role);
      if (held == column.privileges.end()) continue;
      RolePrivileges cascaded = held->second;  // as the revoke leaves it
      for (const auto& [privilege, option] : o.after) {
        const auto kept = o.before.find(privilege);
        if (kept == o.before.end()) {
          cascaded.erase(privilege);
        } else if (option && !kept->second && cascaded.contains(privilege)) {
          cascaded[privilege] = false;
        }
      }
      if (cascaded != held->second) {
        way_back.operations.push_back(op::SetPrivileges{{o.target.kind, o.target.name, {}, column.name}, o.role, cascaded, held->second});
      }
    }
    return way_back;
  }

  Inverse operator()(const op::Comment& o) const {
    const std::optional<std::string>* comment = before_.comment_on(o.kind, o.object, o.member);
    if (comment == nullptr) return {};
    return {{op::Comment{o.kind, o.object, o.member, *comment}}};
  }

  // Dropping a primary key leaves its columns NOT NULL: those that were nullable become so again.
  Inverse operator()(const op::AddConstraint& o) const {
    Inverse way_back{{op::DropConstraint{o.table, o.constraint.name}}};
    if (o.constraint.kind != ConstraintKind::primary_key) return way_back;
    for (const auto& name : o.constraint.columns) {
      const Column* column = find_column(o.table, name);
      if (column != nullptr && !column->not_null) way_back.operations.push_back(op::SetNotNull{o.table, name, false});
    }
    return way_back;
  }

  Inverse operator()(const op::DropConstraint& o) const {
    const Constraint* constraint = find_constraint(o.table, o.name);
    if (constraint == nullptr) return {};
    return {{op::AddConstraint{o.table, *constraint}}};
  }

  // No statement un-validates a constraint; putting it back unvalidated does.
  Inverse operator()(const op::ValidateConstraint& o) const {
    const Constraint* constraint = find_constraint(o.table, o.name);
    if (constraint == nullptr || !constraint->not_valid) return {};
    return {{op::DropConstraint{o.table, o.name}, op::AddConstraint{o.table, *constraint}}};
  }

  Inverse operator()(const op::RenameConstraint& o) const { return {{op::RenameConstraint{o.table, o.to, o.from}}}; }

  Inverse operator()(const op::RenameIndex& o) const { return {{op::RenameIndex{beside(o.from, o.to), o.from.name}}}; }

  Inverse operator()(const op::CreateIndex& o) const { return {{op::DropIndex{o.index.name, o.concurrently}}}; }

  Inverse operator()(const op::DropIndex& o) const {
    const auto index = before_.indexes().find(o.name);
    if (index == before_.indexes().end()) return {};
    return {{op::CreateIndex{index->second, o.concurrently}}};
  }

  Inverse operator()(const op::CreateEnum& o) const { return {{op::DropType{o.type.name}}}; }

  Inverse operator()(const op::DropType& o) const {
    if (const auto type = before_.enums().find(o.name); type != before_.enums().end()) return {{op::CreateEnum{type->second}}};
    if (const auto type = before_.composites().find(o.name); type != before_.composites().end()) {
      return {{op::CreateComposite{type->second}}};
    }
    return {};
  }

  Inverse operator()(const op::CreateDomain& o) const { return {{op::DropDomain{o.domain.name}}}; }

  Inverse operator()(const op::DropDomain& o) const {
    const Domain* domain = find_domain(o.name);
    if (domain == nullptr) return {};
    return {{op::CreateDomain{*domain}}};
  }

  Inverse operator()(const op::SetDomainDefault& o) const {
    const Domain* domain = find_domain(o.domain);
    if (domain == nullptr) return {};
    return {{op::SetDomainDefault{o.domain, domain->default_sql}}};
  }

  Inverse operator()(const op::SetDomainNotNull& o) const {
    const Domain* domain = find_domain(o.domain);
    if (domain == nullptr || domain->not_null == o.not_null) return {};
    return {{op::SetDomainNotNull{o.domain, domain->not_null}}};
  }

  Inverse operator()(const op::AddDomainConstraint& o) const { return {{op::DropDomainConstraint{o.domain, o.constraint.name}}}; }

  Inverse operator()(const op::DropDomainConstraint& o) const {
    const Domain* domain = find_domain(o.domain);
    if (domain == nullptr) return {};
    for (const auto& constraint : domain->constraints) {
      if (constraint.name == o.name) return {{op::AddDomainConstraint{o.domain, constraint}}};
    }
    return {};
  }

  Inverse operator()(const op::RenameDomainConstraint& o) const { return {{op::RenameDomainConstraint{o.domain, o.to, o.from}}}; }

  // No statement un-validates a constraint; putting it back unvalidated does.
  Inverse operator()(const op::ValidateDomainConstraint& o) const {
    const Domain* domain = find_domain(o.domain);
    if (domain == nullptr) return {};
    for (const auto& constraint : domain->constraints) {
      if (constraint.name == o.name && constraint.not_valid) {
        return {{op::DropDomainConstraint{o.domain, o.name}, op::AddDomainConstraint{o.domain, constraint}}};
      }
    }
    return {};
  }

  Inverse operator()(const op::RenameDomain& o) const { return {{op::RenameDomain{beside(o.from, o.to), o.from.name}}}; }

  Inverse operator()(const op::CreateComposite& o) const { return {{op::DropType{o.type.name}}}; }

  Inverse operator()(const op::AddAttribute& o) const { return {{op::DropAttribute{o.type, o.attribute.name}}}; }

  // The attribute comes back last: the down proof compares composite types attribute order aside.
  Inverse operator()(const op::DropAttribute& o) const {
    const auto type = before_.composites().find(o.type);
    if (type == before_.composites().end()) return {};
    for (const auto& attribute : type->second.attributes) {
      if (attribute.name == o.name) return {{op::AddAttribute{o.type, attribute}}};
    }
    return {};
  }

  Inverse operator()(const op::RenameAttribute& o) const { return {{op::RenameAttribute{o.type, o.to, o.from}}}; }

  // PostgreSQL cannot remove an enum value: the way back rebuilds the type without it. It fails,
  // and changes nothing, while some row still holds the value.
  Inverse operator()(const op::AddEnumValue& o) const {
    const auto type = before_.enums().find(o.type);
    if (type == before_.enums().end()) return {};
    // Rebuilding the type would have to drop the functions that name it, and the triggers on
    // its columns: nothing takes the value back then but a hand-written down.
    for (const auto& [_, routine] : before_.routines()) {
      if (routine.types.contains(o.type)) return {{}, true};
    }
    for (const auto& [table, column] : before_.columns_of_type(o.type)) {
      for (const Trigger* trigger : before_.triggers_on(table)) {
        if (trigger->columns.contains(column)) return {{}, true};
      }
      for (const Policy* policy : before_.policies_on(table)) {
        if (policy->columns.contains(column)) return {{}, true};
      }
    }
    op::RebuildEnum rebuild{type->second, {}, {}, {}};
    const auto columns = before_.columns_of_type(o.type);
    std::set<QualifiedName> tables;
    for (const auto& [table, column] : columns) {
      rebuild.columns.emplace_back(table, *before_.tables().at(table).find_column(column));
      tables.insert(table);
    }
    const auto of_type = [&](const QualifiedName& table, const std::string& column) {
      return std::find(columns.begin(), columns.end(), std::pair{table, column}) != columns.end();
    };
    const auto mentions_one = [&](const QualifiedName& table, const std::string& sql) {
      return std::any_of(columns.begin(), columns.end(),
                         [&](const auto& typed) { return typed.first == table && mentions_identifier(sql, typed.second); });
    };
    std::set<QualifiedName> with_keys = tables;  // a foreign key of another table can reference a column of the type
    for (const auto& table : tables) with_keys.insert(before_.referencing(table).begin(), before_.referencing(table).end());
    for (const auto& name : with_keys) {
      for (const auto& constraint : before_.tables().at(name).constraints) {
        bool depends = false;
        if (constraint.kind == ConstraintKind::check) {
          depends = mentions_one(name, constraint.check_sql);
        } else if (constraint.kind == ConstraintKind::foreign_key) {
          for (std::size_t i = 0; i < constraint.columns.size(); ++i) {
            depends = depends || of_type(name, constraint.columns[i]) ||
                      (i < constraint.referenced_columns.size() && of_type(constraint.referenced_table, constraint.referenced_columns[i]));
          }
        }
        if (depends) rebuild.constraints.emplace_back(name, constraint);
      }
    }
    for (const auto& table : tables) {
      for (const auto& index_name : before_.indexes_of(table)) {
        const Index& index = before_.indexes().at(index_name);
        bool depends = !index.where_sql.empty() && mentions_one(table, index.where_sql);
        for (const auto& key : index.keys) depends = depends || (!key.expression.empty() && mentions_one(table, key.expression));
        if (depends) rebuild.indexes.push_back(index);
      }
    }
    return {{std::move(rebuild)}};
  }

  Inverse operator()(const op::RenameEnumValue& o) const { return {{op::RenameEnumValue{o.type, o.to, o.from}}}; }

  // Only ever a way back itself.
  Inverse operator()(const op::RebuildEnum&) const { return {{}, true}; }

  Inverse operator()(const op::CreateSequence& o) const { return {{op::DropSequence{o.sequence.name}}}; }

  // The options it had; a restart's position is not restored, as a sequence's position is not
  // schema (PostgreSQL's own nextval() is not undone by a rollback either).
  Inverse operator()(const op::AlterSequence& o) const {
    const auto sequence = before_.sequences().find(o.name);
    if (sequence == before_.sequences().end()) return {};
    const SequenceOptions& before = sequence->second;
    if (before == o.to) return {};
    return {{op::AlterSequence{o.name, o.to, before, false, std::nullopt}}};
  }

  Inverse operator()(const op::SetSequenceOwner& o) const { return {{op::SetSequenceOwner{o.name, o.to, o.from}}}; }
  Inverse operator()(const op::DropSequence& o) const {
    const auto sequence = before_.sequences().find(o.name);
    if (sequence == before_.sequences().end()) return {};
    return {{op::CreateSequence{sequence->second}}};
  }

  Inverse operator()(const op::CreateSchema& o) const { return {{op::DropSchema{o.name}}}; }

  Inverse operator()(const op::DropSchema& o) const {
    const auto schema = before_.schemas().find(o.name);
    if (schema == before_.schemas().end()) return {{op::CreateSchema{o.name, Origin{}}}};
    return {{op::CreateSchema{o.name, schema->second.origin, schema->second.privileges}}};
  }

  Inverse operator()(const op::CreateExtension& o) const { return {{op::DropExtension{o.extension.name}}}; }

  Inverse operator()(const op::DropExtension& o) const {
    const auto extension = before_.extensions().find(o.name);
    return {{op::CreateExtension{extension == before_.extensions().end() ? Extension{o.name, {}} : extension->second}}};
  }

  // Its rows, by their keys: each is new, or the insert would have failed.
  Inverse operator()(const op::InsertRows& o) const {
    const Table* table = before_.find_table(o.table);
    if (o.key.empty() || table == nullptr) return data_down(o.down, false);
    std::vector<std::size_t> positions;
    std::vector<ColumnType> types;
    for (const auto& column : o.key) {
      positions.push_back(static_cast<std::size_t>(std::find(o.columns.begin(), o.columns.end(), column) - o.columns.begin()));
      const Column* found = table->find_column(column);
      if (positions.back() == o.columns.size() || found == nullptr) return data_down(o.down, false);
      types.push_back(found->type);
    }
    std::vector<std::vector<std::string>> keys;
    for (const auto& row : o.rows) {
      std::vector<std::string> key;
      for (const std::size_t position : positions) key.push_back(row[position]);
      keys.push_back(std::move(key));
    }
    return {{op::DeleteRows{o.table, key_match_sql(o.key, types, keys), {}}}};
  }
  Inverse operator()(const op::UpdateRows& o) const { return data_down(o.down, false); }
  Inverse operator()(const op::DeleteRows& o) const { return data_down(o.down, false); }
  Inverse operator()(const op::RawSql& o) const { return data_down(o.down, o.outside_transaction); }

 private:
  static Inverse data_down(const op::DataDown& down, bool outside_transaction) {
    if (down.sql) return {{op::RawSql{*down.sql, {}, outside_transaction}}};
    return {{}, down.irreversible};
  }

  const Column* find_column(const QualifiedName& table, const std::string& column) const {
    const Table* found = before_.find_table(table);
    return found == nullptr ? nullptr : found->find_column(column);
  }

  const Domain* find_domain(const QualifiedName& name) const {
    const auto found = before_.domains().find(name);
    return found == before_.domains().end() ? nullptr : &found->second;
  }

  const Constraint* find_constraint(const QualifiedName& table, const std::string& name) const {
    const Table* found = before_.find_table(table);
    if (found == nullptr) return nullptr;
    for (const auto& constraint : found->constraints) {
      if (constraint.name == name) return &constraint;
    }
    return nullptr;
  }

  const Schema& before_;
};

}  // namespace

Inverse inverse(const Operation& operation, const Schema& before) { return std::visit(Inverter(before), operation); }

}  // namespace migc
