// Compiling a whole chain: parse every file, check the revision graph, simulate the schema
// through every revision in order and lower each one. No file or database I/O here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/lowering.hpp"
#include "compiler/schema.hpp"
#include "diagnostics/diagnostic.hpp"
#include "diagnostics/source.hpp"

namespace migc {

struct CompiledRevision {
  std::string id;
  std::vector<std::string> parents;
  std::string message;
  std::string lock_timeout;       // from the header; empty: the migrator's default
  std::string statement_timeout;
  const SourceFile* file = nullptr;
  Span id_span;  // the id in the header, where diagnostics about the whole revision point
  std::uint32_t line = 0;
  LoweredRevision lowered;
  std::string checksum;      // of the lowered SQL: reformatting a file does not change it
  // The schema objects this revision changed, with their SQL after it, empty for an object it
  // removed. Replayed in key order, they rebuild the predicted schema at any revision (the plan
  // carries them for the migrator's check).
  std::vector<std::pair<ObjectKey, std::string>> schema_changes;
};

struct CompiledChain {
  std::vector<CompiledRevision> revisions;  // parents before children
  Schema head;
  bool one_line = false;  // no branches: each revision's parent is the one before it
};

// The schema at the head as one SQL script: schema_sql(chain.head), replayed from the revisions'
// changes where there are no branches, rather than rendered again.
std::string head_schema_sql(const CompiledChain& chain);
// The schema after the revisions `wanted` picks (a revision and its ancestors), replayed from
// their changes in chain order.
std::string replayed_schema_sql(const CompiledChain& chain, const std::function<bool(const CompiledRevision&)>& wanted);

std::optional<CompiledChain> compile_chain(const std::vector<SourceFile>& files, Diagnostics& diagnostics);

// Reports StaleGenerated unless the checked-in file holds exactly `expected`.
void check_generated_file(const SourceFile& checked_in, const std::string& expected, std::string_view refresh_command,
                          Diagnostics& diagnostics);

// The lock file: one `<revision id> <checksum>` line per released revision. Reports a locked
// revision whose lowered SQL changed, or that disappeared.
void check_lock_file(const SourceFile& lock, const CompiledChain& chain, Diagnostics& diagnostics);
// The files of the revisions the lock file lists with the checksum they still have: released,
// and linted when they were written.
std::set<const SourceFile*> released_files(const SourceFile& lock, const CompiledChain& chain);
// The lock file with a line added for every revision it does not list yet; locked lines stay.
std::string updated_lock_file(const SourceFile& lock, const CompiledChain& chain, std::string_view header);

// A stable 64-bit FNV-1a digest, as 16 hex digits.
std::string checksum_of(const LoweredRevision& lowered);

// What makes `id` unusable as a revision id (it names its file, which CMake globs, and is typed
// as a migrator target), as "`/`" or "nothing"; nothing when it is fine.
std::optional<std::string> unsafe_in_id(const std::string& id);

}  // namespace migc
