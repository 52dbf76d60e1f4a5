// Every tests/compiler/fail/*.mig holds a broken chain and the exact diagnostics it must produce;
// and every diagnostic kind must be pinned by some test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../split_file.hpp"
#include "compiler/chain.hpp"

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

std::string compile_diagnostics(const std::vector<SourceFile>& files, bool& had_errors) {
  Diagnostics diagnostics;
  compile_chain(files, diagnostics);
  had_errors = diagnostics.had_errors();
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

class FailCase : public ::testing::TestWithParam<std::string> {};

TEST_P(FailCase, ReportsExactlyTheExpectedDiagnostics) {
  const auto split = testing::read_split_file((tests_dir / "compiler" / "fail" / (GetParam() + ".mig")).string());
  ASSERT_FALSE(split.expected.empty()) << "the case has no `-- expect:` lines";
  bool had_errors = false;
  const std::string actual = compile_diagnostics(split.files, had_errors);
  EXPECT_TRUE(had_errors);
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

TEST(Diagnostics, UpToDateGeneratedFileIsAccepted) {
  const SourceFile checked_in("generated/schema.sql", "same\n");
  Diagnostics diagnostics;
  check_generated_file(checked_in, "same\n", "refresh", diagnostics);
  EXPECT_FALSE(diagnostics.had_errors());
}

}  // namespace
}  // namespace migc
