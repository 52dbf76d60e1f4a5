// The migrator's database side.
#include "runtime/migrator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <thread>

#include "postgres/sql_text.hpp"
#include "runtime/drift.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/targets.hpp"

namespace migc::runtime {
namespace {

// "migc_loc" as a 64-bit key: every migc migrator on a database contends for this one lock.
constexpr std::int64_t advisory_lock_key = 0x6d6967635f6c6f63;
constexpr std::string_view lock_not_available = "55P03";
constexpr std::string_view insufficient_privilege = "42501";

// `CREATE [UNIQUE] INDEX CONCURRENTLY name ...` as the index it builds is printed.
std::string without_concurrently(std::string_view sql) {
  std::string text(sql);
  if (const auto at = text.find(" CONCURRENTLY "); at != std::string::npos) text.erase(at, std::string_view(" CONCURRENTLY").size());
  return text;
}

// The first 60 bits of MD5("<revision> <checksum>") (immutable, as a generated column needs;
// sha256() of text is not): the compiler sums the same bits of the plan's revisions
// (plan_writer.cpp), so one aggregate compares the exact set of applied pairs.
#define ENTRY_BITS_SQL "('x0' || substr(md5(revision || ' ' || checksum), 1, 15))::bit(64)::bigint"

// What an older migrator's version table lacks: the column the start-up check sums.
constexpr std::string_view version_table_upgrade_sql =
    "ALTER TABLE migc_version DROP COLUMN IF EXISTS checksum_bits, "
    "ADD COLUMN IF NOT EXISTS entry_bits bigint GENERATED ALWAYS AS (" ENTRY_BITS_SQL ") STORED";

// A run in one transaction (--single-transaction, --rehearse) has no commit between revisions,
// where PostgreSQL would check what a revision deferred and the next would start with every
// constraint in its declared mode. This does both at the end of each revision. Without it, rows
// one revision writes under an `initially deferred` key stay pending, and the next revision's
// ALTER TABLE of their table fails (55006) where a run revision by revision succeeds. A name
// some constraint of its schema declares immediate is left immediate: PostgreSQL refuses to
// defer it (SET CONSTRAINTS takes every constraint of that name in the schema).
constexpr std::string_view end_of_revision_checks_sql = R"(DO $migc$
DECLARE
  deferred record;
BEGIN
  SET CONSTRAINTS ALL IMMEDIATE;
  FOR deferred IN
    SELECT n.nspname, k.conname
    FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
    WHERE NOT pg_catalog.pg_is_other_temp_schema(k.connamespace)
    GROUP BY n.nspname, k.conname
    HAVING bool_and(k.condeferred)
  LOOP
    EXECUTE pg_catalog.format('SET CONSTRAINTS %I.%I DEFERRED', deferred.nspname, deferred.conname);
  END LOOP;
END
$migc$)";

// Whether a revision of the chain may create an initially deferred constraint: PostgreSQL's
// keyword is in its SQL, raw SQL's included. Most chains have none, and their runs in one
// transaction skip end_of_revision_checks_sql unless the database has one already.
bool chain_may_defer_checks(const Plan& plan) {
  constexpr std::string_view keyword = "deferred";
  for (std::size_t revision = 0; revision < plan.revisions.size(); ++revision) {
    for (const auto& steps : {plan.up(revision), plan.down(revision)}) {
      for (const Step& step : steps) {
        const std::string_view sql = step.sql;
        const auto found = std::search(sql.begin(), sql.end(), keyword.begin(), keyword.end(),
                                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
        if (found != sql.end()) return true;
      }
    }
  }
  return false;
}

constexpr std::string_view version_table_sql =
    "CREATE TABLE IF NOT EXISTS migc_version (\n"
    "    revision text PRIMARY KEY,\n"
    "    checksum text NOT NULL,\n"
    "    applied_at timestamp with time zone NOT NULL DEFAULT now(),\n"
    "    duration_ms double precision,\n"
    "    migrator text NOT NULL,\n"
    "    -- 60 bits of a digest of (revision, checksum), summed by the start-up check (see at_plan_head)\n"
    "    entry_bits bigint GENERATED ALWAYS AS (" ENTRY_BITS_SQL ") STORED\n"
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

std::string foreign_version_table(std::string_view why) {
  return fmt::format("the version table migc_version is not one a migc migrator made ({}); "
                     "move it aside, then `stamp` the revision the database is at",
                     why);
}

// PostgreSQL runs `concurrently`, `vacuum` and their kin only outside a transaction block: a run
// in one transaction refuses such a revision before changing anything.
void require_transactional(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction) {
  for (const std::size_t revision : revisions) {
    for (const Step& step : direction == Direction::up ? plan.up(revision) : plan.down(revision)) {
      if (step.transactional) continue;
      throw StateError(fmt::format("revision {} {}, which PostgreSQL runs only outside a transaction, so it cannot be part of "
                                   "a run in one transaction (--single-transaction, --rehearse); stop at the revision before it",
                                   plan.revisions[revision].id,
                                   step.concurrent_index.empty() ? "has a step `outside transaction`"
                                                                 : "builds or drops an index `concurrently`"));
    }
  }
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
      step_(step != nullptr ? std::optional<Step>(*step) : std::nullopt),
      line_(step != nullptr ? step->line : revision.line),
      cause_(cause) {}

bool Migrator::try_lock(std::chrono::milliseconds wait) {
  // An advisory lock wait obeys lock_timeout, which bounds how long we queue behind another migrator.
  connection_.execute("SELECT set_config('lock_timeout', $1, false)", {std::to_string(std::max<long long>(1, wait.count()))});
  try {
    connection_.execute(fmt::format("SELECT pg_advisory_lock({})", advisory_lock_key));
  } catch (const DatabaseError& error) {
    if (const int signal = interrupted()) throw Interrupted(signal, "while waiting for the migration lock; nothing was changed");
    if (error.sqlstate() == lock_not_available) return false;
    throw;
  }
  connection_.execute("RESET lock_timeout");
  return true;
}

void Migrator::lock(std::chrono::milliseconds wait, const std::function<void(const std::string& holder)>& waiting) {
  constexpr std::chrono::milliseconds quiet(1000);
  std::chrono::milliseconds rest = wait;
  if (waiting && wait > quiet) {
    if (try_lock(quiet)) return;
    // Gone in between: nobody to name, and the rest of the wait will likely be short.
    if (const auto holder = lock_holder()) waiting(*holder);
    rest = wait - quiet;
  }
  if (try_lock(rest)) return;
  const auto holder = lock_holder();
  throw LockTimeout(fmt::format("another migrator{} holds the migration lock on database `{}`; gave up after {} ms "
                                "(--lock-wait)",
                                holder ? " (" + *holder + ")" : "", connection_.database(), wait.count()));
}

void Migrator::unlock() { connection_.execute(fmt::format("SELECT pg_advisory_unlock({})", advisory_lock_key)); }

std::optional<std::string> Migrator::lock_holder() {
  // A bigint advisory key is held as classid (high half) and objid (low half), objsubid 1.
  const Result row = connection_.execute(fmt::format(
      "SELECT a.pid, a.application_name, a.backend_start::timestamp(0)::text FROM pg_locks l "
      "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.classid = {} AND l.objid = {} AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND a.pid <> pg_backend_pid() LIMIT 1",
      static_cast<std::uint32_t>(advisory_lock_key >> 32), static_cast<std::uint32_t>(advisory_lock_key & 0xffffffff)));
  if (row.rows() == 0) return std::nullopt;
  const std::string application(row.value(0, 1));
  return fmt::format("pid {}{}, connected since {}", row.value(0, 0), application.empty() ? "" : ", " + application,
                     row.value(0, 2));
}

bool Migrator::alembic_table() {
  if (!alembic_) alembic_ = has_table(connection_, "alembic_version");
  return *alembic_;
}

std::vector<std::size_t> Migrator::adoption_heads(const ForeignHistory& history) {
  std::vector<bool> applied(plan_.revisions.size(), false);
  for (const RecordedVersion& version : history.applied) {
    const auto found = index_of(version.id);
    if (!found) {
      throw StateError(fmt::format("{} records {} `{}`, which this plan does not contain; "
                                   "this database cannot be adopted at that revision",
                                   history.table, history.noun, version.id));
    }
    if (!version.with_ancestors) {
      applied[*found] = true;
      continue;
    }
    const auto up_to = ancestry(plan_, {*found});
    for (std::size_t i = 0; i < applied.size(); ++i) applied[i] = applied[i] || up_to[i];
  }
  // Exactly the plan's revisions up to the heads: a revision skipped before a recorded one was
  // never applied, and whatever builds on it may not fit the schema.
  const auto heads = applied_heads(plan_, applied);
  for (std::size_t head : heads) {
    const auto up_to = ancestry(plan_, {head});
    for (std::size_t i = 0; i < up_to.size(); ++i) {
      if (!up_to[i] || applied[i]) continue;
      throw StateError(fmt::format("{} records {} `{}` but not `{}`, which comes before it in this plan; "
                                   "this database cannot be adopted with a gap in its history",
                                   history.table, history.noun, plan_.revisions[head].id, plan_.revisions[i].id));
    }
  }
  return heads;
}

// Alembic makes version_num varchar(32); a longer id of the plan would not fit.
void Migrator::widen_alembic_version() {
  std::size_t longest = 0;
  for (const Revision& revision : plan_.revisions) longest = std::max(longest, revision.id.size());
  const Result width = connection_.execute(
      "SELECT atttypmod - 4 FROM pg_attribute WHERE attrelid = to_regclass('alembic_version') AND attname = 'version_num' "
      "AND atttypid = 'character varying'::regtype AND atttypmod > 0");
  if (width.rows() == 0 || std::stoul(std::string(width.value(0, 0))) >= longest) return;
  connection_.execute(fmt::format("ALTER TABLE alembic_version ALTER COLUMN version_num TYPE varchar({})", longest));
}

bool Migrator::version_table_current() {
  const Result columns = connection_.execute(
      "SELECT count(*) FILTER (WHERE attname IN ('applied_at', 'duration_ms', 'migrator') "
      "  OR attname IN ('revision', 'checksum') AND atttypid = 'text'::regtype), "
      "count(*) FILTER (WHERE attname = 'entry_bits') FROM pg_attribute "
      "WHERE attrelid = to_regclass('migc_version') AND attnum > 0 AND NOT attisdropped");
  if (columns.value(0, 0) != "5") {
    throw StateError(foreign_version_table("it lacks the columns, or the types, a migc migrator writes"));
  }
  return columns.value(0, 1) == "1";
}

Adoption Migrator::prepare_tables(bool adopt) {
  // Behind a lock of live traffic on alembic_version, say, for no longer than a revision waits.
  connection_.execute("SELECT set_config('lock_timeout', $1, true)", {settings_.lock_timeout});
  if (alembic_table()) widen_alembic_version();
  Adoption adopted;
  if (has_table(connection_, "migc_version")) {
    if (!version_table_current()) connection_.execute(version_table_upgrade_sql);
  } else {
    connection_.execute_script(version_table_sql);
    // A database another tool migrated: take it over at the revisions it records, or not at all.
    if (const auto history = adopt ? read_foreign_history(connection_) : std::nullopt) {
      const auto heads = adoption_heads(*history);
      adopted.tool = history->tool;
      adopted.table = history->table;
      for (std::size_t head : heads) adopted.revisions.emplace_back(plan_.revisions[head].id);
      if (!heads.empty()) write_stamp(heads);
    }
  }
  recorded_.reset();
  return adopted;
}

Adoption Migrator::prepare(bool adopt) {
  std::optional<Transaction> transaction;
  if (!settings_.in_callers_transaction) transaction.emplace(connection_);
  auto adopted = prepare_tables(adopt);
  if (transaction) transaction->commit();
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
  std::vector<AppliedRevision> revisions;
  if (!has_table(connection_, "migc_version")) {
    // Not yet adopted: what another tool records, as the first run will adopt it.
    if (const auto history = read_foreign_history(connection_)) {
      const auto applied = ancestry(plan_, adoption_heads(*history));
      const std::string by = fmt::format("{} (not yet adopted by migc)", history->tool);
      for (std::size_t i = 0; i < plan_.revisions.size(); ++i) {
        if (applied[i]) revisions.push_back({std::string(plan_.revisions[i].id), std::string(plan_.revisions[i].checksum), "", 0, by});
      }
    }
    recorded_ = revisions;
    return revisions;
  }
  version_table_current();  // a table of another shape is refused before it is read
  std::optional<Result> rows;
  try {
    rows.emplace(connection_.execute(
        "SELECT revision::text, checksum::text, applied_at::text, duration_ms::text, migrator::text FROM migc_version "
        "ORDER BY applied_at, revision"));
  } catch (const DatabaseError& error) {
    throw StateError(foreign_version_table(fmt::format("{} {}", error.sqlstate(), error.what())));
  }
  const auto text = [&](int row, int column) { return rows->is_null(row, column) ? std::string() : std::string(rows->value(row, column)); };
  for (int row = 0; row < rows->rows(); ++row) {
    if (rows->is_null(row, 0) || rows->is_null(row, 1)) {
      throw StateError("the version table migc_version has a row without a revision or checksum; it was edited by hand: "
                       "restore it, or `stamp --purge` the revision the database is at");
    }
    // Whatever a hand-edited row holds, a duration is only shown.
    double duration_ms = 0;
    const std::string duration = text(row, 3);
    std::from_chars(duration.data(), duration.data() + duration.size(), duration_ms);
    revisions.push_back({text(row, 0), text(row, 1), text(row, 2), duration_ms, text(row, 4)});
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
  // An older migrator's table has no entry_bits: not the fast path, prepare() brings it up to date.
  const Result shape = connection_.execute(
      "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('migc_version') AND attname = 'entry_bits' "
      "AND NOT attisdropped");
  if (shape.value(0, 0) != "1") return false;
  // The sum of 60 bits of a digest of each (revision, checksum): an edited, renamed, missing or
  // extra row changes it.
  const Result row = connection_.execute("SELECT count(*), COALESCE(sum(entry_bits), 0)::text FROM migc_version");
  return row.value(0, 0) == std::to_string(plan_.revisions.size()) && row.value(0, 1) == plan_.entry_sum;
}

void Migrator::run_steps(std::size_t revision, Direction direction, bool deferred_checks) {
  const Revision& meta = plan_.revisions[revision];
  std::optional<Step> current;
  try {
    for (const Step& step : direction == Direction::up ? plan_.up(revision) : plan_.down(revision)) {
      if (!step.transactional) continue;  // refused up front, see move()
      current = step;
      connection_.execute_script(step.sql);
    }
    // A violation found here is the revision's, as at its commit: no statement of it is named.
    current.reset();
    if (deferred_checks) connection_.execute(end_of_revision_checks_sql);
  } catch (const DatabaseError& error) {
    if (current) throw MigrationError(meta, direction, &*current, error);
    // The revision's, as at a commit: the migrator's own statement is not the user's to read.
    throw MigrationError(meta, direction, nullptr, DatabaseError(error.sqlstate(), error.what(), error.detail(), error.hint(), std::string()));
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

void Migrator::throw_if_interrupted(const std::vector<bool>& applied, std::string_view where) {
  const int signal = interrupted();
  if (signal == 0) return;
  std::string heads;
  for (std::size_t head : applied_heads(plan_, applied)) heads += (heads.empty() ? "" : ", ") + std::string(plan_.revisions[head].id);
  throw Interrupted(signal, fmt::format("{}; the database is at {}", where, heads.empty() ? "base" : heads));
}

namespace {

// After a lock timeout, time for the conflicting transaction to finish: 0.5 s, 1 s, 2 s, ...
// at most a minute; cut short by SIGINT or SIGTERM.
void pause_before_retry(int retries) {
  const auto pause = std::chrono::milliseconds(500) * (1LL << std::min(retries, 7));
  const auto until = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(pause, std::chrono::minutes(1));
  while (std::chrono::steady_clock::now() < until && interrupted() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void Migrator::move(const std::vector<std::size_t>& revisions, Direction direction,
                    const std::function<void(const Progress&)>& report) {
  std::vector<bool> applied = this->applied();
  recorded_.reset();  // the run changes it
  const bool one_transaction = settings_.single_transaction || settings_.in_callers_transaction;
  const std::string_view verb = direction == Direction::up ? "upgrade" : "downgrade";
  if (!one_transaction) {
    for (std::size_t i = 0; i < revisions.size(); ++i) {
      const Revision& meta = plan_.revisions[revisions[i]];
      throw_if_interrupted(applied, i == 0 ? fmt::format("stopped before revision {}", meta.id)
                                           : fmt::format("stopped after revision {}", plan_.revisions[revisions[i - 1]].id));
      report({revisions[i], direction, i + 1, revisions.size(), {}, 0, true});
      const auto start = std::chrono::steady_clock::now();
      int retries = 0;
      for (;;) {
        try {
          run_as_one_message(revisions[i], direction, i + 1 == revisions.size(), applied);
          break;
        } catch (const MigrationError& error) {
          const auto steps = direction == Direction::up ? plan_.up(revisions[i]) : plan_.down(revisions[i]);
          const auto outside = std::find_if(steps.begin(), steps.end(), [](const Step& step) { return !step.transactional; });
          throw_if_interrupted(applied, outside == steps.end() ? fmt::format("the {} of revision {} was cancelled and rolled back", verb, meta.id)
                                        : (*outside).concurrent_index.empty()
                                            ? fmt::format("the {} of revision {} was cancelled; the statements of its step outside "
                                                          "a transaction that ran before stay done, and the next run runs the "
                                                          "step again from its first statement",
                                                          verb, meta.id)
                                            : fmt::format("the {} of revision {} was cancelled; an index it was "
                                                          "building or dropping concurrently may be left INVALID, "
                                                          "which the next run builds or drops again",
                                                          verb, meta.id));
          if (error.cause().sqlstate() != lock_not_available || retries >= settings_.lock_retries) throw;
          pause_before_retry(retries);
          ++retries;
          throw_if_interrupted(applied, fmt::format("stopped before trying revision {} again", meta.id));
        }
      }
      report({revisions[i], direction, i + 1, revisions.size(), std::chrono::steady_clock::now() - start, retries});
    }
    // A signal that came as the last revision committed: done, but said.
    throw_if_interrupted(applied, fmt::format("it came as the run's last revision, {}, committed",
                                              plan_.revisions[revisions.back()].id));
    return;
  }
  require_transactional(plan_, revisions, direction);
  const bool deferred_checks =
      chain_may_defer_checks(plan_) ||
      connection_.execute("SELECT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE condeferred)").value(0, 0) == "t";
  const std::vector<bool> applied_before = applied;
  std::optional<Transaction> whole_run;
  if (settings_.single_transaction && !settings_.in_callers_transaction) whole_run.emplace(connection_);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const std::size_t revision = revisions[i];
    const Revision& meta = plan_.revisions[revision];
    throw_if_interrupted(applied_before, "the run was cancelled and rolled back as a whole");
    report({revision, direction, i + 1, revisions.size(), {}, 0, true});
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
        run_steps(revision, direction, deferred_checks);
        const double duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        record(revision, direction, applied, duration_ms);
        connection_.execute("RELEASE SAVEPOINT " + savepoint);
        break;
      } catch (const MigrationError& error) {
        throw_if_interrupted(applied_before, "the run was cancelled and rolled back as a whole");
        if (error.cause().sqlstate() != lock_not_available || retries >= settings_.lock_retries) throw;
        connection_.execute("ROLLBACK TO SAVEPOINT " + savepoint);
        pause_before_retry(retries);
        ++retries;
        throw_if_interrupted(applied_before, "the run was cancelled and rolled back as a whole");
      }
    }
    report({revision, direction, i + 1, revisions.size(), std::chrono::steady_clock::now() - start, retries});
  }
  throw_if_interrupted(applied_before, "the run was cancelled and rolled back as a whole");
  if (!whole_run) return;
  try {
    whole_run->commit();
  } catch (const ConnectionError& error) {
    throw CommitInDoubt(fmt::format(
        "the connection was lost while committing the run ({}): all of it or none of it is applied; run `current` to "
        "see which, then run the command again",
        error.what()));
  }
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

void Migrator::run_concurrently(std::size_t revision, Direction direction, const Step& step,
                                const std::vector<bool>& applied) {
  const Revision& meta = plan_.revisions[revision];
  // The revision's timeouts hold here too, for the session, as no transaction carries them.
  connection_.execute("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)",
                      {meta.lock_timeout.empty() ? settings_.lock_timeout : std::string(meta.lock_timeout),
                       meta.statement_timeout.empty() ? settings_.statement_timeout : std::string(meta.statement_timeout)});
  try {
    if (step.concurrent_index.empty()) {
      // A statement of an `execute outside transaction` step: run again whole by the next run
      // when this one did not record the revision.
      connection_.execute_script(step.sql);
      connection_.execute_script("RESET lock_timeout; RESET statement_timeout");
      return;
    }
    const auto found = find_index(connection_, step.concurrent_index);
    if (!step.creates_index) {
      // Gone already: the server finished the drop after an earlier run was interrupted.
      if (found) connection_.execute_script(step.sql);
    } else if (found && found->valid) {
      // Built already, by an earlier run the server finished after it was interrupted, if it is
      // the index the plan builds.
      std::vector<bool> after = applied;
      after[revision] = direction == Direction::up;
      std::optional<std::string> planned;
      try {
        planned = planned_index_definition(connection_, plan_, after, step.concurrent_index);
      } catch (const DatabaseError& error) {
        if (error.sqlstate() != insufficient_privilege) throw;
        // No right to build the plan's schema in a scratch schema: the statement's own text, as
        // PostgreSQL prints an index it built, is what such an index looks like in the common
        // case (columns, no expressions); anything else is refused below, never taken.
        planned = without_concurrently(step.sql);
      }
      if (!planned || *planned != found->definition) {
        throw StateError(fmt::format(
            "revision {} ({}:{}) builds index {} in schema `{}`, but a different index of that name is there:\n"
            "  found:    {}\n  expected: {}\n  drop it (DROP INDEX CONCURRENTLY {}) and run again",
            meta.id, meta.source, step.line, step.concurrent_index, found->schema, found->definition,
            planned ? *planned : "(an index of the chain's own schema)", step.concurrent_index));
      }
    } else {
      // An INVALID index is what an interrupted build leaves: it is built again from the start.
      if (found) connection_.execute_script("DROP INDEX CONCURRENTLY " + std::string(step.concurrent_index));
      connection_.execute_script(step.sql);
    }
  } catch (const DatabaseError& error) {
    connection_.execute_script("RESET lock_timeout; RESET statement_timeout");
    throw MigrationError(meta, direction, &step, error);
  }
  connection_.execute_script("RESET lock_timeout; RESET statement_timeout");
}

void Migrator::run_as_one_message(std::size_t revision, Direction direction, bool durable, std::vector<bool>& applied) {
  const Revision& meta = plan_.revisions[revision];
  const auto steps = direction == Direction::up ? plan_.up(revision) : plan_.down(revision);
  // A step PostgreSQL refuses inside a transaction runs first, on its own; the compiler makes it
  // the revision's only step.
  for (const Step& step : steps) {
    if (!step.transactional) run_concurrently(revision, direction, step, applied);
  }
  // One round trip for the whole revision. The version rows are written in the same
  // transaction; the duration is the server's, from BEGIN to the row. A marker before each step
  // tells, when one fails, which it was.
  std::string message = "BEGIN;\n" + settings_sql(meta, durable);
  // Before the first step none is needed: a failure before any marker is in the first step.
  std::size_t first = steps.size();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i].transactional) continue;
    if (first == steps.size()) {
      first = i;
    } else {
      message += step_marker(i) + ";\n";
    }
    message += std::string(steps[i].sql) + ";\n";
  }
  message += step_marker(steps.size()) + ";\n";
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
#ifdef MIGC_FAULT_INJECTION
  // Fault injection, in test builds only: the server goes away just as this revision commits.
  if (const char* fault = std::getenv("MIGC_FAULT_DROP_AT_COMMIT"); fault != nullptr && meta.id == fault) {
    message += "SELECT pg_terminate_backend(pg_backend_pid());\n";
  }
#endif
  message += "COMMIT;";
  std::size_t reached = first;
  try {
    connection_.execute_script(message, [&](std::string_view marker) {
      std::from_chars(marker.data(), marker.data() + marker.size(), reached);
    });
  } catch (const DatabaseError& error) {
    connection_.execute("ROLLBACK");
    const std::optional<Step> step = reached < steps.size() ? std::optional<Step>(steps[reached]) : std::nullopt;
    // The server's error, told against the statement that caused it rather than the whole message.
    throw MigrationError(meta, direction, step ? &*step : nullptr,
                         DatabaseError(error.sqlstate(), error.what(), error.detail(), error.hint(),
                                       step ? std::string(step->sql) : std::string()));
  } catch (const ConnectionError& error) {
    // The message ends in COMMIT: the server may have committed before the connection went.
    throw CommitInDoubt(fmt::format(
        "the connection was lost while running and committing revision {} ({}): it may or may not be applied; run "
        "`current` to see where the database is, then run the command again",
        meta.id, error.what()));
  }
  applied[revision] = direction == Direction::up;
}

void Migrator::upgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  move(revisions, Direction::up, report);
}

void Migrator::downgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  require_reversible(plan_, revisions);
  move(revisions, Direction::down, report);
}

void Migrator::stamp(const std::vector<std::size_t>& heads) {
  // The version tables and the stamp in one transaction: an interrupted stamp of an Alembic
  // database leaves it as Alembic left it, not with empty version tables that read as base.
  std::optional<Transaction> transaction;
  if (!settings_.in_callers_transaction) transaction.emplace(connection_);
  prepare_tables(false);  // what it would adopt, the stamp replaces
  write_stamp(heads);
  if (transaction) transaction->commit();
}

void Migrator::write_stamp(const std::vector<std::size_t>& heads) {
  recorded_.reset();
  const std::vector<bool> applied = ancestry(plan_, heads);
  // Only the rows that change: a revision recorded before and after keeps when and by what it
  // was applied.
  const std::string migrator = settings_.migrator_build + " (stamp)";
  std::vector<bool> recorded(plan_.revisions.size(), false);
  const Result rows = connection_.execute("SELECT revision, checksum FROM migc_version");
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string id(rows.value(row, 0));
    const auto found = index_of(id);
    if (!found || !applied[*found]) {
      connection_.execute("DELETE FROM migc_version WHERE revision = $1", {id});
      continue;
    }
    recorded[*found] = true;
    // Stamping a revision whose SQL was edited since it ran records the plan's checksum.
    const std::string checksum(plan_.revisions[*found].checksum);
    if (rows.value(row, 1) != checksum) {
      connection_.execute("UPDATE migc_version SET checksum = $2, migrator = $3 WHERE revision = $1", {id, checksum, migrator});
    }
  }
  for (std::size_t i = 0; i < plan_.revisions.size(); ++i) {
    if (!applied[i] || recorded[i]) continue;
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
}

std::string offline_script(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction,
                           std::vector<bool> applied, const RunSettings& settings) {
  const bool one_transaction = settings.single_transaction;
  if (one_transaction) require_transactional(plan, revisions, direction);
  // Without a database to ask, only what the revisions create is known (see move()).
  const bool deferred_checks = one_transaction && chain_may_defer_checks(plan);
  std::string script = fmt::format("-- {} of chain `{}`, written by its migrator for review.\n",
                                   direction == Direction::up ? "Upgrade" : "Downgrade", sql_comment_text(plan.name));
  script += one_transaction
                ? "-- One transaction (--single-transaction): a failure anywhere commits nothing. Run it with\n"
                  "-- psql -v ON_ERROR_STOP=1 -f <file>.\n"
                : "-- Each revision commits on its own. Run it with psql -v ON_ERROR_STOP=1 -f <file>, which stops at\n"
                  "-- the first failure and leaves the database at the revision before it. psql -1 does not make it one\n"
                  "-- transaction (each revision's COMMIT ends psql's); --single-transaction writes one that is.\n";
  std::string settings_lines;
  for (const auto& parameter : session_parameters()) {
    settings_lines += fmt::format("SET {} = {};\n", parameter.name, quote_literal(parameter.value));
  }
  script += "\n-- The session settings this SQL is written for, whatever the database's or role's defaults.\n" + settings_lines;
  script += one_transaction ? "\nBEGIN;\n\n" : "\n";
  script += std::string(version_table_sql) + ";\n\n";
  for (std::size_t revision : revisions) {
    const Revision& meta = plan.revisions[revision];
    // What the revision's author wrote is shown, never run: see sql_comment_text().
    script += fmt::format("-- Running {} {}: {} ({}:{})\n\n", operation_name(direction), sql_comment_text(meta.id),
                          sql_comment_text(meta.message), sql_comment_text(meta.source), meta.line);
    const auto steps = direction == Direction::up ? plan.up(revision) : plan.down(revision);
    // Set again before each revision: one before may have changed them for the session where no
    // compiler sees it (a DO block's dynamic SET), and psql reads what follows by them.
    if (revision != revisions.front()) script += settings_lines + "\n";
    const auto for_psql = [](const Step& step) { return std::string(step.psql_sql.empty() ? step.sql : step.psql_sql); };
    for (const Step& step : steps) {
      if (!step.transactional) script += for_psql(step) + ";\n\n";
    }
    if (!one_transaction) script += "BEGIN;\n";
    script += fmt::format("SET LOCAL lock_timeout = {};\nSET LOCAL statement_timeout = {};\n\n",
                          quote_literal(meta.lock_timeout.empty() ? settings.lock_timeout : std::string(meta.lock_timeout)),
                          quote_literal(meta.statement_timeout.empty() ? settings.statement_timeout : std::string(meta.statement_timeout)));
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!steps[i].transactional) continue;
      script += for_psql(steps[i]) + ";\n\n";
      // psql reads each statement after the one before has run: a step that changed a setting
      // for the session would change how it reads the next.
      if (i + 1 < steps.size()) script += settings_lines + "\n";
    }
    if (deferred_checks) script += std::string(end_of_revision_checks_sql) + ";\n\n";
    if (direction == Direction::up) {
      script += fmt::format("INSERT INTO migc_version (revision, checksum, migrator) VALUES ({}, {}, 'offline script');\n",
                            quote_literal(meta.id), quote_literal(meta.checksum));
    } else {
      script += fmt::format("DELETE FROM migc_version WHERE revision = {};\n", quote_literal(meta.id));
    }
    script += fmt::format("INSERT INTO migc_history (revision, operation, checksum, migrator) VALUES ({}, '{}', {}, 'offline script');\n",
                          quote_literal(meta.id), operation_name(direction), quote_literal(meta.checksum));
    script += one_transaction ? "\n" : "\nCOMMIT;\n\n";
    applied[revision] = direction == Direction::up;
  }
  if (one_transaction) script += "COMMIT;\n";
  return script;
}

std::vector<std::string> create_missing_roles(Connection& connection, const Plan& plan) {
  std::vector<std::string> made;
  for (const std::string_view role : plan.granted_roles()) {
    const std::string name(role);
    if (connection.execute("SELECT 1 FROM pg_roles WHERE rolname = $1", {name}).rows() > 0) continue;
    try {
      connection.execute("CREATE ROLE " + quote_identifier(name) + " NOLOGIN");
      made.push_back(name);
    } catch (const DatabaseError& error) {
      if (error.sqlstate() != "42710") throw;  // made meanwhile, by another test on the server
    }
  }
  return made;
}

}  // namespace migc::runtime
