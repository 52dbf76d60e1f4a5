// The grammar on in-memory sources: what each construct parses to, and where errors point.
#include <gtest/gtest.h>

#include "dsl/grammar.hpp"

namespace migc {
namespace {

std::optional<ast::File> parse(const std::string& text, Diagnostics& diagnostics, const SourceFile*& kept) {
  static std::vector<std::unique_ptr<SourceFile>> sources;
  sources.push_back(std::make_unique<SourceFile>("test.mig", text));
  kept = sources.back().get();
  return parse_revision_file(*kept, diagnostics);
}

TEST(Grammar, HeaderWithParentAndMessage) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '002' revises '001'\n  message 'Add it';\n", diagnostics, source);
  ASSERT_TRUE(file);
  EXPECT_FALSE(diagnostics.had_errors());
  EXPECT_EQ(file->header.id.value, "002");
  ASSERT_EQ(file->header.parents.size(), 1u);
  EXPECT_EQ(file->header.parents[0].value, "001");
  EXPECT_EQ(file->header.message->value, "Add it");
  EXPECT_EQ(source->slice(file->header.id.span), "'002'");
}

TEST(Grammar, RootAndMergeHeaders) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  EXPECT_TRUE(parse("revision '001' revises base;", diagnostics, source)->header.parents.empty());
  const auto merge = parse("revision 'm' merges 'a', 'b';", diagnostics, source);
  ASSERT_EQ(merge->header.parents.size(), 2u);
  EXPECT_EQ(merge->header.parents[1].value, "b");
  EXPECT_FALSE(diagnostics.had_errors());
}

TEST(Grammar, CreateTableColumnsAndConstraints) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse(R"(revision '1' revises base;
create table Grid (
  uuid varchar(36) primary key,
  "Quoted Name" double precision[] not null default 0,
  seen timestamp with time zone default now(),
  acquisition_uuid varchar references acquisition (uuid) on delete cascade on update set null,
  constraint grid_name_key unique (uuid, seen)
);)",
                          diagnostics, source);
  ASSERT_TRUE(file);
  ASSERT_FALSE(diagnostics.had_errors());
  const auto& table = std::get<ast::CreateTable>(file->statements.at(0));
  EXPECT_EQ(table.name.name, "grid");  // unquoted names fold to lower case, as in PostgreSQL
  ASSERT_EQ(table.columns.size(), 4u);
  EXPECT_EQ(table.columns[0].type.name.name, "varchar");
  EXPECT_EQ(table.columns[0].type.modifiers, std::vector<std::int32_t>{36});
  EXPECT_TRUE(table.columns[0].primary_key);
  EXPECT_EQ(table.columns[1].name.text, "Quoted Name");
  EXPECT_EQ(table.columns[1].type.name.name, "double precision");
  EXPECT_EQ(table.columns[1].type.array_dimensions, 1u);
  EXPECT_TRUE(table.columns[1].not_null);
  EXPECT_EQ(source->slice(table.columns[1].default_value->span), "0");
  EXPECT_EQ(table.columns[2].type.name.name, "timestamp with time zone");
  EXPECT_EQ(source->slice(table.columns[2].default_value->span), "now()");
  EXPECT_EQ(table.columns[3].references->on_delete, ast::ReferentialAction::cascade);
  EXPECT_EQ(table.columns[3].references->on_update, ast::ReferentialAction::set_null);
  ASSERT_EQ(table.constraints.size(), 1u);
  EXPECT_EQ(table.constraints[0].name->text, "grid_name_key");
  EXPECT_EQ(table.constraints[0].kind, ast::ConstraintKind::unique);
}

// A name's schema and its name are parts from the start: a quoted name may hold a dot.
TEST(Grammar, ObjectNamesKeepTheirSchemaApart) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\ncreate table \"a.b\" (id integer);\ncreate table public.\"c.d\" (id integer);\n"
                          "create table s.\"e.f\" (id s.\"my.type\");\ncomment on column s.\"e.f\".id is 'x';",
                          diagnostics, source);
  ASSERT_TRUE(file);
  ASSERT_FALSE(diagnostics.had_errors());
  const auto name_of = [&](std::size_t i) -> const QualifiedName& { return std::get<ast::CreateTable>(file->statements.at(i)).name; };
  EXPECT_EQ(name_of(0), (QualifiedName{"", "a.b"}));
  EXPECT_EQ(name_of(1), (QualifiedName{"", "c.d"}));
  EXPECT_EQ(name_of(2), (QualifiedName{"s", "e.f"}));
  EXPECT_EQ(std::get<ast::CreateTable>(file->statements.at(2)).columns[0].type.name, (QualifiedName{"s", "my.type"}));
  EXPECT_EQ(static_cast<const QualifiedName&>(std::get<ast::Comment>(file->statements.at(3)).table), (QualifiedName{"s", "e.f"}));
  EXPECT_EQ(to_string(name_of(0)), "\"a.b\"");
  EXPECT_EQ(to_string(name_of(2)), "s.\"e.f\"");
}

TEST(Grammar, DefaultExpressionsKeepTheirText) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\ncreate table t (a jsonb default '{\"a\": 1}'::jsonb, b integer default -1);",
                          diagnostics, source);
  ASSERT_FALSE(diagnostics.had_errors());
  const auto& table = std::get<ast::CreateTable>(file->statements.at(0));
  EXPECT_EQ(source->slice(table.columns[0].default_value->span), "'{\"a\": 1}'::jsonb");
  EXPECT_EQ(source->slice(table.columns[1].default_value->span), "-1");
}

TEST(Grammar, ExecuteTakesDollarQuotedBodies) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\nexecute $body$ select ';' $body$ down $$ select 2 $$;\n"
                          "execute $$ vacuum $$ irreversible;",
                          diagnostics, source);
  ASSERT_FALSE(diagnostics.had_errors());
  const auto& first = std::get<ast::ExecuteSql>(file->statements.at(0));
  EXPECT_EQ(first.up.value, " select ';' ");
  EXPECT_EQ(first.down->value, " select 2 ");
  EXPECT_TRUE(std::get<ast::ExecuteSql>(file->statements.at(1)).irreversible);
}

TEST(Grammar, CommentsAndKeywordCaseAreIgnored) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("-- head comment\nREVISION '1' REVISES BASE; -- trailing\nCREATE INDEX i ON t (a); -- end",
                          diagnostics, source);
  ASSERT_FALSE(diagnostics.had_errors());
  EXPECT_EQ(std::get<ast::CreateIndex>(file->statements.at(0)).name.text, "i");
}

TEST(Grammar, RecoversAtTheNextStatement) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\ncreate table a (id integer not);\ncreate index i on t (a);\n"
                          "drop frobnicate x;\ndrop table a;",
                          diagnostics, source);
  ASSERT_TRUE(file);
  EXPECT_EQ(diagnostics.error_count(), 2u);
  EXPECT_EQ(file->statements.size(), 2u);
  EXPECT_EQ(diagnostics.all()[1].message, "expected `table`, `index`, `type`, `sequence`, `extension` or `schema`, got `frobnicate`");
}

std::string nested_calls(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "f(";
  text += "1";
  return text + std::string(depth, ')');
}

TEST(Grammar, NestingUpToTheBoundParses) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\ncreate table t (a integer default " + nested_calls(100) + ");",
                          diagnostics, source);
  ASSERT_TRUE(file);
  EXPECT_FALSE(diagnostics.had_errors());
  EXPECT_EQ(file->statements.size(), 1u);
}

// f(f(f(...))) recurses in the parser: deep enough, it would exhaust the stack. It is one
// error instead, and the next statement is read as usual.
TEST(Grammar, DeepNestingIsAnErrorNotACrash) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  const auto file = parse("revision '1' revises base;\ncreate table t (a integer default " + nested_calls(50'000) +
                              ");\ncreate table u (b integer);",
                          diagnostics, source);
  ASSERT_TRUE(file);
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(diagnostics.all()[0].kind->name, "NestingTooDeep");
  EXPECT_EQ(diagnostics.all()[0].message, "expression nests deeper than 100 levels");
  EXPECT_EQ(diagnostics.all()[0].where.span.begin, std::string_view("revision '1' revises base;\ncreate table t (a integer default ").size() + 2 * 101);
  ASSERT_EQ(file->statements.size(), 1u);
  EXPECT_EQ(std::get<ast::CreateTable>(file->statements[0]).name.name, "u");
}

TEST(Grammar, DeepNestingIsNoExpression) {
  EXPECT_TRUE(is_expression(nested_calls(100)));
  EXPECT_FALSE(is_expression(nested_calls(50'000)));
}

TEST(Grammar, MissingHeaderIsOneError) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  EXPECT_FALSE(parse("create table a (id integer);", diagnostics, source));
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(format_diagnostic(diagnostics.all()[0]),
            "test.mig:1:1: error: expected revision header (`revision '<id>' revises ...`), got `create` [SyntaxError]\n"
            "    1 | create table a (id integer);\n"
            "      | ^~~~~~\n");
}

TEST(Grammar, CaretKeepsTabs) {
  Diagnostics diagnostics;
  const SourceFile* source = nullptr;
  parse("revision '1' revises base;\n\tcreate\ttable a (id integer nul);", diagnostics, source);
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(format_diagnostic(diagnostics.all()[0]),
            "test.mig:2:29: error: expected `)`, got `nul` [SyntaxError]\n"
            "    2 | \tcreate\ttable a (id integer nul);\n"
            "      | \t      \t                    ^~~\n");
}

}  // namespace
}  // namespace migc
