// Verbs of the migrator, named as Alembic names them: upgrade, downgrade, current, history,
// heads, show, stamp; `--sql` prints what upgrade or downgrade would run instead of running it.
#include "runtime/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "runtime/migrator.hpp"
#include "runtime/postgres.hpp"
#include "runtime/targets.hpp"

namespace migc::runtime {
namespace {

struct Options {
  std::string url;
  double lock_wait_seconds = 60;
  std::string target = "head";
  bool sql = false;
  bool verbose = false;
  bool indicate_current = false;
  bool purge = false;
};

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string program_name;

// --url, then DATABASE_URL, then whatever libpq finds in PG* variables and service files.
std::string conninfo(const Options& options) {
  if (!options.url.empty()) return options.url;
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') return url;
  for (const char* variable : {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "PGPORT", "PGUSER"}) {
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return "";
  }
  throw UsageError("no database configured: pass --url, or set DATABASE_URL or the PG* variables (PGHOST, PGDATABASE, ...)");
}

std::string describe_database(const Options& options) {
  const std::string info = conninfo(options);
  if (!info.empty()) return mask_password(info);
  const auto env = [](const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr && *value != '\0' ? value : fallback);
  };
  return fmt::format("database `{}` on {} (from PG* variables)", env("PGDATABASE", env("PGUSER", "(default)").c_str()),
                     env("PGHOST", "the default socket"));
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

void print_progress(const Plan& plan, const Progress& progress) {
  const Revision& revision = plan.revisions[progress.revision];
  std::cout << fmt::format("  {} {:<14} {:<58} {:>9.1f} ms", progress.direction == Direction::up ? "+" : "-",
                           revision.id, revision.message, progress.elapsed.count());
  if (progress.total >= 20) std::cout << fmt::format("  [{}/{}]", progress.done, progress.total);
  std::cout << "\n" << std::flush;
}

struct Session {
  Connection connection;
  Migrator migrator;
  Session(const Plan& plan, const Options& options) : connection(conninfo(options)), migrator(plan, connection) {}
};

std::pair<std::string, std::string> split_range(const std::string& target) {
  const auto colon = target.find(':');
  if (colon == std::string::npos) return {"", target};
  return {target.substr(0, colon), target.substr(colon + 1)};
}

int move(const Plan& plan, const Options& options, Direction direction) {
  if (options.sql) {
    // Offline: the starting point comes from the target (`from:to`), not from a database.
    auto [from, to] = split_range(options.target);
    if (direction == Direction::down && from.empty()) {
      throw UsageError("downgrade --sql needs a starting revision: write <from>:<to>, e.g. head:base");
    }
    std::vector<bool> applied(plan.revisions.size(), false);
    if (from == "head" || from == "heads") {
      applied = ancestry(plan, plan_heads(plan));
    } else if (!from.empty() && from != "base") {
      applied = ancestry(plan, {find_revision(plan, from)});
    }
    const auto revisions = direction == Direction::up ? upgrade_revisions(plan, applied, to)
                                                      : downgrade_revisions(plan, applied, to);
    if (direction == Direction::down) require_reversible(plan, revisions);
    std::cout << offline_script(plan, revisions, direction, applied);
    return exit_ok;
  }
  Session session(plan, options);
  session.migrator.lock(std::chrono::milliseconds(static_cast<long long>(options.lock_wait_seconds * 1000)));
  session.migrator.ensure_version_table();
  // Read under the lock: a migrator that waited sees what the one before it did.
  const std::vector<bool> applied = applied_from_heads(plan, session.migrator.recorded_heads());
  const auto revisions = direction == Direction::up ? upgrade_revisions(plan, applied, options.target)
                                                    : downgrade_revisions(plan, applied, options.target);
  const auto current = heads_text(plan, applied_heads(plan, applied));
  if (revisions.empty()) {
    std::cout << fmt::format("{}: {} is at {}; nothing to do\n", program_name, describe_database(options), current);
    return exit_ok;
  }
  std::cout << fmt::format("{}: {} {} from {} ({} revision{})\n", program_name,
                           direction == Direction::up ? "upgrading" : "downgrading", describe_database(options), current,
                           revisions.size(), revisions.size() == 1 ? "" : "s");
  const auto report = [&](const Progress& progress) { print_progress(plan, progress); };
  if (direction == Direction::up) {
    session.migrator.upgrade(revisions, report);
  } else {
    session.migrator.downgrade(revisions, report);
  }
  std::cout << fmt::format("{}: now at {}\n", program_name, heads_text(plan, session.migrator.recorded_heads()));
  return exit_ok;
}

int current(const Plan& plan, const Options& options) {
  Session session(plan, options);
  const auto heads = session.migrator.recorded_heads();
  if (!options.verbose) {
    std::cout << heads_text(plan, heads) << "\n";
    return exit_ok;
  }
  std::cout << fmt::format("Database: {}\n", describe_database(options));
  if (heads.empty()) std::cout << "Current revision: base (nothing applied)\n";
  for (std::size_t head : heads) {
    const Revision& revision = plan.revisions[head];
    std::cout << fmt::format("Current revision: {}\nParent: {}\nPath: {}:{}\n\n    {}\n", heads_text(plan, {head}),
                             parents_text(plan, head), revision.source, revision.line, revision.message);
  }
  return exit_ok;
}

void print_revision_line(const Plan& plan, std::size_t revision, const std::vector<bool>* applied_heads_mask) {
  const auto heads = plan_heads(plan);
  const bool is_head = std::find(heads.begin(), heads.end(), revision) != heads.end();
  std::string marks;
  if (is_head) marks += " (head)";
  if (applied_heads_mask != nullptr && (*applied_heads_mask)[revision]) marks += " (current)";
  std::cout << fmt::format("{} -> {}{}, {}\n", parents_text(plan, revision), plan.revisions[revision].id, marks,
                           plan.revisions[revision].message);
}

int history(const Plan& plan, const Options& options) {
  std::vector<bool> current_mask;
  if (options.indicate_current) {
    Session session(plan, options);
    current_mask.assign(plan.revisions.size(), false);
    for (std::size_t head : session.migrator.recorded_heads()) current_mask[head] = true;
  }
  for (std::size_t i = plan.revisions.size(); i-- > 0;) {
    if (!options.verbose) {
      print_revision_line(plan, i, options.indicate_current ? &current_mask : nullptr);
      continue;
    }
    const Revision& revision = plan.revisions[i];
    std::cout << fmt::format("Rev: {}{}\nParent: {}\nPath: {}:{}\nChecksum: {}\n\n    {}\n\n", revision.id,
                             (options.indicate_current && current_mask[i]) ? " (current)" : "", parents_text(plan, i),
                             revision.source, revision.line, revision.checksum, revision.message);
  }
  return exit_ok;
}

int heads(const Plan& plan, const Options&) {
  for (std::size_t head : plan_heads(plan)) std::cout << heads_text(plan, {head}) << "\n";
  return exit_ok;
}

int show(const Plan& plan, const Options& options) {
  const std::size_t index = find_revision(plan, options.target);
  const Revision& revision = plan.revisions[index];
  std::cout << fmt::format("Rev: {}\nParent: {}\nPath: {}:{}\nChecksum: {}\nReversible: {}\n\n    {}\n\n-- up\n",
                           heads_text(plan, {index}), parents_text(plan, index), revision.source, revision.line,
                           revision.checksum, revision.irreversible ? "no" : "yes", revision.message);
  for (const Step& step : plan.up(index)) std::cout << step.sql << ";\n";
  std::cout << "\n-- down\n";
  if (revision.irreversible) std::cout << "-- irreversible\n";
  for (const Step& step : plan.down(index)) std::cout << step.sql << ";\n";
  return exit_ok;
}

int stamp(const Plan& plan, const Options& options) {
  Session session(plan, options);
  session.migrator.lock(std::chrono::milliseconds(static_cast<long long>(options.lock_wait_seconds * 1000)));
  session.migrator.ensure_version_table();
  if (!options.purge) session.migrator.recorded_heads();  // refuses unknown recorded revisions
  std::vector<std::size_t> heads;
  if (options.target == "head" || options.target == "heads") {
    heads = plan_heads(plan);
  } else if (options.target != "base") {
    heads = {find_revision(plan, options.target)};
  }
  session.migrator.stamp(heads);
  std::cout << fmt::format("{}: stamped {} as {}; no SQL was run\n", program_name, describe_database(options),
                           heads_text(plan, heads));
  return exit_ok;
}

int report_migration_error(const MigrationError& error, const Plan& plan) {
  const Revision& revision = error.revision();
  const auto& cause = error.cause();
  std::cerr << fmt::format("{}: error: revision {} ({}:{}): {} {}\n", program_name, revision.id, revision.source,
                           error.line(), cause.sqlstate(), cause.what());
  if (!cause.detail().empty()) std::cerr << fmt::format("  detail: {}\n", cause.detail());
  if (!cause.hint().empty()) std::cerr << fmt::format("  hint: {}\n", cause.hint());
  if (!cause.statement().empty()) std::cerr << fmt::format("  statement: {}\n", cause.statement());
  std::cerr << fmt::format("  the {} of revision {} was rolled back; the database is where it was before it\n",
                           error.direction() == Direction::up ? "upgrade" : "downgrade", revision.id);
  (void)plan;
  return exit_migration_failed;
}

}  // namespace

int run_migrator(const Plan& plan, int argc, char** argv) {
  program_name = std::filesystem::path(argc > 0 ? argv[0] : "migrate").filename().string();
  CLI::App app{fmt::format("Migrates a PostgreSQL database along the `{}` chain ({} revisions, built in)", plan.name,
                           plan.revisions.size())};
  app.require_subcommand(1);
  Options options;
  app.add_option("--url", options.url, "libpq connection URL or conninfo (default: DATABASE_URL, then PG* variables)");
  app.add_option("--lock-wait", options.lock_wait_seconds, "seconds to wait for another migrator's lock")
      ->capture_default_str();

  auto* upgrade = app.add_subcommand("upgrade", "apply revisions up to a target (default: head)");
  upgrade->add_option("target", options.target, "head, a revision id or prefix, +N; with --sql also from:to")
      ->capture_default_str();
  upgrade->add_flag("--sql", options.sql, "print the SQL instead of running it (no database needed)");
  auto* downgrade = app.add_subcommand("downgrade", "revert revisions back to a target");
  downgrade->add_option("target", options.target, "base, a revision id or prefix, -N; with --sql from:to")->required();
  downgrade->add_flag("--sql", options.sql, "print the SQL instead of running it (no database needed)");
  auto* current_command = app.add_subcommand("current", "show the database's revision");
  current_command->add_flag("-v,--verbose", options.verbose, "show parents, file and message");
  auto* history_command = app.add_subcommand("history", "list the chain's revisions, newest first");
  history_command->add_flag("-v,--verbose", options.verbose, "show every revision in full");
  history_command->add_flag("-i,--indicate-current", options.indicate_current, "mark the database's revision");
  auto* heads_command = app.add_subcommand("heads", "show the chain's head revision(s)");
  auto* show_command = app.add_subcommand("show", "show a revision: message, parents, source, up and down SQL");
  show_command->add_option("revision", options.target, "a revision id or unique prefix")->required();
  auto* stamp_command = app.add_subcommand("stamp", "record a revision as applied without running anything");
  stamp_command->add_option("revision", options.target, "a revision id or prefix, head, or base")->required();
  stamp_command->add_flag("--purge", options.purge, "replace whatever the database records, even unknown revisions");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? exit_ok : exit_usage;
  }
  try {
    if (*upgrade) return move(plan, options, Direction::up);
    if (*downgrade) return move(plan, options, Direction::down);
    if (*current_command) return current(plan, options);
    if (*history_command) return history(plan, options);
    if (*heads_command) return heads(plan, options);
    if (*show_command) return show(plan, options);
    if (*stamp_command) return stamp(plan, options);
  } catch (const MigrationError& error) {
    return report_migration_error(error, plan);
  } catch (const UsageError& error) {
    std::cerr << fmt::format("{}: error: {}\n", program_name, error.what());
    return exit_usage;
  } catch (const ConnectionError& error) {
    std::cerr << fmt::format("{}: error: cannot connect to {}: {}\n", program_name, describe_database(options),
                             mask_password(error.what()));
    return exit_connection;
  } catch (const LockTimeout& error) {
    std::cerr << fmt::format("{}: error: {}\n", program_name, error.what());
    return exit_lock_timeout;
  } catch (const TargetError& error) {
    std::cerr << fmt::format("{}: error: {}\n", program_name, error.what());
    return exit_target;
  } catch (const StateError& error) {
    std::cerr << fmt::format("{}: error: {}\n", program_name, error.what());
    return exit_target;
  } catch (const DatabaseError& error) {
    std::cerr << fmt::format("{}: error: {} {}\n", program_name, error.sqlstate(), error.what());
    return exit_migration_failed;
  }
  return exit_usage;
}

}  // namespace migc::runtime
