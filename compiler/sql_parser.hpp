// PostgreSQL's own parser (libpg_query) over the SQL a revision holds: the fragments inside the
// language's statements and the raw `execute` steps. Build time only: the migrator never links it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

// What PostgreSQL's parser said, and where: a byte offset into the text given to it.
struct SqlError {
  std::size_t offset = 0;
  std::string message;
  bool too_deep = false;  // it parses, but nests past most_expression_nesting
};

// Below where PostgreSQL's stack runs out at its default max_stack_depth (4,200 nested calls or
// `+`, 2,200 nested scalar subqueries), counted as expression_nesting counts.
constexpr std::size_t most_expression_nesting = 4000;

// What PostgreSQL's parser makes of one SQL expression, as a default, a check or an index
// element is: an error where it is not exactly one (a syntax error, two expressions, a
// statement, however its quotes and comments lie).
// A name an expression uses (as PostgreSQL folded it, the schema first when qualified), and its
// byte offset in the expression.
struct SqlNameReference {
  std::vector<std::string> names;
  std::size_t offset = 0;
  bool in_subquery = false;  // a function called inside a subquery, not by the expression itself
};
// A column an expression names: `name`, or `table.name` (names as PostgreSQL folded them), and
// its byte offset in the expression.
struct SqlColumnReference {
  std::vector<std::string> names;
  std::size_t offset = 0;
};
// A string constant PostgreSQL reads with a type's input function: one cast to a type
// (`'...'::timestamptz`, `timestamptz '...'`, `'{1}'::int[]`; its modifiers aside, which an
// explicit cast applies by cutting), or, in a view's query, compared with a column (`c = '...'`,
// `c in ('a', 'b')`, `c between '...' and '...'`), which reads it as the column's type.
struct QueryConstant {
  std::string value;
  std::size_t offset = 0;              // where it is written
  std::vector<std::string> cast;       // the type it is cast to,
  std::size_t cast_dimensions = 0;     // an array of it, or
  SqlColumnReference column;           // the column it is compared with
  std::string comparison;              // by this operator
};
struct ExpressionFacts {
  std::optional<SqlError> error;
  bool references_columns = false;
  std::vector<SqlNameReference> functions;  // called by name, `lower(x)`, `pg_catalog.now()`
  std::vector<SqlNameReference> types;      // cast to, other than by SQL's own type names (`::int` is pg_catalog.int4)
  // Named in the text of `nextval('...')`, `currval` or `setval`, as PostgreSQL reads a regclass.
  std::vector<SqlNameReference> sequences;
  // `current_timestamp`, `current_user`, ...: SQL's value functions, stable and never immutable.
  std::optional<std::size_t> value_function;
  std::optional<std::size_t> subquery;  // the first `(select ...)`, `exists (...)`, `in (select ...)`
  bool has_default = false;       // `default` is written in it
  bool is_default = false;        // it is `default` alone (or parenthesized)
  // Outside any subquery: the first call with `over (...)`, `filter (...)` or `within group`, the
  // first `grouping(...)`, the first `$1`, which a stored expression cannot hold.
  std::optional<std::size_t> window_call;
  std::optional<std::size_t> aggregate_call;
  std::optional<std::size_t> grouping;
  std::optional<std::size_t> parameter;
  std::vector<std::string> fields;  // selected from a composite value: `(home).street` gives street
  std::vector<QueryConstant> constants;  // string constants cast to a type, outside subqueries
  std::size_t nesting = 0;              // how many levels deep its operators and calls nest
};
ExpressionFacts read_expression(std::string_view text);
// The sequences the statements of `sql` name in `nextval('...')`, `currval` or `setval` calls
// PostgreSQL parses: an argument's default, a policy's or trigger's condition, not a function's
// body, which is a string to it.
std::vector<SqlNameReference> sequences_named(std::string_view sql);
inline std::optional<SqlError> check_expression(std::string_view text) { return read_expression(text).error; }

// Whether a valid expression can stand as it is after DEFAULT in a column's definition, where
// PostgreSQL's grammar takes less than elsewhere (no AND, OR, NOT, IS, IN, LIKE, ...).
bool fits_column_default(std::string_view text);

// Whether a valid expression is NULL, cast or not (`null`, `(null)`, `null::text`): a default
// that gives rows no value.
bool is_null_constant(std::string_view text);

// A constant, as PostgreSQL's parser reads it: a string, a number, a boolean or NULL, and the
// types it is cast to (innermost first), e.g. `'a'::grade` or `-1`.
struct SqlConstant {
  enum class Kind { string, integer, number, boolean, null, bits };
  Kind kind = Kind::string;
  std::string value;  // a string's text, a number as written, "true"/"false"; empty for an integer the tree leaves unnamed (libpg_query writes no value for a negative one)
  std::vector<std::vector<std::string>> casts;  // innermost first; a cast to an array type's last name ends in `[]`
};
// The constant a valid expression is, or nothing when it is more than one.
std::optional<SqlConstant> constant_of(std::string_view text);

// How many characters a UTF-8 text has, and its first `count` of them.
std::size_t characters_in(std::string_view text);
std::string_view first_characters(std::string_view text, std::size_t count);

// Whether a domain's CHECK holds for a value of it (nothing: NULL): true, false, or nothing where
// the compiler cannot tell (or SQL's answer is unknown, which a CHECK takes). Read: VALUE (or its length, for a string type) compared with constants,
// IN, BETWEEN, IS [NOT] NULL, AND, OR and NOT; `numeric`: the domain is over a number type, so
// values compare as numbers (a string type's only as equal or not: its order is its collation's).
std::optional<bool> domain_check_holds(std::string_view check, const std::optional<std::string>& value, bool numeric);

// What PostgreSQL names an index's column that is this valid expression (FigureIndexColname()):
// the function it calls, the column it reads, the type it casts to, ..., or "expr".
std::string index_column_name(std::string_view expression);
// Whether an expression is an anonymous row (`row(a, b)`, `(a, b)` or an array of them, not cast
// to a type): PostgreSQL keeps no column, index key or view column of type record.
bool anonymous_record(std::string_view expression);
// An expression as PostgreSQL's deparser writes it: the same for any spelling of one parse tree
// (spaces, parentheses, `!=` or `<>`, keywords' case); as given where it does not parse.
std::string deparsed_expression(std::string_view expression);

// The columns a valid expression names, in the order written.
std::vector<SqlColumnReference> column_references(std::string_view text, bool within_subqueries = true);
// `expression` (a table's check, index key or predicate, generated column) with each reference
// to its column `from` renamed `to`, as PostgreSQL follows a rename; nothing when one is written
// otherwise than `from` quoted as needed (qualified, quoted without need, in capitals), where
// renaming back would not give the text back.
std::optional<std::string> with_column_renamed(std::string_view expression, const std::string& from, const std::string& to);

// An expression's parse tree as the type inference reads it (compiler/expression_types.cpp),
// flattened: each node's children come after it, so that a walk from the last node to the first
// meets every child before its parent, however deep the expression nests.
struct SqlExpressionNode {
  enum class Kind {
    column,     // names: `name` or `table.name`
    constant,   // constant, value
    cast,       // names: the type cast to; array: to an array of it; children: the value
    operation,  // names: the operator, schema first when qualified; children: left (unless prefix), right
    function,   // names: the function; children: the arguments, in order
    boolean,    // AND, OR, NOT, IS [NOT] NULL, IS [NOT] TRUE, IN, BETWEEN...: a boolean, whatever its parts
    value,      // names: the type of the value it gives (`current_date`: date)
    array,      // ARRAY[...]; children: its elements
    choice,     // CASE, COALESCE, GREATEST, LEAST (names: which, but CASE's); children: its results (`results` of them, the ELSE's first, as PostgreSQL weighs them), then the rest
    other,      // anything else: its children are the expressions inside it
  };
  Kind kind = Kind::other;
  std::vector<std::string> names;
  SqlConstant::Kind constant = SqlConstant::Kind::string;
  std::string value;  // a number's digits, as written (an integer's, as PostgreSQL reads it); a string's text
  bool array = false;
  bool prefix = false;
  std::vector<std::size_t> children;
  std::size_t results = 0;  // a choice's
  bool in_query = false;    // inside a subquery, whose columns may be another table's
  // A boolean that compares its first child with each of the others by its operator (`in`:
  // `=`; `between`: `>=` and `<=`; `is distinct from`: `=`), or with each element of its
  // second, an array (`= any (...)`, `all`). Its children are then exactly those operands.
  // A simple CASE (a choice) compares its first child past its results with the others by `=`.
  enum class Comparison { none, each_operand, each_element };
  Comparison comparison = Comparison::none;
  // AND, OR, NOT (names: `AND`...): each child must be a boolean.
  bool logic = false;
  // Where the node is named in the expression's text: a cast's type, an operator, a function, a
  // column, a constant. An `in`, `between` or `is distinct from` (boolean) has its operator's name.
  std::size_t offset = 0;
  // Of a call's child that is not one of its arguments: FILTER (a boolean), PARTITION BY (needs
  // an equality of its type), ORDER BY (an ordering; an aggregate's or its window's), frame (a
  // bound of the window's frame). Empty for an argument and any other node.
  std::string part;
  bool nullif = false;    // an operation's: NULLIF, whose `=` gives its first operand
  // A subquery (kind other): EXPR (a scalar one), ARRAY, EXISTS, ANY (`in`, names: its
  // operator), ALL...; its test (`x` of `x in (select ...)`) its first child, with part "test".
  std::string sublink;
  // Where the subquery's one output is written, when it is one plain SELECT of one column: the
  // `first_output` of its scope.
  std::optional<std::size_t> subquery_output;
  bool distinct = false;  // a call's: `count(distinct x)`, whose arguments need an equality
  // A cast's type modifiers, as written (`varchar(5)`: "5"; `numeric(10, 2)`: "10,2"), "?" when
  // they are not numbers.
  std::string modifiers;
};
// The nodes of a valid expression, the whole expression first; none when it is not one.
std::vector<SqlExpressionNode> expression_nodes(std::string_view text);

// The names a regclass text such as `'public."Q"'` means: split at dots outside double quotes,
// unquoted parts folded to lower case. Empty when it is not a name.
std::vector<std::string> regclass_names(std::string_view text);

// What PostgreSQL's parser makes of a view's query.
struct QueryRelation {
  std::vector<std::string> names;  // schema first when qualified
  std::string alias;
  std::size_t offset = 0;          // where its name is written
};
struct QueryColumn {
  std::string name;                  // what PostgreSQL names the column (FigureColname), or "?column?"
  std::vector<std::string> column;   // the column it is, when it is one (`c`, `t.c`)
  bool star = false;                 // `*` or `t.*`: `column` holds the qualifier, if any
  // `(c).*` or `(t.c).*`: the fields of a row, written out as columns; `column` holds what
  // names the row, where a column reference does (else it is a row the compiler cannot see).
  bool row_star = false;
  std::vector<std::string> row_function;  // `(f(...)).*`: the function called
  // The type it is cast to, when it is a cast to a type named without modifiers (`x::bigint`:
  // pg_catalog.int8), which is then its type.
  std::vector<std::string> cast_type;
  std::size_t offset = 0;
  bool anonymous_record = false;     // `ROW(...)`, `(a, b)` or an array of them, not cast to a type
  // A record where each of these column references is one (`w`, `array[s.r]`, `array_agg(w)`).
  std::vector<std::vector<std::string>> record_if;
};
struct QueryFromItem;
// The FROM items a subquery or a join holds. Shared, never changed once read: every level of a
// nested query holds the levels under it, and copying them at each level would make a query n
// levels deep cost n^3.
class FromItems {
 public:
  FromItems() = default;
  FromItems(std::vector<QueryFromItem> items);  // NOLINT(google-explicit-constructor): a list is one
  using const_iterator = std::vector<QueryFromItem>::const_iterator;
  using const_reverse_iterator = std::vector<QueryFromItem>::const_reverse_iterator;
  const std::vector<QueryFromItem>& get() const;
  operator const std::vector<QueryFromItem>&() const { return get(); }  // NOLINT(google-explicit-constructor)
  const_iterator begin() const;
  const_iterator end() const;
  const_reverse_iterator rbegin() const;
  const_reverse_iterator rend() const;
  std::size_t size() const;
  bool empty() const;
  const QueryFromItem& operator[](std::size_t i) const;

 private:
  std::shared_ptr<const std::vector<QueryFromItem>> items_;
};
// An item of the FROM list of a view's query (its first branch's), which `*` expands in order.
struct QueryFromItem {
  std::string alias;                // what `alias.*` selects it by; a join without an alias has none
  bool aliased = false;             // the alias is written (`t AS t` too), not the relation's name
  std::vector<std::string> names;   // a table or view: its name as written
  // Its first columns (a table's, a view's, a join's or a subquery's), renamed by `AS a (x, y)`
  // (a table or join is then opaque to the rest, which does not follow the new names).
  std::vector<std::string> renamed;
  // A subquery's columns, by name, where its select list names them; with `*` in it, the select
  // list and the subquery's own FROM list, which the `*` expands.
  std::vector<std::string> columns;
  std::vector<bool> records;        // with `columns`: which are of type record or record[]
  std::vector<QueryColumn> select_list;
  FromItems subquery_from;
  FromItems parts;  // a join: its left and right sides
  bool natural = false;
  std::vector<std::string> using_columns;
  std::string using_alias;          // `join ... using (id) as j`: what names the merged columns
  bool opaque = false;              // a function, a WITH query, a subquery whose columns are unknown
  // A subquery or WITH query that is one SELECT, or a set operation of them, without `*`: where
  // its (first) select list begins, as its scope's `first_output`, whose outputs are its columns
  // in order.
  std::optional<std::size_t> first_output;
  // A set operation's (`first_output` its first SELECT's): where the others' select lists begin,
  // in order; each column's type is the common type of theirs.
  std::vector<std::size_t> other_branches;
  bool with_query = false;          // a WITH query's name, not a table's
  std::string with_query_name;      // its name, when it is one
  // A call of one function (not ROWS FROM): its name as written; its column definition list's
  // names in `columns`; `ordinality`: WITH ORDINALITY adds a last column.
  std::vector<std::string> function;
  std::size_t function_arguments = 0;
  bool array_argument = false;  // its first argument an ARRAY or a cast to an array type
  FromItems rows_from;          // ROWS FROM (...): each function it calls, as items of their own
  bool ordinality = false;
};
inline FromItems::FromItems(std::vector<QueryFromItem> items)
    : items_(std::make_shared<const std::vector<QueryFromItem>>(std::move(items))) {}
inline const std::vector<QueryFromItem>& FromItems::get() const {
  static const std::vector<QueryFromItem> none;
  return items_ ? *items_ : none;
}
// Defined here, where QueryFromItem is complete, as vector's element access needs.
inline FromItems::const_iterator FromItems::begin() const { return get().begin(); }
inline FromItems::const_iterator FromItems::end() const { return get().end(); }
inline FromItems::const_reverse_iterator FromItems::rbegin() const { return get().rbegin(); }
inline FromItems::const_reverse_iterator FromItems::rend() const { return get().rend(); }
inline std::size_t FromItems::size() const { return get().size(); }
inline bool FromItems::empty() const { return get().empty(); }
inline const QueryFromItem& FromItems::operator[](std::size_t i) const { return get()[i]; }
// A table's or view's columns, where the caller knows them.
using ColumnsOf = std::function<std::optional<std::vector<std::string>>(const QueryFromItem&)>;
// Whether a select list's column reference (`c`, `t.c`) among these FROM items is of type record
// or record[]: a subquery's or WITH query's such column, SEARCH's or CYCLE's, or a subquery's
// whole row. No where the compiler cannot tell.
bool names_record(const std::vector<std::string>& reference, const std::vector<QueryFromItem>& from, const ColumnsOf& columns_of);
// The first column of type record a FROM item's `*` takes, if any.
std::optional<std::string> record_column(const QueryFromItem& item, int depth = 0);

// A `*` (or `t.*`) of a select list anywhere in a statement: a subquery's, a WITH query's, a set
// operation's branch's. PostgreSQL expands it into the columns of its SELECT's FROM list when it
// makes a view, a policy or an SQL-standard body, and keeps that list when a table gains columns.
struct SelectStar {
  std::size_t begin = 0;  // the text of `*` or `t.*`
  std::size_t end = 0;
  std::vector<std::string> qualifier;
  // Its SELECT's FROM list; for `t.*`, the items named t of the nearest level that has one.
  std::vector<QueryFromItem> from;
  // A natural join instead (`from` holds it): PostgreSQL fixes its common columns the same way.
  bool natural_join = false;
  // `TABLE t`: the text is its keyword, which `SELECT <the columns> FROM` replaces.
  bool table_command = false;
  // `(t).*`, or `t.*` in a row constructor: left as written where `t` is not a FROM item of its
  // SELECT (a column's row, a level around it).
  bool whole_row = false;
};
// A grouped SELECT (GROUP BY, HAVING or an aggregate call): what PostgreSQL's
// check_ungrouped_columns() reads. `plain`: GROUP BY names only columns.
struct QueryGrouping {
  bool grouped = false;
  bool plain = true;
  std::vector<std::vector<std::string>> group_by;
  // The columns its select list and HAVING name outside aggregates' arguments and subqueries.
  std::vector<SqlColumnReference> outside_aggregates;
};
// One SELECT of a query (each branch of a set operation, each subquery, each WITH query), a
// join's ON or a FROM function's arguments: the FROM items it names and the `t.c`, `t.*` or
// `s.t.c` it writes outside its subqueries, where `t` must name one of those items or one of a
// level around it.
struct QueryScope {
  std::vector<QueryFromItem> from;
  std::vector<SqlColumnReference> qualified;
  std::vector<SqlColumnReference> bare;    // a column's name alone
  std::optional<std::size_t> outer;        // the scope around it, whose names it may read
  std::optional<std::size_t> unreachable;  // one whose names it may not read (for the message)
  // Where a whole ORDER BY, GROUP BY or DISTINCT ON item is the bare name of one of its outputs:
  // the one place an output's name is read.
  std::vector<std::size_t> by_output_name;
  std::vector<SqlColumnReference> locked;  // FOR UPDATE / FOR SHARE OF: FROM items, by name
  // What it computes, read by its own level's names: its outputs, its WHERE and HAVING, a
  // join's ON, what it sorts (without USING) and groups by (outside grouping sets). Offsets in
  // the query's text.
  struct Expression {
    std::vector<SqlExpressionNode> nodes;
    std::string clause;  // WHERE, HAVING, JOIN/ON (each a boolean), ORDER BY, GROUP BY, DISTINCT ON; empty for an output
    std::string name;    // an output's
  };
  std::vector<Expression> expressions;
  std::optional<std::size_t> first_output;  // where its select list begins: which SELECT it is
};
struct SqlTypeName {
  std::vector<std::string> names;
  std::size_t array_dimensions = 0;
  bool setof = false;
  bool percent_type = false;  // `t.c%type`: names are the column's
  std::size_t offset = 0;
};
struct QueryFacts {
  std::optional<SqlError> error;
  std::vector<QueryConstant> constants;
  QueryGrouping grouping;                     // the first branch's
  std::vector<QueryRelation> relations;       // the tables and views it reads, not its WITH queries
  std::vector<QueryRelation> sampled;         // those of them TABLESAMPLE samples
  // A name a WITH query reads that only a later WITH query of its (not RECURSIVE) list defines:
  // PostgreSQL takes it for a table, which must then exist (in `relations` too).
  std::vector<QueryRelation> later_with_queries;
  std::set<std::string> with_query_names;     // every name a WITH query anywhere in it defines
  std::vector<SqlColumnReference> columns;    // every column it names, `*` aside
  // `(c).f`: a field of column c, or column f of the FROM item named c (its whole row); `(t.c).f`:
  // a field of t's column c.
  std::vector<SqlColumnReference> row_fields;
  // `t.*` wherever written (`count(t.*)`): the names before the star.
  std::vector<SqlColumnReference> starred;
  std::vector<SqlTypeName> types;  // every type it names (casts, column definition lists)
  // Where a select list's item is a name alone, without AS (`select c`, `select t`): its
  // column is named by what that name meant when the view was made.
  std::vector<std::size_t> bare_targets;
  // A select list's item that casts a name alone (`t::text`, `cast(t as text)`), which names its
  // column (without AS): where the name and the item are written, and whether it has an AS.
  struct CastTarget {
    std::size_t column = 0;
    std::size_t item = 0;
    bool named = false;
  };
  std::vector<CastTarget> cast_targets;
  // `(x).f` of any other row: a cast's (`((t.*)::t).f`, `cast` its type), a call's, a
  // subquery's, a subquery's column's (`(s.x).f`: in row_fields too).
  struct RecordField {
    std::string field;
    std::vector<std::string> cast;
    std::vector<std::string> function;  // `(f()).c`: the function called
    std::size_t offset = 0;  // where the field's row is written
  };
  std::vector<RecordField> record_fields;
  std::vector<QueryColumn> outputs;           // its columns (the first branch's, of a union)
  std::vector<QueryFromItem> from;            // the first branch's FROM list
  // Named in the text of `nextval('...')`, `currval` or `setval`, as ExpressionFacts' are.
  std::vector<SqlNameReference> sequences;
  // Some columns may come from where the compiler cannot see (a subquery in FROM, a function,
  // a WITH query, a join's USING): a name it cannot place is then not an error.
  bool opaque_sources = false;
  // SELECT DISTINCT (not ON), or a UNION, INTERSECT or EXCEPT without ALL: PostgreSQL compares
  // its columns for equality, which each column's type must have.
  bool deduplicated = false;
  // Each set operation (not over VALUES): the first SELECT of each side (its select list and
  // FROM list), for the checker to count through `*` and to match the columns' types.
  struct SetOperationBranch {
    std::vector<QueryColumn> select_list;
    std::vector<QueryFromItem> from;
  };
  struct SetOperation {
    std::string word;  // UNION, INTERSECT or EXCEPT
    SetOperationBranch left, right;
    std::size_t offset = 0;
  };
  std::vector<SetOperation> set_operations;
  // A subquery as a value (`(select * ...)`, ARRAY) or compared with one (IN, ANY, ALL) whose
  // select list has a `*`: the checker counts its columns, which must be `wanted` (42601).
  struct SubqueryWidth {
    SetOperationBranch subquery;
    bool compared = false;
    std::size_t wanted = 1;
    std::size_t offset = 0;
  };
  std::vector<SubqueryWidth> subquery_widths;
  std::vector<SelectStar> stars;       // every select list's `*`, subqueries' too, and natural join
  std::vector<QueryScope> scopes;      // every SELECT's, outermost first
  // Each recursive WITH query whose terms are one SELECT each, without `*`: where their select
  // lists begin (QueryScope::first_output), the non-recursive term's first.
  struct RecursiveQuery {
    std::string name;
    std::vector<std::string> columns;  // its alias list's, or its non-recursive term's names
    std::size_t first = 0;
    std::size_t recursive = 0;
  };
  std::vector<RecursiveQuery> recursive_queries;
};
// An error unless `text` is exactly one SELECT (or VALUES) statement without INTO.
// What every function a call's name (as written) may mean is, as CatalogFunction::kind ('a'
// aggregate, 'w' window, 's' set-returning, 'f' else), where all are of one kind and the caller
// knows them all; nothing where it does not. Without one, a name is judged by PostgreSQL's
// catalog alone; the checker knows the chain's functions too.
using FunctionKind = std::function<std::optional<char>(const std::vector<std::string>& name)>;
QueryFacts read_query(std::string_view text, const FunctionKind& function_kind = {});
// Where the select list's item written at `start` of `query` ends: before its AS, the comma
// after it or the clause that follows.
std::size_t select_item_end(std::string_view query, std::size_t start);

// Why PostgreSQL would not update a view of this query itself (its view_query_is_auto_updatable:
// one table or view in FROM, no WITH, DISTINCT, GROUP BY, HAVING, LIMIT, OFFSET, set operation,
// aggregate or window function), or nullopt where it would, or where the query does not parse.
std::optional<std::string> not_automatically_updatable(std::string_view query);
// The select lists' stars and the natural joins of every statement in `text` (none when it
// does not parse).
std::vector<SelectStar> select_stars(std::string_view text);

// The tables and views that the statements of an SQL routine's body name where PostgreSQL
// analyses them as it makes the routine (SELECT, INSERT, UPDATE, DELETE, MERGE, and those
// inside them): not their WITH queries' names. Offsets into `body`; none when it does not parse.
std::vector<QueryRelation> relations_in_routine_body(std::string_view body, std::set<std::string>* with_queries = nullptr);

// A type as PostgreSQL's parser names it in a routine's signature: `int` is pg_catalog.int4.
struct RoutineArgument {
  std::string name;
  // 'i' in, 'o' out, 'b' inout, 'v' variadic, 't' a column of `returns table (...)`.
  char mode = 'i';
  SqlTypeName type;
  bool has_default = false;
};
// What PostgreSQL's parser makes of a function's or procedure's definition: the text after its
// name, `(a integer) returns integer language sql as $$ select a $$`. A PL/pgSQL body is read
// by PostgreSQL's PL/pgSQL parser too.
struct RoutineFacts {
  std::optional<SqlError> error;
  std::vector<RoutineArgument> arguments;
  std::optional<SqlTypeName> returns;  // none for a procedure
  std::string language;                // lower case; "sql" for a body in SQL's own syntax
  std::size_t language_offset = 0;
  std::string volatility = "volatile";
  std::string body;  // the AS clause's text; a body in SQL's own syntax, its statements
  // `begin atomic ... end` or `return ...`: PostgreSQL resolves its names when it makes the routine.
  bool standard_body = false;
  std::size_t defaults = 0;  // arguments with a default
};
RoutineFacts read_routine(std::string_view definition, bool procedure);

// The argument types a `drop function f(...)` names (OUT arguments left out, as PostgreSQL
// does): `arguments` is the text with its parentheses.
struct ArgumentTypes {
  std::optional<SqlError> error;
  std::vector<SqlTypeName> types;
};
ArgumentTypes read_argument_types(std::string_view arguments, bool procedure);

// What PostgreSQL's parser makes of a trigger's definition: the text after its name,
// `before update on tasks for each row execute function touch()`.
struct TriggerFacts {
  std::optional<SqlError> error;
  std::vector<std::string> table;  // schema first when qualified
  std::size_t table_offset = 0, table_end = 0;
  std::vector<std::string> function;
  std::size_t function_offset = 0;
  std::vector<std::string> columns;       // `update of a, b`
  std::vector<SqlColumnReference> when;   // the columns its WHEN condition reads, `new.a`
  bool row = false;
  bool before = false;
  bool instead_of = false;
  bool transition_tables = false;  // `referencing new table as ...`
  bool old_table = false, new_table = false;
  // The events it fires on: insert, update, delete, truncate.
  bool on_insert = false, on_update = false, on_delete = false, on_truncate = false;
  std::optional<std::size_t> when_subquery;  // where its WHEN condition has a subquery
};
TriggerFacts read_trigger(std::string_view definition);

// What PostgreSQL's parser makes of a policy's definition: the text after its table's name,
// `for select to app using (owner = current_user)`.
struct PolicyFacts {
  std::optional<SqlError> error;
  std::string command = "all";  // all, select, insert, update or delete
  bool using_expression = false;
  bool check_expression = false;
  // The columns its expressions name outside subqueries (`c`, `t.c`), and where.
  std::vector<SqlColumnReference> columns;
};
PolicyFacts read_policy(std::string_view definition);

// What a raw statement does, as far as a revision's checks care.
struct SqlStatement {
  std::size_t offset = 0;  // into the text given
  std::size_t length = 0;
  // The change it makes to an object the compiler models ("create table", "alter table ... alter
  // column type", ...), or empty; and the language's statement that makes it (names filled in
  // from the tree, `...` for the rest), or why the language has none.
  std::string modelled_change;
  std::string language_statement;
  std::string no_language_statement;
  bool change_in_block = false;  // the change is made by SQL a DO block runs
  // The relations it changes by name (schema first when qualified), where it acts on existing
  // ones: a change to a relation the compiler does not model (a view) is none of its business.
  std::vector<std::vector<std::string>> relations;
  // Likewise the functions and procedures a grant or revoke names, the schemas and the types
  // (enums, domains, composite types).
  std::vector<std::vector<std::string>> routines;
  std::vector<std::string> schemas;
  std::vector<std::vector<std::string>> types;
  // Maintenance that changes neither schema nor data (vacuum, analyze, reindex, checkpoint):
  // nothing to undo. Not `cluster`, which marks the index it orders by.
  bool maintenance = false;
  // `copy ... from stdin` or `to stdout`: rows through the client, which a migrator has none of.
  bool client_copy = false;
  // Why it cannot run inside a transaction (it is "vacuum", "create index concurrently", ...), or empty.
  std::string outside_transaction;
  bool transaction_control = false;  // BEGIN, COMMIT, ROLLBACK, SAVEPOINT, SET TRANSACTION, ...
  bool block_ends_transaction = false;  // a DO block that commits or rolls back: only outside a transaction
  // The setting of the session it changes for the statements after it, later revisions' and
  // the migrator's own ("search_path", "role", "settings" for RESET ALL and DISCARD ALL), or empty.
  std::string session_change;
  // A function or procedure it creates (`create [or replace] function`), or an extension, or a
  // type of any kind: the names, schema first when qualified.
  std::vector<std::string> created_function, created_extension, created_type;
  std::vector<std::string> created_relation;  // a temporary or foreign table, a table as a query's result
  // REFRESH MATERIALIZED VIEW: the relation it names, where its name is written.
  std::vector<std::string> refreshed;
  std::size_t refreshed_offset = 0;
  // A CREATE OPERATOR or CREATE CAST: what PostgreSQL finds for an operator or a call changes.
  bool changes_call_resolution = false;
  // The routines a DO block's statements and expressions call (`perform f()`, `v := f()`,
  // `if f() then`), which the block's own text holds only as a string.
  std::vector<std::vector<std::string>> block_calls;
  // The tables whose rows it writes, and how ("insert", "update", "delete", "truncate"): what
  // fires their triggers.
  struct Write {
    std::vector<std::string> relation;
    std::vector<std::string> events;
    // The statement's own INSERT or UPDATE (not one inside it): where the relation is named,
    // and the columns it gives values, each with where it is named.
    bool own = false;
    std::size_t relation_offset = 0;
    std::vector<std::pair<std::string, std::size_t>> columns;
  };
  std::vector<Write> writes;
};

struct ParsedSql {
  std::vector<SqlStatement> statements;
  std::optional<SqlError> error;
};

// Splits `sql` into statements by PostgreSQL's parser and says what each does; a DO block by
// the statements it runs, read `depth` blocks deep (a block may EXECUTE another).
constexpr int max_block_depth = 8;
ParsedSql parse_statements(std::string_view sql, int depth = 0);

// What a function's or procedure's body runs, as parse_statements() says of raw SQL: SQL's own
// statements, or a PL/pgSQL body's as one statement, as a DO block's. Nothing for other
// languages. `definition`: the routine's, as written after its name (arguments, result, body).
ParsedSql parse_routine_body(std::string_view language, std::string_view body, bool procedure, std::string_view definition);
// The functions, types and fields the statements of `sql` name, as read_expression() finds
// them in an expression, at offsets past its first `prefix` bytes; nothing where it does not parse.
ExpressionFacts names_in_statements(std::string_view sql, std::size_t prefix = 0);
// The functions and procedures `sql` calls by name (`select f()`, `call p()`), schema first
// when qualified; none where it does not parse.
std::vector<std::vector<std::string>> routines_called(std::string_view sql);

// The text of each statement of valid `sql`, without the whitespace around it and its `;`.
std::vector<std::string> split_statements(std::string_view sql);

// What holds a value of an enum type in an expression, for following a rename of one of its
// labels: the row's columns of the type (or of a domain over it; `value` in a domain's check),
// the type's and its domains' names (unqualified, as casts may write them), and whether the
// whole expression is of the type (a default of such a column).
struct EnumTyped {
  std::set<std::string> columns;
  std::set<std::string> array_columns;  // of arrays of the type
  std::set<std::string> types;
  bool whole = false;
  bool whole_array = false;  // the whole expression is an array of the type
  bool whole_unknown = false;  // its type may hold the type (a composite type's value); else it is another
};
// `sql` (an expression, or with `query` a whole statement) with each string constant of the enum
// type whose label is `from` written `to`, as PostgreSQL (which keeps the value, not its label)
// shows it after `alter type ... rename value`; the rest, and constants of other types that hold
// the same text, as written. A constant's type is read from where it stands: cast to the type,
// compared with (or IN, BETWEEN, ANY of an array with) something of the type, among COALESCE,
// GREATEST, LEAST or CASE branches with one, the whole of a typed expression; and the elements
// of an array's literal (`'{sad,ok}'`) where the array is of the type. Each is written in the
// style it was (`E'...'`, `$$...$$`), so that renaming back gives back the text. Where the type
// comes from a function's argument it is not known, and the constant is left.
// `unsure`, when given and empty, is set to `sql` where a constant holding the label has a type
// this cannot tell (an argument of a function, an element of an array column, ...): left as
// written, which PostgreSQL may not have.
std::string with_enum_label_renamed(std::string_view sql, const std::string& from, const std::string& to, const EnumTyped& typed,
                                    bool query = false, std::string* unsure = nullptr);

// Whether `sql` (any SQL text, not necessarily whole) holds a string constant whose value is `value`.
// Whether two texts are the same tokens, identifiers compared by the names they give (`"t"` and
// `t` alike): a view renamed there and back may come back quoted otherwise.
bool same_but_quoting(std::string_view one, std::string_view other);
bool holds_string_constant(std::string_view sql, const std::string& value);
// `sql` without the `public.` (or `"public".`) that qualifies names in it, outside strings and
// comments: the schema the connection's search path resolves them in. The migrator's `check`
// builds the predicted schema in a scratch schema, where `public.mood` would name the live type.
std::string without_public_qualifier(std::string_view sql);

// `sql` as a script for psql must hold it to reach the server unchanged, or empty where it is
// that already. psql replaces `:name`, `:'name'` and `:"name"` outside quotes and comments with
// its variables (PORT, USER, DBNAME, ... are always set, `-v` sets more), and cannot be told not
// to: `arr[1:"PORT"]` would reach the server as `arr[1"5432"]`. A space after such a colon means
// the same to PostgreSQL and nothing to psql.
std::string sql_for_psql(std::string_view sql);

// A statement that does nothing but assign a setting for the session or the transaction:
// `SET [LOCAL] name = value`, or a query of one `[pg_catalog.]set_config('name', 'value', local)`
// with constant arguments. The name lower-cased; the value as the setting is given it, its
// constants' text joined by ", " ("" for `= ''`).
struct SettingAssignment {
  std::string name;
  std::string value;
  bool local = false;
};
std::optional<SettingAssignment> setting_assignment(std::string_view statement);

// One statement of a file of SQL, and the ways the language may say it: what `migc import`
// translates a tool's migration with.
struct SqlSpelling {
  enum class Kind {
    modelled,             // changes an object the compiler models: a statement of the language, or a human
    data,                 // insert, update, delete
    transaction_control,  // BEGIN, COMMIT, ...: the migrator's transaction stands for them
    other,                // a raw step: functions, views, triggers, grants, DO blocks, SET, ...
  };
  Kind kind = Kind::other;
  std::size_t offset = 0;  // into the text given, of its first token (past the comments before it)
  // As written, comments before it included, without the whitespace around it and its `;`; a
  // line break last where it ends in a `--` comment.
  std::string text;
  // For a modelled change (and a data step): the spellings to try, in order, each a list of the language's
  // statements (without `;`) that together say it: as written; then PostgreSQL's own deparsed
  // form without what the language leaves implicit (`if not exists`, where the compiler knows
  // what exists), one statement per action of an `alter table` and per object of a `drop`.
  std::vector<std::vector<std::string>> spellings;
  std::string no_language_statement;  // why the language cannot say a modelled change
  // The relations a modelled change acts on by name (schema first when qualified), as
  // SqlStatement's; and the relation it creates where that may be no table of the compiler's:
  // a view, a materialized view, an index (which may be a view's).
  std::vector<std::vector<std::string>> relations;
  std::vector<std::string> created_relation;
  bool view_statement = false;        // creates, replaces, drops or renames a view: the language's
  std::string outside_transaction;    // as SqlStatement's
  bool maintenance = false;
};
struct SpelledSql {
  std::vector<SqlSpelling> statements;
  std::optional<SqlError> error;
};
SpelledSql spell_statements(std::string_view sql);

}  // namespace migc

namespace migc {

// What an expression of a data step (an updated value, a condition) names beyond its own row:
// the columns it names outside any subquery, and the tables and views its subqueries read
// (other than the names of their own WITH queries), each in the order written.
struct RowExpressionNames {
  std::vector<SqlColumnReference> columns;
  std::vector<SqlNameReference> tables;
};
RowExpressionNames row_expression_names(std::string_view text);

}  // namespace migc
