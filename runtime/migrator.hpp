// Applies and reverts revisions of a plan on one database: the version table, the advisory
// lock, checksum validation, timeouts with retries, and one transaction per revision with its
// version row written inside it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <vector>

#include "plan/plan.hpp"
#include "postgres/connection.hpp"
#include "runtime/foreign_history.hpp"

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
  // A `concurrently` step failed: nothing rolled it back.
  bool outside_transaction() const { return step_ && !step_->transactional; }
  std::string_view concurrent_index() const { return step_ ? step_->concurrent_index : std::string_view(); }
  bool creates_index() const { return step_ && step_->creates_index; }

 private:
  Revision revision_;
  Direction direction_;
  std::optional<Step> step_;
  std::uint32_t line_;
  DatabaseError cause_;
};

// The connection was lost while COMMIT was in flight: the revision may or may not be applied.
class CommitInDoubt : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Another migrator held the lock for longer than the caller was willing to wait.
class LockTimeout : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The database and the plan disagree: an unknown recorded revision, an edited applied revision,
// an interrupted concurrent index build.
class StateError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Progress {
  std::size_t revision;
  Direction direction;
  std::size_t done;   // revisions finished so far in this run, this one included
  std::size_t total;  // revisions this run will apply or revert
  std::chrono::duration<double, std::milli> elapsed;
  int retries;        // lock timeouts survived on the way
  // Reported once as the revision begins (elapsed and retries still 0), then again when it is done.
  bool started = false;
};

struct RunSettings {
  std::string lock_timeout = "5s";       // per statement: how long to queue behind a conflicting lock
  std::string statement_timeout = "0";   // 0: no limit; revisions may set their own
  int lock_retries = 3;                  // attempts after a lock timeout, with growing pauses
  bool single_transaction = false;       // the whole run in one transaction
  // Inside a transaction the caller opened and will roll back: each revision in a savepoint,
  // nothing committed. What `--rehearse` runs.
  bool in_callers_transaction = false;
  bool ignore_checksums = false;         // run although applied revisions differ from the plan
  std::string migrator_build;            // recorded with each applied revision
};

// What the version table says about one revision.
struct AppliedRevision {
  std::string revision;
  std::string checksum;
  std::string applied_at;
  double duration_ms = 0;
  std::string migrator;
};

// A database another migration tool migrated, taken over where that tool left it.
struct Adoption {
  std::string tool;                    // "Alembic", "goose", ...; empty when nothing was adopted
  std::string table;                   // the tool's history table
  std::vector<std::string> revisions;  // the heads the database was adopted at
};

class Migrator {
 public:
  Migrator(const Plan& plan, Connection& connection, RunSettings settings = {})
      : plan_(plan), connection_(connection), settings_(std::move(settings)) {}

  // Holds a session-level advisory lock until the connection closes, waiting at most `wait`.
  // A wait longer than a second is not silent: `waiting` hears who holds the lock (see
  // lock_holder) once that second has passed.
  void lock(std::chrono::milliseconds wait, const std::function<void(const std::string& holder)>& waiting = {});
  // Creates the version and history tables when missing (or brings those of an older migrator up
  // to date), adopting a database another tool migrated (foreign_history.hpp) when its history
  // table records exactly the plan's revisions up to some revision: all in one transaction, so
  // that a refusal or a crash leaves nothing behind. Returns what it adopted, if anything.
  Adoption prepare(bool adopt = true);
  // Every revision the version table records, in the order they were applied; for a database
  // another tool migrated and migc has not yet adopted, what that tool's history implies.
  std::vector<AppliedRevision> recorded();
  // The applied set; throws StateError for a recorded revision the plan does not know.
  std::vector<bool> applied();
  // Throws StateError naming every applied revision whose checksum differs from the plan's.
  void validate_checksums();
  // True when the database holds exactly the plan's revisions with the plan's checksums, read
  // as one aggregate: a start-up at head costs the same at 10,000 revisions as at 10.
  bool at_plan_head();
  // Lets the lock go before the connection closes: a service's connection lives on.
  void unlock();
  // Who holds the migration lock, if anyone: "pid 123 (smartem-migrate) since ...".
  std::optional<std::string> lock_holder();

  void upgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report);
  void downgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report);
  // Records exactly `revisions` (with their ancestors) as applied, without running anything.
  void stamp(const std::vector<std::size_t>& heads);

 private:
  void write_stamp(const std::vector<std::size_t>& heads);
  Adoption prepare_tables(bool adopt);
  // Throws StateError for a version table migc did not make; false when it lacks entry_bits.
  bool version_table_current();
  // False when another session held the lock for all of `wait`.
  bool try_lock(std::chrono::milliseconds wait);
  // A step outside a transaction, after looking in the catalog for what an interrupted run left:
  // a finished index is taken as done, an INVALID one is dropped and built again.
  void run_concurrently(std::size_t revision, Direction direction, const Step& step, const std::vector<bool>& applied);
  // The heads a foreign history puts the database at; throws StateError for a version the plan
  // lacks, or for a history that skips a revision before one it records.
  std::vector<std::size_t> adoption_heads(const ForeignHistory& history);
  void widen_alembic_version();
  void throw_if_interrupted(const std::vector<bool>& applied, std::string_view where);
  void move(const std::vector<std::size_t>& revisions, Direction direction, const std::function<void(const Progress&)>& report);
  // `deferred_checks`: end with end_of_revision_checks_sql (migrator.cpp), as a run in one
  // transaction has no commit to check what the revision deferred.
  void run_steps(std::size_t revision, Direction direction, bool deferred_checks);
  void record(std::size_t revision, Direction direction, std::vector<bool>& applied, double duration_ms);
  // One revision as one message: BEGIN, its settings, its steps, its version rows, COMMIT.
  void run_as_one_message(std::size_t revision, Direction direction, bool durable, std::vector<bool>& applied);
  std::string settings_sql(const Revision& revision, bool durable) const;
  std::optional<std::size_t> index_of(std::string_view id);
  bool alembic_table();

  const Plan& plan_;
  Connection& connection_;
  RunSettings settings_;
  std::optional<bool> alembic_;
  std::unordered_map<std::string_view, std::size_t> index_;  // revision id -> plan position
  std::optional<std::vector<AppliedRevision>> recorded_;      // read once per run
};

// The SQL an upgrade or downgrade would run, version-table updates included, for review.
std::string offline_script(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction,
                           std::vector<bool> applied, const RunSettings& settings);

// Makes the roles the plan grants to that the server lacks (NOLOGIN, nothing else), for a
// server that exists to run the plan: a throwaway one, or the round-trip tests'. Returns them.
std::vector<std::string> create_missing_roles(Connection& connection, const Plan& plan);

}  // namespace migc::runtime
