// Every tests/compiler/fail/*.mig holds a broken chain and the exact diagnostics it must produce;
// and every diagnostic kind must be pinned by some test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../split_file.hpp"
#include "compiler/chain.hpp"
#include "compiler/diagnostic_kind.hpp"

namespace migc {
namespace {

namespace fs = std::filesystem;

const fs::path tests_dir = MIGC_TESTS_DIR;

std::vector<std::string> fail_cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tests_dir / "compiler" / "fail")) {
    if (entry.path().extension() == ".mig") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string compile_diagnostics(const std::vector<SourceFile>& files, bool& reported) {
  Diagnostics diagnostics;
  compile_chain(files, diagnostics);
  reported = !diagnostics.all().empty();
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

class FailCase : public ::testing::TestWithParam<std::string> {};

TEST_P(FailCase, ReportsExactlyTheExpectedDiagnostics) {
  const auto split = testing::read_split_file((tests_dir / "compiler" / "fail" / (GetParam() + ".mig")).string());
  ASSERT_FALSE(split.expected.empty()) << "the case has no `-- expect:` lines";
  bool reported = false;
  const std::string actual = compile_diagnostics(split.files, reported);
  EXPECT_TRUE(reported);
  EXPECT_EQ(actual, split.expected);
}

INSTANTIATE_TEST_SUITE_P(Fail, FailCase, ::testing::ValuesIn(fail_cases()),
                         [](const auto& info) { return info.param; });

TEST(Diagnostics, EveryKindIsPinnedByATest) {
  std::string corpus;
  for (const auto& entry : fs::recursive_directory_iterator(tests_dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    corpus += std::string(std::istreambuf_iterator<char>(in), {});
  }
  for (const DiagnosticKind kind : all_diagnostic_kinds()) {
    const std::string tag = "[" + std::string(kind_name(kind)) + "]";
    EXPECT_NE(corpus.find(tag), std::string::npos) << "no test expects " << tag;
  }
}

// The grammar declares its kinds, the compiler's enum names them again: both must mean one kind,
// or `@allow`, the kind counts and the checks on what a chain reported would miss the grammar's.
TEST(Diagnostics, AGrammarKindIsTheCompilerKindOfItsName) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate tabel a (id integer);\n");
  Diagnostics diagnostics;
  compile_chain(files, diagnostics);
  ASSERT_EQ(diagnostics.all().size(), 1u);
  EXPECT_EQ(diagnostics.all()[0].kind->name, "SyntaxError");
  EXPECT_TRUE(diagnostics.all()[0].is(DiagnosticKind::SyntaxError));
  EXPECT_FALSE(diagnostics.all()[0].is(DiagnosticKind::UnterminatedString));
  for (const DiagnosticKind kind : all_diagnostic_kinds()) {
    const DiagnosticKind* found = find_kind(kind_name(kind));
    ASSERT_NE(found, nullptr) << kind_name(kind);
    EXPECT_EQ(*found, kind) << kind_name(kind) << " is the name of two kinds";
  }
}

TEST(Diagnostics, StaleGeneratedFilePointsAtTheFirstDifference) {
  const SourceFile checked_in("generated/schema.sql", "-- header\nCREATE TABLE a ();\n");
  Diagnostics diagnostics;
  check_generated_file(checked_in, "-- header\nCREATE TABLE b ();\n", "cmake --build build --target x-update-generated",
                       diagnostics);
  ASSERT_EQ(diagnostics.all().size(), 1u);
  EXPECT_EQ(format_diagnostic(diagnostics.all()[0]),
            "generated/schema.sql:2:1: error: `schema.sql` is stale: it no longer matches the chain [StaleGenerated]\n"
            "    2 | CREATE TABLE a ();\n"
            "      | ^\n"
            "note: refresh it with `cmake --build build --target x-update-generated` and commit the result\n");
}

std::optional<CompiledChain> two_revisions(std::vector<SourceFile>& files) {
  files.emplace_back("001_root.mig", "revision '001' revises base;\ncreate table a (id integer);\n");
  files.emplace_back("002_next.mig", "revision '002' revises '001';\ncreate table b (id integer);\n");
  Diagnostics diagnostics;
  return compile_chain(files, diagnostics);
}

std::string lock_diagnostics(const SourceFile& lock, const CompiledChain& chain) {
  Diagnostics diagnostics;
  check_lock_file(lock, chain, diagnostics);
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

TEST(LockFile, AcceptsUnchangedRevisionsAndLocksNewOnes) {
  std::vector<SourceFile> files;
  const auto chain = two_revisions(files);
  ASSERT_TRUE(chain);
  const SourceFile lock("revisions.lock", "# header\n001 " + chain->revisions[0].checksum + "\n");
  EXPECT_EQ(lock_diagnostics(lock, *chain), "");
  EXPECT_EQ(updated_lock_file(lock, *chain, "# new\n"),
            "# header\n001 " + chain->revisions[0].checksum + "\n002 " + chain->revisions[1].checksum + "\n");
}

TEST(LockFile, ChangedRevisionPointsAtBothPlaces) {
  std::vector<SourceFile> files;
  const auto chain = two_revisions(files);
  const SourceFile lock("revisions.lock", "001 0000000000000000\n");
  EXPECT_EQ(lock_diagnostics(lock, *chain),
            "001_root.mig:1:10: error: revision `001` changed after it was locked (its SQL's checksum was "
            "0000000000000000, now " + chain->revisions[0].checksum + ") [LockedRevisionChanged]\n"
            "    1 | revision '001' revises base;\n"
            "      |          ^~~~~\n"
            "revisions.lock:1:1: note: locked here\n"
            "note: a released revision must not change: undo the edit and write a new revision; if it was never "
            "deployed anywhere, delete its line from the lock file\n");
}

TEST(LockFile, MissingAndMalformedLines) {
  std::vector<SourceFile> files;
  const auto chain = two_revisions(files);
  const SourceFile lock("revisions.lock", "003 0123456789abcdef\nnot a line\n");
  EXPECT_EQ(lock_diagnostics(lock, *chain),
            "revisions.lock:1:1: error: revision `003` is locked, but no file defines it any more [LockedRevisionMissing]\n"
            "    1 | 003 0123456789abcdef\n"
            "      | ^~~~~~~~~~~~~~~~~~~~\n"
            "note: a released revision may be deployed somewhere: restore its file\n"
            "revisions.lock:2:1: error: expected `<revision id> <checksum>`, got `not a line` [MalformedLockFile]\n"
            "    2 | not a line\n"
            "      | ^~~~~~~~~~\n");
}

TEST(Diagnostics, UpToDateGeneratedFileIsAccepted) {
  const SourceFile checked_in("generated/schema.sql", "same\n");
  Diagnostics diagnostics;
  check_generated_file(checked_in, "same\n", "refresh", diagnostics);
  EXPECT_FALSE(diagnostics.had_errors());
}

}  // namespace
}  // namespace migc
