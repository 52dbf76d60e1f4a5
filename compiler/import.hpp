// Reading another tool's directory of SQL migrations (golang-migrate, dbmate, goose, sqlx,
// Flyway) by that tool's own naming, sectioning and ordering rules: what `migc import` translates.
#pragma once

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
  // Why the tool could not give its SQL (Alembic's offline mode raising), for a human.
  std::string unreadable;
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

// Runs compiler/alembic_export.py (built into migc) with Debian's /usr/bin/python3 on a versions
// directory (and alembic.ini, when given), and reads its output. Throws ImportError, saying when
// Alembic is missing.
std::vector<ToolMigration> read_alembic_directory(const std::filesystem::path& versions, const std::string& config);

}  // namespace migc
