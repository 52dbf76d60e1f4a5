#!/usr/bin/env bash
# --json as a program reads it: every line of every verb parses alone with Python's JSON parser
# and has the fields docs/migrator.md documents (json_lines.py), stderr stays empty, and what
# the events say is what the database says.
# usage: json_lines_test.sh <smartem-migrate> <failing-migrate> <docs/migrator.md> <conninfo-file>
set -u
migrate=$1
failing=$2
docs=$3
server=$(cat "$4")
here=$(dirname "$0")
source "$here/checks.sh"
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

# json <verb> <exit> <expression> <migrator> <arguments>...: runs the migrator with --json, checks
# its exit status, an empty stderr and every line (json_lines.py), and sets `printed` to the
# values of <expression> for each event `e`, one a line.
json() {
  local verb=$1 expected=$2 expression=$3 program=$4 out status
  shift 4
  out=$("$program" --json "$@" 2>"$errors"); status=$?
  check_status "$verb --json exits $expected" "$expected" $status
  if [ -s "$errors" ]; then
    echo "FAILED: $verb --json wrote to stderr:"; sed 's/^/    /' "$errors"; failures=$((failures + 1))
  fi
  if printed=$(printf '%s\n' "$out" | python3 "$here/json_lines.py" "$docs" "$verb" "$expected" --print "$expression"); then
    echo "ok: every line of $verb --json parses and is a documented event"
  else
    echo "$printed"; printed=""; failures=$((failures + 1))
  fi
}
one_line() { tr '\n' ' ' <<<"$printed" | sed 's/ $//'; }
summary='" ".join(str(e[k]) for k in ("event", "revision", "line", "sqlstate", "rolled_back", "exit") if k in e)'
result_only() { echo "$1 if e['event'] == 'result' else None"; }

fresh migc_json >/dev/null
export DATABASE_URL="$server dbname=migc_json"
recorded() { sql migc_json "SELECT string_agg(revision, ' ' ORDER BY id) FROM migc_history WHERE operation = '$1'"; }

json upgrade 0 "$summary" "$migrate" upgrade 002
check "upgrade streams its start, each revision's start and finish, and the result, in order" \
  "migration_started revision_started 001 revision_finished 001 revision_started 6e6302f1ccb6 revision_finished 6e6302f1ccb6 revision_started 002 revision_finished 002 result 0" \
  "$(one_line)"
check "the revisions it reports finished are those the database's history records, in order" \
  "$(recorded upgrade)" "$(grep '^revision_finished' <<<"$printed" | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')"
json upgrade 0 "$(result_only '" ".join(e["from"]) + " -> " + " ".join(e["to"])')" "$migrate" upgrade head
check "the result's to is the head the database records" \
  "002 -> $(sql migc_json "SELECT revision FROM migc_version WHERE revision NOT IN ('001', '6e6302f1ccb6', '002', '003')")" "$printed"

sql migc_json "TRUNCATE migc_history"
json downgrade 0 "$summary" "$migrate" downgrade 002
check "downgrade streams the revisions it reverts, newest first" \
  "migration_started revision_started 004 revision_finished 004 revision_started 003 revision_finished 003 result 0" "$(one_line)"
check "as the database's history has them" "004 003" "$(recorded downgrade)"

json downgrade 0 "$(result_only '" ".join(e["to"]) + " rehearsed to " + " ".join(e["rehearsed_to"])')" "$migrate" downgrade base --rehearse
check "a rehearsal's result: still at 002, rehearsed down to base" "002 rehearsed to " "$printed"
check "and the database is at 002" "001 002 6e6302f1ccb6" "$(sql migc_json "SELECT string_agg(revision, ' ' ORDER BY revision) FROM migc_version")"

json current 0 "$(result_only '" ".join(sorted(r["revision"] for r in e["applied"])) + " | " + " ".join(e["heads"])')" "$migrate" current
check "current lists what migc_version holds, and the head" \
  "$(sql migc_json "SELECT string_agg(revision, ' ' ORDER BY revision) FROM migc_version") | 002" "$printed"

json history 0 "$(result_only '" ".join(r["revision"] + (":head" if r["head"] else "") for r in e["revisions"])')" "$migrate" history
check "history lists the chain newest first, as its revision files name it" "004:head 003 002 6e6302f1ccb6 001" "$printed"

json check 0 "$(result_only 'e["drift"]')" "$migrate" check
check "check on an untouched database: no drift" "False" "$printed"
sql migc_json "DROP INDEX idx_gridsquare_acquisition_datetime_status"
json check 7 "$(result_only '"\n".join(e["missing"])')" "$migrate" check
check "check names a dropped index as missing, exit 7" "index CREATE INDEX idx_gridsquare_acquisition_datetime_status ON gridsquare" "$printed"

json "upgrade --sql" 0 'e.get("sql")' "$migrate" upgrade head --sql
if [ -n "$printed" ] && [ "$(env -u DATABASE_URL "$migrate" upgrade head --sql)" = "$printed" ]; then
  echo "ok: upgrade --sql --json holds the script upgrade --sql prints"
else
  echo "FAILED: the script in --json differs from upgrade --sql's"; failures=$((failures + 1))
fi

sql migc_json "UPDATE migc_version SET checksum = 'edited' WHERE revision = '001'"
json upgrade 0 'e["event"] + ": " + e["message"].splitlines()[0] if e["event"] == "warning" else None' \
  "$migrate" upgrade head --ignore-checksums
check "a warning is an event on stdout" "warning: applied revisions were edited" "$printed"

# A failing revision: its start, its failure with the server's error, then the error.
fresh migc_json_failing >/dev/null
json upgrade 1 "$summary" "$failing" --url "$server dbname=migc_json_failing" upgrade head
check "a failing revision streams its start, its failure with line and SQLSTATE, and the error" \
  "migration_started revision_started 001 revision_finished 001 revision_started 002 revision_failed 002 7 22012 revision error 1" \
  "$(one_line)"
check "and the revision it names was rolled back" "001" "$(sql migc_json_failing "SELECT string_agg(revision, ' ') FROM migc_version")"

# Text that is not UTF-8 (a target typed in Latin-1) shows as U+FFFD: still one line of JSON.
json show 5 'e.get("message")' "$migrate" show $'caf\xe9'
check "bytes that are not UTF-8 come out as U+FFFD" "no revision \`caf"$'\xef\xbf\xbd'"\` in this plan" "$printed"
json upgrade 2 'e.get("message")' "$migrate" upgrade --no-such-option
check "a command line that does not parse is an error line too" "--no-such-option" "$printed"

# Another migrator holds the lock: a lock_wait event after a second, then the error (exit 4).
psql "$DATABASE_URL application_name=json_lock_holder" -Xq -c "SELECT pg_advisory_lock(7883946299189129059)" \
  -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 300); do
  [ "$(sql migc_json "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" != 0 ] && break
  sleep 0.1
done
json upgrade 4 'e["event"] + " " + e.get("holder", "")' "$migrate" --lock-wait 3 upgrade head
check "waiting for the lock is an event naming the holder" "lock_wait pid " "$printed"
check "with its application name" "json_lock_holder" "$printed"
sql migc_json "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'json_lock_holder'" >/dev/null
wait $holder

sql postgres "DROP DATABASE IF EXISTS migc_json" >/dev/null
sql postgres "DROP DATABASE IF EXISTS migc_json_failing" >/dev/null
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
