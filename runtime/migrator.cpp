// The migrator's database side.
#include "runtime/migrator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "compiler/sql_text.hpp"
#include "runtime/targets.hpp"

namespace migc::runtime {
namespace {

// "migc_loc" as a 64-bit key: every migc migrator on a database contends for this one lock.
constexpr std::int64_t advisory_lock_key = 0x6d6967635f6c6f63;
constexpr std::string_view lock_not_available = "55P03";

constexpr std::string_view version_table_sql =
    "CREATE TABLE IF NOT EXISTS migc_version (\n"
    "    revision text PRIMARY KEY,\n"
    "    checksum text NOT NULL,\n"
    "    applied_at timestamp with time zone NOT NULL DEFAULT now(),\n"
    "    duration_ms double precision,\n"
    "    migrator text NOT NULL,\n"
    "    -- the checksum's first 60 bits, summed by the start-up check (see at_plan_head)\n"
    "    checksum_bits bigint GENERATED ALWAYS AS (CASE WHEN checksum ~ '^[0-9a-f]{16}$'\n"
    "        THEN ('x0' || substr(checksum, 1, 15))::bit(64)::bigint ELSE -1 END) STORED\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS migc_history (\n"
    "    id bigserial PRIMARY KEY,\n"
    "    revision text NOT NULL,\n"
    "    operation text NOT NULL,\n"
    "    checksum text NOT NULL,\n"
    "    at timestamp with time zone NOT NULL DEFAULT now(),\n"
    "    duration_ms double precision,\n"
    "    migrator text NOT NULL\n"
    ")";

std::string_view operation_name(Direction direction) { return direction == Direction::up ? "upgrade" : "downgrade"; }

// Alembic's alembic_version holds only heads: after a move, the heads of the new applied set.
std::vector<std::string> alembic_updates(const Plan& plan, std::size_t revision, Direction direction,
                                         const std::vector<bool>& applied_before) {
  std::vector<bool> after = applied_before;
  after[revision] = direction == Direction::up;
  std::vector<std::string> sql{"DELETE FROM alembic_version"};
  for (std::size_t head : applied_heads(plan, after)) {
    sql.push_back("INSERT INTO alembic_version (version_num) VALUES (" + quote_literal(plan.revisions[head].id) + ")");
  }
  return sql;
}

bool has_table(Connection& connection, std::string_view table) {
  return connection.execute("SELECT to_regclass($1) IS NOT NULL", {std::string(table)}).value(0, 0) == "t";
}

}  // namespace

MigrationError::MigrationError(const Revision& revision, Direction direction, const Step* step,
                               const DatabaseError& cause)
    : std::runtime_error(cause.what()),
      revision_(revision),
      direction_(direction),
      line_(step != nullptr ? step->line : revision.line),
      cause_(cause) {}

void Migrator::lock(std::chrono::milliseconds wait) {
  // An advisory lock wait obeys lock_timeout, which bounds how long we queue behind another migrator.
  connection_.execute("SELECT set_config('lock_timeout', $1, false)", {std::to_string(std::max<long long>(1, wait.count()))});
  try {
    connection_.execute(fmt::format("SELECT pg_advisory_lock({})", advisory_lock_key));
  } catch (const DatabaseError& error) {
    if (error.sqlstate() == lock_not_available) {
      throw LockTimeout(fmt::format("another migrator holds the migration lock on database `{}`; gave up after {} ms "
                                    "(--lock-wait)",
                                    connection_.database(), wait.count()));
    }
    throw;
  }
  connection_.execute("RESET lock_timeout");
}

bool Migrator::alembic_table() {
  if (!alembic_) alembic_ = has_table(connection_, "alembic_version");
  return *alembic_;
}

std::vector<std::string> Migrator::prepare() {
  const bool existed = has_table(connection_, "migc_version");
  if (existed) return {};
  connection_.execute_script(version_table_sql);
  if (!alembic_table()) return {};
  // A database Alembic migrated: take it over at the revision it records.
  const Result rows = connection_.execute("SELECT version_num FROM alembic_version ORDER BY version_num");
  std::vector<std::size_t> heads;
  std::vector<std::string> adopted;
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string id(rows.value(row, 0));
    const auto found = index_of(id);
    if (!found) {
      throw StateError(fmt::format("alembic_version records revision `{}`, which this plan does not contain; "
                                   "this database cannot be adopted at that revision",
                                   id));
    }
    heads.push_back(*found);
    adopted.push_back(id);
  }
  if (!heads.empty()) stamp(heads);
  return adopted;
}

std::optional<std::size_t> Migrator::index_of(std::string_view id) {
  if (index_.empty()) {
    for (std::size_t i = 0; i < plan_.revisions.size(); ++i) index_.emplace(plan_.revisions[i].id, i);
  }
  const auto found = index_.find(id);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

std::vector<AppliedRevision> Migrator::recorded() {
  if (recorded_) return *recorded_;
  if (!has_table(connection_, "migc_version")) return {};
  const Result rows = connection_.execute(
      "SELECT revision, checksum, applied_at::text, COALESCE(duration_ms, 0), migrator FROM migc_version "
      "ORDER BY applied_at, revision");
  std::vector<AppliedRevision> revisions;
  for (int row = 0; row < rows.rows(); ++row) {
    revisions.push_back({std::string(rows.value(row, 0)), std::string(rows.value(row, 1)), std::string(rows.value(row, 2)),
                         std::stod(std::string(rows.value(row, 3))), std::string(rows.value(row, 4))});
  }
  recorded_ = revisions;
  return revisions;
}

std::vector<bool> Migrator::applied() {
  std::vector<bool> applied(plan_.revisions.size(), false);
  for (const auto& row : recorded()) {
    const auto found = index_of(row.revision);
    if (!found) {
      throw StateError(fmt::format("the database records revision `{}`, which this migrator's plan does not contain "
                                   "(a newer migrator applied it?); `stamp --purge` overrides",
                                   row.revision));
    }
    applied[*found] = true;
  }
  return applied;
}

void Migrator::validate_checksums() {
  std::string mismatches;
  for (const auto& row : recorded()) {
    const auto found = index_of(row.revision);
    if (!found || plan_.revisions[*found].checksum == row.checksum) continue;
    const Revision& revision = plan_.revisions[*found];
    mismatches += fmt::format("\n  revision {} ({}:{}) was applied as {}, but this plan has {}", revision.id,
                              revision.source, revision.line, row.checksum, revision.checksum);
  }
  if (mismatches.empty()) return;
  throw StateError("applied revisions were edited since they ran:" + mismatches +
                   "\n  an applied revision must not change: restore it and write a new revision"
                   " (--ignore-checksums runs anyway)");
}

bool Migrator::at_plan_head() {
  if (!has_table(connection_, "migc_version")) return false;
  // The sum of the checksums' first 60 bits: an edited, missing or extra row changes it.
  const Result row = connection_.execute("SELECT count(*), COALESCE(sum(checksum_bits), 0)::text FROM migc_version");
  return row.value(0, 0) == std::to_string(plan_.revisions.size()) && row.value(0, 1) == plan_.checksum_sum;
}

void Migrator::check_interrupted_indexes(const std::vector<std::size_t>& pending) {
  const Result invalid = connection_.execute(
      "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid");
  for (int row = 0; row < invalid.rows(); ++row) {
    const std::string name(invalid.value(row, 0));
    for (std::size_t revision : pending) {
      for (const Step& step : plan_.up(revision)) {
        if (step.transactional || step.sql.find(" " + name + " ON ") == std::string_view::npos) continue;
        throw StateError(fmt::format(
            "index `{}` is INVALID: an earlier `create index concurrently` of revision {} ({}:{}) was interrupted; "
            "drop it with `DROP INDEX CONCURRENTLY {};` and run the upgrade again",
            name, plan_.revisions[revision].id, plan_.revisions[revision].source, step.line, name));
      }
    }
  }
}

void Migrator::run_steps(std::size_t revision, Direction direction) {
  const Revision& meta = plan_.revisions[revision];
  const Step* current = nullptr;
  try {
    for (const Step& step : direction == Direction::up ? plan_.up(revision) : plan_.down(revision)) {
      if (!step.transactional) continue;  // run before the transaction, see move()
      current = &step;
      connection_.execute_script(step.sql);
    }
  } catch (const DatabaseError& error) {
    throw MigrationError(meta, direction, current, error);
  }
}

void Migrator::record(std::size_t revision, Direction direction, std::vector<bool>& applied, double duration_ms) {
  const Revision& meta = plan_.revisions[revision];
  const std::string id(meta.id);
  const std::string checksum(meta.checksum);
  if (direction == Direction::up) {
    connection_.execute("INSERT INTO migc_version (revision, checksum, duration_ms, migrator) VALUES ($1, $2, $3, $4)",
                        {id, checksum, std::to_string(duration_ms), settings_.migrator_build});
  } else {
    connection_.execute("DELETE FROM migc_version WHERE revision = $1", {id});
  }
  connection_.execute("INSERT INTO migc_history (revision, operation, checksum, duration_ms, migrator) VALUES ($1, $2, $3, $4, $5)",
                      {id, std::string(operation_name(direction)), checksum, std::to_string(duration_ms), settings_.migrator_build});
  // Kept current so that a team can go back to Alembic.
  if (alembic_table()) {
    for (const auto& sql : alembic_updates(plan_, revision, direction, applied)) connection_.execute(sql);
  }
  applied[revision] = direction == Direction::up;
}

void Migrator::move(const std::vector<std::size_t>& revisions, Direction direction,
                    const std::function<void(const Progress&)>& report) {
  std::vector<bool> applied = this->applied();
  recorded_.reset();  // the run changes it
  const bool one_transaction = settings_.single_transaction || settings_.in_callers_transaction;
  if (!one_transaction) {
    for (std::size_t i = 0; i < revisions.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      int retries = 0;
      for (;;) {
        try {
          run_as_one_message(revisions[i], direction, i + 1 == revisions.size(), applied);
          break;
        } catch (const MigrationError& error) {
          if (error.cause().sqlstate() != lock_not_available || retries >= settings_.lock_retries) throw;
          // Give the conflicting transaction time to finish: 0.5 s, 1 s, 2 s, ...
          std::this_thread::sleep_for(std::chrono::milliseconds(500 << retries));
          ++retries;
        }
      }
      report({revisions[i], direction, i + 1, revisions.size(), std::chrono::steady_clock::now() - start, retries});
    }
    return;
  }
  // PostgreSQL runs `concurrently` only outside a transaction block: refuse before changing anything.
  for (const std::size_t revision : revisions) {
    for (const Step& step : direction == Direction::up ? plan_.up(revision) : plan_.down(revision)) {
      if (step.transactional) continue;
      throw StateError(fmt::format("revision {} builds or drops an index `concurrently`, which PostgreSQL runs only outside "
                                   "a transaction, so it cannot be part of a run in one transaction (--single-transaction, "
                                   "--rehearse); stop at the revision before it",
                                   plan_.revisions[revision].id));
    }
  }
  std::optional<Transaction> whole_run;
  if (settings_.single_transaction && !settings_.in_callers_transaction) whole_run.emplace(connection_);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const std::size_t revision = revisions[i];
    const Revision& meta = plan_.revisions[revision];
    const auto start = std::chrono::steady_clock::now();
    int retries = 0;
    for (;;) {
      const std::string savepoint = "migc_revision";
      connection_.execute("SAVEPOINT " + savepoint);
      connection_.execute("SELECT set_config('lock_timeout', $1, true)",
                          {meta.lock_timeout.empty() ? settings_.lock_timeout : std::string(meta.lock_timeout)});
      connection_.execute("SELECT set_config('statement_timeout', $1, true)",
                          {meta.statement_timeout.empty() ? settings_.statement_timeout : std::string(meta.statement_timeout)});
      try {
        run_steps(revision, direction);
        const double duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        record(revision, direction, applied, duration_ms);
        connection_.execute("RELEASE SAVEPOINT " + savepoint);
        break;
      } catch (const MigrationError& error) {
        if (error.cause().sqlstate() != lock_not_available || retries >= settings_.lock_retries) throw;
        connection_.execute("ROLLBACK TO SAVEPOINT " + savepoint);
        // Give the conflicting transaction time to finish: 0.5 s, 1 s, 2 s, ...
        std::this_thread::sleep_for(std::chrono::milliseconds(500 << retries));
        ++retries;
      }
    }
    report({revision, direction, i + 1, revisions.size(), std::chrono::steady_clock::now() - start, retries});
  }
  if (whole_run) whole_run->commit();
}

std::string Migrator::settings_sql(const Revision& revision, bool durable) const {
  std::string sql = fmt::format(
      "SET LOCAL lock_timeout = {};\nSET LOCAL statement_timeout = {};\n",
      quote_literal(revision.lock_timeout.empty() ? settings_.lock_timeout : std::string(revision.lock_timeout)),
      quote_literal(revision.statement_timeout.empty() ? settings_.statement_timeout : std::string(revision.statement_timeout)));
  // Only the run's last commit waits for the disk: earlier ones stay atomic and ordered, and the
  // last flush makes them all durable (a crash before it loses whole revisions, never part).
  if (!durable) sql += "SET LOCAL synchronous_commit = off;\n";
  return sql;
}

void Migrator::run_as_one_message(std::size_t revision, Direction direction, bool durable, std::vector<bool>& applied) {
  const Revision& meta = plan_.revisions[revision];
  const auto steps = direction == Direction::up ? plan_.up(revision) : plan_.down(revision);
  // A step PostgreSQL refuses inside a transaction runs first, on its own; the compiler makes it
  // the revision's only step. Not retried: a failed concurrent build leaves an index to drop first.
  for (const Step& step : steps) {
    if (step.transactional) continue;
    try {
      connection_.execute_script(step.sql);
    } catch (const DatabaseError& error) {
      throw MigrationError(meta, direction, &step, error);
    }
  }
  // One round trip for the whole revision. The version rows are written in the same
  // transaction; the duration is the server's, from BEGIN to the row.
  std::string message = "BEGIN;\n" + settings_sql(meta, durable);
  for (const Step& step : steps) {
    if (step.transactional) message += std::string(step.sql) + ";\n";
  }
  const std::string id = quote_literal(meta.id);
  const std::string checksum = quote_literal(meta.checksum);
  const std::string build = quote_literal(settings_.migrator_build);
  const std::string duration = "1000 * extract(epoch FROM clock_timestamp() - now())";
  if (direction == Direction::up) {
    message += fmt::format("INSERT INTO migc_version (revision, checksum, duration_ms, migrator) VALUES ({}, {}, {}, {});\n",
                           id, checksum, duration, build);
  } else {
    message += fmt::format("DELETE FROM migc_version WHERE revision = {};\n", id);
  }
  message += fmt::format("INSERT INTO migc_history (revision, operation, checksum, duration_ms, migrator) VALUES ({}, '{}', {}, {}, {});\n",
                         id, operation_name(direction), checksum, duration, build);
  // Kept current so that a team can go back to Alembic.
  if (alembic_table()) {
    for (const auto& sql : alembic_updates(plan_, revision, direction, applied)) message += sql + ";\n";
  }
  // Fault injection for tests: the server goes away just as this revision commits.
  if (const char* fault = std::getenv("MIGC_FAULT_DROP_AT_COMMIT"); fault != nullptr && meta.id == fault) {
    message += "SELECT pg_terminate_backend(pg_backend_pid());\n";
  }
  message += "COMMIT;";
  try {
    connection_.execute_script(message);
  } catch (const DatabaseError& error) {
    connection_.execute("ROLLBACK");
    const Step* step = failing_step(revision, direction);
    // The server's error, told against the statement that caused it rather than the whole message.
    throw MigrationError(meta, direction, step,
                         DatabaseError(error.sqlstate(), error.what(), error.detail(), error.hint(),
                                       step != nullptr ? std::string(step->sql) : std::string()));
  } catch (const ConnectionError& error) {
    // The message ends in COMMIT: the server may have committed before the connection went.
    throw CommitInDoubt(fmt::format(
        "the connection was lost while running and committing revision {} ({}): it may or may not be applied; run "
        "`current` to see where the database is, then run the command again",
        meta.id, error.what()));
  }
  applied[revision] = direction == Direction::up;
}

const Step* Migrator::failing_step(std::size_t revision, Direction direction) {
  const Step* failing = nullptr;
  try {
    Transaction probe(connection_);  // never committed
    connection_.execute_script(settings_sql(plan_.revisions[revision], true));
    for (const Step& step : direction == Direction::up ? plan_.up(revision) : plan_.down(revision)) {
      if (!step.transactional) continue;
      failing = &step;
      connection_.execute_script(step.sql);
    }
    failing = nullptr;  // every step ran: the failure was in the version rows, or transient
  } catch (const DatabaseError&) {
  }
  return failing;
}

void Migrator::upgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  move(revisions, Direction::up, report);
}

void Migrator::downgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  require_reversible(plan_, revisions);
  move(revisions, Direction::down, report);
}

void Migrator::stamp(const std::vector<std::size_t>& heads) {
  recorded_.reset();
  const std::vector<bool> applied = ancestry(plan_, heads);
  Transaction transaction(connection_);
  connection_.execute("DELETE FROM migc_version");
  const std::string migrator = settings_.migrator_build + " (stamp)";
  for (std::size_t i = 0; i < plan_.revisions.size(); ++i) {
    if (!applied[i]) continue;
    const std::string id(plan_.revisions[i].id);
    const std::string checksum(plan_.revisions[i].checksum);
    connection_.execute("INSERT INTO migc_version (revision, checksum, migrator) VALUES ($1, $2, $3)", {id, checksum, migrator});
  }
  for (std::size_t head : heads) {
    connection_.execute("INSERT INTO migc_history (revision, operation, checksum, migrator) VALUES ($1, 'stamp', $2, $3)",
                        {std::string(plan_.revisions[head].id), std::string(plan_.revisions[head].checksum), migrator});
  }
  if (alembic_table()) {
    connection_.execute("DELETE FROM alembic_version");
    for (std::size_t head : heads) {
      connection_.execute("INSERT INTO alembic_version (version_num) VALUES ($1)", {std::string(plan_.revisions[head].id)});
    }
  }
  transaction.commit();
}

std::string offline_script(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction,
                           std::vector<bool> applied, const RunSettings& settings) {
  std::string script = fmt::format("-- {} of chain `{}`, written by its migrator for review; run with psql -1 -f or as is\n\n",
                                   direction == Direction::up ? "Upgrade" : "Downgrade", plan.name);
  script += std::string(version_table_sql) + ";\n\n";
  for (std::size_t revision : revisions) {
    const Revision& meta = plan.revisions[revision];
    script += fmt::format("-- Running {} {}: {} ({}:{})\n\n", operation_name(direction), meta.id, meta.message,
                          meta.source, meta.line);
    const auto steps = direction == Direction::up ? plan.up(revision) : plan.down(revision);
    for (const Step& step : steps) {
      if (!step.transactional) script += std::string(step.sql) + ";\n\n";
    }
    script += fmt::format("BEGIN;\nSET LOCAL lock_timeout = {};\nSET LOCAL statement_timeout = {};\n\n",
                          quote_literal(meta.lock_timeout.empty() ? settings.lock_timeout : std::string(meta.lock_timeout)),
                          quote_literal(meta.statement_timeout.empty() ? settings.statement_timeout : std::string(meta.statement_timeout)));
    for (const Step& step : steps) {
      if (step.transactional) script += std::string(step.sql) + ";\n\n";
    }
    if (direction == Direction::up) {
      script += fmt::format("INSERT INTO migc_version (revision, checksum, migrator) VALUES ({}, {}, 'offline script');\n",
                            quote_literal(meta.id), quote_literal(meta.checksum));
    } else {
      script += fmt::format("DELETE FROM migc_version WHERE revision = {};\n", quote_literal(meta.id));
    }
    script += fmt::format("INSERT INTO migc_history (revision, operation, checksum, migrator) VALUES ({}, '{}', {}, 'offline script');\n",
                          quote_literal(meta.id), operation_name(direction), quote_literal(meta.checksum));
    script += "\nCOMMIT;\n\n";
    applied[revision] = direction == Direction::up;
  }
  return script;
}

}  // namespace migc::runtime
