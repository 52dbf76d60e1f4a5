// Autogenerate on in-memory chains: for each model change, the chain plus the generated
// revision must compile, its head must be exactly the model, and a second diff must be empty.
#include <gtest/gtest.h>

#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"
#include "postgres/sql_text.hpp"
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

// PostgreSQL cannot use an enum value in the transaction that added it: a new value a default
// uses comes first, to be a revision of its own; one nothing uses stays with the rest.
TEST(Autogenerate, ANewEnumValueInUseComesInARevisionOfItsOwn) {
  for (const auto& c : model_changes()) {
    if (c.name != "add_enum_value_and_use_it" && c.name != "add_enum_value") continue;
    const Generated generated = generate(c);
    ASSERT_TRUE(generated.after) << generated.errors;
    if (c.name == "add_enum_value") {
      EXPECT_EQ(generated.diff.own_revision, 0u);
      continue;
    }
    ASSERT_EQ(generated.diff.own_revision, 1u);
    EXPECT_EQ(generated.diff.statements[0].rfind("alter type status add value 'running'", 0), 0u) << generated.diff.statements[0];
    EXPECT_EQ(generated.after->revisions.size(), 3u);
  }
}

// The fill left to write names the column in comments: a name holding a line end stays in them.
TEST(Autogenerate, TheFillToWriteKeepsNamesInsideItsComments) {
  std::vector<SourceFile> files;
  files.emplace_back("001_base.mig", "revision '001' revises base;\ncreate table grid (id integer);\n");
  Diagnostics diagnostics;
  const auto head = compile_chain(files, diagnostics);
  std::vector<SourceFile> model_files;
  model_files.emplace_back("model.mig", "create table grid (id integer, \"x\ndrop table grid; --\" text not null);\n");
  const auto model = compile_model(model_files, diagnostics);
  ASSERT_TRUE(head && model) << errors_of(diagnostics);
  const auto generated = autogenerate(head->head, *model);
  ASSERT_EQ(generated.statements.size(), 2u);
  const std::string& add = generated.statements[0];
  const std::string statement = "alter table grid add column " + quote_identifier("x\ndrop table grid; --") + " text;\n";
  ASSERT_EQ(add.compare(0, statement.size(), statement), 0) << add;
  for (std::size_t line = statement.size(); line < add.size();) {
    EXPECT_EQ(add.compare(line, 3, "-- "), 0) << add;
    const auto next = add.find('\n', line);
    line = next == std::string::npos ? add.size() : next + 1;
  }
}

}  // namespace
}  // namespace migc
