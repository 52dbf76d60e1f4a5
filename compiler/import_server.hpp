// The revisions of an Alembic chain whose upgrade offline mode cannot run (they query the
// database, as many real chains do), imported by running the chain on a server and comparing the
// schema before and after each of them: the machinery of `revision --autogenerate --from-db`.
#pragma once

#include <string>
#include <vector>

#include "compiler/import.hpp"

namespace migc {

// Runs every revision's upgrade, in order, by Alembic itself, on a new database of the server
// `conninfo` names (dropped again before returning), and fills `diffed` of each revision whose
// upgrade offline mode could not run. Where the server cannot be used, or an upgrade raises there
// too, adds why to the up_error of each revision not imported, and returns; throws ImportError
// when the server cannot be reached at all. Returns how the
// server was described (masked), for saying where the revisions were run.
std::string import_through_server(std::vector<ToolMigration>& migrations, const AlembicProject& project, const std::string& conninfo);

}  // namespace migc
