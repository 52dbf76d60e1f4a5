// The compiler's table of kinds: the grammar's rows, then its phases' own.
#include "compiler/diagnostic_kind.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>

namespace migc {
namespace {

constexpr std::array compiler_kinds = {
#define MIGC_DIAGNOSTIC(kind, severity, message) DiagnosticKindInfo{#kind, Severity::severity, message},
#include "compiler/generated_files_diagnostics.def"
#include "compiler/revision_graph_diagnostics.def"
#include "compiler/schema_diagnostics.def"
#undef MIGC_DIAGNOSTIC
};

#define MIGC_DIAGNOSTIC(kind, severity, message) \
  static_assert(static_cast<std::size_t>(DiagnosticKind::kind) == static_cast<std::size_t>(SyntaxKind::kind));
#include "dsl/syntax_diagnostics.def"
#undef MIGC_DIAGNOSTIC

}  // namespace

const DiagnosticKindInfo& kind_info(DiagnosticKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  if (index < syntax_kind_count) return kind_info(static_cast<SyntaxKind>(index));
  return compiler_kinds[index - syntax_kind_count];
}

std::string_view kind_name(DiagnosticKind kind) { return kind_info(kind).name; }
Severity kind_severity(DiagnosticKind kind) { return kind_info(kind).severity; }

std::vector<DiagnosticKind> all_diagnostic_kinds() {
  std::vector<DiagnosticKind> kinds;
  for (std::size_t i = 0; i < syntax_kind_count + compiler_kinds.size(); ++i) kinds.push_back(static_cast<DiagnosticKind>(i));
  return kinds;
}

bool allowable(DiagnosticKind kind) {
  return kind_severity(kind) == Severity::warning || kind == DiagnosticKind::NotNullWithoutDefault;
}

const DiagnosticKind* find_kind(std::string_view name) {
  static const std::vector<DiagnosticKind> kinds = all_diagnostic_kinds();
  for (const DiagnosticKind& kind : kinds) {
    const std::string_view candidate = kind_name(kind);
    if (candidate.size() == name.size() &&
        std::equal(candidate.begin(), candidate.end(), name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); })) {
      return &kind;
    }
  }
  return nullptr;
}

}  // namespace migc
