// Checks a revision's statements against the schema at its revision: what PostgreSQL would
// refuse is an error, what would hurt in production a lint; what passes is resolved into
// operations (compiler/operations.hpp). Checking never writes SQL.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/diagnostic_kind.hpp"
#include "compiler/operations.hpp"
#include "compiler/schema.hpp"
#include "dsl/ast.hpp"

namespace migc {

struct RevisionSource {
  std::string id;
  const SourceFile* file = nullptr;
  const ast::File* syntax = nullptr;
  // Whether the revision of that id is applied before this one (asked only to explain an error).
  std::function<bool(const std::string&)> applied_before = {};
};

// Where each named object is first created anywhere in the chain, to explain a reference to
// something that exists, but not at the revision that uses it.
struct CreationSites {
  std::map<QualifiedName, Origin> relations;
  std::map<QualifiedName, Origin> types;
  // What raw SQL creates anywhere in the chain, by name: its effect is not simulated, so an
  // expression may use it at any revision.
  std::set<std::string> raw_functions, raw_types, raw_extensions, raw_relations;
  // Whether raw SQL creates an operator or a cast: calls are then not judged by the catalog alone.
  bool raw_operators_or_casts = false;
};
CreationSites find_creation_sites(const std::vector<RevisionSource>& revisions);

// What the statements are, which decides the checks that apply: a revision's are deployed; a
// hand-written down undoes a change that was itself checked, so lints do not apply to it; a
// model file declares a schema that nothing deploys, so neither lints nor the checks of what
// would fail on a table with rows apply.
enum class CheckRole { revision, hand_written_down, model };

// Receives each operation as it is resolved, and must apply it to the schema being checked
// before the next statement is checked.
using EmitOperation = std::function<void(PlannedOperation)>;

// Checks `revision.syntax->statements` against `schema`. A statement that fails a check is
// reported and emits nothing.
void check_statements(const RevisionSource& revision, CheckRole role, const Schema& schema, const CreationSites& sites,
                      Diagnostics& diagnostics, const EmitOperation& emit);

}  // namespace migc
