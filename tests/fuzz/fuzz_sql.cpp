// libFuzzer target: PostgreSQL's parser as the compiler reads it, on arbitrary SQL of any size
// (up to run.sh's 1 MB): each fragment reader and the raw-step splitter, whatever the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/constant_values.hpp"
#include "compiler/sql_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const migc::ExpressionFacts facts = migc::read_expression(text);
  if (!facts.error) {
    migc::column_references(text);
    if (const auto constant = migc::constant_of(text)) {
      static const std::vector<std::string> values = {"a", "b"};
      for (const char* type : {"integer", "smallint", "bigint", "numeric", "boolean", "uuid", "date", "timestamp with time zone",
                               "time without time zone", "interval", "jsonb", "json", "int4range", "character varying"}) {
        migc::ColumnType column_type;
        column_type.name.name = type;
        migc::constant_refused(*constant, column_type, nullptr);
      }
      migc::ColumnType enum_type;
      enum_type.name.name = "grade";
      enum_type.user_defined = true;
      migc::constant_refused(*constant, enum_type, &values);
    }
    migc::fits_column_default(text);
    migc::is_null_constant(text);
    migc::index_column_name(text);
  }
  migc::regclass_names(text);
  migc::parse_statements(text);
  return 0;
}
