#!/usr/bin/env bash
# --ephemeral and `migc throwaway-postgres`, one implementation: a server that only the invoking
# account can reach, on the socket it was given whatever PGPORT says, and gone on every way out:
# a normal end, an error, SIGTERM, Ctrl-C, SIGKILL, an owner that dies without `stop`; and a
# stop that fails is reported.
# usage: ephemeral_test.sh <smartem-migrate> <hundred-migrate> <migc>
set -u
migrate=$1
hundred=$2
migc=$3
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"
same() {  # same <description> <expected> <actual>
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
fail() { echo "FAILED: $1"; failures=$((failures + 1)); }

# gone <description> <directory>: once the keeper has had its chance (waited for, not timed),
# neither the directory nor a server on it is left.
gone() {
  [ -n "$2" ] || { fail "$1: no directory was named"; return; }
  for _ in $(seq 600); do
    [ -e "$2" ] || pgrep -f -- "$2/data" >/dev/null || break
    sleep 0.1
  done
  if [ -e "$2" ]; then fail "$1: $2 is still there"; else echo "ok: $1: its directory is gone"; fi
  if pgrep -f -- "$2/data" >/dev/null; then fail "$1: a server still runs on $2"; else echo "ok: $1: no server is left"; fi
}

# reachable_only_by_us <description> <socket directory>: the invoking account gets in as the
# superuser; no other account reaches the socket, and the server's own may not use it as postgres.
reachable_only_by_us() {
  local conninfo="host=$2 port=5432 user=postgres dbname=postgres"
  same "$1: the invoking account connects as postgres" "1" "$("$bindir/psql" "$conninfo" -XAtc "SELECT 1" 2>&1)"
  if [ "$(id -u)" -eq 0 ]; then
    same "$1: run by root, the server runs as postgres in a 0700 directory of its own" "700 postgres" "$(stat -c '%a %U' "$2")"
    check "$1: another local account cannot reach the socket" "Permission denied" \
      "$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$bindir/psql" "$conninfo" -XAtc "SELECT 1" 2>&1)"
    check "$1: the server's own account is not let in as postgres" 'Peer authentication failed for user "postgres"' \
      "$(setpriv --reuid=postgres --regid=postgres --init-groups "$bindir/psql" "$conninfo" -XAtc "SELECT 1" 2>&1)"
  else
    same "$1: the server runs as us in a 0700 directory" "700 $(id -un)" "$(stat -c '%a %U' "$2")"
  fi
  check "$1: any other role needs a password" "no password supplied" \
    "$("$bindir/psql" "host=$2 port=5432 user=migc_nobody_else dbname=postgres" -XAtc "SELECT 1" 2>&1)"
}

# migc throwaway-postgres: the tests' server, started with PGPORT and PGHOST pointing elsewhere.
# Run as CTest runs it, not inside $( ): the server lasts as long as the process that ran `start`.
state="$work/a/conninfo"
PGPORT=6543 PGHOST=/nonexistent "$migc" throwaway-postgres start "$state" >"$work/start.out" 2>&1; status=$?
check_status "throwaway-postgres start" 0 $status
dir=$(head -n 1 "$state.server")
keeper=$(tail -n 1 "$state.server")
same "its conninfo names port 5432, not PGPORT's" "host=$dir hostaddr='' port=5432 user=postgres dbname=postgres" "$(cat "$state")"
if [ -S "$dir/.s.PGSQL.5432" ]; then echo "ok: the server listens on port 5432's socket"; else fail "no socket for port 5432 in $dir"; fi
same "nothing listens on TCP" "" "$("$bindir/psql" "$(cat "$state")" -XAtc "SELECT inet_server_port()" 2>&1)"
reachable_only_by_us "throwaway-postgres" "$dir"
out=$("$migc" throwaway-postgres stop "$state" 2>&1); status=$?
check_status "throwaway-postgres stop" 0 $status
check "and says how long it took" "migc: the throwaway server in $dir is gone (stopped in" "$out"
gone "throwaway-postgres stop" "$dir"
same "its keeper is gone" "" "$(ps -o stat= -p "$keeper" | grep -v '^Z')"

# A stop that fails is reported, and the directory goes all the same.
"$migc" throwaway-postgres start "$state" >/dev/null 2>&1
dir=$(head -n 1 "$state.server")
postmaster=$(head -n 1 "$dir/data/postmaster.pid")
kill -KILL "$postmaster"
out=$("$migc" throwaway-postgres stop "$state" 2>&1); status=$?
check_status "a stop that fails exits 2" 2 $status
check "and says so" "error: the throwaway server in $dir did not stop cleanly (stopped in" "$out"
check "and what failed" "): pg_ctl stop failed" "$out"
gone "a failed stop" "$dir"

# Its owner (CTest, a script) dies without `stop`: the keeper stops the server.
bash -c '"$1" throwaway-postgres start "$2" >/dev/null 2>&1; kill -KILL $$' owner "$migc" "$work/b/conninfo"
gone "an owner killed by SIGKILL" "$(head -n 1 "$work/b/conninfo.server")"

# --ephemeral, with PGPORT and PGHOST pointing elsewhere.
out=$(env -u DATABASE_URL PGPORT=6543 PGHOST=/nonexistent "$migrate" --ephemeral upgrade 2>&1); status=$?
check_status "--ephemeral upgrade" 0 $status
check "--ephemeral upgrades to head" "now at 004 (head)" "$out"
dir=$(sed -n 's/.*started a throwaway PostgreSQL [0-9]* on \(.*\); it is deleted when this command ends$/\1/p' <<<"$out")
check "it names the server it started" "database \`postgres\` as user \`postgres\` via socket in $dir at port 5432" "$out"
gone "--ephemeral, ending normally" "$dir"
out=$(env -u DATABASE_URL "$migrate" --ephemeral upgrade nope 2>&1); status=$?
check_status "--ephemeral, ending in an error" 5 $status
gone "--ephemeral, ending in an error" "$(sed -n 's/.*started a throwaway PostgreSQL [0-9]* on \(.*\); it is deleted.*/\1/p' <<<"$out")"

# --ephemeral interrupted. The migrator is caught while it runs (stopped once its server is up;
# tried again should it have finished first), then sent the signal; SIGINT goes to its process
# group, as Ctrl-C does.
for signal in TERM INT KILL; do
  caught=""
  for _ in 1 2 3 4 5; do
    : >"$work/output"
    env -u DATABASE_URL setsid "$hundred" --ephemeral upgrade >"$work/output" 2>&1 &
    pid=$!
    for _ in $(seq 600); do
      grep -q "started a throwaway" "$work/output" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    # SIGSTOP takes effect after kill returns: wait for the stop (or the end) before judging,
    # or `wait` below would wait on a stopped process for ever.
    kill -STOP "$pid" 2>/dev/null
    state=""
    for _ in $(seq 200); do
      state=$(ps -o stat= -p "$pid")
      [[ -z "$state" || "$state" == T* || "$state" == Z* ]] && break
      sleep 0.05
    done
    if [[ "$state" == T* ]]; then caught=yes; break; fi
    kill -CONT "$pid" 2>/dev/null
    wait "$pid"
  done
  if [ -z "$caught" ]; then fail "--ephemeral never caught running, for SIG$signal"; continue; fi
  dir=$(sed -n 's/.*started a throwaway PostgreSQL [0-9]* on \(.*\); it is deleted.*/\1/p' "$work/output")
  reachable_only_by_us "--ephemeral, while it runs" "$dir"
  if [ "$signal" = INT ]; then kill -INT -- "-$pid"; else kill "-$signal" "$pid"; fi
  kill -CONT "$pid" 2>/dev/null
  wait "$pid"
  gone "--ephemeral ended by SIG$signal" "$dir"
done

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
