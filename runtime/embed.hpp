// Migrating from inside a service, at start-up, as `<migrator> upgrade head` does from a shell:
// the same advisory lock, checksum validation, lock and statement timeouts with retries, and one
// transaction per revision with its version row. Link the plan library add_migrations() makes
// (`<name>_plan`), and pass migc::runtime::linked_plan().
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace migc {

struct UpgradeSettings {
  std::string target = "head";  // or a revision id, a unique prefix, +N
  std::chrono::milliseconds lock_wait = std::chrono::seconds(60);  // for another migrator's lock
  std::string lock_timeout = "5s";      // per statement, as --lock-timeout
  std::string statement_timeout = "0";  // 0: no limit, as --statement-timeout
  int lock_retries = 3;                 // as --retries
  // Recorded in migc_version with each revision it applies, and, for a connection it opens,
  // its application_name in pg_stat_activity.
  std::string application_name = "migc-embedded";
};

struct UpgradeStep {
  std::string revision;
  std::string message;
  double duration_ms = 0;
  int lock_retries = 0;
};

struct UpgradeResult {
  std::string database;           // as libpq resolved it, without a password
  std::vector<std::string> from;  // the database's heads before ("base": none)
  std::vector<std::string> to;    // and after
  std::vector<UpgradeStep> applied;
  // One line for the service's log: "upgraded database `shop` ... from base to b2 (2 revisions)".
  std::string summary() const;
};

// A revision's SQL failed: what() names the revision, its source line, the SQLSTATE and the
// server's message; that revision was rolled back, and those before it stay applied.
class UpgradeFailed : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// On the service's own connection, which must be open and outside a transaction. Nothing of it
// is changed afterwards: the session settings the migrator sets are put back, and its lock
// released. Other errors (another migrator holding the lock past lock_wait, an edited applied
// revision, an unknown target, a lost connection) are std::runtime_error with a message to log.
UpgradeResult upgrade(const runtime::Plan& plan, PGconn* connection, const UpgradeSettings& settings = {});
// On a connection of its own, to a libpq URL or key=value conninfo ("" for the PG* variables).
UpgradeResult upgrade(const runtime::Plan& plan, const std::string& conninfo, const UpgradeSettings& settings = {});

}  // namespace migc
