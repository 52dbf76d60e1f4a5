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
// As PostgreSQL's quote_literal() for standard_conforming_strings = on, which every session
// that runs generated SQL sets (see session_parameters in runtime/postgres.hpp).
std::string quote_literal(std::string_view value);
// User text (a revision id or message, a path, a database's name) made inert inside a `--`
// comment, of SQL or of a revision file: line ends, control characters and anything that hides
// or reorders text are escaped (`\n`, `\r`, `\t`, `\xNN`), and a backslash is doubled so that the
// escapes read one way only. Nothing of it can end the comment, for the server, psql or a reader.
std::string sql_comment_text(std::string_view text);

}  // namespace migc
