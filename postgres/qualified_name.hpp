// An object's name as a value with two parts, from the grammar on: its schema, and its name in
// it. Names are never joined into one string to be split again, so a quoted name may hold any
// character, a dot included.
#pragma once

#include <fmt/format.h>

#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace migc {

struct QualifiedName {
  std::string schema;  // empty: the default schema (`public`, or the migrator's --schema)
  std::string name;

  friend auto operator<=>(const QualifiedName&, const QualifiedName&) = default;
};

// As messages show a name: `name`, or `schema.name`. A part holding a dot or a double quote is
// shown in double quotes, as SQL writes it, so that `"a.b"` and `a.b` read differently.
inline std::string to_string(const QualifiedName& name) {
  const auto part = [](std::string_view text) {
    if (text.find_first_of(".\"") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + '"';
  };
  return name.schema.empty() ? part(name.name) : part(name.schema) + "." + part(name.name);
}

struct QualifiedNameHash {
  std::size_t operator()(const QualifiedName& name) const {
    const std::hash<std::string> hash;
    return hash(name.schema) * 31 + hash(name.name);
  }
};

}  // namespace migc

template <>
struct fmt::formatter<migc::QualifiedName> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const migc::QualifiedName& name, FormatContext& context) const {
    return fmt::formatter<std::string_view>::format(migc::to_string(name), context);
  }
};
