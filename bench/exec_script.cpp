// The floor, second form: a whole SQL script sent as one multi-statement message, in one
// transaction. Usage: exec_script <conninfo> <file>
#include <libpq-fe.h>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: exec_script <conninfo> <file>\n";
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream script;
  script << "BEGIN;\n" << in.rdbuf() << "\nCOMMIT;\n";
  PGconn* connection = PQconnectdb(argv[1]);
  if (PQstatus(connection) != CONNECTION_OK) {
    std::cerr << PQerrorMessage(connection);
    PQfinish(connection);
    return 1;
  }
  PGresult* result = PQexec(connection, script.str().c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  if (!ok) std::cerr << PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  return ok ? 0 : 1;
}
