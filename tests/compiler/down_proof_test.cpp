// The build-time proof that a revision's down restores what its up started from: it must catch
// a wrong inverse, which would otherwise reach production as a downgrade that loses something.
#include <gtest/gtest.h>

#include "compiler/lowering.hpp"
#include "dsl/grammar.hpp"

namespace migc {
namespace {

struct Compiled {
  std::vector<std::string> diagnostics;
  LoweredRevision second;
};

// Lowers `setup` as revision 001, then `body` as 002 with `inverse_of` deriving 002's down.
Compiled lower_with(const std::string& setup, const std::string& body, const InverseOf& inverse_of) {
  const SourceFile first("001_setup.mig", "revision '001' revises base;\n" + setup);
  const SourceFile second("002_body.mig", "revision '002' revises '001';\n" + body);
  Diagnostics diagnostics;
  const auto first_syntax = parse_revision_file(first, diagnostics);
  const auto second_syntax = parse_revision_file(second, diagnostics);
  EXPECT_TRUE(first_syntax && second_syntax);
  Schema schema;
  const CreationSites sites;
  lower_revision({"001", &first, &*first_syntax}, schema, sites, diagnostics);
  Compiled compiled;
  compiled.second = lower_revision({"002", &second, &*second_syntax}, schema, sites, diagnostics, inverse_of);
  for (const auto& diagnostic : diagnostics.all()) compiled.diagnostics.push_back(format_diagnostic(diagnostic));
  return compiled;
}

const std::string setup = "create table grid (id integer primary key, name text default 'x', note text);\n";

TEST(DownProof, CatchesAPlantedWrongInverse) {
  // A bug planted in one operation kind: the way back from `set default` forgets the old default.
  const InverseOf forgets_defaults = [](const Operation& operation, const Schema& before) {
    if (std::holds_alternative<op::SetDefault>(operation)) return Inverse{};
    return inverse(operation, before);
  };
  const auto compiled = lower_with(setup, "alter table grid alter column name set default 'y';\n", forgets_defaults);
  ASSERT_EQ(compiled.diagnostics.size(), 1u);
  EXPECT_EQ(compiled.diagnostics[0],
            "002_body.mig:1:10: error: internal error: the derived down of revision `002` does not restore the schema its up "
            "started from; this is a bug in migc, please report it [DerivedDownDoesNotRestore]\n"
            "    1 | revision '002' revises '001';\n"
            "      |          ^~~~~\n"
            "note: it leaves table grid as\n"
            "    CREATE TABLE grid (\n"
            "        id integer NOT NULL,\n"
            "        name text DEFAULT 'y',\n"
            "        note text,\n"
            "        CONSTRAINT grid_pkey PRIMARY KEY (id)\n"
            "    )\n"
            "where the up started from\n"
            "    CREATE TABLE grid (\n"
            "        id integer NOT NULL,\n"
            "        name text DEFAULT 'x',\n"
            "        note text,\n"
            "        CONSTRAINT grid_pkey PRIMARY KEY (id)\n"
            "    )\n");
}

TEST(DownProof, CatchesAnInverseThatLeavesAnObjectBehind) {
  const InverseOf keeps_indexes = [](const Operation& operation, const Schema& before) {
    if (std::holds_alternative<op::CreateIndex>(operation)) return Inverse{};
    return inverse(operation, before);
  };
  const auto compiled = lower_with(setup, "@allow(LockingIndexBuild)\ncreate index grid_name on grid (name);\n", keeps_indexes);
  ASSERT_EQ(compiled.diagnostics.size(), 1u);
  EXPECT_NE(compiled.diagnostics[0].find("[DerivedDownDoesNotRestore]"), std::string::npos);
  EXPECT_NE(compiled.diagnostics[0].find("it leaves index grid_name behind"), std::string::npos) << compiled.diagnostics[0];
}

TEST(DownProof, PassesEveryDerivedDownOfARevisionThatDoesMuch) {
  const auto compiled = lower_with(setup + "create type mood as enum ('ok');\ncomment on column grid.note is 'kept';\n",
                                   "@allow(DataLoss)\nalter table grid drop column note;\n"
                                   "alter type mood add value 'sad';\n"
                                   "alter table grid add column feeling mood default 'ok';\n"
                                   "@allow(RenameInUse)\nalter table grid rename to lattice;\n"
                                   "create table cell (id integer primary key, lattice_id integer references lattice);\n",
                                   inverse);
  EXPECT_TRUE(compiled.diagnostics.empty()) << compiled.diagnostics[0];
}

// Found by the proof: the way back from dropping a commented column lost its comment.
TEST(DownProof, ADroppedColumnComesBackWithItsComment) {
  const auto compiled = lower_with(setup + "comment on column grid.note is 'kept';\n",
                                   "@allow(DataLoss)\nalter table grid drop column note;\n", inverse);
  EXPECT_TRUE(compiled.diagnostics.empty());
  ASSERT_EQ(compiled.second.down.size(), 1u);
  EXPECT_EQ(compiled.second.down[0].sql, "ALTER TABLE grid ADD COLUMN note text;\nCOMMENT ON COLUMN grid.note IS 'kept'");
}

TEST(DownProof, ADroppedColumnComesBackWithItsUnvalidatedCheck) {
  const auto compiled = lower_with(setup + "@allow(ConstraintWithoutNotValid)\nalter table grid add constraint note_short check (length(note) < 9) not valid;\n",
                                   "@allow(DataLoss)\nalter table grid drop column note;\n", inverse);
  EXPECT_TRUE(compiled.diagnostics.empty());
  ASSERT_EQ(compiled.second.down.size(), 1u);
  EXPECT_EQ(compiled.second.down[0].sql,
            "ALTER TABLE grid ADD COLUMN note text;\nALTER TABLE grid ADD CONSTRAINT note_short CHECK (length(note) < 9) NOT VALID");
}

}  // namespace
}  // namespace migc
