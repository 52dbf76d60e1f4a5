// Autogenerate on in-memory chains: for each model change, the chain plus the generated
// revision must compile, its head must be exactly the model, and a second diff must be empty.
#include <gtest/gtest.h>

#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"
#include "tests/compiler/autogenerate_cases.hpp"

namespace migc {
namespace {

using namespace testing_cases;

std::string schema_text(const Schema& schema) {
  std::string out;
  for (const auto& [key, sql] : schema_objects(schema)) out += key + ": " + sql + "\n";
  return out;
}

std::string errors_of(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

class Autogenerate : public ::testing::TestWithParam<Case> {};

TEST_P(Autogenerate, TheGeneratedRevisionTurnsTheHeadIntoTheModel) {
  const Case& c = GetParam();
  std::vector<SourceFile> model_files;
  model_files.emplace_back("model.mig", model_text(c));
  Diagnostics model_diagnostics;
  const auto model = compile_model(model_files, model_diagnostics);
  ASSERT_TRUE(model) << errors_of(model_diagnostics);

  std::vector<SourceFile> files;
  files.emplace_back("001_base.mig", head_text(c));
  Diagnostics diagnostics;
  const auto before = compile_chain(files, diagnostics);
  ASSERT_TRUE(before) << errors_of(diagnostics);
  const auto generated = autogenerate(before->head, *model);
  ASSERT_FALSE(generated.statements.empty());
  std::string body = "revision '002' revises '001';\n";
  for (const auto& statement : generated.statements) body += statement + "\n";

  files.emplace_back("002_generated.mig", body);
  Diagnostics after_diagnostics;
  const auto after = compile_chain(files, after_diagnostics);
  ASSERT_TRUE(after) << errors_of(after_diagnostics) << "\n" << body;
  EXPECT_EQ(schema_text(after->head), schema_text(*model)) << body;
  EXPECT_TRUE(autogenerate(after->head, *model).statements.empty()) << "a second diff is not empty";

  if (!c.expected_warning.empty()) {
    std::string warnings;
    for (const auto& warning : generated.warnings) warnings += warning + "\n";
    EXPECT_NE(warnings.find(c.expected_warning), std::string::npos) << warnings;
  }
}

INSTANTIATE_TEST_SUITE_P(ModelChanges, Autogenerate, ::testing::ValuesIn(model_changes()), case_name);

TEST(Autogenerate, NothingToDoWhenTheHeadIsTheModel) {
  std::vector<SourceFile> files;
  files.emplace_back("model.mig", base);
  Diagnostics diagnostics;
  const auto model = compile_model(files, diagnostics);
  ASSERT_TRUE(model);
  EXPECT_TRUE(autogenerate(*model, *model).statements.empty());
}

}  // namespace
}  // namespace migc
