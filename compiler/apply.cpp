// The one place a schema changes: each operation's effect on the model.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/operations.hpp"
#include "compiler/postgres_catalog.hpp"
#include "compiler/sql_parser.hpp"
#include "postgres/sql_text.hpp"

namespace migc {

class SchemaMutator {
 public:
  explicit SchemaMutator(Schema& schema, std::string* unsure = nullptr) : schema_(schema), unsure_(unsure) {}

  void operator()(const op::CreateTable& o) { schema_.put_table(o.table); }

  void operator()(const op::DropTable& o) {
    const Table* table = schema_.find_table(o.name);
    if (table == nullptr) return;
    for (const QualifiedName& index : std::set<QualifiedName>(schema_.indexes_of(o.name))) schema_.erase_index(index);
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.referencing(o.name))) {
      Table other = schema_.tables().at(name);
      std::erase_if(other.constraints, [&](const Constraint& c) {
        return c.kind == ConstraintKind::foreign_key && c.referenced_table == o.name;
      });
      schema_.put_table(std::move(other));
    }
    for (const Trigger* trigger : schema_.triggers_on(o.name)) schema_.erase_trigger(TriggerKey(trigger->key));
    for (const Policy* policy : schema_.policies_on(o.name)) schema_.erase_policy(PolicyKey(policy->key));
    schema_.erase_table(o.name);
    if (o.cascade) {
      for (const View& view : dependent_views(schema_, o.name)) drop_view(view.name);
    }
  }

  // A materialized view goes with its indexes.
  void drop_view(const QualifiedName& name) {
    for (const QualifiedName& index : std::set<QualifiedName>(schema_.indexes_of(name))) schema_.erase_index(index);
    schema_.erase_view(name);
  }

  template <typename Change>
  void change_sequence_owners(Change change) {
    std::vector<Sequence> changed;
    for (const auto& [_, sequence] : schema_.sequences()) {
      if (!sequence.owner) continue;
      Sequence copy = sequence;
      change(*copy.owner);
      if (copy.owner != sequence.owner) changed.push_back(std::move(copy));
    }
    for (auto& sequence : changed) schema_.put_sequence(std::move(sequence));
  }

  void operator()(const op::RenameTable& o) {
    const Table* found = schema_.find_table(o.from);
    if (found == nullptr) return;
    const QualifiedName to = beside(o.from, o.to);
    Table table = *found;
    table.name = to;
    const std::set<QualifiedName> referencing = schema_.referencing(o.from);
    schema_.erase_table(o.from);
    // Constraint, index and sequence names stay what they were, as in PostgreSQL.
    for (const auto& name : referencing) {
      Table other = schema_.tables().at(name);
      for (auto& constraint : other.constraints) {
        if (constraint.referenced_table == o.from) constraint.referenced_table = to;
      }
      schema_.put_table(std::move(other));
    }
    for (auto& constraint : table.constraints) {
      if (constraint.referenced_table == o.from) constraint.referenced_table = to;
    }
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(o.from))) {
      Index index = schema_.indexes().at(name);
      index.table = to;
      schema_.put_index(std::move(index));
    }
    schema_.put_table(std::move(table));
    for (const Policy* found_policy : schema_.policies_on(o.from)) {
      Policy policy = *found_policy;
      schema_.erase_policy(PolicyKey(policy.key));
      policy.key.table = to;
      schema_.put_policy(std::move(policy));
    }
    for (const Trigger* found_trigger : schema_.triggers_on(o.from)) {
      Trigger trigger = *found_trigger;
      schema_.erase_trigger(TriggerKey(trigger.key));
      trigger.key.table = to;
      schema_.put_trigger(std::move(trigger));
    }
    change_sequence_owners([&](SequenceOwner& owner) {
      if (owner.table == o.from) owner.table = to;
    });
    follow_rename(o.from, to);
  }

  // `create or replace` keeps the object, and so its comment and privileges.
  void operator()(const op::CreateRoutine& o) { schema_.put_routine(keeping_comment(schema_.routines(), o.routine.key, o.routine, o.replace)); }
  void operator()(const op::DropRoutine& o) {
    if (o.cascade) {
      for (const Trigger* trigger : schema_.triggers_calling(o.key)) schema_.erase_trigger(TriggerKey(trigger->key));
    }
    schema_.erase_routine(o.key);
  }
  void operator()(const op::CreateTrigger& o) { schema_.put_trigger(keeping_comment(schema_.triggers(), o.trigger.key, o.trigger, o.replace)); }
  void operator()(const op::CreatePolicy& o) { schema_.put_policy(o.policy); }
  void operator()(const op::DropPolicy& o) { schema_.erase_policy(o.key); }
  void operator()(const op::SetLogged& o) {
    change_table(o.table, [&](Table& table) { table.unlogged = !o.logged; });
  }
  void operator()(const op::SetRowSecurity& o) {
    change_table(o.table, [&](Table& table) { (o.forced ? table.force_row_security : table.row_security) = o.on; });
  }
  void operator()(const op::DropTrigger& o) { schema_.erase_trigger(o.key); }
  void operator()(const op::EnableTrigger& o) {
    const auto found = schema_.triggers().find(o.key);
    if (found == schema_.triggers().end()) return;
    Trigger trigger = found->second;
    trigger.enabled = o.enabled;
    schema_.put_trigger(std::move(trigger));
  }

  void operator()(const op::CreateView& o) { schema_.put_view(keeping_comment(schema_.views(), o.view.name, o.view, o.replace)); }

  void operator()(const op::DropView& o) {
    if (o.cascade) {
      for (const View& view : dependent_views(schema_, o.name)) drop_view(view.name);
    }
    drop_view(o.name);
  }

  void operator()(const op::RenameView& o) {
    const auto found = schema_.views().find(o.from);
    if (found == schema_.views().end()) return;
    View view = found->second;
    view.name = beside(o.from, o.to);
    schema_.erase_view(o.from);
    schema_.put_view(view);
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(o.from))) {
      Index index = schema_.indexes().at(name);
      index.table = view.name;
      schema_.put_index(std::move(index));
    }
    follow_rename(o.from, view.name);
  }

  void operator()(const op::RenameViewColumn& o) {
    const auto found = schema_.views().find(o.view);
    if (found == schema_.views().end()) return;
    View view = found->second;
    view.column_names = o.names_after;
    for (auto& column : view.columns) {
      if (column.name == o.from) column.name = o.to;
    }
    schema_.put_view(view);
    // Its indexes follow, as a table's (the checker refused a rename their expressions name).
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(o.view))) {
      Index index = schema_.indexes().at(name);
      for (auto& key : index.keys) {
        if (key.column == o.from) key.column = o.to;
      }
      std::replace(index.include.begin(), index.include.end(), o.from, o.to);
      schema_.put_index(std::move(index));
    }
  }

  void operator()(const op::SetViewDefault& o) {
    change_entry(schema_.views(), o.view, &Schema::put_view, [&](View& view) {
      for (auto& column : view.columns) {
        if (column.name == o.column) column.default_sql = o.value;
      }
    });
  }

  void operator()(const op::RefreshView& o) {
    const auto found = schema_.views().find(o.name);
    if (found == schema_.views().end()) return;
    View view = found->second;
    view.with_data = o.with_data;
    schema_.put_view(std::move(view));
  }

  void operator()(const op::AddColumn& o) {
    change_table(o.table, [&](Table& table) {
      table.columns.push_back(o.column);
      for (const auto& constraint : o.constraints) table.constraints.push_back(constraint);
    });
  }

  void operator()(const op::DropColumn& o) {
    const Table* table = schema_.find_table(o.table);
    if (table == nullptr) return;
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(o.table))) {
      if (schema_.indexes().at(name).uses_column(o.column)) schema_.erase_index(name);
    }
    change_table(o.table, [&](Table& changed) {
      std::erase_if(changed.constraints, [&](const Constraint& c) { return constraint_uses_column(c, o.column); });
      std::erase_if(changed.columns, [&](const Column& c) { return c.name == o.column; });
    });
  }

  void operator()(const op::RenameColumn& o) {
    const Table* table = schema_.find_table(o.table);
    if (table == nullptr) return;
    const auto rename = [&](std::vector<std::string>& names) { std::replace(names.begin(), names.end(), o.from, o.to); };
    // PostgreSQL follows the rename into the table's expressions (the checker refused those it
    // could not follow exactly).
    const auto rename_in = [&](std::string& expression) {
      if (!expression.empty()) expression = with_column_renamed(expression, o.from, o.to).value_or(expression);
    };
    change_table(o.table, [&](Table& changed) {
      for (auto& column : changed.columns) {
        if (column.name == o.from) column.name = o.to;
        if (column.generated_sql) rename_in(*column.generated_sql);
      }
      for (auto& constraint : changed.constraints) {
        rename(constraint.columns);
        rename(constraint.on_delete_columns);
        if (constraint.referenced_table == o.table) rename(constraint.referenced_columns);
        rename_in(constraint.check_sql);
      }
    });
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.referencing(o.table))) {
      change_table(name, [&](Table& other) {
        for (auto& constraint : other.constraints) {
          if (constraint.referenced_table == o.table) rename(constraint.referenced_columns);
        }
      });
    }
    change_sequence_owners([&](SequenceOwner& owner) {
      if (owner.table == o.table && owner.column == o.from) owner.column = o.to;
    });
    for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(o.table))) {
      Index index = schema_.indexes().at(name);
      for (auto& key : index.keys) {
        if (key.column == o.from) key.column = o.to;
        rename_in(key.expression);
      }
      rename_in(index.where_sql);
      rename(index.include);
      schema_.put_index(std::move(index));
    }
  }

  void operator()(const op::AlterColumnType& o) {
    change_column(o.table, o.column, [&](Column& column) {
      column.default_sql = retyped_default(column.default_sql, column.type, o.type);
      column.type = o.type;
      column.collation = o.collation;
      // As PostgreSQL does: an identity's sequence follows its column; a serial's keeps its type.
      if (column.identity != Identity::none) column.owned_sequence_options = retyped(column.owned_sequence_options, column.type.name.name);
    });
  }

  // PostgreSQL keeps a default through a type change as the value it was, of the old type, cast
  // on assignment to the new one; a string constant's old type then shows where it prints. Back
  // to that type, the cast goes again (ATExecAlterColumnType strips implicit casts first).
  static std::optional<std::string> retyped_default(const std::optional<std::string>& sql, const ColumnType& from, const ColumnType& to) {
    if (!sql || from.name == to.name) return sql;
    // The type without its modifiers, as the constant had it: `character` alone is character(1),
    // and `bit` bit(1); PostgreSQL's own names for the unbounded ones are bpchar and "bit".
    const auto plain = [](ColumnType type) {
      type.modifiers.clear();
      if (!type.user_defined && type.array_dimensions == 0 && type.name.name == "character") return std::string("bpchar");
      if (!type.user_defined && type.array_dimensions == 0 && type.name.name == "bit") return std::string("\"bit\"");
      return type.sql();
    };
    static constexpr std::string_view cast_begin = "CAST(";
    const std::string cast_end = " AS " + plain(to) + ")";
    if (sql->starts_with(cast_begin) && sql->ends_with(cast_end)) {
      const std::string inside = sql->substr(cast_begin.size(), sql->size() - cast_begin.size() - cast_end.size());
      if (const auto constant = constant_of(inside); constant && constant->kind == SqlConstant::Kind::string && constant->casts.empty()) {
        return inside;
      }
    }
    const auto constant = constant_of(*sql);
    if (!constant || constant->kind != SqlConstant::Kind::string || !constant->casts.empty()) return sql;
    return std::string(cast_begin) + *sql + " AS " + plain(from) + ")";
  }

  void operator()(const op::AlterIdentity& o) {
    change_column(o.table, o.column, [&](Column& column) {
      column.identity = o.to_identity;
      column.owned_sequence_options = o.to;
    });
  }

  void operator()(const op::AddIdentity& o) {
    change_column(o.table, o.column, [&](Column& column) {
      column.identity = o.identity;
      column.owned_sequence = o.sequence;
      column.owned_sequence_options = o.options;
    });
  }

  void operator()(const op::DropIdentity& o) {
    change_column(o.table, o.column, [&](Column& column) {
      if (column.identity == Identity::none) return;
      column.identity = Identity::none;
      column.owned_sequence.reset();
      column.owned_sequence_options = {};
    });
  }

  void operator()(const op::SetNotNull& o) {
    change_column(o.table, o.column, [&](Column& column) { column.not_null = o.not_null; });
  }

  void operator()(const op::SetDefault& o) {
    change_column(o.table, o.column, [&](Column& column) { column.default_sql = o.value; });
  }

  void operator()(const op::DropExpression& o) {
    change_column(o.table, o.column, [&](Column& column) { column.generated_sql.reset(); });
  }

  void operator()(const op::SetPrivileges& o) {
    using Kind = ast::GrantTargetKind;
    const auto set_on = [&](Privileges& privileges) {
      if (o.after.empty()) {
        privileges.erase(o.role);
      } else {
        privileges[o.role] = o.after;
      }
    };
    const auto set = [&](auto& object) { set_on(object.privileges); };
    switch (o.target.kind) {
      case Kind::table:
        if (!o.target.column.empty()) return change_column(o.target.name, o.target.column, set);
        if (schema_.views().contains(o.target.name)) return change_entry(schema_.views(), o.target.name, &Schema::put_view, set);
        return change_table(o.target.name, set);
      case Kind::sequence: {
        if (schema_.sequences().contains(o.target.name)) return change_entry(schema_.sequences(), o.target.name, &Schema::put_sequence, set);
        const auto [table, column] = schema_.column_of_sequence(o.target.name);
        if (column == nullptr) return;
        const QualifiedName table_name = table->name;  // copied: the change replaces the table
        const std::string column_name = column->name;
        return change_column(table_name, column_name, [&](Column& serial) { set_on(serial.owned_sequence_privileges); });
      }
      case Kind::function:
      case Kind::procedure:
        return change_entry(schema_.routines(), RoutineKey{o.target.name, o.target.arguments}, &Schema::put_routine, set);
      case Kind::schema: {
        const auto found = schema_.schemas().find(o.target.name.name);
        if (found == schema_.schemas().end()) return;
        ChainSchema changed = found->second;
        set(changed);
        return schema_.put_schema(o.target.name.name, std::move(changed));
      }
      case Kind::type:
      case Kind::domain:
        if (schema_.enums().contains(o.target.name)) return change_entry(schema_.enums(), o.target.name, &Schema::put_enum, set);
        if (schema_.domains().contains(o.target.name)) return change_entry(schema_.domains(), o.target.name, &Schema::put_domain, set);
        return change_entry(schema_.composites(), o.target.name, &Schema::put_composite, set);
    }
  }

  void operator()(const op::Comment& o) {
    using Kind = ast::CommentKind;
    const auto set = [&](auto& object) { object.comment = o.text; };
    switch (o.kind) {
      case Kind::table: return change_table(o.object, set);
      case Kind::column:
        if (schema_.views().contains(o.object)) {
          return change_entry(schema_.views(), o.object, &Schema::put_view, [&](View& view) {
            for (auto& column : view.columns) {
              if (column.name == o.member) column.comment = o.text;
            }
          });
        }
        return change_column(o.object, o.member, set);
      case Kind::constraint:
        return change_table(o.object, [&](Table& table) {
          for (auto& constraint : table.constraints) {
            if (constraint.name == o.member) constraint.comment = o.text;
          }
        });
      case Kind::view:
      case Kind::materialized_view: return change_entry(schema_.views(), o.object, &Schema::put_view, set);
      case Kind::index: return change_entry(schema_.indexes(), o.object, &Schema::put_index, set);
      case Kind::sequence: return change_entry(schema_.sequences(), o.object, &Schema::put_sequence, set);
      case Kind::domain: return change_domain(o.object, set);
      case Kind::type:
        change_entry(schema_.enums(), o.object, &Schema::put_enum, set);
        return change_composite(o.object, set);
      case Kind::function:
      case Kind::procedure: return change_entry(schema_.routines(), RoutineKey{o.object, o.member}, &Schema::put_routine, set);
      case Kind::trigger: return change_entry(schema_.triggers(), TriggerKey{o.object, o.member}, &Schema::put_trigger, set);
      case Kind::policy: return change_entry(schema_.policies(), PolicyKey{o.object, o.member}, &Schema::put_policy, set);
    }
  }

  // A primary key makes its columns NOT NULL, in the catalog as here; dropping it leaves them so.
  void operator()(const op::AddConstraint& o) {
    change_table(o.table, [&](Table& table) {
      table.constraints.push_back(o.constraint);
      if (o.constraint.kind != ConstraintKind::primary_key) return;
      for (auto& column : table.columns) {
        if (std::find(o.constraint.columns.begin(), o.constraint.columns.end(), column.name) != o.constraint.columns.end()) {
          column.not_null = true;
        }
      }
    });
  }

  void operator()(const op::DropConstraint& o) {
    change_table(o.table, [&](Table& table) {
      std::erase_if(table.constraints, [&](const Constraint& c) { return c.name == o.name; });
    });
  }

  void operator()(const op::ValidateConstraint& o) {
    change_table(o.table, [&](Table& table) {
      for (auto& constraint : table.constraints) {
        if (constraint.name == o.name) constraint.not_valid = false;
      }
    });
  }

  void operator()(const op::RenameConstraint& o) {
    change_table(o.table, [&](Table& table) {
      for (auto& constraint : table.constraints) {
        if (constraint.name == o.from) constraint.name = o.to;
      }
    });
  }

  void operator()(const op::CreateIndex& o) { schema_.put_index(o.index); }
  void operator()(const op::RenameIndex& o) {
    const auto found = schema_.indexes().find(o.from);
    if (found == schema_.indexes().end()) return;
    Index index = found->second;
    index.name = beside(o.from, o.to);
    schema_.erase_index(o.from);
    schema_.put_index(std::move(index));
  }
  void operator()(const op::DropIndex& o) { schema_.erase_index(o.name); }

  void operator()(const op::CreateEnum& o) { schema_.put_enum(o.type); }
  void operator()(const op::DropType& o) {
    if (schema_.enums().contains(o.name)) schema_.erase_enum(o.name);
    if (schema_.composites().contains(o.name)) schema_.erase_composite(o.name);
  }

  void operator()(const op::CreateDomain& o) { schema_.put_domain(o.domain); }
  void operator()(const op::DropDomain& o) { schema_.erase_domain(o.name); }
  void operator()(const op::SetDomainDefault& o) {
    change_domain(o.domain, [&](Domain& domain) { domain.default_sql = o.value; });
  }
  void operator()(const op::SetDomainNotNull& o) {
    change_domain(o.domain, [&](Domain& domain) { domain.not_null = o.not_null; });
  }
  void operator()(const op::AddDomainConstraint& o) {
    change_domain(o.domain, [&](Domain& domain) { domain.constraints.push_back(o.constraint); });
  }
  void operator()(const op::DropDomainConstraint& o) {
    change_domain(o.domain, [&](Domain& domain) {
      std::erase_if(domain.constraints, [&](const DomainConstraint& c) { return c.name == o.name; });
    });
  }
  void operator()(const op::RenameDomainConstraint& o) {
    change_domain(o.domain, [&](Domain& domain) {
      for (auto& constraint : domain.constraints) {
        if (constraint.name == o.from) constraint.name = o.to;
      }
    });
  }
  void operator()(const op::ValidateDomainConstraint& o) {
    change_domain(o.domain, [&](Domain& domain) {
      for (auto& constraint : domain.constraints) {
        if (constraint.name == o.name) constraint.not_valid = false;
      }
    });
  }

  // The columns, domains and attributes of the type name it by its new name, as PostgreSQL's
  // catalog names it by oid.
  void operator()(const op::RenameDomain& o) {
    const auto found = schema_.domains().find(o.from);
    if (found == schema_.domains().end()) return;
    const QualifiedName to = beside(o.from, o.to);
    Domain domain = found->second;
    domain.name = to;
    schema_.erase_domain(o.from);
    schema_.put_domain(std::move(domain));
    const auto renamed = [&](ColumnType& type) {
      if (type.user_defined && type.name == o.from) type.name = to;
    };
    for (const auto& [table, column] : schema_.columns_of_type(o.from)) {
      change_column(table, column, [&](Column& changed) { renamed(changed.type); });
    }
    for (const auto& [name, other] : std::map<QualifiedName, Domain>(schema_.domains())) {
      if (other.type.user_defined && other.type.name == o.from) change_domain(name, [&](Domain& changed) { renamed(changed.type); });
    }
    for (const auto& [name, type] : std::map<QualifiedName, CompositeType>(schema_.composites())) {
      CompositeType changed = type;
      for (auto& attribute : changed.attributes) renamed(attribute.type);
      if (changed.attributes != type.attributes) schema_.put_composite(std::move(changed));
    }
  }

  void operator()(const op::CreateComposite& o) { schema_.put_composite(o.type); }
  void operator()(const op::AddAttribute& o) {
    change_composite(o.type, [&](CompositeType& type) { type.attributes.push_back(o.attribute); });
  }
  void operator()(const op::DropAttribute& o) {
    change_composite(o.type, [&](CompositeType& type) {
      std::erase_if(type.attributes, [&](const Attribute& a) { return a.name == o.name; });
    });
  }
  void operator()(const op::RenameAttribute& o) {
    change_composite(o.type, [&](CompositeType& type) {
      for (auto& attribute : type.attributes) {
        if (attribute.name == o.from) attribute.name = o.to;
      }
    });
  }

  void operator()(const op::AddEnumValue& o) {
    const auto found = schema_.enums().find(o.type);
    if (found == schema_.enums().end()) return;
    EnumType type = found->second;
    auto position = type.values.end();
    if (o.before || o.after) {
      position = std::find(type.values.begin(), type.values.end(), o.before ? *o.before : *o.after);
      if (o.after && position != type.values.end()) ++position;
    }
    type.values.insert(position, o.value);
    schema_.put_enum(std::move(type));
  }

  void operator()(const op::RenameEnumValue& o) {
    const auto found = schema_.enums().find(o.type);
    if (found == schema_.enums().end()) return;
    EnumType type = found->second;
    std::replace(type.values.begin(), type.values.end(), o.from, o.to);
    schema_.put_enum(std::move(type));
    // PostgreSQL stores the value itself, not its label, wherever an expression holds it: the
    // defaults, checks, generated columns, index expressions and views that hold a constant of
    // the type show the new label. A constant of another type holding the same text stays.
    // The domains over the type, and over those, hold it as well.
    std::set<QualifiedName> types{o.type};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [name, domain] : schema_.domains()) {
        if (domain.type.user_defined && types.contains(domain.type.name) && types.insert(name).second) grew = true;
      }
    }
    EnumTyped typed;
    for (const auto& type : types) typed.types.insert(type.name);
    const auto holds_type = [&](const ColumnType& type) { return type.user_defined && types.contains(type.name) && type.array_dimensions == 0; };
    const auto holds_array = [&](const ColumnType& type) { return type.user_defined && types.contains(type.name) && type.array_dimensions > 0; };
    // `columns`: the row's, those of the type and those of arrays of it.
    const auto renamed = [&](const std::string& sql, const std::pair<std::set<std::string>, std::set<std::string>>& columns,
                             const ColumnType* whole, bool query = false) {
      EnumTyped here = typed;
      here.columns = columns.first;
      here.array_columns = columns.second;
      here.whole = whole != nullptr && holds_type(*whole);
      here.whole_array = whole != nullptr && holds_array(*whole);
      here.whole_unknown = whole != nullptr && whole->user_defined && schema_.composites().contains(whole->name);
      return with_enum_label_renamed(sql, o.from, o.to, here, query, unsure_);
    };
    std::set<QualifiedName> tables;
    for (const auto& type : types) {
      for (const auto& [table, column] : schema_.columns_of_type(type)) tables.insert(table);
      if (type == o.type) continue;
      Domain domain = schema_.domains().at(type);
      // A domain's own type is the enum, or an array of it, through the domains it is over.
      const ColumnType self{type, {}, domain.type.array_dimensions, true};
      const std::pair<std::set<std::string>, std::set<std::string>> value =
          holds_array(self) ? std::pair<std::set<std::string>, std::set<std::string>>{{}, {"value"}}
                            : std::pair<std::set<std::string>, std::set<std::string>>{{"value"}, {}};
      if (domain.default_sql) domain.default_sql = renamed(*domain.default_sql, value, &self);
      for (auto& constraint : domain.constraints) constraint.check_sql = renamed(constraint.check_sql, value, nullptr);
      schema_.put_domain(std::move(domain));
    }
    std::set<std::pair<QualifiedName, std::string>> typed_columns, array_columns;
    for (const auto& table : tables) {
      std::pair<std::set<std::string>, std::set<std::string>> columns;
      for (const Column& column : schema_.find_table(table)->columns) {
        if (holds_type(column.type)) columns.first.insert(column.name);
        if (holds_array(column.type)) columns.second.insert(column.name);
      }
      for (const auto& column : columns.first) typed_columns.emplace(table, column);
      for (const auto& column : columns.second) array_columns.emplace(table, column);
      change_table(table, [&](Table& changed) {
        for (auto& column : changed.columns) {
          if (column.default_sql) column.default_sql = renamed(*column.default_sql, columns, &column.type);
          if (column.generated_sql) column.generated_sql = renamed(*column.generated_sql, columns, &column.type);
        }
        for (auto& constraint : changed.constraints) constraint.check_sql = renamed(constraint.check_sql, columns, nullptr);
      });
      for (const QualifiedName& name : std::set<QualifiedName>(schema_.indexes_of(table))) {  // put_index() changes the set
        Index index = schema_.indexes().at(name);
        index.where_sql = renamed(index.where_sql, columns, nullptr);
        for (auto& key : index.keys) key.expression = renamed(key.expression, columns, nullptr);
        schema_.put_index(std::move(index));
      }
    }
    // A view's query names the columns of the tables and views it reads; those of the type
    // among them, by name.
    for (const auto& [name, view] : schema_.views()) {
      for (const auto& column : view.columns) {
        if (column.type && holds_type(*column.type)) typed_columns.emplace(name, column.name);
        if (column.type && holds_array(*column.type)) array_columns.emplace(name, column.name);
      }
    }
    for (const auto& [name, view] : std::map<QualifiedName, View>(schema_.views())) {
      std::pair<std::set<std::string>, std::set<std::string>> columns;
      for (const auto& used : view.uses) {
        if (typed_columns.contains(used)) columns.first.insert(used.second);
        if (array_columns.contains(used)) columns.second.insert(used.second);
      }
      View changed = view;
      changed.query = renamed(view.query, columns, nullptr, true);
      // Its columns' defaults, and a materialized view's indexes, as a table's.
      std::pair<std::set<std::string>, std::set<std::string>> own;
      for (auto& column : changed.columns) {
        if (column.type && holds_type(*column.type)) own.first.insert(column.name);
        if (column.type && holds_array(*column.type)) own.second.insert(column.name);
        if (column.default_sql) column.default_sql = renamed(*column.default_sql, {}, column.type ? &*column.type : nullptr);
      }
      for (const QualifiedName& index_name : std::set<QualifiedName>(schema_.indexes_of(name))) {
        Index index = schema_.indexes().at(index_name);
        index.where_sql = renamed(index.where_sql, own, nullptr);
        for (auto& key : index.keys) key.expression = renamed(key.expression, own, nullptr);
        schema_.put_index(std::move(index));
      }
      if (changed.query != view.query || changed.columns != view.columns) schema_.put_view(std::move(changed));
    }
  }

  void operator()(const op::RebuildEnum& o) { schema_.put_enum(o.type); }

  void operator()(const op::CreateSequence& o) { schema_.put_sequence(o.sequence); }
  void operator()(const op::AlterSequence& o) {
    const auto found = schema_.sequences().find(o.name);
    if (found == schema_.sequences().end()) return;
    Sequence sequence = found->second;
    static_cast<SequenceOptions&>(sequence) = o.to;
    schema_.put_sequence(std::move(sequence));
  }
  void operator()(const op::DropSequence& o) { schema_.erase_sequence(o.name); }
  void operator()(const op::SetSequenceOwner& o) {
    const auto found = schema_.sequences().find(o.name);
    if (found == schema_.sequences().end()) return;
    Sequence sequence = found->second;
    sequence.owner = o.to;
    schema_.put_sequence(std::move(sequence));
  }
  void operator()(const op::CreateSchema& o) { schema_.put_schema(o.name, {o.privileges, o.origin}); }
  void operator()(const op::DropSchema& o) { schema_.erase_schema(o.name); }
  void operator()(const op::CreateExtension& o) { schema_.put_extension(o.extension); }
  void operator()(const op::DropExtension& o) { schema_.erase_extension(o.name); }

  void operator()(const op::InsertRows& o) {
    change_table(o.table, [](Table& table) { table.has_rows = true; });
  }
  void operator()(const op::RawSql&) {}
  // A table keeps `has_rows` through a delete: other rows may have come since.
  void operator()(const op::UpdateRows&) {}
  void operator()(const op::DeleteRows&) {}

 private:
  template <typename Map, typename Key, typename Value>
  static Value keeping_comment(const Map& map, const Key& key, Value value, bool replace) {
    if (const auto old = map.find(key); replace && old != map.end()) {
      value.comment = old->second.comment;
      if constexpr (requires { value.privileges; }) value.privileges = old->second.privileges;
      // CREATE OR REPLACE VIEW keeps the columns it keeps (by position), their comments and defaults.
      if constexpr (requires { value.columns[0].comment; old->second.materialized; }) {
        for (std::size_t i = 0; i < value.columns.size() && i < old->second.columns.size(); ++i) {
          value.columns[i].comment = old->second.columns[i].comment;
          value.columns[i].default_sql = old->second.columns[i].default_sql;
        }
      }
    }
    return value;
  }

  // The object `key` names in `map`, changed and put back with `put`; nothing when there is none.
  template <typename Map, typename Key, typename Value, typename Change>
  void change_entry(const Map& map, const Key& key, void (Schema::*put)(Value), Change change) {
    const auto found = map.find(key);
    if (found == map.end()) return;
    Value value = found->second;
    change(value);
    (schema_.*put)(std::move(value));
  }

  template <typename Change>
  void change_table(const QualifiedName& name, Change change) {
    const Table* found = schema_.find_table(name);
    if (found == nullptr) return;
    Table table = *found;
    change(table);
    schema_.put_table(std::move(table));
  }

  template <typename Change>
  void change_domain(const QualifiedName& name, Change change) {
    const auto found = schema_.domains().find(name);
    if (found == schema_.domains().end()) return;
    Domain domain = found->second;
    change(domain);
    schema_.put_domain(std::move(domain));
  }

  template <typename Change>
  void change_composite(const QualifiedName& name, Change change) {
    const auto found = schema_.composites().find(name);
    if (found == schema_.composites().end()) return;
    CompositeType type = found->second;
    change(type);
    schema_.put_composite(std::move(type));
  }

  template <typename Change>
  void change_column(const QualifiedName& table, const std::string& column, Change change) {
    change_table(table, [&](Table& changed) {
      for (auto& candidate : changed.columns) {
        if (candidate.name == column) change(candidate);
      }
    });
  }

  // The views reading a renamed relation name it by its new name, as PostgreSQL prints them.
  void follow_rename(const QualifiedName& from, const QualifiedName& to) {
    for (const View* reader : schema_.views_reading(from)) {
      View view = *reader;
      view.query = query_renaming(view.query, from, to, [&](const QualifiedName& relation, const std::string& name) { return has_column(schema_, relation, name); });
      view.reads.erase(from);
      view.reads.insert(to);
      std::set<std::pair<QualifiedName, std::string>> uses;
      for (const auto& [relation, column] : view.uses) uses.insert({relation == from ? to : relation, column});
      view.uses = std::move(uses);
      schema_.put_view(std::move(view));
    }
  }

  Schema& schema_;
  std::string* unsure_ = nullptr;  // the expression where an enum value rename met a constant it cannot type
};

namespace {
// The length of the name written at `offset` of `text`: `parts` identifiers joined by dots.
std::size_t written_name_length(const std::string& text, std::size_t offset, std::size_t parts) {
  std::size_t at = offset;
  for (std::size_t part = 0; part < parts && at < text.size(); ++part) {
    if (part > 0) {
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
      if (at >= text.size() || text[at] != '.') break;
      ++at;
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    }
    if (at < text.size() && text[at] == '"') {
      for (++at; at < text.size(); ++at) {
        if (text[at] == '"' && (at + 1 >= text.size() || text[at + 1] != '"')) break;
        if (text[at] == '"') ++at;
      }
      ++at;
    } else {
      while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_' || text[at] == '$' ||
                                  static_cast<unsigned char>(text[at]) >= 0x80)) {
        ++at;
      }
    }
  }
  return at - offset;
}

QualifiedName relation_named(const std::vector<std::string>& names) {
  if (names.size() == 2 && names[0] != "public") return {names[0], names[1]};
  return {{}, names.empty() ? std::string() : names.back()};
}
}  // namespace

namespace {
// The FROM item `qualifier` (`t` of `t.c`, `s.t` of `s.t.c`) names in `item`, where it does: an
// alias, or a relation's own name; a join's alias hides what it joins.
const QueryFromItem* item_named_in(const QueryFromItem& item, const std::vector<std::string>& qualifier) {
  const bool named = qualifier.size() == 1 ? item.alias == qualifier[0]
                                           : !item.aliased && !item.with_query && !item.names.empty() && relation_named(item.names) == relation_named(qualifier);
  if (named) return &item;
  if (item.aliased && !item.parts.empty()) return nullptr;
  for (const auto& part : item.parts) {
    if (const QueryFromItem* found = item_named_in(part, qualifier)) return found;
  }
  return nullptr;
}

// What `qualifier` names at a level of a query: as PostgreSQL looks, the nearest level out that
// has an item of that name.
const QueryFromItem* item_named_at(const QueryFacts& facts, std::optional<std::size_t> level, const std::vector<std::string>& qualifier) {
  for (; level; level = facts.scopes[*level].outer) {
    for (const auto& item : facts.scopes[*level].from) {
      if (const QueryFromItem* found = item_named_in(item, qualifier)) return found;
    }
  }
  return nullptr;
}

template <typename Visit>
void each_from_item(const QueryFromItem& item, const Visit& visit) {
  visit(item);
  for (const auto& part : item.parts) each_from_item(part, visit);
}

struct Replacement {
  std::size_t offset;
  std::size_t length;
  std::string text;
  bool operator<(const Replacement& other) const { return offset < other.offset; }
};

// How a view's query follows the rename of relation `from` to `to`: the names to replace, or
// why it cannot (a name the query already gives something else, which PostgreSQL would re-alias).
struct Renaming {
  std::vector<Replacement> replacements;
  std::optional<std::string> conflict;
};

Renaming renaming(const std::string& query, const QualifiedName& from, const QualifiedName& to, const ColumnLookup& has_column) {
  Renaming out;
  const QueryFacts facts = read_query(query);
  if (facts.error) return out;
  // Each name to replace: its offset, its length, and the new name as it is written there (with
  // the schema and the quoting it was written with, so that a rename and its way back give the
  // query back).
  auto& replacements = out.replacements;
  const auto replace = [&](std::size_t offset, std::size_t parts, bool shadowed = false) {
    const std::size_t length = written_name_length(query, offset, parts);
    // The last part's place: past the first parts, the dot and any space around it.
    std::size_t last = offset + (parts > 1 ? written_name_length(query, offset, parts - 1) : 0);
    while (parts > 1 && last < offset + length && (query[last] == '.' || std::isspace(static_cast<unsigned char>(query[last])))) ++last;
    // Quotes the old name did not need were the author's choice, kept; others follow the name.
    const bool chosen = last < query.size() && query[last] == '"' && quote_identifier(from.name) == from.name;
    std::string name = chosen ? quote_identifier_always(to.name) : quote_identifier(to.name);
    // Unqualified, a built-in of the new name would come first (pg_catalog leads the search path).
    if (parts == 1 && shadowed) name = quote_identifier(to.schema.empty() ? std::string("public") : to.schema) + "." + name;
    replacements.push_back({offset, length, query.substr(offset, last - offset) + name});
  };
  const auto is_renamed = [&](const QueryFromItem* item) {
    return item != nullptr && !item->with_query && !item->aliased && !item->names.empty() && relation_named(item->names) == from;
  };
  // The level each name is written at, where the query's scopes know it.
  std::unordered_map<std::size_t, std::size_t> level_of;
  for (std::size_t level = 0; level < facts.scopes.size(); ++level) {
    for (const auto& reference : facts.scopes[level].bare) level_of.emplace(reference.offset, level);
    for (const auto& reference : facts.scopes[level].qualified) level_of.emplace(reference.offset, level);
  }
  std::set<std::string> unaliased;  // how `from` is written where it is read without an alias
  bool unqualified = false;
  for (const auto& relation : facts.relations) {
    if (relation_named(relation.names) != from) continue;
    replace(relation.offset, relation.names.size(), catalog_relation("", to.name) != nullptr);
    if (relation.alias.empty()) unaliased.insert(relation.names.back());
    unqualified = unqualified || relation.names.size() == 1;
  }
  const auto names_from = [&](const std::vector<std::string>& qualifier, std::size_t offset) {
    if (qualifier.empty() || qualifier.size() > 2) return false;
    if (const auto level = level_of.find(offset); level != level_of.end()) return is_renamed(item_named_at(facts, level->second, qualifier));
    return unaliased.contains(qualifier.back()) && relation_named(qualifier) == from;
  };
  // Whether a FROM item has a column of that name: a table's or view's (the renamed one's under
  // either name, before or after the rename), a subquery's, a function's.
  const auto relation_has = [&](const QualifiedName& relation, const std::string& name) {
    return has_column(relation, name) || (relation == from && has_column(to, name));
  };
  const auto item_has_column = [&](const QueryFromItem& item, const std::string& name) {
    if (std::ranges::find(item.renamed, name) != item.renamed.end()) return true;
    if (!item.names.empty() && !item.with_query) return relation_has(relation_named(item.names), name);
    if (std::ranges::find(item.columns, name) != item.columns.end()) return true;
    if (std::ranges::find(item.select_list, name, &QueryColumn::name) != item.select_list.end()) return true;
    return !item.function.empty() && item.columns.empty() && item.alias == name;
  };
  // A name alone is a column where a level it sees (its own, or one around) has one of that name.
  const auto column_at = [&](std::optional<std::size_t> level, const std::string& name) {
    bool found = false;
    for (; level && !found; level = facts.scopes[*level].outer) {
      for (const auto& top : facts.scopes[*level].from) {
        each_from_item(top, [&](const QueryFromItem& item) { found = found || item_has_column(item, name); });
      }
    }
    return found;
  };
  // Where the compiler does not know the level: any table the query reads, any subquery.
  const auto names_column = [&](const std::string& name) {
    if (std::ranges::any_of(facts.relations, [&](const QueryRelation& relation) { return relation_has(relation_named(relation.names), name); })) return true;
    for (std::size_t level = 0; level < facts.scopes.size(); ++level) {
      if (column_at(level, name)) return true;
    }
    return false;
  };
  // ORDER BY, GROUP BY and DISTINCT ON name an output by its name first.
  std::set<std::size_t> output_names;
  std::set<std::string> outputs;
  for (const auto& scope : facts.scopes) {
    output_names.insert(scope.by_output_name.begin(), scope.by_output_name.end());
    for (const auto& expression : scope.expressions) {
      if (expression.clause.empty()) outputs.insert(expression.name);
    }
  }
  bool whole_rows = false;
  std::vector<std::size_t> whole_row_levels;
  for (const auto& column : facts.columns) {
    // `t.c` or `s.t.c` naming the renamed relation by its name; `t` alone, its whole row, where
    // no column has that name.
    const auto level = level_of.find(column.offset);
    const bool is_column = column.names.size() == 1 &&
                           (output_names.contains(column.offset) ||
                            (level != level_of.end() ? column_at(level->second, column.names[0]) : names_column(column.names[0])));
    if (column.names.size() == 1 && !is_column && names_from(column.names, column.offset)) {
      if (level != level_of.end()) whole_row_levels.push_back(level->second);
      whole_rows = true;
      replace(column.offset, 1);
      // The select list's column keeps the name it was made with: the old one, written as
      // PostgreSQL prints it, and taken away again by the rename back.
      Replacement& whole_row = replacements.back();
      const std::string kept_name = " AS " + quote_identifier(to.name);
      if (query.compare(whole_row.offset + whole_row.length, kept_name.size(), kept_name) == 0) {
        whole_row.length += kept_name.size();
      } else if (std::find(facts.bare_targets.begin(), facts.bare_targets.end(), column.offset) != facts.bare_targets.end()) {
        whole_row.text += " AS " + quote_identifier(from.name);
      } else if (const auto cast = std::ranges::find(facts.cast_targets, column.offset, &QueryFacts::CastTarget::column);
                 cast != facts.cast_targets.end()) {
        // `t::text` likewise, its AS after the cast.
        const std::size_t end = select_item_end(query, cast->item);
        if (!cast->named) {
          replacements.push_back({end, 0, " AS " + quote_identifier(from.name)});
        } else if (query.compare(end, kept_name.size(), kept_name) == 0) {
          replacements.push_back({end, kept_name.size(), ""});
        }
      }
      continue;
    }
    if (column.names.size() < 2 || column.names.size() > 3) continue;
    const std::vector<std::string> qualifier(column.names.begin(), column.names.end() - 1);
    if (names_from(qualifier, column.offset)) replace(column.offset, qualifier.size());
  }
  for (const auto& star : facts.starred) {
    if (names_from(star.names, star.offset)) replace(star.offset, star.names.size());
  }
  // The relation's row type, as a cast or a column definition names it; unqualified, a built-in
  // type of the name comes first (pg_catalog leads the search path).
  for (const auto& type : facts.types) {
    if (type.percent_type || relation_named(type.names) != from) continue;
    if (type.names.size() == 1 && !catalog_types(type.names[0]).empty()) continue;
    replace(type.offset, type.names.size(), !catalog_types(to.name).empty());
  }
  // `'t'::regclass`, which PostgreSQL keeps as the relation itself and prints by its name.
  for (const auto& constant : facts.constants) {
    if (constant.cast_dimensions != 0 || constant.cast.empty() || constant.cast.back() != "regclass") continue;
    const auto names = regclass_names(constant.value);
    const std::string written = quote_literal(constant.value);
    if (names.empty() || names.size() > 2 || relation_named(names) != from || query.compare(constant.offset, written.size(), written) != 0) continue;
    const std::string name = (names.size() == 2 ? quote_identifier(names[0]) + "." : std::string()) + quote_identifier(to.name);
    replacements.push_back({constant.offset, written.size(), quote_literal(name)});
  }
  // A name the query gives something else already would now mean two things.
  for (const auto& scope : facts.scopes) {
    for (const auto& top : scope.from) {
      each_from_item(top, [&](const QueryFromItem& item) {
        // The renamed relation under an alias of the new name conflicts with its own unaliased
        // reads only (`from t, t t2`).
        if (out.conflict || unaliased.empty() || is_renamed(&item) || (item.alias != to.name && item.using_alias != to.name)) return;
        out.conflict = fmt::format("its query already names {} `{}`", item.with_query ? "a WITH query" : "a FROM item", to.name);
      });
    }
  }
  if (!out.conflict && unqualified && facts.with_query_names.contains(to.name)) {
    out.conflict = fmt::format("its query already has a WITH query named `{}`", to.name);
  }
  if (!out.conflict && whole_rows &&
      (outputs.contains(to.name) || std::ranges::any_of(whole_row_levels, [&](std::size_t level) { return column_at(level, to.name); }))) {
    out.conflict = fmt::format("it names the table's whole row by its name, and `{}` is a column or an output name there", to.name);
  }
  return out;
}
}  // namespace

std::string query_renaming(const std::string& query, const QualifiedName& from, const QualifiedName& to, const ColumnLookup& has_column) {
  std::vector<Replacement> replacements = renaming(query, from, to, has_column).replacements;
  std::sort(replacements.begin(), replacements.end());
  std::string out;
  std::size_t at = 0;
  for (const auto& replacement : replacements) {
    if (replacement.offset < at) continue;
    out += query.substr(at, replacement.offset - at) + replacement.text;
    at = replacement.offset + replacement.length;
  }
  return out + query.substr(at);
}

std::optional<std::string> renaming_conflict(const std::string& query, const QualifiedName& from, const QualifiedName& to,
                                             const ColumnLookup& has_column) {
  return renaming(query, from, to, has_column).conflict;
}

bool has_column(const Schema& schema, const QualifiedName& relation, const std::string& name) {
  if (const Table* table = schema.find_table(relation)) return table->find_column(name) != nullptr;
  const auto view = schema.views().find(relation);
  return view != schema.views().end() && std::ranges::find(view->second.columns, name, &ViewColumn::name) != view->second.columns.end();
}

std::vector<View> dependent_views(const Schema& schema, const QualifiedName& relation) {
  std::set<QualifiedName> found;
  std::vector<QualifiedName> pending{relation};
  while (!pending.empty()) {
    const QualifiedName name = pending.back();
    pending.pop_back();
    for (const View* view : schema.views_reading(name)) {
      if (found.insert(view->name).second) pending.push_back(view->name);
    }
  }
  std::vector<View> views;
  for (const auto& name : found) views.push_back(schema.views().at(name));
  std::stable_sort(views.begin(), views.end(), [](const View& a, const View& b) { return a.depth < b.depth; });
  return views;
}

bool constraint_uses_column(const Constraint& constraint, const std::string& column) {
  return std::find(constraint.columns.begin(), constraint.columns.end(), column) != constraint.columns.end() ||
         (!constraint.check_sql.empty() && mentions_identifier(constraint.check_sql, column));
}

std::vector<Constraint> checks_using_column(const Table& table, const std::string& column) {
  std::vector<Constraint> checks;
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == ConstraintKind::check && constraint_uses_column(constraint, column)) checks.push_back(constraint);
  }
  return checks;
}

void apply_operation(const Operation& operation, Schema& schema) { std::visit(SchemaMutator(schema), operation); }

void rename_enum_value(const op::RenameEnumValue& rename, Schema& schema, std::string& unsure) { SchemaMutator(schema, &unsure)(rename); }

std::vector<op::SetPrivileges> privilege_changes(const GrantTarget& target, const Privileges& before, const Privileges& after) {
  std::set<std::string> roles;
  for (const auto& [role, _] : before) roles.insert(role);
  for (const auto& [role, _] : after) roles.insert(role);
  std::vector<op::SetPrivileges> changes;
  for (const auto& role : roles) {
    const auto from = before.find(role);
    const auto to = after.find(role);
    RolePrivileges old_privileges = from == before.end() ? RolePrivileges{} : from->second;
    RolePrivileges new_privileges = to == after.end() ? RolePrivileges{} : to->second;
    if (old_privileges != new_privileges) changes.push_back({target, role, std::move(old_privileges), std::move(new_privileges)});
  }
  return changes;
}

}  // namespace migc
