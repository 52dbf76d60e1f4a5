// Verbs of the migrator, named as Alembic names them: upgrade, downgrade, current, history,
// heads, branches, show, stamp; `--sql` prints what upgrade or downgrade would run instead.
#include "runtime/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <iostream>
#include <tuple>

#include "postgres/connection.hpp"
#include "postgres/ephemeral.hpp"
#include "postgres/object_pattern.hpp"
#include "postgres/sql_text.hpp"
#include "runtime/drift.hpp"
#include "runtime/interrupt.hpp"
#include "runtime/migrator.hpp"
#include "runtime/output.hpp"
#include "runtime/targets.hpp"

#ifndef MIGC_VERSION
#define MIGC_VERSION "unknown"
#endif

namespace migc::runtime {
namespace {

struct Options {
  std::string url;
  double lock_wait_seconds = 60;
  std::string target = "head";
  std::string range;
  bool sql = false;
  bool verbose = false;
  bool indicate_current = false;
  bool purge = false;
  bool json = false;
  bool ephemeral = false;
  bool rehearse = false;  // run it all in one transaction, and roll that back
  std::string schema;     // the schema the chain lives in (default: the connection's current schema)
  std::string role;       // SET ROLE to this before anything: objects are created owned by it
  std::string program;    // the executable's name: how the connection shows in pg_stat_activity
  std::vector<std::string> check_exclude;  // patterns `check` leaves out, besides the plan's
  RunSettings settings;
};

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --url, then DATABASE_URL, then whatever libpq finds in PG* variables and service files.
std::string conninfo(const Options& options) {
  if (!options.url.empty()) return options.url;
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') return url;
  for (const char* variable : {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "PGPORT", "PGUSER"}) {
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return "";
  }
  throw UsageError("no database configured: pass --url, or set DATABASE_URL or the PG* variables (PGHOST, PGDATABASE, ...)");
}

// The database as libpq resolved it (see ConnectionString::describe), and where in it we work.
std::string describe_database(const Options& options, std::string database) {
  if (!options.schema.empty()) database += fmt::format(" (schema {})", options.schema);
  if (!options.role.empty()) database += fmt::format(" as role {}", options.role);
  return database;
}

// lock_timeout, which bounds the wait, takes whole milliseconds up to 2^31 - 1.
constexpr double longest_lock_wait_seconds = 2147483;

std::chrono::milliseconds lock_wait(const Options& options) {
  if (!std::isfinite(options.lock_wait_seconds) || options.lock_wait_seconds < 0 ||
      options.lock_wait_seconds > longest_lock_wait_seconds) {
    throw UsageError(fmt::format("--lock-wait {}: give a number of seconds from 0 to {:.0f} (24 days)",
                                 options.lock_wait_seconds, longest_lock_wait_seconds));
  }
  return std::chrono::milliseconds(static_cast<long long>(options.lock_wait_seconds * 1000));
}

// PostgreSQL is the judge of what a timeout may be. Asked before anything runs, a typo is a
// usage error rather than the first revision failing. Set locally, the value is gone with the
// statement that checked it; the defaults are known good and cost no round trip.
void check_timeouts(Connection& connection, const RunSettings& settings) {
  const RunSettings defaults;
  const std::tuple<std::string_view, std::string, std::string, std::string> timeouts[] = {
      {"--lock-timeout", "lock_timeout", settings.lock_timeout, defaults.lock_timeout},
      {"--statement-timeout", "statement_timeout", settings.statement_timeout, defaults.statement_timeout}};
  for (const auto& [option, setting, value, default_value] : timeouts) {
    if (value == default_value) continue;
    try {
      connection.execute("SELECT set_config($1, $2, true)", {setting, value});
    } catch (const DatabaseError& error) {
      throw UsageError(fmt::format("{} `{}`: {}{}", option, value, error.what(), error.hint().empty() ? "" : " (" + error.hint() + ")"));
    }
  }
}

std::string_view verb_name(Direction direction) { return direction == Direction::up ? "upgrade" : "downgrade"; }

std::vector<std::string> ids(const Plan& plan, const std::vector<std::size_t>& revisions) {
  std::vector<std::string> out;
  for (std::size_t revision : revisions) out.emplace_back(plan.revisions[revision].id);
  return out;
}

std::string heads_text(const Plan& plan, const std::vector<std::size_t>& heads) {
  if (heads.empty()) return "base";
  const auto plan_head = plan_heads(plan);
  std::string text;
  for (std::size_t head : heads) {
    const bool is_head = std::find(plan_head.begin(), plan_head.end(), head) != plan_head.end();
    text += (text.empty() ? "" : ", ") + std::string(plan.revisions[head].id) + (is_head ? " (head)" : "");
  }
  return text;
}

std::string parents_text(const Plan& plan, std::size_t revision) {
  std::string text;
  for (std::uint32_t parent : plan.parents_of(revision)) text += (text.empty() ? "" : ", ") + std::string(plan.revisions[parent].id);
  return text.empty() ? "<base>" : text;
}

// Before anything else runs on the connection: the role objects are created as, and the schema
// the chain, its version tables included, lives in.
Connection connect(const Options& options) {
  Connection connection(conninfo(options), Connection::As{options.program});
  if (!options.role.empty()) connection.execute("SET ROLE " + quote_identifier(options.role));
  if (!options.schema.empty()) {
    if (connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = $1", {options.schema}).rows() == 0) {
      throw UsageError(fmt::format("schema `{}` does not exist in {}; create it first (CREATE SCHEMA {})", options.schema,
                                   connection.description(), quote_identifier(options.schema)));
    }
    // PostgreSQL skips a schema without USAGE on the search path, and then says only that no
    // schema has been selected.
    if (connection.execute("SELECT has_schema_privilege($1, 'USAGE')", {options.schema}).value(0, 0) != "t") {
      throw UsageError(fmt::format("{} may not use schema `{}`: GRANT USAGE, CREATE ON SCHEMA {} TO {}",
                                   options.role.empty() ? "this user" : "role " + options.role, options.schema,
                                   quote_identifier(options.schema), options.role.empty() ? "<user>" : quote_identifier(options.role)));
    }
    // The schema alone: with another one on the path, a missing version table would be found
    // there, and the chain taken to be at that schema's revision.
    connection.execute("SELECT set_config('search_path', quote_ident($1), false)", {options.schema});
  }
  return connection;
}

struct Session {
  Connection connection;
  InterruptHandler interrupts;
  Migrator migrator;
  std::string database;  // for messages: as libpq resolved it, whatever named it
  Session(const Plan& plan, const Options& options)
      : connection(connect(options)),
        interrupts(connection),
        migrator(plan, connection, options.settings),
        database(describe_database(options, connection.description())) {}
};

// Waiting for another migrator is said after a second, with who it is: a deploy that seems to
// hang otherwise looks like a network problem.
void lock(Session& session, const Options& options, Output& out) {
  const auto wait = lock_wait(options);
  session.migrator.lock(wait, [&](const std::string& holder) {
    out.note(fmt::format("waiting for the migration lock on {}: another migrator holds it ({}); waiting up to {:.0f} s (--lock-wait)",
                         session.database, holder, options.lock_wait_seconds),
             "lock_wait", {{"database", session.database}, {"holder", holder}, {"lock_wait_seconds", options.lock_wait_seconds}});
  });
}

// The result of an upgrade or downgrade: where the database was and is; a rehearsal's `to` is
// where it still is, and `rehearsed_to` where the rolled-back run got.
Json moved(const std::string& database, const std::vector<std::string>& from, const std::vector<std::string>& to,
           const std::optional<std::vector<std::string>>& rehearsed_to = std::nullopt) {
  return {{"database", database}, {"from", from}, {"to", to}, {"rehearsed_to", rehearsed_to ? Json(*rehearsed_to) : Json()}};
}

std::pair<std::string, std::string> split_range(const std::string& target) {
  const auto colon = target.find(':');
  if (colon == std::string::npos) return {"", target};
  return {target.substr(0, colon), target.substr(colon + 1)};
}

std::vector<bool> applied_at(const Plan& plan, const std::string& from) {
  if (from.empty() || from == "base") return std::vector<bool>(plan.revisions.size(), false);
  if (from == "head" || from == "heads") return ancestry(plan, plan_heads(plan));
  return ancestry(plan, {find_revision(plan, from)});
}

// Without a server to ask: what PostgreSQL takes for a time setting, a number with an optional
// unit (us, ms, s, min, h, d), so that a script never carries `SET LOCAL lock_timeout = 'bogus'`.
void check_timeouts_offline(const RunSettings& settings) {
  static const std::regex timeout(R"(^\s*[0-9]+(\.[0-9]+)?\s*(us|ms|s|min|h|d)?\s*$)");
  for (const auto& [option, value] : {std::pair<std::string_view, const std::string&>{"--lock-timeout", settings.lock_timeout},
                                      {"--statement-timeout", settings.statement_timeout}}) {
    if (value.size() > 64 || !std::regex_match(value, timeout)) {
      throw UsageError(fmt::format("{} `{}` is not a time PostgreSQL takes: write a number with us, ms, s, min, h or d, "
                                   "like 30s",
                                   option, value.size() > 64 ? value.substr(0, 64) + "..." : value));
    }
  }
}

int offline(const Plan& plan, const Options& options, Direction direction, Output& out) {
  check_timeouts_offline(options.settings);
  // The starting point comes from the target (`from:to`), not from a database.
  const auto [from, to] = split_range(options.target);
  if (direction == Direction::down && from.empty()) {
    throw UsageError("downgrade --sql needs a starting revision: write <from>:<to>, e.g. head:base");
  }
  const std::vector<bool> applied = applied_at(plan, from);
  const auto revisions = direction == Direction::up ? upgrade_revisions(plan, applied, to) : downgrade_revisions(plan, applied, to);
  // An empty script would look like success.
  if (revisions.empty() && direction == Direction::up) {
    throw TargetError(fmt::format("`{}` selects nothing to upgrade: `{}` already includes `{}` (a downgrade script: "
                                  "downgrade --sql {})", options.target, from, to, options.target));
  }
  if (revisions.empty()) throw TargetError(fmt::format("`{}` selects nothing to downgrade: it starts where it ends", options.target));
  if (direction == Direction::down) require_reversible(plan, revisions);
  const std::string script = offline_script(plan, revisions, direction, applied, options.settings);
  if (!out.json()) std::cout << script;
  out.result(verb_name(direction), "", {{"sql", script}}, exit_ok);
  return exit_ok;
}

int move(const Plan& plan, const Options& options, Direction direction, Output& out) {
  if (options.sql && options.rehearse) throw UsageError("--rehearse runs the SQL and rolls it back; --sql only prints it: give one");
  if (options.sql) return offline(plan, options, direction, out);
  lock_wait(options);  // a usage error before connecting
  Session session(plan, options);
  check_timeouts(session.connection, options.settings);
  lock(session, options, out);
  // Everything from here on, the version tables and an Alembic adoption included, happens in
  // this transaction, which a rehearsal never commits.
  std::optional<Transaction> rehearsal;
  if (options.rehearse) rehearsal.emplace(session.connection);
  // The start-up check of a service already at head: one query, whatever the chain's length.
  if (direction == Direction::up && (options.target == "head" || options.target == "heads") &&
      session.migrator.at_plan_head()) {
    const auto heads = plan_heads(plan);
    out.result(verb_name(direction), fmt::format("{} is at {}; nothing to do", session.database, heads_text(plan, heads)),
               moved(session.database, ids(plan, heads), ids(plan, heads)), exit_ok);
    return exit_ok;
  }
  if (const auto adopted = session.migrator.prepare(); adopted.tool == "Alembic" && !adopted.revisions.empty()) {
    out.note(fmt::format("adopted a database migrated by Alembic, at {}; alembic_version stays up to date",
                         fmt::join(adopted.revisions, ", ")),
             "adopted_alembic", {{"database", session.database}, {"revisions", adopted.revisions}});
  } else if (!adopted.revisions.empty()) {
    // Only Alembic's table is kept current: the other tools' record more than a version (Flyway
    // and sqlx a checksum of each file), which migc cannot write for them.
    out.note(fmt::format("adopted a database migrated by {}, at {}; {} is left as {} left it",
                         adopted.tool, fmt::join(adopted.revisions, ", "), adopted.table, adopted.tool),
             "adopted_history", {{"database", session.database}, {"tool", adopted.tool}, {"table", adopted.table},
                                 {"revisions", adopted.revisions}});
  }
  // Read under the lock: a migrator that waited sees what the one before it did.
  const std::vector<bool> applied = session.migrator.applied();
  if (options.settings.ignore_checksums) {
    try {
      session.migrator.validate_checksums();
    } catch (const StateError& error) {
      out.warning(std::string(error.what()) + "\n  running anyway, as --ignore-checksums asks");
    }
  } else {
    session.migrator.validate_checksums();
  }
  const auto revisions = direction == Direction::up ? upgrade_revisions(plan, applied, options.target)
                                                    : downgrade_revisions(plan, applied, options.target);
  const auto current = applied_heads(plan, applied);
  if (revisions.empty()) {
    out.result(verb_name(direction), fmt::format("{} is at {}; nothing to do", session.database, heads_text(plan, current)),
               moved(session.database, ids(plan, current), ids(plan, current)), exit_ok);
    return exit_ok;
  }
  out.note(fmt::format("{} {} from {} ({} revision{})", direction == Direction::up ? "upgrading" : "downgrading",
                       session.database, heads_text(plan, current), revisions.size(), revisions.size() == 1 ? "" : "s"),
           "migration_started",
           {{"operation", verb_name(direction)}, {"database", session.database}, {"from", ids(plan, current)},
            {"revisions", ids(plan, revisions)}, {"rehearsal", options.rehearse},
            {"single_transaction", options.settings.single_transaction}});
  const auto report = [&](const Progress& progress) {
    const Revision& revision = plan.revisions[progress.revision];
    if (progress.started) {
      out.event("revision_started", {{"revision", revision.id}, {"operation", verb_name(progress.direction)},
                                     {"position", progress.done}, {"total", progress.total}});
      return;
    }
    out.step(progress.direction == Direction::up, revision.id, revision.message, progress.elapsed.count(), progress.retries,
             progress.done, progress.total);
  };
  if (direction == Direction::up) {
    session.migrator.upgrade(revisions, report);
  } else {
    session.migrator.downgrade(revisions, report);
  }
  const auto now = applied_heads(plan, session.migrator.applied());
  if (rehearsal) {
    rehearsal.reset();  // rolls everything back
    out.result(verb_name(direction),
               fmt::format("rehearsal done: every revision from {} to {} ran; all of it was rolled back, and {} is still at {}",
                           heads_text(plan, current), heads_text(plan, now), session.database, heads_text(plan, current)),
               moved(session.database, ids(plan, current), ids(plan, current), ids(plan, now)), exit_ok);
    return exit_ok;
  }
  out.result(verb_name(direction), fmt::format("now at {}", heads_text(plan, now)),
             moved(session.database, ids(plan, current), ids(plan, now)), exit_ok);
  return exit_ok;
}

int current(const Plan& plan, const Options& options, Output& out) {
  Session session(plan, options);
  // Each revision commits whole, so the recorded revision is true now; but it may soon change.
  const auto migrating = session.migrator.lock_holder();
  if (migrating) out.warning(fmt::format("a migrator is running on this database now ({}): the revision may change", *migrating));
  const auto recorded = session.migrator.recorded();
  const auto heads = applied_heads(plan, session.migrator.applied());
  if (out.json()) {
    Json rows = Json::array();
    for (const auto& row : recorded) {
      rows.push_back({{"revision", row.revision}, {"checksum", row.checksum}, {"applied_at", row.applied_at},
                      {"duration_ms", row.duration_ms}, {"migrator", row.migrator}});
    }
    out.result("current", "", {{"database", session.database}, {"heads", ids(plan, heads)}, {"applied", rows},
                               {"migration_in_progress", migrating.has_value()}}, exit_ok);
    return exit_ok;
  }
  if (!options.verbose) {
    out.line(heads_text(plan, heads));
    return exit_ok;
  }
  out.line(fmt::format("Database: {}", session.database));
  if (heads.empty()) out.line("Current revision: base (nothing applied)");
  for (std::size_t head : heads) {
    const Revision& revision = plan.revisions[head];
    const auto row = std::find_if(recorded.begin(), recorded.end(), [&](const AppliedRevision& r) { return r.revision == revision.id; });
    const std::string applied = row->applied_at.empty() ? fmt::format("by {}", row->migrator)
                                                        : fmt::format("{} by {} in {:.1f} ms", row->applied_at, row->migrator, row->duration_ms);
    out.line(fmt::format("Current revision: {}\nParent: {}\nPath: {}:{}\nApplied: {}\n\n    {}", heads_text(plan, {head}),
                         parents_text(plan, head), revision.source, revision.line, applied, printable(revision.message)));
  }
  return exit_ok;
}

// The revisions `-r start:end` selects, newest first: end and its ancestors that come after start.
std::vector<std::size_t> history_range(const Plan& plan, const std::string& range) {
  const auto [from, to] = split_range(range.empty() ? ":" : range);
  const std::vector<bool> upper = to.empty() || to == "head" || to == "heads" ? ancestry(plan, plan_heads(plan))
                                                                              : ancestry(plan, {find_revision(plan, to)});
  std::vector<bool> below(plan.revisions.size(), false);
  if (!from.empty() && from != "base") {
    const std::size_t start = find_revision(plan, from);
    // A range that ends before it starts would print nothing, which looks like an empty chain.
    if (!upper[start]) {
      throw TargetError(fmt::format("`{}` is an empty range: `{}` does not come after `{}`; a range goes from older to newer",
                                    range, to.empty() ? "head" : to, from));
    }
    below = ancestry(plan, {start});
    below[start] = false;  // the range includes its start
  }
  std::vector<std::size_t> selected;
  for (std::size_t i = plan.revisions.size(); i-- > 0;) {
    if (upper[i] && !below[i]) selected.push_back(i);
  }
  return selected;
}

int history(const Plan& plan, const Options& options, Output& out) {
  std::vector<bool> current(plan.revisions.size(), false);
  if (options.indicate_current) {
    Session session(plan, options);
    for (std::size_t head : applied_heads(plan, session.migrator.applied())) current[head] = true;
  }
  const auto heads = plan_heads(plan);
  Json rows = Json::array();
  for (std::size_t i : history_range(plan, options.range)) {
    const Revision& revision = plan.revisions[i];
    const bool is_head = std::find(heads.begin(), heads.end(), i) != heads.end();
    std::vector<std::string> parents;
    for (std::uint32_t parent : plan.parents_of(i)) parents.emplace_back(plan.revisions[parent].id);
    if (out.json()) {
      rows.push_back({{"revision", revision.id}, {"parents", parents}, {"message", revision.message}, {"source", revision.source},
                      {"line", revision.line}, {"checksum", revision.checksum}, {"head", is_head}, {"current", bool(current[i])}});
      continue;
    }
    const std::string marks = std::string(is_head ? " (head)" : "") + (current[i] ? " (current)" : "");
    if (!options.verbose) {
      out.line(fmt::format("{} -> {}{}, {}", parents_text(plan, i), out.bold(revision.id), marks, printable(revision.message)));
    } else {
      out.line(fmt::format("Rev: {}{}\nParent: {}\nPath: {}:{}\nChecksum: {}{}\n\n    {}\n", out.bold(revision.id), marks,
                           parents_text(plan, i), revision.source, revision.line, revision.checksum,
                           revision.irreversible ? "\nIrreversible: yes" : "", printable(revision.message)));
    }
  }
  out.result("history", "", {{"revisions", std::move(rows)}}, exit_ok);
  return exit_ok;
}

int heads(const Plan& plan, const Options&, Output& out) {
  for (std::size_t head : plan_heads(plan)) out.line(heads_text(plan, {head}));
  out.result("heads", "", {{"heads", ids(plan, plan_heads(plan))}}, exit_ok);
  return exit_ok;
}

// Branch points: revisions with more than one child, where parallel work split off.
int branches(const Plan& plan, const Options&, Output& out) {
  Json rows = Json::array();
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    std::vector<std::string> children;
    for (std::size_t j = i + 1; j < plan.revisions.size(); ++j) {
      for (std::uint32_t parent : plan.parents_of(j)) {
        if (parent == i) children.emplace_back(plan.revisions[j].id);
      }
    }
    if (children.size() < 2) continue;
    rows.push_back({{"revision", plan.revisions[i].id}, {"children", children}});
    out.line(fmt::format("{} (branchpoint) -> {}", plan.revisions[i].id, fmt::join(children, ", ")));
  }
  out.result("branches", "", {{"branches", std::move(rows)}}, exit_ok);
  return exit_ok;
}

int show(const Plan& plan, const Options& options, Output& out) {
  const std::size_t index = find_revision(plan, options.target);
  const Revision& revision = plan.revisions[index];
  std::vector<std::string> up;
  std::vector<std::string> down;
  for (const Step& step : plan.up(index)) up.emplace_back(step.sql);
  for (const Step& step : plan.down(index)) down.emplace_back(step.sql);
  if (out.json()) {
    std::vector<std::string> parents;
    for (std::uint32_t parent : plan.parents_of(index)) parents.emplace_back(plan.revisions[parent].id);
    out.result("show", "", {{"revision", revision.id}, {"parents", parents}, {"message", revision.message},
                            {"source", revision.source}, {"line", revision.line}, {"checksum", revision.checksum},
                            {"reversible", !revision.irreversible}, {"up", up}, {"down", down}}, exit_ok);
    return exit_ok;
  }
  out.line(fmt::format("Rev: {}\nParent: {}\nPath: {}:{}\nChecksum: {}\nReversible: {}\n\n    {}\n\n-- up",
                       heads_text(plan, {index}), parents_text(plan, index), revision.source, revision.line,
                       revision.checksum, revision.irreversible ? "no" : "yes", printable(revision.message)));
  for (const auto& sql : up) out.line(sql + ";");
  out.line("\n-- down");
  if (revision.irreversible) out.line("-- irreversible");
  for (const auto& sql : down) out.line(sql + ";");
  return exit_ok;
}

int check(const Plan& plan, const Options& given, Output& out) {
  // Ownership is not compared, and the scratch schema the comparison builds needs a right that
  // an owner role often lacks: `check` runs as the login user.
  Options options = given;
  options.role.clear();
  lock_wait(options);
  std::vector<ObjectPattern> excluded;
  try {
    excluded = check_exclusions(plan, options.check_exclude);
  } catch (const std::invalid_argument& error) {
    throw UsageError(fmt::format("--exclude: {}", error.what()));
  }
  Session session(plan, options);
  // Not while a migrator is half-way through a revision that runs outside a transaction, or
  // between its statements: the lock is held for the comparison.
  if (const auto holder = session.migrator.lock_holder()) {
    out.note(fmt::format("a migrator is running on this database now ({}); check waits for it (--lock-wait)", *holder));
  }
  lock(session, options, out);
  const std::vector<bool> applied = session.migrator.applied();
  const std::string at = heads_text(plan, applied_heads(plan, applied));
  const Drift drift = find_drift(session.connection, plan, applied, excluded, given.role);
  const int status = drift.empty() ? exit_ok : exit_drift;
  if (out.json()) {
    out.result("check", "", {{"database", session.database}, {"heads", ids(plan, applied_heads(plan, applied))},
                             {"drift", !drift.empty()}, {"missing", drift.missing}, {"unexpected", drift.unexpected},
                             {"unmodelled", drift.unmodelled}, {"excluded", drift.excluded}, {"excluded_own", drift.excluded_own},
                             {"unmatched_patterns", drift.unmatched_patterns}, {"uncompared_schemas", drift.uncompared_schemas}}, status);
    return status;
  }
  if (drift.empty()) {
    out.note(fmt::format("{} matches the schema of revision {}{}: no drift", session.database, at,
                         drift.uncompared_schemas.empty() ? "" : " in the schemas compared"));
  } else {
    out.note(fmt::format("{} differs from the schema of revision {}:", session.database, at));
    for (const auto& line : drift.missing) out.line("  missing     " + line);
    for (const auto& line : drift.unexpected) out.line("  unexpected  " + line);
  }
  if (!drift.unmodelled.empty()) {
    out.note("not modelled by the chain, so not compared (add_migrations' CHECK_EXCLUDE or --exclude leaves them out):");
    for (const auto& line : drift.unmodelled) out.line("  unmodelled  " + line);
  }
  if (drift.excluded > 0) out.note(fmt::format("{} catalog line(s) left out by exclusion patterns", drift.excluded));
  // A pattern meant for another tool's objects that also covers the chain's own hides drift in them.
  if (!drift.excluded_own.empty()) {
    out.warning(fmt::format("exclusion patterns leave out objects the chain itself makes, whose drift is then not seen: {}",
                            printable(fmt::format("{}", fmt::join(drift.excluded_own, ", ")))));
  }
  for (const auto& pattern : drift.unmatched_patterns) {
    out.warning(fmt::format("exclusion pattern `{}` leaves out nothing (names are matched unqualified in the connection's "
                            "schema, as `schema.name` in the chain's other schemas)",
                            printable(pattern)));
  }
  for (const auto& schema : drift.uncompared_schemas) {
    out.warning(fmt::format("schema {} is not compared: check builds the predicted one under its name, setting the live "
                            "one aside (renamed, in a transaction it rolls back, as its owner), and could not",
                            printable(schema)));
  }
  return status;
}

int stamp(const Plan& plan, const Options& options, Output& out) {
  // The target first: a typo changes nothing, not even the version tables.
  std::vector<std::size_t> heads;
  if (options.target == "head" || options.target == "heads") {
    heads = plan_heads(plan);
  } else if (options.target != "base") {
    heads = {find_revision(plan, options.target)};
  }
  lock_wait(options);
  Session session(plan, options);
  lock(session, options, out);
  if (!options.purge) session.migrator.applied();  // refuses unknown recorded revisions
  session.migrator.stamp(heads);
  out.result("stamp", fmt::format("stamped {} as {}; no SQL was run", session.database, heads_text(plan, heads)),
             {{"database", session.database}, {"to", ids(plan, heads)}}, exit_ok);
  return exit_ok;
}

struct StopWithWarning {
  std::optional<EphemeralServer>& server;
  Output& out;
  ~StopWithWarning() {
    if (!server) return;
    try {
      server->stop();
    } catch (const std::exception& error) {
      out.warning(error.what());
    }
  }
};

int report_migration_error(const MigrationError& error, bool rehearsal, bool single_transaction, Output& out) {
  const Revision& revision = error.revision();
  const auto& cause = error.cause();
  const std::string_view rolled_back = rehearsal || single_transaction ? "run" : error.outside_transaction() ? "nothing" : "revision";
  out.event("revision_failed", {{"revision", revision.id}, {"operation", verb_name(error.direction())}, {"source", revision.source},
                                {"line", error.line()}, {"sqlstate", cause.sqlstate()}, {"message", cause.what()},
                                {"detail", cause.detail()}, {"hint", cause.hint()}, {"statement", cause.statement()},
                                {"rolled_back", rolled_back}});
  std::string text = fmt::format("revision {} ({}:{}): {} {}", revision.id, revision.source, error.line(), cause.sqlstate(), cause.what());
  if (!cause.detail().empty()) text += fmt::format("\n  detail: {}", cause.detail());
  if (!cause.hint().empty()) text += fmt::format("\n  hint: {}", cause.hint());
  if (!cause.statement().empty()) text += fmt::format("\n  statement: {}", cause.statement());
  if (rehearsal) {
    text += "\n  this was a rehearsal: everything it ran was rolled back, and the database is as it was before it";
  } else if (single_transaction) {
    text += "\n  the run was one transaction (--single-transaction): all of it was rolled back, and the database is where "
            "it was before the run";
  } else if (error.outside_transaction() && error.concurrent_index().empty()) {
    // A statement of an `execute outside transaction` step: those before it are done, for good.
    text += fmt::format("\n  revision {} is not recorded as {}; the statements of its step outside a transaction before this "
                        "one ran and stay done, and the next {} of it runs the step again from its first statement",
                        revision.id, error.direction() == Direction::up ? "applied" : "reverted",
                        error.direction() == Direction::up ? "upgrade" : "downgrade");
  } else if (error.outside_transaction()) {
    // PostgreSQL rolls back no `concurrently` step: a failed build leaves its index INVALID, and
    // a failed drop may too.
    text += fmt::format("\n  revision {} is not recorded as {}; its index `{}` may be left INVALID, and the next {} of it "
                        "{} it again",
                        revision.id, error.direction() == Direction::up ? "applied" : "reverted", error.concurrent_index(),
                        error.direction() == Direction::up ? "upgrade" : "downgrade",
                        error.creates_index() ? "builds" : "drops");
  } else {
    text += fmt::format("\n  the {} of revision {} was rolled back; the database is where it was before it",
                        error.direction() == Direction::up ? "upgrade" : "downgrade", revision.id);
  }
  out.error(text, exit_migration_failed);
  return exit_migration_failed;
}

// A signal that cancelled a statement outside any revision's work (current, check, history):
// nothing was being changed.
int report_interrupted(int signal, Output& out) {
  out.error(Interrupted(signal, "the running query was cancelled; nothing was changed").what(), 128 + signal);
  return 128 + signal;
}

// --ephemeral connects to its own server and nothing else: no PG* variable (PGHOSTADDR, a
// service, PGOPTIONS, ...) may point the connection, or the server's start, anywhere else.
void forget_libpq_environment() {
  std::vector<std::string> names;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    const std::string_view entry(*variable);
    if (entry.starts_with("PG")) names.emplace_back(entry.substr(0, entry.find('=')));
  }
  for (const auto& name : names) unsetenv(name.c_str());
}

// The verb the command line chose, inside the throwaway server of --ephemeral: every error
// becomes its message and exit status.
int run_verb(const Plan& plan, Options& options, const CLI::App& app, Output& out) {
  std::optional<EphemeralServer> server;
  // Stopped on every way out of here, a stop that fails said so (the keeper covers the rest).
  const StopWithWarning stop_server{server, out};
  try {
    if (options.ephemeral) {
      forget_libpq_environment();
      server.emplace();
      options.url = server->conninfo();
      out.note(fmt::format("started a throwaway PostgreSQL {} on {}; it is deleted when this command ends",
                           server->version(), server->directory()),
               "server_started", {{"version", server->version()}, {"directory", server->directory()}});
      Connection admin(options.url);
      for (const auto& role : create_missing_roles(admin, plan)) {
        out.note(fmt::format("made role {} (nologin), which the chain grants to", quote_identifier(role)), "role_created", {{"role", role}});
      }
    }
    if (app.got_subcommand("upgrade")) return move(plan, options, Direction::up, out);
    if (app.got_subcommand("downgrade")) return move(plan, options, Direction::down, out);
    if (app.got_subcommand("current")) return current(plan, options, out);
    if (app.got_subcommand("history")) return history(plan, options, out);
    if (app.got_subcommand("heads")) return heads(plan, options, out);
    if (app.got_subcommand("branches")) return branches(plan, options, out);
    if (app.got_subcommand("show")) return show(plan, options, out);
    if (app.got_subcommand("stamp")) return stamp(plan, options, out);
    if (app.got_subcommand("check")) return check(plan, options, out);
  } catch (const Interrupted& error) {
    out.error(error.what(), 128 + error.signal());
    return 128 + error.signal();
  } catch (const MigrationError& error) {
    if (const int signal = interrupted()) return report_interrupted(signal, out);
    return report_migration_error(error, options.rehearse, options.settings.single_transaction, out);
  } catch (const UsageError& error) {
    out.error(error.what(), exit_usage);
    return exit_usage;
  } catch (const ConnectionError& error) {
    if (error.database().empty()) {
      out.error(fmt::format("lost the connection to the database: {}", error.what()), exit_connection);
    } else {
      out.error(fmt::format("cannot connect to {}: {}", describe_database(options, error.database()), error.what()), exit_connection);
    }
    return exit_connection;
  } catch (const LockTimeout& error) {
    out.error(error.what(), exit_lock_timeout);
    return exit_lock_timeout;
  } catch (const CommitInDoubt& error) {
    out.error(error.what(), exit_in_doubt);
    return exit_in_doubt;
  } catch (const TargetError& error) {
    out.error(error.what(), exit_target);
    return exit_target;
  } catch (const StateError& error) {
    out.error(error.what(), exit_target);
    return exit_target;
  } catch (const DatabaseError& error) {
    if (const int signal = interrupted()) return report_interrupted(signal, out);
    out.error(fmt::format("{} {}", error.sqlstate(), error.what()), exit_migration_failed);
    return exit_migration_failed;
  } catch (const std::runtime_error& error) {
    out.error(error.what(), exit_usage);
    return exit_usage;
  }
  return exit_usage;
}

}  // namespace

int run_migrator(const Plan& plan, int argc, char** argv) {
  const std::string program = std::filesystem::path(argc > 0 ? argv[0] : "migrate").filename().string();
  CLI::App app{fmt::format("Migrates a PostgreSQL database along the `{}` chain ({} revisions, built in)", plan.name,
                           plan.revisions.size())};
  app.require_subcommand(1);
  // Global options anywhere on the line, after the verb too (`history --json`), as git does.
  // Set before the subcommands are added, which inherit it.
  app.fallthrough();
  app.set_version_flag("--version", fmt::format("{} (migc {})", program, MIGC_VERSION));
  Options options;
  options.program = program;
  app.add_option("--url", options.url, "libpq connection URL or conninfo (default: DATABASE_URL, then PG* variables)");
  app.add_option("--lock-wait", options.lock_wait_seconds, "seconds to wait for another migrator's lock")->capture_default_str();
  app.add_option("--lock-timeout", options.settings.lock_timeout,
                 "how long a statement may queue behind a conflicting lock (PostgreSQL interval)")->capture_default_str();
  app.add_option("--statement-timeout", options.settings.statement_timeout, "longest a statement may run; 0: no limit")
      ->capture_default_str();
  app.add_option("--retries", options.settings.lock_retries, "attempts after a lock timeout, 0.5 s, 1 s, 2 s... apart")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--schema", options.schema, "the schema the chain lives in, one per tenant say (default: the current schema)");
  app.add_option("--role", options.role, "SET ROLE to this first, so that what the chain creates is owned by it");
  app.add_flag("--json", options.json, "machine-readable output");
  app.add_flag("--ephemeral", options.ephemeral,
               "run against a throwaway local PostgreSQL, started for this command and deleted after it");

  auto* upgrade = app.add_subcommand("upgrade", "apply revisions up to a target (default: head)");
  upgrade->add_option("target", options.target, "head, a revision id or prefix, +N, <rev>+N; with --sql also from:to")
      ->capture_default_str();
  upgrade->add_flag("--sql", options.sql, "print the SQL instead of running it (no database needed)");
  upgrade->add_flag("--single-transaction", options.settings.single_transaction, "run the whole upgrade in one transaction");
  upgrade->add_flag("--rehearse", options.rehearse,
                    "run it in one transaction against the real data, report, and roll it all back");
  upgrade->add_flag("--ignore-checksums", options.settings.ignore_checksums, "run although applied revisions were edited");
  auto* downgrade = app.add_subcommand("downgrade", "revert revisions back to a target");
  downgrade->add_option("target", options.target, "base, a revision id or prefix, -N, <rev>-N; with --sql from:to")->required();
  downgrade->add_flag("--sql", options.sql, "print the SQL instead of running it (no database needed)");
  downgrade->add_flag("--single-transaction", options.settings.single_transaction, "run the whole downgrade in one transaction");
  downgrade->add_flag("--rehearse", options.rehearse,
                      "run it in one transaction against the real data, report, and roll it all back");
  downgrade->add_flag("--ignore-checksums", options.settings.ignore_checksums, "run although applied revisions were edited");
  auto* current_command = app.add_subcommand("current", "show the database's revision");
  current_command->add_flag("-v,--verbose", options.verbose, "show parents, file, message and when it was applied");
  auto* history_command = app.add_subcommand("history", "list the chain's revisions, newest first");
  history_command->add_flag("-v,--verbose", options.verbose, "show every revision in full");
  history_command->add_flag("-i,--indicate-current", options.indicate_current, "mark the database's revision");
  history_command->add_option("-r,--rev-range", options.range, "only start:end (either side may be left out)");
  app.add_subcommand("heads", "show the chain's head revision(s)");
  app.add_subcommand("branches", "show where the chain branched");
  auto* show_command = app.add_subcommand("show", "show a revision: message, parents, source, up and down SQL");
  show_command->add_option("revision", options.target, "a revision id or unique prefix")->required();
  auto* check_command = app.add_subcommand("check", "compare the live schema with the plan's at the database's revision");
  check_command->add_option("--exclude", options.check_exclude,
                            "leave out objects other tools own: [kind:]name, the name a glob (repeatable; the chain's "
                            "CHECK_EXCLUDE patterns apply too)");
  auto* stamp_command = app.add_subcommand("stamp", "record a revision as applied without running anything");
  stamp_command->add_option("revision", options.target, "a revision id or prefix, head, or base")->required();
  stamp_command->add_flag("--purge", options.purge, "replace whatever the database records, even unknown revisions");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // A program that asked for JSON reads its error as JSON too.
    if (error.get_exit_code() != 0 && std::any_of(argv, argv + argc, [](const char* arg) { return std::string_view(arg) == "--json"; })) {
      write_json_error(error.what(), exit_usage);
      return exit_usage;
    }
    return app.exit(error) == 0 ? exit_ok : exit_usage;
  }
  options.settings.migrator_build = fmt::format("{} (migc {})", program, MIGC_VERSION);
  options.settings.in_callers_transaction = options.rehearse;
  Output out(program, options.json);
  const int status = run_verb(plan, options, app, out);
  out.finish();
  return status;
}

}  // namespace migc::runtime
