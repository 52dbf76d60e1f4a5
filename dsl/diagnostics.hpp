// Named diagnostics, collected rather than printed, so that a stage can go on after an error
// and later stages can ask hadErrors() before doing work an earlier error already explains.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <iosfwd>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/source.hpp"

namespace migc {

enum class DiagnosticKind {
#define MIGC_DIAGNOSTIC(kind, severity, message) kind,
#include "dsl/diagnostics.def"
#undef MIGC_DIAGNOSTIC
};

enum class Severity { error, warning, note };

std::string_view kind_name(DiagnosticKind kind);
// The kind whose name is `name`, compared without regard to case; null when there is none.
const DiagnosticKind* find_kind(std::string_view name);
Severity kind_severity(DiagnosticKind kind);
std::string_view kind_format(DiagnosticKind kind);
std::vector<DiagnosticKind> all_diagnostic_kinds();
// What `@allow(<Kind>)` before a statement can silence: the lints, and the errors that hold
// unless the author knows better than the compiler (that a table is empty wherever it runs).
bool allowable(DiagnosticKind kind);

struct Note {
  Location where;  // file may be null: a hint without a place
  std::string message;
};

struct Diagnostic {
  DiagnosticKind kind;
  Severity severity;
  Location where;
  std::string message;
  std::vector<Note> notes;
};

class Diagnostics {
 public:
  template <typename... Args>
  Diagnostic& report(DiagnosticKind kind, Location where, const Args&... args) {
    return add(kind, where, fmt::format(fmt::runtime(kind_format(kind)), args...));
  }

  bool had_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  std::size_t warning_count() const { return warning_count_; }
  // --werror: every warning, reported so far or from now on, is an error.
  void treat_warnings_as_errors();
  // Drops the warnings reported in these files (those of released revisions).
  void forget_warnings_in(const std::set<const SourceFile*>& files);
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

 private:
  Diagnostic& add(DiagnosticKind kind, Location where, std::string message);

  std::vector<Diagnostic> diagnostics_;
  std::size_t error_count_ = 0;
  std::size_t warning_count_ = 0;
  bool warnings_are_errors_ = false;
};

// Renders one diagnostic the way compilers do: `file:line:col: error: message [Kind]`, the source
// line, a caret under the span, then the notes.
std::string format_diagnostic(const Diagnostic& diagnostic);

// The same as a GitHub Actions workflow command (`::error file=...,line=...::message`), which
// the runner turns into an annotation on the pull request's diff. Paths under `workspace` are
// made relative to it, as annotations want.
std::string format_github_annotation(const Diagnostic& diagnostic, std::string_view workspace);

}  // namespace migc

namespace migc {

// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace migc
