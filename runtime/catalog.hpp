// A text snapshot of a database's schema, read from the system catalogs: one sorted line per
// type, relation, column, constraint, index and sequence. Two databases with equal snapshots
// have the same schema (column order aside: PostgreSQL cannot put a re-added column back).
#pragma once

#include <string>

#include "runtime/postgres.hpp"

namespace migc::runtime {

// migc's own tables (migc_*) are left out: they record the schema, they are not part of it.
std::string catalog_snapshot(Connection& connection);

}  // namespace migc::runtime
