// An Alembic chain, read by Alembic itself: compiler/alembic_export.py (built into migc as a
// string) runs each revision's upgrade and downgrade in offline mode and prints their SQL.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "compiler/alembic_export_script.hpp"
#include "compiler/import.hpp"

namespace migc {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return {};
  if (!found->is_string()) throw ImportError(fmt::format("alembic export: `{}` is not a string", key));
  return found->get<std::string>();
}

std::vector<std::string> strings_at(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return out;
  if (!found->is_array()) throw ImportError(fmt::format("alembic export: `{}` is not a list", key));
  for (const auto& item : *found) {
    if (!item.is_string()) throw ImportError(fmt::format("alembic export: `{}` holds a non-string", key));
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string read_all(int fd) {
  std::string out;
  ::lseek(fd, 0, SEEK_SET);
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

}  // namespace

std::vector<ToolMigration> read_alembic_export(std::string_view json) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& error) {
    throw ImportError(fmt::format("alembic export: not JSON: {}", error.what()));
  }
  if (!parsed.is_object() || !parsed.contains("revisions") || !parsed["revisions"].is_array()) {
    throw ImportError("alembic export: no `revisions` list");
  }
  std::vector<ToolMigration> migrations;
  for (const auto& revision : parsed["revisions"]) {
    if (!revision.is_object()) throw ImportError("alembic export: a revision is not an object");
    ToolMigration migration;
    migration.id = string_at(revision, "id");
    if (migration.id.empty()) throw ImportError("alembic export: a revision without an id");
    migration.message = string_at(revision, "message");
    // Alembic's graph order puts each revision after its parents, but a merge's parents, or a
    // branch's first revision, need not be the revision just before it: name every parent.
    migration.parents = strings_at(revision, "parents");
    for (auto& dependency : strings_at(revision, "depends_on")) migration.parents.push_back(std::move(dependency));
    const std::string file = string_at(revision, "file");
    // Line numbers count in the SQL that offline mode printed, not in the Python file.
    migration.up = SqlSection{file + " (offline upgrade SQL)", string_at(revision, "upgrade"), 1};
    if (revision.contains("downgrade") && !revision["downgrade"].is_null()) {
      migration.down = SqlSection{file + " (offline downgrade SQL)", string_at(revision, "downgrade"), 1};
    }
    migration.created = string_at(revision, "created");
    migration.up_error = string_at(revision, "upgrade_error");
    if (!migration.up_error.empty()) migration.up.file = file;
    migration.down_error = string_at(revision, "downgrade_error");
    if (migration.parents.empty() && !migrations.empty()) {
      throw ImportError(fmt::format("alembic revision {}: a second root (down_revision = None); migc chains have one", migration.id));
    }
    migrations.push_back(std::move(migration));
  }
  if (migrations.empty()) throw ImportError("alembic: no revisions");
  return migrations;
}

namespace {

volatile std::sig_atomic_t interrupted_by = 0;
extern "C" void note_interruption(int signal) { interrupted_by = signal; }
constexpr int noted_signals[] = {SIGHUP, SIGINT, SIGTERM};

}  // namespace

ImportInterruptions::ImportInterruptions() {
  interrupted_by = 0;
  struct sigaction action {};
  action.sa_handler = note_interruption;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: waitpid() returns, and the import stops its child
  for (std::size_t i = 0; i < std::size(noted_signals); ++i) ::sigaction(noted_signals[i], &action, &previous_[i]);
}

ImportInterruptions::~ImportInterruptions() {
  for (std::size_t i = 0; i < std::size(noted_signals); ++i) ::sigaction(noted_signals[i], &previous_[i], nullptr);
}

void ImportInterruptions::throw_if_interrupted() {
  if (interrupted_by != 0) throw ImportInterrupted(fmt::format("interrupted (signal {}): nothing written", static_cast<int>(interrupted_by)));
}

namespace {

// Runs compiler/alembic_export.py with `arguments`, and `environment` added to migc's own; its
// standard output. Throws ImportError with what it printed on failure.
std::string run_alembic_script(const std::vector<std::string>& arguments, const std::vector<std::pair<std::string, std::string>>& environment) {
  // Debian's interpreter, not the first python3 on PATH: python3-alembic installs for it alone.
  // MIGC_PYTHON names another (a virtualenv's, holding the project's Alembic).
  const char* const chosen = std::getenv("MIGC_PYTHON");
  const char* const python = chosen != nullptr && *chosen != '\0' ? chosen : "/usr/bin/python3";
  if (::access(python, X_OK) != 0) {
    throw ImportError(fmt::format("{} is missing: importing Alembic needs Debian's python3 and python3-alembic (or MIGC_PYTHON naming a Python with Alembic)", python));
  }
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  if (out == nullptr || err == nullptr) throw ImportError("cannot create a temporary file for Alembic's output");
  const std::string script(alembic_export_script);
  std::vector<char*> argv{const_cast<char*>(python), const_cast<char*>("-c"), const_cast<char*>(script.c_str())};
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(::fileno(out), 1);
    ::dup2(::fileno(err), 2);
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv(python, argv.data());
    ::_exit(127);
  }
  int status = 0;
  pid_t waited = child < 0 ? -1 : ::waitpid(child, &status, 0);
  while (waited < 0 && child > 0 && errno == EINTR) {
    if (interrupted_by != 0) ::kill(child, SIGTERM);
    waited = ::waitpid(child, &status, 0);
  }
  if (waited != child) {
    std::fclose(out);
    std::fclose(err);
    throw ImportError(fmt::format("cannot run {}", python));
  }
  if (interrupted_by != 0) {
    std::fclose(out);
    std::fclose(err);
    ImportInterruptions::throw_if_interrupted();
  }
  std::string output = read_all(::fileno(out));
  std::string diagnostics = read_all(::fileno(err));
  std::fclose(out);
  std::fclose(err);
  while (!diagnostics.empty() && (diagnostics.back() == '\n' || diagnostics.back() == '\r')) diagnostics.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw ImportError(diagnostics.empty() ? fmt::format("{} failed", python) : diagnostics);
  }
  return output;
}

}  // namespace

std::vector<ToolMigration> read_alembic_directory(const AlembicProject& project) {
  const std::string versions = project.versions.string();
  std::error_code error;
  if (!std::filesystem::is_directory(project.versions, error)) throw ImportError(fmt::format("{}: not a directory that can be read", versions));
  try {
    return read_alembic_export(run_alembic_script({versions, project.config}, {}));
  } catch (const ImportError& failure) {
    if (std::string_view(failure.what()).find(" is missing: ") != std::string_view::npos) throw;
    throw ImportError(fmt::format("{}: {}", versions, failure.what()));
  }
}

AlembicOnlineRun run_alembic_online(const AlembicProject& project, const std::string& conninfo, const std::string& database,
                                    const std::vector<std::string>& ids) {
  std::vector<std::string> arguments{"--online", project.versions.string(), project.config, database};
  arguments.insert(arguments.end(), ids.begin(), ids.end());
  // The conninfo, which may hold a password, goes by the environment, which only this user may
  // read, rather than the command line, which every user of the machine may.
  const std::string output = run_alembic_script(arguments, {{"MIGC_IMPORT_CONNINFO", conninfo}});
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(output);
  } catch (const nlohmann::json::exception& error) {
    throw ImportError(fmt::format("alembic online run: not JSON: {}", error.what()));
  }
  AlembicOnlineRun run;
  if (!parsed.is_object() || !parsed.contains("ran") || !parsed["ran"].is_array()) throw ImportError("alembic online run: no `ran` list");
  for (const auto& entry : parsed["ran"]) {
    if (!entry.is_object()) throw ImportError("alembic online run: an entry is not an object");
    run.ran.emplace_back(string_at(entry, "id"), strings_at(entry, "statements"));
  }
  if (parsed.contains("failed") && parsed["failed"].is_object()) {
    run.failed = string_at(parsed["failed"], "id");
    run.error = string_at(parsed["failed"], "error");
  }
  return run;
}

}  // namespace migc
