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
  for (const auto& [key, sql] : schema_objects(schema)) out += key.serialised() + ": " + sql + "\n";
  return out;
}

class Autogenerate : public ::testing::TestWithParam<Case> {};

TEST_P(Autogenerate, TheGeneratedRevisionTurnsTheHeadIntoTheModel) {
  const Case& c = GetParam();
  const Generated generated = generate(c);
  ASSERT_TRUE(generated.after) << generated.errors;
  ASSERT_FALSE(generated.diff.statements.empty());
  EXPECT_EQ(schema_text(generated.after->head), schema_text(*generated.model)) << generated.revision;
  EXPECT_TRUE(autogenerate(generated.after->head, *generated.model).statements.empty()) << "a second diff is not empty";

  // Until the author writes the fill, the revision does not build: it would fail at deploy.
  if (!c.fill.first.empty()) {
    EXPECT_NE(generated.unfilled_errors.find("[NotNullWithoutDefault]"), std::string::npos) << generated.unfilled_errors;
  }

  if (!c.expected_warning.empty()) {
    std::string warnings;
    for (const auto& warning : generated.diff.warnings) warnings += warning + "\n";
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
