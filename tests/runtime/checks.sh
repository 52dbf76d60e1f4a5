# What the migrator's test scripts share: sourced after `server` (a conninfo) is set.
failures=0

check() {  # check <description> <expected substring> <actual>
  if grep -qaF -- "$2" <<<"$3"; then
    echo "ok: $1"
  else
    echo "FAILED: $1: expected to find [$2] in:"
    printf '%s\n' "$3" | cut -c1-400 | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}
check_status() {  # check_status <description> <expected> <actual>
  if [ "$2" -eq "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: exit status $3, expected $2"; failures=$((failures + 1)); fi
}
sql() { psql "$server dbname=$1" -XAtqc "$2"; }
fresh() { sql postgres "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1; sql postgres "CREATE DATABASE $1"; }
# Returns once a session of database <conninfo> sleeps in pg_sleep(), holding what it locked
# before: a fixed pause would not do on a loaded machine.
wait_for_sleeper() {  # wait_for_sleeper <conninfo>
  for _ in $(seq 200); do
    [ "$(psql "$1" -XAtq -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'")" != 0 ] && return 0
    sleep 0.05
  done
  echo "FAILED: no session of [$1] ever slept"; failures=$((failures + 1))
}
