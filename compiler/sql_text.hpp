// The only places where names and values become SQL text: every identifier and literal in
// generated SQL goes through these, so user text is always quoted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migc {

// As PostgreSQL's quote_ident(): bare when it is a plain lower-case word and not a keyword.
std::string quote_identifier(std::string_view name);
std::string quote_identifiers(const std::vector<std::string>& names);  // "a, b, c"
// An object's key is its name, or `schema.name` outside `public` (names cannot hold a dot):
// quoted part by part.
std::string quote_qualified(std::string_view key);
// The parts of a key: "" for the public schema.
std::string schema_of(std::string_view key);
std::string bare_name(std::string_view key);
// The key of `name` in the schema of `sibling` (an index or sequence beside its table).
std::string in_schema_of(std::string_view sibling, std::string_view name);
// As PostgreSQL's quote_literal() for standard_conforming_strings = on.
std::string quote_literal(std::string_view value);

}  // namespace migc
