#include "compiler/postgres_catalog.hpp"

#include <algorithm>

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

template <typename Entry, typename Key>
std::vector<Entry> sorted(std::vector<Entry> entries, Key key) {
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return key(a) < key(b); });
  return entries;
}

constexpr auto by_name = [](const auto& entry) { return entry.name; };

const std::vector<CatalogFunction>& functions() {
#undef MIGC_FUNCTION
#define MIGC_FUNCTION(name, extension, immutable) {name, extension, immutable},
  static const std::vector<CatalogFunction> all = sorted(std::vector<CatalogFunction>{
#include "compiler/postgres_catalog.inc"
  }, by_name);
#undef MIGC_FUNCTION
#define MIGC_FUNCTION(...)
  return all;
}

const std::vector<CatalogType>& types() {
#undef MIGC_TYPE
#define MIGC_TYPE(name, extension, formatted, category, preferred, input, output) \
  {name, extension, formatted, category, preferred, input, output},
  static const std::vector<CatalogType> all = sorted(std::vector<CatalogType>{
#include "compiler/postgres_catalog.inc"
  }, by_name);
#undef MIGC_TYPE
#define MIGC_TYPE(...)
  return all;
}

const std::vector<CatalogType>& types_formatted() {
  static const std::vector<CatalogType> all = sorted(types(), [](const CatalogType& type) { return type.formatted; });
  return all;
}

const std::vector<CatalogCast>& casts() {
#undef MIGC_CAST
#define MIGC_CAST(source, target, method, immutable, function, extension) {source, target, method, immutable, function, extension},
  static const std::vector<CatalogCast> all = sorted(std::vector<CatalogCast>{
#include "compiler/postgres_catalog.inc"
  }, [](const CatalogCast& cast) { return cast.source; });
#undef MIGC_CAST
#define MIGC_CAST(...)
  return all;
}

const std::vector<CatalogOperator>& operators() {
#undef MIGC_OPERATOR
#define MIGC_OPERATOR(name, left, right, result, immutable, extension) {name, left, right, result, immutable, extension},
  static const std::vector<CatalogOperator> all = sorted(std::vector<CatalogOperator>{
#include "compiler/postgres_catalog.inc"
  }, by_name);
#undef MIGC_OPERATOR
#define MIGC_OPERATOR(...)
  return all;
}

const std::vector<CatalogOverload>& overloads() {
#undef MIGC_OVERLOAD
#define MIGC_OVERLOAD(name, arguments, result, immutable, extension) {name, arguments, result, immutable, extension},
  static const std::vector<CatalogOverload> all = sorted(std::vector<CatalogOverload>{
#include "compiler/postgres_catalog.inc"
  }, by_name);
#undef MIGC_OVERLOAD
#define MIGC_OVERLOAD(...)
  return all;
}

const std::vector<CatalogIndexMethod>& index_methods() {
#undef MIGC_INDEX_METHOD
#define MIGC_INDEX_METHOD(name, unique, multiple, order, extension) {name, unique, multiple, order, extension},
  static const std::vector<CatalogIndexMethod> all = sorted(std::vector<CatalogIndexMethod>{
#include "compiler/postgres_catalog.inc"
  }, by_name);
#undef MIGC_INDEX_METHOD
#define MIGC_INDEX_METHOD(...)
  return all;
}

const std::vector<CatalogOperatorClass>& operator_classes() {
#undef MIGC_OPERATOR_CLASS
#define MIGC_OPERATOR_CLASS(name, method, type, is_default, extension) {name, method, type, is_default, extension},
  static const std::vector<CatalogOperatorClass> all = sorted(std::vector<CatalogOperatorClass>{
#include "compiler/postgres_catalog.inc"
  }, [](const CatalogOperatorClass& entry) { return entry.method; });
#undef MIGC_OPERATOR_CLASS
#define MIGC_OPERATOR_CLASS(...)
  return all;
}

#undef MIGC_FUNCTION
#undef MIGC_TYPE
#undef MIGC_CAST
#undef MIGC_OPERATOR
#undef MIGC_OVERLOAD
#undef MIGC_INDEX_METHOD
#undef MIGC_OPERATOR_CLASS

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
