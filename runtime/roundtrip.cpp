// Round-trip checks of a plan against a real server, run by CTest: for one revision, up then
// down restores the catalog exactly and up again reproduces it; for the whole chain, head ->
// base -> head ends where it started, and the compiler's predicted head schema matches the
// database's. Each check works in a database of its own, so checks can run in parallel.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "postgres/catalog.hpp"
#include "postgres/connection.hpp"
#include "postgres/sql_text.hpp"
#include "runtime/drift.hpp"
#include "runtime/migrator.hpp"
#include "runtime/targets.hpp"

namespace migc::runtime {

namespace {

class CheckFailed : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string database_name(std::string_view plan, std::string_view check) {
  std::string name = "migc_rt_" + std::string(plan) + "_" + std::string(check);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name.substr(0, 63);
}

std::unique_ptr<Connection> fresh_database(const std::string& conninfo, const std::string& name) {
  Connection admin(conninfo);
  admin.execute("DROP DATABASE IF EXISTS " + quote_identifier(name));
  admin.execute("CREATE DATABASE " + quote_identifier(name) + " TEMPLATE template0");
  return std::make_unique<Connection>(conninfo, name);
}

void expect_same(const std::string& what, const std::string& expected, const std::string& actual) {
  if (expected == actual) {
    std::cout << "ok: " << what << "\n";
    return;
  }
  std::istringstream expected_lines(expected);
  std::istringstream actual_lines(actual);
  std::set<std::string> before;
  std::set<std::string> after;
  for (std::string line; std::getline(expected_lines, line);) before.insert(line);
  for (std::string line; std::getline(actual_lines, line);) after.insert(line);
  std::string diff;
  for (const auto& line : before) {
    if (!after.contains(line)) diff += "  - " + line + "\n";
  }
  for (const auto& line : after) {
    if (!before.contains(line)) diff += "  + " + line + "\n";
  }
  throw CheckFailed(fmt::format("{}: catalogs differ (- expected, + actual):\n{}", what, diff));
}

void quiet(const Progress&) {}

// The catalog of a fresh database holding only `schema_sql`: what the compiler predicts.
std::string predicted_catalog(const std::string& conninfo, const std::string& name, std::string_view schema_sql) {
  const auto database = fresh_database(conninfo, name);
  database->execute_script(schema_sql);
  return catalog_snapshot(*database);
}

void check_revision(const Plan& plan, const std::string& conninfo, const std::string& id) {
  const std::size_t revision = find_revision(plan, id);
  const auto database = fresh_database(conninfo, database_name(plan.name, id));
  Migrator migrator(plan, *database);
  migrator.prepare();
  for (std::uint32_t parent : plan.parents_of(revision)) {
    migrator.upgrade(upgrade_revisions(plan, migrator.applied(), plan.revisions[parent].id), quiet);
  }
  const std::string before = catalog_snapshot(*database);
  migrator.upgrade({revision}, quiet);
  const std::string after = catalog_snapshot(*database);
  std::cout << fmt::format("ok: revision {} upgrades\n", id);
  expect_same(fmt::format("revision {}: the database matches the compiler's schema, column by column, index by index", id),
              predicted_catalog(conninfo, database_name(plan.name, id + "_predicted"),
                                predicted_schema_sql(plan, ancestry(plan, {revision}))),
              after);
  if (plan.revisions[revision].irreversible) {
    std::cout << fmt::format("ok: revision {} is irreversible: its down is not checked\n", id);
    return;
  }
  migrator.downgrade({revision}, quiet);
  expect_same(fmt::format("revision {}: down restores the catalog its up started from", id), before,
              catalog_snapshot(*database));
  migrator.upgrade({revision}, quiet);
  expect_same(fmt::format("revision {}: up after down reproduces the same catalog", id), after,
              catalog_snapshot(*database));
}

void check_chain(const Plan& plan, const std::string& conninfo) {
  const std::string predicted = predicted_catalog(conninfo, database_name(plan.name, "predicted"), plan.head_schema_sql);
  expect_same("the schema changes of all revisions rebuild the head schema",
              predicted, predicted_catalog(conninfo, database_name(plan.name, "rebuilt"),
                                           predicted_schema_sql(plan, std::vector<bool>(plan.revisions.size(), true))));

  const auto database = fresh_database(conninfo, database_name(plan.name, "chain"));
  const std::string empty = catalog_snapshot(*database);
  Migrator migrator(plan, *database);
  migrator.prepare();
  const auto none = std::vector<bool>(plan.revisions.size(), false);
  migrator.upgrade(upgrade_revisions(plan, none, "head"), quiet);
  const std::string head = catalog_snapshot(*database);
  expect_same("the compiler's head schema is the database's after upgrade head", predicted, head);

  const auto down = downgrade_revisions(plan, migrator.applied(), "base");
  const bool reversible = std::none_of(down.begin(), down.end(), [&](std::size_t r) { return plan.revisions[r].irreversible; });
  if (!reversible) {
    std::cout << "ok: the chain has irreversible revisions: head -> base is not checked\n";
    return;
  }
  migrator.downgrade(down, quiet);
  expect_same("downgrade base leaves an empty schema", empty, catalog_snapshot(*database));
  migrator.upgrade(upgrade_revisions(plan, none, "head"), quiet);
  expect_same("upgrade head again reproduces the same catalog", head, catalog_snapshot(*database));
}

std::string read_conninfo(const std::string& path) {
  std::ifstream in(path);
  std::string conninfo;
  std::getline(in, conninfo);
  if (conninfo.empty()) throw std::runtime_error("no connection string in " + path + " (is the test server running?)");
  return conninfo;
}

}  // namespace

int run_roundtrip(const Plan& plan, int argc, char** argv) {
  CLI::App app{fmt::format("Round-trip checks of chain `{}` against a scratch PostgreSQL server", plan.name)};
  std::string url;
  std::string url_file;
  std::string revision;
  bool chain = false;
  auto* url_option = app.add_option("--url", url, "conninfo of a server where databases can be created");
  app.add_option("--url-file", url_file, "read the conninfo from this file's first line")->excludes(url_option);
  auto* revision_option = app.add_option("--revision", revision, "check one revision's up and down");
  app.add_flag("--chain", chain, "check head -> base -> head and the predicted head schema")->excludes(revision_option);
  CLI11_PARSE(app, argc, argv);
  try {
    const std::string conninfo = url_file.empty() ? url : read_conninfo(url_file);
    {
      Connection admin(conninfo);
      for (const auto& role : create_missing_roles(admin, plan)) std::cout << "made role " << quote_identifier(role) << " (nologin)\n";
    }
    if (chain) {
      check_chain(plan, conninfo);
    } else if (!revision.empty()) {
      check_revision(plan, conninfo, revision);
    } else {
      for (const auto& each : plan.revisions) check_revision(plan, conninfo, std::string(each.id));
    }
  } catch (const CheckFailed& failure) {
    std::cerr << "FAILED: " << failure.what();
    return 1;
  } catch (const MigrationError& error) {
    std::cerr << fmt::format("FAILED: revision {} ({}:{}): {} {}\n  statement: {}\n", error.revision().id,
                             error.revision().source, error.line(), error.cause().sqlstate(), error.what(),
                             error.cause().statement());
    return 1;
  } catch (const ConnectionError& error) {
    std::cerr << fmt::format("FAILED: cannot connect to {}: {}\n", error.database().empty() ? "the server" : error.database(), error.what());
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace migc::runtime

int main(int argc, char** argv) {
  return migc::runtime::run_roundtrip(migc::runtime::linked_plan(), argc, argv);
}
