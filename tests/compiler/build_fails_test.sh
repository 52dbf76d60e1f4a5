#!/usr/bin/env bash
# Deleting the root revision's file must fail compilation, naming the orphaned revision.
# usage: build_fails_test.sh <migc> <migrations dir>
set -u
migc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$2"/*.mig "$work"/
rm "$work"/001_*.mig
output=$("$migc" check "$work" 2>&1)
status=$?
printf '%s\n' "$output"
[ "$status" -eq 1 ] || { echo "FAILED: migc exited $status, expected 1"; exit 1; }
grep -qF "6e6302f1ccb6_core_smartem_schema.mig:4:33: error: revision \`6e6302f1ccb6\` revises \`001\`, which does not exist [UnknownParent]" <<<"$output" \
  || { echo "FAILED: the orphaned revision is not named"; exit 1; }
echo "ok: deleting 001 fails with a message naming 6e6302f1ccb6"

# A lint is a warning (exit 0) until --werror makes it an error (exit 1).
lint=$(mktemp -d)
trap 'rm -rf "$work" "$lint"' EXIT
printf "revision '001' revises base;\ncreate table t (id integer primary key, a integer);\n" >"$lint/001_root.mig"
printf "revision '002' revises '001';\ncreate index t_a on t (a);\n" >"$lint/002_index.mig"
"$migc" check "$lint" >/dev/null 2>&1 || { echo "FAILED: a lint alone failed the check"; exit 1; }
output=$("$migc" check --werror "$lint" 2>&1)
[ $? -eq 1 ] || { echo "FAILED: --werror did not fail on a lint"; exit 1; }
grep -qF "002_index.mig:2:14: error: building index \`t_a\` without \`concurrently\`" <<<"$output" \
  || { echo "FAILED: --werror did not report the lint as an error: $output"; exit 1; }
echo "ok: --werror turns lints into errors"

# A build with a lock file lints only the revisions it does not list: a released revision's
# warnings were seen while it was written, and are not repeated by every build after.
released=$(mktemp -d)
trap 'rm -rf "$work" "$lint" "$released"' EXIT
mkdir "$released/migrations"
cp "$lint"/*.mig "$released/migrations/"
output=$("$migc" compile --name t --lock-file "$released/revisions.lock" --update-lock "$released/migrations" 2>&1)
grep -qF "002_index.mig:2:14: warning: building index \`t_a\`" <<<"$output" || { echo "FAILED: a revision not yet locked was not linted: $output"; exit 1; }
grep -q "^002 " "$released/revisions.lock" || { echo "FAILED: 002 was not locked: $(cat "$released/revisions.lock")"; exit 1; }
echo "ok: a revision not yet locked is linted"
output=$("$migc" compile --name t --werror --lock-file "$released/revisions.lock" "$released/migrations" 2>&1)
[ $? -eq 0 ] || { echo "FAILED: --werror failed on the lint of a locked revision: $output"; exit 1; }
[ -z "$output" ] || { echo "FAILED: a locked revision's lint was repeated: $output"; exit 1; }
echo "ok: once locked, its lint is not repeated, and --werror passes"
printf "revision '003' revises '002';\ncreate index t_id_a on t (id, a);\n" >"$released/migrations/003_more.mig"
output=$("$migc" compile --name t --werror --lock-file "$released/revisions.lock" "$released/migrations" 2>&1)
[ $? -eq 1 ] || { echo "FAILED: --werror passed a new revision's lint: $output"; exit 1; }
grep -qF "003_more.mig:2:14: error: building index \`t_id_a\`" <<<"$output" || { echo "FAILED: the new revision's lint is not an error: $output"; exit 1; }
if grep -qF "002_index.mig" <<<"$output"; then echo "FAILED: the locked revision's lint came back: $output"; exit 1; fi
echo "ok: a new revision's lint is reported (an error with --werror), the locked one's not"
output=$("$migc" check "$released/migrations" 2>&1)
grep -qF "002_index.mig:2:14: warning" <<<"$output" || { echo "FAILED: migc check no longer lints a locked revision: $output"; exit 1; }
echo "ok: migc check still lints every revision"

# Every check of `compile` reports into one count, and nothing is written while any fails: no
# plan beside a changed locked revision, a stale schema.sql or a model the head does not match.
checks=$(mktemp -d)
trap 'rm -rf "$work" "$lint" "$checks"' EXIT
mkdir "$checks/migrations" "$checks/model" "$checks/out"
printf "revision '001' revises base;\ncreate table t (id integer primary key);\n" >"$checks/migrations/001_root.mig"
printf "create table t (id integer primary key, note text);\n" >"$checks/model/app.mig"
printf "001 0000000000000000\n" >"$checks/revisions.lock"
printf "stale\n" >"$checks/schema.sql"
output=$("$migc" compile --name t --out-dir "$checks/out" --lock-file "$checks/revisions.lock" --schema-sql "$checks/schema.sql" \
           --model "$checks/model" "$checks/migrations" 2>&1)
[ $? -eq 1 ] || { echo "FAILED: compile with three failing checks did not exit 1: $output"; exit 1; }
for kind in LockedRevisionChanged StaleGenerated ModelDrift; do
  grep -qF "[$kind]" <<<"$output" || { echo "FAILED: $kind is not reported: $output"; exit 1; }
done
grep -qxF "migc: 3 error(s); nothing generated" <<<"$output" || { echo "FAILED: the count does not cover every check: $output"; exit 1; }
[ -z "$(ls -A "$checks/out")" ] || { echo "FAILED: compile wrote $(ls "$checks/out") although checks failed"; exit 1; }
echo "ok: failing checks are counted together, and nothing is generated"

# Locking new revisions while a locked one changed adds nothing to the lock file.
printf "revision '002' revises '001';\ncreate table u (id integer);\n" >"$checks/migrations/002_next.mig"
"$migc" compile --name t --lock-file "$checks/revisions.lock" --update-lock "$checks/migrations" >/dev/null 2>&1
[ $? -eq 1 ] || { echo "FAILED: --update-lock passed with a changed locked revision"; exit 1; }
[ "$(cat "$checks/revisions.lock")" = "001 0000000000000000" ] || { echo "FAILED: the lock file was rewritten: $(cat "$checks/revisions.lock")"; exit 1; }
echo "ok: a lock file is not updated while a locked revision changed"
