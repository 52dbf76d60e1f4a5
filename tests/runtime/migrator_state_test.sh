#!/usr/bin/env bash
# What the migrator does when it is interrupted, when the database was migrated by Alembic,
# and when its version table is not what it wrote; judged by the catalog and the tables.
# usage: migrator_state_test.sh <smartem-migrate> <every_operation-migrate> <conninfo-file>
set -u
migrate=$1
every=$2
server=$(cat "$3")
source "$(dirname "$0")/checks.sh"
# The answer of a query once it settles on `expected` (a backend that lost its client takes a
# moment to go), or the last answer after five seconds.
settled() {  # settled <db> <expected> <query>
  local answer
  for _ in $(seq 50); do
    answer=$(sql "$1" "$3")
    [ "$answer" = "$2" ] && break
    sleep 0.1
  done
  echo "$answer"
}
# Another session holds a lock for a while (its statement, then seconds); `holder` is its pid.
# Returns once it holds it (it sleeps), however loaded the machine.
hold() {
  psql "$1" -Xq -c "BEGIN; $2; SELECT pg_sleep($3); COMMIT;" >/dev/null 2>&1 &
  holder=$!
  wait_for_sleeper "$1"
}
# Waits until a backend of `application` waits for a lock in database $1.
wait_for_lock_wait() {
  for _ in $(seq 100); do
    [ "$(sql "$1" "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND wait_event_type = 'Lock' AND application_name = '$2'")" != 0 ] && return 0
    sleep 0.1
  done
  echo "FAILED: no backend of $2 ever waited for a lock"; failures=$((failures + 1))
}

# --- SIGINT and SIGTERM: the statement is cancelled, the revision rolled back, the lock released.
for signal in INT TERM; do
  db=migc_state_signal_$(tr A-Z a-z <<<"$signal")
  fresh $db
  url="$server dbname=$db application_name=migc_state_migrator"
  "$migrate" --url "$url" upgrade 6e6302f1ccb6 >/dev/null 2>&1
  # A long transaction holds the table revision 002 indexes: the migrator queues behind it.
  hold "$server dbname=$db" "LOCK TABLE gridsquare IN ACCESS EXCLUSIVE MODE" 30
  "$migrate" --url "$url" --lock-timeout 60s upgrade head >/tmp/migc_state_$signal.$$ 2>&1 &
  pid=$!
  wait_for_lock_wait $db migc_state_migrator
  kill -$signal $pid
  wait $pid; status=$?
  out=$(cat /tmp/migc_state_$signal.$$)
  expected=$([ $signal = INT ] && echo 130 || echo 143)
  check_status "SIG$signal during a revision exits $expected" "$expected" $status
  check "SIG$signal: it says what happened and where the database is" "interrupted by SIG$signal: the upgrade of revision 002 was cancelled and rolled back; the database is at 6e6302f1ccb6" "$out"
  check "SIG$signal: no backend of the migrator is left" "0" "$(settled $db 0 "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migc_state_migrator'")"
  check "SIG$signal: the migration lock is free" "0" "$(settled $db 0 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")"
  check "SIG$signal: nothing of revision 002 is left" "0" "$(sql $db "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_gridsquare_acquisition_datetime_status'")"
  check "SIG$signal: the version table is where it was" "6e6302f1ccb6" "$("$migrate" --url "$url" current 2>&1)"
  kill $holder 2>/dev/null; wait $holder 2>/dev/null
  sql $db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
  check "SIG$signal: running again completes" "now at 004 (head)" "$("$migrate" --url "$url" upgrade head 2>&1)"
  rm -f /tmp/migc_state_$signal.$$
done

# While a migration runs, `current` says so and `check` waits for it.
db=migc_state_inflight
fresh $db
url="$server dbname=$db"
"$migrate" --url "$url" upgrade 6e6302f1ccb6 >/dev/null 2>&1
hold "$url" "LOCK TABLE gridsquare IN ACCESS EXCLUSIVE MODE" 3
"$migrate" --url "$url application_name=migc_state_migrator" --lock-timeout 60s upgrade head >/dev/null 2>&1 &
pid=$!
wait_for_lock_wait $db migc_state_migrator
check "current during a migration says one is running" "a migrator is running on this database now (pid" "$("$migrate" --url "$url" current 2>&1)"
out=$("$migrate" --url "$url" check 2>&1); status=$?
check "check during a migration waits for it" "check waits for it" "$out"
check_status "and then finds no drift" 0 $status
check "at the revision the migration reached" "matches the schema of revision 004 (head)" "$out"
wait $pid; wait $holder

# --- A concurrent index build obeys the lock timeout (without one it would wait 20 s and succeed).
db=migc_state_concurrent_timeout
fresh $db
url="$server dbname=$db"
"$every" --url "$url" upgrade 007 >/dev/null 2>&1
hold "$url" "LOCK TABLE acquisition_session IN SHARE ROW EXCLUSIVE MODE" 20
out=$("$every" --url "$url" --lock-timeout 1s --retries 0 upgrade 008 2>&1); status=$?
check_status "a concurrent index build gives up at its lock timeout" 1 $status
check "with the lock timeout named" "55P03 canceling statement due to lock timeout" "$out"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
sql $db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
check "the next run builds it" "now at 008" "$("$every" --url "$url" upgrade 008 2>&1)"
check "valid" "t" "$(sql $db "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_session_operator'::regclass")"

# --- Alembic adoption: all or nothing.
alembic() {  # a database Alembic left at revision $2
  fresh $1
  "$migrate" --url "$server dbname=$1" upgrade 002 >/dev/null 2>&1
  sql $1 "DROP TABLE migc_version; DROP TABLE migc_history; CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('$2')"
}
alembic migc_state_alembic 002
url="$server dbname=migc_state_alembic"
check "current before adoption reads alembic_version" "002" "$("$migrate" --url "$url" current 2>&1)"
check "current -v says so" "Applied: by Alembic (not yet adopted by migc)" "$("$migrate" --url "$url" current -v 2>&1)"
check "history -i marks Alembic's revision" "6e6302f1ccb6 -> 002 (current)" "$("$migrate" --url "$url" history -i 2>&1)"
out=$("$migrate" --url "$url" check 2>&1); status=$?
check_status "check before adoption compares with Alembic's revision" 0 $status
check "and finds no drift" "matches the schema of revision 002" "$out"
out=$("$migrate" --url "$url" stamp nope 2>&1); status=$?
check_status "a stamp typo is refused" 5 $status
check "and creates nothing" "" "$(sql migc_state_alembic "SELECT to_regclass('migc_version')")"
out=$("$migrate" --url "$url" upgrade --rehearse 2>&1); status=$?
check_status "a rehearsal on an Alembic database succeeds" 0 $status
check "and says it rolled back" "all of it was rolled back" "$out"
check "leaving no version tables" "" "$(sql migc_state_alembic "SELECT to_regclass('migc_version')")"
check "and alembic_version as it was" "002" "$(sql migc_state_alembic "SELECT version_num FROM alembic_version")"

alembic migc_state_alembic_unknown 002
sql migc_state_alembic_unknown "UPDATE alembic_version SET version_num = 'ffffffffffff'"
url="$server dbname=migc_state_alembic_unknown"
for attempt in first second; do
  out=$("$migrate" --url "$url" upgrade head 2>&1); status=$?
  check_status "an unknown Alembic revision is refused ($attempt run)" 5 $status
  check "and named ($attempt run)" 'alembic_version records revision `ffffffffffff`' "$out"
  check "leaving no version tables ($attempt run)" "" "$(sql migc_state_alembic_unknown "SELECT to_regclass('migc_version')")"
done
check "the schema is untouched" "0" "$(sql migc_state_alembic_unknown "SELECT count(*) FROM pg_tables WHERE tablename = 'agentsession'")"

# Ids longer than Alembic's varchar(32) (here: a narrower column) widen it.
alembic migc_state_alembic_narrow 002
url="$server dbname=migc_state_alembic_narrow"
sql migc_state_alembic_narrow "DELETE FROM alembic_version; ALTER TABLE alembic_version ALTER COLUMN version_num TYPE varchar(3); INSERT INTO alembic_version VALUES ('002')"
out=$("$migrate" --url "$url" upgrade head 2>&1); status=$?
check_status "alembic_version too narrow for the plan's ids is widened" 0 $status
check "it records the head" "004" "$(sql migc_state_alembic_narrow "SELECT version_num FROM alembic_version")"
"$migrate" --url "$url" downgrade 6e6302f1ccb6 >/dev/null 2>&1
check "and the long ids" "6e6302f1ccb6" "$(sql migc_state_alembic_narrow "SELECT version_num FROM alembic_version")"

# --- The version table is never trusted blindly.
db=migc_state_version
fresh $db
url="$server dbname=$db"
"$migrate" --url "$url" upgrade head >/dev/null 2>&1
sql $db "UPDATE migc_version SET duration_ms = 1e-310 WHERE revision = '001'"
out=$("$migrate" --url "$url" current -v 2>&1); status=$?
check_status "a denormal duration does not abort current" 0 $status
sql $db "ALTER TABLE migc_version ALTER COLUMN duration_ms TYPE numeric; UPDATE migc_version SET duration_ms = 1e400 WHERE revision = '001'"
for verb in current check; do
  out=$("$migrate" --url "$url" $verb 2>&1); status=$?
  check_status "a duration of 1e400 does not abort $verb" 0 $status
done
out=$("$migrate" --url "$url" upgrade head 2>&1); status=$?
check_status "nor upgrade" 0 $status
# A renamed row with its checksum unchanged is not "at head".
sql $db "UPDATE migc_version SET revision = '005' WHERE revision = '004'"
out=$("$migrate" --url "$url" upgrade head 2>&1); status=$?
check_status "a renamed version row is refused" 5 $status
check "and named" 'records revision `005`' "$out"
# A version table of another shape: one clear line.
sql $db "DROP TABLE migc_version; CREATE TABLE migc_version (id integer)"
for verb in current "upgrade head" check; do
  out=$("$migrate" --url "$url" $verb 2>&1); status=$?
  check_status "a foreign version table: $verb exits 5" 5 $status
  check "a foreign version table: $verb says so" "the version table migc_version is not one a migc migrator made" "$out"
done
# A version table of an older migrator is brought up to date.
fresh $db
"$migrate" --url "$url" upgrade 002 >/dev/null 2>&1
sql $db "ALTER TABLE migc_version DROP COLUMN entry_bits, ADD COLUMN checksum_bits bigint GENERATED ALWAYS AS (('x0' || substr(checksum, 1, 15))::bit(64)::bigint) STORED"
check "an older version table is upgraded" "now at 004 (head)" "$("$migrate" --url "$url" upgrade head 2>&1)"
check "the start-up check then takes the fast path" "is at 004 (head); nothing to do" "$("$migrate" --url "$url" upgrade head 2>&1)"

# --- What a hostile review found, each kept from coming back.
socket=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server")

# SIGINT in the pause before a retry stops the run; it does not try again and succeed.
db=migc_state_retry_signal
fresh $db
url="$server dbname=$db"
"$migrate" --url "$url" upgrade 6e6302f1ccb6 >/dev/null 2>&1
hold "$url" "LOCK TABLE gridsquare IN ACCESS EXCLUSIVE MODE" 4
"$migrate" --url "$url" --lock-timeout 300ms --retries 5 upgrade 002 >/tmp/migc_state_retry.$$ 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid; status=$?
wait $holder
check_status "SIGINT between lock retries exits 130" 130 $status
check "and stops there" "interrupted by SIGINT" "$(cat /tmp/migc_state_retry.$$)"
check "nothing was applied, even once the lock was free" "6e6302f1ccb6" "$("$migrate" --url "$url" current 2>&1)"
rm -f /tmp/migc_state_retry.$$

# A stamp of an Alembic database is one transaction with the version tables: interrupted, it
# leaves the database as Alembic left it; behind a lock it gives up at the lock timeout.
alembic migc_state_alembic_stamp 002
url="$server dbname=migc_state_alembic_stamp"
hold "$url" "LOCK TABLE alembic_version IN EXCLUSIVE MODE" 10
"$migrate" --url "$url application_name=migc_state_stamp" stamp 002 >/dev/null 2>&1 &
pid=$!
# Killed once it waits for the lock, not after a fixed pause a loaded machine may outlast.
wait_for_lock_wait migc_state_alembic_stamp migc_state_stamp
kill -TERM $pid
wait $pid; status=$?
wait $holder
check_status "a stamp interrupted behind a lock exits 143" 143 $status
check "and leaves no version tables" "" "$(sql migc_state_alembic_stamp "SELECT to_regclass('migc_version')")"
check "the database still reads as Alembic's 002" "002" "$("$migrate" --url "$url" current 2>&1)"
sql migc_state_alembic_stamp "DELETE FROM alembic_version; ALTER TABLE alembic_version ALTER COLUMN version_num TYPE varchar(3); INSERT INTO alembic_version VALUES ('002')"
out=$("$migrate" --url "$url" stamp 6e6302f1ccb6 2>&1); status=$?
check_status "a stamp to a longer id than alembic_version holds widens it" 0 $status
check "and records it" "6e6302f1ccb6" "$(sql migc_state_alembic_stamp "SELECT version_num FROM alembic_version")"

# A failed concurrent drop says what it may leave; check sees an INVALID index.
db=migc_state_concurrent_drop
fresh $db
url="$server dbname=$db"
"$every" --url "$url" upgrade 008 >/dev/null 2>&1
hold "$url" "SELECT count(*) FROM acquisition_session" 5
out=$("$every" --url "$url" --lock-timeout 1s --retries 0 downgrade 007 2>&1); status=$?
wait $holder
check_status "a concurrent drop behind a reader fails" 1 $status
check "saying the index may be left INVALID, not that it was rolled back" "its index \`idx_session_operator\` may be left INVALID, and the next downgrade of it drops it again" "$out"
if [ "$(sql $db "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_session_operator'::regclass")" = f ]; then
  out=$("$every" --url "$url" check 2>&1); status=$?
  check_status "check sees the INVALID index as drift" 7 $status
  check "and names it" "(INVALID)" "$out"
fi
check "the next downgrade drops it" "now at 007" "$("$every" --url "$url" downgrade 007 2>&1)"

# Finishing a concurrent build without the right to create a scratch schema.
db=migc_state_concurrent_owner
fresh $db
sql postgres "DROP ROLE IF EXISTS migc_state_owner; CREATE ROLE migc_state_owner LOGIN PASSWORD 'owner-pw'" >/dev/null
sql $db "REVOKE CREATE ON DATABASE $db FROM PUBLIC; ALTER SCHEMA public OWNER TO migc_state_owner"
owner="postgresql://migc_state_owner:owner-pw@/$db?host=$socket"
"$every" --url "$owner" upgrade 007 >/dev/null 2>&1
sql $db "CREATE INDEX CONCURRENTLY idx_session_operator ON acquisition_session USING btree (operator_name)"
out=$("$every" --url "$owner" upgrade 008 2>&1); status=$?
check_status "a finished concurrent build is recorded without CREATE on the database" 0 $status
check "at 008" "008" "$("$every" --url "$owner" current 2>&1)"
sql postgres "DROP DATABASE $db" >/dev/null; sql postgres "DROP ROLE migc_state_owner" >/dev/null

# --ephemeral connects to its own server whatever PG* says.
out=$(env -u DATABASE_URL PGHOSTADDR=127.0.0.1 PGPORT=1 PGSERVICE=nowhere PGOPTIONS="-c search_path=elsewhere" \
      "$migrate" --ephemeral upgrade 2>&1); status=$?
check_status "--ephemeral ignores PGHOSTADDR, PGSERVICE and PGOPTIONS" 0 $status
check "and upgrades its own server" "now at 004 (head)" "$out"

# SIGTERM while --ephemeral starts its server: nothing is left behind.
private_tmp=$(mktemp -d)
for delay in 0.2 0.5 0.8 1.1 1.4; do
  TMPDIR=$private_tmp setsid bash -c "exec env -u DATABASE_URL '$migrate' --ephemeral upgrade" >/dev/null 2>&1 &
  group=$!
  sleep $delay
  kill -TERM -- -$group 2>/dev/null
  wait $group 2>/dev/null
done
left=""
for _ in $(seq 100); do
  left=$(ls "$private_tmp")
  [ -z "$left" ] && break
  sleep 0.1
done
check "SIGTERM during --ephemeral's start leaves no directory" "" "$left"
rm -rf "$private_tmp"

# Passwords that come from PG* variables and service files are never printed either.
service_file=$(mktemp)
printf '[migc_state_svc]\nhost=%s\nuser=postgres\ndbname=postgresql://u:SvcPw1234@h/db\n' "$socket" >"$service_file"
out=$(env -u DATABASE_URL PGHOST="$socket" PGUSER=postgres PGDATABASE='postgresql://u:EnvPw1234@h/db' "$migrate" current 2>&1)
if grep -q EnvPw1234 <<<"$out"; then echo "FAILED: a password in PGDATABASE was printed: $out"; failures=$((failures + 1)); else echo "ok: a password in PGDATABASE is not printed"; fi
out=$(env -u DATABASE_URL PGSERVICEFILE="$service_file" PGSERVICE=migc_state_svc "$migrate" --json current 2>&1)
if grep -q SvcPw1234 <<<"$out"; then echo "FAILED: a password in a service file was printed: $out"; failures=$((failures + 1)); else echo "ok: a password in a service file is not printed"; fi
out=$("$migrate" --url "user=postgresql://u:UserPw1234@h host=$socket dbname=postgres" --json current 2>&1)
if grep -q UserPw1234 <<<"$out"; then echo "FAILED: a URL given as the user was printed: $out"; failures=$((failures + 1)); else echo "ok: a URL given as the user is not printed"; fi
rm -f "$service_file"

# Options checked without a database too; a version table of other types.
out=$("$migrate" --lock-timeout bogus upgrade --sql 2>&1); status=$?
check_status "--lock-timeout bogus with --sql is a usage error" 2 $status
out=$("$migrate" --retries -1 history 2>&1); status=$?
check_status "--retries -1 is a usage error" 2 $status
db=migc_state_version_types
fresh $db
sql $db "CREATE TABLE migc_version (revision integer, checksum integer, applied_at timestamptz, duration_ms float8, migrator text); INSERT INTO migc_version VALUES (1, 1, now(), 1, 'x')"
out=$("$migrate" --url "$server dbname=$db" current 2>&1); status=$?
check_status "a version table of other types exits 5" 5 $status
check "and says it is not migc's" "the version table migc_version is not one a migc migrator made" "$out"

for db in $(sql postgres "SELECT datname FROM pg_database WHERE datname LIKE 'migc_state_%'"); do sql postgres "DROP DATABASE $db" >/dev/null 2>&1; done
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
