#!/usr/bin/env bash
# Interrupted at any point: a chain is upgraded and downgraded while the migrator is killed
# (SIGKILL), interrupted (SIGINT, SIGTERM), its connection terminated by the server, or the
# server restarted (immediate shutdown), at a random moment of the whole run. After every
# interruption the database is judged without the migrator's help:
#   - the version table records a prefix of the chain (a revision and all before it), its rows
#     agree with the history table, and alembic_version (when there is one) names its head;
#   - pg_dump of the database (schema and data, version tables and sequence positions aside)
#     equals the dump of a database a clean run took to that revision;
#   - the only index allowed to differ is the one of the next revision's interrupted
#     `concurrently` step (built, INVALID or dropped before the revision was recorded), and
#     the 1,000 rows of a table the chain does not touch are there.
# After each phase, running again must complete, and the result equal a clean run's.
#
# The test runs its own server (a restart would disturb other tests).
# usage: crash_test.sh <migc> <migrator> <interruptions per kind and phase> [--alembic <revision>] [--seed <n>]
set -u
migc=$1
migrate=$2
wanted=$3
shift 3
alembic_at=""
seed=$(date +%s)
while [ $# -gt 0 ]; do
  case $1 in
    --alembic) alembic_at=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
RANDOM=$seed
echo "seed $seed (rerun with: crash_test.sh $migc $migrate $wanted ${alembic_at:+--alembic $alembic_at }--seed $seed)"

failures=0
interruptions=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d)
state=$work/server
cleanup() { "$migc" throwaway-postgres stop "$state" >/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$migc" throwaway-postgres start "$state" >/dev/null || { echo "FAILED: no server"; exit 1; }
server=$(cat "$state")
datadir=$(head -n 1 "$state.server")/data
psql_real() { psql -XAtq "$@"; }
sql() { psql_real "$server dbname=$1" -c "$2"; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }

# Chain order, from the migrator itself (history is newest first).
mapfile -t chain < <("$migrate" history | sed -E 's/^.* -> ([^ ,]+).*/\1/' | tac)
echo "chain of ${#chain[@]} revisions: ${chain[0]} .. ${chain[-1]}"
position() {  # index of a revision in the chain, or -1 for base
  local i
  for i in "${!chain[@]}"; do [ "${chain[$i]}" = "$1" ] && { echo "$i"; return; }; done
  echo -1
}

dump() {
  "$bindir/pg_dump" --no-owner --no-privileges --exclude-table='migc_*' --exclude-table=alembic_version \
    --exclude-schema=app "$server dbname=$1" | grep -v -E '^--|^\\(un)?restrict|pg_catalog\.setval|^$'
}

# Databases are copied from templates with FILE_COPY: its checkpoint makes the copy's sequences
# log their next value, as they do in any database but one copied a moment before a crash
# (with the default WAL_LOG strategy the copy's sequences can go back after an immediate restart).
copy() {
  local out
  out=$(sql postgres "CREATE DATABASE $1 TEMPLATE $2 STRATEGY FILE_COPY" 2>&1) || fail "copying $2: $out"
}

# Templates: the starting points, and the clean dump at every revision (made when first needed).
sql postgres "CREATE DATABASE crash_base" >/dev/null
sql crash_base "CREATE SCHEMA app; CREATE TABLE app.user_data (id integer PRIMARY KEY, note text);
                INSERT INTO app.user_data SELECT g, 'row ' || g FROM generate_series(1, 1000) g" >/dev/null
start_template=crash_base
if [ -n "$alembic_at" ]; then
  # A database Alembic left at $alembic_at: the schema, and alembic_version, but no migc tables.
  copy crash_alembic crash_base
  "$migrate" --url "$server dbname=crash_alembic" upgrade "$alembic_at" >/dev/null 2>&1 || { echo "FAILED: setup"; exit 1; }
  sql crash_alembic "DROP TABLE migc_version, migc_history;
                     CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
                     INSERT INTO alembic_version VALUES ('$alembic_at')" >/dev/null
  start_template=crash_alembic
fi
copy crash_head $start_template
"$migrate" --url "$server dbname=crash_head" upgrade head >/dev/null 2>&1 || { echo "FAILED: setup"; exit 1; }

declare -A reference
ensure_reference() {  # ensure_reference <phase> <position>: the dump of a clean run from the phase's start to it
  local key="$1:$2" db=crash_ref out
  [ -n "${reference[$key]+x}" ] && return
  sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  if [ "$1" = upgrade ]; then
    copy $db $start_template
    if [ "$2" -ge 0 ]; then out=$("$migrate" --url "$server dbname=$db" upgrade "${chain[$2]}" 2>&1); fi
  else
    copy $db crash_head
    if [ "$2" -ge 0 ]; then
      out=$("$migrate" --url "$server dbname=$db" downgrade "${chain[$2]}" 2>&1)
    else
      out=$("$migrate" --url "$server dbname=$db" downgrade base 2>&1)
    fi
  fi
  [ $? -ne 0 ] && fail "the clean run to ${chain[$2]:-base} failed: $out"
  reference[$key]=$(dump $db)
}


# The recorded revision, judged from the tables alone: its position goes to `recorded`.
recorded_position() {  # recorded_position <db> <what>
  local db=$1 what=$2 rows count top
  if [ "$(sql $db "SELECT to_regclass('migc_version') IS NOT NULL")" = f ]; then
    # Not adopted yet, or never run: alembic_version (or nothing) says where it is.
    recorded=-1
    [ -n "$alembic_at" ] && recorded=$(position "$(sql $db "SELECT version_num FROM alembic_version")")
    return
  fi
  rows=$(sql $db "SELECT revision FROM migc_version")
  count=$(grep -c . <<<"$rows")
  top=-1
  while read -r id; do
    [ -z "$id" ] && continue
    local p
    p=$(position "$id")
    [ "$p" -lt 0 ] && fail "$what: unknown revision $id recorded"
    [ "$p" -gt "$top" ] && top=$p
  done <<<"$rows"
  [ $count -ne $((top + 1)) ] && fail "$what: the version table is not a prefix of the chain ($count rows, top at $top)"
  # Every recorded revision's last upgrade/downgrade in the history is an upgrade (or a stamp,
  # the adoption), and every revision whose last one is an upgrade is recorded.
  local disagree
  disagree=$(sql $db "WITH last AS (SELECT DISTINCT ON (revision) revision, operation FROM migc_history ORDER BY revision, id DESC)
      SELECT count(*) FROM last FULL JOIN migc_version v USING (revision)
      WHERE (v.revision IS NULL) <> (last.operation = 'downgrade')")
  [ "$disagree" != 0 ] && fail "$what: migc_version and migc_history disagree on $disagree revision(s)"
  if [ -n "$alembic_at" ]; then
    local head=""
    [ $top -ge 0 ] && head=${chain[$top]}
    [ "$(sql $db "SELECT coalesce(string_agg(version_num, ','), '') FROM alembic_version")" != "$head" ] &&
      fail "$what: alembic_version does not name the recorded head $head"
  fi
  recorded=$top
}

judge() {  # judge <db> <phase> <what>; the recorded position goes to `recorded`
  local db=$1 phase=$2 what=$3 at
  recorded_position $db "$what"
  at=$recorded
  # A `concurrently` step runs outside the revision's transaction: interrupted, it may leave the
  # next revision's index built (VALID or INVALID) or already dropped while that revision is not
  # recorded. The next run takes the index as it finds it (checks a VALID one is the plan's,
  # builds an INVALID one again, skips a drop already done); only that index (and its comment,
  # set in the revision's transaction) is left out of the comparison, and the completed run
  # below is compared whole.
  local next concurrent="" invalid
  next=$([ "$phase" = upgrade ] && echo $((at + 1)) || echo "$at")
  if [ "$next" -ge 0 ] && [ "$next" -lt ${#chain[@]} ]; then
    concurrent=$("$migrate" show "${chain[$next]}" | sed -n -E 's/^(CREATE|DROP) (UNIQUE )?INDEX CONCURRENTLY ([a-z_0-9]+).*/\3/p' | sort -u)
  fi
  invalid=$(sql $db "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid")
  local name
  for name in $invalid; do
    grep -qx "$name" <<<"$concurrent" || fail "$what: INVALID index $name, not one of the next revision's concurrent build"
  done
  without_concurrent() {
    local text
    text=$(cat)
    for name in $concurrent; do text=$(grep -v -E "INDEX $name ON|COMMENT ON INDEX ([a-z_0-9]+\.)?$name IS" <<<"$text"); done
    printf '%s' "$text"
  }
  local live
  live=$(dump $db | without_concurrent)
  ensure_reference "$phase" "$at"
  if [ "$live" != "$(without_concurrent <<<"${reference[$phase:$at]}")" ]; then
    fail "$what: the database differs from a clean run's at ${chain[$at]:-base}:"
    diff <(without_concurrent <<<"${reference[$phase:$at]}") <(printf '%s' "$live") | head -10
  fi
  [ "$(sql $db "SELECT count(*) FROM app.user_data")" = 1000 ] || fail "$what: rows of app.user_data were lost"
  recorded=$at
}

# How long a whole run takes, so that interruptions fall anywhere in it.
copy crash_timing $start_template
begin=$(date +%s%N)
"$migrate" --url "$server dbname=crash_timing" upgrade head >/dev/null 2>&1
run_ms=$(( ($(date +%s%N) - begin) / 1000000 + 20 ))
sql postgres "DROP DATABASE crash_timing" >/dev/null
echo "a whole upgrade takes about $run_ms ms"

interrupt() {  # interrupt <how> <db> <verb> <target>
  local how=$1 db=$2
  shift 2
  "$migrate" --url "$server dbname=$db application_name=migc_crash" "$@" >$work/out 2>&1 &
  local pid=$!
  local delay=$((RANDOM * 32768 + RANDOM))
  delay=$((delay % (run_ms * 12 / 10)))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  case $how in
    kill) kill -KILL $pid 2>/dev/null ;;
    int) kill -INT $pid 2>/dev/null ;;
    term) kill -TERM $pid 2>/dev/null ;;
    terminate) sql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'migc_crash'" >/dev/null ;;
    restart) as_owner "$bindir/pg_ctl" -D "$datadir" -m immediate -w restart >/dev/null 2>&1 || fail "the server did not restart" ;;
  esac
  wait $pid 2>/dev/null
  local status=$?
  interruptions=$((interruptions + 1))
  # A signal the migrator handled must end in its own report, never a crash.
  if [ "$how" = int ] || [ "$how" = term ]; then
    case $status in
      0|130|143) ;;
      *) fail "$how: exit status $status"; sed 's/^/    /' $work/out ;;
    esac
  fi
  # The server must be taking connections again before the judge looks.
  for _ in $(seq 100); do sql postgres "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
}

for phase in upgrade downgrade; do
  from=$([ $phase = upgrade ] && echo "$start_template" || echo crash_head)
  target=$([ $phase = upgrade ] && echo head || echo base)
  done_at=$([ $phase = upgrade ] && echo $((${#chain[@]} - 1)) || echo -1)
  for how in kill int term terminate restart; do
    count=0
    at=$done_at
    # Each interruption starts where the last one left the database: what it left is what the
    # next run must cope with. A finished database starts over.
    while [ $count -lt "$wanted" ]; do
      count=$((count + 1))
      if [ "$at" = "$done_at" ]; then
        sql postgres "DROP DATABASE IF EXISTS crash_work" >/dev/null 2>&1
        copy crash_work $from
      fi
      interrupt $how crash_work $phase $target
      judge crash_work $phase "$how during $phase #$count"
      at=$recorded
    done
    # Running again completes what was interrupted.
    if ! "$migrate" --url "$server dbname=crash_work" $phase $target >$work/out 2>&1; then
      fail "$phase $target did not complete after $how"; sed 's/^/    /' $work/out
    fi
    judge crash_work $phase "the completed $phase after $how"
    at=$recorded
    [ "$at" = "$done_at" ] || fail "the completed $phase after $how is at position $at"
    echo "ok: $count interruptions by $how during $phase, each judged against a clean run"
  done
done

echo "interruptions survived: $interruptions; failures: $failures"
[ $failures -eq 0 ]
