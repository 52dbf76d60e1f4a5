// A database of its own on the test server (the `migc_postgres` CTest fixture), dropped again
// when the test is done. Tests that need the server fail, never skip, when it is missing.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "compiler/lowering.hpp"
#include "postgres/catalog.hpp"
#include "postgres/connection.hpp"
#include "postgres/sql_text.hpp"

namespace migc::testing {

inline std::string server_conninfo() {
  const char* file = std::getenv("MIGC_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) throw std::runtime_error("MIGC_TEST_POSTGRES_URL_FILE is not set: run this test through ctest");
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string conninfo = text.str();
  while (!conninfo.empty() && (conninfo.back() == '\n' || conninfo.back() == ' ')) conninfo.pop_back();
  if (conninfo.empty()) throw std::runtime_error(std::string("no test server: ") + file + " is empty or missing");
  return conninfo;
}

class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& purpose) : name_(unique_name(purpose)) {
    Connection admin(server_conninfo(), "postgres");
    admin.execute("CREATE DATABASE " + quote_identifier(name_));
    connection_.emplace(server_conninfo(), name_);
  }
  ~ScratchDatabase() {
    connection_.reset();
    try {
      Connection admin(server_conninfo(), "postgres");
      admin.execute("DROP DATABASE IF EXISTS " + quote_identifier(name_) + " WITH (FORCE)");
    } catch (...) {
      // The server goes with the fixture anyway.
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  Connection& connection() { return *connection_; }
  std::string conninfo() const { return server_conninfo() + " dbname=" + name_; }
  std::string snapshot() { return catalog_snapshot(*connection_); }

  void run(const std::vector<LoweredStep>& steps) {
    for (const auto& step : steps) connection_->execute_script(step.sql);
  }

 private:
  static std::string unique_name(const std::string& purpose) {
    static std::atomic<int> counter = 0;
    std::string name = "migc_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_";
    for (const char c : purpose) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    return name.substr(0, 63);
  }

  std::string name_;
  std::optional<Connection> connection_;
};

}  // namespace migc::testing
