#!/usr/bin/env bash
# `check` against the schema the compiler predicts, where it is easy to get wrong.
# usage: check_predicted_schema_test.sh <hostile-migrate> <every_operation-migrate> <conninfo-file>
set -u
hostile=$1
every=$2
server=$(cat "$3")
source "$(dirname "$0")/checks.sh"

# check compares the default schema and the chain's other schemas, each object in its own: a
# table named "a.b" in public is public's, table "b.c" of schema a is a's.
fresh migc_dotted >/dev/null
url="$server dbname=migc_dotted"
"$hostile" --url "$url" upgrade head >/dev/null 2>&1
out=$("$hostile" --url "$url" check 2>&1); status=$?
check_status "no drift at head" 0 $status
check "and check says so" "no drift" "$out"
sql migc_dotted 'ALTER TABLE public."a.b" ADD COLUMN added_by_hand integer'
out=$("$hostile" --url "$url" check 2>&1); status=$?
check_status "a column added to public.\"a.b\" is drift" 7 $status
check "and named" 'unexpected  column "a.b".added_by_hand integer' "$out"
sql migc_dotted 'ALTER TABLE public."a.b" DROP COLUMN added_by_hand; ALTER TABLE a."b.c" ADD COLUMN elsewhere integer'
out=$("$hostile" --url "$url" check 2>&1); status=$?
check_status "a column added to a.\"b.c\" is drift" 7 $status
check "and named in its schema" 'unexpected  in schema a: column "b.c".elsewhere integer' "$out"
sql migc_dotted 'ALTER TABLE a."b.c" DROP COLUMN elsewhere'
out=$("$hostile" --url "$url" check 2>&1); status=$?
check_status "no drift once it is dropped again" 0 $status
sql migc_dotted 'ALTER TYPE "x.y"."e.num" ADD VALUE '"'u.v'"
out=$("$hostile" --url "$url" check 2>&1); status=$?
check_status "an enum value added in schema \"x.y\" is drift" 7 $status
check "and named in its schema" "unexpected  in schema \"x.y\": type \"e.num\" enum ('p.q', 'r', 's.t', 'u.v')" "$out"

# A widened serial column keeps its integer sequence, in the database as in the prediction.
fresh migc_widened >/dev/null
url="$server dbname=migc_widened"
"$every" --url "$url" upgrade 019 >/dev/null 2>&1
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "no drift after widening a serial column" 0 $status
sql migc_widened "ALTER SEQUENCE counter_id_seq AS bigint"
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "a sequence widened by hand is drift" 7 $status
check "its type is compared" "missing     sequence counter_id_seq integer" "$out"

# Views are compared by their definitions: one changed by hand, one dropped, one added are drift.
fresh migc_views >/dev/null
url="$server dbname=migc_views"
"$every" --url "$url" upgrade head >/dev/null 2>&1
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "no drift with the views the migrator made" 0 $status
sql migc_views "CREATE OR REPLACE VIEW large_entries AS SELECT id, account, amount FROM entry_journal WHERE amount >= 8 ORDER BY id"
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "a view whose query was changed by hand is drift" 7 $status
check "its definition is compared" "unexpected  view large_entries as SELECT entry_journal.id, entry_journal.account, entry_journal.amount FROM entry_journal WHERE (entry_journal.amount >= (8)::numeric) ORDER BY entry_journal.id;" "$out"
sql migc_views "CREATE OR REPLACE VIEW large_entries AS SELECT id, account, amount FROM entry_journal WHERE amount >= 7 ORDER BY id"
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "and none once it is put back" 0 $status
sql migc_views "DROP VIEW book_accounts; CREATE VIEW by_hand AS SELECT 1 AS one"
out=$("$every" --url "$url" check 2>&1); status=$?
check_status "a dropped view and an extra one are drift" 7 $status
check "the dropped one is missing" "missing     relation book_accounts kind v" "$out"
check "the extra one is unexpected" "unexpected  relation by_hand kind v" "$out"

sql postgres "DROP DATABASE migc_dotted" >/dev/null
sql postgres "DROP DATABASE migc_widened" >/dev/null
sql postgres "DROP DATABASE migc_views" >/dev/null
[ $failures -eq 0 ]
