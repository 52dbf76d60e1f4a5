// The parser's one entry point. Boost.Spirit stays behind this plain function: only
// grammar.cpp instantiates the grammar, so no other translation unit pays for it.
#pragma once

#include <cstddef>
#include <optional>

#include "diagnostics/diagnostic.hpp"
#include "diagnostics/source.hpp"
#include "dsl/ast.hpp"

namespace migc {

// Parses a whole revision file. Syntax errors are reported to `diagnostics`, and parsing resumes
// at the next statement, so one file can yield several errors. Returns no file when the header
// itself cannot be read.
std::optional<ast::File> parse_revision_file(const SourceFile& source, Diagnostics& diagnostics);

// The same in two steps, since a chain's graph needs every header before it needs any statement:
// the header, and the offset the statements start at; then the statements, into the same file.
std::optional<ast::File> parse_revision_header(const SourceFile& source, Diagnostics& diagnostics, std::size_t& statements_at);
void parse_revision_statements(const SourceFile& source, std::size_t statements_at, ast::File& file, Diagnostics& diagnostics);

// A model file: statements only (the schema a project intends, declared with `create ...`),
// without a revision header.
ast::File parse_model_file(const SourceFile& source, Diagnostics& diagnostics);

// Whether `text` is, whole, one expression as the language writes them (a default, say): SQL
// read back from a database's catalog that is not must be put in parentheses to be one.
bool is_expression(const std::string& text);

}  // namespace migc
