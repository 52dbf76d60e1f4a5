// Golden tests: the exact SQL each operation lowers to, up and down.
#include <gtest/gtest.h>

#include "compiler/chain.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

struct Lowered {
  std::vector<std::string> up;
  std::vector<std::string> down;
  std::vector<bool> up_in_transaction, down_in_transaction;
};

// Compiles `setup` as revision 001 and `body` as revision 002; returns 002's SQL.
Lowered lower(const std::string& setup, const std::string& body) {
  std::vector<SourceFile> files;
  files.emplace_back("001_setup.mig", "revision '001' revises base;\n" + setup);
  files.emplace_back("002_body.mig", "revision '002' revises '001';\n" + body);
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  EXPECT_TRUE(chain) << errors;
  if (!chain) return {};
  Lowered out;
  for (const auto& step : chain->revisions.at(1).lowered.up) {
    out.up.push_back(step.sql);
    out.up_in_transaction.push_back(step.transactional);
  }
  for (const auto& step : chain->revisions.at(1).lowered.down) {
    out.down.push_back(step.sql);
    out.down_in_transaction.push_back(step.transactional);
  }
  return out;
}

using Sql = std::vector<std::string>;

TEST(Lowering, CreateTableNamesConstraintsAsPostgresDoes) {
  const auto sql = lower("create table grid (uuid varchar primary key);",
                         "create table gridsquare (\n"
                         "  uuid varchar(36) primary key,\n"
                         "  grid_uuid varchar not null references grid (uuid) on delete cascade,\n"
                         "  name text unique default 'x',\n"
                         "  \"order\" integer\n"
                         ");");
  EXPECT_EQ(sql.up, Sql{"CREATE TABLE gridsquare (\n"
                        "    uuid character varying(36) NOT NULL,\n"
                        "    grid_uuid character varying NOT NULL,\n"
                        "    name text DEFAULT 'x',\n"
                        "    \"order\" integer,\n"
                        "    CONSTRAINT gridsquare_pkey PRIMARY KEY (uuid),\n"
                        "    CONSTRAINT gridsquare_name_key UNIQUE (name),\n"
                        "    CONSTRAINT gridsquare_grid_uuid_fkey FOREIGN KEY (grid_uuid) REFERENCES grid (uuid) ON DELETE CASCADE\n"
                        ")"});
  EXPECT_EQ(sql.down, Sql{"DROP TABLE gridsquare"});
}

TEST(Lowering, CompositeKeysAndSerials) {
  const auto sql = lower("", "create table position (a integer, b integer, id bigserial, primary key (a, b));");
  EXPECT_EQ(sql.up, Sql{"CREATE TABLE \"position\" (\n"
                        "    a integer NOT NULL,\n"
                        "    b integer NOT NULL,\n"
                        "    id bigserial NOT NULL,\n"
                        "    CONSTRAINT position_pkey PRIMARY KEY (a, b)\n"
                        ")"});
}

// A dot inside a quoted name is part of the name: table "a.b" is in public, and its serial's
// sequence, index and constraints are named after it there.
TEST(Lowering, QuotedNamesWithDots) {
  const auto sql = lower("create schema \"s.t\";",
                         "create table \"a.b\" (id serial primary key);\n"
                         "create table \"s.t\".\"c.d\" (ab integer references \"a.b\" (id));\n"
                         "create index \"i.x\" on \"s.t\".\"c.d\" (ab);\n"
                         "drop index \"s.t\".\"i.x\";");
  EXPECT_EQ(sql.up, (Sql{"CREATE TABLE \"a.b\" (\n"
                         "    id serial NOT NULL,\n"
                         "    CONSTRAINT \"a.b_pkey\" PRIMARY KEY (id)\n"
                         ")",
                         "CREATE TABLE \"s.t\".\"c.d\" (\n"
                         "    ab integer,\n"
                         "    CONSTRAINT \"c.d_ab_fkey\" FOREIGN KEY (ab) REFERENCES \"a.b\" (id)\n"
                         ")",
                         "CREATE INDEX \"i.x\" ON \"s.t\".\"c.d\" USING btree (ab)", "DROP INDEX \"s.t\".\"i.x\""}));
  EXPECT_EQ(sql.down, (Sql{"CREATE INDEX \"i.x\" ON \"s.t\".\"c.d\" USING btree (ab)", "DROP INDEX \"s.t\".\"i.x\"",
                           "DROP TABLE \"s.t\".\"c.d\"", "DROP TABLE \"a.b\""}));
}

TEST(Lowering, DropTableRecreatesTableAndIndexesOnTheWayDown) {
  const auto sql = lower("create table grid (uuid varchar primary key, name varchar);\n"
                         "create index idx_grid_name on grid (name);",
                         "drop table grid;");
  EXPECT_EQ(sql.up, Sql{"DROP TABLE grid"});
  EXPECT_EQ(sql.down, (Sql{"CREATE TABLE grid (\n"
                           "    uuid character varying NOT NULL,\n"
                           "    name character varying,\n"
                           "    CONSTRAINT grid_pkey PRIMARY KEY (uuid)\n"
                           ")",
                           "CREATE INDEX idx_grid_name ON grid USING btree (name)"}));
}

TEST(Lowering, DropTableCascadeRestoresForeignKeysOfOtherTables) {
  const auto sql = lower("create table grid (uuid varchar primary key);\n"
                         "create table square (uuid varchar primary key, grid_uuid varchar references grid);",
                         "drop table grid cascade;");
  EXPECT_EQ(sql.up, Sql{"DROP TABLE grid CASCADE"});
  ASSERT_EQ(sql.down.size(), 2u);
  EXPECT_EQ(sql.down[1], "ALTER TABLE square ADD CONSTRAINT square_grid_uuid_fkey FOREIGN KEY (grid_uuid) REFERENCES grid (uuid)");
}

TEST(Lowering, IndexesUpAndDown) {
  const auto sql = lower("create table micrograph (uuid varchar, taken timestamp, status text);",
                         "create index idx_m on micrograph using hash (taken);\ndrop index idx_m;\n"
                         "create index idx_n on micrograph (taken, status);");
  EXPECT_EQ(sql.up, (Sql{"CREATE INDEX idx_m ON micrograph USING hash (taken)", "DROP INDEX idx_m",
                         "CREATE INDEX idx_n ON micrograph USING btree (taken, status)"}));
  // Reverse order: the last statement is undone first.
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX idx_n", "CREATE INDEX idx_m ON micrograph USING hash (taken)",
                           "DROP INDEX idx_m"}));
}

TEST(Lowering, EnumTypes) {
  const auto sql = lower("create type old as enum ('x');", "create type status as enum ('NONE', 'it''s');\ndrop type old;");
  EXPECT_EQ(sql.up, (Sql{"CREATE TYPE status AS ENUM ('NONE', 'it''s')", "DROP TYPE old"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TYPE old AS ENUM ('x')", "DROP TYPE status"}));
}

TEST(Lowering, AddAndDropColumn) {
  const auto sql = lower("create table grid (uuid varchar primary key, note text);\ncreate index idx_note on grid (note);",
                         "alter table grid add column size integer not null default 0 unique;\n"
                         "alter table grid drop column note;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE grid ADD COLUMN size integer DEFAULT 0 NOT NULL, ADD CONSTRAINT grid_size_key UNIQUE (size)",
                         "ALTER TABLE grid DROP COLUMN note"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE grid ADD COLUMN note text", "CREATE INDEX idx_note ON grid USING btree (note)",
                           "ALTER TABLE grid DROP COLUMN size"}));
}

TEST(Lowering, ExecuteUsesItsOwnDown) {
  const auto sql = lower("", "execute $$ select 1 $$ down $$ select 2 $$;");
  EXPECT_EQ(sql.up, Sql{"select 1"});
  EXPECT_EQ(sql.down, Sql{"select 2"});
}

TEST(Lowering, HandWrittenDownRunsAsWrittenInsteadOfTheDerivedOne) {
  const auto sql = lower("create table grid (id integer primary key, size integer);",
                         "@allow(TableRewrite)\n"
                         "alter table grid alter column size type text;\n"
                         "execute $$ update grid set size = '0' || size $$;\n"
                         "down {\n"
                         "  execute $$ update grid set size = ltrim(size, '0') $$;\n"
                         "  alter table grid alter column size type integer using (size::integer);\n"
                         "}\n");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE grid ALTER COLUMN size TYPE text", "update grid set size = '0' || size"}));
  EXPECT_EQ(sql.down, (Sql{"update grid set size = ltrim(size, '0')",
                           "ALTER TABLE grid ALTER COLUMN size TYPE integer USING (size::integer)"}));
}

TEST(Lowering, LongNamesAreShortenedAsPostgresDoes) {
  // makeObjectName(): the longer part gives way until "table_column_label" fits in 63 bytes.
  const std::string table(40, 't');
  const std::string column(40, 'c');
  const auto sql = lower("", "create table " + table + " (" + column + " integer unique);");
  ASSERT_EQ(sql.up.size(), 1u);
  EXPECT_NE(sql.up[0].find("CONSTRAINT " + std::string(29, 't') + "_" + std::string(29, 'c') + "_key UNIQUE"),
            std::string::npos)
      << sql.up[0];
}

TEST(Lowering, RenamesAndTheirInverse) {
  const auto sql = lower("create table session (id integer primary key, operator text);",
                         "alter table session rename to acquisition_session;\n"
                         "alter table acquisition_session rename column operator to operator_name;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE session RENAME TO acquisition_session",
                         "ALTER TABLE acquisition_session RENAME COLUMN operator TO operator_name"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE acquisition_session RENAME COLUMN operator_name TO operator",
                           "ALTER TABLE acquisition_session RENAME TO session"}));
}

TEST(Lowering, ColumnAlterations) {
  const auto sql = lower("create table grid (id integer primary key, size smallint default 1, note text);",
                         "alter table grid alter column size type integer using (size::integer);\n"
                         "alter table grid alter column size set default 2;\n"
                         "alter table grid alter column note set not null;\n"
                         "alter table grid alter column size drop default;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE grid ALTER COLUMN size TYPE integer USING (size::integer)",
                         "ALTER TABLE grid ALTER COLUMN size SET DEFAULT 2",
                         "ALTER TABLE grid ALTER COLUMN note SET NOT NULL",
                         "ALTER TABLE grid ALTER COLUMN size DROP DEFAULT"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE grid ALTER COLUMN size SET DEFAULT 2",
                           "ALTER TABLE grid ALTER COLUMN note DROP NOT NULL",
                           "ALTER TABLE grid ALTER COLUMN size SET DEFAULT 1",
                           "ALTER TABLE grid ALTER COLUMN size TYPE smallint USING size::smallint"}));
}

TEST(Lowering, SettingWhatAlreadyHoldsHasNoDown) {
  const auto sql = lower("create table grid (id integer primary key, name text not null);",
                         "alter table grid alter column name set not null;");
  EXPECT_EQ(sql.up, Sql{"ALTER TABLE grid ALTER COLUMN name SET NOT NULL"});
  EXPECT_EQ(sql.down, Sql{});
}

TEST(Lowering, ConstraintsByName) {
  const auto sql = lower("create table grid (id integer primary key, size integer, name text);",
                         "alter table grid add check (size > 0) not valid;\n"
                         "alter table grid add constraint grid_name_key unique (name);\n"
                         "alter table grid drop constraint grid_name_key;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE grid ADD CONSTRAINT grid_size_check CHECK (size > 0) NOT VALID",
                         "ALTER TABLE grid ADD CONSTRAINT grid_name_key UNIQUE (name)",
                         "ALTER TABLE grid DROP CONSTRAINT grid_name_key"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE grid ADD CONSTRAINT grid_name_key UNIQUE (name)",
                           "ALTER TABLE grid DROP CONSTRAINT grid_name_key",
                           "ALTER TABLE grid DROP CONSTRAINT grid_size_check"}));
}

TEST(Lowering, EnumValueAddedIsRemovedByRebuildingTheType) {
  const auto sql = lower("create type state as enum ('a', 'c');\n"
                         "create table job (id integer primary key, state state not null default 'a');",
                         "alter type state add value 'b' before 'c';");
  EXPECT_EQ(sql.up, Sql{"ALTER TYPE state ADD VALUE 'b' BEFORE 'c'"});
  EXPECT_EQ(sql.down, (Sql{"ALTER TYPE state RENAME TO state__migc_old", "CREATE TYPE state AS ENUM ('a', 'c')",
                           "ALTER TABLE job ALTER COLUMN state DROP DEFAULT",
                           "ALTER TABLE job ALTER COLUMN state TYPE state USING state::text::state",
                           "ALTER TABLE job ALTER COLUMN state SET DEFAULT 'a'", "DROP TYPE state__migc_old"}));
}

TEST(Lowering, EnumValueRename) {
  const auto sql = lower("create type state as enum ('done');", "alter type state rename value 'done' to 'completed';");
  EXPECT_EQ(sql.up, Sql{"ALTER TYPE state RENAME VALUE 'done' TO 'completed'"});
  EXPECT_EQ(sql.down, Sql{"ALTER TYPE state RENAME VALUE 'completed' TO 'done'"});
}

TEST(Lowering, InsertRowsWithTheirDown) {
  const auto sql = lower("create table user_preferences (id integer primary key, user_id varchar, value jsonb);",
                         "insert into user_preferences (id, user_id, value)\n"
                         "  values (1, 'system', '{\"theme\": \"light\"}'::jsonb), (2, 'o''brien', null)\n"
                         "  down $$ delete from user_preferences where id in (1, 2) $$;");
  EXPECT_EQ(sql.up, Sql{"INSERT INTO user_preferences (id, user_id, value) VALUES (1, 'system', "
                        "'{\"theme\": \"light\"}'::jsonb), (2, 'o''brien', null)"});
  EXPECT_EQ(sql.down, Sql{"delete from user_preferences where id in (1, 2)"});
}

// Each row an insert without `on conflict` adds is new, or the insert fails: given the primary key
// as constants, its way back deletes those keys, each cast as inserting it converted it.
TEST(Lowering, InsertGivingItsKeyDerivesItsDown) {
  const auto sql = lower("create table reading (id integer primary key, label text);\n"
                         "create table pair (a integer, b text, primary key (a, b));",
                         "insert into reading (label, id) values ('a', 1), ('b', 2.6);\n"
                         "insert into pair (b, a) values ('x', 1), ('y', 2);");
  EXPECT_EQ(sql.up, (Sql{"INSERT INTO reading (label, id) VALUES ('a', 1), ('b', 2.6)",
                         "INSERT INTO pair (b, a) VALUES ('x', 1), ('y', 2)"}));
  EXPECT_EQ(sql.down, (Sql{"DELETE FROM pair WHERE (a, b) IN ((CAST(1 AS integer), CAST('x' AS text)), (CAST(2 AS integer), CAST('y' AS text)))",
                           "DELETE FROM reading WHERE id IN (CAST(1 AS integer), CAST(2.6 AS integer))"}));
}

TEST(Lowering, InsertWithoutColumnsFillsTheLeadingOnes) {
  const auto sql = lower("create table reading (id integer primary key, label text, n integer default 0);\n"
                         "create table counted (id integer generated always as identity primary key, label text);",
                         "insert into reading values (1, 'a'), (2, 'b');\n"
                         "insert into counted overriding system value values (7, 'x');");
  EXPECT_EQ(sql.up, (Sql{"INSERT INTO reading (id, label) VALUES (1, 'a'), (2, 'b')",
                         "INSERT INTO counted (id, label) OVERRIDING SYSTEM VALUE VALUES (7, 'x')"}));
  EXPECT_EQ(sql.down, (Sql{"DELETE FROM counted WHERE id IN (CAST(7 AS integer))",
                           "DELETE FROM reading WHERE id IN (CAST(1 AS integer), CAST(2 AS integer))"}));
}

TEST(Lowering, ViewOptionsAndCheckOption) {
  const auto sql = lower("create table reading (id integer primary key, label text);",
                         "create view labelled with (security_barrier = on) as select id, label from reading where label is not null "
                         "with local check option;\n"
                         "create or replace view labelled with (security_invoker) as select id, label from reading;");
  EXPECT_EQ(sql.up, (Sql{"CREATE VIEW labelled WITH (check_option=local, security_barrier=true) AS select id, label from reading where label is not null",
                         "CREATE OR REPLACE VIEW labelled WITH (security_invoker=true) AS select id, label from reading"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE OR REPLACE VIEW labelled WITH (check_option=local, security_barrier=true) AS select id, label from reading where label is not null",
                           "DROP VIEW labelled"}));
}

TEST(Lowering, ViewColumnsRenamed) {
  const auto sql = lower("create table reading (id integer primary key, label text, n integer);\n"
                         "create view labelled as select id, label, n from reading;",
                         "alter view labelled rename column label to title;\n"
                         "alter view labelled rename id to \"Id\";");
  EXPECT_EQ(sql.up, (Sql{"ALTER VIEW labelled RENAME COLUMN label TO title", "ALTER VIEW labelled RENAME COLUMN id TO \"Id\""}));
  EXPECT_EQ(sql.down, (Sql{"ALTER VIEW labelled RENAME COLUMN \"Id\" TO id", "ALTER VIEW labelled RENAME COLUMN title TO label"}));
}

TEST(Lowering, ViewColumnDefaults) {
  const auto sql = lower("create table reading (id integer primary key, label text);\n"
                         "create view labelled as select id, label from reading;",
                         "alter view labelled alter column label set default 'none';\n"
                         "alter table labelled alter column id set default 0;\n"
                         "alter view labelled alter id drop default;\n"
                         "create or replace view labelled as select id, label, 1 as n from reading;\n"
                         "drop view labelled;");
  EXPECT_EQ(sql.up, (Sql{"ALTER VIEW labelled ALTER COLUMN label SET DEFAULT 'none'", "ALTER VIEW labelled ALTER COLUMN id SET DEFAULT 0",
                         "ALTER VIEW labelled ALTER COLUMN id DROP DEFAULT",
                         "CREATE OR REPLACE VIEW labelled AS select id, label, 1 as n from reading", "DROP VIEW labelled"}));
  // The view made again on the way back has the default it had: the replaced one kept it.
  EXPECT_EQ(sql.down, (Sql{"CREATE VIEW labelled AS select id, label, 1 as n from reading;\n"
                           "ALTER VIEW labelled ALTER COLUMN label SET DEFAULT 'none'",
                           "DROP VIEW labelled CASCADE", "CREATE VIEW labelled AS select id, label from reading;\n"
                           "ALTER VIEW labelled ALTER COLUMN label SET DEFAULT 'none'",
                           "ALTER VIEW labelled ALTER COLUMN id SET DEFAULT 0", "ALTER VIEW labelled ALTER COLUMN id DROP DEFAULT",
                           "ALTER VIEW labelled ALTER COLUMN label DROP DEFAULT"}));
}

TEST(Lowering, MaterializedViewIndexes) {
  const auto sql = lower("create table reading (id integer primary key, label text);\n"
                         "create materialized view labelled as select id, label from reading;",
                         "create unique index labelled_id on labelled (id);\n"
                         "refresh materialized view concurrently labelled;\n"
                         "drop materialized view labelled;");
  EXPECT_EQ(sql.up, (Sql{"CREATE UNIQUE INDEX labelled_id ON labelled USING btree (id)", "REFRESH MATERIALIZED VIEW CONCURRENTLY labelled",
                         "DROP MATERIALIZED VIEW labelled"}));
  // The view comes back with its index.
  EXPECT_EQ(sql.down, (Sql{"CREATE MATERIALIZED VIEW labelled AS select id, label from reading",
                           "CREATE UNIQUE INDEX labelled_id ON labelled USING btree (id)", "DROP INDEX labelled_id"}));
}

TEST(Lowering, InsertOnConflict) {
  const auto sql = lower("create table counter (name text constraint counter_name unique, hits integer not null);",
                         "insert into counter (name, hits) values ('a', 1) on conflict do nothing irreversible;\n"
                         "insert into counter (name, hits) values ('a', 1) on conflict (name) do nothing irreversible;\n"
                         "insert into counter (name, hits) values ('a', 1)\n"
                         "  on conflict on constraint counter_name do update set hits = counter.hits + excluded.hits, \"name\" = 'b'\n"
                         "  where excluded.hits > 0\n"
                         "  down $$ update counter set hits = hits - 1 where name = 'a' $$;");
  EXPECT_EQ(sql.up, (Sql{"INSERT INTO counter (name, hits) VALUES ('a', 1) ON CONFLICT DO NOTHING",
                         "INSERT INTO counter (name, hits) VALUES ('a', 1) ON CONFLICT (name) DO NOTHING",
                         "INSERT INTO counter (name, hits) VALUES ('a', 1) ON CONFLICT ON CONSTRAINT counter_name DO UPDATE SET "
                         "hits = counter.hits + excluded.hits, name = 'b' WHERE excluded.hits > 0"}));
  EXPECT_EQ(sql.down, Sql{"update counter set hits = hits - 1 where name = 'a'"});
}

TEST(Lowering, UpdateAndDeleteWithTheirDowns) {
  const auto sql = lower("create table \"Job\" (id integer primary key, \"State\" text, note text);",
                         "update \"Job\" set \"State\" = 'done', note = upper(note) where id in (select id from \"Job\" where note is null)\n"
                         "  down $$ update \"Job\" set \"State\" = null $$;\n"
                         "delete from \"Job\" where \"Job\".\"State\" = 'gone' irreversible;\n"
                         "delete from \"Job\" down $$ select 1 $$;");
  EXPECT_EQ(sql.up, (Sql{"UPDATE \"Job\" SET \"State\" = 'done', note = upper(note) WHERE id in (select id from \"Job\" where note is null)",
                         "DELETE FROM \"Job\" WHERE \"Job\".\"State\" = 'gone'", "DELETE FROM \"Job\""}));
  EXPECT_EQ(sql.down, (Sql{"select 1", "update \"Job\" set \"State\" = null"}));
}

TEST(Lowering, PartialExpressionAndConcurrentIndexes) {
  const auto sql = lower("create table session (id integer primary key, state text, started timestamp, name text);",
                         "create index idx_active on session (started desc) where (state <> 'done');\n"
                         "create index idx_lower on session using btree ((lower(name)));");
  EXPECT_EQ(sql.up, (Sql{"CREATE INDEX idx_active ON session USING btree (started DESC) WHERE (state <> 'done')",
                         "CREATE INDEX idx_lower ON session USING btree ((lower(name)))"}));
  const auto concurrent = lower("create table session (id integer primary key, name text);",
                                "create index concurrently idx_name on session (name);");
  EXPECT_EQ(concurrent.up, Sql{"CREATE INDEX CONCURRENTLY idx_name ON session USING btree (name)"});
  EXPECT_EQ(concurrent.down, Sql{"DROP INDEX CONCURRENTLY idx_name"});
}

// PostgreSQL runs a message of several statements as one transaction, which `vacuum` refuses:
// a step outside a transaction is one plan step per statement, its down likewise.
TEST(Lowering, StepsOutsideATransactionRunStatementByStatement) {
  const auto maintenance = lower("create table session (id integer primary key, name text);",
                                 "execute outside transaction $$\n  vacuum (analyze) session;\n  -- the index too\n"
                                 "  reindex table session;;\n  analyze session (name)\n$$;");
  EXPECT_EQ(maintenance.up, (Sql{"vacuum (analyze) session", "-- the index too\n  reindex table session", "analyze session (name)"}));
  EXPECT_EQ(maintenance.up_in_transaction, (std::vector<bool>{false, false, false}));
  EXPECT_EQ(maintenance.down, Sql{});  // maintenance has nothing to undo
  const auto with_down = lower("create table session (id integer primary key, name text);",
                               "execute outside transaction $$ update session set name = 'x' where id = 1; vacuum session $$\n"
                               "  down $$ update session set name = null where id = 1; vacuum session $$;");
  EXPECT_EQ(with_down.up, (Sql{"update session set name = 'x' where id = 1", "vacuum session"}));
  EXPECT_EQ(with_down.down, (Sql{"update session set name = null where id = 1", "vacuum session"}));
  EXPECT_EQ(with_down.down_in_transaction, (std::vector<bool>{false, false}));
  // A last line that may end in a comment ends with a line end, so that the `;` written after
  // the step is not inside the comment.
  const auto commented = lower("create table session (id integer primary key, name text);",
                               "execute outside transaction $$ vacuum session; analyze session -- after\n$$;\n");
  EXPECT_EQ(commented.up, (Sql{"vacuum session", "analyze session -- after\n"}));
  const auto in_transaction = lower("create table session (id integer primary key, name text);",
                                    "execute $$ update session set name = '--' $$ down $$ select 1 -- nothing $$;");
  EXPECT_EQ(in_transaction.up, (Sql{"update session set name = '--'\n"}));
  EXPECT_EQ(in_transaction.down, (Sql{"select 1 -- nothing\n"}));
  // Undeclared, maintenance that runs in a transaction has nothing to undo either.
  const auto analyze = lower("create table session (id integer primary key);", "execute $$ analyze session $$;");
  EXPECT_EQ(analyze.up, Sql{"analyze session"});
  EXPECT_EQ(analyze.up_in_transaction, std::vector<bool>{true});
  EXPECT_EQ(analyze.down, Sql{});
}

TEST(Lowering, RenamedTableKeepsItsSequenceOnTheWayBack) {
  const auto sql = lower("create table session (id bigserial primary key);\nalter table session rename to run;",
                         "drop table run;");
  EXPECT_EQ(sql.down, Sql{"CREATE SEQUENCE session_id_seq AS bigint;\n"
                          "CREATE TABLE run (\n"
                          "    id bigint DEFAULT nextval('session_id_seq'::regclass) NOT NULL,\n"
                          "    CONSTRAINT session_pkey PRIMARY KEY (id)\n"
                          ");\n"
                          "ALTER SEQUENCE session_id_seq OWNED BY run.id"});
}

TEST(Lowering, ExtensionsSequencesComments) {
  const auto sql = lower("create table ticket (id integer primary key, note text);",
                         "create extension pgcrypto;\n"
                         "create sequence ticket_number as integer increment by 10 start with 1000;\n"
                         "comment on table ticket is 'Support tickets';\n"
                         "comment on column ticket.note is 'Free text';");
  EXPECT_EQ(sql.up, (Sql{"CREATE EXTENSION pgcrypto",
                         "CREATE SEQUENCE ticket_number AS integer INCREMENT BY 10 START WITH 1000",
                         "COMMENT ON TABLE ticket IS 'Support tickets'", "COMMENT ON COLUMN ticket.note IS 'Free text'"}));
  EXPECT_EQ(sql.down, (Sql{"COMMENT ON COLUMN ticket.note IS NULL", "COMMENT ON TABLE ticket IS NULL",
                           "DROP SEQUENCE ticket_number", "DROP EXTENSION pgcrypto"}));
}

// A new sequence states its type, increment and start, and its other options where they are
// not PostgreSQL's defaults for its type and direction.
TEST(Lowering, SequenceOptions) {
  const auto sql = lower("", "create sequence countdown as smallint increment by -1;\n"
                             "create sequence ticket_number as integer minvalue 10 maxvalue 5000 start 20 cache 5 cycle;");
  EXPECT_EQ(sql.up, (Sql{"CREATE SEQUENCE countdown AS smallint INCREMENT BY -1 START WITH -1",
                         "CREATE SEQUENCE ticket_number AS integer INCREMENT BY 1 MINVALUE 10 MAXVALUE 5000 START WITH 20 CACHE 5 CYCLE"}));
}

// An altered sequence says what changes; its down gives back the options it had. A narrower
// type takes its own bound where the old type's own was; a restart is not undone.
TEST(Lowering, AlterSequence) {
  const auto sql = lower("create sequence ticket_number as integer increment by 10 start with 1000;",
                         "alter sequence ticket_number as smallint maxvalue 30000 no cycle cache 3 restart with 2000;\n"
                         "alter sequence ticket_number increment by -1 no minvalue;\n"
                         "alter sequence ticket_number restart;");
  EXPECT_EQ(sql.up, (Sql{"ALTER SEQUENCE ticket_number AS smallint MAXVALUE 30000 CACHE 3 RESTART WITH 2000",
                         "ALTER SEQUENCE ticket_number INCREMENT BY -1 MINVALUE -32768",
                         "ALTER SEQUENCE ticket_number RESTART"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER SEQUENCE ticket_number INCREMENT BY 10 MINVALUE 1",
                           "ALTER SEQUENCE ticket_number AS integer MAXVALUE 2147483647 CACHE 1"}));
}

// An identity column's changes say what changes; the way back from `drop identity` adds it back
// with its sequence's name and options, moved past the values the column kept.
TEST(Lowering, IdentityChanges) {
  const auto sql = lower("create table ticket (id bigint generated always as identity (start with 10 cache 5), n integer not null);",
                         "alter table ticket alter column id set generated by default set maxvalue 1000 restart;\n"
                         "alter table ticket alter column n add generated always as identity (increment by -1);\n"
                         "alter table ticket alter column id drop identity;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE ticket ALTER COLUMN id SET GENERATED BY DEFAULT SET MAXVALUE 1000 RESTART",
                         "ALTER TABLE ticket ALTER COLUMN n ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME ticket_n_seq INCREMENT BY -1)",
                         "ALTER TABLE ticket ALTER COLUMN id DROP IDENTITY"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE ticket ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
                           "(SEQUENCE NAME ticket_id_seq MAXVALUE 1000 START WITH 10 CACHE 5);\n"
                           "SELECT setval('ticket_id_seq', max(id)) FROM ticket HAVING count(id) > 0",
                           "ALTER TABLE ticket ALTER COLUMN n DROP IDENTITY",
                           "ALTER TABLE ticket ALTER COLUMN id SET GENERATED ALWAYS SET MAXVALUE 9223372036854775807"}));
}

// PostgreSQL widens a serial column and leaves its sequence as it was (an identity's sequence
// follows its column): a table recreated later spells that sequence out, and a widened serial
// column dropped comes back with it.
TEST(Lowering, WidenedSerialKeepsItsSequenceType) {
  const auto sql = lower("create table counter (id serial primary key, hits integer generated by default as identity);",
                         "@allow(TableRewrite)\nalter table counter alter column id type bigint;\n"
                         "@allow(TableRewrite)\nalter table counter alter column hits type bigint;\n"
                         "@allow(DataLoss)\nalter table counter drop column id;\n"
                         "@allow(DataLoss)\ndrop table counter;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE counter ALTER COLUMN id TYPE bigint", "ALTER TABLE counter ALTER COLUMN hits TYPE bigint",
                         "ALTER TABLE counter DROP COLUMN id", "DROP TABLE counter"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TABLE counter (\n"
                           "    hits bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL\n"
                           ")",
                           "CREATE SEQUENCE counter_id_seq AS integer;\n"
                           "ALTER TABLE counter ADD COLUMN id bigint DEFAULT nextval('counter_id_seq'::regclass) NOT NULL, "
                           "ADD CONSTRAINT counter_pkey PRIMARY KEY (id);\n"
                           "ALTER SEQUENCE counter_id_seq OWNED BY counter.id",
                           "ALTER TABLE counter ALTER COLUMN hits TYPE integer USING hits::integer",
                           "ALTER TABLE counter ALTER COLUMN id TYPE integer USING id::integer"}));
}

TEST(Lowering, IdentityColumns) {
  const auto sql = lower("", "create table ticket (id bigint generated always as identity primary key, "
                             "n integer generated by default as identity);");
  EXPECT_EQ(sql.up, Sql{"CREATE TABLE ticket (\n"
                        "    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
                        "    n integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
                        "    CONSTRAINT ticket_pkey PRIMARY KEY (id)\n"
                        ")"});
}

TEST(Lowering, ValidateConstraintComesBackUnvalidated) {
  const auto sql = lower("create table grid (id integer primary key, size integer);\n"
                         "alter table grid add constraint grid_size check (size > 0) not valid;",
                         "alter table grid validate constraint grid_size;");
  EXPECT_EQ(sql.up, Sql{"ALTER TABLE grid VALIDATE CONSTRAINT grid_size"});
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE grid DROP CONSTRAINT grid_size",
                           "ALTER TABLE grid ADD CONSTRAINT grid_size CHECK (size > 0) NOT VALID"}));
}

TEST(Lowering, DropTypeCascadeDropsItsColumnsFirstAndRestoresThemAfterIt) {
  const auto sql = lower("create type priority as enum ('low', 'high');\n"
                         "create table job (id integer primary key, priority priority default 'low');\n"
                         "create index idx_job_priority on job (priority);",
                         "drop type priority cascade;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE job DROP COLUMN priority", "DROP TYPE priority"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TYPE priority AS ENUM ('low', 'high')",
                           "ALTER TABLE job ADD COLUMN priority priority DEFAULT 'low'",
                           "CREATE INDEX idx_job_priority ON job USING btree (priority)"}));
}

TEST(Lowering, IndexesWithIncludedColumnsAndNullsNotDistinct) {
  const auto sql = lower("create extension btree_gist;\n"
                         "create table shelf (id integer primary key, code text, label text, position integer);",
                         "@allow(LockingIndexBuild)\n"
                         "create unique index idx_code on shelf (code) include (label, \"position\") nulls not distinct where (id > 0);\n"
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_position on shelf using gist (position) include (label) nulls distinct;\n"
                         "alter table shelf add unique nulls not distinct (label);");
  EXPECT_EQ(sql.up, (Sql{"CREATE UNIQUE INDEX idx_code ON shelf USING btree (code) INCLUDE (label, \"position\") NULLS NOT DISTINCT "
                         "WHERE (id > 0)",
                         "CREATE INDEX idx_position ON shelf USING gist (\"position\") INCLUDE (label)",
                         "ALTER TABLE shelf ADD CONSTRAINT shelf_label_key UNIQUE NULLS NOT DISTINCT (label)"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE shelf DROP CONSTRAINT shelf_label_key", "DROP INDEX idx_position", "DROP INDEX idx_code"}));
}

// A key's operator class follows it, quoted as any name; the down drops the index.
TEST(Lowering, IndexKeysWithOperatorClasses) {
  const auto sql = lower("create table note (id integer primary key, body jsonb, email text, \"Code\" varchar);",
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_body on note using gin (body jsonb_path_ops);\n"
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_email on note (email text_pattern_ops desc, (lower(\"Code\")) text_pattern_ops);");
  EXPECT_EQ(sql.up, (Sql{"CREATE INDEX idx_body ON note USING gin (body jsonb_path_ops)",
                         "CREATE INDEX idx_email ON note USING btree (email text_pattern_ops DESC, (lower(\"Code\")) text_pattern_ops)"}));
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX idx_email", "DROP INDEX idx_body"}));
}

// A key's NULLS order is written only where it is not the default (last ascending, first
// descending), as PostgreSQL prints it.
TEST(Lowering, IndexKeysWithTheirNullsOrder) {
  const auto sql = lower("create table note (id integer primary key, rank integer, email text);",
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_rank on note (rank nulls first, email desc nulls last);\n"
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_plain on note (rank asc nulls last, email desc nulls first);");
  EXPECT_EQ(sql.up, (Sql{"CREATE INDEX idx_rank ON note USING btree (rank NULLS FIRST, email DESC NULLS LAST)",
                         "CREATE INDEX idx_plain ON note USING btree (rank, email DESC)"}));
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX idx_plain", "DROP INDEX idx_rank"}));
}

// A key's own collation is written after it, before its operator class, as PostgreSQL prints
// it; the type's own (`default`) is none.
TEST(Lowering, IndexKeysWithTheirCollations) {
  const auto sql = lower("create table note (id integer primary key, email text);",
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_email on note (email collate \"C\" text_pattern_ops desc, (lower(email)) collate pg_catalog.\"POSIX\");\n"
                         "@allow(LockingIndexBuild)\n"
                         "create index idx_plain on note (email collate \"default\");");
  EXPECT_EQ(sql.up, (Sql{"CREATE INDEX idx_email ON note USING btree (email COLLATE \"C\" text_pattern_ops DESC, (lower(email)) COLLATE \"POSIX\")",
                         "CREATE INDEX idx_plain ON note USING btree (email)"}));
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX idx_plain", "DROP INDEX idx_email"}));
}

// A column an index includes goes with the index, and comes back with it; a rename follows it.
TEST(Lowering, IncludedColumnsAreColumnsTheIndexUses) {
  const auto sql = lower("create table shelf (id integer primary key, code text, label text);\n"
                         "create index idx_code on shelf (code) include (label);",
                         "alter table shelf rename column code to key;\n"
                         "alter table shelf drop column label;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE shelf RENAME COLUMN code TO key", "ALTER TABLE shelf DROP COLUMN label"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE shelf ADD COLUMN label text",
                           "CREATE INDEX idx_code ON shelf USING btree (key) INCLUDE (label)",
                           "ALTER TABLE shelf RENAME COLUMN key TO code"}));
}

// Renaming the index of a key renames the key, and renaming the key renames its index: in
// PostgreSQL they share their name.
TEST(Lowering, IndexAndConstraintRenames) {
  const auto sql = lower("create table shelf (id integer primary key, code text unique, size integer check (size > 0));\n"
                         "create index idx_size on shelf (size);",
                         "alter index idx_size rename to idx_shelf_size;\n"
                         "alter index shelf_pkey rename to shelf_primary;\n"
                         "alter table shelf rename constraint shelf_code_key to shelf_code_unique;\n"
                         "alter table shelf rename constraint shelf_size_check to shelf_size_positive;\n"
                         "create index shelf_pkey on shelf (code);");
  EXPECT_EQ(sql.up, (Sql{"ALTER INDEX idx_size RENAME TO idx_shelf_size",
                         "ALTER TABLE shelf RENAME CONSTRAINT shelf_pkey TO shelf_primary",
                         "ALTER TABLE shelf RENAME CONSTRAINT shelf_code_key TO shelf_code_unique",
                         "ALTER TABLE shelf RENAME CONSTRAINT shelf_size_check TO shelf_size_positive",
                         "CREATE INDEX shelf_pkey ON shelf USING btree (code)"}));
  EXPECT_EQ(sql.down, (Sql{"DROP INDEX shelf_pkey",
                           "ALTER TABLE shelf RENAME CONSTRAINT shelf_size_positive TO shelf_size_check",
                           "ALTER TABLE shelf RENAME CONSTRAINT shelf_code_unique TO shelf_code_key",
                           "ALTER TABLE shelf RENAME CONSTRAINT shelf_primary TO shelf_pkey",
                           "ALTER INDEX idx_shelf_size RENAME TO idx_size"}));
}

// As PostgreSQL names a check: after its column when its expression names exactly one,
// wherever it is written.
TEST(Lowering, ColumnChecksAreNamedAsPostgresDoes) {
  const auto sql = lower("create table shelf (id integer primary key);",
                         "create table tray (\n"
                         "  id integer constraint tray_id_positive check (id > 0),\n"
                         "  slots integer not null check (slots between 1 and 96),\n"
                         "  width integer,\n"
                         "  height integer check (height <= width) check (height > 0)\n"
                         ");\n"
                         "alter table shelf add column depth integer check (depth > 0);");
  EXPECT_EQ(sql.up, (Sql{"CREATE TABLE tray (\n"
                         "    id integer,\n"
                         "    slots integer NOT NULL,\n"
                         "    width integer,\n"
                         "    height integer,\n"
                         "    CONSTRAINT tray_id_positive CHECK (id > 0),\n"
                         "    CONSTRAINT tray_slots_check CHECK (slots between 1 and 96),\n"
                         "    CONSTRAINT tray_check CHECK (height <= width),\n"
                         "    CONSTRAINT tray_height_check CHECK (height > 0)\n"
                         ")",
                         "ALTER TABLE shelf ADD COLUMN depth integer, ADD CONSTRAINT shelf_depth_check CHECK (depth > 0)"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE shelf DROP COLUMN depth", "DROP TABLE tray"}));
}

TEST(Lowering, DeferrableConstraints) {
  const auto sql = lower("create table shelf (id integer primary key, position integer);",
                         "create table tray (\n"
                         "  id integer primary key deferrable initially deferred,\n"
                         "  shelf_id integer references shelf initially deferred,\n"
                         "  code text unique nulls not distinct deferrable initially immediate,\n"
                         "  label text unique not deferrable not null\n"
                         ");\n"
                         "alter table shelf add unique (position) deferrable;\n"
                         "@allow(ConstraintWithoutNotValid)\n"
                         "alter table tray add constraint tray_self_fkey foreign key (shelf_id) references shelf (id) "
                         "deferrable initially deferred not valid;");
  EXPECT_EQ(sql.up, (Sql{"CREATE TABLE tray (\n"
                         "    id integer NOT NULL,\n"
                         "    shelf_id integer,\n"
                         "    code text,\n"
                         "    label text NOT NULL,\n"
                         "    CONSTRAINT tray_pkey PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED,\n"
                         "    CONSTRAINT tray_code_key UNIQUE NULLS NOT DISTINCT (code) DEFERRABLE,\n"
                         "    CONSTRAINT tray_label_key UNIQUE (label),\n"
                         "    CONSTRAINT tray_shelf_id_fkey FOREIGN KEY (shelf_id) REFERENCES shelf (id) DEFERRABLE INITIALLY DEFERRED\n"
                         ")",
                         "ALTER TABLE shelf ADD CONSTRAINT shelf_position_key UNIQUE (\"position\") DEFERRABLE",
                         "ALTER TABLE tray ADD CONSTRAINT tray_self_fkey FOREIGN KEY (shelf_id) REFERENCES shelf (id) "
                         "DEFERRABLE INITIALLY DEFERRED NOT VALID"}));
}

// The compiler knows what exists at the revision: `if exists` lowers to the drop, or to nothing.
TEST(Lowering, DropIfExistsLowersToTheDropOrToNothing) {
  const auto sql = lower("create extension pgcrypto;\ncreate schema yard;\ncreate type kind as enum ('a');\n"
                         "create sequence number;\n"
                         "create table scrap (id integer, note text, constraint scrap_id_check check (id > 0));\n"
                         "create index idx_note on scrap (note);",
                         "@allow(NothingToDrop)\ndrop index if exists idx_gone;\n"
                         "drop index if exists idx_note;\n"
                         "alter table scrap drop constraint if exists scrap_id_check;\n"
                         "@allow(NothingToDrop)\nalter table scrap drop constraint if exists scrap_id_check;\n"
                         "@allow(DataLoss)\nalter table scrap drop column if exists note;\n"
                         "@allow(NothingToDrop)\nalter table scrap drop column if exists note;\n"
                         "@allow(DataLoss)\ndrop table if exists scrap;\n"
                         "@allow(NothingToDrop)\ndrop table if exists scrap cascade;\n"
                         "drop type if exists kind;\n@allow(NothingToDrop)\ndrop type if exists kind;\n"
                         "drop sequence if exists number;\n@allow(NothingToDrop)\ndrop sequence if exists number;\n"
                         "drop schema if exists yard;\n@allow(NothingToDrop)\ndrop schema if exists yard;\n"
                         "drop extension if exists pgcrypto;\n@allow(NothingToDrop)\ndrop extension if exists pgcrypto;");
  EXPECT_EQ(sql.up, (Sql{"DROP INDEX idx_note", "ALTER TABLE scrap DROP CONSTRAINT scrap_id_check",
                         "ALTER TABLE scrap DROP COLUMN note", "DROP TABLE scrap", "DROP TYPE kind", "DROP SEQUENCE number",
                         "DROP SCHEMA yard", "DROP EXTENSION pgcrypto"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE EXTENSION pgcrypto", "CREATE SCHEMA yard",
                           "CREATE SEQUENCE number AS bigint INCREMENT BY 1 START WITH 1", "CREATE TYPE kind AS ENUM ('a')",
                           "CREATE TABLE scrap (\n    id integer\n)", "ALTER TABLE scrap ADD COLUMN note text",
                           "ALTER TABLE scrap ADD CONSTRAINT scrap_id_check CHECK (id > 0)",
                           "CREATE INDEX idx_note ON scrap USING btree (note)"}));
}

TEST(Lowering, GeneratedColumns) {
  const auto sql = lower("create table invoice (id integer primary key, net integer);",
                         "create table line (qty integer, total integer generated always as (qty * price) stored, price integer);\n"
                         "alter table invoice add column gross integer not null generated always as (net * 2) stored;");
  EXPECT_EQ(sql.up, (Sql{"CREATE TABLE line (\n"
                         "    qty integer,\n"
                         "    total integer GENERATED ALWAYS AS (qty * price) STORED,\n"
                         "    price integer\n"
                         ")",
                         "ALTER TABLE invoice ADD COLUMN gross integer GENERATED ALWAYS AS (net * 2) STORED NOT NULL"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE invoice DROP COLUMN gross", "DROP TABLE line"}));
}

// PostgreSQL 15 cannot give a column an expression again: the way down adds the column back,
// with its index, and recomputes its values.
TEST(Lowering, DropExpressionComesBackAsTheGeneratedColumn) {
  const auto sql = lower("create table invoice (id integer primary key, net integer, gross integer generated always as (net * 2) stored);\n"
                         "create index idx_invoice_gross on invoice (gross);",
                         "alter table invoice alter column gross drop expression;\n"
                         "@allow(TableRewrite)\n"
                         "alter table invoice alter column gross type bigint;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE invoice ALTER COLUMN gross DROP EXPRESSION",
                         "ALTER TABLE invoice ALTER COLUMN gross TYPE bigint"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE invoice ALTER COLUMN gross TYPE integer USING gross::integer",
                           "ALTER TABLE invoice DROP COLUMN gross",
                           "ALTER TABLE invoice ADD COLUMN gross integer GENERATED ALWAYS AS (net * 2) STORED",
                           "CREATE INDEX idx_invoice_gross ON invoice USING btree (gross)"}));
}

// The way back would drop the column, which another table's foreign key holds: there is none.
TEST(Lowering, DropExpressionUnderAForeignKeyNeedsADownBlock) {
  std::vector<SourceFile> files;
  files.emplace_back("001_setup.mig", "revision '001' revises base;\n"
                                      "create table invoice (id integer primary key, net integer, "
                                      "code integer generated always as (net * 2) stored unique);\n"
                                      "create table line (code integer references invoice (code));\n");
  files.emplace_back("002_body.mig", "revision '002' revises '001';\nalter table invoice alter column code drop expression;\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(compile_chain(files, diagnostics));
  std::string errors;
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  EXPECT_NE(errors.find("[UnsupportedAlteration]"), std::string::npos) << errors;
}

// Back to the same type with other modifiers: PostgreSQL's assignment cast refuses what no
// longer fits, where an explicit cast would cut it short.
TEST(Lowering, WideningsWayBackHasNoExplicitCast) {
  const auto sql = lower("create table label (id integer primary key, text varchar(5));",
                         "alter table label alter column text type varchar(50);");
  EXPECT_EQ(sql.up, Sql{"ALTER TABLE label ALTER COLUMN text TYPE character varying(50)"});
  EXPECT_EQ(sql.down, Sql{"ALTER TABLE label ALTER COLUMN text TYPE character varying(5)"});
}

TEST(Lowering, GeneratedColumnChangesTypeWithoutCastBothWays) {
  const auto sql = lower("create table invoice (net integer, gross integer generated always as (net * 2) stored);",
                         "@allow(TableRewrite)\nalter table invoice alter column gross type bigint;");
  EXPECT_EQ(sql.up, Sql{"ALTER TABLE invoice ALTER COLUMN gross TYPE bigint"});
  EXPECT_EQ(sql.down, Sql{"ALTER TABLE invoice ALTER COLUMN gross TYPE integer"});
}

TEST(Lowering, Domains) {
  const auto sql = lower("create type tone as enum ('low', 'high');",
                         "create domain amount as numeric(10,2) not null default 0 check (value >= 0) check (value < 1000);\n"
                         "create domain \"Tone Label\" as tone constraint tone_set check (value is not null);\n"
                         "create table bill (id integer, total amount, tones \"Tone Label\"[]);");
  EXPECT_EQ(sql.up, (Sql{"CREATE DOMAIN amount AS numeric(10,2) DEFAULT 0 NOT NULL CONSTRAINT amount_check CHECK (value >= 0) "
                         "CONSTRAINT amount_check1 CHECK (value < 1000)",
                         "CREATE DOMAIN \"Tone Label\" AS tone CONSTRAINT tone_set CHECK (value is not null)",
                         "CREATE TABLE bill (\n"
                         "    id integer,\n"
                         "    total amount,\n"
                         "    tones \"Tone Label\"[]\n"
                         ")"}));
  EXPECT_EQ(sql.down, (Sql{"DROP TABLE bill", "DROP DOMAIN \"Tone Label\"", "DROP DOMAIN amount"}));
}

TEST(Lowering, DomainAlterationsAndTheirInverse) {
  const auto sql = lower("create domain amount as integer not null default 0 constraint amount_positive check (value > 0);",
                         "alter domain amount drop default;\n"
                         "alter domain amount drop not null;\n"
                         "alter domain amount drop constraint amount_positive;\n"
                         "alter domain amount add check (value < 100);\n"
                         "alter domain amount set default 1;\n"
                         "alter domain amount rename to quantity;");
  EXPECT_EQ(sql.up, (Sql{"ALTER DOMAIN amount DROP DEFAULT", "ALTER DOMAIN amount DROP NOT NULL",
                         "ALTER DOMAIN amount DROP CONSTRAINT amount_positive",
                         "ALTER DOMAIN amount ADD CONSTRAINT amount_check CHECK (value < 100)",
                         "ALTER DOMAIN amount SET DEFAULT 1", "ALTER DOMAIN amount RENAME TO quantity"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER DOMAIN quantity RENAME TO amount", "ALTER DOMAIN amount DROP DEFAULT",
                           "ALTER DOMAIN amount DROP CONSTRAINT amount_check",
                           "ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (value > 0)",
                           "ALTER DOMAIN amount SET NOT NULL", "ALTER DOMAIN amount SET DEFAULT 0"}));
}

TEST(Lowering, DomainConstraintsValidatedRenamedAndCollated) {
  const auto sql = lower("create domain amount as integer constraint amount_positive check (value > 0);",
                         "alter domain amount add constraint below_100 check (value < 100) not valid;\n"
                         "alter domain amount rename constraint amount_positive to positive;\n"
                         "alter domain amount drop constraint if exists no_such;\n"
                         "create domain label as text collate \"C\" default 'x';\n"
                         "create domain cents as integer constraint small check (value < 10);\n"
                         "alter domain cents add constraint even check (value % 2 = 0) not valid;\n"
                         "@allow(DataLoss)\ndrop domain cents;");
  EXPECT_EQ(sql.up, (Sql{"ALTER DOMAIN amount ADD CONSTRAINT below_100 CHECK (value < 100) NOT VALID",
                         "ALTER DOMAIN amount RENAME CONSTRAINT amount_positive TO positive",
                         "CREATE DOMAIN label AS text COLLATE \"C\" DEFAULT 'x'",
                         "CREATE DOMAIN cents AS integer CONSTRAINT small CHECK (value < 10)",
                         "ALTER DOMAIN cents ADD CONSTRAINT even CHECK (value % 2 = 0) NOT VALID", "DROP DOMAIN cents"}));
  // Put back as it was: the constraint added `not valid` is added so again.
  EXPECT_EQ(sql.down, (Sql{"CREATE DOMAIN cents AS integer CONSTRAINT small CHECK (value < 10);\n"
                           "ALTER DOMAIN cents ADD CONSTRAINT even CHECK (value % 2 = 0) NOT VALID",
                           "ALTER DOMAIN cents DROP CONSTRAINT even", "DROP DOMAIN cents", "DROP DOMAIN label",
                           "ALTER DOMAIN amount RENAME CONSTRAINT positive TO amount_positive",
                           "ALTER DOMAIN amount DROP CONSTRAINT below_100"}));
}

TEST(Lowering, ValidatingADomainConstraintComesDownAsNotValid) {
  const auto sql = lower("create domain amount as integer;\nalter domain amount add constraint positive check (value > 0) not valid;",
                         "alter domain amount validate constraint positive;");
  EXPECT_EQ(sql.up, (Sql{"ALTER DOMAIN amount VALIDATE CONSTRAINT positive"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER DOMAIN amount DROP CONSTRAINT positive", "ALTER DOMAIN amount ADD CONSTRAINT positive CHECK (value > 0) NOT VALID"}));
}

TEST(Lowering, DropDomainCascadeDropsItsColumnsFirst) {
  const auto sql = lower("create domain amount as integer default 1;\ncreate table bill (id integer, total amount);",
                         "@allow(DataLoss)\ndrop domain amount cascade;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE bill DROP COLUMN total", "DROP DOMAIN amount"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE DOMAIN amount AS integer DEFAULT 1", "ALTER TABLE bill ADD COLUMN total amount"}));
}

TEST(Lowering, CompositeTypes) {
  const auto sql = lower("create type pair as (first integer, second text);",
                         "alter type pair add attribute third varchar(10);\n"
                         "alter type pair drop attribute first;\n"
                         "alter type pair rename attribute second to \"Second\";\n"
                         "create type empty as ();\n"
                         "create table grid (id integer, corner pair, corners pair[]);");
  EXPECT_EQ(sql.up, (Sql{"ALTER TYPE pair ADD ATTRIBUTE third character varying(10)", "ALTER TYPE pair DROP ATTRIBUTE first",
                         "ALTER TYPE pair RENAME ATTRIBUTE second TO \"Second\"", "CREATE TYPE empty AS ()",
                         "CREATE TABLE grid (\n"
                         "    id integer,\n"
                         "    corner pair,\n"
                         "    corners pair[]\n"
                         ")"}));
  EXPECT_EQ(sql.down, (Sql{"DROP TABLE grid", "DROP TYPE empty", "ALTER TYPE pair RENAME ATTRIBUTE \"Second\" TO second",
                           "ALTER TYPE pair ADD ATTRIBUTE first integer", "ALTER TYPE pair DROP ATTRIBUTE third"}));
}

TEST(Lowering, Views) {
  const auto sql = lower("create table account (id integer primary key, name text);\n"
                         "create view named (who) as select name from account;",
                         "create or replace view named (who) as select name from account where id > 0;\n"
                         "create materialized view counts as select count(*) as n from named with no data;\n"
                         "refresh materialized view counts;\n"
                         "alter view named rename to \"Named\";\n"
                         "alter table account rename to client;");
  EXPECT_EQ(sql.up, (Sql{"CREATE OR REPLACE VIEW named (who) AS select name from account where id > 0",
                         "CREATE MATERIALIZED VIEW counts AS select count(*) as n from named WITH NO DATA",
                         "REFRESH MATERIALIZED VIEW counts", "ALTER VIEW named RENAME TO \"Named\"",
                         "ALTER TABLE account RENAME TO client"}));
  // The previous query comes back, naming the table by its name again.
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE client RENAME TO account", "ALTER VIEW \"Named\" RENAME TO named",
                           "REFRESH MATERIALIZED VIEW counts WITH NO DATA", "DROP MATERIALIZED VIEW counts",
                           "CREATE OR REPLACE VIEW named (who) AS select name from account"}));
}

TEST(Lowering, DroppedViewsComeBackAfterWhatTheyRead) {
  const auto sql = lower("create table account (id integer primary key, name text);\n"
                         "create view named as select a.id, a.name from account a;\n"
                         "create view ids as select id from named;",
                         "drop table account cascade;\n");
  EXPECT_EQ(sql.up, (Sql{"DROP TABLE account CASCADE"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TABLE account (\n"
                           "    id integer NOT NULL,\n"
                           "    name text,\n"
                           "    CONSTRAINT account_pkey PRIMARY KEY (id)\n"
                           ")",
                           "CREATE VIEW named AS select a.id, a.name from account a", "CREATE VIEW ids AS select id from named"}));
}

TEST(Lowering, ARenamedTableIsRenamedInTheQueriesOfItsViews) {
  const auto sql = lower("create table account (id integer primary key, name text);\n"
                         "create view named as select account.name, public.account.id from public.account where account.id > 0;",
                         "alter table account rename to \"Client\";\n"
                         "drop view named;");
  EXPECT_EQ(sql.down.front(),
            "CREATE VIEW named AS select \"Client\".name, public.\"Client\".id from public.\"Client\" where \"Client\".id > 0");
}

TEST(Lowering, FunctionsAndTriggers) {
  const auto sql = lower("create table ticket (id integer primary key, title text, touched timestamptz);\n"
                         "create function touch() returns trigger language plpgsql as $$ begin new.touched := now(); return new; end $$;\n"
                         "create function label(n integer) returns text language sql as $$ select 'T-' || n $$;",
                         "create or replace function label(n integer) returns text language sql immutable as $$ select 'L-' || n $$;\n"
                         "create trigger ticket_touch before update of title on ticket for each row execute function touch();\n"
                         "alter table ticket disable trigger ticket_touch;\n"
                         "create procedure tidy() language sql as $$ delete from ticket $$ -- its body, as written\n;\n"
                         "alter table ticket rename to \"Ticket\";\n"
                         "drop function touch() cascade;");
  EXPECT_EQ(sql.up, (Sql{"CREATE OR REPLACE FUNCTION label(n integer) returns text language sql immutable as $$ select 'L-' || n $$",
                         "CREATE TRIGGER ticket_touch before update of title on ticket for each row execute function touch()",
                         "ALTER TABLE ticket DISABLE TRIGGER ticket_touch",
                         "CREATE PROCEDURE tidy() language sql as $$ delete from ticket $$",  // the comment after it is not its
                         "ALTER TABLE ticket RENAME TO \"Ticket\"", "DROP FUNCTION touch() CASCADE"}));
  // The trigger comes back on the table's name at that point, disabled as it was; a function
  // made again on the way back is made as pg_dump makes it, its body not checked.
  EXPECT_EQ(sql.down, (Sql{"SET LOCAL check_function_bodies = off;\n"
                           "CREATE FUNCTION touch() returns trigger language plpgsql as $$ begin new.touched := now(); return new; end $$;\n"
                           "SET LOCAL check_function_bodies = on",
                           "CREATE TRIGGER ticket_touch before update of title on \"Ticket\" for each row execute function touch()",
                           "ALTER TABLE \"Ticket\" DISABLE TRIGGER ticket_touch", "ALTER TABLE \"Ticket\" RENAME TO ticket",
                           "DROP PROCEDURE tidy()", "ALTER TABLE ticket ENABLE TRIGGER ticket_touch", "DROP TRIGGER ticket_touch ON ticket",
                           "SET LOCAL check_function_bodies = off;\n"
                           "CREATE OR REPLACE FUNCTION label(n integer) returns text language sql as $$ select 'T-' || n $$;\n"
                           "SET LOCAL check_function_bodies = on"}));
}

TEST(Lowering, RowSecurityAndPolicies) {
  const auto sql = lower("create table note (id integer primary key, author text);",
                         "alter table note enable row level security;\n"
                         "create policy own on note for select using (author = current_user);\n"
                         "create policy open on note;\n"
                         "drop policy open on note;\n"
                         "alter table note force row level security;");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE note ENABLE ROW LEVEL SECURITY", "CREATE POLICY own ON note for select using (author = current_user)",
                         "CREATE POLICY open ON note", "DROP POLICY open ON note", "ALTER TABLE note FORCE ROW LEVEL SECURITY"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE note NO FORCE ROW LEVEL SECURITY", "CREATE POLICY open ON note", "DROP POLICY open ON note",
                           "DROP POLICY own ON note", "ALTER TABLE note DISABLE ROW LEVEL SECURITY"}));
}

// Each kind of object as COMMENT ON names it; the way back gives each its previous comment, and
// an object made again on the way back comes with its comment.
TEST(Lowering, CommentsOnEveryKind) {
  const auto sql = lower("create table note (id integer constraint note_key primary key, body text);\n"
                         "create view note_view as select id from note;\n"
                         "create index note_body on note (body);\n"
                         "create function f(n integer) returns integer language sql as 'select n';\n"
                         "create type \"Mood\" as enum ('ok');",
                         "comment on view note_view is 'A view';\n"
                         "comment on constraint note_key on note is 'The key';\n"
                         "comment on function f is 'It''s f';\n"
                         "comment on type \"Mood\" is 'Moods';\n"
                         "comment on index note_body is 'Goes';\n"
                         "drop index note_body;\n"
                         "comment on view note_view is null;");
  EXPECT_EQ(sql.up, (Sql{"COMMENT ON VIEW note_view IS 'A view'", "COMMENT ON CONSTRAINT note_key ON note IS 'The key'",
                         "COMMENT ON FUNCTION f(integer) IS 'It''s f'", "COMMENT ON TYPE \"Mood\" IS 'Moods'",
                         "COMMENT ON INDEX note_body IS 'Goes'", "DROP INDEX note_body", "COMMENT ON VIEW note_view IS NULL"}));
  EXPECT_EQ(sql.down, (Sql{"COMMENT ON VIEW note_view IS 'A view'",
                           "CREATE INDEX note_body ON note USING btree (body);\nCOMMENT ON INDEX note_body IS 'Goes'",
                           "COMMENT ON INDEX note_body IS NULL", "COMMENT ON TYPE \"Mood\" IS NULL", "COMMENT ON FUNCTION f(integer) IS NULL",
                           "COMMENT ON CONSTRAINT note_key ON note IS NULL", "COMMENT ON VIEW note_view IS NULL"}));
}

TEST(SqlText, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(quote_identifier("grid"), "grid");
  EXPECT_EQ(quote_identifier("Grid"), "\"Grid\"");
  EXPECT_EQ(quote_identifier("group"), "\"group\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

// A column's collation as written, quoted; a type change without one resets the column to its
// new type's default, as PostgreSQL does, and the way back restores type and collation together.
TEST(Lowering, ColumnCollations) {
  const auto sql = lower("create table person (id integer primary key, name text collate \"C\");",
                         "alter table person add column nick varchar(20) collate pg_catalog.\"POSIX\";\n"
                         "alter table person alter column name type varchar(50);\n"
                         "alter table person alter column nick type text collate \"C\";");
  EXPECT_EQ(sql.up, (Sql{"ALTER TABLE person ADD COLUMN nick character varying(20) COLLATE \"POSIX\"",
                         "ALTER TABLE person ALTER COLUMN name TYPE character varying(50)",
                         "ALTER TABLE person ALTER COLUMN nick TYPE text COLLATE \"C\""}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE person ALTER COLUMN nick TYPE character varying(20) COLLATE \"POSIX\" USING nick::character varying(20)",
                           "ALTER TABLE person ALTER COLUMN name TYPE text COLLATE \"C\" USING name::text",
                           "ALTER TABLE person DROP COLUMN nick"}));
}

// Each role's privileges go from what they were to what the statement leaves, and back: a
// grant option given before stays, a revoke of what was never granted lowers to nothing.
TEST(Lowering, Privileges) {
  const auto sql = lower("create table t (id integer primary key);\n"
                         "create function f(x integer) returns integer language sql immutable as $$ select x $$;\n"
                         "grant select on t to app with grant option;",
                         "grant select, insert on table t to app, \"Odd \"\"role\"\"\";\n"
                         "revoke grant option for select on t from app;\n"
                         "revoke delete on t from app;\n"
                         "revoke all on function f(integer) from public;\n"
                         "grant execute on function f to public;");
  EXPECT_EQ(sql.up, (Sql{"GRANT INSERT ON TABLE t TO app",
                         "GRANT INSERT, SELECT ON TABLE t TO \"Odd \"\"role\"\"\"",
                         "REVOKE GRANT OPTION FOR SELECT ON TABLE t FROM app",
                         "REVOKE EXECUTE ON FUNCTION f(integer) FROM PUBLIC",
                         "GRANT EXECUTE ON FUNCTION f(integer) TO PUBLIC"}));
  EXPECT_EQ(sql.down, (Sql{"REVOKE EXECUTE ON FUNCTION f(integer) FROM PUBLIC",
                           "GRANT EXECUTE ON FUNCTION f(integer) TO PUBLIC",
                           "GRANT SELECT ON TABLE t TO app WITH GRANT OPTION",
                           "REVOKE INSERT, SELECT ON TABLE t FROM \"Odd \"\"role\"\"\"",
                           "REVOKE INSERT ON TABLE t FROM app"}));
}

// A dropped table comes back with its privileges, and a function's revoked default with it.
TEST(Lowering, DroppedObjectsComeBackWithTheirPrivileges) {
  const auto sql = lower("create table t (id integer primary key);\n"
                         "create function f() returns integer language sql immutable as $$ select 1 $$;\n"
                         "grant select, references on t to app with grant option;\n"
                         "revoke execute on function f from public;",
                         "drop table t;\ndrop function f;");
  EXPECT_EQ(sql.down, (Sql{"SET LOCAL check_function_bodies = off;\n"
                           "CREATE FUNCTION f() returns integer language sql immutable as $$ select 1 $$;\n"
                           "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;\n"
                           "SET LOCAL check_function_bodies = on",
                           "CREATE TABLE t (\n    id integer NOT NULL,\n    CONSTRAINT t_pkey PRIMARY KEY (id)\n);\n"
                           "GRANT REFERENCES, SELECT ON TABLE t TO app WITH GRANT OPTION"}));
}

// A sequence owned by a column goes with its table: the ownership ends first, so that the way
// down makes the sequence before the table whose default calls it, and owns it again after.
TEST(Lowering, OwnedSequenceGoesWithItsTableAndComesBackOwned) {
  const auto sql = lower("create sequence n;\ncreate table t (id integer primary key, n integer default nextval('n'));\n"
                         "alter sequence n owned by t.n;",
                         "drop table t;");
  EXPECT_EQ(sql.up, (Sql{"ALTER SEQUENCE n OWNED BY NONE", "DROP TABLE t", "DROP SEQUENCE n"}));
  ASSERT_EQ(sql.down.size(), 3u);
  EXPECT_TRUE(sql.down[0].starts_with("CREATE SEQUENCE n AS bigint")) << sql.down[0];
  EXPECT_TRUE(sql.down[1].starts_with("CREATE TABLE t (")) << sql.down[1];
  EXPECT_EQ(sql.down[2], "ALTER SEQUENCE n OWNED BY t.n");
}

TEST(Lowering, SequenceOwner) {
  const auto sql = lower("create table t (id integer primary key, n integer);",
                         "create sequence s owned by t.n;\nalter sequence s increment by 2 owned by t.id;\nalter sequence s owned by none;");
  EXPECT_EQ(sql.up, (Sql{"CREATE SEQUENCE s AS bigint INCREMENT BY 1 START WITH 1", "ALTER SEQUENCE s OWNED BY t.n",
                         "ALTER SEQUENCE s INCREMENT BY 2", "ALTER SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE s OWNED BY NONE"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE s OWNED BY t.n", "ALTER SEQUENCE s INCREMENT BY 1",
                           "DROP SEQUENCE s"}));
}

// A schema the chain makes takes grants; dropped, it comes back with them.
TEST(Lowering, SchemaPrivileges) {
  const auto sql = lower("create schema app;", "grant usage on schema app to reader with grant option;\ndrop schema app;");
  EXPECT_EQ(sql.up, (Sql{"GRANT USAGE ON SCHEMA app TO reader WITH GRANT OPTION", "DROP SCHEMA app"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE SCHEMA app;\nGRANT USAGE ON SCHEMA app TO reader WITH GRANT OPTION", "REVOKE USAGE ON SCHEMA app FROM reader"}));
}

TEST(Lowering, TypePrivileges) {
  const auto sql = lower("create type mood as enum ('ok');\ncreate domain positive as integer check (value > 0);",
                         "revoke usage on type mood from public;\ngrant usage on domain positive to reader;\ndrop type mood;");
  EXPECT_EQ(sql.up, (Sql{"REVOKE USAGE ON TYPE mood FROM PUBLIC", "GRANT USAGE ON TYPE positive TO reader", "DROP TYPE mood"}));
  EXPECT_EQ(sql.down, (Sql{"CREATE TYPE mood AS ENUM ('ok');\nREVOKE USAGE ON TYPE mood FROM PUBLIC", "REVOKE USAGE ON TYPE positive FROM reader",
                           "GRANT USAGE ON TYPE mood TO PUBLIC"}));
}

TEST(Lowering, ColumnPrivileges) {
  const auto sql = lower("create table t (a integer, b text);\ngrant select (a, b) on t to reader;",
                         "grant update (b), insert on t to writer;\nrevoke select on t from reader;\nalter table t drop column b;");
  EXPECT_EQ(sql.up, (Sql{"GRANT INSERT ON TABLE t TO writer", "GRANT UPDATE (b) ON TABLE t TO writer",
                         "REVOKE SELECT (a) ON TABLE t FROM reader", "REVOKE SELECT (b) ON TABLE t FROM reader", "ALTER TABLE t DROP COLUMN b"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE t ADD COLUMN b text;\nGRANT UPDATE (b) ON TABLE t TO writer", "GRANT SELECT (b) ON TABLE t TO reader",
                           "GRANT SELECT (a) ON TABLE t TO reader", "REVOKE UPDATE (b) ON TABLE t FROM writer",
                           "REVOKE INSERT ON TABLE t FROM writer"}));
}

TEST(Lowering, SerialSequencePrivileges) {
  const auto sql = lower("create table t (id serial primary key);",
                         "grant usage, select on sequence t_id_seq to writer;\ndrop table t;");
  EXPECT_EQ(sql.up, (Sql{"GRANT SELECT, USAGE ON SEQUENCE t_id_seq TO writer", "DROP TABLE t"}));
  ASSERT_EQ(sql.down.size(), 2u);
  EXPECT_TRUE(sql.down[0].ends_with(";\nGRANT SELECT, USAGE ON SEQUENCE t_id_seq TO writer")) << sql.down[0];
  EXPECT_EQ(sql.down[1], "REVOKE SELECT, USAGE ON SEQUENCE t_id_seq FROM writer");
}

TEST(Lowering, TableGrantDownGivesColumnPrivilegesBack) {
  const auto sql = lower("create table t (a integer, b text);\ngrant select (a), update (b) on t to reader;",
                         "grant select, update on t to reader;");
  EXPECT_EQ(sql.up, (Sql{"GRANT SELECT, UPDATE ON TABLE t TO reader"}));
  EXPECT_EQ(sql.down, (Sql{"REVOKE SELECT, UPDATE ON TABLE t FROM reader", "GRANT SELECT (a) ON TABLE t TO reader",
                           "GRANT UPDATE (b) ON TABLE t TO reader"}));
}

TEST(Lowering, DropColumnCascadeTakesItsViewsAndBringsThemBack) {
  const auto sql = lower("create table t (id integer, a text);\ncreate view v as select a from t;\ncreate view w as select a from v;",
                         "alter table t drop column a cascade;");
  EXPECT_EQ(sql.up, (Sql{"DROP VIEW w", "DROP VIEW v", "ALTER TABLE t DROP COLUMN a"}));
  ASSERT_EQ(sql.down.size(), 3u);
  EXPECT_EQ(sql.down[0], "ALTER TABLE t ADD COLUMN a text");
  EXPECT_TRUE(sql.down[1].starts_with("CREATE VIEW v")) << sql.down[1];
  EXPECT_TRUE(sql.down[2].starts_with("CREATE VIEW w")) << sql.down[2];
}

TEST(Lowering, RowsUnderDeferredChecksAreCheckedBeforeTheTableChanges) {
  // PostgreSQL refuses ALTER TABLE on a table with deferred checks pending (55006).
  const auto sql = lower("create table p (id integer primary key);\n"
                         "create table c (id integer primary key, p_id integer references p (id) deferrable initially deferred);",
                         "insert into c (id, p_id) values (1, null);\nalter table c add column note text;");
  EXPECT_EQ(sql.up, (Sql{"INSERT INTO c (id, p_id) VALUES (1, null)", "SET CONSTRAINTS ALL IMMEDIATE", "ALTER TABLE c ADD COLUMN note text"}));
  EXPECT_EQ(sql.down, (Sql{"ALTER TABLE c DROP COLUMN note", "DELETE FROM c WHERE id IN (CAST(1 AS integer))"}));
  // Without an initially deferred constraint nothing waits: nothing is added.
  const auto plain = lower("create table q (id integer primary key);", "insert into q (id) values (1);\nalter table q add column note text;");
  EXPECT_EQ(plain.up, (Sql{"INSERT INTO q (id) VALUES (1)", "ALTER TABLE q ADD COLUMN note text"}));
}

}  // namespace
}  // namespace migc
