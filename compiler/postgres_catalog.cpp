#include "compiler/postgres_catalog.hpp"

#include <algorithm>
#include <iterator>

namespace migc {
namespace {

// Each table takes its own rows of the snapshot: every macro is defined empty but its own.
#define MIGC_FUNCTION(...)
#define MIGC_TYPE(...)
#define MIGC_CAST(...)
#define MIGC_OPERATOR(...)
#define MIGC_OVERLOAD(...)
#define MIGC_INDEX_METHOD(...)
#define MIGC_OPERATOR_CLASS(...)
#define MIGC_RELATION(...)
#define MIGC_TIME_ZONE(...)

// The rows are constant arrays, not vector initializer lists: GCC took minutes over a list of
// thousands of braced elements and seconds over the same rows as an array.
template <typename Entry, typename Key>
std::vector<Entry> sorted(std::vector<Entry> entries, Key key) {
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return key(a) < key(b); });
  return entries;
}

constexpr auto by_name = [](const auto& entry) { return entry.name; };

#undef MIGC_FUNCTION
#define MIGC_FUNCTION(name, extension, immutable, kind, columns) {name, extension, immutable, kind, columns},
constexpr CatalogFunction functions_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_FUNCTION
#define MIGC_FUNCTION(...)

const std::vector<CatalogFunction>& functions() {
  static const std::vector<CatalogFunction> all = sorted(std::vector<CatalogFunction>(std::begin(functions_rows), std::end(functions_rows)), by_name);
  return all;
}

#undef MIGC_TYPE
#define MIGC_TYPE(name, extension, formatted, category, preferred, input, output) \
  {name, extension, formatted, category, preferred, input, output},
constexpr CatalogType types_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_TYPE
#define MIGC_TYPE(...)

const std::vector<CatalogType>& types() {
  static const std::vector<CatalogType> all = sorted(std::vector<CatalogType>(std::begin(types_rows), std::end(types_rows)), by_name);
  return all;
}

const std::vector<CatalogType>& types_formatted() {
  static const std::vector<CatalogType> all = sorted(types(), [](const CatalogType& type) { return type.formatted; });
  return all;
}

#undef MIGC_CAST
#define MIGC_CAST(source, target, method, context, immutable, function, extension) {source, target, method, context, immutable, function, extension},
constexpr CatalogCast casts_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_CAST
#define MIGC_CAST(...)

const std::vector<CatalogCast>& casts() {
  static const std::vector<CatalogCast> all = sorted(std::vector<CatalogCast>(std::begin(casts_rows), std::end(casts_rows)), [](const CatalogCast& cast) { return cast.source; });
  return all;
}

#undef MIGC_OPERATOR
#define MIGC_OPERATOR(name, left, right, result, immutable, extension) {name, left, right, result, immutable, extension},
constexpr CatalogOperator operators_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_OPERATOR
#define MIGC_OPERATOR(...)

const std::vector<CatalogOperator>& operators() {
  static const std::vector<CatalogOperator> all = sorted(std::vector<CatalogOperator>(std::begin(operators_rows), std::end(operators_rows)), by_name);
  return all;
}

#undef MIGC_OVERLOAD
#define MIGC_OVERLOAD(name, arguments, result, immutable, extension) {name, arguments, result, immutable, extension},
constexpr CatalogOverload overloads_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_OVERLOAD
#define MIGC_OVERLOAD(...)

const std::vector<CatalogOverload>& overloads() {
  static const std::vector<CatalogOverload> all = sorted(std::vector<CatalogOverload>(std::begin(overloads_rows), std::end(overloads_rows)), by_name);
  return all;
}

#undef MIGC_INDEX_METHOD
#define MIGC_INDEX_METHOD(name, unique, multiple, order, extension) {name, unique, multiple, order, extension},
constexpr CatalogIndexMethod index_methods_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_INDEX_METHOD
#define MIGC_INDEX_METHOD(...)

const std::vector<CatalogIndexMethod>& index_methods() {
  static const std::vector<CatalogIndexMethod> all = sorted(std::vector<CatalogIndexMethod>(std::begin(index_methods_rows), std::end(index_methods_rows)), by_name);
  return all;
}

#undef MIGC_OPERATOR_CLASS
#define MIGC_OPERATOR_CLASS(name, method, type, is_default, extension) {name, method, type, is_default, extension},
constexpr CatalogOperatorClass operator_classes_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_OPERATOR_CLASS
#define MIGC_OPERATOR_CLASS(...)

const std::vector<CatalogOperatorClass>& operator_classes() {
  static const std::vector<CatalogOperatorClass> all = sorted(std::vector<CatalogOperatorClass>(std::begin(operator_classes_rows), std::end(operator_classes_rows)), [](const CatalogOperatorClass& entry) { return entry.method; });
  return all;
}

#undef MIGC_RELATION
#define MIGC_RELATION(schema, name, columns) {schema, name, columns},
constexpr CatalogRelation relations_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_RELATION
#define MIGC_RELATION(...)

const std::vector<CatalogRelation>& relations() {
  static const std::vector<CatalogRelation> all = sorted(std::vector<CatalogRelation>(std::begin(relations_rows), std::end(relations_rows)), by_name);
  return all;
}

#undef MIGC_TIME_ZONE
#define MIGC_TIME_ZONE(name) std::string_view(name),
constexpr std::string_view time_zone_rows[] = {
#include "compiler/postgres_catalog.inc"
};
#undef MIGC_TIME_ZONE
#define MIGC_TIME_ZONE(...)

#undef MIGC_FUNCTION
#undef MIGC_TYPE
#undef MIGC_CAST
#undef MIGC_OPERATOR
#undef MIGC_OVERLOAD
#undef MIGC_INDEX_METHOD
#undef MIGC_OPERATOR_CLASS
#undef MIGC_RELATION
#undef MIGC_TIME_ZONE

// The entries whose key is `value`, in a vector sorted by that key.
template <typename Entry, typename Key>
std::span<const Entry> having(const std::vector<Entry>& entries, std::string_view value, Key key) {
  const auto first = std::partition_point(entries.begin(), entries.end(), [&](const Entry& e) { return key(e) < value; });
  const auto last = std::partition_point(first, entries.end(), [&](const Entry& e) { return key(e) == value; });
  return {first, last};
}

}  // namespace

std::span<const CatalogFunction> catalog_functions(std::string_view name) { return having(functions(), name, by_name); }
std::span<const CatalogType> catalog_types(std::string_view name) { return having(types(), name, by_name); }
const CatalogType* catalog_type_formatted(std::string_view formatted) {
  const auto found = having(types_formatted(), formatted, [](const CatalogType& type) { return type.formatted; });
  return found.empty() ? nullptr : &found.front();
}
std::span<const CatalogCast> catalog_casts(std::string_view source) {
  return having(casts(), source, [](const CatalogCast& cast) { return cast.source; });
}
std::span<const CatalogOperator> catalog_operators(std::string_view name) { return having(operators(), name, by_name); }
std::span<const CatalogOverload> catalog_overloads(std::string_view name) { return having(overloads(), name, by_name); }
const CatalogIndexMethod* catalog_index_method(std::string_view name) {
  const auto found = having(index_methods(), name, by_name);
  return found.empty() ? nullptr : &found.front();
}
std::span<const CatalogOperatorClass> catalog_operator_classes(std::string_view method) {
  return having(operator_classes(), method, [](const CatalogOperatorClass& entry) { return entry.method; });
}

const CatalogRelation* catalog_relation(std::string_view schema, std::string_view name) {
  for (const auto& relation : having(relations(), name, by_name)) {
    if (relation.schema == (schema.empty() ? "pg_catalog" : schema)) return &relation;
  }
  return nullptr;
}

bool catalog_time_zone(std::string_view lowered) {
  static const std::vector<std::string_view> all = sorted(std::vector<std::string_view>(std::begin(time_zone_rows), std::end(time_zone_rows)),
                                                          [](std::string_view name) { return name; });
  return std::binary_search(all.begin(), all.end(), lowered);
}

const std::vector<std::string>& catalog_function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& function : functions()) {
      if (all.empty() || all.back() != function.name) all.emplace_back(function.name);
    }
    return all;
  }();
  return names;
}

}  // namespace migc
