#!/usr/bin/env bash
# Races: eight migrators started together on one database, repeated: all exit 0, every
# revision is applied exactly once, and the history is intact.
# usage: race_test.sh <migrator> <conninfo-file> <repetitions> <revisions in the chain>
set -u
migrate=$1
server=$(cat "$2")
repetitions=$3
revisions=$4
failures=0
for rep in $(seq 1 "$repetitions"); do
  db=migc_race_${rep}_$$
  psql -XAtq "$server dbname=postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  pids=()
  for i in 1 2 3 4 5 6 7 8; do
    "$migrate" --url "$server dbname=$db" --lock-wait 120 upgrade head >/dev/null 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { echo "FAILED: repetition $rep: a migrator exited non-zero"; failures=$((failures + 1)); }
  done
  applied=$(psql -XAtq "$server dbname=$db" -c "SELECT count(*), count(DISTINCT revision) FROM migc_history WHERE operation = 'upgrade'")
  if [ "$applied" != "$revisions|$revisions" ]; then
    echo "FAILED: repetition $rep: upgrades recorded (total|distinct) = $applied, expected $revisions|$revisions"
    failures=$((failures + 1))
  fi
  "$migrate" --url "$server dbname=$db" check >/dev/null 2>&1 || { echo "FAILED: repetition $rep: drift"; failures=$((failures + 1)); }
  psql -XAtq "$server dbname=postgres" -c "DROP DATABASE $db" >/dev/null 2>&1
done
echo "races run: $repetitions x 8 migrators; failures: $failures"
[ $failures -eq 0 ]
