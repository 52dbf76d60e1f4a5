// The connection against the test server: what the executor must survive whatever SQL it is given.
#include <gtest/gtest.h>

#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

// COPY through the client would leave the connection waiting for ever (it did, on a raw step
// `copy t from stdin`): the copy is ended, as an error where the server waited for rows.
TEST(ConnectionDb, CopyThroughTheClientEndsAndTheConnectionGoesOn) {
  testing::ScratchDatabase database("client_copy");
  Connection& connection = database.connection();
  connection.execute_script("CREATE TABLE grid (id integer PRIMARY KEY); INSERT INTO grid VALUES (1), (2)");
  try {
    connection.execute_script("COPY grid FROM STDIN");
    FAIL() << "COPY FROM STDIN did not fail";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("the migrator sends no rows"), std::string::npos) << error.what();
  }
  connection.execute_script("COPY grid TO STDOUT");
  connection.execute_script("COPY (SELECT id FROM grid) TO STDOUT; INSERT INTO grid VALUES (3)");
  EXPECT_EQ(connection.execute("SELECT count(*) FROM grid").value(0, 0), "3");
}

}  // namespace
}  // namespace migc
