#include "compiler/import_server.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <set>

#include "compiler/autogenerate.hpp"
#include "compiler/introspect.hpp"
#include "compiler/postgres_catalog.hpp"
#include "compiler/sql_parser.hpp"
#include "postgres/connection.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

// A database of its own on the server, dropped however the import ends.
class ScratchDatabase {
 public:
  ScratchDatabase(Connection& server, std::string name) : server_(server), name_(std::move(name)) {
    server_.execute("CREATE DATABASE " + quote_identifier(name_));
  }
  ~ScratchDatabase() {
    try {
      server_.execute("DROP DATABASE IF EXISTS " + quote_identifier(name_) + " WITH (FORCE)");
    } catch (const std::exception&) {  // a server gone away drops nothing; nothing to report then
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& name() const { return name_; }

 private:
  Connection& server_;
  std::string name_;
};

// What the schema comparison does not carry, of the statements an upgrade ran: queries read,
// and the changes to modelled objects are what the comparison sees; anything else (rows changed,
// functions made) is lost unless a human writes it.
// The statement's words, lower-cased, outside nothing: a conservative look (a word inside a
// string counts too), which errs towards naming a statement for a human.
bool has_word(const std::string& statement, std::string_view word) {
  std::string lowered(statement);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto identifier = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (std::size_t at = lowered.find(word); at != std::string::npos; at = lowered.find(word, at + 1)) {
    const bool starts = at == 0 || !identifier(lowered[at - 1]);
    const bool ends = at + word.size() == lowered.size() || !identifier(lowered[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

std::string first_word(const std::string& statement) {
  std::string head;
  for (const char c : statement) {
    if (head.empty() && std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return head;
}

bool is_show(const std::string& statement) { return first_word(statement) == "show"; }

// Whether it gave the upgrade rows to act on: a query, SHOW, or anything RETURNING.
bool returns_rows(const std::string& statement) {
  return is_show(statement) || !read_query(statement).error || has_word(statement, "returning");
}

// Whether it only read: SHOW, or a query with no data-changing WITH, calling only PostgreSQL's
// built-in functions other than those that change state (a function of the chain's may write).
bool only_reads(const std::string& statement) {
  if (is_show(statement)) return true;
  if (read_query(statement).error) return false;
  for (const char* changes : {"insert", "update", "delete", "merge", "into"}) {
    if (has_word(statement, changes)) return false;
  }
  const ExpressionFacts facts = read_expression("(" + statement + ")");
  if (facts.error) return false;
  static constexpr std::string_view writing[] = {"setval", "nextval", "set_config", "pg_notify", "lo_import", "lo_export", "lo_unlink",
                                                 "lo_create", "lo_from_bytea", "lo_put", "pg_terminate_backend", "pg_cancel_backend",
                                                 "pg_reload_conf", "pg_switch_wal", "txid_current", "pg_current_xact_id"};
  for (const auto& function : facts.functions) {
    const std::string& name = function.names.back();
    if (std::find(std::begin(writing), std::end(writing), name) != std::end(writing) || name.starts_with("pg_advisory")) return false;
    const auto known = catalog_functions(name);
    if (std::none_of(known.begin(), known.end(), [](const CatalogFunction& f) { return f.extension.empty(); })) return false;
  }
  return true;
}

std::vector<std::string> not_carried(const std::vector<std::string>& ran) {
  std::vector<std::string> out;
  for (const auto& statement : ran) {
    if (only_reads(statement)) continue;
    // A setting changes how the statements after it act (the schema they create in, say), which
    // the comparison sees in what they made; it leaves nothing of its own.
    if (const std::string word = first_word(statement); word == "set" || word == "reset") continue;
    const SpelledSql spelled = spell_statements(statement);
    const bool seen = !spelled.error && std::all_of(spelled.statements.begin(), spelled.statements.end(), [](const SqlSpelling& s) {
      return s.kind == SqlSpelling::Kind::modelled || s.kind == SqlSpelling::Kind::transaction_control;
    });
    if (!seen) out.push_back(statement);
  }
  return out;
}

std::vector<std::string> missing_from(const std::vector<std::string>& these, const std::vector<std::string>& those) {
  const std::set<std::string> present(those.begin(), those.end());
  std::vector<std::string> out;
  for (const auto& item : these) {
    if (!present.contains(item)) out.push_back(item);
  }
  return out;
}

}  // namespace

std::string import_through_server(std::vector<ToolMigration>& migrations, const AlembicProject& project, const std::string& conninfo) {
  const ConnectionString secrets(conninfo);
  const auto unimported = [&](const std::string& why) {
    for (auto& migration : migrations) {
      if (!migration.up_error.empty() && !migration.diffed && !migration.ran_on_server &&
          migration.up_error.find("; on the server, its upgrade raised too") == std::string::npos) {
        migration.up_error += "; " + secrets.mask(why);
      }
    }
  };
  std::optional<Connection> reached;
  try {
    reached.emplace(conninfo);
  } catch (const ConnectionError& error) {
    throw ImportError(fmt::format("the server to run revisions on cannot be reached: {}", secrets.mask(error.what())));
  }
  Connection& server = *reached;
  const std::string where = server.description();
  const ImportInterruptions interruptions;
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count() % 1000000;
  std::optional<ScratchDatabase> scratch;
  try {
    scratch.emplace(server, fmt::format("migc_import_scratch_{}_{}", ::getpid(), stamp));
  } catch (const DatabaseError& error) {
    throw ImportError(fmt::format("a scratch database cannot be made on the server ({}): {}", where, secrets.mask(error.what())));
  }
  const ScratchDatabase& database = *scratch;
  try {
    const std::string libpq_text = secrets.libpq_text();
    const auto schema_now = [&] {
      Connection connection(conninfo, database.name());
      return introspect(connection);
    };
    // Each revision the offline SQL serves is run in a batch up to the next one that needs the
    // comparison, which runs alone between two readings of the schema.
    std::vector<std::string> batch;
    const auto run = [&](const std::vector<std::string>& ids) -> std::vector<std::string> {
      const AlembicOnlineRun result = run_alembic_online(project, libpq_text, database.name(), ids);
      if (!result.failed.empty()) {
        for (auto& migration : migrations) {
          if (migration.id == result.failed && !migration.up_error.empty()) {
            migration.up_error += "; on the server, its upgrade raised too: " + secrets.mask(result.error);
          }
        }
        throw ImportError(fmt::format("not run on the server: the upgrade of revision {} before it raised there: {}", result.failed,
                                      secrets.mask(result.error)));
      }
      return result.ran.empty() ? std::vector<std::string>{} : result.ran.back().second;
    };
    for (auto& migration : migrations) {
      if (migration.up_error.empty()) {
        batch.push_back(migration.id);
        continue;
      }
      if (!batch.empty()) run(batch);
      batch.clear();
      ImportInterruptions::throw_if_interrupted();
      const Introspected before = schema_now();
      const std::vector<std::string> ran = run({migration.id});
      const Introspected after = schema_now();
      ImportInterruptions::throw_if_interrupted();
      if (std::none_of(ran.begin(), ran.end(), returns_rows)) {
        // It was given no rows (a value offline mode cannot print, as a datetime in bulk_insert):
        // what it ran is what it runs on every database, and is translated like offline SQL.
        migration.up.text.clear();
        for (const auto& statement : ran) migration.up.text += statement + ";\n";
        migration.up.file += " (upgrade SQL as run on a server)";
        migration.ran_on_server = true;
        continue;
      }
      ToolMigration::Diffed diffed;
      Autogenerated up = autogenerate(before.schema, after.schema);
      diffed.up = std::move(up.statements);
      diffed.down = autogenerate(after.schema, before.schema).statements;
      diffed.review = std::move(up.warnings);
      for (const auto& made : missing_from(after.left_out, before.left_out)) {
        diffed.review.push_back("it made what the language cannot say and the comparison leaves out, " + made + ": write it as an `execute` step");
      }
      for (const auto& removed : missing_from(before.left_out, after.left_out)) {
        diffed.review.push_back("it removed what the language cannot say and the comparison leaves out, " + removed + ": write it as an `execute` step");
      }
      diffed.not_carried = not_carried(ran);
      migration.diffed = std::move(diffed);
    }
  } catch (const ConnectionError& error) {
    unimported(fmt::format("importing it through the server failed: {}", error.what()));
  } catch (const DatabaseError& error) {
    unimported(fmt::format("importing it through the server failed: {}", error.what()));
  } catch (const ImportInterrupted&) {
    throw;  // past the scratch database, which is dropped on the way
  } catch (const ImportError& error) {
    unimported(error.what());
  }
  return where;
}

}  // namespace migc
