// The type inference of index expressions, without a server: the types it gives, what it names
// when PostgreSQL would pick something not immutable, and where it stays silent.
#include <gtest/gtest.h>

#include "compiler/expression_types.hpp"

namespace migc {
namespace {

// Columns `seen` (timestamptz), `n` (integer), `name` (text), `status` (the chain's enum `grade`).
TypingContext columns() {
  TypingContext context;
  context.column_type = [](const std::vector<std::string>& names) -> std::optional<SqlType> {
    if (names.back() == "seen") return SqlType{"timestamp with time zone"};
    if (names.back() == "n") return SqlType{"integer"};
    if (names.back() == "name") return SqlType{"text"};
    if (names.back() == "status") return SqlType{"grade", true};
    return std::nullopt;
  };
  context.chain_type = [](const std::vector<std::string>& names) -> std::optional<SqlType> {
    if (names.back() == "grade") return SqlType{"grade", true};
    return std::nullopt;
  };
  context.extension_available = [](std::string_view) { return false; };
  context.chain_function = [](const std::string& name) { return name == "mine"; };
  return context;
}

std::vector<std::string> mutable_parts(std::string_view text) {
  std::vector<std::string> found;
  for (const auto& part : type_expression(text, columns()).mutable_parts) found.push_back(part.what);
  return found;
}

std::string type_of(std::string_view text) {
  const auto type = type_expression(text, columns()).type;
  return type ? type->name : "unsure";
}

TEST(ExpressionTypes, ColumnsConstantsCastsOperatorsAndCalls) {
  EXPECT_EQ(type_of("n"), "integer");
  EXPECT_EQ(type_of("n + 1"), "integer");
  EXPECT_EQ(type_of("n + 10000000000"), "bigint");
  EXPECT_EQ(type_of("n::numeric * 1.5"), "numeric");
  EXPECT_EQ(type_of("lower(name)"), "text");
  EXPECT_EQ(type_of("name || 'x'"), "text");
  EXPECT_EQ(type_of("seen at time zone 'UTC'"), "timestamp without time zone");
  EXPECT_EQ(type_of("(seen at time zone 'UTC')::date"), "date");
  EXPECT_EQ(type_of("n::text[]"), "text[]");
  EXPECT_EQ(type_of("name is null"), "boolean");
}

TEST(ExpressionTypes, NamesWhatIsNotImmutable) {
  EXPECT_EQ(mutable_parts("seen::date"), (std::vector<std::string>{"timestamp with time zone::date"}));
  EXPECT_EQ(mutable_parts("status::text"), (std::vector<std::string>{"grade::text"}));
  EXPECT_EQ(mutable_parts("name::grade"), (std::vector<std::string>{"text::grade"}));
  EXPECT_EQ(mutable_parts("seen + interval '1 day'"), (std::vector<std::string>{"timestamp with time zone + interval"}));
  EXPECT_EQ(mutable_parts("date_part('year', seen)"), (std::vector<std::string>{"date_part(text, timestamp with time zone)"}));
  // Each part, in the order written.
  EXPECT_EQ(mutable_parts("seen::text || seen::date::text"),
            (std::vector<std::string>{"timestamp with time zone::text", "timestamp with time zone::date", "date::text"}));
}

TEST(ExpressionTypes, ImmutableChoicesAndDoubtsSayNothing) {
  for (const char* text : {"seen > '2024-01-01'::timestamptz", "seen > '2024-01-01'", "n::bigint", "n::text", "lower(name)",
                           "date('2024-01-01')", "status = 'a'", "(seen at time zone 'UTC')::date",
                           // Beyond the inference: the chain's own function, an unknown column, a polymorphic call.
                           "mine(seen)::date", "other::date", "array_append(array[seen], seen)::text"}) {
    EXPECT_EQ(mutable_parts(text), std::vector<std::string>{}) << text;
  }
  EXPECT_EQ(type_of("mine(seen)"), "unsure");
  EXPECT_EQ(type_of("coalesce(n, mine(seen))"), "unsure");
}

// select_common_type() and func_select_candidate(), through implicit casts.
TEST(ExpressionTypes, CommonTypesAndCandidatesThroughImplicitCasts) {
  EXPECT_EQ(type_of("coalesce(n, 0)"), "integer");
  EXPECT_EQ(type_of("coalesce(n, n::bigint)"), "bigint");
  EXPECT_EQ(type_of("case when n > 0 then n else 2.5 end"), "numeric");
  EXPECT_EQ(type_of("n * 1.5"), "numeric");
  EXPECT_EQ(type_of("abs('1')"), "double precision");
  EXPECT_EQ(type_of("now() + '1 day'"), "timestamp with time zone");
  EXPECT_EQ(mutable_parts("coalesce(seen, seen)::date"), (std::vector<std::string>{"timestamp with time zone::date"}));
  EXPECT_EQ(mutable_parts("greatest(seen, seen) + interval '1 day'"), (std::vector<std::string>{"timestamp with time zone + interval"}));
  // `text || anynonarray` is a stable SQL function PostgreSQL inlines into an immutable cast and
  // `||` before it judges an index or generated column: its own volatility says nothing.
  EXPECT_EQ(mutable_parts("lower(name) || n"), std::vector<std::string>{});
  EXPECT_EQ(mutable_parts("n || 'x'"), std::vector<std::string>{});
}

}  // namespace
}  // namespace migc
