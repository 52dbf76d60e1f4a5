// Every kind of diagnostic the compiler reports, in one enum: the grammar's, then those that
// each of the compiler's phases declares in its own table. Lints are named by these in
// `@allow(<Kind>)`.
#pragma once

#include <string_view>
#include <vector>

#include "diagnostics/diagnostic.hpp"
#include "dsl/syntax_diagnostics.hpp"

namespace migc {

enum class DiagnosticKind {
#define MIGC_DIAGNOSTIC(kind, severity, message) kind,
// The grammar's first, each with its value in SyntaxKind, so that both name one row.
#include "dsl/syntax_diagnostics.def"
#include "compiler/generated_files_diagnostics.def"
#include "compiler/revision_graph_diagnostics.def"
#include "compiler/schema_diagnostics.def"
#undef MIGC_DIAGNOSTIC
};

const DiagnosticKindInfo& kind_info(DiagnosticKind kind);
std::string_view kind_name(DiagnosticKind kind);
// The kind whose name is `name`, compared without regard to case; null when there is none.
const DiagnosticKind* find_kind(std::string_view name);
Severity kind_severity(DiagnosticKind kind);
std::vector<DiagnosticKind> all_diagnostic_kinds();
// What `@allow(<Kind>)` before a statement can silence: the lints, and the errors that hold
// unless the author knows better than the compiler (that a table is empty wherever it runs).
bool allowable(DiagnosticKind kind);

}  // namespace migc
