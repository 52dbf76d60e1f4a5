// SQL statements into the language. A modelled change is tried as written, then as PostgreSQL's
// deparser writes it in the language's terms (sql_parser.cpp's spell_statements), and kept in
// the first form the language's grammar reads whole; the checker judges it when the chain builds.
#include "compiler/sql_translate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "compiler/authoring.hpp"
#include "compiler/render_language.hpp"
#include "compiler/sql_parser.hpp"
#include "diagnostics/diagnostic.hpp"
#include "diagnostics/source.hpp"
#include "dsl/grammar.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

// `text` lower-cased without its spaces, for comparing settings' values as PostgreSQL reads them.
std::string squeezed(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A statement's text without the `--` lines before it, which SqlSpelling keeps.
std::string without_leading_comments(std::string text) {
  for (;;) {
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return {};
    if (text.compare(start, 2, "--") != 0) return text.substr(start);
    const auto end = text.find('\n', start);
    if (end == std::string::npos) return {};
    text.erase(0, end + 1);
  }
}

// Whether a setting a tool's migration assigned for its session is one the migrator's session
// stands for: one the migrator sets itself, to the same value; the default search path, or an
// empty one (pg_dump's, under which every name is qualified already); or one that changes how
// long or how loudly statements run, not what they do.
bool needless_setting(const SettingAssignment& setting) {
  for (const auto& parameter : session_parameters()) {
    if (squeezed(parameter.name) == setting.name) return squeezed(parameter.value) == squeezed(setting.value);
  }
  const std::string value = squeezed(setting.value);
  if (setting.name == "search_path") return value.empty() || value == "public" || value == "$user,public" || value == "\"$user\",public";
  if (setting.name == "default_tablespace") return value.empty();
  if (setting.name == "default_table_access_method") return value == "heap";
  static constexpr std::string_view timing[] = {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
                                                "client_min_messages", "row_security", "application_name", "synchronous_commit",
                                                "maintenance_work_mem", "work_mem"};
  return std::find(std::begin(timing), std::end(timing), setting.name) != std::end(timing);
}

// Whether the language's grammar reads `statement` whole, as one statement.
bool language_reads(const std::string& statement) {
  const SourceFile file("import.mig", "revision 'import' revises base;\n" + statement + ";\n");
  Diagnostics diagnostics;
  const auto parsed = parse_revision_file(file, diagnostics);
  return parsed && diagnostics.error_count() == 0 && parsed->statements.size() == 1;
}

// The first spelling whose every statement the language reads; empty when none.
std::vector<std::string> language_spelling(const SqlSpelling& statement) {
  for (const auto& spelling : statement.spellings) {
    if (!spelling.empty() && std::all_of(spelling.begin(), spelling.end(), language_reads)) return spelling;
  }
  return {};
}

std::size_t line_of(const SqlSection& section, std::size_t offset) {
  const std::string_view before = std::string_view(section.text).substr(0, std::min(offset, section.text.size()));
  return section.first_line + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
}

std::string place_of(const SqlSection& section, std::size_t offset) {
  return fmt::format("{}:{}", section.file, line_of(section, offset));
}

// Writes one migration's revision, collecting what it cannot say.
class RevisionWriter {
 public:
  RevisionWriter(const ToolMigration& migration, std::size_t base, std::vector<StatementOrigin>& origins,
                 std::vector<HumanNeeded>& needs_human, std::set<QualifiedName>& views)
      : migration_(migration), base_(base), origins_(origins), needs_human_(needs_human), views_(views) {}

  std::string body() {
    // PostgreSQL's parser, as libpq, would read the text only up to a NUL byte.
    for (const SqlSection* section : {&migration_.up, migration_.down ? &*migration_.down : nullptr}) {
      if (section == nullptr) continue;
      if (const auto nul = section->text.find('\0'); nul != std::string::npos) {
        human(*section, nul, "", "the file holds a NUL byte, which PostgreSQL takes as the end of the text");
        return out_;
      }
    }
    std::optional<SpelledSql> down;
    if (migration_.down) {
      down = spell_statements(migration_.down->text);
      if (down->error) {
        human(*migration_.down, down->error->offset, "", "PostgreSQL's parser rejects it: " + down->error->message);
        down.reset();
      } else if (std::all_of(down->statements.begin(), down->statements.end(),
                             [](const SqlSpelling& s) { return s.kind == SqlSpelling::Kind::transaction_control; })) {
        // A down file with nothing to run (golang-migrate wants one per up): the compiler
        // derives the down instead, as no human wrote one.
        down.reset();
      }
    }
    const SpelledSql up = spell_statements(migration_.up.text);
    if (up.error) {
      // One statement the parser rejects leaves where the others begin unknown: the whole file,
      // as written, for the human.
      human(migration_.up, up.error->offset, "", "PostgreSQL's parser rejects it: " + up.error->message);
      out_ += "-- " + sql_comment_text(migration_.up.file) + " as written:\n";
      std::size_t begin = 0;
      while (begin < migration_.up.text.size()) {
        const auto end = std::min(migration_.up.text.find('\n', begin), migration_.up.text.size());
        out_ += "--   " + sql_comment_text(std::string_view(migration_.up.text).substr(begin, end - begin)) + "\n";
        begin = end + 1;
      }
      return out_;
    }
    if (write_outside_transaction(up, down)) return out_;
    if (migration_.no_transaction) {
      const auto runs = [](const SqlSpelling& s) { return s.kind != SqlSpelling::Kind::transaction_control; };
      const auto concurrently = std::find_if(up.statements.begin(), up.statements.end(),
                                             [](const SqlSpelling& s) { return !s.outside_transaction.empty(); });
      if (concurrently != up.statements.end() && std::count_if(up.statements.begin(), up.statements.end(), runs) > 1) {
        human(migration_.up, concurrently->offset, concurrently->text,
              "the tool ran this migration outside a transaction; a revision runs its `concurrently` statement outside one only "
              "alone: split the migration, this statement in a revision of its own");
      } else {
        out_ += "-- The tool ran this migration outside a transaction: here a `concurrently` statement runs outside one, alone in "
                "its revision, and other statements in the revision's transaction.\n";
      }
    }
    const bool down_block = down.has_value();
    for (const auto& statement : up.statements) write_up(statement, down_block);
    if (down_block) {
      out_ += "\ndown {\n";
      for (const auto& statement : down->statements) write_down(statement);
      out_ += "}\n";
    }
    return out_;
  }

 private:
  void human(const SqlSection& section, std::size_t offset, const std::string& statement, const std::string& why) {
    HumanNeeded needed{place_of(section, offset), statement, why};
    out_ += "-- needs a human: " + sql_comment_text(needed.place + ": " + why) + "\n";
    if (!statement.empty()) out_ += "--   " + sql_comment_text(statement) + "\n";
    needs_human_.push_back(std::move(needed));
  }

  // A migration of statements that PostgreSQL runs only outside a transaction (other than
  // `create index concurrently`, a statement of the language): one raw step outside the
  // revision's transaction, which must then be alone in it.
  bool write_outside_transaction(const SpelledSql& up, const std::optional<SpelledSql>& down) {
    const auto raw_outside = [](const SqlSpelling& s) { return !s.outside_transaction.empty() && s.kind != SqlSpelling::Kind::modelled; };
    if (std::none_of(up.statements.begin(), up.statements.end(), raw_outside)) return false;
    std::string body;
    bool maintenance = true;
    for (const auto& statement : up.statements) {
      if (statement.kind == SqlSpelling::Kind::transaction_control) continue;
      if (body.empty()) from(migration_.up, statement.offset);
      if (statement.kind == SqlSpelling::Kind::modelled) {
        human(migration_.up, statement.offset, statement.text,
              "a change the language must say, in a migration that also runs statements outside a transaction: split the migration");
        continue;
      }
      maintenance = maintenance && statement.maintenance;
      body += (body.empty() ? "" : ";\n") + statement.text;
    }
    out_ += "execute outside transaction " + dollar_quote("\n" + body + "\n");
    if (down) {
      std::string undo;
      for (const auto& statement : down->statements) {
        if (statement.kind == SqlSpelling::Kind::transaction_control) continue;
        undo += (undo.empty() ? "" : ";\n") + statement.text;
      }
      out_ += " down " + dollar_quote("\n" + undo + "\n");
    } else if (!maintenance) {
      out_ += " irreversible";
    }
    out_ += ";\n";
    return true;
  }

  void write_raw(const SqlSpelling& statement, std::string_view suffix) {
    const bool line_ended = !statement.text.empty() && statement.text.back() == '\n';
    out_ += "execute " + dollar_quote("\n" + statement.text + (line_ended ? "" : "\n")) + std::string(suffix) + ";\n";
  }

  void write_modelled(const SqlSection& section, const SqlSpelling& statement, std::string_view indent = "") {
    if (statement.spellings.empty()) {
      human(section, statement.offset, statement.text, statement.no_language_statement);
      return;
    }
    const auto spelling = language_spelling(statement);
    if (spelling.empty()) {
      human(section, statement.offset, statement.text, "the language cannot say this statement as written");
      return;
    }
    for (std::size_t i = 0; i < spelling.size(); ++i) out_ += std::string(i == 0 ? "" : indent) + spelling[i] + ";\n";
  }

  void write_up(const SqlSpelling& statement, bool down_block) {
    from(migration_.up, statement.offset);
    note_view(statement);
    if (statement.kind == SqlSpelling::Kind::modelled && on_views_only(statement)) {
      write_raw(statement, down_block ? "" : " irreversible");
      return;
    }
    switch (statement.kind) {
      case SqlSpelling::Kind::transaction_control: return;  // the revision's own transaction stands for it
      case SqlSpelling::Kind::modelled: write_modelled(migration_.up, statement); return;
      case SqlSpelling::Kind::data: {
        // A data step the language reads is checked against the schema at its revision; without
        // the tool's down it is irreversible, as nobody wrote its way back.
        const std::string suffix = down_block ? "" : " irreversible";
        if (!statement.spellings.empty() && language_reads(statement.text + suffix)) {
          out_ += statement.text + suffix + ";\n";
          return;
        }
        write_raw(statement, suffix);
        return;
      }
      case SqlSpelling::Kind::other:
        if (const auto setting = setting_assignment(statement.text); setting && needless_setting(*setting)) {
          out_ += "-- " + sql_comment_text("Left out, as the migrator's session stands for it: " + without_leading_comments(statement.text)) + "\n";
          return;
        }
        write_raw(statement, down_block || statement.maintenance ? "" : " irreversible");
        return;
    }
  }

  void write_down(const SqlSpelling& statement) {
    from(*migration_.down, statement.offset);
    out_ += "  ";
    if (statement.kind == SqlSpelling::Kind::modelled && on_views_only(statement)) {
      write_raw(statement, "");
      return;
    }
    switch (statement.kind) {
      case SqlSpelling::Kind::transaction_control: out_.resize(out_.size() - 2); return;
      case SqlSpelling::Kind::modelled: write_modelled(*migration_.down, statement, "  "); return;
      case SqlSpelling::Kind::data:
      case SqlSpelling::Kind::other:
        if (!statement.outside_transaction.empty()) {
          human(*migration_.down, statement.offset, statement.text, "runs only outside a transaction, in a down with other statements");
          return;
        }
        write_raw(statement, "");
        return;
    }
  }

  // Notes that what is written next comes from `offset` of `section`.
  void from(const SqlSection& section, std::size_t offset) { origins_.push_back({base_ + out_.size(), place_of(section, offset)}); }

  // Whether a modelled change acts only on views the chain created (or their indexes), and is
  // none of the language's statements for views (an index on a materialized view, a comment on
  // a view's column): no object of the compiler's, so a raw step, as the checker takes it.
  bool on_views_only(const SqlSpelling& statement) const {
    if (statement.relations.empty() || statement.view_statement) return false;
    return std::all_of(statement.relations.begin(), statement.relations.end(),
                       [&](const std::vector<std::string>& names) { return views_.contains(qualified(names)); });
  }
  // Notes the views a statement creates, and the indexes of views.
  void note_view(const SqlSpelling& statement) {
    if (statement.created_relation.empty()) return;
    if (statement.view_statement || statement.kind != SqlSpelling::Kind::modelled || on_views_only(statement)) {
      views_.insert(qualified(statement.created_relation));
    }
  }
  static QualifiedName qualified(const std::vector<std::string>& names) {
    std::string schema = names.size() > 1 ? names[names.size() - 2] : std::string();
    if (schema == "public") schema.clear();
    return QualifiedName{std::move(schema), names.back()};
  }

  const ToolMigration& migration_;
  std::size_t base_;
  std::vector<StatementOrigin>& origins_;
  std::vector<HumanNeeded>& needs_human_;
  std::set<QualifiedName>& views_;
  std::string out_;
};

}  // namespace

namespace {

// A revision imported by comparing the schema on a server before and after its upgrade ran: the
// statements that comparison gave, what it cannot see as comments for the reviewer, and the
// tool's own down where it could give one (else the comparison's, reversed).
std::string write_diffed(const ToolMigration& migration, std::vector<StatementOrigin>& origins, std::vector<HumanNeeded>& needs_human,
                         std::set<QualifiedName>& views, std::size_t base) {
  const auto& diffed = *migration.diffed;
  std::string out = "-- " + sql_comment_text(fmt::format("Alembic's offline mode could not run its upgrade ({}): imported by applying it on "
                                                         "a server and comparing the schema before and after", migration.up_error)) + "\n";
  // What the comparison cannot tell (a rename from a drop and an add) or leaves out may make the
  // revision differ from the original: a human decides.
  for (const auto& review : diffed.review) {
    HumanNeeded needed{migration.up.file, "", "comparing the schema: " + review};
    out += "-- needs a human: " + sql_comment_text(needed.why) + "\n";
    needs_human.push_back(std::move(needed));
  }
  if (diffed.up.empty() && diffed.not_carried.empty()) out += "-- The comparison saw no change to the schema.\n";
  for (const auto& statement : diffed.not_carried) {
    HumanNeeded needed{migration.up.file, statement,
                       "its upgrade ran this on the server, and comparing the schema does not carry it (it changes rows, or what the "
                       "language cannot say): write it into the revision"};
    out += "-- needs a human: " + sql_comment_text(needed.why) + "\n--   " + sql_comment_text(statement) + "\n";
    needs_human.push_back(std::move(needed));
  }
  origins.push_back({base + out.size(), migration.up.file});
  for (const auto& statement : diffed.up) out += statement + "\n";
  if (migration.down) {
    ToolMigration down_only = migration;
    down_only.up.text.clear();
    out += RevisionWriter(down_only, base + out.size(), origins, needs_human, views).body();
  } else if (!diffed.down.empty()) {
    out += "\n-- " + sql_comment_text(fmt::format("Its down is the comparison reversed: Alembic's offline mode could not run its downgrade ({})",
                                                   migration.down_error)) + "\n";
    out += "down {\n";
    for (const auto& statement : diffed.down) out += "  " + statement + "\n";
    out += "}\n";
  }
  return out;
}

}  // namespace

std::string origin_at(const ImportedRevision& revision, std::size_t offset) {
  std::string place;
  for (const auto& origin : revision.origins) {
    if (origin.offset > offset) break;
    place = origin.place;
  }
  return place;
}

ImportResult translate_migrations(ImportFormat format, const std::vector<ToolMigration>& migrations) {
  ImportResult result;
  std::string parent;
  std::set<QualifiedName> views;  // created so far, and their indexes
  for (const auto& migration : migrations) {
    const std::string message = migration.message.empty() ? migration.up.file : migration.message;
    std::vector<std::string> parents = migration.parents;
    if (parents.empty() && !parent.empty()) parents.push_back(parent);
    std::string text = revision_file_text(migration.id, parents, message);
    std::string origin = fmt::format("Imported by `migc import {}` from {}", import_format_name(format), migration.up.file);
    if (migration.down && migration.down->file != migration.up.file && format != ImportFormat::alembic) origin += " and " + migration.down->file;
    if (!migration.created.empty()) origin += "; created " + migration.created;
    text += "-- " + sql_comment_text(origin) + "\n";
    std::vector<StatementOrigin> origins;
    if (migration.diffed) {
      text += write_diffed(migration, origins, result.needs_human, views, text.size());
    } else if (migration.ran_on_server) {
      text += "-- " + sql_comment_text(fmt::format("Alembic's offline mode could not run its upgrade ({}): these are the statements it ran on "
                                                   "a server, where it queried nothing", migration.up_error)) + "\n";
      text += RevisionWriter(migration, text.size(), origins, result.needs_human, views).body();
    } else if (!migration.up_error.empty()) {
      result.needs_human.push_back({migration.up.file, "",
                                    fmt::format("revision {}: its upgrade raised in Alembic's offline mode: {}; write it by hand",
                                                migration.id, migration.up_error)});
      text += "-- needs a human: " + sql_comment_text(result.needs_human.back().why) + "\n";
    } else {
      if (!migration.down_error.empty()) {
        text += "-- " + sql_comment_text(fmt::format("Its downgrade raised in Alembic's offline mode ({}): the compiler derives the down", migration.down_error)) + "\n";
      }
      text += RevisionWriter(migration, text.size(), origins, result.needs_human, views).body();
    }
    result.revisions.push_back({migration.id, migration.id + "_" + slug(message) + ".mig", std::move(text), std::move(origins)});
    parent = migration.id;
  }
  return result;
}

}  // namespace migc
