// Whole chains compiled in memory: ordering across branches, dependencies, merges.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "compiler/chain.hpp"
#include "dsl/grammar.hpp"

namespace migc {
namespace {

std::vector<std::string> order_of(const CompiledChain& chain) {
  std::vector<std::string> ids;
  for (const auto& revision : chain.revisions) ids.push_back(revision.id);
  return ids;
}

// Files are parsed on every core; what they report must be what parsing each alone reports, in
// the order of the files, however the threads ran.
TEST(Chain, ManyFilesReportInFileOrder) {
  std::vector<SourceFile> files;
  const std::set<int> broken{3, 150, 151, 152, 400, 599};
  for (int i = 0; i < 600; ++i) {
    const std::string id = fmt::format("{:04}", i);
    const std::string parent = i == 0 ? "base" : fmt::format("'{:04}'", i - 1);
    std::string text = fmt::format("revision '{}' revises {};\ncreate table t{} (id integer primary key);\n", id, parent, i);
    if (broken.contains(i)) text += fmt::format("create table u{} (id integer primary key,, name text);\nalter table t{} add colum x text;\n", i, i);
    files.emplace_back(id + "_x.mig", text);
  }
  std::string alone;
  for (const auto& file : files) {
    Diagnostics diagnostics;
    parse_revision_file(file, diagnostics);
    for (const auto& diagnostic : diagnostics.all()) alone += format_diagnostic(diagnostic);
  }
  ASSERT_NE(alone, "");
  for (int run = 0; run < 5; ++run) {
    Diagnostics diagnostics;
    EXPECT_FALSE(compile_chain(files, diagnostics));
    std::string together;
    for (const auto& diagnostic : diagnostics.all()) together += format_diagnostic(diagnostic);
    EXPECT_EQ(together, alone);
    EXPECT_EQ(diagnostics.error_count(), diagnostics.all().size());
  }
}

TEST(Chain, DependsOnOrdersAcrossBranches) {
  // b1 sits on its own branch but needs a table of a2, so it must come after a2.
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n");
  files.emplace_back("a1_x.mig", "revision 'a1' revises '001';\n");
  files.emplace_back("a2_x.mig", "revision 'a2' revises 'a1';\ncreate table agent (id integer primary key);\n");
  files.emplace_back("b1_x.mig", "revision 'b1' revises '001' depends on 'a2';\n"
                                 "create table metric (id integer primary key, agent_id integer references agent (id));\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a2', 'b1';\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  ASSERT_TRUE(chain) << errors;
  EXPECT_EQ(order_of(*chain), (std::vector<std::string>{"001", "a1", "a2", "b1", "m"}));
  EXPECT_EQ(chain->revisions[3].parents, (std::vector<std::string>{"001", "a2"}));
}

TEST(Chain, WithoutTheDependencyTheTableIsUnknown) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n");
  files.emplace_back("a2_x.mig", "revision 'a2' revises '001';\ncreate table agent (id integer primary key);\n");
  files.emplace_back("b1_x.mig", "revision 'b1' revises '001';\n"
                                 "create table metric (id integer primary key, agent_id integer references agent (id));\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a2', 'b1';\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  ASSERT_EQ(diagnostics.all().size(), 1u);
  EXPECT_EQ(diagnostics.all()[0].kind->name, "UnknownTable");
}

TEST(Chain, MergeSeesBothBranches) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\ncreate table x (id integer primary key);\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\ncreate table y (id integer primary key);\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a', 'b';\ncreate table z (x integer references x, y integer references y);\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  ASSERT_TRUE(chain);
  EXPECT_EQ(chain->head.tables().size(), 3u);
}

TEST(Chain, ParentFollowedByAnotherBranchBeforeItsChild) {
  // Order: 001, a, b, c, m. c's parent a has one child, but b runs between them: c must still
  // start from a's schema (found by the fuzzer, tests/fuzz/regressions/branch_between_parent_and_child).
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\ncreate table x (id integer primary key);\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\ncreate table y (id integer primary key);\n");
  files.emplace_back("c_x.mig", "revision 'c' revises 'a';\nalter table x add column note text;\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'b', 'c';\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  ASSERT_TRUE(chain);
  EXPECT_EQ(order_of(*chain), (std::vector<std::string>{"001", "a", "b", "c", "m"}));
  EXPECT_NE(chain->head.tables().at({"", "x"}).find_column("note"), nullptr);
  EXPECT_EQ(chain->head.tables().size(), 2u);
}


std::vector<std::string> messages_of(const Diagnostics& diagnostics) {
  std::vector<std::string> messages;
  for (const auto& diagnostic : diagnostics.all()) {
    std::string text = diagnostic.message;
    for (const auto& note : diagnostic.notes) text += " | " + note.message;
    messages.push_back(text);
  }
  return messages;
}

constexpr const char* resolution =
    "make one branch revise the other's head instead of merging, or change a branch so that either order applies";

TEST(Chain, BranchesThatCannotFollowEachOtherConflictAtTheMerge) {
  // Each branch builds on 001 alone; a database that took one of them first cannot take the other.
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate table t (id integer primary key, a integer);\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\ncreate table x (id integer);\n@allow(DataLoss)\nalter table t drop column a;\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\ncreate table x (id integer);\n");
  files.emplace_back("c_x.mig", "revision 'c' revises 'b';\n@allow(RenameInUse)\nalter table t rename column a to c;\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a', 'c';\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  EXPECT_EQ(messages_of(diagnostics),
            (std::vector<std::string>{
                std::string("the branches merge revision `m` joins conflict: a database at revision `c` cannot take `a` | "
                            "after `c`: table `x` already exists at revision a | "
                            "after `c`: column `a` does not exist in table `t` at revision a | ") + resolution,
                std::string("the branches merge revision `m` joins conflict: a database at revision `a` cannot take `b`, `c` | "
                            "after `a`: table `x` already exists at revision b | "
                            "after `a`: column `a` does not exist in table `t` at revision c | ") + resolution}));
}

TEST(Chain, BranchesWhoseOrderDecidesTheSchemaConflict) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate table t (id integer primary key, b integer);\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\nalter table t alter column b set default 1;\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\nalter table t alter column b set default 2;\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a', 'b';\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  // Each order ends with the other's default, and each down puts back the default its own
  // branch started from.
  EXPECT_EQ(messages_of(diagnostics),
            (std::vector<std::string>{
                std::string("the branches merge revision `m` joins conflict: a database at revision `b` cannot take `a` | "
                            "after `b`: the way down of `a`, built for its own branch, would not give back the schema there | ") + resolution,
                std::string("the branches merge revision `m` joins conflict: a database at revision `a` cannot take `b` | "
                            "after `a`: the way down of `b`, built for its own branch, would not give back the schema there | ") + resolution}));
}

TEST(Chain, BranchesChangingOneTableApartMergeInEitherOrder) {
  // Column order is all the two orders disagree on, which PostgreSQL cannot keep anyway.
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate table t (id integer primary key);\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\nalter table t add column a integer;\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\nalter table t add column b integer;\n@allow(LockingIndexBuild)\ncreate index t_b on t (b);\n");
  files.emplace_back("c_x.mig", "revision 'c' revises '001';\ncreate table u (id integer references t);\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a', 'b', 'c';\n");
  files.emplace_back("n_x.mig", "revision 'n' revises 'm';\nalter table t add column n integer;\n");
  files.emplace_back("o_x.mig", "revision 'o' revises 'm';\nalter table u add column o integer;\n");
  files.emplace_back("p_x.mig", "revision 'p' merges 'n', 'o';\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  ASSERT_TRUE(chain) << ::testing::PrintToString(messages_of(diagnostics));
  EXPECT_EQ(chain->head.tables().at({"", "t"}).columns.size(), 4u);
  EXPECT_NE(chain->head.tables().at({"", "u"}).find_column("o"), nullptr);
}

TEST(Chain, BranchesWhoseWayDownDependsOnTheOtherConflict) {
  // b's down rebuilds `color` around the columns b saw; after a, a column of a's uses it too.
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate type color as enum ('red');\ncreate table u (id integer primary key);\n");
  files.emplace_back("a_x.mig", "revision 'a' revises '001';\nalter table u add column c color;\n");
  files.emplace_back("b_x.mig", "revision 'b' revises '001';\nalter type color add value 'blue';\n");
  files.emplace_back("m_x.mig", "revision 'm' merges 'a', 'b';\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  EXPECT_EQ(messages_of(diagnostics),
            (std::vector<std::string>{std::string("the branches merge revision `m` joins conflict: a database at revision `a` cannot take `b` | "
                                                  "after `a`: the way down of `b`, built for its own branch, would not give back the schema there | ") +
                                      resolution}));
}

std::vector<SourceFile> files_of(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".mig") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceFile> files;
  for (const auto& path : paths) {
    std::ifstream in(path);
    files.emplace_back(path.string(), std::string{std::istreambuf_iterator<char>(in), {}});
  }
  return files;
}

// The head schema the plan carries is replayed from the revisions' changes, as the migrator's
// check replays them for any revision: it must be the schema the compiler simulated.
TEST(Chain, ReplayedChangesGiveTheSimulatedHead) {
  for (const char* chain_directory : {MIGC_TESTS_DIR "/chains/every_operation", MIGC_TESTS_DIR "/../migrations"}) {
    SCOPED_TRACE(chain_directory);
    const std::vector<SourceFile> files = files_of(chain_directory);
    ASSERT_GE(files.size(), 3u);
    Diagnostics diagnostics;
    const auto chain = compile_chain(files, diagnostics);
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->one_line);
    EXPECT_EQ(head_schema_sql(*chain), schema_sql(chain->head));
    EXPECT_EQ(replayed_schema_sql(*chain, [](const CompiledRevision&) { return true; }), schema_sql(chain->head));
  }
}

// Statements are read on other cores while earlier revisions are simulated: a type that raw SQL
// makes in the last revision is known to the first (CreationSites), and an error or a warning far down the
// chain is reported as the plain path reports it, the same on every run.
TEST(Chain, ReadingAheadChangesNothingTheChainReports) {
  std::vector<SourceFile> files;
  constexpr int count = 700;
  for (int i = 0; i < count; ++i) {
    const std::string id = fmt::format("{:04}", i);
    const std::string parent = i == 0 ? "base" : fmt::format("'{:04}'", i - 1);
    std::string text = fmt::format("revision '{}' revises {};\ncreate table t{} (id integer primary key", id, parent, i);
    text += i == 1 ? ", n integer check (n::text::span is not null));\n" : ");\n";
    if (i == count - 1) text += "execute $$ create type span as range (subtype = integer) $$ irreversible;\n";
    files.emplace_back(id + "_x.mig", text);
  }
  Diagnostics built;
  ASSERT_TRUE(compile_chain(files, built));
  EXPECT_EQ(built.all().size(), 0u);
  files[count - 1] = SourceFile(files[count - 1].path(), fmt::format("revision '{:04}' revises '{:04}';\n", count - 1, count - 2));
  Diagnostics unknown;
  EXPECT_FALSE(compile_chain(files, unknown));
  ASSERT_EQ(unknown.all().size(), 1u);
  EXPECT_NE(format_diagnostic(unknown.all()[0]).find("[UnknownType]"), std::string::npos);

  files[600] = SourceFile("0600_x.mig", "revision '0600' revises '0599';\nalter table t10 add column z integer not null;\n"
                                        "create index t11_id on t11 (id);\nalter table t12 add column q integer references t99999 (id);\n");
  std::string first;
  for (int run = 0; run < 3; ++run) {
    Diagnostics diagnostics;
    EXPECT_FALSE(compile_chain(files, diagnostics));
    std::string reported;
    for (const auto& diagnostic : diagnostics.all()) reported += format_diagnostic(diagnostic);
    EXPECT_NE(reported.find("t99999"), std::string::npos) << reported;
    EXPECT_NE(reported.find("[LockingIndexBuild]"), std::string::npos) << reported;
    if (run == 0) first = reported;
    EXPECT_EQ(reported, first);
  }
}

// The language makes no aggregates: one raw SQL makes is a function the chain may call.
TEST(Chain, AnAggregateRawSqlMakesMayBeCalled) {
  const std::vector<SourceFile> files{
      {"001_root.mig", "revision '001' revises base;\ncreate table t (id integer primary key, c integer);\n"
                       "execute $$ create aggregate my_sum(integer) (sfunc = int4pl, stype = integer) $$\n"
                       "  down $$ drop aggregate my_sum(integer) $$;\n"},
      {"002_view.mig", "revision '002' revises '001';\ncreate view totals as select my_sum(c) as total from t;\n"}};
  Diagnostics diagnostics;
  EXPECT_TRUE(compile_chain(files, diagnostics));
  for (const auto& diagnostic : diagnostics.all()) ADD_FAILURE() << format_diagnostic(diagnostic);
}

// A type raw SQL made (one the language has no statement for) its down may drop; not one the
// language made.
TEST(Chain, ARawTypeMayBeDroppedButNotAModelledOne) {
  const std::string made = "execute $$ create type floatrange as range (subtype = float8) $$ down $$ drop type floatrange $$;\n";
  {
    const std::vector<SourceFile> files{{"001_root.mig", "revision '001' revises base;\n" + made}};
    Diagnostics diagnostics;
    EXPECT_TRUE(compile_chain(files, diagnostics));
    for (const auto& diagnostic : diagnostics.all()) ADD_FAILURE() << format_diagnostic(diagnostic);
  }
  const std::vector<SourceFile> files{
      {"001_root.mig", "revision '001' revises base;\n" + made},
      {"002_use.mig", "revision '002' revises '001';\ncreate type mood as enum ('calm');\n"
                      "execute $$ drop type floatrange, mood $$ irreversible;\n"}};
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  std::string reported;
  for (const auto& diagnostic : diagnostics.all()) reported += format_diagnostic(diagnostic);
  EXPECT_NE(reported.find("[RawSchemaChange]"), std::string::npos) << reported;
}

}  // namespace
}  // namespace migc
