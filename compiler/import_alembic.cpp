// An Alembic chain, read by Alembic itself: compiler/alembic_export.py (built into migc as a
// string) runs each revision's upgrade and downgrade in offline mode and prints their SQL.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

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
    for (const char* direction : {"upgrade", "downgrade"}) {
      const std::string error = string_at(revision, (std::string(direction) + "_error").c_str());
      if (error.empty()) continue;
      if (!migration.unreadable.empty()) migration.unreadable += "; ";
      migration.unreadable += fmt::format("its {} raised in Alembic's offline mode: {}", direction, error);
    }
    if (migration.parents.empty() && !migrations.empty()) {
      throw ImportError(fmt::format("alembic revision {}: a second root (down_revision = None); migc chains have one", migration.id));
    }
    migrations.push_back(std::move(migration));
  }
  if (migrations.empty()) throw ImportError("alembic: no revisions");
  return migrations;
}

std::vector<ToolMigration> read_alembic_directory(const std::filesystem::path& versions, const std::string& config) {
  // Debian's interpreter, not the first python3 on PATH: python3-alembic installs for it alone.
  // MIGC_PYTHON names another (a virtualenv's, holding the project's Alembic).
  const char* const chosen = std::getenv("MIGC_PYTHON");
  const char* const python = chosen != nullptr && *chosen != '\0' ? chosen : "/usr/bin/python3";
  std::error_code error;
  if (!std::filesystem::is_directory(versions, error)) throw ImportError(fmt::format("{}: not a directory that can be read", versions.string()));
  if (::access(python, X_OK) != 0) {
    throw ImportError(fmt::format("{} is missing: importing Alembic needs Debian's python3 and python3-alembic (or MIGC_PYTHON naming a Python with Alembic)", python));
  }
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  if (out == nullptr || err == nullptr) throw ImportError("cannot create a temporary file for Alembic's output");
  const std::string script(alembic_export_script);
  const std::string versions_text = versions.string();
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(::fileno(out), 1);
    ::dup2(::fileno(err), 2);
    std::vector<char*> argv{const_cast<char*>(python), const_cast<char*>("-c"), const_cast<char*>(script.c_str()),
                            const_cast<char*>(versions_text.c_str()), const_cast<char*>(config.c_str()), nullptr};
    ::execv(python, argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child) {
    std::fclose(out);
    std::fclose(err);
    throw ImportError(fmt::format("cannot run {}", python));
  }
  const std::string output = read_all(::fileno(out));
  std::string diagnostics = read_all(::fileno(err));
  std::fclose(out);
  std::fclose(err);
  while (!diagnostics.empty() && (diagnostics.back() == '\n' || diagnostics.back() == '\r')) diagnostics.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw ImportError(fmt::format("{}: {}", versions_text, diagnostics.empty() ? fmt::format("{} failed", python) : diagnostics));
  }
  return read_alembic_export(output);
}

}  // namespace migc
