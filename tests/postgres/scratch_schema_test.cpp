// A scratch schema, on the test server: what is built in it goes with it, the live schema stays
// in sight behind it, and the session's search path is given back.
#include <gtest/gtest.h>

#include <string>

#include "postgres/scratch_schema.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

std::string value(Connection& connection, const std::string& sql) {
  return std::string(connection.execute(sql).value(0, 0));
}

TEST(ScratchSchema, WhatIsBuiltInItGoesWithIt) {
  testing::ScratchDatabase database("scratch_schema");
  Connection& connection = database.connection();
  connection.execute("CREATE SCHEMA \"Tenant A\"");
  connection.execute("SET search_path = \"Tenant A\"");
  connection.execute("CREATE TABLE live (id integer)");
  const std::string before = database.snapshot();
  {
    const ScratchSchema scratch(connection, "migc_check");
    EXPECT_EQ(scratch.live_schema(), "Tenant A");
    EXPECT_EQ(value(connection, "SHOW search_path"), "migc_check, \"Tenant A\"");
    connection.execute("CREATE TABLE built (id integer)");
    EXPECT_EQ(value(connection, "SELECT relnamespace::regnamespace::text FROM pg_class WHERE relname = 'built'"),
              "migc_check");
    EXPECT_EQ(value(connection, "SELECT count(*) FROM live"), "0");
  }
  EXPECT_EQ(value(connection, "SELECT count(*) FROM pg_namespace WHERE nspname = 'migc_check'"), "0");
  EXPECT_EQ(value(connection, "SELECT count(*) FROM pg_class WHERE relname = 'built'"), "0");
  EXPECT_EQ(value(connection, "SHOW search_path"), "\"Tenant A\"");
  EXPECT_EQ(database.snapshot(), before);
}

}  // namespace
}  // namespace migc
