// The syntax tree of one revision file. Every node a user can get wrong carries the byte span
// it was parsed from; names are already folded the way PostgreSQL folds them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dsl/source.hpp"

namespace migc::ast {

struct Located {
  Span span;
};

// An SQL identifier: unquoted ones are folded to lower case, quoted ones kept as written.
struct Name : Located {
  std::string text;
};

struct StringLiteral : Located {
  std::string value;
};

// A type as written: `name` holds its words lower-cased and joined by one space
// ("double precision", "character varying", or a user type's name).
struct TypeRef : Located {
  std::string name;
  std::vector<std::int32_t> modifiers;
  std::uint32_t array_dimensions = 0;
};

// An SQL expression (a default, say). The grammar checks its shape; its text is the source span.
struct Expression : Located {};

enum class ReferentialAction { no_action, restrict, cascade, set_null, set_default };

struct References : Located {
  Name table;
  std::vector<Name> columns;
  ReferentialAction on_delete = ReferentialAction::no_action;
  ReferentialAction on_update = ReferentialAction::no_action;
};

struct ColumnDefinition : Located {
  Name name;
  TypeRef type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  std::optional<Expression> default_value;
  std::optional<References> references;
};

enum class ConstraintKind { primary_key, unique, foreign_key };

struct TableConstraint : Located {
  std::optional<Name> name;
  ConstraintKind kind = ConstraintKind::primary_key;
  std::vector<Name> columns;
  std::optional<References> references;
};

struct CreateTable : Located {
  Name name;
  std::vector<ColumnDefinition> columns;
  std::vector<TableConstraint> constraints;
};

struct DropTable : Located {
  Name name;
  bool cascade = false;
};

struct CreateIndex : Located {
  bool unique = false;
  Name name;
  Name table;
  std::optional<Name> method;
  std::vector<Name> columns;
};

struct DropIndex : Located {
  Name name;
};

struct CreateEnum : Located {
  Name name;
  std::vector<StringLiteral> values;
};

struct DropType : Located {
  Name name;
  bool cascade = false;
};

struct AddColumn : Located {
  Name table;
  ColumnDefinition column;
};

struct DropColumn : Located {
  Name table;
  Name column;
};

// Raw SQL: it cannot be inverted by the compiler, so it carries its down or says it has none.
struct ExecuteSql : Located {
  StringLiteral up;
  std::optional<StringLiteral> down;
  bool irreversible = false;
};

using Statement = std::variant<CreateTable, DropTable, CreateIndex, DropIndex, CreateEnum, DropType,
                               AddColumn, DropColumn, ExecuteSql>;

struct Header : Located {
  StringLiteral id;
  std::vector<StringLiteral> parents;  // empty: the root (`revises base`)
  std::optional<StringLiteral> message;
};

struct File {
  Header header;
  std::vector<Statement> statements;
};

}  // namespace migc::ast
