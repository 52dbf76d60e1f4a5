// Autogenerate against PostgreSQL itself: for each model change, the generated revision applied
// to a database at the old head must give exactly the catalog of a database built straight from
// the model, and its down must give back the old head's catalog.
#include <gtest/gtest.h>

#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"
#include "tests/compiler/autogenerate_cases.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

using namespace testing_cases;

std::string errors_of(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

class AutogenerateOnServer : public ::testing::TestWithParam<Case> {};

TEST_P(AutogenerateOnServer, TheRevisionMakesTheDatabaseTheModel) {
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
  std::string body = "revision '002' revises '001';\n";
  for (const auto& statement : autogenerate(before->head, *model).statements) body += statement + "\n";
  files.emplace_back("002_generated.mig", body);
  const auto after = compile_chain(files, diagnostics);
  ASSERT_TRUE(after) << errors_of(diagnostics) << "\n" << body;

  testing::ScratchDatabase migrated(c.name);
  migrated.run(after->revisions[0].lowered.up);
  const std::string at_old_head = migrated.snapshot();
  migrated.run(after->revisions[1].lowered.up);

  testing::ScratchDatabase from_model(c.name + "_model");
  from_model.connection().execute_script(schema_sql(*model));
  EXPECT_EQ(migrated.snapshot(), from_model.snapshot()) << body;

  migrated.run(after->revisions[1].lowered.down);
  EXPECT_EQ(migrated.snapshot(), at_old_head) << "the generated revision's down does not restore the old head\n" << body;
}

INSTANTIATE_TEST_SUITE_P(ModelChanges, AutogenerateOnServer, ::testing::ValuesIn(model_changes()), case_name);

}  // namespace
}  // namespace migc
