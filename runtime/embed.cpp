// The migrator as a library call: `upgrade` of the command line, without its output.
#include "runtime/embed.hpp"

#include <fmt/format.h>

#include "postgres/connection.hpp"
#include "runtime/migrator.hpp"
#include "runtime/targets.hpp"

#ifndef MIGC_VERSION
#define MIGC_VERSION "unknown"
#endif

namespace migc {
namespace {

std::vector<std::string> ids(const runtime::Plan& plan, const std::vector<std::size_t>& revisions) {
  std::vector<std::string> out;
  for (const std::size_t revision : revisions) out.emplace_back(plan.revisions[revision].id);
  return out;
}

UpgradeResult run_upgrade(const runtime::Plan& plan, Connection& connection, const UpgradeSettings& settings) {
  runtime::RunSettings run;
  run.lock_timeout = settings.lock_timeout;
  run.statement_timeout = settings.statement_timeout;
  run.lock_retries = settings.lock_retries;
  run.migrator_build = fmt::format("{} (migc {})", settings.application_name, MIGC_VERSION);
  runtime::Migrator migrator(plan, connection, run);
  UpgradeResult result;
  result.database = connection.description();
  migrator.lock(settings.lock_wait);
  struct Unlock {
    runtime::Migrator& migrator;
    ~Unlock() {
      try {
        migrator.unlock();
      } catch (...) {
        // A lost connection took the lock with it.
      }
    }
  } unlock{migrator};
  // The start-up check of a service at head: one query, as the command line's.
  if ((settings.target == "head" || settings.target == "heads") && migrator.at_plan_head()) {
    result.from = result.to = ids(plan, runtime::plan_heads(plan));
    return result;
  }
  migrator.prepare();
  const std::vector<bool> applied = migrator.applied();
  migrator.validate_checksums();
  result.from = ids(plan, runtime::applied_heads(plan, applied));
  const auto revisions = runtime::upgrade_revisions(plan, applied, settings.target);
  try {
    migrator.upgrade(revisions, [&](const runtime::Progress& progress) {
      if (progress.started) return;
      const runtime::Revision& revision = plan.revisions[progress.revision];
      result.applied.push_back({std::string(revision.id), std::string(revision.message), progress.elapsed.count(), progress.retries});
    });
  } catch (const runtime::MigrationError& error) {
    const auto& cause = error.cause();
    throw UpgradeFailed(fmt::format("revision {} ({}:{}): {} {}{}; that revision was rolled back, and the database is at {}",
                                    error.revision().id, error.revision().source, error.line(), cause.sqlstate(), cause.what(),
                                    cause.statement().empty() ? "" : " (statement: " + cause.statement() + ")",
                                    result.applied.empty() ? fmt::format("{}", fmt::join(result.from, ", "))
                                                           : result.applied.back().revision));
  }
  result.to = ids(plan, runtime::applied_heads(plan, migrator.applied()));
  return result;
}

std::string heads_text(const std::vector<std::string>& heads) { return heads.empty() ? "base" : fmt::format("{}", fmt::join(heads, ", ")); }

// Settings the migrator changes for its session, read before and put back after, so that the
// service's connection is as it was.
std::vector<std::string> changed_settings() {
  std::vector<std::string> names{"lock_timeout", "statement_timeout", "synchronous_commit"};
  for (const auto& parameter : session_parameters()) names.emplace_back(parameter.name);
  return names;
}

}  // namespace

std::string UpgradeResult::summary() const {
  if (applied.empty()) return fmt::format("{} is at {}; nothing to do", database, heads_text(to));
  return fmt::format("upgraded {} from {} to {} ({} revision{})", database, heads_text(from), heads_text(to), applied.size(),
                     applied.size() == 1 ? "" : "s");
}

UpgradeResult upgrade(const runtime::Plan& plan, PGconn* native, const UpgradeSettings& settings) {
  if (native == nullptr || PQstatus(native) != CONNECTION_OK) throw ConnectionError("the connection given is not open");
  if (PQtransactionStatus(native) != PQTRANS_IDLE) {
    throw std::runtime_error("the connection given is inside a transaction: each revision commits in a transaction of its own");
  }
  // Read before the migrator's connection sets its own session parameters.
  const auto names = changed_settings();
  std::string read = "SELECT ";
  std::vector<const char*> values;
  for (const auto& name : names) {
    read += fmt::format("{}current_setting(${})", values.empty() ? "" : ", ", values.size() + 1);
    values.push_back(name.c_str());
  }
  const Result before(PQexecParams(native, read.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                            nullptr, nullptr, 0));
  if (PQresultStatus(before.native()) != PGRES_TUPLES_OK) {
    throw std::runtime_error(fmt::format("cannot read the connection's settings: {}", PQresultErrorMessage(before.native())));
  }
  std::string write = "SELECT ";
  std::vector<std::optional<std::string>> restore;
  for (std::size_t i = 0; i < names.size(); ++i) {
    write += fmt::format("{}set_config(${}, ${}, false)", i == 0 ? "" : ", ", 2 * i + 1, 2 * i + 2);
    restore.emplace_back(names[i]);
    restore.emplace_back(std::string(before.value(0, static_cast<int>(i))));
  }
  Connection connection(Connection::Borrowed{native});
  struct PutBack {
    Connection& connection;
    const std::string& sql;
    const std::vector<std::optional<std::string>>& values;
    ~PutBack() {
      try {
        connection.execute(sql, values);
      } catch (...) {
        // The connection is lost: nothing of its session is left to put back.
      }
    }
  } put_back{connection, write, restore};
  return run_upgrade(plan, connection, settings);
}

UpgradeResult upgrade(const runtime::Plan& plan, const std::string& conninfo, const UpgradeSettings& settings) {
  Connection connection(conninfo, Connection::As{settings.application_name});
  return run_upgrade(plan, connection, settings);
}

}  // namespace migc
