// Whether PostgreSQL takes a constant as a value of a type: what its input functions (and the
// absence of an assignment cast) would refuse at deploy, told at build time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/schema.hpp"
#include "compiler/sql_parser.hpp"

namespace migc {

// Why PostgreSQL would refuse `constant` as a value of `type`, or nothing when it takes it or
// this cannot tell (types without a check here take anything). `enum_values`: the type's values
// when it is an enum type.
std::optional<std::string> constant_refused(const SqlConstant& constant, const ColumnType& type,
                                            const std::vector<std::string>* enum_values);

// The fields of a record literal as PostgreSQL's record_in() reads them for a row of `columns`
// fields (`(1,"a b",)`: "1", "a b", NULL), or why it would refuse the text.
struct RecordFields {
  std::vector<std::optional<std::string>> fields;
  std::optional<std::string> refused;
};
RecordFields record_fields(std::string_view text, std::size_t columns);

// Whether a date/time text says its zone (an offset, `Z`, `UTC`, a zone's name) or is a moment
// no zone moves (`epoch`, `infinity`): else the session's time zone decides which moment it is.
bool names_its_zone(std::string_view text);

}  // namespace migc
