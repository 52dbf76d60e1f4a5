// The functions, types, casts, operators, index methods and operator classes PostgreSQL itself
// provides: built in, or through an extension its server package ships. A snapshot of a real
// server (compiler/postgres_catalog.inc, written by scripts/snapshot-postgres-catalog.sh), so
// that the names in a revision's SQL, and what PostgreSQL would call for them, are resolved at
// build time without one. Types are named as format_type() prints them ("integer[]").
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

struct CatalogFunction {
  std::string_view name;
  std::string_view extension;  // empty: built in
  bool some_overload_immutable = false;
  // What every overload is: 'a' an aggregate, 'w' a window function, 'h' one or the other (rank
  // and its kin: window functions and hypothetical-set aggregates), 's' set-returning; else 'f'.
  // PostgreSQL refuses all but 'f' in checks, defaults, index and generated expressions.
  char kind = 'f';
  // The columns it gives as a FROM item, the same for every overload: its OUT parameters' names
  // joined by ','; "=" one column, named by the item's alias (or the function); empty where
  // overloads differ or the type of a call decides (a composite or polymorphic result).
  std::string_view columns;
};

struct CatalogType {
  std::string_view name;       // as pg_type spells it: "int4", "timestamptz"
  std::string_view extension;  // empty: built in
  std::string_view formatted;  // as format_type() prints it: "integer", "timestamp with time zone"
  char category = 'U';         // pg_type.typcategory: 'S' string, 'N' numeric, ...
  bool preferred = false;      // in its category, when an untyped literal must pick one
  bool input_immutable = false;
  bool output_immutable = false;
};

struct CatalogCast {
  std::string_view source;
  std::string_view target;
  char method = 'f';  // 'f' a function, 'b' binary coercible, 'i' through the types' text forms
  char context = 'e';  // 'e' only when written, 'a' also on assignment (a stored value), 'i' anywhere
  bool immutable = false;  // its function's; true without one
  std::string_view function;
  std::string_view extension;
};

struct CatalogOperator {
  std::string_view name;
  std::string_view left;  // empty: a prefix operator
  std::string_view right;
  std::string_view result;
  bool immutable = false;
  std::string_view extension;
};

// One overload of a function whose calls can be resolved by argument types alone (no variadic
// or default arguments, no internal types); only names all of whose overloads are so are listed.
struct CatalogOverload {
  std::string_view name;
  std::string_view arguments;  // types joined by ','
  std::string_view result;
  bool immutable = false;
  std::string_view extension;
};

struct CatalogIndexMethod {
  std::string_view name;
  bool can_unique = false;
  bool can_multiple_columns = false;
  bool can_order = false;  // `asc` / `desc`
  std::string_view extension;
};

struct CatalogOperatorClass {
  std::string_view name;
  std::string_view method;
  std::string_view type;  // the type it indexes, maybe polymorphic ("anyarray")
  bool is_default = false;
  std::string_view extension;
};

// A table or view of PostgreSQL's own catalogs (pg_catalog, information_schema), which a view may read.
struct CatalogRelation {
  std::string_view schema;
  std::string_view name;
  std::string_view columns;  // joined by ','
};

// The entries of that name: one built in, one per extension that provides it, or none.
std::span<const CatalogFunction> catalog_functions(std::string_view name);
std::span<const CatalogType> catalog_types(std::string_view name);
// The type format_type() prints so, or null.
const CatalogType* catalog_type_formatted(std::string_view formatted);
std::span<const CatalogCast> catalog_casts(std::string_view source);
std::span<const CatalogOperator> catalog_operators(std::string_view name);
// Every overload of the name, or none when calls to it cannot be resolved from the snapshot.
std::span<const CatalogOverload> catalog_overloads(std::string_view name);
const CatalogIndexMethod* catalog_index_method(std::string_view name);
std::span<const CatalogOperatorClass> catalog_operator_classes(std::string_view method);
// The catalog relation of that name in that schema (empty: pg_catalog, which PostgreSQL searches
// first), or null.
const CatalogRelation* catalog_relation(std::string_view schema, std::string_view name);
// Whether a date/time value may name this zone or abbreviation (in lower case, as PostgreSQL
// compares them).
bool catalog_time_zone(std::string_view lowered);

// Every function name, for "did you mean".
const std::vector<std::string>& catalog_function_names();

}  // namespace migc
