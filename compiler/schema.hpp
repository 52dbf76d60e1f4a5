// The schema as the compiler sees it at one point of the chain: the model every phase reads,
// and PostgreSQL's rules for the names it chooses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <string>
#include <vector>

#include "diagnostics/source.hpp"
#include "dsl/ast.hpp"

namespace migc {

// Where an object was defined: the revision, and the place in its file.
struct Origin {
  std::string revision;
  Location where;
};

struct ColumnType {
  // A built-in type's canonical name ("character varying", "timestamp without time zone"), in
  // no schema; or the name of an enum, a domain or a composite type.
  QualifiedName name;
  std::vector<std::int32_t> modifiers;
  std::uint32_t array_dimensions = 0;
  bool user_defined = false;

  std::string sql() const;  // as PostgreSQL's format_type() prints it
  // Whether this is the built-in type of that canonical name.
  bool is(std::string_view builtin) const { return !user_defined && name.name == builtin; }
  bool operator==(const ColumnType&) const = default;
};

// A sequence's options as pg_sequence holds them: every one resolved, PostgreSQL's defaults
// included, so that two sequences compare equal exactly when the server would show them so.
struct SequenceOptions {
  std::string type = "bigint";  // smallint, integer or bigint
  std::int64_t increment = 1;
  std::int64_t min = 1;
  std::int64_t max = INT64_MAX;
  std::int64_t start = 1;
  std::int64_t cache = 1;
  bool cycle = false;

  bool operator==(const SequenceOptions&) const = default;
};

// The bounds of a sequence's type, and PostgreSQL's default bounds for a sequence of it that
// counts by `increment`: [1, type's max] going up, [type's min, -1] going down.
std::int64_t sequence_type_min(const std::string& type);
std::int64_t sequence_type_max(const std::string& type);
std::int64_t default_sequence_min(const std::string& type, std::int64_t increment);
std::int64_t default_sequence_max(const std::string& type, std::int64_t increment);
// A new sequence of `type` with PostgreSQL's defaults.
SequenceOptions default_sequence_options(const std::string& type);
// `options` given another type, as ALTER SEQUENCE ... AS does (and ALTER COLUMN ... TYPE on an
// identity column): a bound that was the old type's own becomes the new type's own; one chosen
// by the author stays, and may then be out of the new type's range.
SequenceOptions retyped(SequenceOptions options, const std::string& type);

using Identity = ast::Identity;

// What roles may do with an object besides its owner: role ("public" for every role) →
// privilege, as GRANT spells it ("SELECT") → whether the role may grant it on. A new object has
// its kind's default (every role may execute a function), as PostgreSQL's acldefault() gives it.
using RolePrivileges = std::map<std::string, bool>;
using Privileges = std::map<std::string, RolePrivileges>;
Privileges default_privileges(ast::GrantTargetKind kind);

// A schema the chain makes, beside `public` (which always exists): only its owner may use it
// until a grant says otherwise.
struct ChainSchema {
  Privileges privileges;
  Origin origin;
};

struct Column {
  std::string name;
  ColumnType type;
  bool not_null = false;
  std::optional<std::string> default_sql;
  std::optional<QualifiedName> owned_sequence;  // serial and identity columns: the sequence PostgreSQL creates for them
  // Its options. An identity's sequence changes type with its column; a serial's keeps the type it
  // was created with (serial: integer) when the column is widened, as in PostgreSQL. A serial's
  // other options are PostgreSQL's defaults: the language cannot change them.
  SequenceOptions owned_sequence_options;
  Privileges owned_sequence_privileges;  // a serial's sequence's (an identity's take none)
  Identity identity = Identity::none;
  std::optional<std::string> comment;
  // A stored generated column's expression, in its parentheses: PostgreSQL computes the column
  // from the other columns of its row, and it has no default.
  std::optional<std::string> generated_sql;
  // `collate`: none for the type's own (PostgreSQL's default collation for a string type).
  std::optional<QualifiedName> collation;
  // Privileges on the column alone (`grant select (c) on t`), beside those on its table.
  Privileges privileges;
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
  // `on delete set null (c, ...)` / `set default (c, ...)`: the columns it sets (all where empty).
  std::vector<std::string> on_delete_columns;
  std::string check_sql;  // for check constraints: the expression, in its parentheses
  bool not_valid = false;
  bool nulls_not_distinct = false;  // unique: one NULL at most, as for any other value
  // Unique, primary key and foreign key constraints only: PostgreSQL checks a check at once.
  bool deferrable = false;
  bool initially_deferred = false;
  std::optional<std::string> comment;
};

struct Table {
  QualifiedName name;
  std::vector<Column> columns;
  std::vector<Constraint> constraints;
  Origin origin;
  bool has_rows = false;  // some revision inserted rows (raw SQL is not looked into)
  std::optional<std::string> comment;
  bool row_security = false;        // `enable row level security`: its policies filter rows
  bool force_row_security = false;  // and its owner's too
  bool unlogged = false;            // not written to the WAL: emptied by a crash, not replicated
  Privileges privileges;

  const Column* find_column(const std::string& column) const;
  const Constraint* primary_key() const;
};

struct IndexKey {
  std::string column;      // a column, or
  std::string expression;  // an expression, in its parentheses
  std::optional<QualifiedName> collation;  // none: its column's, or its type's
  std::string operator_class;  // empty: the method's default for the key's type
  bool descending = false;
  // NULLS FIRST of an ascending key, NULLS LAST of a descending one: not the default order.
  bool nulls_reversed = false;
};

struct Index {
  QualifiedName name;  // in its table's schema
  QualifiedName table;
  bool unique = false;
  std::string method = "btree";
  std::vector<IndexKey> keys;
  std::vector<std::string> include;  // columns stored in the index without being keys
  bool nulls_not_distinct = false;
  std::string where_sql;  // a partial index's predicate, in its parentheses
  std::optional<std::string> comment;
  Origin origin;

  bool uses_column(const std::string& column) const;
};

struct EnumType {
  QualifiedName name;
  std::vector<std::string> values;
  std::optional<std::string> comment;
  Origin origin;
  Privileges privileges = default_privileges(ast::GrantTargetKind::type);
};

// A domain's check, about `value`; the expression in its parentheses.
struct DomainConstraint {
  std::string name;
  std::string check_sql;
  bool not_valid = false;  // added `not valid`: values stored before it are not checked
  bool operator==(const DomainConstraint&) const = default;
};

struct Domain {
  QualifiedName name;
  ColumnType type;
  std::optional<std::string> default_sql;
  // `collate`: none for its type's own.
  std::optional<QualifiedName> collation;
  bool not_null = false;
  std::vector<DomainConstraint> constraints;
  std::optional<std::string> comment;
  Origin origin;
  Privileges privileges = default_privileges(ast::GrantTargetKind::type);
};

struct Attribute {
  std::string name;
  ColumnType type;
  bool operator==(const Attribute&) const = default;
};

struct CompositeType {
  QualifiedName name;
  std::vector<Attribute> attributes;
  std::optional<std::string> comment;
  Origin origin;
  Privileges privileges = default_privileges(ast::GrantTargetKind::type);
};

// The column a sequence belongs to (`owned by`): it goes when the column or its table does.
struct SequenceOwner {
  QualifiedName table;
  std::string column;
  friend auto operator<=>(const SequenceOwner&, const SequenceOwner&) = default;
};

struct Sequence : SequenceOptions {
  QualifiedName name;
  std::optional<SequenceOwner> owner;
  std::optional<std::string> comment;
  Privileges privileges;
  Origin origin;
};

struct Extension {
  std::string name;
  Origin origin;
};

// A view's column: its name, and its type where the compiler knows it (a column it shows as is).
struct ViewColumn {
  std::string name;
  std::optional<ColumnType> type;
  std::optional<std::string> comment = {};
  std::optional<std::string> default_sql = {};  // what an insert through the view gives it
  bool operator==(const ViewColumn&) const = default;
};

// A view or materialized view. PostgreSQL keeps its query as a tree bound to the objects it
// reads: they cannot be dropped or retyped under it, and a rename of one it reads is followed
// (`query` is rewritten to the new name, as PostgreSQL would print it).
struct View {
  QualifiedName name;
  bool materialized = false;
  std::vector<std::string> column_names;  // as written after its name; empty: its query's
  std::string query;
  bool with_data = true;
  // Its options as PostgreSQL stores them (`security_barrier=true`, `check_option=local`), by name.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<ViewColumn> columns;
  bool columns_known = true;  // false: some come from where the compiler cannot see (a function, a WITH query)
  std::set<QualifiedName> reads;                          // the tables and views it names
  std::set<std::pair<QualifiedName, std::string>> uses;  // the columns of those it depends on
  std::uint32_t depth = 0;  // 0: it reads tables only; else 1 + the deepest view it reads
  std::optional<std::string> comment;
  Privileges privileges;
  Origin origin;
};

// A function or procedure. PostgreSQL tells overloads apart by the types of their arguments.
struct RoutineKey {
  QualifiedName name;
  std::string arguments;  // the identity argument types as format_type() prints them, ", " between
  friend auto operator<=>(const RoutineKey&, const RoutineKey&) = default;
};
inline std::string to_string(const RoutineKey& key) { return to_string(key.name) + "(" + key.arguments + ")"; }

// What `grant` and `revoke` change the privileges of: a table (or view, or materialized view),
// sequence, schema, function or procedure (`arguments`: its identity arguments, as
// RoutineKey's), or type (an enum, a domain or a composite type; never `domain`, which only
// narrows what `grant ... on domain` may name); or a table's column.
struct GrantTarget {
  ast::GrantTargetKind kind = ast::GrantTargetKind::table;
  QualifiedName name;
  std::string arguments;
  std::string column = {};  // a table's column, for privileges on it alone
  friend auto operator<=>(const GrantTarget&, const GrantTarget&) = default;
};

struct Routine {
  RoutineKey key;
  bool procedure = false;
  std::string definition;  // as written after its name: arguments, `returns`, language, body...
  std::string returns;     // as format_type() prints it, `setof` first; empty for a procedure
  std::string language;
  std::string volatility;
  std::string body;  // the text of its AS clause, however quoted
  std::vector<std::string> argument_names;  // of its identity arguments, "" where unnamed
  bool reads_row_types = false;  // a table's row type is among its argument or result types
  std::set<QualifiedName> row_types;  // those tables (or views), where the compiler knows them
  bool reads_view_row_types = false;  // a view's: it is made after the views
  // An SQL-standard body (`begin atomic`) naming tables or views: PostgreSQL binds it to them
  // when it makes the routine, which must then come after them.
  bool standard_body = false;
  bool written_standard = false;  // its body is SQL-standard (`return ...`, `begin atomic`), naming relations or not
  std::set<QualifiedName> types;      // the chain's enums, domains and composite types it names
  std::size_t defaults = 0;           // how many of its arguments have a default
  bool variadic = false;              // its last input argument is VARIADIC
  std::string outputs;                // its OUT and TABLE arguments, names and types
  std::optional<std::string> comment;
  Privileges privileges = default_privileges(ast::GrantTargetKind::function);
  Origin origin;
};

// A trigger, known by its name and its table. Its definition is kept as written around the
// table's name, so that a rename of the table is followed as PostgreSQL follows it.
struct TriggerKey {
  QualifiedName table;
  std::string name;
  friend auto operator<=>(const TriggerKey&, const TriggerKey&) = default;
};
struct Trigger {
  TriggerKey key;
  std::string before_table;  // `before update of a on`
  std::string after_table;   // `for each row execute function touch()`
  RoutineKey function;
  std::set<std::string> columns;  // the table's columns it names (`update of`, `when`)
  bool enabled = true;
  std::optional<std::string> comment;
  Origin origin;
};

// A row level security policy, known by its name and its table; its definition is kept as
// written after the table's name.
using PolicyKey = TriggerKey;  // its table and its name, as a trigger's
struct Policy {
  PolicyKey key;
  std::string definition;
  std::set<std::string> columns;  // the table's columns its expressions name
  std::optional<std::string> comment;
  Origin origin;
};

class SchemaMutator;

// The schema's objects by name. Read freely; only apply_operation() (compiler/operations.hpp) writes, so
// that every change is an operation and the lookups below (which make name lookups O(1) where
// a chain of 10,000 tables would otherwise be scanned for every statement) stay current.
class Schema {
 public:
  const std::map<QualifiedName, Table>& tables() const { return tables_; }
  const std::map<QualifiedName, Index>& indexes() const { return indexes_; }
  const std::map<QualifiedName, EnumType>& enums() const { return enums_; }
  const std::map<QualifiedName, Domain>& domains() const { return domains_; }
  const std::map<QualifiedName, CompositeType>& composites() const { return composites_; }
  const std::map<QualifiedName, Sequence>& sequences() const { return sequences_; }
  const std::map<std::string, Extension>& extensions() const { return extensions_; }
  const std::map<std::string, ChainSchema>& schemas() const { return schemas_; }
  const std::map<QualifiedName, View>& views() const { return views_; }
  const std::map<RoutineKey, Routine>& routines() const { return routines_; }
  const std::map<TriggerKey, Trigger>& triggers() const { return triggers_; }
  const std::map<TriggerKey, Policy>& policies() const { return policies_; }
  std::vector<const Policy*> policies_on(const QualifiedName& table) const;
  std::vector<const Trigger*> triggers_on(const QualifiedName& table) const;
  std::vector<const Trigger*> triggers_calling(const RoutineKey& routine) const;
  // The views that read `relation` (a table or a view), directly.
  std::vector<const View*> views_reading(const QualifiedName& relation) const;

  const Table* find_table(const QualifiedName& name) const;
  // The comment on an object as `comment on` names it (op::Comment: `member` is a column's,
  // constraint's, trigger's or policy's name, or a routine's identity arguments); null when
  // there is no such object.
  const std::optional<std::string>* comment_on(ast::CommentKind kind, const QualifiedName& object, const std::string& member) const;
  // The privileges on what `grant` names so (a table's kind covers views), or null.
  const Privileges* privileges_on(const GrantTarget& target) const;
  // The names of the indexes on `table` (not those behind its constraints).
  const std::set<QualifiedName>& indexes_of(const QualifiedName& table) const;
  // The tables whose foreign keys reference `table` (itself excluded).
  const std::set<QualifiedName>& referencing(const QualifiedName& table) const;
  // The (table, column) pairs whose column has the user-defined type `type` (an enum, a domain,
  // a composite type), or an array of it.
  std::vector<std::pair<QualifiedName, std::string>> columns_of_type(const QualifiedName& type) const;
  // A (table, column) whose values hold values of `domain` inside an array or a composite type
  // (through other domains too): PostgreSQL cannot check those against a new constraint of the
  // domain, so it refuses to add one, or `not null`, while such a column exists.
  std::optional<std::pair<QualifiedName, std::string>> column_holding_domain_in_container(const QualifiedName& domain) const;

  // Relations share one namespace per schema in PostgreSQL: tables, indexes, sequences, the
  // indexes behind primary key and unique constraints, and composite types. Returns what holds `name`, or null.
  const char* relation_kind(const QualifiedName& name) const;
  // The serial or identity column whose sequence `sequence` is, with its table; nulls for none.
  std::pair<const Table*, const Column*> column_of_sequence(const QualifiedName& sequence) const;
  // Constraint names are chosen per schema, as PostgreSQL chooses them: `name` is the
  // constraint's name in its table's schema.
  bool constraint_name_taken(const QualifiedName& name) const;

  // Changes made after a savepoint can be rolled back, at the cost of the objects they touch
  // rather than of a copy of the schema: the down proof applies a revision's down and takes it
  // back. Savepoints nest; release() keeps the changes.
  struct Savepoint {
    std::size_t position;
  };
  Savepoint savepoint();
  void roll_back(Savepoint savepoint);
  void release(Savepoint savepoint);
  // The views changed since `savepoint` (which is still open), each as it was then: none where
  // it did not exist. Valid until the next change.
  std::map<QualifiedName, const View*> views_changed_since(Savepoint savepoint) const;

 private:
  friend class SchemaMutator;

  void put_table(Table table);
  void erase_table(const QualifiedName& name);
  void put_index(Index index);
  void erase_index(const QualifiedName& name);
  void put_enum(EnumType type);
  void erase_enum(const QualifiedName& name);
  void put_domain(Domain domain);
  void erase_domain(const QualifiedName& name);
  void put_composite(CompositeType type);
  void erase_composite(const QualifiedName& name);
  void put_sequence(Sequence sequence);
  void erase_sequence(const QualifiedName& name);
  void put_extension(Extension extension);
  void erase_extension(const std::string& name);
  void put_schema(const std::string& name, ChainSchema schema);
  void erase_schema(const std::string& name);
  void put_view(View view);
  void erase_view(const QualifiedName& name);
  void put_routine(Routine routine);
  void erase_routine(const RoutineKey& key);
  void put_trigger(Trigger trigger);
  void erase_trigger(const TriggerKey& key);
  void put_policy(Policy policy);
  void erase_policy(const TriggerKey& key);

  // The object a name held before a change: restored as it was on roll back.
  template <typename Key, typename Value>
  struct Previous {
    Key key;
    std::optional<Value> value;
  };
  using JournalEntry = std::variant<Previous<QualifiedName, Table>, Previous<QualifiedName, Index>,
                                    Previous<QualifiedName, EnumType>, Previous<QualifiedName, Domain>,
                                    Previous<QualifiedName, CompositeType>, Previous<QualifiedName, Sequence>,
                                    Previous<std::string, Extension>, Previous<std::string, ChainSchema>,
                                    Previous<QualifiedName, View>, Previous<RoutineKey, Routine>,
                                    Previous<TriggerKey, Trigger>, Previous<TriggerKey, Policy>>;
  template <typename Key, typename Value>
  void remember(std::map<Key, Value>& map, const Key& key);

  void index(const Table& table, int delta);

  std::map<QualifiedName, Table> tables_;
  std::map<QualifiedName, Index> indexes_;
  std::map<QualifiedName, EnumType> enums_;
  std::map<QualifiedName, Domain> domains_;
  std::map<QualifiedName, CompositeType> composites_;
  std::map<QualifiedName, Sequence> sequences_;
  std::map<std::string, Extension> extensions_;
  std::map<std::string, ChainSchema> schemas_;
  std::map<QualifiedName, View> views_;
  std::map<RoutineKey, Routine> routines_;
  std::map<TriggerKey, Trigger> triggers_;
  std::map<TriggerKey, Policy> policies_;

  std::vector<JournalEntry> journal_;
  std::size_t open_savepoints_ = 0;

  using NameSet = std::unordered_set<QualifiedName, QualifiedNameHash>;
  template <typename Value>
  using NameMap = std::unordered_map<QualifiedName, Value, QualifiedNameHash>;

  NameMap<int> constraint_names_;  // constraint name -> tables using it
  NameSet constraint_indexes_;     // names of primary key and unique indexes
  NameMap<QualifiedName> owned_sequences_;  // of serial and identity columns, to their tables
  NameMap<std::set<QualifiedName>> referencing_;
  NameMap<std::set<QualifiedName>> indexes_by_table_;
  NameMap<std::set<QualifiedName>> tables_by_type_;  // user-defined type -> tables with a column of it
};

// Whether SQL text names `identifier` (outside strings and comments), by PostgreSQL's lexer.
bool mentions_identifier(std::string_view sql, const std::string& identifier);
// Whether `sql` names one of the schema's tables or views (by its name's last part).
bool names_a_relation(const Schema& schema, std::string_view sql);
// Whether a constraint is on `column`, or its check names it: PostgreSQL drops it with the column.
bool constraint_uses_column(const Constraint& constraint, const std::string& column);
// The table's check constraints whose expressions name `column`.
std::vector<Constraint> checks_using_column(const Table& table, const std::string& column);

// PostgreSQL's makeObjectName(): "name1_name2_label", shortened to fit 63 bytes the way the server does.
std::string make_object_name(const std::string& name1, const std::string& name2, const std::string& label);
// PostgreSQL's ChooseRelationName()/ChooseConstraintName(): the first of name, name1, name2... not taken.
// `statement_relations`: relations the same statement makes first (an identity's sequence),
// which PostgreSQL's choice avoids too.
std::string choose_constraint_name(const Schema& schema, const Table& table, const Constraint& constraint,
                                   const std::set<QualifiedName>& statement_relations = {});
// The name PostgreSQL gives an index created without one (ChooseIndexName()): its table's name,
// its columns' names (keys, then included columns; "expr" or what PostgreSQL makes of an
// expression), and "idx", made unique among the relations of the table's schema.
std::string choose_index_name(const Schema& schema, const QualifiedName& table, const std::vector<std::string>& column_names);
// The name of an index or sequence beside `table`: in its schema.
inline QualifiedName beside(const QualifiedName& table, std::string name) { return {table.schema, std::move(name)}; }

}  // namespace migc
