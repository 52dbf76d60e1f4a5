// The migrator's database side.
#include "runtime/migrator.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/targets.hpp"

namespace migc::runtime {
namespace {

// "migc_loc" as a 64-bit key: every migc migrator on a database contends for this one lock.
constexpr std::int64_t advisory_lock_key = 0x6d6967635f6c6f63;

constexpr std::string_view version_table_sql =
    "CREATE TABLE IF NOT EXISTS migc_version (revision text PRIMARY KEY);\n"
    "CREATE TABLE IF NOT EXISTS migc_history (\n"
    "    id bigserial PRIMARY KEY,\n"
    "    revision text NOT NULL,\n"
    "    operation text NOT NULL,\n"
    "    checksum text NOT NULL,\n"
    "    applied_at timestamp with time zone NOT NULL DEFAULT now(),\n"
    "    duration_ms double precision\n"
    ")";

std::string sql_literal(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + '\'';
}

// The version-table statements that record `revision` moving in `direction`, given what is
// applied before the move; shared by the live run and the offline script.
std::vector<std::string> version_updates(const Plan& plan, std::size_t revision, Direction direction,
                                         const std::vector<bool>& applied_before) {
  std::vector<std::string> sql;
  const Revision& moved = plan.revisions[revision];
  if (direction == Direction::up) {
    for (std::uint32_t parent : plan.parents_of(revision)) {
      sql.push_back("DELETE FROM migc_version WHERE revision = " + sql_literal(plan.revisions[parent].id));
    }
    sql.push_back("INSERT INTO migc_version (revision) VALUES (" + sql_literal(moved.id) + ")");
  } else {
    sql.push_back("DELETE FROM migc_version WHERE revision = " + sql_literal(moved.id));
    std::vector<bool> after = applied_before;
    after[revision] = false;
    const auto heads = applied_heads(plan, after);
    for (std::uint32_t parent : plan.parents_of(revision)) {
      if (std::find(heads.begin(), heads.end(), parent) != heads.end()) {
        sql.push_back("INSERT INTO migc_version (revision) VALUES (" + sql_literal(plan.revisions[parent].id) +
                      ") ON CONFLICT DO NOTHING");
      }
    }
  }
  sql.push_back(fmt::format("INSERT INTO migc_history (revision, operation, checksum) VALUES ({}, '{}', {})",
                            sql_literal(moved.id), direction == Direction::up ? "upgrade" : "downgrade",
                            sql_literal(moved.checksum)));
  return sql;
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
  connection_.execute(fmt::format("SET lock_timeout = {}", std::max<long long>(1, wait.count())));
  try {
    connection_.execute(fmt::format("SELECT pg_advisory_lock({})", advisory_lock_key));
  } catch (const DatabaseError& error) {
    if (error.sqlstate() == "55P03") {
      throw LockTimeout(fmt::format("another migrator holds the migration lock on database `{}`; gave up after {} ms",
                                    connection_.database(), wait.count()));
    }
    throw;
  }
  connection_.execute("RESET lock_timeout");
}

void Migrator::ensure_version_table() { connection_.execute_script(version_table_sql); }

std::vector<std::size_t> Migrator::recorded_heads() {
  const Result exists = connection_.execute("SELECT to_regclass('migc_version') IS NOT NULL");
  if (exists.value(0, 0) != "t") return {};
  const Result rows = connection_.execute("SELECT revision FROM migc_version ORDER BY revision");
  std::vector<std::size_t> heads;
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string_view id = rows.value(row, 0);
    const auto it = std::find_if(plan_.revisions.begin(), plan_.revisions.end(),
                                 [&](const Revision& revision) { return revision.id == id; });
    if (it == plan_.revisions.end()) {
      throw StateError(fmt::format("the database records revision `{}`, which this migrator's plan does not contain "
                                   "(was it applied by a newer build?); stamp with --purge to override",
                                   id));
    }
    heads.push_back(static_cast<std::size_t>(it - plan_.revisions.begin()));
  }
  return heads;
}

void Migrator::run(std::size_t revision, Direction direction, bool durable, std::vector<bool>& applied) {
  const Revision& meta = plan_.revisions[revision];
  auto steps = direction == Direction::up ? plan_.up(revision) : plan_.down(revision);
  // A step that cannot run in a transaction runs first, on its own; the version row follows
  // in a transaction of its own once it succeeded.
  while (!steps.empty() && !steps.front().transactional) {
    try {
      connection_.execute_script(steps.front().sql);
    } catch (const DatabaseError& error) {
      throw MigrationError(meta, direction, &steps.front(), error);
    }
    steps = steps.subspan(1);
  }
  Transaction transaction(connection_);
  // Only the run's last commit waits for the disk: earlier ones stay atomic and ordered, and
  // the last flush makes them all durable (a crash before it loses whole revisions, never part).
  if (!durable) connection_.execute("SET LOCAL synchronous_commit = off");
  const Step* current = nullptr;
  try {
    for (const Step& step : steps) {
      current = &step;
      connection_.execute_script(step.sql);
    }
    current = nullptr;
    for (const auto& sql : version_updates(plan_, revision, direction, applied)) connection_.execute(sql);
  } catch (const DatabaseError& error) {
    throw MigrationError(meta, direction, current, error);
  }
  transaction.commit();
  applied[revision] = direction == Direction::up;
}

void Migrator::upgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  std::vector<bool> applied = applied_from_heads(plan_, recorded_heads());
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    run(revisions[i], Direction::up, i + 1 == revisions.size(), applied);
    report({revisions[i], Direction::up, i + 1, revisions.size(), std::chrono::steady_clock::now() - start});
  }
}

void Migrator::downgrade(const std::vector<std::size_t>& revisions, const std::function<void(const Progress&)>& report) {
  std::vector<bool> applied = applied_from_heads(plan_, recorded_heads());
  require_reversible(plan_, revisions);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    run(revisions[i], Direction::down, i + 1 == revisions.size(), applied);
    report({revisions[i], Direction::down, i + 1, revisions.size(), std::chrono::steady_clock::now() - start});
  }
}

void Migrator::stamp(const std::vector<std::size_t>& heads) {
  Transaction transaction(connection_);
  connection_.execute("DELETE FROM migc_version");
  for (std::size_t head : heads) {
    connection_.execute("INSERT INTO migc_version (revision) VALUES ($1)", {std::string(plan_.revisions[head].id)});
    connection_.execute("INSERT INTO migc_history (revision, operation, checksum) VALUES ($1, 'stamp', $2)",
                        {std::string(plan_.revisions[head].id), std::string(plan_.revisions[head].checksum)});
  }
  transaction.commit();
}

std::string offline_script(const Plan& plan, const std::vector<std::size_t>& revisions, Direction direction,
                           std::vector<bool> applied) {
  std::string script = fmt::format("-- {} of chain `{}`, generated by its migrator\n\n", direction == Direction::up ? "Upgrade" : "Downgrade", plan.name);
  script += std::string(version_table_sql) + ";\n\n";
  for (std::size_t revision : revisions) {
    const Revision& meta = plan.revisions[revision];
    script += fmt::format("-- {} {}: {} ({}:{})\n\n", direction == Direction::up ? "Running upgrade" : "Running downgrade",
                          meta.id, meta.message, meta.source, meta.line);
    bool in_transaction = false;
    for (const Step& step : direction == Direction::up ? plan.up(revision) : plan.down(revision)) {
      if (step.transactional && !in_transaction) script += "BEGIN;\n\n";
      in_transaction = in_transaction || step.transactional;
      script += std::string(step.sql) + ";\n\n";
    }
    if (!in_transaction) script += "BEGIN;\n\n";
    for (const auto& sql : version_updates(plan, revision, direction, applied)) script += sql + ";\n";
    script += "\nCOMMIT;\n\n";
    applied[revision] = direction == Direction::up;
  }
  return script;
}

}  // namespace migc::runtime
