// The language, written from operations, must mean what the statements it came from meant:
// every revision of the every-operation chain, resolved into operations and written back in
// the language, lowers to the same SQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "compiler/lowering.hpp"
#include "compiler/render_language.hpp"
#include "dsl/grammar.hpp"

namespace migc {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> sql_of(const std::vector<LoweredStep>& steps) {
  std::vector<std::string> sql;
  for (const auto& step : steps) sql.push_back(step.sql);
  return sql;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(RenderLanguage, EveryOperationOfTheChainMeansTheSameWrittenBack) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(fs::path(MIGC_TESTS_DIR) / "chains" / "every_operation")) {
    if (entry.path().extension() == ".mig") paths.push_back(entry.path());
  }
  ASSERT_GE(paths.size(), 20u);
  // The chain is linear, each revision on its parent, whatever order the files' numbers give.
  std::map<std::string, std::pair<std::string, fs::path>> child_of;  // parent id ("" for the root) -> (id, file)
  for (const auto& path : paths) {
    const SourceFile file(path.filename().string(), read(path));
    Diagnostics diagnostics;
    const auto syntax = parse_revision_file(file, diagnostics);
    ASSERT_TRUE(syntax) << path;
    const std::string parent = syntax->header.parents.empty() ? "" : syntax->header.parents.front().value;
    ASSERT_TRUE(child_of.emplace(parent, std::pair{syntax->header.id.value, path}).second) << "two revisions on " << parent;
  }
  paths.clear();
  for (auto child = child_of.find(""); child != child_of.end(); child = child_of.find(child->second.first)) {
    paths.push_back(child->second.second);
  }
  ASSERT_EQ(paths.size(), child_of.size()) << "the chain is not linear";
  Schema schema;
  const CreationSites sites;
  for (const auto& path : paths) {
    SCOPED_TRACE(path.filename().string());
    const SourceFile file(path.filename().string(), read(path));
    Diagnostics diagnostics;
    const auto syntax = parse_revision_file(file, diagnostics);
    ASSERT_TRUE(syntax);
    const RevisionSource source{syntax->header.id.value, &file, &*syntax};
    if (syntax->down) {  // its down is the author's, in its own words
      lower_revision(source, schema, sites, diagnostics);
      continue;
    }

    // The revision's operations, written in the language with the annotations of the original.
    std::vector<std::string> statements;
    const auto before = schema.savepoint();
    check_statements(source, CheckRole::revision, schema, sites, diagnostics, [&](PlannedOperation planned) {
      render_language(planned.operation, statements);
      apply_operation(planned.operation, schema);
    });
    schema.roll_back(before);
    std::string written = "revision '" + source.id + "' revises base;\n@allow(DataLoss, LockingIndexBuild, RenameInUse, TableRewrite, "
                          "NotNullWithoutCheck, ConstraintWithoutNotValid, NotNullWithoutDefault)\n";
    for (const auto& statement : statements) written += statement + "\n";

    const SourceFile rewritten("rewritten.mig", written);
    const auto rewritten_syntax = parse_revision_file(rewritten, diagnostics);
    ASSERT_TRUE(rewritten_syntax) << written;
    const auto probe = schema.savepoint();
    const LoweredRevision again = lower_revision({source.id, &rewritten, &*rewritten_syntax}, schema, sites, diagnostics);
    schema.roll_back(probe);
    const LoweredRevision original = lower_revision(source, schema, sites, diagnostics);
    std::string errors;
    for (const auto& diagnostic : diagnostics.all()) {
      if (diagnostic.severity == Severity::error) errors += format_diagnostic(diagnostic);
    }
    ASSERT_TRUE(errors.empty()) << errors << written;
    EXPECT_EQ(sql_of(again.up), sql_of(original.up)) << written;
    EXPECT_EQ(sql_of(again.down), sql_of(original.down)) << written;
  }
}

TEST(RenderLanguage, DollarQuotesAroundAnyText) {
  EXPECT_EQ(dollar_quote("select 1"), "$$select 1$$");
  EXPECT_EQ(dollar_quote("select $$x$$"), "$migc$select $$x$$$migc$");
  EXPECT_EQ(dollar_quote("ends in $"), "$migc$ends in $$migc$");
  EXPECT_EQ(dollar_quote("$migc$ and $$"), "$migc1$$migc$ and $$$migc1$");
}

}  // namespace
}  // namespace migc
