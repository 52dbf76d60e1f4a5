// One revision from checked statements to SQL: its operations applied to the schema, its up
// rendered, its down derived from the operations' inverses (or checked from its `down { }`
// block), and the down proven at build time to restore the schema the up started from.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/checker.hpp"
#include "compiler/render_sql.hpp"

namespace migc {

struct LoweredRevision {
  std::vector<LoweredStep> up;
  std::vector<LoweredStep> down;
  bool irreversible = false;  // some step has no down: downgrading past it must refuse
  // What the up does to the schema: applied again, without checks, where a merge needs the
  // schema a branch left. In a chain without branches, compile_chain() keeps only the grants.
  std::vector<Operation> operations;
  // The objects the revision changed, with their SQL after it, empty for an object it dropped.
  std::vector<std::pair<ObjectKey, std::string>> schema_changes;
};

// The names a revision's statements (its down block's too) mention, by kind. An index is looked
// up in `before` to find its table, which dropping it changes too.
Touched touched_by(const ast::File& file, const Schema& before);

// Where the way back from an operation comes from: inverse() but in the test that plants a wrong
// one to show the down proof catches it.
using InverseOf = std::function<Inverse(const Operation&, const Schema&)>;

// Applies `revision` to `schema` in place. Statements that fail a check are reported and skipped.
LoweredRevision lower_revision(const RevisionSource& revision, Schema& schema, const CreationSites& sites,
                               Diagnostics& diagnostics, const InverseOf& inverse_of = inverse);

// The objects two schemas disagree on, as the down proof compares them (column order aside).
std::vector<std::string> differing_objects(const Schema& one, const Schema& other);

// Applies a model file: the schema a project intends, which nothing deploys.
void simulate_model(const RevisionSource& file, Schema& schema, Diagnostics& diagnostics);

}  // namespace migc
