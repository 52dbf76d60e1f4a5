#!/usr/bin/env bash
# `check` lists what the chain does not model apart from drift, and leaves out the objects an
# exclusion pattern names: the chain's CHECK_EXCLUDE (the branched chain has
# `table:other_tool_*` and `function:other_tool_*`) and `check --exclude`.
# usage: check_exclude_test.sh <every_operation-migrate> <branched-migrate> <conninfo-file>
set -u
every=$1
branched=$2
server=$(cat "$3")
source "$(dirname "$0")/checks.sh"

db="$server dbname=migc_exclude"
fresh migc_exclude >/dev/null
"$every" --url "$db" upgrade head >/dev/null 2>&1

# Objects migc does not model: listed, not drift.
sql migc_exclude "CREATE AGGREGATE total_of(integer) (SFUNC = int4pl, STYPE = integer);
  CREATE RULE no_deletes AS ON DELETE TO booking_note DO INSTEAD NOTHING;
  CREATE STATISTICS booking_stats ON booking_id, note FROM booking_note;
  COMMENT ON AGGREGATE total_of(integer) IS 'by hand';
  GRANT USAGE ON TYPE support_case TO pg_monitor;
  GRANT SELECT (account) ON large_entries TO pg_monitor;
  GRANT USAGE ON SEQUENCE booking_id_seq TO pg_monitor;
  GRANT USAGE ON SCHEMA public TO pg_monitor;
  ALTER DEFAULT PRIVILEGES FOR ROLE pg_monitor REVOKE USAGE ON TYPES FROM PUBLIC;
  CREATE COLLATION by_hand_collation (provider = icu, locale = 'de-DE');
  CREATE TYPE by_hand_range AS RANGE (subtype = integer);
  COMMENT ON TYPE by_hand_range IS 'by hand';
  COMMENT ON COLUMN large_entries.account IS 'by hand';
  COMMENT ON COLUMN address.line1 IS 'by hand';
  COMMENT ON INDEX helpdesk_ticket_pkey IS 'by hand';" >/dev/null
out=$("$every" --url "$db" check 2>&1); status=$?
check_status "objects migc does not model are not drift" 0 $status
check "no drift" "no drift" "$out"
check "an aggregate is listed as unmodelled" "unmodelled  aggregate total_of(integer)" "$out"
check "a rule" "unmodelled  rule no_deletes on booking_note" "$out"
check "a statistics object" "unmodelled  statistics booking_stats" "$out"
check "a comment on an aggregate" "unmodelled  comment on aggregate total_of(integer): 'by hand'" "$out"
check "a grant on a table's row type" "unmodelled  privileges on type support_case: " "$out"
check "a grant on a view's column" "unmodelled  privileges on column large_entries.account: " "$out"
check "a grant on an identity's sequence" "unmodelled  privileges on sequence booking_id_seq: " "$out"
check "a grant on the schema" "unmodelled  privileges on schema public: " "$out"
check "default privileges, which objects made later get" "unmodelled  default privileges of role " "$out"
check "a collation" "unmodelled  collation by_hand_collation" "$out"
check "a range type (its constructor functions are its own, not drift)" "unmodelled  type by_hand_range (range)" "$out"
check "a comment on a range type" "unmodelled  comment on type by_hand_range: 'by hand'" "$out"
check "a comment on a view's column" "unmodelled  comment on column large_entries.account: 'by hand'" "$out"
check "a comment on a composite type's attribute" "unmodelled  comment on column address.line1: 'by hand'" "$out"
check "a comment on a constraint's index" "unmodelled  comment on index helpdesk_ticket_pkey: 'by hand'" "$out"
json=$("$every" --url "$db" --json check 2>/dev/null)
check "--json lists them" '"unmodelled":["aggregate total_of(integer)"' "$json"

# A table, its index and sequence, and a function another tool owns: drift until excluded.
sql migc_exclude "CREATE TABLE pgq_event (id bigserial PRIMARY KEY, payload text);
  CREATE INDEX pgq_event_payload ON pgq_event (payload);
  CREATE FUNCTION pgq_insert(text) RETURNS void LANGUAGE sql AS 'insert into pgq_event (payload) values (\$1)';" >/dev/null
out=$("$every" --url "$db" check 2>&1); status=$?
check_status "another tool's table is drift" 7 $status
check "named" "unexpected  relation pgq_event kind r" "$out"
out=$("$every" --url "$db" check --exclude 'table:pgq_*' 2>&1); status=$?
check_status "a table pattern does not cover a function" 7 $status
check "the function is still named" "unexpected  function CREATE OR REPLACE FUNCTION pgq_insert(text)" "$out"
if grep -qE "(relation|column|index|sequence|constraint) (CREATE (UNIQUE )?INDEX )?pgq_event" <<<"$out"; then echo "FAILED: the excluded table, its columns, index or sequence still shown"; failures=$((failures + 1)); else echo "ok: the table and its parts are left out"; fi
out=$("$every" --url "$db" check --exclude 'table:pgq_*' --exclude 'function:pgq_*' 2>&1); status=$?
check_status "with both patterns: no drift" 0 $status
check "and it says how much was left out" "catalog line(s) left out by exclusion patterns" "$out"
out=$("$every" --url "$db" check --exclude 'pgq_*' 2>&1); status=$?
check_status "a pattern without a kind covers every kind" 0 $status
out=$("$every" --url "$db" check --exclude 'TABLE:pgq_*' --exclude 'Function:pgq_*' 2>&1); status=$?
check_status "a kind is read in any case" 0 $status
out=$("$every" --url "$db" check --exclude 'view:pgq_*' --exclude 'function:pgq_*' 2>&1); status=$?
check_status "a pattern of another kind covers nothing" 7 $status
out=$("$every" --url "$db" check --exclude 'aggregate:total_*' --exclude 'pgq_*' 2>&1)
if grep -q "total_of" <<<"$out"; then echo "FAILED: an excluded unmodelled object is still listed"; failures=$((failures + 1)); else echo "ok: exclusion covers unmodelled objects"; fi
# A pattern must not hide drift in the chain's own objects that it does not name.
sql migc_exclude "ALTER TABLE support_case ADD COLUMN extra integer" >/dev/null
out=$("$every" --url "$db" check --exclude 'pgq_*' 2>&1); status=$?
check_status "drift elsewhere is still drift" 7 $status
check "and named" "unexpected  column support_case.extra integer" "$out"
out=$("$every" --url "$db" check --exclude 'support_*' --exclude 'nothing_like_this' 2>&1)
check "a pattern that covers the chain's own objects is warned about" "exclusion patterns leave out objects the chain itself makes" "$out"
check "naming them" "table support_case" "$out"
check "a pattern that leaves out nothing is warned about" "exclusion pattern \`nothing_like_this\` leaves out nothing" "$out"
out=$("$every" --url "$db" check --exclude 'nonsense:x' 2>&1); status=$?
check_status "an unknown kind is a usage error" 2 $status
check "that says which kinds there are" "not a kind of object: one of table, view" "$out"
check "every one of them" "publication, schema" "$out"
out=$("$every" --url "$db" check --exclude 'table:' 2>&1); status=$?
check_status "a pattern without a name is a usage error" 2 $status

# The chain's own CHECK_EXCLUDE, compiled into its migrator.
db="$server dbname=migc_exclude_branched"
fresh migc_exclude_branched >/dev/null
"$branched" --url "$db" upgrade heads >/dev/null 2>&1 || "$branched" --url "$db" upgrade head >/dev/null 2>&1
sql migc_exclude_branched "CREATE TABLE other_tool_jobs (id integer PRIMARY KEY);
  CREATE FUNCTION other_tool_tick() RETURNS integer LANGUAGE sql AS 'select 1'" >/dev/null
out=$("$branched" --url "$db" check 2>&1); status=$?
check_status "the chain's CHECK_EXCLUDE leaves another tool's objects out" 0 $status
check "no drift" "no drift" "$out"
sql migc_exclude_branched "CREATE TABLE other_jobs (id integer)" >/dev/null
out=$("$branched" --url "$db" check 2>&1); status=$?
check_status "and nothing it does not name" 7 $status
check "named" "unexpected  relation other_jobs kind r" "$out"

sql postgres "DROP DATABASE IF EXISTS migc_exclude" >/dev/null
sql postgres "DROP DATABASE IF EXISTS migc_exclude_branched" >/dev/null
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
