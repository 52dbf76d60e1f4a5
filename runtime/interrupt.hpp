// SIGINT and SIGTERM while a migrator works: the statement the server is running is cancelled
// (so its transaction rolls back and nothing waits for it), and the migrator stops at the next
// point where the database is at a revision, says which, and exits 128 + the signal's number.
#pragma once

#include <stdexcept>
#include <string>

#include "postgres/connection.hpp"

namespace migc::runtime {

// Installs the handlers for its lifetime; a signal cancels what `connection` runs. A second
// signal of the same kind ends the process at once, as without the handler.
class InterruptHandler {
 public:
  explicit InterruptHandler(Connection& connection);
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
};

// The signal that arrived (SIGINT, SIGTERM), or 0.
int interrupted();
std::string signal_name(int signal);

// Thrown where the migrator noticed the signal; what() says where the database is.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& where);
  int signal() const { return signal_; }

 private:
  int signal_;
};

}  // namespace migc::runtime
