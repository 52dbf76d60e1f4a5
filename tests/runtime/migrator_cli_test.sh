#!/usr/bin/env bash
# The migrator's verbs against the throwaway server: upgrade, downgrade, current, history,
# show, stamp, --sql, failure handling, and two migrators racing on one database.
# usage: migrator_cli_test.sh <smartem-migrate> <failing-migrate> <conninfo-file>
set -u
migrate=$1
failing=$2
server=$(cat "$3")
failures=0

check() {  # check <description> <expected substring> <actual>
  if grep -qF -- "$2" <<<"$3"; then
    echo "ok: $1"
  else
    echo "FAILED: $1: expected to find [$2] in:"
    printf '%s\n' "$3" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}
check_status() {  # check_status <description> <expected> <actual>
  if [ "$2" -eq "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: exit status $3, expected $2"; failures=$((failures + 1)); fi
}
sql() { psql "$server dbname=$1" -XAtqc "$2"; }
fresh() { sql postgres "DROP DATABASE IF EXISTS $1" && sql postgres "CREATE DATABASE $1"; }

fresh migc_cli
export DATABASE_URL="$server dbname=migc_cli"

out=$("$migrate" upgrade head 2>&1); status=$?
check_status "upgrade head succeeds" 0 $status
check "upgrade head reports each revision" "+ 6e6302f1ccb6" "$out"
check "upgrade head ends at head" "now at 004 (head)" "$out"
check "the seed revision inserted its row" "light" "$(sql migc_cli "SELECT preference_value->>'theme' FROM user_preferences WHERE user_id = 'system'")"
check "a second upgrade has nothing to do" "is at 004 (head); nothing to do" "$("$migrate" upgrade head 2>&1)"
check "current shows the head" "004 (head)" "$("$migrate" current 2>&1)"

"$migrate" downgrade -1 >/dev/null 2>&1
check "downgrade -1 steps back one revision" "003" "$("$migrate" current 2>&1)"
"$migrate" downgrade 002 >/dev/null 2>&1
check "downgrade <rev> stops at that revision" "002" "$("$migrate" current 2>&1)"
check "the seed row is gone after its down" "0" "$(sql migc_cli "SELECT count(*) FROM user_preferences")"
"$migrate" downgrade base >/dev/null 2>&1
check "downgrade base leaves nothing applied" "base" "$("$migrate" current 2>&1)"
check "downgrade base drops every table" "0" "$(sql migc_cli "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'migc%'")"
"$migrate" upgrade +2 >/dev/null 2>&1
check "upgrade +2 applies two revisions" "6e6302f1ccb6" "$("$migrate" current 2>&1)"
out=$("$migrate" upgrade 0 2>&1); status=$?
check_status "an ambiguous prefix is refused" 5 $status
check "an ambiguous prefix names the candidates" "is ambiguous" "$out"
out=$("$migrate" upgrade nope 2>&1); status=$?
check_status "an unknown target is refused" 5 $status
check "an unknown target is named" "no revision \`nope\` in this plan" "$out"

history=$("$migrate" history -i 2>&1)
check "history lists the root" "<base> -> 001, Add user preferences table" "$history"
check "history marks head and current" "003 -> 004 (head), Add agent communication tables" "$history"
check "show prints the up SQL" "CREATE INDEX idx_gridsquare_acquisition_datetime_status ON gridsquare USING btree (acquisition_datetime, status)" "$("$migrate" show 002 2>&1)"
check "show prints the derived down" "DROP INDEX idx_micrograph_acquisition_datetime" "$("$migrate" show 002 2>&1)"

"$migrate" stamp 004 >/dev/null 2>&1
check "stamp records a revision without running it" "004 (head)" "$("$migrate" current 2>&1)"
check "stamp ran no SQL" "0" "$(sql migc_cli "SELECT count(*) FROM pg_tables WHERE tablename = 'agentsession'")"
"$migrate" stamp base >/dev/null 2>&1

offline=$(env -u DATABASE_URL "$migrate" upgrade head --sql 2>&1); status=$?
check_status "upgrade --sql needs no database" 0 $status
check "upgrade --sql prints the DDL" "CREATE TABLE user_preferences" "$offline"
check "upgrade --sql records versions" "INSERT INTO migc_version (revision) VALUES ('004')" "$offline"
check "downgrade --sql needs a start" "needs a starting revision" "$(env -u DATABASE_URL "$migrate" downgrade base --sql 2>&1)"
check "downgrade --sql from:to" "DROP TABLE agentsession" "$(env -u DATABASE_URL "$migrate" downgrade head:base --sql 2>&1)"

out=$(env -u DATABASE_URL -u PGHOST -u PGDATABASE -u PGUSER -u PGPORT -u PGSERVICE -u PGHOSTADDR "$migrate" current 2>&1); status=$?
check_status "no database configured is a usage error" 2 $status
check "no database configured says so" "no database configured" "$out"
out=$("$migrate" --url "postgresql://smartem:hunter2@/smartem?host=/nonexistent" current 2>&1); status=$?
check_status "an unreachable server is a connection error" 3 $status
check "the password is masked" "smartem:***@" "$out"
if grep -q hunter2 <<<"$out"; then echo "FAILED: the password was printed"; failures=$((failures + 1)); else echo "ok: the password is never printed"; fi

# A revision that fails half-way leaves the database exactly at the previous revision.
fresh migc_cli_failing
out=$("$failing" --url "$server dbname=migc_cli_failing" upgrade head 2>&1); status=$?
check_status "a failing revision exits 1" 1 $status
check "the error names revision, file, line and SQLSTATE" "error: revision 002 (tests/chains/failing/002_breaks.mig:6): 22012 division by zero" "$out"
check "the error shows the statement" "statement: insert into keeper values (1 / 0)" "$out"
check "the database stays at the previous revision" "001" "$("$failing" --url "$server dbname=migc_cli_failing" current 2>&1)"
check "the failed revision's first statement was rolled back" "" "$(sql migc_cli_failing "SELECT to_regclass('half_done')")"

# Two migrators at once: the advisory lock serialises them, and every revision runs once.
fresh migc_cli_race
DATABASE_URL="$server dbname=migc_cli_race" "$migrate" upgrade head >/tmp/migc_race_1.$$ 2>&1 &
DATABASE_URL="$server dbname=migc_cli_race" "$migrate" upgrade head >/tmp/migc_race_2.$$ 2>&1 &
wait %1; first=$?
wait %2; second=$?
check_status "the first racing migrator succeeds" 0 $first
check_status "the second racing migrator succeeds" 0 $second
check "each revision ran exactly once" "5" "$(sql migc_cli_race "SELECT count(*) FROM migc_history WHERE operation = 'upgrade'")"
rm -f /tmp/migc_race_1.$$ /tmp/migc_race_2.$$

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
