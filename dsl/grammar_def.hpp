// The revision grammar, as Boost.Spirit X3 rules. Included only by grammar.cpp.
// Rules fill their attribute through semantic actions on `_val`, not through fusion adaptation:
// the AST stays plain structs and every field is set in exactly one visible place.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "dsl/ast.hpp"
#include "dsl/sql_tokens.hpp"

namespace migc::grammar {

namespace x3 = boost::spirit::x3;

// The start of the source text, so that on_success can turn iterators into byte offsets.
struct source_begin_tag;

// located[p]: parses p and records the span it covered on the enclosing rule's attribute (`_val`).
// X3's on_success cannot do this here: rules whose bodies expose no attribute get `unused` there.
template <typename Subject>
struct located_directive : x3::unary_parser<Subject, located_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, located_directive<Subject>>;
  using attribute_type = x3::unused_type;
  static constexpr bool has_attribute = false;

  constexpr explicit located_directive(const Subject& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& node, Attribute&) const {
    x3::skip_over(first, last, context);
    const Iterator start = first;
    if (!this->subject.parse(first, last, context, node, x3::unused)) return false;
    const Iterator& begin = x3::get<source_begin_tag>(context);
    node.span = {static_cast<std::uint32_t>(start - begin), static_cast<std::uint32_t>(first - begin)};
    return true;
  }
};

struct located_gen {
  template <typename Subject>
  constexpr auto operator[](const Subject& subject) const {
    return located_directive<typename x3::extension::as_parser<Subject>::value_type>(x3::as_parser(subject));
  }
};
constexpr located_gen located{};

// PostgreSQL's identifier characters: any byte past ASCII is a letter (a UTF-8 name's bytes).
inline bool is_word_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) || c == '_' || c == '$' || byte >= 0x80;
}

// A case-insensitive keyword that must not run on into a longer word; prints as `word`.
struct keyword_parser : x3::parser<keyword_parser> {
  using attribute_type = x3::unused_type;
  static constexpr bool has_attribute = false;

  constexpr explicit keyword_parser(std::string_view w) : word(w) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    for (char expected : word) {
      if (it == last || std::tolower(static_cast<unsigned char>(*it)) != expected) return false;
      ++it;
    }
    if (it != last && is_word_char(*it)) return false;
    first = it;
    return true;
  }

  std::string_view word;
};

constexpr keyword_parser kw(std::string_view word) { return keyword_parser(word); }

// $$...$$ or $tag$...$tag$, as in PostgreSQL; the attribute is the text between the delimiters.
struct dollar_quoted_parser : x3::parser<dollar_quoted_parser> {
  using attribute_type = std::string;
  static constexpr bool has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute& attribute) const {
    x3::skip_over(first, last, context);
    Iterator it = first;
    if (it == last || *it != '$') return false;
    std::string delimiter = "$";
    for (++it; it != last && *it != '$'; ++it) {
      if (!is_word_char(*it) || *it == '$') return false;
      delimiter += *it;
    }
    if (it == last) return false;
    delimiter += '$';
    ++it;
    const std::string_view rest(&*it, static_cast<std::size_t>(last - it));
    const auto close = rest.find(delimiter);
    if (close == std::string_view::npos) {
      throw x3::expectation_failure<Iterator>(first, "closing " + delimiter);
    }
    x3::traits::move_to(std::string(rest.substr(0, close)), attribute);
    first = it + static_cast<std::ptrdiff_t>(close + delimiter.size());
    return true;
  }
};

constexpr dollar_quoted_parser dollar_quoted{};

// Thrown where an expression nests deeper than max_nesting.
template <typename Iterator>
struct nesting_too_deep {
  Iterator where;
};

// Thrown where a column clause PostgreSQL takes once (`default`, `collate`, `generated`) is
// given again: it refuses the second ("multiple default values specified"), which the parser
// would otherwise let overwrite the first.
template <typename Iterator>
struct clause_repeated {
  Iterator where;
  const char* clause;
};

// `( ... )` with anything inside but unbalanced parentheses (check constraints, index elements),
// or an open expression (`fragment_parser`, defaults, inserted values, predicates): SQL the
// compiler hands to PostgreSQL's parser, which then requires exactly one expression.
template <bool Parenthesized>
struct sql_fragment_parser : x3::parser<sql_fragment_parser<Parenthesized>> {
  using attribute_type = x3::unused_type;
  static constexpr bool has_attribute = false;
  std::span<const std::string_view> stops;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
    x3::skip_over(first, last, context);
    if (first == last || (Parenthesized && *first != '(')) return false;
    const std::string_view text(&*first, static_cast<std::size_t>(last - first));
    std::size_t too_deep_at = 0;
    const std::size_t length = sql_fragment_length(text, Parenthesized, stops, too_deep_at);
    if (too_deep_at != std::string_view::npos) throw nesting_too_deep<Iterator>{first + static_cast<std::ptrdiff_t>(too_deep_at)};
    if (length == std::string_view::npos) {
      if (!Parenthesized && !text.empty() && (text[0] == ',' || text[0] == ')' || text[0] == ';')) return false;
      throw x3::expectation_failure<Iterator>(first, Parenthesized ? "closing )" : "the end of the expression");
    }
    first += static_cast<std::ptrdiff_t>(length);
    return true;
  }
};

constexpr sql_fragment_parser<true> parenthesized{};
// Words that end an expression written in a column's definition: its next constraint.
constexpr std::string_view column_constraint_words[] = {"not", "null", "primary", "references", "check", "unique",
                                                       "constraint", "generated", "default", "deferrable", "initially", "collate"};
constexpr sql_fragment_parser<false> column_expression_fragment{{}, column_constraint_words};
constexpr sql_fragment_parser<false> expression_fragment{{}, {}};
// Words that end an expression of a data step: its condition, or its down; or the clauses of
// PostgreSQL's own a data step does not take (`update ... from`, `returning`), said so.
constexpr std::string_view assignment_words[] = {"where", "down", "irreversible", "from", "returning"};
constexpr std::string_view condition_words[] = {"down", "irreversible", "returning"};
constexpr sql_fragment_parser<false> assignment_fragment{{}, assignment_words};
constexpr sql_fragment_parser<false> condition_fragment{{}, condition_words};
// An `on conflict` target's index predicate ends where its action begins.
constexpr std::string_view conflict_action_words[] = {"do"};
constexpr sql_fragment_parser<false> conflict_predicate_fragment{{}, conflict_action_words};


// A view's query, up to the statement's end (or a materialized view's `with [no] data`).
struct sql_query_parser : x3::parser<sql_query_parser> {
  using attribute_type = x3::unused_type;
  static constexpr bool has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
    x3::skip_over(first, last, context);
    if (first == last || *first == ';') return false;
    const std::string_view text(&*first, static_cast<std::size_t>(last - first));
    std::size_t too_deep_at = 0;
    const std::size_t length = sql_query_length(text, too_deep_at);
    if (too_deep_at != std::string_view::npos) throw nesting_too_deep<Iterator>{first + static_cast<std::ptrdiff_t>(too_deep_at)};
    if (length == std::string_view::npos) throw x3::expectation_failure<Iterator>(first, "the end of the query (`;`)");
    first += static_cast<std::ptrdiff_t>(length);
    return true;
  }
};
constexpr sql_query_parser sql_query{};

// Semantic-action helpers: each names the one AST field it sets.
template <typename Member>
auto assign(Member member) {
  return [member](auto& context) { (x3::_val(context).*member) = std::move(x3::_attr(context)); };
}
template <typename Member>
auto append(Member member) {
  return [member](auto& context) { (x3::_val(context).*member).push_back(std::move(x3::_attr(context))); };
}
template <typename Member, typename Value>
auto set(Member member, Value value) {
  return [member, value](auto& context) { (x3::_val(context).*member) = value; };
}
// The sequence options of the node being parsed: the node itself, or its `options`.
template <typename Node>
auto& sequence_options_of(Node& node) {
  if constexpr (std::is_same_v<Node, ast::SequenceOptions>) {
    return node;
  } else {
    return node.options;
  }
}
template <typename Member>
auto assign_option(Member member) {
  return [member](auto& context) { (sequence_options_of(x3::_val(context)).*member) = std::move(x3::_attr(context)); };
}
template <typename Member, typename Value>
auto set_option(Member member, Value value) {
  return [member, value](auto& context) { (sequence_options_of(x3::_val(context)).*member) = value; };
}
// A sequence option written twice (PostgreSQL: "conflicting or redundant options").
template <typename Given>
auto sequence_option_once(Given given, const char* clause);
// On a clause's keyword: `given` tells whether the node has the clause already.
template <typename Given>
auto given_once(Given given, const char* clause) {
  return [given, clause](auto& context) {
    using Iterator = std::decay_t<decltype(x3::_where(context).begin())>;
    if (given(x3::_val(context))) throw clause_repeated<Iterator>{x3::_where(context).begin(), clause};
  };
}
template <typename Given>
auto sequence_option_once(Given given, const char* clause) {
  return given_once([given](auto& node) { return given(sequence_options_of(node)); }, clause);
}
// `null` or `not null`, written once or again alike: PostgreSQL refuses the two together.
inline auto set_nullability(bool not_null) {
  return [not_null](auto& context) {
    using Iterator = std::decay_t<decltype(x3::_where(context).begin())>;
    auto& column = x3::_val(context);
    if (column.nullability_given && column.not_null != not_null) throw clause_repeated<Iterator>{x3::_where(context).begin(), "null` or `not null"};
    column.not_null = not_null;
    column.nullability_given = true;
  };
}
inline auto set_name(const char* text) {
  return [text](auto& context) { x3::_val(context).name = text; };
}
inline auto assign_val() {
  return [](auto& context) { x3::_val(context) = std::move(x3::_attr(context)); };
}

// `alter <kind> <name> <action>`: the action is parsed into its own node, then given the name.
struct AlterTable {
  ast::ObjectName table;
  ast::Statement action;
};
// `alter column <column> <change>`: likewise, the change is given its column.
struct AlterColumn {
  ast::Name column;
  ast::Statement change;
};

template <typename Node>
auto as_statement() {
  return [](auto& context) {
    Node node = std::move(x3::_attr(context));
    x3::_val(context) = std::move(node);
  };
}
// Builds a statement node from a name (the column or constraint an action is about).
template <typename Node, typename Member>
auto named(Member member) {
  return [member](auto& context) {
    Node node;
    node.span = x3::_attr(context).span;
    node.*member = std::move(x3::_attr(context));
    x3::_val(context) = std::move(node);
  };
}
// `[if exists] <name>`, the name of the column or constraint an action drops.
template <typename Node, typename Member>
auto named_if_exists(Member member) {
  return [member](auto& context) {
    auto& parts = x3::_attr(context);
    Node node;
    node.if_exists = boost::fusion::at_c<0>(parts);
    node.span = boost::fusion::at_c<1>(parts).span;
    node.*member = std::move(boost::fusion::at_c<1>(parts));
    x3::_val(context) = std::move(node);
  };
}
// Rules. The name in quotes is what an "expected ..." message prints.
using x3::lit;
using x3::omit;

struct identifier_id;
struct name_id;
struct qualified_name_id;
struct string_literal_id;
struct sql_body_id;
struct type_ref_id;
struct type_name_id;
struct expression_id;
struct open_expression_id;
struct referential_action_id;
struct references_id;
struct column_definition_id;
struct constraint_body_id;
struct column_constraint_id;
struct deferral_id;
struct nulls_distinct_id;
struct rename_constraint_id;
struct drop_sequence_id;
struct drop_schema_id;
struct drop_extension_id;
struct alter_index_target_id;
struct table_constraint_id;
struct column_list_id;
struct parenthesized_expression_id;
struct function_call_expression_id;
struct index_element_id;
struct rename_column_id;
struct alter_column_id;
struct add_enum_value_id;
struct rename_enum_value_id;
struct drop_enum_value_id;
struct alter_type_id;
struct insert_rows_id;
struct assignment_id;
struct assigned_value_id;
struct condition_id;
struct conflict_predicate_id;
struct on_conflict_id;
struct update_rows_id;
struct delete_rows_id;
struct create_extension_id;
struct create_sequence_id;
struct alter_sequence_id;
struct sequence_options_id;
struct alter_sequence_options_id;
struct comment_id;
struct create_table_id;
struct create_index_id;
struct create_type_id;
struct type_body_id;
struct enum_body_id;
struct composite_body_id;
struct composite_attribute_id;
struct domain_check_id;
struct create_domain_id;
struct drop_domain_id;
struct alter_domain_id;
struct alter_domain_target_id;
struct add_attribute_id;
struct drop_attribute_id;
struct rename_attribute_id;
struct create_target_id;
struct drop_table_id;
struct drop_index_id;
struct drop_type_id;
struct drop_target_id;
struct alter_table_id;
struct alter_action_id;
struct execute_sql_id;
struct statement_id;
struct header_id;

const x3::rule<identifier_id, std::string> identifier = "identifier";
const x3::rule<name_id, ast::Name> name = "identifier";
const x3::rule<qualified_name_id, ast::ObjectName> qualified_name = "name";
const x3::rule<string_literal_id, ast::StringLiteral> string_literal = "string literal";
const x3::rule<sql_body_id, ast::StringLiteral> sql_body = "dollar-quoted SQL ($$ ... $$)";
const x3::rule<type_ref_id, ast::TypeRef> type_ref = "type";
const x3::rule<type_name_id, QualifiedName> type_name = "type name";
const x3::rule<expression_id, ast::Expression> expression = "expression";
const x3::rule<open_expression_id, ast::Expression> open_expression = "expression";
const x3::rule<referential_action_id, ast::ReferentialAction> referential_action =
    "`cascade`, `restrict`, `set null`, `set default` or `no action`";
const x3::rule<references_id, ast::References> references = "`references`";
const x3::rule<column_definition_id, ast::ColumnDefinition> column_definition = "column definition";
const x3::rule<constraint_body_id, ast::TableConstraint> constraint_body =
    "`primary key`, `unique`, `foreign key` or `check`";
const x3::rule<table_constraint_id, ast::TableConstraint> table_constraint = "table constraint";
const x3::rule<column_constraint_id, ast::TableConstraint> column_constraint = "column constraint";
const x3::rule<deferral_id, ast::Deferral> deferral = "`deferrable`, `not deferrable` or `initially`";
const x3::rule<nulls_distinct_id, ast::NullsDistinct> nulls_distinct = "`nulls distinct` or `nulls not distinct`";
const x3::rule<rename_constraint_id, ast::RenameConstraint> rename_constraint = "`constraint`";
const x3::rule<drop_sequence_id, ast::DropSequence> drop_sequence = "`sequence`";
const x3::rule<drop_schema_id, ast::DropSchema> drop_schema = "`schema`";
const x3::rule<drop_extension_id, ast::DropExtension> drop_extension = "`extension`";
const x3::rule<alter_index_target_id, ast::RenameIndex> alter_index_target = "`index`";
const x3::rule<column_list_id, std::vector<ast::Name>> column_list = "column list";
const x3::rule<parenthesized_expression_id, ast::Expression> parenthesized_expression = "parenthesized expression";
const x3::rule<function_call_expression_id, ast::Expression> function_call_expression = "function call";
const x3::rule<index_element_id, ast::IndexElement> index_element = "column or (expression)";
const x3::rule<rename_column_id, ast::RenameColumn> rename_column = "`column`";
const x3::rule<alter_column_id, ast::Statement> alter_column =
    "`type`, `set not null`, `drop not null`, `set default`, `drop default`, `drop expression`, `set generated`, "
    "`set <sequence option>`, `restart`, `add generated` or `drop identity`";
const x3::rule<add_enum_value_id, ast::AddEnumValue> add_enum_value = "`add value`";
const x3::rule<rename_enum_value_id, ast::RenameEnumValue> rename_enum_value = "`rename value`";
const x3::rule<drop_enum_value_id, ast::DropEnumValue> drop_enum_value = "`drop value`";
struct alter_type_target_id;
struct alter_column_clause_id;
const x3::rule<alter_type_target_id, AlterTable> alter_type_target = "`type`";
const x3::rule<alter_column_clause_id, AlterColumn> alter_column_clause = "`column`";
const x3::rule<alter_type_id, ast::Statement> alter_type =
    "`add value`, `rename value`, `drop value`, `add attribute`, `drop attribute` or `rename attribute`";
const x3::rule<insert_rows_id, ast::InsertRows> insert_rows = "`insert into`";
const x3::rule<assignment_id, ast::Assignment> assignment = "`<column> = <expression>`";
const x3::rule<assigned_value_id, ast::Expression> assigned_value = "expression";
const x3::rule<condition_id, ast::Expression> condition = "condition";
const x3::rule<conflict_predicate_id, ast::Expression> conflict_predicate = "index predicate";
const x3::rule<on_conflict_id, ast::OnConflict> on_conflict = "`on conflict`";
const x3::rule<update_rows_id, ast::UpdateRows> update_rows = "`update`";
const x3::rule<delete_rows_id, ast::DeleteRows> delete_rows = "`delete from`";
const x3::rule<create_extension_id, ast::CreateExtension> create_extension = "`extension`";
const x3::rule<create_sequence_id, ast::CreateSequence> create_sequence = "`sequence`";
const x3::rule<alter_sequence_id, ast::AlterSequence> alter_sequence = "`sequence`";
const x3::rule<sequence_options_id, ast::SequenceOptions> sequence_options = "sequence options";
struct identity_sequence_options_id;
struct alter_identity_id;
struct add_identity_id;
const x3::rule<identity_sequence_options_id, ast::SequenceOptions> identity_sequence_options = "(sequence options)";
const x3::rule<alter_identity_id, ast::AlterIdentity> alter_identity = "`set generated`, `set <sequence option>` or `restart`";
const x3::rule<add_identity_id, ast::AddIdentity> add_identity = "`add generated`";
const x3::rule<alter_sequence_options_id, ast::SequenceOptions> alter_sequence_options =
    "`restart`, `owned by`, `as`, `increment`, `minvalue`, `maxvalue`, `start`, `cache`, `cycle` or `no`";
const x3::rule<comment_id, ast::Comment> comment = "`comment on`";
struct grant_id;
struct revoke_id;
struct grant_object_id;
const x3::rule<grant_id, ast::Grant> grant = "`grant`";
const x3::rule<revoke_id, ast::Grant> revoke = "`revoke`";
const x3::rule<grant_object_id, ast::GrantObject> grant_object = "name";
const x3::rule<create_table_id, ast::CreateTable> create_table = "`table`";
const x3::rule<create_index_id, ast::CreateIndex> create_index = "`index`";
const x3::rule<create_type_id, AlterTable> create_type = "`type`";
const x3::rule<type_body_id, ast::Statement> type_body = "`enum` or (attributes)";
const x3::rule<enum_body_id, ast::CreateEnum> enum_body = "`enum`";
const x3::rule<composite_body_id, ast::CreateComposite> composite_body = "(attributes)";
const x3::rule<composite_attribute_id, ast::CompositeAttribute> composite_attribute = "attribute definition";
const x3::rule<domain_check_id, ast::DomainCheck> domain_check = "`constraint` or `check`";
const x3::rule<create_domain_id, ast::CreateDomain> create_domain = "`domain`";
const x3::rule<drop_domain_id, ast::DropDomain> drop_domain = "`domain`";
const x3::rule<alter_domain_id, ast::Statement> alter_domain =
    "`set default`, `drop default`, `set not null`, `drop not null`, `add`, `drop constraint` or `rename to`";
const x3::rule<alter_domain_target_id, AlterTable> alter_domain_target = "`domain`";
const x3::rule<add_attribute_id, ast::AddAttribute> add_attribute = "`attribute`";
const x3::rule<drop_attribute_id, ast::DropAttribute> drop_attribute = "`attribute`";
const x3::rule<rename_attribute_id, ast::RenameAttribute> rename_attribute = "`attribute`";
struct view_query_id;
struct create_view_id;
struct view_option_id;
struct drop_view_id;
struct alter_view_id;
struct set_view_options_id;
struct view_default_id;
struct refresh_view_id;
const x3::rule<view_query_id, ast::Expression> view_query = "query";
const x3::rule<create_view_id, ast::CreateView> create_view = "`view`";
const x3::rule<view_option_id, ast::ViewOption> view_option = "a view's option";
const x3::rule<drop_view_id, ast::DropView> drop_view = "`view`";
const x3::rule<alter_view_id, ast::RenameView> alter_view = "`view`";
const x3::rule<set_view_options_id, ast::SetViewOptions> set_view_options = "`view`";
const x3::rule<view_default_id, ast::SetViewDefault> view_default = "`view`";
const x3::rule<refresh_view_id, ast::RefreshView> refresh_view = "`refresh materialized view`";
struct sql_definition_id;
struct create_routine_id;
struct drop_routine_id;
struct create_trigger_id;
struct drop_trigger_id;
struct create_policy_id;
struct drop_policy_id;
const x3::rule<create_policy_id, ast::CreatePolicy> create_policy = "`policy`";
const x3::rule<drop_policy_id, ast::DropPolicy> drop_policy = "`policy`";
const x3::rule<sql_definition_id, ast::Expression> sql_definition = "definition";
const x3::rule<create_routine_id, ast::CreateRoutine> create_routine = "`function` or `procedure`";
const x3::rule<drop_routine_id, ast::DropRoutine> drop_routine = "`function` or `procedure`";
const x3::rule<create_trigger_id, ast::CreateTrigger> create_trigger = "`trigger`";
const x3::rule<drop_trigger_id, ast::DropTrigger> drop_trigger = "`trigger`";
const x3::rule<create_target_id, ast::Statement> create_target =
    "`table`, `index`, `unique index`, `type`, `domain`, `sequence`, `extension`, `schema`, `view`, `materialized view`, "
    "`function`, `procedure`, `trigger` or `policy`";
const x3::rule<drop_table_id, ast::DropTable> drop_table = "`table`";
const x3::rule<drop_index_id, ast::DropIndex> drop_index = "`index`";
const x3::rule<drop_type_id, ast::DropType> drop_type = "`type`";
const x3::rule<drop_target_id, ast::Statement> drop_target =
    "`table`, `index`, `type`, `domain`, `sequence`, `extension`, `schema`, `view`, `materialized view`, `function`, "
    "`procedure`, `trigger` or `policy`";

const x3::rule<alter_action_id, ast::Statement> alter_action =
    "`add column`, `add constraint`, `drop column`, `drop constraint`, `validate constraint`, `enable trigger`, "
    "`disable trigger`, `enable`, `disable` or `[no] force row level security`, `rename` or `alter column`";
const x3::rule<alter_table_id, AlterTable> alter_table = "`table`";
const x3::rule<execute_sql_id, ast::ExecuteSql> execute_sql = "`execute`";
const x3::rule<statement_id, ast::Statement> statement =
    "statement (`create`, `drop`, `alter`, `insert`, `update`, `delete`, `refresh`, `comment`, `grant`, `revoke` or `execute`)";
struct allow_id;
const x3::rule<allow_id, std::vector<ast::Name>> allow = "`@allow(...)`";
const x3::rule<header_id, ast::Header> header = "revision header (`revision '<id>' revises ...`)";

// Gives an inline parser a fixed attribute type, so X3 builds e.g. a string from characters.
template <typename Attribute, typename Parser>
auto as(const char* what, const Parser& parser) {
  return x3::rule<struct as_id, Attribute>{what} = parser;
}

// Lexical pieces.
const auto fold_case = [](auto& context) {
  std::string text = std::move(x3::_attr(context));
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  x3::_val(context) = std::move(text);
};
// Bytes past ASCII, which PostgreSQL's lexer takes as letters of a name, as folding leaves them.
const auto non_ascii_byte = x3::char_("\x80-\xff");
const auto unquoted_identifier =
    as<std::string>("identifier", x3::lexeme[(x3::char_("a-zA-Z_") | non_ascii_byte) >> *(x3::char_("a-zA-Z0-9_$") | non_ascii_byte)]);
const auto quoted_identifier = as<std::string>(
    "quoted identifier", x3::lexeme[lit('"') >> +((lit("\"\"") >> x3::attr('"')) | ~x3::char_('"')) > lit('"')]);
// `U&"d\0061ta"`, as PostgreSQL writes a name with escapes; before an unquoted name, which
// would take its `U`.
const auto unicode_quoted_identifier = as<std::string>(
    "quoted identifier",
    x3::raw[x3::lexeme[(lit('u') | lit('U')) >> lit('&') >> lit('"') >> *(lit("\"\"") | ~x3::char_('"')) > lit('"')]]);
const auto decode_unicode_name = [](auto& context) { x3::_val(context) = unicode_escaped_name(x3::_attr(context)); };
const auto identifier_def =
    unicode_quoted_identifier[decode_unicode_name] | unquoted_identifier[fold_case] | quoted_identifier[assign_val()];
const auto name_def = located[identifier[assign(&ast::Name::text)]];
// `schema.name`: the name read first was the schema. A name in `public` has no schema.
const auto qualify = [](auto& context) {
  auto& name = x3::_val(context);
  name.schema = name.name == "public" ? std::string() : std::move(name.name);
  name.name = std::move(x3::_attr(context));
};
const auto qualified_name_def = located[identifier[assign(&ast::ObjectName::name)] >> -(lit('.') >> identifier[qualify])];

const auto quoted_string = as<std::string>(
    "string literal", x3::lexeme[lit('\'') >> *((lit("''") >> x3::attr('\'')) | ~x3::char_('\'')) > lit('\'')]);
const auto string_literal_def = located[quoted_string[assign(&ast::StringLiteral::value)]];
const auto sql_body_def = located[dollar_quoted[assign(&ast::StringLiteral::value)]];

// Types.
const auto time_zone_suffix = as<std::string>("`with time zone` or `without time zone`", (kw("with") > kw("time") > kw("zone") > x3::attr(std::string(" with time zone"))) |
                              (kw("without") > kw("time") > kw("zone") > x3::attr(std::string(" without time zone"))));
const auto append_suffix = [](auto& context) { x3::_val(context).name += x3::_attr(context); };
// An interval's fields, as format_type() prints them after `interval`: a precision follows only
// a field that ends in `second`.
const auto field = [](std::string_view word, const char* spelled) { return kw(word) > x3::attr(std::string(spelled)); };
const auto interval_fields = as<std::string>(
    "interval fields",
    (kw("year") >> ((kw("to") > field("month", " year to month")) | x3::attr(std::string(" year")))) |
        field("month", " month") |
        (kw("day") >> ((kw("to") > (field("hour", " day to hour") | field("minute", " day to minute") | field("second", " day to second"))) |
                       x3::attr(std::string(" day")))) |
        (kw("hour") >> ((kw("to") > (field("minute", " hour to minute") | field("second", " hour to second"))) | x3::attr(std::string(" hour")))) |
        (kw("minute") >> ((kw("to") > field("second", " minute to second")) | x3::attr(std::string(" minute")))) |
        field("second", " second"));
// `schema.name` of a type: `public` kept, for type_ref to see (ast::TypeRef::in_public).
const auto qualify_type = [](auto& context) {
  auto& name = x3::_val(context);
  name.schema = std::move(name.name);
  name.name = std::move(x3::_attr(context));
};
const auto type_name_def =
    // PostgreSQL's one-byte internal type, which only the quotes tell from `char`, character(1).
    lit("\"char\"")[set_name("\"char\"")] |
    (kw("double") > kw("precision"))[set_name("double precision")] |
    (kw("character") >> kw("varying"))[set_name("character varying")] |
    (kw("bit") >> kw("varying"))[set_name("bit varying")] |
    (kw("timestamp")[set_name("timestamp")] >> -time_zone_suffix[append_suffix]) |
    (kw("time")[set_name("time")] >> -time_zone_suffix[append_suffix]) |
    (kw("interval")[set_name("interval")] >> -interval_fields[append_suffix]) |
    (identifier[assign(&QualifiedName::name)] >> -(lit('.') >> identifier[qualify_type]));
const auto count_dimension = [](auto& context) { ++x3::_val(context).array_dimensions; };
// As `qualify`, but the type remembers that `public` was written (ast::TypeRef::in_public).
const auto assign_type_name = [](auto& context) {
  auto& type = x3::_val(context);
  type.name = std::move(x3::_attr(context));
  if (type.name.schema == "public") {
    type.name.schema.clear();
    type.in_public = true;
  }
};
const auto type_ref_def =
    located[type_name[assign_type_name] >>
         -(lit('(') > (x3::int_ % ',')[assign(&ast::TypeRef::modifiers)] > lit(')')) >>
         -time_zone_suffix[([](auto& context) { x3::_val(context).name.name += x3::_attr(context); })] >>  // timestamp(3) with time zone
         *(lit('[') > lit(']'))[count_dimension]];

// Expressions, as PostgreSQL's parser reads them (compiler/sql_parser.cpp): the grammar finds
// where one ends by PostgreSQL's token rules. In a column's definition it ends at the next
// constraint's word, as PostgreSQL's own grammar has it; elsewhere at `,`, `)` or `;`.
const auto parenthesized_expression_def = located[parenthesized];
// `lower(email)`, which PostgreSQL takes as an index element without parentheses of its own.
const auto function_call_expression_def = located[omit[name % '.'] >> &lit('(') >> parenthesized];
const auto expression_def = located[column_expression_fragment];
const auto open_expression_def = located[expression_fragment];

// Constraints.
const auto referential_action_def =
    (kw("cascade") > x3::attr(ast::ReferentialAction::cascade)) |
    (kw("restrict") > x3::attr(ast::ReferentialAction::restrict)) |
    (kw("set") > ((kw("null") > x3::attr(ast::ReferentialAction::set_null)) |
                  (kw("default") > x3::attr(ast::ReferentialAction::set_default)))) |
    (kw("no") > kw("action") > x3::attr(ast::ReferentialAction::no_action));
const auto column_list_def = lit('(') > (name % ',') > lit(')');
const auto references_def = located[
    kw("references") > qualified_name[assign(&ast::References::table)] >> -column_list[assign(&ast::References::columns)] >>
    *(kw("on") > ((kw("delete") > referential_action[assign(&ast::References::on_delete)] >>
                   -column_list[assign(&ast::References::on_delete_columns)]) |
                  (kw("update") > referential_action[assign(&ast::References::on_update)])))];

// PostgreSQL's sequence options, in any order, for `create sequence`, `alter sequence` and
// identity columns: each sets a field of the node's own options (sequence_options_of).
const auto min_once = sequence_option_once([](const ast::SequenceOptions& o) { return o.min.has_value() || o.no_min; }, "minvalue");
const auto max_once = sequence_option_once([](const ast::SequenceOptions& o) { return o.max.has_value() || o.no_max; }, "maxvalue");
const auto cycle_once = sequence_option_once([](const ast::SequenceOptions& o) { return o.cycle.has_value(); }, "cycle");
const auto sequence_option =
    (kw("as")[sequence_option_once([](const ast::SequenceOptions& o) { return o.type.has_value(); }, "as")] >
     type_ref[assign_option(&ast::SequenceOptions::type)]) |
    (kw("increment")[sequence_option_once([](const ast::SequenceOptions& o) { return o.increment.has_value(); }, "increment")] >
     -kw("by") > x3::int64[assign_option(&ast::SequenceOptions::increment)]) |
    (kw("minvalue")[min_once] > x3::int64[assign_option(&ast::SequenceOptions::min)]) |
    (kw("maxvalue")[max_once] > x3::int64[assign_option(&ast::SequenceOptions::max)]) |
    (kw("start")[sequence_option_once([](const ast::SequenceOptions& o) { return o.start.has_value(); }, "start")] > -kw("with") >
     x3::int64[assign_option(&ast::SequenceOptions::start)]) |
    (kw("cache")[sequence_option_once([](const ast::SequenceOptions& o) { return o.cache.has_value(); }, "cache")] >
     x3::int64[assign_option(&ast::SequenceOptions::cache)]) |
    kw("cycle")[cycle_once][set_option(&ast::SequenceOptions::cycle, true)] |
    (kw("no") > (kw("minvalue")[min_once][set_option(&ast::SequenceOptions::no_min, true)] |
                 kw("maxvalue")[max_once][set_option(&ast::SequenceOptions::no_max, true)] |
                 kw("cycle")[cycle_once][set_option(&ast::SequenceOptions::cycle, false)]));
// Only where a sequence exists already.
const auto restart_option = kw("restart")[sequence_option_once([](const ast::SequenceOptions& o) { return o.restart; }, "restart")]
                                           [set_option(&ast::SequenceOptions::restart, true)] >>
                            -(-kw("with") >> x3::int64[assign_option(&ast::SequenceOptions::restart_with)]);
// `owned by [schema.]table.column` or `owned by none`: `create sequence` and `alter sequence` only.
const auto owned_by_option =
    kw("owned")[sequence_option_once([](const ast::SequenceOptions& o) { return o.owned_by.has_value(); }, "owned by")] > kw("by") >
    ((kw("none") >> !lit('.'))[([](auto& context) {
       auto& options = sequence_options_of(x3::_val(context));
       options.owned_by = ast::SequenceOwnedBy{};
       options.owned_by->span = options.span;
     })] |
     (name % '.')[([](auto& context) {
       auto& parts = x3::_attr(context);
       if (parts.size() < 2 || parts.size() > 3) {
         x3::_pass(context) = false;
         return;
       }
       ast::SequenceOwnedBy owned_by;
       owned_by.column = parts.back();
       const ast::Name& table = parts[parts.size() - 2];
       owned_by.span = {parts.front().span.begin, parts.back().span.end};
       ast::ObjectName object;
       object.span = table.span;
       object.name = table.text;
       if (parts.size() == 3 && parts[0].text != "public") object.schema = parts[0].text;
       owned_by.table = std::move(object);
       sequence_options_of(x3::_val(context)).owned_by = std::move(owned_by);
     })]);
const auto sequence_options_def = located[*(owned_by_option | sequence_option)];
const auto sequence_name_option =
    kw("sequence")[sequence_option_once([](const ast::SequenceOptions& o) { return o.sequence_name.has_value(); }, "sequence name")] >
    kw("name") > qualified_name[assign_option(&ast::SequenceOptions::sequence_name)];
const auto identity_sequence_options_def = located[lit('(') > +(sequence_name_option | sequence_option) > lit(')')];
const auto alter_sequence_options_def = located[+(restart_option | owned_by_option | sequence_option)];

// `not deferrable` without an expectation after `not`: a column's `not null` may follow.
const auto deferral_def = located[
    +(kw("deferrable")[([](auto& context) { x3::_val(context).deferrable = true; })] |
      (kw("not") >> kw("deferrable"))[([](auto& context) { x3::_val(context).deferrable = false; })] |
      (kw("initially") > (kw("deferred")[([](auto& context) { x3::_val(context).initially_deferred = true; })] |
                          kw("immediate")[([](auto& context) { x3::_val(context).initially_deferred = false; })])))];
const auto nulls_distinct_def = located[
    kw("nulls") > (kw("distinct") | (kw("not") > kw("distinct"))[set(&ast::NullsDistinct::not_distinct, true)])];

// A column's own constraint: it has no column list, it is on its column.
const auto column_constraint_def = located[
    -(kw("constraint") > name[assign(&ast::TableConstraint::name)]) >>
    ((kw("primary") > kw("key"))[set(&ast::TableConstraint::kind, ast::ConstraintKind::primary_key)] |
     (kw("unique")[set(&ast::TableConstraint::kind, ast::ConstraintKind::unique)] >>
      -nulls_distinct[assign(&ast::TableConstraint::nulls)]) |
     (kw("check")[set(&ast::TableConstraint::kind, ast::ConstraintKind::check)] >
      parenthesized_expression[assign(&ast::TableConstraint::check)]) |
     references[([](auto& context) {
       x3::_val(context).kind = ast::ConstraintKind::foreign_key;
       x3::_val(context).references = std::move(x3::_attr(context));
     })]) >>
    -deferral[assign(&ast::TableConstraint::deferral)]];

// An identity and a generation expression together are the checker's (GeneratedColumnConflict).
const auto identity_once = given_once([](const ast::ColumnDefinition& column) { return column.identity != ast::Identity::none; },
                                      "generated ... as identity");
const auto generation_once = given_once([](const ast::ColumnDefinition& column) { return column.generated.has_value(); },
                                        "generated always as (...) stored");
const auto column_definition_def = located[
    name[assign(&ast::ColumnDefinition::name)] > type_ref[assign(&ast::ColumnDefinition::type)] >>
    *((kw("not") > kw("null"))[set_nullability(true)] | kw("null")[set_nullability(false)] |
      (kw("default")[given_once([](const ast::ColumnDefinition& column) { return column.default_value.has_value(); }, "default")] >
       expression)[assign(&ast::ColumnDefinition::default_value)] |
      // `generated always as identity [(...)]`, `generated by default as identity [(...)]`, or a
      // stored generated column: `generated always as (<expression>) stored`.
      (kw("generated") > ((kw("always") > kw("as") >
                           ((kw("identity")[identity_once][set(&ast::ColumnDefinition::identity, ast::Identity::always)] >>
                             -identity_sequence_options[assign(&ast::ColumnDefinition::identity_options)]) |
                            (parenthesized_expression[generation_once][assign(&ast::ColumnDefinition::generated)] > kw("stored")))) |
                          (kw("by") > kw("default") > kw("as") >
                           kw("identity")[identity_once][set(&ast::ColumnDefinition::identity, ast::Identity::by_default)] >>
                           -identity_sequence_options[assign(&ast::ColumnDefinition::identity_options)]))) |
      (kw("collate")[given_once([](const ast::ColumnDefinition& column) { return column.collation.has_value(); }, "collate")] >
       qualified_name)[assign(&ast::ColumnDefinition::collation)] |
      column_constraint[append(&ast::ColumnDefinition::constraints)])];

const auto constraint_body_def = located[
    (((kw("primary") > kw("key"))[set(&ast::TableConstraint::kind, ast::ConstraintKind::primary_key)] >
     column_list[assign(&ast::TableConstraint::columns)]) |
    (kw("unique")[set(&ast::TableConstraint::kind, ast::ConstraintKind::unique)] >>
     -nulls_distinct[assign(&ast::TableConstraint::nulls)] > column_list[assign(&ast::TableConstraint::columns)]) |
    ((kw("foreign") > kw("key"))[set(&ast::TableConstraint::kind, ast::ConstraintKind::foreign_key)] >
     column_list[assign(&ast::TableConstraint::columns)] > references[assign(&ast::TableConstraint::references)]) |
    (kw("check")[set(&ast::TableConstraint::kind, ast::ConstraintKind::check)] >
     parenthesized_expression[assign(&ast::TableConstraint::check)])) >>
    -deferral[assign(&ast::TableConstraint::deferral)] >>
    -(kw("not") >> kw("valid"))[set(&ast::TableConstraint::not_valid, true)]];
const auto keep_constraint_name = [](auto& context) {
  auto constraint_name = std::move(x3::_val(context).name);
  x3::_val(context) = std::move(x3::_attr(context));
  x3::_val(context).name = std::move(constraint_name);
};
const auto table_constraint_def = located[
    (kw("constraint") > name[assign(&ast::TableConstraint::name)] > constraint_body[keep_constraint_name]) |
    constraint_body[keep_constraint_name]];

// Statements.
const auto create_table_def = located[
    -kw("unlogged")[set(&ast::CreateTable::unlogged, true)] >> kw("table") > qualified_name[assign(&ast::CreateTable::name)] > lit('(') >
    ((table_constraint[append(&ast::CreateTable::constraints)] |
      column_definition[append(&ast::CreateTable::columns)]) % ',') > lit(')')];
const auto index_element_def = located[
    (function_call_expression[assign(&ast::IndexElement::expression)] | name[assign(&ast::IndexElement::column)] |
     parenthesized_expression[assign(&ast::IndexElement::expression)]) >>
    -(kw("collate") > qualified_name[assign(&ast::IndexElement::collation)]) >>
    -(!(kw("asc") | kw("desc") | kw("nulls")) >> name[assign(&ast::IndexElement::operator_class)]) >>
    -(kw("asc")[set(&ast::IndexElement::ascending_written, true)] | kw("desc")[set(&ast::IndexElement::descending, true)]) >>
    -(kw("nulls") > (kw("first")[set(&ast::IndexElement::nulls_first, std::optional<bool>(true))] |
                     kw("last")[set(&ast::IndexElement::nulls_first, std::optional<bool>(false))]))];
const auto create_index_def = located[
    -kw("unique")[set(&ast::CreateIndex::unique, true)] >> kw("index") >
    -kw("concurrently")[set(&ast::CreateIndex::concurrently, true)] >> -(!kw("on") >> name[assign(&ast::CreateIndex::name)]) >
    kw("on") > qualified_name[assign(&ast::CreateIndex::table)] >> -(kw("using") > name[assign(&ast::CreateIndex::method)]) >
    lit('(') > (index_element % ',')[assign(&ast::CreateIndex::elements)] > lit(')') >>
    -(kw("include") > column_list[assign(&ast::CreateIndex::include)]) >>
    -nulls_distinct[assign(&ast::CreateIndex::nulls)] >>
    -(kw("where") > open_expression[assign(&ast::CreateIndex::where)])];
// `type t as enum (...)` or `type t as (attributes)`: the body is parsed into its own node,
// then given the name, as an alter action is given its table.
const auto create_type_def =
    omit[kw("type") > qualified_name[assign(&AlterTable::table)] > kw("as") > type_body[assign(&AlterTable::action)]];
const auto enum_body_def = located[kw("enum") > lit('(') > (string_literal % ',')[assign(&ast::CreateEnum::values)] > lit(')')];
const auto composite_attribute_def = located[
    name[assign(&ast::CompositeAttribute::name)] > type_ref[assign(&ast::CompositeAttribute::type)]];
const auto composite_body_def = located[
    lit('(') > -(composite_attribute % ',')[assign(&ast::CreateComposite::attributes)] > lit(')')];
const auto type_body_def = omit[enum_body[as_statement<ast::CreateEnum>()] | composite_body[as_statement<ast::CreateComposite>()]];
const auto finish_create_type = [](auto& context) {
  AlterTable& parts = x3::_attr(context);
  std::visit([&](auto& node) {
    if constexpr (requires { node.name = parts.table; }) {
      node.span.begin = parts.table.span.begin;
      node.name = std::move(parts.table);
    }
  }, parts.action);
  x3::_val(context) = std::move(parts.action);
};
const auto domain_check_def = located[
    ((kw("constraint") > name[assign(&ast::DomainCheck::name)] > kw("check")) | kw("check")) >
    parenthesized_expression[assign(&ast::DomainCheck::check)]];
const auto create_domain_def = located[
    kw("domain") > qualified_name[assign(&ast::CreateDomain::name)] > kw("as") > type_ref[assign(&ast::CreateDomain::type)] >>
    *((kw("not") > kw("null"))[set_nullability(true)] | kw("null")[set_nullability(false)] |
      (kw("default")[given_once([](const ast::CreateDomain& domain) { return domain.default_value.has_value(); }, "default")] >
       expression)[assign(&ast::CreateDomain::default_value)] |
      (kw("collate")[given_once([](const ast::CreateDomain& domain) { return domain.collation.has_value(); }, "collate")] >
       qualified_name)[assign(&ast::CreateDomain::collation)] |
      domain_check[append(&ast::CreateDomain::checks)])];
const auto create_extension_def = located[kw("extension") > name[assign(&ast::CreateExtension::name)]];
const auto create_sequence_def = located[
    kw("sequence") > qualified_name[assign(&ast::CreateSequence::name)] > sequence_options[assign(&ast::CreateSequence::options)]];
const auto alter_sequence_def = located[
    kw("sequence") > qualified_name[assign(&ast::AlterSequence::name)] >
    alter_sequence_options[assign(&ast::AlterSequence::options)]];
const auto view_query_def = located[sql_query];
const auto option_value = as<std::string>("an option's value", quoted_string | x3::lexeme[+(x3::alnum | x3::char_("_.+-"))]);
const auto view_option_def = located[identifier[assign(&ast::ViewOption::name)] >> -(lit('=') > option_value[assign(&ast::ViewOption::value)])];
const auto create_view_def = located[
    -(kw("or") > kw("replace"))[set(&ast::CreateView::or_replace, true)] >>
    ((kw("recursive")[set(&ast::CreateView::recursive, true)] > kw("view")) |
     (-kw("materialized")[set(&ast::CreateView::materialized, true)] >> kw("view"))) >
    qualified_name[assign(&ast::CreateView::name)] >> -column_list[assign(&ast::CreateView::columns)] >>
    -(kw("with") > lit('(') > (view_option % ',')[assign(&ast::CreateView::options)] > lit(')')) > kw("as") >
    view_query[assign(&ast::CreateView::query)] >>
    -(kw("with") > (kw("data") | (kw("no") > kw("data"))[set(&ast::CreateView::with_data, false)] |
                    (kw("local") > kw("check") > kw("option"))[set(&ast::CreateView::check_option, std::string("local"))] |
                    (kw("cascaded") > kw("check") > kw("option"))[set(&ast::CreateView::check_option, std::string("cascaded"))] |
                    (kw("check") > kw("option"))[set(&ast::CreateView::check_option, std::string("cascaded"))]))];
const auto drop_view_def = located[
    -kw("materialized")[set(&ast::DropView::materialized, true)] >> kw("view") >
    -(kw("if") > kw("exists"))[set(&ast::DropView::if_exists, true)] > qualified_name[assign(&ast::DropView::name)] >>
    -kw("cascade")[set(&ast::DropView::cascade, true)]];
const auto set_view_options_def = located[
    kw("view") >> qualified_name[assign(&ast::SetViewOptions::view)] >>
    ((kw("set") > lit('(') > (view_option % ',')[assign(&ast::SetViewOptions::options)] > lit(')')) |
     (kw("reset") > lit('(') > (name % ',')[assign(&ast::SetViewOptions::reset)] > lit(')')))];
const auto view_default_def = located[
    -kw("materialized")[set(&ast::SetViewDefault::materialized, true)] >> kw("view") >> qualified_name[assign(&ast::SetViewDefault::view)] >>
    kw("alter") > -kw("column") > name[assign(&ast::SetViewDefault::column)] >
    ((kw("set") > kw("default") > open_expression[assign(&ast::SetViewDefault::value)]) | (kw("drop") > kw("default")))];
const auto alter_view_def = located[
    -kw("materialized")[set(&ast::RenameView::materialized, true)] >> kw("view") >
    qualified_name[assign(&ast::RenameView::view)] > kw("rename") >
    ((kw("to") > name[assign(&ast::RenameView::new_name)]) |
     (-kw("column") > name[assign(&ast::RenameView::column)] > kw("to") > name[assign(&ast::RenameView::new_name)]))];
const auto refresh_view_def = located[
    kw("refresh") > kw("materialized") > kw("view") > -kw("concurrently")[set(&ast::RefreshView::concurrently, true)] >
    qualified_name[assign(&ast::RefreshView::name)] >>
    -(kw("with") > (kw("data") | (kw("no") > kw("data"))[set(&ast::RefreshView::with_data, false)]))];
// The routine's definition and the trigger's are SQL to the statement's end, read by
// PostgreSQL's parser in the checker.
const auto sql_definition_def = located[sql_query];
const auto create_routine_def = located[
    -(kw("or") > kw("replace"))[set(&ast::CreateRoutine::or_replace, true)] >>
    (kw("function") | kw("procedure")[set(&ast::CreateRoutine::procedure, true)]) >
    qualified_name[assign(&ast::CreateRoutine::name)] > &lit('(') > sql_definition[assign(&ast::CreateRoutine::definition)]];
const auto create_trigger_def = located[
    -(kw("or") > kw("replace"))[set(&ast::CreateTrigger::or_replace, true)] >> kw("trigger") >
    name[assign(&ast::CreateTrigger::name)] > sql_definition[assign(&ast::CreateTrigger::definition)]];
const auto drop_routine_def = located[
    (kw("function") | kw("procedure")[set(&ast::DropRoutine::procedure, true)]) >
    -(kw("if") > kw("exists"))[set(&ast::DropRoutine::if_exists, true)] > qualified_name[assign(&ast::DropRoutine::name)] >>
    -parenthesized_expression[assign(&ast::DropRoutine::arguments)] >>
    -(kw("cascade")[set(&ast::DropRoutine::cascade, true)] | kw("restrict"))];
const auto drop_trigger_def = located[
    kw("trigger") > -(kw("if") > kw("exists"))[set(&ast::DropTrigger::if_exists, true)] > name[assign(&ast::DropTrigger::name)] >
    kw("on") > qualified_name[assign(&ast::DropTrigger::table)] >>
    -(kw("cascade")[set(&ast::DropTrigger::cascade, true)] | kw("restrict"))];
const auto create_policy_def = located[
    kw("policy") > name[assign(&ast::CreatePolicy::name)] > kw("on") > qualified_name[assign(&ast::CreatePolicy::table)] >>
    -sql_definition[assign(&ast::CreatePolicy::definition)]];
const auto drop_policy_def = located[
    kw("policy") > -(kw("if") > kw("exists"))[set(&ast::DropPolicy::if_exists, true)] > name[assign(&ast::DropPolicy::name)] >
    kw("on") > qualified_name[assign(&ast::DropPolicy::table)]];
const auto create_target_def = omit[create_policy[assign_val()] | create_routine[assign_val()] | create_trigger[assign_val()] | create_view[assign_val()] | create_table[assign_val()] | create_index[assign_val()] | create_type[finish_create_type] |
                                    create_domain[assign_val()] |
                                    create_extension[assign_val()] | create_sequence[assign_val()] |
                                    (kw("schema") > name[named<ast::CreateSchema>(&ast::CreateSchema::name)])];
template <ast::CommentKind kind>
auto comment_kind() {
  return set(&ast::Comment::kind, kind);
}
const auto comment_def = located[
    kw("comment") > kw("on") >
    ((kw("table")[comment_kind<ast::CommentKind::table>()] > qualified_name[assign(&ast::Comment::object)]) |
     (kw("column")[comment_kind<ast::CommentKind::column>()] > (name % '.')[([](auto& context) {
        // table.column or schema.table.column
        auto& parts = x3::_attr(context);
        auto& node = x3::_val(context);
        if (parts.size() < 2 || parts.size() > 3) {
          x3::_pass(context) = false;
          return;
        }
        node.member = parts.back();
        const ast::Name& table = parts[parts.size() - 2];
        node.object.span = table.span;
        node.object.name = table.text;
        if (parts.size() == 3 && parts[0].text != "public") node.object.schema = parts[0].text;
      })]) |
     (((kw("materialized") > kw("view"))[comment_kind<ast::CommentKind::materialized_view>()] |
       kw("view")[comment_kind<ast::CommentKind::view>()] | kw("index")[comment_kind<ast::CommentKind::index>()] |
       kw("sequence")[comment_kind<ast::CommentKind::sequence>()] | kw("type")[comment_kind<ast::CommentKind::type>()] |
       kw("domain")[comment_kind<ast::CommentKind::domain>()]) >
      qualified_name[assign(&ast::Comment::object)]) |
     ((kw("function")[comment_kind<ast::CommentKind::function>()] | kw("procedure")[comment_kind<ast::CommentKind::procedure>()]) >
      qualified_name[assign(&ast::Comment::object)] >> -parenthesized_expression[assign(&ast::Comment::arguments)]) |
     ((kw("trigger")[comment_kind<ast::CommentKind::trigger>()] | kw("policy")[comment_kind<ast::CommentKind::policy>()] |
       kw("constraint")[comment_kind<ast::CommentKind::constraint>()]) >
      name[assign(&ast::Comment::member)] > kw("on") >>
      // `domain` only before a name, `is` after it: a table may be called domain.
      -(&(kw("domain") >> qualified_name >> kw("is")) >> as<ast::Name>("`domain`", located[kw("domain")])[assign(&ast::Comment::on_domain)]) >
      qualified_name[assign(&ast::Comment::object)])) >
    kw("is") > (kw("null") | string_literal[assign(&ast::Comment::text)])];

// `grant` and `revoke`: privileges (`all [privileges]` or words, each with the columns it is
// on, if any), `on [<kind>] <objects>`, roles.
const auto privilege_columns = [](auto& context) {
  auto& columns = x3::_attr(context);
  x3::_val(context).privilege_columns.push_back(columns ? std::move(*columns) : std::vector<ast::Name>{});
};
const auto grant_privileges = (&kw("all") >> name[append(&ast::Grant::privileges)] >> -kw("privileges") >> (-column_list)[privilege_columns]) |
                              ((name[append(&ast::Grant::privileges)] >> (-column_list)[privilege_columns]) % ',');
template <ast::GrantTargetKind kind>
auto grant_kind() {
  return set(&ast::Grant::kind, kind);
}
const auto grant_object_def = located[
    qualified_name[assign(&ast::GrantObject::name)] >> -parenthesized_expression[assign(&ast::GrantObject::arguments)]];
const auto grant_objects = kw("on") >
    -(kw("table")[grant_kind<ast::GrantTargetKind::table>()] | kw("sequence")[grant_kind<ast::GrantTargetKind::sequence>()] |
      kw("schema")[grant_kind<ast::GrantTargetKind::schema>()] | kw("function")[grant_kind<ast::GrantTargetKind::function>()] |
      kw("procedure")[grant_kind<ast::GrantTargetKind::procedure>()] | kw("type")[grant_kind<ast::GrantTargetKind::type>()] |
      kw("domain")[grant_kind<ast::GrantTargetKind::domain>()]) >
    (grant_object[append(&ast::Grant::objects)] % ',');
const auto grant_def = located[
    kw("grant") > grant_privileges > grant_objects > kw("to") > (name[append(&ast::Grant::roles)] % ',') >>
    -(kw("with") > kw("grant") > kw("option"))[set(&ast::Grant::grant_option, true)]];
const auto revoke_def = located[
    kw("revoke")[set(&ast::Grant::revoke, true)] >
    -(kw("grant") > kw("option") > kw("for"))[set(&ast::Grant::grant_option, true)] > grant_privileges > grant_objects >
    kw("from") > (name[append(&ast::Grant::roles)] % ',') >> -kw("restrict")];

const auto if_exists = kw("if") > kw("exists");
const auto drop_table_def = located[
    kw("table") > -if_exists[set(&ast::DropTable::if_exists, true)] > qualified_name[assign(&ast::DropTable::name)] >>
    -kw("cascade")[set(&ast::DropTable::cascade, true)]];
const auto drop_index_def = located[kw("index") > -kw("concurrently")[set(&ast::DropIndex::concurrently, true)] >
                                    -if_exists[set(&ast::DropIndex::if_exists, true)] >
                                    qualified_name[assign(&ast::DropIndex::name)]];
const auto drop_type_def = located[
    kw("type") > -if_exists[set(&ast::DropType::if_exists, true)] > qualified_name[assign(&ast::DropType::name)] >>
    -kw("cascade")[set(&ast::DropType::cascade, true)]];
const auto drop_extension_def = located[
    kw("extension") > -if_exists[set(&ast::DropExtension::if_exists, true)] > name[assign(&ast::DropExtension::name)]];
const auto drop_sequence_def = located[
    kw("sequence") > -if_exists[set(&ast::DropSequence::if_exists, true)] > qualified_name[assign(&ast::DropSequence::name)]];
const auto drop_schema_def = located[
    kw("schema") > -if_exists[set(&ast::DropSchema::if_exists, true)] > name[assign(&ast::DropSchema::name)]];
const auto drop_domain_def = located[
    kw("domain") > -if_exists[set(&ast::DropDomain::if_exists, true)] > qualified_name[assign(&ast::DropDomain::name)] >>
    -kw("cascade")[set(&ast::DropDomain::cascade, true)]];
const auto drop_target_def = omit[
    drop_policy[assign_val()] | drop_routine[assign_val()] | drop_trigger[assign_val()] | drop_view[assign_val()] | drop_table[assign_val()] | drop_index[assign_val()] | drop_type[assign_val()] | drop_domain[assign_val()] |
    drop_extension[assign_val()] |
    drop_sequence[assign_val()] | drop_schema[assign_val()]];

// `alter table t <action>`: parsed into AlterTable, then the table name is moved into the action.
// `alter column c <change>`: the change's node learns its column afterwards, as an alter
// action learns its table.
const auto alter_column_clause_def =
    omit[kw("column") > name[assign(&AlterColumn::column)] > alter_column[assign(&AlterColumn::change)]];
const auto finish_alter_column = [](auto& context) {
  AlterColumn& parts = x3::_attr(context);
  std::visit([&](auto& node) {
    if constexpr (requires { node.column = parts.column; }) {
      if (node.span.end == 0) node.span = parts.column.span;
      node.column = std::move(parts.column);
    }
  }, parts.change);
  x3::_val(context) = std::move(parts.change);
};
const auto rename_constraint_def = located[kw("constraint") > name[assign(&ast::RenameConstraint::name)] > kw("to") >
                                           name[assign(&ast::RenameConstraint::new_name)]];
const auto rename_column_def = located[kw("column") > name[assign(&ast::RenameColumn::column)] > kw("to") >
                                       name[assign(&ast::RenameColumn::new_name)]];
const auto generated_when = kw("always")[set(&ast::AlterIdentity::generated, ast::Identity::always)] |
                            (kw("by") > kw("default"))[set(&ast::AlterIdentity::generated, ast::Identity::by_default)];
const auto alter_identity_def = located[
    +(restart_option | (kw("set") >> ((kw("generated") > generated_when) | sequence_option)))];
const auto add_identity_def = located[
    kw("add") >> kw("generated") >
    (kw("always")[set(&ast::AddIdentity::identity, ast::Identity::always)] |
     (kw("by") > kw("default"))[set(&ast::AddIdentity::identity, ast::Identity::by_default)]) >
    kw("as") > kw("identity") >> -identity_sequence_options[assign(&ast::AddIdentity::options)]];
const auto alter_column_def = omit[
    alter_identity[as_statement<ast::AlterIdentity>()] | add_identity[as_statement<ast::AddIdentity>()] |
    (kw("type") > type_ref[([](auto& context) {
       ast::AlterColumnType node;
       node.span = x3::_attr(context).span;
       node.type = std::move(x3::_attr(context));
       x3::_val(context) = std::move(node);
     })] >>
     -(kw("collate") > qualified_name[([](auto& context) {
         std::get<ast::AlterColumnType>(x3::_val(context)).collation = std::move(x3::_attr(context));
       })]) >>
     -(kw("using") > open_expression[([](auto& context) {
         std::get<ast::AlterColumnType>(x3::_val(context)).using_expression = std::move(x3::_attr(context));
       })])) |
    (kw("set") > ((kw("not") > kw("null"))[([](auto& context) { x3::_val(context) = ast::SetNotNull{}; })] |
                  (kw("default") > open_expression[([](auto& context) {
                     ast::SetDefault node;
                     node.span = x3::_attr(context).span;
                     node.value = std::move(x3::_attr(context));
                     x3::_val(context) = std::move(node);
                   })]))) |
    (kw("drop") > ((kw("not") > kw("null"))[([](auto& context) {
                     ast::SetNotNull node;
                     node.not_null = false;
                     x3::_val(context) = std::move(node);
                   })] |
                   kw("default")[([](auto& context) { x3::_val(context) = ast::SetDefault{}; })] |
                   (kw("identity")[([](auto& context) { x3::_val(context) = ast::DropIdentity{}; })] >>
                    -(kw("if") > kw("exists"))[([](auto& context) {
                      std::get<ast::DropIdentity>(x3::_val(context)).if_exists = true;
                    })]) |
                   kw("expression")[([](auto& context) { x3::_val(context) = ast::DropExpression{}; })]))];
// `row level security`, located: the alter action it ends.
const auto row_level_security = as<ast::Name>("`row level security`", located[kw("row") > kw("level") > kw("security")]);
const auto row_security = [](ast::SetRowSecurity::Change change) {
  return [change](auto& context) {
    ast::SetRowSecurity node;
    node.span = x3::_attr(context).span;
    node.change = change;
    x3::_val(context) = std::move(node);
  };
};
const auto logged_keyword = as<ast::Name>("`logged`", located[kw("logged")]);
const auto unlogged_keyword = as<ast::Name>("`unlogged`", located[kw("unlogged")]);
const auto set_logged = [](bool logged) {
  return [logged](auto& context) {
    ast::SetLogged node;
    node.span = x3::_attr(context).span;
    node.logged = logged;
    x3::_val(context) = std::move(node);
  };
};
const auto alter_action_def = omit[
    (kw("add") > ((kw("column") > column_definition[([](auto& context) {
                     ast::AddColumn node;
                     node.span = x3::_attr(context).span;
                     node.column = std::move(x3::_attr(context));
                     x3::_val(context) = std::move(node);
                   })]) |
                  table_constraint[([](auto& context) {
                    ast::AddConstraint node;
                    node.span = x3::_attr(context).span;
                    node.constraint = std::move(x3::_attr(context));
                    x3::_val(context) = std::move(node);
                  })])) |
    (kw("drop") > ((kw("column") > (x3::matches[if_exists] > name)[named_if_exists<ast::DropColumn>(&ast::DropColumn::column)] >>
                    -kw("cascade")[([](auto& context) { std::get<ast::DropColumn>(x3::_val(context)).cascade = true; })]) |
                   (kw("constraint") > (x3::matches[if_exists] > name)[named_if_exists<ast::DropConstraint>(&ast::DropConstraint::name)]))) |
    (kw("validate") > kw("constraint") > name[named<ast::ValidateConstraint>(&ast::ValidateConstraint::name)]) |
    (kw("enable") > ((kw("trigger") > name[named<ast::EnableTrigger>(&ast::EnableTrigger::trigger)]) |
                     row_level_security[row_security(ast::SetRowSecurity::Change::enable)])) |
    (kw("disable") > ((kw("trigger") > name[([](auto& context) {
                         ast::EnableTrigger node;
                         node.span = x3::_attr(context).span;
                         node.trigger = std::move(x3::_attr(context));
                         node.enabled = false;
                         x3::_val(context) = std::move(node);
                       })]) |
                      row_level_security[row_security(ast::SetRowSecurity::Change::disable)])) |
    (kw("force") > row_level_security[row_security(ast::SetRowSecurity::Change::force)]) |
    (kw("set") > (logged_keyword[set_logged(true)] | unlogged_keyword[set_logged(false)])) |
    (kw("no") > kw("force") > row_level_security[row_security(ast::SetRowSecurity::Change::no_force)]) |
    (kw("rename") > ((kw("to") > name[named<ast::RenameTable>(&ast::RenameTable::new_name)]) |
                     rename_constraint[as_statement<ast::RenameConstraint>()] |
                     rename_column[as_statement<ast::RenameColumn>()])) |
    (kw("alter") > alter_column_clause[finish_alter_column])];
const auto alter_table_def =
    omit[kw("table") > qualified_name[assign(&AlterTable::table)] > alter_action[assign(&AlterTable::action)]];
const auto finish_alter = [](auto& context) {
  AlterTable& parts = x3::_attr(context);
  std::visit([&](auto& node) {
    if constexpr (requires { node.table; }) node.table = std::move(parts.table);
  }, parts.action);
  x3::_val(context) = std::move(parts.action);
};

const auto add_enum_value_def = located[
    kw("value") > string_literal[assign(&ast::AddEnumValue::value)] >>
    -((kw("before") > string_literal[assign(&ast::AddEnumValue::before)]) |
      (kw("after") > string_literal[assign(&ast::AddEnumValue::after)]))];
const auto rename_enum_value_def = located[
    kw("value") > string_literal[assign(&ast::RenameEnumValue::value)] > kw("to") >
    string_literal[assign(&ast::RenameEnumValue::new_value)]];
const auto drop_enum_value_def = located[kw("value") > string_literal[assign(&ast::DropEnumValue::value)]];
const auto add_attribute_def = located[kw("attribute") > composite_attribute[assign(&ast::AddAttribute::attribute)]];
const auto drop_attribute_def = located[kw("attribute") > name[assign(&ast::DropAttribute::attribute)]];
const auto rename_attribute_def = located[
    kw("attribute") > name[assign(&ast::RenameAttribute::attribute)] > kw("to") > name[assign(&ast::RenameAttribute::new_name)]];
const auto alter_type_def = omit[
    (kw("add") > (add_enum_value[as_statement<ast::AddEnumValue>()] | add_attribute[as_statement<ast::AddAttribute>()])) |
    (kw("rename") > (rename_enum_value[as_statement<ast::RenameEnumValue>()] |
                     rename_attribute[as_statement<ast::RenameAttribute>()])) |
    (kw("drop") > (drop_enum_value[as_statement<ast::DropEnumValue>()] | drop_attribute[as_statement<ast::DropAttribute>()]))];
const auto finish_alter_type = [](auto& context) {
  AlterTable& parts = x3::_attr(context);
  std::visit([&](auto& node) {
    if constexpr (requires { node.type = parts.table; }) node.type = std::move(parts.table);
  }, parts.action);
  x3::_val(context) = std::move(parts.action);
};

const auto alter_index_target_def = located[
    kw("index") > qualified_name[assign(&ast::RenameIndex::index)] > kw("rename") > kw("to") >
    name[assign(&ast::RenameIndex::new_name)]];

const auto alter_type_target_def =
    omit[kw("type") > qualified_name[assign(&AlterTable::table)] > alter_type[assign(&AlterTable::action)]];

// `alter domain d <change>`: the change learns its domain afterwards.
template <typename Node>
auto domain_change(Node node) {
  return [node](auto& context) { x3::_val(context) = node; };
}
const auto alter_domain_def = omit[
    // ALTER DOMAIN's SET DEFAULT takes any expression, CREATE DOMAIN's DEFAULT a column's.
    (kw("set") > ((kw("default") > open_expression[([](auto& context) {
                     ast::SetDomainDefault node;
                     node.span = x3::_attr(context).span;
                     node.value = std::move(x3::_attr(context));
                     x3::_val(context) = std::move(node);
                   })]) |
                  (kw("not") > kw("null"))[domain_change(ast::SetDomainNotNull{})])) |
    (kw("drop") > (kw("default")[domain_change(ast::SetDomainDefault{})] |
                   (kw("not") > kw("null"))[domain_change(ast::SetDomainNotNull{{}, {}, false})] |
                   // Nothing depends on a domain's constraint: `cascade` and `restrict` drop the same.
                   (kw("constraint") > (x3::matches[if_exists] > name)[named_if_exists<ast::DropDomainConstraint>(&ast::DropDomainConstraint::name)] >>
                    -(kw("cascade") | kw("restrict"))))) |
    (kw("add") > (domain_check > x3::matches[kw("not") > kw("valid")])[([](auto& context) {
       auto& parts = x3::_attr(context);
       ast::AddDomainConstraint node;
       node.span = boost::fusion::at_c<0>(parts).span;
       node.constraint = std::move(boost::fusion::at_c<0>(parts));
       node.not_valid = boost::fusion::at_c<1>(parts);
       x3::_val(context) = std::move(node);
     })]) |
    (kw("validate") > kw("constraint") > name[named<ast::ValidateDomainConstraint>(&ast::ValidateDomainConstraint::name)]) |
    (kw("rename") > ((kw("to") > name[named<ast::RenameDomain>(&ast::RenameDomain::new_name)]) |
                     (kw("constraint") > (name > kw("to") > name)[([](auto& context) {
                        auto& parts = x3::_attr(context);
                        ast::RenameDomainConstraint node;
                        node.span = boost::fusion::at_c<0>(parts).span;
                        node.name = std::move(boost::fusion::at_c<0>(parts));
                        node.new_name = std::move(boost::fusion::at_c<1>(parts));
                        x3::_val(context) = std::move(node);
                      })])))];
const auto alter_domain_target_def =
    omit[kw("domain") > qualified_name[assign(&AlterTable::table)] > alter_domain[assign(&AlterTable::action)]];
const auto finish_alter_domain = [](auto& context) {
  AlterTable& parts = x3::_attr(context);
  std::visit([&](auto& node) {
    if constexpr (requires { node.domain = parts.table; }) {
      if (node.span.end == 0) node.span = parts.table.span;
      node.domain = std::move(parts.table);
    }
  }, parts.action);
  x3::_val(context) = std::move(parts.action);
};

// Data steps: what follows their expressions is their own down, or `irreversible`.
const auto assigned_value_def = located[assignment_fragment];
const auto condition_def = located[condition_fragment];
const auto conflict_predicate_def = located[conflict_predicate_fragment];
const auto assignment_def = located[name[assign(&ast::Assignment::column)] > lit('=') > assigned_value[assign(&ast::Assignment::value)]];
const auto on_conflict_def = located[
    kw("on") > kw("conflict") >>
    -((lit('(') > (index_element % ',')[assign(&ast::OnConflict::keys)] > lit(')') >>
       -(kw("where") > conflict_predicate[assign(&ast::OnConflict::index_where)])) |
      (kw("on") > kw("constraint") > name[assign(&ast::OnConflict::constraint)])) >
    kw("do") > (kw("nothing") | (kw("update") > kw("set") > (assignment % ',')[assign(&ast::OnConflict::assignments)] >>
                                 -(kw("where") > condition[assign(&ast::OnConflict::where)])))];
template <typename Node>
auto data_down() {
  return -((kw("down") > sql_body[assign(&Node::down)]) | kw("irreversible")[set(&Node::irreversible, true)]);
}
const auto insert_rows_def = located[
    kw("insert") > kw("into") > qualified_name[assign(&ast::InsertRows::table)] >
    -column_list[assign(&ast::InsertRows::columns)] >>
    -(kw("overriding") > kw("system") > kw("value"))[set(&ast::InsertRows::overriding_system_value, true)] > kw("values") >
    ((lit('(') > (open_expression % ',') > lit(')')) % ',')[assign(&ast::InsertRows::rows)] >>
    -on_conflict[assign(&ast::InsertRows::on_conflict)] > data_down<ast::InsertRows>()];
const auto update_rows_def = located[
    kw("update") > qualified_name[assign(&ast::UpdateRows::table)] > kw("set") >
    (assignment % ',')[assign(&ast::UpdateRows::assignments)] >>
    -(kw("where") > condition[assign(&ast::UpdateRows::where)]) > data_down<ast::UpdateRows>()];
const auto delete_rows_def = located[
    kw("delete") > kw("from") > qualified_name[assign(&ast::DeleteRows::table)] >>
    -(kw("where") > condition[assign(&ast::DeleteRows::where)]) > data_down<ast::DeleteRows>()];

const auto execute_sql_def = located[
    kw("execute") > -(kw("outside") > kw("transaction"))[set(&ast::ExecuteSql::outside_transaction, true)] >
    sql_body[assign(&ast::ExecuteSql::up)] >
    -((kw("down") > sql_body[assign(&ast::ExecuteSql::down)]) |
      kw("irreversible")[set(&ast::ExecuteSql::irreversible, true)])];

const auto statement_def = omit[
    ((kw("create") > create_target[assign_val()]) | (kw("drop") > drop_target[assign_val()]) |
     (kw("alter") > (alter_table[finish_alter] | alter_type_target[finish_alter_type] | alter_domain_target[finish_alter_domain] |
                     alter_sequence[assign_val()] | alter_index_target[assign_val()] | set_view_options[assign_val()] | view_default[assign_val()] |
                     alter_view[assign_val()])) |
     insert_rows[assign_val()] | update_rows[assign_val()] | refresh_view[assign_val()] | delete_rows[assign_val()] | comment[assign_val()] |
     grant[assign_val()] | revoke[assign_val()] | execute_sql[assign_val()]) > lit(';')];

// `@allow(LockingIndexBuild)` before a statement silences that lint for it.
const auto allow_def = lit('@') >> kw("allow") > lit('(') > (name % ',') > lit(')');

const auto header_def = located[
    kw("revision") > string_literal[assign(&ast::Header::id)] >
    ((kw("revises") > (kw("base") | string_literal[append(&ast::Header::parents)])) |
     (kw("merges")[set(&ast::Header::merge, true)] > (string_literal % ',')[assign(&ast::Header::parents)])) >>
    *((kw("message") > string_literal[assign(&ast::Header::message)]) |
      (kw("depends") > kw("on") > (string_literal % ',')[assign(&ast::Header::dependencies)]) |
      (kw("lock") > kw("timeout") > string_literal[assign(&ast::Header::lock_timeout)]) |
      (kw("statement") > kw("timeout") > string_literal[assign(&ast::Header::statement_timeout)])) >
    lit(';')];

BOOST_SPIRIT_DEFINE(view_query, view_option, create_view, drop_view, set_view_options, view_default, alter_view, refresh_view)
BOOST_SPIRIT_DEFINE(create_policy, drop_policy)
BOOST_SPIRIT_DEFINE(sql_definition, create_routine, drop_routine, create_trigger, drop_trigger)
BOOST_SPIRIT_DEFINE(assignment, assigned_value, condition, conflict_predicate, on_conflict, update_rows, delete_rows)
BOOST_SPIRIT_DEFINE(column_constraint, deferral, nulls_distinct, rename_constraint, drop_sequence, drop_schema,
                    drop_extension, alter_index_target)
BOOST_SPIRIT_DEFINE(type_body, enum_body, composite_body, composite_attribute, domain_check, create_domain, drop_domain,
                    alter_domain, alter_domain_target, add_attribute, drop_attribute, rename_attribute)
BOOST_SPIRIT_DEFINE(parenthesized_expression, function_call_expression, index_element, rename_column, alter_column, add_enum_value,
                    rename_enum_value, drop_enum_value, alter_type, alter_type_target, alter_column_clause, insert_rows,
                    create_extension, create_sequence, alter_sequence, sequence_options, alter_sequence_options,
                    identity_sequence_options, alter_identity, add_identity, comment, grant, revoke, grant_object)
BOOST_SPIRIT_DEFINE(identifier, name, qualified_name, string_literal, sql_body, type_ref, type_name, expression, open_expression,
                    referential_action, references, column_definition, constraint_body, table_constraint,
                    column_list, create_table, create_index, create_type, create_target, drop_table, drop_index,
                    drop_type, drop_target, alter_table, alter_action, execute_sql, statement, allow, header)

// A `/* ... */` comment, nested as PostgreSQL nests them, counted rather than recursed into: a
// revision may nest thousands deep. An unterminated one is no comment (the `/` is then a syntax
// error where it stands).
struct block_comment_parser : x3::parser<block_comment_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    const auto opens = [&](Iterator at, char a, char b) { return at != last && *at == a && std::next(at) != last && *std::next(at) == b; };
    if (!opens(first, '/', '*')) return false;
    Iterator at = std::next(first, 2);
    for (std::size_t depth = 1; depth > 0;) {
      if (at == last) return false;
      if (opens(at, '/', '*')) {
        ++depth;
        std::advance(at, 2);
      } else if (opens(at, '*', '/')) {
        --depth;
        std::advance(at, 2);
      } else {
        ++at;
      }
    }
    first = at;
    return true;
  }
};
const block_comment_parser block_comment{};

// Whitespace and comments, `--` and `/* */`, as PostgreSQL's own between a statement's words.
// Spirit's x3::space and no_case hand a byte to std::isspace/tolower as a signed char, which a
// byte past ASCII makes negative: undefined behaviour (Boost asserts it in debug builds).
const auto skipper = x3::char_(" \t\n\r\f\v") | (lit("--") >> *(x3::char_ - x3::eol) >> (x3::eol | x3::eoi)) | block_comment;

}  // namespace migc::grammar

namespace boost::spirit::x3 {
// A parser with a semantic action describes itself as its subject does.
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
  using result_type = std::string;
  std::string operator()(const action<Subject, Action>& parser) const { return what(parser.subject); }
};

// "expected `down` or `irreversible`": alternatives list their branches, and a sequence is
// described by what it starts with.
template <typename Left, typename Right>
struct get_info<alternative<Left, Right>> {
  using result_type = std::string;
  std::string operator()(const alternative<Left, Right>& parser) const {
    return what(parser.left) + " or " + what(parser.right);
  }
};
template <typename Left, typename Right>
struct get_info<sequence<Left, Right>> {
  using result_type = std::string;
  std::string operator()(const sequence<Left, Right>& parser) const { return what(parser.left); }
};
template <typename Left, typename Right>
struct get_info<expect_directive<sequence<Left, Right>>> {
  using result_type = std::string;
  std::string operator()(const expect_directive<sequence<Left, Right>>& parser) const { return what(parser.subject); }
};

// A list is described by its element; an optional part, by what it would be.
template <typename Left, typename Right>
struct get_info<list<Left, Right>> {
  using result_type = std::string;
  std::string operator()(const list<Left, Right>& parser) const { return what(parser.left); }
};
template <typename Subject>
struct get_info<optional<Subject>> {
  using result_type = std::string;
  std::string operator()(const optional<Subject>& parser) const { return what(parser.subject); }
};
template <typename T, unsigned Radix, unsigned MinDigits, int MaxDigits>
struct get_info<int_parser<T, Radix, MinDigits, MaxDigits>> {
  using result_type = std::string;
  std::string operator()(const int_parser<T, Radix, MinDigits, MaxDigits>&) const { return "an integer"; }
};

template <>
struct get_info<migc::grammar::keyword_parser> {
  using result_type = std::string;
  std::string operator()(const migc::grammar::keyword_parser& parser) const {
    return "`" + std::string(parser.word) + "`";
  }
};
}  // namespace boost::spirit::x3
