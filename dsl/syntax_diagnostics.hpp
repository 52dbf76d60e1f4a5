// The grammar's own kinds of diagnostic, declared in dsl/syntax_diagnostics.def.
#pragma once

#include <cstddef>
#include <iterator>

#include "diagnostics/diagnostic.hpp"

namespace migc {

enum class SyntaxKind {
#define MIGC_DIAGNOSTIC(kind, severity, message) kind,
#include "dsl/syntax_diagnostics.def"
#undef MIGC_DIAGNOSTIC
};

inline constexpr DiagnosticKindInfo syntax_kinds[] = {
#define MIGC_DIAGNOSTIC(kind, severity, message) {#kind, Severity::severity, message},
#include "dsl/syntax_diagnostics.def"
#undef MIGC_DIAGNOSTIC
};

inline constexpr std::size_t syntax_kind_count = std::size(syntax_kinds);

inline const DiagnosticKindInfo& kind_info(SyntaxKind kind) { return syntax_kinds[static_cast<std::size_t>(kind)]; }

}  // namespace migc
