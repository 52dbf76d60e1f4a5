#!/usr/bin/env bash
# `check` rebuilds the default schema alone and leaves out the other schemas: it tells them
# apart by the flag in each plan key, not by reading names, so a table named "a.b" in public
# is compared like any other, while table b of schema a is not.
# usage: check_dotted_names_test.sh <hostile-migrate> <conninfo-file>
set -u
migrate=$1
server=$(cat "$2")
sql() { psql "$server dbname=$1" -XAtqc "$2"; }
sql postgres "DROP DATABASE IF EXISTS migc_dotted" && sql postgres "CREATE DATABASE migc_dotted"
url="$server dbname=migc_dotted"
failures=0

"$migrate" --url "$url" upgrade head >/dev/null || { echo "FAILED: upgrade head"; exit 1; }
out=$("$migrate" --url "$url" check 2>&1); status=$?
[ $status -eq 0 ] && grep -qF "no drift" <<<"$out" && echo "ok: no drift at head" \
  || { echo "FAILED: check at head exited $status: $out"; failures=$((failures + 1)); }

sql migc_dotted 'ALTER TABLE public."a.b" ADD COLUMN added_by_hand integer'
out=$("$migrate" --url "$url" check 2>&1); status=$?
[ $status -eq 7 ] && grep -qF 'unexpected  column "a.b".added_by_hand integer' <<<"$out" && echo "ok: a change to public.\"a.b\" is drift" \
  || { echo "FAILED: a column added to public.\"a.b\" was not found (exit $status): $out"; failures=$((failures + 1)); }

sql migc_dotted 'ALTER TABLE public."a.b" DROP COLUMN added_by_hand; ALTER TABLE a."b.c" ADD COLUMN elsewhere integer'
out=$("$migrate" --url "$url" check 2>&1); status=$?
[ $status -eq 0 ] && echo "ok: schema a is not compared" \
  || { echo "FAILED: a change outside the default schema counted (exit $status): $out"; failures=$((failures + 1)); }

sql postgres "DROP DATABASE migc_dotted"
[ $failures -eq 0 ]
