// Applies and reverts revisions of a plan on one database: the version table, the advisory
// lock, and one transaction per revision with its version row written inside it.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/plan.hpp"
#include "runtime/postgres.hpp"

namespace migc::runtime {

enum class Direction { up, down };

// A revision whose SQL failed: which revision, which statement, and what the server said.
// The revision's transaction was rolled back, so the database is where it was before it.
class MigrationError : public std::runtime_error {
 public:
  MigrationError(const Revision& revision, Direction direction, const Step* step, const DatabaseError& cause);

  const Revision& revision() const { return revision_; }
  Direction direction() const { return direction_; }
  const DatabaseError& cause() const { return cause_; }
  std::uint32_t line() const { return line_; }

 private:
  const Revision& revision_;
  Direction direction_;
  std::uint32_t line_;
  DatabaseError cause_;
};

// Another migrator held the lock for longer than the caller was willing to wait.
class LockTimeout : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The database records revisions this plan does not know, or the plan forbids the move.
class StateError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Progress {
  std::size_t revision;
  Direction direction;
  std::size_t done;   // revisions finished so far in this run, this one included
  std::size_t total;  // revisions this run will apply or revert
  std::chrono::duration<double, std::milli> elapsed;
};

class Migrator {
 public:
  Migrator(const Plan& plan, Connection& connection) : plan_(plan), connection_(connection) {}

  // Holds a session-level advisory lock until the connection closes, waiting at most `wait`.
  void lock(std::chrono::milliseconds wait);
  // Creates the version and history tables when they are missing.
  void ensure_version_table();
  // The revisions the database records as its heads; empty at base or with no version table.
  std::vector<std::size_t> recorded_heads();

  void upgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report);
  void downgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report);
  // Records `heads` as the database's revisions without running anything.
  void stamp(const std::vector<std::size_t>& heads);

 private:
  void run(std::size_t revision, Direction direction, bool durable, std::vector<bool>& applied);

  const Plan& plan_;
  Connection& connection_;
};

// The SQL an upgrade or downgrade would run, version-table updates included, for review.
std::string offline_script(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction,
                           std::vector<bool> applied);

}  // namespace migc::runtime
