// A tool's migrations (compiler/import.hpp) translated into revisions of the language: each SQL
// statement the language can say becomes its statement, anything else a raw step, and what
// neither can hold is named for a human, at its place in the original file.
#pragma once

#include <string>
#include <vector>

#include "compiler/import.hpp"

namespace migc {

struct ImportedRevision {
  std::string id;
  std::string file_name;  // <id>_<slug>.mig
  std::string text;
};

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

// One revision per migration, in the tool's order, each revising the one before.
ImportResult translate_migrations(ImportFormat format, const std::vector<ToolMigration>& migrations);

}  // namespace migc
