// Named diagnostics, collected rather than printed, so that a stage can go on after an error
// and later stages can ask hadErrors() before doing work an earlier error already explains.
// No kind is declared here: each phase declares its own, in a table of its own.
#pragma once

#include <fmt/format.h>

#include <concepts>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "diagnostics/source.hpp"

namespace migc {

enum class Severity { error, warning, note };

// One row of a phase's table of kinds (an X-macro `.def` file): the name printed in brackets,
// the severity, and the fmt message its arguments fill in.
struct DiagnosticKindInfo {
  std::string_view name;
  Severity severity;
  std::string_view format;
};

// A phase's enum of kinds: kind_info(kind), found by argument-dependent lookup, gives its row.
template <typename Kind>
concept DiagnosticKindEnum = std::is_enum_v<Kind> && requires(Kind kind) {
  { kind_info(kind) } -> std::same_as<const DiagnosticKindInfo&>;
};

struct Note {
  Location where;  // file may be null: a hint without a place
  std::string message;
};

struct Diagnostic {
  const DiagnosticKindInfo* kind;  // a row of the table of the phase that reported it
  Severity severity;  // the kind's, unless --werror made a warning an error
  Location where;
  std::string message;
  std::vector<Note> notes;

  // Whether it is of `other`, a kind of any phase's enum.
  template <DiagnosticKindEnum Kind>
  bool is(Kind other) const {
    return kind == &kind_info(other);
  }
};

class Diagnostics {
 public:
  template <DiagnosticKindEnum Kind, typename... Args>
  Diagnostic& report(Kind kind, Location where, const Args&... args) {
    const DiagnosticKindInfo& info = kind_info(kind);
    return add(info, where, fmt::format(fmt::runtime(info.format), args...));
  }

  // Takes over what `other` collected (a file checked on its own, say), after what is here.
  void append(Diagnostics&& other);

  bool had_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  std::size_t warning_count() const { return warning_count_; }
  // --werror: every warning, reported so far or from now on, is an error.
  void treat_warnings_as_errors();
  bool warnings_are_errors() const { return warnings_are_errors_; }
  // Drops the warnings reported in these files (those of released revisions).
  void forget_warnings_in(const std::set<const SourceFile*>& files);
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

 private:
  Diagnostic& add(const DiagnosticKindInfo& kind, Location where, std::string message);

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
