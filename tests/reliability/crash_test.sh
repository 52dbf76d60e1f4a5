#!/usr/bin/env bash
# Crash at any point: a 100-revision chain is upgraded and downgraded while the migrator is
# killed (SIGKILL) or its connection is terminated by the server, at random moments. After
# every interruption: `check` finds the live schema exactly the plan's schema at the revision
# the version table records (never a half-applied revision, never a version row without its
# schema), a table the chain does not touch (in a schema of its own, which `check` leaves out)
# keeps every row, and running again completes.
#
# usage: crash_test.sh <migrator> <conninfo-file> <interruptions per phase> [seed]
set -u
migrate=$1
server=$(cat "$2")
wanted=$3
seed=${4:-$(date +%s)}
RANDOM=$seed
echo "seed $seed (rerun with: crash_test.sh ... $wanted $seed)"

psql_real() { psql -XAtq "$@"; }
db=migc_crash_$$
psql_real "$server dbname=postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url="$server dbname=$db application_name=migc_crash"
psql_real "$url" -c "CREATE SCHEMA app" -c "CREATE TABLE app.user_data (id integer PRIMARY KEY, note text)" \
                 -c "INSERT INTO app.user_data SELECT g, 'row ' || g FROM generate_series(1, 1000) g"

failures=0
interruptions=0
verify() {  # after an interruption: schema == plan at the recorded revision; user data intact
  local what=$1 out
  out=$("$migrate" --url "$url" check 2>&1)
  if [ $? -ne 0 ]; then
    echo "FAILED after $what: the schema does not match the recorded revision:"; echo "$out" | head -20
    failures=$((failures + 1))
  fi
  if [ "$(psql_real "$url" -c "SELECT count(*) FROM app.user_data")" != "1000" ]; then
    echo "FAILED after $what: rows of user_data were lost"; failures=$((failures + 1))
  fi
}

# Runs `migrate <verb>` and interrupts it after a random 0-149 ms, by `kill -9` or by
# terminating its backend; returns once the migrator has exited.
interrupt() {
  local how=$1; shift
  "$migrate" --url "$url" "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "0.$(printf '%03d' $((RANDOM % 150)))"
  if [ "$how" = kill ]; then
    kill -9 $pid 2>/dev/null
  else
    psql_real "$server dbname=postgres" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'migc_crash' AND datname = '$db'" >/dev/null
  fi
  wait $pid 2>/dev/null
  interruptions=$((interruptions + 1))
}

at() { "$migrate" --url "$url" current 2>/dev/null; }

for how in kill terminate; do
  for phase in upgrade downgrade; do
    count=0
    while [ $count -lt "$wanted" ]; do
      if [ $phase = upgrade ]; then
        [ "$(at)" = "r00100 (head)" ] && "$migrate" --url "$url" downgrade base >/dev/null 2>&1
        interrupt $how upgrade head
      else
        [ "$(at)" = "base" ] && "$migrate" --url "$url" upgrade head >/dev/null 2>&1
        interrupt $how downgrade base
      fi
      count=$((count + 1))
      verify "$how during $phase #$count (at $(at))"
    done
    # Running again completes what was interrupted.
    target=$([ $phase = upgrade ] && echo "head" || echo "base")
    if ! "$migrate" --url "$url" $phase $target >/dev/null 2>&1; then
      echo "FAILED: $phase $target did not complete after the interruptions"; failures=$((failures + 1))
    fi
    verify "the completed $phase"
    echo "ok: $count interruptions by $how during $phase; each time the schema matched the recorded revision"
  done
done

psql_real "$server dbname=postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
echo "interruptions survived: $interruptions; failures: $failures"
[ $failures -eq 0 ]
