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
