#!/usr/bin/env bash
# `migc introspect` and `migc revision --autogenerate --from-db` on the command line, against a
# SmartEM database on the test server.
# usage: introspect_cli_test.sh <migc> <smartem-migrate> <migrations dir> <server conninfo file>
set -u
migc=$1
migrate=$2
server=$(cat "$4")
work=$(mktemp -d)
database=migc_introspect_cli_$$
trap 'psql "$server dbname=postgres" -XAtqc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT
failures=0
check() { if grep -qE -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAILED: $1: [$2] not in:"; echo "$3"; failures=$((failures + 1)); fi; }
status_is() { if [ "$2" -eq "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: exit status $3, expected $2"; failures=$((failures + 1)); fi; }

psql "$server dbname=postgres" -XAtqc "CREATE DATABASE $database" >/dev/null
url="$server dbname=$database"
DATABASE_URL="$url" "$migrate" upgrade head >/dev/null

out=$("$migc" introspect "$url" --dir "$work/adopted" --id adopted -m "SmartEM as deployed" 2>&1); status=$?
status_is "introspect succeeds" 0 $status
check "it writes a root revision" "wrote $work/adopted/.*-adopted_smartem_as_deployed\.mig \(revision adopted, after base\)" "$out"
check "and says how to stamp the database" "stamp adopted" "$out"
root=$(ls "$work"/adopted/*.mig)
check "the revision creates the core tables" "^create table gridsquare \($" "$(cat "$root")"
check "with their foreign keys" "foreign key \(grid_uuid\) references grid \(uuid\) on delete cascade" "$(cat "$root")"
check "and the indexes of 002" "^create index idx_gridsquare_acquisition_datetime_status on gridsquare" "$(cat "$root")"
out=$("$migc" check "$work/adopted" 2>&1); status=$?
status_is "the written chain compiles, without a warning" 0 $status
check "(nothing printed)" "^$" "$out"
# That its schema rebuilds the same catalog is checked by Introspect.TheSmartEmDatabaseReadBack...

out=$("$migc" introspect "$url" --dir "$work/adopted" 2>&1); status=$?
status_is "introspect refuses a directory that holds revisions" 2 $status
check "and says why" "already holds revisions" "$out"
check "printing instead works" "^revision '[0-9a-f]{12}' revises base$" "$("$migc" introspect "$url" -o - 2>&1 | head -1)"

out=$("$migc" introspect "postgresql://smartem:s3cret@127.0.0.1:1/nowhere?connect_timeout=2" --dir "$work/none" 2>&1); status=$?
status_is "an unreachable database is an error" 2 $status
if grep -q s3cret <<<"$out"; then echo "FAILED: the password was printed: $out"; failures=$((failures + 1)); else echo "ok: no password printed"; fi

# --from-db: the database was changed by hand; the chain catches up.
cp -r "$3" "$work/migrations"
out=$("$migc" revision --autogenerate --from-db "$url" -m "Nothing" --dir "$work/migrations" 2>&1); status=$?
status_is "--from-db on a database at head" 0 $status
check "writes nothing when they agree" "already is the database's; no revision written" "$out"
psql "$url" -XAtqc "ALTER TABLE grid ADD COLUMN cassette_slot smallint; CREATE INDEX idx_grid_slot ON grid (cassette_slot)"
out=$("$migc" revision --autogenerate --from-db "$url" -m "Sync with the lab database" --dir "$work/migrations" 2>&1); status=$?
status_is "--from-db after a change by hand" 0 $status
synced=$(ls "$work"/migrations/*sync_with_the_lab_database.mig)
check "the revision adds the column" "^alter table grid add column cassette_slot smallint;$" "$(cat "$synced")"
check "and the index" "^create index idx_grid_slot on grid using btree \(cassette_slot\);$" "$(cat "$synced")"
check "and follows the head" "revises '004'" "$(cat "$synced")"
out=$("$migc" check "$work/migrations" 2>&1); status=$?
status_is "the chain with it compiles" 0 $status
out=$("$migc" revision --from-db "$url" -m "x" --dir "$work/migrations" 2>&1); status=$?
status_is "--from-db without --autogenerate is a usage error" 2 $status

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
