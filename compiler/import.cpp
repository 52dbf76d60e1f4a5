// Each tool's file names, sections and order, as its own source applies them: golang-migrate's
// source/parse.go, dbmate's pkg/dbmate/migration.go, goose's sqlparser, sqlx's migrate/source.rs
// and Flyway's versioned, undo and repeatable migrations.
#include "compiler/import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>

namespace migc {
namespace {

ToolMigration migration_of(std::string id, std::string message, SqlSection up, bool no_transaction = false) {
  ToolMigration migration;
  migration.id = std::move(id);
  migration.message = std::move(message);
  migration.up = std::move(up);
  migration.no_transaction = no_transaction;
  return migration;
}

namespace fs = std::filesystem;

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal version as an unsigned integer, as Go's strconv.ParseUint and Rust's parse() take
// it; nothing when it is no number or too large for `limit`.
std::optional<std::uint64_t> parse_version(std::string_view digits, std::uint64_t limit) {
  if (!all_digits(digits)) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}
constexpr std::uint64_t int64_max = 9223372036854775807ULL;

std::string words(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) { return text.size() >= suffix.size() && text.ends_with(suffix); }

// Migrations keyed by their numeric version, refusing a version given twice.
template <typename Key>
struct Versions {
  std::map<Key, ToolMigration> up;
  std::map<Key, SqlSection> down;
  std::map<Key, std::string> up_files, down_files;

  void add_up(const Key& key, ToolMigration migration) {
    if (auto found = up_files.find(key); found != up_files.end()) {
      throw ImportError(fmt::format("{}: version {} is also {}'s", migration.up.file, migration.id, found->second));
    }
    up_files[key] = migration.up.file;
    up.emplace(key, std::move(migration));
  }
  void add_down(const Key& key, std::string_view id, SqlSection section) {
    if (auto found = down_files.find(key); found != down_files.end()) {
      throw ImportError(fmt::format("{}: version {} is also {}'s", section.file, id, found->second));
    }
    down_files[key] = section.file;
    down.emplace(key, std::move(section));
  }
  std::vector<ToolMigration> in_order() {
    for (auto& [key, section] : down) {
      auto found = up.find(key);
      if (found == up.end()) throw ImportError(fmt::format("{}: a down migration without its up", section.file));
      found->second.down = std::move(section);
    }
    std::vector<ToolMigration> out;
    for (auto& [key, migration] : up) out.push_back(std::move(migration));
    return out;
  }
};

// golang-migrate: `<version>_<name>.up.sql` and `.down.sql`, the version an unsigned integer
// (schema_migrations.version holds it as a number: no leading zeros).
std::vector<ToolMigration> read_golang_migrate(const std::vector<ToolFile>& files) {
  Versions<std::uint64_t> versions;
  for (const auto& file : files) {
    const std::string& name = file.name;
    const bool up = ends_with(name, ".up.sql");
    if (!up && !ends_with(name, ".down.sql")) continue;
    const auto separator = name.find('_');
    if (separator == std::string::npos || !all_digits(std::string_view(name).substr(0, separator))) continue;
    const auto version = parse_version(std::string_view(name).substr(0, separator), UINT64_MAX);
    if (!version) throw ImportError(fmt::format("{}: the version is too large for golang-migrate", name));
    const std::string id = std::to_string(*version);
    if (up) {
      const std::string rest = name.substr(separator + 1, name.size() - separator - 1 - 7);
      versions.add_up(*version, migration_of(id, words(rest), SqlSection{name, file.text, 1}));
    } else {
      versions.add_down(*version, id, SqlSection{name, file.text, 1});
    }
  }
  return versions.in_order();
}

// The lines of a text, each with its 1-based number and the offset of its start.
struct Line {
  std::string_view text;
  std::size_t number = 0;
  std::size_t offset = 0;
};
std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  for (std::size_t number = 1; start <= text.size(); ++number) {
    const auto end = text.find('\n', start);
    const auto stop = end == std::string_view::npos ? text.size() : end;
    lines.push_back({text.substr(start, stop - start), number, start});
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool is_blank_or_comment(std::string_view line) {
  const auto text = trimmed(line);
  return text.empty() || text.starts_with("--");
}

// dbmate: `<version>...sql`, the version the leading digits as written (schema_migrations.version
// is text), in the order of the file names; `-- migrate:up` then an optional `-- migrate:down`.
std::vector<ToolMigration> read_dbmate(const std::vector<ToolFile>& files) {
  std::vector<const ToolFile*> sorted;
  for (const auto& file : files) {
    if (!ends_with(file.name, ".sql") || file.name.empty() || !std::isdigit(static_cast<unsigned char>(file.name[0]))) continue;
    sorted.push_back(&file);
  }
  std::sort(sorted.begin(), sorted.end(), [](const ToolFile* a, const ToolFile* b) { return a->name < b->name; });
  std::vector<ToolMigration> out;
  std::map<std::string, std::string> seen;
  for (const ToolFile* file : sorted) {
    std::size_t digits = 0;
    while (digits < file->name.size() && std::isdigit(static_cast<unsigned char>(file->name[digits]))) ++digits;
    ToolMigration migration;
    migration.id = file->name.substr(0, digits);
    if (auto found = seen.find(migration.id); found != seen.end()) {
      throw ImportError(fmt::format("{}: version {} is also {}'s", file->name, migration.id, found->second));
    }
    seen[migration.id] = file->name;
    std::string rest = file->name.substr(digits, file->name.size() - digits - 4);
    if (!rest.empty() && rest.front() == '_') rest.erase(0, 1);
    migration.message = words(rest);
    std::optional<std::size_t> up_start, down_start, up_line, down_line;
    std::size_t up_end = file->text.size();
    for (const auto& line : lines_of(file->text)) {
      const auto text = trimmed(line.text);
      if (text.starts_with("-- migrate:up")) {
        if (up_start) throw ImportError(fmt::format("{}:{}: a second `-- migrate:up`", file->name, line.number));
        up_start = line.offset + line.text.size();
        up_line = line.number;
        migration.no_transaction = text.find("transaction:false") != std::string_view::npos;
      } else if (text.starts_with("-- migrate:down")) {
        if (!up_start) throw ImportError(fmt::format("{}:{}: `-- migrate:down` before `-- migrate:up`", file->name, line.number));
        if (down_start) throw ImportError(fmt::format("{}:{}: a second `-- migrate:down`", file->name, line.number));
        up_end = line.offset;
        down_start = line.offset + line.text.size();
        down_line = line.number;
      } else if (!up_start && !is_blank_or_comment(line.text)) {
        throw ImportError(fmt::format("{}:{}: SQL before `-- migrate:up`, which dbmate refuses", file->name, line.number));
      }
    }
    if (!up_start) throw ImportError(fmt::format("{}: no `-- migrate:up` section", file->name));
    migration.up = SqlSection{file->name, file->text.substr(*up_start, up_end - *up_start), *up_line};
    if (down_start && !trimmed(std::string_view(file->text).substr(*down_start)).empty()) {
      migration.down = SqlSection{file->name, file->text.substr(*down_start), *down_line};
    }
    out.push_back(std::move(migration));
  }
  return out;
}

// goose: `<version>_<name>.sql`, the version a positive int64 (goose_db_version.version_id);
// `-- +goose Up` and `-- +goose Down` sections, `StatementBegin`/`StatementEnd` around
// statements that hold semicolons (which PostgreSQL's own parser needs no help with here), and
// `-- +goose NO TRANSACTION`. Annotation lines are blanked, so lines keep their numbers.
std::vector<ToolMigration> read_goose(const std::vector<ToolFile>& files) {
  Versions<std::uint64_t> versions;
  for (const auto& file : files) {
    const std::string& name = file.name;
    if (ends_with(name, ".go")) throw ImportError(fmt::format("{}: a Go migration, which only goose itself can run", name));
    if (!ends_with(name, ".sql")) continue;
    const auto separator = name.find('_');
    if (separator == std::string::npos) throw ImportError(fmt::format("{}: no `_` after the version", name));
    const auto version = parse_version(std::string_view(name).substr(0, separator), int64_max);
    if (!version || *version == 0) throw ImportError(fmt::format("{}: the version is not a positive integer", name));
    ToolMigration migration;
    migration.id = std::to_string(*version);
    migration.message = words(name.substr(separator + 1, name.size() - separator - 1 - 4));
    std::string up, down;
    std::size_t up_line = 0, down_line = 0;
    std::string* section = nullptr;
    for (const auto& line : lines_of(file.text)) {
      const auto text = trimmed(line.text);
      if (text.starts_with("-- +goose ")) {
        const auto annotation = trimmed(text.substr(10));
        if (annotation == "Up" || annotation == "up") {
          if (up_line != 0) throw ImportError(fmt::format("{}:{}: a second `-- +goose Up`", name, line.number));
          section = &up;
          up_line = line.number;
        } else if (annotation == "Down" || annotation == "down") {
          if (up_line == 0) throw ImportError(fmt::format("{}:{}: `-- +goose Down` before `-- +goose Up`", name, line.number));
          if (down_line != 0) throw ImportError(fmt::format("{}:{}: a second `-- +goose Down`", name, line.number));
          section = &down;
          down_line = line.number;
        } else if (annotation == "NO TRANSACTION") {
          migration.no_transaction = true;
        } else if (annotation.starts_with("ENVSUB")) {
          throw ImportError(fmt::format("{}:{}: `-- +goose ENVSUB` substitutes environment variables, which an import cannot know",
                                        name, line.number));
        } else if (annotation != "StatementBegin" && annotation != "StatementEnd") {
          throw ImportError(fmt::format("{}:{}: unknown goose annotation `{}`", name, line.number, annotation));
        }
        if (section != nullptr) *section += '\n';
        continue;
      }
      if (section == nullptr) {
        if (!is_blank_or_comment(line.text)) {
          throw ImportError(fmt::format("{}:{}: SQL before `-- +goose Up`, which goose refuses", name, line.number));
        }
        continue;
      }
      *section += std::string(line.text) + '\n';
    }
    if (up_line == 0) throw ImportError(fmt::format("{}: no `-- +goose Up` annotation", name));
    // The text starts on the annotation's line, which the newline above stands for.
    migration.up = SqlSection{name, up, up_line};
    if (down_line != 0 && !trimmed(down).empty()) migration.down = SqlSection{name, down, down_line};
    versions.add_up(*version, std::move(migration));
  }
  return versions.in_order();
}

// sqlx: `<version>_<description>.sql`, or `.up.sql` and `.down.sql`, the version a positive i64
// (_sqlx_migrations.version); files that do not match are ignored, as sqlx ignores them. A
// migration that starts with `-- no-transaction` runs outside a transaction.
std::vector<ToolMigration> read_sqlx(const std::vector<ToolFile>& files) {
  Versions<std::uint64_t> versions;
  for (const auto& file : files) {
    const std::string& name = file.name;
    if (!ends_with(name, ".sql")) continue;
    const auto separator = name.find('_');
    if (separator == std::string::npos) continue;
    const auto version = parse_version(std::string_view(name).substr(0, separator), int64_max);
    if (!version || *version == 0) continue;
    const std::string id = std::to_string(*version);
    const bool up = ends_with(name, ".up.sql");
    const bool down = ends_with(name, ".down.sql");
    const std::size_t suffix = up ? 7 : down ? 9 : 4;
    if (down) {
      versions.add_down(*version, id, SqlSection{name, file.text, 1});
      continue;
    }
    ToolMigration migration = migration_of(id, words(name.substr(separator + 1, name.size() - separator - 1 - suffix)),
                                           SqlSection{name, file.text, 1}, std::string_view(file.text).starts_with("-- no-transaction"));
    versions.add_up(*version, std::move(migration));
  }
  return versions.in_order();
}

// Flyway: `V<version>__<description>.sql`, undo `U<version>__...`, the version's parts separated
// by `.` or `_` and compared as numbers (1.0 is 1); flyway_schema_history.version holds it with
// dots. Repeatable `R__` migrations have no version to keep, and placeholders (`${name}`) no
// value an import can know: both refused.
using FlywayKey = std::vector<std::uint64_t>;
// A migration's `<file>.conf`: whether it runs in a transaction, the one setting an import can
// honour; any other setting changes what Flyway runs in ways it cannot (encodings, conditions).
bool flyway_in_transaction(const ToolFile& conf) {
  bool in_transaction = true;
  std::size_t begin = 0;
  while (begin < conf.text.size()) {
    const auto end = std::min(conf.text.find('\n', begin), conf.text.size());
    std::string line = conf.text.substr(begin, end - begin);
    begin = end + 1;
    line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }), line.end());
    if (line.empty() || line[0] == '#') continue;
    if (line == "executeInTransaction=false") {
      in_transaction = false;
    } else if (line != "executeInTransaction=true") {
      throw ImportError(fmt::format("{}: `{}`: of a migration's settings an import takes executeInTransaction alone", conf.name, line));
    }
  }
  return in_transaction;
}

std::vector<ToolMigration> read_flyway(const std::vector<ToolFile>& files) {
  Versions<FlywayKey> versions;
  std::map<std::string, const ToolFile*> confs;  // by the migration's file
  for (const auto& file : files) {
    if (ends_with(file.name, ".sql.conf")) confs[file.name.substr(0, file.name.size() - 5)] = &file;
  }
  for (const auto& file : files) {
    const std::string name = fs::path(file.name).filename().string();
    if (!ends_with(name, ".sql") || name.size() < 2) continue;
    if (name.starts_with("before") || name.starts_with("after")) {
      throw ImportError(fmt::format("{}: a Flyway callback, which Flyway runs around migrations: migc has none, so it is not imported; "
                                    "put what it does into a migration, and move it out of the directory",
                                    file.name));
    }
    const char prefix = name[0];
    if (prefix == 'R' && name.starts_with("R__")) {
      throw ImportError(fmt::format("{}: a repeatable migration, which runs again whenever it changes and has no version: "
                                    "migc has no such revision; move what it creates into a versioned migration first",
                                    file.name));
    }
    if (prefix != 'V' && prefix != 'U') continue;
    const auto separator = name.find("__");
    if (separator == std::string::npos) throw ImportError(fmt::format("{}: no `__` between the version and the description", file.name));
    std::string version = name.substr(1, separator - 1);
    std::replace(version.begin(), version.end(), '_', '.');
    FlywayKey key;
    std::size_t start = 0;
    while (true) {
      const auto dot = version.find('.', start);
      const auto part = parse_version(std::string_view(version).substr(start, dot == std::string::npos ? std::string::npos : dot - start),
                                      UINT64_MAX);
      if (!part) throw ImportError(fmt::format("{}: `{}` is not a version (numbers separated by `.` or `_`)", file.name, version));
      key.push_back(*part);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    while (key.size() > 1 && key.back() == 0) key.pop_back();
    if (const auto placeholder = file.text.find("${"); placeholder != std::string::npos) {
      const auto line = 1 + std::count(file.text.begin(), file.text.begin() + static_cast<std::ptrdiff_t>(placeholder), '\n');
      throw ImportError(fmt::format("{}:{}: Flyway replaces placeholders `${{...}}` with its configuration's values, which an import "
                                    "cannot know: replace them first",
                                    file.name, line));
    }
    const std::string message = words(name.substr(separator + 2, name.size() - separator - 2 - 4));
    if (prefix == 'U') {
      versions.add_down(key, version, SqlSection{file.name, file.text, 1});
    } else {
      const auto conf = confs.find(file.name);
      versions.add_up(key, migration_of(version, message, SqlSection{file.name, file.text, 1},
                                        conf != confs.end() && !flyway_in_transaction(*conf->second)));
    }
  }
  return versions.in_order();
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<ImportFormat> import_format(std::string_view name) {
  for (const auto format : {ImportFormat::golang_migrate, ImportFormat::dbmate, ImportFormat::goose, ImportFormat::sqlx, ImportFormat::flyway, ImportFormat::alembic}) {
    if (import_format_name(format) == name) return format;
  }
  return std::nullopt;
}

std::string_view import_format_name(ImportFormat format) {
  switch (format) {
    case ImportFormat::golang_migrate: return "golang-migrate";
    case ImportFormat::dbmate: return "dbmate";
    case ImportFormat::goose: return "goose";
    case ImportFormat::sqlx: return "sqlx";
    case ImportFormat::flyway: return "flyway";
    case ImportFormat::alembic: return "alembic";
  }
  return "";
}

std::vector<ToolMigration> read_tool_migrations(ImportFormat format, const std::vector<ToolFile>& given) {
  // A UTF-8 byte order mark, as Windows editors write one, is no SQL: the tools skip it.
  std::vector<ToolFile> files = given;
  for (auto& file : files) {
    if (file.text.starts_with("\xEF\xBB\xBF")) file.text.erase(0, 3);
  }
  switch (format) {
    case ImportFormat::golang_migrate: return read_golang_migrate(files);
    case ImportFormat::dbmate: return read_dbmate(files);
    case ImportFormat::goose: return read_goose(files);
    case ImportFormat::sqlx: return read_sqlx(files);
    case ImportFormat::flyway: return read_flyway(files);
    case ImportFormat::alembic: throw ImportError("alembic revisions are Python, read by read_alembic_directory");
  }
  return {};
}

std::vector<ToolMigration> read_tool_directory(ImportFormat format, const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) throw ImportError(fmt::format("{}: not a directory that can be read", directory.string()));
  std::vector<ToolFile> files;
  const auto add = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file()) return;
    files.push_back({fs::relative(entry.path(), directory).generic_string(), read_bytes(entry.path())});
  };
  try {
    if (format == ImportFormat::flyway) {
      for (const auto& entry : fs::recursive_directory_iterator(directory)) add(entry);
    } else {
      for (const auto& entry : fs::directory_iterator(directory)) add(entry);
    }
  } catch (const fs::filesystem_error& failure) {
    throw ImportError(fmt::format("{}: {}", directory.string(), failure.code().message()));
  }
  // The directory's listing order is the file system's: sort, so that nothing depends on it.
  std::sort(files.begin(), files.end(), [](const ToolFile& a, const ToolFile& b) { return a.name < b.name; });
  auto migrations = read_tool_migrations(format, files);
  if (migrations.empty()) throw ImportError(fmt::format("{}: no {} migrations", directory.string(), import_format_name(format)));
  return migrations;
}

}  // namespace migc
