// Golden tests: the exact SQL each operation lowers to, up and down.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "compiler/sql_text.hpp"

namespace migc {
namespace {

struct Lowered {
  std::vector<std::string> up;
  std::vector<std::string> down;
};

// Compiles `setup` as revision 001 and `body` as revision 002; returns 002's SQL.
Lowered lower(const std::string& setup, const std::string& body) {
  std::vector<SourceFile> files;
  files.emplace_back("001_setup.mig", "revision '001' revises base;\n" + setup);
  files.emplace_back("002_body.mig", "revision '002' revises '001';\n" + body);
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  EXPECT_TRUE(chain) << errors;
  if (!chain) return {};
  Lowered out;
  for (const auto& step : chain->revisions.at(1).lowered.up) out.up.push_back(step.sql);
  for (const auto& step : chain->revisions.at(1).lowered.down) out.down.push_back(step.sql);
  return out;
}

using Sql = std::vector<std::string>;

TEST(Lowering, CreateTableNamesConstraintsAsPostgresDoes) {
  const auto sql = lower("create table grid (uuid varchar primary key);",
                         "create table gridsquare (\n"
                         "  uuid varchar(36) primary key,\n"
                         "  grid_uuid varchar not null references grid (uuid) on delete cascade,\n"
                         "  name text unique default 'x',\n"
                         "  \"order\" integer\n"
                         ");");
  EXPECT_EQ(sql.up, Sql{"CREATE TABLE gridsquare (\n"
                        "    uuid character varying(36) NOT NULL,\n"
                        "    grid_uuid character varying NOT NULL,\n"
                        "    name text DEFAULT 'x',\n"
                        "    \"order\" integer,\n"
                        "    CONSTRAINT gridsquare_pkey PRIMARY KEY (uuid),\n"
                        "    CONSTRAINT gridsquare_name_key UNIQUE (name),\n"
                        "    CONSTRAINT gridsquare_grid_uuid_fkey FOREIGN KEY (grid_uuid) REFERENCES grid (uuid) ON DELETE CASCADE\n"
                        ")"});
  EXPECT_EQ(sql.down, Sql{"DROP TABLE gridsquare"});
}

TEST(Lowering, CompositeKeysAndSerials) {
  const auto sql = lower("", "create table position (a integer, b integer, id bigserial, primary key (a, b));");
  EXPECT_EQ(sql.up, Sql{"CREATE TABLE \"position\" (\n"
                        "    a integer NOT NULL,\n"
                        "    b integer NOT NULL,\n"
                        "    id bigserial NOT NULL,\n"
                        "    CONSTRAINT position_pkey PRIMARY KEY (a, b)\n"
                        ")"});
}

TEST(Lowering, DropTableRecreatesTableAndIndexesOnTheWayDown) {
  const auto sql = lower("create table grid (uuid varchar primary key, name varchar);\n"
                         "create index idx_grid_name on grid (name);",
                         "drop table grid;");
  EXPECT_EQ(sql.up, Sql{"DROP TABLE grid"});
  EXPECT_EQ(sql.down, (Sql{"CREATE TABLE grid (\n"
                           "    uuid character varying NOT NULL,\n"
                           "    name character varying,\n"
                           "    CONSTRAINT grid_pkey PRIMARY KEY (uuid)\n"
                           ")",
                           "CREATE INDEX idx_grid_name ON grid USING btree (name)"}));
}

TEST(Lowering, DropTableCascadeRestoresForeignKeysOfOtherTables) {
  const auto sql = lower("create table grid (uuid varchar primary key);\n"
                         "create table square (uuid varchar primary key, grid_uuid varchar references grid);",
                         "drop table grid cascade;");
  EXPECT_EQ(sql.up, Sql{"DROP TABLE grid CASCADE"});
  ASSERT_EQ(sql.down.size(), 2u);
  EXPECT_EQ(sql.down[1], "ALTER TABLE square ADD CONSTRAINT square_grid_uuid_fkey FOREIGN KEY (grid_uuid) REFERENCES grid (uuid)");
}

TEST(Lowering, IndexesUpAndDown) {
  const auto sql = lower("create table micrograph (uuid varchar, taken timestamp, status text);",
                         "create unique index idx_m on micrograph using hash (taken);\ndrop index idx_m;\n"
                         "create index idx_n on micrograph (taken, status);");
  EXPECT_EQ(sql.up, (Sql{"CREATE UNIQUE INDEX idx_m ON micrograph USING hash (taken)", "DROP INDEX idx_m",
                         "CREATE INDEX idx_n ON micrograph USING btree (taken, status)"}));
  // Reverse order: the last statement is undone first.
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX idx_n", "CREATE UNIQUE INDEX idx_m ON micrograph USING hash (taken)",
                           "DROP INDEX idx_m"}));
}

TEST(Lowering, EnumTypes) {
  const auto sql = lower("create type old as enum ('x');", "create type status as enum ('NONE', 'it''s');\ndrop type old;");
  EXPECT_EQ(sql.up, (Sql{"CREATE TYPE status AS ENUM ('NONE', 'it''s')", "DROP TYPE old"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TYPE old AS ENUM ('x')", "DROP TYPE status"}));
}

TEST(Lowering, AddAndDropColumn) {
  const auto sql = lower("create table grid (uuid varchar primary key, note text);\ncreate index idx_note on grid (note);",
                         "alter table grid add column size integer not null default 0 unique;\n"
                         "alter table grid drop column note;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE grid ADD COLUMN size integer DEFAULT 0 NOT NULL, ADD CONSTRAINT grid_size_key UNIQUE (size)",
                         "ALTER TABLE grid DROP COLUMN note"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE grid ADD COLUMN note text", "CREATE INDEX idx_note ON grid USING btree (note)",
                           "ALTER TABLE grid DROP COLUMN size"}));
}

TEST(Lowering, ExecuteUsesItsOwnDown) {
  const auto sql = lower("", "execute $$ select 1 $$ down $$ select 2 $$;");
  EXPECT_EQ(sql.up, Sql{"select 1"});
  EXPECT_EQ(sql.down, Sql{"select 2"});
}

TEST(Lowering, LongNamesAreShortenedAsPostgresDoes) {
  // makeObjectName(): the longer part gives way until "table_column_label" fits in 63 bytes.
  const std::string table(40, 't');
  const std::string column(40, 'c');
  const auto sql = lower("", "create table " + table + " (" + column + " integer unique);");
  ASSERT_EQ(sql.up.size(), 1u);
  EXPECT_NE(sql.up[0].find("CONSTRAINT " + std::string(29, 't') + "_" + std::string(29, 'c') + "_key UNIQUE"),
            std::string::npos)
      << sql.up[0];
}

TEST(SqlText, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(quote_identifier("grid"), "grid");
  EXPECT_EQ(quote_identifier("Grid"), "\"Grid\"");
  EXPECT_EQ(quote_identifier("group"), "\"group\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

}  // namespace
}  // namespace migc
