#!/usr/bin/env bash
# Options checked before anything runs, ranges that select nothing, the database named as libpq
# resolved it, fault hooks kept out of the shipped migrator, and `migc graph --svg` without a shell.
# usage: options_test.sh <smartem-migrate> <smartem-faults-migrate> <migc> <migrations dir> <conninfo-file>
set -u
migrate=$1
faults=$2
migc=$3
migrations=$4
server=$(cat "$5")
socket=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"

sql postgres "DROP DATABASE IF EXISTS migc_options WITH (FORCE)"
sql postgres "CREATE DATABASE migc_options"
db="$server dbname=migc_options"

# --lock-wait: seconds that lock_timeout can hold, or a usage error naming the option.
for wait in 1e300 nan inf -1 3000000; do
  out=$("$migrate" --url "$db" --lock-wait="$wait" upgrade 2>&1); status=$?
  check_status "--lock-wait $wait is a usage error" 2 $status
  check "--lock-wait $wait is named, with the range" "error: --lock-wait" "$out"
  check "--lock-wait $wait: the range" "give a number of seconds from 0 to 2147483 (24 days)" "$out"
done
check "and nothing ran" "" "$(sql migc_options "SELECT to_regclass('migc_version')")"
out=$("$migrate" --url "$db" --lock-wait 2147483 stamp base 2>&1); status=$?
check_status "the longest --lock-wait is taken" 0 $status

# --lock-timeout and --statement-timeout: PostgreSQL judges them, before anything runs.
out=$("$migrate" --url "$db" --lock-timeout bogus upgrade 2>&1); status=$?
check_status "--lock-timeout bogus is a usage error" 2 $status
check "naming the option and what the server said" 'error: --lock-timeout `bogus`: invalid value for parameter "lock_timeout": "bogus"' "$out"
check "nothing was applied" "base" "$("$migrate" --url "$db" current 2>&1)"
out=$("$migrate" --url "$db" --statement-timeout 30d upgrade 2>&1); status=$?
check_status "a --statement-timeout beyond the server's range is a usage error" 2 $status
check "naming the option" 'error: --statement-timeout `30d`: invalid value for parameter "statement_timeout": "30d" (Value exceeds integer range.)' "$out"
check "nothing was applied" "base" "$("$migrate" --url "$db" current 2>&1)"
check "good values run" "now at 004 (head)" "$("$migrate" --url "$db" --lock-timeout 2s --statement-timeout 1min upgrade 2>&1)"

# Global options anywhere on the line, after the verb too, as git and kubectl take them.
out=$("$migrate" history --json 2>&1); status=$?
check_status "history --json: an option after the verb" 0 $status
check "is taken as --json" '"004"' "$out"
"$migrate" downgrade base --url "$db" >/dev/null 2>&1
out=$(env -u DATABASE_URL "$migrate" upgrade 002 --url "$db" --lock-wait 5 2>&1); status=$?
check_status "upgrade 002 --url ... --lock-wait 5: options after the target" 0 $status
check "the --url after the target is the database upgraded" "002" "$(env -u DATABASE_URL "$migrate" current --url "$db")"
out=$(env -u DATABASE_URL "$migrate" upgrade --ephemeral 2>&1); status=$?
check_status "upgrade --ephemeral" 0 $status
check "runs against a throwaway server" "started a throwaway PostgreSQL" "$out"
out=$("$migrate" upgrade --bogus 2>&1); status=$?
check_status "an unknown option is still a usage error" 2 $status
check "naming it" "--bogus" "$out"

# Ranges that select nothing are said to, not printed as nothing.
out=$("$migrate" history -r 002:001 2>&1); status=$?
check_status "history -r backwards exits 5" 5 $status
check "and says why" 'error: `002:001` is an empty range: `001` does not come after `002`; a range goes from older to newer' "$out"
check "history -r forwards still works" "6e6302f1ccb6 -> 002" "$("$migrate" history -r 001:002 2>&1)"
out=$(env -u DATABASE_URL "$migrate" upgrade --sql 002:001 2>&1); status=$?
check_status "upgrade --sql backwards exits 5" 5 $status
check "and says what to write instead" 'error: `002:001` selects nothing to upgrade: `002` already includes `001` (a downgrade script: downgrade --sql 002:001)' "$out"
out=$(env -u DATABASE_URL "$migrate" downgrade --sql 001:002 2>&1); status=$?
check_status "downgrade --sql backwards exits 5" 5 $status
check "downgrade --sql backwards says why" 'revision `002` is not applied' "$out"
check "upgrade --sql forwards still works" "INSERT INTO migc_version (revision, checksum, migrator) VALUES ('002'" \
  "$(env -u DATABASE_URL "$migrate" upgrade --sql 001:002 2>&1)"

# The database as libpq resolved it, here from a service file: not from PG* variables read by hand.
printf '[migc_options]\nhost=%s\nport=5432\ndbname=migc_options\nuser=postgres\n' "$socket" >"$work/pg_service.conf"
out=$(env -u DATABASE_URL -u PGHOST -u PGDATABASE -u PGUSER -u PGPORT PGSERVICEFILE="$work/pg_service.conf" PGSERVICE=migc_options \
  "$migrate" current -v 2>&1)
check "with PGSERVICE, current -v names the database the service names" \
  "Database: database \`migc_options\` as user \`postgres\` via socket in $socket at port 5432" "$out"
out=$(env -u DATABASE_URL -u PGHOST -u PGDATABASE -u PGUSER -u PGPORT PGSERVICEFILE="$work/pg_service.conf" PGSERVICE=migc_options \
  "$migrate" --json upgrade 2>&1)
check "and so does --json" "\"database\":\"database \`migc_options\` as user \`postgres\` via socket in $socket at port 5432\"" "$out"

# Fault hooks: in the test build only.
sql postgres "DROP DATABASE IF EXISTS migc_options_faults WITH (FORCE)"
sql postgres "CREATE DATABASE migc_options_faults"
out=$(MIGC_FAULT_DROP_AT_COMMIT=002 "$migrate" --url "$server dbname=migc_options_faults" upgrade 2>&1); status=$?
check_status "the shipped migrator ignores MIGC_FAULT_DROP_AT_COMMIT" 0 $status
check "and upgrades to head" "now at 004 (head)" "$out"
if grep -q MIGC_FAULT_DROP_AT_COMMIT "$migrate"; then
  echo "FAILED: the shipped migrator contains the fault hook"; failures=$((failures + 1))
else
  echo "ok: the shipped migrator does not even contain the hook's name"
fi
if grep -q MIGC_FAULT_DROP_AT_COMMIT "$faults"; then
  echo "ok: the test build does (migrator.cli drops a connection with it)"
else
  echo "FAILED: the test build has no fault hook"; failures=$((failures + 1))
fi
sql postgres "DROP DATABASE migc_options_faults WITH (FORCE)"

# migc graph --svg: the path reaches dot as one argument, whatever it holds; no shell reads it.
mkdir "$work/bin"
printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]\\n" "$a"; done >"%s/dot-arguments"\n' "$work" >"$work/bin/dot"
chmod +x "$work/bin/dot"
svg="$work/it's \$(touch $work/injected); \`touch $work/injected\`.svg"
out=$(PATH="$work/bin:$PATH" "$migc" graph --svg "$svg" "$migrations" 2>&1); status=$?
check_status "graph --svg with quotes and \$( ) in the path" 0 $status
check "dot got the path as it is" "[$svg]" "$(cat "$work/dot-arguments" 2>/dev/null)"
check "and the dot file beside it" "[$work/it's \$(touch $work/injected); \`touch $work/injected\`.dot]" "$(cat "$work/dot-arguments" 2>/dev/null)"
if [ -e "$work/injected" ]; then echo "FAILED: a shell ran part of the path"; failures=$((failures + 1)); else echo "ok: no shell ran any of it"; fi
out=$(PATH=/nonexistent "$migc" graph --svg "$work/g.svg" "$migrations" 2>&1); status=$?
check_status "without dot, graph --svg exits 2" 2 $status
check "and says what to install" "install Graphviz (\`dot\`) for the SVG" "$out"

sql postgres "DROP DATABASE migc_options WITH (FORCE)"
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
