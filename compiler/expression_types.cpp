// PostgreSQL's resolution of casts, operators and function calls (parse_coerce.c,
// parse_oper.c, parse_func.c), for the cases it settles without implicit coercions: an exact
// match, or the one candidate whose parameters are exactly the arguments' known types once its
// untyped literals are given their preferred category. Anything else is left unsure.
#include "compiler/expression_types.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "compiler/postgres_catalog.hpp"
#include "compiler/sql_parser.hpp"

namespace migc {
namespace {

using NodeKind = SqlExpressionNode::Kind;

// What is known of one node's value: its type; or that it is an untyped literal (a string or
// NULL), which takes the type its context wants; or nothing.
struct Typed {
  enum class State { unsure, literal, known };
  State state = State::unsure;
  SqlType type;
};

Typed known(SqlType type) { return {Typed::State::known, std::move(type)}; }

bool is_array(std::string_view type) { return type.ends_with("[]"); }

// pg_type.typcategory and typispreferred of a parameter's type.
std::pair<char, bool> category_of(std::string_view type) {
  if (is_array(type)) return {'A', false};
  const CatalogType* entry = catalog_type_formatted(type);
  return entry == nullptr ? std::pair{'\0', false} : std::pair{entry->category, entry->preferred};
}

std::vector<std::string_view> split_types(std::string_view joined) {
  std::vector<std::string_view> types;
  while (!joined.empty()) {
    const auto comma = joined.find(',');
    types.push_back(joined.substr(0, comma));
    joined = comma == std::string_view::npos ? std::string_view() : joined.substr(comma + 1);
  }
  return types;
}

struct Candidate {
  std::vector<std::string_view> parameters;
  std::string_view result;
  bool immutable = false;
  std::string_view declared;  // its arguments as declared, where the parameters spread them
};

bool matches_exactly(const Typed& input, std::string_view parameter) {
  return input.state == Typed::State::known && !input.type.enumeration && input.type.name == parameter;
}

class Inference {
 public:
  Inference(const std::vector<SqlExpressionNode>& nodes, const TypingContext& context) : nodes_(nodes), context_(context) {}

  ExpressionTyping run() {
    std::vector<Typed> typed(nodes_.size());
    // Children come after their parents: from the last node back, each meets its children typed.
    for (std::size_t i = nodes_.size(); i-- > 0;) typed[i] = type_of(nodes_[i], typed);
    for (std::size_t i = 0; i < nodes_.size(); ++i) call_parts(nodes_[i], typed[i]);
    ExpressionTyping result;
    if (!typed.empty() && typed[0].state == Typed::State::known) result.type = typed[0].type;
    std::sort(found_.begin(), found_.end(), [](const MutablePart& a, const MutablePart& b) { return a.offset < b.offset; });
    result.mutable_parts = std::move(found_);
    std::sort(unmatched_.begin(), unmatched_.end(), [](const UnmatchedCall& a, const UnmatchedCall& b) { return a.offset < b.offset; });
    result.unmatched = std::move(unmatched_);
    result.impossible_casts = std::move(impossible_casts_);
    result.not_boolean = std::move(not_boolean_);
    result.mismatched = std::move(mismatched_);
    result.literals = std::move(literals_);
    result.ambiguous = std::move(ambiguous_);
    result.compared = std::move(compared_);
    result.not_arrays = std::move(not_arrays_);
    return result;
  }

  // Where a node of the expression is written: from its first named part to its last.
  std::pair<std::size_t, std::size_t> written(std::size_t index) const {
    std::size_t first = std::string::npos;
    std::size_t last = 0;
    for (std::vector<std::size_t> pending{index}; !pending.empty();) {
      const SqlExpressionNode& part = nodes_[pending.back()];
      pending.pop_back();
      first = std::min(first, part.offset);
      last = std::max(last, part.offset);
      pending.insert(pending.end(), part.children.begin(), part.children.end());
    }
    return {first, last};
  }

  // A call's FILTER is a boolean; what its DISTINCT, its window's PARTITION BY and ORDER BY (or
  // its own) compare needs an equality or an ordering of its type.
  void call_parts(const SqlExpressionNode& node, const Typed& typed) {
    if (typed.state != Typed::State::known || node.in_query) return;
    const auto [first, last] = written(static_cast<std::size_t>(&node - nodes_.data()));
    if (node.part == "FILTER" && typed.type.name != "boolean") not_boolean_.push_back({first, last, "FILTER", typed.type.name});
    if (node.part == "PARTITION BY" || node.part == "ORDER BY") compared_.push_back({first, typed.type, node.part, node.part == "ORDER BY"});
  }

  // The string constants among `node`'s first `count` children, each read as the type
  // `type_of_child` says (a built-in one, not polymorphic); unless `beside_columns`, only where
  // none of them is a column (a column compared with constants is checked elsewhere).
  void coerced(const SqlExpressionNode& node, std::size_t count, const std::function<std::optional<SqlType>(std::size_t)>& type_of_child,
               bool beside_columns = false) {
    for (std::size_t i = 0; i < count && i < node.children.size() && !beside_columns; ++i) {
      if (nodes_[node.children[i]].kind == NodeKind::column) return;
    }
    for (std::size_t i = 0; i < count && i < node.children.size(); ++i) {
      const SqlExpressionNode& child = nodes_[node.children[i]];
      if (child.kind != NodeKind::constant || child.constant != SqlConstant::Kind::string || child.in_query) continue;
      const auto type = type_of_child(i);
      if (!type || type->name.starts_with("any") || type->name == "\"any\"" || type->name == "record" || type->name == "text") continue;
      literals_.push_back({child.offset, child.value, *type});
    }
  }

  // The implicit cast PostgreSQL applies to bring a value of a known type to `target` (an
  // argument to its parameter, a CASE's value to the common type) runs its cast function, whose
  // volatility counts as the expression's: timestamp to timestamptz is stable.
  void implicitly_cast(const SqlExpressionNode& node, std::size_t length, const Typed& value, const std::optional<SqlType>& target) {
    if (value.state != Typed::State::known || !target || value.type == *target || value.type.enumeration || target->enumeration) return;
    for (const auto& entry : catalog_casts(value.type.name)) {
      if (entry.target != target->name || !available(entry.extension)) continue;
      if (entry.method == 'f' && !entry.immutable) {
        report(node, length, fmt::format("{}::{}", value.type.name, target->name),
               fmt::format("PostgreSQL casts the {} to {} implicitly, and the cast calls function `{}`, which is not immutable", value.type.name,
                           target->name, entry.function));
      }
      return;
    }
  }

  // A polymorphic overload's volatility is not what PostgreSQL judges: `text || anynonarray` is
  // a stable SQL function it inlines into an immutable cast and `||` before it looks.
  static bool polymorphic(const Candidate& candidate) {
    return std::ranges::any_of(candidate.parameters, [](std::string_view parameter) {
      return parameter.starts_with("any") || parameter == "\"any\"" || parameter == "record";
    });
  }

  // Arguments' types as PostgreSQL's messages spell them: an untyped literal is `unknown`.
  static std::vector<std::string_view> spelled(const std::vector<Typed>& inputs) {
    std::vector<std::string_view> types;
    for (const auto& input : inputs) types.push_back(input.state == Typed::State::known ? std::string_view(input.type.name) : "unknown");
    return types;
  }

  std::optional<SqlType> common_of(const SqlType& first, const SqlType& second) {
    if (first != second && (category_of(first.name).first == '\0' || category_of(second.name).first == '\0')) return std::nullopt;
    const std::size_t reported = mismatched_.size();
    const Typed typed = common_type(SqlExpressionNode{}, {known(first), known(second)}, "");
    const bool matched = mismatched_.size() == reported;
    mismatched_.resize(reported);
    if (typed.state != Typed::State::known || !matched) return std::nullopt;
    return typed.type;
  }

  // enforce_generic_type_consistency(): the types a chosen overload's polymorphic parameters and
  // result take from the arguments: the anyelement family from the element type its typed
  // arguments name, the anycompatible family from their common type (text where all are
  // untyped literals). None where this cannot tell, nor for an array of an enum.
  struct Resolved {
    std::vector<std::optional<SqlType>> parameters;
    std::optional<SqlType> result;
  };
  Resolved resolve(const Candidate& candidate, const std::vector<Typed>& inputs) {
    static const std::set<std::string_view> element_family{"anyelement", "anynonarray", "anyenum", "anyarray"};
    static const std::set<std::string_view> compatible_family{"anycompatible", "anycompatiblenonarray", "anycompatiblearray"};
    std::optional<SqlType> element;
    std::optional<SqlType> compatible;
    bool element_certain = true;
    bool compatible_certain = true;
    bool compatible_used = false;
    for (std::size_t i = 0; i < inputs.size() && i < candidate.parameters.size(); ++i) {
      const std::string_view parameter = candidate.parameters[i];
      const bool of_element = element_family.contains(parameter) || parameter == "anyrange" || parameter == "anymultirange";
      const bool of_compatible = compatible_family.contains(parameter) || parameter.starts_with("anycompatible");
      if (!of_element && !of_compatible) continue;
      compatible_used = compatible_used || of_compatible;
      bool& certain = of_element ? element_certain : compatible_certain;
      if (inputs[i].state == Typed::State::literal) continue;
      const SqlType& type = inputs[i].type;
      if (inputs[i].state != Typed::State::known || parameter.ends_with("range") || (parameter.ends_with("array") && !is_array(type.name))) {
        certain = false;
        continue;
      }
      SqlType named = parameter.ends_with("array") ? SqlType{type.name.substr(0, type.name.size() - 2)} : type;
      if (of_element) {
        if (!element) element = std::move(named);
      } else if (!compatible) {
        compatible = std::move(named);
      } else if (*compatible != named) {
        compatible = common_of(*compatible, named);
        if (!compatible) compatible_certain = false;
      }
    }
    if (!element_certain) element.reset();
    if (!compatible_certain) {
      compatible.reset();
    } else if (compatible_used && !compatible) {
      compatible = SqlType{"text"};
    }
    const auto type_of = [&](std::string_view declared) -> std::optional<SqlType> {
      const bool of_element = element_family.contains(declared);
      if (!of_element && !compatible_family.contains(declared)) {
        if (declared.starts_with("any") || declared == "\"any\"" || declared == "record" || declared == "void") return std::nullopt;
        return SqlType{std::string(declared)};
      }
      const std::optional<SqlType>& resolved = of_element ? element : compatible;
      if (!resolved || !declared.ends_with("array")) return resolved;
      if (resolved->enumeration || is_array(resolved->name)) return std::nullopt;
      return SqlType{resolved->name + "[]"};
    };
    Resolved resolved;
    for (const auto& parameter : candidate.parameters) resolved.parameters.push_back(type_of(parameter));
    resolved.result = type_of(candidate.result);
    return resolved;
  }

  // func_match_argtypes() and func_select_candidate(): the candidates that take the arguments
  // through implicit casts; among several, those with the most exact matches, then the most
  // preferred types of the arguments' categories where a cast is needed, then, for untyped
  // literals, the string category (or the one category all take) and its preferred type; last,
  // the candidate taking every argument as the one type the typed ones share. One left is
  // PostgreSQL's choice; none, or several (42725, "is not unique"), are not chosen.
  // `ambiguous`: set where PostgreSQL fails to choose among several (42725), as far as this can tell.
  const Candidate* choose(const std::vector<Candidate>& candidates, const std::vector<Typed>& inputs, bool* ambiguous = nullptr) const {
    for (const auto& input : inputs) {
      if (input.state == Typed::State::unsure) return nullptr;
    }
    const auto literal = [&](std::size_t i) { return inputs[i].state == Typed::State::literal; };
    std::vector<const Candidate*> kept;
    for (const auto& candidate : candidates) {
      bool takes = candidate.parameters.size() == inputs.size();
      for (std::size_t i = 0; takes && i < inputs.size(); ++i) takes = literal(i) || coercible(inputs[i].type, candidate.parameters[i]);
      if (takes && polymorphic_agree(candidate, inputs) && compatible_agree(candidate, inputs)) kept.push_back(&candidate);
    }
    // The most positions that score, of those whose parameters say something; all if none does.
    const auto keep_best = [&](const std::function<bool(const Candidate&, std::size_t)>& scores) {
      std::size_t best = 0;
      std::vector<std::pair<const Candidate*, std::size_t>> counted;
      for (const Candidate* candidate : kept) {
        std::size_t count = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) count += scores(*candidate, i) ? 1 : 0;
        best = std::max(best, count);
        counted.emplace_back(candidate, count);
      }
      if (best == 0) return;
      kept.clear();
      for (const auto& [candidate, count] : counted) {
        if (count == best) kept.push_back(candidate);
      }
    };
    if (kept.size() > 1) keep_best([&](const Candidate& c, std::size_t i) { return matches_exactly(inputs[i], c.parameters[i]); });
    if (kept.size() > 1) {
      keep_best([&](const Candidate& c, std::size_t i) {
        if (literal(i)) return false;
        if (matches_exactly(inputs[i], c.parameters[i])) return true;
        const auto [category, preferred] = category_of(c.parameters[i]);
        return preferred && category != '\0' && category == category_of(inputs[i].type.name).first && !inputs[i].type.enumeration;
      });
    }
    if (kept.size() <= 1) return kept.empty() ? nullptr : kept.front();
    std::vector<std::size_t> literals;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (literal(i)) literals.push_back(i);
    }
    const auto fails = [&]() -> const Candidate* {
      // Polymorphic parameters, types the catalog does not know and enums: not followed closely enough.
      bool certain = true;
      for (const Candidate* c : kept) {
        for (const auto parameter : c->parameters) certain = certain && category_of(parameter).first != '\0' && category_of(parameter).first != 'P';
      }
      for (const auto& input : inputs) certain = certain && (input.state == Typed::State::literal || (!input.type.enumeration && category_of(input.type.name).first != '\0'));
      if (ambiguous != nullptr) *ambiguous = certain;
      return nullptr;
    };
    if (literals.empty()) return fails();
    std::vector<std::pair<char, bool>> slots;
    bool resolved = true;
    for (const std::size_t i : literals) {
      char slot = '\0';
      bool slot_preferred = false;
      bool conflict = false;
      for (std::size_t n = 0; n < kept.size(); ++n) {
        const auto [category, preferred] = category_of(kept[n]->parameters[i]);
        if (category == '\0') return nullptr;
        if (n == 0) {
          slot = category;
          slot_preferred = preferred;
        } else if (category == slot) {
          slot_preferred = slot_preferred || preferred;
        } else if (category == 'S') {
          slot = category;
          slot_preferred = preferred;
        } else {
          conflict = true;
        }
      }
      if (conflict && slot != 'S') {
        resolved = false;
        break;
      }
      slots.emplace_back(slot, slot_preferred);
    }
    if (resolved) {
      std::vector<const Candidate*> fitting = kept;
      std::erase_if(fitting, [&](const Candidate* c) {
        for (std::size_t n = 0; n < literals.size(); ++n) {
          const auto [category, preferred] = category_of(c->parameters[literals[n]]);
          if (category != slots[n].first || (slots[n].second && !preferred)) return true;
        }
        return false;
      });
      if (fitting.size() == 1) return fitting.front();
      if (!fitting.empty()) kept = std::move(fitting);
    }
    // Last: the typed arguments share one type, and the literals are taken as it.
    std::optional<SqlType> shared;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (literal(i)) continue;
      if (shared && *shared != inputs[i].type) return fails();
      shared = inputs[i].type;
    }
    if (!shared) return fails();
    const std::vector<Typed> assumed(inputs.size(), known(*shared));
    const Candidate* match = nullptr;
    for (const Candidate* c : kept) {
      bool takes = true;
      for (std::size_t i = 0; takes && i < inputs.size(); ++i) takes = coercible(*shared, c->parameters[i]);
      if (!takes || !polymorphic_agree(*c, assumed)) continue;
      if (match != nullptr) return fails();
      match = c;
    }
    return match != nullptr ? match : fails();
  }

 private:
  Typed type_of(const SqlExpressionNode& node, const std::vector<Typed>& typed) {
    std::vector<Typed> inputs;
    for (const std::size_t child : node.children) {
      if (!nodes_[child].part.empty()) continue;  // not an argument of its call
      inputs.push_back(typed[child]);
      if (node.distinct && typed[child].state == Typed::State::known && !node.in_query) {
        compared_.push_back({written(child).first, typed[child].type, "DISTINCT", false});
      }
    }
    switch (node.kind) {
      case NodeKind::column: {
        if (node.in_query) return {};  // maybe a column of a table the subquery reads
        const auto type = context_.column_type(node.names);
        return type ? known(*type) : Typed{};
      }
      case NodeKind::constant: return constant(node);
      case NodeKind::cast: return cast(node, inputs.empty() ? Typed{} : inputs[0]);
      case NodeKind::operation: return operation(node, inputs);
      case NodeKind::function: return function(node, inputs);
      case NodeKind::boolean:
        compared(node, inputs);
        for (std::size_t i = 0; node.logic && !node.names.empty() && i < inputs.size() && i < node.children.size(); ++i) {
          if (inputs[i].state == Typed::State::known && inputs[i].type.name != "boolean") {
            const auto [first, last] = written(node.children[i]);
            not_boolean_.push_back({first, last, node.names[0], inputs[i].type.name});
          }
        }
        return known({"boolean"});
      case NodeKind::value: return node.names.empty() ? Typed{} : known({node.names[0]});
      case NodeKind::array: return array(node, inputs);
      case NodeKind::choice:
        compared(node, inputs);
        return common_type(node, {inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(std::min(node.results, inputs.size()))},
                           node.names.empty() ? "CASE" : node.names[0]);
      case NodeKind::other: return subquery(node, typed);
    }
    return {};
  }

  // A subquery's value: its one output's type (a scalar subquery), an array of it, or a boolean
  // (EXISTS, IN, ANY, ALL, whose operator takes the test and the output as any operator would).
  Typed subquery(const SqlExpressionNode& node, const std::vector<Typed>& typed) {
    if (node.sublink.empty() || node.in_query) return {};
    if (node.sublink == "EXISTS") return known({"boolean"});
    std::optional<SqlType> output;
    if (node.subquery_output && context_.subquery_type) output = context_.subquery_type(*node.subquery_output);
    if (node.sublink == "EXPR") return output ? known(*output) : Typed{};
    if (node.sublink == "ARRAY") return output && !output->enumeration && !is_array(output->name) ? known({output->name + "[]"}) : Typed{};
    if (node.sublink != "ANY" && node.sublink != "ALL") return {};
    if (output && !node.children.empty() && nodes_[node.children[0]].part == "test") {
      SqlExpressionNode comparison = node;
      comparison.kind = NodeKind::operation;
      comparison.children = {node.children[0]};
      operation(comparison, {typed[node.children[0]], known(*output)});
    }
    return known({"boolean"});
  }

  // select_common_type(): the type PostgreSQL gives a CASE's results, COALESCE's, GREATEST's or
  // LEAST's arguments, an ARRAY's elements (`construct`). Values of two categories cannot be
  // matched, whatever the others are; the type chosen is certain when every value's type is.
  Typed common_type(const SqlExpressionNode& node, const std::vector<Typed>& values, std::string_view construct) {
    if (values.empty()) return {};
    const auto category = [](const SqlType& type) { return type.enumeration ? std::pair{'E', false} : category_of(type.name); };
    const Typed* first = nullptr;
    bool certain = true;
    bool same = true;
    for (const auto& value : values) {
      if (value.state == Typed::State::unsure) certain = false;
      if (value.state != Typed::State::known) {
        same = false;
        continue;
      }
      if (first == nullptr) {
        first = &value;
      } else if (value.type != first->type) {
        same = false;
        const char known_category = category(first->type).first;
        const char other = category(value.type).first;
        if (known_category != '\0' && other != '\0' && known_category != other) {
          mismatched_.push_back({node.offset, std::string(construct), first->type.name, value.type.name, false});
          return {};
        }
      }
    }
    if (!certain) return {};
    if (first == nullptr) return known({"text"});
    if (same) return *first;
    SqlType chosen = first->type;
    for (const auto& value : values) {
      if (value.state != Typed::State::known || value.type == chosen) continue;
      if (!category(chosen).second && coercible(chosen, value.type.name) && !coercible(value.type, chosen.name)) chosen = value.type;
    }
    if (!construct.empty()) coerced(node, values.size(), [&](std::size_t) { return std::optional(chosen); }, true);
    if (!construct.empty()) {
      for (const auto& value : values) implicitly_cast(node, construct == "CASE" ? 0 : construct.size(), value, chosen);
    }
    for (const auto& value : values) {
      if (value.state != Typed::State::known || value.type == chosen) continue;
      // An enum casts to no other: coercible() cannot tell the chain's types from one another.
      if (!(value.type.enumeration && chosen.enumeration) && coercible(value.type, chosen.name)) continue;
      mismatched_.push_back({node.offset, std::string(construct), chosen.name, value.type.name, true});
      return {};
    }
    return known(chosen);
  }

  Typed array(const SqlExpressionNode& node, const std::vector<Typed>& elements) {
    const Typed element = common_type(node, elements, "ARRAY");
    // An array of an enum is not a type this names.
    if (element.state != Typed::State::known || is_array(element.type.name) || element.type.enumeration) return {};
    return known({element.type.name + "[]"});
  }

  static Typed constant(const SqlExpressionNode& node) {
    using Constant = SqlConstant::Kind;
    switch (node.constant) {
      case Constant::string:
      case Constant::null: return {Typed::State::literal, {}};
      case Constant::integer: return known({"integer"});
      case Constant::boolean: return known({"boolean"});
      case Constant::bits: return known({"bit"});
      case Constant::number: {
        // make_const(): an integer too long for the lexer's int4 (the grammar negates one, so
        // -2147483648 comes here) is int4 or int8 where it fits, else numeric.
        const bool negative = node.value.starts_with('-');
        const std::string_view digits = std::string_view(node.value).substr(negative ? 1 : 0);
        const bool integral = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
        const auto within = [&](std::string_view limit) { return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit); };
        if (integral && within(negative ? "2147483648" : "2147483647")) return known({"integer"});
        return known({integral && within(negative ? "9223372036854775808" : "9223372036854775807") ? "bigint" : "numeric"});
      }
    }
    return {};
  }

  bool available(std::string_view extension) const { return extension.empty() || context_.extension_available(extension); }

  // The type a cast names: PostgreSQL's own first (pg_catalog leads the search path), then the chain's.
  std::optional<SqlType> named_type(const SqlExpressionNode& node) const {
    const auto& names = node.names;
    if (names.empty() || names.size() > 2) return std::nullopt;
    const std::string schema = names.size() == 2 ? names[0] : std::string();
    const auto suffix = node.array ? "[]" : "";
    if (schema.empty() || schema == "pg_catalog") {
      for (const auto& entry : catalog_types(names.back())) {
        if (entry.extension.empty()) return SqlType{std::string(entry.formatted) + suffix};
      }
    }
    if (auto type = context_.chain_type(names)) {
      if (node.array && type->enumeration) return std::nullopt;
      type->name += suffix;
      return type;
    }
    if (schema.empty() || schema == "public") {
      for (const auto& entry : catalog_types(names.back())) {
        if (!entry.extension.empty() && available(entry.extension)) return SqlType{std::string(entry.formatted) + suffix};
      }
    }
    return std::nullopt;
  }

  void report(const SqlExpressionNode& node, std::size_t length, std::string what, std::string why) {
    found_.push_back({node.offset, length, std::move(what), std::move(why)});
  }

  Typed cast(const SqlExpressionNode& node, const Typed& input) {
    const auto target = named_type(node);
    if (!target) return {};
    // A literal is read by the target's input function as the expression is parsed: a constant.
    if (input.state != Typed::State::known) return input.state == Typed::State::literal ? known(*target) : Typed{};
    const SqlType& source = input.type;
    if (source == *target) return known(*target);  // at most a length coercion, all immutable
    const std::string what = fmt::format("{}::{}", source.name, target->name);
    if (is_array(source.name) != is_array(target->name)) {
      // Between an array and a string type, through array_out or array_in: stable (they look
      // up the element type's functions).
      const bool through_array_io = is_array(source.name) ? category_of(target->name).first == 'S' : category_of(source.name).first == 'S';
      if (through_array_io) {
        report(node, 0, what, fmt::format("the cast goes through the array's text form, and array_{} is not immutable",
                                          is_array(source.name) ? "out" : "in"));
      }
      return known(*target);
    }
    if (is_array(source.name)) return known(*target);
    if (!source.enumeration && !target->enumeration) {
      for (const auto& entry : catalog_casts(source.name)) {
        if (entry.target != target->name || !available(entry.extension)) continue;
        if (entry.method == 'f' && !entry.immutable) {
          report(node, 0, what, fmt::format("the cast calls function `{}`, which is not immutable", entry.function));
        } else if (entry.method == 'i') {
          through_text(node, what, source, *target);
        }
        return known(*target);
      }
    }
    // Without a cast of its own, PostgreSQL casts to or from a string type through text.
    const auto category = [](const SqlType& type) { return type.enumeration ? 'E' : category_of(type.name).first; };
    if (category(*target) == 'S' || category(source) == 'S') {
      through_text(node, what, source, *target);
    } else if (!context_.chain_operators_or_casts && known_to_catalog(source) && known_to_catalog(*target)) {
      impossible_casts_.push_back({node.offset, source.name, target->name});
    }
    return known(*target);
  }

  // A type whose casts the catalog holds all of: PostgreSQL's own, or the chain's enums (which
  // have none but through text). An extension's types may have casts of the extension's.
  static bool known_to_catalog(const SqlType& type) {
    if (type.enumeration) return true;
    const CatalogType* entry = catalog_type_formatted(type.name);
    return entry != nullptr && entry->extension.empty();
  }

  void through_text(const SqlExpressionNode& node, const std::string& what, const SqlType& source, const SqlType& target) {
    const auto immutable = [](const SqlType& type, bool output) {
      if (type.enumeration) return false;  // enum_in and enum_out read pg_enum: stable
      const CatalogType* entry = catalog_type_formatted(type.name);
      return entry == nullptr || (output ? entry->output_immutable : entry->input_immutable);
    };
    if (!immutable(source, true)) {
      report(node, 0, what, fmt::format("the cast writes the {} as text, and its output function is not immutable", source.name));
    } else if (!immutable(target, false)) {
      report(node, 0, what, fmt::format("the cast reads the {} from text, and its input function is not immutable", target.name));
    }
  }

  // `in`, `between`, `is distinct from`, `= any (...)`: each comparison they make needs its
  // operator, as PostgreSQL resolves it (transformAExprIn(), transformAExprBetween(), ...).
  void compared(const SqlExpressionNode& node, std::vector<Typed> inputs) {
    using Comparison = SqlExpressionNode::Comparison;
    const bool simple_case = node.kind == NodeKind::choice;
    if (simple_case) inputs.erase(inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(std::min(node.results, inputs.size())));
    if (node.comparison == Comparison::none || (node.names.empty() && !simple_case) || node.names.size() > 2 || inputs.size() < 2) return;
    if (context_.chain_operators_or_casts || (node.names.size() == 2 && node.names[0] != "pg_catalog")) return;
    const std::string form = simple_case ? "=" : node.names.back();
    const auto compare = [&](const std::string& name, const Typed& left, const Typed& right) {
      std::vector<Candidate> candidates;
      for (const auto& entry : catalog_operators(name)) {
        if (!entry.left.empty() && available(entry.extension)) candidates.push_back({{entry.left, entry.right}, entry.result, entry.immutable, {}});
      }
      unmatched(node, 0, candidates, {left, right}, [&](const std::vector<std::string_view>& types) {
        return fmt::format("{} {} {}", types[0], name, types[1]);
      }, false);
    };
    if (node.comparison == Comparison::each_element) {
      // Of an array whose type is known: a subquery's rows, or an untyped '{...}', are PostgreSQL's to judge.
      if (inputs[1].state != Typed::State::known) return;
      if (!is_array(inputs[1].type.name)) {
        // int2vector and oidvector are arrays to PostgreSQL too; a polymorphic type is whatever it is given.
        const std::string& type = inputs[1].type.name;
        if (type != "int2vector" && type != "oidvector" && !type.starts_with("any")) not_arrays_.push_back({node.offset, type});
        return;
      }
      const std::string& array = inputs[1].type.name;
      compare(form, inputs[0], known({array.substr(0, array.size() - 2)}));
    } else if (form.find("BETWEEN") != std::string::npos) {
      if (inputs.size() != 3) return;
      const bool negated = form.starts_with("NOT");
      compare(negated ? "<" : ">=", inputs[0], inputs[1]);
      compare(negated ? ">" : "<=", inputs[0], inputs[2]);
    } else {
      for (std::size_t i = 1; i < inputs.size(); ++i) compare(form, inputs[0], inputs[i]);
    }
  }

  Typed operation(const SqlExpressionNode& node, std::vector<Typed> inputs) {
    if (node.names.empty() || (node.names.size() == 2 && node.names[0] != "pg_catalog") || node.names.size() > 2) return {};
    const std::string& name = node.names.back();
    // No operator of that name at all: often a run of operator characters the lexer reads as
    // one (`c !=-1` is `c !=- 1`).
    if (catalog_operators(name).empty() && !context_.chain_operators_or_casts) {
      unmatched_.push_back(UnmatchedCall{node.offset, name.size(), name, false, {}});
      return {};
    }
    std::vector<Candidate> candidates;
    for (const bool built_in : {true, false}) {
      for (const auto& entry : catalog_operators(name)) {
        if (entry.extension.empty() != built_in || entry.left.empty() != node.prefix || !available(entry.extension)) continue;
        Candidate candidate{{}, entry.result, entry.immutable, {}};
        if (!node.prefix) candidate.parameters.push_back(entry.left);
        candidate.parameters.push_back(entry.right);
        if (std::ranges::any_of(candidates, [&](const Candidate& other) { return other.parameters == candidate.parameters; })) continue;
        candidates.push_back(std::move(candidate));
      }
    }
    const Candidate* chosen = nullptr;
    // binary_oper_exact(): an untyped literal beside a known type is first tried as that type.
    if (inputs.size() == 2 && (inputs[0].state == Typed::State::literal) != (inputs[1].state == Typed::State::literal)) {
      const Typed& other = inputs[0].state == Typed::State::literal ? inputs[1] : inputs[0];
      if (other.state == Typed::State::known && !other.type.enumeration) {
        for (const auto& candidate : candidates) {
          if (candidate.parameters[0] == other.type.name && candidate.parameters[1] == other.type.name) chosen = &candidate;
        }
      }
    }
    bool ambiguous = false;
    if (chosen == nullptr) chosen = choose(candidates, inputs, &ambiguous);
    if (chosen == nullptr && ambiguous && !context_.chain_operators_or_casts) {
      const std::vector<std::string_view> types = spelled(inputs);
      ambiguous_.push_back({node.offset, name.size(), node.prefix ? fmt::format("{} {}", name, types[0]) : fmt::format("{} {} {}", types[0], name, types[1]), false, {}});
      return {};
    }
    if (chosen == nullptr) {
      if (!context_.chain_operators_or_casts) {
        unmatched(node, name.size(), candidates, inputs, [&](const std::vector<std::string_view>& types) {
          return node.prefix ? fmt::format("{} {}", name, types[0]) : fmt::format("{} {} {}", types[0], name, types[1]);
        }, false);
      }
      return {};
    }
    // A column compared with constants is checked where comparisons are.
    static const std::set<std::string_view> comparisons{"=", "<>", "!=", "<", "<=", ">", ">="};
    const Resolved resolved = resolve(*chosen, inputs);
    coerced(node, inputs.size(), [&](std::size_t i) { return i < resolved.parameters.size() ? resolved.parameters[i] : std::nullopt; },
            !comparisons.contains(name));
    for (std::size_t i = 0; i < inputs.size() && i < resolved.parameters.size(); ++i) implicitly_cast(node, name.size(), inputs[i], resolved.parameters[i]);
    if (!chosen->immutable && !polymorphic(*chosen)) {
      const std::string what = node.prefix ? fmt::format("{} {}", name, chosen->parameters[0])
                                           : fmt::format("{} {} {}", chosen->parameters[0], name, chosen->parameters[1]);
      report(node, name.size(), what, "the function behind the operator is not immutable");
    }
    if (node.nullif) return !resolved.parameters.empty() && resolved.parameters[0] ? known(*resolved.parameters[0]) : Typed{};
    return resolved.result ? known(*resolved.result) : Typed{};
  }

  Typed function(const SqlExpressionNode& node, const std::vector<Typed>& inputs) {
    if (node.names.empty() || node.names.size() > 2) return {};
    const std::string& name = node.names.back();
    const std::string schema = node.names.size() == 2 ? node.names[0] : std::string();
    if (schema != "" && schema != "pg_catalog" && schema != "public") return {};
    if (context_.chain_function(name)) return {};
    // The candidates' types view these texts, which must outlive them.
    std::optional<std::vector<std::string>> signatures;
    std::vector<Candidate> chain;
    if (schema != "pg_catalog" && context_.chain_signatures) {
      signatures = context_.chain_signatures(name);
      if (!signatures) return {};
      for (const auto& arguments : *signatures) {
        std::vector<std::string_view> parameters = split_types(arguments);
        constexpr std::string_view variadic = "variadic ";
        if (parameters.empty() || !parameters.back().starts_with(variadic)) {
          chain.push_back({std::move(parameters), {}, false, {}});
          continue;
        }
        // Called without VARIADIC, as one: each argument past the others is an element of its
        // array (`variadic xs anyarray` takes no array: no array of arrays).
        std::string_view spread = parameters.back().substr(variadic.size());
        parameters.pop_back();
        if (spread == "anyarray") {
          spread = "anynonarray";
        } else if (spread == "anycompatiblearray") {
          spread = "anycompatiblenonarray";
        } else if (spread.ends_with("[]")) {
          spread.remove_suffix(2);
        }
        if (inputs.size() <= parameters.size()) continue;
        parameters.resize(inputs.size(), spread);
        chain.push_back({std::move(parameters), {}, false, arguments});
      }
    }
    // func_get_detail(): `date('2024-01-01')`, a type's name called on a literal, is a cast of it.
    if (inputs.size() == 1 && inputs[0].state == Typed::State::literal) {
      SqlExpressionNode as_cast = node;
      as_cast.array = false;
      if (const auto type = named_type(as_cast)) return known(*type);
    }
    std::vector<Candidate> candidates;
    // The search path reads pg_catalog first: an extension's overload with the same arguments as
    // a built-in one (pgcrypto's gen_random_uuid()) is hidden by it.
    for (const bool built_in : {true, false}) {
      for (const auto& entry : catalog_overloads(name)) {
        if (entry.extension.empty() != built_in || !available(entry.extension)) continue;
        if (schema == "pg_catalog" && !entry.extension.empty()) continue;
        if (schema == "public" && entry.extension.empty()) continue;
        Candidate candidate{split_types(entry.arguments), entry.result, entry.immutable, {}};
        if (std::ranges::any_of(candidates, [&](const Candidate& other) { return other.parameters == candidate.parameters; })) continue;
        candidates.push_back(std::move(candidate));
      }
    }
    const auto call = [&](const std::vector<std::string_view>& types) { return fmt::format("{}({})", name, fmt::join(types, ", ")); };
    if (!chain.empty()) {
      // The chain's own overloads' types and volatility are its statements' to check.
      candidates.insert(candidates.end(), chain.begin(), chain.end());
      if (!context_.chain_operators_or_casts) unmatched(node, 0, candidates, inputs, call, true);
      return {};
    }
    bool ambiguous = false;
    const Candidate* chosen = choose(candidates, inputs, &ambiguous);
    if (chosen == nullptr && ambiguous && !context_.chain_operators_or_casts) {
      ambiguous_.push_back({node.offset, 0, call(spelled(inputs)), true, {}});
      return {};
    }
    if (chosen == nullptr || !polymorphic_agree(*chosen, inputs)) {
      if (!context_.chain_operators_or_casts) unmatched(node, 0, candidates, inputs, call, true);
      return {};
    }
    const Resolved resolved = resolve(*chosen, inputs);
    coerced(node, inputs.size(), [&](std::size_t i) { return i < resolved.parameters.size() ? resolved.parameters[i] : std::nullopt; }, true);
    for (std::size_t i = 0; i < inputs.size() && i < resolved.parameters.size(); ++i) implicitly_cast(node, 0, inputs[i], resolved.parameters[i]);
    if (!chosen->immutable && !polymorphic(*chosen)) {
      std::string arguments;
      for (const auto& parameter : chosen->parameters) arguments += (arguments.empty() ? "" : ", ") + std::string(parameter);
      report(node, 0, fmt::format("{}({})", name, arguments), "");
    }
    return resolved.result ? known(*resolved.result) : Typed{};
  }

  // can_coerce_type() with implicit casts only: whether PostgreSQL may pass a value of `from`
  // where `to` is taken. A type the catalog does not know may be anything.
  bool coercible(const SqlType& from, std::string_view to) const {
    if (to.starts_with("any") || to == "\"any\"" || to == "record") return polymorphic_takes(from, to);
    if (from.enumeration) return from.name == to || catalog_type_formatted(to) == nullptr;
    if (from.name == to) return true;
    if (is_array(from.name) != is_array(to)) {
      // An array and a type that is not one, both known: no cast makes one the other.
      const auto element = [](std::string_view type) { return is_array(type) ? type.substr(0, type.size() - 2) : type; };
      return catalog_type_formatted(element(from.name)) == nullptr || catalog_type_formatted(element(to)) == nullptr;
    }
    if (is_array(to)) {
      // An array coerces as its elements do.
      const std::string_view element(to.substr(0, to.size() - 2));
      return coercible(SqlType{from.name.substr(0, from.name.size() - 2)}, element);
    }
    if (catalog_type_formatted(from.name) == nullptr || catalog_type_formatted(to) == nullptr) return true;
    for (const auto& cast : catalog_casts(from.name)) {
      if (cast.target == to && cast.context == 'i' && available(cast.extension)) return true;
    }
    return false;
  }

  // check_generic_type_consistency(), one argument at a time: what each polymorphic type
  // takes. Whether several arguments agree is not judged.
  static bool polymorphic_takes(const SqlType& from, std::string_view to) {
    const CatalogType* entry = from.enumeration || is_array(from.name) ? nullptr : catalog_type_formatted(from.name);
    if (to == "anyarray" || to == "anycompatiblearray") return is_array(from.name);
    if (to == "anynonarray" || to == "anycompatiblenonarray") return !is_array(from.name);
    if (to == "anyenum") return from.enumeration;
    if (to == "anyrange" || to == "anycompatiblerange" || to == "anymultirange" || to == "anycompatiblemultirange") {
      return !from.enumeration && !is_array(from.name) && (entry == nullptr || entry->category == 'R');
    }
    // A row of a table or a composite type, which the catalog does not hold.
    if (to == "record") return !from.enumeration && !is_array(from.name) && entry == nullptr;
    return true;
  }

  // check_generic_type_consistency() across arguments: the typed ones at anyelement,
  // anynonarray, anyenum, anyarray and anyrange positions name one element type, not cast,
  // and at least one is typed
  // (`int4range @> bigint`, `varchar[] && text[]` have no overload). The anycompatible family,
  // which casts to a common type, is not judged; nor a range the catalog below does not hold.
  static bool polymorphic_agree(const Candidate& candidate, const std::vector<Typed>& inputs) {
    static const std::map<std::string_view, std::string_view> range_elements = {
        {"int4range", "integer"},   {"int8range", "bigint"}, {"numrange", "numeric"}, {"daterange", "date"},
        {"tsrange", "timestamp without time zone"},          {"tstzrange", "timestamp with time zone"},
        {"int4multirange", "integer"}, {"int8multirange", "bigint"}, {"nummultirange", "numeric"}, {"datemultirange", "date"},
        {"tsmultirange", "timestamp without time zone"},     {"tstzmultirange", "timestamp with time zone"}};
    std::optional<std::string> element;
    // Only untyped literals (or nulls) at those positions leave the type undetermined (42804).
    bool polymorphic = false;
    bool typed = false;
    for (std::size_t i = 0; i < inputs.size() && i < candidate.parameters.size(); ++i) {
      const std::string_view parameter = candidate.parameters[i];
      if (parameter == "anyelement" || parameter == "anynonarray" || parameter == "anyenum" || parameter == "anyarray" ||
          parameter == "anyrange" || parameter == "anymultirange") {
        polymorphic = true;
        typed = typed || inputs[i].state != Typed::State::literal;
      }
      if (inputs[i].state != Typed::State::known) continue;
      const std::string& type = inputs[i].type.name;
      std::string implied;
      if (parameter == "anyelement" || parameter == "anynonarray" || parameter == "anyenum") {
        implied = type;
      } else if (parameter == "anyarray" && is_array(type)) {
        implied = type.substr(0, type.size() - 2);
      } else if (parameter == "anyrange" || parameter == "anymultirange") {
        const auto found = range_elements.find(type);
        if (found == range_elements.end()) continue;
        implied = found->second;
      } else {
        continue;
      }
      if (element && *element != implied) return false;
      element = std::move(implied);
    }
    return !polymorphic || typed;
  }

  // select_common_type_from_oids() for the anycompatible family: the typed arguments there (an
  // array's elements at anycompatiblearray) are of one category, and one type takes all the
  // others through implicit casts (`f(integer, text)` has none). Types the catalog does not
  // know are not judged.
  bool compatible_agree(const Candidate& candidate, const std::vector<Typed>& inputs) const {
    std::vector<SqlType> types;
    for (std::size_t i = 0; i < inputs.size() && i < candidate.parameters.size(); ++i) {
      if (inputs[i].state != Typed::State::known) continue;
      const std::string_view parameter = candidate.parameters[i];
      const std::string& type = inputs[i].type.name;
      if (parameter == "anycompatible" || parameter == "anycompatiblenonarray") {
        types.push_back(inputs[i].type);
      } else if (parameter == "anycompatiblearray" && is_array(type)) {
        types.push_back(SqlType{type.substr(0, type.size() - 2)});
      }
    }
    const auto category = [](const SqlType& type) { return type.enumeration ? 'E' : category_of(type.name).first; };
    for (const auto& type : types) {
      if (category(type) == '\0') return true;
      if (category(type) != category(types.front())) return false;
    }
    return types.empty() || std::any_of(types.begin(), types.end(), [&](const SqlType& common) {
      return std::all_of(types.begin(), types.end(), [&](const SqlType& type) { return coercible(type, common.name); });
    });
  }

  // func_get_detail() and oper_select_candidate() finding no candidate at all: every argument's
  // type is known (an untyped literal goes anywhere), and no overload takes them, however cast.
  void unmatched(const SqlExpressionNode& node, std::size_t length, const std::vector<Candidate>& candidates,
                 const std::vector<Typed>& inputs, const std::function<std::string(const std::vector<std::string_view>&)>& spell,
                 bool function) {
    if (candidates.empty()) return;  // not one PostgreSQL knows: said elsewhere
    std::vector<std::string_view> types;
    for (const auto& input : inputs) {
      if (input.state == Typed::State::unsure) return;
      types.push_back(input.state == Typed::State::literal ? std::string_view("unknown") : std::string_view(input.type.name));
    }
    for (const auto& candidate : candidates) {
      if (candidate.parameters.size() != inputs.size()) continue;
      bool takes = true;
      for (std::size_t i = 0; takes && i < inputs.size(); ++i) {
        takes = inputs[i].state == Typed::State::literal || coercible(inputs[i].type, candidate.parameters[i]);
      }
      if (takes && polymorphic_agree(candidate, inputs) && compatible_agree(candidate, inputs)) return;
    }
    UnmatchedCall call{node.offset, length, spell(types), function, {}};
    for (const auto& candidate : candidates) {
      call.overloads.push_back(spell(candidate.declared.empty() ? candidate.parameters : split_types(candidate.declared)));
    }
    std::sort(call.overloads.begin(), call.overloads.end());
    call.overloads.erase(std::unique(call.overloads.begin(), call.overloads.end()), call.overloads.end());
    unmatched_.push_back(std::move(call));
  }

  const std::vector<SqlExpressionNode>& nodes_;
  const TypingContext& context_;
  std::vector<MutablePart> found_;
  std::vector<UnmatchedCall> unmatched_;
  std::vector<ImpossibleCast> impossible_casts_;
  std::vector<NotBooleanOperand> not_boolean_;
  std::vector<MismatchedTypes> mismatched_;
  std::vector<CoercedLiteral> literals_;
  std::vector<ComparedPart> compared_;
  std::vector<UnmatchedCall> ambiguous_;
  std::vector<NotAnArray> not_arrays_;
};

}  // namespace

ExpressionTyping type_expression(std::string_view text, const TypingContext& context) {
  const auto nodes = expression_nodes(text);
  return Inference(nodes, context).run();
}

std::optional<SqlType> common_type(const SqlType& first, const SqlType& second, const TypingContext& context) {
  const std::vector<SqlExpressionNode> none;
  return Inference(none, context).common_of(first, second);
}

ExpressionTyping type_expression(const std::vector<SqlExpressionNode>& nodes, const TypingContext& context) {
  return Inference(nodes, context).run();
}

}  // namespace migc
