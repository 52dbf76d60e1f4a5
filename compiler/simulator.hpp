// Applies a revision's statements to a simulated schema, rejecting what PostgreSQL would reject,
// and lowers each statement to SQL: its up, and its down derived from the schema it changed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/schema.hpp"
#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"

namespace migc {

struct LoweredStep {
  std::string sql;
  std::uint32_t line = 0;      // of the statement it came from, for runtime error messages
  bool transactional = true;  // false for `concurrently`, which PostgreSQL runs outside a transaction
  // Outside a transaction: the index the step builds (`creates_index`) or drops, as SQL. The
  // server may finish such a step after the migrator is gone; the migrator's next run looks
  // the index up by this name to see whether it did.
  std::string concurrent_index;
  bool creates_index = false;
};

struct LoweredRevision {
  std::vector<LoweredStep> up;
  std::vector<LoweredStep> down;
  bool irreversible = false;  // some step has no down: downgrading past it must refuse
};

// Where each named object is first created anywhere in the chain, to explain a reference to
// something that exists, but not at the revision that uses it.
struct CreationSites {
  std::map<QualifiedName, Origin> relations;
  std::map<QualifiedName, Origin> types;
};

struct RevisionSource {
  std::string id;
  const SourceFile* file = nullptr;
  const ast::File* syntax = nullptr;
};

CreationSites find_creation_sites(const std::vector<RevisionSource>& revisions);

// The names a revision's statements (its down block's too) mention, by kind. An index is looked
// up in `before` to find its table, which dropping it changes too.
Touched touched_by(const ast::File& file, const Schema& before);

// Applies `revision` to `schema` in place. Statements that fail a check are reported and skipped.
LoweredRevision simulate_revision(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                                  Diagnostics& diagnostics);

// Applies a model file: the schema a project intends, which nothing deploys, so neither lints
// nor the checks of what would fail on a table with rows apply.
void simulate_model(const RevisionSource& file, Schema& schema, Diagnostics& diagnostics);

}  // namespace migc
