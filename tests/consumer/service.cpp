// A service that brings its database to head as it starts, on its own connection (or on one
// migc opens, with --conninfo), logs what happened with its own fmt, and goes on using that
// connection.
// usage: inventory-service <conninfo> [--conninfo]
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <memory>

#include "runtime/embed.hpp"

namespace {

std::string one_value(PGconn* connection, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection, sql), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) return std::string("error: ") + PQerrorMessage(connection);
  return PQgetvalue(result.get(), 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  migc::UpgradeSettings settings;
  settings.application_name = "inventory-service";
  try {
    if (argc > 2 && std::strcmp(argv[2], "--conninfo") == 0) {
      fmt::print("{}\n", migc::upgrade(migc::runtime::linked_plan(), argv[1], settings).summary());
      return 0;
    }
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(argv[1]), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK) return 3;
    // The service's own session settings, which the migration must leave as they were.
    PQclear(PQexec(connection.get(), "SET statement_timeout = '42s'"));
    PQclear(PQexec(connection.get(), "SET DateStyle = 'German, DMY'"));
    const migc::UpgradeResult result = migc::upgrade(migc::runtime::linked_plan(), connection.get(), settings);
    fmt::print("{}\n", result.summary());
    for (const auto& step : result.applied) fmt::print("applied {}: {}\n", step.revision, step.message);
    std::cout << "statement_timeout " << one_value(connection.get(), "SHOW statement_timeout") << "\n";
    std::cout << "DateStyle " << one_value(connection.get(), "SHOW DateStyle") << "\n";
    std::cout << "advisory locks held "
              << one_value(connection.get(), "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
              << "\n";
    std::cout << "freezers " << one_value(connection.get(), "SELECT count(*) FROM freezer") << "\n";
  } catch (const std::exception& error) {
    std::cout << "migration failed: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
