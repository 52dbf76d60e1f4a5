#!/usr/bin/env bash
# Databases that golang-migrate, dbmate, goose, sqlx and Flyway migrated: their history tables
# made as each tool makes them (shape and rows, from the tools' own source), the schema at a
# revision of the `numbered` chain. The first upgrade starts where the tool left off, judged by
# migc_history (a stamp of that revision, then upgrades of the rest only); what cannot be
# adopted is refused with nothing changed.
# usage: foreign_history_test.sh <numbered-migrate> <migc> <docs/migrator.md> <conninfo-file>
set -u
migrate=$1
migc=$2
docs=$3
server=$(cat "$4")
here=$(dirname "$0")
source "$here/checks.sh"

# The tools' tables, as their PostgreSQL drivers create them.
golang_migrate_table="CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)"
dbmate_table="create table if not exists schema_migrations (version varchar(255) primary key)"
goose_table="CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL,
  tstamp timestamp NULL default now(), PRIMARY KEY(id))"
sqlx_table="CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
  installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)"
flyway_table='CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50),
  "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
  "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL,
  "success" BOOLEAN NOT NULL);
ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")'
sqlx_row() {  # sqlx_row <version> <success>
  echo "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'm$1', $2, decode('8515e9ec', 'hex'), -1)"
}
flyway_row() {  # flyway_row <rank> <version or NULL> <type> <script> <success>
  echo "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
        VALUES ($1, $2, 'm', '$3', '$4', 42, 'flyway', 7, $5)"
}

# A database the tool left at revision $2 (the schema built by the chain, then migc's tables
# dropped), with the tool's table made by $3.
left_at() {  # left_at <db> <revision> <sql>
  fresh $1
  "$migrate" --url "$server dbname=$1" upgrade $2 >/dev/null 2>&1
  sql $1 "DROP TABLE migc_version; DROP TABLE migc_history; $3" >/dev/null
}
# What the migrator did: its history rows in order.
did() { sql $1 "SELECT string_agg(revision || ':' || operation, ',' ORDER BY id) FROM migc_history"; }

# Without a history table, the upgrade runs from base and fails on what is there: what each
# adoption below avoids.
left_at migc_foreign_none 3 ""
out=$("$migrate" --url "$server dbname=migc_foreign_none" upgrade 2>&1); status=$?
check_status "without a history table, upgrading a migrated database fails" 1 $status
check "on the first revision" 'relation "account" already exists' "$out"

adopted() {  # adopted <tool> <db> <at> <expected migc_history>
  local url="$server dbname=$2"
  out=$("$migrate" --url "$url" upgrade 2>&1); status=$?
  check_status "$1: upgrade succeeds" 0 $status
  check "$1: and says it adopted the database at $3" "adopted a database migrated by $1, at $3;" "$out"
  check "$1: stamped at $3, then upgraded from there" "$4" "$(did $2)"
  check "$1: the version table holds the whole chain" "1,2,20240101120000,3" "$(sql $2 "SELECT string_agg(revision, ',' ORDER BY revision) FROM migc_version")"
  out=$("$migrate" --url "$url" check 2>&1); status=$?
  check_status "$1: check finds no drift (the history table is not part of the schema)" 0 $status
  check "$1: says so" "no drift" "$out"
}

# --- golang-migrate: one row, the last version applied.
left_at migc_foreign_golang 2 "$golang_migrate_table; INSERT INTO schema_migrations VALUES (2, false)"
adopted golang-migrate migc_foreign_golang 2 "2:stamp,3:upgrade,20240101120000:upgrade"
check "golang-migrate: its table is left as it was" "2|f" "$(sql migc_foreign_golang "SELECT version, dirty FROM schema_migrations")"

# --- dbmate: a row per applied version, timestamps as text.
left_at migc_foreign_dbmate 20240101120000 "$dbmate_table; INSERT INTO schema_migrations VALUES ('1'), ('2'), ('3'), ('20240101120000')"
adopted dbmate migc_foreign_dbmate 20240101120000 "20240101120000:stamp"
# Left out by the table it belongs to, not by name: a table of the chain's own named like one is
# drift, its primary key's index schema_migrations_pkey is not.
sql migc_foreign_dbmate "CREATE TABLE schema_migrations_log (id int)"
out=$("$migrate" --url "$server dbname=migc_foreign_dbmate" check 2>&1); status=$?
check_status "dbmate: a table named like a history table is drift" 7 $status
check "dbmate: and listed" "schema_migrations_log" "$out"
if grep -q "schema_migrations_pkey\|schema_migrations " <<<"$out"; then
  echo "FAILED: dbmate: check lists dbmate's table:"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1))
else
  echo "ok: dbmate: but not dbmate's table or its index"
fi

# --- goose: the latest row of each version decides (an older goose's down inserts is_applied
# false); version 0 is goose's own.
left_at migc_foreign_goose 3 "$goose_table; INSERT INTO goose_db_version (version_id, is_applied) VALUES
  (0, true), (1, true), (2, true), (3, true), (20240101120000, true), (20240101120000, false)"
url="$server dbname=migc_foreign_goose"
check "goose: current before adoption reads goose_db_version" "3" "$("$migrate" --url "$url" current 2>&1)"
check "goose: current -v says by whom" "Applied: by goose (not yet adopted by migc)" "$("$migrate" --url "$url" current -v 2>&1)"
out=$("$migrate" --url "$url" check 2>&1); status=$?
check_status "goose: check before adoption compares with the revision goose recorded" 0 $status
check "goose: and finds no drift" "matches the schema of revision 3" "$out"
out=$("$migrate" --url "$url" upgrade --rehearse 2>&1); status=$?
check_status "goose: a rehearsal succeeds" 0 $status
check "goose: and leaves no version tables" "" "$(sql migc_foreign_goose "SELECT to_regclass('migc_version')")"
adopted goose migc_foreign_goose 3 "3:stamp,20240101120000:upgrade"
out=$("$migc" introspect "$url" -o - --id adopted -m adopted 2>&1)
check "goose: migc introspect reads the schema" "create table invoice" "$out"
if grep -q "goose_db_version" <<<"$out"; then
  echo "FAILED: goose: migc introspect wrote goose's table:"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1))
else
  echo "ok: goose: migc introspect leaves goose's table (and its sequence) out"
fi

# --- sqlx: a row per applied version.
left_at migc_foreign_sqlx 1 "$sqlx_table; $(sqlx_row 1 true)"
adopted sqlx migc_foreign_sqlx 1 "1:stamp,2:upgrade,3:upgrade,20240101120000:upgrade"

# --- Flyway: a baseline stands for the versions up to it, a repeatable migration (no version)
# and the schema row stand for none.
left_at migc_foreign_flyway 3 "$flyway_table;
  $(flyway_row 0 NULL SCHEMA '"public"' true); $(flyway_row 1 "'1'" BASELINE '<< Flyway Baseline >>' true);
  $(flyway_row 2 "'2'" SQL V2__orders.sql true); $(flyway_row 3 NULL SQL R__views.sql true); $(flyway_row 4 "'3'" SQL V3__note.sql true)"
adopted Flyway migc_foreign_flyway 3 "3:stamp,20240101120000:upgrade"
# An undo takes its version back.
left_at migc_foreign_flyway_undo 2 "$flyway_table;
  $(flyway_row 1 "'1'" SQL V1__accounts.sql true); $(flyway_row 2 "'2'" SQL V2__orders.sql true);
  $(flyway_row 3 "'3'" SQL V3__note.sql true); $(flyway_row 4 "'3'" UNDO_SQL U3__note.sql true)"
adopted Flyway migc_foreign_flyway_undo 2 "2:stamp,3:upgrade,20240101120000:upgrade"
# A baseline migration (B2__...) stands for 1 and 2; `flyway repair`'s DELETE row takes 3 back,
# as Flyway then runs it again.
left_at migc_foreign_flyway_delete 2 "$flyway_table;
  $(flyway_row 1 "'2'" SQL_BASELINE B2__base.sql true); $(flyway_row 2 "'3'" SQL V3__note.sql true);
  $(flyway_row 3 "'3'" DELETE V3__note.sql true)"
adopted Flyway migc_foreign_flyway_delete 2 "2:stamp,3:upgrade,20240101120000:upgrade"

# --- --json names the tool and the table.
left_at migc_foreign_json 3 "$dbmate_table; INSERT INTO schema_migrations VALUES ('1'), ('2'), ('3')"
out=$("$migrate" --json --url "$server dbname=migc_foreign_json" upgrade 2>/dev/null)
if printed=$(printf '%s\n' "$out" | python3 "$here/json_lines.py" "$docs" upgrade 0 \
               --print 'e["tool"] + " " + e["table"] + " " + ",".join(e["revisions"]) if e["event"] == "adopted_history" else ""'); then
  echo "ok: every line of upgrade --json is a documented event"
else
  echo "$printed"; failures=$((failures + 1))
fi
check "--json: the adoption is an event naming tool, table and revision" "dbmate schema_migrations 3" "$printed"

# --- A non-default schema: the tables of the chain's schema, never another's.
fresh migc_foreign_schema
sql migc_foreign_schema "CREATE SCHEMA tenant" >/dev/null
"$migrate" --url "$server dbname=migc_foreign_schema" --schema tenant upgrade 2 >/dev/null 2>&1
sql migc_foreign_schema "DROP TABLE tenant.migc_version; DROP TABLE tenant.migc_history; SET search_path = tenant; $goose_table;
  INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true);
  SET search_path = public; $sqlx_table; $(sqlx_row 99 true)" >/dev/null
out=$("$migrate" --url "$server dbname=migc_foreign_schema" --schema tenant upgrade 2>&1); status=$?
check_status "--schema: the schema's own history table is adopted" 0 $status
check "--schema: at its revision" "adopted a database migrated by goose, at 2;" "$out"
check "--schema: and upgraded from there" "2:stamp,3:upgrade,20240101120000:upgrade" "$(sql migc_foreign_schema "SELECT string_agg(revision || ':' || operation, ',' ORDER BY id) FROM tenant.migc_history")"

# --- Refusals: one line naming the table and the version, exit 5, nothing changed, every run.
refused() {  # refused <description> <db> <expected message>
  local attempt
  for attempt in first second; do
    out=$("$migrate" --url "$server dbname=$2" upgrade 2>&1); status=$?
    check_status "$1 is refused ($attempt run)" 5 $status
    check "$1: named ($attempt run)" "$3" "$out"
    check "$1: no version tables ($attempt run)" "" "$(sql $2 "SELECT to_regclass('migc_version')")"
  done
  check "$1: the schema is untouched" "0" "$(sql $2 "SELECT count(*) FROM pg_tables WHERE tablename = 'invoice'")"
}
left_at migc_foreign_unknown 3 "$golang_migrate_table; INSERT INTO schema_migrations VALUES (99, false)"
refused "a version the plan lacks" migc_foreign_unknown 'schema_migrations records version `99`, which this plan does not contain'
left_at migc_foreign_gap 3 "$dbmate_table; INSERT INTO schema_migrations VALUES ('1'), ('3')"
refused "a gap" migc_foreign_gap 'schema_migrations records version `3` but not `2`, which comes before it in this plan'
left_at migc_foreign_dirty 3 "$golang_migrate_table; INSERT INTO schema_migrations VALUES (3, true)"
refused "a dirty golang-migrate database" migc_foreign_dirty 'schema_migrations (golang-migrate) is dirty at version `3`'
left_at migc_foreign_sqlx_failed 3 "$sqlx_table; $(sqlx_row 1 true); $(sqlx_row 2 true); $(sqlx_row 3 false)"
refused "a failed sqlx migration" migc_foreign_sqlx_failed '_sqlx_migrations (sqlx) records version `3` as failed (success = false)'
left_at migc_foreign_flyway_failed 3 "$flyway_table; $(flyway_row 1 "'1'" SQL V1__a.sql true); $(flyway_row 2 "'2'" SQL V2__o.sql false)"
refused "a failed Flyway migration" migc_foreign_flyway_failed 'flyway_schema_history (Flyway) records version `2` as failed (success = false)'
left_at migc_foreign_two 3 "$goose_table; $sqlx_table"
refused "two tools' tables" migc_foreign_two 'this database has both goose_db_version (goose) and _sqlx_migrations (sqlx)'
left_at migc_foreign_alembic 3 "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('3'); $dbmate_table"
refused "alembic_version beside a tool's table" migc_foreign_alembic 'this database has both alembic_version (Alembic) and schema_migrations (dbmate)'
left_at migc_foreign_shape 3 "CREATE TABLE schema_migrations (id serial PRIMARY KEY, version text, name text)"
refused "a schema_migrations of another shape" migc_foreign_shape 'schema_migrations has the columns (id, version, name), not those dbmate writes (version)'
# `stamp --purge` is the way out the messages name: it replaces what would be adopted.
out=$("$migrate" --url "$server dbname=migc_foreign_gap" stamp --purge 3 2>&1); status=$?
check_status "a refused database can be stamped" 0 $status
check "and then upgraded" "now at 20240101120000" "$("$migrate" --url "$server dbname=migc_foreign_gap" upgrade 2>&1)"

for db in $(sql postgres "SELECT datname FROM pg_database WHERE datname LIKE 'migc_foreign_%'"); do sql postgres "DROP DATABASE $db" >/dev/null 2>&1; done
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
