// The types of an expression's parts, and whether what PostgreSQL calls for each (a cast, an
// operator, a function) is immutable, as PostgreSQL would resolve them: from the columns' types
// and the catalog snapshot. Only where the resolution is certain: where PostgreSQL's choice
// depends on more than this knows (implicit coercions, polymorphic types, the chain's own
// functions), the part has no type and nothing is said of it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migc {

struct SqlExpressionNode;

// A type the inference knows: a built-in one (or an extension's), by the name format_type()
// prints ("timestamp with time zone", "integer[]"), or an enum type of the chain, which
// PostgreSQL reads and writes through enum_in and enum_out.
struct SqlType {
  std::string name;
  bool enumeration = false;
  bool operator==(const SqlType&) const = default;
};

struct TypingContext {
  // A column's type, or nothing when it is not a type the inference knows (a composite, ...).
  std::function<std::optional<SqlType>(const std::vector<std::string>& column)> column_type;
  // The chain's type of that name (names as written), or nothing: PostgreSQL's own come first.
  std::function<std::optional<SqlType>(const std::vector<std::string>& type)> chain_type;
  // Whether an extension's casts, operators and functions exist at this revision.
  std::function<bool(std::string_view extension)> extension_available;
  // Whether the chain creates a function of that name by raw SQL: calls to it are not resolved.
  std::function<bool(const std::string& function)> chain_function;
  // The identity argument types (joined by ',') of each function of that name the chain's own
  // statements create, `variadic ` before a VARIADIC one's last; nothing when a call to one is
  // beyond this (arguments with defaults).
  std::function<std::optional<std::vector<std::string>>(const std::string& function)> chain_signatures;
  // The type of the one output of the subquery whose select list begins at that offset (a view's
  // query's scope), where known; unset where the expression has no subqueries to look into.
  std::function<std::optional<SqlType>(std::size_t first_output)> subquery_type;
  // Whether the chain creates operators or casts by raw SQL: no call is then said to match nothing.
  bool chain_operators_or_casts = false;
};

// A cast, operator or function call that is not immutable.
struct MutablePart {
  std::size_t offset = 0;  // in the expression's text: the type cast to, the operator, the function
  std::size_t length = 0;
  std::string what;  // "timestamp with time zone::date", "to_char(timestamp with time zone, text)"
  std::string why;   // what PostgreSQL calls for it that is not immutable
};

// An operator or a function call no overload of which takes its arguments' types, even through
// the implicit casts PostgreSQL would apply (42883 at deploy): `text_column > 0`, `length(1)`.
struct UnmatchedCall {
  std::size_t offset = 0;  // in the expression's text: the operator, the function
  std::size_t length = 0;  // an operator's; a function's is its name, left to the caller
  std::string what;        // "text > integer", "length(integer)"
  bool function = false;
  std::vector<std::string> overloads;  // what there is: "text > text", "length(text)", ...
};

// A cast of a value whose type is certain to a type PostgreSQL has no cast to from it, in any
// context, nor through text (42846 at deploy): `integer_column::jsonb`, `enum_column::integer`.
struct ImpossibleCast {
  std::size_t offset = 0;  // in the expression's text: the type cast to
  std::string from;
  std::string to;
};

// An operand of AND, OR or NOT whose type is certain and not boolean (42804 at deploy).
struct NotBooleanOperand {
  // In the expression's text: where the operand's first and last nodes are named (its
  // parentheses, the tree does not place).
  std::size_t first = 0;
  std::size_t last = 0;
  std::string logic;  // AND, OR, NOT
  std::string type;
};

// Values a CASE, COALESCE, GREATEST, LEAST or ARRAY brings to one type, which cannot be: of two
// type categories (42804, "CASE types integer and text cannot be matched"), or one without an
// implicit cast to the type chosen (42846, "CASE could not convert type ...").
struct MismatchedTypes {
  std::size_t offset = 0;  // in the expression's text: the construct's keyword
  std::string construct;   // CASE, COALESCE, GREATEST, LEAST, ARRAY
  std::string first;       // the type chosen (so far)
  std::string second;
  bool conversion = false;  // `second` has no implicit cast to `first`
};

// An untyped string constant PostgreSQL reads as a value of the type a CASE, COALESCE, ARRAY...
// or a call it is an argument of resolves to (`coalesce(n, 'x')`: integer, `now() - '1 day'`:
// timestamp with time zone), beside no column of its own (those are compared elsewhere).
struct CoercedLiteral {
  std::size_t offset = 0;  // in the expression's text
  std::string value;
  SqlType type;
};

// What a call's DISTINCT, its window's PARTITION BY and ORDER BY, or its own ORDER BY
// (`string_agg(x, ',' order by y)`) compare, of a known type: PostgreSQL needs an equality of it,
// or an ordering (42883).
struct ComparedPart {
  std::size_t offset = 0;  // in the expression's text: where it is first named
  SqlType type;
  std::string clause;  // DISTINCT, PARTITION BY, ORDER BY
  bool ordering = false;
};

// `x op ANY (a)` or `ALL (a)` whose `a` is of a known type that is no array (42809 at deploy:
// "op ANY/ALL (array) requires array on right side").
struct NotAnArray {
  std::size_t offset = 0;  // in the expression's text: the operator
  std::string type;
};

struct ExpressionTyping {
  std::optional<SqlType> type;  // of the whole expression, where certain
  std::vector<MutablePart> mutable_parts;  // in the order written
  std::vector<UnmatchedCall> unmatched;    // in the order written
  std::vector<UnmatchedCall> ambiguous;    // calls several overloads take equally well (42725: "is not unique")
  std::vector<ImpossibleCast> impossible_casts;
  std::vector<NotBooleanOperand> not_boolean;
  std::vector<MismatchedTypes> mismatched;
  std::vector<CoercedLiteral> literals;
  std::vector<ComparedPart> compared;
  std::vector<NotAnArray> not_arrays;
};

ExpressionTyping type_expression(std::string_view text, const TypingContext& context);
// select_common_type() of values of two known types, as PostgreSQL chooses it: none where they
// cannot be matched, or where this cannot tell.
std::optional<SqlType> common_type(const SqlType& first, const SqlType& second, const TypingContext& context);
// Of an expression already read (a view's output or condition): offsets are its nodes'.
ExpressionTyping type_expression(const std::vector<SqlExpressionNode>& nodes, const TypingContext& context);

}  // namespace migc
