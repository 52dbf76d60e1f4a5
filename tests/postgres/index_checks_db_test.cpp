// The compiler's verdict on each index statement against PostgreSQL's own: what the server
// refuses (a cast, operator or function that is not immutable, an index method or operator
// class that cannot do what is asked) must fail the build, and what it takes must build.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

// Written the same in the language and in SQL.
constexpr std::string_view setup = R"sql(
create type grade as enum ('a', 'b');
create domain label as text;
create table item (tag label, id integer, n integer, seen timestamptz, local timestamp, day date, status grade, email varchar,
                   name text, tags jsonb, ids integer[], during int4range);
)sql";

const std::vector<std::string> statements = {
    // Casts, operators and functions, resolved by the columns' types.
    "create index i on item ((seen::date))",
    "create index i on item ((status::text))",
    "create index i on item ((seen::text))",
    "create index i on item ((seen + interval '1 day'))",
    "create index i on item ((extract(year from seen)))",
    "create index i on item ((date_part('year', seen)))",
    "create index i on item ((cast(day as text)))",
    "create index i on item ((name::grade))",
    "create index i on item (id) where seen > day",
    "create index i on item ((seen::timestamp))",
    "create index i on item ((day::timestamptz))",
    "create index i on item ((to_char(local, 'YYYY')))",
    "create index i on item (id) where seen > '2024-01-01'::timestamptz",
    "create index i on item (id) where seen > '2024-01-01'",
    "create index i on item ((n::bigint))",
    "create index i on item ((name::varchar(20)))",
    "create index i on item ((email::text))",
    "create index i on item ((lower(email)))",
    "create index i on item ((local::date))",
    "create index i on item ((seen at time zone 'UTC'))",
    "create index i on item (((seen at time zone 'UTC')::date))",
    "create index i on item ((date('2024-01-01')))",
    "create index i on item ((n::text || '-' || lower(name)))",
    "create index i on item (id) where status = 'a'",
    "create index i on item ((day + 1))",
    "create index i on item ((local + interval '1 day'))",
    "create index i on item ((extract(year from local)))",
    "create index i on item ((n * 2 + 1))",
    "create index i on item ((tags ->> 'key'))",
    "create index i on item ((coalesce(name, '')))",
    "create index i on item ((length(name) > 3))",
    // Index methods and operator classes.
    "create unique index i on item using hash (id)",
    "create index i on item using hash (id, n)",
    "create index i on item using spgist (email, name)",
    "create index i on item using gin (tags desc)",
    "create index i on item using gin (n)",
    "create index i on item using gist (n)",
    "create index i on item using gist (ids)",
    "create index i on item using gin (status)",
    "create index i on item using gin ((lower(name)))",
    "create index i on item using gin (tags jsonb_pathops)",
    "create index i on item (name jsonb_path_ops)",
    "create index i on item (n text_pattern_ops)",
    "create index i on item using gist (ids gist__int_ops)",
    "create index i on item using gin (tags jsonb_path_ops)",
    "create index i on item (name text_pattern_ops desc)",
    "create index i on item (email text_pattern_ops)",
    "create index i on item (email varchar_pattern_ops)",
    "create index i on item using gin (ids)",
    "create index i on item using gist (during)",
    "create index i on item using hash (status)",
    "create index i on item using brin (n)",
    "create index i on item using brin (seen)",
    "create index i on item using spgist (name)",
    "create index i on item using spgist (during)",
    "create unique index i on item (id, n)",
    "create index i on item using gin ((tags -> 'a'))",
    // A domain is its base type.
    "create index i on item using gin (tag)",
    "create index i on item (tag text_pattern_ops)",
    "create index i on item ((tag::date))",
    "create index i on item ((lower(name) || '-' || id::text))",
};

bool builds(const std::string& statement, std::string& errors) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n" + std::string(setup) + statement + ";\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  return chain.has_value();
}

bool server_takes(Connection& connection, const std::string& statement, std::string& error) {
  bool taken = true;
  try {
    connection.execute_script("BEGIN;\n" + std::string(setup) + statement + ";\n");
  } catch (const std::exception& refused) {
    taken = false;
    error = refused.what();
  }
  connection.execute("ROLLBACK");
  return taken;
}

TEST(IndexChecksOnServer, TheBuildRefusesExactlyWhatPostgresRefuses) {
  testing::ScratchDatabase database("index_checks");
  int taken_count = 0;
  for (const auto& statement : statements) {
    std::string errors;
    std::string refused;
    const bool built = builds(statement, errors);
    const bool taken = server_takes(database.connection(), statement, refused);
    taken_count += taken ? 1 : 0;
    EXPECT_EQ(built, taken) << statement << "\nmigc: " << (errors.empty() ? "builds" : errors)
                            << "\nPostgreSQL: " << (taken ? "takes it" : refused);
  }
  // Both halves of the list are what they claim to be.
  EXPECT_EQ(taken_count, 34) << "of " << statements.size();
}

}  // namespace
}  // namespace migc
