// Quoting rules for generated SQL.
#include "postgres/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <unordered_set>

#include <fmt/format.h>

#include "postgres/visible_text.hpp"

namespace migc {
namespace {

// PostgreSQL 15's keywords that are not UNRESERVED_KEYWORD: quote_ident() quotes these.
// Quoting a word needlessly is harmless; missing one is not, so the list errs on the long side.
constexpr std::string_view quoted_keywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct",
    "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
    "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in",
    "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull",
    "join", "json", "json_array", "json_arrayagg", "json_object", "json_objectagg", "lateral",
    "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national", "natural",
    "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on",
    "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position", "precision",
    "primary", "real", "references", "returning", "right", "row", "select", "session_user", "setof",
    "similar", "smallint", "some", "substring", "symmetric", "system_user", "table", "tablesample",
    "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user",
    "using", "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
    "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
    "xmlroot", "xmlserialize", "xmltable",
};

bool is_plain_word(std::string_view name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  });
}

bool is_keyword(std::string_view name) {
  static const std::unordered_set<std::string_view> keywords(std::begin(quoted_keywords), std::end(quoted_keywords));
  return keywords.contains(name);
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  if (is_plain_word(name) && !is_keyword(name)) return std::string(name);
  return quote_identifier_always(name);
}

std::string quote_identifier_always(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string quote_identifiers(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(name);
  }
  return out;
}

std::string quote_qualified(const QualifiedName& name) {
  if (name.schema.empty()) return quote_identifier(name.name);
  return quote_identifier(name.schema) + "." + quote_identifier(name.name);
}

std::string quote_literal(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + '\'';
}

std::string sql_comment_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\\') {
      out += "\\\\";
      ++i;
    } else if (const std::size_t length = visible_length(text, i); length > 0) {
      out.append(text, i, length);
      i += length;
    } else {
      switch (text[i]) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      }
      ++i;
    }
  }
  return out;
}

std::span<const SessionParameter> session_parameters() {
  static constexpr SessionParameter parameters[] = {
      // quote_literal() doubles quotes only: with this off, a backslash in a literal is an escape.
      {"standard_conforming_strings", "on"},
      // The plan's text is UTF-8; another client encoding would have the server convert it.
      {"client_encoding", "UTF8"},
      // How date, time and interval literals are read ('01/02/2026', '-1 2:00'), and how the
      // catalog prints them back to `check` and `migc introspect`.
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      // How the catalog prints float and bytea constants back.
      {"extra_float_digits", "1"},
      {"bytea_output", "hex"},
      // How xml and array literals, and `= NULL`, are read.
      {"xmloption", "content"},
      {"array_nulls", "on"},
      {"transform_null_equals", "off"},
      // A function an `execute` step creates is checked when it is created, on every server alike.
      {"check_function_bodies", "on"},
  };
  return parameters;
}

bool is_session_parameter(std::string_view name) {
  return std::any_of(session_parameters().begin(), session_parameters().end(), [&](const SessionParameter& parameter) {
    return parameter.name.size() == name.size() &&
           std::equal(name.begin(), name.end(), parameter.name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

}  // namespace migc
