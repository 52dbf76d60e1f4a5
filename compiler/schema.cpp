// The schema model, its one journal of changes, and PostgreSQL's own default-name rules.
#include "compiler/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "dsl/sql_tokens.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

constexpr std::size_t max_identifier_bytes = 63;

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
  // Schemas hold the same few expressions, asked about again and again: each is lexed once.
  static std::unordered_map<std::string, std::vector<std::string>> words_of;
  auto found = words_of.find(std::string(sql));
  if (found == words_of.end()) {
    if (words_of.size() > 100000) words_of.clear();
    found = words_of.emplace(std::string(sql), grammar::sql_words(sql)).first;
  }
  return std::find(found->second.begin(), found->second.end(), identifier) != found->second.end();
}

bool names_a_relation(const Schema& schema, std::string_view sql) {
  const auto named = [&](const auto& relations) {
    return std::any_of(relations.begin(), relations.end(), [&](const auto& relation) { return mentions_identifier(sql, relation.first.name); });
  };
  return named(schema.tables()) || named(schema.views());
}

bool Index::uses_column(const std::string& column) const {
  for (const auto& key : keys) {
    if (key.column == column || (!key.expression.empty() && mentions_identifier(key.expression, column))) return true;
  }
  if (std::find(include.begin(), include.end(), column) != include.end()) return true;
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
    if (column.type.user_defined) {
      auto& tables = tables_by_type_[column.type.name];
      if (delta > 0) {
        tables.insert(table.name);
      } else {
        tables.erase(table.name);
      }
    }
    if (!column.owned_sequence) continue;
    if (delta > 0) {
      owned_sequences_.insert_or_assign(*column.owned_sequence, table.name);
    } else {
      owned_sequences_.erase(*column.owned_sequence);
    }
  }
}

// The value about to be replaced or erased moves into the journal: no copy.
template <typename Key, typename Value>
void Schema::remember(std::map<Key, Value>& map, const Key& key) {
  if (open_savepoints_ == 0) return;
  const auto found = map.find(key);
  journal_.push_back(Previous<Key, Value>{key, found == map.end() ? std::nullopt : std::optional<Value>(std::move(found->second))});
}

Schema::Savepoint Schema::savepoint() {
  ++open_savepoints_;
  return {journal_.size()};
}

void Schema::release(Savepoint savepoint) {
  if (--open_savepoints_ == 0) journal_.clear();
  (void)savepoint;
}

std::map<QualifiedName, const View*> Schema::views_changed_since(Savepoint savepoint) const {
  std::map<QualifiedName, const View*> changed;
  for (std::size_t i = savepoint.position; i < journal_.size(); ++i) {
    // The first change of each holds what it was at the savepoint.
    if (const auto* previous = std::get_if<Previous<QualifiedName, View>>(&journal_[i])) {
      changed.try_emplace(previous->key, previous->value ? &*previous->value : nullptr);
    }
  }
  return changed;
}

void Schema::roll_back(Savepoint savepoint) {
  const std::size_t open = open_savepoints_;
  open_savepoints_ = 0;  // restoring is not itself a change to remember
  while (journal_.size() > savepoint.position) {
    std::visit(
        [&](auto& previous) {
          using Value = typename std::decay_t<decltype(previous.value)>::value_type;
          const auto& key = previous.key;
          if constexpr (std::is_same_v<Value, Table>) {
            previous.value ? put_table(std::move(*previous.value)) : erase_table(key);
          } else if constexpr (std::is_same_v<Value, Index>) {
            previous.value ? put_index(std::move(*previous.value)) : erase_index(key);
          } else if constexpr (std::is_same_v<Value, EnumType>) {
            previous.value ? put_enum(std::move(*previous.value)) : erase_enum(key);
          } else if constexpr (std::is_same_v<Value, Domain>) {
            previous.value ? put_domain(std::move(*previous.value)) : erase_domain(key);
          } else if constexpr (std::is_same_v<Value, CompositeType>) {
            previous.value ? put_composite(std::move(*previous.value)) : erase_composite(key);
          } else if constexpr (std::is_same_v<Value, Sequence>) {
            previous.value ? put_sequence(std::move(*previous.value)) : erase_sequence(key);
          } else if constexpr (std::is_same_v<Value, Extension>) {
            previous.value ? put_extension(std::move(*previous.value)) : erase_extension(key);
          } else if constexpr (std::is_same_v<Value, View>) {
            previous.value ? put_view(std::move(*previous.value)) : erase_view(key);
          } else if constexpr (std::is_same_v<Value, Routine>) {
            previous.value ? put_routine(std::move(*previous.value)) : erase_routine(key);
          } else if constexpr (std::is_same_v<Value, Trigger>) {
            previous.value ? put_trigger(std::move(*previous.value)) : erase_trigger(key);
          } else if constexpr (std::is_same_v<Value, Policy>) {
            previous.value ? put_policy(std::move(*previous.value)) : erase_policy(key);
          } else {
            previous.value ? put_schema(key, std::move(*previous.value)) : erase_schema(key);
          }
        },
        journal_.back());
    journal_.pop_back();
  }
  open_savepoints_ = open - 1;
  if (open_savepoints_ == 0) journal_.clear();
}

void Schema::put_table(Table table) {
  if (const auto old = tables_.find(table.name); old != tables_.end()) index(old->second, -1);
  remember(tables_, table.name);
  tables_.erase(table.name);
  index(table, +1);
  const QualifiedName name = table.name;
  tables_.emplace(name, std::move(table));
}

void Schema::erase_table(const QualifiedName& name) {
  const auto table = tables_.find(name);
  if (table == tables_.end()) return;
  index(table->second, -1);
  remember(tables_, name);
  tables_.erase(table);
}

const std::optional<std::string>* Schema::comment_on(ast::CommentKind kind, const QualifiedName& object, const std::string& member) const {
  using Kind = ast::CommentKind;
  const auto in = [](const auto& map, const auto& key) -> const std::optional<std::string>* {
    const auto found = map.find(key);
    return found == map.end() ? nullptr : &found->second.comment;
  };
  switch (kind) {
    case Kind::table: return in(tables_, object);
    case Kind::column:
    case Kind::constraint: {
      const Table* table = find_table(object);
      if (const auto view = views_.find(object); table == nullptr && kind == Kind::column && view != views_.end()) {
        for (const auto& column : view->second.columns) {
          if (column.name == member) return &column.comment;
        }
        return nullptr;
      }
      if (table == nullptr) return nullptr;
      if (kind == Kind::column) {
        const Column* column = table->find_column(member);
        return column == nullptr ? nullptr : &column->comment;
      }
      for (const auto& constraint : table->constraints) {
        if (constraint.name == member) return &constraint.comment;
      }
      return nullptr;
    }
    case Kind::view:
    case Kind::materialized_view: return in(views_, object);
    case Kind::index: return in(indexes_, object);
    case Kind::sequence: return in(sequences_, object);
    case Kind::domain: return in(domains_, object);
    case Kind::type:
      if (const auto* comment = in(enums_, object)) return comment;
      return in(composites_, object);
    case Kind::function:
    case Kind::procedure: return in(routines_, RoutineKey{object, member});
    case Kind::trigger: return in(triggers_, TriggerKey{object, member});
    case Kind::policy: return in(policies_, PolicyKey{object, member});
  }
  return nullptr;
}

Privileges default_privileges(ast::GrantTargetKind kind) {
  using Kind = ast::GrantTargetKind;
  if (kind == Kind::function || kind == Kind::procedure) return {{"public", {{"EXECUTE", false}}}};
  if (kind == Kind::type || kind == Kind::domain) return {{"public", {{"USAGE", false}}}};
  return {};
}

const Privileges* Schema::privileges_on(const GrantTarget& target) const {
  using Kind = ast::GrantTargetKind;
  switch (target.kind) {
    case Kind::table:
      if (const auto table = tables_.find(target.name); table != tables_.end()) {
        if (target.column.empty()) return &table->second.privileges;
        const Column* column = table->second.find_column(target.column);
        return column == nullptr ? nullptr : &column->privileges;
      }
      if (!target.column.empty()) return nullptr;  // a view's columns: not in the language
      if (const auto view = views_.find(target.name); view != views_.end()) return &view->second.privileges;
      return nullptr;
    case Kind::sequence: {
      if (const auto sequence = sequences_.find(target.name); sequence != sequences_.end()) return &sequence->second.privileges;
      const Column* column = column_of_sequence(target.name).second;
      return column == nullptr || column->identity != Identity::none ? nullptr : &column->owned_sequence_privileges;
    }
    case Kind::function:
    case Kind::procedure: {
      const auto routine = routines_.find(RoutineKey{target.name, target.arguments});
      return routine == routines_.end() || routine->second.procedure != (target.kind == Kind::procedure) ? nullptr
                                                                                                         : &routine->second.privileges;
    }
    case Kind::schema: {
      const auto schema = schemas_.find(target.name.name);
      return schema == schemas_.end() ? nullptr : &schema->second.privileges;
    }
    case Kind::type:
    case Kind::domain:
      if (const auto type = enums_.find(target.name); type != enums_.end()) return &type->second.privileges;
      if (const auto domain = domains_.find(target.name); domain != domains_.end()) return &domain->second.privileges;
      if (const auto type = composites_.find(target.name); type != composites_.end()) return &type->second.privileges;
      return nullptr;
  }
  return nullptr;
}

const Table* Schema::find_table(const QualifiedName& name) const {
  const auto table = tables_.find(name);
  return table == tables_.end() ? nullptr : &table->second;
}

const std::set<QualifiedName>& Schema::referencing(const QualifiedName& table) const {
  static const std::set<QualifiedName> none;
  const auto found = referencing_.find(table);
  return found == referencing_.end() ? none : found->second;
}

std::vector<std::pair<QualifiedName, std::string>> Schema::columns_of_type(const QualifiedName& type) const {
  std::vector<std::pair<QualifiedName, std::string>> columns;
  const auto tables = tables_by_type_.find(type);
  if (tables == tables_by_type_.end()) return columns;
  for (const auto& name : tables->second) {
    for (const auto& column : tables_.at(name).columns) {
      if (column.type.user_defined && column.type.name == type) columns.emplace_back(name, column.name);
    }
  }
  return columns;
}

std::optional<std::pair<QualifiedName, std::string>> Schema::column_holding_domain_in_container(const QualifiedName& domain) const {
  for (const auto& [table, column] : columns_of_type(domain)) {
    if (tables_.at(table).find_column(column)->type.array_dimensions > 0) return std::pair(table, column);
  }
  for (const auto& [name, type] : composites_) {
    for (const auto& attribute : type.attributes) {
      if (!attribute.type.user_defined || attribute.type.name != domain) continue;
      if (const auto users = columns_of_type(name); !users.empty()) return users.front();
    }
  }
  for (const auto& [name, other] : domains_) {
    if (!other.type.user_defined || other.type.name != domain || name == domain) continue;
    if (other.type.array_dimensions > 0) {
      if (const auto users = columns_of_type(name); !users.empty()) return users.front();
    } else if (auto held = column_holding_domain_in_container(name)) {
      return held;
    }
  }
  return std::nullopt;
}

void Schema::put_index(Index index) {
  if (const auto old = indexes_.find(index.name); old != indexes_.end()) indexes_by_table_[old->second.table].erase(old->first);
  remember(indexes_, index.name);
  indexes_.erase(index.name);
  indexes_by_table_[index.table].insert(index.name);
  const QualifiedName name = index.name;
  indexes_.emplace(name, std::move(index));
}

void Schema::erase_index(const QualifiedName& name) {
  const auto index = indexes_.find(name);
  if (index == indexes_.end()) return;
  indexes_by_table_[index->second.table].erase(name);
  remember(indexes_, name);
  indexes_.erase(index);
}

void Schema::put_enum(EnumType type) {
  remember(enums_, type.name);
  const QualifiedName name = type.name;
  enums_.insert_or_assign(name, std::move(type));
}

void Schema::erase_enum(const QualifiedName& name) {
  remember(enums_, name);
  enums_.erase(name);
}

void Schema::put_domain(Domain domain) {
  remember(domains_, domain.name);
  const QualifiedName name = domain.name;
  domains_.insert_or_assign(name, std::move(domain));
}

void Schema::erase_domain(const QualifiedName& name) {
  remember(domains_, name);
  domains_.erase(name);
}

void Schema::put_composite(CompositeType type) {
  remember(composites_, type.name);
  const QualifiedName name = type.name;
  composites_.insert_or_assign(name, std::move(type));
}

void Schema::erase_composite(const QualifiedName& name) {
  remember(composites_, name);
  composites_.erase(name);
}

void Schema::put_sequence(Sequence sequence) {
  remember(sequences_, sequence.name);
  const QualifiedName name = sequence.name;
  sequences_.insert_or_assign(name, std::move(sequence));
}

void Schema::erase_sequence(const QualifiedName& name) {
  remember(sequences_, name);
  sequences_.erase(name);
}

void Schema::put_extension(Extension extension) {
  remember(extensions_, extension.name);
  const std::string name = extension.name;
  extensions_.insert_or_assign(name, std::move(extension));
}

void Schema::erase_extension(const std::string& name) {
  remember(extensions_, name);
  extensions_.erase(name);
}

void Schema::put_schema(const std::string& name, ChainSchema schema) {
  remember(schemas_, name);
  schemas_.insert_or_assign(name, std::move(schema));
}

void Schema::erase_schema(const std::string& name) {
  remember(schemas_, name);
  schemas_.erase(name);
}

const std::set<QualifiedName>& Schema::indexes_of(const QualifiedName& table) const {
  static const std::set<QualifiedName> none;
  const auto found = indexes_by_table_.find(table);
  return found == indexes_by_table_.end() ? none : found->second;
}

void Schema::put_view(View view) {
  remember(views_, view.name);
  const QualifiedName name = view.name;
  views_.insert_or_assign(name, std::move(view));
}

void Schema::erase_view(const QualifiedName& name) {
  remember(views_, name);
  views_.erase(name);
}

void Schema::put_routine(Routine routine) {
  remember(routines_, routine.key);
  const RoutineKey key = routine.key;
  routines_.insert_or_assign(key, std::move(routine));
}

void Schema::erase_routine(const RoutineKey& key) {
  remember(routines_, key);
  routines_.erase(key);
}

void Schema::put_trigger(Trigger trigger) {
  remember(triggers_, trigger.key);
  const TriggerKey key = trigger.key;
  triggers_.insert_or_assign(key, std::move(trigger));
}

void Schema::erase_trigger(const TriggerKey& key) {
  remember(triggers_, key);
  triggers_.erase(key);
}

void Schema::put_policy(Policy policy) {
  remember(policies_, policy.key);
  const TriggerKey key = policy.key;
  policies_.insert_or_assign(key, std::move(policy));
}

void Schema::erase_policy(const TriggerKey& key) {
  remember(policies_, key);
  policies_.erase(key);
}

std::vector<const Policy*> Schema::policies_on(const QualifiedName& table) const {
  std::vector<const Policy*> found;
  for (auto it = policies_.lower_bound({table, ""}); it != policies_.end() && it->first.table == table; ++it) found.push_back(&it->second);
  return found;
}

std::vector<const Trigger*> Schema::triggers_on(const QualifiedName& table) const {
  std::vector<const Trigger*> found;
  for (auto it = triggers_.lower_bound({table, ""}); it != triggers_.end() && it->first.table == table; ++it) found.push_back(&it->second);
  return found;
}

std::vector<const Trigger*> Schema::triggers_calling(const RoutineKey& routine) const {
  std::vector<const Trigger*> found;
  for (const auto& [_, trigger] : triggers_) {
    if (trigger.function == routine) found.push_back(&trigger);
  }
  return found;
}

std::vector<const View*> Schema::views_reading(const QualifiedName& relation) const {
  std::vector<const View*> found;
  for (const auto& [_, view] : views_) {
    if (view.reads.contains(relation)) found.push_back(&view);
  }
  return found;
}

const char* Schema::relation_kind(const QualifiedName& name) const {
  if (tables_.contains(name)) return "table";
  if (const auto view = views_.find(name); view != views_.end()) return view->second.materialized ? "materialized view" : "view";
  if (indexes_.contains(name)) return "index";
  if (sequences_.contains(name) || owned_sequences_.contains(name)) return "sequence";
  if (constraint_indexes_.contains(name)) return "index";
  if (composites_.contains(name)) return "composite type";  // a relation of kind c in the catalog
  return nullptr;
}

bool Schema::constraint_name_taken(const QualifiedName& name) const { return constraint_names_.contains(name); }

std::pair<const Table*, const Column*> Schema::column_of_sequence(const QualifiedName& sequence) const {
  const auto owner = owned_sequences_.find(sequence);
  if (owner == owned_sequences_.end()) return {nullptr, nullptr};
  const Table* table = find_table(owner->second);
  if (table == nullptr) return {nullptr, nullptr};
  for (const auto& column : table->columns) {
    if (column.owned_sequence == sequence) return {table, &column};
  }
  return {nullptr, nullptr};
}

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

std::string choose_constraint_name(const Schema& schema, const Table& table, const Constraint& constraint,
                                   const std::set<QualifiedName>& statement_relations) {
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
    return schema.constraint_name_taken(key) || (needs_relation_name && (schema.relation_kind(key) || statement_relations.contains(key)));
  };
  const std::string& table_name = table.name.name;
  std::string candidate = make_object_name(table_name, addition, label);
  for (int pass = 1; taken(candidate); ++pass) {
    candidate = make_object_name(table_name, addition, label + std::to_string(pass));
  }
  return candidate;
}

std::string choose_index_name(const Schema& schema, const QualifiedName& table, const std::vector<std::string>& column_names) {
  // ChooseIndexColumnNames(): a name met before takes the first number that makes it new.
  std::vector<std::string> unique_names;
  for (const auto& original : column_names) {
    std::string name = original;
    for (int pass = 1; std::find(unique_names.begin(), unique_names.end(), name) != unique_names.end(); ++pass) {
      const std::string number = std::to_string(pass);
      name = clip_utf8(original, max_identifier_bytes - number.size()) + number;
    }
    unique_names.push_back(std::move(name));
  }
  // ChooseIndexNameAddition(): joined with `_`, up to the first past NAMEDATALEN bytes.
  std::string addition;
  for (const auto& name : unique_names) {
    if (!addition.empty()) addition += '_';
    addition += name;
    if (addition.size() > max_identifier_bytes) break;
  }
  std::string candidate = make_object_name(table.name, addition, "idx");
  for (int pass = 1; schema.relation_kind(beside(table, candidate)); ++pass) {
    candidate = make_object_name(table.name, addition, "idx" + std::to_string(pass));
  }
  return candidate;
}

std::int64_t sequence_type_min(const std::string& type) {
  return type == "smallint" ? INT16_MIN : type == "integer" ? INT32_MIN : INT64_MIN;
}

std::int64_t sequence_type_max(const std::string& type) {
  return type == "smallint" ? INT16_MAX : type == "integer" ? INT32_MAX : INT64_MAX;
}

std::int64_t default_sequence_min(const std::string& type, std::int64_t increment) {
  return increment < 0 ? sequence_type_min(type) : 1;
}

std::int64_t default_sequence_max(const std::string& type, std::int64_t increment) {
  return increment > 0 ? sequence_type_max(type) : -1;
}

SequenceOptions default_sequence_options(const std::string& type) {
  SequenceOptions options;
  options.type = type;
  options.max = sequence_type_max(type);
  return options;
}

SequenceOptions retyped(SequenceOptions options, const std::string& type) {
  if (options.max == sequence_type_max(options.type)) options.max = sequence_type_max(type);
  if (options.min == sequence_type_min(options.type)) options.min = sequence_type_min(type);
  options.type = type;
  return options;
}

}  // namespace migc
