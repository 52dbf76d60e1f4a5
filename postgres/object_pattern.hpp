// Objects that `check` leaves to others: patterns in a chain's add_migrations(CHECK_EXCLUDE) and
// on a migrator's `check --exclude`, as Alembic's include_object and Atlas's exclusions do.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace migc {

// `[kind:]name`: the name is a glob (`*`, `?`, `[...]`) on an object's raw name, `table.part` for a
// column, constraint, trigger or policy, `schema.name` outside the chain's schema. Without a
// kind, any kind. A pattern that names an object covers its parts too (a table's columns,
// indexes, triggers, owned sequences).
struct ObjectPattern {
  std::string kind;
  std::string name;
};

// The kinds a pattern may name, as `check` names them, in a sentence.
std::string_view object_pattern_kinds();

// Throws std::invalid_argument saying what is wrong with `text`.
ObjectPattern parse_object_pattern(std::string_view text);

// The first pattern that covers the object `kind` `name`, or null.
const ObjectPattern* covering(std::span<const ObjectPattern> patterns, std::string_view kind, std::string_view name);

}  // namespace migc
