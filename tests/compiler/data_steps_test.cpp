// Data steps (insert ... on conflict, update, delete): what they may name, and which downs the
// compiler derives, on chains compiled in memory.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "compiler/sql_parser.hpp"

namespace migc {
namespace {

struct Compiled {
  std::optional<CompiledChain> chain;
  std::string diagnostics;
};

// Compiles `setup` as revision 001 and `body` as revision 002.
Compiled compile(const std::string& setup, const std::string& body) {
  std::vector<SourceFile> files;
  files.emplace_back("001_setup.mig", "revision '001' revises base;\n" + setup);
  files.emplace_back("002_body.mig", "revision '002' revises '001';\n" + body);
  Diagnostics diagnostics;
  Compiled out;
  out.chain = compile_chain(files, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) out.diagnostics += format_diagnostic(diagnostic);
  return out;
}

std::vector<std::string> down_of(const Compiled& compiled) {
  std::vector<std::string> sql;
  for (const auto& step : compiled.chain->revisions.at(1).lowered.down) sql.push_back(step.sql);
  return sql;
}

TEST(RowExpressionNames, ColumnsOutsideSubqueriesAndTheTablesTheyRead) {
  const auto names = row_expression_names("a = 1 and t.b in (select c from other where d > 0) and exists "
                                          "(with w as (select 1) select 1 from w, s.far)");
  ASSERT_EQ(names.columns.size(), 2u);
  EXPECT_EQ(names.columns[0].names, std::vector<std::string>{"a"});
  EXPECT_EQ(names.columns[1].names, (std::vector<std::string>{"t", "b"}));
  EXPECT_EQ(names.columns[1].offset, 10u);
  ASSERT_EQ(names.tables.size(), 2u);
  EXPECT_EQ(names.tables[0].names, std::vector<std::string>{"other"});
  EXPECT_EQ(names.tables[1].names, (std::vector<std::string>{"s", "far"}));
}

TEST(DataSteps, AnUpdateFillsAColumnItsRevisionAddedAndItsDownIsNothing) {
  const auto compiled = compile("create table grid (id integer primary key, name text);",
                                "alter table grid add column label text;\n"
                                "update grid set label = name where label is null;\n"
                                "@allow(NotNullWithoutCheck)\n"
                                "alter table grid alter column label set not null;");
  ASSERT_TRUE(compiled.chain) << compiled.diagnostics;
  EXPECT_EQ(compiled.diagnostics, "");
  EXPECT_EQ(down_of(compiled), (std::vector<std::string>{"ALTER TABLE grid ALTER COLUMN label DROP NOT NULL",
                                                         "ALTER TABLE grid DROP COLUMN label"}));
}

// Renamed, the added column's name may be taken by an older column, whose values the update
// would overwrite: then it needs a down of its own.
TEST(DataSteps, AColumnRenamedSinceIsNoLongerTheRevisionsOwn) {
  const auto compiled = compile("create table grid (id integer primary key, name text);",
                                "alter table grid add column label text;\n"
                                "@allow(RenameInUse)\n"
                                "alter table grid rename column label to tag;\n"
                                "@allow(RenameInUse)\n"
                                "alter table grid rename column name to label;\n"
                                "update grid set label = 'x';");
  EXPECT_FALSE(compiled.chain);
  EXPECT_NE(compiled.diagnostics.find("[MissingDown]"), std::string::npos) << compiled.diagnostics;
}

TEST(DataSteps, OnConflictFindsAUniqueIndexOnItsColumns) {
  const auto compiled = compile("create table tag (id integer primary key, label text);\n"
                                "@allow(LockingIndexBuild)\n"
                                "create unique index tag_label on tag (label);",
                                "insert into tag (id, label) values (1, 'a') on conflict (label) do update set id = excluded.id irreversible;");
  ASSERT_TRUE(compiled.chain) << compiled.diagnostics;
}

// A hand-written `down { }` replaces every derived down, an insert's too.
TEST(DataSteps, ADownBlockReplacesTheInsertsDerivedDown) {
  const auto compiled = compile("create table tag (id integer primary key);",
                                "insert into tag (id) values (1);\n"
                                "down {\n  execute $$ delete from tag $$;\n}");
  ASSERT_TRUE(compiled.chain) << compiled.diagnostics;
  EXPECT_EQ(down_of(compiled), std::vector<std::string>{"delete from tag"});
}

TEST(DataSteps, AnInsertIntoATableOfItsOwnRevisionDerivesItsDownBeforeTheDrop) {
  const auto compiled = compile("", "create table tag (code text primary key);\ninsert into tag (code) values ('a'), ('b');");
  ASSERT_TRUE(compiled.chain) << compiled.diagnostics;
  EXPECT_EQ(down_of(compiled), (std::vector<std::string>{"DELETE FROM tag WHERE code IN (CAST('a' AS text), CAST('b' AS text))",
                                                         "DROP TABLE tag"}));
}

}  // namespace
}  // namespace migc
