// libpg_query, read through its JSON parse tree.
#include "compiler/sql_parser.hpp"

#include <pg_query.h>
#include <pthread.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace migc {
namespace {

using Json = nlohmann::json;

// The parse tree of `sql`, or where it fails.
struct Tree {
  Json json;
  std::optional<SqlError> error;
};

// pg_query_parse(), on a stack deep enough for any input migc reads. PostgreSQL's parser bounds
// its own recursion, but libpg_query's writer of the tree does not: an expression of 80,000
// terms (`1+1+...`) overflows the usual 8 MB. Long texts, the only ones that can nest so deep,
// are parsed on a thread of their own with room to spare (reserved, not committed, memory).
PgQueryParseResult parse_on_a_deep_stack(const std::string& sql) {
  constexpr std::size_t short_text = 16 * 1024;
  if (sql.size() <= short_text) return pg_query_parse(sql.c_str());
  struct Call {
    const std::string* sql;
    PgQueryParseResult result;
  } call{&sql, {}};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  // A frame of the tree's writer per term or so: 256 bytes a byte of input is ample.
  pthread_attr_setstacksize(&attributes, std::max<std::size_t>(64 << 20, sql.size() * 256));
  pthread_t thread;
  const int started = pthread_create(
      &thread, &attributes,
      [](void* argument) -> void* {
        auto* c = static_cast<Call*>(argument);
        c->result = pg_query_parse(c->sql->c_str());
        return nullptr;
      },
      &call);
  pthread_attr_destroy(&attributes);
  if (started != 0) return pg_query_parse(sql.c_str());
  pthread_join(thread, nullptr);
  return call.result;
}

Tree parse(const std::string& sql) {
  const PgQueryParseResult result = parse_on_a_deep_stack(sql);
  Tree tree;
  if (result.error != nullptr) {
    // cursorpos counts characters from 1; 0 means at the end of the text.
    const int cursor = result.error->cursorpos;
    tree.error = SqlError{cursor > 0 ? static_cast<std::size_t>(cursor - 1) : sql.size(), result.error->message};
  } else {
    tree.json = Json::parse(result.parse_tree, nullptr, false);
  }
  pg_query_free_parse_result(result);
  return tree;
}

// A statement's one node: {"CreateStmt": {...}} gives ("CreateStmt", {...}).
std::pair<std::string, const Json*> node_of(const Json& statement) {
  const Json& stmt = statement.at("stmt");
  const auto first = stmt.begin();
  return {first.key(), &first.value()};
}

std::string object_word(const std::string& objtype) {
  static const std::pair<std::string_view, std::string_view> words[] = {
      {"OBJECT_TABLE", "table"},   {"OBJECT_INDEX", "index"},   {"OBJECT_TYPE", "type"},
      {"OBJECT_SEQUENCE", "sequence"}, {"OBJECT_SCHEMA", "schema"}, {"OBJECT_EXTENSION", "extension"},
      {"OBJECT_COLUMN", "column"},
  };
  for (const auto& [type, word] : words) {
    if (objtype == type) return std::string(word);
  }
  return "";
}

std::string text_field(const Json& node, const char* field) {
  const auto found = node.find(field);
  return found != node.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool flag(const Json& node, const char* field) {
  const auto found = node.find(field);
  return found != node.end() && found->is_boolean() && found->get<bool>();
}

// The change to a modelled object (tables, indexes, types, sequences, schemas, extensions and
// their comments): the kinds the compiler simulates, which raw SQL would change behind its back.
std::string modelled_change(const std::string& kind, const Json& node) {
  if (kind == "CreateStmt") return "create table";
  if (kind == "IndexStmt") return flag(node, "unique") ? "create unique index" : "create index";
  if (kind == "CreateEnumStmt" || kind == "CompositeTypeStmt" || kind == "CreateDomainStmt") return "create type";
  if (kind == "AlterEnumStmt") return "alter type";
  if (kind == "CreateSeqStmt") return "create sequence";
  if (kind == "AlterSeqStmt") return "alter sequence";
  if (kind == "CreateSchemaStmt") return "create schema";
  if (kind == "CreateExtensionStmt") return "create extension";
  if (kind == "AlterExtensionStmt") return "alter extension";
  if (kind == "AlterTableStmt") {
    const std::string word = object_word(text_field(node, "objtype"));
    return word.empty() ? "" : "alter " + word;
  }
  if (kind == "DropStmt") {
    const std::string word = object_word(text_field(node, "removeType"));
    return word.empty() || word == "column" ? "" : "drop " + word;
  }
  if (kind == "RenameStmt" || kind == "AlterObjectSchemaStmt") {
    const std::string word = object_word(text_field(node, kind == "RenameStmt" ? "renameType" : "objectType"));
    return word.empty() ? "" : "alter " + (word == "column" ? std::string("table") : word);
  }
  if (kind == "CommentStmt") {
    const std::string word = object_word(text_field(node, "objtype"));
    return word == "table" || word == "column" ? "comment on " + word : "";
  }
  return "";
}

// Statements PostgreSQL refuses inside a transaction block.
std::string outside_transaction(const std::string& kind, const Json& node) {
  if (kind == "VacuumStmt") return flag(node, "is_vacuumcmd") ? "vacuum" : "analyze";
  if (kind == "IndexStmt" && flag(node, "concurrent")) return "create index concurrently";
  if (kind == "DropStmt" && flag(node, "concurrent")) return "drop index concurrently";
  if (kind == "ReindexStmt") {
    for (const auto& option : node.value("params", Json::array())) {
      if (option.contains("DefElem") && option["DefElem"].value("defname", "") == "concurrently") return "reindex concurrently";
    }
  }
  if (kind == "CreatedbStmt") return "create database";
  if (kind == "DropdbStmt") return "drop database";
  if (kind == "AlterSystemStmt") return "alter system";
  if (kind == "CreateTableSpaceStmt") return "create tablespace";
  if (kind == "DropTableSpaceStmt") return "drop tablespace";
  return "";
}

// The usual answer, read from the JSON text without building its tree, which would cost several
// times the parse: the tree of `SELECT (<one expression>)` is one statement whose node holds
// exactly one target, and nothing after it but the two fields every SELECT has.
bool is_one_target_select(std::string_view json) {
  static constexpr std::string_view head = R"({"version":150001,"stmts":[{"stmt":{"SelectStmt":{"targetList":[)";
  static constexpr std::string_view tail = R"(],"limitOption":"LIMIT_OPTION_DEFAULT","op":"SETOP_NONE"}}}]})";
  if (!json.starts_with(head) || !json.ends_with(tail)) return false;
  // The targets, between the two: one value, so no comma outside strings at its top level.
  const std::string_view targets = json.substr(head.size(), json.size() - head.size() - tail.size());
  int depth = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const char c = targets[i];
    if (c == '"') {
      for (++i; i < targets.size() && targets[i] != '"'; ++i) {
        if (targets[i] == '\\') ++i;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return false;
    } else if (c == ',' && depth == 0) {
      return false;
    }
  }
  return depth == 0 && !targets.empty();
}

}  // namespace

ExpressionFacts read_expression(std::string_view text) {
  // Chains repeat their short fragments (`now()`, `true`, `0`) in revision after revision: each
  // is parsed once. The compiler is single-threaded.
  static std::unordered_map<std::string, bool> known_good;  // -> whether it names a column
  constexpr std::size_t short_fragment = 128;
  if (text.size() <= short_fragment) {
    if (const auto known = known_good.find(std::string(text)); known != known_good.end()) return {std::nullopt, known->second};
  }
  // One target of a SELECT, in parentheses of its own: a fragment that closes them early, or
  // runs past them, or is a statement, does not parse as exactly that. The newline ends a
  // trailing `--` comment before the closing parenthesis.
  static constexpr std::string_view prefix = "SELECT (";
  const std::string sql = std::string(prefix) + std::string(text) + "\n)";
  const auto in_text = [&](std::size_t offset) { return std::min(offset < prefix.size() ? 0 : offset - prefix.size(), text.size()); };
  {
    const PgQueryParseResult result = parse_on_a_deep_stack(sql);
    const bool one = result.error == nullptr && is_one_target_select(result.parse_tree);
    // As a key, never inside a string (whose quotes JSON escapes).
    const bool references_columns = one && std::string_view(result.parse_tree).find("{\"ColumnRef\":") != std::string_view::npos;
    pg_query_free_parse_result(result);
    if (one) {
      if (text.size() <= short_fragment && known_good.size() < 100000) known_good.emplace(text, references_columns);
      return {std::nullopt, references_columns};
    }
  }
  const Tree tree = parse(sql);
  if (tree.error) return ExpressionFacts{SqlError{in_text(tree.error->offset), tree.error->message}, false};
  const Json& statements = tree.json.at("stmts");
  if (statements.size() != 1) {
    return ExpressionFacts{SqlError{in_text(statements[1].value("stmt_location", std::size_t{0})),
                    "a second statement begins here: this takes one expression"}, false};
  }
  const auto [kind, node] = node_of(statements[0]);
  const Json& targets = node->value("targetList", Json::array());
  if (kind != "SelectStmt" || targets.size() != 1) {
    const std::size_t where = targets.size() > 1 ? targets[1]["ResTarget"].value("location", std::size_t{0}) : 0;
    return ExpressionFacts{SqlError{in_text(where), "a second expression begins here: this takes one expression"}, false};
  }
  for (const auto& [key, _] : node->items()) {
    if (key != "targetList" && key != "limitOption" && key != "op") return ExpressionFacts{SqlError{0, "a query, where this takes one expression"}, false};
  }
  return {std::nullopt, !column_references(text).empty()};
}

bool is_null_constant(std::string_view text) {
  const Tree tree = parse("SELECT (" + std::string(text) + "\n)");
  if (tree.error) return false;
  const Json* node = &tree.json;
  for (const char* step : {"stmts", "", "stmt", "SelectStmt", "targetList", "", "ResTarget", "val"}) {
    if (*step == '\0') {
      if (!node->is_array() || node->empty()) return false;
      node = &(*node)[0];
    } else {
      if (!node->is_object() || !node->contains(step)) return false;
      node = &(*node)[step];
    }
  }
  while (node->contains("TypeCast")) node = &(*node)["TypeCast"]["arg"];
  return node->contains("A_Const") && (*node)["A_Const"].value("isnull", false);
}

std::vector<SqlColumnReference> column_references(std::string_view text) {
  static constexpr std::string_view prefix = "SELECT (";
  const Tree tree = parse(std::string(prefix) + std::string(text) + "\n)");
  std::vector<SqlColumnReference> found;
  if (tree.error) return found;
  // Without recursion: an expression may nest as deep as its text is long.
  std::vector<const Json*> pending{&tree.json};
  while (!pending.empty()) {
    const Json& node = *pending.back();
    pending.pop_back();
    if (node.is_object()) {
      if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
        SqlColumnReference reference;
        for (const auto& field : ref->value("fields", Json::array())) {
          if (field.contains("String")) reference.names.push_back(field["String"].value("sval", ""));
        }
        const std::size_t location = ref->value("location", prefix.size());
        reference.offset = location < prefix.size() ? 0 : location - prefix.size();
        if (!reference.names.empty()) found.push_back(std::move(reference));
        continue;
      }
      for (const auto& [_, value] : node.items()) pending.push_back(&value);
    } else if (node.is_array()) {
      for (const auto& value : node) pending.push_back(&value);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return found;
}

ParsedSql parse_statements(std::string_view sql) {
  ParsedSql parsed;
  const Tree tree = parse(std::string(sql));
  if (tree.error) {
    parsed.error = tree.error;
    return parsed;
  }
  for (const auto& statement : tree.json.at("stmts")) {
    const auto [kind, node] = node_of(statement);
    SqlStatement out;
    out.offset = statement.value("stmt_location", std::size_t{0});
    out.length = statement.value("stmt_len", sql.size() - out.offset);
    out.modelled_change = modelled_change(kind, *node);
    out.outside_transaction = outside_transaction(kind, *node);
    out.transaction_control = kind == "TransactionStmt";
    parsed.statements.push_back(std::move(out));
  }
  return parsed;
}

}  // namespace migc
