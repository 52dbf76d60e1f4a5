// A migration source file held in memory, and the byte spans that AST nodes point into it.
// Nodes store offsets only; lines and columns are computed when a diagnostic is printed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct LineColumn {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::string_view slice(Span span) const;
  LineColumn line_column(std::uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  std::string_view line_text(std::uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// A place in some source file; `file` is null for diagnostics that have no place.
struct Location {
  const SourceFile* file = nullptr;
  Span span;
};

}  // namespace migc
