// The whole SmartEM chain's generated SQL, token by token: every name in it is one the chain
// declares, quoted by quote_identifier(); every string is one well-formed SQL literal; every
// other word is SQL's own. So no user text reaches PostgreSQL except through those two
// functions, or in raw SQL steps, which are the user's SQL by design and are not checked here.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "compiler/chain.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

namespace fs = std::filesystem;

// SQL's own words in the chain's lowered SQL: keywords, type names, built-in functions.
const std::set<std::string> sql_words = {
    "create", "table", "type", "as", "enum", "index", "on", "using", "btree", "constraint", "primary", "key", "foreign",
    "references", "delete", "cascade", "unique", "not", "null", "default", "drop", "insert", "into", "values", "alter",
    "add", "column", "character", "varying", "integer", "bigint", "timestamp", "without", "time", "zone", "boolean",
    "double", "precision", "jsonb", "uuid", "text", "serial", "bigserial", "now", "gen_random_uuid", "false", "true"};

struct Names {
  std::set<std::string> declared;
};

Names declared_names(const CompiledChain& chain) {
  Names names;
  const Schema& schema = chain.head;
  const auto declare = [&](const QualifiedName& name) {
    if (!name.schema.empty()) names.declared.insert(name.schema);
    names.declared.insert(name.name);
  };
  for (const auto& [name, table] : schema.tables()) {
    declare(name);
    for (const auto& column : table.columns) names.declared.insert(column.name);
    for (const auto& constraint : table.constraints) names.declared.insert(constraint.name);
  }
  for (const auto& [name, _] : schema.indexes()) declare(name);
  for (const auto& [name, _] : schema.enums()) declare(name);
  return names;
}

// Checks one statement; returns what is wrong with it, or nothing.
std::string check_statement(const std::string& sql, const Names& names) {
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'') {
      // A literal: quotes inside are doubled, and it ends at the first single quote.
      std::size_t end = i + 1;
      for (;; ++end) {
        if (end >= sql.size()) return "unterminated literal at " + std::to_string(i);
        if (sql[end] == '\'' && end + 1 < sql.size() && sql[end + 1] == '\'') {
          ++end;
        } else if (sql[end] == '\'') {
          break;
        }
      }
      i = end + 1;
    } else if (c == '"') {
      const std::size_t end = sql.find('"', i + 1);
      const std::string name = sql.substr(i + 1, end - i - 1);
      if (!names.declared.contains(name) || quote_identifier(name) != sql.substr(i, end - i + 1)) {
        return "quoted name " + name + " is not a declared name as quote_identifier() writes it";
      }
      i = end + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
      std::string word = sql.substr(i, end - i);
      std::string lower = word;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const bool declared = names.declared.contains(word) && quote_identifier(word) == word;
      if (!declared && !sql_words.contains(lower)) return "word " + word + " is neither declared nor SQL's own";
      i = end;
    } else {
      ++i;
    }
  }
  return "";
}

TEST(Quoting, EveryNameAndValueInTheSmartEmChainIsQuotedByOneFunction) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(fs::path(MIGC_TESTS_DIR).parent_path() / "migrations")) {
    if (entry.path().extension() == ".mig") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceFile> files;
  for (const auto& path : paths) {
    std::ifstream in(path);
    files.emplace_back(path, std::string(std::istreambuf_iterator<char>(in), {}));
  }
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  ASSERT_TRUE(chain);
  const Names names = declared_names(*chain);
  std::size_t checked = 0;
  for (const auto& revision : chain->revisions) {
    for (const auto* steps : {&revision.lowered.up, &revision.lowered.down}) {
      for (const auto& step : *steps) {
        if (step.sql.starts_with("delete from")) continue;  // 003's hand-written down: raw SQL by design
        EXPECT_EQ(check_statement(step.sql, names), "") << "in revision " << revision.id << ": " << step.sql;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40u);
}

TEST(Quoting, TheCheckCatchesAStrayWord) {
  Names names;
  names.declared = {"grid"};
  EXPECT_EQ(check_statement("DROP TABLE grid", names), "");
  EXPECT_NE(check_statement("DROP TABLE grid; DROP TABLE secrets", names), "");
  EXPECT_NE(check_statement("INSERT INTO grid VALUES ('x'' OR 1=1", names), "");
}

}  // namespace
}  // namespace migc
