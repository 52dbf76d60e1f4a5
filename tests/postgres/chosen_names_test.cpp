// The names the compiler predicts for objects a revision leaves unnamed, against the names
// PostgreSQL itself chooses for the same statements.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/chain.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

// The indexes of table `t` in the compiled chain `setup` + `indexes`, by name.
std::vector<std::string> predicted_index_names(const std::string& setup, const std::vector<std::string>& indexes) {
  std::string text = "revision '001' revises base;\n" + setup + "\n";
  for (const auto& index : indexes) text += index + ";\n";
  std::vector<SourceFile> files;
  files.emplace_back("001.mig", text);
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  EXPECT_TRUE(chain) << errors;
  std::vector<std::string> names;
  if (!chain) return names;
  for (const auto& [name, index] : chain->head.indexes()) names.push_back(name.name);
  return names;
}

std::vector<std::string> server_index_names(const std::string& setup, const std::vector<std::string>& indexes) {
  testing::ScratchDatabase database("chosen_names");
  Connection& connection = database.connection();
  connection.execute_script(setup);
  for (const auto& index : indexes) connection.execute(index);
  // Those behind constraints are the compiler's constraints, not its indexes.
  const auto result = connection.execute(
      "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "WHERE c.relnamespace = 'public'::regnamespace AND NOT EXISTS "
      "(SELECT FROM pg_constraint WHERE conindid = i.indexrelid) ORDER BY c.relname COLLATE \"C\"");
  std::vector<std::string> names;
  for (int row = 0; row < result.rows(); ++row) names.emplace_back(result.value(row, 0));
  return names;
}

TEST(ChosenNames, UnnamedIndexesAreNamedAsPostgresNamesThem) {
  const std::string setup =
      "create table t (id integer primary key, c \"char\", n name, e text);\n"
      "create table t_c_idx2 (x integer);\n"
      "create table aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (\n"
      "  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb integer,\n"
      "  ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc integer);";
  const std::vector<std::string> indexes = {
      "create index on t (c)",
      "create index on t (c)",
      "create index on t (c)",
      "create index on t (c, c)",
      "create index on t ((lower(e)), (upper(e)), (n::text), (1 + id), ('x'::text), (e collate \"C\")) include (c)",
      "create unique index on t (id) where id > 0",
      "create index on t ((case when id > 1 then 'a' end))",
      "create index on t ((coalesce(e, 'x')), (nullif(e, 'y')), (greatest(id, 1)), (array[id]))",
      "create index on aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
      "(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc)",
      "create index on aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
      "(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc)",
  };
  std::vector<std::string> predicted = predicted_index_names(setup, indexes);
  std::sort(predicted.begin(), predicted.end());
  EXPECT_EQ(predicted, server_index_names(setup, indexes));
}

}  // namespace
}  // namespace migc
