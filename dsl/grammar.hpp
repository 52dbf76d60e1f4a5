// The parser's one entry point. Boost.Spirit stays behind this plain function: only
// grammar.cpp instantiates the grammar, so no other translation unit pays for it.
#pragma once

#include <optional>

#include "diagnostics/diagnostic.hpp"
#include "diagnostics/source.hpp"
#include "dsl/ast.hpp"

namespace migc {

// Parses a whole revision file. Syntax errors are reported to `diagnostics`, and parsing resumes
// at the next statement, so one file can yield several errors. Returns no file when the header
// itself cannot be read.
std::optional<ast::File> parse_revision_file(const SourceFile& source, Diagnostics& diagnostics);

// A model file: statements only (the schema a project intends, declared with `create ...`),
// without a revision header.
ast::File parse_model_file(const SourceFile& source, Diagnostics& diagnostics);

// Whether `text` is, whole, one expression as the language writes them (a default, say): SQL
// read back from a database's catalog that is not must be put in parentheses to be one.
bool is_expression(const std::string& text);

}  // namespace migc
