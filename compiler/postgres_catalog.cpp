#include "compiler/postgres_catalog.hpp"

#include <algorithm>

namespace migc {
namespace {

template <typename Entry>
std::vector<Entry> by_name(std::vector<Entry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

const std::vector<CatalogFunction>& functions() {
  static const std::vector<CatalogFunction> all = by_name(std::vector<CatalogFunction>{
#define MIGC_FUNCTION(name, extension, immutable) {name, extension, immutable},
#define MIGC_TYPE(name, extension)
#include "compiler/postgres_catalog.inc"
#undef MIGC_FUNCTION
#undef MIGC_TYPE
  });
  return all;
}

const std::vector<CatalogType>& types() {
  static const std::vector<CatalogType> all = by_name(std::vector<CatalogType>{
#define MIGC_FUNCTION(name, extension, immutable)
#define MIGC_TYPE(name, extension) {name, extension},
#include "compiler/postgres_catalog.inc"
#undef MIGC_FUNCTION
#undef MIGC_TYPE
  });
  return all;
}

template <typename Entry>
std::span<const Entry> named(const std::vector<Entry>& entries, std::string_view name) {
  const auto [first, last] = std::equal_range(entries.begin(), entries.end(), Entry{name, {}},
                                              [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return {first, last};
}

}  // namespace

std::span<const CatalogFunction> catalog_functions(std::string_view name) { return named(functions(), name); }
std::span<const CatalogType> catalog_types(std::string_view name) { return named(types(), name); }

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
