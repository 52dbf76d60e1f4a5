// Introspection against PostgreSQL: a database read back into a revision must rebuild the same
// catalog, and a database changed by hand must be caught up with by `--from-db`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/introspect.hpp"
#include "tests/compiler/autogenerate_cases.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

namespace fs = std::filesystem;
using testing_cases::errors_of;

std::vector<SourceFile> chain_files(const fs::path& directory) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".mig") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceFile> files;
  for (const auto& path : paths) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    files.emplace_back(path.filename().string(), text.str());
  }
  return files;
}

// A root revision from `schema`, the way `migc introspect` writes one.
std::string root_revision(const Schema& schema) {
  std::string text = "revision 'adopted' revises base;\n";
  for (const auto& statement : autogenerate(Schema{}, schema).statements) text += statement + "\n";
  return text;
}

void upgrade(testing::ScratchDatabase& database, const CompiledChain& chain) {
  for (const auto& revision : chain.revisions) database.run(revision.lowered.up);
}

// Introspects `original`, compiles the root revision written from it, applies that to an empty
// database, and expects the same catalog, with nothing left out and no warning.
void expect_rebuilt_alike(testing::ScratchDatabase& original, const std::string& name) {
  const auto introspected = introspect(original.connection());
  EXPECT_TRUE(introspected.left_out.empty()) << introspected.left_out.front();
  std::vector<SourceFile> files;
  files.emplace_back("adopted_root.mig", root_revision(introspected.schema));
  Diagnostics diagnostics;
  const auto adopted = compile_chain(files, diagnostics);
  ASSERT_TRUE(adopted) << errors_of(diagnostics) << files[0].text();
  EXPECT_EQ(diagnostics.warning_count(), 0u) << errors_of(diagnostics);

  testing::ScratchDatabase rebuilt(name + "_rebuilt");
  upgrade(rebuilt, *adopted);
  EXPECT_EQ(rebuilt.snapshot(), original.snapshot()) << files[0].text();
}

TEST(Introspect, TheSmartEmDatabaseReadBackRebuildsTheSameCatalog) {
  Diagnostics diagnostics;
  const auto smartem = compile_chain(chain_files(fs::path(MIGC_SOURCE_DIR) / "migrations"), diagnostics);
  ASSERT_TRUE(smartem) << errors_of(diagnostics);
  testing::ScratchDatabase original("smartem");
  upgrade(original, *smartem);
  expect_rebuilt_alike(original, "smartem");
}

// Chains built to be awkward: every operation of the language, and hostile names and values.
class IntrospectChain : public ::testing::TestWithParam<std::string> {};

TEST_P(IntrospectChain, ItsDatabaseReadBackRebuildsTheSameCatalog) {
  Diagnostics diagnostics;
  const auto chain = compile_chain(chain_files(fs::path(MIGC_SOURCE_DIR) / "tests" / "chains" / GetParam()), diagnostics);
  ASSERT_TRUE(chain) << errors_of(diagnostics);
  testing::ScratchDatabase original(GetParam());
  upgrade(original, *chain);
  expect_rebuilt_alike(original, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Chains, IntrospectChain, ::testing::Values("every_operation", "hostile"));

// A tenant's schema, read alone: its names come out unqualified, for a chain that the migrator
// then runs with --schema, in this tenant's schema or any other.
TEST(Introspect, OneTenantSchemaReadBackRebuildsTheSameCatalog) {
  Diagnostics diagnostics;
  const auto smartem = compile_chain(chain_files(fs::path(MIGC_SOURCE_DIR) / "migrations"), diagnostics);
  ASSERT_TRUE(smartem) << errors_of(diagnostics);
  testing::ScratchDatabase original("tenant");
  original.connection().execute_script("CREATE SCHEMA tenant_a; CREATE TABLE public.unrelated (id integer); SET search_path = tenant_a");
  upgrade(original, *smartem);

  const auto introspected = introspect(original.connection(), std::string("tenant_a"));
  EXPECT_TRUE(introspected.left_out.empty()) << introspected.left_out.front();
  EXPECT_FALSE(introspected.schema.tables().contains({"", "unrelated"}));
  std::vector<SourceFile> files;
  files.emplace_back("adopted_root.mig", root_revision(introspected.schema));
  const auto adopted = compile_chain(files, diagnostics);
  ASSERT_TRUE(adopted) << errors_of(diagnostics) << files[0].text();

  testing::ScratchDatabase rebuilt("tenant_rebuilt");
  rebuilt.connection().execute_script("CREATE SCHEMA tenant_b; SET search_path = tenant_b");
  upgrade(rebuilt, *adopted);
  EXPECT_EQ(catalog_snapshot(rebuilt.connection(), std::string("tenant_b")),
            catalog_snapshot(original.connection(), std::string("tenant_a")))
      << files[0].text();
}

TEST(Introspect, EveryKindOfObjectSurvivesTheRoundTrip) {
  testing::ScratchDatabase original("every_kind");
  original.connection().execute_script(R"sql(
    CREATE EXTENSION pgcrypto;
    CREATE SCHEMA archive;
    CREATE TYPE state AS ENUM ('new', 'it''s done');
    CREATE TYPE archive.kind AS ENUM ('a', 'b');
    CREATE SEQUENCE ticket AS integer INCREMENT BY 5 START WITH 100;
    CREATE TABLE grid (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code varchar(12) NOT NULL UNIQUE,
      price numeric(10,2) DEFAULT 0 CHECK (price >= 0),
      taken timestamp(3) with time zone DEFAULT now(),
      tags text[] DEFAULT '{}'::text[],
      state state NOT NULL DEFAULT 'new',
      token uuid DEFAULT gen_random_uuid(),
      ticket integer DEFAULT nextval('ticket'),
      span interval,
      "Mixed Case" boolean
    );
    COMMENT ON TABLE grid IS 'Grids, as loaded';
    COMMENT ON COLUMN grid.code IS 'The cassette slot';
    CREATE TABLE archive.square (
      n serial PRIMARY KEY,
      grid_id bigint REFERENCES grid (id) ON DELETE SET NULL ON UPDATE CASCADE,
      kind archive.kind,
      size real
    );
    ALTER TABLE archive.square ADD CONSTRAINT square_size_positive CHECK (size > 0) NOT VALID;
    ALTER TABLE archive.square ADD COLUMN visits smallint GENERATED BY DEFAULT AS IDENTITY;
    ALTER TABLE archive.square ALTER COLUMN visits TYPE integer;  -- its sequence follows
    CREATE UNIQUE INDEX idx_grid_lower_code ON grid (lower(code)) WHERE state <> 'new';
    CREATE INDEX idx_grid_taken ON grid USING brin (taken);
    CREATE INDEX idx_grid_tags ON grid USING gin (tags);
    CREATE INDEX idx_square_grid ON archive.square (grid_id DESC, size);
    CREATE TABLE shelf (
      id integer PRIMARY KEY DEFERRABLE INITIALLY DEFERRED,
      code text UNIQUE NULLS NOT DISTINCT DEFERRABLE,
      grid_id bigint REFERENCES grid (id) DEFERRABLE INITIALLY DEFERRED,
      width integer CHECK (width > 0),
      CONSTRAINT shelf_grid_id_width_key UNIQUE NULLS NOT DISTINCT (grid_id, width)
    );
    CREATE UNIQUE INDEX idx_shelf_code ON shelf (code) INCLUDE (width, grid_id) NULLS NOT DISTINCT WHERE width > 1;
    CREATE INDEX idx_shelf_width ON shelf (width DESC) INCLUDE (code);
  )sql");
  expect_rebuilt_alike(original, "every_kind");
}

// Sequences and identity columns with options other than PostgreSQL's defaults, each option
// at least once, ascending and descending; beside them, ones with the defaults, which the
// revision written from the database spells without options.
TEST(Introspect, SequenceAndIdentityOptionsSurviveTheRoundTrip) {
  testing::ScratchDatabase original("sequence_options");
  original.connection().execute_script(R"sql(
    CREATE SEQUENCE invoice AS integer INCREMENT BY 5 MINVALUE 100 MAXVALUE 100000 START WITH 200 CACHE 10 CYCLE;
    CREATE SEQUENCE countdown AS smallint INCREMENT BY -2 MINVALUE -1000;
    CREATE SEQUENCE plain;
    CREATE TABLE booking (
      id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10 CACHE 5) PRIMARY KEY,
      seat smallint GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 500 CYCLE),
      down integer GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1 MAXVALUE -10),
      plain_id integer GENERATED ALWAYS AS IDENTITY
    );
    ALTER TABLE booking ALTER COLUMN seat TYPE integer;  -- its bound, chosen, stays
  )sql");
  expect_rebuilt_alike(original, "sequence_options");

  const std::string written = root_revision(introspect(original.connection()).schema);
  EXPECT_NE(written.find("create sequence plain as bigint increment by 1 start with 1;"), std::string::npos) << written;
  EXPECT_NE(written.find("plain_id integer generated always as identity,"), std::string::npos) << written;
  EXPECT_NE(written.find("countdown as smallint increment by -2 minvalue -1000 start with -1;"), std::string::npos) << written;
}

// Generated columns come back generated, not as a default PostgreSQL would refuse; columns of
// domains and composite types come back with their types, which come back first.
TEST(Introspect, GeneratedColumnsDomainsAndCompositeTypesSurviveTheRoundTrip) {
  testing::ScratchDatabase original("user_types");
  original.connection().execute_script(R"sql(
    CREATE SCHEMA archive;
    CREATE TYPE state AS ENUM ('new', 'done');
    CREATE DOMAIN positive AS numeric(10,2) NOT NULL DEFAULT 1 CHECK (VALUE > 0) CONSTRAINT positive_small CHECK (VALUE < 1e6);
    CREATE DOMAIN archive.label AS varchar(20) DEFAULT 'none';
    CREATE DOMAIN state_set AS state[];
    CREATE TYPE archive.pair AS (first integer, second archive.label, third state);
    CREATE TYPE nothing AS ();
    CREATE TABLE invoice (
      id integer PRIMARY KEY,
      net positive,
      rate numeric(4,2) DEFAULT 0.2,
      gross numeric GENERATED ALWAYS AS (net * (1 + rate)) STORED,
      shout text GENERATED ALWAYS AS (upper(name)) STORED NOT NULL,
      name archive.label,
      corner archive.pair,
      corners archive.pair[],
      states state_set
    );
  )sql");
  const auto introspected = introspect(original.connection());
  const Table* invoice = introspected.schema.find_table({"", "invoice"});
  ASSERT_NE(invoice, nullptr);
  ASSERT_NE(invoice->find_column("gross"), nullptr);
  EXPECT_TRUE(invoice->find_column("gross")->generated_sql.has_value());
  EXPECT_FALSE(invoice->find_column("gross")->default_sql.has_value());
  EXPECT_TRUE(introspected.schema.domains().contains({"archive", "label"}));
  EXPECT_TRUE(introspected.schema.composites().contains({"", "nothing"}));
  expect_rebuilt_alike(original, "user_types");
}

TEST(Introspect, ViewsAndMaterializedViewsSurviveTheRoundTrip) {
  testing::ScratchDatabase original("views");
  original.connection().execute_script(R"sql(
    CREATE SCHEMA archive;
    CREATE TABLE entry (id integer PRIMARY KEY, account text NOT NULL, amount numeric(12,2));
    CREATE TABLE archive.old_entry (id integer PRIMARY KEY, amount numeric);
    CREATE VIEW z_base (entry_id, account) AS SELECT id, account FROM entry WHERE amount > 0;
    -- Read before what it reads, by name: it must come out after it.
    CREATE VIEW a_top AS SELECT b.account, count(*) AS n FROM z_base b GROUP BY b.account;
    CREATE VIEW archive.everything AS SELECT id, amount FROM entry UNION ALL SELECT id, amount FROM archive.old_entry;
    CREATE MATERIALIZED VIEW totals AS SELECT account, sum(amount) AS total FROM entry GROUP BY account;
    CREATE MATERIALIZED VIEW empty_totals AS SELECT account FROM a_top WITH NO DATA;
  )sql");
  const auto introspected = introspect(original.connection());
  ASSERT_TRUE(introspected.schema.views().contains({"", "a_top"}));
  EXPECT_EQ(introspected.schema.views().at({"", "a_top"}).depth, 1u);
  EXPECT_TRUE(introspected.schema.views().at({"", "totals"}).materialized);
  EXPECT_FALSE(introspected.schema.views().at({"", "empty_totals"}).with_data);
  EXPECT_TRUE(introspected.schema.views().contains({"archive", "everything"}));
  expect_rebuilt_alike(original, "views");
}

TEST(Introspect, FunctionsProceduresAndTriggersSurviveTheRoundTrip) {
  testing::ScratchDatabase original("routines");
  original.connection().execute_script(R"sql(
    CREATE SCHEMA archive;
    CREATE TYPE mood AS ENUM ('calm', 'busy');
    -- Called by a default: it must come before the table.
    CREATE FUNCTION next_label(n integer DEFAULT 1) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'L-' || n $$;
    CREATE TABLE ticket (id integer PRIMARY KEY, title text NOT NULL, label text DEFAULT next_label(),
                         mood mood, touched timestamptz);
    -- Reads the table in an SQL body, which PostgreSQL checks when it is made: after the table.
    CREATE FUNCTION ticket_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM ticket $$;
    CREATE FUNCTION ticket_rows(m mood) RETURNS SETOF ticket LANGUAGE sql AS $$ SELECT * FROM ticket WHERE mood = m $$;
    CREATE FUNCTION label_of(t_id bigint, VARIADIC parts text[]) RETURNS text LANGUAGE sql AS 'select array_to_string(parts, t_id::text)';
    CREATE FUNCTION archive.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
    BEGIN
      NEW.touched := now();  -- a comment, kept
      RETURN NEW;
    END
    $$;
    CREATE PROCEDURE tidy(IN keep integer, INOUT removed integer) LANGUAGE plpgsql AS $$ BEGIN removed := keep; END $$;
    CREATE TRIGGER ticket_touch BEFORE UPDATE OF title ON ticket FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
      EXECUTE FUNCTION archive.touch();
    CREATE TRIGGER ticket_quiet AFTER INSERT ON ticket FOR EACH STATEMENT EXECUTE FUNCTION archive.touch();
    ALTER TABLE ticket DISABLE TRIGGER ticket_quiet;
  )sql");
  const auto introspected = introspect(original.connection());
  EXPECT_TRUE(introspected.schema.routines().contains(RoutineKey{{"", "label_of"}, "bigint, text[]"}));
  EXPECT_TRUE(introspected.schema.routines().contains(RoutineKey{{"archive", "touch"}, ""}));
  const auto quiet = introspected.schema.triggers().find(TriggerKey{{"", "ticket"}, "ticket_quiet"});
  ASSERT_NE(quiet, introspected.schema.triggers().end());
  EXPECT_FALSE(quiet->second.enabled);
  expect_rebuilt_alike(original, "routines");
}

TEST(Introspect, NamesWhatTheLanguageCannotSay) {
  testing::ScratchDatabase original("left_out");
  original.connection().execute_script(R"sql(
    CREATE TABLE grid (id integer PRIMARY KEY, name text);
    CREATE VIEW named_grid AS SELECT * FROM grid WHERE name IS NOT NULL;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER grid_touch BEFORE UPDATE ON grid FOR EACH ROW EXECUTE FUNCTION touch();
    CREATE TYPE floatrange AS RANGE (subtype = float8);
    CREATE TABLE tag (name text COLLATE "C" PRIMARY KEY, grid_id integer REFERENCES grid (id) MATCH FULL,
                      UNIQUE (grid_id) INCLUDE (name));
    CREATE INDEX idx_tag_prefix ON tag (name text_pattern_ops);
    CREATE INDEX idx_tag_posix ON tag (name COLLATE "POSIX");
    CREATE TABLE special_grid () INHERITS (grid);
    ALTER TABLE grid ENABLE ROW LEVEL SECURITY;
    CREATE POLICY grid_all ON grid USING (true);
    GRANT SELECT ON grid TO PUBLIC;
    GRANT SELECT (name) ON tag TO PUBLIC;
    GRANT USAGE ON TYPE floatrange TO PUBLIC;
    CREATE SCHEMA tenant;
    GRANT USAGE ON SCHEMA tenant TO PUBLIC;
    CREATE SEQUENCE orphan OWNED BY tag.name;
    CREATE TABLE counter (id serial PRIMARY KEY, hits serial);
    ALTER TABLE counter ALTER COLUMN id TYPE bigint;
    ALTER SEQUENCE counter_hits_seq CACHE 20;
    GRANT USAGE ON SEQUENCE counter_hits_seq TO PUBLIC;
    CREATE UNLOGGED TABLE cache (id integer) WITH (fillfactor = 70);
    CREATE UNLOGGED SEQUENCE cache_seq;
    CREATE TABLE first_name (id serial PRIMARY KEY);
    ALTER TABLE first_name RENAME TO second_name;
    CREATE SEQUENCE order_numbers;
    CREATE TABLE orders (no bigint NOT NULL DEFAULT nextval('order_numbers'), note text);
    ALTER SEQUENCE order_numbers OWNED BY orders.no;
    GRANT USAGE ON SEQUENCE order_numbers TO PUBLIC;
    CREATE SCHEMA own_revoked;
    REVOKE CREATE ON SCHEMA own_revoked FROM CURRENT_USER;
    CREATE TYPE mood AS ENUM ('ok');
    REVOKE USAGE ON TYPE mood FROM PUBLIC;
    GRANT USAGE ON TYPE mood TO pg_monitor WITH GRANT OPTION;
    CREATE DOMAIN code AS text;
    GRANT USAGE ON DOMAIN code TO pg_monitor;
    GRANT USAGE ON TYPE grid TO pg_monitor;
    CREATE TABLE plain_serial (id serial PRIMARY KEY);
    GRANT SELECT ON SEQUENCE plain_serial_id_seq TO pg_monitor;
    CREATE TABLE ident (id integer GENERATED ALWAYS AS IDENTITY);
    GRANT USAGE ON SEQUENCE ident_id_seq TO pg_monitor;
    CREATE TABLE tenant_site (id integer, region text, PRIMARY KEY (id, region));
    CREATE TABLE tenant_item (id integer PRIMARY KEY, site integer, region text,
                              FOREIGN KEY (site, region) REFERENCES tenant_site ON DELETE SET NULL (region));
    CREATE MATERIALIZED VIEW grid_names AS SELECT id, name FROM grid;
    CREATE UNIQUE INDEX grid_names_id ON grid_names (id);
    CREATE TABLE first_ident (id integer GENERATED ALWAYS AS IDENTITY);
    ALTER TABLE first_ident RENAME TO second_ident;
  )sql");
  const auto introspected = introspect(original.connection());
  std::string left_out;
  for (const auto& what : introspected.left_out) left_out += what + "\n";
  EXPECT_EQ(left_out.find("named_grid"), std::string::npos) << left_out;  // views are read
  EXPECT_TRUE(introspected.schema.views().contains({"", "named_grid"}));
  // Functions and triggers are read too.
  EXPECT_EQ(left_out.find("touch"), std::string::npos) << left_out;
  EXPECT_TRUE(introspected.schema.routines().contains(RoutineKey{{"", "touch"}, ""}));
  EXPECT_TRUE(introspected.schema.triggers().contains(TriggerKey{{"", "grid"}, "grid_touch"}));
  EXPECT_NE(left_out.find("range type public.floatrange"), std::string::npos) << left_out;
  // A column's collation is read, and an index key's own.
  EXPECT_EQ(left_out.find("the collation of"), std::string::npos) << left_out;
  ASSERT_NE(introspected.schema.find_table({"", "tag"}), nullptr);
  EXPECT_EQ(introspected.schema.find_table({"", "tag"})->find_column("name")->collation, (QualifiedName{"", "C"}));
  ASSERT_TRUE(introspected.schema.indexes().contains({"", "idx_tag_posix"}));
  EXPECT_EQ(introspected.schema.indexes().at({"", "idx_tag_posix"}).keys.at(0).collation, (QualifiedName{"", "POSIX"}));
  // ON DELETE SET NULL of some of a foreign key's columns sets those only.
  EXPECT_EQ(left_out.find("ON DELETE SET NULL"), std::string::npos) << left_out;
  ASSERT_NE(introspected.schema.find_table({"", "tenant_item"}), nullptr);
  for (const auto& constraint : introspected.schema.find_table({"", "tenant_item"})->constraints) {
    if (constraint.kind == ConstraintKind::foreign_key) {
      EXPECT_EQ(constraint.on_delete_columns, std::vector<std::string>{"region"});
    }
  }
  // A materialized view's index is read as a table's.
  EXPECT_EQ(left_out.find("grid_names_id"), std::string::npos) << left_out;
  ASSERT_TRUE(introspected.schema.indexes().contains({"", "grid_names_id"}));
  EXPECT_EQ(introspected.schema.indexes().at({"", "grid_names_id"}).table, (QualifiedName{"", "grid_names"}));
  EXPECT_TRUE(introspected.schema.indexes().at({"", "grid_names_id"}).unique);
  // An identity's sequence keeps its name through its table's rename (`sequence name`).
  EXPECT_EQ(left_out.find("first_ident_id_seq"), std::string::npos) << left_out;
  ASSERT_NE(introspected.schema.find_table({"", "second_ident"}), nullptr);
  EXPECT_EQ(introspected.schema.find_table({"", "second_ident"})->find_column("id")->owned_sequence, (QualifiedName{"", "first_ident_id_seq"}));
  for (const char* expected : {"MATCH FULL of foreign key tag_grid_id_fkey on tag",
                               "the INCLUDE columns of constraint tag_grid_id_name_key on tag",
                               "inheritance of table public.special_grid",
                               "privileges (GRANT) on type floatrange",
                               "unlogged sequence public.cache_seq",
                               "privileges (GRANT) on sequence ident_id_seq",
                               "privileges of the owner on schema own_revoked (its own revoked)",
                               "storage parameters of public.cache (fillfactor=70)"}) {
    EXPECT_NE(left_out.find(expected), std::string::npos) << expected << " is not in:\n" << left_out;
  }
  // A sequence owned by a column comes back owned by it; a serial whose sequence is no longer
  // what `serial` makes (another type, other options) comes back as that sequence, owned by its
  // column, and the column's default calling it.
  EXPECT_EQ(left_out.find("OWNED BY"), std::string::npos) << left_out;
  // Privileges on a schema beside public are read.
  EXPECT_EQ(left_out.find("privileges (GRANT) on schema"), std::string::npos) << left_out;
  // And those on a table's columns.
  EXPECT_EQ(left_out.find("column privileges"), std::string::npos) << left_out;
  EXPECT_EQ(introspected.schema.find_table({"", "tag"})->find_column("name")->privileges, (Privileges{{"public", {{"SELECT", false}}}}));
  // And those on enums, domains and composite types; not those on a table's row type.
  ASSERT_TRUE(introspected.schema.enums().contains({"", "mood"}));
  EXPECT_EQ(introspected.schema.enums().at({"", "mood"}).privileges, (Privileges{{"pg_monitor", {{"USAGE", true}}}}));
  ASSERT_TRUE(introspected.schema.domains().contains({"", "code"}));
  EXPECT_EQ(introspected.schema.domains().at({"", "code"}).privileges,
            (Privileges{{"public", {{"USAGE", false}}}, {"pg_monitor", {{"USAGE", false}}}}));
  EXPECT_NE(left_out.find("privileges (GRANT) on type grid"), std::string::npos) << left_out;
  ASSERT_TRUE(introspected.schema.schemas().contains("tenant"));
  EXPECT_EQ(introspected.schema.schemas().at("tenant").privileges, (Privileges{{"public", {{"USAGE", false}}}}));
  EXPECT_EQ(left_out.find("serial column"), std::string::npos) << left_out;
  const auto& sequences = introspected.schema.sequences();
  // A serial whose table was renamed, and a sequence made by hand for a column, keep their names.
  ASSERT_TRUE(sequences.contains({"", "first_name_id_seq"}));
  EXPECT_EQ(sequences.at({"", "first_name_id_seq"}).owner, (SequenceOwner{{"", "second_name"}, "id"}));
  ASSERT_TRUE(sequences.contains({"", "order_numbers"}));
  EXPECT_FALSE(sequences.contains({"", "orders_no_seq"}));
  ASSERT_TRUE(sequences.contains({"", "orphan"}));
  EXPECT_EQ(sequences.at({"", "orphan"}).owner, (SequenceOwner{{"", "tag"}, "name"}));
  ASSERT_TRUE(sequences.contains({"", "counter_id_seq"}));
  EXPECT_EQ(sequences.at({"", "counter_id_seq"}).type, "integer");
  EXPECT_EQ(sequences.at({"", "counter_id_seq"}).owner, (SequenceOwner{{"", "counter"}, "id"}));
  ASSERT_TRUE(sequences.contains({"", "counter_hits_seq"}));
  EXPECT_EQ(sequences.at({"", "counter_hits_seq"}).cache, 20);
  // Privileges on a sequence owned by a column and on a serial's are read; an identity's are not
  // in the language.
  EXPECT_EQ(left_out.find("privileges (GRANT) on sequence counter_hits_seq"), std::string::npos) << left_out;
  EXPECT_EQ(sequences.at({"", "counter_hits_seq"}).privileges, (Privileges{{"public", {{"USAGE", false}}}}));
  EXPECT_EQ(sequences.at({"", "order_numbers"}).privileges, (Privileges{{"public", {{"USAGE", false}}}}));
  EXPECT_EQ(introspected.schema.find_table({"", "plain_serial"})->find_column("id")->owned_sequence_privileges,
            (Privileges{{"pg_monitor", {{"SELECT", false}}}}));
  EXPECT_EQ(introspected.schema.find_table({"", "counter"})->find_column("hits")->default_sql,
            std::optional<std::string>("nextval('counter_hits_seq'::regclass)"));
  EXPECT_TRUE(introspected.schema.tables().contains({"", "grid"}));
  EXPECT_TRUE(introspected.schema.tables().at({"", "grid"}).row_security);
  // Privileges on a table are read, not left out.
  EXPECT_EQ(left_out.find("on public.grid"), std::string::npos) << left_out;
  EXPECT_EQ(introspected.schema.tables().at({"", "grid"}).privileges, (Privileges{{"public", {{"SELECT", false}}}}));
  EXPECT_TRUE(introspected.schema.policies().contains(PolicyKey{{"", "grid"}, "grid_all"}));
  // A key's operator class is not left out: it comes back with the key.
  EXPECT_EQ(left_out.find("idx_tag_prefix"), std::string::npos) << left_out;
  const auto prefix = introspected.schema.indexes().find({"", "idx_tag_prefix"});
  ASSERT_NE(prefix, introspected.schema.indexes().end());
  EXPECT_EQ(prefix->second.keys.at(0).operator_class, "text_pattern_ops");
}

// The "sync the chain with a database someone changed by hand" case: the revision written from
// the diff, applied to a database at the old head, must give the hand-changed database's catalog.
TEST(Introspect, FromDbCatchesTheChainUpWithAHandChangedDatabase) {
  Diagnostics diagnostics;
  auto files = chain_files(fs::path(MIGC_SOURCE_DIR) / "migrations");
  const auto smartem = compile_chain(files, diagnostics);
  ASSERT_TRUE(smartem) << errors_of(diagnostics);
  testing::ScratchDatabase changed("from_db");
  upgrade(changed, *smartem);
  changed.connection().execute_script(R"sql(
    ALTER TABLE grid ADD COLUMN cassette_slot smallint CHECK (cassette_slot BETWEEN 1 AND 12);
    ALTER TABLE micrograph ALTER COLUMN total_motion SET DEFAULT 0.0;
    CREATE INDEX idx_foilhole_quality ON foilhole (quality DESC) WHERE quality IS NOT NULL;
    DROP INDEX idx_micrograph_acquisition_datetime;
    COMMENT ON TABLE atlas IS 'One per grid';
    CREATE TABLE note (id bigserial PRIMARY KEY, grid_uuid varchar REFERENCES grid (uuid), body text NOT NULL);
  )sql");

  const std::string current_schema(changed.connection().execute("SELECT current_schema()").value(0, 0));
  const auto database = introspect(changed.connection(), current_schema);
  const Schema head = normalised_by_server(changed.connection(), smartem->head);
  const auto generated = autogenerate(head, database.schema);
  std::string body = "revision 'synced' revises '" + smartem->revisions.back().id + "';\n";
  for (const auto& statement : generated.statements) body += statement + "\n";
  files.emplace_back("synced_from_db.mig", body);
  const auto synced = compile_chain(files, diagnostics);
  ASSERT_TRUE(synced) << errors_of(diagnostics) << body;

  testing::ScratchDatabase caught_up("from_db_caught_up");
  upgrade(caught_up, *synced);
  EXPECT_EQ(caught_up.snapshot(), changed.snapshot()) << body;
  // Nothing but the hand-made changes (the new table's foreign key and the new column's check
  // are statements of their own): the rest of the schema reads back equal on both sides.
  EXPECT_EQ(generated.statements.size(), 8u) << body;
}

}  // namespace
}  // namespace migc
