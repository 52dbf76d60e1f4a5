// Where SQL written inside a revision ends, by PostgreSQL's own lexer (libpg_query's
// pg_query_scan): the grammar captures each fragment (a default, a check, an index element or
// predicate, an inserted value) token by token, so that no string, quoted name, comment or
// dollar quote can end one early or late.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace migc::grammar {

// The nesting depth past which a fragment is refused: PostgreSQL's parser runs out of room
// there too ("memory exhausted" at 10,000 parentheses).
constexpr int max_nesting = 10000;

// The length of the SQL fragment `text` begins with: one balanced `( ... )` when
// `parenthesized`; otherwise it runs, outside parentheses and `case ... end`, up to a `,`, `)`
// or `;`, or a keyword of `stops` after its first token, and ends with its last token (blanks
// and comments after it left out). npos when a parenthesis or quote is left open, or nothing
// is there. `too_deep_at` is where parentheses first nest deeper than max_nesting, or npos.
// `text` runs to the end of its file, and is read once per file: a file's fragments share one
// scan while they are asked for in order.
std::size_t sql_fragment_length(std::string_view text, bool parenthesized, std::span<const std::string_view> stops,
                                std::size_t& too_deep_at);

// The length of the query `text` begins with (a view's): it runs, outside parentheses, up to
// a `;` (not one inside a routine's `begin atomic ... end` body), or a `with [no] data` that
// ends a materialized view's definition. npos as above.
std::size_t sql_query_length(std::string_view text, std::size_t& too_deep_at);

// The name a `U&"..."` identifier stands for, its escapes (`\XXXX`, `\+XXXXXX`, `\\`)
// decoded as UTF-8.
std::string unicode_escaped_name(std::string_view token);

// The names SQL text uses, by PostgreSQL's lexer: each identifier or keyword outside strings
// and comments, as PostgreSQL folds it (quoted names as written), and those of dollar-quoted
// bodies, read as SQL in turn. Whether a fragment or raw step names a column is read from
// these. Empty where the text does not lex.
std::vector<std::string> sql_words(std::string_view sql);

}  // namespace migc::grammar
