// Reading another tool's directory of SQL migrations (golang-migrate, dbmate, goose, sqlx,
// Flyway) by that tool's own naming, sectioning and ordering rules: what `migc import` translates.
#pragma once

#include <signal.h>

#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

enum class ImportFormat { golang_migrate, dbmate, goose, sqlx, flyway, alembic };

// "golang-migrate" -> ImportFormat::golang_migrate; nothing for a name that is none of them.
std::optional<ImportFormat> import_format(std::string_view name);
std::string_view import_format_name(ImportFormat format);

// SQL of one direction of a migration, and where it starts in its file (1-based line), so that
// a statement's place in the original can be named.
struct SqlSection {
  std::string file;  // the file's name inside the directory
  std::string text;
  std::size_t first_line = 1;
};

struct ToolMigration {
  std::string id;       // the version exactly as the tool records it in its history table
  std::string message;  // from the file name
  SqlSection up;
  std::optional<SqlSection> down;  // none where the tool has no down for it
  bool no_transaction = false;     // the tool runs it outside a transaction
  // The revisions it revises: empty for the one before it (none for the first); several for a
  // merge (Alembic's down_revision tuple, and its depends_on).
  std::vector<std::string> parents;
  std::string created;   // when its author made it, as the tool wrote it (Alembic's Create Date)
  // Why the tool could not give the SQL of each direction (Alembic's offline mode raising).
  std::string up_error, down_error;
  // A revision whose up SQL the tool could not give, applied on a server instead and its schema
  // compared before and after (import_through_server): the language's statements that make the
  // same change, and undo it, and what that comparison cannot see, for a human to review.
  struct Diffed {
    std::vector<std::string> up, down;
    std::vector<std::string> review;
    // Statements its upgrade ran that the comparison cannot see (rows changed, functions made).
    std::vector<std::string> not_carried;
  };
  std::optional<Diffed> diffed;
  // Its up SQL is what its upgrade ran on a server, where that read nothing from the database
  // (offline mode raised only on printing a value): the same statements on every database.
  bool ran_on_server = false;
};

// A file of the directory: its name and its bytes.
struct ToolFile {
  std::string name;
  std::string text;
};

// Malformed input (duplicate versions, a down without an up, a file the tool would refuse), with
// the file it is about in the message.
struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The migrations of `files`, in the order the tool applies them. Files the tool ignores are
// ignored. Throws ImportError.
std::vector<ToolMigration> read_tool_migrations(ImportFormat format, const std::vector<ToolFile>& files);

// The same, reading the directory's regular files (not its subdirectories, except Flyway's, which
// it searches recursively).
std::vector<ToolMigration> read_tool_directory(ImportFormat format, const std::filesystem::path& directory);

// An Alembic chain, from the JSON compiler/alembic_export.py prints: its revisions base first,
// each with the SQL its upgrade and downgrade emit in offline mode. Throws ImportError.
std::vector<ToolMigration> read_alembic_export(std::string_view json);

// SIGHUP, SIGINT or SIGTERM while the import ran revisions on a server: thrown once the Python it ran has
// stopped, so that what it made there is removed on the way out.
struct ImportInterrupted : ImportError {
  using ImportError::ImportError;
};

// While one lives, SIGHUP, SIGINT and SIGTERM are noted instead of ending migc; run_alembic_online and
// throw_if_interrupted() then throw ImportInterrupted.
class ImportInterruptions {
 public:
  ImportInterruptions();
  ~ImportInterruptions();
  ImportInterruptions(const ImportInterruptions&) = delete;
  ImportInterruptions& operator=(const ImportInterruptions&) = delete;
  static void throw_if_interrupted();

 private:
  std::array<struct sigaction, 3> previous_{};  // of SIGHUP, SIGINT and SIGTERM
};

// An Alembic project: its versions directory, and alembic.ini when given (else empty).
struct AlembicProject {
  std::filesystem::path versions;
  std::string config;
};

// Runs compiler/alembic_export.py (built into migc) with Debian's /usr/bin/python3 on a versions
// directory (and alembic.ini, when given), and reads its output. Throws ImportError, saying when
// Alembic is missing.
std::vector<ToolMigration> read_alembic_directory(const AlembicProject& project);

// What running revisions' upgrades online did: the statements each ran (queries too), by id;
// and the revision whose upgrade raised, with the exception, where one did (the ones after it
// are not run).
struct AlembicOnlineRun {
  std::vector<std::pair<std::string, std::vector<std::string>>> ran;
  std::string failed, error;
};

// Runs the upgrades of `ids`, in that order, each in its own transaction, on `database` of the
// server `conninfo` names, by Alembic itself (compiler/alembic_export.py --online). Throws
// ImportError where Python, Alembic or psycopg2 cannot run.
AlembicOnlineRun run_alembic_online(const AlembicProject& project, const std::string& conninfo, const std::string& database,
                                    const std::vector<std::string>& ids);

}  // namespace migc
