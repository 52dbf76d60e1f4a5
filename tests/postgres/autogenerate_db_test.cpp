// Autogenerate against PostgreSQL itself: for each model change, the generated revision applied
// to a database at the old head must give exactly the catalog of a database built straight from
// the model, and its down must give back the old head's catalog.
#include <gtest/gtest.h>

#include "tests/compiler/autogenerate_cases.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

using namespace testing_cases;

class AutogenerateOnServer : public ::testing::TestWithParam<Case> {};

TEST_P(AutogenerateOnServer, TheRevisionMakesTheDatabaseTheModel) {
  const Case& c = GetParam();
  const Generated generated = generate(c);
  ASSERT_TRUE(generated.after) << generated.errors;
  const auto& revisions = generated.after->revisions;
  const std::string& body = generated.revision;

  testing::ScratchDatabase migrated(c.name);
  migrated.run(revisions[0].lowered.up);
  const std::string at_old_head = migrated.snapshot();
  // Each generated revision in its own transaction, as the migrator runs them.
  for (std::size_t i = 1; i < revisions.size(); ++i) migrated.run(revisions[i].lowered.up);

  testing::ScratchDatabase from_model(c.name + "_model");
  from_model.connection().execute_script(schema_sql(*generated.model));
  EXPECT_EQ(migrated.snapshot(), from_model.snapshot()) << body;

  for (std::size_t i = revisions.size() - 1; i >= 1; --i) migrated.run(revisions[i].lowered.down);
  EXPECT_EQ(migrated.snapshot(), at_old_head) << "the generated revision's down does not restore the old head\n" << body;
}

INSTANTIATE_TEST_SUITE_P(ModelChanges, AutogenerateOnServer, ::testing::ValuesIn(model_changes()), case_name);

}  // namespace
}  // namespace migc
