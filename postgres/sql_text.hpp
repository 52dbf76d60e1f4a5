// The only places where names and values become SQL text: every identifier and literal in
// generated SQL goes through these, so user text is always quoted.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "postgres/qualified_name.hpp"

namespace migc {

// As PostgreSQL's quote_ident(): bare when it is a plain lower-case word and not a keyword.
std::string quote_identifier(std::string_view name);
// In double quotes even where bare would do: to keep a name's quoting as it was written.
std::string quote_identifier_always(std::string_view name);
std::string quote_identifiers(const std::vector<std::string>& names);  // "a, b, c"
// `name`, or `schema.name` outside the default schema, quoted part by part.
std::string quote_qualified(const QualifiedName& name);
// As PostgreSQL's quote_literal() for standard_conforming_strings = on, which every session
// that runs generated SQL sets (see session_parameters below).
std::string quote_literal(std::string_view value);
// User text (a revision id or message, a path, a database's name) made inert inside a `--`
// comment, of SQL or of a revision file: line ends, control characters and anything that hides
// or reorders text are escaped (`\n`, `\r`, `\t`, `\xNN`), and a backslash is doubled so that the
// escapes read one way only. Nothing of it can end the comment, for the server, psql or a reader.
std::string sql_comment_text(std::string_view text);

// A setting that generated SQL is written for. A database or a role can change any of these
// (ALTER DATABASE ... SET), and each would change what the plan's text means or how the catalog
// reads back, so every connection sets them all right after it opens and checks that they took,
// and the offline script sets them at its top.
struct SessionParameter {
  std::string_view name;
  std::string_view value;
};
std::span<const SessionParameter> session_parameters();
// Whether `name` is one of them, spelled in any case, as PostgreSQL reads setting names.
bool is_session_parameter(std::string_view name);

}  // namespace migc
