// Autogenerate on in-memory chains: for each model change, the chain plus the generated
// revision must compile, its head must be exactly the model, and a second diff must be empty.
#include <gtest/gtest.h>

#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"

namespace migc {
namespace {

const std::string base = R"(create type status as enum ('new', 'done');
create table grid (
  id integer primary key,
  name varchar(100) not null,
  size integer default 0,
  status status not null default 'new'
);
create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);
create index idx_square_grid on square (grid_id);
)";

struct Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> replacements;  // applied to `base` to get the model
  std::string appended;                                            // added to the model's end
  std::string expected_warning;                                    // part of a warning, if one is expected
};

std::string model_text(const Case& c) {
  std::string text = base;
  for (const auto& [from, to] : c.replacements) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << c.name << ": no `" << from << "` in the base";
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text + c.appended;
}

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
  files.emplace_back("001_base.mig", "revision '001' revises base;\n" + base);
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

INSTANTIATE_TEST_SUITE_P(
    ModelChanges, Autogenerate,
    ::testing::Values(
        Case{"add_table", {}, "create table atlas (id integer primary key, grid_id integer references grid (id));\n", ""},
        Case{"drop_table", {{"create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);\ncreate index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
        Case{"drop_referenced_tables", {{"create table grid (", "create table unused ("}, {"create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);\ncreate index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
        Case{"add_nullable_column", {{"note text", "note text, area double precision"}}, "", ""},
        Case{"add_column_with_default", {{"note text", "note text, seen boolean not null default false"}}, "", ""},
        Case{"add_not_null_column", {{"note text", "note text, label varchar(20) not null"}}, "", ""},
        Case{"drop_column", {{",\n  size integer default 0", ""}}, "", ""},
        Case{"change_type", {{"size integer default 0", "size bigint default 0"}}, "", ""},
        Case{"set_not_null", {{"note text", "note text not null"}}, "", ""},
        Case{"drop_not_null", {{"name varchar(100) not null", "name varchar(100)"}}, "", ""},
        Case{"set_default", {{"note text", "note text default 'none'"}}, "", ""},
        Case{"drop_default", {{"size integer default 0", "size integer"}}, "", ""},
        Case{"add_unique", {{"name varchar(100) not null,", "name varchar(100) not null unique,"}}, "", ""},
        Case{"add_check", {{"status status not null default 'new'\n", "status status not null default 'new',\n  check (size >= 0)\n"}}, "", ""},
        Case{"drop_foreign_key", {{"grid_id integer references grid (id) on delete cascade", "grid_id integer"}}, "", ""},
        Case{"change_foreign_key_action", {{"on delete cascade", "on delete set null"}}, "", ""},
        Case{"add_index", {}, "create index idx_grid_name on grid (name);\n", ""},
        Case{"drop_index", {{"create index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
        Case{"change_index", {{"on square (grid_id)", "on square (grid_id, note)"}}, "", ""},
        Case{"partial_unique_index", {}, "create unique index idx_grid_name_new on grid (name) where (status = 'new');\n", ""},
        Case{"add_enum_and_column", {{"note text", "note text, kind kind default 'a'"}, {"create type status", "create type kind as enum ('a', 'b');\ncreate type status"}}, "", ""},
        Case{"add_enum_value", {{"('new', 'done')", "('new', 'running', 'done')"}}, "", ""},
        Case{"drop_enum_and_column", {{",\n  status status not null default 'new'", ""}, {"create type status as enum ('new', 'done');\n", ""}}, "", ""},
        Case{"add_sequence", {}, "create sequence ticket as integer increment by 5 start with 100;\n", ""},
        Case{"add_extension", {}, "create extension pgcrypto;\n", ""},
        Case{"add_schema_and_table", {}, "create schema archive;\ncreate table archive.old_grid (id integer primary key, grid_id integer references grid (id));\n", ""},
        Case{"new_tables_pointing_at_each_other_in_any_order", {},
             "create table alpha (id integer primary key, beta_id integer);\n"
             "create table beta (id integer primary key, alpha_id integer references alpha (id));\n"
             "alter table alpha add constraint alpha_beta_id_fkey foreign key (beta_id) references beta (id);\n", ""},
        Case{"rename_looks_like_drop_and_add", {{"note text", "remark text"}}, "", "if that is a rename"}),
    [](const auto& info) { return info.param.name; });

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
