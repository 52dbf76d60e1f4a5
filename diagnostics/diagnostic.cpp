// The one function that renders a located message, and the sink that counts what it holds.
#include "diagnostics/diagnostic.hpp"

#include <algorithm>

namespace migc {
namespace {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

std::string format_place(const Location& where) {
  if (where.file == nullptr) return "migc";
  const LineColumn lc = where.file->line_column(where.span.begin);
  return fmt::format("{}:{}:{}", where.file->path(), lc.line, lc.column);
}

// The source line and a caret under the span. Tabs are kept in the caret line's indentation
// so that the caret lines up whatever the terminal's tab width.
// A line past `longest_line` bytes is shown as the stretch around the column: an input with many
// diagnostics on one long line would otherwise print that line again for each.
constexpr std::size_t longest_line = 4096;
constexpr std::size_t shown_around = 200;

std::string format_excerpt(const Location& where) {
  const LineColumn lc = where.file->line_column(where.span.begin);
  std::string_view line = where.file->line_text(lc.line);
  std::size_t column = lc.column - 1;
  if (line.size() > longest_line) {
    const std::size_t from = column > shown_around ? column - shown_around : 0;
    line = line.substr(from, 2 * shown_around);
    column -= from;
  }
  const std::string number = std::to_string(lc.line);
  std::string out = fmt::format("{:>5} | {}\n{:>5} | ", number, line, "");
  for (std::size_t i = 0; i < column && i < line.size(); ++i) out += line[i] == '\t' ? '\t' : ' ';
  out += '^';
  const std::size_t span_length = where.span.end > where.span.begin ? where.span.end - where.span.begin : 1;
  const std::size_t room = line.size() > column ? line.size() - column : 1;
  out.append(std::min(span_length, room) - 1, '~');
  out += '\n';
  return out;
}

}  // namespace

void Diagnostics::treat_warnings_as_errors() {
  warnings_are_errors_ = true;
  for (Diagnostic& diagnostic : diagnostics_) {
    if (diagnostic.severity != Severity::warning) continue;
    diagnostic.severity = Severity::error;
    --warning_count_;
    ++error_count_;
  }
}

void Diagnostics::forget_warnings_in(const std::set<const SourceFile*>& files) {
  std::erase_if(diagnostics_, [&](const Diagnostic& diagnostic) {
    if (diagnostic.severity != Severity::warning || !files.contains(diagnostic.where.file)) return false;
    --warning_count_;
    return true;
  });
}

Diagnostic& Diagnostics::add(const DiagnosticKindInfo& kind, Location where, std::string message) {
  Severity severity = kind.severity;
  if (severity == Severity::warning && warnings_are_errors_) severity = Severity::error;
  if (severity == Severity::error) ++error_count_;
  if (severity == Severity::warning) ++warning_count_;
  return diagnostics_.emplace_back(Diagnostic{&kind, severity, where, std::move(message), {}});
}

void Diagnostics::append(Diagnostics&& other) {
  for (Diagnostic& diagnostic : other.diagnostics_) {
    if (diagnostic.severity == Severity::warning && warnings_are_errors_) diagnostic.severity = Severity::error;
    if (diagnostic.severity == Severity::error) ++error_count_;
    if (diagnostic.severity == Severity::warning) ++warning_count_;
    diagnostics_.push_back(std::move(diagnostic));
  }
  other = Diagnostics();
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out = fmt::format("{}: {}: {} [{}]\n", format_place(diagnostic.where),
                                severity_name(diagnostic.severity), diagnostic.message,
                                diagnostic.kind->name);
  if (diagnostic.where.file != nullptr) out += format_excerpt(diagnostic.where);
  for (const Note& note : diagnostic.notes) {
    if (note.where.file != nullptr) {
      out += fmt::format("{}: note: {}\n", format_place(note.where), note.message);
    } else {
      out += fmt::format("note: {}\n", note.message);
    }
  }
  return out;
}

namespace {

// Workflow commands end at a newline and split properties at `,` and `:`.
std::string escape_command_data(std::string_view text, bool property) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_github_annotation(const Diagnostic& diagnostic, std::string_view workspace) {
  std::string properties;
  if (diagnostic.where.file != nullptr) {
    std::string_view path = diagnostic.where.file->path();
    if (!workspace.empty() && path.starts_with(workspace) && path.size() > workspace.size() && path[workspace.size()] == '/') {
      path.remove_prefix(workspace.size() + 1);
    }
    const auto begin = diagnostic.where.file->line_column(diagnostic.where.span.begin);
    const auto end = diagnostic.where.file->line_column(diagnostic.where.span.end);
    properties = fmt::format("file={},line={},col={}", escape_command_data(path, true), begin.line, begin.column);
    // GitHub takes an end column (the last one, inclusive) only on the same line.
    if (end.line == begin.line && end.column > begin.column + 1) properties += fmt::format(",endColumn={}", end.column - 1);
    properties += ",";
  }
  properties += "title=" + escape_command_data(fmt::format("migc {}", diagnostic.kind->name), true);
  std::string message = diagnostic.message;
  for (const Note& note : diagnostic.notes) message += "\nnote: " + note.message;
  return fmt::format("::{} {}::{}\n", diagnostic.severity == Severity::error ? "error" : "warning", properties,
                     escape_command_data(message, false));
}

}  // namespace migc

namespace migc {

std::string closest_match(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  std::vector<std::size_t> row;
  for (const auto& candidate : candidates) {
    // Levenshtein distance, one row at a time.
    row.resize(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[candidate.size()] < best_distance) {
      best_distance = row[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

}  // namespace migc
