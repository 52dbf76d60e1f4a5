// A schema to build SQL in and read back from the catalog, inside a transaction that is never
// committed: nothing made in it outlives the object. The compiler normalises a schema this way
// (`revision --autogenerate --from-db`), the migrator predicts one (`check`).
#pragma once

#include <string>

#include "postgres/connection.hpp"

namespace migc {

class ScratchSchema {
 public:
  // Opens the transaction (outside one already), creates schema `name` and puts it first on the
  // search path. The live schema stays behind it: what lies there (an extension's functions)
  // resolves and prints unqualified on both sides, as it does when the live schema is read.
  ScratchSchema(Connection& connection, const std::string& name);

  // The connection's current schema when the scratch one was made.
  const std::string& live_schema() const { return live_schema_; }
  // `<scratch>, <live schema>`, quoted: the search path while this lasts.
  const std::string& search_path() const { return search_path_; }

 private:
  std::string live_schema_;
  std::string search_path_;
  Transaction transaction_;  // never committed
};

}  // namespace migc
