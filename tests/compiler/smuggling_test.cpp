// SQL written inside the language's statements stays inside them: a second statement smuggled
// through any position that takes SQL is rejected at build time, or kept inside its fragment,
// whatever quotes, comments and parentheses it hides behind.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "compiler/diagnostic_kind.hpp"
#include "compiler/sql_parser.hpp"

namespace migc {
namespace {

// Each tries to end the fragment early and run `DROP TABLE victim` after it.
const std::vector<std::string> payloads = {
    "0); DROP TABLE victim; SELECT (1",
    "$$)$$); DROP TABLE victim; SELECT ($$($$",
    "length($q$'$q$)); DROP TABLE victim; SELECT ((1 -- '\n)",
    "0 /* ) */); DROP TABLE victim; SELECT (1",
    "0 /* /* */ ) */); DROP TABLE victim; SELECT (1",
    "length(E'\\')')); DROP TABLE victim; SELECT (1",
    "length(')')); DROP TABLE victim; SELECT (length('('",
    "length(';')); DROP TABLE victim; SELECT (1",
    "0 -- )\n); DROP TABLE victim; SELECT (1",
    "length(\"a)\")); DROP TABLE victim; SELECT (1",
    "0)); DROP TABLE victim; --",
    "0 $x$ ) $x$); DROP TABLE victim; SELECT (1",
};

// Every position of the language that takes SQL; `@` is where the payload goes.
const std::vector<std::string> positions = {
    "alter table grid add constraint c check (n > @);",
    "create index i on grid ((n + @));",
    "create index i on grid (n) where (n > @);",
    "alter table grid alter column n type bigint using (n + @);",
    "alter table grid alter column n set default @;",
    "alter table grid add column m integer default @;",
    "insert into grid (id) values (@) down $$ delete from grid $$;",
    "create table other (id integer check (id > @));",
    "update grid set n = @ down $$ select 1 $$;",
    "update grid set n = 1 where n > @ down $$ select 1 $$;",
    "delete from grid where n > @ irreversible;",
    "insert into grid (id) values (1) on conflict (id) do update set n = @ irreversible;",
};

TEST(Smuggling, NoSecondStatementGetsThroughAnyPosition) {
  for (const auto& position : positions) {
    for (const auto& payload : payloads) {
      std::string body = position;
      body.replace(body.find('@'), 1, payload);
      SCOPED_TRACE(body);
      std::vector<SourceFile> files;
      files.emplace_back("001_setup.mig", "revision '001' revises base;\n"
                                          "create table victim (id integer primary key);\n"
                                          "create table grid (id integer primary key, n integer);\n");
      files.emplace_back("002_body.mig", "revision '002' revises '001';\n@allow(LockingIndexBuild, TableRewrite, "
                                         "ConstraintWithoutNotValid)\n" + body + "\n");
      Diagnostics diagnostics;
      const auto chain = compile_chain(files, diagnostics);
      if (!chain) continue;  // rejected at build time
      // Built. A payload that closed its statement and wrote `DROP TABLE victim;` as one of the
      // language is a statement the compiler sees, checks and models: no smuggling. Otherwise the
      // fragment kept it inside, and no SQL the plan runs drops what the compiler thinks is there.
      if (chain->head.find_table({"", "victim"}) == nullptr) continue;
      for (const auto& step : chain->revisions.at(1).lowered.up) {
        const ParsedSql parsed = parse_statements(step.sql);
        ASSERT_FALSE(parsed.error) << step.sql;
        for (const auto& statement : parsed.statements) EXPECT_NE(statement.modelled_change, "drop table") << step.sql;
      }
    }
  }
}

// Where the language's lexer and PostgreSQL's would disagree on a fragment's end (as the
// compiler's own scanner once did on `$q$'$q$`), PostgreSQL's parser still sees two statements.
TEST(Smuggling, PostgresParserRefusesAFragmentThatIsMoreThanOneExpression) {
  for (const std::string fragment : {"(n > length($q$'$q$)); DROP TABLE victim; SELECT ((1 -- '\n)", "(1); DROP TABLE victim; SELECT (1)",
                                     "1), (2", "1 FROM victim", "(SELECT 1)) UNION (SELECT 2", "1; COMMIT"}) {
    SCOPED_TRACE(fragment);
    EXPECT_TRUE(check_expression(fragment).has_value());
  }
  EXPECT_FALSE(check_expression("(SELECT max(id) FROM victim)").has_value());  // a scalar subquery is one expression
  EXPECT_FALSE(check_expression("lower(email) -- trailing comment").has_value());
}

// Any input gets an answer, never a crash: PostgreSQL's parser bounds its recursion, but the
// writer of its tree and a reader of it must not overflow the stack on a long flat chain.
TEST(Smuggling, ExpressionsAsDeepAsTheyAreLongAreRead) {
  std::string terms = "n";
  for (int i = 0; i < 80000; ++i) terms += "+1";
  EXPECT_FALSE(check_expression(terms).has_value());
  EXPECT_EQ(column_references(terms).size(), 1u);
  // Past what PostgreSQL's stack takes at deploy: refused, not walked.
  const ParsedSql too_deep = parse_statements("select " + terms);
  ASSERT_TRUE(too_deep.error);
  EXPECT_TRUE(too_deep.error->too_deep);
  const ParsedSql parsed = parse_statements("select " + terms.substr(0, 1 + 2 * 3999));
  EXPECT_FALSE(parsed.error);
  EXPECT_EQ(parsed.statements.size(), 1u);
}

// With standard_conforming_strings off, the server reads `'\'` as an unfinished string where the
// compiler read a backslash: a raw step that turns it off (or any setting the plan's SQL is
// written for) is refused, so the literals after it mean what the compiler read.
TEST(Smuggling, NoRawStepChangesHowTheServerReadsLiterals) {
  for (const std::string setting : {"set standard_conforming_strings = off", "set session standard_conforming_strings to off",
                                    "select set_config('standard_conforming_strings', 'off', false)",
                                    "do $b$ begin set standard_conforming_strings = off; end $b$",
                                    "set local standard_conforming_strings = off"}) {
    SCOPED_TRACE(setting);
    std::vector<SourceFile> files;
    files.emplace_back("001_setup.mig", "revision '001' revises base;\n"
                                        "create table victim (id integer primary key);\n"
                                        "create table grid (id integer primary key, note text);\n");
    files.emplace_back("002_body.mig", "revision '002' revises '001';\nexecute $m$ " + setting +
                                           " $m$ irreversible;\n"
                                           "alter table grid add constraint c check (note <> 'a\\');\n");
    Diagnostics diagnostics;
    EXPECT_FALSE(compile_chain(files, diagnostics));
    bool refused_setting = false;
    for (const auto& diagnostic : diagnostics.all()) refused_setting |= diagnostic.is(DiagnosticKind::SessionChange);
    EXPECT_TRUE(refused_setting);
  }
}

TEST(Smuggling, FragmentsThatHidePunctuationInQuotesAndCommentsStillBuild) {
  std::vector<SourceFile> files;
  files.emplace_back("001_setup.mig",
                     "revision '001' revises base;\n"
                     "create table grid (id integer primary key, email text, note text default ';'::text);\n"
                     "alter table grid add constraint a check (id > 0 /* ( */);\n"
                     "alter table grid add constraint b check (email <> $$)$$ and email <> $t$ ' $t$);\n"
                     "alter table grid add constraint c check (note <> E'\\')' -- )\n);\n"
                     "create index grid_lower on grid ((lower(email)));\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  ASSERT_TRUE(chain) << errors;
  EXPECT_EQ(chain->revisions.at(0).lowered.up.size(), 5u);
}

}  // namespace
}  // namespace migc
