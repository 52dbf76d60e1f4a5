#include "postgres/object_pattern.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <stdexcept>

namespace migc {
namespace {

constexpr std::array<std::string_view, 27> kinds = {
    "table",     "view",      "materialized_view", "foreign_table", "sequence",  "index",
    "type",      "domain",    "constraint",        "column",        "function",  "procedure",
    "trigger",   "policy",    "extension",         "aggregate",     "rule",      "statistics",
    "operator",  "collation", "text_search",       "conversion",    "operator_class", "event_trigger",
    "publication", "schema",    "default_privileges"};

}  // namespace

std::string_view object_pattern_kinds() {
  static const std::string listed = [] {
    std::string out;
    for (const auto kind : kinds) out += (out.empty() ? "" : ", ") + std::string(kind);
    return out;
  }();
  return listed;
}

ObjectPattern parse_object_pattern(std::string_view text) {
  ObjectPattern pattern;
  std::string_view name = text;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    // Kinds are words, read in any case as SQL's are.
    pattern.kind = std::string(text.substr(0, colon));
    std::transform(pattern.kind.begin(), pattern.kind.end(), pattern.kind.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    name = text.substr(colon + 1);
    if (std::find(kinds.begin(), kinds.end(), pattern.kind) == kinds.end()) {
      throw std::invalid_argument("what comes before `:` is not a kind of object: one of " + std::string(object_pattern_kinds()));
    }
  }
  if (name.empty()) throw std::invalid_argument("no name: write [kind:]name, the name a glob such as legacy_*");
  if (name.find_first_of("\n\r") != std::string_view::npos) throw std::invalid_argument("a line break in a name");
  pattern.name = std::string(name);
  return pattern;
}

const ObjectPattern* covering(std::span<const ObjectPattern> patterns, std::string_view kind, std::string_view name) {
  if (name.empty()) return nullptr;
  const std::string subject(name);
  for (const auto& pattern : patterns) {
    if ((pattern.kind.empty() || pattern.kind == kind) && fnmatch(pattern.name.c_str(), subject.c_str(), 0) == 0) return &pattern;
  }
  return nullptr;
}

}  // namespace migc
