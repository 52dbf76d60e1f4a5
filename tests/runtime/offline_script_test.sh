#!/usr/bin/env bash
# The offline script (`upgrade --sql`) run by psql: what revisions' authors wrote in ids,
# messages and paths stays inside its comments, and never runs; a script written with
# --single-transaction commits nothing when its last revision fails; the script's header says
# how it commits.
# usage: offline_script_test.sh <hostile-migrate> <failing-migrate> <every_operation-migrate> <conninfo-file>
set -u
hostile=$1
failing=$2
every=$3
server=$(cat "$4")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"
check_absent() {  # check_absent <description> <unexpected substring> <actual>
  if grep -qF -- "$2" <<<"$3"; then
    echo "FAILED: $1: found [$2] in:"; printf '%s\n' "$3" | sed 's/^/    /'; failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}
offline() { env -u DATABASE_URL "$@"; }
run_script() {  # run_script <database> <file>: as the header says, without -1
  psql "$server dbname=$1" -X -q -v ON_ERROR_STOP=1 -f "$2" 2>&1
}

# A message holding a line end, `DELETE FROM keeper;` and a psql command, and an id with a
# quote, `?` and `*` (tests/chains/hostile).
offline "$hostile" upgrade head --sql >"$work/hostile.sql"
check_status "upgrade --sql writes the hostile chain's script" 0 $?
script=$(cat "$work/hostile.sql")
check "the message stays on its comment's line" \
  '-- Running upgrade 4: Tries to run what follows\nDELETE FROM keeper;\n\\echo migc-comment-escape-failed (tests/chains/hostile/4_hostile_message.mig:4)' "$script"
check "so does a message like the end of a C comment" "-- Running upgrade 003: Keeper */ ??/ a message ending in a backslash \\\\ (" "$script"
fresh migc_offline_hostile
out=$(run_script migc_offline_hostile "$work/hostile.sql"); status=$?
check_status "psql runs it" 0 $status
check_absent "no psql command of the message ran" "migc-comment-escape-failed" "$out"
check "no statement of the message ran: keeper keeps its row" "1" "$(sql migc_offline_hostile "SELECT count(*) FROM keeper")"
# One row per revision file of the chain.
revisions=$(find "$(dirname "$0")/../chains/hostile" -name '*.mig' | wc -l)
check "every revision is recorded" "$revisions" "$(sql migc_offline_hostile "SELECT count(*) FROM migc_version")"
# psql reads `:name` outside quotes as its variable (PORT, DBNAME are always set): the SQL
# reaches the server as written all the same, as the check's definition and the row show.
check "a check's slice reaches the server as written" 'CHECK ((cardinality(arr[1:"PORT"]) >= 0))' \
  "$(sql migc_offline_hostile "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'slices'::regclass AND contype = 'c'")"
check "and so does a raw step's" "{1,2}" "$(sql migc_offline_hostile "SELECT arr FROM slices")"
check "under its own id" "003" "$(sql migc_offline_hostile "SELECT revision FROM migc_version WHERE revision LIKE '003%'")"

# The header tells the truth about transactions.
check "the header says each revision commits on its own" "-- Each revision commits on its own. Run it with psql -v ON_ERROR_STOP=1 -f <file>" "$script"
check "the script sets the settings its SQL is written for" "SET standard_conforming_strings = 'on';" "$script"

# A run whose last revision fails: revision by revision, the first stays committed, as the header says.
offline "$failing" upgrade head --sql >"$work/each.sql"
fresh migc_offline_each
out=$(run_script migc_offline_each "$work/each.sql"); status=$?
check_status "psql stops at the failing revision" 3 $status
check "the revision before it is committed" "001" "$(sql migc_offline_each "SELECT string_agg(revision, ',') FROM migc_version")"
check "with its table" "keeper" "$(sql migc_offline_each "SELECT to_regclass('keeper')")"
check "and the failing one is not" "" "$(sql migc_offline_each "SELECT to_regclass('half_done')")"

# --single-transaction: one BEGIN, one COMMIT, and nothing committed when the last revision fails.
offline "$failing" upgrade head --sql --single-transaction >"$work/one.sql"
check_status "upgrade --sql --single-transaction" 0 $?
one=$(cat "$work/one.sql")
check "its header says so" "-- One transaction (--single-transaction): a failure anywhere commits nothing." "$one"
check "one BEGIN" "1" "$(grep -c '^BEGIN;' <<<"$one")"
check "one COMMIT" "1" "$(grep -c '^COMMIT;' <<<"$one")"
fresh migc_offline_one
out=$(run_script migc_offline_one "$work/one.sql"); status=$?
check_status "psql stops at the failing revision" 3 $status
check "the failure is the last revision's" "division by zero" "$out"
check "nothing was committed, not even the version tables" "0" "$(sql migc_offline_one "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
offline "$hostile" upgrade head --sql --single-transaction >"$work/hostile_one.sql"
fresh migc_offline_hostile_one
out=$(run_script migc_offline_hostile_one "$work/hostile_one.sql"); status=$?
check_status "a single-transaction script that does not fail commits" 0 $status
check "all of it" "$revisions" "$(sql migc_offline_hostile_one "SELECT count(*) FROM migc_version")"
out=$(offline "$hostile" downgrade head:base --sql --single-transaction 2>&1); status=$?
check_status "downgrade --sql --single-transaction" 0 $status
echo "$out" >"$work/down_one.sql"
out=$(run_script migc_offline_hostile_one "$work/down_one.sql"); status=$?
check_status "runs down to base" 0 $status
check "where nothing is recorded" "0" "$(sql migc_offline_hostile_one "SELECT count(*) FROM migc_version")"
out=$(offline "$every" upgrade head --sql --single-transaction 2>&1); status=$?
check_status "a concurrent index build cannot be part of one transaction" 5 $status
check "and the refusal says which" "revision 008 builds or drops an index \`concurrently\`" "$out"

# On a terminal too, a message's line end or escape sequence is shown, never acted on.
check "history shows a message's line end as \\n, one line per revision" \
  'Tries to run what follows\nDELETE FROM keeper;' "$("$hostile" history)"
check "one line per revision" "$("$hostile" history --json | grep -o '"revision"' | wc -l)" "$("$hostile" history | wc -l)"

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
