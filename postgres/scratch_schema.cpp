// The scratch schema's transaction, schema and search path.
#include "postgres/scratch_schema.hpp"

#include "postgres/sql_text.hpp"

namespace migc {
namespace {

std::string current_schema(Connection& connection) {
  return std::string(connection.execute("SELECT current_schema()").value(0, 0));
}

}  // namespace

ScratchSchema::ScratchSchema(Connection& connection, const std::string& name)
    : live_schema_(current_schema(connection)),
      search_path_(quote_identifier(name) + ", " + quote_identifier(live_schema_)),
      transaction_(connection) {
  connection.execute("CREATE SCHEMA " + quote_identifier(name));
  connection.execute("SELECT set_config('search_path', $1, true)", {search_path_});
}

}  // namespace migc
