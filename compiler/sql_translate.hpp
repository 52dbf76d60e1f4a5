// A tool's migrations (compiler/import.hpp) translated into revisions of the language: each SQL
// statement the language can say becomes its statement, anything else a raw step, and what
// neither can hold is named for a human, at its place in the original file.
#pragma once

#include <string>
#include <vector>

#include "compiler/import.hpp"

namespace migc {

// Where a statement of a revision came from: its byte offset in the revision's text, and
// `<file>:<line>` in the original.
struct StatementOrigin {
  std::size_t offset = 0;
  std::string place;
};

struct ImportedRevision {
  std::string id;
  std::string file_name;  // <id>_<slug>.mig
  std::string text;
  std::vector<StatementOrigin> origins;  // in the order of their offsets
};

// The original place of what lies at `offset` of an imported revision: of the last statement
// that starts at or before it; empty before the first.
std::string origin_at(const ImportedRevision& revision, std::size_t offset);

// A statement the import could not translate: `place` is `<file>:<line>` in the original.
struct HumanNeeded {
  std::string place;
  std::string statement;
  std::string why;
};

struct ImportResult {
  std::vector<ImportedRevision> revisions;
  std::vector<HumanNeeded> needs_human;
};

// One revision per migration, in the tool's order, each revising its parents (the one before,
// when it names none).
ImportResult translate_migrations(ImportFormat format, const std::vector<ToolMigration>& migrations);

}  // namespace migc
