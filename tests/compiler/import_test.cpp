// `migc import`'s readers of each tool's directory (names, sections, order, bad input) on
// in-memory files, and the translation of their statements into the language, which must build.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "compiler/import.hpp"
#include "compiler/sql_translate.hpp"

namespace migc {
namespace {

std::vector<std::string> ids(const std::vector<ToolMigration>& migrations) {
  std::vector<std::string> out;
  for (const auto& migration : migrations) out.push_back(migration.id);
  return out;
}

std::string error_of(ImportFormat format, const std::vector<ToolFile>& files) {
  try {
    read_tool_migrations(format, files);
  } catch (const ImportError& error) {
    return error.what();
  }
  return "(no error)";
}

// The revisions translated, and the chain they make compiled: its error count.
std::size_t chain_errors(const ImportResult& result, std::string* printed = nullptr) {
  std::vector<SourceFile> sources;
  for (const auto& revision : result.revisions) sources.emplace_back(revision.file_name, revision.text);
  Diagnostics diagnostics;
  compile_chain(sources, diagnostics);
  if (printed != nullptr) {
    for (const auto& diagnostic : diagnostics.all()) *printed += format_diagnostic(diagnostic);
  }
  return diagnostics.error_count();
}

TEST(ImportGolangMigrate, OrdersByNumberAndDropsLeadingZeros) {
  const auto migrations = read_tool_migrations(ImportFormat::golang_migrate,
                                               {{"10_ten.up.sql", "SELECT 10;"},
                                                {"9_nine.up.sql", "SELECT 9;"},
                                                {"9_nine.down.sql", "SELECT -9;"},
                                                {"0001_first_one.up.sql", "SELECT 1;"},
                                                {"README.md", "not a migration"},
                                                {"0001_first_one.down.json", "ignored: not .sql"}});
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"1", "9", "10"}));
  EXPECT_EQ(migrations[0].message, "first one");
  EXPECT_FALSE(migrations[0].down.has_value());
  ASSERT_TRUE(migrations[1].down.has_value());
  EXPECT_EQ(migrations[1].down->file, "9_nine.down.sql");
}

TEST(ImportGolangMigrate, RefusesDuplicatesAndOrphanDowns) {
  EXPECT_EQ(error_of(ImportFormat::golang_migrate, {{"1_a.up.sql", ""}, {"001_b.up.sql", ""}}),
            "001_b.up.sql: version 1 is also 1_a.up.sql's");
  EXPECT_EQ(error_of(ImportFormat::golang_migrate, {{"1_a.up.sql", ""}, {"2_b.down.sql", ""}}), "2_b.down.sql: a down migration without its up");
  EXPECT_EQ(error_of(ImportFormat::golang_migrate, {{"99999999999999999999_a.up.sql", ""}}),
            "99999999999999999999_a.up.sql: the version is too large for golang-migrate");
}

TEST(ImportDbmate, KeepsTheVersionAsWrittenAndReadsBothSections) {
  const auto migrations = read_tool_migrations(
      ImportFormat::dbmate,
      {{"20240102000000_second.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n"},
       {"20240101000000_create_t.sql", "-- a comment first is fine\n-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n"}});
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"20240101000000", "20240102000000"}));
  EXPECT_EQ(migrations[0].message, "create t");
  EXPECT_EQ(migrations[0].up.first_line, 2u);
  EXPECT_EQ(migrations[0].up.text, "\nCREATE TABLE t (a int);\n\n");
  ASSERT_TRUE(migrations[0].down.has_value());
  EXPECT_EQ(migrations[0].down->first_line, 5u);
  EXPECT_FALSE(migrations[0].no_transaction);
  EXPECT_TRUE(migrations[1].no_transaction);
  EXPECT_FALSE(migrations[1].down.has_value());
}

TEST(ImportDbmate, RefusesMissingOrMisplacedSections) {
  EXPECT_EQ(error_of(ImportFormat::dbmate, {{"1_a.sql", "CREATE TABLE t (a int);\n"}}), "1_a.sql:1: SQL before `-- migrate:up`, which dbmate refuses");
  EXPECT_EQ(error_of(ImportFormat::dbmate, {{"1_a.sql", "-- nothing\n"}}), "1_a.sql: no `-- migrate:up` section");
  EXPECT_EQ(error_of(ImportFormat::dbmate, {{"1_a.sql", "-- migrate:down\n-- migrate:up\n"}}),
            "1_a.sql:1: `-- migrate:down` before `-- migrate:up`");
  EXPECT_EQ(error_of(ImportFormat::dbmate, {{"1_a.sql", "-- migrate:up\n"}, {"1_b.sql", "-- migrate:up\n"}}), "1_b.sql: version 1 is also 1_a.sql's");
}

TEST(ImportGoose, ReadsAnnotationsAndKeepsLineNumbers) {
  const auto migrations = read_tool_migrations(
      ImportFormat::goose,
      {{"00002_index.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n"},
       {"00001_create_t.sql",
        "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1; ';\n-- +goose StatementEnd\n"
        "-- +goose Down\nDROP FUNCTION f();\n"}});
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(migrations[0].up.text, "\n\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1; ';\n\n");
  EXPECT_EQ(migrations[0].up.first_line, 1u);
  ASSERT_TRUE(migrations[0].down.has_value());
  EXPECT_EQ(migrations[0].down->first_line, 5u);
  EXPECT_TRUE(migrations[1].no_transaction);
}

TEST(ImportGoose, RefusesWhatGooseRefusesOrAnImportCannotKnow) {
  EXPECT_EQ(error_of(ImportFormat::goose, {{"1_a.sql", "CREATE TABLE t (a int);\n"}}), "1_a.sql:1: SQL before `-- +goose Up`, which goose refuses");
  EXPECT_EQ(error_of(ImportFormat::goose, {{"1_a.sql", "-- just a comment\n"}}), "1_a.sql: no `-- +goose Up` annotation");
  EXPECT_EQ(error_of(ImportFormat::goose, {{"1_a.go", ""}}), "1_a.go: a Go migration, which only goose itself can run");
  EXPECT_EQ(error_of(ImportFormat::goose, {{"0_a.sql", "-- +goose Up\n"}}), "0_a.sql: the version is not a positive integer");
  EXPECT_EQ(error_of(ImportFormat::goose, {{"1_a.sql", "-- +goose Up\n-- +goose ENVSUB ON\n"}}),
            "1_a.sql:2: `-- +goose ENVSUB` substitutes environment variables, which an import cannot know");
  EXPECT_EQ(error_of(ImportFormat::goose, {{"1_a.sql", "-- +goose Up\n"}, {"01_b.sql", "-- +goose Up\n"}}), "01_b.sql: version 1 is also 1_a.sql's");
}

TEST(ImportSqlx, ReadsSimpleAndReversibleMigrations) {
  const auto migrations = read_tool_migrations(ImportFormat::sqlx, {{"20240102_add_b.up.sql", "ALTER TABLE t ADD COLUMN b int;"},
                                                                    {"20240102_add_b.down.sql", "ALTER TABLE t DROP COLUMN b;"},
                                                                    {"20240101_create_t.sql", "CREATE TABLE t (a int);"},
                                                                    {"20240103_index.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"},
                                                                    {"notes.sql", "ignored, as sqlx ignores it"}});
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"20240101", "20240102", "20240103"}));
  EXPECT_EQ(migrations[1].message, "add b");
  EXPECT_TRUE(migrations[1].down.has_value());
  EXPECT_FALSE(migrations[0].down.has_value());
  EXPECT_TRUE(migrations[2].no_transaction);
  EXPECT_EQ(error_of(ImportFormat::sqlx, {{"1_a.sql", ""}, {"1_a.up.sql", ""}}), "1_a.up.sql: version 1 is also 1_a.sql's");
}

TEST(ImportFlyway, OrdersVersionsNumericallyAndPairsUndoFiles) {
  const auto migrations = read_tool_migrations(ImportFormat::flyway, {{"V1_10__later.sql", "SELECT 3;"},
                                                                      {"V1.2__second.sql", "SELECT 2;"},
                                                                      {"sub/V1__First_one.sql", "SELECT 1;"},
                                                                      {"U1.2__second.sql", "SELECT -2;"},
                                                                      {"flyway.conf", "ignored"}});
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"1", "1.2", "1.10"}));
  EXPECT_EQ(migrations[0].message, "First one");
  ASSERT_TRUE(migrations[1].down.has_value());
  EXPECT_EQ(migrations[1].down->file, "U1.2__second.sql");
}

TEST(ImportFlyway, RefusesRepeatableDuplicateAndMalformedVersions) {
  EXPECT_NE(error_of(ImportFormat::flyway, {{"R__views.sql", ""}}).find("R__views.sql: a repeatable migration"), std::string::npos);
  EXPECT_EQ(error_of(ImportFormat::flyway, {{"V1__a.sql", ""}, {"V1.0__b.sql", ""}}), "V1.0__b.sql: version 1.0 is also V1__a.sql's");
  EXPECT_EQ(error_of(ImportFormat::flyway, {{"V1a__a.sql", ""}}), "V1a__a.sql: `1a` is not a version (numbers separated by `.` or `_`)");
  EXPECT_EQ(error_of(ImportFormat::flyway, {{"V1_a.sql", ""}}), "V1_a.sql: no `__` between the version and the description");
  EXPECT_EQ(error_of(ImportFormat::flyway, {{"U3__a.sql", ""}}), "U3__a.sql: a down migration without its up");
  EXPECT_NE(error_of(ImportFormat::flyway, {{"V1__a.sql", "SELECT 1;\nGRANT SELECT ON t TO ${reader};"}}).find("V1__a.sql:2: Flyway replaces placeholders"),
            std::string::npos);
}

TEST(ImportFlyway, CallbacksAreRefusedAndAConfSaysWhetherATransactionRuns) {
  EXPECT_NE(error_of(ImportFormat::flyway, {{"V1__a.sql", ""}, {"afterMigrate.sql", "GRANT SELECT ON t TO reader;"}})
                .find("afterMigrate.sql: a Flyway callback"),
            std::string::npos);
  EXPECT_EQ(error_of(ImportFormat::flyway, {{"V1__a.sql", ""}, {"V1__a.sql.conf", "encoding=ISO_8859_1\n"}}),
            "V1__a.sql.conf: `encoding=ISO_8859_1`: of a migration's settings an import takes executeInTransaction alone");
  const auto migrations = read_tool_migrations(ImportFormat::flyway, {{"V1__a.sql", "SELECT 1;"},
                                                                      {"V2__b.sql", "SELECT 2;"},
                                                                      {"V2__b.sql.conf", "# Flyway\nexecuteInTransaction = false\n"}});
  ASSERT_EQ(migrations.size(), 2u);
  EXPECT_FALSE(migrations[0].no_transaction);
  EXPECT_TRUE(migrations[1].no_transaction);
}

TEST(ImportTranslate, ModelledStatementsBecomeTheLanguageAndTheRestRawSteps) {
  const auto migrations = read_tool_migrations(
      ImportFormat::golang_migrate,
      {{"1_init.up.sql",
        "BEGIN;\nCREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, a text);\n"
        "ALTER TABLE t ADD b int, ADD COLUMN c int, DROP a;\nCREATE INDEX ON t (lower(c::text));\n"
        "CREATE VIEW v AS SELECT id FROM t;\nINSERT INTO t (id) VALUES (1);\nCOMMIT;\n"},
       {"2_more.up.sql", "DROP TABLE t, u;\n"},
       {"2_more.down.sql", "CREATE TABLE t (id int PRIMARY KEY);\n"}});
  const auto result = translate_migrations(ImportFormat::golang_migrate, migrations);
  ASSERT_EQ(result.revisions.size(), 2u);
  EXPECT_EQ(result.revisions[0].file_name, "1_init.mig");
  EXPECT_EQ(result.revisions[0].text,
            "revision '1' revises base\n  message 'init';\n\n"
            "-- Imported by `migc import golang-migrate` from 1_init.up.sql\n"
            "CREATE TABLE t (id int PRIMARY KEY, a text);\n"
            "ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\nalter table t drop column a;\n"
            "CREATE INDEX ON t (lower(c::text));\n"
            "CREATE VIEW v AS SELECT id FROM t;\n"
            "INSERT INTO t (id) VALUES (1) irreversible;\n");
  EXPECT_NE(result.revisions[1].text.find("DROP TABLE t;\nDROP TABLE u;\n\ndown {\n  CREATE TABLE t (id int PRIMARY KEY);\n}\n"),
            std::string::npos);
  EXPECT_TRUE(result.needs_human.empty());
}

TEST(ImportTranslate, DumpStyleStatementsLoseWhatTheLanguageLeavesImplicit) {
  const auto migrations = read_tool_migrations(
      ImportFormat::goose, {{"1_dump.sql",
                             "-- +goose Up\nCREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\n"
                             "CREATE TABLE public.t (id integer NOT NULL);\n"
                             "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"
                             "CREATE TYPE mood AS ENUM ('a');\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'b';\n"}});
  const auto result = translate_migrations(ImportFormat::goose, migrations);
  ASSERT_EQ(result.revisions.size(), 1u);
  EXPECT_TRUE(result.needs_human.empty());
  const std::string& text = result.revisions[0].text;
  EXPECT_NE(text.find("\nCREATE EXTENSION pgcrypto;\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nALTER TYPE mood ADD VALUE 'b';\n"), std::string::npos) << text;
  std::string printed;
  EXPECT_EQ(chain_errors(result, &printed), 0u) << printed;
}

TEST(ImportTranslate, AConcurrentlyStatementAmongOthersOutsideATransactionNeedsAHuman) {
  const auto migrations = read_tool_migrations(
      ImportFormat::goose, {{"1_a.sql", "-- +goose Up\nCREATE TABLE a (s text);\n"},
                            {"2_b.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE a ADD COLUMN t text;\n"
                                        "CREATE INDEX CONCURRENTLY a_s ON a (s);\n"}});
  const auto result = translate_migrations(ImportFormat::goose, migrations);
  ASSERT_EQ(result.needs_human.size(), 1u);
  EXPECT_EQ(result.needs_human[0].place, "2_b.sql:4");
  EXPECT_NE(result.needs_human[0].why.find("split the migration"), std::string::npos) << result.needs_human[0].why;
}

TEST(ImportTranslate, AFileTheParserRejectsIsKeptAsWrittenForTheHuman) {
  const auto migrations = read_tool_migrations(
      ImportFormat::golang_migrate,
      {{"1_a.up.sql", "CREATE TABLE c (id int PRIMARY KEY);\nCREATE TABLE d (id int PRIMARY KEY;\nCREATE TABLE e (id int);\n"}});
  const auto result = translate_migrations(ImportFormat::golang_migrate, migrations);
  ASSERT_EQ(result.needs_human.size(), 1u);
  const std::string& text = result.revisions.at(0).text;
  for (const char* line : {"--   CREATE TABLE c (id int PRIMARY KEY);\n", "--   CREATE TABLE d (id int PRIMARY KEY;\n", "--   CREATE TABLE e (id int);\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

TEST(ImportTranslate, AByteOrderMarkIsNoSql) {
  const auto migrations = read_tool_migrations(ImportFormat::golang_migrate, {{"1_a.up.sql", "\xEF\xBB\xBF" "CREATE TABLE t (id integer);\n"}});
  const auto result = translate_migrations(ImportFormat::golang_migrate, migrations);
  EXPECT_TRUE(result.needs_human.empty());
  EXPECT_NE(result.revisions.at(0).text.find("\nCREATE TABLE t (id integer);\n"), std::string::npos) << result.revisions[0].text;
}

TEST(ImportTranslate, SettingsTheMigratorsSessionStandsForAreLeftOut) {
  const auto migrations = read_tool_migrations(
      ImportFormat::flyway, {{"V1__dump.sql",
                              "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
                              "SET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\n"
                              "SET default_tablespace = '';\nSET default_table_access_method = heap;\n"
                              "SET search_path = \"$user\", public;\nCREATE TABLE public.t (id integer NOT NULL);\n"
                              "SET standard_conforming_strings = off;\nSET search_path = other;\nSET datestyle = 'DMY';\n"}});
  const auto result = translate_migrations(ImportFormat::flyway, migrations);
  ASSERT_EQ(result.revisions.size(), 1u);
  const std::string& text = result.revisions[0].text;
  for (const char* left_out : {"SET statement_timeout = 0", "SET client_encoding = 'UTF8'", "SET standard_conforming_strings = on",
                               "SELECT pg_catalog.set_config('search_path', '', false)", "SET default_tablespace = ''",
                               "SET default_table_access_method = heap", "SET search_path = \"$user\", public"}) {
    EXPECT_NE(text.find(std::string("-- Left out, as the migrator's session stands for it: ") + left_out + "\n"), std::string::npos)
        << left_out << "\n" << text;
  }
  // What would change how the statements after it act stays, for the compiler to refuse.
  for (const char* kept : {"SET standard_conforming_strings = off", "SET search_path = other", "SET datestyle = 'DMY'"}) {
    EXPECT_NE(text.find(std::string("execute $$\n") + kept + "\n$$"), std::string::npos) << kept << "\n" << text;
  }
  EXPECT_EQ(chain_errors(result), 3u);
}

TEST(ImportTranslate, ViewsBecomeTheLanguageAndWhatItDoesNotSayOfThemStaysRaw) {
  const auto migrations = read_tool_migrations(
      ImportFormat::golang_migrate,
      {{"1_t.up.sql", "CREATE TABLE t (a int);\nCREATE MATERIALIZED VIEW public.totals AS SELECT count(*) AS n FROM t;\n"},
       {"2_index.up.sql", "CREATE UNIQUE INDEX totals_n ON totals (n);\nCOMMENT ON COLUMN totals.n IS 'rows';\nCREATE INDEX t_a ON t (a);\n"},
       {"2_index.down.sql", "DROP INDEX t_a;\nDROP INDEX totals_n;\n"},
       {"3_drop.up.sql", "ALTER MATERIALIZED VIEW totals RENAME TO sums;\nDROP MATERIALIZED VIEW sums;\n"}});
  const auto result = translate_migrations(ImportFormat::golang_migrate, migrations);
  ASSERT_EQ(result.revisions.size(), 3u);
  const std::string& text = result.revisions[1].text;
  EXPECT_NE(text.find("execute $$\nCREATE UNIQUE INDEX totals_n ON totals (n)\n$$;\n"), std::string::npos) << text;
  EXPECT_NE(text.find("execute $$\nCOMMENT ON COLUMN totals.n IS 'rows'\n$$;\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nCREATE INDEX t_a ON t (a);\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  DROP INDEX t_a;\n  execute $$\nDROP INDEX totals_n\n$$;\n"), std::string::npos) << text;
  EXPECT_NE(result.revisions[0].text.find("\nCREATE MATERIALIZED VIEW public.totals AS SELECT count(*) AS n FROM t;\n"), std::string::npos)
      << result.revisions[0].text;
  const std::string& renamed = result.revisions[2].text;
  EXPECT_NE(renamed.find("\nALTER MATERIALIZED VIEW totals RENAME TO sums;\nDROP MATERIALIZED VIEW sums;\n"), std::string::npos) << renamed;
  std::string printed;
  EXPECT_EQ(chain_errors(result, &printed), 0u) << printed;
}

TEST(ImportTranslate, WhatTheLanguageCannotSayIsNamedAtItsPlace) {
  const auto migrations = read_tool_migrations(ImportFormat::dbmate, {{"1_a.sql", "-- migrate:up\nCREATE TABLE t (a int);\n\nALTER TABLE t SET ACCESS METHOD heap;\n"
                                                                                  "-- migrate:down\nDROP TABLE t;\n"}});
  const auto result = translate_migrations(ImportFormat::dbmate, migrations);
  ASSERT_EQ(result.needs_human.size(), 1u);
  EXPECT_EQ(result.needs_human[0].place, "1_a.sql:4");
  EXPECT_EQ(result.needs_human[0].statement, "ALTER TABLE t SET ACCESS METHOD heap");
}

TEST(ImportTranslate, ANulByteOrTextThatIsNotUtf8NeedsAHuman) {
  const auto migrations = read_tool_migrations(ImportFormat::golang_migrate, {{"1_a.up.sql", std::string("SELECT 1;\n\0DROP TABLE t;", 24)},
                                                                               {"2_b.up.sql", "SELECT 1;\nSELECT '\xff';\n"}});
  const auto result = translate_migrations(ImportFormat::golang_migrate, migrations);
  ASSERT_EQ(result.needs_human.size(), 2u);
  EXPECT_EQ(result.needs_human[0].place, "1_a.up.sql:2");
  EXPECT_EQ(result.needs_human[0].why, "the file holds a NUL byte, which PostgreSQL takes as the end of the text");
  EXPECT_EQ(result.needs_human[1].why, "PostgreSQL's parser rejects it: the text is not UTF-8");
  EXPECT_EQ(result.revisions[0].text.find("SELECT 1"), std::string::npos);
}

TEST(ImportTranslate, NothingWrittenAfterAStatementLandsInItsComment) {
  const auto migrations = read_tool_migrations(
      ImportFormat::sqlx, {{"1_a.sql", "CREATE TABLE t (a int PRIMARY KEY) -- the table\n;\nINSERT INTO t (a) VALUES (1) -- one row\n;\n"}});
  const auto result = translate_migrations(ImportFormat::sqlx, migrations);
  ASSERT_EQ(result.revisions.size(), 1u);
  EXPECT_NE(result.revisions[0].text.find("CREATE TABLE t (a int PRIMARY KEY) -- the table\n;\nINSERT INTO t (a) VALUES (1) -- one row\n irreversible;\n"),
            std::string::npos)
      << result.revisions[0].text;
  std::string printed;
  EXPECT_EQ(chain_errors(result, &printed), 0u) << printed;
}

TEST(ImportTranslate, EachStatementKnowsItsPlaceInTheOriginal) {
  const auto migrations = read_tool_migrations(
      ImportFormat::dbmate, {{"7_a.sql", "-- migrate:up\nCREATE TABLE t (a int);\n\nALTER TABLE t ADD b int, ADD c int;\n-- migrate:down\nDROP TABLE t;\n"}});
  const auto result = translate_migrations(ImportFormat::dbmate, migrations);
  ASSERT_EQ(result.revisions.size(), 1u);
  const auto& revision = result.revisions[0];
  const auto at = [&](std::string_view text) { return origin_at(revision, revision.text.find(text)); };
  EXPECT_EQ(at("CREATE TABLE t"), "7_a.sql:2");
  EXPECT_EQ(at("ALTER TABLE t ADD COLUMN b"), "7_a.sql:4");
  EXPECT_EQ(at("ALTER TABLE t ADD COLUMN c"), "7_a.sql:4");
  EXPECT_EQ(at("DROP TABLE t"), "7_a.sql:6");
  EXPECT_EQ(at("revision"), "");
}

TEST(ImportTranslate, StatementsOutsideATransactionTakeTheNonTransactionalForm) {
  const auto migrations = read_tool_migrations(
      ImportFormat::goose,
      {{"1_t.sql", "-- +goose Up\nCREATE TABLE t (a int);\n-- +goose Down\nDROP TABLE t;\n"},
       {"2_index.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY t_a;\n"},
       {"3_vacuum.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nVACUUM t;\nANALYZE t;\n"}});
  const auto result = translate_migrations(ImportFormat::goose, migrations);
  ASSERT_EQ(result.revisions.size(), 3u);
  EXPECT_NE(result.revisions[1].text.find("\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n"), std::string::npos);
  EXPECT_NE(result.revisions[2].text.find("execute outside transaction $$\nVACUUM t;\nANALYZE t\n$$;\n"), std::string::npos);
  std::string printed;
  EXPECT_EQ(chain_errors(result, &printed), 0u) << printed;
}

// What compiler/alembic_export.py prints, as Alembic 1.8 does for a chain with two branches and
// their merge, read into migrations: ids, every parent, messages, and each direction's SQL.
constexpr const char* alembic_json = R"({"alembic": "1.8.1", "revisions": [
  {"id": "a1", "parents": [], "depends_on": [], "message": "create t", "file": "a1_create_t.py",
   "upgrade": "CREATE TABLE t (\n    id INTEGER NOT NULL, \n    PRIMARY KEY (id)\n);\n\n", "downgrade": "DROP TABLE t;\n\n"},
  {"id": "b2", "parents": ["a1"], "depends_on": [], "message": "add b", "file": "b2_add_b.py",
   "upgrade": "ALTER TABLE t ADD COLUMN b TEXT;\n\n", "downgrade": "ALTER TABLE t DROP COLUMN b;\n\n"},
  {"id": "c3", "parents": ["a1"], "depends_on": [], "message": "add c", "file": "c3_add_c.py",
   "upgrade": "ALTER TABLE t ADD COLUMN c TEXT;\n\n", "downgrade": "ALTER TABLE t DROP COLUMN c;\n\n"},
  {"id": "d4", "parents": ["b2", "c3"], "depends_on": [], "message": "merge", "file": "d4_merge.py",
   "upgrade": "", "downgrade": ""}]})";

TEST(ImportAlembic, ReadsIdsParentsMessagesAndBothDirections) {
  const auto migrations = read_alembic_export(alembic_json);
  EXPECT_EQ(ids(migrations), (std::vector<std::string>{"a1", "b2", "c3", "d4"}));
  EXPECT_TRUE(migrations[0].parents.empty());
  EXPECT_EQ(migrations[2].parents, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(migrations[3].parents, (std::vector<std::string>{"b2", "c3"}));
  EXPECT_EQ(migrations[1].message, "add b");
  EXPECT_EQ(migrations[1].up.text, "ALTER TABLE t ADD COLUMN b TEXT;\n\n");
  ASSERT_TRUE(migrations[1].down.has_value());
  EXPECT_EQ(migrations[1].down->text, "ALTER TABLE t DROP COLUMN b;\n\n");
  EXPECT_EQ(migrations[1].up.file, "b2_add_b.py (offline upgrade SQL)");
  EXPECT_TRUE(migrations[1].up_error.empty());
  EXPECT_TRUE(migrations[1].down_error.empty());
}

TEST(ImportAlembic, BranchesAndTheirMergeNameTheirParentsAndBuild) {
  const auto result = translate_migrations(ImportFormat::alembic, read_alembic_export(alembic_json));
  ASSERT_EQ(result.revisions.size(), 4u);
  EXPECT_TRUE(result.needs_human.empty());
  // c3 follows b2 in graph order but revises a1, not the revision before it.
  EXPECT_EQ(result.revisions[2].text.substr(0, result.revisions[2].text.find('\n')), "revision 'c3' revises 'a1'");
  EXPECT_EQ(result.revisions[3].text.substr(0, result.revisions[3].text.find('\n')), "revision 'd4' merges 'b2', 'c3'");
  std::string printed;
  EXPECT_EQ(chain_errors(result, &printed), 0u) << printed;
}

TEST(ImportAlembic, DependsOnIsAParentToo) {
  const auto migrations = read_alembic_export(R"({"revisions": [
    {"id": "a1", "parents": [], "message": "", "file": "a1.py", "upgrade": "", "downgrade": ""},
    {"id": "b2", "parents": ["a1"], "depends_on": ["x9"], "message": "", "file": "b2.py", "upgrade": "", "downgrade": ""}]})");
  EXPECT_EQ(migrations[1].parents, (std::vector<std::string>{"a1", "x9"}));
}

TEST(ImportAlembic, ARevisionOfflineModeCannotRunNeedsAHuman) {
  const auto migrations = read_alembic_export(R"({"revisions": [
    {"id": "a1", "parents": [], "message": "backfill", "file": "a1_backfill.py", "upgrade": null,
     "upgrade_error": "AttributeError: 'MockConnection' object has no attribute 'execute'", "downgrade": ""}]})");
  const auto result = translate_migrations(ImportFormat::alembic, migrations);
  ASSERT_EQ(result.needs_human.size(), 1u);
  EXPECT_EQ(result.needs_human[0].place, "a1_backfill.py");
  EXPECT_EQ(result.needs_human[0].why,
            "revision a1: its upgrade raised in Alembic's offline mode: AttributeError: 'MockConnection' object has no attribute "
            "'execute'; write it by hand");
}

TEST(ImportAlembic, ARevisionComparedOnAServerSaysSoAndNamesWhatItCannotCarry) {
  auto migrations = read_alembic_export(R"({"revisions": [
    {"id": "a1", "parents": [], "message": "backfill", "file": "a1_backfill.py", "created": "2024-01-02 03:04:05", "upgrade": null,
     "upgrade_error": "AttributeError: no execute", "downgrade": null, "downgrade_error": "AttributeError: no execute"}]})");
  ASSERT_EQ(migrations.size(), 1u);
  migrations[0].diffed = ToolMigration::Diffed{{"create table t (a integer);"}, {"drop table t;"}, {"a rename looks like drop and add"},
                                               {"UPDATE t SET a = 1 WHERE a = 2"}};
  const auto result = translate_migrations(ImportFormat::alembic, migrations);
  ASSERT_EQ(result.needs_human.size(), 2u);
  EXPECT_EQ(result.needs_human[0].place, "a1_backfill.py");
  EXPECT_EQ(result.needs_human[0].why, "comparing the schema: a rename looks like drop and add");
  EXPECT_EQ(result.needs_human[1].statement, "UPDATE t SET a = 1 WHERE a = 2");
  const std::string& text = result.revisions[0].text;
  EXPECT_NE(text.find("from a1_backfill.py; created 2024-01-02 03:04:05\n"), std::string::npos) << text;
  EXPECT_NE(text.find("imported by applying it on a server and comparing the schema before and after"), std::string::npos) << text;
  EXPECT_NE(text.find("-- needs a human: comparing the schema: a rename looks like drop and add\n"), std::string::npos) << text;
  EXPECT_NE(text.find("--   UPDATE t SET a = 1 WHERE a = 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("create table t (a integer);\n\n-- Its down is the comparison reversed: Alembic's offline mode could not run its "
                      "downgrade (AttributeError: no execute)\ndown {\n  drop table t;\n}\n"),
            std::string::npos)
      << text;
}

TEST(ImportAlembic, BadOutputIsAnImportError) {
  const auto error_of_json = [](const char* json) -> std::string {
    try {
      read_alembic_export(json);
    } catch (const ImportError& error) {
      return error.what();
    }
    return "(no error)";
  };
  EXPECT_NE(error_of_json("not json").find("alembic export: not JSON"), std::string::npos);
  EXPECT_EQ(error_of_json("{}"), "alembic export: no `revisions` list");
  EXPECT_EQ(error_of_json(R"({"revisions": []})"), "alembic: no revisions");
  EXPECT_EQ(error_of_json(R"({"revisions": [{"parents": []}]})"), "alembic export: a revision without an id");
  EXPECT_EQ(error_of_json(R"({"revisions": [{"id": 7}]})"), "alembic export: `id` is not a string");
  EXPECT_EQ(error_of_json(R"({"revisions": [{"id": "a", "parents": "b"}]})"), "alembic export: `parents` is not a list");
  EXPECT_EQ(error_of_json(R"({"revisions": [{"id": "a"}, {"id": "b"}]})"),
            "alembic revision b: a second root (down_revision = None); migc chains have one");
}

}  // namespace
}  // namespace migc
