// migc: the migration compiler's command line. Exit status: 0 clean, 1 errors in the chain,
// 2 usage or internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#ifdef MIGC_MIMALLOC
#include <mimalloc.h>
#endif

#include "compiler/render_sql.hpp"
#include "compiler/authoring.hpp"
#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"
#include "compiler/diagnostic_kind.hpp"
#include "compiler/import.hpp"
#include "compiler/import_server.hpp"
#include "compiler/introspect.hpp"
#include "compiler/parallel.hpp"
#include "compiler/plan_writer.hpp"
#include "compiler/schema.hpp"
#include "compiler/sql_translate.hpp"
#include "postgres/connection.hpp"
#include "postgres/ephemeral.hpp"
#include "postgres/object_pattern.hpp"
#include "postgres/sql_text.hpp"

#ifndef MIGC_VERSION
#define MIGC_VERSION "unknown"
#endif

namespace {

namespace fs = std::filesystem;

constexpr int exit_chain_errors = 1;
constexpr int exit_usage = 2;

struct Options {
  std::vector<std::string> files;
  std::string name = "migrations";
  std::string out_dir;
  std::string source_root;
  std::string schema_sql;
  std::string update_target;
  std::string build_dir;  // the build directory a printed fix names (default: build)
  bool update_generated = false;
  std::string lock_file;
  std::string lock_target;
  bool update_lock = false;
  bool werror = false;
  std::string message;
  std::string directory = "migrations";  // every subcommand's chain, unless files are given
  std::string chain_name;                // init: the name add_migrations() is given
  std::string id;
  std::string at;
  std::string svg;
  std::vector<std::string> merge_parents;
  std::string model = "model";
  bool autogenerate = false;
  bool check_model = false;  // compile --model given
  std::string from_db;       // revision --autogenerate --from-db
  std::string url;           // introspect
  std::string output;        // introspect: a file, or - for standard output
  std::string schema;        // introspect: just this schema, as if it were `public`
  std::string state_file;    // throwaway-postgres
  std::string reuse_variable;  // throwaway-postgres start: a variable naming a server to use instead
  std::vector<std::string> server_settings;
  std::vector<std::string> check_exclude;  // compile: patterns the migrator's `check` leaves out
  std::string import_format;  // import: golang-migrate, dbmate, goose, sqlx or flyway
  std::string import_source;  // import: the tool's directory
  std::string import_config;  // import alembic: alembic.ini
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file rewritten only when its bytes change, so that Ninja's restat can skip what depends on
// it. The new text comes in pieces and is compared with the file as it comes, a block at a time
// (a plan of thousands of revisions is tens of megabytes, not worth holding once, let alone
// twice); from the first difference it goes to a new file beside it, renamed over it at the end:
// a build stopped meanwhile leaves the old file whole.
class FileUpdate {
 public:
  explicit FileUpdate(fs::path path) : path_(std::move(path)), old_(path_, std::ios::binary) {}

  void append(std::string_view piece) {
    while (!writing_ && !piece.empty()) {
      const std::size_t size = std::min(piece.size(), block_.size());
      old_.read(block_.data(), static_cast<std::streamsize>(size));
      if (static_cast<std::size_t>(old_.gcount()) != size || piece.compare(0, size, std::string_view(block_.data(), size)) != 0) {
        start_writing();
        break;
      }
      same_ += size;
      piece.remove_prefix(size);
    }
    if (writing_) new_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  }

  void finish() {
    // Every piece matched: unchanged, unless the file goes on (or was never there).
    if (!writing_ && old_.is_open() && old_.peek() == std::char_traits<char>::eof()) return;
    if (!writing_) start_writing();
    new_.close();
    if (!new_) throw std::runtime_error(fmt::format("cannot write {}", temporary_.string()));
    fs::rename(temporary_, path_);
  }

 private:
  // The bytes that matched, copied from the old file, then the rest as it comes.
  void start_writing() {
    writing_ = true;
    old_.close();
    if (path_.has_parent_path()) fs::create_directories(path_.parent_path());
    temporary_ = path_;
    temporary_ += fmt::format(".{}.tmp", ::getpid());
    new_.open(temporary_, std::ios::binary | std::ios::trunc);
    if (!new_) throw std::runtime_error(fmt::format("cannot write {}", temporary_.string()));
    std::ifstream same(path_, std::ios::binary);
    for (std::size_t copied = 0; copied < same_;) {
      same.read(block_.data(), static_cast<std::streamsize>(std::min(block_.size(), same_ - copied)));
      const auto got = static_cast<std::size_t>(same.gcount());
      if (got == 0) throw std::runtime_error(fmt::format("{} changed while it was rewritten", path_.string()));
      new_.write(block_.data(), static_cast<std::streamsize>(got));
      copied += got;
    }
  }

  fs::path path_;
  fs::path temporary_;
  std::ifstream old_;
  std::ofstream new_;
  std::array<char, 1 << 16> block_{};
  std::size_t same_ = 0;  // bytes of the old file the new text begins with
  bool writing_ = false;
};

void write_if_changed(const fs::path& path, std::string_view content) {
  FileUpdate update(path);
  update.append(content);
  update.finish();
}

// On GitHub Actions, each diagnostic is also an annotation on the pull request's diff.
void print_diagnostic(const migc::Diagnostic& diagnostic) {
  std::cerr << migc::format_diagnostic(diagnostic);
  if (const char* actions = std::getenv("GITHUB_ACTIONS"); actions != nullptr && std::string_view(actions) == "true") {
    const char* workspace = std::getenv("GITHUB_WORKSPACE");
    std::cout << migc::format_github_annotation(diagnostic, workspace != nullptr ? workspace : "") << std::flush;
  }
}

void print_diagnostics(const migc::Diagnostics& diagnostics) {
  for (const auto& diagnostic : diagnostics.all()) print_diagnostic(diagnostic);
}

// Expands directories into their *.mig files, sorted, so the order never depends on the file system.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    if (fs::is_directory(input)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(input)) {
        if (entry.is_regular_file() && entry.path().extension() == ".mig") found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  return files;
}

// Freeing a compiled chain of thousands of revisions, object by object, takes longer than the
// kernel takes to drop the whole process: `compile` leaves it to the kernel. Under
// AddressSanitizer the chain is destroyed at exit instead, or LeakSanitizer reports it.
#if defined(__SANITIZE_ADDRESS__)
#define MIGC_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIGC_LEAK_CHECKED 1
#endif
#endif
const std::optional<migc::CompiledChain>& kept_until_exit(std::optional<migc::CompiledChain> chain) {
#ifdef MIGC_LEAK_CHECKED
  static std::optional<migc::CompiledChain> kept;
  kept = std::move(chain);
  return kept;
#else
  return *new std::optional<migc::CompiledChain>(std::move(chain));
#endif
}

// Each file read on its own, on every core: a chain of thousands of revisions is as many files.
std::vector<migc::SourceFile> read_sources(const std::vector<std::string>& paths) {
  std::vector<std::string> texts(paths.size());
  migc::for_each_index_in_parallel(paths.size(), [&](std::size_t i) { texts[i] = read_file(paths[i]); });
  std::vector<migc::SourceFile> sources;
  sources.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) sources.emplace_back(paths[i], std::move(texts[i]));
  return sources;
}

// The files given, or else the --dir directory; a directory that is not there is said to be.
std::vector<std::string> chain_files(const Options& options) {
  if (options.files.empty() && !fs::is_directory(options.directory)) {
    throw std::runtime_error(fmt::format("no migrations directory `{}`: give --dir, or start one with `migc init --dir {}`",
                                         options.directory, options.directory));
  }
  return expand_inputs(options.files.empty() ? std::vector<std::string>{options.directory} : options.files);
}

std::optional<migc::CompiledChain> compile(const Options& options, std::vector<migc::SourceFile>& sources) {
  sources = read_sources(chain_files(options));
  migc::Diagnostics diagnostics;
  if (options.werror) diagnostics.treat_warnings_as_errors();
  auto chain = migc::compile_chain(sources, diagnostics);
  print_diagnostics(diagnostics);
  if (diagnostics.had_errors()) {
    std::cerr << fmt::format("migc: {} error(s); nothing generated\n", diagnostics.error_count());
    return std::nullopt;
  }
  return chain;
}

// A path as one word for a POSIX shell, so that the printed fix can be pasted as it is.
std::string shell_word(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:") == std::string::npos) {
    return text;
  }
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The fix for a stale file: in a message, with the build directory this build really uses;
// in the checked-in file, which must not hold an absolute path, as `build`.
std::string refresh_command(const Options& options, bool in_message = false) {
  if (options.update_target.empty()) return "migc compile --update-generated ...";
  return fmt::format("cmake --build {} --target {}", in_message && !options.build_dir.empty() ? shell_word(options.build_dir) : "build",
                     options.update_target);
}

std::string schema_file_text(const migc::CompiledChain& chain, const Options& options) {
  return fmt::format("-- Generated by migc: the schema at the head of chain `{}`. Do not edit.\n-- Refresh: {}\n\n{}",
                     migc::sql_comment_text(options.name), refresh_command(options), migc::head_schema_sql(chain));
}

std::optional<migc::Schema> compile_model_dir(const std::string& directory, std::vector<migc::SourceFile>& sources,
                                              migc::Diagnostics& diagnostics) {
  sources = read_sources(expand_inputs({directory}));
  return migc::compile_model(sources, diagnostics);
}

// ModelDrift unless the head schema is the model's.
void check_model(const migc::CompiledChain& chain, const std::string& directory, std::vector<migc::SourceFile>& sources,
                 migc::Diagnostics& diagnostics) {
  const auto model = compile_model_dir(directory, sources, diagnostics);
  if (!model) return;
  const auto generated = migc::autogenerate(chain.head, *model);
  if (generated.statements.empty()) return;
  auto& diagnostic = diagnostics.report(migc::DiagnosticKind::ModelDrift, {}, directory, generated.statements.size());
  for (std::size_t i = 0; i < generated.statements.size() && i < 5; ++i) {
    diagnostic.notes.push_back({{}, "needed: " + generated.statements[i].substr(0, generated.statements[i].find('\n'))});
  }
  diagnostic.notes.push_back({{}, "write the revision with `migc revision --autogenerate --model " + directory + " -m \"...\"`"});
}

std::string lock_file_header(const Options& options) {
  return fmt::format(
      "# Generated by migc: every released revision of chain `{}` and the checksum of its lowered SQL.\n"
      "# The build fails when a revision listed here changes. New revisions are added by\n"
      "# `{}`.\n",
      options.name, options.lock_target.empty() ? "migc compile --update-lock" : "cmake --build build --target " + options.lock_target);
}

// The file at `path` as a source, or an empty one when there is none yet.
migc::SourceFile read_source(const std::string& path) { return {path, fs::exists(path) ? read_file(path) : ""}; }

// Every check reports to one sink, and nothing is written unless all of them pass: a plan must
// not be left beside a stale schema.sql, a changed locked revision or a model it does not match.
int run_compile(const Options& options) {
  for (const auto& pattern : options.check_exclude) {
    try {
      migc::parse_object_pattern(pattern);
    } catch (const std::invalid_argument& error) {
      std::cerr << fmt::format("migc: error: --check-exclude: {}\n", error.what());
      return exit_usage;
    }
  }
  std::vector<migc::SourceFile> sources = read_sources(chain_files(options));
  // Diagnostics point into these files: they live until the diagnostics are printed.
  std::vector<migc::SourceFile> model_sources;
  const migc::SourceFile lock = read_source(options.lock_file);
  const migc::SourceFile checked_in = read_source(options.schema_sql);
  // A first build: there is nothing to be stale yet. Review starts with the next change.
  const bool first_schema_sql = !options.schema_sql.empty() && !fs::exists(options.schema_sql);
  migc::Diagnostics diagnostics;
  const auto& chain = kept_until_exit(migc::compile_chain(sources, diagnostics));
  if (chain) {
    // A released revision was linted while it was written; its warnings, repeated by every
    // build after, would only teach people to skip warnings. `migc check` still lints it.
    if (!options.lock_file.empty()) diagnostics.forget_warnings_in(migc::released_files(lock, *chain));
    if (!options.model.empty() && options.check_model) check_model(*chain, options.model, model_sources, diagnostics);
    if (!options.lock_file.empty()) migc::check_lock_file(lock, *chain, diagnostics);
    if (!options.schema_sql.empty() && !options.update_generated && !first_schema_sql) {
      migc::check_generated_file(checked_in, schema_file_text(*chain, options), refresh_command(options, true), diagnostics);
    }
  }
  if (options.werror) diagnostics.treat_warnings_as_errors();
  print_diagnostics(diagnostics);
  if (!chain || diagnostics.had_errors()) {
    std::cerr << fmt::format("migc: {} error(s); nothing generated\n", diagnostics.error_count());
    return exit_chain_errors;
  }
  if (!options.out_dir.empty()) {
    const fs::path out(options.out_dir);
    FileUpdate plan(out / (options.name + "_plan.cpp"));
    migc::write_plan_cpp(*chain, options.name, options.source_root, options.check_exclude,
                         [&plan](std::string_view block) { plan.append(block); });
    plan.finish();
    std::string ids;
    for (const auto& revision : chain->revisions) ids += revision.id + "\n";
    write_if_changed(out / (options.name + "_revisions.txt"), ids);
  }
  if (options.update_lock) write_if_changed(options.lock_file, migc::updated_lock_file(lock, *chain, lock_file_header(options)));
  if (!options.schema_sql.empty() && (options.update_generated || first_schema_sql)) {
    write_if_changed(options.schema_sql, schema_file_text(*chain, options));
    if (!options.update_generated) {
      std::cout << fmt::format("migc: created {}, the head schema of chain `{}`: add it to version control\n",
                               options.schema_sql, options.name);
    }
  }
  return 0;
}

int run_schema(const Options& options) {
  std::vector<migc::SourceFile> sources;
  const auto chain = compile(options, sources);
  if (!chain) return exit_chain_errors;
  const auto& revisions = chain->revisions;
  if (!options.at.empty() && options.at != "base" &&
      std::none_of(revisions.begin(), revisions.end(), [&](const auto& revision) { return revision.id == options.at; })) {
    std::cerr << fmt::format("migc: error: no revision `{}` in the chain\n", options.at);
    return exit_usage;
  }
  std::cout << (options.at.empty() ? migc::head_schema_sql(*chain) : migc::schema_sql_at(*chain, options.at));
  return 0;
}

// Writes a new revision file into the migrations directory; refuses to overwrite anything.
int write_revision(const Options& options, const std::vector<std::string>& parents, const std::string& body = "") {
  const std::string id = options.id.empty() ? migc::new_revision_id() : options.id;
  const fs::path path = fs::path(options.directory) / migc::revision_file_name(id, options.message, std::chrono::system_clock::now());
  if (fs::exists(path)) throw std::runtime_error(fmt::format("{} exists already", path.string()));
  std::ofstream(path) << migc::revision_file_text(id, parents, options.message) << body;
  std::cout << fmt::format("migc: wrote {} (revision {}, after {})\n", path.string(), id,
                           parents.empty() ? std::string("base") : fmt::format("{}", fmt::join(parents, ", ")));
  return 0;
}

int run_revision(Options options) {
  options.files.clear();
  std::vector<migc::SourceFile> sources = read_sources(chain_files(options));
  if (sources.empty()) return write_revision(options, {});
  migc::Diagnostics diagnostics;
  const auto chain = migc::compile_chain(sources, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) {
    if (!diagnostic.is(migc::DiagnosticKind::MultipleHeads)) continue;
    print_diagnostic(diagnostic);
    std::cerr << "migc: error: a new revision needs one head to follow; merge the heads first: "
                 "migc merge heads -m \"...\"\n";
    return exit_chain_errors;
  }
  if (!chain) {
    print_diagnostics(diagnostics);
    std::cerr << "migc: error: fix the chain before adding to it\n";
    return exit_chain_errors;
  }
  if (!options.autogenerate) return write_revision(options, migc::chain_heads(*chain));
  std::string body;
  migc::Autogenerated generated;
  if (options.from_db.empty()) {
    std::vector<migc::SourceFile> model_sources;
    migc::Diagnostics model_diagnostics;
    const auto model = compile_model_dir(options.model, model_sources, model_diagnostics);
    print_diagnostics(model_diagnostics);
    if (!model) return exit_chain_errors;
    generated = migc::autogenerate(chain->head, *model);
    body = "-- Generated by `migc revision --autogenerate` from the model: review before committing.\n";
  } else {
    migc::Connection connection(options.from_db);
    const std::string current_schema(connection.execute("SELECT current_schema()").value(0, 0));
    const auto database = migc::introspect(connection, current_schema);
    const migc::Schema head = migc::normalised_by_server(connection, chain->head);
    for (const auto& [name, _] : chain->head.schemas()) generated.warnings.push_back(fmt::format("schema `{}` is not compared: --from-db compares the current schema `{}`", name, current_schema));
    for (const auto& what : database.left_out) generated.warnings.push_back("not compared: " + what);
    auto diff = migc::autogenerate(head, database.schema);
    generated.statements = std::move(diff.statements);
    generated.warnings.insert(generated.warnings.end(), diff.warnings.begin(), diff.warnings.end());
    body = fmt::format("-- Generated by `migc revision --autogenerate --from-db` from database `{}`: review before committing.\n",
                       migc::sql_comment_text(connection.database()));
  }
  if (generated.statements.empty()) {
    for (const auto& warning : generated.warnings) std::cerr << "migc: warning: " << warning << "\n";
    std::cout << fmt::format("migc: the head schema already is the {}; no revision written\n", options.from_db.empty() ? "model" : "database's");
    return 0;
  }
  std::vector<std::string> parents = migc::chain_heads(*chain);
  if (generated.own_revision > 0 && generated.own_revision < generated.statements.size()) {
    Options values = options;
    values.id = migc::new_revision_id();
    values.message = options.message + " (new enum values)";
    std::string first = body +
                        "-- PostgreSQL cannot use an enum value in the transaction that added it: the values the next revision "
                        "uses come first, in a revision of their own.\n";
    for (std::size_t i = 0; i < generated.own_revision; ++i) first += generated.statements[i] + "\n";
    if (const int written = write_revision(values, parents, first); written != 0) return written;
    generated.statements.erase(generated.statements.begin(), generated.statements.begin() + static_cast<std::ptrdiff_t>(generated.own_revision));
    parents = {values.id};
  }
  for (const auto& warning : generated.warnings) {
    std::cerr << "migc: warning: " << warning << "\n";
    body += "-- warning: " + migc::sql_comment_text(warning) + "\n";
  }
  for (const auto& statement : generated.statements) body += statement + "\n";
  return write_revision(options, parents, body);
}

// A root revision that recreates a database's schema, for a database that predates migc.
int run_introspect(Options options) {
  migc::Connection connection(options.url);
  std::optional<std::string> only_schema;
  if (!options.schema.empty()) only_schema = options.schema;
  const auto database = migc::introspect(connection, only_schema);
  const auto generated = migc::autogenerate(migc::Schema{}, database.schema);
  std::string body = fmt::format("-- Written by `migc introspect` from database `{}`: review before committing.\n",
                                 migc::sql_comment_text(connection.database()));
  for (const auto& what : database.left_out) {
    std::cerr << "migc: warning: left out: " << what << "\n";
    body += "-- left out: " + migc::sql_comment_text(what) + "\n";
  }
  for (const auto& statement : generated.statements) body += statement + "\n";
  if (options.message.empty()) options.message = fmt::format("Schema of {} when it was adopted", connection.database());
  if (options.output == "-") {
    const std::string id = options.id.empty() ? migc::new_revision_id() : options.id;
    std::cout << migc::revision_file_text(id, {}, options.message) << body;
    return 0;
  }
  if (fs::exists(options.directory) && !expand_inputs({options.directory}).empty()) {
    throw std::runtime_error(fmt::format("{} already holds revisions; `introspect` writes a chain's root: give it an empty --dir, "
                                         "or print the revision with --output -", options.directory));
  }
  fs::create_directories(options.directory);
  if (options.id.empty()) options.id = migc::new_revision_id();
  write_revision(options, {}, body);
  std::cout << fmt::format("migc: then record that the database already has it: <migrator> --url ... stamp {}\n", options.id);
  return 0;
}

// Revisions whose upgrade Alembic's offline mode cannot run, imported by running the chain on the
// server --url names (a scratch database of its own), or else a throwaway one; each said.
void import_offline_failures(std::vector<migc::ToolMigration>& migrations, const migc::AlembicProject& project, const std::string& url) {
  std::optional<migc::EphemeralServer> throwaway;
  std::string conninfo = url;
  if (conninfo.empty()) {
    try {
      throwaway.emplace();
      conninfo = throwaway->conninfo();
    } catch (const std::exception& error) {
      for (auto& migration : migrations) {
        if (!migration.up_error.empty()) {
          migration.up_error += fmt::format("; importing it through a server needs one: give --url, or install PostgreSQL's server for a throwaway one ({})", error.what());
        }
      }
      return;
    }
  }
  const std::string server = migc::import_through_server(migrations, project, conninfo);
  const std::string where = throwaway ? fmt::format("a throwaway PostgreSQL {}", throwaway->version()) : "a scratch database beside " + server;
  for (const auto& migration : migrations) {
    if (migration.ran_on_server) {
      std::cout << fmt::format("migc: revision {}: Alembic's offline mode could not run its upgrade; imported from the statements it ran on {}, "
                               "where it queried nothing\n", migration.id, where);
    }
    if (!migration.diffed) continue;
    std::cout << fmt::format("migc: revision {}: Alembic's offline mode could not run its upgrade; imported by running it on {} and comparing the schema before and after: review it\n",
                             migration.id, where);
  }
}

// One revision per migration of another tool's directory, then the chain built as `check` would:
// what needs a human is listed with its place in the original files, and exits 1.
int run_import(const Options& options) {
  const auto format = migc::import_format(options.import_format);
  if (!format) throw std::runtime_error(fmt::format("unknown format `{}`: alembic, golang-migrate, dbmate, goose, sqlx or flyway", options.import_format));
  if (fs::exists(options.directory) && !expand_inputs({options.directory}).empty()) {
    throw std::runtime_error(fmt::format("{} already holds revisions; `import` writes a whole chain: give it an empty --dir", options.directory));
  }
  std::vector<migc::ToolMigration> migrations;
  const migc::AlembicProject project{options.import_source, options.import_config};
  try {
    migrations = *format == migc::ImportFormat::alembic ? migc::read_alembic_directory(project)
                                                        : migc::read_tool_directory(*format, options.import_source);
  } catch (const migc::ImportError& error) {
    std::cerr << "migc: error: " << error.what() << "\n";
    return exit_chain_errors;
  }
  // An id names its file: one that could name another place is refused before anything is written.
  for (const auto& migration : migrations) {
    if (const auto unsafe = migc::unsafe_in_id(migration.id)) {
      std::cerr << fmt::format("migc: error: `{}` cannot be a revision id, which may hold letters, digits, `_` and `.` only: it holds {}\n",
                               migc::sql_comment_text(migration.id), *unsafe);
      return exit_chain_errors;
    }
  }
  const auto offline_failed = [](const migc::ToolMigration& m) { return !m.up_error.empty(); };
  try {
    if (std::any_of(migrations.begin(), migrations.end(), offline_failed)) import_offline_failures(migrations, project, options.url);
  } catch (const migc::ImportError& error) {
    std::cerr << "migc: error: " << error.what() << "\n";
    return exit_chain_errors;
  }
  const auto imported = migc::translate_migrations(*format, migrations);
  fs::create_directories(options.directory);
  std::vector<migc::SourceFile> sources;
  for (const auto& revision : imported.revisions) {
    const fs::path path = fs::path(options.directory) / revision.file_name;
    write_if_changed(path, revision.text);
    sources.emplace_back(path.string(), revision.text);
  }
  std::string how;
  if (*format == migc::ImportFormat::alembic) {
    const auto diffed = std::count_if(migrations.begin(), migrations.end(), [](const migc::ToolMigration& m) { return m.diffed.has_value(); });
    const auto offline = std::count_if(migrations.begin(), migrations.end(), [](const migc::ToolMigration& m) { return m.up_error.empty(); });
    how = fmt::format(": {} from Alembic's offline SQL", offline);
    const auto ran = std::count_if(migrations.begin(), migrations.end(), [](const migc::ToolMigration& m) { return m.ran_on_server; });
    if (ran > 0) how += fmt::format(", {} from the SQL it ran on a server", ran);
    if (diffed > 0) how += fmt::format(", {} by comparing the schema on a server", diffed);
  }
  std::cout << fmt::format("migc: wrote {} revisions to {} ({} to {}){}\n", imported.revisions.size(), options.directory,
                           imported.revisions.front().id, imported.revisions.back().id, how);
  for (const auto& needed : imported.needs_human) {
    std::cerr << fmt::format("{}: error: needs a human: {}\n", needed.place, needed.why);
    if (!needed.statement.empty()) std::cerr << "    " << migc::sql_comment_text(needed.statement) << "\n";
  }
  migc::Diagnostics diagnostics;
  migc::compile_chain(sources, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) {
    auto located = diagnostic;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (diagnostic.where.file != &sources[i]) continue;
      if (const auto place = migc::origin_at(imported.revisions[i], diagnostic.where.span.begin); !place.empty()) {
        located.notes.push_back({{}, "imported from " + place});
      }
    }
    print_diagnostic(located);
  }
  if (!imported.needs_human.empty() || diagnostics.error_count() > 0) {
    std::cerr << fmt::format("migc: {} statement(s) need a human, and the imported chain has {} error(s)\n", imported.needs_human.size(),
                             diagnostics.error_count());
    return exit_chain_errors;
  }
  return 0;
}

// The chain's revision graph, even with several heads; nullopt (having said why) when the chain
// has any other error.
std::optional<migc::ChainGraph> read_chain_graph(const Options& options, std::vector<migc::SourceFile>& sources) {
  sources = read_sources(chain_files(options));
  migc::Diagnostics diagnostics;
  migc::compile_chain(sources, diagnostics);
  bool other_errors = false;
  for (const auto& diagnostic : diagnostics.all()) {
    if (diagnostic.is(migc::DiagnosticKind::MultipleHeads)) continue;
    print_diagnostic(diagnostic);
    other_errors = other_errors || diagnostic.severity == migc::Severity::error;
  }
  if (other_errors) {
    std::cerr << fmt::format("migc: {} error(s)\n", diagnostics.error_count());
    return std::nullopt;
  }
  return migc::read_graph(sources);
}

// A revision as the user wrote it (an id or a unique prefix), as the chain's id.
std::string resolve_revision(const migc::ChainGraph& graph, const std::string& given) {
  std::vector<std::string> matches;
  for (const auto& id : graph.ids) {
    if (id == given) return id;
    if (id.starts_with(given)) matches.push_back(id);
  }
  if (matches.empty()) throw std::runtime_error(fmt::format("no revision `{}` in the chain", given));
  if (matches.size() > 1) {
    throw std::runtime_error(fmt::format("`{}` is ambiguous: it starts {}", given, fmt::join(matches, ", ")));
  }
  return matches.front();
}

// `merge heads`, as Alembic's, or the heads named (ids or prefixes): every one a head, two or more.
int run_merge(Options options) {
  std::vector<migc::SourceFile> sources;
  options.files.clear();
  const auto graph = read_chain_graph(options, sources);
  if (!graph) return exit_chain_errors;
  std::vector<std::string> parents;
  if (options.merge_parents == std::vector<std::string>{"heads"}) {
    parents = graph->heads;
  } else {
    for (const auto& given : options.merge_parents) {
      const std::string id = resolve_revision(*graph, given);
      if (std::find(graph->heads.begin(), graph->heads.end(), id) == graph->heads.end()) {
        throw std::runtime_error(fmt::format("revision `{}` is not a head (the heads: {}); a merge joins heads",
                                             id, fmt::join(graph->heads, ", ")));
      }
      if (std::find(parents.begin(), parents.end(), id) != parents.end()) {
        throw std::runtime_error(fmt::format("revision `{}` is given twice", id));
      }
      parents.push_back(id);
    }
  }
  if (parents.size() < 2) {
    throw std::runtime_error(fmt::format("a merge joins two heads or more, and {}: nothing to merge",
                                         graph->heads.size() == 1 ? "the chain has one, " + graph->heads.front()
                                                                  : fmt::format("{} given", parents.size())));
  }
  return write_revision(options, parents);
}

// Several heads are what `heads` is asked to list, not an error.
int run_heads(const Options& options) {
  std::vector<migc::SourceFile> sources;
  const auto graph = read_chain_graph(options, sources);
  if (!graph) return exit_chain_errors;
  for (const auto& head : graph->heads) std::cout << head << " (head)\n";
  return 0;
}

int run_history(const Options& options) {
  std::vector<migc::SourceFile> sources;
  const auto chain = compile(options, sources);
  if (!chain) return exit_chain_errors;
  for (auto it = chain->revisions.rbegin(); it != chain->revisions.rend(); ++it) {
    const std::string parents = it->parents.empty() ? std::string("<base>") : fmt::format("{}", fmt::join(it->parents, ", "));
    std::cout << fmt::format("{} -> {}, {}  ({})\n", parents, it->id, it->message,
                             migc::relative_source_path(it->file->path(), options.source_root));
  }
  return 0;
}

// A new project's migrations directory, its first (empty) root revision, and the CMake lines
// that build its migrator.
int run_init(Options options) {
  if (fs::exists(options.directory) && !expand_inputs({options.directory}).empty()) {
    throw std::runtime_error(fmt::format("{} already holds revisions; `init` starts a chain: add to this one with "
                                         "`migc revision --dir {} -m \"...\"`", options.directory, options.directory));
  }
  fs::create_directories(options.directory);
  if (options.message.empty()) options.message = "Initial revision";
  write_revision(options, {});
  std::string name = options.chain_name;
  if (name.empty()) name = migc::slug(fs::absolute(options.directory).parent_path().filename().string());
  const std::string version = MIGC_VERSION;
  // A CMake quoted argument: the directory as written, relative to the CMakeLists.txt unless absolute.
  const fs::path directory = fs::path(options.directory).lexically_normal();
  std::string quoted = directory.is_absolute() ? "\"" : "\"${CMAKE_CURRENT_SOURCE_DIR}/";
  for (const char c : directory.generic_string()) {
    if (c == '\\' || c == '"' || c == '$' || c == ';') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  std::cout << fmt::format(
      "migc: then, in your CMakeLists.txt:\n\n"
      "find_package(migc {} REQUIRED)\n"
      "add_migrations({}\n"
      "  DIRECTORY {}\n"
      "  MIGRATOR {}-migrate)\n",
      version.substr(0, version.rfind('.')), name, quoted, name);
  return 0;
}

// Runs a program found on PATH with these arguments, as they are; its exit status, or -1.
int run_program(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t child = 0;
  if (posix_spawnp(&child, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_graph(const Options& options) {
  std::vector<migc::SourceFile> sources;
  const auto chain = compile(options, sources);
  if (!chain) return exit_chain_errors;
  const std::string dot = migc::graph_dot(*chain);
  if (options.svg.empty()) {
    std::cout << dot;
    return 0;
  }
  const fs::path dot_file = fs::path(options.svg).replace_extension(".dot");
  write_if_changed(dot_file, dot);
  // The SVG needs Graphviz; the dot file is there either way. No shell: a path is any bytes.
  if (run_program({"dot", "-Tsvg", "-o", options.svg, dot_file.string()}) != 0) {
    std::cerr << fmt::format("migc: wrote {}; install Graphviz (`dot`) for the SVG\n", dot_file.string());
    return exit_usage;
  }
  std::cout << fmt::format("migc: wrote {}\n", options.svg);
  return 0;
}

// A value in a key=value conninfo: single-quoted, with quotes and backslashes escaped.
std::string conninfo_value(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// A server that is running already (CI's service container): its conninfo in key=value form.
// Its database (the URL's, else `postgres`) is where the tests create and drop databases of their
// own, which they name in its place. The state file may hold a password:
// readable by its owner only. `stop` finds no server record and leaves it running.
int use_existing_server(const Options& options, const std::string& url) {
  const migc::ConnectionString given(url);
  if (!given.unreadable().empty()) {
    throw std::runtime_error(fmt::format("{}: {}", options.reuse_variable, given.unreadable()));
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(given.libpq_text().c_str(), &error);
  if (parsed == nullptr) {
    PQfreemem(error);
    throw std::runtime_error(fmt::format("{} is not a connection string libpq reads", options.reuse_variable));
  }
  std::string conninfo;
  bool names_database = false;
  for (const PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    names_database = names_database || std::string_view(option->keyword) == "dbname";
    conninfo += fmt::format("{}{}={}", conninfo.empty() ? "" : " ", option->keyword, conninfo_value(option->val));
  }
  PQconninfoFree(parsed);
  if (!names_database) conninfo += " dbname=postgres";
  // Reachable, and allowed to create the tests' databases: said now rather than by every test.
  migc::Connection server(conninfo);
  if (server.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user").value(0, 0) != "t") {
    throw std::runtime_error(fmt::format("the tests create databases of their own, and {} may not (CREATEDB)", server.description()));
  }
  fs::remove(options.state_file + ".server");
  const mode_t before = umask(077);
  write_if_changed(options.state_file, conninfo + "\n");
  umask(before);
  fs::permissions(options.state_file, fs::perms::owner_read | fs::perms::owner_write);
  std::cout << fmt::format("migc: the tests use the server {} names ({}), creating and dropping databases of their own on it\n",
                           options.reuse_variable, server.description());
  return 0;
}

// A throwaway server for whoever runs this (CTest's fixture, a script), stopped by `stop` or,
// failing that, when that process ends. <state> holds its conninfo; <state>.server what `stop` needs.
int run_throwaway_start(const Options& options) {
  const fs::path state(options.state_file);
  if (state.has_parent_path()) fs::create_directories(state.parent_path());
  if (!options.reuse_variable.empty()) {
    if (const char* url = std::getenv(options.reuse_variable.c_str()); url != nullptr && *url != '\0') {
      return use_existing_server(options, url);
    }
  }
  migc::EphemeralServer server(getppid(), options.server_settings);
  write_if_changed(state.string() + ".server", fmt::format("{}\n{}\n", server.directory(), server.keeper()));
  write_if_changed(state, server.conninfo() + "\n");
  server.release();
  std::cout << fmt::format("migc: a throwaway PostgreSQL {} on socket {}, until `migc throwaway-postgres stop {}` or process {} ends\n",
                           server.version(), server.directory(), options.state_file, getppid());
  return 0;
}

int run_throwaway_stop(const Options& options) {
  const std::string record = options.state_file + ".server";
  std::ifstream in(record);
  std::string directory;
  pid_t keeper = 0;
  if (!std::getline(in, directory) || !(in >> keeper)) {
    fs::remove(options.state_file);  // a server it did not start (--reuse-from-env) is left running
    std::cout << fmt::format("migc: no throwaway server is recorded in {}; nothing to stop\n", record);
    return 0;
  }
  in.close();
  fs::remove(options.state_file);
  fs::remove(record);
  // Each part as it starts, flushed: a stop cut short by a timeout still says where it was.
  const std::string timings = migc::stop_released_server(directory, keeper, [&](std::string_view part) {
    std::cout << fmt::format("migc: {}\n", part) << std::flush;
  });
  std::cout << fmt::format("migc: the throwaway server in {} is gone ({})\n", directory, timings);
  return 0;
}

}  // namespace

// 2 MiB pages for the chain's memory: one first touch where 4 KiB pages took 512, which on a
// virtual machine cost a compile of 10,000 revisions a third of its time (bench/results.md).
// MIMALLOC_LARGE_OS_PAGES, when set, has the last word.
void use_large_pages() {
#ifdef MIGC_MIMALLOC
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
#endif
}

int main(int argc, char** argv) {
  use_large_pages();
  CLI::App app{"migc: compiles a chain of PostgreSQL schema revisions (.mig files) into a migration plan"};
  app.require_subcommand(1);
  // Global options anywhere on the line, after the subcommand too; set before the subcommands
  // are added, which inherit it.
  app.fallthrough();
  app.set_version_flag("--version", "migc " MIGC_VERSION);
  Options options;
  app.add_option("--dir", options.directory, "the migrations directory, when no files are given")->capture_default_str();

  auto* compile_command = app.add_subcommand("compile", "check the chain and generate the plan");
  compile_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  compile_command->add_flag("--werror", options.werror, "treat lint warnings as errors");
  compile_command->add_option("--name", options.name, "the chain's name, used in generated file names")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            // A file name in --out-dir, not a path out of it.
            if (name.empty() || name.find_first_of("/\\") != std::string::npos || name.starts_with(".")) {
              return "a chain's name is a file name's start: no `/`, `\\`, nor a leading `.`";
            }
            return {};
          },
          "NAME"));
  compile_command->add_option("--out-dir", options.out_dir, "where to write <name>_plan.cpp and <name>_revisions.txt");
  compile_command->add_option("--source-root", options.source_root, "paths in the plan are relative to this");
  compile_command->add_option("--schema-sql", options.schema_sql, "checked-in head schema to verify (or refresh)");
  compile_command->add_option("--update-target", options.update_target, "the build target that refreshes generated files");
  compile_command->add_flag("--update-generated", options.update_generated, "rewrite the checked-in generated files");
  compile_command->add_option("--build-dir", options.build_dir, "the build directory that fixes printed in messages name");
  compile_command->add_option("--model", options.model, "a directory of model files the head schema must equal")
      ->each([&](const std::string&) { options.check_model = true; });
  compile_command->add_option("--check-exclude", options.check_exclude,
                              "objects the migrator's `check` leaves to other tools: [kind:]name, the name a glob (repeatable)");
  compile_command->add_option("--lock-file", options.lock_file, "revisions.lock: released revisions that must not change");
  compile_command->add_option("--lock-target", options.lock_target, "the build target that locks new revisions");
  compile_command->add_flag("--update-lock", options.update_lock, "add every revision not yet in the lock file to it");

  auto* check_command = app.add_subcommand("check", "check the chain; generate nothing");
  check_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  check_command->add_flag("--werror", options.werror, "treat lint warnings as errors");

  auto* schema_command = app.add_subcommand("schema", "print the schema at the head (or --at a revision) as SQL");
  schema_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  schema_command->add_option("--at", options.at, "the revision whose schema to print");

  auto* revision_command = app.add_subcommand("revision", "write a new, empty revision after the head");
  revision_command->add_option("-m,--message", options.message, "what the revision does")->required();
  revision_command->add_option("--id", options.id, "the revision id (default: 12 random hex digits)");
  auto* autogenerate_flag =
      revision_command->add_flag("--autogenerate", options.autogenerate, "fill it with what turns the head schema into the model");
  revision_command->add_option("--model", options.model, "the model directory, for --autogenerate")->capture_default_str();
  revision_command->add_option("--from-db", options.from_db, "with --autogenerate: diff against this database instead of the model")
      ->needs(autogenerate_flag);

  auto* introspect_command = app.add_subcommand("introspect", "write a root revision that recreates a live database's schema");
  introspect_command->add_option("url", options.url, "the database (libpq URL or key=value string)")->required();
  introspect_command->add_option("-o,--output", options.output, "`-`: print the revision instead of writing a file");
  introspect_command->add_option("-m,--message", options.message, "the revision's message");
  introspect_command->add_option("--id", options.id, "the revision id (default: 12 random hex digits)");
  introspect_command->add_option("--schema", options.schema,
                                 "read only this schema, its objects unqualified (a tenant's, for the migrator's --schema)");

  auto* import_command = app.add_subcommand("import", "write one revision per migration of another tool's directory of SQL files");
  import_command->add_option("format", options.import_format, "alembic, golang-migrate, dbmate, goose, sqlx or flyway")->required();
  import_command->add_option("source", options.import_source, "the tool's migrations directory (Alembic's versions directory)")->required();
  import_command->add_option("--url", options.url,
                             "alembic: a server on which to run, in a scratch database, revisions offline mode cannot "
                             "(default: a throwaway one)");
  import_command->add_option("--config", options.import_config, "alembic: the project's alembic.ini (its script_location and version_locations)");

  auto* merge_command = app.add_subcommand("merge", "write a revision that merges heads");
  merge_command->add_option("revisions", options.merge_parents, "`heads`, or the heads to merge (ids or unique prefixes)")
      ->required();
  merge_command->add_option("-m,--message", options.message, "what the merge joins")->required();
  merge_command->add_option("--id", options.id, "the revision id (default: 12 random hex digits)");

  auto* init_command = app.add_subcommand("init", "start a chain: the directory, a first root revision, and the CMake lines");
  init_command->add_option("-m,--message", options.message, "the first revision's message (default: Initial revision)");
  init_command->add_option("--id", options.id, "the revision id (default: 12 random hex digits)");
  init_command->add_option("--name", options.chain_name, "the chain's name in add_migrations() (default: the project directory's)");

  auto* heads_command = app.add_subcommand("heads", "print the chain's head revision(s)");
  heads_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  auto* history_command = app.add_subcommand("history", "list the revisions, newest first");
  history_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  auto* graph_command = app.add_subcommand("graph", "print the revision graph as Graphviz dot");
  graph_command->add_option("inputs", options.files, ".mig files or directories holding them (default: --dir)");
  graph_command->add_option("--svg", options.svg, "write an SVG there instead (needs Graphviz's dot)");

  auto* throwaway_command = app.add_subcommand("throwaway-postgres", "a throwaway local PostgreSQL server, for tests and demos");
  throwaway_command->require_subcommand(1);
  auto* throwaway_start = throwaway_command->add_subcommand(
      "start", "start one, reachable only by this account, until `stop` or until the process that ran this command ends "
               "(its parent: run it from the script that stops it, not inside $(...))");
  throwaway_start->add_option("state", options.state_file, "a file to write its conninfo to")->required();
  throwaway_start->add_option("--setting", options.server_settings, "a server setting, name=value (repeatable)");
  throwaway_start->add_option("--reuse-from-env", options.reuse_variable,
                              "when this environment variable holds a connection string, use that running server instead");
  auto* throwaway_stop = throwaway_command->add_subcommand("stop", "stop it and delete its directory");
  throwaway_stop->add_option("state", options.state_file, "the file `start` was given")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : exit_usage;
  }
  try {
    if (*compile_command || *check_command) return run_compile(options);
    if (*schema_command) return run_schema(options);
    if (*revision_command) return run_revision(options);
    if (*merge_command) return run_merge(options);
    if (*init_command) return run_init(options);
    if (*introspect_command) return run_introspect(options);
    if (*import_command) return run_import(options);
    if (*heads_command) return run_heads(options);
    if (*history_command) return run_history(options);
    if (*graph_command) return run_graph(options);
    if (*throwaway_start) return run_throwaway_start(options);
    if (*throwaway_stop) return run_throwaway_stop(options);
  } catch (const migc::ConnectionError& error) {
    std::cerr << fmt::format("migc: error: cannot connect to {}: {}\n", error.database().empty() ? "the database" : error.database(),
                             error.what());
    return exit_usage;
  } catch (const std::exception& error) {
    std::cerr << "migc: error: " << error.what() << "\n";
    return exit_usage;
  }
  return exit_usage;
}
