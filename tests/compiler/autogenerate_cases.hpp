// The model changes autogenerate is tested on: each a replacement in, or an addition to, one
// base schema. Shared by the compiler-only test and the one against the real server.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/autogenerate.hpp"
#include "compiler/chain.hpp"

namespace migc::testing_cases {

inline std::string errors_of(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) out += format_diagnostic(diagnostic);
  return out;
}

inline const std::string base = R"(create type status as enum ('new', 'done');
create table grid (
  id integer primary key,
  name varchar(100) not null,
  size integer default 0,
  status status not null default 'new'
);
create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);
create index idx_square_grid on square (grid_id);
)";

struct Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> replacements;  // applied to `base` to get the model
  std::string appended = {};                                       // added to the model's end
  std::string expected_warning = {};                               // part of a warning, if one is expected
  std::string only_in_head = {};                                   // added to the chain's base, not the model
  // What the author writes where the generated revision says `todo(fill)`: (text, replacement).
  std::pair<std::string, std::string> fill = {};
};

// The chain whose head the case's model is diffed against.
inline std::string head_text(const Case& c) { return "revision '001' revises base;\n" + base + c.only_in_head; }

inline std::string model_text(const Case& c) {
  std::string text = base;
  for (const auto& [from, to] : c.replacements) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << c.name << ": no `" << from << "` in the base";
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text + c.appended;
}

inline std::vector<Case> model_changes() {
  return {
      // Comments: on new objects, added to, changed on and removed from kept ones; an index or
      // function whose comment alone changes is kept.
      Case{"comments_on_new_objects", {},
           "create view named_grid as select id, name from grid;\ncomment on view named_grid is 'Grids by name';\n"
           "create function grid_size(n integer) returns integer language sql as 'select n';\n"
           "comment on function grid_size is 'Its size';\n"
           "create sequence ticket_number;\ncomment on sequence ticket_number is 'Numbers';\n",
           ""},
      Case{"comments_on_kept_objects", {},
           "comment on type status is 'Where it is';\ncomment on index idx_square_grid is 'By grid';\n"
           "comment on constraint square_grid_id_fkey on square is 'Its grid';\ncomment on constraint grid_pkey on grid is 'Its key';\n"
           "create view named_grid as select id, name from grid;\ncomment on view named_grid is 'Changed';\n"
           "create function grid_size(n integer) returns integer language sql as 'select n';\n",
           "",
           "comment on index idx_square_grid is 'Old';\ncreate view named_grid as select id, name from grid;\n"
           "comment on view named_grid is 'Old';\ncreate function grid_size(n integer) returns integer language sql as 'select n';\n"
           "comment on function grid_size is 'Removed';\n"},
      // A view's and a materialized view's columns: a comment on a new view, added, changed and removed.
      Case{"comments_on_view_columns", {},
           "create view named_grid as select id, name from grid;\ncomment on column named_grid.name is 'Its name';\n"
           "create materialized view sized as select id, size from grid;\ncomment on column sized.size is 'Changed';\n"
           "create view fresh as select id from grid;\ncomment on column fresh.id is 'New';\n",
           "",
           "create view named_grid as select id, name from grid;\ncomment on column named_grid.id is 'Removed';\n"
           "create materialized view sized as select id, size from grid;\ncomment on column sized.size is 'Old';\n"},
      // Indexes on materialized views: on a new one, added, changed and dropped on a kept one,
      // and made again with one the model changes.
      Case{"materialized_view_indexes", {},
           "create materialized view sized as select id, size from grid;\ncreate unique index sized_id on sized (id);\n"
           "create index sized_size on sized (size desc);\n"
           "create materialized view named as select id, name from grid where id > 0;\ncreate unique index named_id on named (id);\n"
           "create materialized view fresh as select id from grid;\ncreate unique index fresh_id on fresh (id);\n",
           "",
           "create materialized view sized as select id, size from grid;\ncreate unique index sized_id on sized (id);\n"
           "create index sized_size on sized (size);\ncreate index sized_gone on sized (id, size);\n"
           "create materialized view named as select id, name from grid;\ncreate unique index named_id on named (id);\n"},
      // A view's column defaults: on a new view, added, changed and dropped on a kept one.
      Case{"view_column_defaults", {},
           "create view named_grid as select id, name, size from grid;\nalter view named_grid alter column name set default 'unnamed';\n"
           "alter view named_grid alter column size set default 2;\n"
           "create view fresh as select id from grid;\nalter view fresh alter column id set default 7;\n",
           "",
           "create view named_grid as select id, name, size from grid;\nalter view named_grid alter column id set default 1;\n"
           "alter view named_grid alter column size set default 1;\n"},
      // Privileges: on new objects, and granted, revoked and changed on kept ones (predefined
      // roles: the test server has them).
      Case{"privileges_on_new_objects", {},
           "create view named_grid as select id, name from grid;\ngrant select on named_grid to pg_monitor with grant option;\n"
           "create function grid_size(n integer) returns integer language sql as 'select n';\n"
           "revoke execute on function grid_size from public;\ngrant execute on function grid_size to pg_monitor;\n"
           "create sequence ticket_number;\ngrant usage on sequence ticket_number to pg_read_all_data;\n",
           ""},
      Case{"privileges_on_kept_objects", {},
           "grant select, insert on grid to pg_monitor with grant option;\ngrant delete on square to public;\n"
           "create function grid_size(n integer) returns integer language sql as 'select n';\n",
           "",
           "grant update, select on grid to pg_monitor;\ngrant select on square to pg_read_all_data;\n"
           "create function grid_size(n integer) returns integer language sql as 'select n';\n"
           "revoke execute on function grid_size from public;\n"},
      Case{"privileges_on_schemas", {},
           "create schema app;\ngrant create on schema app to pg_monitor;\ncreate schema fresh;\ngrant usage on schema fresh to public;\n", "",
           "create schema app;\ngrant usage on schema app to pg_monitor;\n"},
      // Column privileges: a new one, one taken away, one kept while its table's privilege (whose
      // revoke takes it from the columns too) goes.
      Case{"privileges_on_columns", {},
           "grant select (id, name), update (size) on grid to pg_monitor;\ngrant select (note) on square to pg_read_all_data;\n", "",
           "grant select on grid to pg_monitor;\ngrant select (id) on grid to pg_monitor;\ngrant insert (name) on grid to pg_monitor;\n"
           "grant select (note), update (note) on square to pg_read_all_data;\n"},
      // The table's privilege where the head has it on a column: the generated revision's down
      // revokes on the table, which takes the column's too, and must give it back.
      Case{"table_privilege_over_column_privileges", {}, "grant select on grid to pg_monitor;\n", "",
           "grant select (name) on grid to pg_monitor;\n"},
      // A serial's sequence and one owned by a column.
      Case{"privileges_on_owned_sequences", {},
           "grant usage on sequence square_id_seq to pg_monitor;\ncreate sequence grid_counter owned by grid.size;\n"
           "grant update on sequence grid_counter to pg_monitor;\n", "",
           "grant select on sequence square_id_seq to pg_read_all_data;\ncreate sequence grid_counter owned by grid.size;\n"
           "grant usage on sequence grid_counter to pg_monitor;\n"},
      Case{"privileges_on_types", {},
           "create type shade as enum ('dark');\nrevoke usage on type shade from public;\ncreate domain hue as integer;\n"
           "grant usage on domain hue to pg_monitor;\ncreate type tint as (hue hue);\nrevoke usage on type tint from public;\n"
           "create type new_shade as enum ('light');\ngrant usage on type new_shade to pg_monitor with grant option;\n", "",
           "create type shade as enum ('dark');\ncreate domain hue as integer;\ncreate type tint as (hue hue);\n"
           "grant usage on type tint to pg_read_all_data;\n"},
      // Sequences owned by a column (`owned by`): a new one owned once its table is made, a kept
      // one moved or let go, one that goes with its column.
      Case{"owned_sequence_of_a_new_table", {},
           "create sequence ticket_number;\ncreate table ticket (id integer primary key, number integer default nextval('ticket_number'));\n"
           "alter sequence ticket_number owned by ticket.number;\n",
           ""},
      Case{"owned_sequence_moved", {}, "create sequence counter owned by square.grid_id;\n", "",
           "create sequence counter owned by grid.size;\n"},
      Case{"owned_sequence_let_go", {}, "create sequence counter;\n", "", "create sequence counter owned by grid.size;\n"},
      Case{"owned_sequence_goes_with_its_column", {{",\n  size integer default 0", ""}}, "", "",
           "create sequence counter owned by grid.size;\n"},
      Case{"add_views", {}, "create view named_grid (grid, label) as select id, name from grid;\ncreate view a_big_grid as select grid from named_grid where grid > 10;\n", ""},
      Case{"drop_view", {}, "", "", "create view named_grid as select id, name from grid;\n"},
      Case{"change_view", {}, "create view named_grid as select id, name from grid where size > 0;\n", "",
           "create view named_grid as select id from grid;\n"},
      Case{"retype_a_column_a_view_uses", {{"size integer default 0", "size bigint default 0"}},
           "create view sizes as select id, size from grid;\n", "", "create view sizes as select id, size from grid;\n"},
      Case{"add_table", {}, "create table atlas (id integer primary key, grid_id integer references grid (id));\n", ""},
      Case{"drop_table", {{"create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);\ncreate index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
      Case{"drop_referenced_tables", {{"create table grid (", "create table unused ("}, {"create table square (id bigserial primary key, grid_id integer references grid (id) on delete cascade, note text);\ncreate index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
      Case{"add_nullable_column", {{"note text", "note text, area double precision"}}, "", ""},
      Case{"column_collations", {{"name varchar(100) not null", "name varchar(100) collate \"C\" not null"},
                                 {"note text", "note text collate \"POSIX\", label text collate pg_catalog.\"C\""}}, "", ""},
      Case{"column_collation_removed", {}, "", "", "alter table square alter column note type text collate \"C\";\n"},
      Case{"add_column_with_default", {{"note text", "note text, seen boolean not null default false"}}, "", ""},
      Case{"add_not_null_column", {{"note text", "note text, label varchar(20) not null"}}, "", "todo(fill)", "",
           {"-- execute $$ update square set label = ... $$", "execute $$ update square set label = 'none' $$"}},
      Case{"drop_column", {{",\n  size integer default 0", ""}}, "", ""},
      Case{"change_type", {{"size integer default 0", "size bigint default 0"}}, "", ""},
      Case{"set_not_null", {{"note text", "note text not null"}}, "", ""},
      Case{"drop_not_null", {{"name varchar(100) not null", "name varchar(100)"}}, "", ""},
      Case{"set_default", {{"note text", "note text default 'none'"}}, "", ""},
      Case{"drop_default", {{"size integer default 0", "size integer"}}, "", ""},
      Case{"add_unique", {{"name varchar(100) not null,", "name varchar(100) not null unique,"}}, "", ""},
      Case{"add_check", {{"status status not null default 'new'\n", "status status not null default 'new',\n  check (size >= 0)\n"}}, "", ""},
      Case{"drop_foreign_key", {{"grid_id integer references grid (id) on delete cascade", "grid_id integer"}}, "", ""},
      Case{"change_foreign_key_action", {{"on delete cascade", "on delete set null"}}, "", ""},
      Case{"add_index", {}, "create index idx_grid_name on grid (name);\n", ""},
      Case{"drop_index", {{"create index idx_square_grid on square (grid_id);\n", ""}}, "", ""},
      Case{"change_index", {{"on square (grid_id)", "on square (grid_id, note)"}}, "", ""},
      Case{"partial_unique_index", {}, "create unique index idx_grid_name_new on grid (name) where (status = 'new');\n", ""},
      Case{"add_enum_and_column", {{"note text", "note text, kind kind default 'a'"}, {"create type status", "create type kind as enum ('a', 'b');\ncreate type status"}}, "", ""},
      Case{"add_enum_value", {{"('new', 'done')", "('new', 'running', 'done')"}}, "", ""},
      Case{"add_enum_value_and_use_it",
           {{"('new', 'done')", "('new', 'running', 'done')"}, {"status status not null default 'new'", "status status not null default 'running'"}}, "", ""},
      Case{"drop_enum_and_column", {{",\n  status status not null default 'new'", ""}, {"create type status as enum ('new', 'done');\n", ""}}, "", ""},
      Case{"add_sequence", {}, "create sequence ticket as integer increment by 5 start with 100;\n", ""},
      Case{"add_extension", {}, "create extension pgcrypto;\n", ""},
      Case{"add_schema_and_table", {}, "create schema archive;\ncreate table archive.old_grid (id integer primary key, grid_id integer references grid (id));\n", ""},
      Case{"new_tables_pointing_at_each_other_in_any_order", {},
           "create table alpha (id integer primary key, beta_id integer);\n"
           "create table beta (id integer primary key, alpha_id integer references alpha (id));\n"
           "alter table alpha add constraint alpha_beta_id_fkey foreign key (beta_id) references beta (id);\n", ""},
      Case{"comment_table_and_column", {}, "comment on table grid is 'A grid, as loaded';\ncomment on column square.note is 'Free text';\n", ""},
      Case{"comment_new_table", {}, "create table atlas (id integer primary key);\ncomment on table atlas is 'Atlas';\ncomment on column atlas.id is 'Key';\n", ""},
      Case{"add_check_not_valid", {}, "alter table grid add constraint grid_size_positive check (size > 0) not valid;\n", ""},
      Case{"drop_sequence", {}, "", "", "create sequence old_ticket;\n"},
      Case{"change_sequence", {}, "create sequence ticket as bigint increment by 10 start with 1000;\n", "",
           "create sequence ticket as integer;\n"},
      Case{"change_sequence_bounds_and_cycle", {}, "create sequence ticket as integer minvalue 0 maxvalue 500 start with 10 cache 20 cycle;\n",
           "its current value", "create sequence ticket as integer minvalue -100 maxvalue 1000 start with 1 no cycle;\n"},
      Case{"change_identity_kind_and_options", {},
           "create table ticket (id bigint generated by default as identity (start with 100 cache 10), code integer generated always as identity (increment by 2));\n", "",
           "create table ticket (id bigint generated always as identity, code integer not null);\n"},
      Case{"drop_identity", {}, "create table ticket (id bigint not null, code integer);\n", "",
           "create table ticket (id bigint generated always as identity, code integer generated by default as identity (maxvalue 99));\n"},
      Case{"add_descending_sequence", {}, "create sequence countdown as smallint increment by -1;\n", ""},
      Case{"drop_extension", {}, "", "", "create extension pgcrypto;\n"},
      Case{"drop_schema_and_its_table", {}, "", "", "create schema archive;\ncreate table archive.old_grid (id integer primary key);\n"},
      Case{"drop_enum", {}, "", "", "create type unused as enum ('x');\n"},
      Case{"remove_comment", {}, "", "", "comment on table grid is 'Soon gone';\n"},
      Case{"validate_constraint", {}, "alter table grid add constraint grid_size_positive check (size > 0);\n", "",
           "alter table grid add constraint grid_size_positive check (size > 0) not valid;\n"},
      // Its primary key is only a primary key: it used to carry the foreign key's target, and
      // was dropped and added again on every run.
      Case{"primary_key_that_references_an_existing_table", {}, "create table badge (grid_id integer primary key references grid (id));\n", "",
           "create table badge (grid_id integer primary key);\n"},
      Case{"rename_looks_like_drop_and_add", {{"note text", "remark text"}}, "", "if that is a rename"},
      Case{"add_covering_index", {}, "create unique index idx_grid_name_covering on grid (name) include (size, status) nulls not distinct;\n", ""},
      Case{"include_a_column_in_an_index", {{"on square (grid_id)", "on square (grid_id) include (note)"}}, "", ""},
      Case{"add_index_with_operator_class", {}, "create index idx_grid_name_pattern on grid (name varchar_pattern_ops);\n", ""},
      Case{"give_an_index_key_an_operator_class", {{"on square (grid_id)", "on square (grid_id, note text_pattern_ops)"}}, "", ""},
      Case{"unique_nulls_not_distinct", {{"name varchar(100) not null,", "name varchar(100) not null unique nulls not distinct,"}}, "", ""},
      Case{"add_column_with_its_check", {{"note text", "note text, area integer constraint square_area_positive check (area > 0)"}}, "", ""},
      Case{"make_a_foreign_key_deferrable", {{"on delete cascade", "on delete cascade deferrable initially deferred"}}, "", ""},
      Case{"deferrable_keys_and_column_checks_of_a_new_table", {},
           "create table atlas (\n  id integer primary key deferrable,\n  code text unique nulls not distinct deferrable initially deferred,\n"
           "  grid_id integer references grid (id) initially deferred,\n  size integer check (size > 0)\n);\n", ""},
      Case{"add_generated_column", {{"note text", "note text, note_length integer generated always as (length(note)) stored"}}, "", ""},
      Case{"drop_generation_expression", {}, "alter table square add column shout text;\n", "",
           "alter table square add column shout text generated always as (upper(note)) stored;\n"},
      Case{"change_generation_expression", {}, "alter table square add column shout text generated always as (lower(note)) stored;\n",
           "dropped and added again", "alter table square add column shout text generated always as (upper(note)) stored;\n"},
      Case{"add_domain_and_column",
           {{"create type status", "create domain positive as integer not null default 1 check (value > 0);\ncreate type status"},
            {"note text", "note text, quantity positive"}}, "", ""},
      Case{"change_domain", {}, "create domain code as text default 'x' not null constraint code_long check (length(value) > 1);\n", "",
           "create domain code as text constraint code_short check (length(value) < 10);\n"},
      Case{"drop_domain", {}, "", "", "create domain unused_code as text;\n"},
      Case{"add_composite_type_and_column",
           {{"create type status", "create type pair as (a integer, b text);\ncreate type status"}, {"note text", "note text, extra pair[]"}},
           "", ""},
      Case{"change_composite_type", {}, "create type pair as (a bigint, c text);\n", "", "create type pair as (a integer, b text);\n"},
      Case{"drop_composite_type", {}, "", "", "create type unused_pair as (a integer);\n"}};
}

// A case run through the compiler: the model, the old head, the revision autogenerate writes
// between them, and the chain with it. A step that fails leaves the later ones empty, and says
// why in `errors`.
struct Generated {
  std::optional<Schema> model;
  std::optional<CompiledChain> before;
  Autogenerated diff;
  std::string revision;
  std::optional<CompiledChain> after;
  std::string errors;
  std::string unfilled_errors;  // a case with a fill to write: the errors of the revision without it
};

inline Generated generate(const Case& c) {
  Generated out;
  std::vector<SourceFile> model_files;
  model_files.emplace_back("model.mig", model_text(c));
  Diagnostics diagnostics;
  out.model = compile_model(model_files, diagnostics);
  std::vector<SourceFile> files;
  files.emplace_back("001_base.mig", head_text(c));
  if (out.model) out.before = compile_chain(files, diagnostics);
  if (!out.before) {
    out.errors = errors_of(diagnostics);
    return out;
  }
  out.diff = autogenerate(out.before->head, *out.model);
  // New enum values a later statement uses come in a revision of their own, as `migc revision` writes them.
  if (out.diff.own_revision > 0) {
    std::string values = "revision '002' revises '001';\n";
    for (std::size_t i = 0; i < out.diff.own_revision; ++i) values += out.diff.statements[i] + "\n";
    files.emplace_back("002_values.mig", std::move(values));
  }
  const std::string generated_file = out.diff.own_revision > 0 ? "003_generated.mig" : "002_generated.mig";
  out.revision = out.diff.own_revision > 0 ? "revision '003' revises '002';\n" : "revision '002' revises '001';\n";
  for (std::size_t i = out.diff.own_revision; i < out.diff.statements.size(); ++i) out.revision += out.diff.statements[i] + "\n";
  if (!c.fill.first.empty()) {
    files.emplace_back(generated_file, out.revision);
    Diagnostics unfilled;
    compile_chain(files, unfilled);
    out.unfilled_errors = errors_of(unfilled);
    files.pop_back();
    const auto at = out.revision.find(c.fill.first);
    EXPECT_NE(at, std::string::npos) << c.name << ": no `" << c.fill.first << "` in\n" << out.revision;
    if (at != std::string::npos) out.revision.replace(at, c.fill.first.size(), c.fill.second);
  }
  files.emplace_back(generated_file, out.revision);
  out.after = compile_chain(files, diagnostics);
  out.errors = errors_of(diagnostics) + "\n" + out.revision;
  return out;
}

inline std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

}  // namespace migc::testing_cases
