#!/usr/bin/env bash
# The migrator's verbs against the throwaway server: upgrade, downgrade, current, history,
# show, stamp, --sql, failure handling, and two migrators racing on one database.
# usage: migrator_cli_test.sh <smartem-migrate> <failing-migrate> <every_operation-migrate> <branched-migrate>
#                              <irreversible-migrate> <conninfo-file> <smartem-faults-migrate>
set -u
migrate=$1
failing=$2
every=$3
branched=$4
irreversible=$5
server=$(cat "$6")
faults=$7  # smartem-migrate with the fault hooks of test builds
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
source "$(dirname "$0")/checks.sh"

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

applied_rows="SELECT revision || ' ' || applied_at || ' ' || migrator FROM migc_version WHERE revision IN ('001', '6e6302f1ccb6') ORDER BY 1"
applied_before=$(sql migc_cli "$applied_rows")
"$migrate" stamp 004 >/dev/null 2>&1
check "stamp records a revision without running it" "004 (head)" "$("$migrate" current 2>&1)"
check "stamp ran no SQL" "0" "$(sql migc_cli "SELECT count(*) FROM pg_tables WHERE tablename = 'agentsession'")"
if [ -n "$applied_before" ] && [ "$applied_before" = "$(sql migc_cli "$applied_rows")" ]; then
  echo "ok: stamp leaves the rows of revisions that stay applied as they were (when, and by what)"
else
  echo "FAILED: stamp rewrote rows it did not change:"; echo "$applied_before"; sql migc_cli "$applied_rows"; failures=$((failures + 1))
fi
check "and records the others as stamped" "3" "$(sql migc_cli "SELECT count(*) FROM migc_version WHERE migrator LIKE '%(stamp)'")"
"$migrate" stamp 001 >/dev/null 2>&1
check "stamping back removes only the rows that go" "001 smartem-migrate (migc" "$(sql migc_cli "SELECT revision || ' ' || migrator FROM migc_version")"
check "and keeps the row that stays" "$(head -n 1 <<<"$applied_before")" "$(sql migc_cli "$applied_rows")"
"$migrate" stamp base >/dev/null 2>&1

offline=$(env -u DATABASE_URL "$migrate" upgrade head --sql 2>&1); status=$?
check_status "upgrade --sql needs no database" 0 $status
check "upgrade --sql prints the DDL" "CREATE TABLE user_preferences" "$offline"
check "upgrade --sql records versions" "INSERT INTO migc_version (revision, checksum, migrator) VALUES ('004'" "$offline"
check "downgrade --sql needs a start" "needs a starting revision" "$(env -u DATABASE_URL "$migrate" downgrade base --sql 2>&1)"
check "downgrade --sql from:to" "DROP TABLE agentsession" "$(env -u DATABASE_URL "$migrate" downgrade head:base --sql 2>&1)"

out=$(env -u DATABASE_URL -u PGHOST -u PGDATABASE -u PGUSER -u PGPORT -u PGSERVICE -u PGHOSTADDR "$migrate" current 2>&1); status=$?
check_status "no database configured is a usage error" 2 $status
check "no database configured says so" "no database configured" "$out"
out=$("$migrate" --url "postgresql://smartem:hunter2@/smartem?host=/nonexistent" current 2>&1); status=$?
check_status "an unreachable server is a connection error" 3 $status
check "the database is named from libpq's reading of the URL" "cannot connect to database \`smartem\` as user \`smartem\` via socket in /nonexistent at port 5432" "$out"
if grep -q hunter2 <<<"$out"; then echo "FAILED: the password was printed"; failures=$((failures + 1)); else echo "ok: the password is never printed"; fi

# A revision that fails half-way leaves the database exactly at the previous revision.
fresh migc_cli_failing
out=$("$failing" --url "$server dbname=migc_cli_failing" upgrade head 2>&1); status=$?
check_status "a failing revision exits 1" 1 $status
check "the error names revision, file, line and SQLSTATE" "error: revision 002 (tests/chains/failing/002_breaks.mig:7): 22012 division by zero" "$out"
check "the failing revision ran once, not again to find its statement" "1" "$(sql migc_cli_failing "SELECT last_value FROM attempts")"
check "the error shows the statement" "statement: insert into keeper values (1 / 0)" "$out"
check "the database stays at the previous revision" "001" "$("$failing" --url "$server dbname=migc_cli_failing" current 2>&1)"
check "the failed revision's first statement was rolled back" "" "$(sql migc_cli_failing "SELECT to_regclass('half_done')")"

# The same in one transaction: the whole run is rolled back, and the message says so.
fresh migc_cli_failing_one
out=$("$failing" --url "$server dbname=migc_cli_failing_one" upgrade head --single-transaction 2>&1); status=$?
check_status "a failing revision in one transaction exits 1" 1 $status
check "the message says the whole run was rolled back" "the run was one transaction (--single-transaction): all of it was rolled back, and the database is where it was before the run" "$out"
check "and it was: the database is at base" "base" "$("$failing" --url "$server dbname=migc_cli_failing_one" current 2>&1)"
check "without the first revision's table" "t" "$(sql migc_cli_failing_one "SELECT to_regclass('keeper') IS NULL")"

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

# The version table records every applied revision with its checksum and the migrator build.
check "the version table records checksums" "$("$migrate" show 004 | sed -n 's/^Checksum: //p')" \
  "$(sql migc_cli_race "SELECT checksum FROM migc_version WHERE revision = '004'")"
check "the version table records the build" "smartem-migrate (migc" "$(sql migc_cli_race "SELECT DISTINCT migrator FROM migc_version")"

# An applied revision whose SQL differs from the plan's is refused, by name, unless overridden.
sql migc_cli_race "UPDATE migc_version SET checksum = 'edited' WHERE revision = '002'"
out=$(DATABASE_URL="$server dbname=migc_cli_race" "$migrate" upgrade head 2>&1); status=$?
check_status "an edited applied revision is refused" 5 $status
check "the edited revision is named" "revision 002 (migrations/002_add_acquisition_time_index.mig:3) was applied as edited" "$out"
out=$(DATABASE_URL="$server dbname=migc_cli_race" "$migrate" upgrade head --ignore-checksums 2>&1); status=$?
check_status "--ignore-checksums overrides" 0 $status
check "--ignore-checksums says so loudly" "warning: applied revisions were edited" "$out"

# A database the plan has never heard of at its recorded revision is refused.
sql migc_cli_race "INSERT INTO migc_version (revision, checksum, migrator) VALUES ('999', 'x', 'newer')"
out=$(DATABASE_URL="$server dbname=migc_cli_race" "$migrate" upgrade head 2>&1); status=$?
check_status "an unknown recorded revision is refused" 5 $status
check "the unknown revision is named" 'records revision `999`, which this migrator'"'"'s plan does not contain' "$out"

# Adopting an Alembic database: alembic_version at 002, schema built by Alembic (here: by us).
fresh migc_cli_alembic
alembic_db="$server dbname=migc_cli_alembic"
"$migrate" --url "$alembic_db" upgrade 002 >/dev/null 2>&1
sql migc_cli_alembic "DROP TABLE migc_version; DROP TABLE migc_history; CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('002')"
out=$("$migrate" --url "$alembic_db" upgrade head 2>&1); status=$?
check_status "an Alembic database is adopted" 0 $status
check "adoption is announced" "adopted a database migrated by Alembic, at 002" "$out"
check "adoption applies only what Alembic had not" "from 002 (2 revisions)" "$out"
check "alembic_version is kept up to date" "004" "$(sql migc_cli_alembic "SELECT version_num FROM alembic_version")"
"$migrate" --url "$alembic_db" downgrade -1 >/dev/null 2>&1
check "alembic_version follows a downgrade" "003" "$(sql migc_cli_alembic "SELECT version_num FROM alembic_version")"

# The offline script, run by psql as its header says, builds the same schema as upgrade.
fresh migc_cli_offline
env -u DATABASE_URL "$migrate" upgrade head --sql >/tmp/migc_offline.$$.sql
psql "$server dbname=migc_cli_offline" -X -q -v ON_ERROR_STOP=1 -f /tmp/migc_offline.$$.sql >/dev/null 2>&1
check_status "psql -f runs the offline script" 0 $?
dump() { "$bindir/pg_dump" --schema-only --no-owner --exclude-table='migc_*' "$server dbname=$1" | grep -v -E '^\\(un)?restrict|^--'; }
fresh migc_cli_online
"$migrate" --url "$server dbname=migc_cli_online" upgrade head >/dev/null 2>&1
if [ "$(dump migc_cli_offline)" = "$(dump migc_cli_online)" ]; then
  echo "ok: the offline script and upgrade build the same schema"
else
  echo "FAILED: the offline script and upgrade build different schemas"; failures=$((failures + 1))
fi
check "the offline script records every revision" "5" "$(sql migc_cli_offline "SELECT count(*) FROM migc_version")"
rm -f /tmp/migc_offline.$$.sql

# check: the live schema against the plan's at the recorded revision.
online="$server dbname=migc_cli_online"
out=$("$migrate" --url "$online" check 2>&1); status=$?
check_status "check on an untouched database" 0 $status
check "check says there is no drift" "matches the schema of revision 004 (head): no drift" "$out"
sql migc_cli_online "DROP INDEX idx_micrograph_acquisition_datetime; ALTER TABLE grid ADD COLUMN notes text;
  ALTER TABLE atlas ALTER COLUMN name TYPE text; ALTER TYPE gridstatus ADD VALUE 'ARCHIVED'"
out=$("$migrate" --url "$online" check 2>&1); status=$?
check_status "check exits 7 on drift" 7 $status
check "a missing index" "missing     index CREATE INDEX idx_micrograph_acquisition_datetime ON micrograph USING btree (acquisition_datetime)" "$out"
check "an extra column" "unexpected  column grid.notes text" "$out"
check "a changed type (expected)" "missing     column atlas.name character varying not null default ''::character varying" "$out"
check "a changed type (found)" "unexpected  column atlas.name text not null default ''::character varying" "$out"
check "an enum with other values" "unexpected  type gridstatus enum ('NONE', 'SCAN_STARTED', 'SCAN_COMPLETED', 'GRID_SQUARES_DECISION_STARTED', 'GRID_SQUARES_DECISION_COMPLETED', 'ARCHIVED')" "$out"
check "check --json" '"drift":true,"missing":[' "$("$migrate" --url "$online" --json check 2>&1)"
check "check changed nothing" "0" "$(sql migc_cli_online "SELECT count(*) FROM pg_namespace WHERE nspname = 'migc_check'")"

# Relative targets from a revision, history ranges, branches, JSON.
fresh migc_cli_more
more="$server dbname=migc_cli_more"
"$migrate" --url "$more" upgrade 001+2 >/dev/null 2>&1
check "upgrade <rev>+N" "002" "$("$migrate" --url "$more" current)"
"$migrate" --url "$more" downgrade 002-1 >/dev/null 2>&1
check "downgrade <rev>-N" "6e6302f1ccb6" "$("$migrate" --url "$more" current)"
range=$("$migrate" history -r 002:003)
check "history -r start:end" "$(printf '002 -> 003, Seed system configuration\n6e6302f1ccb6 -> 002, Add composite index for acquisition datetime queries')" "$range"
check "branches: none in a linear chain" "" "$("$migrate" branches)"
check "current --json" '"heads":["6e6302f1ccb6"],"applied":[{"revision":"001"' "$("$migrate" --url "$more" --json current)"
check "upgrade --json" '{"event":"revision_finished","revision":"002","operation":"upgrade"' "$("$migrate" --url "$more" --json upgrade head)"
check "errors in --json" '{"event":"error","message":"no revision `nope` in this plan","exit":5}' "$("$migrate" --url "$more" --json upgrade nope 2>&1)"
"$migrate" --url "$more" downgrade base --single-transaction >/dev/null 2>&1
check "downgrade --single-transaction" "base" "$("$migrate" --url "$more" current)"

# Rehearsals: the whole run against the real data, then rolled back.
fresh migc_cli_rehearse
rehearse="$server dbname=migc_cli_rehearse"
out=$("$migrate" --url "$rehearse" upgrade --rehearse 2>&1); status=$?
check_status "a rehearsal on an empty database succeeds" 0 $status
check "it reports every revision" "+ 004" "$out"
check "and says it rolled back" "rehearsal done: every revision from base to 004 (head) ran; all of it was rolled back" "$out"
check "it leaves not even the version tables behind" "0" "$(sql migc_cli_rehearse "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
"$migrate" --url "$rehearse" upgrade 002 >/dev/null 2>&1
sql migc_cli_rehearse "INSERT INTO user_preferences (id, user_id, preference_key) VALUES (1, 'someone', 'theme')"
out=$("$migrate" --url "$rehearse" upgrade --rehearse 2>&1); status=$?
check_status "a rehearsal that meets conflicting data fails" 1 $status
check "naming the revision and the server's error" "revision 003 (migrations/003_seed_system_config.mig:6): 23505 duplicate key value" "$out"
check "and saying nothing was changed" "this was a rehearsal: everything it ran was rolled back" "$out"
check "the database is still where it was" "002" "$("$migrate" --url "$rehearse" current)"
check "with its rows" "1" "$(sql migc_cli_rehearse "SELECT count(*) FROM user_preferences")"
out=$("$migrate" --url "$rehearse" downgrade base --rehearse 2>&1); status=$?
check_status "downgrades rehearse too" 0 $status
check "and stay where they were" "002" "$("$migrate" --url "$rehearse" current)"
fresh migc_cli_rehearse_every
out=$("$every" --url "$server dbname=migc_cli_rehearse_every" upgrade --rehearse 2>&1); status=$?
check_status "a rehearsal refuses a concurrent index build" 5 $status
check "and says why" "revision 008 builds or drops an index \`concurrently\`" "$out"

# Rows revision 095 writes under an initially deferred key, their table altered by 096: a run in
# one transaction checks them at the end of 095, as its commit would, not with the ALTER pending
# (55006 "pending trigger events").
fresh migc_cli_deferred
deferred="$server dbname=migc_cli_deferred"
"$every" --url "$deferred" upgrade 094 >/dev/null 2>&1
out=$("$every" --url "$deferred" upgrade 096 --rehearse 2>&1); status=$?
check_status "a rehearsal runs past rows under a deferred key" 0 $status
check "to 096" "every revision from 094 to 096" "$out"
out=$("$every" --url "$deferred" upgrade 096 --single-transaction 2>&1); status=$?
check_status "so does --single-transaction" 0 $status
check "which commits it" "096" "$("$every" --url "$deferred" current)"
check "with the rows" "1|1 2|1" "$(sql migc_cli_deferred "SELECT id, dock_id FROM berth ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
out=$("$every" --url "$deferred" downgrade 094 --single-transaction 2>&1); status=$?
check_status "and downgrades in one transaction" 0 $status
"$every" upgrade 094:096 --sql --single-transaction >/tmp/migc_deferred.$$.sql 2>&1
psql "$deferred" -XqAt -v ON_ERROR_STOP=1 -f /tmp/migc_deferred.$$.sql >/dev/null 2>&1; status=$?
check_status "psql runs the offline script in one transaction" 0 $status
check "to the head" "096" "$("$every" --url "$deferred" current)"
"$every" --url "$deferred" downgrade 094 >/dev/null 2>&1
# A row 095 writes that its deferred key refuses: the error is 095's, as revision by revision.
sql migc_cli_deferred "DELETE FROM berth; DELETE FROM dock"
out=$("$every" --url "$deferred" upgrade 096 --single-transaction 2>&1); status=$?
check_status "a deferred key's violation fails the run" 1 $status
check "told against the revision that wrote the row" "error: revision 095 (tests/chains/every_operation/095_rows_under_a_deferred_key.mig:1): 23503 insert or update on table \"berth\" violates foreign key constraint \"berth_dock_id_fkey\"" "$out"
check "nothing stays" "094" "$("$every" --url "$deferred" current)"
out=$("$every" --url "$deferred" upgrade 096 --single-transaction 2>&1 | grep -c "DO \$migc"); 
check "the migrator's own statement is not shown" "0" "$out"
rm -f /tmp/migc_deferred.$$.sql

# One chain per tenant schema, owned by a role of its own.
fresh migc_cli_tenants
tenants="$server dbname=migc_cli_tenants"
sql migc_cli_tenants "CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b; DROP ROLE IF EXISTS migc_cli_owner; CREATE ROLE migc_cli_owner; GRANT CREATE ON SCHEMA tenant_a TO migc_cli_owner"
out=$("$migrate" --url "$tenants" --schema tenant_a --role migc_cli_owner upgrade 2>&1); status=$?
check_status "a role without USAGE on the schema is refused" 2 $status
check "with the GRANT that fixes it" "role migc_cli_owner may not use schema \`tenant_a\`: GRANT USAGE, CREATE ON SCHEMA tenant_a TO migc_cli_owner" "$out"
sql migc_cli_tenants "GRANT USAGE ON SCHEMA tenant_a TO migc_cli_owner"
check "tenant a upgrades to head, as its owner" "now at 004 (head)" "$("$migrate" --url "$tenants" --schema tenant_a --role migc_cli_owner upgrade 2>&1)"
check "tenant b upgrades to 002 only" "now at 002" "$("$migrate" --url "$tenants" --schema tenant_b upgrade 002 2>&1)"
check "each tenant has its own revision" "002" "$("$migrate" --url "$tenants" --schema tenant_b current 2>&1)"
check "and its own tables" "tenant_a|migc_cli_owner|19 tenant_b|postgres|15" "$(sql migc_cli_tenants "SELECT schemaname, tableowner, count(*) FROM pg_tables WHERE schemaname LIKE 'tenant%' GROUP BY 1, 2 ORDER BY 1" | tr '\n' ' ')"
check "nothing went to public" "0" "$(sql migc_cli_tenants "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
check "check compares the tenant's schema, as the login user even with --role" \
  "(schema tenant_a) matches the schema of revision 004 (head): no drift" \
  "$("$migrate" --url "$tenants" --schema tenant_a --role migc_cli_owner check 2>&1)"
out=$("$migrate" --url "$tenants" --schema tenant_c current 2>&1); status=$?
check_status "a missing schema is refused" 2 $status
check "and named" "schema \`tenant_c\` does not exist" "$out"
sql migc_cli_tenants "DROP OWNED BY migc_cli_owner; DROP ROLE migc_cli_owner" >/dev/null 2>&1

# A conflicting lock: the lock timeout fires, and the migrator retries within its bound.
fresh migc_cli_locks
locks="$server dbname=migc_cli_locks"
"$migrate" --url "$locks" upgrade 6e6302f1ccb6 >/dev/null 2>&1
psql "$locks" -Xq -c "BEGIN; LOCK TABLE gridsquare IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT;" >/dev/null 2>&1 &
holder=$!
wait_for_sleeper "$locks"
out=$("$migrate" --url "$locks" --lock-timeout 100ms --retries 0 upgrade +1 2>&1); status=$?
check_status "with no retries, a lock timeout fails the revision" 1 $status
check "the lock timeout is named" "55P03 canceling statement due to lock timeout" "$out"
check "nothing was applied" "6e6302f1ccb6" "$("$migrate" --url "$locks" current)"
# A holder of its own: under load (sanitizers) the first one's sleep could end before this
# run reaches the table, and there would be nothing to retry.
wait $holder
psql "$locks" -Xq -c "BEGIN; LOCK TABLE gridsquare IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT;" >/dev/null 2>&1 &
holder=$!
wait_for_sleeper "$locks"
out=$("$migrate" --url "$locks" --lock-timeout 200ms --retries 4 upgrade +1 2>&1); status=$?
check_status "with retries, the revision goes through once the lock is released" 0 $status
check "the retries are reported" "lock retr" "$out"
wait $holder

# Live traffic is never blocked for longer than the migrator's lock timeout. A reader holds
# `session` for 3 s; the migrator queues for its exclusive lock; a second reader queues behind
# the migrator. When the migrator's 300 ms lock timeout fires it steps aside, and the second
# reader gets through long before the first lets go.
fresh migc_cli_traffic
traffic="$server dbname=migc_cli_traffic"
"$every" --url "$traffic" upgrade 001 >/dev/null 2>&1
psql "$traffic" -Xq -c "BEGIN; SELECT count(*) FROM session; SELECT pg_sleep(3); COMMIT;" >/dev/null 2>&1 &
reader=$!
wait_for_sleeper "$traffic"
"$every" --url "$traffic" --lock-timeout 300ms --retries 0 upgrade +1 >/tmp/migc_traffic.$$ 2>&1 &
migrator=$!
sleep 0.1
start=$(date +%s%N)
psql "$traffic" -XAtq -c "SELECT count(*) FROM session" >/dev/null
blocked_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait $migrator; migrator_status=$?
wait $reader
check_status "the migrator gave up on the lock and changed nothing" 1 $migrator_status
check "nothing was applied" "001" "$("$every" --url "$traffic" current)"
if [ "$blocked_ms" -lt 2000 ]; then
  echo "ok: the other client waited $blocked_ms ms behind the migrator, not the 3 s the table was held"
else
  echo "FAILED: the other client was blocked for $blocked_ms ms"; failures=$((failures + 1))
fi
rm -f /tmp/migc_traffic.$$

# An interrupted `create index concurrently` leaves an INVALID index; the next upgrade builds it again.
fresh migc_cli_invalid
invalid="$server dbname=migc_cli_invalid"
"$every" --url "$invalid" upgrade 007 >/dev/null 2>&1
sql migc_cli_invalid "CREATE INDEX idx_session_operator ON acquisition_session (operator_name); UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_session_operator'::regclass"
out=$("$every" --url "$invalid" upgrade 008 2>&1); status=$?
check_status "an interrupted concurrent index is built again" 0 $status
check "the index is valid now" "t" "$(sql migc_cli_invalid "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_session_operator'::regclass")"
# The server finished the build after the migrator was gone: the next run records it.
"$every" --url "$invalid" downgrade 007 >/dev/null 2>&1
sql migc_cli_invalid "CREATE INDEX CONCURRENTLY idx_session_operator ON acquisition_session USING btree (operator_name)"
out=$("$every" --url "$invalid" upgrade 008 2>&1); status=$?
check_status "a concurrent index the server finished is taken as built" 0 $status
check "and recorded" "008" "$("$every" --url "$invalid" current)"
# An index of that name that is not the plan's is not taken for it.
"$every" --url "$invalid" downgrade 007 >/dev/null 2>&1
sql migc_cli_invalid "CREATE INDEX idx_session_operator ON acquisition_session USING btree (operator_name DESC)"
out=$("$every" --url "$invalid" upgrade 008 2>&1); status=$?
check_status "another index of the same name stops the upgrade" 5 $status
check "naming both definitions" "expected: CREATE INDEX idx_session_operator ON acquisition_session USING btree (operator_name)" "$out"
check "and nothing is recorded" "007" "$("$every" --url "$invalid" current)"
# A concurrent drop the server finished: the next run records it.
sql migc_cli_invalid "DROP INDEX idx_session_operator"
"$every" --url "$invalid" upgrade 008 >/dev/null 2>&1
sql migc_cli_invalid "DROP INDEX idx_session_operator"
out=$("$every" --url "$invalid" downgrade 007 2>&1); status=$?
check_status "a concurrent drop the server finished is taken as done" 0 $status
check "and recorded" "007" "$("$every" --url "$invalid" current)"
# The same index name in another tenant's schema is not this chain's.
sql migc_cli_invalid "CREATE SCHEMA other; CREATE TABLE other.acquisition_session (operator_name text); CREATE INDEX idx_session_operator ON other.acquisition_session (operator_name)"
out=$("$every" --url "$invalid" upgrade 008 2>&1); status=$?
check_status "an index of another schema does not count" 0 $status
check "the chain's own index is built" "public" "$(sql migc_cli_invalid "SELECT schemaname FROM pg_indexes WHERE indexname = 'idx_session_operator' AND schemaname = 'public'")"

# A step `outside transaction` (every_operation 060: reindex, vacuum, analyze): each statement
# runs on its own. One that fails leaves those before it done and the revision unrecorded, and
# the next run runs the step again from its first statement.
fresh migc_cli_outside
outside="$server dbname=migc_cli_outside"
"$every" --url "$outside" upgrade 071 >/dev/null 2>&1
index_file="SELECT relfilenode FROM pg_class WHERE relname = 'ledger_open'"
built=$(sql migc_cli_outside "$index_file")
sql migc_cli_outside "ALTER TABLE ledger RENAME COLUMN label TO label_away"
out=$("$every" --url "$outside" upgrade 060 2>&1); status=$?
check_status "a statement outside a transaction that fails stops the upgrade" 1 $status
check "naming the revision, its line and the server's error" "060_outside_transaction.mig:5): 42703" "$out"
check "and the statement" "statement: analyze ledger (label)" "$out"
check "saying the statements before it stay done" "the statements of its step outside a transaction before this one ran and stay done, and the next upgrade of it runs the step again from its first statement" "$out"
reindexed=$(sql migc_cli_outside "$index_file")
if [ -n "$built" ] && [ "$built" != "$reindexed" ]; then
  echo "ok: the reindex before the failing statement ran, and stayed done"
else
  echo "FAILED: the index was not rebuilt before the failing statement ($built, $reindexed)"; failures=$((failures + 1))
fi
check "the revision is not recorded" "071" "$("$every" --url "$outside" current 2>&1)"
sql migc_cli_outside "ALTER TABLE ledger RENAME COLUMN label_away TO label"
out=$("$every" --url "$outside" upgrade 060 2>&1); status=$?
check_status "the next upgrade runs the step again" 0 $status
check "and records it" "060" "$("$every" --url "$outside" current 2>&1)"
if [ "$(sql migc_cli_outside "$index_file")" != "$reindexed" ]; then
  echo "ok: the step ran again from its first statement"
else
  echo "FAILED: the reindex did not run again"; failures=$((failures + 1))
fi
out=$("$every" --url "$outside" downgrade 071 2>&1); status=$?
check_status "maintenance has an empty down" 0 $status
check "and is downgraded past" "071" "$("$every" --url "$outside" current 2>&1)"
out=$("$every" --url "$outside" upgrade 060 --rehearse 2>&1); status=$?
check_status "a rehearsal refuses a step outside a transaction" 5 $status
check "and says why" "revision 060 has a step \`outside transaction\`, which PostgreSQL runs only outside a transaction" "$out"
# The offline script sends each statement on its own before the revision's BEGIN: psql runs it.
"$every" upgrade --sql 071:060 >/tmp/migc_outside.$$.sql 2>&1
psql "$outside" -XqAt -v ON_ERROR_STOP=1 -f /tmp/migc_outside.$$.sql >/dev/null 2>&1; status=$?
check_status "psql runs the offline script of a step outside a transaction" 0 $status
check "which records the revision" "060" "$("$every" --url "$outside" current 2>&1)"
rm -f /tmp/migc_outside.$$.sql

# The connection drops while COMMIT is in flight: the migrator cannot know, and says so.
fresh migc_cli_doubt
doubt="$server dbname=migc_cli_doubt"
out=$(MIGC_FAULT_DROP_AT_COMMIT=002 "$faults" --url "$doubt" upgrade head 2>&1); status=$?
check_status "a connection lost at COMMIT exits 6" 6 $status
check "it is reported as in doubt" "the connection was lost while running and committing revision 002" "$out"
check "current tells where the database is" "6e6302f1ccb6" "$("$migrate" --url "$doubt" current)"
check "running again completes the upgrade" "now at 004 (head)" "$("$migrate" --url "$doubt" upgrade head 2>&1)"

# stamp --purge replaces records the plan does not know; heads shows the chain's head.
sql migc_cli_doubt "INSERT INTO migc_version (revision, checksum, migrator) VALUES ('999', 'x', 'newer')"
check_status "plain stamp refuses an unknown record" 5 "$("$migrate" --url "$doubt" stamp 003 >/dev/null 2>&1; echo $?)"
"$migrate" --url "$doubt" stamp --purge 003 >/dev/null 2>&1
check "stamp --purge" "003" "$("$migrate" --url "$doubt" current)"
check "heads" "004 (head)" "$("$migrate" heads)"

# --ephemeral: a throwaway server for one command, gone afterwards.
out=$(env -u DATABASE_URL "$migrate" --ephemeral upgrade 2>&1); status=$?
check_status "--ephemeral upgrade" 0 $status
check "--ephemeral says what it did" "started a throwaway PostgreSQL" "$out"
check "--ephemeral upgrades to head" "now at 004 (head)" "$out"
ephemeral=$(sed -n 's/.*started a throwaway PostgreSQL [0-9]* on \(.*\); it is deleted.*/\1/p' <<<"$out")
if [ -n "$ephemeral" ] && [ ! -e "$ephemeral" ]; then
  echo "ok: --ephemeral leaves no directory behind"
else
  echo "FAILED: --ephemeral left [$ephemeral] behind"; failures=$((failures + 1))
fi

# Another migrator holding the lock: wait up to --lock-wait, then a clear message and exit 4.
psql "$doubt" -Xq -c "SELECT pg_advisory_lock(7883946299189129059); SELECT pg_sleep(2);" >/dev/null 2>&1 &
holder=$!
wait_for_sleeper "$doubt"
out=$("$migrate" --url "$doubt" --lock-wait 0.3 upgrade head 2>&1); status=$?
check_status "a migrator that cannot get the lock exits 4" 4 $status
check "the lock wait is explained" "holds the migration lock on database \`migc_cli_doubt\`; gave up after 300 ms" "$out"
check "naming who holds it" "another migrator (pid " "$out"
wait $holder
check "current -v" "Applied: " "$("$migrate" --url "$doubt" current -v)"

# A longer wait is not silent: after a second the migrator says who holds the lock; and it
# shows up in pg_stat_activity under its own name.
fresh migc_cli_wait
wait_db="$server dbname=migc_cli_wait"
psql "$wait_db application_name=lock_holder_app" -Xq -c "SELECT pg_advisory_lock(7883946299189129059)" -c "SELECT pg_sleep(120)" \
  >/dev/null 2>&1 &
holder=$!
# Polls until the query answers something other than 0 (at most 30 s): its last answer.
poll() { local answer; for _ in $(seq 300); do answer=$(sql migc_cli_wait "$1"); [ "$answer" != 0 ] && break; sleep 0.1; done; echo "$answer"; }
poll "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = 'migc_cli_wait')" >/dev/null
"$migrate" --url "$wait_db" --lock-wait 60 upgrade head >/tmp/migc_cli_wait.$$ 2>&1 &
waiter=$!
for _ in $(seq 300); do grep -q "waiting for the migration lock" /tmp/migc_cli_wait.$$ && break; sleep 0.1; done
check "the waiting migrator is named in pg_stat_activity" 1 \
  "$(poll "SELECT count(*) FROM pg_stat_activity WHERE datname = 'migc_cli_wait' AND application_name = 'smartem-migrate' AND wait_event_type = 'Lock'")"
sql migc_cli_wait "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lock_holder_app'" >/dev/null
wait $waiter; status=$?
wait $holder
out=$(cat /tmp/migc_cli_wait.$$); rm -f /tmp/migc_cli_wait.$$
check_status "the migrator got the lock once it was free" 0 $status
check "and said who held it while it waited" "waiting for the migration lock on database \`migc_cli_wait\`" "$out"
check "naming the holder's pid and application" ", lock_holder_app, connected since " "$out"
check "the upgrade went on after the wait" "now at 004 (head)" "$out"

# A revision's own timeouts, from its header.
script=$(env -u DATABASE_URL "$every" upgrade 008:009 --sql)
check "a revision's lock timeout" "SET LOCAL lock_timeout = '2s';" "$script"
check "a revision's statement timeout" "SET LOCAL statement_timeout = '10min';" "$script"

# Branches and merges: one branch at a time, two heads at once, then the merge.
fresh migc_cli_branches
branches="$server dbname=migc_cli_branches"
check "branches shows the branch point" "001 (branchpoint) -> 002, 003" "$("$branched" branches)"
"$branched" --url "$branches" upgrade 002 >/dev/null 2>&1
check "one branch applied" "002" "$("$branched" --url "$branches" current)"
"$branched" --url "$branches" upgrade 003 >/dev/null 2>&1
check "both branches applied: two current revisions" "002, 003" "$("$branched" --url "$branches" current)"
"$branched" --url "$branches" upgrade head >/dev/null 2>&1
check "the merge applied" "004 (head)" "$("$branched" --url "$branches" current)"
"$branched" --url "$branches" downgrade -1 >/dev/null 2>&1
check "reverting the merge leaves both branches" "002, 003" "$("$branched" --url "$branches" current)"
"$branched" --url "$branches" downgrade 002 >/dev/null 2>&1
check "downgrading to one branch reverts the other" "002" "$("$branched" --url "$branches" current)"

# Bad runtime input: each gets one clear line, a documented exit status, and changes nothing.
sql postgres "DROP ROLE IF EXISTS migc_pw; CREATE ROLE migc_pw LOGIN PASSWORD 'right-one'"
socket=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server")
out=$("$migrate" --url "postgresql://migc_pw:wrong-one@/postgres?host=$socket" current 2>&1); status=$?
check_status "a wrong password is a connection error" 3 $status
check "the failure is named" 'password authentication failed for user "migc_pw"' "$out"
if grep -q "wrong-one" <<<"$out"; then echo "FAILED: the wrong password was printed"; failures=$((failures + 1)); else echo "ok: the wrong password is masked"; fi
check "one line" "1" "$(grep -c 'error:' <<<"$out")"

fresh migc_cli_readonly
sql migc_cli_readonly "ALTER DATABASE migc_cli_readonly SET default_transaction_read_only = on"
out=$("$migrate" --url "$server dbname=migc_cli_readonly" upgrade head 2>&1); status=$?
check_status "a read-only database fails cleanly" 1 $status
check "the read-only failure is named" "25006 cannot execute CREATE TABLE in a read-only transaction" "$out"
check "nothing was created" "0" "$(sql migc_cli_readonly "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"

fresh migc_cli_irreversible
irr="$server dbname=migc_cli_irreversible"
"$irreversible" --url "$irr" upgrade head >/dev/null 2>&1
out=$("$irreversible" --url "$irr" downgrade base 2>&1); status=$?
check_status "a downgrade past an irreversible revision is refused" 5 $status
check "the irreversible revision is named" "revision 002 (tests/chains/irreversible/002_normalise.mig:1) is irreversible: nothing was downgraded" "$out"
check "nothing was downgraded" "002 (head)" "$("$irreversible" --url "$irr" current)"
check "show says so" "Reversible: no" "$("$irreversible" show 002)"

# The migrator alone in an empty directory: no migration files, nothing beside it.
alone=$(mktemp -d)
cp "$migrate" "$alone/"
(cd "$alone" && ./smartem-migrate history >/dev/null && ./smartem-migrate upgrade --sql >/dev/null)
check_status "the migrator runs alone in an empty directory" 0 $?
libraries=$(ldd "$alone/smartem-migrate")
if [ "${MIGC_STATIC_RUNTIME:-1}" != 1 ]; then
  echo "ok: (a sanitizer build: its runtime is dynamic, so the library check is skipped)"
elif grep -qE 'libfmt|libstdc\+\+|libgcc_s' <<<"$libraries"; then
  echo "FAILED: the migrator needs more than libc and libpq:"; echo "$libraries"; failures=$((failures + 1))
else
  echo "ok: the migrator needs only libc and libpq (and libpq's own libraries)"
fi
rm -rf "$alone"

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
